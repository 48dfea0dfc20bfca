// Device secrets on the server: Mobile Key key exchange, OCRA keys, digits, temporary codes, device signatures.
#include "server/device_secrets.hpp"

#include "server/encoding.hpp"
#include "sls/code_card.hpp"
#include "sls/entry.hpp"
#include "sls/secure.hpp"
#include "sls/signed_payload.hpp"

namespace sls::server {

Result<MobileKeyExchange> mobile_key_server_exchange(std::span<const std::uint8_t> phone_kx_public_key,
                                                     const OcraSuite& suite) {
  const KxKeyPair server = KxKeyPair::generate();  // this activation only; wiped on return
  SecretBytes secret(mobile_key_ocra_secret_bytes(suite));
  if (!mobile_key_server_ocra_secret(secret.mutable_view(), suite, server.public_key(), server.secret_key(),
                                     phone_kx_public_key))
    return fail(Errc::bad_argument, {"kx_public_key"});
  return MobileKeyExchange{Bytes(server.public_key().begin(), server.public_key().end()), std::move(secret)};
}

SecretBytes generate_ocra_key(const OcraSuite& suite) {
  SecretBytes key(ocra_hash_bytes(suite.hash()));
  random_fill(key.mutable_view());
  return key;
}

std::string generate_digits(std::size_t n) {
  std::string out(n, '0');
  for (char& c : out) c = static_cast<char>('0' + random_below(10));
  return out;
}

std::string generate_temp_code() {
  std::string out(kTempCodeFormat.length, '0');
  for (char& c : out) c = kCardAlphabet[random_below(static_cast<std::uint32_t>(kCardAlphabet.size()))];
  return out;
}

std::string format_temp_code(std::string_view code) {
  if (code.size() != kTempCodeFormat.length) return std::string(code);
  return std::string(code.substr(0, 5)) + "-" + std::string(code.substr(5));
}

bool verify_device_signature(std::span<const std::uint8_t> public_key, std::string_view message,
                             std::string_view signature_b64) {
  auto signature = base64url_decode(signature_b64);
  return signature && mobile_key_signature_valid(public_key, message, *signature);
}

}  // namespace sls::server
