// Mobile Key through a real server: activation (crypto_kx), push approval
// with number matching, the device's pending list, "not me", expiry, the
// per-hour bound, the challenge/response fallback and the QR approval.
#include <sodium.h>
#include <sqlite3.h>

#include "phone.hpp"
#include "server/device_secrets.hpp"
#include "server/encoding.hpp"
#include "sls/ocra.hpp"
#include "sls/response.hpp"
#include "sls/signed_payload.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";

class MobileKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(s.admin().create_user("mia", kPassword));
    auto enrolment = s.admin().enrol_mobile_key("mia");
    ASSERT_TRUE(enrolment);
    code = enrolment->activation_code;
    Reply r = activate(code);
    ASSERT_EQ(r.status, 200) << r.raw;
    phone.device_id = r.str("device_id");
    EXPECT_EQ(phone.device_id, enrolment->device_id);
    phone.suite = r.str("ocra_suite");
    phone.server_kx_pk = *base64url_decode(r.str("server_kx_public_key"));
    phone.server_sign_pk = *base64url_decode(r.str("server_sign_public_key"));
  }

  Reply activate(const std::string& activation_code) {
    return s.post("/api/v1/mobile-key/activate", JsonValue::object()
                                                     .set("username", "mia")
                                                     .set("activation_code", activation_code)
                                                     .set("kx_public_key", base64url_encode(phone.kx_pk))
                                                     .set("sign_public_key", base64url_encode(phone.sign.public_key()))
                                                     .set("pin_hash", base64url_encode(sha256(kPin))));
  }

  /// Password step and a push challenge.
  std::pair<std::string, Reply> start_push() {
    Reply login = s.login("mia");
    EXPECT_EQ(login.status, 200) << login.raw;
    Reply ch = s.challenge(login.str("login_id"), phone.device_id);
    EXPECT_EQ(ch.status, 200) << ch.raw;
    return {login.str("login_id"), ch};
  }

  Reply pull(std::int64_t at) {
    return s.get("/api/v1/device/" + phone.device_id + "/pushes",
                 {{"X-SLS-Device-Time", std::to_string(at)},
                  {"X-SLS-Device-Signature", phone.sign_text(device_pull_message(phone.device_id, at))}});
  }

  TestServer s;
  Phone phone;
  std::string code;
};

TEST_F(MobileKeyTest, ActivationCodeIsSingleUse) {
  Reply again = activate(code);
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(again.code(), "activation.bad_code");
  EXPECT_EQ(phone.suite, "OCRA-1:HOTP-SHA256-7:QN06-PSHA256");
  EXPECT_EQ(phone.server_sign_pk, std::vector<std::uint8_t>(s.keys().signing_key().public_key().begin(),
                                                            s.keys().signing_key().public_key().end()));
  Reply key = s.get("/api/v1/server-key");
  EXPECT_EQ(key.str("sign_public_key"), base64url_encode(phone.server_sign_pk));
}

TEST_F(MobileKeyTest, ActivationRefusesBadInput) {
  ASSERT_TRUE(s.admin().enrol_mobile_key("mia"));
  JsonValue body = JsonValue::object()
                       .set("username", "mia")
                       .set("activation_code", "12345678")
                       .set("kx_public_key", "short")
                       .set("sign_public_key", base64url_encode(phone.sign.public_key()))
                       .set("pin_hash", base64url_encode(sha256(kPin)));
  Reply bad_key = s.post("/api/v1/mobile-key/activate", body);
  EXPECT_EQ(bad_key.status, 400);
  EXPECT_EQ(bad_key.code(), "request.bad_field");
  body.set("kx_public_key", base64url_encode(phone.kx_pk));
  body.set("pin_hash", base64url_encode(std::vector<std::uint8_t>(16)));
  EXPECT_EQ(s.post("/api/v1/mobile-key/activate", body).code(), "request.bad_field");
  body.set("pin_hash", base64url_encode(sha256(kPin)));
  Reply wrong = s.post("/api/v1/mobile-key/activate", body);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.code(), "activation.bad_code");
}

