// OCRA, the OATH Challenge-Response Algorithm (RFC 6287): suite strings and
// the response computation, with HMAC-SHA-256 and HMAC-SHA-512 from libsodium.
//
// A suite string fixes every input of the computation, for example
// "OCRA-1:HOTP-SHA256-7:QN06-PSHA256": HMAC-SHA-256 truncated to 7 digits, a
// numeric challenge of up to 6 digits, and the SHA-256 hash of a PIN. The
// suite text itself is part of the HMAC message, so it is kept exactly as
// given and only the canonical spelling of RFC 6287 §6 is accepted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sls/result.hpp"

namespace sls {

/// A hash function named in a suite: the HMAC hash of the CryptoFunction, or
/// the hash of the PIN (the P field).
enum class OcraHash : std::uint8_t { sha1, sha256, sha512 };

/// How the challenge question (the Q field) is written.
enum class OcraQuestionFormat : std::uint8_t {
  alphanumeric,  ///< "QA": printable ASCII, used as its bytes
  numeric,       ///< "QN": decimal digits, used as the number's hexadecimal digits
  hex,           ///< "QH": hexadecimal digits, used as nibbles
};

/// The unit of a time step (the T field).
enum class OcraTimeUnit : std::uint8_t { second, minute, hour };

/// Shortest accepted HMAC key: 128 bits, the floor RFC 4226 (which OCRA
/// builds on) sets for the shared secret. RFC 6287 recommends the hash size.
inline constexpr std::size_t kOcraMinKeyBytes = 16;
/// Size of the Q field of the HMAC message; shorter questions are padded.
inline constexpr std::size_t kOcraQuestionBytes = 128;
/// Range of the challenge length nn in "QFnn".
inline constexpr unsigned kOcraMinQuestionLength = 4;
inline constexpr unsigned kOcraMaxQuestionLength = 64;
/// Range of the session information length nnn in "Snnn", in bytes.
inline constexpr unsigned kOcraMinSessionBytes = 1;
inline constexpr unsigned kOcraMaxSessionBytes = 512;
/// Largest truncation length t in "HOTP-SHAx-t" (0 means no truncation).
inline constexpr unsigned kOcraMaxDigits = 10;

/// Output size of a hash in bytes: 20 (SHA-1), 32 (SHA-256), 64 (SHA-512).
std::size_t ocra_hash_bytes(OcraHash hash) noexcept;

/// A parsed, validated OCRA suite. Immutable; obtained only from parse().
class OcraSuite {
 public:
  /// Parses `OCRA-1:HOTP-SHAx-t:[C-]QFnn[-PSHAy][-Snnn][-Tg]` (RFC 6287 §6):
  ///  - x: 1, 256 or 512; t: 0 or 4..10, written without a leading zero;
  ///  - F: A, N or H; nn: exactly two digits, 04..64;
  ///  - y: 1, 256 or 512;
  ///  - nnn: exactly three digits, 001..512 (RFC 6287 suggests 064, 128,
  ///    256 or 512; the digits are always written);
  ///  - g: 1..59 followed by S or M, or 0..48 followed by H, written without
  ///    a leading zero (RFC 6287 suggests 1M).
  /// Fields are upper case and come in the order shown, each at most once.
  /// Failure modes:
  ///  - Errc::ocra_suite_malformed, args {text, short English reason naming
  ///    the bad field}, for anything outside this grammar;
  ///  - Errc::ocra_suite_sha1, args {text}, for a well-formed suite whose
  ///    CryptoFunction is HOTP-SHA1 (refused by policy). A SHA-1 PIN hash
  ///    (PSHA1) is accepted: it only hashes the PIN, see OcraInput::pin_hash.
  static Result<OcraSuite> parse(std::string_view text);

  /// The suite text exactly as parsed (parse(s)->to_string() == s).
  const std::string& to_string() const noexcept { return text_; }

