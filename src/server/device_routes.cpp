// The device lifecycle routes of the security centre (docs/devices.md): the user's devices and their history,
// reporting one lost, removing one, asking for its replacement by a Mobile Key, and where to send it back.
#include <algorithm>
#include <charconv>

#include "server/device_deposits.hpp"
#include "server/device_history.hpp"
#include "server/device_lifecycle.hpp"
#include "server/device_orders.hpp"
#include "server/device_views.hpp"
#include "server/request_scope.hpp"
#include "server/return_regions.hpp"
#include "server/sharing.hpp"

namespace sls::server {
namespace {

/// How long ended devices stay in the list (GET /devices), and how long a
/// replacement request waits for the new device.
constexpr std::int64_t kEndedShownFor = 90 * 86400;
constexpr std::int64_t kReplacementWindow = 7 * 86400;
/// The history rows read to tell when each listed device ended.
constexpr std::size_t kHistoryForList = 1000;

/// The session user's device `id`: device.not_found for an unknown id, an id
/// of the wrong shape and another user's device alike (one answer for all).
Outcome<DeviceRecord> own_device(StoreTx& tx, std::int64_t user_id, std::string_view id) {
  if (id.empty() || id.size() > 64) return refuse(Errc::device_not_found);
  SLS_TRY_ASSIGN(found, tx.get_device(id));
  if (!found || found->user_id != user_id) return refuse(Errc::device_not_found);
  return std::move(*found);
}

/// The session's step-up deadline, as GET /accounts shows it.
JsonValue step_up_until(const SessionRecord& session, std::int64_t now, std::int64_t window) {
  if (session.second_factor_at != 0 && now - session.second_factor_at <= window)
    return JsonValue(session.second_factor_at + window);
  return JsonValue(nullptr);
}

JsonValue region_json(const ReturnRegion& r) {
  JsonValue address = JsonValue::array();
  for (std::string_view line : r.address) address.push_back(line);
  JsonValue phones = JsonValue::array();
  for (const ReturnPhone& p : r.phones) {
    JsonValue v = JsonValue::object();
    v.set("area", p.area).set("kind", p.kind).set("number", p.number);
    if (p.language.empty())
      v.set("language", nullptr);
    else
      v.set("language", p.language);
    phones.push_back(std::move(v));
  }
  return JsonValue::object().set("id", r.id).set("address", std::move(address)).set("phones", std::move(phones));
}

}  // namespace

ApiResponse AuthService::list_user_devices(const RequestContext& ctx, std::string_view cookie) {
  RequestScope op{*this, ctx, clock_.now()};
  std::vector<std::string> cancelled_pushes;  // of devices a due replacement superseded: woken after the commit
  ApiResponse resp = op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    cancelled_pushes.clear();  // a retried run starts from nothing (Store::write)
    SLS_TRY_ASSIGN(session, live_session_reading_devices(tx, cookie, op.now, cancelled_pushes));
    SLS_TRY_ASSIGN(devices, tx.list_devices(session.user_id));
    SLS_TRY_ASSIGN(history, tx.list_device_events(session.user_id, kHistoryForList));
    // The living ones in enrolment order, then the ended ones, the latest first.
    std::vector<std::pair<std::int64_t, const DeviceRecord*>> ended;
    JsonValue list = JsonValue::array();
    for (const DeviceRecord& d : devices) {
      if (auto end = device_end(d, history, op.now)) {
        if (op.now - end->at <= kEndedShownFor) ended.emplace_back(end->at, &d);
        continue;
      }
      list.push_back(device_view_json(d, history, op.now));
    }
    std::stable_sort(ended.begin(), ended.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& e : ended) list.push_back(device_view_json(*e.second, history, op.now));
    JsonValue reply = JsonValue::object();
    reply.set("devices", std::move(list));
    reply.set("step_up_until", step_up_until(session, op.now, config_.step_up_window));
    return ok_json(std::move(reply));
  }));
  for (const std::string& id : cancelled_pushes) announce(id);
  return resp;
}

