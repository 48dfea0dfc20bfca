// Login assertion keys and tokens: the key file (0600, refused when loose or
// damaged, rotation that keeps a retired key published exactly as long as
// its assertions live), the compact EdDSA JWS and the JWKS, and
// GET /.well-known/jwks.json on a real slsd following a rotation made by
// another process. jose, a verifier nobody here wrote, checks the tokens in
// web/test/browser/assertion-jose.test.cjs.
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "server/assertion_keys.hpp"
#include "server/cli.hpp"
#include "server/encoding.hpp"
#include "server/jwt.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr std::int64_t kT0 = 1'800'000'000;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 0777;
}

JsonValue decode_part(std::string_view part) {
  auto bytes = base64url_decode(part);
  EXPECT_TRUE(bytes.has_value());
  if (!bytes) return {};
  auto v = json_parse(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  EXPECT_TRUE(v);
  return v ? *v : JsonValue();
}

std::vector<std::string> parts_of(const std::string& token) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t dot; (dot = token.find('.', start)) != std::string::npos; start = dot + 1)
    out.push_back(token.substr(start, dot - start));
  out.push_back(token.substr(start));
  return out;
}

AssertionClaims claims() { return {"https://login.example.com", "alice", "https://broker.example.com", nullptr}; }

TEST(AssertionKeys, CreatedOwnerOnlyAndReadBackTheSame) {
  TempDir dir;
  const std::string path = dir.file("a.keys");
  auto created = AssertionKeys::load_or_create(path, kT0);
  ASSERT_TRUE(created) << created.error().args.back();
  EXPECT_EQ(mode_of(path), 0600U);
  EXPECT_EQ(created->all().size(), 1U);
  EXPECT_EQ(created->current().kid.size(), kIdChars);
  EXPECT_EQ(created->current().created, kT0);
  EXPECT_EQ(created->current().retired_at, 0);
  EXPECT_EQ(created->current().max_ttl, kDefaultAssertionTtl);
  auto again = AssertionKeys::load_or_create(path, kT0 + 5);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->current().kid, created->current().kid);
  EXPECT_TRUE(std::equal(again->current().pair.public_key().begin(), again->current().pair.public_key().end(),
                         created->current().pair.public_key().begin()));
}

TEST(AssertionKeys, LooseFileIsRefused) {
  TempDir dir;
  const std::string path = dir.file("a.keys");
  ASSERT_TRUE(AssertionKeys::load_or_create(path, kT0));
  for (mode_t mode : {0640U, 0604U, 0620U, 0602U}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    auto loaded = AssertionKeys::load(path);
    ASSERT_FALSE(loaded) << std::oct << mode;
    EXPECT_EQ(loaded.error().code, Errc::bad_argument);
    EXPECT_NE(loaded.error().args.back().find("chmod 600"), std::string::npos);
  }
}

TEST(AssertionKeys, DamagedFileIsRefused) {
  TempDir dir;
  const std::string path = dir.file("a.keys");
  ASSERT_TRUE(AssertionKeys::load_or_create(path, kT0));
  ASSERT_TRUE(AssertionKeys::rotate(path, kT0 + 1));
  const std::string good = read_all(path);
  ASSERT_EQ(good.size(), 8U + 2 * 80 + 32);
  auto refused = [&](const std::string& data, const std::string& reason) {
    write_all(path, data);
    auto loaded = AssertionKeys::load(path);
    ASSERT_FALSE(loaded) << reason;
    EXPECT_EQ(loaded.error().code, Errc::bad_argument);
    EXPECT_EQ(loaded.error().args.back(), reason);
  };
  refused("", "wrong size");
  refused(good.substr(0, good.size() - 1), "wrong size");
  refused(good + "x", "wrong size");
  // Every single changed byte is seen (the kid, times, seed and checksum).
  for (std::size_t i = 8; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    refused(bad, "checksum mismatch");
  }
  std::string magic = good;
  magic[0] = 'X';
  refused(magic, "not an assertion key file");
  write_all(path, good);
  EXPECT_TRUE(AssertionKeys::load(path));
  // Missing: load refuses; it never creates.
  EXPECT_FALSE(AssertionKeys::load(dir.file("missing")));
  EXPECT_FALSE(AssertionKeys::load_or_create(dir.file("x"), kT0, 0));
  EXPECT_FALSE(AssertionKeys::load_or_create(dir.file("x"), kT0, kMaxAssertionTtl + 1));
}

