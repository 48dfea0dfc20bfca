// Shared set-up for the server tests: a temporary directory that removes
// itself, the store a test runs on (a SQLite file, or a fresh PostgreSQL
// database when SLS_TEST_POSTGRES names a server), and a running server on
// 127.0.0.1 with a manual clock.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/assertion_keys.hpp"
#include "server/clock.hpp"
#include "server/config.hpp"
#include "server/enrolment.hpp"
#include "server/http_api.hpp"
#include "server/keyring.hpp"
#include "server/service.hpp"
#include "server/sms_gateway.hpp"
#include "server/store_open.hpp"
#include "sls/json.hpp"

namespace sls::server::testing {

/// A fresh directory under the system's temporary directory, removed with
/// everything in it on destruction, after the clean-ups registered with
/// at_end() (newest first: the PostgreSQL databases test_database made).
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "sls-server-test-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() {
    for (auto it = at_end_.rbegin(); it != at_end_.rend(); ++it) (*it)();
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  /// Runs `fn` when this directory is removed (the test's end).
  void at_end(std::function<void()> fn) const { at_end_.push_back(std::move(fn)); }

 private:
  std::filesystem::path path_;
  mutable std::vector<std::function<void()>> at_end_;
};

/// The PostgreSQL server the tests run on: the URL in env SLS_TEST_POSTGRES,
/// else the URL in the file env SLS_TEST_POSTGRES_URL_FILE names (what the
/// CTest fixture's throwaway server writes); empty: the tests run on SQLite.
inline std::string test_postgres_url() {
  if (const char* url = std::getenv("SLS_TEST_POSTGRES"); url != nullptr && *url != '\0') return url;
  if (const char* file = std::getenv("SLS_TEST_POSTGRES_URL_FILE"); file != nullptr && *file != '\0') {
    std::ifstream in(file);
    std::string url;
    if (!std::getline(in, url) || url.empty())
      throw std::runtime_error(std::string("SLS_TEST_POSTGRES_URL_FILE: no URL in ") + file);
    return url;
  }
  return {};
}

/// Whether this run's stores are PostgreSQL databases.
inline bool on_postgres() { return !test_postgres_url().empty(); }

/// Skips a test that checks something only a SQLite file has (its file
/// modes, its locks, its pragmas), saying so in the test's output.
#define SLS_SQLITE_ONLY(why) \
  if (::sls::server::testing::on_postgres()) GTEST_SKIP() << "SQLite only: " << (why)

/// Skips a test of something only PostgreSQL has (its server processes,
/// several nodes on one database).
#define SLS_POSTGRES_ONLY(why) \
  if (!::sls::server::testing::on_postgres()) GTEST_SKIP() << "PostgreSQL only: " << (why)

/// `url` naming the database `name` instead of its own.
inline std::string url_with_database(const std::string& url, const std::string& name) {
  const auto query = url.find('?');
  const auto slash = url.rfind('/', query);
  if (slash == std::string::npos || slash < url.find("://") + 3) return url + "/" + name;
  return url.substr(0, slash + 1) + name + (query == std::string::npos ? std::string() : url.substr(query));
}

/// One libpq connection for the tests' own statements (creating and
/// dropping databases, reading rows the way an auditor would).
class PgSession {
 public:
  explicit PgSession(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string why = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw std::runtime_error("PostgreSQL " + url + ": " + why);
    }
  }
  ~PgSession() { PQfinish(conn_); }
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  /// Runs `sql` (parameters `?1`, `?2`... as the store writes them, bound
  /// as text); the rows' text values, row by row. Throws on an error.
  std::vector<std::vector<std::string>> query(std::string sql, const std::vector<std::string>& params = {}) {
    for (std::size_t i = 0; i < sql.size(); ++i)
      if (sql[i] == '?' && i + 1 < sql.size() && sql[i + 1] >= '1' && sql[i + 1] <= '9') sql[i] = '$';
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PGresult* r =
        PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    const auto status = PQresultStatus(r);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      const std::string why = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error(sql + ": " + why);
    }
    std::vector<std::vector<std::string>> rows(static_cast<std::size_t>(PQntuples(r)));
    for (int row = 0; row < PQntuples(r); ++row)
      for (int col = 0; col < PQnfields(r); ++col)
        rows[static_cast<std::size_t>(row)].emplace_back(PQgetvalue(r, row, col));
    PQclear(r);
    return rows;
  }

 private:
  PGconn* conn_;
};

