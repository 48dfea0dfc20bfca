#include "server/user_name.hpp"

#include <cstdint>
#include <cstdio>

namespace sls::server {
namespace {

/// The code point of the UTF-8 sequence at `text[pos]` and its length, or
/// length 0 when the bytes there are not valid shortest-form UTF-8.
struct Decoded {
  std::uint32_t code_point = 0;
  std::size_t length = 0;
};

Decoded decode_utf8(std::string_view text, std::size_t pos) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[pos + i]); };
  const std::uint8_t b0 = byte(0);
  if (b0 < 0x80) return {b0, 1};
  std::size_t length = 0;
  std::uint32_t cp = 0;
  std::uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return {};
  }
  if (pos + length > text.size()) return {};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (byte(i) & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, length};
}

/// Characters that must never reach a stored name or a printed line as they are.
bool is_unsafe(std::uint32_t cp) noexcept {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

Status check_user_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > kUserNameMaxBytes) return fail(Errc::user_bad_name);
  for (std::size_t pos = 0; pos < name.size();) {
    const Decoded d = decode_utf8(name, pos);
    if (d.length == 0 || is_unsafe(d.code_point)) return fail(Errc::user_bad_name);
    pos += d.length;
  }
  return ok_status();
}

std::string escape_for_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char buf[16];
  for (std::size_t pos = 0; pos < text.size();) {
    const Decoded d = decode_utf8(text, pos);
    if (d.length == 0) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<std::uint8_t>(text[pos])));
      out += buf;
      ++pos;
      continue;
    }
    const std::uint32_t cp = d.code_point;
    if (cp == '\\') {
      out += "\\\\";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || cp == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
      out += buf;
    } else if (is_unsafe(cp)) {
      std::snprintf(buf, sizeof buf, "\\u{%04x}", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(text.substr(pos, d.length));
    }
    pos += d.length;
  }
  return out;
}

}  // namespace sls::server
