// Text forms of binary values on the wire and in the database: base64url
// without padding (ids, keys, signatures, tokens) and random identifiers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sls::server {

/// Bytes in a random identifier (login, challenge, push transaction, device):
/// 128 bits, so ids cannot be guessed. Its text is 22 base64url characters.
inline constexpr std::size_t kIdBytes = 16;
inline constexpr std::size_t kIdChars = 22;
/// Bytes in a bearer token (completion token, session cookie): 256 bits.
inline constexpr std::size_t kTokenBytes = 32;

/// base64url (RFC 4648 §5) without padding. Never fails.
std::string base64url_encode(std::span<const std::uint8_t> bytes);
/// Decodes base64url without padding; nullopt for any other character, for
/// padding, or for an impossible length. The result is canonical: non-zero
/// spare bits are refused, so one byte string has one text.
std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text);

/// `bytes` random bytes from libsodium's CSPRNG as base64url.
std::string random_token(std::size_t bytes);
/// A fresh 128-bit identifier (22 characters).
inline std::string random_id() { return random_token(kIdBytes); }

/// True when `text` has the shape of an identifier: exactly 22 characters of
/// the base64url alphabet. Checked before any lookup so junk never reaches
/// the store.
bool looks_like_id(std::string_view text) noexcept;

/// Bytes of a string, for APIs that take spans.
inline std::span<const std::uint8_t> as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace sls::server
