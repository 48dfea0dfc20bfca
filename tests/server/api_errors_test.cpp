// Every 4xx path of the API through a real server: routing, body checks,
// localisation, lockout, rate limiting, replay and expiry, and a sweep of
// hostile bodies that must never produce a 5xx.
#include "device_answers.hpp"
#include "server/encoding.hpp"
#include "sls/code_card.hpp"
#include "sls/ocra.hpp"
#include "sls/response.hpp"
#include "sls/secure.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";

class ApiErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(s.admin().create_user("dora", kPassword));
    auto t = s.admin().enrol_token("dora", DeviceKind::dsc);
    ASSERT_TRUE(t);
    token = *t;
  }

  std::string respond(const std::string& challenge) { return token_response(token, challenge); }
  std::string wrong_response(const std::string& challenge) { return wrong_token_response(token, challenge); }

  std::pair<std::string, std::string> open() {
    Reply login = s.login("dora");
    EXPECT_EQ(login.status, 200) << login.raw;
    Reply ch = s.challenge(login.str("login_id"), token.device_id);
    EXPECT_EQ(ch.status, 200) << ch.raw;
    return {login.str("login_id"), ch.str("challenge_id")};
  }
  std::string challenge_of(const std::string& login_id) {
    ChallengeRecord c;
    EXPECT_TRUE(s.store().read([&](StoreTx& tx) -> Status {
      auto r = tx.latest_challenge(login_id);
      if (r && *r) c = **r;
      return ok_status();
    }));
    return c.question;
  }

  TestServer s;
  TokenEnrolment token;
};

void expect_error_body(const Reply& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.raw;
  EXPECT_EQ(r.code(), code) << r.raw;
  const JsonValue* e = r.body.find("error");
  ASSERT_NE(e, nullptr) << r.raw;
  EXPECT_FALSE(e->get_string("message").value_or("").empty());
  EXPECT_NE(r.header("Content-Type").find("application/json"), std::string::npos);
}

TEST_F(ApiErrors, RoutingMethodAndBodyChecks) {
  expect_error_body(s.get("/api/v1/nothing-here"), 404, "http.not_found");
  expect_error_body(s.get("/"), 404, "http.not_found");
  Reply wrong_method = s.get("/api/v1/login");
  expect_error_body(wrong_method, 405, "http.method_not_allowed");
  EXPECT_EQ(wrong_method.header("Allow"), "POST");
  Reply put = s.send("PUT", "/api/v1/push/AAAAAAAAAAAAAAAAAAAAAA", "{}");
  expect_error_body(put, 405, "http.method_not_allowed");
  EXPECT_EQ(put.header("Allow"), "GET, DELETE");
  expect_error_body(s.send("POST", "/api/v1/login", R"({"username":"a","password":"b"})", {}, "text/plain"), 415,
                    "http.unsupported_media_type");
  expect_error_body(s.send("POST", "/api/v1/login", "{\"username\":", {}), 400, "request.malformed_json");
  expect_error_body(s.send("POST", "/api/v1/login", "[1,2]", {}), 400, "request.malformed_json");
  expect_error_body(s.send("POST", "/api/v1/login", "", {}), 400, "request.malformed_json");
  expect_error_body(s.send("POST", "/api/v1/login", std::string(17 * 1024, ' '), {}), 413, "http.body_too_large");
  // Content-Type parameters are fine.
  EXPECT_EQ(s.send("POST", "/api/v1/login", R"({"username":"dora","password":"correct horse"})", {},
                   "application/json; charset=utf-8")
                .status,
            200);
}

