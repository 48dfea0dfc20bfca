#include "server/service.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <string>

#include "server/device_secrets.hpp"
#include "server/encoding.hpp"
#include "server/lockout.hpp"
#include "server/password.hpp"
#include "server/try.hpp"
#include "server/user_name.hpp"
#include "sls/code_card.hpp"
#include "sls/device.hpp"
#include "sls/messages.hpp"
#include "sls/ocra.hpp"
#include "sls/response.hpp"
#include "sls/secure.hpp"
#include "sls/signed_payload.hpp"

namespace sls::server {

// --- responses -------------------------------------------------------------------------

namespace {

/// The HTTP status of an error code; 400 for input errors not listed.
int status_for(Errc code) noexcept {
  switch (code) {
    case Errc::login_not_found:
    case Errc::challenge_not_found:
    case Errc::device_not_found:
    case Errc::push_not_found:
    case Errc::http_not_found:
      return 404;
    case Errc::login_expired:
    case Errc::challenge_expired:
    case Errc::challenge_used:
    case Errc::push_expired:
    case Errc::device_expired:
    case Errc::payload_expired:
      return 410;
    case Errc::auth_locked:
      return 423;
    case Errc::rate_limited:
    case Errc::push_too_many:
    case Errc::challenge_too_many:
    case Errc::sms_resend_too_soon:
      return 429;
    case Errc::auth_bad_credentials:
    case Errc::auth_wrong_code:
    case Errc::card_mismatch:
    case Errc::response_mismatch:
    case Errc::device_bad_signature:
    case Errc::activation_bad_code:
    case Errc::login_token_invalid:
      return 401;
    case Errc::login_wrong_state:
    case Errc::push_already_decided:
      return 409;
    case Errc::login_no_device:
      return 403;
    case Errc::http_method_not_allowed:
      return 405;
    case Errc::http_body_too_large:
      return 413;
    case Errc::http_unsupported_media_type:
      return 415;
    case Errc::user_bad_name:
      return 400;
    case Errc::http_length_required:
      return 411;
    case Errc::http_headers_too_large:
      return 431;
    case Errc::http_too_many_connections:
      return 503;
    case Errc::internal:
      return 500;
    default:
      return 400;
  }
}

}  // namespace

ApiResponse error_response(int status, const Error& error, Lang lang, const ErrorExtras& extras) {
  JsonValue inner = JsonValue::object();
  inner.set("code", std::string(errc_name(error.code)));
  inner.set("message", localize(error, lang));
  if (extras.attempts_left) inner.set("attempts_left", *extras.attempts_left);
  if (extras.retry_after) inner.set("retry_after", *extras.retry_after);
  ApiResponse r;
  r.status = status;
  r.body = JsonValue::object().set("error", std::move(inner));
  if (extras.retry_after) r.headers.emplace_back("Retry-After", std::to_string(*extras.retry_after));
  return r;
}

namespace {

ApiResponse fail_with(const Error& error, Lang lang, const ErrorExtras& extras = {}) {
  return error_response(status_for(error.code), error, lang, extras);
}

ApiResponse ok_json(JsonValue body) {
  ApiResponse r;
  r.body = std::move(body);
  return r;
}

/// A required string field of `min`..`max` bytes.
Result<std::string> string_field(const JsonValue& body, std::string_view name, std::size_t min, std::size_t max) {
  auto v = body.get_string(name);
  if (!v || v->size() < min || v->size() > max) return fail(Errc::request_bad_field, {name});
  return std::string(*v);
}

/// The required user name field: request.bad_field when missing or not a
/// string, user.bad_name when it breaks the user-name rule (user_name.hpp).
Result<std::string> user_name_field(const JsonValue& body) {
  auto v = body.get_string("username");
  if (!v) return fail(Errc::request_bad_field, {"username"});
  if (auto ok = check_user_name(*v); !ok) return ok.error();
  return std::string(*v);
}

/// A required identifier field (22 base64url characters). A value of the
/// wrong shape is reported as `not_found` (it cannot name anything).
Result<std::string> id_field(const JsonValue& body, std::string_view name, Errc not_found) {
  auto v = body.get_string(name);
  if (!v) return fail(Errc::request_bad_field, {name});
  if (!looks_like_id(*v)) return fail(not_found);
  return std::string(*v);
}

JsonValue limit_json(const UsdLimit& limit) {
  JsonValue v = JsonValue::object();
  v.set("unlimited", limit.is_unlimited());
  if (auto cents = limit.cents())
    v.set("cents", *cents);
  else
    v.set("cents", nullptr);
  return v;
}

bool device_usable(const DeviceRecord& d, std::int64_t now) noexcept {
  return d.status == kDeviceActive && (d.expires_at == 0 || now < d.expires_at);
}

std::vector<bool> used_cells_vector(std::string_view text) {
  std::vector<bool> used;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(',', pos);
    if (end == std::string_view::npos) end = text.size();
    unsigned index = 0;
    auto [p, ec] = std::from_chars(text.data() + pos, text.data() + end, index);
    if (ec == std::errc() && p == text.data() + end && index >= 1 && index <= kCardMaxCells) {
      if (used.size() < index) used.resize(index, false);
      used[index - 1] = true;
    }
    pos = end + 1;
  }
  return used;
}

std::string used_cells_text(const std::vector<bool>& used) {
  std::string out;
  for (std::size_t i = 0; i < used.size(); ++i) {
    if (!used[i]) continue;
    if (!out.empty()) out += ',';
    out += std::to_string(i + 1);
  }
  return out;
}

Result<CardChallenge> parse_card_question(std::string_view q) {
  const auto comma = q.find(',');
  unsigned a = 0, b = 0;
  if (comma == std::string_view::npos) return fail(Errc::internal, {"card question"});
  auto r1 = std::from_chars(q.data(), q.data() + comma, a);
  auto r2 = std::from_chars(q.data() + comma + 1, q.data() + q.size(), b);
  if (r1.ec != std::errc() || r2.ec != std::errc() || a == 0 || b == 0 || a > kCardMaxCells || b > kCardMaxCells)
    return fail(Errc::internal, {"card question"});
  return CardChallenge{static_cast<std::uint16_t>(a), static_cast<std::uint16_t>(b)};
}

/// The typed answer to a challenge, checked for format and normalised:
/// the parse errors of the method's entry (400, no attempt counted).
Result<std::string> normalize_entry(std::string_view method, std::string_view typed) {
  if (method == "code_card") return parse_card_entry(typed);
  if (method == "ocra") return parse_response(typed);
  if (method == "sms") return parse_code(typed, kSmsCodeFormat);
  if (method == "temp_code") return parse_code(typed, kTempCodeFormat);
  return fail(Errc::internal, {"challenge method", method});
}

std::string two_digits(std::uint32_t n) {
  std::string s = std::to_string(n % 100);
  return s.size() == 1 ? "0" + s : s;
}

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

// --- the implementation ------------------------------------------------------------------

/// Private helpers with access to the service's members.
struct AuthService::Impl {
  AuthService& s;
  const RequestContext& ctx;
  std::int64_t now;

  Lang lang() const { return ctx.lang; }

