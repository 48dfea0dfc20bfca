// The secrets a device shares with the server and the messages a Mobile Key
// signs, as the server keeps and checks them. The formulas themselves (the
// crypto_kx derivation of the Mobile Key's OCRA secret, the signed texts)
// live in the core, sls/mobile_key.hpp, which the browser's Mobile Key
// simulator calls too; this file adds the server's ownership of the results
// (SecretBytes) and the wire encoding of signatures (base64url).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "server/keyring.hpp"
#include "sls/mobile_key.hpp"
#include "sls/ocra.hpp"
#include "sls/result.hpp"

namespace sls::server {

struct MobileKeyExchange {
  Bytes server_kx_public_key;
  SecretBytes ocra_secret;
};

/// The server half of the activation exchange (sls/mobile_key.hpp): a fresh
/// crypto_kx key pair for this activation only, wiped on return. Fails with
/// Errc::bad_argument, args {"kx_public_key"}, when the phone's key is not
/// 32 bytes or is rejected by crypto_kx (a low-order point).
Result<MobileKeyExchange> mobile_key_server_exchange(std::span<const std::uint8_t> phone_kx_public_key,
                                                     const OcraSuite& suite);

/// A fresh OCRA key for a hardware token (DSC, DSC+, Platinum/Gold): as many
/// random bytes as the suite's hash output (RFC 6287's recommendation).
SecretBytes generate_ocra_key(const OcraSuite& suite);

// --- typed codes ----------------------------------------------------------------

// Their formats (kSmsCodeFormat, kTempCodeFormat in sls/entry.hpp,
// kActivationCodeFormat in sls/mobile_key.hpp) and parse_code are the core's.

/// `n` random decimal digits (leading zeros kept).
std::string generate_digits(std::size_t n);
/// A fresh temporary code: kTempCodeFormat.length characters of kCardAlphabet.
std::string generate_temp_code();
/// A temporary code for reading: "ABCDE-FGHJK".
std::string format_temp_code(std::string_view code);

// --- Mobile Key signatures ---------------------------------------------------------

// The texts are built by the core: push_decision_message, device_pull_message
// and qr_approval_message in sls/mobile_key.hpp.

/// Whether `signature_b64` (base64url of 64 bytes) is a valid Ed25519
/// signature of `message` by `public_key` (32 bytes). False for any
/// malformed input.
[[nodiscard]] bool verify_device_signature(std::span<const std::uint8_t> public_key, std::string_view message,
                                           std::string_view signature_b64);

}  // namespace sls::server
