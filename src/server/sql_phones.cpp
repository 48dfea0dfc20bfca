// The phones table: one column list, the SQL derived from it (sql_rows.hpp).
#include "server/sql_phones.hpp"

#include <string>

#include "server/sql_rows.hpp"
#include "server/try.hpp"

namespace sls::server::sql_phones {
namespace {

using sql_rows::field;

// clang-format off: one column a line, as in sql_rows.hpp
inline constexpr sql_rows::Column<PhoneRecord> kColumns[] = {
    field<&PhoneRecord::id>("id"),
    field<&PhoneRecord::user_id>("user_id"),
    field<&PhoneRecord::phone>("phone"),
    field<&PhoneRecord::added_at>("added_at"),
    field<&PhoneRecord::is_default>("is_default"),
};
// clang-format on
inline constexpr sql_rows::Table<PhoneRecord> kPhones{"phones", kColumns};

}  // namespace

Status insert(SqlConnection& db, const PhoneRecord& r) {
  SLS_TRY_ASSIGN(same, sql_rows::query_all<PhoneRecord>(
                           db, kPhones.select("WHERE user_id = ?1 AND phone = ?2"),
                           [&](SqlStatement& s) { s.bind(1, r.user_id).bind(2, r.phone); }, kPhones.reader()));
  if (!same.empty()) return fail(Errc::bad_argument, {"phone", "taken"});
  SLS_TRY_ASSIGN(st, db.statement(kPhones.insert()));
  kPhones.bind(*st, r);
  return st->run();
}

Result<std::vector<PhoneRecord>> of_user(SqlConnection& db, std::int64_t user_id) {
  return sql_rows::query_all<PhoneRecord>(
      db, kPhones.select("WHERE user_id = ?1 ORDER BY added_at, rowid"), [&](SqlStatement& s) { s.bind(1, user_id); },
      kPhones.reader());
}

Status remove(SqlConnection& db, std::string_view id) {
  SLS_TRY_ASSIGN(st, db.statement("DELETE FROM phones WHERE id = ?1"));
  st->bind(1, id);
  return st->run();
}

}  // namespace sls::server::sql_phones
