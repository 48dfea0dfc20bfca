#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sls/mobile_key.hpp"
#include "sls/ocra.hpp"
#include "sls/response.hpp"
#include "sls/signed_payload.hpp"

namespace sls {
namespace {

using Bytes = std::vector<std::uint8_t>;

const char* const kSuites[] = {"OCRA-1:HOTP-SHA256-7:QN06-PSHA256", "OCRA-1:HOTP-SHA512-7:QN06"};

OcraSuite suite_of(const char* text) { return OcraSuite::parse(text).value(); }

Bytes phone_secret(const OcraSuite& suite, const KxKeyPair& phone, std::span<const std::uint8_t> server_public) {
  Bytes out(mobile_key_ocra_secret_bytes(suite));
  EXPECT_TRUE(mobile_key_phone_ocra_secret(out, suite, phone.public_key(), phone.secret_key(), server_public));
  return out;
}

Bytes server_secret(const OcraSuite& suite, const KxKeyPair& server, std::span<const std::uint8_t> phone_public) {
  Bytes out(mobile_key_ocra_secret_bytes(suite));
  EXPECT_TRUE(mobile_key_server_ocra_secret(out, suite, server.public_key(), server.secret_key(), phone_public));
  return out;
}

bool all_zero(const Bytes& b) {
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

TEST(MobileKeyOcraSecret, PhoneAndServerDeriveTheSameSecret) {
  for (const char* text : kSuites) {
    const OcraSuite suite = suite_of(text);
    const auto phone = KxKeyPair::generate();
    const auto server = KxKeyPair::generate();
    const Bytes on_phone = phone_secret(suite, phone, server.public_key());
    const Bytes on_server = server_secret(suite, server, phone.public_key());
    EXPECT_EQ(on_phone.size(), ocra_hash_bytes(suite.hash())) << text;
    EXPECT_FALSE(all_zero(on_phone));
    EXPECT_EQ(on_phone, on_server) << text;

    // So both sides compute the same device response for a challenge.
    OcraInput input;
    input.question = "042917";
    input.pin = "2468";
    EXPECT_EQ(compute_device_response(suite, on_phone, input).value(),
              compute_device_response(suite, on_server, input).value());
  }
}

TEST(MobileKeyOcraSecret, OtherKeyPairsGiveOtherSecrets) {
  const OcraSuite suite = suite_of(kSuites[0]);
  const auto phone = KxKeyPair::generate();
  const auto server = KxKeyPair::generate();
  const auto other_phone = KxKeyPair::generate();
  const auto other_server = KxKeyPair::generate();
  const Bytes reference = phone_secret(suite, phone, server.public_key());
  EXPECT_NE(phone_secret(suite, other_phone, server.public_key()), reference);
  EXPECT_NE(phone_secret(suite, phone, other_server.public_key()), reference);
  EXPECT_NE(server_secret(suite, other_server, phone.public_key()), reference);
  EXPECT_NE(server_secret(suite, server, other_phone.public_key()), reference);
  // A phone that takes the server's role (swapped session keys) disagrees.
  Bytes swapped(mobile_key_ocra_secret_bytes(suite));
  ASSERT_TRUE(
      mobile_key_server_ocra_secret(swapped, suite, phone.public_key(), phone.secret_key(), server.public_key()));
  EXPECT_NE(swapped, reference);
}

TEST(MobileKeyOcraSecret, MatchesTheDocumentedFormula) {
  for (const char* text : kSuites) {
    const OcraSuite suite = suite_of(text);
    const auto phone = KxKeyPair::generate();
    const auto server = KxKeyPair::generate();
    std::uint8_t rx[crypto_kx_SESSIONKEYBYTES], tx[crypto_kx_SESSIONKEYBYTES];
    ASSERT_EQ(crypto_kx_client_session_keys(rx, tx, phone.public_key().data(), phone.secret_key().data(),
                                            server.public_key().data()),
              0);
    Bytes message(kMobileKeyOcraContext.begin(), kMobileKeyOcraContext.end());
    message.insert(message.end(), tx, tx + sizeof tx);
    message.insert(message.end(), rx, rx + sizeof rx);
    Bytes expected(suite.hash() == OcraHash::sha512 ? 64 : 32);
    crypto_generichash(expected.data(), expected.size(), message.data(), message.size(), nullptr, 0);
    EXPECT_EQ(phone_secret(suite, phone, server.public_key()), expected) << text;
  }
}

TEST(MobileKeyOcraSecret, RefusesWrongSizesAndLowOrderKeys) {
  const OcraSuite suite = suite_of(kSuites[0]);
  const auto phone = KxKeyPair::generate();
  const auto server = KxKeyPair::generate();
  Bytes secret(32, 0xAA);
  Bytes short_key(31, 1);
  auto arg = [](const Status& s) { return s ? std::string("ok") : s.error().args.at(0); };

  Bytes too_small(16);
  EXPECT_EQ(
      arg(mobile_key_phone_ocra_secret(too_small, suite, phone.public_key(), phone.secret_key(), server.public_key())),
      "secret");
  EXPECT_EQ(arg(mobile_key_phone_ocra_secret(secret, suite, short_key, phone.secret_key(), server.public_key())),
            "phone_public_key");
  EXPECT_EQ(arg(mobile_key_phone_ocra_secret(secret, suite, phone.public_key(), short_key, server.public_key())),
            "phone_secret_key");
  EXPECT_EQ(arg(mobile_key_phone_ocra_secret(secret, suite, phone.public_key(), phone.secret_key(), short_key)),
            "server_public_key");
  EXPECT_EQ(arg(mobile_key_server_ocra_secret(secret, suite, server.public_key(), server.secret_key(), short_key)),
            "phone_public_key");
  // The all-zero point gives an all-zero shared secret: crypto_kx refuses it.
  const Bytes zero_point(32, 0);
  const Status refused =
      mobile_key_server_ocra_secret(secret, suite, server.public_key(), server.secret_key(), zero_point);
  EXPECT_EQ(refused.code(), Errc::bad_argument);
  EXPECT_EQ(arg(refused), "phone_public_key");
  EXPECT_TRUE(all_zero(secret)) << "a failed derivation leaves nothing behind";
  EXPECT_EQ(arg(mobile_key_phone_ocra_secret(secret, suite, phone.public_key(), phone.secret_key(), zero_point)),
            "server_public_key");
}

TEST(KxKeyPair, FreshPairsDifferAndMovingWipesTheSource) {
  auto a = KxKeyPair::generate();
  const auto b = KxKeyPair::generate();
  EXPECT_FALSE(std::equal(a.public_key().begin(), a.public_key().end(), b.public_key().begin()));
  // The public key is the X25519 base-point multiple of the secret key.
  std::array<std::uint8_t, 32> derived{};
  ASSERT_EQ(crypto_scalarmult_base(derived.data(), a.secret_key().data()), 0);
  EXPECT_TRUE(std::equal(derived.begin(), derived.end(), a.public_key().begin()));

  const Bytes public_before(a.public_key().begin(), a.public_key().end());
  KxKeyPair moved = std::move(a);
  EXPECT_TRUE(std::equal(public_before.begin(), public_before.end(), moved.public_key().begin()));
  const auto source = a.secret_key();  // NOLINT(bugprone-use-after-move): checking the wipe
  EXPECT_TRUE(std::all_of(source.begin(), source.end(), [](std::uint8_t x) { return x == 0; }));
}

TEST(MobileKeyTexts, AreSpelledAsDocumented) {
  EXPECT_EQ(push_decision_message("tx1", "42", "approve"), "SLS-PUSH-1|tx1|42|approve");
  EXPECT_EQ(push_decision_message("tx1", "07", "not_me"), "SLS-PUSH-1|tx1|07|not_me");
  EXPECT_EQ(device_pull_message("dev", 1764000000), "SLS-PULL-1|dev|1764000000");
  EXPECT_EQ(device_pull_message("dev", -5), "SLS-PULL-1|dev|-5");
  EXPECT_EQ(qr_approval_message("SLS1.ABC"), "SLS-QR-1|SLS1.ABC|approve");
}

TEST(MobileKeySignatures, VerifyOnlyTheSignedTextWithTheRightKey) {
  const auto pair = Ed25519KeyPair::generate();
  const auto other = Ed25519KeyPair::generate();
  const std::string text = push_decision_message("tx", "42", "approve");
  const auto signature = mobile_key_sign(pair.secret_key(), text);
  ASSERT_TRUE(signature);
  EXPECT_EQ(mobile_key_sign(pair.secret_key(), text).value(), *signature) << "Ed25519 is deterministic";
  EXPECT_TRUE(mobile_key_signature_valid(pair.public_key(), text, *signature));
  EXPECT_FALSE(mobile_key_signature_valid(other.public_key(), text, *signature));
  EXPECT_FALSE(mobile_key_signature_valid(pair.public_key(), push_decision_message("tx", "43", "approve"), *signature));
  // A signature for one purpose never passes for another.
  EXPECT_FALSE(mobile_key_signature_valid(pair.public_key(), "SLS-QR-1|tx|42|approve", *signature));
  auto flipped = *signature;
  flipped[10] ^= 1;
  EXPECT_FALSE(mobile_key_signature_valid(pair.public_key(), text, flipped));
  EXPECT_FALSE(mobile_key_signature_valid(pair.public_key(), text, std::span(*signature).first(63)));
  EXPECT_FALSE(mobile_key_signature_valid(Bytes(31), text, *signature));
  // Interoperates with libsodium directly (what any other phone would use).
  EXPECT_EQ(crypto_sign_verify_detached(signature->data(), reinterpret_cast<const unsigned char*>(text.data()),
                                        text.size(), pair.public_key().data()),
            0);
  EXPECT_EQ(mobile_key_sign(Bytes(32), text).code(), Errc::bad_argument);
}

}  // namespace
}  // namespace sls
