// The assertion signing keys: their file, rotation and the reloading source (assertion_keys.hpp).
#include "server/assertion_keys.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include "server/encoding.hpp"
#include "server/keyring.hpp"
#include "sls/secure.hpp"

namespace sls::server {

namespace {

// Version 2, written; version 1 (no signs_from), still read.
constexpr std::string_view kMagic = "SLSAKEY2";
constexpr std::string_view kMagicV1 = "SLSAKEY1";
constexpr std::size_t kKidBytes = 16;
constexpr std::size_t kRecordBytes = kKidBytes + 4 * 8 + ed25519_seed_bytes;
constexpr std::size_t kRecordBytesV1 = kKidBytes + 3 * 8 + ed25519_seed_bytes;
constexpr std::size_t kChecksumBytes = 32;
constexpr std::size_t kMaxFileBytes = kMagic.size() + kMaxAssertionKeys * kRecordBytes + kChecksumBytes;

Error key_file_error(const std::string& path, std::string_view reason) {
  return fail(Errc::bad_argument, {"key file", path, reason});
}

void put_u64(std::uint8_t* p, std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(u >> (56 - 8 * i));
}

std::int64_t get_u64(const std::uint8_t* p) {
  std::uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | p[i];
  return u > static_cast<std::uint64_t>(INT64_MAX) ? -1 : static_cast<std::int64_t>(u);
}

void checksum(std::span<const std::uint8_t> data, std::uint8_t* out) {
  crypto_generichash(out, kChecksumBytes, data.data(), data.size(), nullptr, 0);
}

Status check_max_ttl(std::int64_t max_ttl) {
  if (max_ttl < 1 || max_ttl > kMaxAssertionTtl) return fail(Errc::bad_argument, {"max_ttl", std::to_string(max_ttl)});
  return ok_status();
}

/// Reads the whole file (at most kMaxFileBytes + 1 bytes) into a wiped buffer.
Result<SecretBytes> read_key_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return key_file_error(path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    return key_file_error(path, std::strerror(e));
  }
  if (auto mode = require_private_mode(st.st_mode, "key file", path); !mode) {
    ::close(fd);
    return mode.error();
  }
  SecretBytes buf(kMaxFileBytes + 1);
  std::size_t got = 0;
  while (got < buf.size()) {
    const ssize_t n = ::read(fd, buf.mutable_view().data() + got, buf.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return key_file_error(path, "read failed");
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  SecretBytes out(got);
  // An empty file has no bytes to copy, and memcpy must not get its null pointer.
  if (got > 0) std::memcpy(out.mutable_view().data(), buf.view().data(), got);
  return out;
}

Result<std::vector<AssertionKey>> parse_key_file(const std::string& path, std::span<const std::uint8_t> data) {
  if (data.size() < kMagic.size()) return key_file_error(path, "wrong size");
  const bool v1 = std::memcmp(data.data(), kMagicV1.data(), kMagicV1.size()) == 0;
  if (!v1 && std::memcmp(data.data(), kMagic.data(), kMagic.size()) != 0)
    return key_file_error(path, "not an assertion key file");
  const std::size_t record = v1 ? kRecordBytesV1 : kRecordBytes;
  if (data.size() < kMagic.size() + record + kChecksumBytes || data.size() > kMaxFileBytes ||
      (data.size() - kMagic.size() - kChecksumBytes) % record != 0 ||
      (data.size() - kMagic.size() - kChecksumBytes) / record > kMaxAssertionKeys)
    return key_file_error(path, "wrong size");
  std::uint8_t sum[kChecksumBytes];
  const std::size_t body = data.size() - kChecksumBytes;
  checksum(data.first(body), sum);
  if (sodium_memcmp(sum, data.data() + body, kChecksumBytes) != 0) return key_file_error(path, "checksum mismatch");

  const std::size_t count = (body - kMagic.size()) / record;
  std::vector<AssertionKey> keys;
  keys.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint8_t* r = data.data() + kMagic.size() + i * record;
    const std::uint8_t* t = r + kKidBytes;
    const std::int64_t created = get_u64(t);
    const std::int64_t signs_from = v1 ? created : get_u64(t + 8);
    const std::uint8_t* rest = v1 ? t + 8 : t + 16;
    const std::int64_t retired = get_u64(rest);
    const std::int64_t max_ttl = get_u64(rest + 8);
    const std::uint8_t* seed = rest + 16;
    const bool last = i + 1 == count;
    // A version 1 file retired a key when the next was created.
    if (created <= 0 || signs_from < created || retired < 0 || (last ? retired != 0 : retired < created) ||
        !check_max_ttl(max_ttl) || (!keys.empty() && created < keys.back().created) ||
        (v1 && !keys.empty() && created < keys.back().retired_at))
      return key_file_error(path, "keys out of order");
    auto pair = Ed25519KeyPair::from_seed(std::span<const std::uint8_t>(seed, ed25519_seed_bytes));
    if (!pair) return key_file_error(path, "bad seed");
    keys.push_back(AssertionKey{base64url_encode(std::span<const std::uint8_t>(r, kKidBytes)), created, signs_from,
                                retired, max_ttl, std::move(*pair)});
  }
  return keys;
}

SecretBytes serialize(const std::vector<AssertionKey>& keys) {
  SecretBytes out(kMagic.size() + keys.size() * kRecordBytes + kChecksumBytes);
  std::uint8_t* p = out.mutable_view().data();
  std::memcpy(p, kMagic.data(), kMagic.size());
  p += kMagic.size();
  for (const AssertionKey& k : keys) {
    const auto kid = base64url_decode(k.kid);  // our own kids: always 16 bytes
    std::memcpy(p, kid->data(), kKidBytes);
    put_u64(p + kKidBytes, k.created);
    put_u64(p + kKidBytes + 8, k.signs_from);
    put_u64(p + kKidBytes + 16, k.retired_at);
    put_u64(p + kKidBytes + 24, k.max_ttl);
    // libsodium's secret key begins with the seed.
    std::memcpy(p + kKidBytes + 32, k.pair.secret_key().data(), ed25519_seed_bytes);
    p += kRecordBytes;
  }
  checksum(out.view().first(out.size() - kChecksumBytes), p);
  return out;
}

AssertionKey new_key(std::int64_t now, std::int64_t signs_from, std::int64_t max_ttl) {
  return AssertionKey{random_token(kKidBytes), now, signs_from, 0, max_ttl, Ed25519KeyPair::generate()};
}

/// Creates `target` exclusively, mode 0600. For a rotation the temporary
/// file is also the lock: a second rotation finds it and stops.
Result<int> open_exclusive(const std::string& target, bool rotation) {
  const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  if (errno == EEXIST && rotation) return key_file_error(target, "exists: another rotation is under way, or remove it");
  return key_file_error(target, std::strerror(errno));
}

/// Writes `data` to `fd` (opened by open_exclusive on `target`), fsyncs and
/// closes it; renames `target` to `path` when they differ, so a reader sees
/// the old file or the new one, never a part. Unlinks `target` on failure.
Status finish_key_file(int fd, const std::string& target, const std::string& path, const SecretBytes& data) {
  const std::uint8_t* p = data.view().data();
  std::size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  const bool ok = left == 0 && ::fsync(fd) == 0;
  if (::close(fd) != 0 || !ok) {
    ::unlink(target.c_str());
    return key_file_error(target, "write failed");
  }
  if (target != path && ::rename(target.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(target.c_str());
    return key_file_error(path, std::strerror(e));
  }
  // The directory entry too, so a crash does not lose the new file.
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return ok_status();
}

/// Gives up a rotation's temporary file (the lock) without touching `path`.
void abandon(int fd, const std::string& target) {
  ::close(fd);
  ::unlink(target.c_str());
}

}  // namespace

Result<AssertionKeys> AssertionKeys::load(const std::string& path) {
  crypto_init();
  auto data = read_key_file(path);
  if (!data) return data.error();
  auto keys = parse_key_file(path, data->view());
  if (!keys) return keys.error();
  return AssertionKeys(std::move(*keys));
}

Result<AssertionKeys> AssertionKeys::load_or_create(const std::string& path, std::int64_t now, std::int64_t max_ttl) {
  crypto_init();
  if (auto s = check_max_ttl(max_ttl); !s) return s.error();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
    std::vector<AssertionKey> keys;
    keys.push_back(new_key(now, now, max_ttl));
    auto fd = open_exclusive(path, false);
    if (auto s = fd ? finish_key_file(*fd, path, path, serialize(keys)) : Status(fd.error()); !s) {
      // Another process created it first: read theirs.
      if (::stat(path.c_str(), &st) == 0) return load(path);
      return s.error();
    }
    return AssertionKeys(std::move(keys));
  }
  return load(path);
}

Result<AssertionKeys> AssertionKeys::rotate(const std::string& path, std::int64_t now, std::int64_t max_ttl,
                                            std::int64_t lead) {
  if (auto s = check_max_ttl(max_ttl); !s) return s.error();
  if (lead < 0 || lead > kMaxAssertionKeyLead) return fail(Errc::bad_argument, {"lead", std::to_string(lead)});
  struct stat st {};
  // No file yet: its first key is the new one.
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) return load_or_create(path, now, max_ttl);
  // The temporary file first: it locks out another rotation from before
  // the read, so two rotations cannot both start from the same file.
  const std::string tmp = path + ".tmp";
  auto fd = open_exclusive(tmp, true);
  if (!fd) return fd.error();
  auto loaded = load(path);
  if (!loaded) {
    abandon(*fd, tmp);
    return loaded.error();
  }
  std::vector<AssertionKey> keys;
  // A clock set back must not make a key retire before it was created.
  const std::int64_t at = std::max(now, loaded->current().created);
  const std::int64_t signs_from = at + lead;
  for (AssertionKey& k : loaded->keys_) {
    // The newest key signs until the new one takes over (if it already
    // waits for its own signs_from, it may never sign at all).
    if (k.retired_at == 0) k.retired_at = signs_from;
    if (k.published_at(at)) keys.push_back(std::move(k));
  }
  keys.push_back(new_key(at, signs_from, max_ttl));
  if (keys.size() > kMaxAssertionKeys) {
    abandon(*fd, tmp);
    return key_file_error(path, "too many keys still published (wait until the oldest expires)");
  }
  if (auto s = finish_key_file(*fd, tmp, path, serialize(keys)); !s) return s.error();
  return AssertionKeys(std::move(keys));
}

const AssertionKey& AssertionKeys::signer(std::int64_t now) const noexcept {
  for (std::size_t i = keys_.size(); i-- > 0;)
    if (keys_[i].signs_from <= now) return keys_[i];
  return keys_.front();
}

const AssertionKey* AssertionKeys::find_published(std::string_view kid, std::int64_t now) const noexcept {
  for (const AssertionKey& k : keys_)
    if (k.kid == kid && k.published_at(now)) return &k;
  return nullptr;
}

Result<std::shared_ptr<const AssertionKeys>> AssertionKeySource::get() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return key_file_error(path_, std::strerror(errno));
  const Identity now{st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
  std::lock_guard lock(mutex_);
  if (keys_ && now == identity_) return keys_;
  auto loaded = AssertionKeys::load(path_);
  if (!loaded) return loaded.error();
  keys_ = std::make_shared<const AssertionKeys>(std::move(*loaded));
  identity_ = now;
  return keys_;
}

}  // namespace sls::server
