// The outputs of the core's two state machines (LoginFlow of <sls-login>, SecurityCentre of <sls-security>) as JS
// values, and the reading of JS strings that may hold secrets: shared by login_flow_js and security_centre_js.
//
// Strings cross the boundary through TextEncoder.encodeInto and
// TextDecoder.decode on views of the module's memory, so that no extra,
// unwiped copy of a secret is left in the WebAssembly heap (Embind's own
// std::string conversion goes through a malloc'd buffer that is freed
// without being wiped). Where those classes are missing (jsdom), Embind's
// conversion is used instead.
#pragma once

#include <emscripten/val.h>

#include <optional>
#include <string>
#include <string_view>

#include "sls/json.hpp"
#include "sls/login_flow.hpp"
#include "sls/view.hpp"

namespace sls::wasm {

using emscripten::val;

/// A JS string with the UTF-8 text `s`, decoded straight from module memory.
val js_text(std::string_view s);

/// The UTF-8 bytes of a JS string, encoded straight into a buffer this side
/// owns (the caller moves it into a SecretString or wipes it); nullopt if
/// `value` is not a string.
std::optional<std::string> owned_text_of(const val& value);

/// A JSON value (an emit effect's detail) as a plain JS value.
val json_to_js(const JsonValue& json);

/// A view node as {tag, key, attrs, on, children}, or {tag: "#text", text}.
val view_to_js(const Node& node);

/// One effect as {kind, ...its fields}.
val effect_to_js(const Effect& effect);

/// {effects, view, error: null}; converts and then drops the output (taken
/// by value: the secrets it holds are wiped before this returns).
val login_output_to_js(LoginOutput output);

}  // namespace sls::wasm
