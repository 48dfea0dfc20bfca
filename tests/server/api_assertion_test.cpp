// The login assertion through a real server on 127.0.0.1 (issue 10): what
// POST /login/{id}/complete signs (claims, audience, nonce, lifetime), that a
// bad audience or nonce is refused before the completion token is spent, and
// that a key file that cannot be read fails the request without a session.
#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include "server/jwt.hpp"
#include "server/try.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";

/// A password-only login up to its completion token: {login_id, token}.
std::pair<std::string, std::string> verified_login(TestServer& s, const std::string& user) {
  Reply login = s.login(user);
  EXPECT_EQ(login.status, 200) << login.raw;
  return {login.str("login_id"), login.str("completion_token")};
}

Reply complete_with(TestServer& s, const std::pair<std::string, std::string>& login, JsonValue extra = nullptr) {
  JsonValue body = JsonValue::object().set("completion_token", login.second);
  if (const auto* members = extra.as_object())
    for (const JsonMember& m : *members) body.set(m.key, m.value);
  return s.post("/api/v1/login/" + login.first + "/complete", body);
}

/// The payload of `token`, verified with the server's key file at `now`.
JsonValue verified_payload(TestServer& s, const std::string& token) {
  auto keys = AssertionKeys::load(s.assertion_keys_path());
  EXPECT_TRUE(keys);
  if (!keys) return {};
  auto payload = jws_verify(token, *keys, s.clock().now());
  EXPECT_TRUE(payload) << token;
  return payload ? *payload : JsonValue();
}

std::size_t session_count(TestServer& s, const std::string& user) {
  std::size_t n = 0;
  EXPECT_TRUE(s.store().read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, tx.find_user(user));
    if (!u) return ok_status();
    SLS_TRY_ASSIGN(rows, tx.list_sessions(u->id));
    n = rows.size();
    return ok_status();
  }));
  return n;
}

TEST(ApiAssertion, CompleteSignsEveryClaimForTheDefaultAudience) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  Reply done = complete_with(s, verified_login(s, "olive"));
  ASSERT_EQ(done.status, 200) << done.raw;
  const std::string token = done.str("assertion");
  ASSERT_FALSE(token.empty()) << done.raw;
  JsonValue p = verified_payload(s, token);
  EXPECT_EQ(p.get_string("iss"), "https://login.example.com");
  EXPECT_EQ(p.get_string("sub"), "olive");
  EXPECT_EQ(p.get_string("aud"), "https://login.example.com");  // no audience configured: the origin
  EXPECT_EQ(p.get_int("iat"), kStartTime);
  EXPECT_EQ(p.get_int("exp"), kStartTime + 60);
  EXPECT_EQ(p.get_string("jti")->size(), 22u);
  EXPECT_EQ(p.get_int("auth_time"), kStartTime);
  EXPECT_EQ(json_serialize(*p.find("amr")), R"(["pwd"])");
  EXPECT_EQ(p.get_string("acr"), "urn:sls:acr:1");
  EXPECT_EQ(p.find("nonce"), nullptr);
  EXPECT_EQ(p.get_string("device_kind"), "none");
  EXPECT_EQ(p.get_string("access"), done.str("access"));
  EXPECT_EQ(*p.find("limits"), *done.body.find("limits"));
  EXPECT_EQ(*p.find("restrictions"), *done.body.find("restrictions"));
  EXPECT_EQ(json_serialize(*p.find("restrictions")), R"(["no_pink_sheet_trading","no_otcbb_trading"])");
  EXPECT_EQ(p.get_bool("restricted"), false);

  // A second login gets another jti.
  Reply again = complete_with(s, verified_login(s, "olive"));
  ASSERT_EQ(again.status, 200);
  EXPECT_NE(verified_payload(s, again.str("assertion")).get_string("jti"), p.get_string("jti"));
}

TEST(ApiAssertion, TheNamedAudienceAndTheNonceAreSigned) {
  ServiceConfig c = test_service_config();
  c.assertion_audiences = {"https://broker.example", "trading-app"};
  TestServer s(c);
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  Reply first = complete_with(s, verified_login(s, "olive"));
  ASSERT_EQ(first.status, 200) << first.raw;
  EXPECT_EQ(verified_payload(s, first.str("assertion")).get_string("aud"), "https://broker.example");
  Reply named = complete_with(s, verified_login(s, "olive"),
                              JsonValue::object().set("audience", "trading-app").set("nonce", "n-0S6_WzA2Mj~"));
  ASSERT_EQ(named.status, 200) << named.raw;
  JsonValue p = verified_payload(s, named.str("assertion"));
  EXPECT_EQ(p.get_string("aud"), "trading-app");
  EXPECT_EQ(p.get_string("nonce"), "n-0S6_WzA2Mj~");
  EXPECT_EQ(p.get_string("iss"), "https://login.example.com");
}

