// JavaScript bindings of the error catalog: its error codes and their localised messages.
#include <emscripten/bind.h>

#include <string>
#include <string_view>
#include <vector>

#include "js_conversions.hpp"
#include "sls/messages.hpp"

namespace {

using namespace sls::wasm;

val error_codes() {
  // Codes run from 1 to the last line of errors.def; errc_name maps any
  // value past the catalog to "internal", which marks the end.
  std::vector<std::string> names;
  const auto internal = static_cast<std::size_t>(sls::Errc::internal);
  for (std::size_t i = 1;; ++i) {
    std::string_view name = sls::errc_name(static_cast<sls::Errc>(i));
    if (i != internal && name == sls::errc_name(sls::Errc::internal)) break;
    names.emplace_back(name);
  }
  return js_string_array(names);
}

/// The catalog entry a code names; nullopt for a string that names none (or "ok").
std::optional<sls::Errc> known_code(const std::string& name) {
  auto errc = sls::errc_from_name(name);
  if (!errc || *errc == sls::Errc::ok) return std::nullopt;
  return errc;
}

val message_template(val code, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto name = string_of(code);
  if (!name) return bad_argument("code", *lang);
  auto errc = known_code(*name);
  if (!errc) return val::null();
  return val(std::string(sls::message_template(*errc, *lang)));
}

val localize(val code, val args, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto name = string_of(code);
  if (!name) return bad_argument("code", *lang);
  auto arguments = strings_of(args);
  if (!arguments) return bad_argument("args", *lang);
  auto errc = known_code(*name);
  if (!errc) return val::null();
  return val(sls::localize(sls::Error{*errc, std::move(*arguments)}, *lang));
}

}  // namespace

EMSCRIPTEN_BINDINGS(sls_messages) {
  using emscripten::function;
  function("error_codes", &error_codes);
  function("message_template", &message_template);
  function("localize", &localize);
}
