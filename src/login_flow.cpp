// The login flow's state machine: how each user event, server reply and timer moves a LoginState on, and the
// queue of effects that tells the shell what to do.
#include "sls/login_flow.hpp"

#include <algorithm>
#include <utility>

#include "login_machine.hpp"
#include "login_views.hpp"
#include "sls/code_card.hpp"
#include "sls/entry.hpp"
#include "sls/response.hpp"

namespace sls {

std::string_view login_screen_id(LoginScreen screen) noexcept {
  switch (screen) {
    case LoginScreen::credentials: return "credentials";
    case LoginScreen::device_choice: return "device_choice";
    case LoginScreen::loading: return "loading";
    case LoginScreen::code_card: return "code_card";
    case LoginScreen::challenge_response: return "challenge_response";
    case LoginScreen::push: return "push";
    case LoginScreen::sms: return "sms";
    case LoginScreen::temp_code: return "temp_code";
    case LoginScreen::authenticated: return "authenticated";
    case LoginScreen::failed: return "failed";
    case LoginScreen::locked: return "locked";
    case LoginScreen::expired: return "expired";
    case LoginScreen::network_error: return "network_error";
  }
  return "credentials";
}

static_assert(std::variant_size_v<Effect> == 7, "EffectKind lists Effect's alternatives in order");

EffectKind effect_kind(const Effect& effect) noexcept { return static_cast<EffectKind>(effect.index()); }

std::string_view effect_kind_id(EffectKind kind) noexcept {
  switch (kind) {
    case EffectKind::http: return "http";
    case EffectKind::cancel_http: return "cancel_http";
    case EffectKind::timer: return "timer";
    case EffectKind::cancel_timer: return "cancel_timer";
    case EffectKind::focus: return "focus";
    case EffectKind::announce: return "announce";
    case EffectKind::emit: return "emit";
  }
  return "emit";
}

using namespace flow;

namespace {

/// Countdown seconds at which the live region says how much time is left.
constexpr std::int64_t kCountdownMilestones[] = {60, 30, 10};

std::string sanitize_prefix(std::string_view p) {
  std::string out;
  for (char c : p) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    out += ok ? c : '-';
  }
  return out.empty() ? std::string("sls") : out;
}

}  // namespace

// --- effects -------------------------------------------------------------------------------------------------------

std::uint64_t LoginFlow::State::http(std::string_view method, std::string path, SecretString body) {
  HttpEffect e{next_id++, std::string(method), std::move(path), std::move(body), {}};
  if (!login_secret.empty())
    e.headers.push_back(HttpHeader{std::string(kLoginSecretHeader), SecretString(std::string(login_secret.view()))});
  const std::uint64_t request_id = e.id;
  effects.emplace_back(std::move(e));
  return request_id;
}

void LoginFlow::State::send_main(RequestKind kind, std::string_view method, std::string path, SecretString body) {
  main_request = http(method, std::move(path), std::move(body));
  main_kind = kind;
}

void LoginFlow::State::cancel_http(std::uint64_t& request) {
  if (request == 0) return;
  effects.emplace_back(CancelHttpEffect{request});
  request = 0;
}

std::uint64_t LoginFlow::State::timer(std::int64_t delay_ms) {
  const std::uint64_t timer_id = next_id++;
  effects.emplace_back(TimerEffect{timer_id, std::max<std::int64_t>(delay_ms, 1)});
  return timer_id;
}

void LoginFlow::State::cancel_timer(std::uint64_t& timer_id) {
  if (timer_id == 0) return;
  effects.emplace_back(CancelTimerEffect{timer_id});
  timer_id = 0;
}

void LoginFlow::State::focus(std::string_view id_suffix) { effects.emplace_back(FocusEffect{id(id_suffix)}); }

void LoginFlow::State::announce(UiText text, std::int64_t duration_ms) {
  announcement = text;
  announced_ms = duration_ms;
  effects.emplace_back(AnnounceEffect{announcement_text(*this)});
}