TEST(ApiAssertion, ABadAudienceOrNonceIsRefusedBeforeTheTokenIsSpent) {
  ServiceConfig c = test_service_config();
  c.assertion_audiences = {"https://broker.example"};
  TestServer s(c);
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  const auto login = verified_login(s, "olive");
  struct Case {
    JsonValue extra;
    std::string code;
  };
  const std::vector<Case> cases = {
      {JsonValue::object().set("audience", "https://login.example.com"), "assertion.audience_unknown"},
      {JsonValue::object().set("audience", "https://broker.example/"), "assertion.audience_unknown"},
      {JsonValue::object().set("audience", ""), "assertion.audience_unknown"},
      {JsonValue::object().set("audience", 7), "request.bad_field"},
      {JsonValue::object().set("nonce", ""), "assertion.bad_nonce"},
      {JsonValue::object().set("nonce", std::string(129, 'n')), "assertion.bad_nonce"},
      {JsonValue::object().set("nonce", "two words"), "assertion.bad_nonce"},
      {JsonValue::object().set("nonce", "line\nbreak"), "assertion.bad_nonce"},
      {JsonValue::object().set("nonce", "caf\xc3\xa9"), "assertion.bad_nonce"},
      {JsonValue::object().set("nonce", 12345), "assertion.bad_nonce"},
  };
  for (const Case& k : cases) {
    Reply r = complete_with(s, login, k.extra);
    EXPECT_EQ(r.status, 400) << json_serialize(k.extra) << " " << r.raw;
    EXPECT_EQ(r.code(), k.code) << json_serialize(k.extra);
    EXPECT_TRUE(r.header("Set-Cookie").empty());
  }
  EXPECT_EQ(session_count(s, "olive"), 0u);
  // The token was never spent: the same completion now succeeds.
  Reply ok = complete_with(s, login, JsonValue::object().set("nonce", std::string(128, '~')));
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(verified_payload(s, ok.str("assertion")).get_string("nonce"), std::string(128, '~'));
  EXPECT_EQ(session_count(s, "olive"), 1u);
}

TEST(ApiAssertion, AnUnreadableKeyFileFailsTheCompletionWithoutASession) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  const auto login = verified_login(s, "olive");
  ASSERT_EQ(::chmod(s.assertion_keys_path().c_str(), 0644), 0);  // a loose file is refused
  Reply failed = complete_with(s, login);
  EXPECT_EQ(failed.status, 500) << failed.raw;
  EXPECT_EQ(failed.code(), "internal");
  EXPECT_TRUE(failed.header("Set-Cookie").empty());
  EXPECT_EQ(session_count(s, "olive"), 0u);
  // Once the operator fixes the file the same token completes the login.
  ASSERT_EQ(::chmod(s.assertion_keys_path().c_str(), 0600), 0);
  Reply done = complete_with(s, login);
  ASSERT_EQ(done.status, 200) << done.raw;
  EXPECT_FALSE(done.str("assertion").empty());
  EXPECT_EQ(session_count(s, "olive"), 1u);
}

TEST(ApiAssertion, TheLifetimeIsConfiguredAndCutToTheKeys) {
  ServiceConfig c = test_service_config();
  c.assertion_ttl = 20;
  TestServer s(c);
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  Reply done = complete_with(s, verified_login(s, "olive"));
  ASSERT_EQ(done.status, 200) << done.raw;
  JsonValue p = verified_payload(s, done.str("assertion"));
  EXPECT_EQ(*p.get_int("exp") - *p.get_int("iat"), 20);

  ServiceConfig longer = test_service_config();
  longer.assertion_ttl = 600;  // the test key allows 60
  TestServer t(longer);
  ASSERT_TRUE(t.admin().create_user("olive", kPassword, true));
  Reply cut = complete_with(t, verified_login(t, "olive"));
  ASSERT_EQ(cut.status, 200) << cut.raw;
  JsonValue q = verified_payload(t, cut.str("assertion"));
  EXPECT_EQ(*q.get_int("exp") - *q.get_int("iat"), 60);
}

}  // namespace
}  // namespace sls::server::testing
