// Every JavaScript binding of the core, in one place (Embind).
//
// The JS surface is documented in web/sls-core.d.ts. Its conventions:
//  - names are the core's names (snake_case), so one concept has one name;
//  - a fallible function returns {ok: true, value} or {ok: false, error},
//    where error is {code, args, message}: the stable wire name, the message
//    arguments and the message in the language of the `lang` argument (any
//    BCP 47 tag; see lang_from_tag); the one class, LoginFlow, returns
//    {effects, view, error} instead, error being null unless an argument
//    was wrong;
//  - values are plain JS objects, strings, numbers and booleans; binary data
//    (keys, signatures) crosses as lower-case hexadecimal;
//  - nothing throws for bad input: the core never throws, and a JS value of
//    the wrong type is the error bad_argument naming the parameter. (Embind
//    itself throws when a function is called with the wrong NUMBER of
//    arguments: callers pass undefined rather than leave one out.)
//  - operations that make or hold server secrets (signing keys, card codes)
//    are compiled only with SLS_WASM_SERVER_SIDE, for the demo and Node
//    builds; the production browser module has none (see wasm/CMakeLists.txt).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sls/code_card.hpp"
#include "sls/entry.hpp"
#include "sls/json.hpp"
#include "sls/lang.hpp"
#include "sls/login_flow.hpp"
#include "sls/messages.hpp"
#include "sls/mobile_key.hpp"
#include "sls/ocra.hpp"
#include "sls/pin.hpp"
#include "sls/qr_svg.hpp"
#include "sls/response.hpp"
#include "sls/result.hpp"
#include "sls/secure.hpp"
#include "sls/signed_payload.hpp"
#include "sls/view.hpp"

namespace {

using emscripten::val;

// ---------------------------------------------------------------------------
// Conversions between JS values and core types. Every parameter arrives as a
// val and is checked here, so a wrong JS type is an error value, not a throw.

// Largest integer a JS number holds exactly (Number.MAX_SAFE_INTEGER).
constexpr double kMaxSafeInteger = 9007199254740991.0;

/// The string in `value`, or nullopt if it is not a JS string.
std::optional<std::string> string_of(const val& value) {
  if (!value.isString()) return std::nullopt;
  return value.as<std::string>();
}

/// The string in `value`, or "" if it is not a JS string: for functions that
/// cannot fail (folding, formatting), where "" is what no input gives.
std::string string_or_empty(const val& value) { return string_of(value).value_or(std::string()); }

/// An integer in `value`: a JS number that is an integer within ±2^53, or a
/// bigint or string of at most 18 decimal digits with an optional leading
/// '-' (so it cannot overflow int64). nullopt otherwise.
std::optional<std::int64_t> int64_of(const val& value) {
  const std::string type = value.typeOf().as<std::string>();
  std::string text;
  if (type == "number") {
    const double d = value.as<double>();
    if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > kMaxSafeInteger) return std::nullopt;
    return static_cast<std::int64_t>(d);
  }
  if (type == "bigint") {
    text = val::global("String")(value).as<std::string>();
  } else if (type == "string") {
    text = value.as<std::string>();
  } else {
    return std::nullopt;
  }
  std::string_view digits = text;
  const bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::int64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return negative ? -n : n;
}

/// A non-negative integer (see int64_of).
std::optional<std::uint64_t> uint64_of(const val& value) {
  auto n = int64_of(value);
  if (!n || *n < 0) return std::nullopt;
  return static_cast<std::uint64_t>(*n);
}

/// Bytes from a hexadecimal JS string (either case, even length).
std::optional<std::vector<std::uint8_t>> bytes_of_hex(const val& value) {
  auto text = string_of(value);
  std::vector<std::uint8_t> bytes;
  if (!text || !sls::from_hex(*text, bytes)) return std::nullopt;
  return bytes;
}

/// A property of a JS object, or undefined when `object` is not an object.
val property(const val& object, const char* name) {
  if (object.typeOf().as<std::string>() != "object" || object.isNull()) return val::undefined();
  return object[name];
}

bool is_absent(const val& value) { return value.isUndefined() || value.isNull(); }

/// Byte buffers that hold secrets (keys, PIN hashes): wiped when dropped.
struct WipedBytes {
  std::vector<std::uint8_t> bytes;
  ~WipedBytes() { sls::wipe(bytes.data(), bytes.size()); }
};

