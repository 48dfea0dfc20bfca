// Challenge and response strings: reading, checking and formatting what the user types from a token (response.hpp).
#include "sls/response.hpp"

#include <array>

#include "sls/secure.hpp"

namespace sls {
namespace {

// The weakly totally anti-symmetric quasigroup of order 10 from H. Michael
// Damm's thesis (2004). Its zero diagonal is what makes a valid number's
// interim digit end at 0, and its anti-symmetry is what catches adjacent
// transpositions.
constexpr std::array<std::array<std::uint8_t, 10>, 10> kDammTable{{
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
    {7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
    {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
    {1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
    {6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
    {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
    {8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
    {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
    {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}};

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// The interim digit after running `digits` through the table; nullopt on a
// non-digit.
std::optional<std::uint8_t> damm_interim(std::string_view digits) noexcept {
  std::uint8_t interim = 0;
  for (char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    interim = kDammTable[interim][static_cast<std::size_t>(c - '0')];
  }
  return interim;
}

constexpr CodeFormat kResponseFormat{CodeAlphabet::digits,
                                     kResponseDigits,
                                     4,
                                     Errc::response_bad_character,
                                     Errc::response_wrong_length,
                                     Errc::response_wrong_length,
                                     damm_valid,
                                     Errc::response_check_digit};
constexpr CodeFormat kChallengeFormat{
    CodeAlphabet::digits,        kChallengeDigits, 3, Errc::challenge_bad_character, Errc::challenge_wrong_length,
    Errc::challenge_wrong_length};

Status require_device_suite(const OcraSuite& suite) {
  if (suite.digits() != kResponseOcraDigits)
    return fail(Errc::ocra_suite_malformed, {suite.to_string(), "a device response needs HOTP-SHAx-7"});
  return ok_status();
}

}  // namespace

std::optional<char> damm_check_digit(std::string_view digits) noexcept {
  auto interim = damm_interim(digits);
  if (!interim) return std::nullopt;
  // With a zero diagonal, the digit that brings the interim to 0 is the
  // interim itself.
  return static_cast<char>('0' + *interim);
}

bool damm_valid(std::string_view digits) noexcept {
  if (digits.empty()) return false;
  auto interim = damm_interim(digits);
  return interim && *interim == 0;
}

Result<std::string> response_from_ocra(std::string_view seven_digits) {
  for (char c : seven_digits)
    if (!is_digit(c)) return fail(Errc::response_bad_character);
  if (seven_digits.size() != kResponseOcraDigits) return fail(Errc::response_wrong_length);
  std::string response(seven_digits);
  response += *damm_check_digit(seven_digits);
  return response;
}

std::string format_response(std::string_view digits) { return group_code(digits, 4); }
std::string format_challenge(std::string_view digits) { return group_code(digits, 3); }

EntryState inspect_response(std::string_view typed) { return inspect_code(typed, kResponseFormat); }
Result<std::string> parse_response(std::string_view typed) { return parse_code(typed, kResponseFormat); }

EntryState inspect_challenge(std::string_view typed) { return inspect_code(typed, kChallengeFormat); }
Result<std::string> parse_challenge(std::string_view typed) { return parse_code(typed, kChallengeFormat); }

std::string generate_challenge() {
  std::string challenge(kChallengeDigits, '0');
  for (auto& c : challenge) c = static_cast<char>('0' + random_below(10));
  return challenge;
}

Result<std::string> compute_device_response(const OcraSuite& suite, std::span<const std::uint8_t> key,
                                            const OcraInput& input) {
  if (auto st = require_device_suite(suite); !st) return st.error();
  auto ocra = ocra_compute(suite, key, input);
  if (!ocra) return ocra.error();
  auto response = response_from_ocra(*ocra);
  wipe(*ocra);
  return response;
}

Status verify_device_response(const OcraSuite& suite, std::span<const std::uint8_t> key, const OcraInput& input,
                              std::string_view typed) {
  if (auto st = require_device_suite(suite); !st) return st.error();
  auto entered = parse_response(typed);
  if (!entered) return entered.error();
  auto expected = compute_device_response(suite, key, input);
  if (!expected) {
    wipe(*entered);
    return expected.error();
  }
  bool equal = constant_time_equal(*expected, *entered);
  wipe(*expected);
  wipe(*entered);
  return equal ? ok_status() : Status(fail(Errc::response_mismatch));
}

}  // namespace sls
