// User names: the rule for a name that may be stored, and escaping any text for a terminal line.
#include "server/user_name.hpp"

#include <cstdint>
#include <cstdio>
#include <span>

#include "sls/secure.hpp"
#include "sls/utf8.hpp"

namespace sls::server {
namespace {

/// Characters that must never reach a stored name or a printed line as they are.
bool is_unsafe(char32_t cp) noexcept {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

Status check_user_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > kUserNameMaxBytes) return fail(Errc::user_bad_name);
  for (std::size_t pos = 0; pos < name.size();) {
    const Utf8Char d = decode_utf8(name, pos);
    if (!d.ok() || is_unsafe(d.code_point)) return fail(Errc::user_bad_name);
    pos += d.length;
  }
  return ok_status();
}

std::string escape_for_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char buf[16];
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Char d = decode_utf8(text, pos);
    if (!d.ok()) {
      const auto byte = static_cast<std::uint8_t>(text[pos]);
      out += "\\x" + to_hex(std::span(&byte, 1));
      ++pos;
      continue;
    }
    const char32_t cp = d.code_point;
    if (cp == '\\') {
      out += "\\\\";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || cp == 0x7F) {
      const auto byte = static_cast<std::uint8_t>(cp);
      out += "\\x" + to_hex(std::span(&byte, 1));
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
