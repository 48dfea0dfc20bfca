// The libsodium wrappers of sls/secure.hpp: initialisation, randomness, comparison, wiping and hexadecimal.
#include "sls/secure.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace sls {

void crypto_init() {
  static const bool ready = [] {
    if (sodium_init() < 0) {
      std::fputs("sls: libsodium failed to initialise; refusing to continue\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)ready;
}

void random_fill(std::span<std::uint8_t> out) {
  crypto_init();
  randombytes_buf(out.data(), out.size());
}

std::uint32_t random_below(std::uint32_t upper_bound) {
  crypto_init();
  return upper_bound == 0 ? 0 : randombytes_uniform(upper_bound);
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void wipe(void* data, std::size_t size) noexcept {
  if (data != nullptr && size != 0) sodium_memzero(data, size);
}

void wipe(std::string& s) noexcept {
  // Growing to the capacity never reallocates; it makes the bytes past
  // size() (and the inline buffer of a short string) part of the range.
  s.resize(s.capacity());
  wipe(s.data(), s.size());
  s.clear();
}

void wipe(std::vector<std::uint8_t>& bytes) noexcept {
  bytes.resize(bytes.capacity());
  wipe(bytes.data(), bytes.size());
  bytes.clear();
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  crypto_init();
  // libsodium declares its pointers non-null; an empty span may have none.
  if (bytes.empty()) return {};
  // sodium_bin2hex writes a terminating NUL: room for it, then drop it.
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.resize(bytes.size() * 2);
  return out;
}

bool from_hex(std::string_view hex, std::vector<std::uint8_t>& out) {
  crypto_init();
  if (hex.size() % 2 != 0) return false;
  if (hex.empty()) {  // libsodium's output pointer must not be null
    wipe(out);
    out.clear();
    return true;
  }
  std::vector<std::uint8_t> bytes(hex.size() / 2);
  std::size_t written = 0;
  // No characters to ignore and no end pointer: any non-hex character or a
  // dangling digit is a failure.
  if (sodium_hex2bin(bytes.data(), bytes.size(), hex.data(), hex.size(), nullptr, &written, nullptr) != 0 ||
      written != bytes.size()) {
    wipe(bytes);
    return false;
  }
  wipe(out);
  out = std::move(bytes);
  return true;
}

}  // namespace sls
