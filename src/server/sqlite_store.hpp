// The SQLite back end of Store: one connection in WAL mode, serialised by a
// mutex, schema kept current by the numbered migrations (sql_migrations.hpp).
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "server/sql_migrations.hpp"
#include "server/sqlite_db.hpp"
#include "server/store.hpp"

namespace sls::server {

class SqliteStore final : public Store {
 public:
  /// Opens (creating if needed) the database at `path` (":memory:" for a
  /// private in-memory one) and applies the migrations it lacks. Fails with
  /// Errc::internal on a storage fault or a failing migration, and with
  /// Errc::bad_argument, args {"schema", version}, when the file's schema is
  /// newer than `migrations` knows (written by a newer server).
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                   std::span<const Migration> migrations = sqlite_migrations());

  Status write(const TxFunction& fn) override;
  Status read(const TxFunction& fn) override;
  Result<int> schema_version() override;

  /// The journal mode in force, e.g. "wal".
  Result<std::string> journal_mode();

 private:
  explicit SqliteStore(SqliteDb db) : db_(std::move(db)) {}
  Status migrate(std::span<const Migration> migrations);
  Result<int> schema_version_locked();
  Status run_transaction(const TxFunction& fn, bool commit);
  Status run_cached(std::string_view sql);

  std::mutex mutex_;
  SqliteDb db_;
};

}  // namespace sls::server
