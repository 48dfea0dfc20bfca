// The login flow of the <sls-login> component (SPEC §3, §1 "functional
// core, imperative shell"): a state machine that takes inputs (user events,
// HTTP replies, timer firings, language changes, each with the current time)
// and returns effects for the shell to run plus the view to show.
//
// Deterministic given its inputs: it reads no clock (every input carries
// now_ms) and no hidden randomness (the poll jitter source is injected).
// Tested natively with simulated time; compiled to WebAssembly for the page.
//
// Screens: credentials → (device choice, when the user has several devices)
// → the challenge screen of the device's method (code card, challenge/
// response with QR code, push approval, SMS code, temporary code) → a short
// busy state while submitting → authenticated, or failed (with retry),
// locked, expired, network error (with retry).
//
// HOW THE SHELL MUST CONSUME AN OUTPUT (secrets): an http effect's body may
// hold the password, a typed code or the completion token, and its headers
// the login secret that binds the login to this page. They are
// SecretStrings, wiped when the LoginOutput is destroyed. The shell copies
// body and headers straight into its fetch call (headers as request headers,
// never into the URL), keeps no other reference to them,
// and then lets the LoginOutput go (in Embind: convert, then delete the C++
// object at once). The flow itself wipes its copy of a typed secret as soon
// as the request is built, and never puts a password or a code into the
// view: those inputs are uncontrolled (no value attribute). UserEvent values
// of secret fields are moved into SecretStrings; the shell should not keep
// them either.
//
// The rest of the contract with the shell:
//  - Run effects in order. Request and timer ids increase monotonically and
//    are never reused; a reply or firing whose id the flow no longer waits
//    for is ignored, so the shell need not cancel anything to be correct
//    (cancel_http/cancel_timer let it save work).
//  - Report every reply, including failures: status 0 for a network error
//    (fetch rejected or timed out), with retry_after_s from the Retry-After
//    header (seconds) when present.
//  - Apply LoginOutput::view after every call (it is always the whole tree).
//  - emit effects become DOM events on the host element: "state" →
//    sls-state, "error" → sls-error, "authenticated" → sls-authenticated,
//    each with its JSON detail as the event's detail.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sls/json.hpp"
#include "sls/lang.hpp"
#include "sls/poll_policy.hpp"
#include "sls/secure.hpp"
#include "sls/view.hpp"