ApiResponse AuthService::device_history(const RequestContext& ctx, std::string_view cookie,
                                        std::optional<std::string_view> limit_text) {
  RequestScope op{*this, ctx, clock_.now()};
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    std::size_t limit = 50;
    if (limit_text) {
      const char* first = limit_text->data();
      const char* last = first + limit_text->size();
      auto [end, ec] = std::from_chars(first, last, limit);
      if (ec != std::errc{} || end != last || limit < 1 || limit > 200)
        return refuse(Errc::request_bad_field, {"limit"});
    }
    SLS_TRY_ASSIGN(events, tx.list_device_events(session.user_id, limit));
    JsonValue list = JsonValue::array();
    for (const DeviceEventRecord& e : events) list.push_back(device_event_json(e));
    return ok_json(JsonValue::object().set("events", std::move(list)));
  }));
}

ApiResponse AuthService::report_device_lost(const RequestContext& ctx, std::string_view cookie,
                                            std::string_view device_id) {
  RequestScope op{*this, ctx, clock_.now()};
  std::vector<std::string> cancelled;
  ApiResponse resp = op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    cancelled.clear();  // a retried run starts from nothing (Store::write)
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(user, op.load_user(tx, session.user_id));
    SLS_TRY_ASSIGN(device, own_device(tx, user.id, device_id));
    // No freshness: reporting a device lost only takes power away.
    if (device_end(device, {}, op.now)) {
      SLS_TRY(op.audit(tx, "device.lost", "fail", user.id, user.username, device.id, "device.ended"));
      return refuse(Errc::device_ended);
    }
    SLS_TRY_ASSIGN(r, revoke_device_in(tx, device, "lost", kActorUser, "", op.now));
    cancelled = std::move(r.cancelled_pushes);
    // A deposit held for the device stays with the firm (docs/device-orders.md).
    SLS_TRY(keep_deposit_of_lost_device(tx, device, op.now));
    // Whoever holds the device may hold a session opened with it: every
    // session but the reporting one ends.
    SLS_TRY_ASSIGN(sessions, tx.list_sessions(user.id));
    std::int64_t ended = 0;
    for (const SessionRecord& s : sessions)
      if (s.token_hash != session.token_hash) {
        SLS_TRY(tx.delete_session(s.token_hash));
        ++ended;
      }
    SLS_TRY(op.audit(tx, "device.lost", "ok", user.id, user.username, device.id,
                     std::string(device_kind_id(device.kind)) + "; " + std::to_string(ended) +
                         " other sessions ended; " + std::to_string(r.pushes_ended) + " pushes cancelled; " +
                         std::to_string(r.sharings_ended) + " sharings ended"));
    SLS_TRY_ASSIGN(history, tx.list_device_events(user.id, kHistoryForList));
    JsonValue offers = JsonValue::array();
    for (std::string_view o : {"temporary_code", "online_card", "replacement"}) offers.push_back(o);
    JsonValue reply = JsonValue::object();
    reply.set("device", device_view_json(device, history, op.now));
    reply.set("sessions_ended", ended);
    reply.set("offers", std::move(offers));
    return ok_json(std::move(reply));
  }));
  // After the commit: held status requests of the cancelled pushes answer now.
  for (const std::string& id : cancelled) announce(id);
  return resp;
}

ApiResponse AuthService::remove_device(const RequestContext& ctx, std::string_view cookie, std::string_view device_id) {
  RequestScope op{*this, ctx, clock_.now()};
  std::vector<std::string> cancelled;
  ApiResponse resp = op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    cancelled.clear();  // a retried run starts from nothing (Store::write)
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(user, op.load_user(tx, session.user_id));
    SLS_TRY_ASSIGN(device, own_device(tx, user.id, device_id));
    auto refused = [&](Refusal r, std::string_view why) -> Outcome<ApiResponse> {
      SLS_TRY(op.audit(tx, "device.removed", "fail", user.id, user.username, device.id, why));
      return r;
    };
    if (device_end(device, {}, op.now)) return refused(refuse(Errc::device_ended), "device.ended");
    if (!fresh_second_factor(session, op.now, config_.step_up_window))
      return refused(refuse(Errc::account_step_up_required), "account.step_up_required");
    // The last usable permanent device of a user who logs in with one: the
    // user opts out or adds another device first.
    if (!user.opted_out && device_usable(device, op.now) && !is_temporary(device.kind)) {
      SLS_TRY_ASSIGN(devices, tx.list_devices(user.id));
      if (std::none_of(devices.begin(), devices.end(), [&](const DeviceRecord& d) {
            return d.id != device.id && device_usable(d, op.now) && !is_temporary(d.kind);
          }))
        return refused(refuse(Errc::device_last_device), "device.last_device");
    }
    SLS_TRY_ASSIGN(r, revoke_device_in(tx, device, "removed", kActorUser, "", op.now));
    cancelled = std::move(r.cancelled_pushes);
    // The sessions opened with it end (this one too, when it was).
    SLS_TRY_ASSIGN(sessions, tx.list_sessions(user.id));
    std::int64_t ended = 0;
    for (const SessionRecord& s : sessions) {
      SLS_TRY_ASSIGN(login, tx.get_login(s.login_id));
      if (login && login->verified_device_id == device.id) {
        SLS_TRY(tx.delete_session(s.token_hash));
        ++ended;
      }
    }
    SLS_TRY(op.audit(tx, "device.removed", "ok", user.id, user.username, device.id,
                     std::string(device_kind_id(device.kind)) + "; " + std::to_string(ended) + " sessions ended"));
    SLS_TRY_ASSIGN(history, tx.list_device_events(user.id, kHistoryForList));
    JsonValue reply = JsonValue::object();
    reply.set("device", device_view_json(device, history, op.now));
    reply.set("sessions_ended", ended);
    return ok_json(std::move(reply));
  }));
  for (const std::string& id : cancelled) announce(id);
  return resp;
}

