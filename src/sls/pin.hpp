// PIN rules (SPEC §4): the Mobile Key recovery PIN and the DSC+ soft PIN.
//
// Both checks count characters (Unicode code points of the UTF-8 input), not
// bytes: a full-width "１" or a Chinese character is one character, and one
// the rules reject. When an input breaks several rules, the bad character is
// reported first (it can never become valid by typing more), then the length.
// The functions only read the PIN: they keep no copy of it.
#pragma once

#include <cstddef>
#include <string_view>

#include "sls/result.hpp"

namespace sls {

/// Characters in a recovery PIN: 4 to 6.
inline constexpr std::size_t kRecoveryPinMinLength = 4;
inline constexpr std::size_t kRecoveryPinMaxLength = 6;
/// Digits in a DSC+ soft PIN: exactly 4.
inline constexpr std::size_t kSoftPinLength = 4;

/// Checks a Mobile Key recovery PIN: 4 to 6 characters, each a letter, a
/// digit or a special character, that is printable ASCII U+0021..U+007E (no
/// space, no control character, nothing outside ASCII). Failure modes, in
/// this order: Errc::pin_bad_character; Errc::pin_too_short with argument
/// "4"; Errc::pin_too_long with argument "6".
Status check_recovery_pin(std::string_view pin);

/// Checks a DSC+ soft PIN: exactly 4 ASCII digits. Failure modes, in this
/// order: Errc::pin_not_digits (any character but '0'..'9', full-width
/// digits included); Errc::pin_too_short or Errc::pin_too_long, with
/// argument "4".
Status check_soft_pin(std::string_view pin);

}  // namespace sls
