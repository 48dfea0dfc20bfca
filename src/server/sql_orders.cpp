// The device_orders and deposit_ledger tables: one column list each, the SQL derived from it (sql_rows.hpp).
#include "server/sql_orders.hpp"

#include <string>

#include "server/sql_rows.hpp"
#include "server/try.hpp"

namespace sls::server::sql_orders {
namespace {

using sql_rows::field;

// clang-format off: one column a line, as in sql_rows.hpp
inline constexpr sql_rows::Column<DeviceOrderRecord> kColumns[] = {
    field<&DeviceOrderRecord::id>("id"),
    field<&DeviceOrderRecord::user_id>("user_id"),
    field<&DeviceOrderRecord::kind>("kind"),
    field<&DeviceOrderRecord::status>("status"),
    field<&DeviceOrderRecord::device_id>("device_id"),
    field<&DeviceOrderRecord::replaces>("replaces"),
    field<&DeviceOrderRecord::estimated_ship_date>("estimated_ship_date"),
    field<&DeviceOrderRecord::created_at>("created_at"),
    field<&DeviceOrderRecord::shipped_at>("shipped_at"),
    field<&DeviceOrderRecord::auto_activate_at>("auto_activate_at"),
    field<&DeviceOrderRecord::activated_at>("activated_at"),
    field<&DeviceOrderRecord::deposit_account>("deposit_account"),
    field<&DeviceOrderRecord::deposit_cents>("deposit_cents"),
    field<&DeviceOrderRecord::deposit_status>("deposit_status"),
    field<&DeviceOrderRecord::deposit_reason>("deposit_reason"),
    field<&DeviceOrderRecord::deposit_settled_at>("deposit_settled_at"),
};
inline constexpr sql_rows::Column<DepositEntryRecord> kEntryColumns[] = {
    field<&DepositEntryRecord::id>("id"),           field<&DepositEntryRecord::order_id>("order_id"),
    field<&DepositEntryRecord::user_id>("user_id"), field<&DepositEntryRecord::account_id>("account_id"),
    field<&DepositEntryRecord::cents>("cents"),     field<&DepositEntryRecord::entry>("entry"),
    field<&DepositEntryRecord::reason>("reason"),   field<&DepositEntryRecord::at>("at"),
};
// clang-format on
inline constexpr sql_rows::Table<DeviceOrderRecord> kOrders{"device_orders", kColumns};
inline constexpr sql_rows::Table<DepositEntryRecord> kEntries{"deposit_ledger", kEntryColumns};

template <class Bind>
Result<std::vector<DeviceOrderRecord>> query(SqlConnection& db, const std::string& text, Bind bind) {
  return sql_rows::query_all<DeviceOrderRecord>(db, text, bind, kOrders.reader());
}

}  // namespace

Status insert(SqlConnection& db, const DeviceOrderRecord& r) {
  // The one-open-order rule reads as a refusal; the unique index holds it even so.
  auto open = query(db, kOrders.select("WHERE user_id = ?1 AND status IN ('ordered', 'shipped') LIMIT 1"),
                    [&](SqlStatement& s) { s.bind(1, r.user_id); });
  if (!open) return open.error();
  if (!open->empty()) return fail(Errc::bad_argument, {"order", "open"});
  SLS_TRY_ASSIGN(st, db.statement(kOrders.insert()));
  kOrders.bind(*st, r);
  return st->run();
}

Result<std::optional<DeviceOrderRecord>> get(SqlConnection& db, std::string_view id) {
  SLS_TRY_ASSIGN(rows, query(db, kOrders.select("WHERE id = ?1"), [&](SqlStatement& s) { s.bind(1, id); }));
  if (rows.empty()) return std::optional<DeviceOrderRecord>{};
  return std::optional<DeviceOrderRecord>{std::move(rows.front())};
}

Status update(SqlConnection& db, const DeviceOrderRecord& r) {
  SLS_TRY_ASSIGN(st, db.statement(kOrders.update()));
  kOrders.bind(*st, r);
  SLS_TRY(st->run());
  if (db.changes() != 1) return fail(Errc::internal, {"sql", "update_order", "no such row"});
  return ok_status();
}

Result<std::vector<DeviceOrderRecord>> of_user(SqlConnection& db, std::int64_t user_id) {
  return query(db, kOrders.select("WHERE user_id = ?1 ORDER BY created_at DESC, rowid DESC"),
               [&](SqlStatement& s) { s.bind(1, user_id); });
}

Result<std::vector<DeviceOrderRecord>> recent(SqlConnection& db, std::int64_t limit) {
  return query(db, kOrders.select("ORDER BY created_at DESC, rowid DESC LIMIT ?1"),
               [&](SqlStatement& s) { s.bind(1, limit); });
}

Result<std::vector<DeviceOrderRecord>> touching_device(SqlConnection& db, std::string_view device_id) {
  return query(db, kOrders.select("WHERE device_id = ?1 OR replaces = ?1 ORDER BY created_at, rowid"),
               [&](SqlStatement& s) { s.bind(1, device_id); });
}

Status append_entry(SqlConnection& db, const DepositEntryRecord& e) {
  SLS_TRY_ASSIGN(st,
                 db.statement("INSERT INTO deposit_ledger (order_id, user_id, account_id, cents, entry, reason, at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  st->bind(1, e.order_id).bind(2, e.user_id).bind(3, e.account_id).bind(4, e.cents).bind(5, e.entry);
  st->bind(6, e.reason).bind(7, e.at);
  return st->run();
}

Result<std::vector<DepositEntryRecord>> entries(SqlConnection& db, std::string_view order_id) {
  return sql_rows::query_all<DepositEntryRecord>(
      db, kEntries.select("WHERE order_id = ?1 ORDER BY id"), [&](SqlStatement& s) { s.bind(1, order_id); },
      kEntries.reader());
}

}  // namespace sls::server::sql_orders
