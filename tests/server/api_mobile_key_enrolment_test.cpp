// Mobile Key activation from the phone through a real server (SPEC 4): the
// password step, a code by SMS to a number on record, the activation with a
// recovery PIN, and the attacks on each step: password guessing, a code sent
// to the attacker's number, an expired or used code, resends, the old Mobile
// Key after the new activation.
#include "phone.hpp"
#include "server/encoding.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";
constexpr const char* kNumber = "+85291234567";

/// The 8 digits of the code in an activation SMS.
std::string activation_code_in(const std::string& text) {
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9')
      digits += c;
    else if (digits.size() == 8)
      return digits;
    else
      digits.clear();
  }
  return digits.size() == 8 ? digits : std::string();
}

class EnrolmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(s.admin().create_user("mia", kPassword));
    auto sms = s.admin().enrol_sms("mia", kNumber);
    ASSERT_TRUE(sms);
    sms_device = *sms;
  }

  Reply enrol(const std::string& password = kPassword, const std::string& user = "mia") {
    return s.post("/api/v1/mobile-key/enrolments", JsonValue::object().set("username", user).set("password", password));
  }

  Reply send_code(const std::string& enrolment, const JsonValue& body) {
    return s.post("/api/v1/mobile-key/enrolments/" + enrolment + "/sms", body);
  }

  Reply activate(Phone& phone, const std::string& enrolment, const std::string& code,
                 const std::string& recovery_pin = "a1!b") {
    Reply r =
        s.post("/api/v1/mobile-key/activate", JsonValue::object()
                                                  .set("username", "mia")
                                                  .set("enrolment", enrolment)
                                                  .set("activation_code", code)
                                                  .set("recovery_pin", recovery_pin)
                                                  .set("kx_public_key", base64url_encode(phone.kx_pk))
                                                  .set("sign_public_key", base64url_encode(phone.sign.public_key()))
                                                  .set("pin_hash", base64url_encode(sha256(kPin))));
    if (r.status == 200) {
      phone.device_id = r.str("device_id");
      phone.suite = r.str("ocra_suite");
      phone.server_kx_pk = *base64url_decode(r.str("server_kx_public_key"));
      phone.server_sign_pk = *base64url_decode(r.str("server_sign_public_key"));
    }
    return r;
  }

  /// Password step, a code to the number on record, and its digits.
  std::pair<std::string, std::string> enrol_and_send() {
    Reply e = enrol();
    EXPECT_EQ(e.status, 201) << e.raw;
    const std::string id = e.str("enrolment");
    Reply sent = send_code(id, JsonValue::object().set("phone_id", sms_device));
    EXPECT_EQ(sent.status, 202) << sent.raw;
    return {id, activation_code_in(s.last_sms())};
  }

  std::optional<DeviceRecord> device(const std::string& id) {
    std::optional<DeviceRecord> out;
    EXPECT_TRUE(s.store().read([&](StoreTx& tx) -> Status {
      auto d = tx.get_device(id);
      if (!d) return d.error();
      out = *d;
      return ok_status();
    }));
    return out;
  }

  /// A session of mia opened now with her SMS device: "Cookie" header value.
  std::string session_cookie() {
    Reply login = s.login("mia");
    EXPECT_EQ(login.status, 200) << login.raw;
    Reply ch = s.challenge(login.str("login_id"), sms_device);
    EXPECT_EQ(ch.status, 200) << ch.raw;
    Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), code_in_sms(s.last_sms()));
    EXPECT_EQ(ok.status, 200) << ok.raw;
    Reply done = s.complete(login.str("login_id"), ok.str("completion_token"));
    EXPECT_EQ(done.status, 200) << done.raw;
    const std::string c = done.header("Set-Cookie");
    return c.substr(0, c.find(';'));
  }

  Reply add_phone(const std::string& cookie, const std::string& number) {
    return s.post("/api/v1/phones", JsonValue::object().set("phone", number), {{"Cookie", cookie}});
  }

  Reply remove_phone(const std::string& cookie, const std::string& id) {
    return s.send("DELETE", "/api/v1/phones/" + id, {}, {{"Cookie", cookie}});
  }

  std::vector<PhoneOnRecord> phones(const std::string& user = "mia") {
    auto list = s.admin().phones(user);
    EXPECT_TRUE(list);
    return list ? *list : std::vector<PhoneOnRecord>{};
  }

  TestServer s;
  std::string sms_device;
};

