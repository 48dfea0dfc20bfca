// Replacement device orders: the shared steps (device_orders.hpp) and the routes POST and GET /device-orders.
#include "server/device_orders.hpp"

#include <algorithm>

#include "server/device_deposits.hpp"
#include "server/device_history.hpp"
#include "server/device_lifecycle.hpp"
#include "server/enrolment.hpp"
#include "server/request_scope.hpp"
#include "sls/civil_date.hpp"
#include "sls/pin.hpp"
#include "sls/secure.hpp"

namespace sls::server {

bool device_offered_at_login(const DeviceRecord& d, std::int64_t now) noexcept {
  return device_usable(d, now) || awaiting_first_use(d);
}

Result<std::string> estimated_ship_date(const MarketCalendar& calendar, std::int64_t now) {
  SLS_TRY_ASSIGN(day, calendar.business_day(now));
  for (std::int64_t counted = 0; counted < kOrderShipBusinessDays;) {
    ++day;
    SLS_TRY_ASSIGN(business, calendar.is_business_day(day));
    if (business) ++counted;
  }
  return format_civil_date(civil_from_days(day));
}

Result<std::vector<std::string>> activate_ordered_device(StoreTx& tx, DeviceRecord& device, std::string_view actor,
                                                         std::int64_t now) {
  if (!awaiting_first_use(device)) return fail(Errc::internal, {"activate_ordered_device", "not shipped"});
  device.status = DeviceStatus::active;
  device.activated_at = now;
  SLS_TRY(tx.update_device(device));
  SLS_TRY_ASSIGN(orders, tx.list_orders_of_device(device.id));
  for (DeviceOrderRecord& o : orders) {
    if (o.device_id != device.id || o.status == "activated") continue;
    o.status = "activated";
    o.activated_at = now;
    SLS_TRY(tx.update_order(o));
  }
  SLS_TRY(record_device_event(tx, device, "activated", actor,
                              actor == kActorUser ? "first use" : "21 days after shipping", now));
  return supersede_on_activation(tx, device, actor, now);
}

Result<std::vector<std::string>> activate_due_devices(StoreTx& tx, std::int64_t user_id, std::int64_t now,
                                                      std::vector<DeviceRecord>* devices) {
  std::vector<DeviceRecord> read;
  if (devices == nullptr) {
    SLS_TRY_ASSIGN(list, tx.list_devices(user_id));
    read = std::move(list);
    devices = &read;
  }
  std::vector<std::string> cancelled;
  bool any = false;
  for (DeviceRecord& d : *devices) {
    if (d.user_id != user_id || !awaiting_first_use(d) || now < d.shipped_at + kOrderAutoActivateSeconds) continue;
    SLS_TRY_ASSIGN(ids, activate_ordered_device(tx, d, kActorServer, now));
    cancelled.insert(cancelled.end(), ids.begin(), ids.end());
    any = true;
  }
  // What the activation superseded changed too: the caller sees it as stored.
  if (any && devices != &read) {
    SLS_TRY_ASSIGN(fresh, tx.list_devices(user_id));
    *devices = std::move(fresh);
  }
  return cancelled;
}

JsonValue order_json(const DeviceOrderRecord& o, std::string_view serial, std::string_view account_name) {
  auto time_or_null = [](JsonValue& v, std::string_view key, std::int64_t t) {
    if (t != 0)
      v.set(key, t);
    else
      v.set(key, nullptr);
  };
  JsonValue deposit = JsonValue::object();
  deposit.set("account", o.deposit_account).set("account_name", account_name).set("cents", o.deposit_cents);
  deposit.set("status", o.deposit_status);
  if (o.deposit_reason.empty())
    deposit.set("reason", nullptr);
  else
    deposit.set("reason", o.deposit_reason);
  JsonValue v = JsonValue::object();
  v.set("id", o.id).set("kind", device_kind_id(o.kind)).set("status", o.status).set("device_id", o.device_id);
  v.set("serial", serial);
  if (o.replaces.empty())
    v.set("replaces", nullptr);
  else
    v.set("replaces", o.replaces);
  v.set("estimated_ship_date", o.estimated_ship_date).set("created_at", o.created_at);
  time_or_null(v, "shipped_at", o.shipped_at);
  time_or_null(v, "auto_activate_at", o.auto_activate_at);
  time_or_null(v, "activated_at", o.activated_at);
  v.set("deposit", std::move(deposit));
  return v;
}

namespace {

/// The order as the API shows it, with its device's serial and account's name.
Outcome<JsonValue> order_view(StoreTx& tx, const DeviceOrderRecord& o) {
  SLS_TRY_ASSIGN(device, tx.get_device(o.device_id));
  SLS_TRY_ASSIGN(account, tx.get_account(o.deposit_account));
  return order_json(o, device ? std::string_view(device->serial) : std::string_view(),
                    account ? std::string_view(account->name) : std::string_view());
}

/// Whether the user reported `device_id` lost (its history says so).
Result<bool> reported_lost(StoreTx& tx, std::int64_t user_id, std::string_view device_id) {
  SLS_TRY_ASSIGN(events, tx.list_device_events(user_id, 1000));
  return std::any_of(events.begin(), events.end(),
                     [&](const DeviceEventRecord& e) { return e.device_id == device_id && e.event == "lost"; });
}

}  // namespace

// --- POST /device-orders ----------------------------------------------------------------------------------

ApiResponse AuthService::create_device_order(const RequestContext& ctx, std::string_view cookie,
                                             const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  std::vector<std::string> cancelled_pushes;
  ApiResponse resp = op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(user, op.load_user(tx, session.user_id));
    auto refused = [&](Refusal r, std::string_view why) -> Outcome<ApiResponse> {
      SLS_TRY(op.audit(tx, "device.ordered", "fail", user.id, user.username, "", why));
      return r;
    };
    // The request's shape first: a malformed body costs nothing.
    SLS_TRY_ASSIGN(kind, string_field(body, "kind", 1, 32));
    if (kind != "dsc_plus") return refuse(Errc::order_kind);
    SLS_TRY_ASSIGN(pin_text, string_field(body, "pin", 1, 64));
    SecretString pin(std::move(pin_text));
    if (Status st = check_soft_pin(pin.view()); !st) return refuse(st.error());
    SLS_TRY_ASSIGN(account_id, string_field(body, "deposit_account", 1, 64));
    std::string replaces;
    if (const JsonValue* r = body.find("replaces"); r != nullptr && !r->is_null()) {
      auto text = r->as_string();
      if (text == nullptr) return refuse(Errc::request_bad_field, {"replaces"});
      replaces = *text;
    }

    // A replacement moves security: a fresh second factor, or a fresh
    // stand-in (the lost-device path: temporary code, online card, order).
    if (!fresh_second_factor(session, op.now, config_.step_up_window, true))
      return refused(refuse(Errc::account_step_up_required), "account.step_up_required");
    SLS_TRY_ASSIGN(held, tx.list_accounts_of_user(user.id));
    auto account = std::find_if(held.begin(), held.end(), [&](const AccountRecord& a) { return a.id == account_id; });
    if (account == held.end()) return refused(refuse(Errc::account_not_found), "account.not_found");
    if (!replaces.empty()) {
      SLS_TRY_ASSIGN(old, tx.get_device(replaces));
      if (!old || old->user_id != user.id) return refused(refuse(Errc::device_not_found), "device.not_found");
    }
    SLS_TRY_ASSIGN(orders, tx.list_orders_of_user(user.id));
    if (std::any_of(orders.begin(), orders.end(),
                    [](const DeviceOrderRecord& o) { return o.status == "ordered" || o.status == "shipped"; }))
      return refused(refuse(Errc::order_open), "order.open");
    SLS_TRY_ASSIGN(ship_date, estimated_ship_date(*calendar_, op.now));

    // The token as slsctl enrol builds one, pending until shipped and used.
    TokenEnrolment token;
    SLS_TRY_ASSIGN(device, make_token_device(keys_, config_, user.id, DeviceKind::dsc_plus, pin.view(), op.now, token));
    wipe(token.key_hex);
    device.status = DeviceStatus::pending;
    device.activated_at = 0;
    device.replaces = replaces;
    SLS_TRY(tx.insert_device(device));
    SLS_TRY(record_device_event(tx, device, "ordered", kActorUser, "", op.now));

    DeviceOrderRecord order;
    order.id = random_id();
    order.user_id = user.id;
    order.kind = DeviceKind::dsc_plus;
    order.status = "ordered";
    order.device_id = device.id;
    order.replaces = replaces;
    order.estimated_ship_date = ship_date;
    order.created_at = op.now;
    order.deposit_account = account->id;
    SLS_TRY(hold_deposit(tx, order, user.username, ctx.client_addr, op.now));
    // A device already reported lost will not come back: its deposit is kept.
    if (!replaces.empty()) {
      SLS_TRY_ASSIGN(lost, reported_lost(tx, user.id, replaces));
      if (lost) SLS_TRY(settle_deposit(tx, order, "kept", "lost", ctx.client_addr, op.now));
    }
    SLS_TRY(op.audit(tx, "device.ordered", "ok", user.id, user.username, device.id,
                     "order " + order.id + (replaces.empty() ? std::string() : "; replaces " + replaces)));
    SLS_TRY_ASSIGN(view, order_view(tx, order));
    ApiResponse created = ok_json(JsonValue::object().set("order", std::move(view)));
    created.status = 201;
    return created;
  }));
  for (const std::string& id : cancelled_pushes) announce(id);
  return resp;
}

