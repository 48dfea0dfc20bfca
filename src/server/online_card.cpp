// The online Security Code Card: issuing it pending, its printable page and its activation by two codes
// (online_card.hpp, docs/online-card.md). Routes: POST /devices/online-card, GET /devices/{id}/card,
// POST /devices/{id}/activate.
#include "server/online_card.hpp"

#include <string>

#include "server/device_history.hpp"
#include "server/device_lifecycle.hpp"
#include "server/device_secrets.hpp"
#include "server/device_views.hpp"
#include "server/enrolment.hpp"
#include "server/request_scope.hpp"
#include "sls/secure.hpp"

namespace sls::server {

Result<OnlineCardIssue> issue_online_card_in(StoreTx& tx, const Keyring& keys, const UserRecord& user,
                                             std::string_view actor, std::int64_t now) {
  auto card = CodeCard::generate(generate_digits(8), kCardDefaultCells);
  if (!card) return card.error();
  auto activation = pick_card_challenge(card->size(), CellReuse::allowed, {});
  if (!activation) return activation.error();
  // One online card per user: a newer one revokes the earlier (SPEC 3.1).
  SLS_TRY_ASSIGN(devices, tx.list_devices(user.id));
  for (DeviceRecord& old : devices) {
    if (old.kind != DeviceKind::online_card || old.status == DeviceStatus::revoked) continue;
    const bool expired = old.expires_at != 0 && now >= old.expires_at;
    SLS_TRY_ASSIGN(r, revoke_device_in(tx, old, expired ? "expired" : "revoked", actor,
                                       expired ? "" : "a newer online card", now));
    (void)r;  // a card has no pushes
  }
  OnlineCardIssue out;
  DeviceRecord& d = out.device;
  d.id = random_id();
  d.user_id = user.id;
  d.kind = DeviceKind::online_card;
  d.status = DeviceStatus::pending;
  d.created_at = now;
  d.serial = card->serial();
  d.label = "Online code card " + d.serial.substr(d.serial.size() - 4);
  d.expires_at = now + kOnlineCardActivationWindow;  // of the activation window, while pending
  // The activation's two cells, fixed at issue: asking again cannot draw
  // other cells (no shopping for a pair one has seen).
  d.open_question = std::to_string(activation->first) + "," + std::to_string(activation->second);
  d.open_question_expires_at = d.expires_at;
  SecretString cells_text = card->to_storage();
  d.sealed_secret = keys.seal(as_bytes(cells_text.view()));
  SLS_TRY(tx.insert_device(d));
  SLS_TRY(record_device_event(tx, d, "issued", actor, "awaiting activation", now));
  out.card.emplace(std::move(*card));
  out.activation = *activation;
  return out;
}

std::string_view online_card_stylesheet() noexcept {
  return "body{font-family:system-ui,sans-serif;margin:2em}\n"
         "table{border-collapse:collapse}\n"
         "td{border:1px solid #444;padding:.3em .5em;text-align:center;font-family:ui-monospace,monospace}\n"
         "td small{display:block;color:#666;font-size:.7em}\n"
         "@media print{body{margin:0}p.note{font-size:9pt}@page{size:A5 landscape;margin:1cm}}\n";
}

namespace {

/// The session user's online card `id`: device.not_found for an id of the
/// wrong shape, another user's device or another kind (one answer for all).
Outcome<DeviceRecord> own_online_card(StoreTx& tx, const SessionRecord& session, std::string_view id) {
  if (!looks_like_id(id)) return refuse(Errc::device_not_found);
  SLS_TRY_ASSIGN(found, tx.get_device(id));
  if (!found || found->user_id != session.user_id || found->kind != DeviceKind::online_card)
    return refuse(Errc::device_not_found);
  return std::move(*found);
}

/// A pending card past its activation window: revoked as "expired" (by the
/// server, once) so that it shows as ended; true when it was.
Outcome<bool> settle_pending_expiry(StoreTx& tx, DeviceRecord& d, std::int64_t now) {
  if (d.status != DeviceStatus::pending || d.expires_at == 0 || now < d.expires_at) return false;
  SLS_TRY_ASSIGN(r, revoke_device_in(tx, d, "expired", kActorServer, "not activated in time", now));
  (void)r;
  return true;
}

}  // namespace

ApiResponse AuthService::issue_online_card(const RequestContext& ctx, std::string_view cookie) {
  RequestScope op{*this, ctx, clock_.now()};
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(user, op.load_user(tx, session.user_id));
    // fresh*: a session opened with a stand-in within the window counts
    // (the lost-device path: temporary code -> online card).
    if (!fresh_second_factor(session, op.now, config_.step_up_window, true)) {
      SLS_TRY(op.audit(tx, "online_card.issued", "fail", user.id, user.username, "", "account.step_up_required"));
      return refuse(Errc::account_step_up_required);
    }
    SLS_TRY_ASSIGN(issue, issue_online_card_in(tx, keys_, user, kActorUser, op.now));
    SLS_TRY(op.audit(tx, "online_card.issued", "ok", user.id, user.username, issue.device.id, "pending"));
    JsonValue cells = JsonValue::array();
    for (std::size_t i = 1; i <= issue.card->size(); ++i) {
      auto code = issue.card->code(i);
      if (!code) return code.error();
      cells.push_back(std::string(*code));
    }
    JsonValue reply = JsonValue::object();
    reply.set("device", device_view_json(issue.device, {}, op.now));  // a living card: no history needed
    reply.set("card", JsonValue::object().set("serial", issue.card->serial()).set("cells", std::move(cells)));
    reply.set("activation",
              JsonValue::object().set("indices", JsonValue::array()
                                                     .push_back(static_cast<std::int64_t>(issue.activation.first))
                                                     .push_back(static_cast<std::int64_t>(issue.activation.second))));
    reply.set("print_url", "/api/v1/devices/" + issue.device.id + "/card");
    ApiResponse r = ok_json(std::move(reply));
    r.status = 201;
    return r;
  }));
}

