// A libpq connection: prepared statements per text, text results, binary bytea parameters (pg_connection.hpp).
#include "server/pg_connection.hpp"

#include <libpq-fe.h>

#include <cctype>
#include <cstdlib>
#include <utility>
#include <vector>

namespace sls::server {
namespace {

constexpr Oid kByteaOid = 17;

/// The bytes of a bytea value in PostgreSQL's hex output ("\x0a1b..."); the
/// text itself when it is not in that form.
std::vector<std::uint8_t> decode_bytea(const char* text, int length) {
  const auto n = static_cast<std::size_t>(length);
  if (n < 2 || text[0] != '\\' || text[1] != 'x')
    return std::vector<std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text),
                                     reinterpret_cast<const std::uint8_t*>(text) + n);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0;
  };
  std::vector<std::uint8_t> out;
  out.reserve((n - 2) / 2);
  for (std::size_t i = 2; i + 1 < n; i += 2)
    out.push_back(static_cast<std::uint8_t>((nibble(text[i]) << 4) | nibble(text[i + 1])));
  return out;
}

/// The first line of a libpq message, without its trailing newline.
std::string first_line(const char* message) {
  std::string text = message != nullptr ? message : "";
  if (auto eol = text.find('\n'); eol != std::string::npos) text.resize(eol);
  return text;
}

}  // namespace

std::string postgres_parameters(std::string_view sql, int& count) {
  count = 0;
  std::string out;
  out.reserve(sql.size() + 8);
  for (std::size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      const std::size_t close = sql.find(c, i + 1);
      const std::size_t stop = close == std::string_view::npos ? sql.size() : close + 1;
      out.append(sql.substr(i, stop - i));
      i = stop;
      continue;
    }
    if (c == '?' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1])) != 0) {
      std::size_t j = i + 1;
      int n = 0;
      while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j])) != 0 && n < 100000)
        n = n * 10 + (sql[j++] - '0');
      out += '$';
      out.append(sql.substr(i + 1, j - i - 1));
      if (n > count) count = n;
      i = j;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

/// A prepared statement's execution: parameters collected by bind(), run by
/// the first step(), whose result then yields its rows one by one.
class PgStatement final : public SqlStatement {
 public:
  PgStatement(PgConnection& conn, const std::string& name, int params)
      : conn_(conn),
        name_(name),
        values_(static_cast<std::size_t>(params)),
        is_null_(static_cast<std::size_t>(params), true),
        formats_(static_cast<std::size_t>(params), 0) {}
  PgStatement(const PgStatement&) = delete;
  PgStatement& operator=(const PgStatement&) = delete;
  ~PgStatement() override {
    if (result_ != nullptr) PQclear(result_);
  }

  PgStatement& bind(int index, std::int64_t value) override { return set(index, std::to_string(value), 0); }
  PgStatement& bind(int index, std::string_view text) override {
    // A text parameter travels as a C string: a NUL byte would cut it short.
    if (text.find('\0') != std::string_view::npos) {
      bind_error_ = true;
      return *this;
    }
    return set(index, std::string(text), 0);
  }
  PgStatement& bind_blob(int index, std::span<const std::uint8_t> bytes) override {
    return set(index, std::string(bytes.begin(), bytes.end()), 1);
  }
  PgStatement& bind_null(int index) override {
    if (!slot(index)) return *this;
    is_null_[static_cast<std::size_t>(index - 1)] = true;
    return *this;
  }

  Result<bool> step() override {
    if (bind_error_) return fail(Errc::internal, {"postgresql", "bind", "bad parameter"});
    if (result_ == nullptr) {
      std::vector<const char*> values(values_.size());
      std::vector<int> lengths(values_.size());
      for (std::size_t i = 0; i < values_.size(); ++i) {
        values[i] = is_null_[i] ? nullptr : values_[i].data();
        lengths[i] = static_cast<int>(values_[i].size());
      }
      result_ = PQexecPrepared(conn_.conn_, name_.c_str(), static_cast<int>(values.size()), values.data(),
                               lengths.data(), formats_.data(), 0);
      const ExecStatusType status = result_ != nullptr ? PQresultStatus(result_) : PGRES_FATAL_ERROR;
      if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return conn_.failure("step", result_);
      rows_ = status == PGRES_TUPLES_OK ? PQntuples(result_) : 0;
      const char* tuples = PQcmdTuples(result_);
      conn_.changes_ = tuples != nullptr && *tuples != '\0' ? std::strtoll(tuples, nullptr, 10) : 0;
      row_ = -1;
    }
    if (row_ < rows_) ++row_;
    return row_ < rows_;
  }