val js_string_array(const std::vector<std::string>& items) {
  val out = val::array();
  for (std::size_t i = 0; i < items.size(); ++i) out.set(i, items[i]);
  return out;
}

// Reads a JS array of strings; a non-array yields no arguments and a
// non-string element an empty argument, never a throw.
std::vector<std::string> strings_from_js(const val& items) {
  std::vector<std::string> out;
  if (!items.isArray()) return out;
  const auto n = items["length"].as<std::size_t>();
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(string_or_empty(items[i]));
  return out;
}

/// A Uint8Array copied out of the module's memory.
val js_bytes(const std::vector<std::uint8_t>& bytes) {
  val view(emscripten::typed_memory_view(bytes.size(), bytes.data()));
  return view.call<val>("slice");
}

val error_to_js(const sls::Error& error, sls::Lang lang) {
  val out = val::object();
  out.set("code", std::string(sls::errc_name(error.code)));
  out.set("args", js_string_array(error.args));
  out.set("message", sls::localize(error, lang));
  return out;
}

val error_to_js(sls::Errc code, sls::Lang lang) { return error_to_js(sls::Error{code, {}}, lang); }

val ok_to_js(val value) {
  val out = val::object();
  out.set("ok", true);
  out.set("value", std::move(value));
  return out;
}

val failure_to_js(const sls::Error& error, sls::Lang lang) {
  val out = val::object();
  out.set("ok", false);
  out.set("error", error_to_js(error, lang));
  return out;
}

/// The failure a wrong JS argument gives: bad_argument naming the parameter.
val bad_argument(const char* parameter, sls::Lang lang) {
  return failure_to_js(sls::fail(sls::Errc::bad_argument, {parameter}), lang);
}

/// {ok, value | error} from a Result, converting the value with `to_js`.
template <class T, class ToJs>
val result_to_js(const sls::Result<T>& result, sls::Lang lang, ToJs to_js) {
  return result.ok() ? ok_to_js(to_js(result.value())) : failure_to_js(result.error(), lang);
}

val string_result_to_js(const sls::Result<std::string>& result, sls::Lang lang) {
  return result_to_js(result, lang, [](const std::string& s) { return val(s); });
}

val status_to_js(const sls::Status& status, sls::Lang lang) {
  return result_to_js(status, lang, [](std::monostate) { return val::null(); });
}

val entry_state_to_js(const sls::EntryState& state, sls::Lang lang) {
  val out = val::object();
  out.set("normalized", state.normalized);
  out.set("display", state.display);
  out.set("complete", state.complete);
  out.set("error", state.error == sls::Errc::ok ? val::null() : error_to_js(state.error, lang));
  return out;
}

sls::Lang lang_of(const val& tag) { return sls::lang_from_tag(string_or_empty(tag)); }

// ---------------------------------------------------------------------------
// Languages and messages

val resolve_lang(val tag) { return val(std::string(sls::lang_tag(lang_of(tag)))); }

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

std::optional<sls::Errc> known_code(const val& code) {
  auto name = string_of(code);
  if (!name) return std::nullopt;
  auto errc = sls::errc_from_name(*name);
  if (!errc || *errc == sls::Errc::ok) return std::nullopt;
  return errc;
}

val message_template(val code, val lang) {
  auto errc = known_code(code);
  if (!errc) return val::null();
  return val(std::string(sls::message_template(*errc, lang_of(lang))));
}

val localize(val code, val args, val lang) {
  auto errc = known_code(code);
  if (!errc) return val::null();
  return val(sls::localize(sls::Error{*errc, strings_from_js(args)}, lang_of(lang)));
}

// ---------------------------------------------------------------------------
// Typed codes: folding, challenges, responses

val fold_typed_code(val typed) { return val(sls::fold_typed_code(string_or_empty(typed))); }

val inspect_response(val typed, val lang) {
  return entry_state_to_js(sls::inspect_response(string_or_empty(typed)), lang_of(lang));
}

val parse_response(val typed, val lang) {
  auto text = string_of(typed);
  if (!text) return bad_argument("typed", lang_of(lang));
  return string_result_to_js(sls::parse_response(*text), lang_of(lang));
}

val format_response(val digits) { return val(sls::format_response(string_or_empty(digits))); }

