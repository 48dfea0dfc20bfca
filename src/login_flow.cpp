#include "sls/login_flow.hpp"

#include <algorithm>
#include <utility>

#include "sls/code_card.hpp"
#include "sls/device.hpp"
#include "sls/entry.hpp"
#include "sls/json.hpp"
#include "sls/messages.hpp"
#include "sls/qr_svg.hpp"
#include "sls/response.hpp"
#include "sls/ui_text.hpp"

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

namespace {

// --- limits and small helpers --------------------------------------------------

/// maxlength of code fields: room for separators and spaces around a pasted
/// code, so that paste is never cut short, while bounding what is stored.
constexpr std::string_view kCodeMaxLength = "24";
/// Countdown seconds at which the live region says how much time is left.
constexpr std::int64_t kCountdownMilestones[] = {60, 30, 10};

bool is_url_safe_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool all_digits(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Zeroes a string's whole buffer (not only its current size), then
/// empties it.
void wipe_all(std::string& s) noexcept {
  s.resize(s.capacity());
  wipe(s.data(), s.size());
  s.clear();
}

void wipe_entry(EntryState& e) noexcept {
  wipe_all(e.normalized);
  wipe_all(e.display);
}

/// A JSON object of string members, built in one buffer reserved at its
/// exact size (and beyond any small-string buffer), then moved into a
/// SecretString: no copy of a secret member is left behind.
SecretString json_object_body(std::initializer_list<std::pair<std::string_view, std::string_view>> members) {
  std::size_t size = 2;
  for (const auto& [k, v] : members) size += json_quoted_size(k) + json_quoted_size(v) + 2;
  std::string out;
  out.reserve(std::max<std::size_t>(size, 64));
  out += '{';
  bool first = true;
  for (const auto& [k, v] : members) {
    if (!first) out += ',';
    first = false;
    json_append_quoted(out, k);
    out += ':';
    json_append_quoted(out, v);
  }
  out += '}';
  return SecretString(std::move(out));
}

// --- the login's data -------------------------------------------------------------

struct Device {
  std::string id;
  std::optional<DeviceKind> kind;  ///< nullopt for a kind this build does not know
  std::string label;
};

enum class Method : std::uint8_t { code_card, ocra, push, sms, temp_code };

struct Challenge {
  Method method = Method::push;
  std::string challenge_id;
  std::int64_t expires_at_ms = 0;
  std::int64_t opened_at_ms = 0;
  std::int64_t index_a = 0, index_b = 0;
  std::string card_serial;
  std::optional<std::int64_t> logins_left;
  std::string challenge;
  std::string qr_payload;
  bool pin_on_device = false;
  std::string tx_id;
  std::string number;
  std::string sent_to;
  std::int64_t resend_after_ms = 0;
};

std::optional<Method> parse_method(std::string_view m) {
  if (m == "code_card") return Method::code_card;
  if (m == "ocra") return Method::ocra;
  if (m == "push") return Method::push;
  if (m == "sms") return Method::sms;
  if (m == "temp_code") return Method::temp_code;
  return std::nullopt;
}

std::string_view method_id(Method m) {
  switch (m) {
    case Method::code_card: return "code_card";
    case Method::ocra: return "ocra";
    case Method::push: return "push";
    case Method::sms: return "sms";
    case Method::temp_code: return "temp_code";
  }
  return "push";
}

/// Reads a Challenge object (openapi: components/schemas/Challenge).
std::optional<Challenge> read_challenge(const JsonValue& v, std::int64_t now_ms) {
  const auto method = v.get_string("method");
  const auto expires_at = v.get_int("expires_at");
  if (!method || !expires_at) return std::nullopt;
  const auto m = parse_method(*method);
  if (!m) return std::nullopt;
  Challenge c;
  c.method = *m;
  c.expires_at_ms = *expires_at * 1000;
  c.opened_at_ms = now_ms;
  if (auto id = v.get_string("challenge_id")) c.challenge_id = *id;
  if (c.method != Method::push && c.challenge_id.empty()) return std::nullopt;
  switch (c.method) {
    case Method::code_card: {
      const auto* indices = v.find("indices");
      const auto* arr = indices ? indices->as_array() : nullptr;
      if (!arr || arr->size() != 2) return std::nullopt;
      const auto a = (*arr)[0].as_int(), b = (*arr)[1].as_int();
      if (!a || !b || *a < 1 || *b < 1) return std::nullopt;
      c.index_a = *a;
      c.index_b = *b;
      if (auto s = v.get_string("card_serial")) c.card_serial = *s;
      c.logins_left = v.get_int("logins_left");
      break;
    }
    case Method::ocra: {
      const auto ch = v.get_string("challenge");
      if (!ch || ch->size() != kChallengeDigits || !all_digits(*ch)) return std::nullopt;
      c.challenge = *ch;
      if (auto q = v.get_string("qr_payload")) c.qr_payload = *q;
      c.pin_on_device = v.get_bool("pin_on_device").value_or(false);
      break;
    }
    case Method::push: {
      const auto tx = v.get_string("tx_id");
      const auto number = v.get_string("number");
      if (!tx || !is_url_safe_id(*tx) || !number || number->size() != 2 || !all_digits(*number)) return std::nullopt;
      c.tx_id = *tx;
      c.number = *number;
      break;
    }
    case Method::sms: {
      if (auto s = v.get_string("sent_to")) c.sent_to = *s;
      c.resend_after_ms = v.get_int("resend_after").value_or(0) * 1000;
      break;
    }
    case Method::temp_code: break;
  }
  return c;
}

/// The error of a reply body {"error": {"code", "attempts_left", "retry_after"}}.
struct ReplyError {
  Errc code;
  std::optional<std::int64_t> attempts_left;
  std::optional<std::int64_t> retry_after_s;
};

ReplyError read_reply_error(const HttpReply& reply, Errc fallback) {
  ReplyError e{fallback, std::nullopt, reply.retry_after_s};
  auto parsed = json_parse(reply.body);
  if (!parsed) return e;
  const auto* err = parsed->find("error");
  if (!err) return e;
  if (auto code = err->get_string("code")) {
    if (auto known = errc_from_name(*code); known && *known != Errc::ok) e.code = *known;
  }
  e.attempts_left = err->get_int("attempts_left");
  if (auto ra = err->get_int("retry_after"); ra && !e.retry_after_s) e.retry_after_s = ra;
  return e;
}

bool is_login_gone(Errc code) {
  return code == Errc::login_expired || code == Errc::login_not_found || code == Errc::login_token_invalid ||
         code == Errc::login_wrong_state;
}

enum class RequestKind : std::uint8_t { login, open_challenge, verify, resend, complete };

/// What "try again" does on the current screen.
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

ShownError shown(Errc code, std::optional<std::int64_t> retry_after_s = std::nullopt) {
  ShownError e;
  e.error = fail(code);
  if (retry_after_s && *retry_after_s > 0) e.retry_after_s = retry_after_s;
  return e;
}

ShownError shown_field(Error error) {
  ShownError e;
  e.error = std::move(error);
  e.field = true;
  return e;
}

std::string sanitize_prefix(std::string_view p) {
  std::string out;
  for (char c : p) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    out += ok ? c : '-';
  }
  return out.empty() ? std::string("sls") : out;
}

}  // namespace

