// JavaScript binding of the login flow of <sls-login> (sls/login_flow.hpp): the class LoginFlow.
//
// Every method returns a LoginOutput as {effects, view, error}: the C++
// LoginOutput lives only inside the call, so the secrets it holds (request
// bodies with a password, a code or a completion token; the typed-code
// preview in the view) are wiped by its SecretStrings and wipe-on-drop
// before the call returns. The JS copies are plain strings that the shell
// hands to fetch() and drops.
//
// Strings cross the boundary without stray copies (flow_output_js.hpp,
// shared with the security centre's binding).
#include <emscripten/bind.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "flow_output_js.hpp"
#include "js_conversions.hpp"
#include "sls/json.hpp"
#include "sls/lang.hpp"
#include "sls/login_flow.hpp"
#include "sls/view.hpp"

namespace {

using namespace sls::wasm;

/// What a call with a wrong argument returns: nothing done, the current view,
/// and bad_argument naming the parameter (in the flow's language).
val flow_bad_argument(const sls::LoginFlow& flow, const char* parameter) {
  val out = val::object();
  out.set("effects", val::array());
  out.set("view", view_to_js(flow.view()));
  out.set("error", error_to_js(bad_argument_error(parameter), flow.lang()));
  return out;
}

/// An optional integer field of a config object into `target`, clamped by
/// the core; false when present but not an integer in [0, max].
template <class T>
bool read_optional_count(const val& object, const char* name, std::int64_t max, T& target) {
  val field = property(object, name);
  if (is_absent(field)) return true;
  auto n = int64_of(field);
  if (!n || *n < 0 || *n > max) return false;
  target = static_cast<T>(*n);
  return true;
}

val flow_start(sls::LoginFlow& flow, val config) {
  if (!is_object(config)) return flow_bad_argument(flow, "config");
  sls::LoginConfig c;
  val lang = property(config, "lang");
  if (!is_absent(lang)) {
    auto tag = string_of(lang);
    if (!tag) return flow_bad_argument(flow, "lang");
    c.lang = sls::lang_from_tag(*tag);
  }
  val username = property(config, "username");
  if (!is_absent(username)) {
    auto name = string_of(username);
    if (!name) return flow_bad_argument(flow, "username");
    c.username = std::move(*name);
  }
  auto now = int64_of(property(config, "now_ms"));
  if (!now) return flow_bad_argument(flow, "now_ms");
  c.now_ms = *now;
  val prefix = property(config, "id_prefix");
  if (!is_absent(prefix)) {
    auto text = string_of(prefix);
    if (!text) return flow_bad_argument(flow, "id_prefix");
    c.id_prefix = std::move(*text);
  }
  for (auto [name, field] : {std::pair{"audience", &c.audience}, std::pair{"nonce", &c.nonce}}) {
    val v = property(config, name);
    if (is_absent(v)) continue;
    auto text = string_of(v);
    if (!text) return flow_bad_argument(flow, name);
    *field = std::move(*text);
  }
  val step_up = property(config, "step_up");
  if (!is_absent(step_up)) {
    if (!step_up.isTrue() && !step_up.isFalse()) return flow_bad_argument(flow, "step_up");
    c.step_up = step_up.isTrue();
  }
  val poll = property(config, "poll");
  if (!is_absent(poll)) {
    if (!is_object(poll)) return flow_bad_argument(flow, "poll");
    constexpr std::int64_t kDay = 86'400'000;
    if (!read_optional_count(poll, "first_delay_ms", kDay, c.poll.first_delay_ms))
      return flow_bad_argument(flow, "first_delay_ms");
    if (!read_optional_count(poll, "max_delay_ms", kDay, c.poll.max_delay_ms))
      return flow_bad_argument(flow, "max_delay_ms");
    if (!read_optional_count(poll, "jitter_percent", 100, c.poll.jitter_percent))
      return flow_bad_argument(flow, "jitter_percent");
    if (!read_optional_count(poll, "max_network_retries", 100, c.poll.max_network_retries))
      return flow_bad_argument(flow, "max_network_retries");
    if (!read_optional_count(poll, "long_poll_wait_s", 300, c.poll.long_poll_wait_s))
      return flow_bad_argument(flow, "long_poll_wait_s");
  }
  return login_output_to_js(flow.start(std::move(c)));
}

val flow_on_event(sls::LoginFlow& flow, val event) {
  if (!is_object(event)) return flow_bad_argument(flow, "event");
  sls::UserEvent e;
  auto action = string_of(property(event, "action"));
  if (!action) return flow_bad_argument(flow, "action");
  e.action = std::move(*action);
  val value = property(event, "value");
  if (!is_absent(value)) {
    // May be a password or a code: read without a stray copy; the flow
    // moves it into a SecretString or wipes it.
    auto text = owned_text_of(value);
    if (!text) return flow_bad_argument(flow, "value");
    e.value = std::move(*text);
  }
  auto now = int64_of(property(event, "now_ms"));
  if (!now) return flow_bad_argument(flow, "now_ms");
  e.now_ms = *now;
  return login_output_to_js(flow.on_event(std::move(e)));
}

val flow_on_reply(sls::LoginFlow& flow, val reply) {
  if (!is_object(reply)) return flow_bad_argument(flow, "reply");
  sls::HttpReply r;
  auto id = uint64_of(property(reply, "request_id"));
  if (!id) return flow_bad_argument(flow, "request_id");
  r.request_id = *id;
  auto status = int64_of(property(reply, "status"));
  if (!status || *status < 0 || *status > 999) return flow_bad_argument(flow, "status");
  r.status = static_cast<int>(*status);
  val retry_after = property(reply, "retry_after_s");
  if (!is_absent(retry_after)) {
    r.retry_after_s = int64_of(retry_after);
    if (!r.retry_after_s) return flow_bad_argument(flow, "retry_after_s");
  }
  val body = property(reply, "body");
  if (!is_absent(body)) {
    // May hold a completion token: read without a stray copy; the flow
    // wipes it after reading.
    auto text = owned_text_of(body);
    if (!text) return flow_bad_argument(flow, "body");
    r.body = std::move(*text);
  }
  auto now = int64_of(property(reply, "now_ms"));
  if (!now) return flow_bad_argument(flow, "now_ms");
  r.now_ms = *now;
  return login_output_to_js(flow.on_reply(std::move(r)));
}

val flow_on_timer(sls::LoginFlow& flow, val timer) {
  if (!is_object(timer)) return flow_bad_argument(flow, "timer");
  auto id = uint64_of(property(timer, "timer_id"));
  if (!id) return flow_bad_argument(flow, "timer_id");
  auto now = int64_of(property(timer, "now_ms"));
  if (!now) return flow_bad_argument(flow, "now_ms");
  return login_output_to_js(flow.on_timer(sls::TimerFired{*id, *now}));
}

val flow_set_lang(sls::LoginFlow& flow, val lang, val now_ms) {
  auto tag = string_of(lang);
  if (!tag) return flow_bad_argument(flow, "lang");
  auto now = int64_of(now_ms);
  if (!now) return flow_bad_argument(flow, "now_ms");
  return login_output_to_js(flow.set_lang(sls::lang_from_tag(*tag), *now));
}

/// The element's audience and nonce changed: strings, or null/undefined
/// for none. True when taken; false (nothing changed) for another type.
val flow_set_assertion_request(sls::LoginFlow& flow, val audience, val nonce) {
  std::string texts[2];
  const val* given[2] = {&audience, &nonce};
  for (int i = 0; i < 2; ++i) {
    if (is_absent(*given[i])) continue;
    auto text = string_of(*given[i]);
    if (!text) return val(false);
    texts[i] = std::move(*text);
  }
  flow.set_assertion_request(std::move(texts[0]), std::move(texts[1]));
  return val(true);
}

val flow_screen(const sls::LoginFlow& flow) { return js_text(sls::login_screen_id(flow.screen())); }
val flow_busy(const sls::LoginFlow& flow) { return val(flow.busy()); }
val flow_lang(const sls::LoginFlow& flow) { return js_text(sls::lang_tag(flow.lang())); }
val flow_view(const sls::LoginFlow& flow) { return view_to_js(flow.view()); }

}  // namespace

EMSCRIPTEN_BINDINGS(sls_login_flow) {
  // Instances hold Wasm memory: call delete() when done (the element does
  // so in disconnectedCallback).
  emscripten::class_<sls::LoginFlow>("LoginFlow")
      .constructor<>()
      .function("start", &flow_start)
      .function("on_event", &flow_on_event)
      .function("on_reply", &flow_on_reply)
      .function("on_timer", &flow_on_timer)
      .function("set_lang", &flow_set_lang)
      .function("set_assertion_request", &flow_set_assertion_request)
      .function("screen", &flow_screen)
      .function("busy", &flow_busy)
      .function("lang", &flow_lang)
      .function("view", &flow_view);
}
