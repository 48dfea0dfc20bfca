// A simulated Mobile Key phone for the server tests: its key pairs, what
// activation gave it, and the messages it signs.
#pragma once

#include <sodium.h>

#include <string>
#include <vector>

#include "device_side.hpp"
#include "server/device_secrets.hpp"
#include "server/encoding.hpp"
#include "sls/ocra.hpp"
#include "sls/response.hpp"
#include "sls/signed_payload.hpp"
#include "test_env.hpp"

namespace sls::server::testing {

/// The PIN the simulated user types into the phone.
inline constexpr const char* kPin = "2580";

/// A simulated phone: its key pairs, and what activation gave it.
struct Phone {
  std::vector<std::uint8_t> kx_pk = std::vector<std::uint8_t>(crypto_kx_PUBLICKEYBYTES);
  std::vector<std::uint8_t> kx_sk = std::vector<std::uint8_t>(crypto_kx_SECRETKEYBYTES);
  Ed25519KeyPair sign = Ed25519KeyPair::generate();
  std::string device_id;
  std::string suite;
  std::vector<std::uint8_t> server_kx_pk;
  std::vector<std::uint8_t> server_sign_pk;

  Phone() { EXPECT_EQ(crypto_kx_keypair(kx_pk.data(), kx_sk.data()), 0); }

  std::string sign_text(const std::string& message) const { return sign_device_message(sign.secret_key(), message); }

  /// The 8-digit response the app shows for a challenge.
  std::string respond(const std::string& challenge) const {
    auto parsed = OcraSuite::parse(suite);
    auto secret = mobile_key_client_secret(kx_pk, kx_sk, server_kx_pk, *parsed);
    OcraInput input;
    input.question = challenge;
    input.pin = kPin;
    auto r = compute_device_response(*parsed, secret->view(), input);
    return r ? *r : std::string();
  }

  JsonValue decision(const std::string& tx_id, const std::string& number, const std::string& decision) const {
    return JsonValue::object()
        .set("device_id", device_id)
        .set("number", number)
        .set("decision", decision)
        .set("signature", sign_text(push_decision_message(tx_id, number, decision)));
  }
};

inline std::vector<std::uint8_t> sha256(std::string_view text) {
  std::vector<std::uint8_t> out(crypto_hash_sha256_BYTES);
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return out;
}

/// Activates a pending Mobile Key of `user` with `code` on `phone`, filling in
/// what the server answers; returns the reply. (`Server`: TestServer, or a
/// node of a Cluster.)
template <class Server>
inline Reply activate_phone(Server& s, Phone& phone, const std::string& user, const std::string& code) {
  Reply r = s.post("/api/v1/mobile-key/activate", JsonValue::object()
                                                      .set("username", user)
                                                      .set("activation_code", code)
                                                      .set("kx_public_key", base64url_encode(phone.kx_pk))
                                                      .set("sign_public_key", base64url_encode(phone.sign.public_key()))
                                                      .set("pin_hash", base64url_encode(sha256(kPin))));
  if (r.status == 200) {
    phone.device_id = r.str("device_id");
    phone.suite = r.str("ocra_suite");
    phone.server_kx_pk = base64url_decode(r.str("server_kx_public_key")).value_or(std::vector<std::uint8_t>{});
    phone.server_sign_pk = base64url_decode(r.str("server_sign_public_key")).value_or(std::vector<std::uint8_t>{});
  }
  return r;
}

/// The phone's approval of a scanned QR payload (POST /api/v1/qr/approve).
template <class Server>
inline Reply approve_qr(Server& s, const Phone& phone, const std::string& payload) {
  return s.post("/api/v1/qr/approve", JsonValue::object()
                                          .set("device_id", phone.device_id)
                                          .set("payload", payload)
                                          .set("signature", phone.sign_text(qr_approval_message(payload))));
}

/// A login of `user` switched to challenge/response ("no notification?"),
/// with the QR payload its page shows.
struct QrLogin {
  std::string login_id;
  Reply challenge;
  std::string payload;
};

template <class Server>
inline QrLogin open_qr_login(Server& s, const Phone& phone, const std::string& user) {
  Reply login = s.login(user);
  EXPECT_EQ(login.status, 200) << login.raw;
  QrLogin out{login.str("login_id"), {}, {}};
  out.challenge = s.challenge(out.login_id, phone.device_id, "ocra");
  out.payload = out.challenge.str("qr_payload");
  EXPECT_FALSE(out.payload.empty()) << out.challenge.raw;
  return out;
}

}  // namespace sls::server::testing
