// The login flow's state machine (internal to the flow): LoginFlow::State, a LoginState with its effect queue and
// every transition, event, reply and timer handler; login_flow.cpp and login_replies.cpp define its members.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "login_state.hpp"
#include "login_wire.hpp"
#include "sls/json.hpp"
#include "sls/login_flow.hpp"

namespace sls {

struct LoginFlow::State : flow::LoginState {
  using Challenge = flow::Challenge;
  using ReplyVerdict = flow::ReplyVerdict;
  using RequestKind = flow::RequestKind;
  using RetryKind = flow::RetryKind;
  using ShownError = flow::ShownError;

  /// The effects of the output being built, in the order the shell runs them.
  std::vector<Effect> effects;
  /// Set by go() when the screen changed during the current input.
  bool screen_changed = false;

  // --- effects: each appends one effect to the queue -----------------------------------------------------------
  /// An http effect with a fresh id (the login secret header once known).
  std::uint64_t http(std::string_view method, std::string path, SecretString body = {});
  /// Sends the request the flow now waits for on its main line.
  void send_main(RequestKind kind, std::string_view method, std::string path, SecretString body = {});
  /// Cancels `request` if set, and clears it.
  void cancel_http(std::uint64_t& request);
  /// A timer effect with a fresh id; delay_ms below 1 becomes 1.
  std::uint64_t timer(std::int64_t delay_ms);
  /// Cancels `timer_id` if set, and clears it.
  void cancel_timer(std::uint64_t& timer_id);
  /// Focus on the view element `id(id_suffix)`.
  void focus(std::string_view id_suffix);
  /// Sets the live region's text and announces it.
  void announce(UiText text, std::int64_t duration_ms = 0);
  void emit(std::string_view type, JsonValue detail);
  /// The sls-state event of the current screen and busy flag.
  void emit_state();
  /// Shows an error on the current screen and moves focus to it. Errors
  /// from the server or the network are also reported as sls-error events;
  /// a local check of what the user typed is not.
  void show_error(ShownError e, bool report = true);

  // --- transitions ----------------------------------------------------------------------------------------------
  /// Stops polling and ticking and forgets every outstanding request.
  void stop_all();
  /// Shows `next` (not busy).
  void go(LoginScreen next);
  /// Leaves the current challenge (if any) for another step of the same login.
  void drop_challenge();
  /// Forgets the login (its ids, secret, devices, challenge and typed secrets).
  void reset_login();
  /// A new login on the credentials screen (the user name stays); a new
  /// step-up (begin_step_up) in a step-up flow.
  void to_credentials();
  /// Sends POST /login {"step_up": true} on the loading screen.
  void begin_step_up();
  /// A refused or failed step-up start: an outcome screen whose "try again"
  /// starts the step-up again.
  void step_up_failure(const ReplyVerdict& v);
  /// An outcome screen. One whose "try again" restarts ends the login, so
  /// its completion token goes too.
  void to_outcome(LoginScreen outcome, ShownError err, RetryKind retry_kind);
  void to_expired(Errc code_value = Errc::login_expired);
  /// The login is over: shown with `code_value` when it says so, else `otherwise`.
  void expire_with(Errc code_value, Errc otherwise = Errc::login_expired);
  void to_locked(std::optional<std::int64_t> retry_after_s);
  void to_push_expired();
  /// The request of `kind` got no answer (or a server fault): "try again"
  /// sends it again.
  void to_replay(RequestKind kind, const ReplyVerdict& v);
  void to_device_choice();
  /// Sends the request of `kind` (open_challenge or complete) and waits for
  /// it on the loading screen.
  void load(RequestKind kind);
  /// Asks for a challenge of devices[device_index]; mode "" or "ocra".
  void open_challenge(std::size_t device_index, std::string_view mode);
  void send_open_challenge();
  void send_complete();
  /// Hands the completion token in for the session.
  void complete_with(std::string_view token);
  /// Shows the challenge's screen and starts its polling and countdown.
  void enter_challenge(Challenge c);
  void start_ticking();
  /// The ms until the countdown shown changes (a whole second of the time
  /// left passes), or 0 when there is nothing to count down.
  std::int64_t next_tick_delay() const;
  void start_polling();
  /// Follows a PollStep: schedules the next poll or ends the wait.
  void schedule_poll(const PollStep& step);
  void send_poll();
  /// A pending reply to a long poll: ask again at once if it was held, back
  /// off (and in the end fall back to plain polling) if not.
  void on_long_poll_pending(std::optional<std::int64_t> retry_after_s);

  // --- user events ----------------------------------------------------------------------------------------------
  /// A user action (login_action); secret values are moved out of `ev`.
  void on_event(UserEvent& ev);
  void submit();
  void submit_credentials();
  /// The normalised entry of the current code screen, or the error to show.
  Result<std::string> parse_code() const;
  void submit_code();
  /// The request of a form is out and its secret field comes back empty.
  void submitted();
  /// Withdraws the push being waited for (fire and forget).
  void cancel_push_if_pending();
  /// "Try again" on an outcome screen, as `retry` says.
  void on_retry();

  // --- replies (login_replies.cpp) ------------------------------------------------------------------------------
  /// Routes a reply to the handler of the request it answers; ignores stale ones.
  void on_reply(const HttpReply& r);
  /// The failure of a request made from a form whose secret was wiped: the
  /// error shows on the same screen, to type again, unless the login is over.
  void inline_failure(const ReplyVerdict& v);
  void on_login_reply(const HttpReply& r, const ReplyVerdict& v);
  void on_open_reply(const HttpReply& r, const ReplyVerdict& v);
  void on_verify_reply(const HttpReply& r, const ReplyVerdict& v);
  void on_resend_reply(const HttpReply& r, const ReplyVerdict& v);
  void on_complete_reply(const HttpReply& r, const ReplyVerdict& v);
  void on_poll_reply(const HttpReply& r, const ReplyVerdict& v);

  // --- timers ---------------------------------------------------------------------------------------------------
  void on_timer(const TimerFired& tf);
  /// The countdown moved on a second: announce milestones, end an expired push.
  void on_tick();

  // --- output ---------------------------------------------------------------------------------------------------
  /// The queued effects (the queue empties) and the whole view.
  LoginOutput take_output();
  /// Runs one input: updates the clock, applies `step`, adds a state event
  /// when the screen or the busy flag changed, and returns the output.
  template <class Step>
  LoginOutput run(std::int64_t now_ms, Step&& step);
};

}  // namespace sls