val response_from_ocra(val seven_digits, val lang) {
  auto text = string_of(seven_digits);
  if (!text) return bad_argument("seven_digits", lang_of(lang));
  return string_result_to_js(sls::response_from_ocra(*text), lang_of(lang));
}

val damm_check_digit(val digits) {
  auto text = string_of(digits);
  if (!text) return val::null();
  auto check = sls::damm_check_digit(*text);
  return check ? val(std::string(1, *check)) : val::null();
}

val damm_valid(val digits) {
  auto text = string_of(digits);
  return val(text.has_value() && sls::damm_valid(*text));
}

val inspect_challenge(val typed, val lang) {
  return entry_state_to_js(sls::inspect_challenge(string_or_empty(typed)), lang_of(lang));
}

val parse_challenge(val typed, val lang) {
  auto text = string_of(typed);
  if (!text) return bad_argument("typed", lang_of(lang));
  return string_result_to_js(sls::parse_challenge(*text), lang_of(lang));
}

val format_challenge(val digits) { return val(sls::format_challenge(string_or_empty(digits))); }

val generate_challenge() { return val(sls::generate_challenge()); }

// ---------------------------------------------------------------------------
// Code cards

val inspect_card_entry(val typed, val lang) {
  return entry_state_to_js(sls::inspect_card_entry(string_or_empty(typed)), lang_of(lang));
}

val parse_card_entry(val typed, val lang) {
  auto text = string_of(typed);
  if (!text) return bad_argument("typed", lang_of(lang));
  return string_result_to_js(sls::parse_card_entry(*text), lang_of(lang));
}

/// A count of cells: a non-negative safe integer.
std::optional<std::size_t> cells_of(const val& value) {
  auto n = uint64_of(value);
  if (!n || *n > static_cast<std::uint64_t>(SIZE_MAX)) return std::nullopt;
  return static_cast<std::size_t>(*n);
}

/// The cells asked before: a JS array (or typed array) whose element i tells
/// whether cell i + 1 was used (any truthy value). Absent means none.
std::optional<std::vector<bool>> used_cells_of(const val& value) {
  std::vector<bool> used;
  if (is_absent(value)) return used;
  if (!value.isArray() && !value.instanceof(val::global("Uint8Array"))) return std::nullopt;
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
  const sls::Lang lang = lang_of(lang_tag);
  auto count = cells_of(cells);
  if (!count) return bad_argument("cells", lang);
  auto policy_name = string_of(policy);
  if (!policy_name || (*policy_name != "allowed" && *policy_name != "never")) return bad_argument("policy", lang);
  auto used_cells = used_cells_of(used);
  if (!used_cells) return bad_argument("used", lang);
  const auto reuse = *policy_name == "never" ? sls::CellReuse::never : sls::CellReuse::allowed;
  return result_to_js(sls::pick_card_challenge(*count, reuse, *used_cells), lang, card_challenge_to_js);
}

val logins_left(val cells, val used) {
  auto count = cells_of(cells);
  auto used_cells = used_cells_of(used);
  if (!count || !used_cells) return val(0);
  return val(static_cast<double>(sls::logins_left(*count, *used_cells)));
}

// ---------------------------------------------------------------------------
// PINs

val check_recovery_pin(val pin, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto text = string_of(pin);
  if (!text) return bad_argument("pin", lang);
  sls::SecretString owned(std::move(*text));
  return status_to_js(sls::check_recovery_pin(owned.view()), lang);
}

val check_soft_pin(val pin, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto text = string_of(pin);
  if (!text) return bad_argument("pin", lang);
  sls::SecretString owned(std::move(*text));
  return status_to_js(sls::check_soft_pin(owned.view()), lang);
}

// ---------------------------------------------------------------------------
// OCRA (RFC 6287)

const char* hash_name(sls::OcraHash hash) {
  switch (hash) {
    case sls::OcraHash::sha1: return "sha1";
    case sls::OcraHash::sha256: return "sha256";
    case sls::OcraHash::sha512: return "sha512";
  }
  return "sha256";
}

const char* question_format_name(sls::OcraQuestionFormat format) {
  switch (format) {
    case sls::OcraQuestionFormat::alphanumeric: return "alphanumeric";
    case sls::OcraQuestionFormat::numeric: return "numeric";
    case sls::OcraQuestionFormat::hex: return "hex";
  }
  return "numeric";
}

