// The signed challenge payload of the login page's QR code: encoding, Ed25519 signing, parsing and verification
// (signed_payload.hpp).
#include "sls/signed_payload.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "sls/secure.hpp"

namespace sls {

static_assert(ed25519_seed_bytes == crypto_sign_SEEDBYTES);
static_assert(ed25519_public_key_bytes == crypto_sign_PUBLICKEYBYTES);
static_assert(ed25519_secret_key_bytes == crypto_sign_SECRETKEYBYTES);
static_assert(ed25519_signature_bytes == crypto_sign_BYTES);
static_assert(signed_payload_max_text_bytes == 474);

namespace {

// Offsets of the version-1 layout (see the header).
constexpr std::size_t kVersionAt = 0;
constexpr std::size_t kTxIdAt = 1;
constexpr std::size_t kChallengeAt = kTxIdAt + signed_payload_tx_id_bytes;  // 17
constexpr std::size_t kChallengeBytes = 3;
constexpr std::size_t kExpiryAt = kChallengeAt + kChallengeBytes;  // 20
constexpr std::size_t kExpiryBytes = 8;
constexpr std::size_t kOriginLengthAt = kExpiryAt + kExpiryBytes;  // 28
constexpr std::size_t kOriginAt = kOriginLengthAt + 1;             // 29
static_assert(signed_payload_fixed_bytes == kOriginAt + ed25519_signature_bytes);

constexpr std::uint32_t kChallengeLimit = 1000000;  // 10^6: six digits

Error malformed(std::string_view reason) { return fail(Errc::payload_malformed, {reason}); }

// --- Base32, RFC 4648 alphabet, upper-case, no padding --------------------------

constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string base32_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += kBase32Alphabet[(buffer >> bits) & 0x1F];
    }
  }
  if (bits > 0) out += kBase32Alphabet[(buffer << (5 - bits)) & 0x1F];
  return out;
}

int base32_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

// Strict decoding: canonical text only, so that one blob has one text and
// flipping any bit of a valid text never yields the same blob.
bool base32_decode(std::string_view text, std::vector<std::uint8_t>& out) {
  // A length whose remainder mod 8 is 1, 3 or 6 leaves a whole spare
  // character: no encoder produces it.
  switch (text.size() % 8) {
    case 1:
    case 3:
    case 6: return false;
    default: break;
  }
  out.clear();
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = base32_value(c);
    if (v < 0) return false;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
    }
  }
  // Spare bits (fewer than 5) must be zero.
  return (buffer & ((1u << bits) - 1u)) == 0;
}

// --- origin ------------------------------------------------------------------

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Decimal without leading zeros, value in [0, max].
bool parse_decimal(std::string_view s, std::uint32_t max, std::uint32_t& value) noexcept {
  if (s.empty() || s.size() > 5 || (s.size() > 1 && s[0] == '0')) return false;
  std::uint32_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (v > max) return false;
  value = v;
  return true;
}