ApiResponse AuthService::online_card_page(const RequestContext& ctx, std::string_view cookie, std::string_view id,
                                          Lang lang, std::string& html) {
  RequestScope op{*this, ctx, clock_.now()};
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(d, own_online_card(tx, session, id));
    SLS_TRY_ASSIGN(expired, settle_pending_expiry(tx, d, op.now));
    // Only while pending: once active (or ended) its codes are not served
    // again; one answer for every case.
    if (expired || d.status != DeviceStatus::pending) return refuse(Errc::device_not_found);
    SLS_TRY_ASSIGN(user, op.load_user(tx, session.user_id));
    SLS_TRY_ASSIGN(cells, keys_.open(d.sealed_secret));
    auto card = CodeCard::from_storage(d.serial, as_text(cells.view()));
    if (!card) return fail(Errc::internal, {"stored card", d.id});
    html = code_card_html(*card, user.username, 0, lang, kCardStylesheetPath);
    return ok_json(JsonValue::object());
  }));
}

ApiResponse AuthService::activate_online_card(const RequestContext& ctx, std::string_view cookie, std::string_view id,
                                              const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  std::vector<std::string> cancelled_pushes;
  bool counted = false;  // a failure-budget token was taken
  ApiResponse resp = op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    cancelled_pushes.clear();  // a retried run starts from nothing (Store::write)
    counted = false;
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(d, own_online_card(tx, session, id));
    SLS_TRY_ASSIGN(expired, settle_pending_expiry(tx, d, op.now));
    if (expired || d.status == DeviceStatus::revoked) return refuse(Errc::device_ended);
    if (d.status == DeviceStatus::active) return refuse(Errc::online_card_active);
    SLS_TRY_ASSIGN(user, op.load_user(tx, session.user_id));
    if (auto lock = op.lock_refusal(user, &d)) return *lock;
    SLS_TRY_ASSIGN(typed_field, string_field(body, "codes", 1, 64));
    SecretString typed(std::move(typed_field));
    auto entry = parse_card_entry(typed.view());
    if (!entry) return refuse(entry.error());
    SecretString normalised(std::move(*entry));
    if (auto limited = op.take_failure_token_in(tx)) return *limited;
    counted = true;
    SLS_TRY_ASSIGN(question, parse_card_question(d.open_question));
    SLS_TRY_ASSIGN(cells, keys_.open(d.sealed_secret));
    auto card = CodeCard::from_storage(d.serial, as_text(cells.view()));
    if (!card) return fail(Errc::internal, {"stored card", d.id});
    if (!verify_card_entry(*card, question, normalised.view()))
      return op.code_failure(tx, user, d, Errc::online_card_bad_codes, "online_card.activation_failed");
    d.status = DeviceStatus::active;
    d.activated_at = op.now;
    d.expires_at = op.now + config_.online_card_days * 86400;
    d.open_question.clear();
    d.open_question_expires_at = 0;
    d.failures = {};
    SLS_TRY(tx.update_device(d));
    SLS_TRY(record_device_event(tx, d, "activated", kActorUser, "", op.now));
    SLS_TRY_ASSIGN(superseded, supersede_on_activation(tx, d, kActorUser, op.now));
    cancelled_pushes = std::move(superseded);
    SLS_TRY(op.audit(tx, "device.activated", "ok", user.id, user.username, d.id, "online_card"));
    return ok_json(JsonValue::object().set("device", device_view_json(d, {}, op.now)));
  }));
  if (resp.status == 200 && counted) op.give_back_failure_token();
  for (const std::string& p : cancelled_pushes) announce(p);
  return resp;
}

}  // namespace sls::server