TEST_F(EnrolmentTest, ThePhoneActivatesWithACodeSentToTheNumberOnRecord) {
  Reply e = enrol();
  ASSERT_EQ(e.status, 201) << e.raw;
  EXPECT_TRUE(looks_like_id(e.str("enrolment")));
  EXPECT_EQ(e.body.get_int("expires_at"), kStartTime + 30 * 60);
  EXPECT_EQ(e.body.get_bool("may_add_phone"), false);
  const auto* phones = e.body.find("phones")->as_array();
  ASSERT_EQ(phones->size(), 1u);
  EXPECT_EQ((*phones)[0].get_string("id"), sms_device);
  EXPECT_EQ((*phones)[0].get_string("masked"), mask_phone(kNumber));
  EXPECT_EQ(e.raw.find("91234567"), std::string::npos) << "the number is masked";

  Reply sent = send_code(e.str("enrolment"), JsonValue::object().set("phone_id", sms_device));
  ASSERT_EQ(sent.status, 202) << sent.raw;
  EXPECT_EQ(sent.str("sent_to"), mask_phone(kNumber));
  EXPECT_EQ(sent.body.get_int("code_expires_at"), kStartTime + 600);
  EXPECT_EQ(sent.body.get_int("resend_at"), kStartTime + 120);
  const std::string code = activation_code_in(s.last_sms());
  ASSERT_EQ(code.size(), 8u) << s.last_sms();

  Phone phone;
  Reply r = activate(phone, e.str("enrolment"), code);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(phone.device_id, e.str("enrolment"));
  auto d = device(phone.device_id);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, DeviceStatus::active);
  // The recovery PIN is kept sealed, never as typed.
  ASSERT_FALSE(d->sealed_recovery_pin.empty());
  const std::string sealed(d->sealed_recovery_pin.begin(), d->sealed_recovery_pin.end());
  EXPECT_EQ(sealed.find("a1!b"), std::string::npos);
  EXPECT_EQ(sealed.find("argon2id"), std::string::npos);
  auto opened = s.keys().open(d->sealed_recovery_pin);
  ASSERT_TRUE(opened);
  EXPECT_EQ(std::string(opened->view().begin(), opened->view().end()).rfind("$argon2id$", 0), 0u);

  // The phone now logs in: a push approved with the number.
  Reply login = s.login("mia");
  ASSERT_EQ(login.status, 200) << login.raw;
  Reply ch = s.challenge(login.str("login_id"), phone.device_id);
  ASSERT_EQ(ch.status, 200) << ch.raw;
  Reply ok = s.post("/api/v1/push/" + ch.str("tx_id") + "/decision",
                    phone.decision(ch.str("tx_id"), ch.str("number"), "approve"));
  EXPECT_EQ(ok.status, 200) << ok.raw;
}

TEST_F(EnrolmentTest, TheNewActivationRevokesTheOldMobileKeyAndItsPendingPush) {
  auto old = s.admin().enrol_mobile_key("mia");
  ASSERT_TRUE(old);
  Phone old_phone;
  ASSERT_EQ(activate_phone(s, old_phone, "mia", old->activation_code).status, 200);
  // A push waits on the old phone (someone else's login, say).
  Reply login = s.login("mia");
  ASSERT_EQ(login.status, 200) << login.raw;
  Reply ch = s.challenge(login.str("login_id"), old_phone.device_id);
  ASSERT_EQ(ch.status, 200) << ch.raw;

  auto [enrolment, code] = enrol_and_send();
  Phone phone;
  ASSERT_EQ(activate(phone, enrolment, code).status, 200);

  EXPECT_EQ(device(old_phone.device_id)->status, DeviceStatus::revoked);
  Reply late = s.post("/api/v1/push/" + ch.str("tx_id") + "/decision",
                      old_phone.decision(ch.str("tx_id"), ch.str("number"), "approve"));
  EXPECT_NE(late.status, 200) << late.raw;
  Reply again = s.login("mia");
  ASSERT_EQ(again.status, 200) << again.raw;
  EXPECT_EQ(again.raw.find(old_phone.device_id), std::string::npos) << "the old Mobile Key is no longer offered";
  Reply refused = s.challenge(again.str("login_id"), old_phone.device_id);
  EXPECT_NE(refused.status, 200) << refused.raw;
}

