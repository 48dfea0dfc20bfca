// Conversions between JavaScript values and core types (js_conversions.hpp), and the start-up every module shares.
#include "js_conversions.hpp"

#include <emscripten/bind.h>

#include <cmath>
#include <string_view>

#include "sls/messages.hpp"

namespace sls::wasm {

namespace {

// Largest integer a JS number holds exactly (Number.MAX_SAFE_INTEGER).
constexpr double kMaxSafeInteger = 9007199254740991.0;

}  // namespace

std::optional<std::string> string_of(const val& value) {
  if (!value.isString()) return std::nullopt;
  return value.as<std::string>();
}

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

std::optional<std::uint64_t> uint64_of(const val& value) {
  auto n = int64_of(value);
  if (!n || *n < 0) return std::nullopt;
  return static_cast<std::uint64_t>(*n);
}

std::optional<std::size_t> count_of(const val& value) {
  auto n = uint64_of(value);
  if (!n || *n > static_cast<std::uint64_t>(SIZE_MAX)) return std::nullopt;
  return static_cast<std::size_t>(*n);
}

std::optional<std::vector<std::uint8_t>> bytes_of_hex(const val& value) {
  auto text = string_of(value);
  std::vector<std::uint8_t> bytes;
  if (!text || !from_hex(*text, bytes)) return std::nullopt;
  return bytes;
}

val property(const val& object, const char* name) {
  if (!is_object(object)) return val::undefined();
  return object[name];
}

bool is_absent(const val& value) { return value.isUndefined() || value.isNull(); }

bool is_object(const val& value) { return value.typeOf().as<std::string>() == "object" && !value.isNull(); }

std::optional<Lang> lang_of(const val& tag) {
  if (is_absent(tag)) return Lang::en;
  auto text = string_of(tag);
  if (!text) return std::nullopt;
  return lang_from_tag(*text);
}

std::optional<std::vector<std::string>> strings_of(const val& items) {
  std::vector<std::string> out;
  if (is_absent(items)) return out;
  if (!items.isArray()) return std::nullopt;
  const auto n = items["length"].as<std::size_t>();
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto item = string_of(items[i]);
    if (!item) return std::nullopt;
    out.push_back(std::move(*item));
  }
  return out;
}

val js_string_array(const std::vector<std::string>& items) {
  val out = val::array();
  for (std::size_t i = 0; i < items.size(); ++i) out.set(i, items[i]);
  return out;
}

val js_bytes(const std::vector<std::uint8_t>& bytes) {
  val view(emscripten::typed_memory_view(bytes.size(), bytes.data()));
  return view.call<val>("slice");
}

val error_to_js(const Error& error, Lang lang) {
  val out = val::object();
  out.set("code", std::string(errc_name(error.code)));
  out.set("args", js_string_array(error.args));
  out.set("message", localize(error, lang));
  return out;
}

val error_to_js(Errc code, Lang lang) { return error_to_js(Error{code, {}}, lang); }

val ok_to_js(val value) {
  val out = val::object();
  out.set("ok", true);
  out.set("value", std::move(value));
  return out;
}

val failure_to_js(const Error& error, Lang lang) {
  val out = val::object();
  out.set("ok", false);
  out.set("error", error_to_js(error, lang));
  return out;
}

Error bad_argument_error(const char* parameter) { return fail(Errc::bad_argument, {parameter}); }

val bad_argument(const char* parameter, Lang lang) { return failure_to_js(bad_argument_error(parameter), lang); }

val string_result_to_js(const Result<std::string>& result, Lang lang) {
  return result_to_js(result, lang, [](const std::string& s) { return val(s); });
}

val status_to_js(const Status& status, Lang lang) {
  return result_to_js(status, lang, [](std::monostate) { return val::null(); });
}

}  // namespace sls::wasm

// Every module links this file, so the start-up every module needs is here:
// libsodium reads the host's CSPRNG from here on; without one the module
// aborts at load rather than hand out predictable secrets.
EMSCRIPTEN_BINDINGS(sls_module_start) { sls::crypto_init(); }
