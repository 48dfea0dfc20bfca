// Opening the server's store from the --db value that slsd and slsctl share:
// a PostgreSQL URL names a server that several slsd nodes may share; anything
// else is the path of a SQLite file, for one machine (the default).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "server/store.hpp"
#include "sls/result.hpp"

namespace sls::server {

struct StoreOptions {
  /// PostgreSQL: the most connections this process opens (1..64; each
  /// transaction holds one). SQLite ignores it (one connection).
  std::size_t pool_size = 8;
};

/// Whether `db` is a PostgreSQL URL ("postgresql://..." or "postgres://...").
[[nodiscard]] bool is_postgres_url(std::string_view db) noexcept;

/// Opens the store `db` names and applies the migrations it lacks. Fails
/// with Errc::bad_argument on a malformed value or a schema newer than this
/// build knows, and with Errc::internal on a storage fault.
Result<std::unique_ptr<Store>> open_store(const std::string& db, const StoreOptions& options = {});

}  // namespace sls::server
