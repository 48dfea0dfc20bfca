// The security centre of the <sls-security> element (SPEC §4, issue 11): a
// state machine built the way LoginFlow is (sls/login_flow.hpp). It takes
// inputs (user events, HTTP replies, language changes, each with the current
// time) and returns the same effects and the whole view (LoginOutput), so
// the JS shell and the DOM patcher of <sls-login> run it unchanged.
//
// Deterministic given its inputs: no clock, no I/O, no randomness.
//
// Screens: loading → overview (the user's accounts, users and devices, the
// security ranking, the limits with what is used and what remains, what a
// stronger device would allow, the restrictions and why, the sharing
// requests) → confirm_opt_out (the consequences spelled out) → step_up (a
// nested <sls-login step-up> confirms with the device when the session's
// second factor is not fresh) → busy → notice; share_form; error. The device
// lifecycle (issue 12): the overview's devices and phones parts; confirm_lost
// → lost_offers (temporary access, an online card, a replacement, in the
// server's order); confirm_remove; confirm_replace; card → card_activate →
// card_done; order_pin → order_account → order_summary → order_done;
// return_info; history.
//
// Requests (paths relative to the API base): GET /accounts and GET /sharing
// at the start and after every change (a failure of /sharing only hides
// the sharing part), POST /accounts/{id}/opt-out and /opt-in with body {},
// POST /sharing {"owner","serial"}, DELETE /sharing/{id}; GET /devices and
// GET /phones with GET /accounts, and the device routes of docs/security-centre.md.
//
// The contract with the shell is LoginFlow's: run effects in order, report
// every reply (status 0 for a network failure), apply the view after every
// call, turn emit effects into DOM events ("state" → sls-security-state,
// "error" → sls-error, "changed" → sls-security-changed). In addition the
// shell forwards the sls-authenticated event of the nested step-up login
// as the user event security_action::step_up_done, its detail as JSON text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sls/lang.hpp"
#include "sls/login_flow.hpp"