// --- the state machine ------------------------------------------------------------

struct LoginFlow::State {
  // Configuration.
  Lang lang = Lang::en;
  std::string prefix = "sls";
  PollConfig poll_config;
  RandomBelow random;

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
  std::string session_json;
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
  std::int64_t blocked_until = 0;
  RetryKind retry = RetryKind::restart;
  RequestKind replay_kind = RequestKind::open_challenge;

  // The output being built.
  std::vector<Effect> effects;
  bool screen_changed = false;

  std::string id(std::string_view suffix) const { return prefix + "-" + std::string(suffix); }
  std::string t(UiText text) const { return std::string(ui_text(text, lang)); }
  std::string f(UiText text, std::initializer_list<std::string_view> args) const { return ui_format(text, lang, args); }

  const Device* current_device() const { return device < devices.size() ? &devices[device] : nullptr; }

  // --- effects ---------------------------------------------------------------------

  std::uint64_t http(std::string_view method, std::string path, SecretString body = {}) {
    Effect e;
    e.kind = EffectKind::http;
    e.id = next_id++;
    e.method = std::string(method);
    e.path = std::move(path);
    e.body = std::move(body);
    if (!login_secret.empty())
      e.headers.push_back(HttpHeader{std::string(kLoginSecretHeader), SecretString(std::string(login_secret.view()))});
    effects.push_back(std::move(e));
    return effects.back().id;
  }
  void cancel_http(std::uint64_t& request) {
    if (request == 0) return;
    Effect e;
    e.kind = EffectKind::cancel_http;
    e.id = request;
    effects.push_back(std::move(e));
    request = 0;
  }
  std::uint64_t timer(std::int64_t delay_ms) {
    Effect e;
    e.kind = EffectKind::timer;
    e.id = next_id++;
    e.delay_ms = std::max<std::int64_t>(delay_ms, 1);
    effects.push_back(std::move(e));
    return effects.back().id;
  }
  void cancel_timer(std::uint64_t& t_id) {
    if (t_id == 0) return;
    Effect e;
    e.kind = EffectKind::cancel_timer;
    e.id = t_id;
    effects.push_back(std::move(e));
    t_id = 0;
  }
  void focus(std::string element_id) {
    Effect e;
    e.kind = EffectKind::focus;
    e.target = std::move(element_id);
    effects.push_back(std::move(e));
  }
  void announce(UiText text, std::int64_t duration_ms = 0) {
    announcement = text;
    announced_ms = duration_ms;
    Effect e;
    e.kind = EffectKind::announce;
    e.target = announcement_text();
    effects.push_back(std::move(e));
  }
  void emit(std::string_view type, std::string detail) {
    Effect e;
    e.kind = EffectKind::emit;
    e.target = std::string(type);
    e.detail = std::move(detail);
    effects.push_back(std::move(e));
  }

  // --- transitions ---------------------------------------------------------------------

  /// Stops polling and ticking and forgets outstanding requests.
  void stop_background() {
    cancel_timer(poll_timer);
    cancel_timer(tick_timer);
    cancel_timer(complete_retry_timer);
    cancel_http(poll_request);
    if (poll) poll->cancel();
    poll.reset();
  }
  void forget_main_request() { cancel_http(main_request); }

  void go(LoginScreen next) {
    if (next != screen) screen_changed = true;
    screen = next;
    busy = false;
  }

  void emit_state() {
    JsonValue d;
    d.set("screen", login_screen_id(screen)).set("busy", busy);
    if (challenge && is_challenge_screen()) {
      d.set("method", method_id(challenge->method));
      if (const auto* dev = current_device(); dev && dev->kind) d.set("device_kind", device_kind_id(*dev->kind));
    }
    emit("state", json_serialize(d));
  }

  /// Shows an error on the current screen and moves focus to it. Errors
  /// from the server or the network are also reported as sls-error events;
  /// a local check of what the user typed is not.
  void show_error(ShownError e, bool report = true) {
    if (report && e.error) {
      JsonValue d;
      d.set("code", errc_name(e.error->code)).set("message", error_text(e));
      emit("error", json_serialize(d));
    }
    error = std::move(e);
    focus(id("error"));
  }

  std::string announcement_text() const {
    if (!announcement) return {};
    if (*announcement == UiText::time_left) return f(UiText::time_left, {duration_words(announced_ms, lang)});
    return t(*announcement);
  }

  std::string error_text(const ShownError& e) const {
    std::string out;
    // English separates sentences with a space; Chinese does not.
    const bool spaced = lang == Lang::en;
    auto append = [&out, spaced](std::string_view sentence) {
      if (sentence.empty()) return;
      if (!out.empty() && spaced) out += ' ';
      out += sentence;
    };
    if (e.error) append(localize(*e.error, lang));
    if (e.text) append(t(*e.text));
    if (e.attempts_left) {
      append(*e.attempts_left == 1 ? t(UiText::attempts_left_one)
                                   : f(UiText::attempts_left, {std::to_string(*e.attempts_left)}));
    }
    if (e.retry_after_s) append(f(UiText::try_again_in, {duration_words(*e.retry_after_s * 1000, lang)}));
    return out;
  }

