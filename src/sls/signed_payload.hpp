// The signed challenge payload carried by the login page's QR code (SPEC 3.2):
// transaction id, challenge, origin and expiry, signed by the server's
// Ed25519 key. Mobile Key scans it, checks the signature against the server
// key pinned at activation, and shows the origin before it does anything.
//
// Wire text
// ---------
//   text = "SLS1." Base32(blob)
//
// Base32 is RFC 4648's alphabet (A–Z, 2–7), upper-case, without '=' padding.
// Why Base32 and not Base64: every character of the text ("SLS1.", A–Z, 2–7)
// is in the QR alphanumeric set, which costs 5.5 bits per character against
// 8 in byte mode, so the same payload needs about 18 % fewer bits than
// Base64url and typically fits one QR version lower (larger modules, easier
// to scan from a screen). The text is canonical: lower-case letters, padding,
// and non-zero spare bits in the last character are all rejected, so one
// blob has exactly one text.
//
// Blob layout, version 1 (multi-byte integers big-endian):
//   offset    size  field
//   0         1     version, 0x01
//   1         16    transaction id (random bytes chosen by the server)
//   17        3     challenge as an integer 0..999999 (shown as 6 digits,
//                   leading zeros kept)
//   20        8     expiry, unix seconds, signed, must be > 0
//   28        1     n = origin length in bytes, 1..200
//   29        n     origin, ASCII (see below)
//   29+n      64    Ed25519 signature (detached)
// Total 94 + n bytes: exactly that many, neither fewer nor more.
//
// The signature covers the ASCII context "SLS login challenge" (19 bytes,
// no terminator) followed by blob bytes [0, 29+n). The context keeps a
// signature made by the same server key for another purpose from ever
// passing as a login challenge.
//
// Origin: the serialised origin of the login page, in canonical form:
//   "https://" host [":" port]
//   "http://" ("127.0.0.1" | "localhost") [":" port]   (development only)
// host is a lower-case DNS name (labels of a–z, 0–9 and '-', 1–63 bytes, not
// starting or ending with '-', no trailing dot, at most 253 bytes) or a
// dotted IPv4 address (four decimal parts 0–255 without leading zeros).
// port is 1–65535 in decimal without leading zeros, and not the scheme's
// default (443 for https, 80 for http), which a canonical origin omits.
// No user info, path (not even "/"), query or fragment. IPv6 literals and
// upper-case letters are refused rather than normalised: the phone shows the
// origin to the user, so there must be one spelling per origin.
//
// Errors
// ------
// Every malformed text fails with Errc::payload_malformed and one short
// English reason as its only argument:
//   "bad prefix"     the text does not start with "SLS1."
//   "too long"       longer than signed_payload_max_text_bytes
//   "bad base32"     a character outside A–Z 2–7, an impossible length, or
//                    non-zero spare bits
//   "truncated"      fewer bytes than the layout needs
//   "trailing bytes" more bytes than the layout needs
//   "bad challenge"  the challenge integer is above 999999
//   "bad expiry"     the expiry is zero or negative
//   "bad origin"     the origin breaks the rules above
// An unknown version byte fails with Errc::payload_bad_version; a signature
// that does not verify with Errc::payload_bad_signature; a payload at or past
// its expiry with Errc::payload_expired.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sls/result.hpp"

namespace sls {

// --- Ed25519 keys -----------------------------------------------------------

/// Sizes of Ed25519 keys and signatures (libsodium's crypto_sign_*BYTES).
inline constexpr std::size_t ed25519_seed_bytes = 32;
inline constexpr std::size_t ed25519_public_key_bytes = 32;
/// libsodium's secret key: the 32-byte seed followed by the public key.
inline constexpr std::size_t ed25519_secret_key_bytes = 64;
inline constexpr std::size_t ed25519_signature_bytes = 64;

/// An Ed25519 key pair. The secret key is wiped when the pair is destroyed
/// or moved from; the pair cannot be copied, so no unwiped copy is left.
class Ed25519KeyPair {
 public:
  /// A fresh key pair from libsodium's CSPRNG. Never fails.
  static Ed25519KeyPair generate();

