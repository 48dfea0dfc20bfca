// Password hashing with Argon2id (libsodium crypto_pwhash_str). The stored
// string carries its own parameters, so raising them later only affects new
// hashes; a successful login re-hashes an old one (needs_rehash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sls/result.hpp"

namespace sls::server {

/// Argon2id cost. The defaults (3 passes over 64 MiB, one lane as libsodium
/// always uses) exceed OWASP's minimum (2 passes, 19 MiB) and take about
/// 70 ms per check on the 2-core build machine (`slsctl argon2-cost`; see
/// docs/server.md). Tests lower them to the libsodium minimum.
struct PasswordPolicy {
  std::uint64_t opslimit = 3;
  std::size_t memlimit = std::size_t{64} << 20;
  /// Longest accepted password in bytes (the API caps it at 256).
  std::size_t max_length = 256;

  /// The smallest cost libsodium allows: for tests only.
  static PasswordPolicy fastest_for_tests() noexcept;
};

/// Hashes a password. Errc::bad_argument, args {"password"}, for an empty or
/// over-long password; Errc::internal when Argon2id cannot allocate its
/// memory.
Result<std::string> hash_password(std::string_view password, const PasswordPolicy& policy);

/// True when `password` matches `stored` (a crypto_pwhash_str string).
/// False for a malformed stored string. Takes the time of one Argon2id run.
[[nodiscard]] bool verify_password(std::string_view password, std::string_view stored) noexcept;

/// True when `stored` was made with other parameters than `policy`.
[[nodiscard]] bool password_needs_rehash(std::string_view stored, const PasswordPolicy& policy) noexcept;

}  // namespace sls::server
