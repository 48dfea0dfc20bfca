// The phones table of the SQL store (phones on record,
// mobile_key_enrolment.cpp), read and written on the store's connection
// inside its transaction (not installed).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "server/records.hpp"
#include "server/sql_db.hpp"
#include "sls/result.hpp"

namespace sls::server::sql_phones {

/// Errc::bad_argument {"phone", "taken"} when the user already has the number.
Status insert(SqlConnection& db, const PhoneRecord& r);
/// The user's phones, oldest first.
Result<std::vector<PhoneRecord>> of_user(SqlConnection& db, std::int64_t user_id);
/// Deletes the row (nothing when there is none).
Status remove(SqlConnection& db, std::string_view id);

}  // namespace sls::server::sql_phones
