// The deposit ledger's steps (device_deposits.hpp).
#include "server/device_deposits.hpp"

#include <string>

#include "server/try.hpp"

namespace sls::server {
namespace {

Status ledger_row(StoreTx& tx, const DeviceOrderRecord& order, std::string_view entry, std::string_view reason,
                  std::string_view username, std::string_view client_addr, std::int64_t now) {
  DepositEntryRecord e;
  e.order_id = order.id;
  e.user_id = order.user_id;
  e.account_id = order.deposit_account;
  e.cents = order.deposit_cents;
  e.entry = entry;
  e.reason = reason;
  e.at = now;
  SLS_TRY(tx.append_deposit_entry(e));
  AuditRecord a;
  a.at = now;
  a.event = "deposit." + std::string(entry);
  a.outcome = "ok";
  a.user_id = order.user_id;
  a.username = username;
  a.device_id = std::string(covered_device(order));
  a.client_addr = client_addr;
  a.detail = "order " + order.id + " account " + order.deposit_account + " " + std::to_string(order.deposit_cents) +
             " cents" + (reason.empty() ? std::string() : "; " + std::string(reason));
  return tx.append_audit(a);
}

Result<std::string> username_of(StoreTx& tx, std::int64_t user_id) {
  SLS_TRY_ASSIGN(user, tx.get_user(user_id));
  if (!user) return fail(Errc::internal, {"order user vanished"});
  return user->username;
}

/// Settles every held deposit covering `device` with `entry` / `reason`.
Result<std::int64_t> settle_covering(StoreTx& tx, const DeviceRecord& device, std::string_view entry,
                                     std::string_view reason, std::int64_t now) {
  SLS_TRY_ASSIGN(orders, tx.list_orders_of_device(device.id));
  std::int64_t n = 0;
  for (DeviceOrderRecord& o : orders) {
    if (o.user_id != device.user_id || covered_device(o) != device.id || o.deposit_status != "held") continue;
    SLS_TRY(settle_deposit(tx, o, entry, reason, "server", now));
    ++n;
  }
  return n;
}

}  // namespace

Status hold_deposit(StoreTx& tx, DeviceOrderRecord& order, std::string_view username, std::string_view client_addr,
                    std::int64_t now) {
  order.deposit_cents = kDeviceDepositCents;
  order.deposit_status = "held";
  order.deposit_reason.clear();
  order.deposit_settled_at = 0;
  SLS_TRY(tx.insert_order(order));
  return ledger_row(tx, order, "held", "", username, client_addr, now);
}

Status settle_deposit(StoreTx& tx, DeviceOrderRecord& order, std::string_view entry, std::string_view reason,
                      std::string_view client_addr, std::int64_t now) {
  if (entry != "released" && entry != "kept") return fail(Errc::internal, {"deposit entry", entry});
  if (order.deposit_status != "held") return fail(Errc::deposit_not_held);
  order.deposit_status = entry;
  order.deposit_reason = reason;
  order.deposit_settled_at = now;
  SLS_TRY(tx.update_order(order));
  SLS_TRY_ASSIGN(username, username_of(tx, order.user_id));
  return ledger_row(tx, order, entry, reason, username, client_addr, now);
}

Status keep_deposit_of_lost_device(StoreTx& tx, const DeviceRecord& device, std::int64_t now) {
  SLS_TRY_ASSIGN(n, settle_covering(tx, device, "kept", "lost", now));
  (void)n;
  return ok_status();
}

Result<std::int64_t> release_deposit_of_returned_device(StoreTx& tx, const DeviceRecord& device, std::int64_t now) {
  return settle_covering(tx, device, "released", "returned", now);
}

}  // namespace sls::server