val ocra_suite_to_js(const sls::OcraSuite& suite) {
  val out = val::object();
  out.set("suite", suite.to_string());
  out.set("hash", val(hash_name(suite.hash())));
  out.set("digits", suite.digits());
  out.set("has_counter", suite.has_counter());
  out.set("question_format", val(question_format_name(suite.question_format())));
  out.set("question_length", suite.question_length());
  out.set("pin_hash", suite.pin_hash() ? val(hash_name(*suite.pin_hash())) : val::null());
  out.set("session_length", suite.session_length());
  out.set("has_timestamp", suite.has_timestamp());
  out.set("time_step_seconds", static_cast<double>(suite.time_step_seconds()));
  return out;
}

val ocra_suite(val text, val lang) {
  auto suite_text = string_of(text);
  if (!suite_text) return bad_argument("suite", lang_of(lang));
  return result_to_js(sls::OcraSuite::parse(*suite_text), lang_of(lang), ocra_suite_to_js);
}

/// Everything one OCRA computation reads, owned here (OcraInput only views).
struct OcraCall {
  std::optional<sls::OcraSuite> suite;
  WipedBytes key;
  std::string question;
  sls::SecretString pin;
  WipedBytes pin_hash;
  std::vector<std::uint8_t> session;
  sls::OcraInput input;
};

/// Reads (suite text, key hex, input object) into `call`; on a bad argument
/// returns the failure to hand back, otherwise undefined.
val read_ocra_call(const val& suite, const val& key_hex, const val& input, sls::Lang lang, OcraCall& call) {
  auto suite_text = string_of(suite);
  if (!suite_text) return bad_argument("suite", lang);
  auto parsed = sls::OcraSuite::parse(*suite_text);
  if (!parsed) return failure_to_js(parsed.error(), lang);
  call.suite.emplace(std::move(parsed).value());

  auto key = bytes_of_hex(key_hex);
  if (!key) return bad_argument("key", lang);
  call.key.bytes = std::move(*key);

  if (input.typeOf().as<std::string>() != "object" || input.isNull()) return bad_argument("input", lang);
  auto question = string_of(property(input, "question"));
  if (!question) return bad_argument("question", lang);
  call.question = std::move(*question);
  call.input.question = call.question;

  val mutual = property(input, "mutual");
  if (!is_absent(mutual)) {
    if (!mutual.isTrue() && !mutual.isFalse()) return bad_argument("mutual", lang);
    call.input.mutual = mutual.isTrue();
  }
  val counter = property(input, "counter");
  if (!is_absent(counter)) {
    call.input.counter = uint64_of(counter);
    if (!call.input.counter) return bad_argument("counter", lang);
  }
  val pin = property(input, "pin");
  if (!is_absent(pin)) {
    auto pin_text = string_of(pin);
    if (!pin_text) return bad_argument("pin", lang);
    call.pin = sls::SecretString(std::move(*pin_text));
    call.input.pin = call.pin.view();
  }
  val pin_hash = property(input, "pin_hash");
  if (!is_absent(pin_hash)) {
    auto bytes = bytes_of_hex(pin_hash);
    if (!bytes) return bad_argument("pin_hash", lang);
    call.pin_hash.bytes = std::move(*bytes);
    call.input.pin_hash = call.pin_hash.bytes;
  }
  val session = property(input, "session");
  if (!is_absent(session)) {
    auto bytes = bytes_of_hex(session);
    if (!bytes) return bad_argument("session", lang);
    call.session = std::move(*bytes);
    call.input.session = call.session;
  }
  val time_steps = property(input, "time_steps");
  if (!is_absent(time_steps)) {
    call.input.time_steps = uint64_of(time_steps);
    if (!call.input.time_steps) return bad_argument("time_steps", lang);
  }
  return val::undefined();
}

val ocra_compute(val suite, val key_hex, val input, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  OcraCall call;
  val failure = read_ocra_call(suite, key_hex, input, lang, call);
  if (!failure.isUndefined()) return failure;
  return string_result_to_js(sls::ocra_compute(*call.suite, call.key.bytes, call.input), lang);
}

val compute_device_response(val suite, val key_hex, val input, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  OcraCall call;
  val failure = read_ocra_call(suite, key_hex, input, lang, call);
  if (!failure.isUndefined()) return failure;
  return string_result_to_js(sls::compute_device_response(*call.suite, call.key.bytes, call.input), lang);
}

