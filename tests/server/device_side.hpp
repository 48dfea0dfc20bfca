// The device's half of the Mobile Key protocol, for the server tests that play the phone: the OCRA secret from the
// phone's key pair, and a signed message as the app sends it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "server/encoding.hpp"
#include "sls/mobile_key.hpp"
#include "sls/ocra.hpp"
#include "sls/result.hpp"
#include "sls/secure.hpp"

namespace sls::server::testing {

/// The phone half of the key exchange (mobile_key_phone_ocra_secret): the
/// same secret as the server's from the phone's key pair and the server's
/// public key. Fails with Errc::bad_argument naming the bad key.
inline Result<SecretBytes> mobile_key_client_secret(std::span<const std::uint8_t> phone_kx_public_key,
                                                    std::span<const std::uint8_t> phone_kx_secret_key,
                                                    std::span<const std::uint8_t> server_kx_public_key,
                                                    const OcraSuite& suite) {
  SecretBytes secret(mobile_key_ocra_secret_bytes(suite));
  if (auto s = mobile_key_phone_ocra_secret(secret.mutable_view(), suite, phone_kx_public_key, phone_kx_secret_key,
                                            server_kx_public_key);
      !s)
    return s.error();
  return secret;
}

/// Signs `message` with a 64-byte Ed25519 secret key and returns base64url,
/// as a Mobile Key does; "" when the key is unusable.
inline std::string sign_device_message(std::span<const std::uint8_t> secret_key, std::string_view message) {
  auto signature = mobile_key_sign(secret_key, message);
  return signature ? base64url_encode(*signature) : std::string();
}

}  // namespace sls::server::testing