namespace sls {

/// The screens of the security centre.
enum class SecurityScreen : std::uint8_t {
  loading,          ///< waiting for GET /accounts
  overview,         ///< accounts, users, devices, limits, restrictions, sharing
  confirm_opt_out,  ///< what opting out means; explicit confirmation
  step_up,          ///< the nested step-up login confirms with the device
  busy,             ///< a change was sent; waiting for the server
  notice,           ///< the outcome of a change
  share_form,       ///< ask to share another user's device
  error,            ///< the server refused or could not be reached
  // The device lifecycle (issue 12).
  confirm_lost,     ///< report a device lost: what happens; explicit confirmation
  lost_offers,      ///< after the report: temporary access, an online card, a replacement, in that order
  confirm_remove,   ///< remove a device: explicit confirmation
  confirm_replace,  ///< replace a device by a Mobile Key or a DSC+
  card,             ///< a new online card: its cells, Print, then activate
  card_activate,    ///< the codes at the card's two indices
  card_done,        ///< the card is active until its expiry date
  order_pin,        ///< replacement DSC+: the 4-digit PIN, twice
  order_account,    ///< the account the deposit is held on
  order_summary,    ///< review, Back or order
  order_done,       ///< the order with its estimated ship date
  return_info,      ///< where to return a device (the user's region first), or destroy it
  history,          ///< the device history, newest first
  phone_form,       ///< add a phone number on record
};

/// "loading", "overview", "confirm_opt_out", ... (the enumerator's name): sent in sls-security-state and written on the
/// root element's data-screen attribute.
std::string_view security_screen_id(SecurityScreen screen) noexcept;

/// Action names of UserEvent::action (and of the view's event bindings).
namespace security_action {
inline constexpr std::string_view opt_out = "opt_out";  ///< value: the account id
inline constexpr std::string_view confirm_opt_out = "confirm_opt_out";
inline constexpr std::string_view opt_in = "opt_in";  ///< value: the account id
inline constexpr std::string_view cancel = "cancel";  ///< back to the overview, nothing sent
inline constexpr std::string_view back = "back";      ///< from a notice or an error to the overview
inline constexpr std::string_view retry = "retry";    ///< load everything again
/// The nested step-up login completed; value: its sls-authenticated detail
/// as JSON ({"step_up": true, "step_up_until": n, "user": "..."}).
inline constexpr std::string_view step_up_done = "step_up_done";
inline constexpr std::string_view share = "share";  ///< open the share form
inline constexpr std::string_view input_owner = "input:owner";
inline constexpr std::string_view input_serial = "input:serial";
inline constexpr std::string_view share_submit = "share_submit";
inline constexpr std::string_view stop_sharing = "stop_sharing";  ///< value: the request id
// The device lifecycle; value: the device id where named.
inline constexpr std::string_view report_lost = "report_lost";  ///< value: device id
inline constexpr std::string_view confirm_lost = "confirm_lost";
inline constexpr std::string_view remove_device = "remove_device";  ///< value: device id
inline constexpr std::string_view confirm_remove = "confirm_remove";
inline constexpr std::string_view replace_device = "replace_device";  ///< value: device id
inline constexpr std::string_view replace_mobile_key = "replace_mobile_key";
inline constexpr std::string_view show_return = "show_return";  ///< value: device id
inline constexpr std::string_view show_history = "show_history";
inline constexpr std::string_view issue_card = "issue_card";
inline constexpr std::string_view card_continue = "card_continue";  ///< from the card to its activation
inline constexpr std::string_view input_code1 = "input:code1";
inline constexpr std::string_view input_code2 = "input:code2";
inline constexpr std::string_view activate_card = "activate_card";
inline constexpr std::string_view order_start = "order_start";  ///< value: the device replaced, or empty
inline constexpr std::string_view input_pin = "input:pin";
inline constexpr std::string_view input_pin2 = "input:pin2";
inline constexpr std::string_view pin_submit = "pin_submit";
inline constexpr std::string_view choose_account = "choose_account";  ///< value: the deposit account id
inline constexpr std::string_view account_submit = "account_submit";
inline constexpr std::string_view order_back = "order_back";  ///< one step back in the order
inline constexpr std::string_view order_submit = "order_submit";
inline constexpr std::string_view remove_phone = "remove_phone";  ///< value: phone id
inline constexpr std::string_view add_phone = "add_phone";        ///< open the phone form
inline constexpr std::string_view input_phone = "input:phone";
inline constexpr std::string_view phone_submit = "phone_submit";
}  // namespace security_action

/// How the security centre starts.
struct SecurityConfig {
  Lang lang = Lang::en;
  /// Wall clock, ms since the Unix epoch.
  std::int64_t now_ms = 0;
  /// Prefix of every element id of the view (as LoginConfig::id_prefix).
  std::string id_prefix = "sls-security";
};

class SecurityCentre {
 public:
  SecurityCentre();
  ~SecurityCentre();
  SecurityCentre(SecurityCentre&&) noexcept;
  SecurityCentre& operator=(SecurityCentre&&) noexcept;
  SecurityCentre(const SecurityCentre&) = delete;
  SecurityCentre& operator=(const SecurityCentre&) = delete;

  /// Starts (or restarts): loads the accounts and the sharing requests.
  LoginOutput start(SecurityConfig config);
  /// A user action (see security_action); anything that does not apply to
  /// the current screen changes nothing.
  LoginOutput on_event(UserEvent event);
  /// The reply to an http effect; replies no longer waited for are ignored.
  LoginOutput on_reply(HttpReply reply);
  /// Switches the language of the view.
  LoginOutput set_lang(Lang lang, std::int64_t now_ms);

  SecurityScreen screen() const noexcept;
  /// True while a request the screen waits for is outstanding.
  bool busy() const noexcept;
  Lang lang() const noexcept;
  Node view() const;

  struct State;

 private:
  std::unique_ptr<State> s_;
};

}  // namespace sls