TEST_F(ApiErrors, MissingAndMistypedFieldsAre400WithTheFieldName) {
  Reply missing = s.post("/api/v1/login", JsonValue::object().set("username", "dora"));
  expect_error_body(missing, 400, "request.bad_field");
  EXPECT_NE(missing.raw.find("password"), std::string::npos);
  expect_error_body(s.post("/api/v1/login", JsonValue::object().set("username", 5).set("password", "x")), 400,
                    "request.bad_field");
  // A name outside the user-name rule (user_name.hpp) has its own code.
  expect_error_body(s.post("/api/v1/login", JsonValue::object().set("username", "").set("password", "x")), 400,
                    "user.bad_name");
  expect_error_body(
      s.post("/api/v1/login", JsonValue::object().set("username", std::string(65, 'a')).set("password", "x")), 400,
      "user.bad_name");
  auto [login_id, challenge_id] = open();
  expect_error_body(
      s.post("/api/v1/login/" + login_id + "/verify", JsonValue::object().set("challenge_id", challenge_id)), 400,
      "request.bad_field");
  expect_error_body(s.post("/api/v1/login/" + login_id + "/challenge",
                           JsonValue::object().set("device_id", token.device_id).set("mode", "carrier-pigeon")),
                    400, "request.bad_field");
}

TEST_F(ApiErrors, MessagesFollowAcceptLanguage) {
  Reply hant = s.post("/api/v1/login", JsonValue::object().set("username", "dora").set("password", "nope"),
                      {{"Accept-Language", "zh-TW,zh;q=0.9,en;q=0.5"}});
  EXPECT_EQ(hant.code(), "auth.bad_credentials");
  EXPECT_EQ(hant.body.find("error")->get_string("message"), "使用者名稱或密碼不正確。");
  Reply hans = s.post("/api/v1/login", JsonValue::object().set("username", "dora").set("password", "nope"),
                      {{"Accept-Language", "en;q=0.3, zh-CN"}});
  EXPECT_EQ(hans.body.find("error")->get_string("message"), "用户名或密码不正确。");
  Reply en = s.get("/nope", {{"Accept-Language", "fr-CH, fr;q=0.9"}});
  EXPECT_EQ(en.body.find("error")->get_string("message"), "There is nothing at this address.");
}

TEST_F(ApiErrors, UnknownUserAndWrongPasswordLookTheSame) {
  Reply unknown = s.login("nobody", "whatever");
  Reply wrong = s.login("dora", "whatever");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.raw, wrong.raw);
}

TEST_F(ApiErrors, UnknownOrForeignIdsAre404) {
  ASSERT_TRUE(s.admin().create_user("eve", kPassword));
  auto eves = s.admin().enrol_token("eve", DeviceKind::dsc);
  Reply login = s.login("dora");
  const std::string id = login.str("login_id");
  expect_error_body(s.challenge("AAAAAAAAAAAAAAAAAAAAAA", token.device_id), 404, "login.not_found");
  expect_error_body(s.challenge("not-an-id", token.device_id), 404, "login.not_found");
  expect_error_body(s.challenge(id, eves->device_id), 404, "device.not_found");
  expect_error_body(s.challenge(id, "AAAAAAAAAAAAAAAAAAAAAA"), 404, "device.not_found");
  expect_error_body(s.verify(id, "AAAAAAAAAAAAAAAAAAAAAA", "12345674"), 404, "challenge.not_found");
  expect_error_body(s.get("/api/v1/push/AAAAAAAAAAAAAAAAAAAAAA"), 404, "push.not_found");
  expect_error_body(s.get("/api/v1/push/%00"), 404, "push.not_found");
  expect_error_body(s.get("/api/v1/login/" + id + "/challenge-status"), 404, "challenge.not_found");
  expect_error_body(s.post("/api/v1/login/" + id + "/sms/resend", JsonValue::object()), 404, "challenge.not_found");
  // Another login's challenge is not found through this login.
  auto [other_login, other_challenge] = open();
  expect_error_body(s.verify(id, other_challenge, "12345674"), 404, "challenge.not_found");
}

TEST_F(ApiErrors, MalformedResponsesCostNoAttempt) {
  auto [login_id, challenge_id] = open();
  const std::string right = respond(challenge_of(login_id));
  std::string typo = right;
  typo[2] = typo[2] == '0' ? '1' : '0';  // one wrong digit: the check digit catches it
  for (int i = 0; i < 10; ++i) expect_error_body(s.verify(login_id, challenge_id, typo), 400, "response.check_digit");
  expect_error_body(s.verify(login_id, challenge_id, "1234"), 400, "response.wrong_length");
  expect_error_body(s.verify(login_id, challenge_id, "1234abcd"), 400, "response.bad_character");
  // Still not locked: the right answer passes.
  EXPECT_EQ(s.verify(login_id, challenge_id, right).status, 200);
}