  bool is_challenge_screen() const {
    return screen == LoginScreen::code_card || screen == LoginScreen::challenge_response ||
           screen == LoginScreen::push || screen == LoginScreen::sms || screen == LoginScreen::temp_code;
  }

  void reset_login() {
    stop_background();
    forget_main_request();
    login_id.clear();
    login_secret.clear();
    devices.clear();
    device = 0;
    open_mode.clear();
    challenge.reset();
    completion_token.clear();
    password.clear();
    code.clear();
    error.reset();
    busy = false;
  }

  void to_credentials() {
    reset_login();
    ++generation;
    go(LoginScreen::credentials);
    focus(id(username.empty() ? "username" : "password"));
  }

  void to_outcome(LoginScreen outcome, ShownError err, RetryKind retry_kind) {
    stop_background();
    forget_main_request();
    code.clear();
    retry = retry_kind;
    go(outcome);
    show_error(std::move(err));
  }

  void to_expired(Errc code_value = Errc::login_expired) {
    to_outcome(LoginScreen::expired, shown(code_value), RetryKind::restart);
    completion_token.clear();
  }

  void to_locked(std::optional<std::int64_t> retry_after_s) {
    to_outcome(LoginScreen::locked, shown(Errc::auth_locked, retry_after_s), RetryKind::restart);
    completion_token.clear();
  }

  void to_device_choice() {
    stop_background();
    forget_main_request();
    challenge.reset();
    code.clear();
    error.reset();
    open_mode.clear();
    go(LoginScreen::device_choice);
    focus(id("device-0"));
  }

  void open_challenge(std::size_t device_index, std::string_view mode) {
    stop_background();
    forget_main_request();
    device = device_index;
    open_mode = std::string(mode);
    challenge.reset();
    code.clear();
    error.reset();
    go(LoginScreen::loading);
    busy = true;
    send_open_challenge();
    focus(id("title"));
  }

  void send_open_challenge() {
    const Device* dev = current_device();
    if (!dev) return;
    SecretString body = open_mode.empty() ? json_object_body({{"device_id", dev->id}})
                                          : json_object_body({{"device_id", dev->id}, {"mode", open_mode}});
    main_request = http("POST", "/login/" + login_id + "/challenge", std::move(body));
    main_kind = RequestKind::open_challenge;
  }

  void send_complete() {
    main_request =
        http("POST", "/login/" + login_id + "/complete", json_object_body({{"completion_token", completion_token.view()}}));
    main_kind = RequestKind::complete;
  }

  void complete_with(std::string_view token) {
    stop_background();
    forget_main_request();
    completion_token = SecretString(std::string(token));
    go(LoginScreen::loading);
    busy = true;
    error.reset();
    send_complete();
    focus(id("title"));
  }

  void start_ticking() {
    cancel_timer(tick_timer);
    const auto next = next_tick_delay();
    if (next > 0) tick_timer = timer(next);
  }

  /// The ms until the countdown shown changes (a whole second of the time
  /// left passes), or 0 when there is nothing to count down.
  std::int64_t next_tick_delay() const {
    if (!challenge) return 0;
    std::int64_t target = 0;
    if (screen == LoginScreen::push) target = challenge->expires_at_ms;
    else if (screen == LoginScreen::sms) target = challenge->resend_after_ms;
    const std::int64_t left = target - now;
    if (left <= 0) return 0;
    const std::int64_t within = left % 1000;
    return within == 0 ? 1000 : within;
  }

  void start_polling() {
    poll.emplace(poll_config, challenge->expires_at_ms, random);
    schedule_poll(poll->start(now));
  }

  /// Follows a PollStep: schedules the next poll or ends the wait.
  void schedule_poll(const PollStep& step) {
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

  void to_push_expired() {
    to_outcome(LoginScreen::failed, shown(Errc::push_expired), RetryKind::reopen_challenge);
  }

  void send_poll() {
    if (!challenge) return;
    const std::string path = challenge->method == Method::push ? "/push/" + challenge->tx_id
                                                               : "/login/" + login_id + "/challenge-status";
    cancel_http(poll_request);
    poll_request = http("GET", path);
  }

  void enter_challenge(Challenge c) {
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
      focus(id("title"));
      start_polling();
      start_ticking();
    } else {
      focus(id("code"));
      if (screen == LoginScreen::challenge_response && !challenge->qr_payload.empty()) start_polling();
      if (screen == LoginScreen::sms) start_ticking();
    }
  }

  // --- user events -----------------------------------------------------------------------

  void submit() {
    if (busy) return;
    switch (screen) {
      case LoginScreen::credentials: submit_credentials(); break;
      case LoginScreen::code_card:
      case LoginScreen::challenge_response:
      case LoginScreen::sms:
      case LoginScreen::temp_code: submit_code(); break;
      default: break;
    }
  }

  void submit_credentials() {
    if (now < blocked_until) {
      show_error(shown(Errc::rate_limited, (blocked_until - now + 999) / 1000), false);
      return;
    }
    if (username.empty() || password.empty()) {
      ShownError e;
      e.text = username.empty() ? UiText::username_required : UiText::password_required;
      e.field = true;
      show_error(std::move(e), false);
      return;
    }
    error.reset();
    login_secret.clear();  // a new login gets a new secret; /login itself carries none
    main_request = http("POST", "/login", json_object_body({{"username", username}, {"password", password.view()}}));
    main_kind = RequestKind::login;
    password.clear();
    ++generation;
    busy = true;
    announce(UiText::checking);
  }

  /// The normalised entry of the current code screen, or the error to show.
  Result<std::string> parse_code() const {
    switch (screen) {
      case LoginScreen::code_card: return parse_card_entry(code.view());
      case LoginScreen::challenge_response: return parse_response(code.view());
      case LoginScreen::sms: return sls::parse_code(code.view(), kSmsCodeFormat);
      case LoginScreen::temp_code: return sls::parse_code(code.view(), kTempCodeFormat);
      default: return fail(Errc::internal);
    }
  }