TEST_F(MobileKeyTest, PushApprovedWithTheRightNumberCompletesTheLogin) {
  auto [login_id, ch] = start_push();
  EXPECT_EQ(ch.str("method"), "push");
  const std::string tx = ch.str("tx_id");
  const std::string number = ch.str("number");
  EXPECT_TRUE(looks_like_id(tx));
  ASSERT_EQ(number.size(), 2u);
  EXPECT_EQ(ch.body.get_int("expires_at"), kStartTime + 120);

  Reply status = s.get("/api/v1/push/" + tx);
  EXPECT_EQ(status.str("status"), "pending");
  EXPECT_EQ(status.header("Retry-After"), "2");

  // The phone learns of the push, but not the number: the user types it.
  Reply pending = pull(kStartTime);
  ASSERT_EQ(pending.status, 200) << pending.raw;
  const auto* list = pending.body.find("pushes")->as_array();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].get_string("tx_id"), tx);
  EXPECT_EQ((*list)[0].get_string("origin"), "https://login.example.com");
  EXPECT_EQ((*list)[0].get_string("username"), "mia");
  EXPECT_EQ((*list)[0].find("number"), nullptr);

  Reply decided = s.post("/api/v1/push/" + tx + "/decision", phone.decision(tx, number, "approve"));
  ASSERT_EQ(decided.status, 200) << decided.raw;
  EXPECT_EQ(decided.str("status"), "approved");
  Reply again = s.post("/api/v1/push/" + tx + "/decision", phone.decision(tx, number, "approve"));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.code(), "push.already_decided");

  Reply approved = s.get("/api/v1/push/" + tx);
  EXPECT_EQ(approved.str("status"), "approved");
  EXPECT_EQ(approved.header("Retry-After"), "");
  Reply done = s.complete(login_id, approved.str("completion_token"));
  ASSERT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(done.str("device_kind"), "mobile_key");
  EXPECT_NE(done.raw.find(R"("daily":{"unlimited":false,"cents":100000000})"), std::string::npos) << done.raw;
}

TEST_F(MobileKeyTest, WrongNumberDeniesAndNotMeIsAudited) {
  auto [login_id, ch] = start_push();
  const std::string tx = ch.str("tx_id");
  const std::string wrong = ch.str("number") == "42" ? "43" : "42";
  Reply denied = s.post("/api/v1/push/" + tx + "/decision", phone.decision(tx, wrong, "approve"));
  ASSERT_EQ(denied.status, 200) << denied.raw;
  EXPECT_EQ(denied.str("status"), "denied");
  EXPECT_EQ(s.get("/api/v1/push/" + tx).str("status"), "denied");
  EXPECT_FALSE(s.get("/api/v1/push/" + tx).body.find("completion_token"));

  Reply ch2 = s.challenge(login_id, phone.device_id);
  const std::string tx2 = ch2.str("tx_id");
  Reply not_me = s.post("/api/v1/push/" + tx2 + "/decision", phone.decision(tx2, ch2.str("number"), "not_me"));
  EXPECT_EQ(not_me.str("status"), "denied");
  std::set<std::string> events;
  for (const auto& a : s.audit()) events.insert(a.event);
  EXPECT_EQ(events.count("push.number_mismatch"), 1u);
  EXPECT_EQ(events.count("push.not_me"), 1u);
  EXPECT_EQ(events.count("push.sent"), 1u);
}

TEST_F(MobileKeyTest, ForgedOrMisdirectedDecisionsAreRefused) {
  auto [login_id, ch] = start_push();
  const std::string tx = ch.str("tx_id");
  const std::string number = ch.str("number");
  Phone thief;
  thief.device_id = phone.device_id;
  Reply forged = s.post("/api/v1/push/" + tx + "/decision", thief.decision(tx, number, "approve"));
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(forged.code(), "device.bad_signature");
  // A signature over another decision does not carry over.
  JsonValue swapped = phone.decision(tx, number, "deny");
  swapped.set("decision", "approve");
  EXPECT_EQ(s.post("/api/v1/push/" + tx + "/decision", swapped).status, 401);
  EXPECT_EQ(s.get("/api/v1/push/" + tx).str("status"), "pending");
  // Pull requests need a fresh, valid signature.
  EXPECT_EQ(pull(kStartTime - 300).status, 401);
  Reply unsigned_pull =
      s.get("/api/v1/device/" + phone.device_id + "/pushes", {{"X-SLS-Device-Time", std::to_string(kStartTime)}});
  EXPECT_EQ(unsigned_pull.status, 401);
}