TEST(AssertionKeys, RotationKeepsTheOldKeyUntilItsAssertionsExpired) {
  TempDir dir;
  const std::string path = dir.file("a.keys");
  auto first = AssertionKeys::load_or_create(path, kT0);
  ASSERT_TRUE(first);
  const std::string kid_a = first->current().kid;
  auto token = sign_assertion(*first, claims(), kT0 + 10, 60);
  ASSERT_TRUE(token);

  auto second = AssertionKeys::rotate(path, kT0 + 20);
  ASSERT_TRUE(second);
  EXPECT_EQ(mode_of(path), 0600U);
  const std::string kid_b = second->current().kid;
  EXPECT_NE(kid_b, kid_a);
  ASSERT_EQ(second->all().size(), 2U);
  EXPECT_EQ(second->all()[0].retired_at, kT0 + 20);
  EXPECT_EQ(second->all()[1].created, kT0 + 20);
  // The file says the same as the returned set.
  auto reread = AssertionKeys::load(path);
  ASSERT_TRUE(reread);
  EXPECT_EQ(reread->all()[0].kid, kid_a);
  EXPECT_EQ(reread->current().kid, kid_b);

  // A signed up to its retirement; its last assertion expires at
  // retired_at + max_ttl, the last second A is published is the one before.
  EXPECT_TRUE(jws_verify(*token, *reread, kT0 + 79));
  EXPECT_EQ(jwks_json(*reread, kT0 + 79).find("keys")->as_array()->size(), 2U);
  EXPECT_FALSE(jws_verify(*token, *reread, kT0 + 80));
  const JsonValue later = jwks_json(*reread, kT0 + 80);
  ASSERT_EQ(later.find("keys")->as_array()->size(), 1U);
  EXPECT_EQ(later.find("keys")->as_array()->at(0).get_string("kid"), kid_b);

  // New assertions are signed with B.
  auto signed_b = sign_assertion(*reread, claims(), kT0 + 21, 60);
  ASSERT_TRUE(signed_b);
  EXPECT_EQ(decode_part(parts_of(*signed_b)[0]).get_string("kid"), kid_b);

  // The next rotation drops A from the file and keeps B while it matters.
  auto third = AssertionKeys::rotate(path, kT0 + 100);
  ASSERT_TRUE(third);
  ASSERT_EQ(third->all().size(), 2U);
  EXPECT_EQ(third->all()[0].kid, kid_b);
  EXPECT_EQ(third->all()[0].retired_at, kT0 + 100);
}

TEST(AssertionKeys, ANewKeyIsPublishedAtOnceButSignsOnlyAfterItsLead) {
  TempDir dir;
  const std::string path = dir.file("a.keys");
  auto first = AssertionKeys::load_or_create(path, kT0);
  ASSERT_TRUE(first);
  const std::string kid_a = first->current().kid;
  EXPECT_EQ(first->current().signs_from, kT0);  // the first key signs at once

  auto rotated = AssertionKeys::rotate(path, kT0 + 10, 60, 300);
  ASSERT_TRUE(rotated);
  auto keys = AssertionKeys::load(path);  // what every node reads
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->all().size(), 2U);
  const std::string kid_b = keys->current().kid;
  EXPECT_EQ(keys->current().created, kT0 + 10);
  EXPECT_EQ(keys->current().signs_from, kT0 + 310);
  EXPECT_EQ(keys->all()[0].retired_at, kT0 + 310);

  auto kid_of = [](const std::string& token) {
    return std::string(*decode_part(parts_of(token)[0]).get_string("kid"));
  };
  // Both are published from the rotation on: a verifier that fetches the
  // JWKS now knows B long before it meets an assertion B signed.
  const JsonValue now = jwks_json(*keys, kT0 + 10);
  ASSERT_EQ(now.find("keys")->as_array()->size(), 2U);
  EXPECT_EQ(now.find("keys")->as_array()->at(0).get_string("kid"), kid_b);
  // A keeps signing until B's signs_from, B from then on.
  EXPECT_EQ(keys->signer(kT0 + 10).kid, kid_a);
  EXPECT_EQ(keys->signer(kT0 + 309).kid, kid_a);
  EXPECT_EQ(keys->signer(kT0 + 310).kid, kid_b);
  auto last_a = sign_assertion(*keys, claims(), kT0 + 309, 60);
  ASSERT_TRUE(last_a);
  EXPECT_EQ(kid_of(*last_a), kid_a);
  auto first_b = sign_assertion(*keys, claims(), kT0 + 310, 60);
  ASSERT_TRUE(first_b);
  EXPECT_EQ(kid_of(*first_b), kid_b);
  // A stays published until its last assertion has expired.
  EXPECT_TRUE(jws_verify(*last_a, *keys, kT0 + 368));
  EXPECT_TRUE(keys->all()[0].published_at(kT0 + 369));
  EXPECT_FALSE(keys->all()[0].published_at(kT0 + 370));
  EXPECT_FALSE(jws_verify(*last_a, *keys, kT0 + 370));

  // A second rotation before B signed: B never signs, A hands over to C.
  auto again = AssertionKeys::rotate(path, kT0 + 20, 60, 0);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->all().size(), 3U);
  EXPECT_EQ(again->signer(kT0 + 20).kid, again->current().kid);
  EXPECT_EQ(again->all()[1].retired_at, kT0 + 20);
  EXPECT_EQ(again->all()[0].retired_at, kT0 + 310);  // published a little longer: harmless

  EXPECT_FALSE(AssertionKeys::rotate(path, kT0 + 30, 60, -1));
  EXPECT_FALSE(AssertionKeys::rotate(path, kT0 + 30, 60, kMaxAssertionKeyLead + 1));
}