TEST_F(EnrolmentTest, PasswordGuessesThroughTheEnrolmentLockLikeALogin) {
  for (int i = 0; i < 5; ++i) {
    Reply r = enrol("guess");
    EXPECT_EQ(r.status, 401) << r.raw;
    EXPECT_EQ(r.code(), "auth.bad_credentials");
  }
  // The lock is the login's: the right password no longer logs in either,
  // and the locked answer is the unknown user's.
  EXPECT_EQ(s.login("mia").status, 401);
  Reply locked = enrol();
  Reply unknown = enrol(kPassword, "nobody");
  EXPECT_EQ(locked.status, 401);
  EXPECT_EQ(locked.raw, unknown.raw);
  s.clock().advance_seconds(3600);
  EXPECT_EQ(enrol().status, 201);
}

TEST_F(EnrolmentTest, ThePasswordAloneCannotSendACodeToANewNumber) {
  Reply e = enrol();
  ASSERT_EQ(e.status, 201) << e.raw;
  Reply r = send_code(e.str("enrolment"), JsonValue::object().set("phone", "+15550001111"));
  EXPECT_EQ(r.status, 403) << r.raw;
  EXPECT_EQ(r.code(), "mobile_key.new_phone_refused");
  EXPECT_EQ(s.last_sms(), "");
  // Nor by naming someone else's phone id, or a malformed number.
  ASSERT_TRUE(s.admin().create_user("ann", kPassword));
  auto other = s.admin().enrol_sms("ann", "+15550002222");
  ASSERT_TRUE(other);
  EXPECT_EQ(send_code(e.str("enrolment"), JsonValue::object().set("phone_id", *other)).code(),
            "mobile_key.phone_not_found");
  EXPECT_EQ(send_code(e.str("enrolment"), JsonValue::object().set("phone", "12345")).code(), "mobile_key.bad_phone");
  EXPECT_EQ(s.last_sms(), "");
  // The number on record typed in full is on record.
  EXPECT_EQ(send_code(e.str("enrolment"), JsonValue::object().set("phone", kNumber)).status, 202);
}

TEST_F(EnrolmentTest, ATemporaryCodeOfTheUserAllowsANewNumber) {
  auto temp = s.admin().issue_temp_code("mia", true);
  ASSERT_TRUE(temp);
  Reply wrong = s.post("/api/v1/mobile-key/enrolments", JsonValue::object()
                                                            .set("username", "mia")
                                                            .set("password", kPassword)
                                                            .set("temp_code", std::string(temp->code.size(), '2')));
  EXPECT_EQ(wrong.status, 401) << wrong.raw;
  Reply e = s.post("/api/v1/mobile-key/enrolments",
                   JsonValue::object().set("username", "mia").set("password", kPassword).set("temp_code", temp->code));
  ASSERT_EQ(e.status, 201) << e.raw;
  EXPECT_EQ(e.body.get_bool("may_add_phone"), true);
  Reply r = send_code(e.str("enrolment"), JsonValue::object().set("phone", "+15550001111"));
  ASSERT_EQ(r.status, 202) << r.raw;
  Phone phone;
  EXPECT_EQ(activate(phone, e.str("enrolment"), activation_code_in(s.last_sms())).status, 200);
}

TEST_F(EnrolmentTest, AnExpiredOrUsedCodeFails) {
  auto [enrolment, code] = enrol_and_send();
  s.clock().advance_seconds(600);
  Phone phone;
  EXPECT_EQ(activate(phone, enrolment, code).code(), "activation.bad_code");
  // A new code (past the 2-minute spacing) works once.
  Reply sent = send_code(enrolment, JsonValue::object().set("phone_id", sms_device));
  ASSERT_EQ(sent.status, 202) << sent.raw;
  const std::string fresh = activation_code_in(s.last_sms());
  ASSERT_EQ(activate(phone, enrolment, fresh).status, 200);
  Phone thief;
  EXPECT_EQ(activate(thief, enrolment, fresh).code(), "activation.bad_code");
}