namespace sls {

/// The screens of the flow.
enum class LoginScreen : std::uint8_t {
  credentials,         ///< user name and password
  device_choice,       ///< the user picks one of several devices
  loading,             ///< waiting for a challenge or the session
  code_card,           ///< two index numbers, one 6-character field
  challenge_response,  ///< 6-digit challenge, QR code, 8-digit response
  push,                ///< number to match, countdown, "no notification?"
  sms,                 ///< 6-digit code, resend with cool-down
  temp_code,           ///< temporary code from support
  authenticated,       ///< done: the session is open
  failed,              ///< not confirmed (push refused or expired, ...): retry
  locked,              ///< too many failures
  expired,             ///< the login timed out: start again
  network_error,       ///< the server could not be reached: retry
};

/// The stable name of a screen, as sent in sls-state events and written on
/// the root element's data-screen attribute: "credentials", "device_choice",
/// "loading", "code_card", "challenge_response", "push", "sms", "temp_code",
/// "authenticated", "failed", "locked", "expired", "network_error".
std::string_view login_screen_id(LoginScreen screen) noexcept;

/// Action names carried by UserEvent::action (and by the view's event
/// bindings). `value` is the input's text for input:*, the device id for
/// choose_device, ignored otherwise.
namespace login_action {
inline constexpr std::string_view input_username = "input:username";
inline constexpr std::string_view input_password = "input:password";
inline constexpr std::string_view input_code = "input:code";  ///< any code field
inline constexpr std::string_view submit = "submit";
inline constexpr std::string_view choose_device = "choose_device";
inline constexpr std::string_view use_other_device = "use_other_device";
inline constexpr std::string_view no_notification = "no_notification";
inline constexpr std::string_view resend = "resend";
inline constexpr std::string_view retry = "retry";
inline constexpr std::string_view restart = "restart";
inline constexpr std::string_view cancel = "cancel";
}  // namespace login_action

/// How a flow starts.
struct LoginConfig {
  Lang lang = Lang::en;
  /// A user name to prefill (e.g. remembered by the page); may be empty.
  std::string username;
  /// Wall clock, ms since the Unix epoch.
  std::int64_t now_ms = 0;
  /// Prefix of every element id in the view ("sls" gives "sls-username",
  /// ...), so that two components on one page do not collide. ASCII letters,
  /// digits and '-' only; anything else is replaced by '-'; empty → "sls".
  std::string id_prefix = "sls";
  /// Sent with the completion (POST /login/{id}/complete) when not empty:
  /// the audience the server's login assertion is for (one the server is
  /// configured with) and the host page's nonce, signed into it.
  std::string audience;
  std::string nonce;
  /// A step-up login (docs/accounts.md): the user, already logged in,
  /// confirms a change with their device. start() skips the credentials
  /// screen and sends POST /login {"step_up": true} at once (the shell's
  /// request carries the session cookie); "restart" and "retry" start the
  /// step-up again; completion emits `authenticated` with the server's
  /// {"step_up": true, "step_up_until", "user"} reply.
  bool step_up = false;
  /// Push and QR polling schedule.
  PollConfig poll{};
  /// Jitter source for polling; empty → libsodium (sls::random_below).
  RandomBelow random;
};

/// Something the user did.
struct UserEvent {
  std::string action;
  std::string value;
  std::int64_t now_ms = 0;
};

/// The outcome of an http effect.
struct HttpReply {
  std::uint64_t request_id = 0;
  /// HTTP status, or 0 when no reply arrived (network failure).
  int status = 0;
  /// The Retry-After header in seconds, if present.
  std::optional<std::int64_t> retry_after_s;
  /// The response body (JSON, or empty).
  std::string body;
  std::int64_t now_ms = 0;
};

/// A timer of a timer effect went off.
struct TimerFired {
  std::uint64_t timer_id = 0;
  std::int64_t now_ms = 0;
};

/// A request header of an http effect. The value may be a secret (the login
/// secret), so it is wiped with the effect.
struct HttpHeader {
  std::string name;
  SecretString value;
};

/// The header carrying the login secret on every request of a login after
/// POST /login (the server's answer to that request holds the secret).
inline constexpr std::string_view kLoginSecretHeader = "X-SLS-Login-Secret";

/// Send a request; report its reply with on_reply(request_id = id).
struct HttpEffect {
  std::uint64_t id = 0;
  /// "GET", "POST" or "DELETE".
  std::string method;
  /// Relative to the API base, e.g. "/login/abc/verify".
  std::string path;
  /// JSON request body, empty for none. Wiped with the effect.
  SecretString body;
  /// Headers to send besides Accept, Accept-Language and Content-Type (which
  /// the shell sets): the login secret once POST /login answered.
  std::vector<HttpHeader> headers;
};

/// Abort request `id` (its reply would be ignored anyway).
struct CancelHttpEffect {
  std::uint64_t id = 0;
};

/// Call on_timer(timer_id = id) after delay_ms (> 0).
struct TimerEffect {
  std::uint64_t id = 0;
  std::int64_t delay_ms = 0;
};

/// Drop timer `id` (its firing would be ignored anyway).
struct CancelTimerEffect {
  std::uint64_t id = 0;
};

/// Move keyboard focus to the view element with this id.
struct FocusEffect {
  std::string element_id;
};

/// The text the view's live region now holds. The view carries it too, so a
/// shell that applies the view may ignore this effect.
struct AnnounceEffect {
  std::string text;
};

/// Dispatch an event on the host element.
struct EmitEffect {
  /// "state", "error" or "authenticated".
  std::string type;
  /// state: {"screen":...,"busy":bool} plus "method" and "device_kind" on
  /// challenge screens; error: {"code":...,"message":...}; authenticated:
  /// the session object returned by /complete.
  JsonValue detail;
};

/// One effect; the alternatives are in the order of EffectKind.
using Effect =
    std::variant<HttpEffect, CancelHttpEffect, TimerEffect, CancelTimerEffect, FocusEffect, AnnounceEffect, EmitEffect>;

/// The kinds of effect, in the order of Effect's alternatives.
enum class EffectKind : std::uint8_t { http, cancel_http, timer, cancel_timer, focus, announce, emit };

/// The kind of an effect.
EffectKind effect_kind(const Effect& effect) noexcept;

/// "http", "cancel_http", "timer", "cancel_timer", "focus", "announce", "emit".
std::string_view effect_kind_id(EffectKind kind) noexcept;

/// What a call returns: the effects to run, in order, and the whole view.
struct LoginOutput {
  std::vector<Effect> effects;
  Node view;
};

class LoginFlow {
 public:
  LoginFlow();
  ~LoginFlow();
  LoginFlow(LoginFlow&&) noexcept;
  LoginFlow& operator=(LoginFlow&&) noexcept;
  LoginFlow(const LoginFlow&) = delete;
  LoginFlow& operator=(const LoginFlow&) = delete;

  /// Starts (or restarts) a login on the credentials screen (a step-up on
  /// the loading screen, see LoginConfig::step_up). Earlier requests and
  /// timers are forgotten (their replies are ignored).
  LoginOutput start(LoginConfig config);
  /// A user action (see login_action). Unknown actions, and actions that do
  /// not apply to the current screen or arrive while busy, change nothing.
  LoginOutput on_event(UserEvent event);
  /// The reply to an http effect. Replies to requests the flow no longer
  /// waits for are ignored.
  LoginOutput on_reply(HttpReply reply);
  /// A timer went off. Stale timers are ignored.
  LoginOutput on_timer(TimerFired timer);
  /// Replaces LoginConfig's audience and nonce (the element's attributes
  /// changed): a completion sent after this carries the new ones.
  void set_assertion_request(std::string audience, std::string nonce);
  /// Switches the language of the view (the page's lang changed).
  LoginOutput set_lang(Lang lang, std::int64_t now_ms);

  LoginScreen screen() const noexcept;
  /// True while a submitted request is outstanding (further submits are
  /// ignored).
  bool busy() const noexcept;
  Lang lang() const noexcept;
  /// The current view (the same tree the last output carried).
  Node view() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace sls