TEST(AssertionKeys, AVersion1FileIsReadAndTheNextRotationWritesVersion2) {
  TempDir dir;
  const std::string path = dir.file("a.keys");
  ASSERT_TRUE(AssertionKeys::load_or_create(path, kT0));
  ASSERT_TRUE(AssertionKeys::rotate(path, kT0 + 5));
  auto v2 = AssertionKeys::load(path);
  ASSERT_TRUE(v2);
  // The same keys as a version 1 file wrote them: no signs_from.
  const std::string v2_bytes = read_all(path);
  ASSERT_EQ(v2_bytes.substr(0, 8), "SLSAKEY2");
  std::string v1 = "SLSAKEY1";
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string rec = v2_bytes.substr(8 + i * 80, 80);
    v1 += rec.substr(0, 24) + rec.substr(32);  // kid, created | retired, max_ttl, seed
  }
  std::string sum(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(sum.data()), 32,
                     reinterpret_cast<const unsigned char*>(v1.data()), v1.size(), nullptr, 0);
  write_all(path, v1 + sum);
  auto v1_keys = AssertionKeys::load(path);
  ASSERT_TRUE(v1_keys) << v1_keys.error().args.back();
  ASSERT_EQ(v1_keys->all().size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(v1_keys->all()[i].kid, v2->all()[i].kid);
    EXPECT_EQ(v1_keys->all()[i].signs_from, v1_keys->all()[i].created);
    EXPECT_EQ(v1_keys->all()[i].retired_at, v2->all()[i].retired_at);
  }
  EXPECT_EQ(v1_keys->signer(kT0 + 5).kid, v2->current().kid);
  auto token = sign_assertion(*v1_keys, claims(), kT0 + 6, 60);
  ASSERT_TRUE(token);
  EXPECT_TRUE(jws_verify(*token, *v2, kT0 + 6));  // the same seeds
  // A damaged version 1 file is refused like a version 2 one.
  std::string bad = v1 + sum;
  bad[30] = static_cast<char>(bad[30] ^ 1);
  write_all(path, bad);
  EXPECT_FALSE(AssertionKeys::load(path));
  write_all(path, v1 + sum);
  ::chmod(path.c_str(), 0600);
  ASSERT_TRUE(AssertionKeys::rotate(path, kT0 + 10));
  EXPECT_EQ(read_all(path).substr(0, 8), "SLSAKEY2");
  auto migrated = AssertionKeys::load(path);
  ASSERT_TRUE(migrated);
  ASSERT_EQ(migrated->all().size(), 3U);
  EXPECT_EQ(migrated->all()[0].kid, v2->all()[0].kid);
}

