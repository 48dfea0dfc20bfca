// The core's one UTF-8 decoder and encoder (RFC 3629), strict, shared by the JSON codec and the typed-code folding.
//
// Strict means one spelling per character: an overlong form (C0 A0 for a
// space), a UTF-16 surrogate encoded as UTF-8 (ED A0 80), a code point above
// U+10FFFF (F4 90 80 80), a stray or missing continuation byte and a sequence
// cut off by the end of the text are all invalid. A lenient decoder would let
// a second spelling of a separator or a quote slip past a check made on the
// canonical one.
#pragma once

#include <cstddef>
#include <string_view>

namespace sls {

/// One decoded character: its code point and how many bytes it took.
struct Utf8Char {
  char32_t code_point = 0;
  std::size_t length = 0;  ///< 1..4; 0 for an invalid sequence (see kUtf8Invalid)

  bool ok() const noexcept { return length != 0; }
  friend bool operator==(const Utf8Char&, const Utf8Char&) = default;
};

/// What decode_utf8 returns for an invalid sequence: length 0 and a code
/// point no valid character has.
inline constexpr Utf8Char kUtf8Invalid{0xFFFFFFFFu, 0};

/// Decodes the UTF-8 sequence starting at byte `at` of `text`. Returns the
/// character, or kUtf8Invalid when the sequence is not strict UTF-8 (see the
/// top of this file) or `at` is not before the end of `text`. Never reads
/// outside `text`. A caller skipping invalid input advances by one byte.
Utf8Char decode_utf8(std::string_view text, std::size_t at) noexcept;

/// The largest number of bytes encode_utf8 writes.
inline constexpr std::size_t kUtf8MaxBytes = 4;

/// Writes the UTF-8 form of `code_point` to `out` and returns its length
/// (1..4); returns 0 and writes nothing for a surrogate (U+D800..U+DFFF) or a
/// value above U+10FFFF, which have no UTF-8 form.
std::size_t encode_utf8(char32_t code_point, char (&out)[kUtf8MaxBytes]) noexcept;

}  // namespace sls
