// Argon2id password hashing and checks through libsodium's crypto_pwhash_str (password.hpp).
#include "server/password.hpp"

#include <sodium.h>

#include <string>

#include "sls/secure.hpp"

namespace sls::server {

PasswordPolicy PasswordPolicy::fastest_for_tests() noexcept {
  PasswordPolicy p;
  p.opslimit = crypto_pwhash_OPSLIMIT_MIN;
  p.memlimit = crypto_pwhash_MEMLIMIT_MIN;
  return p;
}

Result<std::string> hash_password(std::string_view password, const PasswordPolicy& policy) {
  crypto_init();
  if (password.empty() || password.size() > policy.max_length) return fail(Errc::bad_argument, {"password"});
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), policy.opslimit, policy.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return fail(Errc::internal, {"argon2id", "out of memory"});
  return std::string(out);
}

bool verify_password(std::string_view password, std::string_view stored) noexcept {
  crypto_init();
  // crypto_pwhash_str_verify wants a NUL-terminated string.
  if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return false;
  char buf[crypto_pwhash_STRBYTES] = {};
  stored.copy(buf, stored.size());
  return crypto_pwhash_str_verify(buf, password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view stored, const PasswordPolicy& policy) noexcept {
  if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return true;
  char buf[crypto_pwhash_STRBYTES] = {};
  stored.copy(buf, stored.size());
  return crypto_pwhash_str_needs_rehash(buf, policy.opslimit, policy.memlimit) != 0;
}

}  // namespace sls::server
