// Mobile Key: the shared OCRA secret from key agreement, and the texts the phone signs and sends (mobile_key.hpp).
#include "sls/mobile_key.hpp"

#include <sodium.h>

#include <cstdlib>
#include <initializer_list>
#include <string>

#include "sls/secure.hpp"

namespace sls {

static_assert(kMobileKeyKxPublicKeyBytes == crypto_kx_PUBLICKEYBYTES);
static_assert(kMobileKeyKxSecretKeyBytes == crypto_kx_SECRETKEYBYTES);
static_assert(ed25519_signature_bytes == crypto_sign_BYTES);

namespace {

/// Session keys of one side, wiped when dropped.
struct SessionKeys {
  std::array<std::uint8_t, crypto_kx_SESSIONKEYBYTES> rx{};
  std::array<std::uint8_t, crypto_kx_SESSIONKEYBYTES> tx{};
  SessionKeys() = default;
  SessionKeys(const SessionKeys&) = delete;
  SessionKeys& operator=(const SessionKeys&) = delete;
  ~SessionKeys() {
    wipe(rx.data(), rx.size());
    wipe(tx.data(), tx.size());
  }
};

/// BLAKE2b(kMobileKeyOcraContext || phone_tx || phone_rx) into `secret`,
/// whose size (32 or 64) is the output length.
Status derive_ocra_secret(std::span<std::uint8_t> secret, std::span<const std::uint8_t> phone_tx,
                          std::span<const std::uint8_t> phone_rx) {
  crypto_generichash_state state;
  const bool ok =
      crypto_generichash_init(&state, nullptr, 0, secret.size()) == 0 &&
      crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kMobileKeyOcraContext.data()),
                                kMobileKeyOcraContext.size()) == 0 &&
      crypto_generichash_update(&state, phone_tx.data(), phone_tx.size()) == 0 &&
      crypto_generichash_update(&state, phone_rx.data(), phone_rx.size()) == 0 &&
      crypto_generichash_final(&state, secret.data(), secret.size()) == 0;
  wipe(&state, sizeof state);
  if (!ok) {
    wipe(secret.data(), secret.size());
    return fail(Errc::internal, {"crypto_generichash"});
  }
  return ok_status();
}

/// The size checks both halves share; `names` are the argument names of
/// (own public key, own secret key, peer public key).
Status check_sizes(std::span<std::uint8_t> secret, const OcraSuite& suite, std::span<const std::uint8_t> own_public,
                   std::span<const std::uint8_t> own_secret, std::span<const std::uint8_t> peer_public,
                   const char* own_public_name, const char* own_secret_name, const char* peer_public_name) {
  if (secret.size() != mobile_key_ocra_secret_bytes(suite)) return fail(Errc::bad_argument, {"secret"});
  if (own_public.size() != kMobileKeyKxPublicKeyBytes) return fail(Errc::bad_argument, {own_public_name});
  if (own_secret.size() != kMobileKeyKxSecretKeyBytes) return fail(Errc::bad_argument, {own_secret_name});
  if (peer_public.size() != kMobileKeyKxPublicKeyBytes) return fail(Errc::bad_argument, {peer_public_name});
  return ok_status();
}

std::string joined(std::string_view tag, std::initializer_list<std::string_view> fields) {
  std::string text(tag);
  for (std::string_view field : fields) text.append("|").append(field);
  return text;
}

}  // namespace

// --- KxKeyPair ------------------------------------------------------------------

KxKeyPair KxKeyPair::generate() {
  crypto_init();
  KxKeyPair pair;
  // Cannot fail: libsodium returns 0 unconditionally for this primitive.
  if (crypto_kx_keypair(pair.public_key_.data(), pair.secret_key_.data()) != 0) std::abort();
  return pair;
}

KxKeyPair::KxKeyPair(KxKeyPair&& other) noexcept : public_key_(other.public_key_), secret_key_(other.secret_key_) {
  wipe(other.secret_key_.data(), other.secret_key_.size());
}

