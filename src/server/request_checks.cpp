// The request checks every operation shares: field readers, the login and secret loading, lock checks and answers.
#include <algorithm>

#include "server/encoding.hpp"
#include "server/lockout.hpp"
#include "server/request_scope.hpp"
#include "server/user_name.hpp"
#include "sls/messages.hpp"
#include "sls/secure.hpp"

namespace sls::server {

// --- answers ------------------------------------------------------------------------------

ApiResponse error_response(const Error& error, Lang lang, const ErrorExtras& extras, int status) {
  JsonValue inner = JsonValue::object();
  inner.set("code", std::string(errc_name(error.code)));
  inner.set("message", localize(error, lang));
  if (extras.attempts_left) inner.set("attempts_left", *extras.attempts_left);
  if (extras.retry_after) inner.set("retry_after", *extras.retry_after);
  ApiResponse r;
  r.status = status != 0 ? status : errc_http_status(error.code);
  r.body = JsonValue::object().set("error", std::move(inner));
  if (extras.retry_after) r.headers.emplace_back("Retry-After", std::to_string(*extras.retry_after));
  return r;
}

ApiResponse RequestScope::respond(Outcome<ApiResponse> outcome) const {
  if (outcome) return std::move(*outcome);
  const Stop& stop = outcome.error();
  if (!stop.is_fault()) {
    const Refusal& refusal = stop.refusal();
    return error_response(refusal.error, lang(), refusal.extras, refusal.status);
  }
  // The client learns only that something failed (or, when the database
  // cannot be reached, that it may try again soon); the log learns what.
  const bool unavailable = stop.fault().code == Errc::server_store_unavailable;
  ApiResponse r = error_response(fail(unavailable ? Errc::server_store_unavailable : Errc::internal), lang());
  std::string note(errc_name(stop.fault().code));
  for (const auto& a : stop.fault().args) note += " " + a;
  r.log_note = std::move(note);
  return r;
}

ApiResponse ok_json(JsonValue body) {
  ApiResponse r;
  r.body = std::move(body);
  return r;
}

// --- field readers ------------------------------------------------------------------------

Outcome<std::string> string_field(const JsonValue& body, std::string_view name, std::size_t min, std::size_t max) {
  auto v = body.get_string(name);
  if (!v || v->size() < min || v->size() > max) return refuse(Errc::request_bad_field, {name});
  return std::string(*v);
}

Outcome<std::string> user_name_field(const JsonValue& body) {
  auto v = body.get_string("username");
  if (!v) return refuse(Errc::request_bad_field, {"username"});
  if (auto ok = check_user_name(*v); !ok) return refuse(ok.error());
  return std::string(*v);
}

Outcome<std::string> id_field(const JsonValue& body, std::string_view name, Errc not_found) {
  auto v = body.get_string(name);
  if (!v) return refuse(Errc::request_bad_field, {name});
  if (!looks_like_id(*v)) return refuse(not_found);
  return std::string(*v);
}

bool fresh_second_factor(const SessionRecord& session, std::int64_t now, std::int64_t window,
                         bool stand_in_counts) noexcept {
  if (session.second_factor_at != 0 && now - session.second_factor_at <= window) return true;
  return stand_in_counts && is_temporary(session.device_kind) && now - session.created_at <= window;
}

bool device_usable(const DeviceRecord& d, std::int64_t now) noexcept {
  return d.status == DeviceStatus::active && (d.expires_at == 0 || now < d.expires_at);
}

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// --- the scope's checks -------------------------------------------------------------------

Status RequestScope::audit(StoreTx& tx, std::string_view event, std::string_view outcome, std::int64_t user_id,
                           std::string_view username, std::string_view device_id, std::string_view detail) {
  AuditRecord a;
  a.at = now;
  a.event = event;
  a.outcome = outcome;
  a.user_id = user_id;
  a.username = username;
  a.device_id = device_id;
  a.client_addr = ctx.client_addr;
  a.detail = detail;
  return tx.append_audit(a);
}

Outcome<LoginRecord> RequestScope::load_login(StoreTx& tx, std::string_view id) const {
  if (!looks_like_id(id)) return refuse(Errc::login_not_found);
  SLS_TRY_ASSIGN(login, tx.get_login(id));
  if (!login) return refuse(Errc::login_not_found);
  if (login->state != LoginState::completed && now >= login->expires_at) return refuse(Errc::login_expired);
  return *login;
}

Outcome<LoginRecord> RequestScope::load_bound_login(StoreTx& tx, std::string_view id) {
  if (!looks_like_id(id)) return refuse(Errc::login_not_found);
  SLS_TRY_ASSIGN(login, tx.get_login(id));
  if (!login) return refuse(Errc::login_not_found);
  SLS_TRY(check_binding(tx, *login));
  if (login->state != LoginState::completed && now >= login->expires_at) return refuse(Errc::login_expired);
  return *login;
}

Step RequestScope::check_binding(StoreTx& tx, const LoginRecord& login) {
  if (!ctx.login_secret.empty() &&
      s.keys_.keyed_hash_matches(HashPurpose::login_secret, ctx.login_secret, login.secret_hash))
    return step_done();
  SLS_TRY_ASSIGN(user, load_user(tx, login.user_id));
  SLS_TRY(audit(tx, "login.unbound", "fail", user.id, user.username, "",
                ctx.login_secret.empty() ? "no login secret" : "wrong login secret"));
  return refuse(Errc::login_not_found);
}

Outcome<UserRecord> RequestScope::load_user(StoreTx& tx, std::int64_t id) {
  SLS_TRY_ASSIGN(user, tx.get_user(id));
  if (!user) return fail(Errc::internal, {"user vanished"});
  return *user;
}

std::optional<Refusal> RequestScope::lock_refusal(const UserRecord& user, const DeviceRecord* device) const {
  const LockState l = account_lock(user, device, s.config_.lockout, now);
  if (!l.locked) return std::nullopt;
  ErrorExtras extras;
  if (!l.permanent) extras.retry_after = l.retry_after;
  return refuse(Errc::auth_locked, extras);
}

Stop RequestScope::code_failure(StoreTx& tx, UserRecord& user, DeviceRecord& device, Errc code,
                                std::string_view event) {
  user.second_factor_failures = record_failure(user.second_factor_failures, s.config_.lockout, now);
  device.failures = record_failure(device.failures, s.config_.lockout, now);
  if (auto st = tx.update_user(user); !st) return st.error();
  if (auto st = tx.update_device(device); !st) return st.error();
  if (auto st = audit(tx, event, "fail", user.id, user.username, device.id, errc_name(code)); !st) return st.error();
  if (auto lock = lock_refusal(user, &device)) {
    const bool device_locked = lock_state(device.failures, s.config_.lockout, now).locked;
    if (auto st =
            audit(tx, "lockout", "fail", user.id, user.username, device.id, device_locked ? "device" : "second_factor");
        !st)
      return st.error();
    return *lock;
  }
  ErrorExtras extras;
  extras.attempts_left = std::min(attempts_left(user.second_factor_failures, s.config_.lockout),
                                  attempts_left(device.failures, s.config_.lockout));
  return refuse(code, extras);
}

Stop RequestScope::user_factor_failure(StoreTx& tx, UserRecord& user, FailureCounter UserRecord::*counter,
                                       const LockoutPolicy& policy, std::string_view event, Errc code,
                                       std::string_view factor) {
  user.*counter = record_failure(user.*counter, policy, now);
  if (auto st = tx.update_user(user); !st) return st.error();
  if (auto st = audit(tx, event, "fail", user.id, user.username, "", errc_name(code)); !st) return st.error();
  if (lock_state(user.*counter, policy, now).locked)
    if (auto st = audit(tx, "lockout", "fail", user.id, user.username, "", factor); !st) return st.error();
  return refuse(code);
}

std::optional<Refusal> RequestScope::take_failure_token() {
  const auto d = s.failures_per_address_.take(ctx.client_addr, s.clock_.now_ms());
  if (d.allowed) return std::nullopt;
  ErrorExtras extras;
  extras.retry_after = d.retry_after;
  return refuse(Errc::rate_limited, extras);
}

void RequestScope::give_back_failure_token() { s.failures_per_address_.give_back(ctx.client_addr, s.clock_.now_ms()); }

std::string RequestScope::issue_token(LoginRecord& login) {
  std::string token = random_token(kTokenBytes);
  login.token_hash = s.keys_.keyed_hash(HashPurpose::completion_token, token);
  login.token_expires_at = now + s.config_.completion_token_ttl;
  return token;
}

void RequestScope::mark_verified(LoginRecord& login, const DeviceRecord* device, DeviceKind kind, Access access) {
  login.state = LoginState::verified;
  login.verified_device_id = device != nullptr ? device->id : std::string();
  login.verified_kind = kind;
  login.access = access;
}

Outcome<OcraSuite> RequestScope::device_suite(const DeviceRecord& d) {
  auto suite = OcraSuite::parse(d.ocra_suite);
  if (!suite) return fail(Errc::internal, {"stored suite", d.id});
  return *suite;
}

}  // namespace sls::server
