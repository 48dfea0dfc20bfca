// The server's long-term keys, each in its own file beside the database and
// created (mode 0600) on first start:
//  - the master key (32 random bytes). Two subkeys are derived from it with
//    crypto_kdf (context "SLSkeys1"): subkey 1 seals secrets at rest with
//    crypto_secretbox_easy (card cells, OCRA keys, PIN hashes); subkey 2 keys
//    the BLAKE2b hashes of short codes and bearer tokens (SMS codes,
//    temporary codes, activation codes, completion tokens, session cookies),
//    so a stolen database alone does not let anyone test guesses offline;
//  - the Ed25519 signing key (its 32-byte seed) for QR payloads.
// A key file readable by group or others is refused, as ssh does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/records.hpp"
#include "sls/result.hpp"
#include "sls/secure.hpp"
#include "sls/signed_payload.hpp"

namespace sls::server {

/// The one rule for files holding secrets (key files, the database and its
/// -wal and -shm files): ok when `st_mode` (a stat mode) gives group and
/// others no access at all; otherwise Errc::bad_argument, args {what, path,
/// "readable or writable by group or others (chmod 600 <path>)"}.
Status require_private_mode(unsigned st_mode, std::string_view what, const std::string& path);
/// require_private_mode on the file at `path`; ok when it does not exist.
/// Errc::bad_argument, args {what, path, reason}, when it cannot be stat'ed.
Status require_private_file(std::string_view what, const std::string& path);

/// Size of a sealed blob's overhead: nonce (24) plus MAC (16).
std::size_t sealed_overhead() noexcept;
/// Size of a keyed hash.
inline constexpr std::size_t kKeyedHashBytes = 32;

/// Purposes of keyed hashes: one hash key, separate domains.
enum class HashPurpose : std::uint8_t {
  sms_code,
  temp_code,
  activation_code,
  completion_token,
  session_token,
  login_secret,   ///< the secret binding a login to the browser that started it
  service_token,  ///< a back-office service credential's bearer token
};

class Keyring {
 public:
  /// Reads the two key files, creating any that is missing (0600, exclusive
  /// create, fsync). Fails with Errc::bad_argument, args {"key file", path,
  /// reason}, when a file has the wrong size, is readable by group or others,
  /// or cannot be read or written.
  static Result<Keyring> load_or_create(const std::string& master_key_path, const std::string& sign_key_path);
  /// The default key file paths for a database: "<db>.master-key" and
  /// "<db>.sign-key".
  static std::string default_master_key_path(const std::string& db_path) { return db_path + ".master-key"; }
  static std::string default_sign_key_path(const std::string& db_path) { return db_path + ".sign-key"; }

  Keyring(Keyring&&) noexcept = default;
  Keyring& operator=(Keyring&&) noexcept = default;
  ~Keyring() = default;

  /// Encrypts and authenticates `plain`: a random nonce followed by the
  /// secretbox output. Never fails.
  Bytes seal(std::span<const std::uint8_t> plain) const;
  /// Opens a sealed blob. Errc::internal, args {"keyring", "sealed data
  /// corrupt"}, when it is too short or fails authentication (tampering or
  /// another master key).
  Result<SecretBytes> open(std::span<const std::uint8_t> sealed) const;

  /// BLAKE2b-256 of `data` under the hash subkey, domain-separated by purpose.
  Bytes keyed_hash(HashPurpose purpose, std::string_view data) const;
  /// Whether `data` hashes to `expected` (constant-time comparison).
  [[nodiscard]] bool keyed_hash_matches(HashPurpose purpose, std::string_view data,
                                        std::span<const std::uint8_t> expected) const;

  /// The QR payload signing key.
  const Ed25519KeyPair& signing_key() const noexcept { return sign_key_; }

 private:
  Keyring(SecretBytes seal_key, SecretBytes hash_key, Ed25519KeyPair sign_key)
      : seal_key_(std::move(seal_key)), hash_key_(std::move(hash_key)), sign_key_(std::move(sign_key)) {}

  SecretBytes seal_key_;
  SecretBytes hash_key_;
  Ed25519KeyPair sign_key_;
};

}  // namespace sls::server