void LoginFlow::State::emit(std::string_view type, JsonValue detail) {
  effects.emplace_back(EmitEffect{std::string(type), std::move(detail)});
}

void LoginFlow::State::emit_state() {
  JsonValue d;
  d.set("screen", login_screen_id(screen)).set("busy", busy);
  if (challenge && is_challenge_screen()) {
    d.set("method", method_id(challenge->method));
    if (const auto* dev = current_device(); dev && dev->kind) d.set("device_kind", device_kind_id(*dev->kind));
  }
  emit("state", std::move(d));
}

void LoginFlow::State::show_error(ShownError e, bool report) {
  if (report && e.error) {
    JsonValue d;
    d.set("code", errc_name(e.error->code)).set("message", error_text(*this, e));
    emit("error", std::move(d));
  }
  error = std::move(e);
  focus("error");
}

// --- transitions ---------------------------------------------------------------------------------------------------

void LoginFlow::State::stop_all() {
  cancel_timer(poll_timer);
  cancel_timer(tick_timer);
  cancel_timer(complete_retry_timer);
  cancel_http(poll_request);
  if (poll) poll->cancel();
  poll.reset();
  cancel_http(main_request);
}

void LoginFlow::State::go(LoginScreen next) {
  if (next != screen) screen_changed = true;
  screen = next;
  busy = false;
}

void LoginFlow::State::drop_challenge() {
  stop_all();
  challenge.reset();
  code.clear();
  error.reset();
}

void LoginFlow::State::reset_login() {
  drop_challenge();
  login_id.clear();
  login_secret.clear();
  devices.clear();
  device = 0;
  open_mode.clear();
  completion_token.clear();
  password.clear();
  busy = false;
}

void LoginFlow::State::to_credentials() {
  reset_login();
  ++generation;
  if (step_up) {
    begin_step_up();
    return;
  }
  go(LoginScreen::credentials);
  focus(username.empty() ? "username" : "password");
}

void LoginFlow::State::begin_step_up() {
  error.reset();
  login_secret.clear();  // a new login gets a new secret; /login itself carries none
  go(LoginScreen::loading);
  busy = true;
  send_main(RequestKind::login, "POST", "/login", SecretString(std::string(R"({"step_up":true})")));
  focus("title");
}

void LoginFlow::State::to_outcome(LoginScreen outcome, ShownError err, RetryKind retry_kind) {
  stop_all();
  code.clear();
  retry = retry_kind;
  if (retry_kind == RetryKind::restart) completion_token.clear();
  go(outcome);
  show_error(std::move(err));
}

void LoginFlow::State::to_expired(Errc code_value) {
  to_outcome(LoginScreen::expired, shown(code_value), RetryKind::restart);
}

void LoginFlow::State::expire_with(Errc code_value, Errc otherwise) {
  to_expired(is_login_gone(code_value) ? code_value : otherwise);
}

void LoginFlow::State::to_locked(std::optional<std::int64_t> retry_after_s) {
  to_outcome(LoginScreen::locked, shown(Errc::auth_locked, retry_after_s), RetryKind::restart);
}

void LoginFlow::State::to_push_expired() {
  to_outcome(LoginScreen::failed, shown(Errc::push_expired), RetryKind::reopen_challenge);
}

void LoginFlow::State::to_replay(RequestKind kind, const ReplyVerdict& v) {
  replay_kind = kind;
  const Errc code_value = v.kind == ReplyClass::unreachable ? Errc::network_failed : Errc::internal;
  to_outcome(LoginScreen::network_error, shown(code_value), RetryKind::replay);
}

void LoginFlow::State::to_device_choice() {
  drop_challenge();
  open_mode.clear();
  go(LoginScreen::device_choice);
  focus("device-0");
}

void LoginFlow::State::load(RequestKind kind) {
  go(LoginScreen::loading);
  busy = true;
  if (kind == RequestKind::complete)
    send_complete();
  else
    send_open_challenge();
  focus("title");
}