TEST_F(ApiErrors, WrongCodesLockWithGrowingTimesAndSuccessResets) {
  auto [login_id, challenge_id] = open();
  const std::string q = challenge_of(login_id);
  for (int left = 4; left >= 1; --left) {
    Reply r = s.verify(login_id, challenge_id, wrong_response(q));
    expect_error_body(r, 401, "response.mismatch");
    EXPECT_EQ(r.body.find("error")->get_int("attempts_left"), left);
  }
  Reply locked = s.verify(login_id, challenge_id, wrong_response(q));
  expect_error_body(locked, 423, "auth.locked");
  EXPECT_EQ(locked.header("Retry-After"), "60");
  EXPECT_EQ(locked.body.find("error")->get_int("retry_after"), 60);
  // While locked even the right answer is refused, and logging in again too.
  expect_error_body(s.verify(login_id, challenge_id, respond(q)), 423, "auth.locked");
  expect_error_body(s.login("dora"), 423, "auth.locked");

  s.clock().advance_seconds(60);
  auto [login2, challenge2] = open();
  const std::string q2 = challenge_of(login2);
  for (int i = 0; i < 4; ++i) s.verify(login2, challenge2, wrong_response(q2));
  Reply second = s.verify(login2, challenge2, wrong_response(q2));
  EXPECT_EQ(second.status, 423);
  EXPECT_EQ(second.header("Retry-After"), "120") << "the second lock lasts twice as long";

  s.clock().advance_seconds(120);
  auto [login3, challenge3] = open();
  Reply verified = s.verify(login3, challenge3, respond(challenge_of(login3)));
  ASSERT_EQ(verified.status, 200) << verified.raw;
  EXPECT_EQ(s.complete(login3, verified.str("completion_token")).status, 200);
  // The completed login reset everything: five fresh attempts before the next lock.
  auto [login4, challenge4] = open();
  Reply r = s.verify(login4, challenge4, wrong_response(challenge_of(login4)));
  EXPECT_EQ(r.body.find("error")->get_int("attempts_left"), 4);
  bool audited = false;
  for (const auto& a : s.audit()) audited = audited || a.event == "lockout";
  EXPECT_TRUE(audited);
}

TEST_F(ApiErrors, PasswordFailuresLockTheUser) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.login("dora", "guess").status, 401);
  // Locked, the password step answers as for an unknown user name (even to
  // the right password), so that the lock does not tell the name exists.
  Reply locked = s.login("dora");
  expect_error_body(locked, 401, "auth.bad_credentials");
  EXPECT_EQ(locked.header("Retry-After"), "");
  s.clock().advance_seconds(59);
  EXPECT_EQ(s.login("dora").status, 401);
  s.clock().advance_seconds(1);
  EXPECT_EQ(s.login("dora").status, 200);
}

TEST(ApiLockout, ManyConsecutiveFailuresLockUntilAnAdminUnlocks) {
  ServiceConfig config = test_service_config();
  config.lockout.threshold = 2;
  config.lockout.disable_after = 4;
  TestServer s(config);
  ASSERT_TRUE(s.admin().create_user("dan", kPassword));
  auto card = s.admin().enrol_card("dan", DeviceKind::code_card);
  ASSERT_TRUE(card);
  expect_card_failures_lock_then_disable(s, "dan", card->device_id);
}

TEST(ApiRateLimit, ClientOverBudgetGets429WithRetryAfter) {
  HttpConfig http = test_http_config();
  http.rate_limit.burst = 5;
  http.rate_limit.per_second = 0.5;
  TestServer s(test_service_config(), http);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.get("/api/v1/server-key").status, 200);
  Reply limited = s.get("/api/v1/server-key");
  expect_error_body(limited, 429, "rate.limited");
  EXPECT_EQ(limited.header("Retry-After"), "2");
  s.clock().advance_seconds(2);
  EXPECT_EQ(s.get("/api/v1/server-key").status, 200);
  EXPECT_EQ(s.get("/api/v1/server-key").status, 429);
}

