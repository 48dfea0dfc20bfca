#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "sls/messages.hpp"
#include "sls/secure.hpp"
#include "sls/signed_payload.hpp"
#include "test_vectors.hpp"

namespace sls {
namespace {

using nlohmann::json;

const json& vectors() {
  static const json doc = sls::testing::load_test_vectors("signed_payloads.json");
  return doc;
}

std::vector<std::uint8_t> hex_bytes(const std::string& hex) {
  std::vector<std::uint8_t> out;
  EXPECT_TRUE(from_hex(hex, out)) << hex;
  return out;
}

ChallengePayload payload_of(const json& j) {
  ChallengePayload p;
  auto tx = hex_bytes(j.at("tx_id_hex").get<std::string>());
  EXPECT_EQ(tx.size(), p.tx_id.size());
  std::copy_n(tx.begin(), std::min(tx.size(), p.tx_id.size()), p.tx_id.begin());
  p.challenge = j.at("challenge").get<std::string>();
  p.origin = j.at("origin").get<std::string>();
  p.expires_at = j.at("expires_at").get<std::int64_t>();
  return p;
}

Ed25519KeyPair vector_keys() {
  auto seed = hex_bytes(vectors()["keys"]["seed_hex"].get<std::string>());
  auto pair = Ed25519KeyPair::from_seed(seed);
  wipe(seed.data(), seed.size());
  EXPECT_TRUE(pair.ok());
  return std::move(pair).value();
}

std::string typical_text() { return vectors()["valid"][0]["text"].get<std::string>(); }
std::int64_t typical_now() { return vectors()["valid"][0]["now"].get<std::int64_t>(); }

// A second, deliberately naive RFC 4648 Base32 codec (no padding), so that
// the fuzz test can edit decoded bytes without trusting the code under test.
constexpr std::string_view kTestAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string test_base32_encode(const std::vector<std::uint8_t>& bytes) {
  std::string bits, out;
  for (auto b : bytes)
    for (int i = 7; i >= 0; --i) bits += (b >> i & 1) ? '1' : '0';
  while (bits.size() % 5 != 0) bits += '0';
  for (std::size_t i = 0; i < bits.size(); i += 5) out += kTestAlphabet[std::stoul(bits.substr(i, 5), nullptr, 2)];
  return out;
}

std::vector<std::uint8_t> test_base32_decode(std::string_view text) {
  std::string bits;
  for (char c : text) {
    auto v = kTestAlphabet.find(c);
    for (int i = 4; i >= 0; --i) bits += (v >> i & 1) ? '1' : '0';
  }
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 8 <= bits.size(); i += 8)
    out.push_back(static_cast<std::uint8_t>(std::stoul(bits.substr(i, 8), nullptr, 2)));
  return out;
}

// --- keys --------------------------------------------------------------------

TEST(Ed25519KeyPair, FromSeedMatchesRfc8032) {
  const auto keys = vector_keys();
  EXPECT_EQ(to_hex(keys.public_key()), vectors()["keys"]["public_key_hex"].get<std::string>());
  EXPECT_EQ(to_hex(keys.secret_key()), vectors()["keys"]["secret_key_hex"].get<std::string>());
}

TEST(Ed25519KeyPair, FromSeedRejectsWrongLength) {
  std::vector<std::uint8_t> short_seed(31, 7), long_seed(33, 7);
  EXPECT_EQ(Ed25519KeyPair::from_seed(short_seed).code(), Errc::bad_argument);
  EXPECT_EQ(Ed25519KeyPair::from_seed(long_seed).code(), Errc::bad_argument);
  EXPECT_EQ(Ed25519KeyPair::from_seed({}).code(), Errc::bad_argument);
}

TEST(Ed25519KeyPair, GenerateGivesDistinctConsistentPairs) {
  const auto a = Ed25519KeyPair::generate();
  const auto b = Ed25519KeyPair::generate();
  EXPECT_NE(to_hex(a.public_key()), to_hex(b.public_key()));
  // libsodium's secret key ends with the public key, and the seed rebuilds it.
  EXPECT_TRUE(std::equal(a.public_key().begin(), a.public_key().end(), a.secret_key().begin() + 32));
  auto again = Ed25519KeyPair::from_seed(a.secret_key().first<32>());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(to_hex(again->public_key()), to_hex(a.public_key()));
}

TEST(Ed25519KeyPair, MovingWipesTheSource) {
  auto a = Ed25519KeyPair::generate();
  const std::string secret = to_hex(a.secret_key());
  Ed25519KeyPair b(std::move(a));
  EXPECT_EQ(to_hex(b.secret_key()), secret);
  const auto sk = a.secret_key();  // NOLINT(bugprone-use-after-move): checking the wipe
  EXPECT_TRUE(std::all_of(sk.begin(), sk.end(), [](std::uint8_t v) { return v == 0; }));

  auto c = Ed25519KeyPair::generate();
  c = std::move(b);
  EXPECT_EQ(to_hex(c.secret_key()), secret);
  const auto sk_b = b.secret_key();  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(std::all_of(sk_b.begin(), sk_b.end(), [](std::uint8_t v) { return v == 0; }));
}

// --- shared vectors --------------------------------------------------------------

TEST(SignedPayloadVectors, EncodeReproducesEveryValidText) {
  const auto keys = vector_keys();
  ASSERT_GE(vectors()["valid"].size(), 5u);
  for (const auto& v : vectors()["valid"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    auto text = encode_signed_payload(payload_of(v["payload"]), keys.secret_key());
    ASSERT_TRUE(text.ok()) << errc_name(text.code());
    EXPECT_EQ(*text, v["text"].get<std::string>());
  }
}

TEST(SignedPayloadVectors, ParseAndVerifyReturnTheFields) {
  const auto public_key = hex_bytes(vectors()["keys"]["public_key_hex"].get<std::string>());
  for (const auto& v : vectors()["valid"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const auto text = v["text"].get<std::string>();
    const auto expected = payload_of(v["payload"]);
    auto parsed = parse_signed_payload(text);
    ASSERT_TRUE(parsed.ok()) << errc_name(parsed.code());
    EXPECT_EQ(*parsed, expected);
    auto verified = verify_signed_payload(text, public_key, v["now"].get<std::int64_t>());
    ASSERT_TRUE(verified.ok()) << errc_name(verified.code());
    EXPECT_EQ(*verified, expected);
    // Still valid one second before expiry, expired at it.
    EXPECT_TRUE(verify_signed_payload(text, public_key, expected.expires_at - 1).ok());
    EXPECT_EQ(verify_signed_payload(text, public_key, expected.expires_at).code(), Errc::payload_expired);
  }
}

TEST(SignedPayloadVectors, EveryInvalidTextIsRejectedWithItsReason) {
  const auto default_key = vectors()["keys"]["public_key_hex"].get<std::string>();
  ASSERT_GE(vectors()["invalid"].size(), 40u);
  for (const auto& v : vectors()["invalid"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const auto text = v["text"].get<std::string>();
    const auto key = hex_bytes(v.value("public_key_hex", default_key));
    const auto expected = errc_from_name(v["error"].get<std::string>());
    ASSERT_TRUE(expected.has_value()) << v["error"];

    auto verified = verify_signed_payload(text, key, v["now"].get<std::int64_t>());
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.code(), *expected);
    if (v.contains("reason")) {
      EXPECT_EQ(verified.error().args, std::vector<std::string>{v["reason"].get<std::string>()});
    } else {
      EXPECT_TRUE(verified.error().args.empty());
    }

    // parse checks structure only: it agrees on structural errors and
    // accepts what only the signature or the clock rejects.
    auto parsed = parse_signed_payload(text);
    if (*expected == Errc::payload_bad_signature || *expected == Errc::payload_expired) {
      EXPECT_TRUE(parsed.ok()) << errc_name(parsed.code());
    } else {
      ASSERT_FALSE(parsed.ok());
      EXPECT_EQ(parsed.error(), verified.error());
    }
  }
}

TEST(SignedPayloadVectors, EncodeRejectsInvalidFields) {
  const auto keys = vector_keys();
  const auto& section = vectors()["encode_invalid"];
  for (const auto& c : section["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    json fields = section["base_payload"];
    fields.update(c["payload"]);
    auto text = encode_signed_payload(payload_of(fields), keys.secret_key());
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(errc_name(text.code()), c["error"].get<std::string>());
    EXPECT_EQ(text.error().args, std::vector<std::string>{c["reason"].get<std::string>()});
  }
}

TEST(SignedPayloadVectors, OriginRules) {
  for (const auto& o : vectors()["origins"]["valid"]) {
    EXPECT_TRUE(validate_payload_origin(o.get<std::string>()).ok()) << o;
  }
  ASSERT_GE(vectors()["origins"]["invalid"].size(), 30u);
  for (const auto& o : vectors()["origins"]["invalid"]) {
    auto s = validate_payload_origin(o.get<std::string>());
    ASSERT_FALSE(s.ok()) << o;
    EXPECT_EQ(s.error(), fail(Errc::payload_malformed, {"bad origin"})) << o;
  }
}

// --- behaviour beyond the vectors ------------------------------------------------------

TEST(SignedPayload, RoundTripWithAFreshKey) {
  const auto keys = Ed25519KeyPair::generate();
  for (int i = 0; i < 50; ++i) {
    ChallengePayload p;
    random_fill(p.tx_id);
    p.challenge = std::to_string(1000000 + random_below(1000000)).substr(1);
    p.origin = "https://login.example.com:" + std::to_string(1 + random_below(442));
    p.expires_at = 1700000000 + random_below(1000000);
    auto text = encode_signed_payload(p, keys.secret_key());
    ASSERT_TRUE(text.ok()) << errc_name(text.code());
    EXPECT_EQ(encode_signed_payload(p, keys.secret_key()).value(), *text);  // deterministic
    auto back = verify_signed_payload(*text, keys.public_key(), 1600000000);
    ASSERT_TRUE(back.ok()) << errc_name(back.code());
    EXPECT_EQ(*back, p);
  }
}

TEST(SignedPayload, TextUsesOnlyQrAlphanumericCharacters) {
  // Why Base32: every character is in the QR alphanumeric set, the densest
  // mode that can carry the payload.
  const std::string_view alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  for (const auto& v : vectors()["valid"]) {
    for (char c : v["text"].get<std::string>()) EXPECT_NE(alphanumeric.find(c), std::string_view::npos) << c;
  }
}

TEST(SignedPayload, LongestTextIsTheAdvertisedMaximum) {
  std::size_t longest = 0;
  for (const auto& v : vectors()["valid"]) longest = std::max(longest, v["text"].get<std::string>().size());
  EXPECT_EQ(longest, signed_payload_max_text_bytes);
}

TEST(SignedPayload, WrongKeySizesAreBadArguments) {
  const auto keys = vector_keys();
  const auto p = payload_of(vectors()["valid"][0]["payload"]);
  EXPECT_EQ(encode_signed_payload(p, keys.secret_key().first(63)).code(), Errc::bad_argument);
  EXPECT_EQ(encode_signed_payload(p, keys.public_key()).code(), Errc::bad_argument);
  EXPECT_EQ(verify_signed_payload(typical_text(), keys.secret_key(), typical_now()).code(), Errc::bad_argument);
  EXPECT_EQ(verify_signed_payload(typical_text(), {}, typical_now()).code(), Errc::bad_argument);
}

TEST(SignedPayload, ReasonAppearsInTheLocalisedMessage) {
  auto r = parse_signed_payload("SLS1.AE");
  ASSERT_EQ(r.code(), Errc::payload_malformed);
  EXPECT_NE(localize(r.error(), Lang::en).find("truncated"), std::string::npos);
}

TEST(SignedPayloadFuzz, EveryTruncationIsRejected) {
  const auto public_key = hex_bytes(vectors()["keys"]["public_key_hex"].get<std::string>());
  for (const auto& v : vectors()["valid"]) {
    const auto text = v["text"].get<std::string>();
    const auto now = v["now"].get<std::int64_t>();
    for (std::size_t n = 0; n < text.size(); ++n) {
      auto r = verify_signed_payload(std::string_view(text).substr(0, n), public_key, now);
      ASSERT_FALSE(r.ok()) << "prefix of length " << n;
      EXPECT_EQ(r.code(), Errc::payload_malformed) << "prefix of length " << n;
    }
  }
}

TEST(SignedPayloadFuzz, EverySingleBitFlipOfTheTextIsRejected) {
  const auto public_key = hex_bytes(vectors()["keys"]["public_key_hex"].get<std::string>());
  for (const auto& v : vectors()["valid"]) {
    const auto text = v["text"].get<std::string>();
    const auto now = v["now"].get<std::int64_t>();
    for (std::size_t i = 0; i < text.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string flipped = text;
        flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
        auto r = verify_signed_payload(flipped, public_key, now);
        ASSERT_FALSE(r.ok()) << "byte " << i << " bit " << bit;
      }
    }
  }
}

TEST(SignedPayloadFuzz, EverySingleBitFlipOfTheBlobIsRejected) {
  // Flips bits in the decoded bytes and re-encodes them canonically, so that
  // each flip reaches the layout and signature checks instead of stopping at
  // Base32: every byte must be covered by one or the other.
  const auto public_key = hex_bytes(vectors()["keys"]["public_key_hex"].get<std::string>());
  for (const auto& v : vectors()["valid"]) {
    const auto text = v["text"].get<std::string>();
    const auto now = v["now"].get<std::int64_t>();
    const auto blob = test_base32_decode(std::string_view(text).substr(5));
    ASSERT_EQ(test_base32_encode(blob), text.substr(5));  // the test codec agrees
    for (std::size_t i = 0; i < blob.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        auto flipped = blob;
        flipped[i] = static_cast<std::uint8_t>(flipped[i] ^ (1 << bit));
        auto r = verify_signed_payload("SLS1." + test_base32_encode(flipped), public_key, now);
        ASSERT_FALSE(r.ok()) << "byte " << i << " bit " << bit;
      }
    }
  }
}

}  // namespace
}  // namespace sls