TEST_F(MobileKeyTest, PushExpiresAndCannotBeApprovedLate) {
  auto [login_id, ch] = start_push();
  const std::string tx = ch.str("tx_id");
  s.clock().advance_seconds(120);
  Reply status = s.get("/api/v1/push/" + tx);
  EXPECT_EQ(status.str("status"), "expired");
  Reply late = s.post("/api/v1/push/" + tx + "/decision", phone.decision(tx, ch.str("number"), "approve"));
  EXPECT_EQ(late.status, 410);
  EXPECT_EQ(late.code(), "push.expired");
  bool audited = false;
  for (const auto& a : s.audit()) audited = audited || a.event == "push.expired";
  EXPECT_TRUE(audited);
}

TEST_F(MobileKeyTest, CancelAndSwitchToChallengeResponse) {
  auto [login_id, ch] = start_push();
  const std::string tx = ch.str("tx_id");
  Reply cancelled = s.send("DELETE", "/api/v1/push/" + tx);
  EXPECT_EQ(cancelled.status, 200);
  EXPECT_EQ(cancelled.str("status"), "cancelled");

  // "No notification?": the same login switches to challenge/response.
  Reply ocra = s.challenge(login_id, phone.device_id, "ocra");
  ASSERT_EQ(ocra.status, 200) << ocra.raw;
  EXPECT_EQ(ocra.str("method"), "ocra");
  EXPECT_EQ(ocra.body.get_bool("pin_on_device"), false);
  Reply ok = s.verify(login_id, ocra.str("challenge_id"), phone.respond(ocra.str("challenge")));
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(s.complete(login_id, ok.str("completion_token")).status, 200);
}

TEST_F(MobileKeyTest, OpeningAnotherChallengeCancelsThePendingPush) {
  auto [login_id, ch] = start_push();
  EXPECT_EQ(s.get("/api/v1/push/" + ch.str("tx_id")).str("status"), "pending");  // now known pending
  Reply ocra = s.challenge(login_id, phone.device_id, "ocra");
  ASSERT_EQ(ocra.status, 200);
  EXPECT_EQ(s.get("/api/v1/push/" + ch.str("tx_id")).str("status"), "cancelled");
}

// A poll of a push that has not changed is answered from memory: with the
// database locked by another process it still answers, exactly as the
// store did. Nothing else is: a wrong login secret, a decision, a cancel and
// the expiry each show in the very next poll.
TEST_F(MobileKeyTest, AnUnchangedPendingPushIsAnsweredWithoutTheStoreAndChangesShowAtOnce) {
  auto [login_id, ch] = start_push();
  const std::string tx = ch.str("tx_id");
  Reply first = s.get("/api/v1/push/" + tx);
  ASSERT_EQ(first.status, 200) << first.raw;
  EXPECT_EQ(first.str("status"), "pending");

  Reply cached;
  if (on_postgres()) {
    // Every table locked by another session: a read would wait for it
    // (and the poll would time out), a cached answer does not.
    PgSession other(s.db_path());
    other.query("BEGIN");
    auto tables =
        other.query("SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables WHERE schemaname = 'public'");
    other.query("LOCK TABLE " + tables.at(0).at(0) + " IN ACCESS EXCLUSIVE MODE");
    s.client().set_read_timeout(3, 0);
    cached = s.get("/api/v1/push/" + tx);
    s.client().set_read_timeout(10, 0);
    other.query("ROLLBACK");
  } else {
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(s.db_path().c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    cached = s.get("/api/v1/push/" + tx);
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);
  }
  EXPECT_EQ(cached.status, 200) << cached.raw;
  EXPECT_EQ(cached.raw, first.raw);
  EXPECT_EQ(cached.header("Retry-After"), "2");
  EXPECT_EQ(cached.header("Cache-Control"), first.header("Cache-Control"));

  // Someone with only the id is refused and audited, as always.
  Reply unbound = s.get("/api/v1/push/" + tx, {{std::string(kLoginSecretHeader), "not-the-secret"}});
  EXPECT_EQ(unbound.status, 404);
  EXPECT_EQ(unbound.code(), "push.not_found");
  bool audited = false;
  for (const auto& a : s.audit()) audited = audited || a.event == "login.unbound";
  EXPECT_TRUE(audited);

  Reply decided = s.post("/api/v1/push/" + tx + "/decision", phone.decision(tx, ch.str("number"), "approve"));
  ASSERT_EQ(decided.status, 200) << decided.raw;
  Reply approved = s.get("/api/v1/push/" + tx);
  EXPECT_EQ(approved.str("status"), "approved");
  EXPECT_FALSE(approved.str("completion_token").empty()) << approved.raw;
}

