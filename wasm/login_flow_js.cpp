// JavaScript binding of the login flow of <sls-login> (sls/login_flow.hpp): the class LoginFlow.
//
// Every method returns a LoginOutput as {effects, view, error}: the C++
// LoginOutput lives only inside the call, so the secrets it holds (request
// bodies with a password, a code or a completion token; the typed-code
// preview in the view) are wiped by its SecretStrings and wipe-on-drop
// before the call returns. The JS copies are plain strings that the shell
// hands to fetch() and drops.
//
// Strings cross the boundary through TextEncoder.encodeInto and
// TextDecoder.decode on views of the module's memory, so that no extra,
// unwiped copy of a secret is left in the WebAssembly heap (Embind's own
// std::string conversion goes through a malloc'd buffer that is freed
// without being wiped). Where those classes are missing (jsdom), Embind's
// conversion is used instead.
#include <emscripten/bind.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "js_conversions.hpp"
#include "sls/json.hpp"
#include "sls/lang.hpp"
#include "sls/login_flow.hpp"
#include "sls/view.hpp"

namespace {

using namespace sls::wasm;

/// TextEncoder / TextDecoder of the host, or undefined.
const val& text_encoder() {
  static const val encoder =
      val::global("TextEncoder").isUndefined() ? val::undefined() : val::global("TextEncoder").new_();
  return encoder;
}
const val& text_decoder() {
  static const val decoder =
      val::global("TextDecoder").isUndefined() ? val::undefined() : val::global("TextDecoder").new_();
  return decoder;
}

/// A JS string with the UTF-8 text `s`, decoded straight from module memory.
val js_text(std::string_view s) {
  const val& decoder = text_decoder();
  if (decoder.isUndefined()) return val(std::string(s));
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(s.data());
  return decoder.call<val>("decode", val(emscripten::typed_memory_view(s.size(), bytes)));
}

/// The UTF-8 bytes of a JS string, encoded straight into a buffer this side
/// owns (the caller moves it into a SecretString or wipes it); nullopt if
/// `value` is not a string. A UTF-16 code unit takes at most 3 UTF-8 bytes.
std::optional<std::string> owned_text_of(const val& value) {
  if (!value.isString()) return std::nullopt;
  const val& encoder = text_encoder();
  if (encoder.isUndefined()) return value.as<std::string>();
  std::string buffer(value["length"].as<std::size_t>() * 3, '\0');
  val written = encoder.call<val>(
      "encodeInto", value,
      val(emscripten::typed_memory_view(buffer.size(), reinterpret_cast<std::uint8_t*>(buffer.data()))))["written"];
  buffer.resize(written.as<std::size_t>());
  return buffer;
}

/// A JSON value (an emit effect's detail) as a plain JS value; integers
/// become numbers.
val json_to_js(const sls::JsonValue& json) {
  switch (json.kind()) {
    case sls::JsonValue::Kind::null: return val::null();
    case sls::JsonValue::Kind::boolean: return val(*json.as_bool());
    case sls::JsonValue::Kind::integer: return val(static_cast<double>(*json.as_int()));
    case sls::JsonValue::Kind::number_text: return val::global("Number")(std::string(*json.as_number_text()));
    case sls::JsonValue::Kind::string: return js_text(*json.as_string());
    case sls::JsonValue::Kind::array: {
      val out = val::array();
      const auto& items = *json.as_array();
      for (std::size_t i = 0; i < items.size(); ++i) out.set(i, json_to_js(items[i]));
      return out;
    }
    case sls::JsonValue::Kind::object: {
      val out = val::object();
      for (const auto& member : *json.as_object()) out.set(js_text(member.key), json_to_js(member.value));
      return out;
    }
  }
  return val::null();
}

/// A view node as {tag, key, attrs, on, children}, or {tag: "#text", text}.
val view_to_js(const sls::Node& node) {
  val out = val::object();
  if (node.kind == sls::Node::Kind::text) {
    out.set("tag", val("#text"));
    out.set("text", js_text(node.text));
    return out;
  }
  out.set("tag", js_text(node.tag));
  out.set("key", js_text(node.key));
  val attrs = val::array();
  for (std::size_t i = 0; i < node.attributes.size(); ++i) {
    val pair = val::array();
    pair.set(0, js_text(node.attributes[i].name));
    pair.set(1, js_text(node.attributes[i].value));
    attrs.set(i, pair);
  }
  out.set("attrs", attrs);
  val on = val::array();
  for (std::size_t i = 0; i < node.events.size(); ++i) {
    val pair = val::array();
    pair.set(0, js_text(node.events[i].event));
    pair.set(1, js_text(node.events[i].action));
    on.set(i, pair);
  }
  out.set("on", on);
  val children = val::array();
  for (std::size_t i = 0; i < node.children.size(); ++i) children.set(i, view_to_js(node.children[i]));
  out.set("children", children);
  return out;
}

/// Request and timer ids count up from 1: far below 2^53, exact as numbers.
val js_id(std::uint64_t id) { return val(static_cast<double>(id)); }

/// The fields of each kind of effect, in the order the shell has always
/// seen them (after "kind").
struct EffectFieldsToJs {
  val& out;
  void operator()(const sls::HttpEffect& e) const {
    out.set("id", js_id(e.id));
    out.set("method", js_text(e.method));
    out.set("path", js_text(e.path));
    out.set("body", js_text(e.body.view()));
    // Request headers as a plain object; the login secret among them goes
    // into fetch's headers, never into the URL.
    val headers = val::object();
    for (const auto& h : e.headers) headers.set(js_text(h.name), js_text(h.value.view()));
    out.set("headers", headers);
  }
  void operator()(const sls::CancelHttpEffect& e) const { out.set("id", js_id(e.id)); }
  void operator()(const sls::TimerEffect& e) const {
    out.set("id", js_id(e.id));
    out.set("delay_ms", val(static_cast<double>(e.delay_ms)));
  }
  void operator()(const sls::CancelTimerEffect& e) const { out.set("id", js_id(e.id)); }
  void operator()(const sls::FocusEffect& e) const { out.set("target", js_text(e.element_id)); }
  void operator()(const sls::AnnounceEffect& e) const { out.set("text", js_text(e.text)); }
  void operator()(const sls::EmitEffect& e) const {
    out.set("type", js_text(e.type));
    out.set("detail", json_to_js(e.detail));
  }
};

val effect_to_js(const sls::Effect& effect) {
  val out = val::object();
  out.set("kind", js_text(sls::effect_kind_id(sls::effect_kind(effect))));
  std::visit(EffectFieldsToJs{out}, effect);
  return out;
}

/// Converts and then drops a LoginOutput (taken by value: it dies here).
val login_output_to_js(sls::LoginOutput output) {
  val effects = val::array();
  for (std::size_t i = 0; i < output.effects.size(); ++i) effects.set(i, effect_to_js(output.effects[i]));
  val out = val::object();
  out.set("effects", effects);
  out.set("view", view_to_js(output.view));
  out.set("error", val::null());
  return out;
}

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
