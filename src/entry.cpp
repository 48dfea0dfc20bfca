#include "sls/entry.hpp"

#include <cstdint>

#include "sls/secure.hpp"

namespace sls {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length (0 when invalid) and
// stores the code point. Strict (RFC 3629): an overlong form, a UTF-16
// surrogate or a code point above U+10FFFF is invalid, so that no second
// spelling of a separator or a full-width character is ever folded.
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) noexcept {
  auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1Fu) : len == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
  for (std::size_t k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b >> 6) != 0x2) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  // The smallest code point each length may carry.
  constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinimum[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool is_separator(char32_t cp) noexcept {
  return cp == U' ' || cp == U'\t' || cp == U'-' || cp == 0x3000 || cp == 0x00A0 ||
         (cp >= 0x2010 && cp <= 0x2015) || cp == 0x30FC || cp == 0xFF0D || cp == 0x2212;
}

}  // namespace

std::string fold_typed_code(std::string_view typed) {
  std::string out;
  out.reserve(typed.size());
  for (std::size_t i = 0; i < typed.size();) {
    char32_t cp = 0;
    std::size_t len = decode_utf8(typed, i, cp);
    if (len == 0) {  // invalid UTF-8: keep the byte so it is reported as foreign
      out += typed[i++];
      continue;
    }
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

// Zeroes a string's whole buffer, inline (short-string) part included.
void wipe_buffer(std::string& s) noexcept {
  s.resize(s.capacity());
  wipe(s.data(), s.size());
  s.clear();
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
    if (char canonical = canonical_char(c, format.alphabet); canonical != '\0') state.normalized += canonical;
    else if (state.error == Errc::ok) state.error = format.bad_character;
  }
  wipe_buffer(folded);
  if (state.error == Errc::ok) {
    if (state.normalized.size() > format.length) {
      state.error = format.too_long;
    } else if (state.normalized.size() == format.length) {
      if (format.check != nullptr && !format.check(state.normalized)) state.error = format.check_failed;
      else state.complete = true;
    }
  }
  state.display = group_code(state.normalized, format.group_size);
  return state;
}

Result<std::string> parse_code(std::string_view typed, const CodeFormat& format) {
  EntryState state = inspect_code(typed, format);
  wipe_buffer(state.display);
  if (!state.complete) {
    Errc error = state.error == Errc::ok ? format.too_short : state.error;
    wipe_buffer(state.normalized);
    return fail(error);
  }
  // Copy, then wipe the original: moving a short string would leave its
  // characters behind in the inline buffer.
  Result<std::string> code(std::string(state.normalized));
  wipe_buffer(state.normalized);
  return code;
}

}  // namespace sls
