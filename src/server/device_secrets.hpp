// The secrets a device shares with the server and the messages a Mobile Key
// signs: how they are made, typed and checked.
//
// Mobile Key activation (crypto_kx, X25519 + BLAKE2b)
// ----------------------------------------------------
// The phone sends its crypto_kx public key; the server makes a fresh key
// pair for this activation only and answers with its public key. Then
//   server: (rx, tx) = crypto_kx_server_session_keys(server_pk, server_sk, phone_pk)
//   phone:  (rx, tx) = crypto_kx_client_session_keys(phone_pk, phone_sk, server_pk)
// so that phone.tx == server.rx and phone.rx == server.tx, and both compute
//   ocra_secret = BLAKE2b(outlen = hash size of the suite (32 for SHA-256,
//                         64 for SHA-512), no key,
//                         message = "SLS Mobile Key OCRA v1" || phone.tx || phone.rx)
// i.e. on the server "SLS Mobile Key OCRA v1" || server.rx || server.tx.
// The server's ephemeral secret key is wiped right after.
//
// Signed messages (Ed25519, detached, UTF-8, no terminator)
//   push decision:  "SLS-PUSH-1|<tx_id>|<number>|<decision>"
//   pending pulls:  "SLS-PULL-1|<device_id>|<unix seconds>"
//   QR approval:    "SLS-QR-1|<payload text>|approve"
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "server/keyring.hpp"
#include "sls/ocra.hpp"
#include "sls/result.hpp"

namespace sls::server {

inline constexpr std::string_view kMobileKeyOcraContext = "SLS Mobile Key OCRA v1";
/// Size of crypto_kx public keys.
inline constexpr std::size_t kKxPublicKeyBytes = 32;

struct MobileKeyExchange {
  Bytes server_kx_public_key;
  SecretBytes ocra_secret;
};

/// The server half of the activation exchange described above. Fails with
/// Errc::bad_argument, args {"kx_public_key"}, when the phone's key is not
/// 32 bytes or is rejected by crypto_kx (a low-order point).
Result<MobileKeyExchange> mobile_key_server_exchange(std::span<const std::uint8_t> phone_kx_public_key,
                                                     const OcraSuite& suite);

/// The phone half, for tests and the native simulator: the same secret from
/// the phone's key pair and the server's public key.
Result<SecretBytes> mobile_key_client_secret(std::span<const std::uint8_t> phone_kx_public_key,
                                             std::span<const std::uint8_t> phone_kx_secret_key,
                                             std::span<const std::uint8_t> server_kx_public_key,
                                             const OcraSuite& suite);

/// A fresh OCRA key for a hardware token (DSC, DSC+, Platinum/Gold): as many
/// random bytes as the suite's hash output (RFC 6287's recommendation).
SecretBytes generate_ocra_key(const OcraSuite& suite);

// --- typed codes ----------------------------------------------------------------

/// SMS login codes: 6 digits.
inline constexpr std::size_t kSmsCodeDigits = 6;
/// Temporary codes: 10 characters of the code card alphabet (50 bits).
inline constexpr std::size_t kTempCodeLength = 10;
/// Mobile Key activation codes: 8 digits.
inline constexpr std::size_t kActivationCodeDigits = 8;

/// `n` random decimal digits (leading zeros kept).
std::string generate_digits(std::size_t n);
/// A fresh temporary code, 10 characters of kCardAlphabet.
std::string generate_temp_code();
/// A temporary code for reading: "ABCDE-FGHJK".
std::string format_temp_code(std::string_view code);

/// Normalises a typed string of `n` digits (full-width digits, spaces and
/// dashes folded as everywhere); Errc::sms_code_format otherwise.
Result<std::string> parse_digit_code(std::string_view typed, std::size_t n);
/// Normalises a typed temporary code (folded, upper-cased, O→0, I/L→1);
/// Errc::temp_code_format unless exactly 10 characters of the alphabet.
Result<std::string> parse_temp_code(std::string_view typed);

// --- Mobile Key signatures ---------------------------------------------------------

std::string push_decision_message(std::string_view tx_id, std::string_view number, std::string_view decision);
std::string device_pull_message(std::string_view device_id, std::int64_t unix_seconds);
std::string qr_approval_message(std::string_view payload);

/// Whether `signature_b64` (base64url of 64 bytes) is a valid Ed25519
/// signature of `message` by `public_key` (32 bytes). False for any
/// malformed input.
bool verify_device_signature(std::span<const std::uint8_t> public_key, std::string_view message,
                             std::string_view signature_b64);

/// Signs `message` with a 64-byte Ed25519 secret key and returns base64url
/// (what a Mobile Key does; used by tests and slsctl's demo tools).
std::string sign_device_message(std::span<const std::uint8_t> secret_key, std::string_view message);

}  // namespace sls::server
