// What each server reply does to the login flow: the handlers of LoginFlow::State for the replies to its
// requests, each reading the reply's class (login_wire.hpp) and moving the flow on.
#include <algorithm>
#include <utility>

#include "login_machine.hpp"
#include "login_wire.hpp"

namespace sls {

using namespace flow;

void LoginFlow::State::on_reply(const HttpReply& r) {
  if (r.request_id == 0) return;
  if (r.request_id == poll_request) {
    poll_request = 0;
    on_poll_reply(r, classify_reply(r));
    return;
  }
  if (r.request_id != main_request) return;  // stale or fire-and-forget
  main_request = 0;
  busy = false;
  const ReplyVerdict v = classify_reply(r);
  switch (main_kind) {
    case RequestKind::login: on_login_reply(r, v); break;
    case RequestKind::open_challenge: on_open_reply(r, v); break;
    case RequestKind::verify: on_verify_reply(r, v); break;
    case RequestKind::resend: on_resend_reply(r, v); break;
    case RequestKind::complete: on_complete_reply(r, v); break;
  }
}

void LoginFlow::State::inline_failure(const ReplyVerdict& v) {
  switch (v.kind) {
    case ReplyClass::unreachable: show_error(shown(Errc::network_failed)); return;
    case ReplyClass::retry_later:
      if (v.retry_after_s) blocked_until = now + *v.retry_after_s * 1000;
      show_error(shown(v.code_or(Errc::rate_limited), v.retry_after_s));
      return;
    case ReplyClass::locked: to_locked(v.retry_after_s); return;
    case ReplyClass::server_fault: show_error(shown(Errc::internal)); return;
    default: break;
  }
  if (v.login_over()) {
    expire_with(v.code_or(Errc::login_expired));
    return;
  }
  ShownError e = shown(v.code_or(Errc::bad_argument));
  e.field = v.field;
  show_error(std::move(e));
}

void LoginFlow::State::step_up_failure(const ReplyVerdict& v) {
  switch (v.kind) {
    case ReplyClass::locked: to_locked(v.retry_after_s); return;
    case ReplyClass::unreachable:
    case ReplyClass::server_fault:
      to_outcome(LoginScreen::network_error,
                 shown(v.kind == ReplyClass::unreachable ? Errc::network_failed : Errc::internal), RetryKind::restart);
      return;
    default:
      to_outcome(LoginScreen::failed, shown(v.code_or(Errc::internal), v.retry_after_s), RetryKind::restart);
      return;
  }
}

void LoginFlow::State::on_login_reply(const HttpReply& r, const ReplyVerdict& v) {
  // A step-up has no form to show an error on: every refusal is an outcome.
  if (step_up && v.kind != ReplyClass::ok) {
    step_up_failure(v);
    return;
  }
  if (v.kind == ReplyClass::unauthorised) {
    show_error(shown_field(fail(v.code_or(Errc::auth_bad_credentials))));
    return;
  }
  if (v.kind != ReplyClass::ok) {
    inline_failure(v);
    return;
  }
  auto body = json_parse(r.body);
  const auto login = body ? body->get_string("login_id") : std::nullopt;
  const auto secret = body ? body->get_string("login_secret") : std::nullopt;
  if (!login || !is_url_safe_id(*login) || !secret || !is_url_safe_id(*secret)) {
    if (body) body->wipe();
    show_error(shown(Errc::internal));
    return;
  }
  login_id = *login;
  login_secret = SecretString(std::string(*secret));
  if (body->get_string("state") == std::string_view("verified")) {
    if (auto token = body->get_string("completion_token")) {
      complete_with(*token);
      return;
    }
    show_error(shown(Errc::internal));
    return;
  }
  devices = read_devices(*body);  // the default device first
  if (devices.empty()) {
    if (step_up)
      to_outcome(LoginScreen::failed, shown(Errc::step_up_no_device), RetryKind::restart);
    else
      show_error(shown(Errc::login_no_device));
    return;
  }
  if (devices.size() == 1) {
    open_challenge(0, "");
    return;
  }
  to_device_choice();
}

void LoginFlow::State::on_open_reply(const HttpReply& r, const ReplyVerdict& v) {
  switch (v.kind) {
    case ReplyClass::ok: {
      auto body = json_parse(r.body);
      auto c = body ? read_challenge(*body, now) : std::nullopt;
      if (!c) {
        to_outcome(LoginScreen::failed, shown(Errc::internal), RetryKind::reopen_challenge);
        return;
      }
      enter_challenge(std::move(*c));
      return;
    }
    case ReplyClass::unreachable:
    case ReplyClass::server_fault: to_replay(RequestKind::open_challenge, v); return;
    case ReplyClass::locked: to_locked(v.retry_after_s); return;
    default: break;
  }
  if (v.login_over()) {
    expire_with(v.code_or(Errc::login_expired));
    return;
  }
  to_outcome(LoginScreen::failed, shown(v.code_or(Errc::bad_argument), v.retry_after_s), RetryKind::reopen_challenge);
}

void LoginFlow::State::on_verify_reply(const HttpReply& r, const ReplyVerdict& v) {
  if (v.kind == ReplyClass::ok) {
    auto body = json_parse(r.body);
    const auto token = body ? body->get_string("completion_token") : std::nullopt;
    if (!token) {
      show_error(shown(Errc::internal));
      return;
    }
    complete_with(*token);
    return;
  }
  if (v.kind == ReplyClass::unauthorised) {
    ShownError e = shown_field(fail(v.code_or(Errc::auth_wrong_code)));
    if (v.attempts_left && *v.attempts_left >= 0) e.attempts_left = v.attempts_left;
    show_error(std::move(e));
    return;
  }
  if (v.kind == ReplyClass::ended && !v.login_gone()) {
    // The challenge (not the login) is over: a new one can be asked.
    to_outcome(LoginScreen::failed, shown(v.code_or(Errc::challenge_expired)), RetryKind::reopen_challenge);
    return;
  }
  inline_failure(v);
}

void LoginFlow::State::on_resend_reply(const HttpReply& r, const ReplyVerdict& v) {
  if (v.kind == ReplyClass::ok) {
    auto body = json_parse(r.body);
    auto c = body ? read_challenge(*body, now) : std::nullopt;
    if (!c || c->method != Method::sms) {
      show_error(shown(Errc::internal));
      return;
    }
    challenge = std::move(*c);
    code.clear();
    ++generation;
    error.reset();
    announce(UiText::sms_resent);
    start_ticking();
    return;
  }
  if (v.kind == ReplyClass::retry_later) {
    if (challenge && v.retry_after_s) challenge->resend_after_ms = now + *v.retry_after_s * 1000;
    show_error(shown(v.code_or(Errc::sms_resend_too_soon)));
    start_ticking();
    return;
  }
  inline_failure(v);
}

void LoginFlow::State::on_complete_reply(const HttpReply& r, const ReplyVerdict& v) {
  switch (v.kind) {
    case ReplyClass::ok: {
      auto body = json_parse(r.body);
      if (!body || !body->is_object()) {
        show_error(shown(Errc::internal));
        return;
      }
      completion_token.clear();
      stop_all();
      session_username = std::string(body->get_string(step_up ? "user" : "username").value_or(username));
      error.reset();
      go(LoginScreen::authenticated);
      focus("title");
      announce(step_up ? UiText::step_up_done_title : UiText::authenticated_title);
      emit("authenticated", std::move(*body));
      return;
    }
    case ReplyClass::unreachable:
    case ReplyClass::server_fault: to_replay(RequestKind::complete, v); return;
    case ReplyClass::retry_later:
      // Throttled, not refused: the token stays valid for a minute, so wait
      // as told (at least a second) and hand off again, still on the
      // loading screen.
      busy = true;
      complete_retry_timer = timer(std::max<std::int64_t>(1, v.retry_after_s.value_or(1)) * 1000);
      return;
    default:
      // A step-up whose session ended, or that another session tried to
      // complete, says so (its "try again" starts a new step-up).
      if (step_up && v.code &&
          (*v.code == Errc::session_none || *v.code == Errc::step_up_other_session ||
           *v.code == Errc::step_up_no_device)) {
        to_outcome(LoginScreen::failed, shown(*v.code), RetryKind::restart);
        return;
      }
      expire_with(v.code_or(Errc::login_token_invalid));
      return;
  }
}

void LoginFlow::State::on_poll_reply(const HttpReply& r, const ReplyVerdict& v) {
  if (!poll || !challenge) return;
  const bool qr_route = challenge->method == Method::ocra;
  if (v.kind == ReplyClass::ok) {
    auto body = json_parse(r.body);
    const auto status = body ? body->get_string("status") : std::nullopt;
    if (!status) {
      long_poll = false;
      schedule_poll(poll->next(now, PollOutcome::network_failure, r.retry_after_s));
      return;
    }
    if (*status == "approved") {
      const auto token = body->get_string("completion_token");
      poll->next(now, PollOutcome::approved);
      if (!token) {
        to_outcome(LoginScreen::failed, shown(Errc::internal), RetryKind::reopen_challenge);
        return;
      }
      if (qr_route) code.clear();
      complete_with(*token);
      return;
    }
    PollOutcome outcome = PollOutcome::pending;
    if (*status == "denied")
      outcome = PollOutcome::denied;
    else if (*status == "expired")
      outcome = PollOutcome::expired;
    else if (*status == "cancelled")
      outcome = PollOutcome::cancelled;
    if (outcome == PollOutcome::pending && long_poll) return on_long_poll_pending(r.retry_after_s);
    schedule_poll(poll->next(now, outcome, r.retry_after_s));
    return;
  }
  if (v.kind == ReplyClass::gone || v.kind == ReplyClass::ended) {
    const Errc code_value = v.code_or(Errc::login_not_found);
    poll->cancel();
    if (!is_login_gone(code_value)) {
      if (qr_route) return;  // the typed response may still be checked
      if (v.kind == ReplyClass::ended) {
        to_push_expired();
        return;
      }
    }
    expire_with(code_value, Errc::login_not_found);
    return;
  }
  // A poll also backs off on 503 (the server busy), which other requests
  // take as a fault; the wait comes from the Retry-After header only.
  const bool throttled = v.kind == ReplyClass::retry_later || v.status == 503;
  long_poll = false;  // an error (a proxy's timeout, say): plain polling from here on
  schedule_poll(poll->next(now, throttled ? PollOutcome::throttled : PollOutcome::network_failure, r.retry_after_s));
}

}  // namespace sls