void LoginFlow::State::open_challenge(std::size_t device_index, std::string_view mode) {
  drop_challenge();
  device = device_index;
  open_mode = std::string(mode);
  load(RequestKind::open_challenge);
}

void LoginFlow::State::send_open_challenge() {
  const Device* dev = current_device();
  if (!dev) return;
  SecretString body = open_mode.empty() ? json_object_body({{"device_id", dev->id}})
                                        : json_object_body({{"device_id", dev->id}, {"mode", open_mode}});
  send_main(RequestKind::open_challenge, "POST", "/login/" + login_id + "/challenge", std::move(body));
}

void LoginFlow::State::send_complete() {
  std::pair<std::string_view, std::string_view> members[3] = {{"completion_token", completion_token.view()}};
  std::size_t n = 1;
  if (!audience.empty()) members[n++] = {"audience", audience};
  if (!nonce.empty()) members[n++] = {"nonce", nonce};
  send_main(RequestKind::complete, "POST", "/login/" + login_id + "/complete",
            json_object_body(std::span<const std::pair<std::string_view, std::string_view>>(members, n)));
}

void LoginFlow::State::complete_with(std::string_view token) {
  stop_all();
  completion_token = SecretString(std::string(token));
  error.reset();
  load(RequestKind::complete);
}

void LoginFlow::State::start_ticking() {
  cancel_timer(tick_timer);
  const auto next = next_tick_delay();
  if (next > 0) tick_timer = timer(next);
}

std::int64_t LoginFlow::State::next_tick_delay() const {
  if (!challenge) return 0;
  std::int64_t target = 0;
  if (screen == LoginScreen::push)
    target = challenge->expires_at_ms;
  else if (screen == LoginScreen::sms)
    target = challenge->resend_after_ms;
  const std::int64_t left = target - now;
  if (left <= 0) return 0;
  const std::int64_t within = left % 1000;
  return within == 0 ? 1000 : within;
}

void LoginFlow::State::start_polling() {
  poll.emplace(poll_config, challenge->expires_at_ms, random);
  long_poll = poll_config.long_poll_wait_s > 0;
  early_replies = 0;
  const PollStep first = poll->start(now);
  // A held request can be sent at once: the server answers when there is news.
  if (long_poll && !first.stop) {
    cancel_timer(poll_timer);
    send_poll();
    return;
  }
  schedule_poll(first);
}

void LoginFlow::State::on_long_poll_pending(std::optional<std::int64_t> retry_after_s) {
  const bool held = now - poll_sent_at >= poll_config.long_poll_min_hold_ms;
  if (held) {
    early_replies = 0;
    // The policy still watches the deadline; the server's Retry-After is
    // for plain polls, and this one waited.
    const PollStep step = poll->next(now, PollOutcome::pending);
    if (step.stop) return schedule_poll(step);
    cancel_timer(poll_timer);
    send_poll();
    return;
  }
  // Answered without waiting: back off as a plain poll would, and give up
  // the long poll if it keeps happening.
  if (++early_replies >= std::max<std::uint32_t>(1, poll_config.long_poll_max_early)) long_poll = false;
  schedule_poll(poll->next(now, PollOutcome::pending, retry_after_s));
}

void LoginFlow::State::schedule_poll(const PollStep& step) {
  cancel_timer(poll_timer);
  if (!step.stop) {
    poll_timer = timer(step.delay_ms);
    return;
  }
  if (!challenge) return;
  const bool qr_route = challenge->method == Method::ocra;
  switch (step.reason) {
    case PollStop::approved: break;  // handled by the caller, which has the token
    case PollStop::denied:
      to_outcome(LoginScreen::failed, shown(Errc::push_denied), RetryKind::reopen_challenge);
      break;
    case PollStop::expired:
      // On the QR route the typed response still works until the server
      // says otherwise; on the push route the countdown ends the wait.
      if (!qr_route && step.delay_ms == 0) to_push_expired();
      break;
    case PollStop::cancelled:
      if (!qr_route) to_outcome(LoginScreen::failed, shown(Errc::push_cancelled), RetryKind::reopen_challenge);
      break;
    case PollStop::network_failed:
      // The QR route falls back to the typed response silently; a push
      // has no other way forward, so the user is asked to retry.
      if (!qr_route) {
        // Keep the policy (and its deadline) for "try again".
        std::optional<PollPolicy> kept = std::move(poll);
        to_outcome(LoginScreen::network_error, shown(Errc::network_failed), RetryKind::resume_poll);
        poll = std::move(kept);
      }
      break;
  }
}

