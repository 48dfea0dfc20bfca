// JavaScript bindings of typed entry: folding, responses, challenges, code-card entries and PINs.
#include <emscripten/bind.h>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "js_conversions.hpp"
#include "sls/code_card.hpp"
#include "sls/entry.hpp"
#include "sls/pin.hpp"
#include "sls/response.hpp"

namespace {

using namespace sls::wasm;

val entry_state_to_js(const sls::EntryState& state, sls::Lang lang) {
  val out = val::object();
  out.set("normalized", state.normalized);
  out.set("display", state.display);
  out.set("complete", state.complete);
  out.set("error", state.error == sls::Errc::ok ? val::null() : error_to_js(state.error, lang));
  return out;
}

/// A function of one typed string that cannot fail (folding, formatting).
template <class F>
val string_to_string(const val& text, const char* parameter, F f) {
  auto s = string_of(text);
  if (!s) return bad_argument(parameter);
  return val(f(*s));
}

/// A live check of a typed string, in `lang_tag`'s language.
template <class F>
val inspect(const val& typed, const val& lang_tag, F f) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto text = string_of(typed);
  if (!text) return bad_argument("typed", *lang);
  return entry_state_to_js(f(*text), *lang);
}

/// A submit-time check of a string parameter, giving the normalised string.
template <class F>
val parse(const val& typed, const char* parameter, const val& lang_tag, F f) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto text = string_of(typed);
  if (!text) return bad_argument(parameter, *lang);
  return string_result_to_js(f(*text), *lang);
}

// ---------------------------------------------------------------------------
// Typed codes: folding, responses, challenges

val fold_typed_code(val typed) {
  return string_to_string(typed, "typed", [](const std::string& s) { return sls::fold_typed_code(s); });
}

val inspect_response(val typed, val lang) {
  return inspect(typed, lang, [](const std::string& s) { return sls::inspect_response(s); });
}

val parse_response(val typed, val lang) {
  return parse(typed, "typed", lang, [](const std::string& s) { return sls::parse_response(s); });
}

val format_response(val digits) {
  return string_to_string(digits, "digits", [](const std::string& s) { return sls::format_response(s); });
}

val response_from_ocra(val seven_digits, val lang) {
  return parse(seven_digits, "seven_digits", lang, [](const std::string& s) { return sls::response_from_ocra(s); });
}

val damm_check_digit(val digits) {
  auto text = string_of(digits);
  if (!text) return bad_argument("digits");
  auto check = sls::damm_check_digit(*text);
  return check ? val(std::string(1, *check)) : val::null();
}

val damm_valid(val digits) {
  auto text = string_of(digits);
  if (!text) return bad_argument("digits");
  return val(sls::damm_valid(*text));
}

val inspect_challenge(val typed, val lang) {
  return inspect(typed, lang, [](const std::string& s) { return sls::inspect_challenge(s); });
}

val parse_challenge(val typed, val lang) {
  return parse(typed, "typed", lang, [](const std::string& s) { return sls::parse_challenge(s); });
}

val format_challenge(val digits) {
  return string_to_string(digits, "digits", [](const std::string& s) { return sls::format_challenge(s); });
}

val generate_challenge() { return val(sls::generate_challenge()); }

// ---------------------------------------------------------------------------
// Code cards: what the login page checks while the user types

val inspect_card_entry(val typed, val lang) {
  return inspect(typed, lang, [](const std::string& s) { return sls::inspect_card_entry(s); });
}

val parse_card_entry(val typed, val lang) {
  return parse(typed, "typed", lang, [](const std::string& s) { return sls::parse_card_entry(s); });
}

/// The cells asked before: a JS array (or typed array) whose element i tells
/// whether cell i + 1 was used (any truthy value). Absent means none.
std::optional<std::vector<bool>> used_cells_of(const val& value) {
  std::vector<bool> used;
  if (is_absent(value)) return used;
  if (!value.isArray() && !value.instanceof (val::global("Uint8Array"))) return std::nullopt;
  const auto n = value["length"].as<std::size_t>();
  used.reserve(n);
  for (std::size_t i = 0; i < n; ++i) used.push_back(value[i].as<bool>());
  return used;
}

val card_challenge_to_js(const sls::CardChallenge& challenge) {
  val out = val::object();
  out.set("first", challenge.first);
  out.set("second", challenge.second);
  return out;
}

val pick_card_challenge(val cells, val policy, val used, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto count = count_of(cells);
  if (!count) return bad_argument("cells", *lang);
  auto policy_name = string_of(policy);
  if (!policy_name || (*policy_name != "allowed" && *policy_name != "never")) return bad_argument("policy", *lang);
  auto used_cells = used_cells_of(used);
  if (!used_cells) return bad_argument("used", *lang);
  const auto reuse = *policy_name == "never" ? sls::CellReuse::never : sls::CellReuse::allowed;
  return result_to_js(sls::pick_card_challenge(*count, reuse, *used_cells), *lang, card_challenge_to_js);
}

val logins_left(val cells, val used) {
  auto count = count_of(cells);
  if (!count) return bad_argument("cells");
  auto used_cells = used_cells_of(used);
  if (!used_cells) return bad_argument("used");
  return val(static_cast<double>(sls::logins_left(*count, *used_cells)));
}

// ---------------------------------------------------------------------------
// PINs

/// A PIN check: the PIN is moved into wiped memory before it is checked.
template <class F>
val check_pin(const val& pin, const val& lang_tag, F check) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto text = string_of(pin);
  if (!text) return bad_argument("pin", *lang);
  sls::SecretString owned(std::move(*text));
  return status_to_js(check(owned.view()), *lang);
}

val check_recovery_pin(val pin, val lang) {
  return check_pin(pin, lang, [](std::string_view p) { return sls::check_recovery_pin(p); });
}

val check_soft_pin(val pin, val lang) {
  return check_pin(pin, lang, [](std::string_view p) { return sls::check_soft_pin(p); });
}

}  // namespace

EMSCRIPTEN_BINDINGS(sls_entry) {
  using emscripten::function;
  function("fold_typed_code", &fold_typed_code);
  function("inspect_response", &inspect_response);
  function("parse_response", &parse_response);
  function("format_response", &format_response);
  function("response_from_ocra", &response_from_ocra);
  function("damm_check_digit", &damm_check_digit);
  function("damm_valid", &damm_valid);
  function("inspect_challenge", &inspect_challenge);
  function("parse_challenge", &parse_challenge);
  function("format_challenge", &format_challenge);
  function("generate_challenge", &generate_challenge);

  function("inspect_card_entry", &inspect_card_entry);
  function("parse_card_entry", &parse_card_entry);
  function("pick_card_challenge", &pick_card_challenge);
  function("logins_left", &logins_left);

  function("check_recovery_pin", &check_recovery_pin);
  function("check_soft_pin", &check_soft_pin);
}
