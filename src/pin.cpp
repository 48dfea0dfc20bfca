// The PIN rules of the Mobile Key recovery PIN and the DSC+ soft PIN (pin.hpp).
#include "sls/pin.hpp"

#include <algorithm>
#include <string>

namespace sls {
namespace {

// Code points in UTF-8 text: every byte that does not continue a sequence
// starts a character. (A stray continuation byte is not counted, but it is
// never a valid PIN character, so the verdict is a bad character anyway.)
std::size_t count_characters(std::string_view s) noexcept {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u; }));
}

bool is_printable_ascii(char c) noexcept {
  auto b = static_cast<unsigned char>(c);
  return b >= 0x21 && b <= 0x7E;
}

bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

Status check_length(std::size_t length, std::size_t min, std::size_t max) {
  if (length < min) return fail(Errc::pin_too_short, {std::to_string(min)});
  if (length > max) return fail(Errc::pin_too_long, {std::to_string(max)});
  return ok_status();
}

}  // namespace

Status check_recovery_pin(std::string_view pin) {
  if (!std::all_of(pin.begin(), pin.end(), is_printable_ascii)) return fail(Errc::pin_bad_character);
  return check_length(count_characters(pin), kRecoveryPinMinLength, kRecoveryPinMaxLength);
}

Status check_soft_pin(std::string_view pin) {
  if (!std::all_of(pin.begin(), pin.end(), is_ascii_digit)) return fail(Errc::pin_not_digits);
  return check_length(count_characters(pin), kSoftPinLength, kSoftPinLength);
}

}  // namespace sls