TEST_F(MobileKeyTest, AKnownPendingPushStillExpiresAndCancels) {
  auto [login_id, ch] = start_push();
  const std::string tx = ch.str("tx_id");
  EXPECT_EQ(s.get("/api/v1/push/" + tx).str("status"), "pending");
  s.clock().advance_seconds(120);
  EXPECT_EQ(s.get("/api/v1/push/" + tx).str("status"), "expired");
  bool audited = false;
  for (const auto& a : s.audit()) audited = audited || a.event == "push.expired";
  EXPECT_TRUE(audited);

  Reply ch2 = s.challenge(login_id, phone.device_id);
  const std::string tx2 = ch2.str("tx_id");
  EXPECT_EQ(s.get("/api/v1/push/" + tx2).str("status"), "pending");
  EXPECT_EQ(s.send("DELETE", "/api/v1/push/" + tx2).str("status"), "cancelled");
  EXPECT_EQ(s.get("/api/v1/push/" + tx2).str("status"), "cancelled");
}

// A change this process did not make (slsctl, another node without
// announcements) shows once the entry is due for a recheck.
TEST_F(MobileKeyTest, AChangeMadeElsewhereShowsWithinTheRecheckTime) {
  auto [login_id, ch] = start_push();
  const std::string tx = ch.str("tx_id");
  EXPECT_EQ(s.get("/api/v1/push/" + tx).str("status"), "pending");
  ASSERT_TRUE(s.store().write([&](StoreTx& t) -> Status {
    auto push = t.get_push(tx);
    if (!push || !*push) return fail(Errc::internal, {"no push"});
    PushRecord p = **push;
    p.status = PushStatus::cancelled;
    return t.update_push(p);
  }));
  EXPECT_EQ(s.get("/api/v1/push/" + tx).str("status"), "pending");
  s.clock().advance_seconds(PendingPushCache::kRecheckMs / 1000);
  EXPECT_EQ(s.get("/api/v1/push/" + tx).str("status"), "cancelled");
}