  /// The HMAC hash: OcraHash::sha256 or OcraHash::sha512, never sha1.
  OcraHash hash() const noexcept { return hash_; }
  /// Response length in decimal digits, 4..10; 0 means the full HMAC is the
  /// response (then written as lower-case hexadecimal).
  unsigned digits() const noexcept { return digits_; }
  /// True when the suite has the counter field C.
  bool has_counter() const noexcept { return has_counter_; }
  /// The challenge format and its length nn (4..64).
  OcraQuestionFormat question_format() const noexcept { return question_format_; }
  unsigned question_length() const noexcept { return question_length_; }
  /// The PIN hash function, or nullopt when the suite has no P field.
  std::optional<OcraHash> pin_hash() const noexcept { return pin_hash_; }
  /// Length of the session information S in bytes, 1..512; 0 when absent.
  unsigned session_length() const noexcept { return session_length_; }
  /// True when the suite has the timestamp field T.
  bool has_timestamp() const noexcept { return time_step_unit_.has_value(); }
  /// The time step as written: its unit and value (both meaningful only when
  /// has_timestamp(); the value is 1..59 for seconds and minutes, 0..48 for
  /// hours).
  OcraTimeUnit time_step_unit() const noexcept { return time_step_unit_.value_or(OcraTimeUnit::minute); }
  unsigned time_step_value() const noexcept { return time_step_value_; }
  /// The time step in seconds; 0 when the suite has no T field or a step of
  /// 0 hours (which RFC 6287's grammar allows but which cannot count time).
  std::uint64_t time_step_seconds() const noexcept;
  /// The number of whole time steps from the Unix epoch to `unix_seconds`:
  /// the value OcraInput::time_steps takes. nullopt when time_step_seconds()
  /// is 0 or unix_seconds is negative.
  std::optional<std::uint64_t> time_steps_at(std::int64_t unix_seconds) const noexcept;

  friend bool operator==(const OcraSuite& a, const OcraSuite& b) noexcept { return a.text_ == b.text_; }

 private:
  OcraSuite() = default;

  std::string text_;
  OcraHash hash_ = OcraHash::sha256;
  unsigned digits_ = 0;
  bool has_counter_ = false;
  OcraQuestionFormat question_format_ = OcraQuestionFormat::numeric;
  unsigned question_length_ = 0;
  std::optional<OcraHash> pin_hash_;
  unsigned session_length_ = 0;
  std::optional<OcraTimeUnit> time_step_unit_;
  unsigned time_step_value_ = 0;
};

/// The inputs of one OCRA computation. Views only: the caller owns the
/// memory (a PIN typically lives in a SecretString: pass its view()). Fields
/// the suite does not name are ignored.
struct OcraInput {
  /// The challenge Q as typed, in the suite's format: decimal digits (QN),
  /// hexadecimal digits of either case (QH) or printable ASCII without space,
  /// U+0021..U+007E (QA). Its length is 4..nn characters; when `mutual` is
  /// set it is two challenges joined (client's then server's, or the
  /// reverse), 8..2nn characters.
  std::string_view question;
  /// True for mutual challenge-response (RFC 6287 §7.3), see `question`.
  bool mutual = false;
  /// The counter C, for suites with a C field.
  std::optional<std::uint64_t> counter;
  /// The PIN as typed, for suites with PSHA256 or PSHA512: it is hashed here
  /// with libsodium. Ignored when pin_hash is given. Empty means not given.
  std::string_view pin;
  /// The PIN hash itself (20, 32 or 64 bytes, per the suite's P field). The
  /// only way to satisfy PSHA1: libsodium has no SHA-1. Empty means not given.
  std::span<const std::uint8_t> pin_hash;
  /// The session information S, 1..nnn bytes (shorter values are padded with
  /// leading zero bytes, as RFC 6287's reference code does). Empty means not
  /// given.
  std::span<const std::uint8_t> session;
  /// The timestamp T: a count of time steps since the Unix epoch, not
  /// seconds. OcraSuite::time_steps_at() converts a clock reading.
  std::optional<std::uint64_t> time_steps;
};

/// Computes the OCRA response for `input` under `suite` with the HMAC key
/// `key`: `suite.digits()` decimal digits with leading zeros kept, or the full
/// HMAC as lower-case hexadecimal when digits() is 0. Intermediate secrets
/// (PIN hash, HMAC state and output) are wiped before returning. Failure modes:
///  - Errc::ocra_bad_key: key shorter than kOcraMinKeyBytes (or empty);
///  - Errc::ocra_bad_question: question length outside the range given at
///    OcraInput::question, or a character outside the suite's format;
///  - Errc::ocra_missing_input, args {"counter"}, {"pin"}, {"session"} or
///    {"timestamp"}: the suite names an input that was not given; args
///    {"pin_hash"}: a PSHA1 suite was given a PIN but not its hash;
///  - Errc::bad_argument, args {"pin_hash"} or {"session"}: a PIN hash of the
///    wrong size, or session information longer than the suite's nnn;
///  - Errc::internal: libsodium reported a failure.
Result<std::string> ocra_compute(const OcraSuite& suite, std::span<const std::uint8_t> key, const OcraInput& input);

/// Hashes a PIN for a P field (for example when a server stores the hash
/// rather than the PIN): 32 bytes for SHA-256, 64 for SHA-512. Failure modes:
/// Errc::ocra_suite_sha1 for OcraHash::sha1 (libsodium has no SHA-1);
/// Errc::ocra_missing_input, args {"pin"}, for an empty PIN. The caller owns
/// (and should wipe) the result.
Result<std::vector<std::uint8_t>> ocra_hash_pin(OcraHash hash, std::string_view pin);

}  // namespace sls