  void submit_code() {
    if (!challenge) return;
    if (now < blocked_until) {
      show_error(shown(Errc::rate_limited, (blocked_until - now + 999) / 1000), false);
      return;
    }
    auto entry = parse_code();
    if (!entry) {
      // A malformed entry never reaches the server.
      show_error(shown_field(entry.error()), false);
      return;
    }
    error.reset();
    main_request = http("POST", "/login/" + login_id + "/verify",
                        json_object_body({{"challenge_id", challenge->challenge_id}, {"response", *entry}}));
    main_kind = RequestKind::verify;
    wipe_all(*entry);
    code.clear();
    ++generation;
    busy = true;
    announce(UiText::checking);
  }

  void on_event(UserEvent& ev) {
    const std::string_view a = ev.action;
    if (a == login_action::input_username) {
      if (screen != LoginScreen::credentials) return;
      username = ev.value;
      if (error && error->field) error.reset();
    } else if (a == login_action::input_password) {
      if (screen != LoginScreen::credentials) return;
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
      main_request = http("POST", "/login/" + login_id + "/sms/resend");
      main_kind = RequestKind::resend;
      busy = true;
    } else if (a == login_action::retry) {
      on_retry();
    } else if (a == login_action::restart) {
      if (screen == LoginScreen::credentials || screen == LoginScreen::authenticated) return;
      cancel_push_if_pending();
      to_credentials();
    } else if (a == login_action::cancel) {
      if (screen == LoginScreen::credentials || screen == LoginScreen::authenticated) return;
      cancel_push_if_pending();
      to_credentials();
    }
  }

  void cancel_push_if_pending() {
    if (challenge && challenge->method == Method::push && screen == LoginScreen::push) {
      // Fire and forget: the reply is not awaited (its id is never matched).
      http("DELETE", "/push/" + challenge->tx_id);
    }
  }

  void on_retry() {
    if (screen != LoginScreen::failed && screen != LoginScreen::network_error && screen != LoginScreen::locked &&
        screen != LoginScreen::expired)
      return;
    switch (retry) {
      case RetryKind::restart: to_credentials(); return;
      case RetryKind::reopen_challenge: open_challenge(device, open_mode); return;
      case RetryKind::replay:
        error.reset();
        go(LoginScreen::loading);
        busy = true;
        if (replay_kind == RequestKind::complete) send_complete();
        else send_open_challenge();
        focus(id("title"));
        return;
      case RetryKind::resume_poll:
        if (!challenge || !poll) {
          open_challenge(device, open_mode);
          return;
        }
        error.reset();
        go(LoginScreen::push);
        focus(id("title"));
        schedule_poll(poll->resume(now));
        if (screen == LoginScreen::push) start_ticking();
        return;
    }
  }

  // --- replies -------------------------------------------------------------------------

  void on_reply(const HttpReply& r) {
    if (r.request_id == 0) return;
    if (r.request_id == poll_request) {
      poll_request = 0;
      on_poll_reply(r);
      return;
    }
    if (r.request_id != main_request) return;  // stale or fire-and-forget
    main_request = 0;
    busy = false;
    switch (main_kind) {
      case RequestKind::login: on_login_reply(r); break;
      case RequestKind::open_challenge: on_open_reply(r); break;
      case RequestKind::verify: on_verify_reply(r); break;
      case RequestKind::resend: on_resend_reply(r); break;
      case RequestKind::complete: on_complete_reply(r); break;
    }
  }

  /// Common handling of failures of a request made from a form whose
  /// secret was wiped: the error shows on the same screen, to type again.
  void inline_failure(const HttpReply& r) {
    if (r.status == 0) {
      show_error(shown(Errc::network_failed));
    } else if (r.status == 429) {
      const auto e = read_reply_error(r, Errc::rate_limited);
      if (e.retry_after_s) blocked_until = now + *e.retry_after_s * 1000;
      show_error(shown(e.code, e.retry_after_s));
    } else if (r.status == 423) {
      to_locked(read_reply_error(r, Errc::auth_locked).retry_after_s);
    } else if (r.status >= 500) {
      show_error(shown(Errc::internal));
    } else {
      const auto e = read_reply_error(r, Errc::bad_argument);
      if (is_login_gone(e.code) || r.status == 404 || r.status == 410) {
        to_expired(is_login_gone(e.code) ? e.code : Errc::login_expired);
        return;
      }
      ShownError shown_e = shown(e.code);
      shown_e.field = r.status == 400;
      show_error(std::move(shown_e));
    }
  }

