// Several real slsd nodes on one PostgreSQL database, for the tests of what
// must hold across nodes (not installed; docs/nodes.md). A Cluster makes a
// fresh database (cluster_postgres.hpp), the key files every node reads
// (the same files, as on machines given the same keys), an Enrolment on the
// same database to seed users and devices, and N slsd processes
// (SlsdProcess) with one origin, as behind one proxy. Each node has a client
// (ClusterNode) like TestServer's; a browser's login secrets are shared by
// all of them, so a login started on one node goes on through another.
#pragma once

#include <httplib.h>

#include <csignal>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "cluster_postgres.hpp"
#include "server/assertion_keys.hpp"
#include "server/clock.hpp"
#include "server/enrolment.hpp"
#include "server/keyring.hpp"
#include "server/store_open.hpp"
#include "slsd_process.hpp"
#include "test_env.hpp"

namespace sls::server::testing {

/// The origin every node signs into QR payloads (one site behind a proxy).
inline constexpr const char* kClusterOrigin = "https://login.example.com";

/// The login secrets a browser holds, by login id and push id.
class BrowserSecrets {
 public:
  std::string get(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto it = by_id_.find(id);
    return it == by_id_.end() ? std::string() : it->second;
  }
  void set(const std::string& id, const std::string& secret) {
    std::lock_guard lock(mutex_);
    by_id_[id] = secret;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> by_id_;
};

/// A client of one node: TestServer's request helpers, against a process.
class ClusterNode : public LoginRequests<ClusterNode> {
 public:
  ClusterNode(int port, std::shared_ptr<BrowserSecrets> secrets) : port_(port), secrets_(std::move(secrets)) {
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(30, 0);
  }
  int port() const { return port_; }
  httplib::Client& client() { return *client_; }

  Reply send(const std::string& method, const std::string& path, const std::string& body = {},
             httplib::Headers headers = {}) {
    const std::string id = TestServer::bound_id(path);
    if (!id.empty() && headers.find(std::string(kLoginSecretHeader)) == headers.end()) {
      const std::string secret = secrets_->get(id);
      if (!secret.empty()) headers.emplace(std::string(kLoginSecretHeader), secret);
    }
    httplib::Result r = method == "GET"      ? client_->Get(path.c_str(), headers)
                        : method == "DELETE" ? client_->Delete(path.c_str(), headers)
                                             : client_->Post(path.c_str(), headers, body, "application/json");
    Reply out;
    if (!r) {
      out.raw = "no reply: " + httplib::to_string(r.error());
      return out;
    }
    out.status = r->status;
    out.headers = r->headers;
    out.raw = r->body;
    if (auto parsed = json_parse(r->body)) out.body = std::move(*parsed);
    if (out.status == 200) {
      if (path == "/api/v1/login") {
        if (auto lid = out.body.get_string("login_id"); lid)
          if (auto secret = out.body.get_string("login_secret"); secret)
            secrets_->set(std::string(*lid), std::string(*secret));
      } else if (auto tx = out.body.get_string("tx_id"); tx && !id.empty()) {
        secrets_->set(std::string(*tx), secrets_->get(id));
      }
    }
    return out;
  }
  std::string login_secret(const std::string& id) { return secrets_->get(id); }