TEST(AssertionKeys, ARotationInProgressLeavesTheFileAlone) {
  TempDir dir;
  const std::string path = dir.file("a.keys");
  ASSERT_TRUE(AssertionKeys::load_or_create(path, kT0));
  const std::string before = read_all(path);
  write_all(path + ".tmp", "another rotation");
  auto rotated = AssertionKeys::rotate(path, kT0 + 1);
  ASSERT_FALSE(rotated);
  EXPECT_EQ(rotated.error().code, Errc::bad_argument);
  EXPECT_EQ(read_all(path), before);
  EXPECT_EQ(read_all(path + ".tmp"), "another rotation");
}

TEST(AssertionKeys, ARotationOfADamagedFileChangesNothingAndLeavesNoLock) {
  TempDir dir;
  const std::string path = dir.file("a.keys");
  ASSERT_TRUE(AssertionKeys::load_or_create(path, kT0));
  std::string bad = read_all(path);
  bad[20] = static_cast<char>(bad[20] ^ 1);
  write_all(path, bad);
  auto rotated = AssertionKeys::rotate(path, kT0 + 1);
  ASSERT_FALSE(rotated);
  EXPECT_EQ(rotated.error().args.back(), "checksum mismatch");
  EXPECT_EQ(read_all(path), bad);
  struct stat st {};
  EXPECT_NE(::stat((path + ".tmp").c_str(), &st), 0) << "the lock is given up";
}

TEST(AssertionKeys, TheLongestLifetimeIsTheKeys) {
  TempDir dir;
  const std::string path = dir.file("a.keys");
  auto keys = AssertionKeys::rotate(path, kT0, 5);  // no file yet: creates it
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->all().size(), 1U);
  EXPECT_EQ(keys->current().max_ttl, 5);
  EXPECT_TRUE(sign_assertion(*keys, claims(), kT0, 5));
  EXPECT_FALSE(sign_assertion(*keys, claims(), kT0, 6));
  EXPECT_FALSE(sign_assertion(*keys, claims(), kT0, 0));
  // Retired with a 5 s lifetime: published for 5 s only.
  auto rotated = AssertionKeys::rotate(path, kT0 + 10, 60);
  ASSERT_TRUE(rotated);
  EXPECT_TRUE(rotated->all()[0].published_at(kT0 + 14));
  EXPECT_FALSE(rotated->all()[0].published_at(kT0 + 15));
}

TEST(Jwt, SignsACompactEdDsaJws) {
  TempDir dir;
  auto keys = AssertionKeys::load_or_create(dir.file("a.keys"), kT0);
  ASSERT_TRUE(keys);
  AssertionClaims c = claims();
  c.extra = JsonValue::object().set("nonce", "n-123").set("amr", JsonValue::array().push_back("pwd").push_back("otp"));
  auto token = sign_assertion(*keys, c, kT0, 60);
  ASSERT_TRUE(token);
  const auto parts = parts_of(*token);
  ASSERT_EQ(parts.size(), 3U);
  for (const auto& p : parts) EXPECT_EQ(p.find('='), std::string::npos);
  // The header exactly, in this order.
  EXPECT_EQ(json_serialize(decode_part(parts[0])),
            R"({"alg":"EdDSA","typ":"JWT","kid":")" + keys->current().kid + R"("})");
  const JsonValue payload = decode_part(parts[1]);
  EXPECT_EQ(payload.get_string("iss"), "https://login.example.com");
  EXPECT_EQ(payload.get_string("sub"), "alice");
  EXPECT_EQ(payload.get_string("aud"), "https://broker.example.com");
  EXPECT_EQ(payload.get_int("iat"), kT0);
  EXPECT_EQ(payload.get_int("exp"), kT0 + 60);
  EXPECT_EQ(payload.get_string("jti")->size(), kIdChars);
  EXPECT_EQ(payload.get_string("nonce"), "n-123");
  EXPECT_EQ(payload.find("amr")->as_array()->size(), 2U);
  // The signature is plain Ed25519 over "header.payload" with the key the
  // JWKS publishes (checked with libsodium directly, not through jws_verify).
  const JsonValue jwks = jwks_json(*keys, kT0);
  auto x = base64url_decode(*jwks.find("keys")->as_array()->at(0).get_string("x"));
  auto sig = base64url_decode(parts[2]);
  ASSERT_TRUE(x && sig);
  ASSERT_EQ(x->size(), 32U);
  ASSERT_EQ(sig->size(), 64U);
  const std::string input = parts[0] + "." + parts[1];
  EXPECT_EQ(crypto_sign_verify_detached(sig->data(), reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                                        x->data()),
            0);
  auto verified = jws_verify(*token, *keys, kT0);
  ASSERT_TRUE(verified);
  EXPECT_EQ(*verified, payload);
  // Two assertions never share a jti.
  EXPECT_NE(decode_part(parts_of(*sign_assertion(*keys, c, kT0, 60))[1]).get_string("jti"), payload.get_string("jti"));
}

