// Push and QR approval: the browser's polls and cancel, the Mobile Key's pull, decision and QR approval.
#include <algorithm>
#include <charconv>

#include "server/device_secrets.hpp"
#include "server/encoding.hpp"
#include "server/push_changes.hpp"
#include "server/request_scope.hpp"
#include "server/sharing.hpp"
#include "sls/secure.hpp"
#include "sls/signed_payload.hpp"

namespace sls::server {

namespace {

JsonValue push_status_json(const PushRecord& push) {
  JsonValue v = JsonValue::object();
  v.set("status", to_text(push.status));
  v.set("expires_at", push.expires_at);
  return v;
}

/// A pending answer also tells the page when to ask again.
ApiResponse with_poll_hint(ApiResponse r, bool pending, std::int64_t poll_interval) {
  if (pending) r.headers.emplace_back("Retry-After", std::to_string(poll_interval));
  return r;
}

}  // namespace

Status RequestScope::settle_push_expiry(StoreTx& tx, PushRecord& push) {
  if (push.status == PushStatus::pending && now >= push.expires_at) {
    push.status = PushStatus::expired;
    push.decided_at = now;
    SLS_TRY(update_push_notifying(tx, push));
    auto user = load_user(tx, push.user_id);
    if (!user) return user.error().fault();
    SLS_TRY(audit(tx, "push.expired", "fail", user->id, user->username, push.device_id));
  }
  return ok_status();
}

Outcome<PushRecord> RequestScope::settled_push(StoreTx& tx, std::string_view tx_id, Bytes* login_secret_hash) {
  SLS_TRY_ASSIGN(found, tx.get_push(tx_id));
  if (!found) return refuse(Errc::push_not_found);
  SLS_TRY_ASSIGN(login, tx.get_login(found->login_id));
  if (!login) return fail(Errc::internal, {"login vanished"});
  // An unbound request learns no more than for a push never created.
  if (auto bound = check_binding(tx, *login); !bound) {
    if (bound.is_fault()) return bound.error();
    return refuse(Errc::push_not_found);
  }
  PushRecord push = *found;
  SLS_TRY(settle_push_expiry(tx, push));
  if (login_secret_hash != nullptr) *login_secret_hash = login->secret_hash;
  return push;
}

// --- the browser's side ------------------------------------------------------------------------------------

ApiResponse AuthService::push_status(const RequestContext& ctx, std::string_view tx_id) {
  RequestScope op{*this, ctx, clock_.now()};
  if (!looks_like_id(tx_id)) return op.respond(refuse(Errc::push_not_found));
  // Read before the transaction: a change announced after it keeps the
  // answer below out of the cache, where it could be stale.
  const std::uint64_t generation = pending_pushes_.generation(tx_id);
  std::optional<std::pair<Bytes, std::int64_t>> still_pending;  // secret hash, expiry
  ApiResponse response = op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    still_pending.reset();  // a retried run starts from nothing (Store::write)
    Bytes secret_hash;
    SLS_TRY_ASSIGN(push, op.settled_push(tx, tx_id, &secret_hash));
    if (push.status == PushStatus::pending) still_pending.emplace(std::move(secret_hash), push.expires_at);
    JsonValue reply = push_status_json(push);
    if (push.status == PushStatus::approved) {
      SLS_TRY_ASSIGN(login, tx.get_login(push.login_id));
      if (login && login->state == LoginState::verified && op.now < login->expires_at) {
        LoginRecord l = *login;
        std::string token = op.issue_token(l);
        SLS_TRY(tx.update_login(l));
        reply.set("completion_token", token);
      }
    }
    return with_poll_hint(ok_json(std::move(reply)), push.status == PushStatus::pending, config_.poll_interval);
  }));
  if (still_pending && response.status == 200)
    pending_pushes_.remember(tx_id, still_pending->first, still_pending->second, clock_.now_ms(), generation);
  return response;
}

