// The login API's logic, independent of HTTP: each operation takes the
// parsed request and returns a status, a JSON body and headers. http_dispatch.cpp
// maps routes onto these; tests may call them directly. The operations live
// in one file per capability (docs/architecture.md); a refusal and a fault
// travel as values (outcome.hpp) until the operation answers.
//
// Every operation reads and changes state inside one Store transaction, and
// appends its audit rows in that same transaction, so an event is logged if
// and only if it happened. Secrets never leave this layer except where the
// API hands them out on purpose (completion tokens, the session cookie).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/address_budget.hpp"
#include "server/clock.hpp"
#include "server/config.hpp"
#include "server/keyring.hpp"
#include "server/outcome.hpp"
#include "server/pending_push_cache.hpp"
#include "server/push_waiters.hpp"
#include "server/rate_limiter.hpp"
#include "server/sms_gateway.hpp"
#include "server/store.hpp"
#include "sls/json.hpp"
#include "sls/lang.hpp"
#include "sls/result.hpp"
#include "sls/secure.hpp"

namespace sls::server {

/// Who is asking, as far as the server can tell.
struct RequestContext {
  std::string client_addr;
  Lang lang = Lang::en;
  /// The login secret the browser sent (kLoginSecretHeader), empty when
  /// none. Read only by the browser's routes of a login; never logged.
  std::string login_secret = {};
};

/// The request header carrying the login secret that POST /login handed out.
inline constexpr std::string_view kLoginSecretHeader = "X-SLS-Login-Secret";

/// An HTTP-shaped answer.
struct ApiResponse {
  int status = 200;
  JsonValue body;
  std::vector<std::pair<std::string, std::string>> headers;
  /// What went wrong on a 500, for the server log only: never sent, never a
  /// secret (an error code and its arguments).
  std::string log_note;
};

/// `{"error":{"code","message"[,"attempts_left"][,"retry_after"]}}` with the
/// message localised and the code's status from errors.def (or `status` when
/// not 0); sets Retry-After when extras.retry_after is given.
ApiResponse error_response(const Error& error, Lang lang, const ErrorExtras& extras = {}, int status = 0);

/// The session cookie's name; with --secure-cookies the "__Host-" prefixed
/// one (Secure, Path=/, no Domain: a browser lets no subdomain or plain-HTTP
/// page set or overwrite it).
inline constexpr std::string_view kSessionCookie = "sls_session";
inline constexpr std::string_view kSecureSessionCookie = "__Host-sls_session";
constexpr std::string_view session_cookie_name(bool secure) noexcept {
  return secure ? kSecureSessionCookie : kSessionCookie;
}

/// A session's last use is written at most this often (seconds): its idle
/// expiry slides by the minute, and reading it costs no write in between.
inline constexpr std::int64_t kSessionTouchInterval = 60;

/// One request's view of the service: its context, its time and the checks
/// every operation shares (request_scope.hpp, for the service's own files).
struct RequestScope;
class AssertionKeySource;

/// Longest audience a login assertion may name, in bytes.
inline constexpr std::size_t kMaxAssertionAudienceBytes = 256;
/// Whether `audience` may be configured as a login assertion audience: 1 to
/// kMaxAssertionAudienceBytes printable ASCII characters, no space (an
/// origin such as "https://broker.example", or any name the host's back end
/// checks). Errc::bad_argument {"assertion audience", audience} otherwise.
Status validate_assertion_audience(std::string_view audience);

class AuthService {
 public:
  /// The references must outlive the service. Fails like
  /// OcraSuite::parse when a configured suite is invalid, and like
  /// market_calendar when config.market's calendar cannot be built.
  static Result<std::unique_ptr<AuthService>> create(Store& store, const Keyring& keys, const Clock& clock,
                                                     SmsGateway& sms, ServiceConfig config);

