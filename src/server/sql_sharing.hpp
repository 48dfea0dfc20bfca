// The sharings table of the SQL store (docs/sharing.md): the records of
// StoreTx's sharing operations, read and written on the store's connection
// inside its transaction (not installed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "server/records.hpp"
#include "server/sql_db.hpp"
#include "sls/result.hpp"

namespace sls::server::sql_sharing {

/// Errc::bad_argument {"sharing", "taken"} when the requester already has a
/// live request for the owner (the partial unique index of migration 10).
Status insert(SqlConnection& db, const SharingRecord& r);
Result<std::optional<SharingRecord>> get(SqlConnection& db, std::string_view id);
/// Errc::internal when there is no such sharing.
Status update(SqlConnection& db, const SharingRecord& r);
/// Where the user is requester or owner, newest first.
Result<std::vector<SharingRecord>> of_user(SqlConnection& db, std::int64_t user_id);
/// The device's, oldest first.
Result<std::vector<SharingRecord>> of_device(SqlConnection& db, std::string_view device_id);
/// The newest `limit`, or only the pending ones, newest first.
Result<std::vector<SharingRecord>> recent(SqlConnection& db, bool pending_only, std::size_t limit);

}  // namespace sls::server::sql_sharing