/// The store a test runs on: the file "slsd.sqlite" in `dir`, or, when the
/// tests run on PostgreSQL, the URL of a new empty database on that server,
/// dropped (with any connection still open to it) when `dir` is removed.
inline std::string test_database(const TempDir& dir) {
  const std::string server = test_postgres_url();
  if (server.empty()) return dir.file("slsd.sqlite");
  static std::atomic<int> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  const std::string name = "sls_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
                           std::to_string(static_cast<std::uint64_t>(now) % 1000000007ULL);
  PgSession(server).query("CREATE DATABASE " + name);
  dir.at_end([server, name] {
    try {
      PgSession(server).query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "dropping " << name << ": " << e.what();
    }
  });
  return url_with_database(server, name);
}

/// The first column of the first row of `sql` as an integer (0 without a
/// row), on the store `db` names: what a test reads behind the server's back.
inline std::int64_t query_int(const std::string& db, const std::string& sql,
                              const std::vector<std::string>& params = {}) {
  if (is_postgres_url(db)) {
    auto rows = PgSession(db).query(sql, params);
    return rows.empty() || rows[0].empty() ? 0 : std::stoll(rows[0][0]);
  }
  sqlite3* conn = nullptr;
  if (sqlite3_open_v2(db.c_str(), &conn, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(conn);
    throw std::runtime_error("sqlite open " + db);
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(conn, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    const std::string why = sqlite3_errmsg(conn);
    sqlite3_close(conn);
    throw std::runtime_error(sql + ": " + why);
  }
  for (std::size_t i = 0; i < params.size(); ++i)
    sqlite3_bind_text(st, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  std::int64_t out = 0;
  const int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) out = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(conn);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw std::runtime_error(sql + ": step failed");
  return out;
}

/// 2026-01-05 09:00:00 UTC, a Monday.
inline constexpr std::int64_t kStartTime = 1767603600;

/// The test configuration: cheap Argon2id, every client on 127.0.0.1 with
/// an ample failure budget (tests of the per-address budget set their own),
/// everything else at its default.
inline ServiceConfig test_service_config() {
  ServiceConfig c;
  c.password = PasswordPolicy::fastest_for_tests();
  c.origin = "https://login.example.com";
  c.failures_per_address.burst = 100000;
  return c;
}

inline HttpConfig test_http_config() {
  HttpConfig c;
  c.port = 0;
  c.threads = 4;
  c.demo = true;
  c.rate_limit.burst = 10000;
  c.rate_limit.per_second = 1000;
  c.back_office_rate_limit.burst = 10000;
  c.back_office_rate_limit.per_second = 1000;
  // Every test client connects from 127.0.0.1; the cap itself is tested with
  // its default in http_abuse_test.cpp.
  c.max_connections_per_address = 256;
  return c;
}

/// A reply as the tests read it.
struct Reply {
  int status = 0;
  JsonValue body;
  httplib::Headers headers;
  std::string raw;

  std::string code() const {
    const JsonValue* e = body.find("error");
    auto c = e != nullptr ? e->get_string("code") : std::nullopt;
    return c ? std::string(*c) : std::string();
  }
  std::string str(std::string_view key) const {
    auto v = body.get_string(key);
    return v ? std::string(*v) : std::string();
  }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

/// The session cookie's value a /complete reply sets ("" when none).
inline std::string cookie_of(const Reply& done) {
  const std::string c = done.header("Set-Cookie");
  const std::string pair = c.substr(0, c.find(';'));
  const auto eq = pair.find('=');
  return eq == std::string::npos ? std::string() : pair.substr(eq + 1);
}

/// The header that sends a session cookie back.
inline httplib::Headers with_cookie(const std::string& cookie) { return {{"Cookie", "sls_session=" + cookie}}; }

/// JSON requests and the steps of a login, for any client `C` with
/// `send(method, path, body, headers)`: the test server's client and a
/// cluster node's (cluster.hpp).
template <class C>
class LoginRequests {
 public:
  Reply post(const std::string& path, const JsonValue& body, httplib::Headers headers = {}) {
    return self().send("POST", path, json_serialize(body), std::move(headers));
  }
  Reply get(const std::string& path, httplib::Headers headers = {}) {
    return self().send("GET", path, {}, std::move(headers));
  }
  Reply login(const std::string& user, const std::string& password = "correct horse") {
    return post("/api/v1/login", JsonValue::object().set("username", user).set("password", password));
  }
  Reply challenge(const std::string& login_id, const std::string& device_id, const std::string& mode = {}) {
    JsonValue b = JsonValue::object().set("device_id", device_id);
    if (!mode.empty()) b.set("mode", mode);
    return post("/api/v1/login/" + login_id + "/challenge", b);
  }
  Reply verify(const std::string& login_id, const std::string& challenge_id, const std::string& response) {
    return post("/api/v1/login/" + login_id + "/verify",
                JsonValue::object().set("challenge_id", challenge_id).set("response", response));
  }
  Reply complete(const std::string& login_id, const std::string& token) {
    return post("/api/v1/login/" + login_id + "/complete", JsonValue::object().set("completion_token", token));
  }

 private:
  C& self() { return static_cast<C&>(*this); }
};

/// A running server: store, keys, service and HTTP API on an ephemeral port.
class TestServer : public LoginRequests<TestServer> {
 public:
  explicit TestServer(ServiceConfig service_config = test_service_config(), HttpConfig http_config = test_http_config())
      : clock_(kStartTime), config_(std::move(service_config)) {
    // A test client writing to a connection the server has closed (refused
    // over a cap, or past a deadline) must get an error, not kill the test
    // process with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    auto store = open_store(db_);
    if (!store) throw std::runtime_error("store " + db_ + ": " + std::string(errc_name(store.error().code)));
    store_ = std::move(*store);
    auto keys = Keyring::load_or_create(dir_.file("master.key"), dir_.file("sign.key"));
    if (!keys) throw std::runtime_error("keys");
    keys_ = std::make_unique<Keyring>(std::move(*keys));
    sms_ = std::make_unique<OutboxSmsGateway>(*store_, clock_);
    auto service = AuthService::create(*store_, *keys_, clock_, *sms_, config_);
    if (!service) throw std::runtime_error("service");
    service_ = std::move(*service);
    if (!AssertionKeys::load_or_create(assertion_keys_path(), clock_.now())) throw std::runtime_error("assertion keys");
    assertion_keys_ = std::make_unique<AssertionKeySource>(assertion_keys_path());
    service_->set_assertion_keys(assertion_keys_.get());
    api_ = std::make_unique<HttpApi>(*service_, clock_, http_config, [this](std::string_view line) {
      std::lock_guard lock(log_mutex_);
      log_.emplace_back(line);
    });
    auto port = api_->bind();
    if (!port) throw std::runtime_error("bind");
    port_ = *port;
    thread_ = std::thread([this] { api_->listen(); });
    for (int i = 0; i < 200 && !api_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(10, 0);
    admin_ = std::make_unique<Enrolment>(*store_, *keys_, clock_, service_->config());
  }
  ~TestServer() {
    api_->stop();
    if (thread_.joinable()) thread_.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  ManualClock& clock() { return clock_; }
  /// The service behind the HTTP API, for calls that need another client
  /// address than the test client's.
  AuthService& service() { return *service_; }
  /// The store (a SQLite file or a PostgreSQL URL, as `--db` takes it) and
  /// the key files, for running slsctl or a second service (another node)
  /// against this server's data.
  std::string db_path() const { return db_; }
  std::string master_key_path() const { return dir_.file("master.key"); }
  std::string sign_key_path() const { return dir_.file("sign.key"); }
  std::string assertion_keys_path() const { return dir_.file("assertion.keys"); }
  Enrolment& admin() { return *admin_; }
  Store& store() { return *store_; }
  const Keyring& keys() { return *keys_; }
  httplib::Client& client() { return *client_; }
  int port() const { return port_; }

  /// Sends a request as the browser that started the login would: a browser
  /// route of a login or push this server handed out gets its login secret
  /// header, unless `headers` already has one (see send_unbound).
  Reply send(const std::string& method, const std::string& path, const std::string& body = {},
             httplib::Headers headers = {}, const std::string& content_type = "application/json") {
    if (headers.find(std::string(kLoginSecretHeader)) == headers.end()) {
      const std::string secret = secret_for_path(path);
      if (!secret.empty()) headers.emplace(std::string(kLoginSecretHeader), secret);
    }
    return send_unbound(method, path, body, std::move(headers), content_type);
  }
  /// Sends exactly the given headers: what someone who knows only the ids sends.
  Reply send_unbound(const std::string& method, const std::string& path, const std::string& body = {},
                     httplib::Headers headers = {}, const std::string& content_type = "application/json") {
    httplib::Result r = method == "GET"      ? client_->Get(path.c_str(), headers)
                        : method == "DELETE" ? client_->Delete(path.c_str(), headers)
                        : method == "PUT"    ? client_->Put(path.c_str(), headers, body, content_type.c_str())
                                             : client_->Post(path.c_str(), headers, body, content_type.c_str());
    Reply out;
    if (!r) {
      ADD_FAILURE() << method << " " << path << ": no reply (" << httplib::to_string(r.error()) << ")";
      return out;
    }
    out.status = r->status;
    out.headers = r->headers;
    out.raw = r->body;
    auto parsed = json_parse(r->body);
    if (parsed) out.body = std::move(*parsed);
    remember_secrets(path, out);
    return out;
  }

  /// The login secret the server gave for `login_id` (empty if unknown).
  std::string login_secret(const std::string& login_id) {
    std::lock_guard lock(log_mutex_);
    auto it = secrets_.find(login_id);
    return it == secrets_.end() ? std::string() : it->second;
  }

  /// The id of a browser route of a login or push ("/api/v1/login/{id}/...",
  /// "/api/v1/push/{id}"), empty for any other path.
  static std::string bound_id(const std::string& path) {
    static const std::string login_prefix = "/api/v1/login/", push_prefix = "/api/v1/push/";
    if (path.rfind(login_prefix, 0) == 0) {
      const auto end = path.find('/', login_prefix.size());
      return end == std::string::npos ? std::string() : path.substr(login_prefix.size(), end - login_prefix.size());
    }
    if (path.rfind(push_prefix, 0) == 0 && path.find('/', push_prefix.size()) == std::string::npos)
      return path.substr(push_prefix.size());
    return {};
  }
  std::string secret_for_path(const std::string& path) {
    const std::string id = bound_id(path);
    return id.empty() ? std::string() : login_secret(id);
  }
  /// Keeps the secret of a new login, and of a push opened on a login.
  void remember_secrets(const std::string& path, const Reply& r) {
    if (r.status != 200) return;
    std::lock_guard lock(log_mutex_);
    if (path == "/api/v1/login") {
      auto id = r.body.get_string("login_id");
      auto secret = r.body.get_string("login_secret");
      if (id && secret) secrets_[std::string(*id)] = std::string(*secret);
    } else if (auto tx = r.body.get_string("tx_id")) {
      const std::string id = bound_id(path);
      auto it = secrets_.find(id);
      if (it != secrets_.end()) secrets_[std::string(*tx)] = it->second;
    }
  }

  /// The server log so far.
  std::vector<std::string> log() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }

  /// Every audit row, newest first.
  std::vector<AuditRecord> audit() {
    auto rows = admin_->audit(100000);
    return rows ? *rows : std::vector<AuditRecord>{};
  }
  /// The newest SMS in the outbox.
  std::string last_sms() {
    auto rows = admin_->outbox(1);
    return rows && !rows->empty() ? rows->front().text : std::string();
  }

 private:
  TempDir dir_;
  std::string db_ = test_database(dir_);
  std::unique_ptr<AssertionKeySource> assertion_keys_;
  ManualClock clock_;
  ServiceConfig config_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Keyring> keys_;
  std::unique_ptr<OutboxSmsGateway> sms_;
  std::unique_ptr<AuthService> service_;
  std::unique_ptr<HttpApi> api_;
  std::thread thread_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
  std::unique_ptr<Enrolment> admin_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
  /// Login secrets by login id and by push transaction id (under log_mutex_).
  std::map<std::string, std::string> secrets_;
};

/// The 6 digits of the code in an SMS text.
inline std::string code_in_sms(const std::string& text) {
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9')
      digits += c;
    else if (digits.size() == 6)
      return digits;
    else
      digits.clear();
  }
  return digits.size() == 6 ? digits : std::string();
}

}  // namespace sls::server::testing
