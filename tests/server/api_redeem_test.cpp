// POST /api/v1/assertions/redeem through a real server on 127.0.0.1 (issue
// 10): a host's back end that keeps no state makes a login assertion
// single-use. Attacks: a second redeem, another audience, a changed byte, an
// expired assertion (manual clock), a key nobody published, a key rotated
// out, and a flood of forged assertions from one address.
#include <algorithm>

#include "server/jwt.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";
constexpr const char* kAudience = "https://broker.example";

ServiceConfig redeem_config() {
  ServiceConfig c = test_service_config();
  c.assertion_audiences = {kAudience, "https://other.example"};
  return c;
}

/// A completed password-only login of `user`: its assertion.
std::string assertion_of(TestServer& s, const std::string& user, const std::string& audience = kAudience) {
  Reply login = s.login(user);
  EXPECT_EQ(login.status, 200) << login.raw;
  Reply done = s.post("/api/v1/login/" + login.str("login_id") + "/complete",
                      JsonValue::object()
                          .set("completion_token", login.str("completion_token"))
                          .set("audience", audience)
                          .set("nonce", "page-load-1"));
  EXPECT_EQ(done.status, 200) << done.raw;
  return done.str("assertion");
}

Reply redeem(TestServer& s, const std::string& assertion, const std::string& audience = kAudience) {
  return s.post("/api/v1/assertions/redeem", JsonValue::object().set("assertion", assertion).set("audience", audience));
}

std::int64_t redeemed_rows(TestServer& s) { return query_int(s.db_path(), "SELECT COUNT(*) FROM redeemed_assertions"); }

TEST(ApiRedeem, TheFirstRedeemGetsTheClaimsTheSecondIs409) {
  TestServer s(redeem_config());
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  const std::string token = assertion_of(s, "olive");
  Reply first = redeem(s, token);
  ASSERT_EQ(first.status, 200) << first.raw;
  EXPECT_EQ(first.str("sub"), "olive");
  EXPECT_EQ(first.str("aud"), kAudience);
  EXPECT_EQ(first.str("iss"), "https://login.example.com");
  EXPECT_EQ(first.str("nonce"), "page-load-1");
  EXPECT_EQ(first.str("acr"), "urn:sls:acr:1");
  EXPECT_EQ(first.str("jti").size(), 22u);
  EXPECT_EQ(redeemed_rows(s), 1);

  Reply second = redeem(s, token);
  EXPECT_EQ(second.status, 409) << second.raw;
  EXPECT_EQ(second.code(), "assertion.already_redeemed");
  s.clock().advance_seconds(30);  // still alive: still refused
  EXPECT_EQ(redeem(s, token).code(), "assertion.already_redeemed");
  // Another login's assertion is its own.
  EXPECT_EQ(redeem(s, assertion_of(s, "olive")).status, 200);
}

TEST(ApiRedeem, EveryAttemptIsAuditedAndOnlyASignedSubIsNamed) {
  TestServer s(redeem_config());
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  const std::string token = assertion_of(s, "olive");
  ASSERT_EQ(redeem(s, token).status, 200);
  EXPECT_EQ(redeem(s, token).status, 409);
  EXPECT_EQ(redeem(s, token, "https://other.example").code(), "assertion.wrong_audience");
  std::string forged = token;
  const std::size_t in_payload = token.find('.') + 5;
  forged[in_payload] = forged[in_payload] == 'A' ? 'B' : 'A';
  EXPECT_EQ(redeem(s, forged).code(), "assertion.invalid");
  std::vector<std::string> rows;
  for (const AuditRecord& a : s.audit())
    if (a.event == "assertion.redeemed") rows.push_back(a.outcome + " " + a.username + " " + a.detail);
  // Newest first.
  EXPECT_EQ(rows,
            (std::vector<std::string>{"fail  assertion.invalid", "fail olive assertion.wrong_audience",
                                      "fail olive assertion.already_redeemed", "ok olive aud https://broker.example"}));
}

TEST(ApiRedeem, AnotherAudienceIsRefusedWithoutSpendingTheAssertion) {
  TestServer s(redeem_config());
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  const std::string token = assertion_of(s, "olive", "https://other.example");
  Reply wrong = redeem(s, token);
  EXPECT_EQ(wrong.status, 401) << wrong.raw;
  EXPECT_EQ(wrong.code(), "assertion.wrong_audience");
  EXPECT_EQ(redeem(s, token, "https://other.example/").code(), "assertion.wrong_audience");
  EXPECT_EQ(redeemed_rows(s), 0);
  EXPECT_EQ(redeem(s, token, "https://other.example").status, 200);
}

