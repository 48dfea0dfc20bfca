// JavaScript bindings of QR codes: whether a text fits, its module matrix and its SVG drawing.
#include <emscripten/bind.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "js_conversions.hpp"
#include "sls/qr_svg.hpp"

namespace {

using namespace sls::wasm;

/// An error-correction level by name; undefined or null: "medium".
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
  if (!data) return bad_argument("text");
  auto level = ecc_of(ecc);
  if (!level) return bad_argument("ecc");
  return val(sls::qr_fits(*data, *level));
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

/// The arguments qr_matrix and qr_svg share, read once: the language first
/// (a refusal needs it), then the text and the level. On a bad argument,
/// `refusal` holds the error object to return.
struct QrCall {
  sls::Lang lang = sls::Lang::en;
  std::string text;
  sls::QrEcc ecc = sls::QrEcc::medium;
  std::optional<val> refusal;
};

QrCall read_qr_call(const val& text, const val& ecc, const val& lang_tag) {
  QrCall call;
  const auto lang = lang_of(lang_tag);
  if (!lang) {
    call.refusal = bad_argument("lang");
    return call;
  }
  call.lang = *lang;
  auto data = string_of(text);
  auto level = ecc_of(ecc);
  if (!data)
    call.refusal = bad_argument("text", *lang);
  else if (!level)
    call.refusal = bad_argument("ecc", *lang);
  else {
    call.text = std::move(*data);
    call.ecc = *level;
  }
  return call;
}

val qr_matrix(val text, val ecc, val lang_tag) {
  auto call = read_qr_call(text, ecc, lang_tag);
  if (call.refusal) return *call.refusal;
  return result_to_js(sls::qr_matrix(call.text, call.ecc), call.lang, qr_matrix_to_js);
}

val qr_svg(val text, val ecc, val lang_tag) {
  auto call = read_qr_call(text, ecc, lang_tag);
  if (call.refusal) return *call.refusal;
  return string_result_to_js(sls::qr_svg(call.text, call.ecc), call.lang);
}

}  // namespace

EMSCRIPTEN_BINDINGS(sls_qr) {
  using emscripten::function;
  function("qr_fits", &qr_fits);
  function("qr_matrix", &qr_matrix);
  function("qr_svg", &qr_svg);
}
