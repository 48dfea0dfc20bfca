// Issue 7 finding 7 through a real server: someone who learns a login id or
// a push id (a proxy's access log) but not the login secret the browser got
// from POST /login can neither fetch a completion token, nor complete, open,
// answer, resend or cancel anything; the browser holding the secret can.
#include "phone.hpp"
#include "server/try.hpp"
#include "sls/code_card.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";
const std::string kSecretHeader(kLoginSecretHeader);

/// The attacker's two ways to call: no secret at all, and the secret of a
/// login of their own (a valid secret, but for another login).
struct Attacker {
  TestServer& s;
  std::string own_secret;

  std::vector<Reply> all(const std::string& method, const std::string& path, const std::string& body = "{}") {
    return {s.send_unbound(method, path, body), s.send_unbound(method, path, body, {{kSecretHeader, own_secret}}),
            s.send_unbound(method, path, body, {{kSecretHeader, std::string(43, 'A')}})};
  }
};

/// Every reply is the answer to an id that does not exist, with no token.
void expect_not_found(const std::vector<Reply>& replies, const std::string& code) {
  for (const Reply& r : replies) {
    EXPECT_EQ(r.status, 404) << r.raw;
    EXPECT_EQ(r.code(), code) << r.raw;
    EXPECT_EQ(r.body.find("completion_token"), nullptr) << r.raw;
  }
}

class Binding : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(s.admin().create_user("mia", kPassword));
    ASSERT_TRUE(s.admin().create_user("eve", kPassword));
    auto enrolment = s.admin().enrol_mobile_key("mia");
    ASSERT_TRUE(enrolment);
    ASSERT_EQ(activate_phone(s, phone, "mia", enrolment->activation_code).status, 200);
    auto card = s.admin().enrol_card("eve", DeviceKind::code_card);
    ASSERT_TRUE(card);
    // The attacker has an account of their own, hence a valid login secret.
    Reply own = s.login("eve");
    ASSERT_EQ(own.status, 200) << own.raw;
    attacker.own_secret = own.str("login_secret");
    ASSERT_FALSE(attacker.own_secret.empty());
  }

  TestServer s;
  Phone phone;
  Attacker attacker{s, {}};
};

TEST_F(Binding, LoginAnswersWithAFreshSecretTheServerKeepsOnlyHashed) {
  Reply a = s.login("mia");
  Reply b = s.login("mia");
  ASSERT_EQ(a.status, 200) << a.raw;
  const std::string secret = a.str("login_secret");
  EXPECT_EQ(secret.size(), 43u) << "32 bytes as base64url";
  EXPECT_NE(secret, b.str("login_secret"));
  auto row = [&]() -> std::optional<LoginRecord> {
    std::optional<LoginRecord> out;
    EXPECT_TRUE(s.store().read([&](StoreTx& tx) -> Status {
      SLS_TRY_ASSIGN(l, tx.get_login(a.str("login_id")));
      out = l;
      return ok_status();
    }));
    return out;
  }();
  ASSERT_TRUE(row);
  EXPECT_TRUE(s.keys().keyed_hash_matches(HashPurpose::login_secret, secret, row->secret_hash));
  const std::string stored(row->secret_hash.begin(), row->secret_hash.end());
  EXPECT_EQ(stored.find(secret), std::string::npos);
}

TEST_F(Binding, AnApprovedPushYieldsNoTokenToWhoeverKnowsOnlyItsId) {
  Reply login = s.login("mia");
  const std::string login_id = login.str("login_id");
  Reply ch = s.challenge(login_id, phone.device_id);
  ASSERT_EQ(ch.status, 200) << ch.raw;
  const std::string tx = ch.str("tx_id");
  Reply decided = s.post("/api/v1/push/" + tx + "/decision", phone.decision(tx, ch.str("number"), "approve"));
  ASSERT_EQ(decided.status, 200) << decided.raw;

  // The attack: poll the push by its id, then complete with the token.
  expect_not_found(attacker.all("GET", "/api/v1/push/" + tx), "push.not_found");

  // The browser still gets its token, and it is the only valid one.
  Reply status = s.get("/api/v1/push/" + tx);
  ASSERT_EQ(status.str("status"), "approved") << status.raw;
  const std::string token = status.str("completion_token");
  ASSERT_FALSE(token.empty());
  // Even holding the token, completing needs the secret.
  expect_not_found(attacker.all("POST", "/api/v1/login/" + login_id + "/complete",
                                json_serialize(JsonValue::object().set("completion_token", token))),
                   "login.not_found");
  Reply done = s.complete(login_id, token);
  EXPECT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(done.str("username"), "mia");
}

