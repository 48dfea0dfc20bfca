// The login's two ends: the password step (POST /login) and completion into a session (POST /login/{id}/complete).
#include <algorithm>
#include <map>

#include "server/assertion_keys.hpp"
#include "server/device_orders.hpp"
#include "server/jwt.hpp"
#include "server/lockout.hpp"
#include "server/password.hpp"
#include "server/request_scope.hpp"
#include "server/sharing.hpp"
#include "sls/secure.hpp"

namespace sls::server {
namespace {

JsonValue limit_json(const UsdLimit& limit) {
  JsonValue v = JsonValue::object();
  v.set("unlimited", limit.is_unlimited());
  if (auto cents = limit.cents())
    v.set("cents", *cents);
  else
    v.set("cents", nullptr);
  return v;
}

/// The RFC 8176 values of a session's stored amr ("pwd,sms").
JsonValue amr_json(std::string_view amr) {
  JsonValue out = JsonValue::array();
  while (!amr.empty()) {
    const auto comma = amr.find(',');
    out.push_back(amr.substr(0, comma));
    amr = comma == std::string_view::npos ? std::string_view() : amr.substr(comma + 1);
  }
  return out;
}

/// The `acr` of a login assertion: the assurance of the second factor,
/// by device kind (docs/hand-off.md, "Login assertions"). 1: the password
/// alone; 2: a one-time code that can be copied or intercepted (code
/// cards, temporary codes, SMS); 3: Mobile Key, a key kept on a phone;
/// 4: a hardware token (DSC, Platinum/Gold card, DSC+).
std::string_view assertion_acr(DeviceKind kind) noexcept {
  switch (kind) {
    case DeviceKind::none: return "urn:sls:acr:1";
    case DeviceKind::temp_code:
    case DeviceKind::online_card:
    case DeviceKind::code_card:
    case DeviceKind::sms: return "urn:sls:acr:2";
    case DeviceKind::mobile_key: return "urn:sls:acr:3";
    case DeviceKind::dsc:
    case DeviceKind::platinum_gold:
    case DeviceKind::dsc_plus: return "urn:sls:acr:4";
  }
  return "urn:sls:acr:1";  // unreachable: claim no more than the password
}

/// Whether `nonce` may go into an assertion: 1..kMaxNonceBytes visible
/// ASCII characters (no space, no control character).
constexpr std::size_t kMaxNonceBytes = 128;
bool valid_nonce(std::string_view nonce) noexcept {
  return !nonce.empty() && nonce.size() <= kMaxNonceBytes &&
         std::all_of(nonce.begin(), nonce.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

/// The header that deletes the session cookie in the browser.
std::string clearing_cookie(bool secure) {
  std::string c = std::string(session_cookie_name(secure)) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  if (secure) c += "; Secure";
  return c;
}

}  // namespace

// --- the password step, shared by POST /login and the Mobile Key enrolment -----------------

Outcome<ApiResponse> AuthService::check_password_then(RequestScope& op, std::string_view username,
                                                      SecretString password, std::string_view event,
                                                      const AfterPassword& then) {
  if (auto throttled = op.take_failure_token()) return *throttled;

  // Count the check before the hash, decide after it. The reservation is
  // written in a transaction of its own, so parallel guesses cannot all
  // pass a check of the lock made before any of them is counted: at most
  // `attempts left` checks of one account run at once. Argon2id itself
  // runs outside any transaction (it is slow by design and would hold the
  // store).
  std::optional<UserRecord> user;
  bool reserved = false;
  const LockoutPolicy password_policy = config_.lockout.temporary_only();
  Step reservation = op.in_write([&](StoreTx& tx) -> Step {
    user.reset();  // a retried run starts from nothing (Store::write)
    reserved = false;
    SLS_TRY_ASSIGN(found, tx.find_user(username));
    if (!found) return step_done();
    user = *found;
    UserRecord u = *found;
    if (!reserve_password_check(u, password_policy, op.now)) return step_done();
    SLS_TRY(tx.update_user(u));
    reserved = true;
    return step_done();
  });
  if (!reservation) return reservation.error();
  // An unknown user, and an account whose password is locked, check the
  // dummy hash: the same time and the same answer as a wrong password.
  const bool password_ok =
      verify_password(password.view(), reserved ? user->password_hash : dummy_password_hash_) && reserved;
  const bool rehash = password_ok && password_needs_rehash(user->password_hash, config_.password);
  std::string new_hash;
  if (rehash) {
    if (auto h = hash_password(password.view(), config_.password)) new_hash = std::move(*h);
  }
  password.clear();

  return op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    op.password_accepted = false;
    if (!user) {
      // The typed name is not recorded: people type passwords into it.
      SLS_TRY(op.audit(tx, event, "fail", 0, "", "", "unknown user"));
      return refuse(Errc::auth_bad_credentials);
    }
    SLS_TRY_ASSIGN(fresh, op.load_user(tx, user->id));
    // A locked password step answers exactly like an unknown user name:
    // the lock must not tell that the account exists (docs/server.md).
    auto refuse_as_unknown = [&]() -> Outcome<ApiResponse> {
      SLS_TRY(op.audit(tx, event, "fail", fresh.id, fresh.username, "", "auth.locked"));
      return refuse(Errc::auth_bad_credentials);
    };
    if (!reserved) return refuse_as_unknown();
    release_password_check(fresh, op.now);
    // A wrong password is counted, and the count commits with the refusal.
    if (!password_ok)
      return op.user_factor_failure(tx, fresh, &UserRecord::password_failures, password_policy, event,
                                    Errc::auth_bad_credentials, "password");
    // Decided now, not at the reservation: a lock that other guesses
    // imposed while this hash ran holds even against the right password.
    if (lock_state(fresh.password_failures, password_policy, op.now).locked) {
      SLS_TRY(tx.update_user(fresh));
      return refuse_as_unknown();
    }
    if (!new_hash.empty()) fresh.password_hash = new_hash;
    SLS_TRY(tx.update_user(fresh));
    op.password_accepted = true;
    return then(tx, fresh);
  });
}

// --- POST /login --------------------------------------------------------------------------------

ApiResponse AuthService::start_login(const RequestContext& ctx, const JsonValue& body, std::string_view cookie) {
  if (body.find("step_up") != nullptr) return start_step_up(ctx, body, cookie);
  RequestScope op{*this, ctx, clock_.now()};
  std::vector<std::string> cancelled_pushes;
  ApiResponse resp = op.respond([&]() -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(username, user_name_field(body));
    SLS_TRY_ASSIGN(password_field, string_field(body, "password", 1, config_.password.max_length));
    SecretString password(std::move(password_field));
    return check_password_then(
        op, username, std::move(password), "login.started",
        [&](StoreTx& tx, UserRecord& fresh) -> Outcome<ApiResponse> {
          cancelled_pushes.clear();  // a retried run starts from nothing
          // Past a correct password the other locks of the account show: only
          // someone who knows the password learns of them.
          if (auto lock = op.lock_refusal(fresh, nullptr)) {
            SLS_TRY(op.audit(tx, "login.started", "fail", fresh.id, fresh.username, "", "auth.locked"));
            return *lock;
          }
          SLS_TRY_ASSIGN(devices, tx.list_devices(fresh.id));
          // A shipped replacement due to activate by itself does so now.
          SLS_TRY_ASSIGN(cancelled, activate_due_devices(tx, fresh.id, op.now, &devices));
          cancelled_pushes = std::move(cancelled);
          // A device another user shares with this one (an approved sharing,
          // docs/sharing.md) is offered as the user's own.
          SLS_TRY_ASSIGN(owner_of, append_shared_devices(tx, fresh.id, devices));
          const std::vector<const DeviceRecord*> usable = login_devices(devices, op.now, false);

          LoginRecord login;
          login.id = random_id();
          login.user_id = fresh.id;
          login.client_addr = ctx.client_addr;
          login.created_at = op.now;
          login.expires_at = op.now + config_.login_ttl;
          // The login secret binds every later step to this browser: the id
          // alone (seen in a proxy's access log) is no longer enough to act on
          // the login.
          SecretString login_secret(random_token(kTokenBytes));
          login.secret_hash = keys_.keyed_hash(HashPurpose::login_secret, login_secret.view());

          JsonValue reply = JsonValue::object();
          reply.set("login_id", login.id);
          reply.set("login_secret", login_secret.view());
          std::string token;
          if (fresh.opted_out) {
            // Password only: verified at once, with the restrictions of `none`.
            op.mark_verified(login, nullptr, DeviceKind::none, Access::full);
            token = op.issue_token(login);
          } else if (usable.empty()) {
            SLS_TRY(op.audit(tx, "login.started", "fail", fresh.id, fresh.username, "", "login.no_device"));
            return refuse(Errc::login_no_device);
          }
          SLS_TRY(tx.insert_login(login));
          SLS_TRY(op.audit(tx, "login.started", "ok", fresh.id, fresh.username, "",
                           fresh.opted_out ? "password only" : ""));

          reply.set("state", to_text(token.empty() ? LoginState::second_factor : LoginState::verified));
          set_login_devices(reply, usable, owner_of);
          if (!token.empty()) reply.set("completion_token", token);
          return ok_json(std::move(reply));
        });
  }());
  // A correct password is no failure: the address gets its token back.
  if (op.password_accepted) op.give_back_failure_token();
  for (const std::string& id : cancelled_pushes) announce(id);
  return resp;
}

