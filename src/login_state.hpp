// The data of one login as the flow keeps it (internal to the flow): what is shown, what was typed, the login's
// records and the work outstanding; the flow changes it and the views read it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "login_wire.hpp"
#include "sls/login_flow.hpp"
#include "sls/messages.hpp"
#include "sls/poll_policy.hpp"
#include "sls/secure.hpp"
#include "sls/ui_text.hpp"

namespace sls::flow {

/// The request the flow waits for on its main line (polls run beside it).
enum class RequestKind : std::uint8_t { login, open_challenge, verify, resend, complete };

/// What "try again" does on an outcome screen.
enum class RetryKind : std::uint8_t { restart, reopen_challenge, replay, resume_poll };

/// An error as shown: kept free of any language until it is rendered, so
/// that a language switch re-renders it correctly.
struct ShownError {
  /// The error (localised with localize), if any.
  std::optional<Error> error;
  /// A UI sentence shown instead of (or after) the error message.
  std::optional<UiText> text;
  /// "N attempts left" after the message.
  std::optional<std::int64_t> attempts_left;
  /// "You can try again in ..." after the message.
  std::optional<std::int64_t> retry_after_s;
  /// True when the error is about the content of the screen's field.
  bool field = false;
};

/// The error `code`, with "try again in ..." when retry_after_s is positive.
inline ShownError shown(Errc code, std::optional<std::int64_t> retry_after_s = std::nullopt) {
  ShownError e;
  e.error = fail(code);
  if (retry_after_s && *retry_after_s > 0) e.retry_after_s = retry_after_s;
  return e;
}

/// An error about the content of the screen's field.
inline ShownError shown_field(Error error) {
  ShownError e;
  e.error = std::move(error);
  e.field = true;
  return e;
}

/// Everything one login holds between two inputs. Plain data: LoginFlow::State
/// (login_machine.hpp) moves it on, render_view (login_views.hpp) reads it.
struct LoginState {
  // Configuration.
  Lang lang = Lang::en;
  std::string prefix = "sls";
  PollConfig poll_config;
  /// LoginConfig's audience and nonce, sent with the completion.
  std::string audience;
  std::string nonce;
  RandomBelow random;
  /// LoginConfig::step_up: no credentials screen, the session confirms.
  bool step_up = false;

  // Time and ids.
  std::int64_t now = 0;
  std::uint64_t next_id = 1;

  // What is shown.
  LoginScreen screen = LoginScreen::credentials;
  bool busy = false;
  std::optional<ShownError> error;
  /// What the live region says; kept as catalog entries so that a language
  /// switch re-renders it.
  std::optional<UiText> announcement;
  /// The duration of a time_left announcement, in ms.
  std::int64_t announced_ms = 0;
  std::int64_t last_milestone = 0;
  /// What "try again" does on an outcome screen.
  RetryKind retry = RetryKind::restart;

  // What the user typed.
  std::string username;
  SecretString password;
  SecretString code;
  /// Bumped on every submit: secret fields get a new key and come back empty.
  std::uint32_t generation = 0;

  // The login.
  std::string login_id;
  /// From the /login reply: sent as kLoginSecretHeader with every later
  /// request of the login, so the ids in URLs alone cannot act on it.
  SecretString login_secret;
  std::vector<Device> devices;
  std::size_t device = 0;  ///< index into devices of the device in use
  std::string open_mode;   ///< "" (server default) or "ocra" (no notification)
  std::optional<Challenge> challenge;
  SecretString completion_token;
  std::string session_username;

  // Outstanding work.
  std::uint64_t main_request = 0;
  RequestKind main_kind = RequestKind::login;
  std::uint64_t poll_request = 0;
  std::uint64_t poll_timer = 0;
  std::uint64_t tick_timer = 0;
  /// Resends /complete after a 429 (the completion token outlives the wait).
  std::uint64_t complete_retry_timer = 0;
  std::optional<PollPolicy> poll;
  /// The status requests ask the server to hold them (PollConfig's long
  /// poll); false once the flow fell back to plain polling.
  bool long_poll = false;
  /// Pending replies in a row that came back without being held.
  std::uint32_t early_replies = 0;
  /// When the outstanding status request was sent.
  std::int64_t poll_sent_at = 0;
  std::int64_t blocked_until = 0;
  RequestKind replay_kind = RequestKind::open_challenge;

  /// The view element id `suffix` under this component's prefix.
  std::string id(std::string_view suffix) const { return prefix + "-" + std::string(suffix); }
  const Device* current_device() const { return device < devices.size() ? &devices[device] : nullptr; }
  bool is_challenge_screen() const {
    return screen == LoginScreen::code_card || screen == LoginScreen::challenge_response ||
           screen == LoginScreen::push || screen == LoginScreen::sms || screen == LoginScreen::temp_code;
  }
};

}  // namespace sls::flow
