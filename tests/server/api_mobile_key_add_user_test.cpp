// Another user on the same phone (POST /api/v1/mobile-key/add-user,
// docs/sharing.md) through a real server: the owner's recovery PIN and the
// phone's signature let a user of the same account use the owner's Mobile
// Key; the attacks: an unrelated user, recovery PIN guesses (counted on the
// owner, locked), a forged, stale or replayed signature, a revoked Mobile
// Key, the new user's password guessed.
#include <algorithm>

#include "phone.hpp"
#include "server/encoding.hpp"
#include "server/sharing.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";
constexpr const char* kRecoveryPin = "a1!b";

class AddUserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* u : {"mia", "noah", "olga"}) ASSERT_TRUE(s.admin().create_user(u, kPassword));
    ASSERT_TRUE(s.admin().create_account("joint", "mia"));
    ASSERT_TRUE(s.admin().add_account_user("joint", "noah"));
    auto pending = s.admin().enrol_mobile_key("mia");
    ASSERT_TRUE(pending);
    Reply r =
        s.post("/api/v1/mobile-key/activate", JsonValue::object()
                                                  .set("username", "mia")
                                                  .set("activation_code", pending->activation_code)
                                                  .set("recovery_pin", kRecoveryPin)
                                                  .set("kx_public_key", base64url_encode(phone.kx_pk))
                                                  .set("sign_public_key", base64url_encode(phone.sign.public_key()))
                                                  .set("pin_hash", base64url_encode(sha256(kPin))));
    ASSERT_EQ(r.status, 200) << r.raw;
    phone.device_id = r.str("device_id");
    phone.suite = r.str("ocra_suite");
    phone.server_kx_pk = *base64url_decode(r.str("server_kx_public_key"));
    phone.server_sign_pk = *base64url_decode(r.str("server_sign_public_key"));
  }

  JsonValue body(const std::string& user, std::int64_t signed_at, const std::string& password = kPassword,
                 const std::string& recovery_pin = kRecoveryPin) {
    return JsonValue::object()
        .set("username", user)
        .set("password", password)
        .set("device_id", phone.device_id)
        .set("recovery_pin", recovery_pin)
        .set("signed_at", signed_at)
        .set("signature", phone.sign_text(add_user_message(phone.device_id, user, signed_at)));
  }

  Reply add(const std::string& user, const std::string& password = kPassword,
            const std::string& recovery_pin = kRecoveryPin) {
    return s.post("/api/v1/mobile-key/add-user", body(user, s.clock().now(), password, recovery_pin));
  }

  std::int64_t failures(const std::string& user, FailureCounter UserRecord::*counter) {
    std::int64_t out = -1;
    EXPECT_TRUE(s.store().read([&](StoreTx& tx) -> Status {
      auto u = tx.find_user(user);
      if (!u) return u.error();
      if (*u) out = ((**u).*counter).consecutive;
      return ok_status();
    }));
    return out;
  }

  std::vector<std::string> history_events() {
    std::vector<std::string> out;
    EXPECT_TRUE(s.store().read([&](StoreTx& tx) -> Status {
      auto mia = tx.find_user("mia");
      if (!mia || !*mia) return ok_status();
      auto rows = tx.list_device_events((**mia).id, 200);
      if (!rows) return rows.error();
      for (const auto& e : *rows)
        if (e.device_id == phone.device_id) out.push_back(e.event);
      return ok_status();
    }));
    return out;
  }

  TestServer s;
  Phone phone;
};

TEST_F(AddUserTest, AUserOfTheSameAccountIsAddedAndLogsInWithPushesToThePhone) {
  Reply r = add("noah");
  ASSERT_EQ(r.status, 201) << r.raw;
  const JsonValue* request = r.body.find("request");
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(*request->get_string("owner"), "mia");
  EXPECT_EQ(*request->get_string("requester"), "noah");
  EXPECT_EQ(*request->get_string("device_kind"), "mobile_key");
  EXPECT_EQ(*request->get_string("status"), "approved");
  EXPECT_EQ(*request->get_string("relation"), "entity");
  const auto events = history_events();
  EXPECT_NE(std::ranges::find(events, "shared"), events.end());

  // noah logs in and approves the push on mia's phone.
  Reply login = s.login("noah");
  ASSERT_EQ(login.status, 200) << login.raw;
  Reply ch = s.challenge(login.str("login_id"), phone.device_id);
  ASSERT_EQ(ch.status, 200) << ch.raw;
  EXPECT_EQ(s.post("/api/v1/push/" + ch.str("tx_id") + "/decision",
                   phone.decision(ch.str("tx_id"), ch.str("number"), "approve"))
                .status,
            200);
  // The owner cannot add herself.
  EXPECT_EQ(add("mia").code(), "sharing.own_device");
}

TEST_F(AddUserTest, AnUnrelatedUserIsRefusedByTheSharingRule) {
  Reply r = add("olga");
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.code(), "device.share_identity");
  const auto events = history_events();
  EXPECT_EQ(std::ranges::find(events, "shared"), events.end());
}

