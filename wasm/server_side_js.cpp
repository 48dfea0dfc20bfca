// JavaScript bindings of server-side operations (signing keys, payload signing, code cards), for demo pages and tests.
//
// They make or hold secrets a login page must never have: signing keys and
// card codes. wasm/CMakeLists.txt links this file into the demo and Node
// modules only, which also keeps Ed25519 signing (and its 30 KB table) out
// of the login module.
#include <emscripten/bind.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "js_conversions.hpp"
#include "sls/code_card.hpp"
#include "sls/signed_payload.hpp"

namespace {

using namespace sls::wasm;

val key_pair_to_js(const sls::Ed25519KeyPair& pair) {
  val out = val::object();
  out.set("public_key", sls::to_hex(pair.public_key()));
  out.set("secret_key", sls::to_hex(pair.secret_key()));
  return out;
}

val ed25519_generate_key_pair() { return key_pair_to_js(sls::Ed25519KeyPair::generate()); }

val ed25519_key_pair_from_seed(val seed_hex, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto seed = bytes_of_hex(seed_hex);
  if (!seed) return bad_argument("seed", *lang);
  sls::SecretBytes owned{std::move(*seed)};
  return result_to_js(sls::Ed25519KeyPair::from_seed(owned.view()), *lang, key_pair_to_js);
}

val encode_signed_payload(val payload, val secret_key_hex, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  if (!is_object(payload)) return bad_argument("payload", *lang);
  sls::ChallengePayload p;
  auto tx_id = bytes_of_hex(property(payload, "tx_id"));
  if (!tx_id || tx_id->size() != p.tx_id.size()) return bad_argument("tx_id", *lang);
  std::copy(tx_id->begin(), tx_id->end(), p.tx_id.begin());
  auto challenge = string_of(property(payload, "challenge"));
  if (!challenge) return bad_argument("challenge", *lang);
  p.challenge = std::move(*challenge);
  auto origin = string_of(property(payload, "origin"));
  if (!origin) return bad_argument("origin", *lang);
  p.origin = std::move(*origin);
  auto expires_at = int64_of(property(payload, "expires_at"));
  if (!expires_at) return bad_argument("expires_at", *lang);
  p.expires_at = *expires_at;
  auto key = bytes_of_hex(secret_key_hex);
  if (!key) return bad_argument("secret_key", *lang);
  sls::SecretBytes owned{std::move(*key)};
  return string_result_to_js(sls::encode_signed_payload(p, owned.view()), *lang);
}

val generate_code_card(val serial, val cells, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto serial_text = string_of(serial);
  if (!serial_text) return bad_argument("serial", *lang);
  auto count = count_of(cells);
  if (!count) return bad_argument("cells", *lang);
  return result_to_js(sls::CodeCard::generate(*serial_text, *count), *lang, [](const sls::CodeCard& card) {
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
  if (!stored) return bad_argument_error("storage");
  sls::SecretString owned(std::move(*stored));
  return sls::CodeCard::from_storage(std::string(), owned.view());
}

val code_card_code(val storage, val index, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto card = card_from_js(storage);
  if (!card) return failure_to_js(card.error(), *lang);
  auto cell = count_of(index);
  if (!cell) return bad_argument("index", *lang);
  return result_to_js(card->code(*cell), *lang, [](std::string_view code) { return val(std::string(code)); });
}

val verify_card_entry(val storage, val challenge, val typed, val lang_tag) {
  const auto lang = lang_of(lang_tag);
  if (!lang) return bad_argument("lang");
  auto card = card_from_js(storage);
  if (!card) return failure_to_js(card.error(), *lang);
  auto first = uint64_of(property(challenge, "first"));
  auto second = uint64_of(property(challenge, "second"));
  if (!first || !second || *first > UINT16_MAX || *second > UINT16_MAX) return bad_argument("challenge", *lang);
  auto typed_text = string_of(typed);
  if (!typed_text) return bad_argument("typed", *lang);
  sls::SecretString owned(std::move(*typed_text));
  const sls::CardChallenge cells{static_cast<std::uint16_t>(*first), static_cast<std::uint16_t>(*second)};
  return status_to_js(sls::verify_card_entry(*card, cells, owned.view()), *lang);
}

}  // namespace

EMSCRIPTEN_BINDINGS(sls_server_side) {
  using emscripten::function;
  function("ed25519_generate_key_pair", &ed25519_generate_key_pair);
  function("ed25519_key_pair_from_seed", &ed25519_key_pair_from_seed);
  function("encode_signed_payload", &encode_signed_payload);
  function("generate_code_card", &generate_code_card);
  function("code_card_code", &code_card_code);
  function("verify_card_entry", &verify_card_entry);
}
