// What every typed code (card codes, response strings, challenges, SMS codes)
// shares: folding what Chinese IMEs and phones type into ASCII, and the state
// of a partly typed entry as the component shows it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sls/error.hpp"
#include "sls/result.hpp"

namespace sls {

/// Folds full-width forms to ASCII and drops separators, so that what a user
/// types with a Chinese IME or pastes from a phone compares as plain ASCII.
///  - U+FF01..U+FF5E (full-width ASCII: digits U+FF10–U+FF19, letters
///    U+FF21–U+FF3A and U+FF41–U+FF5A, punctuation) → U+0021..U+007E;
///  - removed: ASCII space, tab, '-', U+3000 ideographic space, U+00A0
///    no-break space, U+2010–U+2015 dashes, U+30FC/U+FF0D (full-width
///    dashes) and U+2212 minus sign;
///  - every other byte, including invalid UTF-8 (overlong forms, UTF-16
///    surrogates and code points above U+10FFFF included, RFC 3629), is kept
///    as it is (so that the caller reports it as a character outside its
///    alphabet).
/// Never fails; output is never longer than input.
std::string fold_typed_code(std::string_view typed);

/// The state of a partly or fully typed code, for live validation.
struct EntryState {
  /// The accepted characters so far, normalised (e.g. "12345678", "A3D7KP").
  std::string normalized;
  /// `normalized` grouped for reading, e.g. "1234 5678" or "A3D 7KP".
  std::string display;
  /// Errc::ok while the entry may still become valid; otherwise the reason it
  /// cannot (a bad character, too long, or a failed check when complete).
  Errc error = Errc::ok;
  /// True when the entry is full length and error is ok: it may be submitted.
  bool complete = false;
};

/// Crockford's Base32 alphabet (digits, and letters without I, L, O, U): the
/// characters of code cards and temporary codes.
inline constexpr std::string_view kCrockfordAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// What a typed code may contain.
enum class CodeAlphabet : unsigned char {
  digits,     ///< '0'..'9'
  crockford,  ///< kCrockfordAlphabet; lower case accepted, O read as 0, I and L as 1
};

/// The rules of one kind of typed code: every code field (card codes, SMS
/// codes, temporary codes, challenges, responses) is one of these.
struct CodeFormat {
  CodeAlphabet alphabet;
  /// Characters of a complete code, > 0.
  std::size_t length;
  /// Characters per group in EntryState::display ("123 456"), > 0.
  std::size_t group_size;
  /// Reported for a character outside the alphabet.
  Errc bad_character;
  /// Reported for more than `length` characters.
  Errc too_long;
  /// Reported at submit for fewer than `length` characters.
  Errc too_short;
  /// An extra check of a complete code (e.g. a check digit); null for none.
  bool (*check)(std::string_view complete) noexcept = nullptr;
  /// Reported when `check` fails.
  Errc check_failed = Errc::ok;
};

/// The live state of a typed code. `typed` is folded with fold_typed_code,
/// then mapped into the alphabet (upper case and look-alikes for crockford).
/// Precedence: a character outside the alphabet → format.bad_character; more
/// than `length` characters → format.too_long; a complete code failing
/// `check` → format.check_failed; `length` characters → complete; fewer →
/// incomplete with error ok. `normalized` keeps the accepted characters in
/// order; `display` groups them. Never fails; temporaries are wiped.
EntryState inspect_code(std::string_view typed, const CodeFormat& format);

/// The submit-time check: the normalised complete code, or the error of
/// inspect_code, or format.too_short for an incomplete one.
Result<std::string> parse_code(std::string_view typed, const CodeFormat& format);

/// Groups characters in blocks of `group_size` separated by one space:
/// ("12345678", 4) → "1234 5678". Any string is accepted.
std::string group_code(std::string_view s, std::size_t group_size);

/// SMS login codes: 6 digits, valid at most 10 minutes (SPEC 3.4).
inline constexpr CodeFormat kSmsCodeFormat{CodeAlphabet::digits, 6, 3, Errc::sms_code_format, Errc::sms_code_format,
                                           Errc::sms_code_format};
/// Temporary codes from support: 10 Crockford characters, 50 bits (SPEC 3.5).
inline constexpr CodeFormat kTempCodeFormat{
    CodeAlphabet::crockford, 10, 5, Errc::temp_code_format, Errc::temp_code_format, Errc::temp_code_format};

}  // namespace sls
