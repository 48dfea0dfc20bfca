// What every typed code (card codes, response strings, challenges, SMS codes)
// shares: folding what Chinese IMEs and phones type into ASCII, and the state
// of a partly typed entry as the component shows it.
#pragma once

#include <string>
#include <string_view>

#include "sls/error.hpp"

namespace sls {

/// Folds full-width forms to ASCII and drops separators, so that what a user
/// types with a Chinese IME or pastes from a phone compares as plain ASCII.
///  - U+FF01..U+FF5E (full-width ASCII: digits U+FF10–U+FF19, letters
///    U+FF21–U+FF3A and U+FF41–U+FF5A, punctuation) → U+0021..U+007E;
///  - removed: ASCII space, tab, '-', U+3000 ideographic space, U+00A0
///    no-break space, U+2010–U+2015 dashes, U+30FC/U+FF0D (full-width
///    dashes) and U+2212 minus sign;
///  - every other byte, including invalid UTF-8, is kept as it is (so that
///    the caller reports it as a character outside its alphabet).
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

}  // namespace sls