  // One method per operation of docs/openapi.yaml. `body` is the parsed JSON
  // request body (an object; the HTTP layer refuses anything else).
  /// POST /login. With `{"step_up": true}` a step-up login of the session
  /// of the cookie value `cookie` instead (docs/accounts.md): no password.
  ApiResponse start_login(const RequestContext& ctx, const JsonValue& body, std::string_view cookie = {});
  ApiResponse open_challenge(const RequestContext& ctx, std::string_view login_id, const JsonValue& body);
  ApiResponse verify(const RequestContext& ctx, std::string_view login_id, const JsonValue& body);
  ApiResponse resend_sms(const RequestContext& ctx, std::string_view login_id);
  /// On success the response carries a Set-Cookie header; `secure_cookie`
  /// adds the Secure attribute. A step-up login's completion instead needs
  /// `cookie` to be the session that opened it, refreshes its second factor
  /// and sets no cookie.
  ApiResponse complete(const RequestContext& ctx, std::string_view login_id, const JsonValue& body, bool secure_cookie,
                       std::string_view cookie = {});
  /// GET /session: the session of the cookie value `cookie` (empty: none
  /// sent); 401 session.none when there is none or it ended. Slides the
  /// idle expiry.
  ApiResponse current_session(const RequestContext& ctx, std::string_view cookie);
  /// DELETE /session: logout. Deletes the session and clears the cookie.
  ApiResponse end_session(const RequestContext& ctx, std::string_view cookie, bool secure_cookie);
  /// GET /accounts: the session user's accounts, their users, devices,
  /// limits and restrictions (docs/accounts.md). Never identification data.
  ApiResponse list_accounts(const RequestContext& ctx, std::string_view cookie);
  /// POST /accounts/{id}/opt-out and /opt-in: primary user only; opting out
  /// needs a fresh second factor (config step_up_window).
  ApiResponse set_account_opt_out(const RequestContext& ctx, std::string_view cookie, std::string_view account_id,
                                  bool opted_out);
  /// POST /withdrawals (docs/withdrawals.md): the back office records a
  /// withdrawal of an account, checked against its rolling limits in the
  /// same transaction. `authorization` is the Authorization header (a
  /// service credential's bearer token); no session counts.
  ApiResponse record_withdrawal(const RequestContext& ctx, std::string_view authorization, const JsonValue& body);
  /// GET /withdrawals?account=ID[&limit=N]: the account's recent
  /// withdrawals, newest first, and its usage. Same credential as above.
  ApiResponse list_withdrawals(const RequestContext& ctx, std::string_view authorization, std::string_view account,
                               std::optional<std::string_view> limit);
  /// POST /sharing {owner, serial}: the session user asks to use the
  /// owner's device (docs/sharing.md); needs a fresh second factor. 201
  /// with the request, approved at once or pending review.
  ApiResponse request_sharing(const RequestContext& ctx, std::string_view cookie, const JsonValue& body);
  /// GET /sharing: the requests where the session user is requester or owner.
  ApiResponse list_sharings(const RequestContext& ctx, std::string_view cookie);
  /// DELETE /sharing/{id}: the requester or the owner ends a pending or
  /// approved sharing.
  ApiResponse end_sharing(const RequestContext& ctx, std::string_view cookie, std::string_view id);
  /// POST /device-orders {kind, pin, deposit_account, replaces}: the
  /// session user orders a replacement Digital Security Card+
  /// (docs/device-orders.md); needs a fresh second factor or a fresh
  /// stand-in. 201 with the order.
  ApiResponse create_device_order(const RequestContext& ctx, std::string_view cookie, const JsonValue& body);
  /// GET /device-orders: the session user's orders, newest first.
  ApiResponse list_device_orders(const RequestContext& ctx, std::string_view cookie);
  /// GET /devices: the session user's own devices (DEVICE, device_views.hpp),
  /// living ones first, then those ended within 90 days (docs/devices.md).
  ApiResponse list_user_devices(const RequestContext& ctx, std::string_view cookie);
  /// GET /devices/history?limit=N (1..200, default 50): the user's device
  /// events, newest first.
  ApiResponse device_history(const RequestContext& ctx, std::string_view cookie, std::optional<std::string_view> limit);
  /// POST /devices/{id}/lost: revokes the device at once (its pushes,
  /// question and sharings with it) and ends every other session of the user.
  ApiResponse report_device_lost(const RequestContext& ctx, std::string_view cookie, std::string_view device_id);
  /// DELETE /devices/{id}: fresh second factor; never the last usable
  /// permanent device of a user who is not opted out.
  ApiResponse remove_device(const RequestContext& ctx, std::string_view cookie, std::string_view device_id);
  /// POST /devices/{id}/replace {"with": "mobile_key"}: fresh second factor;
  /// the user's next Mobile Key activated within 7 days revokes the device.
  ApiResponse replace_device(const RequestContext& ctx, std::string_view cookie, std::string_view device_id,
                             const JsonValue& body);
  /// GET /devices/{id}/return: what to do with the device, and where to send
  /// it (return_regions.hpp), the user's region first.
  ApiResponse device_return(const RequestContext& ctx, std::string_view cookie, std::string_view device_id);
  ApiResponse push_status(const RequestContext& ctx, std::string_view tx_id);
  /// push_status() from memory, for a push this process already found pending
  /// and that has not changed since (PendingPushCache): the same answer, with
  /// no store access, so cheap enough for an I/O thread. nullopt: call
  /// push_status().
  /// With PendingPushCache::Use::park, whether a held request may park
  /// without the store (the answer is not sent).
  std::optional<ApiResponse> push_status_unchanged(const RequestContext& ctx, std::string_view tx_id,
                                                   PendingPushCache::Use use = PendingPushCache::Use::answer) const;
  ApiResponse cancel_push(const RequestContext& ctx, std::string_view tx_id);
  ApiResponse device_pushes(const RequestContext& ctx, std::string_view device_id, std::string_view signature,
                            std::string_view device_time);
  ApiResponse push_decision(const RequestContext& ctx, std::string_view tx_id, const JsonValue& body);
  ApiResponse qr_approve(const RequestContext& ctx, const JsonValue& body);
  ApiResponse challenge_status(const RequestContext& ctx, std::string_view login_id);
  ApiResponse activate_mobile_key(const RequestContext& ctx, const JsonValue& body);
  /// POST /mobile-key/enrolments {username, password, temp_code?}: the
  /// phone's password step (the login's, check_password_then) opens an
  /// enrolment, the pending Mobile Key (mobile_key_enrolment.cpp).
  ApiResponse start_mobile_key_enrolment(const RequestContext& ctx, const JsonValue& body);
  /// POST /mobile-key/enrolments/{id}/sms {phone_id | phone}: an 8-digit
  /// activation code by SMS (10 minutes, single use, 3 per enrolment, 2
  /// minutes apart); a number not on record only when the enrolment may add one.
  /// POST /mobile-key/recover {username, password, recovery_pin, kx_public_key,
  /// sign_public_key, pin_hash}: after the app was removed, a new Mobile Key
  /// without SMS; the old one is revoked. A wrong recovery PIN counts on the
  /// user's activation counter.
  ApiResponse recover_mobile_key(const RequestContext& ctx, const JsonValue& body);
  /// POST /mobile-key/add-user {username, password, device_id, recovery_pin,
  /// signed_at, signature}: the phone lets another user use its Mobile Key
  /// (a sharing under the device-sharing rule, docs/sharing.md); the owner's
  /// recovery PIN counts on the owner's activation counter.
  ApiResponse add_mobile_key_user(const RequestContext& ctx, const JsonValue& body);
  /// GET /phones: the session user's phones on record (the numbers of their
  /// SMS devices), masked: what the phone offers at enrolment.
  ApiResponse list_phones(const RequestContext& ctx, std::string_view cookie);
  /// POST /phones (fresh*): adds a number on record; 201 with it and the list.
  ApiResponse add_phone(const RequestContext& ctx, std::string_view cookie, const JsonValue& body);
  /// DELETE /phones/{id} (fresh, stand-ins do not count): removes a number
  /// the user added (an SMS device's number goes with the device).
  ApiResponse remove_phone(const RequestContext& ctx, std::string_view cookie, std::string_view phone_id);
  ApiResponse send_mobile_key_code(const RequestContext& ctx, std::string_view enrolment_id, const JsonValue& body);
  ApiResponse server_key(const RequestContext& ctx);
  /// GET /.well-known/jwks.json: the published login assertion keys
  /// (jwks_json), cacheable; 500 when no key source is set or the key file
  /// cannot be read.
  ApiResponse jwks(const RequestContext& ctx);
  /// POST /assertions/redeem {assertion, audience}: a host's back end makes
  /// a login assertion single-use. 200 with its claims when the signature
  /// verifies with a published key, iss is the origin, aud is `audience`,
  /// it has not expired and its jti was never redeemed (recorded until it
  /// expires); else assertion.invalid, .wrong_audience, .expired or
  /// .already_redeemed. Each attempt takes a failure token of the address
  /// (given back on success).
  ApiResponse redeem_assertion(const RequestContext& ctx, const JsonValue& body);
  /// The SMS outbox (demo only): the newest messages.
  ApiResponse demo_outbox(const RequestContext& ctx);
  // The online card (online_card.cpp, docs/online-card.md). The page is
  // written to `html` with a 200 and an empty body; any other answer is an
  // error body.
  ApiResponse issue_online_card(const RequestContext& ctx, std::string_view cookie);
  ApiResponse online_card_page(const RequestContext& ctx, std::string_view cookie, std::string_view id, Lang lang,
                               std::string& html);
  ApiResponse activate_online_card(const RequestContext& ctx, std::string_view cookie, std::string_view id,
                                   const JsonValue& body);