std::optional<ApiResponse> AuthService::push_status_unchanged(const RequestContext& ctx, std::string_view tx_id,
                                                              PendingPushCache::Use use) const {
  if (ctx.login_secret.empty() || !looks_like_id(tx_id)) return std::nullopt;
  const auto expires_at = pending_pushes_.pending_until(
      tx_id, clock_.now_ms(),
      [&](std::span<const std::uint8_t> h) {
        return keys_.keyed_hash_matches(HashPurpose::login_secret, ctx.login_secret, h);
      },
      use);
  if (!expires_at) return std::nullopt;
  PushRecord push;
  push.status = PushStatus::pending;
  push.expires_at = *expires_at;
  return with_poll_hint(ok_json(push_status_json(push)), true, config_.poll_interval);
}

ApiResponse AuthService::cancel_push(const RequestContext& ctx, std::string_view tx_id) {
  RequestScope op{*this, ctx, clock_.now()};
  if (!looks_like_id(tx_id)) return op.respond(refuse(Errc::push_not_found));
  // Announced once committed (whatever the answer: a waiter only re-reads).
  struct Announce {
    const AuthService& s;
    std::string_view id;
    ~Announce() { s.announce(id); }
  } announce{*this, tx_id};
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(push, op.settled_push(tx, tx_id));
    if (push.status == PushStatus::pending) {
      push.status = PushStatus::cancelled;
      push.decided_at = op.now;
      SLS_TRY(update_push_notifying(tx, push));
      SLS_TRY_ASSIGN(user, op.load_user(tx, push.user_id));
      SLS_TRY(op.audit(tx, "push.cancelled", "info", user.id, user.username, push.device_id));
    }
    return ok_json(push_status_json(push));
  }));
}

ApiResponse AuthService::challenge_status(const RequestContext& ctx, std::string_view login_id) {
  RequestScope op{*this, ctx, clock_.now()};
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(login, op.load_bound_login(tx, login_id));
    SLS_TRY_ASSIGN(latest, tx.latest_challenge(login.id));
    if (!latest) return refuse(Errc::challenge_not_found);
    PushStatus status = PushStatus::pending;
    if (latest->state == ChallengeState::answered && latest->answered_by == AnswerRoute::qr)
      status = PushStatus::approved;
    else if (latest->state == ChallengeState::answered || latest->state == ChallengeState::voided)
      status = PushStatus::cancelled;  // answered by typing, or replaced: nothing to wait for here
    else if (op.now >= latest->expires_at)
      status = PushStatus::expired;
    JsonValue reply = JsonValue::object();
    reply.set("status", to_text(status)).set("expires_at", latest->expires_at);
    if (status == PushStatus::approved && login.state == LoginState::verified) {
      LoginRecord l = login;
      std::string token = op.issue_token(l);
      SLS_TRY(tx.update_login(l));
      reply.set("completion_token", token);
    }
    return with_poll_hint(ok_json(std::move(reply)), status == PushStatus::pending, config_.poll_interval);
  }));
}

// --- the Mobile Key's side ------------------------------------------------------------------------------

ApiResponse AuthService::device_pushes(const RequestContext& ctx, std::string_view device_id,
                                       std::string_view signature, std::string_view device_time) {
  RequestScope op{*this, ctx, clock_.now()};
  if (!looks_like_id(device_id)) return op.respond(refuse(Errc::device_not_found));
  std::int64_t t = 0;
  auto [p, ec] = std::from_chars(device_time.data(), device_time.data() + device_time.size(), t);
  const bool time_ok = ec == std::errc() && p == device_time.data() + device_time.size() &&
                       t > op.now - config_.device_clock_skew && t < op.now + config_.device_clock_skew;
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(device, tx.get_device(device_id));
    if (!device || device->kind != DeviceKind::mobile_key || device->status != DeviceStatus::active)
      return refuse(Errc::device_not_found);
    if (!time_ok || !verify_device_signature(device->sign_public_key, device_pull_message(device_id, t), signature))
      return refuse(Errc::device_bad_signature);
    SLS_TRY_ASSIGN(pending, tx.pending_pushes_of_device(device_id, op.now));
    JsonValue list = JsonValue::array();
    // The number to match is not sent: the user types the one the login
    // page shows, which is the point of number matching. The user named is
    // the one logging in: a shared device serves several (docs/sharing.md).
    for (const PushRecord& push : pending) {
      SLS_TRY_ASSIGN(user, op.load_user(tx, push.user_id));
      list.push_back(JsonValue::object()
                         .set("tx_id", push.id)
                         .set("origin", push.origin)
                         .set("username", user.username)
                         .set("expires_at", push.expires_at));
    }
    return ok_json(JsonValue::object().set("pushes", std::move(list)));
  }));
}