  std::int64_t column_int(int column) const override {
    if (!has_value(column)) return 0;
    return std::strtoll(PQgetvalue(result_, row_, column), nullptr, 10);
  }
  std::string column_text(int column) const override {
    if (!has_value(column)) return {};
    if (PQftype(result_, column) == kByteaOid) {
      auto bytes = column_blob(column);
      return std::string(bytes.begin(), bytes.end());
    }
    return std::string(PQgetvalue(result_, row_, column), static_cast<std::size_t>(PQgetlength(result_, row_, column)));
  }
  std::vector<std::uint8_t> column_blob(int column) const override {
    if (!has_value(column)) return {};
    const char* text = PQgetvalue(result_, row_, column);
    const int length = PQgetlength(result_, row_, column);
    if (PQftype(result_, column) == kByteaOid) return decode_bytea(text, length);
    return std::vector<std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text),
                                     reinterpret_cast<const std::uint8_t*>(text) + length);
  }

 private:
  bool slot(int index) {
    if (index < 1 || static_cast<std::size_t>(index) > values_.size()) {
      bind_error_ = true;
      return false;
    }
    return true;
  }
  PgStatement& set(int index, std::string value, int format) {
    if (!slot(index)) return *this;
    const auto i = static_cast<std::size_t>(index - 1);
    values_[i] = std::move(value);
    is_null_[i] = false;
    formats_[i] = format;
    return *this;
  }
  bool has_value(int column) const {
    return result_ != nullptr && row_ >= 0 && row_ < rows_ && column >= 0 && column < PQnfields(result_) &&
           PQgetisnull(result_, row_, column) == 0;
  }

  PgConnection& conn_;
  std::string name_;
  std::vector<std::string> values_;
  std::vector<bool> is_null_;
  std::vector<int> formats_;
  bool bind_error_ = false;
  PGresult* result_ = nullptr;
  int rows_ = 0;
  int row_ = -1;
};

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& url) {
  // The URL's own settings win over the ones listed before it.
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"5", url.c_str(), nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, 1);
  if (raw == nullptr) return fail(Errc::server_store_unavailable, {"postgresql", "connect", "out of memory"});
  std::unique_ptr<PgConnection> conn(new PgConnection(raw));
  if (PQstatus(raw) != CONNECTION_OK)
    return fail(Errc::server_store_unavailable, {"postgresql", "connect", first_line(PQerrorMessage(raw))});
  // Text and bytea in the forms this file reads, whatever the server's defaults.
  if (auto s = conn->exec("SET client_encoding = 'UTF8'; SET bytea_output = 'hex'; SET TIME ZONE 'UTC'; SET "
                          "client_min_messages = warning");
      !s)
    return s.error();
  return conn;
}

PgConnection::~PgConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

void PgConnection::clear_failure() noexcept {
  failed_ = false;
  failure_state_.clear();
}

bool PgConnection::failure_retryable() const noexcept {
  return failed_ && (failure_state_ == "40001" || failure_state_ == "40P01");
}

bool PgConnection::lost() const noexcept { return lost_ || PQstatus(conn_) != CONNECTION_OK; }

int PgConnection::backend_pid() const noexcept { return PQbackendPID(conn_); }

int PgConnection::socket() const noexcept { return PQsocket(conn_); }

Result<std::vector<PgNotification>> PgConnection::take_notifications() {
  if (PQconsumeInput(conn_) == 0) {
    lost_ = true;
    return fail(Errc::server_store_unavailable, {"postgresql", "listen", first_line(PQerrorMessage(conn_))});
  }
  std::vector<PgNotification> out;
  while (PGnotify* n = PQnotifies(conn_)) {
    out.push_back({n->relname != nullptr ? n->relname : "", n->extra != nullptr ? n->extra : ""});
    PQfreemem(n);
  }
  return out;
}

Error PgConnection::failure(std::string_view what, const void* raw) {
  const auto* result = static_cast<const PGresult*>(raw);
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const std::string message = primary != nullptr ? std::string(primary) : first_line(PQerrorMessage(conn_));
  const std::string sqlstate = state != nullptr ? state : "";
  // Class 08 (connection exception) and 57P01-57P03 (the server shutting the session down) end the connection.
  if (PQstatus(conn_) != CONNECTION_OK || sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03")
    lost_ = true;
  if (!failed_) {
    failed_ = true;
    failure_state_ = sqlstate;
  }
  return fail(Errc::internal, {"postgresql", what, message});
}

Status PgConnection::exec(std::string_view sql) {
  const std::string text(sql);
  PGresult* result = PQexec(conn_, text.c_str());
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Error e = failure("exec", result);
    PQclear(result);
    return e;
  }
  last_command_ = PQcmdStatus(result);
  PQclear(result);
  return ok_status();
}

Result<SqlStatementPtr> PgConnection::statement(std::string_view sql) {
  auto found = prepared_.find(std::string(sql));
  if (found == prepared_.end()) {
    Prepared p;
    p.name = "s" + std::to_string(prepared_.size() + 1);
    const std::string text = postgres_parameters(sql, p.params);
    PGresult* result = PQprepare(conn_, p.name.c_str(), text.c_str(), 0, nullptr);
    if (result == nullptr || PQresultStatus(result) != PGRES_COMMAND_OK) {
      Error e = failure("prepare", result);
      PQclear(result);
      return e;
    }
    PQclear(result);
    found = prepared_.emplace(std::string(sql), std::move(p)).first;
  }
  return SqlStatementPtr(new PgStatement(*this, found->second.name, found->second.params));
}

}  // namespace sls::server