TEST(Jwt, StandardClaimsCannotBeOverriddenAndAreRequired) {
  TempDir dir;
  auto keys = AssertionKeys::load_or_create(dir.file("a.keys"), kT0);
  ASSERT_TRUE(keys);
  for (const char* name : {"iss", "sub", "aud", "iat", "exp", "jti", "nbf"}) {
    AssertionClaims c = claims();
    c.extra = JsonValue::object().set(name, "x");
    EXPECT_FALSE(sign_assertion(*keys, c, kT0, 60)) << name;
  }
  AssertionClaims c = claims();
  c.aud.clear();
  EXPECT_FALSE(sign_assertion(*keys, c, kT0, 60));
  c = claims();
  c.extra = JsonValue::array();
  EXPECT_FALSE(sign_assertion(*keys, c, kT0, 60));
}

TEST(Jwt, AnyChangeOrForeignAlgorithmIsRefused) {
  TempDir dir;
  auto keys = AssertionKeys::load_or_create(dir.file("a.keys"), kT0);
  ASSERT_TRUE(keys);
  const std::string token = *sign_assertion(*keys, claims(), kT0, 60);
  ASSERT_TRUE(jws_verify(token, *keys, kT0));
  // Each character changed to another base64url character.
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '.') continue;
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(jws_verify(bad, *keys, kT0)) << i;
  }
  const auto parts = parts_of(token);
  auto with_header = [&](const std::string& header) {
    return base64url_encode(as_bytes(header)) + "." + parts[1] + "." + parts[2];
  };
  const std::string kid = keys->current().kid;
  EXPECT_FALSE(jws_verify(with_header(R"({"alg":"none","kid":")" + kid + R"("})"), *keys, kT0));
  EXPECT_FALSE(jws_verify(with_header(R"({"alg":"HS256","kid":")" + kid + R"("})"), *keys, kT0));
  EXPECT_FALSE(jws_verify(with_header(R"({"alg":"EdDSA"})"), *keys, kT0));
  EXPECT_FALSE(jws_verify(with_header(R"({"alg":"EdDSA","kid":"nope"})"), *keys, kT0));
  EXPECT_FALSE(jws_verify(parts[0] + "." + parts[1] + ".", *keys, kT0));
  EXPECT_FALSE(jws_verify(parts[0] + "." + parts[1], *keys, kT0));
  EXPECT_FALSE(jws_verify(token + ".x", *keys, kT0));
  EXPECT_FALSE(jws_verify("", *keys, kT0));
  EXPECT_FALSE(jws_verify(std::string(kMaxJwtBytes + 1, 'a'), *keys, kT0));
  // Another key set (another server) does not know the kid.
  auto other = AssertionKeys::load_or_create(dir.file("b.keys"), kT0);
  ASSERT_TRUE(other);
  EXPECT_FALSE(jws_verify(token, *other, kT0));
}

TEST(Jwt, JwksShape) {
  TempDir dir;
  const std::string path = dir.file("a.keys");
  ASSERT_TRUE(AssertionKeys::load_or_create(path, kT0));
  auto keys = AssertionKeys::rotate(path, kT0 + 1);
  ASSERT_TRUE(keys);
  const JsonValue jwks = jwks_json(*keys, kT0 + 1);
  ASSERT_TRUE(jwks.is_object());
  ASSERT_EQ(jwks.as_object()->size(), 1U);
  const auto* list = jwks.find("keys")->as_array();
  ASSERT_EQ(list->size(), 2U);
  // Newest first, each exactly these members.
  for (std::size_t i = 0; i < 2; ++i) {
    const AssertionKey& k = keys->all()[1 - i];
    EXPECT_EQ(json_serialize(list->at(i)), R"({"kty":"OKP","crv":"Ed25519","x":")" +
                                               base64url_encode(k.pair.public_key()) + R"(","kid":")" + k.kid +
                                               R"(","use":"sig","alg":"EdDSA"})");
  }
}