// The back office's routes draw on a budget of their own: a back office
// recording many withdrawals from one address is not throttled at a
// browser's pace, and its requests leave a browser's budget alone; past its
// own budget it gets the same 429.
TEST(ApiRateLimit, BackOfficeRoutesHaveABudgetOfTheirOwn) {
  HttpConfig http = test_http_config();
  http.rate_limit.burst = 5;
  http.rate_limit.per_second = 0.5;
  http.back_office_rate_limit.burst = 30;
  http.back_office_rate_limit.per_second = 0.5;
  TestServer s(test_service_config(), http);
  // No credential: each is a 401, but none is throttled within 30.
  for (int i = 0; i < 30; ++i) EXPECT_EQ(s.get("/api/v1/withdrawals?account=x").status, 401) << i;
  expect_error_body(s.get("/api/v1/withdrawals?account=x"), 429, "rate.limited");
  // The browser's budget is untouched, and stays its own.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.get("/api/v1/server-key").status, 200);
  expect_error_body(s.get("/api/v1/server-key"), 429, "rate.limited");
  // An unknown path draws on the general budget, not the back office's.
  expect_error_body(s.get("/api/v1/withdrawals-not"), 429, "rate.limited");
}

TEST_F(ApiErrors, ReplayedResponseIsRefused) {
  auto [login_id, challenge_id] = open();
  const std::string right = respond(challenge_of(login_id));
  EXPECT_EQ(s.verify(login_id, challenge_id, right).status, 200);
  expect_error_body(s.verify(login_id, challenge_id, right), 410, "challenge.used");
}

TEST_F(ApiErrors, ChallengesAndLoginsExpire) {
  auto [login_id, challenge_id] = open();
  const std::string q = challenge_of(login_id);
  s.clock().advance_seconds(300);
  expect_error_body(s.verify(login_id, challenge_id, respond(q)), 410, "challenge.expired");
  // A new challenge voids the old one.
  Reply ch2 = s.challenge(login_id, token.device_id);
  Reply ch3 = s.challenge(login_id, token.device_id);
  expect_error_body(s.verify(login_id, ch2.str("challenge_id"), respond(ch2.str("challenge"))), 410,
                    "challenge.expired");
  EXPECT_EQ(s.verify(login_id, ch3.str("challenge_id"), respond(ch3.str("challenge"))).status, 200);
  // Once verified, no further challenge on this login.
  expect_error_body(s.challenge(login_id, token.device_id), 409, "login.wrong_state");

  auto [login2, challenge2] = open();
  s.clock().advance_seconds(600);
  expect_error_body(s.verify(login2, challenge2, "12345674"), 410, "login.expired");
  expect_error_body(s.challenge(login2, token.device_id), 410, "login.expired");
}