val verify_device_response(val suite, val key_hex, val input, val typed, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  OcraCall call;
  val failure = read_ocra_call(suite, key_hex, input, lang, call);
  if (!failure.isUndefined()) return failure;
  auto typed_text = string_of(typed);
  if (!typed_text) return bad_argument("typed", lang);
  return status_to_js(sls::verify_device_response(*call.suite, call.key.bytes, call.input, *typed_text), lang);
}

// ---------------------------------------------------------------------------
// Signed challenge payloads (the QR code's content)

val payload_to_js(const sls::ChallengePayload& payload) {
  val out = val::object();
  out.set("tx_id", sls::to_hex(payload.tx_id));
  out.set("challenge", payload.challenge);
  out.set("origin", payload.origin);
  out.set("expires_at", static_cast<double>(payload.expires_at));
  return out;
}

val validate_payload_origin(val origin, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto text = string_of(origin);
  if (!text) return bad_argument("origin", lang);
  return status_to_js(sls::validate_payload_origin(*text), lang);
}

val parse_signed_payload(val text, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto payload_text = string_of(text);
  if (!payload_text) return bad_argument("text", lang);
  return result_to_js(sls::parse_signed_payload(*payload_text), lang, payload_to_js);
}

val verify_signed_payload(val text, val public_key_hex, val now, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto payload_text = string_of(text);
  if (!payload_text) return bad_argument("text", lang);
  auto key = bytes_of_hex(public_key_hex);
  if (!key) return bad_argument("public_key", lang);
  auto now_seconds = int64_of(now);
  if (!now_seconds) return bad_argument("now", lang);
  return result_to_js(sls::verify_signed_payload(*payload_text, *key, *now_seconds), lang, payload_to_js);
}

// ---------------------------------------------------------------------------
// QR codes

std::optional<sls::QrEcc> ecc_of(const val& name) {
  if (is_absent(name)) return sls::QrEcc::medium;
  auto text = string_of(name);
  if (!text) return std::nullopt;
  if (*text == "low") return sls::QrEcc::low;
  if (*text == "medium") return sls::QrEcc::medium;
  if (*text == "quartile") return sls::QrEcc::quartile;
  if (*text == "high") return sls::QrEcc::high;
  return std::nullopt;
}

const char* ecc_name(sls::QrEcc ecc) {
  switch (ecc) {
    case sls::QrEcc::low: return "low";
    case sls::QrEcc::medium: return "medium";
    case sls::QrEcc::quartile: return "quartile";
    case sls::QrEcc::high: return "high";
  }
  return "medium";
}

val qr_fits(val text, val ecc) {
  auto data = string_of(text);
  auto level = ecc_of(ecc);
  return val(data.has_value() && level.has_value() && sls::qr_fits(*data, *level));
}

val qr_matrix_to_js(const sls::QrMatrix& matrix) {
  std::vector<std::uint8_t> modules(matrix.modules.size());
  for (std::size_t i = 0; i < modules.size(); ++i) modules[i] = matrix.modules[i] ? 1 : 0;
  val out = val::object();
  out.set("version", matrix.version);
  out.set("ecc", val(ecc_name(matrix.ecc)));
  out.set("size", matrix.size);
  out.set("quiet_zone", sls::qr_quiet_zone_modules);
  out.set("modules", js_bytes(modules));
  return out;
}

val qr_matrix(val text, val ecc, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto data = string_of(text);
  if (!data) return bad_argument("text", lang);
  auto level = ecc_of(ecc);
  if (!level) return bad_argument("ecc", lang);
  return result_to_js(sls::qr_matrix(*data, *level), lang, qr_matrix_to_js);
}

val qr_svg(val text, val ecc, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto data = string_of(text);
  if (!data) return bad_argument("text", lang);
  auto level = ecc_of(ecc);
  if (!level) return bad_argument("ecc", lang);
  return string_result_to_js(sls::qr_svg(*data, *level), lang);
}

// ---------------------------------------------------------------------------
// The login flow of <sls-login> (sls/login_flow.hpp), as class LoginFlow.
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

/// TextEncoder / TextDecoder of the host, or undefined.
const val& text_encoder() {
  static const val encoder = val::global("TextEncoder").isUndefined() ? val::undefined() : val::global("TextEncoder").new_();
  return encoder;
}
const val& text_decoder() {
  static const val decoder = val::global("TextDecoder").isUndefined() ? val::undefined() : val::global("TextDecoder").new_();
  return decoder;
}