// --- POST /login/{id}/complete ----------------------------------------------------------------------------

ApiResponse AuthService::complete(const RequestContext& ctx, std::string_view login_id, const JsonValue& body,
                                  bool secure_cookie, std::string_view presented_cookie) {
  RequestScope op{*this, ctx, clock_.now()};
  std::string cookie;
  ApiResponse resp = op.respond([&]() -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(token_field, string_field(body, "completion_token", 1, 128));
    SecretString token(std::move(token_field));
    // The assertion's audience and nonce are checked before the token is
    // looked at: a bad request does not burn the completion token.
    const std::vector<std::string> audiences = assertion_audiences();
    std::string audience = audiences.front();
    if (const JsonValue* a = body.find("audience"); a != nullptr) {
      auto text = a->as_string();
      if (!text) return refuse(Errc::request_bad_field, {"audience"});
      if (std::find(audiences.begin(), audiences.end(), *text) == audiences.end())
        return refuse(Errc::assertion_audience_unknown);
      audience = std::string(*text);
    }
    std::optional<std::string> nonce;
    if (const JsonValue* n = body.find("nonce"); n != nullptr) {
      auto text = n->as_string();
      if (!text || !valid_nonce(*text)) return refuse(Errc::assertion_bad_nonce);
      nonce = std::string(*text);
    }
    // The signing keys are read before anything is written: a key file that
    // cannot be read fails the request and leaves the login as it was.
    if (assertion_keys_ == nullptr) return fail(Errc::internal, {"no assertion key file"});
    auto signing_keys = assertion_keys_->get();
    if (!signing_keys) return signing_keys.error();
    return op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
      SLS_TRY_ASSIGN(login, op.load_bound_login(tx, login_id));
      SLS_TRY_ASSIGN(user, op.load_user(tx, login.user_id));
      const bool matches = keys_.keyed_hash_matches(HashPurpose::completion_token, token.view(), login.token_hash);
      if (login.state == LoginState::completed || (matches && op.now >= login.token_expires_at)) {
        SLS_TRY(op.audit(tx, "session.created", "fail", user.id, user.username, login.verified_device_id,
                         login.state == LoginState::completed ? "token used" : "token expired"));
        // A token that was good is gone for good (410), not merely wrong.
        return Refusal{fail(Errc::login_token_invalid), {}, 410};
      }
      if (login.state != LoginState::verified || !matches) {
        SLS_TRY(op.audit(tx, "session.created", "fail", user.id, user.username, "", "token mismatch"));
        return refuse(Errc::login_token_invalid);
      }
      if (!login.verified_kind) return fail(Errc::internal, {"verified kind"});
      const DeviceKind kind = *login.verified_kind;
      std::optional<DeviceRecord> device;
      if (!login.verified_device_id.empty()) {
        SLS_TRY_ASSIGN(found, tx.get_device(login.verified_device_id));
        device = found;
        // A sharing that ended since the device's answer gives no session.
        SLS_TRY_ASSIGN(allowed, device ? may_use_device(tx, *device, user.id) : Result<bool>(false));
        if (!allowed) {
          SLS_TRY(op.audit(tx, "session.created", "fail", user.id, user.username, login.verified_device_id,
                           "device.not_found"));
          return refuse(Errc::device_not_found);
        }
      }
      // A lock imposed after the second factor passed still holds; the
      // token stays valid until it expires, for a retry once the lock ends.
      if (auto lock = op.lock_refusal(user, device ? &*device : nullptr)) {
        SLS_TRY(
            op.audit(tx, "session.created", "fail", user.id, user.username, login.verified_device_id, "auth.locked"));
        return *lock;
      }
      // A step-up login refreshes the session that opened it, which must
      // still be alive and presented, before anything is cleared.
      std::optional<SessionRecord> stepped_up;
      if (!login.step_up_session.empty()) {
        SLS_TRY_ASSIGN(found, step_up_session(op, tx, login, user, presented_cookie));
        stepped_up = std::move(found);
      }
      // The one place failure counters are cleared: a completed, unlocked
      // login. Reservations of password checks in flight are left alone.
      // The session reply tells how many failures there were, so the page
      // can show the user what the password step never says
      // (docs/server.md).
      const std::int64_t failed_attempts = user.password_failures.consecutive +
                                           user.second_factor_failures.consecutive +
                                           user.activation_failures.consecutive;
      user.password_failures = {};
      user.second_factor_failures = {};
      user.activation_failures = {};
      SLS_TRY(tx.update_user(user));
      if (device && device->failures != FailureCounter{}) {
        device->failures = {};
        SLS_TRY(tx.update_device(*device));
      }
      LoginRecord l = login;
      l.state = LoginState::completed;
      l.token_hash.clear();
      l.token_expires_at = 0;
      if (stepped_up) {
        // No session, no cookie, no assertion: the session that asked gets
        // its second factor dated now.
        stepped_up->second_factor_at = op.now;
        SLS_TRY(tx.update_session(*stepped_up));
        SLS_TRY(tx.update_login(l));
        SLS_TRY(op.audit(tx, "session.stepped_up", "ok", user.id, user.username, l.verified_device_id,
                         device_kind_id(kind)));
        JsonValue reply = JsonValue::object();
        reply.set("step_up", true);
        reply.set("step_up_until", op.now + config_.step_up_window);
        reply.set("user", user.username);
        reply.set("device_kind", device_kind_id(kind));
        reply.set("failed_attempts", failed_attempts);
        return ok_json(std::move(reply));
      }
      cookie = random_token(kTokenBytes);
      SessionRecord session;
      session.token_hash = keys_.keyed_hash(HashPurpose::session_token, cookie);
      session.user_id = user.id;
      session.login_id = login.id;
      session.device_kind = kind;
      session.access = login.access.value_or(Access::full);
      session.created_at = op.now;
      session.expires_at = op.now + config_.session_max;
      session.last_seen_at = op.now;
      session.idle_expires_at = std::min(op.now + config_.session_idle, session.expires_at);
      // A stand-in (a temporary code, an online card) is no fresh second
      // factor: it cannot authorise a weakening change (docs/accounts.md).
      session.second_factor_at = kind == DeviceKind::none || is_temporary(kind) ? 0 : op.now;
      // How the user authenticated (RFC 8176), kept with the session.
      JsonValue amr = JsonValue::array();
      for (std::string_view m : authentication_methods(kind)) {
        session.amr += (session.amr.empty() ? "" : ",") + std::string(m);
        amr.push_back(m);
      }
      // A session nobody presents again is never read again either: each
      // login clears its user's ended ones, so rows stay bounded by the
      // sessions still alive.
      SLS_TRY(tx.delete_ended_sessions_of_user(user.id, op.now));
      SLS_TRY(tx.insert_session(session));
      SLS_TRY(tx.update_login(l));
      SLS_TRY(
          op.audit(tx, "session.created", "ok", user.id, user.username, l.verified_device_id, to_text(session.access)));

      JsonValue reply = JsonValue::object();
      reply.set("username", user.username);
      reply.set("device_kind", device_kind_id(kind));
      reply.set("access", to_text(session.access));
      set_grants(reply, kind, config_.limits);
      reply.set("failed_attempts", failed_attempts);
      reply.set("amr", std::move(amr));
      reply.set("restricted", is_restricted_authenticator(kind));

      // The login assertion, signed in the transaction that stores the
      // session: if signing fails, the transaction rolls back (a fault) and
      // the completion token stays good for a retry.
      const AssertionKeys& key_set = **signing_keys;
      JsonValue extra = JsonValue::object();
      extra.set("auth_time", op.now);
      extra.set("amr", *reply.find("amr"));
      extra.set("acr", assertion_acr(kind));
      if (nonce) extra.set("nonce", *nonce);
      extra.set("device_kind", device_kind_id(kind));
      extra.set("access", to_text(session.access));
      extra.set("limits", *reply.find("limits"));
      extra.set("restrictions", *reply.find("restrictions"));
      extra.set("restricted", is_restricted_authenticator(kind));
      // A configured lifetime longer than the key allows is cut to it.
      const std::int64_t ttl = std::min(config_.assertion_ttl, key_set.signer(op.now).max_ttl);
      SLS_TRY_ASSIGN(assertion, sign_assertion(key_set, AssertionClaims{config_.origin, user.username, audience, extra},
                                               op.now, ttl));
      reply.set("assertion", assertion);
      return ok_json(std::move(reply));
    });
  }());
  if (resp.status == 200 && !cookie.empty()) {
    // A fresh random id at every login: a cookie the browser sent is never
    // reused (no fixation). The cookie lives as long as the session can.
    std::string c = std::string(session_cookie_name(secure_cookie)) + "=" + cookie +
                    "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(config_.session_max);
    if (secure_cookie) c += "; Secure";
    resp.headers.emplace_back("Set-Cookie", std::move(c));
  }
  wipe(cookie);
  return resp;
}

