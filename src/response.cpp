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

std::string group(std::string_view s, std::size_t size) {
  std::string out;
  out.reserve(s.size() + s.size() / size);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i != 0 && i % size == 0) out += ' ';
    out += s[i];
  }
  return out;
}

// What typed digit entries share: fold, keep the digits, note the first
// problem, and check the Damm digit of a full-length entry when asked.
struct DigitEntryRules {
  std::size_t length;
  std::size_t group_size;
  Errc bad_character;
  Errc wrong_length;
  Errc check_failed;  // Errc::ok: the entry carries no check digit
};

EntryState inspect_digits(std::string_view typed, const DigitEntryRules& rules) {
  EntryState state;
  std::string folded = fold_typed_code(typed);
  for (char c : folded) {
    if (is_digit(c)) state.normalized += c;
    else if (state.error == Errc::ok) state.error = rules.bad_character;
  }
  wipe(folded);
  if (state.error == Errc::ok) {
    if (state.normalized.size() > rules.length) {
      state.error = rules.wrong_length;
    } else if (state.normalized.size() == rules.length) {
      if (rules.check_failed != Errc::ok && !damm_valid(state.normalized)) state.error = rules.check_failed;
      else state.complete = true;
    }
  }
  state.display = group(state.normalized, rules.group_size);
  return state;
}

Result<std::string> parse_digits(std::string_view typed, const DigitEntryRules& rules) {
  EntryState state = inspect_digits(typed, rules);
  if (state.complete) {
    wipe(state.display);
    return std::move(state.normalized);
  }
  Errc error = state.error == Errc::ok ? rules.wrong_length : state.error;  // incomplete: too short
  wipe(state.normalized);
  wipe(state.display);
  return fail(error);
}

constexpr DigitEntryRules kResponseRules{kResponseDigits, 4, Errc::response_bad_character,
                                         Errc::response_wrong_length, Errc::response_check_digit};
constexpr DigitEntryRules kChallengeRules{kChallengeDigits, 3, Errc::challenge_bad_character,
                                          Errc::challenge_wrong_length, Errc::ok};

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

std::string format_response(std::string_view digits) { return group(digits, 4); }
std::string format_challenge(std::string_view digits) { return group(digits, 3); }

EntryState inspect_response(std::string_view typed) { return inspect_digits(typed, kResponseRules); }
Result<std::string> parse_response(std::string_view typed) { return parse_digits(typed, kResponseRules); }

EntryState inspect_challenge(std::string_view typed) { return inspect_digits(typed, kChallengeRules); }
Result<std::string> parse_challenge(std::string_view typed) { return parse_digits(typed, kChallengeRules); }

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