TEST_F(EnrolmentTest, ResendsAreSpacedAndBounded) {
  auto [enrolment, first] = enrol_and_send();
  Reply soon = send_code(enrolment, JsonValue::object().set("phone_id", sms_device));
  EXPECT_EQ(soon.status, 429) << soon.raw;
  EXPECT_EQ(soon.code(), "sms.resend_too_soon");
  EXPECT_EQ(soon.header("Retry-After"), "120");
  s.clock().advance_seconds(120);
  ASSERT_EQ(send_code(enrolment, JsonValue::object().set("phone_id", sms_device)).status, 202);
  const std::string second = activation_code_in(s.last_sms());
  s.clock().advance_seconds(120);
  ASSERT_EQ(send_code(enrolment, JsonValue::object().set("phone_id", sms_device)).status, 202);
  s.clock().advance_seconds(120);
  Reply spent = send_code(enrolment, JsonValue::object().set("phone_id", sms_device));
  EXPECT_EQ(spent.status, 429) << spent.raw;
  EXPECT_EQ(spent.code(), "mobile_key.codes_spent");
  // Each new code voids the one before.
  Phone phone;
  if (second != first) {
    EXPECT_EQ(activate(phone, enrolment, second).code(), "activation.bad_code");
  }
  // Past 30 minutes the enrolment is gone.
  s.clock().advance_seconds(30 * 60);
  EXPECT_EQ(send_code(enrolment, JsonValue::object().set("phone_id", sms_device)).code(),
            "mobile_key.enrolment_not_found");
  EXPECT_EQ(send_code("AAAAAAAAAAAAAAAAAAAAAA", JsonValue::object().set("phone_id", sms_device)).code(),
            "mobile_key.enrolment_not_found");
}

TEST_F(EnrolmentTest, TheRecoveryPinFollowsItsRuleAndDiffersFromTheDailyPin) {
  auto [enrolment, code] = enrol_and_send();
  Phone phone;
  for (const char* bad : {"abc", "abcdefg", "ab d", "\xE4\xB8\x80\xE4\xBA\x8C\xE4\xB8\x89\xE5\x9B\x9B"}) {
    Reply r = activate(phone, enrolment, code, bad);
    EXPECT_EQ(r.status, 422) << bad;
    EXPECT_EQ(r.code(), "mobile_key.recovery_pin_rule") << bad;
  }
  Reply same = activate(phone, enrolment, code, kPin);
  EXPECT_EQ(same.status, 422);
  EXPECT_EQ(same.code(), "mobile_key.recovery_pin_same");
  // None of these spent the code.
  EXPECT_EQ(activate(phone, enrolment, code, "Zz9~").status, 200);
}

Reply recover(TestServer& s, Phone& phone, const std::string& recovery_pin, const std::string& password = kPassword) {
  Reply r = s.post("/api/v1/mobile-key/recover", JsonValue::object()
                                                     .set("username", "mia")
                                                     .set("password", password)
                                                     .set("recovery_pin", recovery_pin)
                                                     .set("kx_public_key", base64url_encode(phone.kx_pk))
                                                     .set("sign_public_key", base64url_encode(phone.sign.public_key()))
                                                     .set("pin_hash", base64url_encode(sha256(kPin))));
  if (r.status == 200) {
    phone.device_id = r.str("device_id");
    phone.suite = r.str("ocra_suite");
    phone.server_kx_pk = *base64url_decode(r.str("server_kx_public_key"));
    phone.server_sign_pk = *base64url_decode(r.str("server_sign_public_key"));
  }
  return r;
}

TEST_F(EnrolmentTest, TheRecoveryPinReEnablesMobileKeyWithoutAnSms) {
  auto [enrolment, code] = enrol_and_send();
  Phone removed;
  ASSERT_EQ(activate(removed, enrolment, code, "a1!b").status, 200);
  const std::string sms_before = s.last_sms();

  // The app was removed: a new key pair, the password and the recovery PIN.
  Phone phone;
  EXPECT_EQ(recover(s, phone, "a1!b", "guess").code(), "auth.bad_credentials");
  Reply r = recover(s, phone, "a1!b");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_NE(phone.device_id, removed.device_id);
  EXPECT_EQ(s.last_sms(), sms_before) << "no SMS";
  EXPECT_EQ(device(removed.device_id)->status, DeviceStatus::revoked);
  EXPECT_FALSE(device(phone.device_id)->sealed_recovery_pin.empty()) << "the recovery PIN carries over";

  Reply login = s.login("mia");
  ASSERT_EQ(login.status, 200) << login.raw;
  Reply ch = s.challenge(login.str("login_id"), phone.device_id);
  ASSERT_EQ(ch.status, 200) << ch.raw;
  EXPECT_EQ(s.post("/api/v1/push/" + ch.str("tx_id") + "/decision",
                   phone.decision(ch.str("tx_id"), ch.str("number"), "approve"))
                .status,
            200);
}

