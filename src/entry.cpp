// Typed-code entry (sls/entry.hpp): folding what was typed, checking it against a code format, grouping it for display.
#include "sls/entry.hpp"

#include <cstdint>

#include "sls/secure.hpp"
#include "sls/utf8.hpp"

namespace sls {
namespace {

bool is_separator(char32_t cp) noexcept {
  return cp == U' ' || cp == U'\t' || cp == U'-' || cp == 0x3000 || cp == 0x00A0 || (cp >= 0x2010 && cp <= 0x2015) ||
         cp == 0x30FC || cp == 0xFF0D || cp == 0x2212;
}

}  // namespace

std::string fold_typed_code(std::string_view typed) {
  std::string out;
  out.reserve(typed.size());
  for (std::size_t i = 0; i < typed.size();) {
    // Strict decoding: no overlong form or surrogate is a second spelling
    // of a separator or a full-width character.
    const Utf8Char c = decode_utf8(typed, i);
    if (!c.ok()) {  // invalid UTF-8: keep the byte so it is reported as foreign
      out += typed[i++];
      continue;
    }
    const char32_t cp = c.code_point;
    const std::size_t len = c.length;
    if (is_separator(cp)) {
      // dropped
    } else if (cp >= 0xFF01 && cp <= 0xFF5E) {
      out += static_cast<char>(cp - 0xFF01 + 0x21);
    } else {
      out.append(typed.substr(i, len));
    }
    i += len;
  }
  return out;
}

namespace {

// The character as it belongs in the alphabet, or '\0' when it does not.
char canonical_char(char c, CodeAlphabet alphabet) noexcept {
  if (alphabet == CodeAlphabet::digits) return c >= '0' && c <= '9' ? c : '\0';
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c == 'O') c = '0';  // Crockford's decoding of the look-alikes
  if (c == 'I' || c == 'L') c = '1';
  return kCrockfordAlphabet.find(c) != std::string_view::npos ? c : '\0';
}

}  // namespace

std::string group_code(std::string_view s, std::size_t group_size) {
  if (group_size == 0) return std::string(s);
  std::string out;
  out.reserve(s.size() + s.size() / group_size);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i != 0 && i % group_size == 0) out += ' ';
    out += s[i];
  }
  return out;
}

EntryState inspect_code(std::string_view typed, const CodeFormat& format) {
  EntryState state;
  std::string folded = fold_typed_code(typed);
  state.normalized.reserve(folded.size() > 16 ? folded.size() : 16);  // beyond the inline buffer: wipeable
  for (char c : folded) {
    if (char canonical = canonical_char(c, format.alphabet); canonical != '\0')
      state.normalized += canonical;
    else if (state.error == Errc::ok)
      state.error = format.bad_character;
  }
  wipe(folded);
  if (state.error == Errc::ok) {
    if (state.normalized.size() > format.length) {
      state.error = format.too_long;
    } else if (state.normalized.size() == format.length) {
      if (format.check != nullptr && !format.check(state.normalized))
        state.error = format.check_failed;
      else
        state.complete = true;
    }
  }
  state.display = group_code(state.normalized, format.group_size);
  return state;
}

Result<std::string> parse_code(std::string_view typed, const CodeFormat& format) {
  EntryState state = inspect_code(typed, format);
  wipe(state.display);
  if (!state.complete) {
    Errc error = state.error == Errc::ok ? format.too_short : state.error;
    wipe(state.normalized);
    return fail(error);
  }
  // Copy into the result in place, then wipe the original: moving a short
  // string (or a by-value parameter holding one) would leave its characters
  // behind in an inline buffer.
  Result<std::string> code{std::string()};
  code->assign(state.normalized);
  wipe(state.normalized);
  return code;
}

}  // namespace sls