TEST_F(Binding, AnApprovedQrChallengeYieldsNoTokenToWhoeverKnowsOnlyTheLoginId) {
  const auto [login_id, ch, payload] = open_qr_login(s, phone, "mia");
  ASSERT_FALSE(payload.empty());
  Reply approved = approve_qr(s, phone, payload);
  ASSERT_EQ(approved.status, 200) << approved.raw;

  expect_not_found(attacker.all("GET", "/api/v1/login/" + login_id + "/challenge-status"), "login.not_found");

  Reply status = s.get("/api/v1/login/" + login_id + "/challenge-status");
  ASSERT_EQ(status.str("status"), "approved") << status.raw;
  Reply done = s.complete(login_id, status.str("completion_token"));
  EXPECT_EQ(done.status, 200) << done.raw;
}

TEST_F(Binding, NoStepOfTheLoginMovesWithoutTheSecret) {
  ASSERT_TRUE(s.admin().enrol_sms("mia", "+85291234567"));
  Reply login = s.login("mia");
  const std::string login_id = login.str("login_id");
  std::string sms_device;
  for (const JsonValue& d : *login.body.find("devices")->as_array())
    if (d.get_string("kind") == std::string_view("sms")) sms_device = std::string(*d.get_string("device_id"));
  ASSERT_FALSE(sms_device.empty()) << login.raw;
  const std::string base = "/api/v1/login/" + login_id;

  // Opening a challenge (which would void the user's and send an SMS).
  expect_not_found(
      attacker.all("POST", base + "/challenge", json_serialize(JsonValue::object().set("device_id", sms_device))),
      "login.not_found");
  EXPECT_TRUE(s.last_sms().empty()) << "no SMS was sent";

  Reply ch = s.challenge(login_id, sms_device);
  ASSERT_EQ(ch.status, 200) << ch.raw;
  const std::string code = code_in_sms(s.last_sms());
  s.clock().advance_seconds(130);
  // Resending, and answering with the right code.
  expect_not_found(attacker.all("POST", base + "/sms/resend"), "login.not_found");
  expect_not_found(
      attacker.all(
          "POST", base + "/verify",
          json_serialize(JsonValue::object().set("challenge_id", ch.str("challenge_id")).set("response", code))),
      "login.not_found");
  EXPECT_EQ(code_in_sms(s.last_sms()), code) << "no second SMS";

  // The browser's own code still works: nothing was voided or spent.
  Reply ok = s.verify(login_id, ch.str("challenge_id"), code);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(s.complete(login_id, ok.str("completion_token")).status, 200);
}

TEST_F(Binding, APushCannotBeCancelledWithoutTheSecret) {
  Reply login = s.login("mia");
  Reply ch = s.challenge(login.str("login_id"), phone.device_id);
  const std::string tx = ch.str("tx_id");
  expect_not_found(attacker.all("DELETE", "/api/v1/push/" + tx, ""), "push.not_found");
  EXPECT_EQ(s.get("/api/v1/push/" + tx).str("status"), "pending");
  Reply cancelled = s.send("DELETE", "/api/v1/push/" + tx);
  EXPECT_EQ(cancelled.str("status"), "cancelled") << cancelled.raw;
}

TEST_F(Binding, RefusalsAreAuditedWithoutAnySecret) {
  Reply login = s.login("mia");
  const std::string login_id = login.str("login_id");
  s.send_unbound("GET", "/api/v1/login/" + login_id + "/challenge-status");
  s.send_unbound("GET", "/api/v1/login/" + login_id + "/challenge-status", {}, {{kSecretHeader, attacker.own_secret}});
  int missing = 0, wrong = 0;
  for (const AuditRecord& a : s.audit()) {
    for (const std::string* field : {&a.event, &a.outcome, &a.username, &a.device_id, &a.client_addr, &a.detail}) {
      EXPECT_EQ(field->find(login.str("login_secret")), std::string::npos);
      EXPECT_EQ(field->find(attacker.own_secret), std::string::npos);
    }
    if (a.event != "login.unbound") continue;
    EXPECT_EQ(a.username, "mia");
    EXPECT_EQ(a.outcome, "fail");
    missing += a.detail == "no login secret";
    wrong += a.detail == "wrong login secret";
  }
  EXPECT_EQ(missing, 1);
  EXPECT_EQ(wrong, 1);
}

TEST_F(Binding, AnUnknownIdAndAWrongSecretLookAlike) {
  Reply login = s.login("mia");
  Reply real = s.send_unbound("GET", "/api/v1/login/" + login.str("login_id") + "/challenge-status");
  Reply unknown = s.send_unbound("GET", "/api/v1/login/AAAAAAAAAAAAAAAAAAAAAA/challenge-status");
  EXPECT_EQ(real.status, unknown.status);
  EXPECT_EQ(real.raw, unknown.raw);
}

}  // namespace
}  // namespace sls::server::testing
