#include "server/device_secrets.hpp"

#include <sodium.h>

#include "server/encoding.hpp"
#include "sls/code_card.hpp"
#include "sls/entry.hpp"
#include "sls/secure.hpp"
#include "sls/signed_payload.hpp"

namespace sls::server {
namespace {

static_assert(crypto_kx_PUBLICKEYBYTES == kKxPublicKeyBytes);

/// BLAKE2b(context || first || second) of the suite's hash size.
Result<SecretBytes> derive_ocra_secret(std::span<const std::uint8_t> phone_tx, std::span<const std::uint8_t> phone_rx,
                                       const OcraSuite& suite) {
  SecretBytes out(ocra_hash_bytes(suite.hash()));
  crypto_generichash_state st;
  const bool ok = crypto_generichash_init(&st, nullptr, 0, out.size()) == 0 &&
                  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kMobileKeyOcraContext.data()),
                                            kMobileKeyOcraContext.size()) == 0 &&
                  crypto_generichash_update(&st, phone_tx.data(), phone_tx.size()) == 0 &&
                  crypto_generichash_update(&st, phone_rx.data(), phone_rx.size()) == 0 &&
                  crypto_generichash_final(&st, out.mutable_view().data(), out.size()) == 0;
  sodium_memzero(&st, sizeof st);
  if (!ok) return fail(Errc::internal, {"generichash"});
  return out;
}

}  // namespace

Result<MobileKeyExchange> mobile_key_server_exchange(std::span<const std::uint8_t> phone_kx_public_key,
                                                     const OcraSuite& suite) {
  crypto_init();
  if (phone_kx_public_key.size() != crypto_kx_PUBLICKEYBYTES) return fail(Errc::bad_argument, {"kx_public_key"});
  Bytes server_pk(crypto_kx_PUBLICKEYBYTES);
  SecretBytes server_sk(crypto_kx_SECRETKEYBYTES);
  if (crypto_kx_keypair(server_pk.data(), server_sk.mutable_view().data()) != 0)
    return fail(Errc::internal, {"crypto_kx_keypair"});
  SecretBytes rx(crypto_kx_SESSIONKEYBYTES), tx(crypto_kx_SESSIONKEYBYTES);
  if (crypto_kx_server_session_keys(rx.mutable_view().data(), tx.mutable_view().data(), server_pk.data(),
                                    server_sk.view().data(), phone_kx_public_key.data()) != 0)
    return fail(Errc::bad_argument, {"kx_public_key"});
  // server.rx is the phone's tx, server.tx the phone's rx.
  auto secret = derive_ocra_secret(rx.view(), tx.view(), suite);
  if (!secret) return secret.error();
  return MobileKeyExchange{std::move(server_pk), std::move(*secret)};
}

Result<SecretBytes> mobile_key_client_secret(std::span<const std::uint8_t> phone_kx_public_key,
                                             std::span<const std::uint8_t> phone_kx_secret_key,
                                             std::span<const std::uint8_t> server_kx_public_key,
                                             const OcraSuite& suite) {
  crypto_init();
  if (phone_kx_public_key.size() != crypto_kx_PUBLICKEYBYTES ||
      phone_kx_secret_key.size() != crypto_kx_SECRETKEYBYTES || server_kx_public_key.size() != crypto_kx_PUBLICKEYBYTES)
    return fail(Errc::bad_argument, {"kx key size"});
  SecretBytes rx(crypto_kx_SESSIONKEYBYTES), tx(crypto_kx_SESSIONKEYBYTES);
  if (crypto_kx_client_session_keys(rx.mutable_view().data(), tx.mutable_view().data(), phone_kx_public_key.data(),
                                    phone_kx_secret_key.data(), server_kx_public_key.data()) != 0)
    return fail(Errc::bad_argument, {"server_kx_public_key"});
  return derive_ocra_secret(tx.view(), rx.view(), suite);
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
  std::string out(kTempCodeLength, '0');
  for (char& c : out) c = kCardAlphabet[random_below(static_cast<std::uint32_t>(kCardAlphabet.size()))];
  return out;
}

std::string format_temp_code(std::string_view code) {
  if (code.size() != kTempCodeLength) return std::string(code);
  return std::string(code.substr(0, 5)) + "-" + std::string(code.substr(5));
}

Result<std::string> parse_digit_code(std::string_view typed, std::size_t n) {
  std::string folded = fold_typed_code(typed);
  bool ok = folded.size() == n;
  for (char c : folded) ok = ok && c >= '0' && c <= '9';
  if (!ok) {
    wipe(folded);
    return fail(Errc::sms_code_format);
  }
  return folded;
}

Result<std::string> parse_temp_code(std::string_view typed) {
  std::string folded = fold_typed_code(typed);
  bool ok = folded.size() == kTempCodeLength;
  for (char& c : folded) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    ok = ok && kCardAlphabet.find(c) != std::string_view::npos;
  }
  if (!ok) {
    wipe(folded);
    return fail(Errc::temp_code_format, {std::to_string(kTempCodeLength)});
  }
  return folded;
}

std::string push_decision_message(std::string_view tx_id, std::string_view number, std::string_view decision) {
  std::string m = "SLS-PUSH-1|";
  m.append(tx_id).append("|").append(number).append("|").append(decision);
  return m;
}

std::string device_pull_message(std::string_view device_id, std::int64_t unix_seconds) {
  std::string m = "SLS-PULL-1|";
  m.append(device_id).append("|").append(std::to_string(unix_seconds));
  return m;
}

std::string qr_approval_message(std::string_view payload) {
  std::string m = "SLS-QR-1|";
  m.append(payload).append("|approve");
  return m;
}

bool verify_device_signature(std::span<const std::uint8_t> public_key, std::string_view message,
                             std::string_view signature_b64) {
  crypto_init();
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES) return false;
  auto sig = base64url_decode(signature_b64);
  if (!sig || sig->size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(sig->data(), reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), public_key.data()) == 0;
}

std::string sign_device_message(std::span<const std::uint8_t> secret_key, std::string_view message) {
  crypto_init();
  std::uint8_t sig[crypto_sign_BYTES] = {};
  if (secret_key.size() != crypto_sign_SECRETKEYBYTES ||
      crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                           secret_key.data()) != 0)
    return {};
  return base64url_encode(sig);
}

}  // namespace sls::server
