// The server's long-term keys: loading or creating them owner-only, sealing secrets, keyed hashes and the signing key
// (keyring.hpp).
#include "server/keyring.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "sls/secure.hpp"

namespace sls::server {

Status require_private_mode(unsigned st_mode, std::string_view what, const std::string& path) {
  if ((st_mode & 077) == 0) return ok_status();
  return fail(Errc::bad_argument, {what, path, "readable or writable by group or others (chmod 600 " + path + ")"});
}

Status require_private_file(std::string_view what, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return ok_status();
    return fail(Errc::bad_argument, {what, path, std::strerror(errno)});
  }
  return require_private_mode(st.st_mode, what, path);
}

std::size_t sealed_overhead() noexcept { return crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES; }

namespace {

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "SLSkeys1";
constexpr std::uint64_t kSealSubkey = 1;
constexpr std::uint64_t kHashSubkey = 2;
constexpr std::size_t kMasterKeyBytes = crypto_kdf_KEYBYTES;
static_assert(crypto_kdf_KEYBYTES == 32 && crypto_secretbox_KEYBYTES == 32);

/// libsodium calls below fail only on a programming error (wrong sizes);
/// going on with an unsealed or unhashed value would be worse than stopping.
void require_sodium(int rc, const char* what) {
  if (rc != 0) {
    std::fprintf(stderr, "slsd: libsodium %s failed; stopping\n", what);
    std::abort();
  }
}

Error key_file_error(const std::string& path, std::string_view reason) {
  return fail(Errc::bad_argument, {"key file", path, reason});
}

/// Reads a key file of exactly `size` bytes, or creates one filled from the
/// CSPRNG when it does not exist.
Result<SecretBytes> load_or_create_key_file(const std::string& path, std::size_t size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    SecretBytes key(size);
    random_fill(key.mutable_view());
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return key_file_error(path, std::strerror(errno));
    const auto* p = key.view().data();
    std::size_t left = size;
    while (left > 0) {
      const ssize_t n = ::write(fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fd);
        ::unlink(path.c_str());
        return key_file_error(path, "write failed");
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) return key_file_error(path, "fsync failed");
    return key;
  }
  if (fd < 0) return key_file_error(path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return key_file_error(path, std::strerror(errno));
  }
  if (auto mode = require_private_mode(st.st_mode, "key file", path); !mode) {
    ::close(fd);
    return mode.error();
  }
  if (static_cast<std::size_t>(st.st_size) != size) {
    ::close(fd);
    return key_file_error(path, "wrong size");
  }
  SecretBytes key(size);
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, key.mutable_view().data() + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got != size) return key_file_error(path, "short read");
  return key;
}

}  // namespace

Result<Keyring> Keyring::load_or_create(const std::string& master_key_path, const std::string& sign_key_path) {
  crypto_init();
  auto master = load_or_create_key_file(master_key_path, kMasterKeyBytes);
  if (!master) return master.error();
  auto seed = load_or_create_key_file(sign_key_path, ed25519_seed_bytes);
  if (!seed) return seed.error();

  SecretBytes seal_key(crypto_secretbox_KEYBYTES);
  SecretBytes hash_key(crypto_generichash_KEYBYTES);
  if (crypto_kdf_derive_from_key(seal_key.mutable_view().data(), seal_key.size(), kSealSubkey, kKdfContext,
                                 master->view().data()) != 0 ||
      crypto_kdf_derive_from_key(hash_key.mutable_view().data(), hash_key.size(), kHashSubkey, kKdfContext,
                                 master->view().data()) != 0)
    return fail(Errc::internal, {"keyring", "kdf failed"});
  auto pair = Ed25519KeyPair::from_seed(seed->view());
  if (!pair) return pair.error();
  return Keyring(std::move(seal_key), std::move(hash_key), std::move(*pair));
}

Bytes Keyring::seal(std::span<const std::uint8_t> plain) const {
  Bytes out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size());
  randombytes_buf(out.data(), crypto_secretbox_NONCEBYTES);
  require_sodium(crypto_secretbox_easy(out.data() + crypto_secretbox_NONCEBYTES, plain.data(), plain.size(), out.data(),
                                       seal_key_.view().data()),
                 "secretbox");
  return out;
}

Result<SecretBytes> Keyring::open(std::span<const std::uint8_t> sealed) const {
  if (sealed.size() < sealed_overhead()) return fail(Errc::internal, {"keyring", "sealed data corrupt"});
  SecretBytes plain(sealed.size() - sealed_overhead());
  if (crypto_secretbox_open_easy(plain.mutable_view().data(), sealed.data() + crypto_secretbox_NONCEBYTES,
                                 sealed.size() - crypto_secretbox_NONCEBYTES, sealed.data(),
                                 seal_key_.view().data()) != 0)
    return fail(Errc::internal, {"keyring", "sealed data corrupt"});
  return plain;
}

Bytes Keyring::keyed_hash(HashPurpose purpose, std::string_view data) const {
  Bytes out(kKeyedHashBytes);
  crypto_generichash_state state;
  const std::uint8_t domain[2] = {static_cast<std::uint8_t>(purpose), 0};
  require_sodium(crypto_generichash_init(&state, hash_key_.view().data(), hash_key_.size(), out.size()), "generichash");
  require_sodium(crypto_generichash_update(&state, domain, sizeof domain), "generichash");
  require_sodium(crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(data.data()), data.size()),
                 "generichash");
  require_sodium(crypto_generichash_final(&state, out.data(), out.size()), "generichash");
  wipe(&state, sizeof state);
  return out;
}

bool Keyring::keyed_hash_matches(HashPurpose purpose, std::string_view data,
                                 std::span<const std::uint8_t> expected) const {
  if (expected.size() != kKeyedHashBytes) return false;
  const Bytes actual = keyed_hash(purpose, data);
  return crypto_verify_32(actual.data(), expected.data()) == 0;
}

}  // namespace sls::server