void LoginFlow::State::send_poll() {
  if (!challenge) return;
  const std::string path =
      challenge->method == Method::push ? "/push/" + challenge->tx_id : "/login/" + login_id + "/challenge-status";
  cancel_http(poll_request);
  poll_sent_at = now;
  poll_request = http("GET", long_poll ? path + "?wait=" + std::to_string(poll_config.long_poll_wait_s) : path);
}

void LoginFlow::State::enter_challenge(Challenge c) {
  challenge = std::move(c);
  error.reset();
  code.clear();
  ++generation;
  last_milestone = 0;
  switch (challenge->method) {
    case Method::code_card: go(LoginScreen::code_card); break;
    case Method::ocra: go(LoginScreen::challenge_response); break;
    case Method::push: go(LoginScreen::push); break;
    case Method::sms: go(LoginScreen::sms); break;
    case Method::temp_code: go(LoginScreen::temp_code); break;
  }
  if (screen == LoginScreen::push) {
    announce(UiText::push_waiting);
    focus("title");
    start_polling();
    start_ticking();
  } else {
    focus("code");
    if (screen == LoginScreen::challenge_response && !challenge->qr_payload.empty()) start_polling();
    if (screen == LoginScreen::sms) start_ticking();
  }
}

// --- user events ---------------------------------------------------------------------------------------------------

void LoginFlow::State::submit() {
  if (busy) return;
  const bool code_screen = is_challenge_screen() && screen != LoginScreen::push;
  if (screen != LoginScreen::credentials && !code_screen) return;
  if (code_screen && !challenge) return;
  if (now < blocked_until) {
    // Still throttled: the wait is shown without asking the server.
    show_error(shown(Errc::rate_limited, (blocked_until - now + 999) / 1000), false);
    return;
  }
  if (code_screen)
    submit_code();
  else
    submit_credentials();
}

void LoginFlow::State::submitted() {
  ++generation;
  busy = true;
  announce(UiText::checking);
}

void LoginFlow::State::submit_credentials() {
  if (username.empty() || password.empty()) {
    ShownError e;
    e.text = username.empty() ? UiText::username_required : UiText::password_required;
    e.field = true;
    show_error(std::move(e), false);
    return;
  }
  error.reset();
  login_secret.clear();  // a new login gets a new secret; /login itself carries none
  send_main(RequestKind::login, "POST", "/login",
            json_object_body({{"username", username}, {"password", password.view()}}));
  password.clear();
  submitted();
}

Result<std::string> LoginFlow::State::parse_code() const {
  switch (screen) {
    case LoginScreen::code_card: return parse_card_entry(code.view());
    case LoginScreen::challenge_response: return parse_response(code.view());
    case LoginScreen::sms: return sls::parse_code(code.view(), kSmsCodeFormat);
    case LoginScreen::temp_code: return sls::parse_code(code.view(), kTempCodeFormat);
    default: return fail(Errc::internal);
  }
}

void LoginFlow::State::submit_code() {
  auto entry = parse_code();
  if (!entry) {
    // A malformed entry never reaches the server.
    show_error(shown_field(entry.error()), false);
    return;
  }
  error.reset();
  send_main(RequestKind::verify, "POST", "/login/" + login_id + "/verify",
            json_object_body({{"challenge_id", challenge->challenge_id}, {"response", *entry}}));
  wipe(*entry);
  code.clear();
  submitted();
}