TEST_F(MobileKeyTest, QrApprovalSatisfiesTheChallenge) {
  const auto [login_id, ch, payload_text] = open_qr_login(s, phone, "mia");
  ASSERT_FALSE(payload_text.empty());
  // The phone checks the payload with the key it pinned at activation.
  auto payload = verify_signed_payload(payload_text, phone.server_sign_pk, kStartTime);
  ASSERT_TRUE(payload);
  EXPECT_EQ(payload->challenge, ch.str("challenge"));
  EXPECT_EQ(payload->origin, "https://login.example.com");
  EXPECT_EQ(base64url_encode(payload->tx_id), ch.str("challenge_id"));

  Reply waiting = s.get("/api/v1/login/" + login_id + "/challenge-status");
  EXPECT_EQ(waiting.str("status"), "pending");
  EXPECT_EQ(waiting.header("Retry-After"), "2");

  JsonValue body = JsonValue::object()
                       .set("device_id", phone.device_id)
                       .set("payload", payload_text)
                       .set("signature", phone.sign_text(qr_approval_message(payload_text)));
  Phone other;
  JsonValue forged = body;
  forged.set("signature", other.sign_text(qr_approval_message(payload_text)));
  EXPECT_EQ(s.post("/api/v1/qr/approve", forged).status, 401);
  Reply approved = s.post("/api/v1/qr/approve", body);
  ASSERT_EQ(approved.status, 200) << approved.raw;
  Reply replay = s.post("/api/v1/qr/approve", body);
  EXPECT_EQ(replay.status, 410);
  EXPECT_EQ(replay.code(), "challenge.used");

  Reply status = s.get("/api/v1/login/" + login_id + "/challenge-status");
  EXPECT_EQ(status.str("status"), "approved");
  Reply done = s.complete(login_id, status.str("completion_token"));
  EXPECT_EQ(done.status, 200) << done.raw;
  // Typing the response afterwards is a replay.
  Reply typed = s.verify(login_id, ch.str("challenge_id"), phone.respond(ch.str("challenge")));
  EXPECT_EQ(typed.status, 410);
}

TEST_F(MobileKeyTest, QrPayloadsAreCheckedBeforeAnything) {
  Reply login = s.login("mia");
  Reply ch = s.challenge(login.str("login_id"), phone.device_id, "ocra");
  std::string payload_text = ch.str("qr_payload");
  auto approve = [&](const std::string& text) { return approve_qr(s, phone, text); };
  EXPECT_EQ(approve("SLS1.NOTBASE32!").code(), "payload.malformed");
  std::string tampered = payload_text;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  Reply t = approve(tampered);
  EXPECT_EQ(t.status, 400);
  EXPECT_TRUE(t.code() == "payload.bad_signature" || t.code() == "payload.malformed") << t.code();
  s.clock().advance_seconds(300);
  Reply late = approve(payload_text);
  EXPECT_EQ(late.status, 410);
  EXPECT_EQ(late.code(), "payload.expired");
}

TEST(PushBound, AtMostNPushesPerUserPerHour) {
  ServiceConfig config = test_service_config();
  config.pushes_per_hour = 3;
  TestServer s(config);
  ASSERT_TRUE(s.admin().create_user("pat", kPassword));
  auto mk = s.admin().enrol_mobile_key("pat");
  Phone phone;
  Reply act =
      s.post("/api/v1/mobile-key/activate", JsonValue::object()
                                                .set("username", "pat")
                                                .set("activation_code", mk->activation_code)
                                                .set("kx_public_key", base64url_encode(phone.kx_pk))
                                                .set("sign_public_key", base64url_encode(phone.sign.public_key()))
                                                .set("pin_hash", base64url_encode(sha256(kPin))));
  ASSERT_EQ(act.status, 200) << act.raw;
  for (int i = 0; i < 3; ++i) {
    Reply login = s.login("pat");
    EXPECT_EQ(s.challenge(login.str("login_id"), mk->device_id).status, 200);
    s.clock().advance_seconds(600);
  }
  Reply login = s.login("pat");
  Reply throttled = s.challenge(login.str("login_id"), mk->device_id);
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.code(), "push.too_many");
  // The first push was 30 minutes ago: the bound frees up in 30 minutes.
  EXPECT_EQ(throttled.header("Retry-After"), "1800");
  // Challenge/response stays available.
  EXPECT_EQ(s.challenge(login.str("login_id"), mk->device_id, "ocra").status, 200);
  s.clock().advance_seconds(1800);
  Reply later = s.login("pat");
  EXPECT_EQ(s.challenge(later.str("login_id"), mk->device_id).status, 200);
}

// --- decisions on a locked account (issue 7, findings 6 and 9) ------------------------------