TEST(ApiRedeem, AnyChangedByteIsRefused) {
  TestServer s(redeem_config());
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  const std::string token = assertion_of(s, "olive");
  int refused = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '.') continue;
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    Reply r = redeem(s, bad);
    // A change in the last character of a part may only touch its padding
    // bits, which base64url decoding ignores or refuses; either way it is
    // never redeemed as another token.
    if (r.status == 200) {
      ADD_FAILURE() << "changed byte " << i << " redeemed";
      continue;
    }
    EXPECT_EQ(r.status, 401) << i << " " << r.raw;
    EXPECT_EQ(r.code(), "assertion.invalid") << i;
    ++refused;
  }
  EXPECT_GT(refused, 100);
  EXPECT_EQ(redeem(s, "not.a.jwt").code(), "assertion.invalid");
  EXPECT_EQ(redeem(s, token + ".x").code(), "assertion.invalid");
  EXPECT_EQ(redeemed_rows(s), 0);
  EXPECT_EQ(redeem(s, token).status, 200);  // the original is untouched
}

TEST(ApiRedeem, AnExpiredAssertionHasItsOwnCodeAndOldRowsAreDeleted) {
  TestServer s(redeem_config());
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  const std::string used = assertion_of(s, "olive");
  ASSERT_EQ(redeem(s, used).status, 200);
  const std::string stale = assertion_of(s, "olive");
  s.clock().advance_seconds(59);
  EXPECT_EQ(redeem(s, assertion_of(s, "olive")).status, 200);
  EXPECT_EQ(redeemed_rows(s), 2);
  s.clock().advance_seconds(1);  // exp of the first two: expired
  Reply r = redeem(s, stale);
  EXPECT_EQ(r.status, 401) << r.raw;
  EXPECT_EQ(r.code(), "assertion.expired");
  // The used one is expired too, so its row may go: the next redeem sweeps it.
  EXPECT_EQ(redeem(s, used).code(), "assertion.expired");
  EXPECT_EQ(redeem(s, assertion_of(s, "olive")).status, 200);
  EXPECT_EQ(redeemed_rows(s), 2);  // the one redeemed at +59 and the new one
}

TEST(ApiRedeem, AKeyNobodyPublishedOrOneRotatedOutIsRefused) {
  TestServer s(redeem_config());
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  // A well-formed assertion with every claim right, signed by a key of
  // another file: its kid is unknown here.
  TempDir other;
  auto foreign = AssertionKeys::load_or_create(other.file("keys"), s.clock().now());
  ASSERT_TRUE(foreign);
  auto forged = sign_assertion(*foreign, AssertionClaims{"https://login.example.com", "olive", kAudience, nullptr},
                               s.clock().now(), 60);
  ASSERT_TRUE(forged);
  Reply r = redeem(s, *forged);
  EXPECT_EQ(r.status, 401) << r.raw;
  EXPECT_EQ(r.code(), "assertion.invalid");

  // One of ours whose key is rotated out once its assertions expired.
  const std::string token = assertion_of(s, "olive");
  ASSERT_TRUE(AssertionKeys::rotate(s.assertion_keys_path(), s.clock().now(), 60, 0));
  ASSERT_TRUE(AssertionKeys::rotate(s.assertion_keys_path(), s.clock().now(), 60, 0));
  s.clock().advance_seconds(60);
  EXPECT_EQ(redeem(s, token).code(), "assertion.invalid");
  // And one signed after the rotations is redeemed.
  EXPECT_EQ(redeem(s, assertion_of(s, "olive")).status, 200);
}

TEST(ApiRedeem, MissingFieldsAre400AndForgeriesAreRateLimitedPerAddress) {
  ServiceConfig c = redeem_config();
  c.failures_per_address.burst = 5;
  c.failures_per_address.per_second = 1.0 / 60;
  TestServer s(c);
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  const std::string token = assertion_of(s, "olive");
  EXPECT_EQ(s.post("/api/v1/assertions/redeem", JsonValue::object().set("audience", kAudience)).code(),
            "request.bad_field");
  EXPECT_EQ(s.post("/api/v1/assertions/redeem", JsonValue::object().set("assertion", token)).code(),
            "request.bad_field");
  // Good redeems give their token back: they never run the budget down.
  for (int i = 0; i < 8; ++i) ASSERT_EQ(redeem(s, assertion_of(s, "olive")).status, 200) << i;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(redeem(s, "forged." + std::to_string(i) + ".x").code(), "assertion.invalid");
  const std::int64_t rows = redeemed_rows(s);
  Reply limited = redeem(s, token);
  EXPECT_EQ(limited.status, 429) << limited.raw;
  EXPECT_EQ(limited.code(), "rate.limited");
  EXPECT_FALSE(limited.header("Retry-After").empty());
  EXPECT_EQ(redeemed_rows(s), rows);  // refused before anything was recorded
  // A minute later the address has a token again.
  s.clock().advance_seconds(60);
  EXPECT_EQ(redeem(s, assertion_of(s, "olive")).status, 200);
}

}  // namespace
}  // namespace sls::server::testing