void LoginFlow::State::on_event(UserEvent& ev) {
  const std::string_view a = ev.action;
  if (a == login_action::input_username || a == login_action::input_password) {
    if (screen != LoginScreen::credentials) return;
    if (a == login_action::input_username)
      username = ev.value;
    else
      password = SecretString(std::move(ev.value));
    if (error && error->field) error.reset();
  } else if (a == login_action::input_code) {
    if (!is_challenge_screen() || screen == LoginScreen::push || busy) return;
    code = SecretString(std::move(ev.value));
    error.reset();
  } else if (a == login_action::submit) {
    submit();
  } else if (a == login_action::choose_device) {
    if (screen != LoginScreen::device_choice || busy) return;
    for (std::size_t i = 0; i < devices.size(); ++i) {
      if (devices[i].id == ev.value) {
        open_challenge(i, "");
        return;
      }
    }
  } else if (a == login_action::use_other_device) {
    if (devices.size() < 2) return;
    if (!is_challenge_screen() && screen != LoginScreen::failed && screen != LoginScreen::network_error) return;
    cancel_push_if_pending();
    to_device_choice();
  } else if (a == login_action::no_notification) {
    if (screen != LoginScreen::push) return;
    // The server cancels the push when the challenge is reopened.
    open_challenge(device, "ocra");
  } else if (a == login_action::resend) {
    if (screen != LoginScreen::sms || busy || !challenge || now < challenge->resend_after_ms) return;
    send_main(RequestKind::resend, "POST", "/login/" + login_id + "/sms/resend");
    busy = true;
  } else if (a == login_action::retry) {
    on_retry();
  } else if (a == login_action::restart || a == login_action::cancel) {
    if (screen == LoginScreen::credentials || screen == LoginScreen::authenticated) return;
    cancel_push_if_pending();
    to_credentials();
  }
}

void LoginFlow::State::cancel_push_if_pending() {
  if (challenge && challenge->method == Method::push && screen == LoginScreen::push) {
    // Fire and forget: the reply is not awaited (its id is never matched).
    http("DELETE", "/push/" + challenge->tx_id);
  }
}

void LoginFlow::State::on_retry() {
  if (screen != LoginScreen::failed && screen != LoginScreen::network_error && screen != LoginScreen::locked &&
      screen != LoginScreen::expired)
    return;
  switch (retry) {
    case RetryKind::restart: to_credentials(); return;
    case RetryKind::replay:
      error.reset();
      load(replay_kind);
      return;
    case RetryKind::resume_poll:
      if (challenge && poll) {
        error.reset();
        go(LoginScreen::push);
        focus("title");
        schedule_poll(poll->resume(now));
        if (screen == LoginScreen::push) start_ticking();
        return;
      }
      [[fallthrough]];  // nothing left to resume: ask for a new challenge
    case RetryKind::reopen_challenge: open_challenge(device, open_mode); return;
  }
}

// --- timers --------------------------------------------------------------------------------------------------------

void LoginFlow::State::on_timer(const TimerFired& tf) {
  if (tf.timer_id == 0) return;
  if (tf.timer_id == poll_timer) {
    poll_timer = 0;
    send_poll();
  } else if (tf.timer_id == tick_timer) {
    tick_timer = 0;
    on_tick();
  } else if (tf.timer_id == complete_retry_timer) {
    complete_retry_timer = 0;
    busy = true;
    send_complete();
  }
}

void LoginFlow::State::on_tick() {
  if (!challenge) return;
  if (screen == LoginScreen::push) {
    const std::int64_t left = challenge->expires_at_ms - now;
    if (left <= 0) {
      to_push_expired();
      return;
    }
    const std::int64_t seconds = (left + 999) / 1000;
    for (auto m : kCountdownMilestones) {
      if (seconds <= m && (last_milestone == 0 || last_milestone > m)) {
        last_milestone = m;
        announce(UiText::time_left, seconds * 1000);
        break;
      }
    }
    start_ticking();
  } else if (screen == LoginScreen::sms) {
    if (now >= challenge->resend_after_ms) {
      announce(UiText::resend_ready);
      return;
    }
    start_ticking();
  }
}

