// Fuzzes the signed QR payload (sls/signed_payload.hpp) that Mobile Key scans
// from the login page: parsing, verification with a fixed key, and the
// origin rules.
//
// The key is the one of tests/vectors/signed_payloads.json (RFC 8032's first
// test key), so the seeds taken from those vectors verify and the fuzzer
// starts from payloads that pass the signature check.
//
// Properties, beyond no crash, no undefined behaviour and no leak:
//  - verification and parsing agree: they fail with the same error on a
//    malformed text, and a verified payload is the parsed one;
//  - a parsed payload re-encodes (the encoder accepts every field the parser
//    accepts) to a text that parses back to the same payload, and a payload
//    whose signature checked re-encodes to exactly the input text (one blob,
//    one text: Ed25519 signatures are deterministic);
//  - an origin the rules accept has a scheme, no path, query, fragment,
//    user info or upper-case letter, and survives an encode/parse round trip.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "sls/signed_payload.hpp"

namespace {

// tests/vectors/signed_payloads.json, keys.seed_hex.
constexpr std::array<std::uint8_t, sls::ed25519_seed_bytes> kSeed = {
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
// The "now" of the vectors' invalid cases: before their valid payloads expire.
constexpr std::int64_t kNow = 1767225300;

const sls::Ed25519KeyPair& key_pair() {
  static const sls::Ed25519KeyPair keys = std::move(sls::Ed25519KeyPair::from_seed(kSeed).value());
  return keys;
}

void check_origin(std::string_view origin) {
  if (!sls::validate_payload_origin(origin).ok()) return;
  FUZZ_CHECK(origin.size() <= sls::signed_payload_origin_max_bytes);
  FUZZ_CHECK(origin.starts_with("https://") || origin.starts_with("http://"));
  const std::string_view rest = origin.substr(origin.find("//") + 2);
  for (char c : rest) FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':');

  sls::ChallengePayload payload;
  payload.challenge = "000000";
  payload.origin = std::string(origin);
  payload.expires_at = 1;
  const auto text = sls::encode_signed_payload(payload, key_pair().secret_key());
  FUZZ_CHECK(text.ok());
  const auto parsed = sls::parse_signed_payload(*text);
  FUZZ_CHECK(parsed.ok() && *parsed == payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto& keys = key_pair();

  const auto parsed = sls::parse_signed_payload(text);
  const auto verified = sls::verify_signed_payload(text, keys.public_key(), kNow);
  const sls::Errc verdict = verified.code();

  if (!parsed.ok()) {
    FUZZ_CHECK(verdict == parsed.code());
  } else {
    FUZZ_CHECK(verdict == sls::Errc::ok || verdict == sls::Errc::payload_bad_signature ||
               verdict == sls::Errc::payload_expired);
    if (verified.ok()) FUZZ_CHECK(*verified == *parsed);
    FUZZ_CHECK((verdict == sls::Errc::payload_expired) ==
               (verdict != sls::Errc::payload_bad_signature && parsed->expires_at <= kNow));
    const auto encoded = sls::encode_signed_payload(*parsed, keys.secret_key());
    FUZZ_CHECK(encoded.ok());
    const auto reparsed = sls::parse_signed_payload(*encoded);
    FUZZ_CHECK(reparsed.ok() && *reparsed == *parsed);
    // The signature checked exactly when the input is the canonical text.
    FUZZ_CHECK((verdict != sls::Errc::payload_bad_signature) == (*encoded == text));
  }

  check_origin(text);
  return 0;
}
