// The outputs of the core's state machines as JS values, and strings read from JS without stray copies
// (flow_output_js.hpp).
#include "flow_output_js.hpp"

#include <cstddef>
#include <cstdint>
#include <variant>

namespace sls::wasm {

namespace {

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

}  // namespace

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

namespace {

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

}  // namespace

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

}  // namespace sls::wasm
