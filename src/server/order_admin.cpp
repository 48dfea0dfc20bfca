// The warehouse's side of replacement device orders, for slsctl (enrolment.hpp, docs/device-orders.md).
#include "server/device_deposits.hpp"
#include "server/device_history.hpp"
#include "server/device_lifecycle.hpp"
#include "server/device_orders.hpp"
#include "server/encoding.hpp"
#include "server/enrolment.hpp"
#include "server/try.hpp"

namespace sls::server {
namespace {

Result<OrderSummary> summarise(StoreTx& tx, const DeviceOrderRecord& o) {
  OrderSummary s;
  s.order = o;
  SLS_TRY_ASSIGN(user, tx.get_user(o.user_id));
  if (user) s.username = user->username;
  SLS_TRY_ASSIGN(device, tx.get_device(o.device_id));
  if (device) s.serial = device->serial;
  SLS_TRY_ASSIGN(account, tx.get_account(o.deposit_account));
  if (account) s.account_name = account->name;
  return s;
}

Result<DeviceOrderRecord> load_order(StoreTx& tx, std::string_view id) {
  if (id.empty() || id.size() > 64) return fail(Errc::order_not_found);
  SLS_TRY_ASSIGN(order, tx.get_order(id));
  if (!order) return fail(Errc::order_not_found);
  return *order;
}

}  // namespace

Result<std::vector<OrderSummary>> Enrolment::orders(std::size_t limit) {
  std::vector<OrderSummary> out;
  Status st = store_.read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(rows, tx.list_orders(limit));
    for (const DeviceOrderRecord& o : rows) {
      SLS_TRY_ASSIGN(s, summarise(tx, o));
      out.push_back(std::move(s));
    }
    return ok_status();
  });
  if (!st) return st.error();
  return out;
}

Result<ShippedOrder> Enrolment::ship_order(std::string_view order_id) {
  const std::int64_t now = clock_.now();
  ShippedOrder out;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(order, load_order(tx, order_id));
    if (order.status != "ordered") return fail(Errc::order_not_shippable);
    SLS_TRY_ASSIGN(found, tx.get_device(order.device_id));
    if (!found || found->status != DeviceStatus::pending) return fail(Errc::order_not_shippable);
    DeviceRecord device = *found;
    SLS_TRY_ASSIGN(user, tx.get_user(order.user_id));
    if (!user) return fail(Errc::internal, {"order user vanished"});
    order.status = "shipped";
    order.shipped_at = now;
    order.auto_activate_at = now + kOrderAutoActivateSeconds;
    SLS_TRY(tx.update_order(order));
    device.shipped_at = now;
    SLS_TRY(tx.update_device(device));
    SLS_TRY(record_device_event(tx, device, "shipped", kActorOperator, "", now));
    SLS_TRY(audit_admin(tx, "device.shipped", *user, device.id, "order " + order.id));
    SLS_TRY_ASSIGN(key, keys_.open(device.sealed_secret));
    out.token.device_id = device.id;
    out.token.serial = device.serial;
    out.token.ocra_suite = device.ocra_suite;
    out.token.key_hex = to_hex(key.view());
    SLS_TRY_ASSIGN(summary, summarise(tx, order));
    out.summary = std::move(summary);
    return ok_status();
  });
  if (!st) return st.error();
  return out;
}

Result<std::int64_t> Enrolment::device_returned(std::string_view username, std::string_view device_id) {
  const std::int64_t now = clock_.now();
  std::int64_t released = 0;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(found, tx.get_device(device_id));
    if (!found || found->user_id != u.id) return fail(Errc::bad_argument, {"device", "unknown"});
    DeviceRecord device = *found;
    // A device back at the warehouse logs no one in any more.
    if (device.status != DeviceStatus::revoked) {
      SLS_TRY_ASSIGN(revocation, revoke_device_in(tx, device, "revoked", kActorOperator, "returned", now));
      (void)revocation;
    }
    SLS_TRY(record_device_event(tx, device, "returned", kActorOperator, "", now));
    SLS_TRY_ASSIGN(n, release_deposit_of_returned_device(tx, device, now));
    released = n;
    return audit_admin(tx, "device.returned", u, device.id, std::to_string(n) + " deposits released");
  });
  if (!st) return st.error();
  return released;
}

Result<OrderSummary> Enrolment::keep_deposit(std::string_view order_id, std::string_view reason) {
  if (reason != "damaged" && reason != "not_returned") return fail(Errc::deposit_bad_reason);
  const std::int64_t now = clock_.now();
  OrderSummary out;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(order, load_order(tx, order_id));
    SLS_TRY(settle_deposit(tx, order, "kept", reason, "slsctl", now));
    SLS_TRY_ASSIGN(summary, summarise(tx, order));
    out = std::move(summary);
    return ok_status();
  });
  if (!st) return st.error();
  return out;
}

}  // namespace sls::server