ApiResponse AuthService::replace_device(const RequestContext& ctx, std::string_view cookie, std::string_view device_id,
                                        const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(user, op.load_user(tx, session.user_id));
    SLS_TRY_ASSIGN(device, own_device(tx, user.id, device_id));
    SLS_TRY_ASSIGN(with, string_field(body, "with", 1, 32));
    auto refused = [&](Refusal r, std::string_view why) -> Outcome<ApiResponse> {
      SLS_TRY(op.audit(tx, "device.replace", "fail", user.id, user.username, device.id, why));
      return r;
    };
    // A DSC+ replacement is an order (POST /device-orders, with replaces).
    if (with != "mobile_key") return Refusal{fail(Errc::request_bad_field, {"with"}), {}, 422};
    if (device_end(device, {}, op.now)) return refused(refuse(Errc::device_ended), "device.ended");
    if (!fresh_second_factor(session, op.now, config_.step_up_window))
      return refused(refuse(Errc::account_step_up_required), "account.step_up_required");
    device.replace_with = with;
    device.replace_until = op.now + kReplacementWindow;
    SLS_TRY(tx.update_device(device));
    SLS_TRY(op.audit(tx, "device.replace", "ok", user.id, user.username, device.id, "by mobile_key"));
    JsonValue replacement = JsonValue::object();
    replacement.set("device_id", device.id).set("with", with).set("until", device.replace_until);
    return ok_json(JsonValue::object().set("replacement", std::move(replacement)));
  }));
}

ApiResponse AuthService::device_return(const RequestContext& ctx, std::string_view cookie, std::string_view device_id) {
  RequestScope op{*this, ctx, clock_.now()};
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(device, own_device(tx, session.user_id, device_id));
    IdentificationData id;
    SLS_TRY(identification_of(tx, keys_, session.user_id, id));
    const std::string_view region = return_region_for(id.legal_residence);
    wipe_identification(id);
    std::string_view advice = "none";
    JsonValue suggest = nullptr;
    if (device_returnable(device.kind)) {
      advice = "return";
    } else if (device.kind == DeviceKind::code_card || device.kind == DeviceKind::online_card) {
      advice = "destroy";
      suggest = "mobile_key";
    }
    JsonValue regions = JsonValue::array();
    for (const ReturnRegion& r : kReturnRegions)
      if (r.id == region) regions.push_back(region_json(r));
    for (const ReturnRegion& r : kReturnRegions)
      if (r.id != region) regions.push_back(region_json(r));
    SLS_TRY_ASSIGN(history, tx.list_device_events(session.user_id, kHistoryForList));
    JsonValue reply = JsonValue::object();
    reply.set("device", device_view_json(device, history, op.now));
    reply.set("advice", advice).set("suggest", std::move(suggest)).set("region", region);
    reply.set("regions", std::move(regions));
    reply.set("receipt_business_days", JsonValue::object().set("min", 3).set("max", 5));
    return ok_json(std::move(reply));
  }));
}

}  // namespace sls::server
