#include "server/store_open.hpp"

#include "server/sqlite_store.hpp"

namespace sls::server {

bool is_postgres_url(std::string_view db) noexcept {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> open_store(const std::string& db, const StoreOptions& /*options*/) {
  if (is_postgres_url(db)) return fail(Errc::bad_argument, {"db", "PostgreSQL is not supported by this build"});
  auto store = SqliteStore::open(db);
  if (!store) return store.error();
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace sls::server