TEST_F(EnrolmentTest, WrongRecoveryPinsLock) {
  auto [enrolment, code] = enrol_and_send();
  Phone removed;
  ASSERT_EQ(activate(removed, enrolment, code, "a1!b").status, 200);
  Phone phone;
  for (int i = 0; i < 5; ++i) {
    Reply r = recover(s, phone, "a1!c");
    EXPECT_EQ(r.status, 401) << r.raw;
    EXPECT_EQ(r.code(), "mobile_key.recovery_pin_wrong");
  }
  // Locked: the right PIN is refused too, and the old Mobile Key stays.
  Reply locked = recover(s, phone, "a1!b");
  EXPECT_EQ(locked.status, 423) << locked.raw;
  EXPECT_EQ(locked.code(), "auth.locked");
  EXPECT_EQ(device(removed.device_id)->status, DeviceStatus::active);
  s.clock().advance_seconds(3600);
  EXPECT_EQ(recover(s, phone, "a1!b").status, 200);
}

TEST_F(EnrolmentTest, RecoveryNeedsAMobileKeyWithARecoveryPin) {
  auto old = s.admin().enrol_mobile_key("mia");
  ASSERT_TRUE(old);
  Phone operator_phone;
  ASSERT_EQ(activate_phone(s, operator_phone, "mia", old->activation_code).status, 200);
  Phone phone;
  Reply r = recover(s, phone, "a1!b");
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.code(), "mobile_key.no_recovery");
}

TEST_F(EnrolmentTest, ThePhonesOnRecordAreListedMaskedToTheirOwner) {
  EXPECT_EQ(s.get("/api/v1/phones").code(), "session.none");
  const std::string cookie = session_cookie();
  Reply phones = s.get("/api/v1/phones", {{"Cookie", cookie}});
  ASSERT_EQ(phones.status, 200) << phones.raw;
  const auto* list = phones.body.find("phones")->as_array();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].get_string("id"), sms_device);
  EXPECT_EQ((*list)[0].get_string("masked"), mask_phone(kNumber));
  EXPECT_EQ((*list)[0].get_bool("default"), true);
  EXPECT_EQ(phones.raw.find("91234567"), std::string::npos);
}

TEST_F(EnrolmentTest, APhoneAddedWithAFreshSecondFactorIsOnRecordAndReceivesTheCode) {
  const std::string cookie = session_cookie();
  Reply added = add_phone(cookie, "+85298765432");
  ASSERT_EQ(added.status, 201) << added.raw;
  const std::string id(added.body.find("phone")->get_string("id").value_or(""));
  EXPECT_TRUE(looks_like_id(id));
  EXPECT_EQ(added.body.find("phone")->get_bool("default"), false) << "the SMS device's number stays the default";
  EXPECT_EQ(added.raw.find("98765432"), std::string::npos) << "masked";
  EXPECT_EQ(add_phone(cookie, "+85298765432").code(), "phone.taken");
  EXPECT_EQ(add_phone(cookie, kNumber).code(), "phone.taken") << "the SMS device's number is on record";
  EXPECT_EQ(add_phone(cookie, "98765432").code(), "mobile_key.bad_phone");
  ASSERT_EQ(phones().size(), 2u);

  // The enrolment lists it, and the code goes there.
  Reply e = enrol();
  ASSERT_EQ(e.status, 201) << e.raw;
  ASSERT_EQ(e.body.find("phones")->as_array()->size(), 2u);
  EXPECT_EQ((*e.body.find("phones")->as_array())[1].get_string("id"), id);
  Reply sent = send_code(e.str("enrolment"), JsonValue::object().set("phone_id", id));
  ASSERT_EQ(sent.status, 202) << sent.raw;
  EXPECT_EQ(sent.str("sent_to"), mask_phone("+85298765432"));
  auto out = s.admin().outbox(1);
  ASSERT_TRUE(out && !out->empty());
  EXPECT_EQ(out->front().phone, "+85298765432");
}

TEST_F(EnrolmentTest, AddingAPhoneWithoutAFreshSecondFactorIsRefusedAndAddsNothing) {
  EXPECT_EQ(s.post("/api/v1/phones", JsonValue::object().set("phone", "+85298765432")).code(), "session.none");
  const std::string cookie = session_cookie();
  s.clock().advance_seconds(s.service().config().step_up_window + 1);
  Reply stale = add_phone(cookie, "+85298765432");
  EXPECT_EQ(stale.status, 403) << stale.raw;
  EXPECT_EQ(stale.code(), "account.step_up_required");
  EXPECT_EQ(phones().size(), 1u) << "nothing added";
  // And the phone still may not send a code there.
  Reply e = enrol();
  ASSERT_EQ(e.status, 201) << e.raw;
  EXPECT_EQ(send_code(e.str("enrolment"), JsonValue::object().set("phone", "+85298765432")).code(),
            "mobile_key.new_phone_refused");
}

