// The phones table: one column list, the SQL derived from it (sqlite_rows.hpp).
#include "server/sqlite_phones.hpp"

#include <string>

#include "server/sqlite_rows.hpp"
#include "server/try.hpp"

namespace sls::server::sqlite_phones {
namespace {

using sqlite_rows::field;

// clang-format off: one column a line, as in sqlite_rows.hpp
inline constexpr sqlite_rows::Column<PhoneRecord> kColumns[] = {
    field<&PhoneRecord::id>("id"),
    field<&PhoneRecord::user_id>("user_id"),
    field<&PhoneRecord::phone>("phone"),
    field<&PhoneRecord::added_at>("added_at"),
    field<&PhoneRecord::is_default>("is_default"),
};
// clang-format on
inline constexpr sqlite_rows::Table<PhoneRecord> kPhones{"phones", kColumns};

}  // namespace

Status insert(SqliteDb& db, const PhoneRecord& r) {
  SLS_TRY_ASSIGN(same, sqlite_rows::query_all<PhoneRecord>(
                           db, kPhones.select("WHERE user_id = ?1 AND phone = ?2"),
                           [&](SqliteStatement& s) { s.bind(1, r.user_id).bind(2, r.phone); }, kPhones.reader()));
  if (!same.empty()) return fail(Errc::bad_argument, {"phone", "taken"});
  auto st = db.prepare_cached(kPhones.insert());
  if (!st) return st.error();
  kPhones.bind(*st, r);
  return st->run();
}

Result<std::vector<PhoneRecord>> of_user(SqliteDb& db, std::int64_t user_id) {
  return sqlite_rows::query_all<PhoneRecord>(
      db, kPhones.select("WHERE user_id = ?1 ORDER BY added_at, rowid"),
      [&](SqliteStatement& s) { s.bind(1, user_id); }, kPhones.reader());
}

Status remove(SqliteDb& db, std::string_view id) {
  auto st = db.prepare_cached("DELETE FROM phones WHERE id = ?1");
  if (!st) return st.error();
  st->bind(1, id);
  return st->run();
}

}  // namespace sls::server::sqlite_phones
