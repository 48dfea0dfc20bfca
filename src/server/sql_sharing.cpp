// The sharings table: one column list, the SQL derived from it (sql_rows.hpp), the queries of sql_sharing.hpp.
#include "server/sql_sharing.hpp"

#include <string>

#include "server/sql_rows.hpp"
#include "server/try.hpp"

namespace sls::server::sql_sharing {
namespace {

using sql_rows::field;

// clang-format off: one column a line, as in sql_rows.hpp
inline constexpr sql_rows::Column<SharingRecord> kColumns[] = {
    field<&SharingRecord::id>("id"),
    field<&SharingRecord::owner_id>("owner_id"),
    field<&SharingRecord::requester_id>("requester_id"),
    field<&SharingRecord::device_id>("device_id"),
    field<&SharingRecord::status>("status"),
    field<&SharingRecord::relation>("relation"),
    field<&SharingRecord::created_at>("created_at"),
    field<&SharingRecord::decided_at>("decided_at"),
    field<&SharingRecord::ended_at>("ended_at"),
    field<&SharingRecord::end_reason>("end_reason"),
};
// clang-format on
inline constexpr sql_rows::Table<SharingRecord> kSharings{"sharings", kColumns};

template <class Bind>
Result<std::vector<SharingRecord>> query(SqlConnection& db, const std::string& text, Bind bind) {
  SLS_TRY_ASSIGN(st, db.statement(text));
  bind(*st);
  std::vector<SharingRecord> rows;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    auto value = kSharings.read(*st);
    if (!value) return value.error();
    rows.push_back(std::move(*value));
  }
  return rows;
}

}  // namespace

Status insert(SqlConnection& db, const SharingRecord& r) {
  // The live-request rule is checked first so that it reads as a refusal;
  // the unique index holds it even so.
  auto live = query(db,
                    kSharings.select("WHERE requester_id = ?1 AND owner_id = ?2 AND status IN ('pending', "
                                     "'approved') LIMIT 1"),
                    [&](SqlStatement& s) { s.bind(1, r.requester_id).bind(2, r.owner_id); });
  if (!live) return live.error();
  if (!live->empty()) return fail(Errc::bad_argument, {"sharing", "taken"});
  SLS_TRY_ASSIGN(st, db.statement(kSharings.insert()));
  kSharings.bind(*st, r);
  return st->run();
}

Result<std::optional<SharingRecord>> get(SqlConnection& db, std::string_view id) {
  SLS_TRY_ASSIGN(rows, query(db, kSharings.select("WHERE id = ?1"), [&](SqlStatement& s) { s.bind(1, id); }));
  if (rows.empty()) return std::optional<SharingRecord>{};
  return std::optional<SharingRecord>{std::move(rows.front())};
}

Status update(SqlConnection& db, const SharingRecord& r) {
  SLS_TRY_ASSIGN(st, db.statement(kSharings.update()));
  kSharings.bind(*st, r);
  SLS_TRY(st->run());
  if (db.changes() != 1) return fail(Errc::internal, {"sql", "update_sharing", "no such row"});
  return ok_status();
}

Result<std::vector<SharingRecord>> of_user(SqlConnection& db, std::int64_t user_id) {
  return query(db, kSharings.select("WHERE requester_id = ?1 OR owner_id = ?1 ORDER BY created_at DESC, rowid DESC"),
               [&](SqlStatement& s) { s.bind(1, user_id); });
}

Result<std::vector<SharingRecord>> of_device(SqlConnection& db, std::string_view device_id) {
  return query(db, kSharings.select("WHERE device_id = ?1 ORDER BY created_at, rowid"),
               [&](SqlStatement& s) { s.bind(1, device_id); });
}

Result<std::vector<SharingRecord>> recent(SqlConnection& db, bool pending_only, std::size_t limit) {
  const auto n = static_cast<std::int64_t>(limit);
  if (pending_only)
    return query(db, kSharings.select("WHERE status = 'pending' ORDER BY created_at DESC, rowid DESC LIMIT ?1"),
                 [&](SqlStatement& s) { s.bind(1, n); });
  return query(db, kSharings.select("ORDER BY created_at DESC, rowid DESC LIMIT ?1"),
               [&](SqlStatement& s) { s.bind(1, n); });
}

}  // namespace sls::server::sql_sharing