  const ServiceConfig& config() const noexcept { return config_; }
  /// The audiences an assertion may be issued for, the default first:
  /// config().assertion_audiences, or the origin alone when none is set.
  std::vector<std::string> assertion_audiences() const;
  /// Replaces the origin signed into QR payloads (e.g. once the port is
  /// known). Fails like validate_payload_origin. Call before serving: not
  /// synchronised with requests.
  Status set_origin(std::string origin);
  /// Where committed changes of a push (decision, cancel, replacement) and of
  /// a login's QR challenge (approval) are announced, so that long-polled
  /// status requests answer at once; null: nowhere. Call before serving.
  void set_push_waiters(PushWaiters* waiters) noexcept { waiters_ = waiters; }
  /// Another process on the store committed a change of `id` (a push or a
  /// login: the payload of a kPushChannel notification, StoreListener): as
  /// a change made here, the waiters of `id` wake and its cached pending
  /// state goes. Any thread; never blocks on the store.
  void changed_elsewhere(std::string_view id) const { announce(id); }
  /// Changes made elsewhere may have been missed (the listener connected
  /// again): every cached pending push goes and every waiter re-reads.
  void anything_changed_elsewhere() const {
    pending_pushes_.forget_all();
    if (waiters_ != nullptr) waiters_->notify_all();
  }
  /// Where the login assertion keys are read from; null: nowhere (the JWKS
  /// answers 500). Call before serving.
  void set_assertion_keys(AssertionKeySource* keys) noexcept { assertion_keys_ = keys; }

