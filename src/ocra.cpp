// OCRA (RFC 6287, sls/ocra.hpp): suite parsing, the question field, and computing and verifying responses.
#include "sls/ocra.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "sls/secure.hpp"

namespace sls {
namespace {

// ---------------------------------------------------------------------------
// Suite parsing

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Parses a decimal number written with exactly `width` digits (width 0: one
// or more digits without a leading zero, so that the text round-trips).
std::optional<unsigned> parse_number(std::string_view s, std::size_t width) noexcept {
  if (s.empty() || s.size() > 3 || !std::all_of(s.begin(), s.end(), is_digit)) return std::nullopt;
  if (width != 0 ? s.size() != width : (s.size() > 1 && s[0] == '0')) return std::nullopt;
  unsigned value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

std::optional<OcraHash> parse_hash_name(std::string_view s) noexcept {
  if (s == "SHA1") return OcraHash::sha1;
  if (s == "SHA256") return OcraHash::sha256;
  if (s == "SHA512") return OcraHash::sha512;
  return std::nullopt;
}

// Splits at every `sep`, keeping empty pieces.
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    auto at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

// ---------------------------------------------------------------------------
// HMAC over libsodium's streaming API (keys of any length)

class HmacStream {
 public:
  HmacStream(OcraHash hash, std::span<const std::uint8_t> key) noexcept : hash_(hash) {
    ok_ = hash_ == OcraHash::sha512 ? crypto_auth_hmacsha512_init(&sha512_, key.data(), key.size()) == 0
                                    : crypto_auth_hmacsha256_init(&sha256_, key.data(), key.size()) == 0;
  }
  HmacStream(const HmacStream&) = delete;
  HmacStream& operator=(const HmacStream&) = delete;
  ~HmacStream() {
    wipe(&sha256_, sizeof sha256_);
    wipe(&sha512_, sizeof sha512_);
  }

  void update(std::span<const std::uint8_t> data) noexcept {
    if (!ok_ || data.empty()) return;
    ok_ = hash_ == OcraHash::sha512 ? crypto_auth_hmacsha512_update(&sha512_, data.data(), data.size()) == 0
                                    : crypto_auth_hmacsha256_update(&sha256_, data.data(), data.size()) == 0;
  }
  void update_zeros(std::size_t count) noexcept {
    static constexpr std::array<std::uint8_t, 64> kZeros{};
    while (count > 0) {
      std::size_t n = std::min(count, kZeros.size());
      update(std::span(kZeros.data(), n));
      count -= n;
    }
  }
  void update_u64(std::uint64_t v) noexcept {  // 8 bytes, big-endian
    std::array<std::uint8_t, 8> be{};
    for (std::size_t i = 0; i < be.size(); ++i) be[7 - i] = static_cast<std::uint8_t>(v >> (8 * i));
    update(be);
  }
  /// Writes the MAC into `out` and returns its length, or 0 on failure.
  std::size_t finish(std::span<std::uint8_t, crypto_auth_hmacsha512_BYTES> out) noexcept {
    if (!ok_) return 0;
    if (hash_ == OcraHash::sha512)
      return crypto_auth_hmacsha512_final(&sha512_, out.data()) == 0 ? crypto_auth_hmacsha512_BYTES : 0;
    return crypto_auth_hmacsha256_final(&sha256_, out.data()) == 0 ? crypto_auth_hmacsha256_BYTES : 0;
  }

 private:
  OcraHash hash_;
  bool ok_ = false;
  crypto_auth_hmacsha256_state sha256_{};
  crypto_auth_hmacsha512_state sha512_{};
};

// ---------------------------------------------------------------------------
// The Q field

// Stores hexadecimal digits into `q` left-aligned, one nibble each, so that an
// odd count ends on a high nibble. This is what RFC 6287's reference code does
// (it right-pads the hex string with '0' to 256 digits), and the RFC test
// vectors depend on it: 22222222 is 0x153158E, stored as 15 31 58 E0.
void store_nibbles(std::span<const std::uint8_t> nibbles, std::span<std::uint8_t, kOcraQuestionBytes> q) noexcept {
  for (std::size_t i = 0; i < nibbles.size(); ++i)
    q[i / 2] = static_cast<std::uint8_t>(q[i / 2] | (i % 2 == 0 ? nibbles[i] << 4 : nibbles[i]));
}

// A decimal question becomes the hexadecimal digits of its value, without
// leading zeros ("0" for zero), as Java's BigInteger.toString(16) in the
// reference code.
void store_decimal(std::string_view digits, std::span<std::uint8_t, kOcraQuestionBytes> q) {
  std::vector<std::uint8_t> value;  // base 256, least significant first
  for (char c : digits) {
    auto carry = static_cast<unsigned>(c - '0');
    for (auto& byte : value) {
      unsigned v = byte * 10u + carry;
      byte = static_cast<std::uint8_t>(v & 0xFF);
      carry = v >> 8;
    }
    if (carry != 0) value.push_back(static_cast<std::uint8_t>(carry));
  }
  std::vector<std::uint8_t> nibbles;
  std::reverse(value.begin(), value.end());  // most significant first
  for (std::uint8_t byte : value) {
    nibbles.push_back(static_cast<std::uint8_t>(byte >> 4));
    nibbles.push_back(static_cast<std::uint8_t>(byte & 0xF));
  }
  auto first = std::find_if(nibbles.begin(), nibbles.end(), [](std::uint8_t n) { return n != 0; });
  nibbles.erase(nibbles.begin(), first);
  if (nibbles.empty()) nibbles.push_back(0);
  store_nibbles(nibbles, q);
}

Status encode_question(const OcraSuite& suite, const OcraInput& in, std::span<std::uint8_t, kOcraQuestionBytes> q) {
  const std::size_t parts = in.mutual ? 2 : 1;
  const std::size_t length = in.question.size();
  if (length < parts * kOcraMinQuestionLength || length > parts * suite.question_length())
    return fail(Errc::ocra_bad_question);
  switch (suite.question_format()) {
    case OcraQuestionFormat::numeric:
      if (!std::all_of(in.question.begin(), in.question.end(), is_digit)) return fail(Errc::ocra_bad_question);
      store_decimal(in.question, q);
      break;
    case OcraQuestionFormat::hex: {
      // Left-aligned nibbles (see store_nibbles): an odd count is padded
      // with a '0' digit, as the reference code pads the hex string.
      std::string digits(in.question);
      if (digits.size() % 2 != 0) digits += '0';
      std::vector<std::uint8_t> bytes;
      if (!from_hex(digits, bytes)) return fail(Errc::ocra_bad_question);
      std::copy(bytes.begin(), bytes.end(), q.begin());  // at most 64 bytes: fits
      break;
    }
    case OcraQuestionFormat::alphanumeric:
      for (std::size_t i = 0; i < length; ++i) {  // at most 128 characters: fits
        auto c = static_cast<unsigned char>(in.question[i]);
        if (c < 0x21 || c > 0x7E) return fail(Errc::ocra_bad_question);
        q[i] = c;
      }
      break;
  }
  return ok_status();
}

// Dynamic truncation (RFC 4226 §5.3) to `digits` decimal digits.
std::string truncate_to_digits(std::span<const std::uint8_t> mac, unsigned digits) {
  std::size_t offset = mac.back() & 0x0Fu;
  std::uint64_t binary = (std::uint64_t{mac[offset]} & 0x7Fu) << 24 | std::uint64_t{mac[offset + 1]} << 16 |
                         std::uint64_t{mac[offset + 2]} << 8 | std::uint64_t{mac[offset + 3]};
  std::uint64_t modulus = 1;
  for (unsigned i = 0; i < digits; ++i) modulus *= 10;
  binary %= modulus;
  std::string out(digits, '0');
  for (std::size_t i = digits; i > 0 && binary > 0; --i, binary /= 10)
    out[i - 1] = static_cast<char>('0' + binary % 10);
  return out;
}

}  // namespace

std::size_t ocra_hash_bytes(OcraHash hash) noexcept {
  switch (hash) {
    case OcraHash::sha1: return 20;
    case OcraHash::sha256: return crypto_hash_sha256_BYTES;
    case OcraHash::sha512: return crypto_hash_sha512_BYTES;
  }
  return 0;
}

Result<OcraSuite> OcraSuite::parse(std::string_view text) {
  auto malformed = [text](std::string_view reason) { return fail(Errc::ocra_suite_malformed, {text, reason}); };

  auto fields = split(text, ':');
  if (fields.size() != 3) return malformed("expected Algorithm:CryptoFunction:DataInput");
  if (fields[0] != "OCRA-1") return malformed("the algorithm must be OCRA-1");

  OcraSuite suite;
  suite.text_ = std::string(text);

  // CryptoFunction: HOTP-SHAx-t
  auto crypto = split(fields[1], '-');
  if (crypto.size() != 3 || crypto[0] != "HOTP") return malformed("the crypto function must be HOTP-SHAx-t");
  auto hash = parse_hash_name(crypto[1]);
  if (!hash) return malformed("the crypto function hash must be SHA1, SHA256 or SHA512");
  auto digits = parse_number(crypto[2], 0);
  if (!digits || (*digits != 0 && (*digits < 4 || *digits > kOcraMaxDigits)))
    return malformed("the truncation must be 0 or 4 to 10 digits");
  suite.hash_ = *hash;
  suite.digits_ = *digits;

  // DataInput: [C-]QFnn[-PSHAy][-Snnn][-Tg], in this order
  auto inputs = split(fields[2], '-');
  std::size_t i = 0;
  if (inputs[i] == "C") {
    suite.has_counter_ = true;
    ++i;
  }
  if (i >= inputs.size() || inputs[i].empty() || inputs[i][0] != 'Q')
    return malformed("the challenge field Q is missing or misplaced");
  {
    std::string_view q = inputs[i++];
    if (q.size() < 2 || (q[1] != 'A' && q[1] != 'N' && q[1] != 'H'))
      return malformed("the challenge format must be QA, QN or QH");
    suite.question_format_ = q[1] == 'A'   ? OcraQuestionFormat::alphanumeric
                             : q[1] == 'N' ? OcraQuestionFormat::numeric
                                           : OcraQuestionFormat::hex;
    auto length = parse_number(q.substr(2), 2);
    if (!length || *length < kOcraMinQuestionLength || *length > kOcraMaxQuestionLength)
      return malformed("the challenge length must be 04 to 64");
    suite.question_length_ = *length;
  }
  if (i < inputs.size() && !inputs[i].empty() && inputs[i][0] == 'P') {
    auto pin_hash = parse_hash_name(inputs[i++].substr(1));
    if (!pin_hash) return malformed("the PIN hash must be PSHA1, PSHA256 or PSHA512");
    suite.pin_hash_ = *pin_hash;
  }
  if (i < inputs.size() && !inputs[i].empty() && inputs[i][0] == 'S') {
    auto length = parse_number(inputs[i++].substr(1), 3);
    if (!length || *length < kOcraMinSessionBytes || *length > kOcraMaxSessionBytes)
      return malformed("the session length must be S001 to S512");
    suite.session_length_ = *length;
  }
  if (i < inputs.size() && !inputs[i].empty() && inputs[i][0] == 'T') {
    std::string_view t = inputs[i++];
    char unit = t.size() >= 3 ? t.back() : '\0';
    auto value = parse_number(t.substr(1, t.size() >= 3 ? t.size() - 2 : 0), 0);
    bool valid = value && ((unit == 'S' || unit == 'M') ? (*value >= 1 && *value <= 59)
                           : unit == 'H'                ? *value <= 48
                                                        : false);
    if (!valid) return malformed("the time step must be T1S to T59S, T1M to T59M or T0H to T48H");
    suite.time_step_unit_ = unit == 'S'   ? OcraTimeUnit::second
                            : unit == 'M' ? OcraTimeUnit::minute
                                          : OcraTimeUnit::hour;
    suite.time_step_value_ = *value;
  }
  if (i < inputs.size())
    return malformed(inputs[i].empty() ? "the data input has an empty field"
                                       : "the data input has an unknown, repeated or misplaced field");

  if (suite.hash_ == OcraHash::sha1) return fail(Errc::ocra_suite_sha1, {text});
  return suite;
}

std::uint64_t OcraSuite::time_step_seconds() const noexcept {
  if (!time_step_unit_) return 0;
  switch (*time_step_unit_) {
    case OcraTimeUnit::second: return time_step_value_;
    case OcraTimeUnit::minute: return std::uint64_t{time_step_value_} * 60;
    case OcraTimeUnit::hour: return std::uint64_t{time_step_value_} * 3600;
  }
  return 0;
}

std::optional<std::uint64_t> OcraSuite::time_steps_at(std::int64_t unix_seconds) const noexcept {
  std::uint64_t step = time_step_seconds();
  if (step == 0 || unix_seconds < 0) return std::nullopt;
  return static_cast<std::uint64_t>(unix_seconds) / step;
}

Result<std::string> ocra_compute(const OcraSuite& suite, std::span<const std::uint8_t> key, const OcraInput& input) {
  crypto_init();
  if (key.size() < kOcraMinKeyBytes) return fail(Errc::ocra_bad_key);

  std::array<std::uint8_t, kOcraQuestionBytes> question{};
  if (auto st = encode_question(suite, input, question); !st) return st.error();

  if (suite.has_counter() && !input.counter) return fail(Errc::ocra_missing_input, {"counter"});

  SecretBytes pin_hash(crypto_hash_sha512_BYTES);  // large enough for every P
  std::size_t pin_hash_size = 0;
  if (auto p = suite.pin_hash()) {
    pin_hash_size = ocra_hash_bytes(*p);
    if (!input.pin_hash.empty()) {
      if (input.pin_hash.size() != pin_hash_size) return fail(Errc::bad_argument, {"pin_hash"});
      std::copy(input.pin_hash.begin(), input.pin_hash.end(), pin_hash.mutable_view().begin());
    } else if (input.pin.empty()) {
      return fail(Errc::ocra_missing_input, {"pin"});
    } else if (*p == OcraHash::sha1) {
      return fail(Errc::ocra_missing_input, {"pin_hash"});
    } else {
      const auto* pin = reinterpret_cast<const unsigned char*>(input.pin.data());
      int rc = *p == OcraHash::sha256 ? crypto_hash_sha256(pin_hash.mutable_view().data(), pin, input.pin.size())
                                      : crypto_hash_sha512(pin_hash.mutable_view().data(), pin, input.pin.size());
      if (rc != 0) return fail(Errc::internal);
    }
  }

  if (suite.session_length() != 0) {
    if (input.session.empty()) return fail(Errc::ocra_missing_input, {"session"});
    if (input.session.size() > suite.session_length()) return fail(Errc::bad_argument, {"session"});
  }
  if (suite.has_timestamp() && !input.time_steps) return fail(Errc::ocra_missing_input, {"timestamp"});

  // Message: suite | 0x00 | [C] | Q | [P] | [S] | [T]  (RFC 6287 §5.1)
  HmacStream hmac(suite.hash(), key);
  const std::string& text = suite.to_string();
  hmac.update(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  hmac.update_zeros(1);
  if (suite.has_counter()) hmac.update_u64(*input.counter);
  hmac.update(question);
  if (pin_hash_size != 0) hmac.update(pin_hash.view().first(pin_hash_size));
  if (suite.session_length() != 0) {
    hmac.update_zeros(suite.session_length() - input.session.size());
    hmac.update(input.session);
  }
  if (suite.has_timestamp()) hmac.update_u64(*input.time_steps);

  SecretBytes mac(crypto_auth_hmacsha512_BYTES);
  std::size_t mac_size = hmac.finish(mac.mutable_view().first<crypto_auth_hmacsha512_BYTES>());
  if (mac_size == 0) return fail(Errc::internal);
  auto mac_bytes = mac.view().first(mac_size);
  return suite.digits() == 0 ? to_hex(mac_bytes) : truncate_to_digits(mac_bytes, suite.digits());
}

Result<std::vector<std::uint8_t>> ocra_hash_pin(OcraHash hash, std::string_view pin) {
  crypto_init();
  if (hash == OcraHash::sha1) return fail(Errc::ocra_suite_sha1);
  if (pin.empty()) return fail(Errc::ocra_missing_input, {"pin"});
  std::vector<std::uint8_t> out(ocra_hash_bytes(hash));
  const auto* in = reinterpret_cast<const unsigned char*>(pin.data());
  int rc = hash == OcraHash::sha256 ? crypto_hash_sha256(out.data(), in, pin.size())
                                    : crypto_hash_sha512(out.data(), in, pin.size());
  if (rc != 0) return fail(Errc::internal);
  return out;
}

}  // namespace sls