bool is_ipv4(std::string_view host) noexcept {
  int parts = 0;
  while (true) {
    auto dot = host.find('.');
    std::uint32_t part = 0;
    if (!parse_decimal(host.substr(0, dot), 255, part)) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  return parts == 4;
}

bool is_dns_name(std::string_view host) noexcept {
  if (host.empty() || host.size() > 253) return false;
  std::string_view last_label;
  while (true) {
    auto dot = host.find('.');
    std::string_view label = host.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-')) return false;
    last_label = label;
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  // Browsers read a host whose last label is all digits as an IPv4 address;
  // such a host is valid only in dotted-quad form, checked by is_ipv4.
  return !std::all_of(last_label.begin(), last_label.end(), is_digit);
}

// --- blob --------------------------------------------------------------------

std::vector<std::uint8_t> signed_message(std::span<const std::uint8_t> unsigned_blob) {
  const auto& context = signed_payload_signature_context;
  std::vector<std::uint8_t> message(context.size() + unsigned_blob.size());
  auto rest = std::copy(context.begin(), context.end(), message.begin());
  std::copy(unsigned_blob.begin(), unsigned_blob.end(), rest);
  return message;
}

Status validate_fields(const ChallengePayload& p) {
  if (p.challenge.size() != signed_payload_challenge_digits ||
      !std::all_of(p.challenge.begin(), p.challenge.end(), is_digit))
    return malformed("bad challenge");
  if (p.expires_at <= 0) return malformed("bad expiry");
  return validate_payload_origin(p.origin);
}

// The parsed payload and where its signature starts.
struct Decoded {
  ChallengePayload payload;
  std::vector<std::uint8_t> blob;
  std::size_t signature_at = 0;
};

Result<Decoded> decode(std::string_view text) {
  if (text.substr(0, signed_payload_prefix.size()) != signed_payload_prefix) return malformed("bad prefix");
  if (text.size() > signed_payload_max_text_bytes) return malformed("too long");
  Decoded d;
  if (!base32_decode(text.substr(signed_payload_prefix.size()), d.blob)) return malformed("bad base32");
  const auto& b = d.blob;
  if (b.empty()) return malformed("truncated");
  if (b[kVersionAt] != signed_payload_version) return fail(Errc::payload_bad_version);
  if (b.size() < kOriginAt) return malformed("truncated");
  const std::size_t origin_length = b[kOriginLengthAt];
  d.signature_at = kOriginAt + origin_length;
  const std::size_t total = d.signature_at + ed25519_signature_bytes;
  if (b.size() < total) return malformed("truncated");
  if (b.size() > total) return malformed("trailing bytes");

  auto& p = d.payload;
  std::copy_n(b.begin() + kTxIdAt, p.tx_id.size(), p.tx_id.begin());

  std::uint32_t challenge = 0;
  for (std::size_t i = 0; i < kChallengeBytes; ++i) challenge = (challenge << 8) | b[kChallengeAt + i];
  if (challenge >= kChallengeLimit) return malformed("bad challenge");
  p.challenge.assign(signed_payload_challenge_digits, '0');
  for (std::size_t i = signed_payload_challenge_digits; i-- > 0; challenge /= 10)
    p.challenge[i] = static_cast<char>('0' + challenge % 10);

  std::uint64_t expiry = 0;
  for (std::size_t i = 0; i < kExpiryBytes; ++i) expiry = (expiry << 8) | b[kExpiryAt + i];
  p.expires_at = static_cast<std::int64_t>(expiry);  // two's complement, C++20
  if (p.expires_at <= 0) return malformed("bad expiry");

  p.origin.assign(reinterpret_cast<const char*>(b.data() + kOriginAt), origin_length);
  if (auto s = validate_payload_origin(p.origin); !s) return s.error();
  return d;
}

}  // namespace

// --- Ed25519KeyPair -------------------------------------------------------------

Ed25519KeyPair Ed25519KeyPair::generate() {
  crypto_init();
  Ed25519KeyPair pair;
  // Cannot fail: libsodium returns 0 unconditionally for this primitive.
  if (crypto_sign_keypair(pair.public_key_.data(), pair.secret_key_.data()) != 0) std::abort();
  return pair;
}

Result<Ed25519KeyPair> Ed25519KeyPair::from_seed(std::span<const std::uint8_t> seed) {
  if (seed.size() != ed25519_seed_bytes) return fail(Errc::bad_argument);
  crypto_init();
  Ed25519KeyPair pair;
  if (crypto_sign_seed_keypair(pair.public_key_.data(), pair.secret_key_.data(), seed.data()) != 0)
    return fail(Errc::internal);
  return pair;
}

Ed25519KeyPair::Ed25519KeyPair(Ed25519KeyPair&& other) noexcept
    : public_key_(other.public_key_), secret_key_(other.secret_key_) {
  wipe(other.secret_key_.data(), other.secret_key_.size());
}

Ed25519KeyPair& Ed25519KeyPair::operator=(Ed25519KeyPair&& other) noexcept {
  if (this != &other) {
    public_key_ = other.public_key_;
    secret_key_ = other.secret_key_;
    wipe(other.secret_key_.data(), other.secret_key_.size());
  }
  return *this;
}

Ed25519KeyPair::~Ed25519KeyPair() { wipe(secret_key_.data(), secret_key_.size()); }

// --- payload -----------------------------------------------------------------

Status validate_payload_origin(std::string_view origin) {
  auto bad = [] { return Status(malformed("bad origin")); };
  if (origin.empty() || origin.size() > signed_payload_origin_max_bytes) return bad();

  bool https = false;
  if (origin.starts_with("https://")) {
    https = true;
    origin.remove_prefix(8);
  } else if (origin.starts_with("http://")) {
    origin.remove_prefix(7);
  } else {
    return bad();
  }

  std::string_view host = origin;
  if (auto colon = origin.find(':'); colon != std::string_view::npos) {
    host = origin.substr(0, colon);
    std::uint32_t port = 0;
    if (!parse_decimal(origin.substr(colon + 1), 65535, port) || port == 0) return bad();
    if (port == (https ? 443u : 80u)) return bad();  // the canonical origin omits it
  }

  if (https) {
    if (!is_dns_name(host) && !is_ipv4(host)) return bad();
  } else if (host != "127.0.0.1" && host != "localhost") {
    return bad();
  }
  return ok_status();
}

Result<std::string> encode_signed_payload(const ChallengePayload& payload, std::span<const std::uint8_t> secret_key) {
  if (secret_key.size() != ed25519_secret_key_bytes) return fail(Errc::bad_argument);
  if (auto s = validate_fields(payload); !s) return s.error();

  std::vector<std::uint8_t> blob;
  blob.reserve(signed_payload_fixed_bytes + payload.origin.size());
  blob.push_back(signed_payload_version);
  blob.insert(blob.end(), payload.tx_id.begin(), payload.tx_id.end());

  std::uint32_t challenge = 0;
  for (char c : payload.challenge) challenge = challenge * 10 + static_cast<std::uint32_t>(c - '0');
  for (std::size_t i = kChallengeBytes; i-- > 0;) blob.push_back(static_cast<std::uint8_t>(challenge >> (8 * i)));

  const auto expiry = static_cast<std::uint64_t>(payload.expires_at);
  for (std::size_t i = kExpiryBytes; i-- > 0;) blob.push_back(static_cast<std::uint8_t>(expiry >> (8 * i)));

  blob.push_back(static_cast<std::uint8_t>(payload.origin.size()));
  blob.insert(blob.end(), payload.origin.begin(), payload.origin.end());

  crypto_init();
  const auto message = signed_message(blob);
  std::array<std::uint8_t, ed25519_signature_bytes> signature{};
  if (crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), secret_key.data()) != 0)
    return fail(Errc::internal);
  blob.insert(blob.end(), signature.begin(), signature.end());

  std::string text(signed_payload_prefix);
  text += base32_encode(blob);
  return text;
}

Result<ChallengePayload> parse_signed_payload(std::string_view text) {
  auto decoded = decode(text);
  if (!decoded) return decoded.error();
  return std::move(decoded->payload);
}

Result<ChallengePayload> verify_signed_payload(std::string_view text, std::span<const std::uint8_t> public_key,
                                               std::int64_t now) {
  if (public_key.size() != ed25519_public_key_bytes) return fail(Errc::bad_argument);
  auto decoded = decode(text);
  if (!decoded) return decoded.error();

  crypto_init();
  const auto& blob = decoded->blob;
  const auto message = signed_message(std::span(blob.data(), decoded->signature_at));
  if (crypto_sign_verify_detached(blob.data() + decoded->signature_at, message.data(), message.size(),
                                  public_key.data()) != 0)
    return fail(Errc::payload_bad_signature);

  if (now >= decoded->payload.expires_at) return fail(Errc::payload_expired);
  return std::move(decoded->payload);
}

}  // namespace sls