std::vector<const DeviceRecord*> login_devices(const std::vector<DeviceRecord>& devices, std::int64_t now,
                                               bool without_stand_ins) {
  std::vector<const DeviceRecord*> usable;
  for (const auto& d : devices)
    if (device_offered_at_login(d, now) && !(without_stand_ins && is_temporary(d.kind))) usable.push_back(&d);
  std::stable_sort(usable.begin(), usable.end(), [](const DeviceRecord* a, const DeviceRecord* b) {
    return security_rank(a->kind) > security_rank(b->kind);
  });
  return usable;
}

void set_login_devices(JsonValue& reply, const std::vector<const DeviceRecord*>& usable,
                       const std::map<std::string, std::string>& owner_of) {
  JsonValue list = JsonValue::array();
  for (const DeviceRecord* d : usable) {
    JsonValue item = JsonValue::object();
    item.set("device_id", d->id).set("kind", device_kind_id(d->kind)).set("label", d->label);
    if (auto owner = owner_of.find(d->id); owner != owner_of.end()) item.set("shared_from", owner->second);
    list.push_back(std::move(item));
  }
  reply.set("devices", std::move(list));
  if (!usable.empty()) reply.set("default_device_id", usable.front()->id);
}

void set_grants(JsonValue& reply, DeviceKind kind, const LimitPolicy& policy) {
  const WithdrawalLimits limits = effective_limits(kind, policy);
  JsonValue restrictions = JsonValue::array();
  for (std::string_view r : device_restrictions(kind)) restrictions.push_back(r);
  reply.set("limits",
            JsonValue::object().set("daily", limit_json(limits.one_day)).set("five_day", limit_json(limits.five_day)));
  reply.set("restrictions", std::move(restrictions));
}

