// The PostgreSQL back end of Store: several slsd nodes share one database.
// A bounded pool of connections (a caller waits for a free one); write() is
// SERIALIZABLE and run again from the start after a serialization failure
// or deadlock, read() is REPEATABLE READ and always rolled back
// (docs/store.md says why). The schema is the SQLite store's, translated
// (sql_migrations.hpp), and migrated under an advisory lock so that nodes
// starting together migrate once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "server/pg_connection.hpp"
#include "server/sql_migrations.hpp"
#include "server/store.hpp"

namespace sls::server {

struct PgStoreOptions {
  /// The most connections open at once (each transaction holds one).
  std::size_t pool_size = 8;
  /// How long a transaction is retried (serialization failures, a lost
  /// connection before COMMIT, a server that cannot be reached) before the
  /// caller gets the failure.
  std::chrono::milliseconds retry_for{10000};
};

class PgStore final : public Store {
 public:
  /// Connects to `url` and applies the migrations the database lacks. Fails
  /// with Errc::server_store_unavailable when the server cannot be reached,
  /// Errc::bad_argument, args {"schema", version}, when the database's
  /// schema is newer than `migrations` knows, Errc::internal on a fault.
  static Result<std::unique_ptr<PgStore>> open(const std::string& url, const PgStoreOptions& options = {},
                                               std::span<const Migration> migrations = store_migrations());
  ~PgStore() override;

  Status write(const TxFunction& fn) override;
  Status read(const TxFunction& fn) override;
  Result<int> schema_version() override;

  /// Transactions run again since the store opened (serialization failures,
  /// deadlocks and lost connections), for tests and benchmarks.
  std::size_t retries() const;
  /// Connections open now (idle or lent).
  std::size_t open_connections() const;
  /// Tests only: called just before each COMMIT is sent, with the backend
  /// pid of the transaction's connection.
  void set_before_commit(std::function<void(int backend_pid)> hook) { before_commit_ = std::move(hook); }

 private:
  PgStore(std::string url, const PgStoreOptions& options) : url_(std::move(url)), options_(options) {}
  Status migrate(std::span<const Migration> migrations);
  Status run(const TxFunction& fn, bool write);
  /// A connection of the pool, waiting while all are lent; a new one when
  /// fewer than pool_size are open.
  Result<std::unique_ptr<PgConnection>> acquire();
  /// Gives a connection back, or (lost, or null) drops it.
  void release(std::unique_ptr<PgConnection> conn);

  std::string url_;
  PgStoreOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  std::size_t open_ = 0;
  std::size_t retries_ = 0;
  std::function<void(int)> before_commit_;
};

}  // namespace sls::server
