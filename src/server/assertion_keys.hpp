// The Ed25519 keys that sign login assertions (JWTs, jwt.hpp), kept in one
// key file beside the database ("<db>.assertion-keys", mode 0600, created on
// first start like the keyring's files). Every node reads the same file; no
// database is involved.
//
// Each key has a `kid` (16 random bytes as base64url), the time it was
// created, the time it starts signing (signs_from), the time it stops
// (retired_at, 0 while it is the newest key) and the longest lifetime of an
// assertion it may sign (max_ttl, default 60 s).
// `slsctl rotate-assertion-key` adds a key that is published in the JWKS at
// once but signs only from signs_from (default 300 s later, the JWKS's
// cache lifetime), so every verifier has fetched it before it meets an
// assertion it signed; the previous key signs until then (its retired_at is
// the new key's signs_from) and stays published until every assertion it
// signed has expired (retired_at + max_ttl). A key no longer published is
// dropped from the file at the next rotation.
//
// File layout (all integers unsigned big-endian 64-bit, times Unix seconds):
//   "SLSAKEY2"                                   8 bytes
//   per key, oldest first, 80 bytes each:
//     kid 16 | created 8 | signs_from 8 | retired_at 8 | max_ttl 8 | seed 32
//   BLAKE2b-256 of everything before it          32 bytes
// Version 1 ("SLSAKEY1", 72-byte keys without signs_from) is still read,
// each key signing from its creation; a rotation writes version 2.
// Only the last key has retired_at 0; created never decreases, signs_from
// is not before created, retired_at not before created. Any other size, a
// wrong checksum, a file readable by group or others, or keys out of order
// are refused.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sls/result.hpp"
#include "sls/signed_payload.hpp"

namespace sls::server {

/// Assertion lifetimes, in seconds: the default and the range a key's
/// max_ttl may take.
inline constexpr std::int64_t kDefaultAssertionTtl = 60;
inline constexpr std::int64_t kMaxAssertionTtl = 3600;
/// How long a rotated-in key is published before it signs, by default: the
/// JWKS's Cache-Control max-age (assertion_routes.cpp).
inline constexpr std::int64_t kDefaultAssertionKeyLead = 300;
/// Keys a file may hold (a guard against a runaway file; rotation drops
/// expired keys, so only a rotation storm within max_ttl reaches it).
inline constexpr std::size_t kMaxAssertionKeys = 32;
/// Longest lead a rotation may give a new key (a day).
inline constexpr std::int64_t kMaxAssertionKeyLead = 86400;

struct AssertionKey {
  std::string kid;              ///< 22 base64url characters
  std::int64_t created = 0;     ///< Unix seconds
  std::int64_t signs_from = 0;  ///< Unix seconds; not before created
  std::int64_t retired_at = 0;  ///< Unix seconds; 0 while the newest
  std::int64_t max_ttl = kDefaultAssertionTtl;
  Ed25519KeyPair pair;

  /// Whether the key belongs in the JWKS at `now`: the newest (signing or
  /// about to), or retired less than max_ttl seconds ago.
  [[nodiscard]] bool published_at(std::int64_t now) const noexcept {
    return retired_at == 0 || now < retired_at + max_ttl;
  }
};

class AssertionKeys {
 public:
  /// "<db>.assertion-keys".
  static std::string default_path(const std::string& db_path) { return db_path + ".assertion-keys"; }

  /// Reads the key file. Fails with Errc::bad_argument, args {"key file",
  /// path, reason}, when it is missing, readable or writable by group or
  /// others, damaged (size, magic, checksum, order, ranges) or unreadable.
  static Result<AssertionKeys> load(const std::string& path);
  /// load(); when the file does not exist, creates it (0600, exclusive) with
  /// one key created at `now` with `max_ttl` (1..kMaxAssertionTtl, else
  /// Errc::bad_argument {"max_ttl", value}). Fails like load() otherwise.
  static Result<AssertionKeys> load_or_create(const std::string& path, std::int64_t now,
                                              std::int64_t max_ttl = kDefaultAssertionTtl);
  /// Adds a new key (created `now`, signing from now + `lead`, `max_ttl` as
  /// above; lead 0..kMaxAssertionKeyLead, else Errc::bad_argument {"lead",
  /// value}): when there is no file, creates it with that one key, signing
  /// at once; otherwise the newest key gets retired_at = the new key's
  /// signs_from, keys no longer published at `now` are dropped, and the new
  /// set replaces the file atomically (a 0600 temporary file "<path>.tmp", fsync, rename).
  /// "<path>.tmp" is created before the file is read, so it is also the lock
  /// that keeps two rotations from starting from the same file.
  /// Fails like load_or_create, or with Errc::bad_argument {"key file", path,
  /// reason} when the temporary file exists (another rotation under way, or
  /// a stale one to remove) or cannot be written; the old file is then left
  /// as it was. Returns the new set.
  static Result<AssertionKeys> rotate(const std::string& path, std::int64_t now,
                                      std::int64_t max_ttl = kDefaultAssertionTtl, std::int64_t lead = 0);

  AssertionKeys(AssertionKeys&&) noexcept = default;
  AssertionKeys& operator=(AssertionKeys&&) noexcept = default;
  AssertionKeys(const AssertionKeys&) = delete;
  AssertionKeys& operator=(const AssertionKeys&) = delete;
  ~AssertionKeys() = default;

  /// The newest key (it signs from its signs_from). Never empty: a loaded
  /// set has one.
  const AssertionKey& current() const noexcept { return keys_.back(); }
  /// The key that signs at `now`: the newest whose signs_from has come (the
  /// oldest if none has, e.g. after the clock was set back).
  [[nodiscard]] const AssertionKey& signer(std::int64_t now) const noexcept;
  /// Every key, oldest first.
  const std::vector<AssertionKey>& all() const noexcept { return keys_; }
  /// The key with this kid that is published at `now`; nullptr otherwise.
  [[nodiscard]] const AssertionKey* find_published(std::string_view kid, std::int64_t now) const noexcept;

 private:
  explicit AssertionKeys(std::vector<AssertionKey> keys) : keys_(std::move(keys)) {}
  std::vector<AssertionKey> keys_;
};

/// The key file as slsd sees it while other processes rotate it: each get()
/// stat()s the file and reads it again when it was replaced or changed
/// (device, inode, size, mtime), so every node follows a rotation made on
/// any of them without a restart. Thread-safe.
class AssertionKeySource {
 public:
  explicit AssertionKeySource(std::string path) : path_(std::move(path)) {}
  /// The current set. Fails like AssertionKeys::load when the file cannot be
  /// read or is damaged (the last good set is not served then: a damaged
  /// file is an operator's problem to see, not to hide).
  Result<std::shared_ptr<const AssertionKeys>> get();
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  std::mutex mutex_;
  std::shared_ptr<const AssertionKeys> keys_;
  struct Identity {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    time_t mtime_sec = 0;
    long mtime_nsec = 0;  // NOLINT(google-runtime-int): timespec's type
    friend bool operator==(const Identity&, const Identity&) = default;
  } identity_;
};

}  // namespace sls::server