 private:
  /// What follows a correct password, in the transaction that accepted it.
  using AfterPassword = std::function<Outcome<ApiResponse>(StoreTx&, UserRecord&)>;
  /// The password step (login.cpp), the one for every route that takes a
  /// password: the address's failure token, the reserved check, Argon2id
  /// outside any transaction (the dummy hash for an unknown or locked user),
  /// the count and the lock of a wrong password (audited as `event`), and a
  /// lock that answers like an unknown user. With the password right and the
  /// account unlocked, `then(tx, user)` answers in the same transaction.
  Outcome<ApiResponse> check_password_then(RequestScope& op, std::string_view username, SecretString password,
                                           std::string_view event, const AfterPassword& then);
  ApiResponse push_decision_in(RequestScope& op, std::string_view tx_id, const JsonValue& body);
  Outcome<SessionRecord> live_session(StoreTx& tx, std::string_view cookie, std::int64_t now) const;
  /// live_session() for a route that reads the user's devices: a shipped
  /// replacement that is due activates first (device_orders.hpp), and the
  /// pushes that cancelled are added to `cancelled`, to announce after the
  /// commit.
  Outcome<SessionRecord> live_session_reading_devices(StoreTx& tx, std::string_view cookie, std::int64_t now,
                                                      std::vector<std::string>& cancelled) const;
  /// The `usage` object of an account (GET /accounts, the withdrawal
  /// routes): what each window holds and what remains; null when the
  /// calendar cannot answer for `now`. A fault when the store fails.
  Outcome<JsonValue> account_usage(StoreTx& tx, const AccountRecord& account,
                                   const std::vector<DeviceRecord>& primary_devices, std::int64_t now) const;
  /// POST /login {"step_up": true} (step_up.cpp).
  ApiResponse start_step_up(const RequestContext& ctx, const JsonValue& body, std::string_view cookie);
  /// The session a step-up login's completion refreshes: the live session
  /// of `cookie`, which must be the one that opened `login`, of its user.
  Outcome<SessionRecord> step_up_session(RequestScope& op, StoreTx& tx, const LoginRecord& login,
                                         const UserRecord& user, std::string_view cookie) const;
  AuthService(Store& store, const Keyring& keys, const Clock& clock, SmsGateway& sms, ServiceConfig config);
  friend struct RequestScope;

  Store& store_;
  const Keyring& keys_;
  const Clock& clock_;
  SmsGateway& sms_;
  ServiceConfig config_;
  /// The calendar of config_.market, built at creation.
  std::optional<MarketCalendar> calendar_;
  PushWaiters* waiters_ = nullptr;
  AssertionKeySource* assertion_keys_ = nullptr;
  /// Tells the waiters of `id` (a push or a login id) that it changed.
  void announce(std::string_view id) const {
    pending_pushes_.forget(id);
    if (waiters_ != nullptr) waiters_->notify(id);
  }
  /// Pushes found pending and unchanged since (push_status_unchanged).
  mutable PendingPushCache pending_pushes_;
  /// A hash of a random password, checked when the user name is unknown or
  /// the account's password is locked, so that neither costs a different
  /// time from a wrong password.
  std::string dummy_password_hash_;
  /// Challenge opens per client address (the per-user bound is in the
  /// store): in the store when config_.shared_address_budgets, so that it
  /// holds across nodes, else in memory.
  std::unique_ptr<AddressBudget> challenge_opens_by_address_;
  /// Failure budget per client address (config_.failures_per_address), kept
  /// the same way.
  std::unique_ptr<AddressBudget> failures_per_address_;
};

}  // namespace sls::server