/// Whether an audit row with this event and detail exists.
bool audited(TestServer& s, const std::string& event, const std::string& detail) {
  for (const auto& a : s.audit())
    if (a.event == event && a.detail == detail) return true;
  return false;
}

TEST_F(MobileKeyTest, APushApprovedAfterTheAccountLockedDoesNotLogIn) {
  auto [login_id, ch] = start_push();
  const std::string tx = ch.str("tx_id");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.login("mia", "guess").status, 401);  // the account locks
  Reply refused = s.post("/api/v1/push/" + tx + "/decision", phone.decision(tx, ch.str("number"), "approve"));
  EXPECT_EQ(refused.status, 423) << refused.raw;
  EXPECT_EQ(refused.code(), "auth.locked");
  EXPECT_FALSE(refused.header("Retry-After").empty());
  Reply status = s.get("/api/v1/push/" + tx);
  EXPECT_NE(status.str("status"), "approved");
  EXPECT_EQ(status.body.find("completion_token"), nullptr);
  EXPECT_TRUE(audited(s, "push.decision", "auth.locked"));
  // Nor does it reset the lock: the password step is still refused.
  EXPECT_EQ(s.login("mia").status, 401);
}

TEST_F(MobileKeyTest, AQrApprovalAfterTheAccountLockedDoesNotLogIn) {
  const auto [login_id, ch, payload_text] = open_qr_login(s, phone, "mia");
  ASSERT_FALSE(payload_text.empty());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.login("mia", "guess").status, 401);
  Reply refused = approve_qr(s, phone, payload_text);
  EXPECT_EQ(refused.status, 423) << refused.raw;
  EXPECT_EQ(refused.code(), "auth.locked");
  EXPECT_EQ(s.get("/api/v1/login/" + login_id + "/challenge-status").str("status"), "pending");
  EXPECT_TRUE(audited(s, "qr.approve", "auth.locked"));
}

Reply activate_as(TestServer& s, const Phone& phone, const std::string& user, const std::string& code) {
  return s.post("/api/v1/mobile-key/activate", JsonValue::object()
                                                   .set("username", user)
                                                   .set("activation_code", code)
                                                   .set("kx_public_key", base64url_encode(phone.kx_pk))
                                                   .set("sign_public_key", base64url_encode(phone.sign.public_key()))
                                                   .set("pin_hash", base64url_encode(sha256(kPin))));
}

TEST_F(MobileKeyTest, ActivationFailuresCountOnTheirOwn) {
  // Four wrong activation codes: one short of a lock, if they counted on
  // the password's or the second factor's counter.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(activate_as(s, phone, "mia", "12345678").status, 401);
  EXPECT_EQ(s.login("mia", "guess").status, 401);
  Reply login = s.login("mia");
  ASSERT_EQ(login.status, 200) << login.raw;
  Reply ch = s.challenge(login.str("login_id"), phone.device_id, "ocra");
  ASSERT_EQ(ch.status, 200) << ch.raw;
  std::string wrong = phone.respond(ch.str("challenge")).substr(0, 7);
  wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
  Reply r = s.verify(login.str("login_id"), ch.str("challenge_id"), *response_from_ocra(wrong));
  EXPECT_EQ(r.status, 401) << r.raw;
  EXPECT_EQ(r.body.find("error")->get_int("attempts_left"), 4);
}

TEST_F(MobileKeyTest, ActivationOfALockedUserLooksLikeAnUnknownUser) {
  ASSERT_TRUE(s.admin().enrol_mobile_key("mia"));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(activate_as(s, phone, "mia", "12345678").status, 401);
  Reply locked = activate_as(s, phone, "mia", "12345678");
  Reply unknown = activate_as(s, phone, "nobody", "12345678");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.code(), "activation.bad_code");
  EXPECT_EQ(locked.status, unknown.status);
  EXPECT_EQ(locked.raw, unknown.raw);
  EXPECT_EQ(locked.header("Retry-After"), unknown.header("Retry-After"));
  EXPECT_TRUE(audited(s, "device.activated", "auth.locked"));
}

}  // namespace
}  // namespace sls::server::testing