  Status audit(StoreTx& tx, std::string_view event, std::string_view outcome, std::int64_t user_id,
               std::string_view username, std::string_view device_id, std::string_view detail = {}) {
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

  /// Runs `fn` in a write transaction; a storage fault becomes a 500.
  template <class Fn>
  ApiResponse in_write(Fn&& fn) {
    ApiResponse out;
    Status st = s.store_.write([&](StoreTx& tx) -> Status { return fn(tx, out); });
    if (!st) return internal_error(st.error());
    return out;
  }

  ApiResponse internal_error(const Error& e) {
    ApiResponse r = error_response(500, fail(Errc::internal), lang());
    std::string note(errc_name(e.code));
    for (const auto& a : e.args) note += " " + a;
    r.log_note = std::move(note);
    return r;
  }

  /// The login, checked to exist and be unexpired.
  Result<LoginRecord> load_login(StoreTx& tx, std::string_view id) {
    if (!looks_like_id(id)) return fail(Errc::login_not_found);
    SLS_TRY_ASSIGN(login, tx.get_login(id));
    if (!login) return fail(Errc::login_not_found);
    if (login->state != kLoginCompleted && now >= login->expires_at) return fail(Errc::login_expired);
    return *login;
  }

  /// The login of a browser route: it must exist and the request must carry
  /// its login secret (compared in constant time), else login.not_found, as
  /// for an id never issued; a missing or wrong secret is audited (without
  /// it). Then checked unexpired like load_login. Call inside a write.
  Result<LoginRecord> load_bound_login(StoreTx& tx, std::string_view id) {
    if (!looks_like_id(id)) return fail(Errc::login_not_found);
    SLS_TRY_ASSIGN(login, tx.get_login(id));
    if (!login) return fail(Errc::login_not_found);
    SLS_TRY(check_binding(tx, *login));
    if (login->state != kLoginCompleted && now >= login->expires_at) return fail(Errc::login_expired);
    return *login;
  }

  /// ok when the request carries `login`'s secret; login.not_found (audited)
  /// otherwise.
  Status check_binding(StoreTx& tx, const LoginRecord& login) {
    if (!ctx.login_secret.empty() &&
        s.keys_.keyed_hash_matches(HashPurpose::login_secret, ctx.login_secret, login.secret_hash))
      return ok_status();
    SLS_TRY_ASSIGN(user, load_user(tx, login.user_id));
    SLS_TRY(audit(tx, "login.unbound", "fail", user.id, user.username, "",
                  ctx.login_secret.empty() ? "no login secret" : "wrong login secret"));
    return fail(Errc::login_not_found);
  }

  Result<UserRecord> load_user(StoreTx& tx, std::int64_t id) {
    SLS_TRY_ASSIGN(user, tx.get_user(id));
    if (!user) return fail(Errc::internal, {"user vanished"});
    return *user;
  }

  /// 423 when the account is locked for the steps after the password: any
  /// of the user's counters, or the device's (lockout.hpp, account_lock).
  std::optional<ApiResponse> locked(const UserRecord& user, const DeviceRecord* device) {
    const LockState l = account_lock(user, device, s.config_.lockout, now);
    if (!l.locked) return std::nullopt;
    ErrorExtras extras;
    if (!l.permanent) extras.retry_after = l.retry_after;
    return fail_with(fail(Errc::auth_locked), lang(), extras);
  }

  /// A wrong second-factor answer: counts against the user's second-factor
  /// counter and the device's.
  Result<ApiResponse> code_failure(StoreTx& tx, UserRecord& user, DeviceRecord& device, Errc code,
                                   std::string_view event) {
    user.second_factor_failures = record_failure(user.second_factor_failures, s.config_.lockout, now);
    device.failures = record_failure(device.failures, s.config_.lockout, now);
    SLS_TRY(tx.update_user(user));
    SLS_TRY(tx.update_device(device));
    SLS_TRY(audit(tx, event, "fail", user.id, user.username, device.id, errc_name(code)));
    if (auto lock = locked(user, &device)) {
      SLS_TRY(audit(tx, "lockout", "fail", user.id, user.username, device.id,
                    lock_state(device.failures, s.config_.lockout, now).locked ? "device" : "second_factor"));
      return *lock;
    }
    ErrorExtras extras;
    extras.attempts_left = std::min(attempts_left(user.second_factor_failures, s.config_.lockout),
                                    attempts_left(device.failures, s.config_.lockout));
    return fail_with(fail(code), lang(), extras);
  }

  /// Takes one token of the client address's failure budget before a
  /// password or activation attempt: 429 when it is spent. Given back
  /// (give_back_failure_token) when the attempt succeeds.
  std::optional<ApiResponse> take_failure_token() {
    const auto d = s.failures_per_address_.take(ctx.client_addr, s.clock_.now_ms());
    if (d.allowed) return std::nullopt;
    ErrorExtras extras;
    extras.retry_after = d.retry_after;
    return fail_with(fail(Errc::rate_limited), lang(), extras);
  }
  void give_back_failure_token() { s.failures_per_address_.give_back(ctx.client_addr, s.clock_.now_ms()); }

  /// A fresh completion token for a verified login (the previous one stops
  /// working). Returns the token; the caller updates the login.
  std::string issue_token(LoginRecord& login) {
    std::string token = random_token(kTokenBytes);
    login.token_hash = s.keys_.keyed_hash(HashPurpose::completion_token, token);
    login.token_expires_at = now + s.config_.completion_token_ttl;
    return token;
  }

  /// Marks the login verified by `device`. Failure counters stay as they
  /// are: only a completed, unlocked login clears them (complete()).
  void mark_verified(LoginRecord& login, const DeviceRecord* device, std::string_view kind, std::string_view access) {
    login.state = kLoginVerified;
    login.verified_device_id = device != nullptr ? device->id : std::string();
    login.verified_kind = kind;
    login.access = access;
  }

  Result<OcraSuite> device_suite(const DeviceRecord& d) {
    auto suite = OcraSuite::parse(d.ocra_suite);
    if (!suite) return fail(Errc::internal, {"stored suite", d.id});
    return *suite;
  }

  /// Expires a pending push whose time is up (with its audit row).
  Status settle_push_expiry(StoreTx& tx, PushRecord& push) {
    if (push.status == kPushPending && now >= push.expires_at) {
      push.status = kPushExpired;
      push.decided_at = now;
      SLS_TRY(tx.update_push(push));
      SLS_TRY_ASSIGN(user, load_user(tx, push.user_id));
      SLS_TRY(audit(tx, "push.expired", "fail", user.id, user.username, push.device_id));
    }
    return ok_status();
  }

  /// The push `tx_id` of a browser route with its expiry settled
  /// (settle_push_expiry), or nullopt when there is no such push or the
  /// request lacks the login secret of the push's login (check_binding).
  Result<std::optional<PushRecord>> settled_push(StoreTx& tx, std::string_view tx_id) {
    SLS_TRY_ASSIGN(found, tx.get_push(tx_id));
    if (!found) return std::optional<PushRecord>();
    SLS_TRY_ASSIGN(login, tx.get_login(found->login_id));
    if (!login) return fail(Errc::internal, {"login vanished"});
    if (auto bound = check_binding(tx, *login); !bound) {
      if (bound.code() == Errc::internal) return bound.error();
      return std::optional<PushRecord>();
    }
    PushRecord push = *found;
    SLS_TRY(settle_push_expiry(tx, push));
    return std::optional<PushRecord>(std::move(push));
  }

  /// Whether the device has a question that logins must still be asked.
  bool question_is_open(const DeviceRecord& d) const noexcept {
    return !d.open_question.empty() && now < d.open_question_expires_at;
  }

  /// Keeps the device's open question for at least one more challenge
  /// lifetime (a new question counts from now) and stores the device.
  Status keep_question_open(StoreTx& tx, DeviceRecord& d) {
    const bool fresh = d.open_question_expires_at <= now;
    d.open_question_expires_at = std::max(fresh ? now + s.config_.question_ttl : d.open_question_expires_at,
                                          now + s.config_.challenge_ttl);
    return tx.update_device(d);
  }

  /// Whether `c` still asks the device's open question: once answered
  /// correctly (or replaced after it expired) every other challenge that
  /// showed it is void, so a seen answer cannot be replayed elsewhere.
  static bool asks_open_question(const ChallengeRecord& c, const DeviceRecord& d) noexcept {
    if (c.method != "code_card" && c.method != "ocra") return true;
    return !d.open_question.empty() && constant_time_equal(c.question, d.open_question);
  }

  /// A correct answer closes the device's open question; under
  /// CellReuse::never it spends the question's two cells. The caller
  /// stores the device.
  Status close_question(DeviceRecord& d, const ChallengeRecord& c) {
    if (c.method == "code_card" && s.config_.cell_reuse == CellReuse::never) {
      SLS_TRY_ASSIGN(question, parse_card_question(c.question));
      std::vector<bool> used = used_cells_vector(d.used_cells);
      mark_cells_used(used, question);
      d.used_cells = used_cells_text(used);
    }
    d.open_question.clear();
    d.open_question_expires_at = 0;
    return ok_status();
  }

  /// A refusal when the user or this address opened too many challenges in
  /// the last hour; nullopt when opening may go on.
  std::optional<Result<ApiResponse>> challenge_open_refused(StoreTx& tx, const UserRecord& user,
                                                           const DeviceRecord& device) {
    const std::int64_t since = now - 3600 + 1;
    auto times = tx.challenge_times_since(user.id, since, since - s.config_.login_ttl);
    if (!times) return Result<ApiResponse>(times.error());
    const auto limit = static_cast<std::size_t>(std::max<std::int64_t>(s.config_.challenges_per_hour_per_user, 1));
    Errc refused = Errc::ok;
    ErrorExtras extras;
    if (times->size() >= limit) {
      refused = Errc::challenge_too_many;
      extras.retry_after = std::max<std::int64_t>(1, (*times)[times->size() - limit] + 3600 - now);
    } else if (auto d = s.challenge_opens_by_address_.take(ctx.client_addr, s.clock_.now_ms()); !d.allowed) {
      refused = Errc::rate_limited;
      extras.retry_after = d.retry_after;
    }
    if (refused == Errc::ok) return std::nullopt;
    if (auto st = audit(tx, "challenge.throttled", "fail", user.id, user.username, device.id, errc_name(refused)); !st)
      return Result<ApiResponse>(st.error());
    return Result<ApiResponse>(fail_with(fail(refused), lang(), extras));
  }

  JsonValue push_status_json(const PushRecord& push) {
    JsonValue v = JsonValue::object();
    v.set("status", push.status);
    v.set("expires_at", push.expires_at);
    return v;
  }
};

// --- construction ----------------------------------------------------------------------------

namespace {

/// A token bucket that lets `per_hour` requests through in a rolling hour.
RateLimitPolicy per_hour_policy(std::int64_t per_hour) {
  RateLimitPolicy p;
  p.burst = static_cast<double>(std::max<std::int64_t>(per_hour, 1));
  p.per_second = p.burst / 3600.0;
  return p;
}

}  // namespace

AuthService::AuthService(Store& store, const Keyring& keys, const Clock& clock, SmsGateway& sms, ServiceConfig config)
    : store_(store),
      keys_(keys),
      clock_(clock),
      sms_(sms),
      config_(std::move(config)),
      challenge_opens_by_address_(per_hour_policy(config_.challenges_per_hour_per_address)),
      failures_per_address_(config_.failures_per_address) {}

Result<std::unique_ptr<AuthService>> AuthService::create(Store& store, const Keyring& keys, const Clock& clock,
                                                         SmsGateway& sms, ServiceConfig config) {
  for (const std::string* suite :
       {&config.mobile_key_suite, &config.dsc_suite, &config.dsc_plus_suite, &config.platinum_gold_suite}) {
    auto parsed = OcraSuite::parse(*suite);
    if (!parsed) return parsed.error();
    if (parsed->digits() != kResponseOcraDigits || parsed->question_format() != OcraQuestionFormat::numeric ||
        parsed->question_length() < kChallengeDigits || parsed->has_counter() || parsed->has_timestamp() ||
        parsed->session_length() != 0)
      return fail(Errc::ocra_suite_malformed, {*suite, "device suites are HOTP-SHAx-7:QN06[-PSHAx]"});
  }
  if (auto s = validate_payload_origin(config.origin); !s) return s.error();
  std::unique_ptr<AuthService> service(new AuthService(store, keys, clock, sms, std::move(config)));
  auto dummy = hash_password(random_token(16), service->config_.password);
  if (!dummy) return dummy.error();
  service->dummy_password_hash_ = std::move(*dummy);
  return service;
}

Status AuthService::set_origin(std::string origin) {
  if (auto s = validate_payload_origin(origin); !s) return s;
  config_.origin = std::move(origin);
  return ok_status();
}

// --- POST /login --------------------------------------------------------------------------------

ApiResponse AuthService::start_login(const RequestContext& ctx, const JsonValue& body) {
  Impl im{*this, ctx, clock_.now()};
  auto username = user_name_field(body);
  if (!username) return fail_with(username.error(), ctx.lang);
  auto password_r = string_field(body, "password", 1, config_.password.max_length);
  if (!password_r) return fail_with(password_r.error(), ctx.lang);
  SecretString password(std::move(*password_r));

  if (auto throttled = im.take_failure_token()) return *throttled;

  // Count the check before the hash, decide after it. The reservation is
  // written in a transaction of its own, so parallel guesses cannot all pass
  // a check of the lock made before any of them is counted: at most
  // `attempts left` checks of one account run at once. Argon2id itself runs
  // outside any transaction (it is slow by design and would hold the store).
  std::optional<UserRecord> user;
  bool reserved = false;
  const LockoutPolicy password_policy = config_.lockout.temporary_only();
  ApiResponse reservation = im.in_write([&](StoreTx& tx, ApiResponse&) -> Status {
    SLS_TRY_ASSIGN(found, tx.find_user(*username));
    if (!found) return ok_status();
    user = *found;
    UserRecord u = *found;
    if (!reserve_password_check(u, password_policy, im.now)) return ok_status();
    SLS_TRY(tx.update_user(u));
    reserved = true;
    return ok_status();
  });
  if (reservation.status != 200) return reservation;
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

  bool accepted = false;
  ApiResponse resp = im.in_write([&](StoreTx& tx, ApiResponse& out) -> Status {
    if (!user) {
      // The typed name is not recorded: people type passwords into it.
      SLS_TRY(im.audit(tx, "login.started", "fail", 0, "", "", "unknown user"));
      out = fail_with(fail(Errc::auth_bad_credentials), ctx.lang);
      return ok_status();
    }
    SLS_TRY_ASSIGN(fresh, im.load_user(tx, user->id));
    // A locked password step answers exactly like an unknown user name: the
    // lock must not tell that the account exists (docs/server.md).
    auto refuse_as_unknown = [&]() -> Status {
      SLS_TRY(im.audit(tx, "login.started", "fail", fresh.id, fresh.username, "", "auth.locked"));
      out = fail_with(fail(Errc::auth_bad_credentials), ctx.lang);
      return ok_status();
    };
    if (!reserved) return refuse_as_unknown();
    release_password_check(fresh, im.now);
    if (!password_ok) {
      fresh.password_failures = record_failure(fresh.password_failures, password_policy, im.now);
      SLS_TRY(tx.update_user(fresh));
      SLS_TRY(im.audit(tx, "login.started", "fail", fresh.id, fresh.username, "", "auth.bad_credentials"));
      if (lock_state(fresh.password_failures, password_policy, im.now).locked)
        SLS_TRY(im.audit(tx, "lockout", "fail", fresh.id, fresh.username, "", "password"));
      out = fail_with(fail(Errc::auth_bad_credentials), ctx.lang);
      return ok_status();
    }
    // Decided now, not at the reservation: a lock that other guesses imposed
    // while this hash ran holds even against the right password.
    if (lock_state(fresh.password_failures, password_policy, im.now).locked) {
      SLS_TRY(tx.update_user(fresh));
      return refuse_as_unknown();
    }
    accepted = true;
    if (!new_hash.empty()) fresh.password_hash = new_hash;
    SLS_TRY(tx.update_user(fresh));
    // Past a correct password the other locks of the account show: only
    // someone who knows the password learns of them.
    if (auto lock = im.locked(fresh, nullptr)) {
      SLS_TRY(im.audit(tx, "login.started", "fail", fresh.id, fresh.username, "", "auth.locked"));
      out = *lock;
      return ok_status();
    }
    SLS_TRY_ASSIGN(devices, tx.list_devices(fresh.id));
    std::vector<const DeviceRecord*> usable;
    for (const auto& d : devices)
      if (device_usable(d, im.now) && parse_device_kind(d.kind)) usable.push_back(&d);
    std::stable_sort(usable.begin(), usable.end(), [](const DeviceRecord* a, const DeviceRecord* b) {
      return security_rank(*parse_device_kind(a->kind)) > security_rank(*parse_device_kind(b->kind));
    });

    LoginRecord login;
    login.id = random_id();
    login.user_id = fresh.id;
    login.client_addr = ctx.client_addr;
    login.created_at = im.now;
    login.expires_at = im.now + config_.login_ttl;
    // The login secret binds every later step to this browser: the id alone
    // (seen in a proxy's access log) is no longer enough to act on the login.
    SecretString login_secret(random_token(kTokenBytes));
    login.secret_hash = keys_.keyed_hash(HashPurpose::login_secret, login_secret.view());

    JsonValue reply = JsonValue::object();
    reply.set("login_id", login.id);
    reply.set("login_secret", login_secret.view());
    std::string token;
    if (fresh.opted_out) {
      // Password only: verified at once, with the restrictions of `none`.
      im.mark_verified(login, nullptr, device_kind_id(DeviceKind::none), "full");
      token = im.issue_token(login);
    } else if (usable.empty()) {
      SLS_TRY(im.audit(tx, "login.started", "fail", fresh.id, fresh.username, "", "login.no_device"));
      out = fail_with(fail(Errc::login_no_device), ctx.lang);
      return ok_status();
    }
    SLS_TRY(tx.insert_login(login));
    SLS_TRY(im.audit(tx, "login.started", "ok", fresh.id, fresh.username, "", fresh.opted_out ? "password only" : ""));

    reply.set("state", token.empty() ? kLoginSecondFactor : kLoginVerified);
    JsonValue list = JsonValue::array();
    for (const DeviceRecord* d : usable) {
      JsonValue item = JsonValue::object();
      item.set("device_id", d->id).set("kind", d->kind).set("label", d->label);
      list.push_back(std::move(item));
    }
    reply.set("devices", std::move(list));
    if (!usable.empty()) reply.set("default_device_id", usable.front()->id);
    if (!token.empty()) reply.set("completion_token", token);
    out = ok_json(std::move(reply));
    return ok_status();
  });
  // A correct password is no failure: the address gets its token back.
  if (accepted) im.give_back_failure_token();
  return resp;
}

// --- POST /login/{id}/challenge --------------------------------------------------------------------

namespace {

/// Everything an SMS challenge needs to send once the transaction committed.
struct PendingSms {
  std::string phone;
  SecretString text;
};

}  // namespace

ApiResponse AuthService::open_challenge(const RequestContext& ctx, std::string_view login_id, const JsonValue& body) {
  Impl im{*this, ctx, clock_.now()};
  auto device_id = id_field(body, "device_id", Errc::device_not_found);
  if (!device_id) return fail_with(device_id.error(), ctx.lang);
  std::string mode = "push";
  if (const JsonValue* m = body.find("mode")) {
    const std::string* text = m->as_string();
    if (text == nullptr || (*text != "push" && *text != "ocra"))
      return fail_with(fail(Errc::request_bad_field, {"mode"}), ctx.lang);
    mode = *text;
  }

  PendingSms sms;
  ApiResponse resp = im.in_write([&](StoreTx& tx, ApiResponse& out) -> Status {
    auto login = im.load_bound_login(tx, login_id);
    if (!login) {
      if (login.code() == Errc::internal) return login.error();
      out = fail_with(login.error(), ctx.lang);
      return ok_status();
    }
    if (login->state != kLoginSecondFactor) {
      out = fail_with(fail(Errc::login_wrong_state), ctx.lang);
      return ok_status();
    }
    SLS_TRY_ASSIGN(user, im.load_user(tx, login->user_id));
    SLS_TRY_ASSIGN(found, tx.get_device(*device_id));
    if (!found || found->user_id != user.id || found->status != kDeviceActive) {
      out = fail_with(fail(Errc::device_not_found), ctx.lang);
      return ok_status();
    }
    DeviceRecord device = *found;
    auto kind = parse_device_kind(device.kind);
    if (!kind) return fail(Errc::internal, {"stored kind", device.id});
    if (!device_usable(device, im.now)) {
      out = fail_with(fail(Errc::device_expired), ctx.lang);
      return ok_status();
    }
    if (auto lock = im.locked(user, &device)) {
      SLS_TRY(im.audit(tx, "challenge.opened", "fail", user.id, user.username, device.id, "auth.locked"));
      out = *lock;
      return ok_status();
    }

    // SMS: the resend interval holds across challenges, so opening a new one
    // cannot be used to send more often.
    if (*kind == DeviceKind::sms && device.last_sms_at + config_.sms_resend_interval > im.now) {
      ErrorExtras extras;
      extras.retry_after = device.last_sms_at + config_.sms_resend_interval - im.now;
      out = fail_with(fail(Errc::sms_resend_too_soon), ctx.lang, extras);
      return ok_status();
    }
    const bool push = *kind == DeviceKind::mobile_key && mode == "push";
    if (push) {
      // The rolling hour: pushes created in (now - 3600, now].
      SLS_TRY_ASSIGN(times, tx.push_times_since(user.id, im.now - 3600 + 1));
      const auto limit = static_cast<std::size_t>(std::max<std::int64_t>(config_.pushes_per_hour, 0));
      if (times.size() >= limit) {
        ErrorExtras extras;
        const std::int64_t frees_at = (limit == 0 ? im.now : times[times.size() - limit] + 3600);
        extras.retry_after = std::max<std::int64_t>(1, frees_at - im.now);
        SLS_TRY(im.audit(tx, "push.throttled", "fail", user.id, user.username, device.id, "push.too_many"));
        out = fail_with(fail(Errc::push_too_many), ctx.lang, extras);
        return ok_status();
      }
    }

    if (!push && *kind != DeviceKind::sms) {
      // Opening is free for whoever has the password, so it is bounded per
      // user (in the store: every node counts) and per address. SMS has its
      // own 2-minute resend interval, push its own hourly bound.
      if (auto refused = im.challenge_open_refused(tx, user, device)) {
        SLS_TRY_ASSIGN(r, std::move(refused).value());
        out = std::move(r);
        return ok_status();
      }
    }

    // A new challenge voids the previous one and cancels a pending push;
    // called only once the new one is sure to be created.
    auto retire_previous = [&]() -> Status {
      SLS_TRY(tx.void_open_challenges(login->id));
      SLS_TRY_ASSIGN(pending, tx.pending_pushes_of_login(login->id));
      for (PushRecord p : pending) {
        p.status = kPushCancelled;
        p.decided_at = im.now;
        SLS_TRY(tx.update_push(p));
      }
      return ok_status();
    };

    JsonValue reply = JsonValue::object();
    if (push) {
      SLS_TRY(retire_previous());
      PushRecord p;
      p.id = random_id();
      p.login_id = login->id;
      p.user_id = user.id;
      p.device_id = device.id;
      p.number = two_digits(random_below(100));
      p.origin = config_.origin;
      p.created_at = im.now;
      p.expires_at = im.now + config_.push_ttl;
      SLS_TRY(tx.insert_push(p));
      SLS_TRY(im.audit(tx, "push.sent", "ok", user.id, user.username, device.id));
      reply.set("method", "push").set("tx_id", p.id).set("number", p.number).set("expires_at", p.expires_at);
      out = ok_json(std::move(reply));
      return ok_status();
    }

    ChallengeRecord c;
    c.id = random_id();
    c.login_id = login->id;
    c.device_id = device.id;
    c.created_at = im.now;
    c.expires_at = im.now + config_.challenge_ttl;
    switch (*kind) {
      case DeviceKind::code_card:
      case DeviceKind::online_card: {
        SLS_TRY_ASSIGN(cells, keys_.open(device.sealed_secret));
        auto card = CodeCard::from_storage(device.serial, as_text(cells.view()));
        if (!card) return fail(Errc::internal, {"stored card", device.id});
        const std::vector<bool> used = used_cells_vector(device.used_cells);
        if (!im.question_is_open(device)) {
          auto pick = pick_card_challenge(card->size(), config_.cell_reuse, used);
          if (!pick) {
            out = fail_with(pick.error(), ctx.lang);
            return ok_status();
          }
          device.open_question = std::to_string(pick->first) + "," + std::to_string(pick->second);
        }
        SLS_TRY_ASSIGN(pick, parse_card_question(device.open_question));
        SLS_TRY(im.keep_question_open(tx, device));
        c.method = "code_card";
        c.question = device.open_question;
        reply.set("method", "code_card").set("challenge_id", c.id).set("expires_at", c.expires_at);
        reply.set("indices", JsonValue::array().push_back(pick.first).push_back(pick.second));
        reply.set("card_serial", device.serial);
        // The cells are spent when answered, not when shown (verify).
        if (config_.cell_reuse == CellReuse::never)
          reply.set("logins_left", static_cast<std::int64_t>(logins_left(card->size(), used)));
        break;
      }
      case DeviceKind::mobile_key:
      case DeviceKind::dsc:
      case DeviceKind::dsc_plus:
      case DeviceKind::platinum_gold: {
        SLS_TRY(im.device_suite(device));  // refuse to open a challenge on a corrupt suite
        if (!im.question_is_open(device)) device.open_question = generate_challenge();
        SLS_TRY(im.keep_question_open(tx, device));
        c.method = "ocra";
        c.question = device.open_question;
        reply.set("method", "ocra").set("challenge_id", c.id).set("expires_at", c.expires_at);
        reply.set("challenge", c.question);
        reply.set("pin_on_device", *kind == DeviceKind::dsc_plus);
        if (*kind == DeviceKind::mobile_key) {
          ChallengePayload payload;
          auto tx_bytes = base64url_decode(c.id);
          if (!tx_bytes || tx_bytes->size() != payload.tx_id.size()) return fail(Errc::internal, {"challenge id"});
          std::copy(tx_bytes->begin(), tx_bytes->end(), payload.tx_id.begin());
          payload.challenge = c.question;
          payload.origin = config_.origin;
          payload.expires_at = c.expires_at;
          auto text = encode_signed_payload(payload, keys_.signing_key().secret_key());
          if (!text) return fail(Errc::internal, {"qr payload", std::string(errc_name(text.code()))});
          reply.set("qr_payload", *text);
        }
        break;
      }
      case DeviceKind::sms: {
        std::string code = generate_digits(kSmsCodeFormat.length);
        c.method = "sms";
        c.code_hash = keys_.keyed_hash(HashPurpose::sms_code, code);
        c.expires_at = im.now + std::min<std::int64_t>(config_.sms_code_ttl, 600);
        device.last_sms_at = im.now;
        SLS_TRY(tx.update_device(device));
        sms.phone = device.phone;
        sms.text = SecretString(sms_login_text(code, (c.expires_at - im.now) / 60, ctx.lang));
        wipe(code);
        SLS_TRY(im.audit(tx, "sms.sent", "ok", user.id, user.username, device.id));
        reply.set("method", "sms").set("challenge_id", c.id).set("expires_at", c.expires_at);
        reply.set("sent_to", mask_phone(device.phone));
        reply.set("resend_after", im.now + config_.sms_resend_interval);
        break;
      }
      case DeviceKind::temp_code:
        c.method = "temp_code";
        reply.set("method", "temp_code").set("challenge_id", c.id).set("expires_at", c.expires_at);
        break;
      case DeviceKind::none:
        out = fail_with(fail(Errc::device_not_found), ctx.lang);
        return ok_status();
    }
    SLS_TRY(retire_previous());
    SLS_TRY(tx.insert_challenge(c));
    SLS_TRY(im.audit(tx, "challenge.opened", "ok", user.id, user.username, device.id, c.method));
    out = ok_json(std::move(reply));
    return ok_status();
  });
  if (resp.status == 200 && !sms.phone.empty()) {
    if (auto s = sms_.send(sms.phone, sms.text.view()); !s) return im.internal_error(s.error());
  }
  return resp;
}

// --- POST /login/{id}/verify ------------------------------------------------------------------------------

ApiResponse AuthService::verify(const RequestContext& ctx, std::string_view login_id, const JsonValue& body) {
  Impl im{*this, ctx, clock_.now()};
  auto challenge_id = id_field(body, "challenge_id", Errc::challenge_not_found);
  if (!challenge_id) return fail_with(challenge_id.error(), ctx.lang);
  auto typed_r = string_field(body, "response", 0, 64);
  if (!typed_r) return fail_with(typed_r.error(), ctx.lang);
  SecretString typed(std::move(*typed_r));

  return im.in_write([&](StoreTx& tx, ApiResponse& out) -> Status {
    auto login = im.load_bound_login(tx, login_id);
    if (!login) {
      if (login.code() == Errc::internal) return login.error();
      out = fail_with(login.error(), ctx.lang);
      return ok_status();
    }
    SLS_TRY_ASSIGN(found, tx.get_challenge(*challenge_id));
    if (!found || found->login_id != login->id) {
      out = fail_with(fail(Errc::challenge_not_found), ctx.lang);
      return ok_status();
    }
    ChallengeRecord c = *found;
    SLS_TRY_ASSIGN(user, im.load_user(tx, login->user_id));
    if (c.state == kChallengeAnswered) {
      SLS_TRY(im.audit(tx, "verify", "fail", user.id, user.username, c.device_id, "challenge.used"));
      out = fail_with(fail(Errc::challenge_used), ctx.lang);
      return ok_status();
    }
    if (c.state != kChallengeOpen || im.now >= c.expires_at || login->state != kLoginSecondFactor) {
      out = fail_with(fail(login->state != kLoginSecondFactor ? Errc::login_wrong_state : Errc::challenge_expired),
                      ctx.lang);
      return ok_status();
    }
    SLS_TRY_ASSIGN(dev, tx.get_device(c.device_id));
    if (!dev) return fail(Errc::internal, {"device vanished"});
    DeviceRecord device = *dev;
    if (!device_usable(device, im.now)) {
      out = fail_with(fail(Errc::device_expired), ctx.lang);
      return ok_status();
    }
    if (!im.asks_open_question(c, device)) {
      out = fail_with(fail(Errc::challenge_expired), ctx.lang);
      return ok_status();
    }

    // Format first: a malformed entry is a 400 and costs no attempt.
    auto entry = normalize_entry(c.method, typed.view());
    if (!entry) {
      if (entry.code() == Errc::internal) return entry.error();
      out = fail_with(entry.error(), ctx.lang);
      return ok_status();
    }
    SecretString normalized(std::move(*entry));
    if (auto lock = im.locked(user, &device)) {
      out = *lock;
      return ok_status();
    }
    Status match = ok_status();
    Errc wrong = Errc::auth_wrong_code;
    if (c.method == "code_card") {
      SLS_TRY_ASSIGN(cells, keys_.open(device.sealed_secret));
      auto card = CodeCard::from_storage(device.serial, as_text(cells.view()));
      if (!card) return fail(Errc::internal, {"stored card", device.id});
      SLS_TRY_ASSIGN(question, parse_card_question(c.question));
      match = verify_card_entry(*card, question, normalized.view());
      wrong = Errc::card_mismatch;
    } else if (c.method == "ocra") {
      SLS_TRY_ASSIGN(suite, im.device_suite(device));
      SLS_TRY_ASSIGN(key, keys_.open(device.sealed_secret));
      SecretBytes pin_hash;
      if (suite.pin_hash()) {
        SLS_TRY_ASSIGN(opened, keys_.open(device.sealed_pin_hash));
        pin_hash = std::move(opened);
      }
      OcraInput input;
      input.question = c.question;
      input.pin_hash = pin_hash.view();
      match = verify_device_response(suite, key.view(), input, normalized.view());
      if (!match && match.code() != Errc::response_mismatch)
        return fail(Errc::internal, {"ocra", std::string(errc_name(match.code()))});
      wrong = Errc::response_mismatch;
    } else {
      const bool sms = c.method == "sms";
      if (!keys_.keyed_hash_matches(sms ? HashPurpose::sms_code : HashPurpose::temp_code, normalized.view(),
                                    sms ? c.code_hash : device.code_hash))
        match = fail(Errc::auth_wrong_code);
    }

    if (!match) {
      SLS_TRY_ASSIGN(r, im.code_failure(tx, user, device, wrong, "verify"));
      out = std::move(r);
      return ok_status();
    }
    c.state = kChallengeAnswered;
    c.answered_by = "typed";
    SLS_TRY(tx.update_challenge(c));
    SLS_TRY(im.close_question(device, c));
    SLS_TRY(tx.update_device(device));
    LoginRecord l = *login;
    im.mark_verified(l, &device, device.kind, device.kind == "temp_code" ? device.access : "full");
    std::string token = im.issue_token(l);
    SLS_TRY(tx.update_login(l));
    SLS_TRY(im.audit(tx, "verify", "ok", user.id, user.username, device.id, c.method));
    if (device.kind == "temp_code")
      SLS_TRY(im.audit(tx, "temp_code.used", "ok", user.id, user.username, device.id, device.access));
    out = ok_json(JsonValue::object().set("completion_token", token));
    return ok_status();
  });
}

// --- POST /login/{id}/sms/resend ---------------------------------------------------------------------------

ApiResponse AuthService::resend_sms(const RequestContext& ctx, std::string_view login_id) {
  Impl im{*this, ctx, clock_.now()};
  std::string device_id;
  ApiResponse pre = im.in_write([&](StoreTx& tx, ApiResponse& out) -> Status {
    auto login = im.load_bound_login(tx, login_id);
    if (!login) {
      if (login.code() == Errc::internal) return login.error();
      out = fail_with(login.error(), ctx.lang);
      return ok_status();
    }
    SLS_TRY_ASSIGN(latest, tx.latest_challenge(login->id));
    if (!latest || latest->method != "sms" || latest->state == kChallengeAnswered) {
      out = fail_with(fail(Errc::challenge_not_found), ctx.lang);
      return ok_status();
    }
    device_id = latest->device_id;
    return ok_status();
  });
  if (device_id.empty()) return pre;
  // Resending is opening a new SMS challenge on the same device: the old
  // code is voided and the 2-minute interval applies.
  JsonValue body = JsonValue::object().set("device_id", device_id);
  return open_challenge(ctx, login_id, body);
}

// --- POST /login/{id}/complete ----------------------------------------------------------------------------

ApiResponse AuthService::complete(const RequestContext& ctx, std::string_view login_id, const JsonValue& body,
                                  bool secure_cookie) {
  Impl im{*this, ctx, clock_.now()};
  auto token_r = string_field(body, "completion_token", 1, 128);
  if (!token_r) return fail_with(token_r.error(), ctx.lang);
  SecretString token(std::move(*token_r));
  std::string cookie;

  ApiResponse resp = im.in_write([&](StoreTx& tx, ApiResponse& out) -> Status {
    auto login = im.load_bound_login(tx, login_id);
    if (!login) {
      if (login.code() == Errc::internal) return login.error();
      out = fail_with(login.error(), ctx.lang);
      return ok_status();
    }
    SLS_TRY_ASSIGN(user, im.load_user(tx, login->user_id));
    const bool matches = keys_.keyed_hash_matches(HashPurpose::completion_token, token.view(), login->token_hash);
    if (login->state == kLoginCompleted || (matches && im.now >= login->token_expires_at)) {
      SLS_TRY(im.audit(tx, "session.created", "fail", user.id, user.username, login->verified_device_id,
                       login->state == kLoginCompleted ? "token used" : "token expired"));
      out = error_response(410, fail(Errc::login_token_invalid), ctx.lang);
      return ok_status();
    }
    if (login->state != kLoginVerified || !matches) {
      SLS_TRY(im.audit(tx, "session.created", "fail", user.id, user.username, "", "token mismatch"));
      out = error_response(401, fail(Errc::login_token_invalid), ctx.lang);
      return ok_status();
    }
    auto kind = parse_device_kind(login->verified_kind);
    if (!kind) return fail(Errc::internal, {"verified kind"});
    std::optional<DeviceRecord> device;
    if (!login->verified_device_id.empty()) {
      SLS_TRY_ASSIGN(found, tx.get_device(login->verified_device_id));
      device = found;
    }
    // A lock imposed after the second factor passed still holds; the token
    // stays valid until it expires, for a retry once the lock ends.
    if (auto lock = im.locked(user, device ? &*device : nullptr)) {
      SLS_TRY(im.audit(tx, "session.created", "fail", user.id, user.username, login->verified_device_id,
                       "auth.locked"));
      out = *lock;
      return ok_status();
    }
    // The one place failure counters are cleared: a completed, unlocked
    // login. Reservations of password checks in flight are left alone. The
    // session reply tells how many failures there were, so the page can
    // show the user what the password step never says (docs/server.md).
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
    cookie = random_token(kTokenBytes);
    SessionRecord session;
    session.token_hash = keys_.keyed_hash(HashPurpose::session_token, cookie);
    session.user_id = user.id;
    session.login_id = login->id;
    session.device_kind = login->verified_kind;
    session.access = login->access.empty() ? "full" : login->access;
    session.created_at = im.now;
    session.expires_at = im.now + config_.session_ttl;
    // How the user authenticated (RFC 8176), kept with the session.
    JsonValue amr = JsonValue::array();
    for (std::string_view m : authentication_methods(*kind)) {
      session.amr += (session.amr.empty() ? "" : ",") + std::string(m);
      amr.push_back(m);
    }
    SLS_TRY(tx.insert_session(session));
    LoginRecord l = *login;
    l.state = kLoginCompleted;
    l.token_hash.clear();
    l.token_expires_at = 0;
    SLS_TRY(tx.update_login(l));
    SLS_TRY(im.audit(tx, "session.created", "ok", user.id, user.username, l.verified_device_id, session.access));

    const WithdrawalLimits limits = effective_limits(*kind, config_.limits);
    JsonValue restrictions = JsonValue::array();
    for (std::string_view r : device_restrictions(*kind)) restrictions.push_back(r);
    JsonValue reply = JsonValue::object();
    reply.set("username", user.username);
    reply.set("device_kind", login->verified_kind);
    reply.set("access", session.access);
    reply.set(
        "limits",
        JsonValue::object().set("daily", limit_json(limits.one_day)).set("five_day", limit_json(limits.five_day)));
    reply.set("restrictions", std::move(restrictions));
    reply.set("failed_attempts", failed_attempts);
    reply.set("amr", std::move(amr));
    reply.set("restricted", is_restricted_authenticator(*kind));
    out = ok_json(std::move(reply));
    return ok_status();
  });
  if (resp.status == 200) {
    std::string c = std::string(kSessionCookie) + "=" + cookie +
                    "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(config_.session_ttl);
    if (secure_cookie) c += "; Secure";
    resp.headers.emplace_back("Set-Cookie", std::move(c));
  }
  wipe(cookie);
  return resp;
}

// --- push transactions ------------------------------------------------------------------------------------------

ApiResponse AuthService::push_status(const RequestContext& ctx, std::string_view tx_id) {
  Impl im{*this, ctx, clock_.now()};
  if (!looks_like_id(tx_id)) return fail_with(fail(Errc::push_not_found), ctx.lang);
  return im.in_write([&](StoreTx& tx, ApiResponse& out) -> Status {
    SLS_TRY_ASSIGN(found, im.settled_push(tx, tx_id));
    if (!found) {
      out = fail_with(fail(Errc::push_not_found), ctx.lang);
      return ok_status();
    }
    PushRecord& push = *found;
    JsonValue reply = im.push_status_json(push);
    if (push.status == kPushApproved) {
      SLS_TRY_ASSIGN(login, tx.get_login(push.login_id));
      if (login && login->state == kLoginVerified && im.now < login->expires_at) {
        LoginRecord l = *login;
        std::string token = im.issue_token(l);
        SLS_TRY(tx.update_login(l));
        reply.set("completion_token", token);
      }
    }
    out = ok_json(std::move(reply));
    if (push.status == kPushPending) out.headers.emplace_back("Retry-After", std::to_string(config_.poll_interval));
    return ok_status();
  });
}

ApiResponse AuthService::cancel_push(const RequestContext& ctx, std::string_view tx_id) {
  Impl im{*this, ctx, clock_.now()};
  if (!looks_like_id(tx_id)) return fail_with(fail(Errc::push_not_found), ctx.lang);
  return im.in_write([&](StoreTx& tx, ApiResponse& out) -> Status {
    SLS_TRY_ASSIGN(found, im.settled_push(tx, tx_id));
    if (!found) {
      out = fail_with(fail(Errc::push_not_found), ctx.lang);
      return ok_status();
    }
    PushRecord& push = *found;
    if (push.status == kPushPending) {
      push.status = kPushCancelled;
      push.decided_at = im.now;
      SLS_TRY(tx.update_push(push));
      SLS_TRY_ASSIGN(user, im.load_user(tx, push.user_id));
      SLS_TRY(im.audit(tx, "push.cancelled", "info", user.id, user.username, push.device_id));
    }
    out = ok_json(im.push_status_json(push));
    return ok_status();
  });
}

ApiResponse AuthService::device_pushes(const RequestContext& ctx, std::string_view device_id,
                                       std::string_view signature, std::string_view device_time) {
  Impl im{*this, ctx, clock_.now()};
  if (!looks_like_id(device_id)) return fail_with(fail(Errc::device_not_found), ctx.lang);
  std::int64_t t = 0;
  auto [p, ec] = std::from_chars(device_time.data(), device_time.data() + device_time.size(), t);
  const bool time_ok = ec == std::errc() && p == device_time.data() + device_time.size() &&
                       t > im.now - config_.device_clock_skew && t < im.now + config_.device_clock_skew;
  return im.in_write([&](StoreTx& tx, ApiResponse& out) -> Status {
    SLS_TRY_ASSIGN(device, tx.get_device(device_id));
    if (!device || device->kind != "mobile_key" || device->status != kDeviceActive) {
      out = fail_with(fail(Errc::device_not_found), ctx.lang);
      return ok_status();
    }
    if (!time_ok || !verify_device_signature(device->sign_public_key, device_pull_message(device_id, t), signature)) {
      out = fail_with(fail(Errc::device_bad_signature), ctx.lang);
      return ok_status();
    }
    SLS_TRY_ASSIGN(user, im.load_user(tx, device->user_id));
    SLS_TRY_ASSIGN(pending, tx.pending_pushes_of_device(device_id, im.now));
    JsonValue list = JsonValue::array();
    // The number to match is not sent: the user types the one the login page
    // shows, which is the point of number matching.
    for (const PushRecord& push : pending)
      list.push_back(JsonValue::object()
                         .set("tx_id", push.id)
                         .set("origin", push.origin)
                         .set("username", user.username)
                         .set("expires_at", push.expires_at));
    out = ok_json(JsonValue::object().set("pushes", std::move(list)));
    return ok_status();
  });
}

ApiResponse AuthService::push_decision(const RequestContext& ctx, std::string_view tx_id, const JsonValue& body) {
  Impl im{*this, ctx, clock_.now()};
  if (!looks_like_id(tx_id)) return fail_with(fail(Errc::push_not_found), ctx.lang);
  auto device_id = id_field(body, "device_id", Errc::push_not_found);
  if (!device_id) return fail_with(device_id.error(), ctx.lang);
  auto number = string_field(body, "number", 2, 2);
  if (!number || !std::all_of(number->begin(), number->end(), [](char c) { return c >= '0' && c <= '9'; }))
    return fail_with(fail(Errc::request_bad_field, {"number"}), ctx.lang);
  auto decision = string_field(body, "decision", 1, 16);
  if (!decision || (*decision != "approve" && *decision != "deny" && *decision != "not_me"))
    return fail_with(fail(Errc::request_bad_field, {"decision"}), ctx.lang);
  auto signature = string_field(body, "signature", 1, 128);
  if (!signature) return fail_with(signature.error(), ctx.lang);

  return im.in_write([&](StoreTx& tx, ApiResponse& out) -> Status {
    SLS_TRY_ASSIGN(found, tx.get_push(tx_id));
    if (!found || found->device_id != *device_id) {
      out = fail_with(fail(Errc::push_not_found), ctx.lang);
      return ok_status();
    }
    PushRecord push = *found;
    SLS_TRY_ASSIGN(dev, tx.get_device(push.device_id));
    if (!dev) return fail(Errc::internal, {"device vanished"});
    DeviceRecord device = *dev;
    SLS_TRY_ASSIGN(user, im.load_user(tx, push.user_id));
    // Authenticate before revealing anything about the transaction's state.
    if (device.status != kDeviceActive ||
        !verify_device_signature(device.sign_public_key, push_decision_message(tx_id, *number, *decision),
                                 *signature)) {
      SLS_TRY(im.audit(tx, "push.decision", "fail", user.id, user.username, device.id, "device.bad_signature"));
      out = fail_with(fail(Errc::device_bad_signature), ctx.lang);
      return ok_status();
    }
    SLS_TRY(im.settle_push_expiry(tx, push));
    if (push.status == kPushExpired) {
      out = fail_with(fail(Errc::push_expired), ctx.lang);
      return ok_status();
    }
    if (push.status != kPushPending) {
      out = fail_with(fail(Errc::push_already_decided), ctx.lang);
      return ok_status();
    }
    push.decided_at = im.now;
    const bool number_ok = constant_time_equal(*number, push.number);
    if (*decision == "approve" && number_ok) {
      SLS_TRY_ASSIGN(login, tx.get_login(push.login_id));
      if (!login || login->state != kLoginSecondFactor || im.now >= login->expires_at) {
        push.status = kPushCancelled;
        SLS_TRY(tx.update_push(push));
        out = fail_with(fail(Errc::login_expired), ctx.lang);
        return ok_status();
      }
      // A locked account takes no approval: the push is closed (the page
      // stops waiting and shows the lock when it asks again) and the phone
      // is told why.
      if (auto lock = im.locked(user, &device)) {
        push.status = kPushCancelled;
        SLS_TRY(tx.update_push(push));
        SLS_TRY(im.audit(tx, "push.decision", "fail", user.id, user.username, device.id, "auth.locked"));
        out = *lock;
        return ok_status();
      }
      push.status = kPushApproved;
      LoginRecord l = *login;
      im.mark_verified(l, &device, device.kind, "full");
      SLS_TRY(tx.update_login(l));
      SLS_TRY(im.audit(tx, "push.approved", "ok", user.id, user.username, device.id));
    } else {
      push.status = kPushDenied;
      const char* event = *decision == "not_me" ? "push.not_me"
                          : *decision == "deny" ? "push.denied"
                                                : "push.number_mismatch";
      SLS_TRY(im.audit(tx, event, "fail", user.id, user.username, device.id));
    }
    SLS_TRY(tx.update_push(push));
    out = ok_json(im.push_status_json(push));
    return ok_status();
  });
}

// --- QR approval ------------------------------------------------------------------------------------------------

ApiResponse AuthService::qr_approve(const RequestContext& ctx, const JsonValue& body) {
  Impl im{*this, ctx, clock_.now()};
  auto device_id = id_field(body, "device_id", Errc::device_bad_signature);
  if (!device_id) return fail_with(device_id.error(), ctx.lang);
  auto payload_text = string_field(body, "payload", 1, 1024);
  if (!payload_text) return fail_with(payload_text.error(), ctx.lang);
  auto signature = string_field(body, "signature", 1, 128);
  if (!signature) return fail_with(signature.error(), ctx.lang);
  auto payload = verify_signed_payload(*payload_text, keys_.signing_key().public_key(), im.now);
  if (!payload) return fail_with(payload.error(), ctx.lang);
  const std::string challenge_id = base64url_encode(payload->tx_id);

  return im.in_write([&](StoreTx& tx, ApiResponse& out) -> Status {
    SLS_TRY_ASSIGN(found, tx.get_challenge(challenge_id));
    SLS_TRY_ASSIGN(dev, tx.get_device(*device_id));
    // The device must be the Mobile Key the challenge was opened for, and
    // must have signed this very payload.
    if (!dev || !found || dev->kind != "mobile_key" || dev->status != kDeviceActive || found->device_id != dev->id ||
        !verify_device_signature(dev->sign_public_key, qr_approval_message(*payload_text), *signature)) {
      SLS_TRY(im.audit(tx, "qr.approve", "fail", dev ? dev->user_id : 0, "", *device_id, "device.bad_signature"));
      out = fail_with(fail(Errc::device_bad_signature), ctx.lang);
      return ok_status();
    }
    ChallengeRecord c = *found;
    DeviceRecord device = *dev;
    SLS_TRY_ASSIGN(user, im.load_user(tx, device.user_id));
    if (c.state == kChallengeAnswered) {
      SLS_TRY(im.audit(tx, "qr.approve", "fail", user.id, user.username, device.id, "challenge.used"));
      out = fail_with(fail(Errc::challenge_used), ctx.lang);
      return ok_status();
    }
    auto login = im.load_login(tx, c.login_id);
    if (c.state != kChallengeOpen || im.now >= c.expires_at || !login || login->state != kLoginSecondFactor ||
        !im.asks_open_question(c, device)) {
      if (!login && login.code() == Errc::internal) return login.error();
      out = fail_with(fail(Errc::challenge_expired), ctx.lang);
      return ok_status();
    }
    if (auto lock = im.locked(user, &device)) {
      SLS_TRY(im.audit(tx, "qr.approve", "fail", user.id, user.username, device.id, "auth.locked"));
      out = *lock;
      return ok_status();
    }
    c.state = kChallengeAnswered;
    c.answered_by = "qr";
    SLS_TRY(tx.update_challenge(c));
    SLS_TRY(im.close_question(device, c));
    SLS_TRY(tx.update_device(device));
    LoginRecord l = *login;
    im.mark_verified(l, &device, device.kind, "full");
    SLS_TRY(tx.update_login(l));
    SLS_TRY(im.audit(tx, "verify", "ok", user.id, user.username, device.id, "qr"));
    out = ok_json(JsonValue::object().set("status", kPushApproved));
    return ok_status();
  });
}

ApiResponse AuthService::challenge_status(const RequestContext& ctx, std::string_view login_id) {
  Impl im{*this, ctx, clock_.now()};
  return im.in_write([&](StoreTx& tx, ApiResponse& out) -> Status {
    auto login = im.load_bound_login(tx, login_id);
    if (!login) {
      if (login.code() == Errc::internal) return login.error();
      out = fail_with(login.error(), ctx.lang);
      return ok_status();
    }
    SLS_TRY_ASSIGN(latest, tx.latest_challenge(login->id));
    if (!latest) {
      out = fail_with(fail(Errc::challenge_not_found), ctx.lang);
      return ok_status();
    }
    JsonValue reply = JsonValue::object();
    std::string status = kPushPending;
    if (latest->state == kChallengeAnswered && latest->answered_by == "qr")
      status = kPushApproved;
    else if (latest->state == kChallengeAnswered)
      status = kPushCancelled;  // answered by typing: nothing to wait for here
    else if (latest->state == kChallengeVoid)
      status = kPushCancelled;
    else if (im.now >= latest->expires_at)
      status = kPushExpired;
    reply.set("status", status).set("expires_at", latest->expires_at);
    if (status == kPushApproved && login->state == kLoginVerified) {
      LoginRecord l = *login;
      std::string token = im.issue_token(l);
      SLS_TRY(tx.update_login(l));
      reply.set("completion_token", token);
    }
    out = ok_json(std::move(reply));
    if (status == kPushPending) out.headers.emplace_back("Retry-After", std::to_string(config_.poll_interval));
    return ok_status();
  });
}

// --- Mobile Key activation ------------------------------------------------------------------------------------

ApiResponse AuthService::activate_mobile_key(const RequestContext& ctx, const JsonValue& body) {
  Impl im{*this, ctx, clock_.now()};
  auto username = user_name_field(body);
  if (!username) return fail_with(username.error(), ctx.lang);
  auto code_r = string_field(body, "activation_code", 1, 64);
  if (!code_r) return fail_with(code_r.error(), ctx.lang);
  SecretString code_typed(std::move(*code_r));
  auto code = parse_code(code_typed.view(), kActivationCodeFormat);
  if (!code) return fail_with(fail(Errc::request_bad_field, {"activation_code"}), ctx.lang);
  SecretString activation_code(std::move(*code));
  auto kx_text = string_field(body, "kx_public_key", 1, 64);
  auto kx = kx_text ? base64url_decode(*kx_text) : std::nullopt;
  if (!kx || kx->size() != kMobileKeyKxPublicKeyBytes)
    return fail_with(fail(Errc::request_bad_field, {"kx_public_key"}), ctx.lang);
  auto sign_text = string_field(body, "sign_public_key", 1, 64);
  auto sign_pk = sign_text ? base64url_decode(*sign_text) : std::nullopt;
  if (!sign_pk || sign_pk->size() != ed25519_public_key_bytes)
    return fail_with(fail(Errc::request_bad_field, {"sign_public_key"}), ctx.lang);
  auto suite = OcraSuite::parse(config_.mobile_key_suite);
  if (!suite) return im.internal_error(suite.error());
  Bytes pin_hash;
  if (suite->pin_hash()) {
    auto text = string_field(body, "pin_hash", 1, 128);
    auto bytes = text ? base64url_decode(*text) : std::nullopt;
    if (!bytes || bytes->size() != ocra_hash_bytes(*suite->pin_hash()))
      return fail_with(fail(Errc::request_bad_field, {"pin_hash"}), ctx.lang);
    pin_hash = std::move(*bytes);
  }

  if (auto throttled = im.take_failure_token()) return *throttled;

  const LockoutPolicy activation_policy = config_.lockout.temporary_only();
  ApiResponse resp = im.in_write([&](StoreTx& tx, ApiResponse& out) -> Status {
    SLS_TRY_ASSIGN(user, tx.find_user(*username));
    if (!user) {
      // The typed name is not recorded: it names no one and may be anything.
      SLS_TRY(im.audit(tx, "device.activated", "fail", 0, "", "", "unknown user"));
      out = fail_with(fail(Errc::activation_bad_code), ctx.lang);
      return ok_status();
    }
    UserRecord u = *user;
    // Its own counter only; locked, it answers like an unknown user name, so
    // that the lock does not tell that the account exists.
    if (lock_state(u.activation_failures, activation_policy, im.now).locked) {
      SLS_TRY(im.audit(tx, "device.activated", "fail", u.id, u.username, "", "auth.locked"));
      out = fail_with(fail(Errc::activation_bad_code), ctx.lang);
      return ok_status();
    }
    SLS_TRY_ASSIGN(devices, tx.list_devices(u.id));
    DeviceRecord* pending = nullptr;
    for (auto& d : devices)
      if (d.kind == "mobile_key" && d.status == kDevicePending && im.now < d.expires_at &&
          keys_.keyed_hash_matches(HashPurpose::activation_code, activation_code.view(), d.code_hash))
        pending = &d;
    if (pending == nullptr) {
      u.activation_failures = record_failure(u.activation_failures, activation_policy, im.now);
      SLS_TRY(tx.update_user(u));
      SLS_TRY(im.audit(tx, "device.activated", "fail", u.id, u.username, "", "activation.bad_code"));
      if (lock_state(u.activation_failures, activation_policy, im.now).locked)
        SLS_TRY(im.audit(tx, "lockout", "fail", u.id, u.username, "", "activation"));
      out = fail_with(fail(Errc::activation_bad_code), ctx.lang);
      return ok_status();
    }
    auto exchange = mobile_key_server_exchange(*kx, *suite);
    if (!exchange) {
      out = fail_with(fail(Errc::request_bad_field, {"kx_public_key"}), ctx.lang);
      return ok_status();
    }
    DeviceRecord& d = *pending;
    d.status = kDeviceActive;
    d.sealed_secret = keys_.seal(exchange->ocra_secret.view());
    d.sealed_pin_hash = pin_hash.empty() ? Bytes{} : keys_.seal(pin_hash);
    d.sign_public_key = *sign_pk;
    d.ocra_suite = suite->to_string();
    d.code_hash.clear();
    d.activated_at = im.now;
    d.expires_at = 0;
    d.failures = {};
    SLS_TRY(tx.update_device(d));
    SLS_TRY(im.audit(tx, "device.activated", "ok", u.id, u.username, d.id, "mobile_key"));
    JsonValue reply = JsonValue::object();
    reply.set("device_id", d.id);
    reply.set("ocra_suite", d.ocra_suite);
    reply.set("server_kx_public_key", base64url_encode(exchange->server_kx_public_key));
    reply.set("server_sign_public_key", base64url_encode(keys_.signing_key().public_key()));
    out = ok_json(std::move(reply));
    return ok_status();
  });
  wipe(pin_hash.data(), pin_hash.size());
  if (resp.status == 200) im.give_back_failure_token();
  return resp;
}

ApiResponse AuthService::server_key(const RequestContext&) {
  return ok_json(JsonValue::object().set("sign_public_key", base64url_encode(keys_.signing_key().public_key())));
}

ApiResponse AuthService::demo_outbox(const RequestContext& ctx) {
  Impl im{*this, ctx, clock_.now()};
  JsonValue list = JsonValue::array();
  Status st = store_.read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(messages, tx.list_outbox(20));
    for (const auto& m : messages)
      list.push_back(JsonValue::object().set("at", m.at).set("to", m.phone).set("text", m.text));
    return ok_status();
  });
  if (!st) return im.internal_error(st.error());
  return ok_json(JsonValue::object().set("messages", std::move(list)));
}

}  // namespace sls::server
