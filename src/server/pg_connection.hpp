// A libpq connection behind the SQL store's connection interface (sql_db.hpp):
// statements prepared once per connection and text (the ?N parameters
// rewritten to $N), text results (bytea decoded from hex), bytea parameters
// in binary format. Errors are Errc::internal with args {"postgresql",
// what, the server's primary message}: never SQL text or values. The
// connection remembers the first failure of the current transaction (its
// SQLSTATE, and whether the connection was lost) so that the store can tell
// a retryable failure from the others whatever the caller made of it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/sql_db.hpp"
#include "sls/result.hpp"

struct pg_conn;

namespace sls::server {

/// `sql` with each ?N parameter (outside quotes) written $N; `count` is set
/// to the highest N (0 when there is none).
std::string postgres_parameters(std::string_view sql, int& count);

/// A notification received on a LISTENed channel (pg_notify, StoreTx::notify).
struct PgNotification {
  std::string channel;
  std::string payload;
};

class PgConnection final : public SqlConnection {
 public:
  /// Connects to the server `url` names (a postgresql:// URL; a 5 s connect
  /// timeout unless the URL sets one). Fails with
  /// Errc::server_store_unavailable when the server cannot be reached or
  /// refuses the connection.
  static Result<std::unique_ptr<PgConnection>> connect(const std::string& url);

  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection() override;

  SqlDialect dialect() const noexcept override { return SqlDialect::postgresql; }
  Status exec(std::string_view sql) override;
  Result<SqlStatementPtr> statement(std::string_view sql) override;
  std::int64_t changes() const noexcept override { return changes_; }

  /// The command tag of the last exec() ("COMMIT", "ROLLBACK", ...).
  const std::string& last_command() const noexcept { return last_command_; }
  /// Forgets the recorded failure: called as a transaction begins.
  void clear_failure() noexcept;
  /// Whether a statement failed since clear_failure().
  bool failed() const noexcept { return failed_; }
  /// The SQLSTATE of that first failure ("" when the client saw it first).
  const std::string& failure_state() const noexcept { return failure_state_; }
  /// Whether that failure was a serialization failure or a deadlock (40001,
  /// 40P01): the transaction was rolled back and may be run again.
  bool failure_retryable() const noexcept;
  /// Whether the connection is gone (closed by the server, the network, or
  /// an administrator): it must be replaced.
  bool lost() const noexcept;

  /// The server process serving this connection.
  int backend_pid() const noexcept;

  /// For a connection that LISTENs: the socket to wait on (readable when
  /// something arrived), and the notifications that arrived, read without
  /// blocking. Fails (Errc::server_store_unavailable) when the connection
  /// is lost.
  int socket() const noexcept;
  Result<std::vector<PgNotification>> take_notifications();

 private:
  friend class PgStatement;
  explicit PgConnection(pg_conn* conn) noexcept : conn_(conn) {}
  /// Records a failure (the first of the transaction wins) and returns its
  /// error; `result` may be null.
  Error failure(std::string_view what, const void* result);

  struct Prepared {
    std::string name;
    int params = 0;
  };

  pg_conn* conn_ = nullptr;
  std::unordered_map<std::string, Prepared> prepared_;
  std::int64_t changes_ = 0;
  std::string last_command_;
  bool failed_ = false;
  bool lost_ = false;
  std::string failure_state_;
};

}  // namespace sls::server
