// The one rule for user names, applied at every entry point that takes one
// (POST /login, Mobile Key activation, the Enrolment API and so slsctl), and
// the escaping that keeps stored text on one terminal line when printed.
#pragma once

#include <string>
#include <string_view>

#include "sls/result.hpp"

namespace sls::server {

/// Longest user name, in bytes of UTF-8.
inline constexpr std::size_t kUserNameMaxBytes = 64;

/// ok when `name` is 1..kUserNameMaxBytes bytes of valid UTF-8 (shortest
/// form, no surrogates) holding only printable characters: no C0 or C1
/// control character, no DEL, no line or paragraph separator (U+2028,
/// U+2029) and no bidirectional override or isolate (U+202A..U+202E,
/// U+2066..U+2069). Otherwise Errc::user_bad_name (a 400), without the name
/// in the error: it may be anything, including a password typed there.
Status check_user_name(std::string_view name) noexcept;

/// `text` with every byte or character that could move the cursor, change
/// the terminal or reorder the line written as an escape: \n \r \t \\ as
/// such, other C0 controls and DEL and bytes of invalid UTF-8 as \xHH, C1
/// controls, U+2028/U+2029 and the bidirectional controls as \u{HHHH}.
/// Printable UTF-8 passes unchanged. Never fails.
std::string escape_for_terminal(std::string_view text);

}  // namespace sls::server