TEST(AssertionConfig, AudiencesDefaultToTheOriginAndBadOnesStopTheService) {
  TempDir dir;
  auto store = open_store(test_database(dir));
  ASSERT_TRUE(store);
  auto keys = Keyring::load_or_create(dir.file("master.key"), dir.file("sign.key"));
  ASSERT_TRUE(keys);
  ManualClock clock(kT0);
  OutboxSmsGateway sms(**store, clock);
  auto make = [&](std::vector<std::string> audiences, std::int64_t ttl = 60) {
    ServiceConfig c = test_service_config();
    c.assertion_audiences = std::move(audiences);
    c.assertion_ttl = ttl;
    return AuthService::create(**store, *keys, clock, sms, c);
  };
  auto plain = make({});
  ASSERT_TRUE(plain);
  EXPECT_EQ((*plain)->assertion_audiences(), std::vector<std::string>{"https://login.example.com"});
  ASSERT_TRUE((*plain)->set_origin("https://other.example.com"));
  EXPECT_EQ((*plain)->assertion_audiences(), std::vector<std::string>{"https://other.example.com"});
  auto two = make({"https://broker.example", "trading-app"});
  ASSERT_TRUE(two);
  EXPECT_EQ((*two)->assertion_audiences(), (std::vector<std::string>{"https://broker.example", "trading-app"}));
  for (const auto& bad : std::vector<std::vector<std::string>>{
           {""}, {"a b"}, {"tab\there"}, {"caf\xc3\xa9"}, {std::string(257, 'a')}, {"x", "y", "x"}}) {
    auto r = make(bad);
    ASSERT_FALSE(r) << bad.back();
    EXPECT_EQ(r.error().code, Errc::bad_argument);
  }
  EXPECT_TRUE(make({std::string(256, 'a')}));
  EXPECT_FALSE(make({}, 0));
  EXPECT_FALSE(make({}, kMaxAssertionTtl + 1));
}

TEST(AssertionConfig, ARepeatableOptionKeepsEveryValueInOrder) {
  std::vector<std::string> words = {
      "slsd", "--assertion-audience", "a", "--port", "1", "--assertion-audience=b", "--assertion-audience", "c"};
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  CommandLine cl(static_cast<int>(argv.size()), argv.data(), {});
  EXPECT_EQ(cl.get_all("assertion-audience"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(cl.get("assertion-audience"), "c");
  EXPECT_TRUE(cl.get_all("origin").empty());
  EXPECT_EQ(cl.get("port"), "1");
  EXPECT_TRUE(cl.errors().empty());
}

TEST(JwksRoute, ServesTheFileAndFollowsARotationByAnotherProcess) {
  TestServer server;
  auto keys = AssertionKeys::load(server.assertion_keys_path());
  ASSERT_TRUE(keys);
  Reply r = server.get("/.well-known/jwks.json");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.header("Cache-Control"), "public, max-age=300");
  EXPECT_EQ(r.body, jwks_json(*keys, server.clock().now()));
  const std::string old_kid = keys->current().kid;

  // slsctl rotate-assertion-key, as another process would run it.
  auto rotated = AssertionKeys::rotate(server.assertion_keys_path(), server.clock().now());
  ASSERT_TRUE(rotated);
  r = server.get("/.well-known/jwks.json");
  ASSERT_EQ(r.status, 200);
  const auto* list = r.body.find("keys")->as_array();
  ASSERT_EQ(list->size(), 2U);
  EXPECT_EQ(list->at(0).get_string("kid"), rotated->current().kid);
  EXPECT_EQ(list->at(1).get_string("kid"), old_kid);

  server.clock().advance_seconds(kDefaultAssertionTtl);
  r = server.get("/.well-known/jwks.json");
  ASSERT_EQ(r.body.find("keys")->as_array()->size(), 1U);
  EXPECT_EQ(r.body.find("keys")->as_array()->at(0).get_string("kid"), rotated->current().kid);

  // Other API answers stay uncacheable.
  EXPECT_EQ(server.get("/api/v1/server-key").header("Cache-Control"), "no-store");
}

TEST(JwksRoute, ADamagedFileIsA500NotAStaleSet) {
  TestServer server;
  ASSERT_EQ(server.get("/.well-known/jwks.json").status, 200);
  write_all(server.assertion_keys_path(), "damaged");
  Reply r = server.get("/.well-known/jwks.json");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.code(), "internal");
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
}

}  // namespace
}  // namespace sls::server::testing