/// A JS string with the UTF-8 text `s`, decoded straight from module memory.
val js_text(std::string_view s) {
  const val& decoder = text_decoder();
  if (decoder.isUndefined()) return val(std::string(s));
  return decoder.call<val>("decode",
                           val(emscripten::typed_memory_view(s.size(), reinterpret_cast<const std::uint8_t*>(s.data()))));
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

bool is_object(const val& value) { return value.typeOf().as<std::string>() == "object" && !value.isNull(); }

/// A JSON value (an emit effect's detail) as a plain JS value; integers
/// become numbers.
val json_to_js(const sls::JsonValue& json) {
  switch (json.kind()) {
    case sls::JsonValue::Kind::null: return val::null();
    case sls::JsonValue::Kind::boolean: return val(*json.as_bool());
    case sls::JsonValue::Kind::integer: return val(static_cast<double>(*json.as_int()));
    case sls::JsonValue::Kind::real: return val(*json.as_double());
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
  out.set("error", error_to_js(sls::fail(sls::Errc::bad_argument, {parameter}), flow.lang()));
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
  val poll = property(config, "poll");
  if (!is_absent(poll)) {
    if (!is_object(poll)) return flow_bad_argument(flow, "poll");
    constexpr std::int64_t kDay = 86'400'000;
    if (!read_optional_count(poll, "first_delay_ms", kDay, c.poll.first_delay_ms)) return flow_bad_argument(flow, "first_delay_ms");
    if (!read_optional_count(poll, "max_delay_ms", kDay, c.poll.max_delay_ms)) return flow_bad_argument(flow, "max_delay_ms");
    if (!read_optional_count(poll, "jitter_percent", 100, c.poll.jitter_percent)) return flow_bad_argument(flow, "jitter_percent");
    if (!read_optional_count(poll, "max_network_retries", 100, c.poll.max_network_retries))
      return flow_bad_argument(flow, "max_network_retries");
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

val flow_screen(const sls::LoginFlow& flow) { return js_text(sls::login_screen_id(flow.screen())); }
val flow_busy(const sls::LoginFlow& flow) { return val(flow.busy()); }
val flow_lang(const sls::LoginFlow& flow) { return js_text(sls::lang_tag(flow.lang())); }
val flow_view(const sls::LoginFlow& flow) { return view_to_js(flow.view()); }

// ---------------------------------------------------------------------------
// Server-side operations, for demo pages and tests only (SLS_WASM_SERVER_SIDE).
// They make or hold secrets a login page must never have: signing keys and
// card codes. The production browser module leaves them out, which also
// keeps Ed25519 signing (and its 30 KB table) out of the bundle.
#if SLS_WASM_SERVER_SIDE

val key_pair_to_js(const sls::Ed25519KeyPair& pair) {
  val out = val::object();
  out.set("public_key", sls::to_hex(pair.public_key()));
  out.set("secret_key", sls::to_hex(pair.secret_key()));
  return out;
}

val ed25519_generate_key_pair() { return key_pair_to_js(sls::Ed25519KeyPair::generate()); }

val ed25519_key_pair_from_seed(val seed_hex, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto seed = bytes_of_hex(seed_hex);
  if (!seed) return bad_argument("seed", lang);
  WipedBytes owned{std::move(*seed)};
  return result_to_js(sls::Ed25519KeyPair::from_seed(owned.bytes), lang, key_pair_to_js);
}

val encode_signed_payload(val payload, val secret_key_hex, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  sls::ChallengePayload p;
  auto tx_id = bytes_of_hex(property(payload, "tx_id"));
  if (!tx_id || tx_id->size() != p.tx_id.size()) return bad_argument("tx_id", lang);
  std::copy(tx_id->begin(), tx_id->end(), p.tx_id.begin());
  auto challenge = string_of(property(payload, "challenge"));
  if (!challenge) return bad_argument("challenge", lang);
  p.challenge = std::move(*challenge);
  auto origin = string_of(property(payload, "origin"));
  if (!origin) return bad_argument("origin", lang);
  p.origin = std::move(*origin);
  auto expires_at = int64_of(property(payload, "expires_at"));
  if (!expires_at) return bad_argument("expires_at", lang);
  p.expires_at = *expires_at;
  auto key = bytes_of_hex(secret_key_hex);
  if (!key) return bad_argument("secret_key", lang);
  WipedBytes owned{std::move(*key)};
  return string_result_to_js(sls::encode_signed_payload(p, owned.bytes), lang);
}

val generate_code_card(val serial, val cells, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto serial_text = string_of(serial);
  if (!serial_text) return bad_argument("serial", lang);
  auto count = cells_of(cells);
  if (!count) return bad_argument("cells", lang);
  return result_to_js(sls::CodeCard::generate(*serial_text, *count), lang, [](const sls::CodeCard& card) {
    val out = val::object();
    out.set("serial", card.serial());
    out.set("size", static_cast<double>(card.size()));
    out.set("storage", std::string(card.to_storage().view()));
    return out;
  });
}

/// Rebuilds a card from its storage string (the serial plays no part in checks).
sls::Result<sls::CodeCard> card_from_js(const val& storage) {
  auto stored = string_of(storage);
  if (!stored) return sls::fail(sls::Errc::bad_argument, {"storage"});
  sls::SecretString owned(std::move(*stored));
  return sls::CodeCard::from_storage(std::string(), owned.view());
}

val code_card_code(val storage, val index, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto card = card_from_js(storage);
  if (!card) return failure_to_js(card.error(), lang);
  auto cell = cells_of(index);
  if (!cell) return bad_argument("index", lang);
  return result_to_js(card->code(*cell), lang, [](std::string_view code) { return val(std::string(code)); });
}

val verify_card_entry(val storage, val challenge, val typed, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto card = card_from_js(storage);
  if (!card) return failure_to_js(card.error(), lang);
  auto first = uint64_of(property(challenge, "first"));
  auto second = uint64_of(property(challenge, "second"));
  if (!first || !second || *first > UINT16_MAX || *second > UINT16_MAX) return bad_argument("challenge", lang);
  auto typed_text = string_of(typed);
  if (!typed_text) return bad_argument("typed", lang);
  sls::SecretString owned(std::move(*typed_text));
  const sls::CardChallenge cells{static_cast<std::uint16_t>(*first), static_cast<std::uint16_t>(*second)};
  return status_to_js(sls::verify_card_entry(*card, cells, owned.view()), lang);
}

#endif  // SLS_WASM_SERVER_SIDE

// ---------------------------------------------------------------------------
// Mobile Key, the phone's side (sls/mobile_key.hpp), for the demo's phone
// simulator and the Node tests only (SLS_WASM_SERVER_SIDE as above): a login
// page never holds a device's keys. The formulas are the core's, the very
// ones the server runs, so the simulator cannot drift from the server.
#if SLS_WASM_SERVER_SIDE

val kx_generate_key_pair() {
  const sls::KxKeyPair pair = sls::KxKeyPair::generate();
  val out = val::object();
  out.set("public_key", sls::to_hex(pair.public_key()));
  out.set("secret_key", sls::to_hex(pair.secret_key()));
  return out;
}

val mobile_key_phone_ocra_secret(val suite, val phone_public_key, val phone_secret_key, val server_public_key,
                                 val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto suite_text = string_of(suite);
  if (!suite_text) return bad_argument("suite", lang);
  auto parsed = sls::OcraSuite::parse(*suite_text);
  if (!parsed) return failure_to_js(parsed.error(), lang);
  auto phone_public = bytes_of_hex(phone_public_key);
  if (!phone_public) return bad_argument("phone_public_key", lang);
  auto phone_secret = bytes_of_hex(phone_secret_key);
  if (!phone_secret) return bad_argument("phone_secret_key", lang);
  WipedBytes owned_secret{std::move(*phone_secret)};
  auto server_public = bytes_of_hex(server_public_key);
  if (!server_public) return bad_argument("server_public_key", lang);
  WipedBytes secret{std::vector<std::uint8_t>(sls::mobile_key_ocra_secret_bytes(*parsed))};
  auto status = sls::mobile_key_phone_ocra_secret(secret.bytes, *parsed, *phone_public, owned_secret.bytes,
                                                  *server_public);
  if (!status) return failure_to_js(status.error(), lang);
  return ok_to_js(val(sls::to_hex(secret.bytes)));
}

val ocra_hash_pin(val hash, val pin, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto name = string_of(hash);
  if (!name || (*name != "sha256" && *name != "sha512")) return bad_argument("hash", lang);
  auto text = string_of(pin);
  if (!text) return bad_argument("pin", lang);
  sls::SecretString owned(std::move(*text));
  auto digest = sls::ocra_hash_pin(*name == "sha512" ? sls::OcraHash::sha512 : sls::OcraHash::sha256, owned.view());
  if (!digest) return failure_to_js(digest.error(), lang);
  WipedBytes owned_digest{std::move(*digest)};
  return ok_to_js(val(sls::to_hex(owned_digest.bytes)));
}

val push_decision_message(val tx_id, val number, val decision) {
  return val(sls::push_decision_message(string_or_empty(tx_id), string_or_empty(number), string_or_empty(decision)));
}

val device_pull_message(val device_id, val unix_seconds) {
  auto seconds = int64_of(unix_seconds);
  if (!seconds) return val::null();
  return val(sls::device_pull_message(string_or_empty(device_id), *seconds));
}

val qr_approval_message(val payload) { return val(sls::qr_approval_message(string_or_empty(payload))); }

val mobile_key_sign(val secret_key, val message, val lang_tag) {
  const sls::Lang lang = lang_of(lang_tag);
  auto key = bytes_of_hex(secret_key);
  if (!key) return bad_argument("secret_key", lang);
  WipedBytes owned{std::move(*key)};
  auto text = string_of(message);
  if (!text) return bad_argument("message", lang);
  return result_to_js(sls::mobile_key_sign(owned.bytes, *text), lang,
                      [](const std::array<std::uint8_t, sls::ed25519_signature_bytes>& signature) {
                        return val(sls::to_hex(signature));
                      });
}

val mobile_key_signature_valid(val public_key, val message, val signature) {
  auto key = bytes_of_hex(public_key);
  auto text = string_of(message);
  auto bytes = bytes_of_hex(signature);
  return val(key && text && bytes && sls::mobile_key_signature_valid(*key, *text, *bytes));
}

#endif  // SLS_WASM_SERVER_SIDE

}  // namespace

EMSCRIPTEN_BINDINGS(sls_core) {
  using emscripten::function;

  // libsodium reads the host's CSPRNG from here on; without one the module
  // aborts at load rather than hand out predictable secrets.
  sls::crypto_init();

  function("resolve_lang", &resolve_lang);
  function("error_codes", &error_codes);
  function("message_template", &message_template);
  function("localize", &localize);

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

  function("ocra_suite", &ocra_suite);
  function("ocra_compute", &ocra_compute);
  function("compute_device_response", &compute_device_response);
  function("verify_device_response", &verify_device_response);

  function("validate_payload_origin", &validate_payload_origin);
  function("parse_signed_payload", &parse_signed_payload);
  function("verify_signed_payload", &verify_signed_payload);

  function("qr_fits", &qr_fits);
  function("qr_matrix", &qr_matrix);
  function("qr_svg", &qr_svg);

  // Instances hold Wasm memory: call delete() when done (the element does
  // so in disconnectedCallback).
  emscripten::class_<sls::LoginFlow>("LoginFlow")
      .constructor<>()
      .function("start", &flow_start)
      .function("on_event", &flow_on_event)
      .function("on_reply", &flow_on_reply)
      .function("on_timer", &flow_on_timer)
      .function("set_lang", &flow_set_lang)
      .function("screen", &flow_screen)
      .function("busy", &flow_busy)
      .function("lang", &flow_lang)
      .function("view", &flow_view);

#if SLS_WASM_SERVER_SIDE
  function("ed25519_generate_key_pair", &ed25519_generate_key_pair);
  function("ed25519_key_pair_from_seed", &ed25519_key_pair_from_seed);
  function("encode_signed_payload", &encode_signed_payload);
  function("generate_code_card", &generate_code_card);
  function("code_card_code", &code_card_code);
  function("verify_card_entry", &verify_card_entry);

  function("kx_generate_key_pair", &kx_generate_key_pair);
  function("mobile_key_phone_ocra_secret", &mobile_key_phone_ocra_secret);
  function("ocra_hash_pin", &ocra_hash_pin);
  function("push_decision_message", &push_decision_message);
  function("device_pull_message", &device_pull_message);
  function("qr_approval_message", &qr_approval_message);
  function("mobile_key_sign", &mobile_key_sign);
  function("mobile_key_signature_valid", &mobile_key_signature_valid);
#endif
}