Outcome<SessionRecord> AuthService::live_session_reading_devices(StoreTx& tx, std::string_view cookie, std::int64_t now,
                                                                 std::vector<std::string>& cancelled) const {
  SLS_TRY_ASSIGN(session, live_session(tx, cookie, now));
  SLS_TRY_ASSIGN(activated, activate_due_devices(tx, session.user_id, now));
  cancelled.insert(cancelled.end(), activated.begin(), activated.end());
  return session;
}

// --- GET /device-orders -----------------------------------------------------------------------------------

ApiResponse AuthService::list_device_orders(const RequestContext& ctx, std::string_view cookie) {
  RequestScope op{*this, ctx, clock_.now()};
  std::vector<std::string> cancelled_pushes;
  ApiResponse resp = op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    cancelled_pushes.clear();  // a retried run starts from nothing (Store::write)
    SLS_TRY_ASSIGN(session, live_session_reading_devices(tx, cookie, op.now, cancelled_pushes));
    SLS_TRY_ASSIGN(orders, tx.list_orders_of_user(session.user_id));
    JsonValue list = JsonValue::array();
    for (const DeviceOrderRecord& o : orders) {
      SLS_TRY_ASSIGN(view, order_view(tx, o));
      list.push_back(std::move(view));
    }
    return ok_json(JsonValue::object().set("orders", std::move(list)));
  }));
  for (const std::string& id : cancelled_pushes) announce(id);
  return resp;
}

}  // namespace sls::server