// --- output --------------------------------------------------------------------------------------------------------

LoginOutput LoginFlow::State::take_output() {
  LoginOutput out;
  out.effects = std::move(effects);
  effects.clear();
  out.view = render_view(*this);
  return out;
}

template <class Step>
LoginOutput LoginFlow::State::run(std::int64_t now_ms, Step&& step) {
  now = std::max(now, now_ms);
  screen_changed = false;
  const LoginScreen before_screen = screen;
  const bool before_busy = busy;
  const std::size_t effects_before = effects.size();
  step();
  const bool changed = screen_changed || screen != before_screen;
  // An announcement belongs to the screen it was made on: a new screen
  // starts with a quiet live region unless it announced something itself.
  if (changed && std::none_of(effects.begin() + static_cast<std::ptrdiff_t>(effects_before), effects.end(),
                              [](const Effect& e) { return std::holds_alternative<AnnounceEffect>(e); }))
    announcement.reset();
  // "Checking…" is true only while a request is out; once the reply is in,
  // the screen shows the outcome (an error has focus) and the region falls
  // quiet rather than contradicting it.
  if (before_busy && !busy && announcement == UiText::checking) announcement.reset();
  if (changed || busy != before_busy) emit_state();
  return take_output();
}

// --- LoginFlow -----------------------------------------------------------------------------

LoginFlow::LoginFlow() : s_(std::make_unique<State>()) {}
LoginFlow::~LoginFlow() = default;
LoginFlow::LoginFlow(LoginFlow&&) noexcept = default;
LoginFlow& LoginFlow::operator=(LoginFlow&&) noexcept = default;

LoginOutput LoginFlow::start(LoginConfig config) {
  auto& s = *s_;
  s.effects.clear();
  s.reset_login();
  s.lang = config.lang;
  s.prefix = sanitize_prefix(config.id_prefix);
  s.poll_config = config.poll;
  s.random =
      config.random ? std::move(config.random) : RandomBelow([](std::uint32_t bound) { return random_below(bound); });
  s.now = config.now_ms;
  s.username = std::move(config.username);
  s.audience = std::move(config.audience);
  s.nonce = std::move(config.nonce);
  s.announcement.reset();
  s.blocked_until = 0;
  s.session_username.clear();
  s.step_up = config.step_up;
  s.screen = LoginScreen::credentials;
  ++s.generation;
  if (s.step_up)
    s.begin_step_up();
  else
    s.focus(s.username.empty() ? "username" : "password");
  s.emit_state();
  return s.take_output();
}

LoginOutput LoginFlow::on_event(UserEvent event) {
  auto& s = *s_;
  auto out = s.run(event.now_ms, [&] { s.on_event(event); });
  wipe(event.value);  // in case it was not moved into a SecretString
  return out;
}

LoginOutput LoginFlow::on_reply(HttpReply reply) {
  auto& s = *s_;
  auto out = s.run(reply.now_ms, [&] { s.on_reply(reply); });
  wipe(reply.body);  // may hold a completion token
  return out;
}

LoginOutput LoginFlow::on_timer(TimerFired timer) {
  auto& s = *s_;
  return s.run(timer.now_ms, [&] { s.on_timer(timer); });
}

void LoginFlow::set_assertion_request(std::string audience, std::string nonce) {
  s_->audience = std::move(audience);
  s_->nonce = std::move(nonce);
}

LoginOutput LoginFlow::set_lang(Lang lang, std::int64_t now_ms) {
  auto& s = *s_;
  return s.run(now_ms, [&] { s.lang = lang; });
}

LoginScreen LoginFlow::screen() const noexcept { return s_->screen; }
bool LoginFlow::busy() const noexcept { return s_->busy; }
Lang LoginFlow::lang() const noexcept { return s_->lang; }
Node LoginFlow::view() const { return render_view(*s_); }

}  // namespace sls
