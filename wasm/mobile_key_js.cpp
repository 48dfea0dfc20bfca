// JavaScript bindings of Mobile Key's phone side (sls/mobile_key.hpp), for the demo's phone simulator and Node tests.
//
// A login page never holds a device's keys: wasm/CMakeLists.txt links this
// file into the demo and Node modules only. The formulas are the core's, the
// very ones the server runs, so the simulator cannot drift from the server.
#include <emscripten/bind.h>

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "js_conversions.hpp"
#include "sls/mobile_key.hpp"
#include "sls/ocra.hpp"

namespace {

using namespace sls::wasm;

val kx_generate_key_pair() {
  const sls::KxKeyPair pair = sls::KxKeyPair::generate();
  val out = val::object();
  out.set("public_key", sls::to_hex(pair.public_key()));
  out.set("secret_key", sls::to_hex(pair.secret_key()));
  return out;
}

val mobile_key_phone_ocra_secret(val suite, val phone_public_key, val phone_secret_key, val server_public_key,
                                 val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto suite_text = string_of(suite);
  if (!suite_text) return bad_argument("suite", *lang);
  auto parsed = sls::OcraSuite::parse(*suite_text);
  if (!parsed) return failure_to_js(parsed.error(), *lang);
  auto phone_public = bytes_of_hex(phone_public_key);
  if (!phone_public) return bad_argument("phone_public_key", *lang);
  auto phone_secret = bytes_of_hex(phone_secret_key);
  if (!phone_secret) return bad_argument("phone_secret_key", *lang);
  sls::SecretBytes owned_secret{std::move(*phone_secret)};
  auto server_public = bytes_of_hex(server_public_key);
  if (!server_public) return bad_argument("server_public_key", *lang);
  sls::SecretBytes secret{sls::mobile_key_ocra_secret_bytes(*parsed)};
  auto status = sls::mobile_key_phone_ocra_secret(secret.mutable_view(), *parsed, *phone_public, owned_secret.view(),
                                                  *server_public);
  if (!status) return failure_to_js(status.error(), *lang);
  return ok_to_js(val(sls::to_hex(secret.view())));
}

val ocra_hash_pin(val hash, val pin, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto name = string_of(hash);
  if (!name || (*name != "sha256" && *name != "sha512")) return bad_argument("hash", *lang);
  auto text = string_of(pin);
  if (!text) return bad_argument("pin", *lang);
  sls::SecretString owned(std::move(*text));
  auto digest = sls::ocra_hash_pin(*name == "sha512" ? sls::OcraHash::sha512 : sls::OcraHash::sha256, owned.view());
  if (!digest) return failure_to_js(digest.error(), *lang);
  sls::SecretBytes owned_digest{std::move(*digest)};
  return ok_to_js(val(sls::to_hex(owned_digest.view())));
}

val push_decision_message(val tx_id, val number, val decision) {
  auto tx = string_of(tx_id);
  if (!tx) return bad_argument("tx_id");
  auto shown = string_of(number);
  if (!shown) return bad_argument("number");
  auto choice = string_of(decision);
  if (!choice) return bad_argument("decision");
  return val(sls::push_decision_message(*tx, *shown, *choice));
}

val device_pull_message(val device_id, val unix_seconds) {
  auto device = string_of(device_id);
  if (!device) return bad_argument("device_id");
  auto seconds = int64_of(unix_seconds);
  if (!seconds) return bad_argument("unix_seconds");
  return val(sls::device_pull_message(*device, *seconds));
}

val qr_approval_message(val payload) {
  auto text = string_of(payload);
  if (!text) return bad_argument("payload");
  return val(sls::qr_approval_message(*text));
}

val mobile_key_sign(val secret_key, val message, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto key = bytes_of_hex(secret_key);
  if (!key) return bad_argument("secret_key", *lang);
  sls::SecretBytes owned{std::move(*key)};
  auto text = string_of(message);
  if (!text) return bad_argument("message", *lang);
  return result_to_js(sls::mobile_key_sign(owned.view(), *text), *lang,
                      [](const std::array<std::uint8_t, sls::ed25519_signature_bytes>& signature) {
                        return val(sls::to_hex(signature));
                      });
}

/// A predicate: a non-string argument is refused, but a string that is not
/// hexadecimal (or of the wrong length) is simply not a valid signature.
val mobile_key_signature_valid(val public_key, val message, val signature) {
  if (!public_key.isString()) return bad_argument("public_key");
  auto text = string_of(message);
  if (!text) return bad_argument("message");
  if (!signature.isString()) return bad_argument("signature");
  auto key = bytes_of_hex(public_key);
  auto bytes = bytes_of_hex(signature);
  return val(key && bytes && sls::mobile_key_signature_valid(*key, *text, *bytes));
}

}  // namespace

EMSCRIPTEN_BINDINGS(sls_mobile_key) {
  using emscripten::function;
  function("kx_generate_key_pair", &kx_generate_key_pair);
  function("mobile_key_phone_ocra_secret", &mobile_key_phone_ocra_secret);
  function("ocra_hash_pin", &ocra_hash_pin);
  function("push_decision_message", &push_decision_message);
  function("device_pull_message", &device_pull_message);
  function("qr_approval_message", &qr_approval_message);
  function("mobile_key_sign", &mobile_key_sign);
  function("mobile_key_signature_valid", &mobile_key_signature_valid);
}
