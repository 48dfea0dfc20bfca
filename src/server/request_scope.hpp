// RequestScope, one request's view of the service, and the request checks every operation shares (not installed).
//
// The operations (login.cpp, challenge_opening.cpp, verification.cpp,
// push_qr.cpp, mobile_key_activation.cpp, demo_routes.cpp) each build a
// RequestScope, run their steps as Outcome values (outcome.hpp) and answer
// with respond(). The checks are defined in request_checks.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "server/encoding.hpp"
#include "server/lockout.hpp"
#include "server/outcome.hpp"
#include "server/records.hpp"
#include "server/service.hpp"
#include "server/try.hpp"
#include "sls/code_card.hpp"
#include "sls/ocra.hpp"

namespace sls::server {

// --- field readers: a missing or malformed field is a refusal -----------------------------

/// A required string field of `min`..`max` bytes; request.bad_field otherwise.
Outcome<std::string> string_field(const JsonValue& body, std::string_view name, std::size_t min, std::size_t max);

/// The required user name field: request.bad_field when missing or not a
/// string, user.bad_name when it breaks the user-name rule (user_name.hpp).
Outcome<std::string> user_name_field(const JsonValue& body);

/// A required identifier field (22 base64url characters). A value of the
/// wrong shape is refused as `not_found` (it cannot name anything).
Outcome<std::string> id_field(const JsonValue& body, std::string_view name, Errc not_found);

/// A 200 answer with `body`.
ApiResponse ok_json(JsonValue body);

/// Sets `limits` and `restrictions`: what a session of device kind `kind`
/// grants under `policy` (docs/hand-off.md).
void set_grants(JsonValue& reply, DeviceKind kind, const LimitPolicy& policy);

/// The devices a login offers: the usable ones, most secure first; with
/// `without_stand_ins`, no temporary code or online card (a step-up).
std::vector<const DeviceRecord*> login_devices(const std::vector<DeviceRecord>& devices, std::int64_t now,
                                               bool without_stand_ins);

/// Sets a login start reply's `devices` and `default_device_id`; a device
/// in `owner_of` (shared by another user) names its owner (`shared_from`).
void set_login_devices(JsonValue& reply, const std::vector<const DeviceRecord*>& usable,
                       const std::map<std::string, std::string>& owner_of = {});

/// Whether the session passed a second factor within `window` seconds of
/// `now`: what a change that weakens or moves security needs (opting out,
/// sharing, removing a device). A stand-in (temporary code, online card)
/// never refreshes second_factor_at; with `stand_in_counts` a session opened
/// with one within the window counts too, for the steps of the lost-device
/// path that a stand-in exists for (an online card, a replacement device).
[[nodiscard]] bool fresh_second_factor(const SessionRecord& session, std::int64_t now, std::int64_t window,
                                       bool stand_in_counts = false) noexcept;

/// Whether the device is active and unexpired at `now`.
bool device_usable(const DeviceRecord& d, std::int64_t now) noexcept;

/// The cells "i,j" of a card question; a fault when stored malformed.
Outcome<CardChallenge> parse_card_question(std::string_view question);

/// Bytes seen as text (a card's stored cells).
std::string_view as_text(std::span<const std::uint8_t> bytes);

// --- the scope -----------------------------------------------------------------------------

struct RequestScope {
  AuthService& s;
  const RequestContext& ctx;
  std::int64_t now;

  Lang lang() const { return ctx.lang; }
  const ServiceConfig& config() const { return s.config_; }
  const Keyring& keys() const { return s.keys_; }
  /// The clock in milliseconds, for the per-address rate limiters.
  std::int64_t now_ms() const { return s.clock_.now_ms(); }

  /// The operation's answer: the reply, the refusal as an error body, or a
  /// fault as a 500 whose log note names it.
  ApiResponse respond(Outcome<ApiResponse> outcome) const;

  /// Runs `fn(tx)` (returning an Outcome) in a write transaction that
  /// commits on an answer or a refusal, and rolls back on a fault.
  template <class Fn>
  auto in_write(Fn&& fn) -> std::invoke_result_t<Fn&, StoreTx&> {
    using R = std::invoke_result_t<Fn&, StoreTx&>;
    std::optional<R> out;
    Status st = s.store_.write([&](StoreTx& tx) -> Status {
      out.emplace(fn(tx));
      if (out->is_fault()) return out->error().fault();
      return ok_status();
    });
    if (!st) return st.error();
    return std::move(*out);
  }

  /// Appends an audit row for this request.
  Status audit(StoreTx& tx, std::string_view event, std::string_view outcome, std::int64_t user_id,
               std::string_view username, std::string_view device_id, std::string_view detail = {});

  /// The login `id`, checked to exist (login.not_found) and be unexpired
  /// (login.expired, unless completed).
  Outcome<LoginRecord> load_login(StoreTx& tx, std::string_view id) const;

  /// The login of a browser route: as load_login, and the request must carry
  /// its login secret (check_binding) before expiry is told.
  Outcome<LoginRecord> load_bound_login(StoreTx& tx, std::string_view id);

