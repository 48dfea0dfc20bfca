// Opening the store --db names: a PostgreSQL URL opens PgStore, anything else a SQLite file (store_open.hpp).
#include "server/store_open.hpp"

#include "server/pg_store.hpp"
#include "server/sqlite_store.hpp"

namespace sls::server {

bool is_postgres_url(std::string_view db) noexcept {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> open_store(const std::string& db, const StoreOptions& options) {
  if (is_postgres_url(db)) {
    if (options.pool_size < 1 || options.pool_size > 64)
      return fail(Errc::bad_argument, {"pool_size", std::to_string(options.pool_size)});
    PgStoreOptions pg;
    pg.pool_size = options.pool_size;
    auto store = PgStore::open(db, pg);
    if (!store) return store.error();
    return std::unique_ptr<Store>(std::move(*store));
  }
  auto store = SqliteStore::open(db);
  if (!store) return store.error();
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace sls::server
