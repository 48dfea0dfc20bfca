// JavaScript bindings of the signed challenge payload (the QR code's content): origins, decoding, verification.
#include <emscripten/bind.h>

#include "js_conversions.hpp"
#include "sls/signed_payload.hpp"

namespace {

using namespace sls::wasm;

val payload_to_js(const sls::ChallengePayload& payload) {
  val out = val::object();
  out.set("tx_id", sls::to_hex(payload.tx_id));
  out.set("challenge", payload.challenge);
  out.set("origin", payload.origin);
  out.set("expires_at", static_cast<double>(payload.expires_at));
  return out;
}

val validate_payload_origin(val origin, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto text = string_of(origin);
  if (!text) return bad_argument("origin", *lang);
  return status_to_js(sls::validate_payload_origin(*text), *lang);
}

val parse_signed_payload(val text, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto payload_text = string_of(text);
  if (!payload_text) return bad_argument("text", *lang);
  return result_to_js(sls::parse_signed_payload(*payload_text), *lang, payload_to_js);
}

val verify_signed_payload(val text, val public_key_hex, val now, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto payload_text = string_of(text);
  if (!payload_text) return bad_argument("text", *lang);
  auto key = bytes_of_hex(public_key_hex);
  if (!key) return bad_argument("public_key", *lang);
  auto now_seconds = int64_of(now);
  if (!now_seconds) return bad_argument("now", *lang);
  return result_to_js(sls::verify_signed_payload(*payload_text, *key, *now_seconds), *lang, payload_to_js);
}

}  // namespace

EMSCRIPTEN_BINDINGS(sls_signed_payload) {
  using emscripten::function;
  function("validate_payload_origin", &validate_payload_origin);
  function("parse_signed_payload", &parse_signed_payload);
  function("verify_signed_payload", &verify_signed_payload);
}
