// The step-up login (docs/accounts.md, "Fresh second factor"): POST /login {"step_up": true} with the session
// cookie opens a login of the session's user without a password; its completion (login.cpp) refreshes the
// session's second factor instead of creating a session.
#include "server/device_orders.hpp"
#include "server/request_scope.hpp"
#include "server/sharing.hpp"
#include "sls/secure.hpp"

namespace sls::server {

ApiResponse AuthService::start_step_up(const RequestContext& ctx, const JsonValue& body, std::string_view cookie) {
  RequestScope op{*this, ctx, clock_.now()};
  std::vector<std::string> cancelled_pushes;
  ApiResponse resp = op.respond([&]() -> Outcome<ApiResponse> {
    // Only `true` asks for a step-up; a password never comes with it.
    const JsonValue* flag = body.find("step_up");
    if (flag == nullptr || flag->as_bool() != std::optional<bool>(true))
      return refuse(Errc::request_bad_field, {"step_up"});
    for (std::string_view field : {"username", "password"})
      if (body.find(field) != nullptr) return refuse(Errc::request_bad_field, {field});
    return op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
      cancelled_pushes.clear();  // a retried run starts from nothing (Store::write)
      SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
      SLS_TRY_ASSIGN(user, op.load_user(tx, session.user_id));
      auto refused = [&](Refusal r, std::string_view why) -> Outcome<ApiResponse> {
        SLS_TRY(op.audit(tx, "step_up.started", "fail", user.id, user.username, "", why));
        return r;
      };
      if (auto lock = op.lock_refusal(user, nullptr)) return refused(*lock, "auth.locked");
      // A password-only session (or user) has no device to confirm with,
      // and a stand-in (temporary code, online card) does not count.
      SLS_TRY_ASSIGN(devices, tx.list_devices(user.id));
      SLS_TRY_ASSIGN(cancelled, activate_due_devices(tx, user.id, op.now, &devices));
      cancelled_pushes = std::move(cancelled);
      // A device shared with the user confirms a step-up as it logs them in.
      SLS_TRY_ASSIGN(owner_of, append_shared_devices(tx, user.id, devices));
      const std::vector<const DeviceRecord*> usable = login_devices(devices, op.now, true);
      if (user.opted_out || session.device_kind == DeviceKind::none || usable.empty())
        return refused(refuse(Errc::step_up_no_device), "step_up.no_device");

      LoginRecord login;
      login.id = random_id();
      login.user_id = user.id;
      login.client_addr = ctx.client_addr;
      login.created_at = op.now;
      login.expires_at = op.now + config_.login_ttl;
      SecretString login_secret(random_token(kTokenBytes));
      login.secret_hash = keys_.keyed_hash(HashPurpose::login_secret, login_secret.view());
      // The session that asked: only its cookie can complete the login.
      login.step_up_session = session.token_hash;
      SLS_TRY(tx.insert_login(login));
      SLS_TRY(op.audit(tx, "step_up.started", "ok", user.id, user.username, ""));

      JsonValue reply = JsonValue::object();
      reply.set("login_id", login.id);
      reply.set("login_secret", login_secret.view());
      reply.set("state", to_text(LoginState::second_factor));
      reply.set("step_up", true);
      set_login_devices(reply, usable, owner_of);
      return ok_json(std::move(reply));
    });
  }());
  for (const std::string& id : cancelled_pushes) announce(id);
  return resp;
}

Outcome<SessionRecord> AuthService::step_up_session(RequestScope& op, StoreTx& tx, const LoginRecord& login,
                                                    const UserRecord& user, std::string_view cookie) const {
  auto refused = [&](Refusal r, std::string_view why) -> Outcome<SessionRecord> {
    SLS_TRY(op.audit(tx, "session.stepped_up", "fail", user.id, user.username, login.verified_device_id, why));
    return r;
  };
  auto session = live_session(tx, cookie, op.now);
  if (!session) {
    // The fault itself, not a copy of the whole Stop: GCC 12 at -O2 warns
    // (maybe-uninitialized, an error here) on copying the variant's other arm.
    if (session.is_fault()) return session.error().fault();
    return refused(refuse(Errc::session_none), "session.none");
  }
  // The same session, not merely the same user: a login opened by one
  // browser's session cannot refresh another's.
  if (!keys_.keyed_hash_matches(HashPurpose::session_token, cookie, login.step_up_session) ||
      session->user_id != login.user_id)
    return refused(refuse(Errc::step_up_other_session), "step_up.other_session");
  if (!login.verified_kind || *login.verified_kind == DeviceKind::none || is_temporary(*login.verified_kind))
    return refused(refuse(Errc::step_up_no_device), "step_up.no_device");
  return std::move(*session);
}

}  // namespace sls::server