TEST_F(ApiErrors, HostileBodiesNeverCauseA5xx) {
  auto [login_id, challenge_id] = open();
  const std::vector<std::string> paths = {
      "/api/v1/login",
      "/api/v1/login/" + login_id + "/challenge",
      "/api/v1/login/" + login_id + "/verify",
      "/api/v1/login/" + login_id + "/complete",
      "/api/v1/login/" + login_id + "/sms/resend",
      "/api/v1/push/AAAAAAAAAAAAAAAAAAAAAA/decision",
      "/api/v1/qr/approve",
      "/api/v1/mobile-key/activate",
      "/api/v1/assertions/redeem",
  };
  const std::vector<std::string> bodies = {
      "",
      "null",
      "1",
      "\"x\"",
      "{}",
      "[]",
      "{\"a\":}",
      "{\"username\":null,\"password\":null}",
      R"({"username":"dora","password":"x","username":"eve"})",
      R"({"device_id":{"x":1},"mode":[],"challenge_id":1e999,"response":true})",
      R"({"challenge_id":"AAAAAAAAAAAAAAAAAAAAAA","response":"１２３４５６７８"})",
      R"({"completion_token":"\u0000"})",
      R"({"completion_token":"x","audience":{"a":1},"nonce":["n"]})",
      R"({"completion_token":"x","audience":"\u0000","nonce":"\u0000"})",
      R"({"assertion":"a.b.c","audience":"x"})",
      R"({"assertion":"..","audience":""})",
      R"({"assertion":"eyJhbGciOiJub25lIn0.e30.","audience":"x"})",
      R"({"assertion":"eyJhbGciOiJFZERTQSIsImtpZCI6MX0.bnVsbA.AAAA","audience":"x"})",
      R"({"device_id":"AAAAAAAAAAAAAAAAAAAAAA","number":"1","decision":"approve","signature":"!!"})",
      R"({"device_id":"AAAAAAAAAAAAAAAAAAAAAA","payload":"SLS1.AAAA","signature":"AAAA"})",
      R"({"username":"dora","activation_code":"１２３４５６７８","kx_public_key":"AAAA","sign_public_key":"AAAA"})",
      std::string("{\"username\":\"\xff\xfe\",\"password\":\"x\"}"),
      std::string(40, '[') + std::string(40, ']'),
      "{\"response\":\"" + std::string(5000, '9') + "\"}",
  };
  for (const auto& path : paths) {
    for (const auto& body : bodies) {
      Reply r = s.send("POST", path, body);
      EXPECT_GE(r.status, 200) << path << " " << body;
      EXPECT_LT(r.status, 500) << path << " " << body << " -> " << r.raw;
      if (r.status >= 400) {
        EXPECT_FALSE(r.code().empty()) << path << " " << body << " -> " << r.raw;
      }
    }
  }
  const std::vector<std::string> get_paths = {"/api/v1/push/" + std::string(22, '~'), "/api/v1/device/x/pushes",
                                              "/api/v1/login/" + login_id + "/challenge-status", "/api/v1/push/%2e%2e"};
  for (const std::string& path : get_paths) {
    Reply r = s.get(path, {{"X-SLS-Device-Time", "-99999999999999999999"}, {"X-SLS-Device-Signature", "%%%"}});
    EXPECT_LT(r.status, 500) << path;
  }
}

TEST_F(ApiErrors, CorruptStoredSecretIsA500LoggedWithoutSecrets) {
  // Not reachable by input: a database whose sealed data was damaged.
  ASSERT_TRUE(s.store().write([&](StoreTx& tx) -> Status {
    auto d = tx.get_device(token.device_id);
    if (!d || !*d) return fail(Errc::internal);
    DeviceRecord damaged = **d;
    damaged.sealed_secret[damaged.sealed_secret.size() - 1] ^= 0x5a;
    return tx.update_device(damaged);
  }));
  auto [login_id, challenge_id] = open();
  Reply r = s.verify(login_id, challenge_id, *response_from_ocra("1234567"));
  expect_error_body(r, 500, "internal");
  bool logged = false;
  for (const std::string& line : s.log()) {
    if (line.find("sealed data corrupt") != std::string::npos) logged = true;
    EXPECT_EQ(line.find(login_id), std::string::npos) << line;
    EXPECT_EQ(line.find(token.key_hex), std::string::npos) << line;
  }
  EXPECT_TRUE(logged);
  // The server keeps serving.
  EXPECT_EQ(s.get("/api/v1/server-key").status, 200);
}

TEST(ApiDemo, OutboxIsServedOnlyInDemoMode) {
  HttpConfig http = test_http_config();
  http.demo = false;
  TestServer plain(test_service_config(), http);
  EXPECT_EQ(plain.get("/api/v1/demo/outbox").status, 404);
  TestServer demo;
  ASSERT_TRUE(demo.admin().create_user("sam", kPassword));
  auto device = demo.admin().enrol_sms("sam", "+85291234567");
  Reply login = demo.login("sam");
  demo.challenge(login.str("login_id"), *device);
  Reply outbox = demo.get("/api/v1/demo/outbox");
  ASSERT_EQ(outbox.status, 200);
  const auto* messages = outbox.body.find("messages")->as_array();
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_EQ((*messages)[0].get_string("to"), "+85291234567");
}

}  // namespace
}  // namespace sls::server::testing