TEST_F(EnrolmentTest, AnotherUsersPhoneIsNotFound) {
  ASSERT_TRUE(s.admin().create_user("zoe", kPassword));
  auto zoes = s.admin().add_phone("zoe", "+85261234567");
  ASSERT_TRUE(zoes);
  const std::string cookie = session_cookie();
  Reply r = remove_phone(cookie, *zoes);
  EXPECT_EQ(r.status, 404) << r.raw;
  EXPECT_EQ(r.code(), "mobile_key.phone_not_found");
  EXPECT_EQ(remove_phone(cookie, "AAAAAAAAAAAAAAAAAAAAAA").code(), "mobile_key.phone_not_found") << "one answer";
  EXPECT_EQ(phones("zoe").size(), 1u);
  Reply e = enrol();
  ASSERT_EQ(e.status, 201) << e.raw;
  EXPECT_EQ(send_code(e.str("enrolment"), JsonValue::object().set("phone_id", *zoes)).code(),
            "mobile_key.phone_not_found");
}

TEST_F(EnrolmentTest, ARemovedNumberCanNoLongerReceiveAnActivationCode) {
  auto added = s.admin().add_phone("mia", "+85298765432");
  ASSERT_TRUE(added);
  const std::string cookie = session_cookie();
  // The SMS device's number goes with the device.
  EXPECT_EQ(remove_phone(cookie, sms_device).code(), "phone.held_by_device");
  // Removing needs a fresh second factor.
  s.clock().advance_seconds(s.service().config().step_up_window + 1);
  EXPECT_EQ(remove_phone(cookie, *added).code(), "account.step_up_required");
  EXPECT_EQ(phones().size(), 2u);

  const std::string fresh = session_cookie();
  Reply removed = remove_phone(fresh, *added);
  ASSERT_EQ(removed.status, 200) << removed.raw;
  EXPECT_EQ(removed.body.find("phones")->as_array()->size(), 1u);
  EXPECT_EQ(phones().size(), 1u);

  Reply e = enrol();
  ASSERT_EQ(e.status, 201) << e.raw;
  EXPECT_EQ(e.body.find("phones")->as_array()->size(), 1u);
  const std::string before = s.last_sms();
  EXPECT_EQ(send_code(e.str("enrolment"), JsonValue::object().set("phone_id", *added)).code(),
            "mobile_key.phone_not_found");
  EXPECT_EQ(send_code(e.str("enrolment"), JsonValue::object().set("phone", "+85298765432")).code(),
            "mobile_key.new_phone_refused");
  EXPECT_EQ(s.last_sms(), before) << "no code sent";
}

TEST_F(EnrolmentTest, ATemporaryCodeSessionMayAddAPhoneButNotRemoveOne) {
  // The lost-device path: support's temporary code opens a session that
  // counts as fresh for adding a number (fresh*), never for removing one.
  auto temp = s.admin().issue_temp_code("mia", true);
  ASSERT_TRUE(temp);
  Reply login = s.login("mia");
  ASSERT_EQ(login.status, 200) << login.raw;
  Reply ch = s.challenge(login.str("login_id"), temp->device_id);
  ASSERT_EQ(ch.status, 200) << ch.raw;
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), temp->code);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  Reply done = s.complete(login.str("login_id"), ok.str("completion_token"));
  ASSERT_EQ(done.status, 200) << done.raw;
  const std::string c = done.header("Set-Cookie");
  const std::string cookie = c.substr(0, c.find(';'));

  Reply added = add_phone(cookie, "+85298765432");
  ASSERT_EQ(added.status, 201) << added.raw;
  const std::string id(added.body.find("phone")->get_string("id").value_or(""));
  Reply removed = remove_phone(cookie, id);
  EXPECT_EQ(removed.status, 403) << removed.raw;
  EXPECT_EQ(removed.code(), "account.step_up_required");
  EXPECT_EQ(phones().size(), 2u);
  // Past the window the stand-in no longer counts for adding either.
  s.clock().advance_seconds(s.service().config().step_up_window + 1);
  EXPECT_EQ(add_phone(cookie, "+85298765433").code(), "account.step_up_required");
}

}  // namespace
}  // namespace sls::server::testing
