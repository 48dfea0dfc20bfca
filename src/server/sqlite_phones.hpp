// The phones table of the SQLite store (phones on record,
// mobile_key_enrolment.cpp), read and written on the store's connection
// inside its transaction (not installed).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "server/records.hpp"
#include "server/sqlite_db.hpp"
#include "sls/result.hpp"

namespace sls::server::sqlite_phones {

/// Errc::bad_argument {"phone", "taken"} when the user already has the number.
Status insert(SqliteDb& db, const PhoneRecord& r);
/// The user's phones, oldest first.
Result<std::vector<PhoneRecord>> of_user(SqliteDb& db, std::int64_t user_id);
/// Deletes the row (nothing when there is none).
Status remove(SqliteDb& db, std::string_view id);

}  // namespace sls::server::sqlite_phones