KxKeyPair& KxKeyPair::operator=(KxKeyPair&& other) noexcept {
  if (this != &other) {
    public_key_ = other.public_key_;
    secret_key_ = other.secret_key_;
    wipe(other.secret_key_.data(), other.secret_key_.size());
  }
  return *this;
}

KxKeyPair::~KxKeyPair() { wipe(secret_key_.data(), secret_key_.size()); }

// --- the OCRA secret ------------------------------------------------------------

std::size_t mobile_key_ocra_secret_bytes(const OcraSuite& suite) noexcept { return ocra_hash_bytes(suite.hash()); }

Status mobile_key_phone_ocra_secret(std::span<std::uint8_t> secret, const OcraSuite& suite,
                                    std::span<const std::uint8_t> phone_public_key,
                                    std::span<const std::uint8_t> phone_secret_key,
                                    std::span<const std::uint8_t> server_public_key) {
  crypto_init();
  wipe(secret.data(), secret.size());
  if (auto sizes = check_sizes(secret, suite, phone_public_key, phone_secret_key, server_public_key, "phone_public_key",
                               "phone_secret_key", "server_public_key");
      !sizes)
    return sizes;
  SessionKeys keys;
  if (crypto_kx_client_session_keys(keys.rx.data(), keys.tx.data(), phone_public_key.data(), phone_secret_key.data(),
                                    server_public_key.data()) != 0)
    return fail(Errc::bad_argument, {"server_public_key"});
  return derive_ocra_secret(secret, keys.tx, keys.rx);
}

Status mobile_key_server_ocra_secret(std::span<std::uint8_t> secret, const OcraSuite& suite,
                                     std::span<const std::uint8_t> server_public_key,
                                     std::span<const std::uint8_t> server_secret_key,
                                     std::span<const std::uint8_t> phone_public_key) {
  crypto_init();
  wipe(secret.data(), secret.size());
  if (auto sizes = check_sizes(secret, suite, server_public_key, server_secret_key, phone_public_key,
                               "server_public_key", "server_secret_key", "phone_public_key");
      !sizes)
    return sizes;
  SessionKeys keys;
  if (crypto_kx_server_session_keys(keys.rx.data(), keys.tx.data(), server_public_key.data(), server_secret_key.data(),
                                    phone_public_key.data()) != 0)
    return fail(Errc::bad_argument, {"phone_public_key"});
  // The server's rx is the phone's tx, and its tx the phone's rx.
  return derive_ocra_secret(secret, keys.rx, keys.tx);
}

// --- signed texts ---------------------------------------------------------------

std::string push_decision_message(std::string_view tx_id, std::string_view number, std::string_view decision) {
  return joined("SLS-PUSH-1", {tx_id, number, decision});
}

std::string device_pull_message(std::string_view device_id, std::int64_t unix_seconds) {
  return joined("SLS-PULL-1", {device_id, std::to_string(unix_seconds)});
}

std::string add_user_message(std::string_view device_id, std::string_view username, std::int64_t unix_seconds) {
  return joined("SLS-ADD-USER-1", {device_id, username, std::to_string(unix_seconds)});
}

std::string qr_approval_message(std::string_view payload) { return joined("SLS-QR-1", {payload, "approve"}); }

Result<std::array<std::uint8_t, ed25519_signature_bytes>> mobile_key_sign(std::span<const std::uint8_t> secret_key,
                                                                          std::string_view message) {
  if (secret_key.size() != ed25519_secret_key_bytes) return fail(Errc::bad_argument, {"secret_key"});
  crypto_init();
  std::array<std::uint8_t, ed25519_signature_bytes> signature{};
  if (crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                           message.size(), secret_key.data()) != 0)
    return fail(Errc::internal, {"crypto_sign_detached"});
  return signature;
}

bool mobile_key_signature_valid(std::span<const std::uint8_t> public_key, std::string_view message,
                                std::span<const std::uint8_t> signature) noexcept {
  if (public_key.size() != ed25519_public_key_bytes || signature.size() != ed25519_signature_bytes) return false;
  crypto_init();
  return crypto_sign_verify_detached(signature.data(), reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), public_key.data()) == 0;
}

}  // namespace sls