  void on_login_reply(const HttpReply& r) {
    if (r.status == 401) {
      ShownError e = shown(read_reply_error(r, Errc::auth_bad_credentials).code);
      e.field = true;
      show_error(std::move(e));
      return;
    }
    if (r.status != 200) {
      inline_failure(r);
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
    devices.clear();
    if (const auto* list = body->find("devices"); list && list->as_array()) {
      for (const auto& d : *list->as_array()) {
        const auto dev_id = d.get_string("device_id");
        if (!dev_id || dev_id->empty()) continue;
        Device dev;
        dev.id = *dev_id;
        if (auto kind = d.get_string("kind")) {
          if (auto k = parse_device_kind(*kind)) dev.kind = *k;
        }
        dev.label = std::string(d.get_string("label").value_or(""));
        devices.push_back(std::move(dev));
      }
    }
    if (devices.empty()) {
      show_error(shown(Errc::login_no_device));
      return;
    }
    if (devices.size() == 1) {
      open_challenge(0, "");
      return;
    }
    // Several devices: the default one is listed first.
    if (auto def = body->get_string("default_device_id")) {
      auto it = std::find_if(devices.begin(), devices.end(), [&](const Device& d) { return d.id == *def; });
      if (it != devices.end()) std::rotate(devices.begin(), it, it + 1);
    }
    to_device_choice();
  }

  void on_open_reply(const HttpReply& r) {
    if (r.status == 200) {
      auto body = json_parse(r.body);
      auto c = body ? read_challenge(*body, now) : std::nullopt;
      if (!c) {
        to_outcome(LoginScreen::failed, shown(Errc::internal), RetryKind::reopen_challenge);
        return;
      }
      enter_challenge(std::move(*c));
      return;
    }
    if (r.status == 0 || r.status >= 500) {
      replay_kind = RequestKind::open_challenge;
      to_outcome(LoginScreen::network_error, shown(r.status == 0 ? Errc::network_failed : Errc::internal),
                 RetryKind::replay);
      return;
    }
    const auto e = read_reply_error(r, Errc::bad_argument);
    if (r.status == 423) {
      to_locked(e.retry_after_s);
    } else if (r.status == 404 || r.status == 410 || is_login_gone(e.code)) {
      to_expired(is_login_gone(e.code) ? e.code : Errc::login_expired);
    } else {
      to_outcome(LoginScreen::failed, shown(e.code, e.retry_after_s), RetryKind::reopen_challenge);
    }
  }

  void on_verify_reply(const HttpReply& r) {
    if (r.status == 200) {
      auto body = json_parse(r.body);
      const auto token = body ? body->get_string("completion_token") : std::nullopt;
      if (!token) {
        show_error(shown(Errc::internal));
        return;
      }
      complete_with(*token);
      return;
    }
    if (r.status == 401) {
      const auto e = read_reply_error(r, Errc::auth_wrong_code);
      ShownError shown_e = shown_field(fail(e.code));
      if (e.attempts_left && *e.attempts_left >= 0) shown_e.attempts_left = e.attempts_left;
      show_error(std::move(shown_e));
      return;
    }
    if (r.status == 410) {
      const auto e = read_reply_error(r, Errc::challenge_expired);
      if (is_login_gone(e.code)) {
        to_expired(e.code);
      } else {
        // The challenge (not the login) is over: a new one can be asked.
        to_outcome(LoginScreen::failed, shown(e.code), RetryKind::reopen_challenge);
      }
      return;
    }
    inline_failure(r);
  }

  void on_resend_reply(const HttpReply& r) {
    if (r.status == 200) {
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
    if (r.status == 429) {
      const auto e = read_reply_error(r, Errc::sms_resend_too_soon);
      if (challenge && e.retry_after_s) challenge->resend_after_ms = now + *e.retry_after_s * 1000;
      show_error(shown(e.code));
      start_ticking();
      return;
    }
    inline_failure(r);
  }

  void on_complete_reply(const HttpReply& r) {
    if (r.status == 200) {
      auto body = json_parse(r.body);
      if (!body || !body->is_object()) {
        show_error(shown(Errc::internal));
        return;
      }
      completion_token.clear();
      stop_background();
      session_username = std::string(body->get_string("username").value_or(username));
      session_json = json_serialize(*body);
      error.reset();
      go(LoginScreen::authenticated);
      focus(id("title"));
      announce(UiText::authenticated_title);
      emit("authenticated", session_json);
      return;
    }
    if (r.status == 0 || r.status >= 500) {
      replay_kind = RequestKind::complete;
      to_outcome(LoginScreen::network_error, shown(r.status == 0 ? Errc::network_failed : Errc::internal),
                 RetryKind::replay);
      return;
    }
    if (r.status == 429) {
      // Throttled, not refused: the token stays valid for a minute, so wait
      // as told (at least a second) and hand off again, still on the
      // loading screen.
      const auto e = read_reply_error(r, Errc::rate_limited);
      busy = true;
      complete_retry_timer = timer(std::max<std::int64_t>(1, e.retry_after_s.value_or(1)) * 1000);
      return;
    }
    const auto e = read_reply_error(r, Errc::login_token_invalid);
    to_expired(is_login_gone(e.code) ? e.code : Errc::login_expired);
  }

  void on_poll_reply(const HttpReply& r) {
    if (!poll || !challenge) return;
    const bool qr_route = challenge->method == Method::ocra;
    if (r.status == 200) {
      auto body = json_parse(r.body);
      const auto status = body ? body->get_string("status") : std::nullopt;
      if (!status) {
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
      if (*status == "denied") outcome = PollOutcome::denied;
      else if (*status == "expired") outcome = PollOutcome::expired;
      else if (*status == "cancelled") outcome = PollOutcome::cancelled;
      schedule_poll(poll->next(now, outcome, r.retry_after_s));
      return;
    }
    if (r.status == 404 || r.status == 410) {
      const auto e = read_reply_error(r, Errc::login_not_found);
      poll->cancel();
      if (qr_route && !is_login_gone(e.code)) return;  // the typed response may still be checked
      if (!qr_route && r.status == 410 && !is_login_gone(e.code)) {
        to_push_expired();
        return;
      }
      to_expired(is_login_gone(e.code) ? e.code : Errc::login_not_found);
      return;
    }
    if (r.status == 429 || r.status == 503) {
      schedule_poll(poll->next(now, PollOutcome::throttled, r.retry_after_s));
      return;
    }
    schedule_poll(poll->next(now, PollOutcome::network_failure, r.retry_after_s));
  }

  // --- timers --------------------------------------------------------------------------------

  void on_timer(const TimerFired& tf) {
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

  void on_tick() {
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

  // --- output --------------------------------------------------------------------------------

  LoginOutput take_output() {
    LoginOutput out;
    out.effects = std::move(effects);
    effects.clear();
    out.view = render();
    return out;
  }

  /// Runs one input: updates the clock, applies `step`, adds a state event
  /// when the screen or the busy flag changed, and returns the output.
  template <class Step>
  LoginOutput run(std::int64_t now_ms, Step&& step) {
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
                                [](const Effect& e) { return e.kind == EffectKind::announce; }))
      announcement.reset();
    // "Checking…" is true only while a request is out; once the reply is in,
    // the screen shows the outcome (an error has focus) and the region falls
    // quiet rather than contradicting it.
    if (before_busy && !busy && announcement == UiText::checking) announcement.reset();
    if (changed || busy != before_busy) emit_state();
    return take_output();
  }

  // --- view ----------------------------------------------------------------------------------

  Node render() const;
  Node render_credentials() const;
  Node render_device_choice() const;
  Node render_loading() const;
  Node render_code_screen() const;
  Node render_push() const;
  Node render_outcome() const;
  Node render_authenticated() const;

  Node title(UiText text) const {
    return element("h2").attr("id", id("title")).attr("tabindex", "-1").attr("part", "title").add_text(t(text));
  }
  Node error_node() const {
    Node p = element("p").attr("id", id("error")).attr("part", "error").attr("tabindex", "-1");
    if (!error) return p;
    return std::move(p.add_text(error_text(*error)));
  }
  Node button(UiText label, std::string_view action, std::string_view part, std::string_view id_suffix = {}) const {
    Node b = element("button").attr("type", "button");
    if (!id_suffix.empty()) b.attr("id", id(id_suffix));
    b.attr("part", part).on("click", action).add_text(t(label));
    return b;
  }
  Node submit_button(UiText label) const {
    Node b = element("button").attr("type", "submit").attr("part", "button primary");
    if (busy) b.attr("aria-disabled", "true");
    b.add_text(t(busy ? UiText::checking : label));
    return b;
  }
  Node second_factor_actions() const {
    Node actions = element("div").attr("part", "actions");
    if (devices.size() > 1) actions.add(button(UiText::other_device_button, login_action::use_other_device, "button secondary"));
    actions.add(button(UiText::cancel_button, login_action::cancel, "button secondary"));
    return actions;
  }
  std::string device_name(const Device& d) const {
    if (!d.kind) return d.label;
    switch (*d.kind) {
      case DeviceKind::none: return t(UiText::kind_none);
      case DeviceKind::sms: return t(UiText::kind_sms);
      case DeviceKind::mobile_key: return t(UiText::kind_mobile_key);
      case DeviceKind::code_card: return t(UiText::kind_code_card);
      case DeviceKind::online_card: return t(UiText::kind_online_card);
      case DeviceKind::dsc: return t(UiText::kind_dsc);
      case DeviceKind::dsc_plus: return t(UiText::kind_dsc_plus);
      case DeviceKind::platinum_gold: return t(UiText::kind_platinum_gold);
      case DeviceKind::temp_code: return t(UiText::kind_temp_code);
    }
    return d.label;
  }
};

Node LoginFlow::State::render() const {
  Node root = element("div")
                  .attr("class", "sls-login")
                  .attr("lang", std::string(lang_tag(lang)))
                  .attr("part", "root")
                  .attr("data-screen", login_screen_id(screen));
  if (busy) root.attr("aria-busy", "true");
  Node body;
  switch (screen) {
    case LoginScreen::credentials: body = render_credentials(); break;
    case LoginScreen::device_choice: body = render_device_choice(); break;
    case LoginScreen::loading: body = render_loading(); break;
    case LoginScreen::code_card:
    case LoginScreen::challenge_response:
    case LoginScreen::sms:
    case LoginScreen::temp_code: body = render_code_screen(); break;
    case LoginScreen::push: body = render_push(); break;
    case LoginScreen::authenticated: body = render_authenticated(); break;
    case LoginScreen::failed:
    case LoginScreen::locked:
    case LoginScreen::expired:
    case LoginScreen::network_error: body = render_outcome(); break;
  }
  root.add(std::move(body.with_key(login_screen_id(screen))));
  // The live region exists from the first render on, so that screen readers
  // pick up every later change to its text.
  Node status = element("p").attr("id", id("status")).attr("role", "status").attr("aria-live", "polite").attr(
      "part", "status");
  if (announcement) status.add_text(announcement_text());
  root.add(std::move(status.with_key("status")));
  return root;
}

Node LoginFlow::State::render_credentials() const {
  const bool has_error = error.has_value();
  const bool missing_user = has_error && error->text == UiText::username_required;
  const bool credential_error = has_error && error->field && !missing_user;

  Node user = element("input")
                  .attr("id", id("username"))
                  .attr("name", "username")
                  .attr("type", "text")
                  .attr("autocomplete", "username")
                  .attr("autocapitalize", "none")
                  .attr("spellcheck", "false")
                  .attr("maxlength", "64")
                  .attr("part", "field")
                  .attr("value", username)
                  .on("input", login_action::input_username);
  if (missing_user) user.attr("aria-invalid", "true").attr("aria-describedby", id("error"));

  Node pass = element("input")
                  .attr("id", id("password"))
                  .attr("name", "password")
                  .attr("type", "password")
                  .attr("autocomplete", "current-password")
                  .attr("maxlength", "256")
                  .attr("part", "field")
                  .on("input", login_action::input_password);
  if (credential_error) pass.attr("aria-invalid", "true");
  if (has_error && !missing_user) pass.attr("aria-describedby", id("error"));

  Node form = element("form").attr("id", id("form")).attr("part", "form").attr("novalidate", "").on(
      "submit", login_action::submit);
  if (busy) form.attr("aria-busy", "true");
  form.add(element("div")
               .attr("part", "field-row")
               .add(element("label").attr("for", id("username")).attr("part", "label").add_text(t(UiText::username_label)))
               .add(std::move(user)));
  form.add(element("div")
               .attr("part", "field-row")
               .add(element("label").attr("for", id("password")).attr("part", "label").add_text(t(UiText::password_label)))
               .add(std::move(pass.with_key("password-" + std::to_string(generation)))));
  if (has_error) form.add(error_node().with_key("error"));
  form.add(submit_button(UiText::login_button));

  return std::move(element("section").attr("part", "screen").add(title(UiText::login_title)).add(std::move(form)));
}

Node LoginFlow::State::render_device_choice() const {
  Node list = element("ul").attr("part", "device-list");
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const Device& d = devices[i];
    const std::string kind_name = device_name(d);
    Node b = element("button")
                 .attr("type", "button")
                 .attr("id", id("device-" + std::to_string(i)))
                 .attr("part", "button device")
                 .attr("value", d.id)
                 .on("click", login_action::choose_device);
    b.add(element("span").attr("part", "device-label").add_text(d.label.empty() ? kind_name : d.label));
    if (!d.label.empty() && d.label != kind_name) b.add(element("span").attr("part", "device-kind").add_text(kind_name));
    list.add(element("li").with_key(d.id).add(std::move(b)));
  }
  Node section = element("section").attr("part", "screen");
  section.add(title(UiText::choose_title));
  section.add(element("p").attr("part", "intro").add_text(t(UiText::choose_intro)));
  section.add(std::move(list));
  if (error) section.add(error_node());
  section.add(element("div").attr("part", "actions").add(button(UiText::cancel_button, login_action::cancel, "button secondary")));
  return section;
}

Node LoginFlow::State::render_loading() const {
  return std::move(element("section")
                       .attr("part", "screen")
                       .add(title(UiText::login_title))
                       .add(element("p").attr("part", "progress").add_text(t(UiText::please_wait))));
}

Node LoginFlow::State::render_code_screen() const {
  const Challenge& c = *challenge;
  const Device* dev = current_device();
  Node section = element("section").attr("part", "screen");

  // Live check of what is typed so far.
  EntryState entry;
  UiText label = UiText::sms_field_label, hint = UiText::sms_hint;
  bool digits_only = true;
  switch (screen) {
    case LoginScreen::code_card:
      entry = inspect_card_entry(code.view());
      label = UiText::card_field_label;
      hint = UiText::card_hint;
      digits_only = false;
      break;
    case LoginScreen::challenge_response:
      entry = inspect_response(code.view());
      label = UiText::response_label;
      hint = UiText::response_hint;
      break;
    case LoginScreen::sms: entry = inspect_code(code.view(), kSmsCodeFormat); break;
    default:
      entry = inspect_code(code.view(), kTempCodeFormat);
      label = UiText::temp_field_label;
      hint = UiText::temp_hint;
      digits_only = false;
      break;
  }
  std::optional<Error> live_error;
  if (entry.error != Errc::ok) live_error = fail(entry.error);

  // Title and instructions.
  switch (screen) {
    case LoginScreen::code_card: {
      section.add(title(UiText::card_title));
      section.add(element("p").attr("part", "intro").add_text(t(UiText::card_intro)));
      const std::string a = std::to_string(c.index_a), b = std::to_string(c.index_b);
      section.add(element("ol")
                      .attr("part", "indices")
                      .add(element("li").attr("part", "index").add_text(f(UiText::card_index, {a})))
                      .add(element("li").attr("part", "index").add_text(f(UiText::card_index, {b}))));
      if (!c.card_serial.empty())
        section.add(element("p").attr("part", "note").add_text(f(UiText::card_serial, {c.card_serial})));
      if (c.logins_left)
        section.add(element("p").attr("part", "note").add_text(
            f(UiText::card_logins_left, {std::to_string(*c.logins_left)})));
      break;
    }
    case LoginScreen::challenge_response: {
      const bool mobile_key = dev && dev->kind == DeviceKind::mobile_key;
      section.add(title(mobile_key ? UiText::ocra_title_mobile_key : UiText::ocra_title_device));
      Node panel = element("div").attr("part", "challenge-panel");
      if (!c.qr_payload.empty()) {
        if (auto qr = qr_node(c.qr_payload); qr) {
          qr->attr("role", "img").attr("aria-label", t(UiText::qr_alt)).attr("part", "qr-code");
          panel.add(element("figure")
                        .attr("part", "qr")
                        .add(std::move(*qr))
                        .add(element("figcaption").attr("part", "qr-caption").add_text(t(UiText::qr_caption))));
        }
      }
      const std::string grouped = format_challenge(c.challenge);
      // Read digit by digit by screen readers ("0 4 2 9 1 7"), shown grouped.
      panel.add(element("dl")
                    .attr("part", "challenge-box")
                    .add(element("dt").attr("part", "label").add_text(t(UiText::challenge_label)))
                    .add(element("dd")
                             .attr("part", "challenge")
                             .add(element("span").attr("aria-hidden", "true").add_text(grouped))
                             .add(element("span").attr("class", "sls-visually-hidden").add_text(group_code(c.challenge, 1)))));
      section.add(std::move(panel));
      Node steps = element("ol").attr("part", "steps");
      if (mobile_key) {
        steps.add(element("li").add_text(t(UiText::ocra_step_unlock)));
        if (!c.qr_payload.empty()) steps.add(element("li").add_text(t(UiText::ocra_step_scan)));
        steps.add(element("li").add_text(t(UiText::ocra_step_type_mobile_key)));
      } else {
        const std::string name = dev ? device_name(*dev) : t(UiText::kind_dsc);
        const bool pin = c.pin_on_device || (dev && dev->kind == DeviceKind::dsc_plus);
        steps.add(element("li").add_text(f(pin ? UiText::ocra_step_switch_on_pin : UiText::ocra_step_switch_on, {name})));
        steps.add(element("li").add_text(t(UiText::ocra_step_type_device)));
      }
      section.add(std::move(steps));
      break;
    }
    case LoginScreen::sms:
      section.add(title(UiText::sms_title));
      section.add(element("p").attr("part", "intro").add_text(
          f(UiText::sms_intro, {c.sent_to, duration_words(c.expires_at_ms - c.opened_at_ms, lang)})));
      break;
    default:
      section.add(title(UiText::temp_title));
      section.add(element("p").attr("part", "intro").add_text(t(UiText::temp_intro)));
      break;
  }

  // The form.
  const std::string field_id = id("code");
  std::string described = id("code-hint");
  if (!entry.display.empty()) described += " " + id("code-preview");
  const bool show_error = live_error.has_value() || error.has_value();
  if (show_error) described += " " + id("error");

  Node input = element("input")
                   .attr("id", field_id)
                   .attr("name", "code")
                   .attr("type", "text")
                   .attr("autocomplete", "one-time-code")
                   .attr("spellcheck", "false")
                   .attr("maxlength", kCodeMaxLength)
                   .attr("part", digits_only ? "field code numeric" : "field code");
  if (digits_only) input.attr("inputmode", "numeric");
  else input.attr("autocapitalize", "characters");
  input.attr("aria-describedby", described);
  if (live_error || (error && error->field)) input.attr("aria-invalid", "true");
  input.on("input", login_action::input_code);

  const std::string label_text = screen == LoginScreen::code_card
                                     ? f(label, {std::to_string(c.index_a), std::to_string(c.index_b)})
                                     : t(label);
  Node form = element("form").attr("id", id("form")).attr("part", "form").attr("novalidate", "").on(
      "submit", login_action::submit);
  if (busy) form.attr("aria-busy", "true");
  Node row = element("div").attr("part", "field-row");
  row.add(element("label").attr("for", field_id).attr("part", "label").add_text(label_text));
  row.add(std::move(input.with_key("code-" + std::to_string(generation))));
  row.add(element("p").attr("id", id("code-hint")).attr("part", "hint").add_text(t(hint)));
  if (!entry.display.empty())
    row.add(element("p").attr("id", id("code-preview")).attr("part", "preview").add_text(
        f(UiText::you_typed, {entry.display})));
  form.add(std::move(row));
  if (live_error) {
    form.add(element("p")
                 .attr("id", id("error"))
                 .attr("part", "error")
                 .attr("tabindex", "-1")
                 .add_text(localize(*live_error, lang))
                 .with_key("error"));
  } else if (error) {
    form.add(error_node().with_key("error"));
  }
  form.add(submit_button(UiText::continue_button));
  section.add(std::move(form));
  wipe_entry(entry);

  if (screen == LoginScreen::sms) {
    const std::int64_t wait = c.resend_after_ms - now;
    Node resend = element("div").attr("part", "resend");
    Node b = element("button").attr("type", "button").attr("id", id("resend")).attr("part", "button secondary");
    if (wait > 0) b.attr("disabled", "").attr("aria-describedby", id("countdown"));
    b.on("click", login_action::resend).add_text(t(UiText::resend_button));
    resend.add(std::move(b));
    if (wait > 0)
      resend.add(element("p").attr("id", id("countdown")).attr("part", "countdown").add_text(
          f(UiText::resend_wait, {countdown_clock(wait)})));
    section.add(std::move(resend));
  }
  section.add(second_factor_actions());
  return section;
}

Node LoginFlow::State::render_push() const {
  const Challenge& c = *challenge;
  Node section = element("section").attr("part", "screen");
  section.add(title(UiText::push_title));
  section.add(element("p").attr("part", "intro").add_text(t(UiText::push_intro)));
  section.add(element("dl")
                  .attr("part", "number-box")
                  .add(element("dt").attr("part", "label").add_text(t(UiText::push_number_label)))
                  .add(element("dd").attr("part", "number").add_text(c.number)));
  section.add(element("p").attr("part", "time-limit").add_text(
      f(UiText::push_time_limit, {duration_words(c.expires_at_ms - c.opened_at_ms, lang)})));
  section.add(element("p").attr("id", id("countdown")).attr("part", "countdown").add_text(
      f(UiText::time_left, {countdown_clock(c.expires_at_ms - now)})));
  section.add(element("p").attr("part", "note").add_text(t(UiText::push_not_me)));
  Node actions = element("div").attr("part", "actions");
  actions.add(button(UiText::no_notification_button, login_action::no_notification, "button link"));
  if (devices.size() > 1) actions.add(button(UiText::other_device_button, login_action::use_other_device, "button secondary"));
  actions.add(button(UiText::cancel_button, login_action::cancel, "button secondary"));
  section.add(std::move(actions));
  return section;
}

Node LoginFlow::State::render_outcome() const {
  UiText heading = UiText::failed_title;
  switch (screen) {
    case LoginScreen::locked: heading = UiText::locked_title; break;
    case LoginScreen::expired: heading = UiText::expired_title; break;
    case LoginScreen::network_error: heading = UiText::network_title; break;
    default: break;
  }
  Node section = element("section").attr("part", "screen");
  section.add(title(heading));
  section.add(error_node());
  Node actions = element("div").attr("part", "actions");
  if (retry == RetryKind::restart) {
    actions.add(button(UiText::restart_button, login_action::restart, "button primary", "retry"));
  } else {
    actions.add(button(UiText::retry_button, login_action::retry, "button primary", "retry"));
    if (devices.size() > 1) actions.add(button(UiText::other_device_button, login_action::use_other_device, "button secondary"));
    actions.add(button(UiText::cancel_button, login_action::cancel, "button secondary"));
  }
  section.add(std::move(actions));
  return section;
}

Node LoginFlow::State::render_authenticated() const {
  Node section = element("section").attr("part", "screen");
  section.add(title(UiText::authenticated_title));
  section.add(element("p").attr("part", "intro").add_text(f(UiText::authenticated_body, {session_username})));
  return section;
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
  s.random = config.random ? std::move(config.random) : RandomBelow([](std::uint32_t bound) { return random_below(bound); });
  s.now = config.now_ms;
  s.username = std::move(config.username);
  s.announcement.reset();
  s.blocked_until = 0;
  s.session_json.clear();
  s.session_username.clear();
  s.screen = LoginScreen::credentials;
  ++s.generation;
  s.focus(s.id(s.username.empty() ? "username" : "password"));
  s.emit_state();
  return s.take_output();
}

LoginOutput LoginFlow::on_event(UserEvent event) {
  auto& s = *s_;
  auto out = s.run(event.now_ms, [&] { s.on_event(event); });
  wipe_all(event.value);  // in case it was not moved into a SecretString
  return out;
}

LoginOutput LoginFlow::on_reply(HttpReply reply) {
  auto& s = *s_;
  auto out = s.run(reply.now_ms, [&] { s.on_reply(reply); });
  wipe_all(reply.body);  // may hold a completion token
  return out;
}

LoginOutput LoginFlow::on_timer(TimerFired timer) {
  auto& s = *s_;
  return s.run(timer.now_ms, [&] { s.on_timer(timer); });
}

LoginOutput LoginFlow::set_lang(Lang lang, std::int64_t now_ms) {
  auto& s = *s_;
  return s.run(now_ms, [&] { s.lang = lang; });
}

LoginScreen LoginFlow::screen() const noexcept { return s_->screen; }
bool LoginFlow::busy() const noexcept { return s_->busy; }
Lang LoginFlow::lang() const noexcept { return s_->lang; }
Node LoginFlow::view() const { return s_->render(); }

}  // namespace sls
