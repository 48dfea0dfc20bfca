// Text forms of binary values: base64url, random ids and tokens (encoding.hpp).
#include "server/encoding.hpp"

#include <sodium.h>

#include "sls/secure.hpp"

namespace sls::server {

std::string base64url_encode(std::span<const std::uint8_t> bytes) {
  crypto_init();
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the encoder writes a terminating NUL
  return out;
}

std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text) {
  crypto_init();
  std::vector<std::uint8_t> out(text.size() * 3 / 4 + 1);
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  out.resize(len);
  // libsodium accepts non-zero spare bits; require the canonical text.
  if (base64url_encode(out) != text) return std::nullopt;
  return out;
}

std::string random_token(std::size_t bytes) {
  std::vector<std::uint8_t> buf(bytes);
  random_fill(buf);
  std::string text = base64url_encode(buf);
  wipe(buf.data(), buf.size());
  return text;
}

bool looks_like_id(std::string_view text) noexcept {
  if (text.size() != kIdChars) return false;
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace sls::server