  /// Done when the request carries `login`'s secret (compared in constant
  /// time); else login.not_found, as for an id never issued, with an audit
  /// row naming the lack (never the secret).
  Step check_binding(StoreTx& tx, const LoginRecord& login);

  /// The user `id`; a fault when missing (a record points at it).
  Outcome<UserRecord> load_user(StoreTx& tx, std::int64_t id);

  /// auth.locked (423) when the account is locked for the steps after the
  /// password: any of the user's counters, or the device's (lockout.hpp,
  /// account_lock); nullopt when not locked.
  std::optional<Refusal> lock_refusal(const UserRecord& user, const DeviceRecord* device) const;

  /// A wrong second-factor answer: counts against the user's second-factor
  /// counter and the device's, audits it, and refuses with `code` and the
  /// attempts left (or auth.locked once locked). A fault when storing fails.
  Stop code_failure(StoreTx& tx, UserRecord& user, DeviceRecord& device, Errc code, std::string_view event);

  /// A wrong password or activation code: counts it on the user's
  /// `counter` under `policy`, audits `event` (detail: `code`'s name), adds a
  /// lockout row naming `factor` once it locks, and refuses with `code`. A
  /// fault when storing fails.
  Stop user_factor_failure(StoreTx& tx, UserRecord& user, FailureCounter UserRecord::*counter,
                           const LockoutPolicy& policy, std::string_view event, Errc code, std::string_view factor);

  /// Takes one token of the client address's failure budget before a
  /// password or activation attempt: rate_limited when it is spent. Given
  /// back (give_back_failure_token) when the attempt succeeds. Once per
  /// request: a write callback that calls it and runs again (a retried
  /// transaction) gets the first answer, not a second token.
  std::optional<Refusal> take_failure_token();
  /// The same inside a write callback: a budget in the store takes it in
  /// `tx` (rolled back with it, taken again by a retried run); one in memory
  /// keeps the first decision.
  std::optional<Refusal> take_failure_token_in(StoreTx& tx);
  /// Gives back the token take_failure_token took, if it took one; once.
  void give_back_failure_token();

  /// The per-address challenge-open budget inside a write callback, as
  /// take_failure_token_in.
  Outcome<RateLimiter::Decision> take_challenge_open_token(StoreTx& tx);

  // Effects outside the store, kept so that a retried write does not repeat
  // them (see Store::write).
  std::optional<std::optional<Refusal>> failure_token_ = std::nullopt;
  bool failure_token_given_back_ = false;
  std::optional<RateLimiter::Decision> challenge_open_token_ = std::nullopt;
  /// check_password_then reached its `then` in the run that counts (reset
  /// at the start of each run): the password was right.
  bool password_accepted = false;

  /// A fresh completion token for a verified login (the previous one stops
  /// working). Returns the token; the caller updates the login.
  std::string issue_token(LoginRecord& login);

  /// Marks the login verified by `device`. Failure counters stay as they
  /// are: only a completed, unlocked login clears them (complete()).
  void mark_verified(LoginRecord& login, const DeviceRecord* device, DeviceKind kind, Access access);

  /// The device's stored OCRA suite; a fault when it does not parse.
  Outcome<OcraSuite> device_suite(const DeviceRecord& d);

  // --- device questions (challenge_opening.cpp) ---

  /// Whether the device has a question that logins must still be asked.
  bool question_is_open(const DeviceRecord& d) const noexcept;

  /// Keeps the device's open question for at least one more challenge
  /// lifetime (a new question counts from now) and stores the device.
  Status keep_question_open(StoreTx& tx, DeviceRecord& d) const;

  /// Whether `c` still asks the device's open question: once answered
  /// correctly (or replaced after it expired) every other challenge that
  /// showed it is void, so a seen answer cannot be replayed elsewhere.
  static bool asks_open_question(const ChallengeRecord& c, const DeviceRecord& d) noexcept;

  /// A correct answer closes the device's open question; under
  /// CellReuse::never it spends the question's two cells. The caller
  /// stores the device.
  Status close_question(DeviceRecord& d, const ChallengeRecord& c) const;

  // --- push transactions (push_qr.cpp) ---

  /// Expires a pending push whose time is up (with its audit row).
  Status settle_push_expiry(StoreTx& tx, PushRecord& push);

  /// The push `tx_id` of a browser route with its expiry settled, or
  /// push.not_found when there is no such push or the request lacks the
  /// login secret of the push's login (check_binding). With
  /// `login_secret_hash`, also that login's secret hash.
  Outcome<PushRecord> settled_push(StoreTx& tx, std::string_view tx_id, Bytes* login_secret_hash = nullptr);
};

/// A sharing request as the API shows it (REQUEST in docs/openapi.yaml;
/// sharing.cpp): GET /sharing and POST /mobile-key/add-user answer it.
Outcome<JsonValue> sharing_json(RequestScope& op, StoreTx& tx, const SharingRecord& r);

}  // namespace sls::server