TEST_F(AddUserTest, AnotherEntityWithTheSameIdentificationWaitsForReview) {
  const IdentificationData same{"1980-04-30", "HK", "HK", "passport", "K12345678", "", false};
  ASSERT_TRUE(s.admin().create_user("pia", kPassword));
  ASSERT_TRUE(s.admin().set_identification("mia", same));
  ASSERT_TRUE(s.admin().set_identification("pia", same));
  Reply r = add("pia");
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(*r.body.find("request")->get_string("status"), "pending");
  EXPECT_EQ(*r.body.find("request")->get_string("relation"), "identification");
  const auto events = history_events();
  EXPECT_EQ(std::ranges::find(events, "shared"), events.end()) << "not shared before the review";
  // Pending, it gives pia nothing yet: her login does not offer the phone.
  Reply login = s.login("pia");
  EXPECT_NE(s.challenge(login.str("login_id"), phone.device_id).status, 200);
}

TEST_F(AddUserTest, WrongRecoveryPinsCountOnTheOwnerAndLock) {
  for (int i = 0; i < 5; ++i) {
    s.clock().advance_seconds(1);
    Reply r = add("noah", kPassword, "a1!c");
    EXPECT_EQ(r.status, 401) << r.raw;
    EXPECT_EQ(r.code(), "mobile_key.recovery_pin_wrong");
  }
  EXPECT_EQ(failures("mia", &UserRecord::activation_failures), 5);
  EXPECT_EQ(failures("noah", &UserRecord::activation_failures), 0);
  s.clock().advance_seconds(1);
  Reply locked = add("noah");
  EXPECT_EQ(locked.status, 423) << locked.raw;
  EXPECT_EQ(locked.code(), "auth.locked");
  s.clock().advance_seconds(3600);
  EXPECT_EQ(add("noah").status, 201);
}

TEST_F(AddUserTest, ABadStaleOrReplayedSignatureIsRefused) {
  const std::int64_t now = s.clock().now();
  // Signed by another key.
  Phone other;
  JsonValue forged = body("noah", now);
  forged.set("signature", other.sign_text(add_user_message(phone.device_id, "noah", now)));
  EXPECT_EQ(s.post("/api/v1/mobile-key/add-user", forged).code(), "device.bad_signature");
  // Signed for another user name.
  JsonValue moved = body("noah", now);
  moved.set("signature", phone.sign_text(add_user_message(phone.device_id, "olga", now)));
  EXPECT_EQ(s.post("/api/v1/mobile-key/add-user", moved).code(), "device.bad_signature");
  // Signed too long ago, or ahead of the server's clock.
  EXPECT_EQ(s.post("/api/v1/mobile-key/add-user", body("noah", now - 600)).code(), "device.bad_signature");
  EXPECT_EQ(s.post("/api/v1/mobile-key/add-user", body("noah", now + 5)).code(), "device.bad_signature");
  EXPECT_EQ(failures("mia", &UserRecord::activation_failures), 0) << "no PIN was tried";

  // Accepted once; played again after the sharing ended, within the skew: refused.
  const JsonValue once = body("noah", now);
  Reply r = s.post("/api/v1/mobile-key/add-user", once);
  ASSERT_EQ(r.status, 201) << r.raw;
  const std::string id{*r.body.find("request")->get_string("id")};
  ASSERT_TRUE(s.store().write([&](StoreTx& tx) -> Status {
    auto row = tx.get_sharing(id);
    if (!row) return row.error();
    SharingRecord rec = **row;
    auto ended = end_sharing_record(tx, rec, "owner", s.clock().now());
    if (!ended) return ended.error();
    return ok_status();
  }));
  s.clock().advance_seconds(10);
  Reply replay = s.post("/api/v1/mobile-key/add-user", once);
  EXPECT_EQ(replay.status, 401) << replay.raw;
  EXPECT_EQ(replay.code(), "device.bad_signature");
  // A new signature adds noah again.
  EXPECT_EQ(add("noah").status, 201);
}

TEST_F(AddUserTest, TheOwnersRevokedMobileKeyAddsNoOne) {
  auto replacement = s.admin().enrol_mobile_key("mia");
  ASSERT_TRUE(replacement);
  Phone next;
  ASSERT_EQ(activate_phone(s, next, "mia", replacement->activation_code).status, 200);
  Reply r = add("noah");
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.code(), "mobile_key.no_recovery");
}

TEST_F(AddUserTest, AWrongNewUserPasswordIsTheLoginsRefusalAndCountsOnThatUser) {
  Reply r = add("noah", "guess");
  EXPECT_EQ(r.status, 401) << r.raw;
  EXPECT_EQ(r.code(), "auth.bad_credentials");
  EXPECT_EQ(failures("noah", &UserRecord::password_failures), 1);
  EXPECT_EQ(failures("mia", &UserRecord::activation_failures), 0);
}

}  // namespace
}  // namespace sls::server::testing
