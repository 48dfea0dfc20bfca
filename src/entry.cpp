#include "sls/entry.hpp"

#include <cstdint>

namespace sls {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length (0 when invalid) and
// stores the code point.
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

}  // namespace sls
