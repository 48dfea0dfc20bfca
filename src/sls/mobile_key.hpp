// Mobile Key: the secret the phone shares with the server, and the texts it
// signs. Both sides (the server, and the phone or its simulator in the
// browser) call these functions, so each formula exists once.
//
// Activation key exchange (libsodium crypto_kx: X25519 + BLAKE2b)
// ---------------------------------------------------------------
// The phone makes a crypto_kx key pair and sends its public key with the
// activation code; the server makes a fresh key pair for this activation only
// and answers with its public key. Then
//   phone:  (rx, tx) = crypto_kx_client_session_keys(phone_pk, phone_sk, server_pk)
//   server: (rx, tx) = crypto_kx_server_session_keys(server_pk, server_sk, phone_pk)
// so phone.tx == server.rx and phone.rx == server.tx, and both compute
//   ocra_secret = BLAKE2b(outlen = the suite's hash size (32 for SHA-256,
//                         64 for SHA-512), no key,
//                         "SLS Mobile Key OCRA v1" || phone.tx || phone.rx)
// The context string keeps this secret apart from anything else ever derived
// from the same session keys; the suite's hash size is what RFC 6287
// recommends for an OCRA key. Neither side ever sends the secret.
//
// Signed texts (Ed25519, detached, over the UTF-8 text with no terminator)
// ------------------------------------------------------------------------
//   push decision:  "SLS-PUSH-1|<tx_id>|<number>|<approve|deny|not_me>"
//   pending pushes: "SLS-PULL-1|<device_id>|<unix seconds>"
//   QR approval:    "SLS-QR-1|<payload text>|approve"
// Each starts with its own versioned tag, so a signature made for one
// purpose never passes for another. The fields are server-made ids, two
// digits, a decision word and a signed payload text: none contains '|'.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sls/entry.hpp"
#include "sls/ocra.hpp"
#include "sls/result.hpp"
#include "sls/signed_payload.hpp"

namespace sls {

/// The activation code sent by SMS when a Mobile Key is activated: 8 digits.
inline constexpr CodeFormat kActivationCodeFormat{
    CodeAlphabet::digits, 8, 4, Errc::activation_bad_code, Errc::activation_bad_code, Errc::activation_bad_code};

/// The BLAKE2b context that starts the OCRA secret derivation.
inline constexpr std::string_view kMobileKeyOcraContext = "SLS Mobile Key OCRA v1";
/// Sizes of crypto_kx keys (libsodium's crypto_kx_PUBLICKEYBYTES and
/// crypto_kx_SECRETKEYBYTES).
inline constexpr std::size_t kMobileKeyKxPublicKeyBytes = 32;
inline constexpr std::size_t kMobileKeyKxSecretKeyBytes = 32;

/// A crypto_kx key pair. The secret key is wiped when the pair is destroyed
/// or moved from; the pair cannot be copied, so no unwiped copy is left.
class KxKeyPair {
 public:
  /// A fresh key pair from libsodium's CSPRNG. Never fails.
  static KxKeyPair generate();

  KxKeyPair(const KxKeyPair&) = delete;
  KxKeyPair& operator=(const KxKeyPair&) = delete;
  KxKeyPair(KxKeyPair&& other) noexcept;
  KxKeyPair& operator=(KxKeyPair&& other) noexcept;
  ~KxKeyPair();

  std::span<const std::uint8_t, kMobileKeyKxPublicKeyBytes> public_key() const noexcept { return public_key_; }
  std::span<const std::uint8_t, kMobileKeyKxSecretKeyBytes> secret_key() const noexcept { return secret_key_; }

 private:
  KxKeyPair() = default;

  std::array<std::uint8_t, kMobileKeyKxPublicKeyBytes> public_key_{};
  std::array<std::uint8_t, kMobileKeyKxSecretKeyBytes> secret_key_{};
};

/// Size of the OCRA secret for `suite`: ocra_hash_bytes(suite.hash()), i.e.
/// 32 for SHA-256 suites and 64 for SHA-512 suites.
std::size_t mobile_key_ocra_secret_bytes(const OcraSuite& suite) noexcept;

/// The phone's half of the exchange above: writes the OCRA secret into
/// `secret` (exactly mobile_key_ocra_secret_bytes(suite) bytes; the caller
/// owns and wipes it). The session keys are wiped before returning. Fails,
/// leaving `secret` zeroed, with Errc::bad_argument and one argument naming
/// the culprit: "secret" (wrong size), "phone_public_key",
/// "phone_secret_key" or "server_public_key" (not 32 bytes), or
/// "server_public_key" when crypto_kx rejects it (a low-order point).
Status mobile_key_phone_ocra_secret(std::span<std::uint8_t> secret, const OcraSuite& suite,
                                    std::span<const std::uint8_t> phone_public_key,
                                    std::span<const std::uint8_t> phone_secret_key,
                                    std::span<const std::uint8_t> server_public_key);

/// The server's half: the same secret from the server's key pair and the
/// phone's public key. Same contract as the phone's half, the arguments
/// being "secret", "server_public_key", "server_secret_key" and
/// "phone_public_key".
Status mobile_key_server_ocra_secret(std::span<std::uint8_t> secret, const OcraSuite& suite,
                                     std::span<const std::uint8_t> server_public_key,
                                     std::span<const std::uint8_t> server_secret_key,
                                     std::span<const std::uint8_t> phone_public_key);

// --- signed texts ---------------------------------------------------------------

/// "SLS-PUSH-1|<tx_id>|<number>|<decision>": the phone's answer to a push.
/// `decision` is "approve", "deny" or "not_me"; `number` the two digits the
/// user picked. Builds the text from whatever it is given; the server
/// checks the fields before it verifies anything.
std::string push_decision_message(std::string_view tx_id, std::string_view number, std::string_view decision);

/// "SLS-PULL-1|<device_id>|<unix seconds>": authenticates the phone's request
/// for its pending pushes (the server accepts a time within its clock skew).
std::string device_pull_message(std::string_view device_id, std::int64_t unix_seconds);

/// "SLS-ADD-USER-1|<device_id>|<user name>|<unix seconds>": the phone holding
/// the Mobile Key `device_id` asks to let the user `username` use it too
/// (POST /mobile-key/add-user, docs/sharing.md). The time binds it to the
/// moment (the server's clock skew) and, being newer than every earlier
/// sharing of the device with that user, to a single use.
std::string add_user_message(std::string_view device_id, std::string_view username, std::int64_t unix_seconds);

/// "SLS-QR-1|<payload>|approve": approves online the login whose signed QR
/// payload text (see signed_payload.hpp) the phone has read and verified.
std::string qr_approval_message(std::string_view payload);

/// Signs `message` with a Mobile Key's 64-byte Ed25519 secret key (libsodium
/// layout: seed, then public key). Deterministic. Fails with
/// Errc::bad_argument, args {"secret_key"}, when the key is not 64 bytes.
Result<std::array<std::uint8_t, ed25519_signature_bytes>> mobile_key_sign(std::span<const std::uint8_t> secret_key,
                                                                          std::string_view message);

/// Whether `signature` is a valid Ed25519 signature of `message` by
/// `public_key`. False for any malformed input (a key that is not 32 bytes,
/// a signature that is not 64), never an error.
[[nodiscard]] bool mobile_key_signature_valid(std::span<const std::uint8_t> public_key, std::string_view message,
                                              std::span<const std::uint8_t> signature) noexcept;

}  // namespace sls