ApiResponse AuthService::push_decision(const RequestContext& ctx, std::string_view tx_id, const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  ApiResponse r = push_decision_in(op, tx_id, body);
  if (looks_like_id(tx_id)) announce(tx_id);  // committed: the page's long poll answers now
  return r;
}

ApiResponse AuthService::push_decision_in(RequestScope& op, std::string_view tx_id, const JsonValue& body) {
  return op.respond([&]() -> Outcome<ApiResponse> {
    if (!looks_like_id(tx_id)) return refuse(Errc::push_not_found);
    SLS_TRY_ASSIGN(device_id, id_field(body, "device_id", Errc::push_not_found));
    auto number = string_field(body, "number", 2, 2);
    if (!number || !std::all_of(number->begin(), number->end(), [](char c) { return c >= '0' && c <= '9'; }))
      return refuse(Errc::request_bad_field, {"number"});
    auto decision = string_field(body, "decision", 1, 16);
    if (!decision || (*decision != "approve" && *decision != "deny" && *decision != "not_me"))
      return refuse(Errc::request_bad_field, {"decision"});
    SLS_TRY_ASSIGN(signature, string_field(body, "signature", 1, 128));

    return op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
      SLS_TRY_ASSIGN(found, tx.get_push(tx_id));
      if (!found || found->device_id != device_id) return refuse(Errc::push_not_found);
      PushRecord push = *found;
      SLS_TRY_ASSIGN(dev, tx.get_device(push.device_id));
      if (!dev) return fail(Errc::internal, {"device vanished"});
      DeviceRecord device = *dev;
      SLS_TRY_ASSIGN(user, op.load_user(tx, push.user_id));
      // Authenticate before revealing anything about the transaction's state.
      if (device.status != DeviceStatus::active ||
          !verify_device_signature(device.sign_public_key, push_decision_message(tx_id, *number, *decision),
                                   signature)) {
        SLS_TRY(op.audit(tx, "push.decision", "fail", user.id, user.username, device.id, "device.bad_signature"));
        return refuse(Errc::device_bad_signature);
      }
      SLS_TRY(op.settle_push_expiry(tx, push));
      if (push.status == PushStatus::expired) return refuse(Errc::push_expired);
      if (push.status != PushStatus::pending) return refuse(Errc::push_already_decided);
      push.decided_at = op.now;
      const bool number_ok = constant_time_equal(*number, push.number);
      if (*decision == "approve" && number_ok) {
        SLS_TRY_ASSIGN(login, tx.get_login(push.login_id));
        if (!login || login->state != LoginState::second_factor || op.now >= login->expires_at) {
          push.status = PushStatus::cancelled;
          SLS_TRY(update_push_notifying(tx, push));
          return refuse(Errc::login_expired);
        }
        // A sharing that ended since the push was sent takes no approval.
        SLS_TRY_ASSIGN(allowed, may_use_device(tx, device, user.id));
        if (!allowed) {
          push.status = PushStatus::cancelled;
          SLS_TRY(update_push_notifying(tx, push));
          return refuse(Errc::push_not_found);
        }
        // A locked account takes no approval: the push is closed (the page
        // stops waiting and shows the lock when it asks again) and the
        // phone is told why.
        if (auto lock = op.lock_refusal(user, &device)) {
          push.status = PushStatus::cancelled;
          SLS_TRY(update_push_notifying(tx, push));
          SLS_TRY(op.audit(tx, "push.decision", "fail", user.id, user.username, device.id, "auth.locked"));
          return *lock;
        }
        push.status = PushStatus::approved;
        LoginRecord l = *login;
        op.mark_verified(l, &device, device.kind, Access::full);
        SLS_TRY(tx.update_login(l));
        SLS_TRY(op.audit(tx, "push.approved", "ok", user.id, user.username, device.id));
      } else {
        push.status = PushStatus::denied;
        const char* event = *decision == "not_me" ? "push.not_me"
                            : *decision == "deny" ? "push.denied"
                                                  : "push.number_mismatch";
        SLS_TRY(op.audit(tx, event, "fail", user.id, user.username, device.id));
      }
      SLS_TRY(update_push_notifying(tx, push));
      return ok_json(push_status_json(push));
    });
  }());
}

