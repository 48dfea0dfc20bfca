// JavaScript bindings of OCRA (RFC 6287): suites, responses and the device side of challenge/response.
#include <emscripten/bind.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "js_conversions.hpp"
#include "sls/ocra.hpp"
#include "sls/response.hpp"

namespace {

using namespace sls::wasm;

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

val ocra_suite(val text, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto suite_text = string_of(text);
  if (!suite_text) return bad_argument("suite", *lang);
  return result_to_js(sls::OcraSuite::parse(*suite_text), *lang, ocra_suite_to_js);
}

/// Everything one OCRA computation reads, owned here (OcraInput only views).
struct OcraCall {
  std::optional<sls::OcraSuite> suite;
  sls::SecretBytes key;
  std::string question;
  sls::SecretString pin;
  sls::SecretBytes pin_hash;
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
  call.key = sls::SecretBytes(std::move(*key));

  if (!is_object(input)) return bad_argument("input", lang);
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
    call.pin_hash = sls::SecretBytes(std::move(*bytes));
    call.input.pin_hash = call.pin_hash.view();
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

/// Reads the arguments of an OCRA computation and runs `compute` on them.
template <class F>
val with_ocra_call(const val& suite, const val& key_hex, const val& input, const val& lang_tag, F compute) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  OcraCall call;
  val failure = read_ocra_call(suite, key_hex, input, *lang, call);
  if (!failure.isUndefined()) return failure;
  return compute(call, *lang);
}

val ocra_compute(val suite, val key_hex, val input, val lang_tag) {
  return with_ocra_call(suite, key_hex, input, lang_tag, [](const OcraCall& call, sls::Lang lang) {
    return string_result_to_js(sls::ocra_compute(*call.suite, call.key.view(), call.input), lang);
  });
}

val compute_device_response(val suite, val key_hex, val input, val lang_tag) {
  return with_ocra_call(suite, key_hex, input, lang_tag, [](const OcraCall& call, sls::Lang lang) {
    return string_result_to_js(sls::compute_device_response(*call.suite, call.key.view(), call.input), lang);
  });
}

val verify_device_response(val suite, val key_hex, val input, val typed, val lang_tag) {
  return with_ocra_call(suite, key_hex, input, lang_tag, [&typed](const OcraCall& call, sls::Lang lang) {
    auto typed_text = string_of(typed);
    if (!typed_text) return bad_argument("typed", lang);
    return status_to_js(sls::verify_device_response(*call.suite, call.key.view(), call.input, *typed_text), lang);
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(sls_ocra) {
  using emscripten::function;
  function("ocra_suite", &ocra_suite);
  function("ocra_compute", &ocra_compute);
  function("compute_device_response", &compute_device_response);
  function("verify_device_response", &verify_device_response);
}
