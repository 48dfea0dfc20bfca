// Challenge and response strings of challenge/response login (SPEC §3.2).
//
// The login page shows a 6-digit challenge; the device answers with 8 digits:
// 7 OCRA digits and a Damm check digit. The check digit lets the component
// catch a mistyped digit or two swapped neighbours while the user types,
// before the response costs a login attempt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sls/entry.hpp"
#include "sls/ocra.hpp"
#include "sls/result.hpp"

namespace sls {

/// Digits in a challenge shown on the login page.
inline constexpr std::size_t kChallengeDigits = 6;
/// Digits in a response typed by the user: OCRA digits plus a check digit.
inline constexpr std::size_t kResponseDigits = 8;
/// OCRA digits in a response; device suites use HOTP-SHAx-7.
inline constexpr std::size_t kResponseOcraDigits = 7;

// --- Damm check digit --------------------------------------------------------

/// The Damm check digit ('0'..'9') of a string of ASCII digits; appending it
/// makes damm_valid() true. The empty string yields '0'. nullopt when `digits`
/// holds anything but '0'..'9'. Damm's algorithm detects every single-digit
/// error and every transposition of two adjacent digits.
[[nodiscard]] std::optional<char> damm_check_digit(std::string_view digits) noexcept;

/// True when `digits` is one or more ASCII digits whose last digit is the
/// Damm check digit of the others. False for the empty string and for any
/// non-digit.
[[nodiscard]] bool damm_valid(std::string_view digits) noexcept;

// --- responses ---------------------------------------------------------------

/// Appends the check digit to 7 OCRA digits, giving the 8-digit response.
/// Errc::response_bad_character if a character is not '0'..'9';
/// Errc::response_wrong_length if there are not exactly 7 digits.
Result<std::string> response_from_ocra(std::string_view seven_digits);

/// Groups digits by 4 for reading: "12345678" → "1234 5678", "12345" →
/// "1234 5". Any string is accepted; never fails.
std::string format_response(std::string_view digits);

/// The state of a response while it is being typed. `typed` is first folded
/// with fold_typed_code (full-width digits, spaces and dashes). Then, in this
/// order of precedence:
///  - a character other than a digit → Errc::response_bad_character;
///  - more than 8 digits → Errc::response_wrong_length;
///  - 8 digits whose check digit fails → Errc::response_check_digit;
///  - 8 valid digits → complete; fewer → incomplete, error ok.
/// `normalized` keeps the digits only (in order); `display` groups them by 4.
EntryState inspect_response(std::string_view typed);

/// The submit-time check: the 8 normalised digits, or
/// Errc::response_bad_character, Errc::response_wrong_length (any count but
/// 8) or Errc::response_check_digit, with the precedence of inspect_response.
Result<std::string> parse_response(std::string_view typed);

// --- challenges --------------------------------------------------------------

/// Groups digits by 3 for reading: "123456" → "123 456". Never fails.
std::string format_challenge(std::string_view digits);

/// The state of a challenge being typed (into a device or the Mobile Key
/// simulator): folded as for responses; a non-digit →
/// Errc::challenge_bad_character, more than 6 digits →
/// Errc::challenge_wrong_length, 6 digits → complete. `display` groups the
/// digits by 3 ("123 456").
EntryState inspect_challenge(std::string_view typed);

/// The 6 normalised digits of a typed challenge, or
/// Errc::challenge_bad_character, or Errc::challenge_wrong_length (any count
/// but 6).
Result<std::string> parse_challenge(std::string_view typed);

/// A fresh challenge: 6 digits from libsodium's CSPRNG (leading zeros kept).
std::string generate_challenge();

// --- device responses (server side and device side) -------------------------

/// The 8-digit response a device shows: ocra_compute() under `suite` (which
/// must truncate to 7 digits) followed by the Damm check digit. Failure modes:
/// Errc::ocra_suite_malformed, args {suite, reason}, when suite.digits() is
/// not 7; otherwise those of ocra_compute.
Result<std::string> compute_device_response(const OcraSuite& suite, std::span<const std::uint8_t> key,
                                            const OcraInput& input);

/// Checks a typed response. The check digit is checked first, so a typo is
/// reported (parse_response's errors) without comparing anything secret; then
/// the expected response is compared with the typed one in constant time:
/// Errc::response_mismatch when they differ. Otherwise the failure modes of
/// compute_device_response.
Status verify_device_response(const OcraSuite& suite, std::span<const std::uint8_t> key, const OcraInput& input,
                              std::string_view typed);

}  // namespace sls