// --- QR approval ------------------------------------------------------------------------------------------------

ApiResponse AuthService::qr_approve(const RequestContext& ctx, const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  std::string approved_login;  // announced once committed
  ApiResponse r = op.respond([&]() -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(device_id, id_field(body, "device_id", Errc::device_bad_signature));
    SLS_TRY_ASSIGN(payload_text, string_field(body, "payload", 1, 1024));
    SLS_TRY_ASSIGN(signature, string_field(body, "signature", 1, 128));
    auto payload = verify_signed_payload(payload_text, keys_.signing_key().public_key(), op.now);
    if (!payload) return refuse(payload.error());
    const std::string challenge_id = base64url_encode(payload->tx_id);

    return op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
      approved_login.clear();  // a retried run starts from nothing (Store::write)
      SLS_TRY_ASSIGN(found, tx.get_challenge(challenge_id));
      SLS_TRY_ASSIGN(dev, tx.get_device(device_id));
      // The device must be the Mobile Key the challenge was opened for, and
      // must have signed this very payload.
      if (!dev || !found || dev->kind != DeviceKind::mobile_key || dev->status != DeviceStatus::active ||
          found->device_id != dev->id ||
          !verify_device_signature(dev->sign_public_key, qr_approval_message(payload_text), signature)) {
        SLS_TRY(op.audit(tx, "qr.approve", "fail", dev ? dev->user_id : 0, "", device_id, "device.bad_signature"));
        return refuse(Errc::device_bad_signature);
      }
      ChallengeRecord c = *found;
      DeviceRecord device = *dev;
      auto login = op.load_login(tx, c.login_id);
      if (login.is_fault()) return login.error();
      // The user logging in: the device's owner, or a user it is shared with.
      SLS_TRY_ASSIGN(user, op.load_user(tx, login ? login->user_id : device.user_id));
      if (c.state == ChallengeState::answered) {
        SLS_TRY(op.audit(tx, "qr.approve", "fail", user.id, user.username, device.id, "challenge.used"));
        return refuse(Errc::challenge_used);
      }
      if (c.state != ChallengeState::open || op.now >= c.expires_at || !login ||
          login->state != LoginState::second_factor || !RequestScope::asks_open_question(c, device))
        return refuse(Errc::challenge_expired);
      SLS_TRY_ASSIGN(allowed, may_use_device(tx, device, user.id));
      if (!allowed) return refuse(Errc::challenge_expired);
      if (auto lock = op.lock_refusal(user, &device)) {
        SLS_TRY(op.audit(tx, "qr.approve", "fail", user.id, user.username, device.id, "auth.locked"));
        return *lock;
      }
      c.state = ChallengeState::answered;
      c.answered_by = AnswerRoute::qr;
      SLS_TRY(tx.update_challenge(c));
      SLS_TRY(op.close_question(device, c));
      SLS_TRY(tx.update_device(device));
      LoginRecord l = *login;
      op.mark_verified(l, &device, device.kind, Access::full);
      SLS_TRY(tx.update_login(l));
      SLS_TRY(notify_push_change(tx, l.id));
      SLS_TRY(op.audit(tx, "verify", "ok", user.id, user.username, device.id, "qr"));
      approved_login = l.id;
      return ok_json(JsonValue::object().set("status", to_text(PushStatus::approved)));
    });
  }());
  if (!approved_login.empty()) announce(approved_login);
  return r;
}

}  // namespace sls::server