  /// The key pair derived from a 32-byte seed (RFC 8032's "secret key").
  /// Fails with Errc::bad_argument if seed is not ed25519_seed_bytes long.
  /// The caller still owns, and should wipe, its copy of the seed.
  static Result<Ed25519KeyPair> from_seed(std::span<const std::uint8_t> seed);

  Ed25519KeyPair(const Ed25519KeyPair&) = delete;
  Ed25519KeyPair& operator=(const Ed25519KeyPair&) = delete;
  Ed25519KeyPair(Ed25519KeyPair&& other) noexcept;
  Ed25519KeyPair& operator=(Ed25519KeyPair&& other) noexcept;
  ~Ed25519KeyPair();

  /// The 32-byte public key, to pin in Mobile Key at activation.
  std::span<const std::uint8_t, ed25519_public_key_bytes> public_key() const noexcept { return public_key_; }
  /// The 64-byte secret key in libsodium's layout (seed, then public key).
  std::span<const std::uint8_t, ed25519_secret_key_bytes> secret_key() const noexcept { return secret_key_; }

 private:
  Ed25519KeyPair() = default;

  std::array<std::uint8_t, ed25519_public_key_bytes> public_key_{};
  std::array<std::uint8_t, ed25519_secret_key_bytes> secret_key_{};
};

// --- the payload --------------------------------------------------------------

/// Sizes and limits of the version-1 layout described at the top of this file.
inline constexpr std::uint8_t signed_payload_version = 1;
inline constexpr std::string_view signed_payload_prefix = "SLS1.";
inline constexpr std::string_view signed_payload_signature_context = "SLS login challenge";
inline constexpr std::size_t signed_payload_tx_id_bytes = 16;
inline constexpr std::size_t signed_payload_challenge_digits = 6;
inline constexpr std::size_t signed_payload_origin_max_bytes = 200;
/// Blob bytes besides the origin: header (29) and signature (64).
inline constexpr std::size_t signed_payload_fixed_bytes = 29 + ed25519_signature_bytes;
/// The longest valid text: prefix plus Base32 of a blob with a 200-byte
/// origin (474 characters). Longer input is refused before decoding.
inline constexpr std::size_t signed_payload_max_text_bytes =
    signed_payload_prefix.size() + ((signed_payload_fixed_bytes + signed_payload_origin_max_bytes) * 8 + 4) / 5;

/// What the QR code tells the phone. Plain data: encode validates it, parse
/// and verify return it only when every field is valid.
struct ChallengePayload {
  /// The login's transaction id: 16 random bytes from the server.
  std::array<std::uint8_t, signed_payload_tx_id_bytes> tx_id{};
  /// The challenge shown on the page: exactly 6 ASCII digits, e.g. "042917".
  std::string challenge;
  /// The login page's origin, canonical form (see the top of this file),
  /// at most 200 bytes, e.g. "https://login.example.com".
  std::string origin;
  /// Unix seconds, > 0. The payload is valid while now < expires_at.
  std::int64_t expires_at = 0;

  friend bool operator==(const ChallengePayload&, const ChallengePayload&) = default;
};

/// Checks an origin against the rules at the top of this file. Fails with
/// payload_malformed "bad origin".
Status validate_payload_origin(std::string_view origin);

/// Encodes and signs a payload with the server's 64-byte secret key.
/// Deterministic: the same payload and key always give the same text.
/// Fails with payload_malformed ("bad challenge", "bad origin", "bad expiry")
/// when a field is invalid, and with bad_argument when secret_key is not
/// ed25519_secret_key_bytes long. The key is only read, never copied.
Result<std::string> encode_signed_payload(const ChallengePayload& payload, std::span<const std::uint8_t> secret_key);

/// Decodes a text and checks its structure and every field, but NOT the
/// signature or the expiry: use it to show what a payload claims, never to
/// act on it. Errors as listed at the top of this file.
Result<ChallengePayload> parse_signed_payload(std::string_view text);

/// Decodes a text, then checks the signature against the server's 32-byte
/// public key, then the expiry against `now` (unix seconds). Fails with the
/// first problem found in that order: payload_malformed or
/// payload_bad_version, payload_bad_signature, payload_expired; and with
/// bad_argument when public_key is not ed25519_public_key_bytes long.
Result<ChallengePayload> verify_signed_payload(std::string_view text, std::span<const std::uint8_t> public_key,
                                               std::int64_t now);

}  // namespace sls