 private:
  int port_;
  std::shared_ptr<BrowserSecrets> secrets_;
  std::unique_ptr<httplib::Client> client_;
};

/// The password policy of the seeded users: cheap, as in the other tests.
inline ServiceConfig cluster_seed_config() {
  ServiceConfig c = test_service_config();
  c.origin = kClusterOrigin;
  return c;
}

/// The slsd flags of every node: every test client is 127.0.0.1, so the
/// per-client limits are set out of the way (tests of them set their own).
inline std::vector<std::string> cluster_node_args() {
  return {"--origin",
          kClusterOrigin,
          "--rate-burst",
          "100000",
          "--rate-per-second",
          "10000",
          "--address-failures",
          "100000",
          "--back-office-rate-burst",
          "100000",
          "--back-office-rate-per-second",
          "10000",
          "--max-connections-per-address",
          "1000",
          "--threads",
          "16"};
}

class Cluster {
 public:
  /// `nodes` slsd processes with cluster_node_args() and `extra` flags.
  explicit Cluster(std::size_t nodes = 2, const std::vector<std::string>& extra = {},
                   ServiceConfig seed = cluster_seed_config())
      : seed_config_(std::move(seed)) {
    std::signal(SIGPIPE, SIG_IGN);
    auto store = open_store(db_.url());
    if (!store) throw std::runtime_error("cluster: open_store: " + std::string(errc_name(store.error().code)));
    store_ = std::move(*store);
    auto keys = Keyring::load_or_create(dir_.file("master.key"), dir_.file("sign.key"));
    if (!keys) throw std::runtime_error("cluster: keys");
    keys_ = std::make_unique<Keyring>(std::move(*keys));
    if (!AssertionKeys::load_or_create(dir_.file("assertion.keys"), clock_.now()))
      throw std::runtime_error("cluster: assertion keys");
    admin_ = std::make_unique<Enrolment>(*store_, *keys_, clock_, seed_config_);
    args_ = cluster_node_args();
    args_.insert(args_.end(), {"--master-key", dir_.file("master.key"), "--sign-key", dir_.file("sign.key"),
                               "--assertion-keys", dir_.file("assertion.keys")});
    args_.insert(args_.end(), extra.begin(), extra.end());
    for (std::size_t i = 0; i < nodes; ++i) start_node();
  }
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;
  ~Cluster() {
    clients_.clear();
    processes_.clear();  // SIGTERM each, before the database goes
  }

  std::size_t size() const { return processes_.size(); }
  /// Node i's client; node(i) of a killed node still exists (its requests fail).
  ClusterNode& node(std::size_t i) { return *clients_.at(i); }
  SlsdProcess& process(std::size_t i) { return *processes_.at(i); }
  /// Ends node i with `sig` (SIGKILL: a crash).
  void stop(std::size_t i, int sig = SIGKILL) { processes_.at(i)->stop(sig); }
  /// Starts one more node; its index.
  std::size_t start_node() {
    processes_.push_back(std::make_unique<SlsdProcess>(db_.url(), args_));
    clients_.push_back(std::make_unique<ClusterNode>(processes_.back()->port(), secrets_));
    return processes_.size() - 1;
  }

  /// The backend pid of node i's push listener (its connection's
  /// application_name, StoreListener), 0 when it has none now.
  int listener_backend(std::size_t i) {
    const std::string pid =
        pg_exec(db_.url(), "SELECT pid FROM pg_stat_activity WHERE application_name = 'slsd listener " +
                               std::to_string(processes_.at(i)->pid()) + "'");
    return pid.empty() ? 0 : std::stoi(pid);
  }
  /// The database's name (for ALTER DATABASE from the server's own).
  std::string database_name() const {
    const std::string& url = db_.url();
    const std::string name = url.substr(url.rfind('/') + 1);
    return name.substr(0, name.find('?'));
  }
  /// The server's own database URL (not the cluster's).
  static const std::string& server_url() { return TestPostgres::instance().url(); }

  Enrolment& admin() { return *admin_; }
  Store& store() { return *store_; }
  const std::string& db_url() const { return db_.url(); }
  /// Every audit row, newest first.
  std::vector<AuditRecord> audit() {
    auto rows = admin_->audit(100000);
    return rows ? *rows : std::vector<AuditRecord>{};
  }

 private:
  TestDatabase db_;
  TempDir dir_;
  SystemClock clock_;
  ServiceConfig seed_config_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Keyring> keys_;
  std::unique_ptr<Enrolment> admin_;
  std::vector<std::string> args_;
  std::shared_ptr<BrowserSecrets> secrets_ = std::make_shared<BrowserSecrets>();
  std::vector<std::unique_ptr<SlsdProcess>> processes_;
  std::vector<std::unique_ptr<ClusterNode>> clients_;
};

}  // namespace sls::server::testing