// --- GET and DELETE /session --------------------------------------------------------------------------

/// The session of `cookie` if it is alive at `now`; an ended one (idle or
/// absolute expiry passed) is deleted. session.none for none at all.
Outcome<SessionRecord> AuthService::live_session(StoreTx& tx, std::string_view cookie, std::int64_t now) const {
  if (cookie.empty() || cookie.size() > 128) return refuse(Errc::session_none);
  SLS_TRY_ASSIGN(found, tx.get_session(keys_.keyed_hash(HashPurpose::session_token, cookie)));
  if (!found) return refuse(Errc::session_none);
  if (now >= found->expires_at || now >= found->idle_expires_at) {
    SLS_TRY(tx.delete_session(found->token_hash));
    return refuse(Errc::session_none);
  }
  return *found;
}

ApiResponse AuthService::current_session(const RequestContext& ctx, std::string_view cookie) {
  RequestScope op{*this, ctx, clock_.now()};
  auto answer = [&](StoreTx& tx, const SessionRecord& session) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(user, op.load_user(tx, session.user_id));
    JsonValue reply = JsonValue::object();
    reply.set("username", user.username);
    reply.set("device_kind", device_kind_id(session.device_kind));
    reply.set("access", to_text(session.access));
    set_grants(reply, session.device_kind, config_.limits);
    reply.set("amr", amr_json(session.amr));
    reply.set("restricted", is_restricted_authenticator(session.device_kind));
    reply.set("created_at", session.created_at);
    reply.set("last_seen_at", session.last_seen_at);
    reply.set("idle_expires_at", session.idle_expires_at);
    reply.set("expires_at", session.expires_at);
    return ok_json(std::move(reply));
  };
  // A live session used within the minute is answered from a read: no write
  // transaction, so frequent reads of sessions do not queue for the writer.
  if (!cookie.empty() && cookie.size() <= 128) {
    std::optional<Outcome<ApiResponse>> quick;
    Status st = store_.read([&](StoreTx& tx) -> Status {
      SLS_TRY_ASSIGN(found, tx.get_session(keys_.keyed_hash(HashPurpose::session_token, cookie)));
      if (found && op.now < found->expires_at && op.now < found->idle_expires_at &&
          op.now - found->last_seen_at < kSessionTouchInterval)
        quick.emplace(answer(tx, *found));
      return ok_status();
    });
    if (!st) return op.respond(st.error());
    if (quick && !quick->is_fault()) return op.respond(std::move(*quick));
  }
  // Otherwise in a write: an ended session is deleted, a used one slides
  // its idle expiry (the row is written at most once a minute).
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    if (op.now - session.last_seen_at >= kSessionTouchInterval) {
      session.last_seen_at = op.now;
      session.idle_expires_at = std::min(op.now + config_.session_idle, session.expires_at);
      SLS_TRY(tx.update_session(session));
    }
    return answer(tx, session);
  }));
}

ApiResponse AuthService::end_session(const RequestContext& ctx, std::string_view cookie, bool secure_cookie) {
  RequestScope op{*this, ctx, clock_.now()};
  ApiResponse resp = op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY(tx.delete_session(session.token_hash));
    SLS_TRY_ASSIGN(user, op.load_user(tx, session.user_id));
    SLS_TRY(op.audit(tx, "session.ended", "ok", user.id, user.username, "", "logout"));
    return ok_json(JsonValue::object().set("logged_out", true));
  }));
  // The browser forgets the cookie whatever the answer: an ended session's
  // cookie is of no use to it.
  resp.headers.emplace_back("Set-Cookie", clearing_cookie(secure_cookie));
  return resp;
}

}  // namespace sls::server
