// End-to-end logins through a real server on 127.0.0.1, one per device kind:
// the test computes what the user would type (card codes, OCRA responses,
// the SMS code from the outbox, the temporary code) with the core.
#include <sodium.h>

#include "device_answers.hpp"
#include "server/device_secrets.hpp"
#include "server/encoding.hpp"
#include "sls/code_card.hpp"
#include "sls/ocra.hpp"
#include "sls/response.hpp"
#include "sls/secure.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";

/// The Session body's limit as (unlimited, cents or -1).
std::pair<bool, std::int64_t> limit_of(const Reply& r, const char* which) {
  const JsonValue* limits = r.body.find("limits");
  const JsonValue* l = limits != nullptr ? limits->find(which) : nullptr;
  if (l == nullptr) return {false, -2};
  const JsonValue* cents = l->find("cents");
  return {l->get_bool("unlimited").value_or(false), cents != nullptr && cents->is_integer() ? *cents->as_int() : -1};
}

/// Completes a verified login and checks the cookie; returns the Session.
Reply complete_and_check(TestServer& s, const std::string& login_id, const std::string& token,
                         const std::string& kind) {
  Reply done = s.complete(login_id, token);
  EXPECT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(done.str("device_kind"), kind);
  const std::string cookie = done.header("Set-Cookie");
  EXPECT_EQ(cookie.rfind("sls_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "no TLS here";
  return done;
}

TEST(ApiLogin, PasswordOnlyAccountIsVerifiedAtOnceWithRestrictions) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, /*opted_out=*/true));
  Reply login = s.login("olive");
  ASSERT_EQ(login.status, 200) << login.raw;
  EXPECT_EQ(login.str("state"), "verified");
  const std::string token = login.str("completion_token");
  ASSERT_FALSE(token.empty());
  Reply done = complete_and_check(s, login.str("login_id"), token, "none");
  EXPECT_EQ(done.str("access"), "full");
  EXPECT_EQ(limit_of(done, "daily"), std::make_pair(false, std::int64_t{50'000'00}));
  EXPECT_EQ(limit_of(done, "five_day"), std::make_pair(false, std::int64_t{100'000'00}));
  const JsonValue* restrictions = done.body.find("restrictions");
  ASSERT_NE(restrictions, nullptr);
  EXPECT_EQ(json_serialize(*restrictions), R"(["no_pink_sheet_trading","no_otcbb_trading"])");
}

TEST(ApiLogin, CodeCardEndToEnd) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("carol", kPassword));
  auto card = s.admin().enrol_card("carol", DeviceKind::code_card);
  ASSERT_TRUE(card);
  Reply login = s.login("carol");
  ASSERT_EQ(login.status, 200) << login.raw;
  EXPECT_EQ(login.str("state"), "second_factor");
  EXPECT_EQ(login.str("default_device_id"), card->device_id);
  Reply ch = s.challenge(login.str("login_id"), card->device_id);
  ASSERT_EQ(ch.status, 200) << ch.raw;
  EXPECT_EQ(ch.str("method"), "code_card");
  EXPECT_EQ(ch.str("card_serial"), card->card.serial());
  const auto* indices = ch.body.find("indices")->as_array();
  ASSERT_EQ(indices->size(), 2u);
  const auto i1 = static_cast<std::size_t>(*(*indices)[0].as_int());
  const auto i2 = static_cast<std::size_t>(*(*indices)[1].as_int());
  EXPECT_NE(i1, i2);
  // Typed the way people type: lower case, a space in the middle.
  std::string typed = std::string(*card->card.code(i1)) + " " + std::string(*card->card.code(i2));
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), typed);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  Reply done = complete_and_check(s, login.str("login_id"), ok.str("completion_token"), "code_card");
  EXPECT_EQ(limit_of(done, "daily"), std::make_pair(false, std::int64_t{200'000'00}));
  EXPECT_EQ(limit_of(done, "five_day"), std::make_pair(false, std::int64_t{600'000'00}));
}

TEST(ApiLogin, NeverReusePolicyReportsLoginsLeftAndRunsOut) {
  ServiceConfig config = test_service_config();
  config.cell_reuse = CellReuse::never;
  TestServer s(config);
  ASSERT_TRUE(s.admin().create_user("nina", kPassword));
  auto card = s.admin().enrol_card("nina", DeviceKind::code_card, 4);
  ASSERT_TRUE(card);
  std::set<std::int64_t> asked;
  for (std::int64_t left : {2, 1}) {
    Reply login = s.login("nina");
    Reply ch = s.challenge(login.str("login_id"), card->device_id);
    ASSERT_EQ(ch.status, 200) << ch.raw;
    EXPECT_EQ(ch.body.get_int("logins_left"), left);
    for (const auto& v : *ch.body.find("indices")->as_array()) EXPECT_TRUE(asked.insert(*v.as_int()).second);
    // Cells are spent when answered (not when shown).
    ASSERT_EQ(s.verify(login.str("login_id"), ch.str("challenge_id"), card_answer(*card, ch)).status, 200);
  }
  Reply login = s.login("nina");
  Reply ch = s.challenge(login.str("login_id"), card->device_id);
  EXPECT_EQ(ch.status, 400);
  EXPECT_EQ(ch.code(), "card.exhausted");
}

TEST(ApiLogin, OnlineCardWorksFor21DaysThenIsGone) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("otto", kPassword));
  auto card = s.admin().enrol_card("otto", DeviceKind::online_card);
  ASSERT_TRUE(card);
  EXPECT_EQ(card->expires_at, kStartTime + 21 * 86400);
  s.clock().advance_seconds(21 * 86400 - 3600);
  Reply login = s.login("otto");
  Reply ch = s.challenge(login.str("login_id"), card->device_id);
  ASSERT_EQ(ch.status, 200) << ch.raw;
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), card_answer(*card, ch));
  ASSERT_EQ(ok.status, 200) << ok.raw;
  complete_and_check(s, login.str("login_id"), ok.str("completion_token"), "online_card");

  s.clock().advance_seconds(3600);  // day 21 is over
  Reply late = s.login("otto");
  EXPECT_EQ(late.status, 403);
  EXPECT_EQ(late.code(), "login.no_device");
}

/// Logs in with a challenge/response token and returns the Session reply.
Reply ocra_login(TestServer& s, const std::string& user, const TokenEnrolment& token, const std::string& pin,
                 const std::string& kind) {
  Reply login = s.login(user);
  EXPECT_EQ(login.status, 200) << login.raw;
  Reply ch = s.challenge(login.str("login_id"), token.device_id);
  EXPECT_EQ(ch.status, 200) << ch.raw;
  EXPECT_EQ(ch.str("method"), "ocra");
  EXPECT_EQ(ch.body.get_bool("pin_on_device"), !pin.empty());
  EXPECT_FALSE(ch.body.find("qr_payload")) << "QR codes are for Mobile Key only";
  const std::string challenge = ch.str("challenge");
  EXPECT_EQ(challenge.size(), 6u);
  auto suite = OcraSuite::parse(token.ocra_suite);
  std::vector<std::uint8_t> key;
  EXPECT_TRUE(from_hex(token.key_hex, key));
  OcraInput input;
  input.question = challenge;
  input.pin = pin;
  auto response = compute_device_response(*suite, key, input);
  EXPECT_TRUE(response);
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), format_response(*response));
  EXPECT_EQ(ok.status, 200) << ok.raw;
  return complete_and_check(s, login.str("login_id"), ok.str("completion_token"), kind);
}

TEST(ApiLogin, DigitalSecurityCardEndToEnd) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("dora", kPassword));
  auto token = s.admin().enrol_token("dora", DeviceKind::dsc);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->ocra_suite, "OCRA-1:HOTP-SHA256-7:QN06");
  Reply done = ocra_login(s, "dora", *token, "", "dsc");
  EXPECT_EQ(limit_of(done, "daily"), std::make_pair(false, std::int64_t{1'000'000'00}));
  EXPECT_EQ(limit_of(done, "five_day"), std::make_pair(false, std::int64_t{1'500'000'00}));
}

TEST(ApiLogin, DigitalSecurityCardPlusUsesThePinAndIsUnlimited) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("dave", kPassword));
  auto token = s.admin().enrol_token("dave", DeviceKind::dsc_plus, "4821");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->pin, "4821");
  Reply done = ocra_login(s, "dave", *token, "4821", "dsc_plus");
  EXPECT_EQ(limit_of(done, "daily"), std::make_pair(true, std::int64_t{-1}));
  EXPECT_EQ(limit_of(done, "five_day"), std::make_pair(true, std::int64_t{-1}));
  EXPECT_NE(done.raw.find(R"("daily":{"unlimited":true,"cents":null})"), std::string::npos) << done.raw;

  // The right OCRA digits with the wrong PIN do not pass.
  Reply login = s.login("dave");
  Reply ch = s.challenge(login.str("login_id"), token->device_id);
  std::vector<std::uint8_t> key;
  ASSERT_TRUE(from_hex(token->key_hex, key));
  OcraInput input;
  std::string q = ch.str("challenge");
  input.question = q;
  input.pin = "0000";
  auto wrong = compute_device_response(*OcraSuite::parse(token->ocra_suite), key, input);
  Reply bad = s.verify(login.str("login_id"), ch.str("challenge_id"), *wrong);
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.code(), "response.mismatch");
}

TEST(ApiLogin, PlatinumGoldUsesSha512) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("pearl", kPassword));
  auto token = s.admin().enrol_token("pearl", DeviceKind::platinum_gold);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->ocra_suite, "OCRA-1:HOTP-SHA512-7:QN06");
  EXPECT_EQ(token->key_hex.size(), 128u);
  Reply done = ocra_login(s, "pearl", *token, "", "platinum_gold");
  EXPECT_EQ(limit_of(done, "daily").first, true);
}

TEST(ApiLogin, SmsCodeFromTheOutboxIsSingleUse) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("sam", kPassword));
  auto device = s.admin().enrol_sms("sam", "+85291234567");
  ASSERT_TRUE(device);
  Reply login = s.login("sam");
  Reply ch = s.challenge(login.str("login_id"), *device);
  ASSERT_EQ(ch.status, 200) << ch.raw;
  EXPECT_EQ(ch.str("method"), "sms");
  EXPECT_EQ(ch.str("sent_to"),
            "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2"
            "4567");
  EXPECT_EQ(ch.body.get_int("resend_after"), kStartTime + 120);
  EXPECT_LE(*ch.body.get_int("expires_at"), kStartTime + 600);
  const std::string code = code_in_sms(s.last_sms());
  ASSERT_EQ(code.size(), 6u) << s.last_sms();
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), code);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  Reply again = s.verify(login.str("login_id"), ch.str("challenge_id"), code);
  EXPECT_EQ(again.status, 410);
  EXPECT_EQ(again.code(), "challenge.used");
  Reply done = complete_and_check(s, login.str("login_id"), ok.str("completion_token"), "sms");
  EXPECT_EQ(limit_of(done, "daily"), std::make_pair(false, std::int64_t{200'000'00}));
}

TEST(ApiLogin, SmsResendWaitsTwoMinutesAndVoidsTheOldCode) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("sue", kPassword));
  auto device = s.admin().enrol_sms("sue", "+85291234567");
  Reply login = s.login("sue");
  const std::string id = login.str("login_id");
  Reply first = s.challenge(id, *device);
  const std::string old_code = code_in_sms(s.last_sms());
  s.clock().advance_seconds(60);
  Reply early = s.post("/api/v1/login/" + id + "/sms/resend", JsonValue::object());
  EXPECT_EQ(early.status, 429);
  EXPECT_EQ(early.code(), "sms.resend_too_soon");
  EXPECT_EQ(early.header("Retry-After"), "60");
  s.clock().advance_seconds(60);
  Reply resent = s.post("/api/v1/login/" + id + "/sms/resend", JsonValue::object());
  ASSERT_EQ(resent.status, 200) << resent.raw;
  EXPECT_NE(resent.str("challenge_id"), first.str("challenge_id"));
  const std::string new_code = code_in_sms(s.last_sms());
  Reply stale = s.verify(id, first.str("challenge_id"), old_code);
  EXPECT_EQ(stale.status, 410);
  EXPECT_EQ(stale.code(), "challenge.expired");
  Reply ok = s.verify(id, resent.str("challenge_id"), new_code);
  EXPECT_EQ(ok.status, 200) << ok.raw;
}

TEST(ApiLogin, TemporaryCodeFullAccessForTwoDays) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("tim", kPassword));
  auto temp = s.admin().issue_temp_code("tim", /*full_access=*/true);
  ASSERT_TRUE(temp);
  EXPECT_EQ(temp->expires_at, kStartTime + 2 * 86400);
  Reply login = s.login("tim");
  Reply ch = s.challenge(login.str("login_id"), temp->device_id);
  ASSERT_EQ(ch.status, 200) << ch.raw;
  EXPECT_EQ(ch.str("method"), "temp_code");
  // As read aloud and typed: grouped with a dash, in lower case.
  std::string typed = format_temp_code(temp->code);
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), typed);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  Reply done = complete_and_check(s, login.str("login_id"), ok.str("completion_token"), "temp_code");
  EXPECT_EQ(done.str("access"), "full");
  EXPECT_EQ(limit_of(done, "daily"), std::make_pair(false, std::int64_t{50'000'00}));

  s.clock().advance_seconds(2 * 86400);
  Reply late = s.login("tim");
  EXPECT_EQ(late.code(), "login.no_device");
}

TEST(ApiLogin, TemporaryCodeForAccountManagementOnlyLastsTenDays) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("tess", kPassword));
  auto first = s.admin().issue_temp_code("tess", true);
  auto temp = s.admin().issue_temp_code("tess", /*full_access=*/false);
  ASSERT_TRUE(temp);
  s.clock().advance_seconds(9 * 86400);
  Reply login = s.login("tess");
  ASSERT_EQ(login.status, 200) << login.raw;
  EXPECT_EQ(login.body.find("devices")->as_array()->size(), 1u) << "issuing a code revokes the previous one";
  Reply ch = s.challenge(login.str("login_id"), temp->device_id);
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), temp->code);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  Reply done = complete_and_check(s, login.str("login_id"), ok.str("completion_token"), "temp_code");
  EXPECT_EQ(done.str("access"), "account_management");

  s.clock().advance_seconds(86400);  // ten days after it was issued
  Reply late = s.login("tess");
  EXPECT_EQ(late.code(), "login.no_device");
}

TEST(ApiLogin, DevicesAreListedMostSecureFirst) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("multi", kPassword));
  auto card = s.admin().enrol_card("multi", DeviceKind::code_card);
  auto sms = s.admin().enrol_sms("multi", "+85291234567");
  auto dsc = s.admin().enrol_token("multi", DeviceKind::dsc);
  Reply login = s.login("multi");
  ASSERT_EQ(login.status, 200);
  const auto* devices = login.body.find("devices")->as_array();
  ASSERT_EQ(devices->size(), 3u);
  EXPECT_EQ((*devices)[0].get_string("kind"), "dsc");
  EXPECT_EQ((*devices)[1].get_string("kind"), "sms");
  EXPECT_EQ((*devices)[2].get_string("kind"), "code_card");
  EXPECT_EQ(login.str("default_device_id"), dsc->device_id);
  EXPECT_FALSE((*devices)[0].get_string("label")->empty());
  (void)card;
  (void)sms;
}

TEST(ApiLogin, CompletionTokenIsSingleUseAndExpires) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  Reply login = s.login("olive");
  const std::string id = login.str("login_id");
  Reply wrong = s.complete(id, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.code(), "login.token_invalid");
  Reply ok = s.complete(id, login.str("completion_token"));
  EXPECT_EQ(ok.status, 200);
  Reply replay = s.complete(id, login.str("completion_token"));
  EXPECT_EQ(replay.status, 410);
  EXPECT_EQ(replay.code(), "login.token_invalid");

  Reply login2 = s.login("olive");
  s.clock().advance_seconds(61);
  Reply late = s.complete(login2.str("login_id"), login2.str("completion_token"));
  EXPECT_EQ(late.status, 410);
}

TEST(ApiLogin, AuditRowsAreWrittenAndHoldNoSecret) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("audrey", kPassword));
  auto token = s.admin().enrol_token("audrey", DeviceKind::dsc_plus, "4821");
  auto device = s.admin().enrol_sms("audrey", "+85291234567");
  auto temp = s.admin().issue_temp_code("audrey", true);
  std::vector<std::string> secrets = {kPassword, token->key_hex, "4821", temp->code};

  EXPECT_EQ(s.login("audrey", "wrong password").status, 401);
  Reply login = s.login("audrey");
  secrets.push_back(login.str("login_id"));
  Reply sms_ch = s.challenge(login.str("login_id"), *device);
  const std::string sms_code = code_in_sms(s.last_sms());
  secrets.push_back(sms_code);
  EXPECT_EQ(
      s.verify(login.str("login_id"), sms_ch.str("challenge_id"), sms_code == "000000" ? "111111" : "000000").status,
      401);
  Reply ch = s.challenge(login.str("login_id"), temp->device_id);
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), temp->code);
  ASSERT_EQ(ok.status, 200);
  secrets.push_back(ok.str("completion_token"));
  Reply done = s.complete(login.str("login_id"), ok.str("completion_token"));
  ASSERT_EQ(done.status, 200);
  std::string cookie = done.header("Set-Cookie");
  secrets.push_back(cookie.substr(12, cookie.find(';') - 12));

  std::set<std::string> events;
  for (const AuditRecord& a : s.audit()) {
    events.insert(a.event + ":" + a.outcome);
    EXPECT_GE(a.at, kStartTime);
    EXPECT_FALSE(a.client_addr.empty());
    for (const std::string& secret : secrets) {
      ASSERT_FALSE(secret.empty());
      for (const std::string* field : {&a.event, &a.outcome, &a.username, &a.device_id, &a.client_addr, &a.detail})
        EXPECT_EQ(field->find(secret), std::string::npos) << a.event << " leaks a secret";
    }
  }
  for (const char* e :
       {"login.started:fail", "login.started:ok", "challenge.opened:ok", "sms.sent:ok", "verify:fail", "verify:ok",
        "temp_code.issued:ok", "temp_code.used:ok", "session.created:ok", "device.enrolled:ok", "user.created:ok"})
    EXPECT_EQ(events.count(e), 1u) << e;
  // Client address of HTTP events is the peer's.
  bool seen_loopback = false;
  for (const AuditRecord& a : s.audit()) seen_loopback = seen_loopback || a.client_addr == "127.0.0.1";
  EXPECT_TRUE(seen_loopback);
}

}  // namespace
}  // namespace sls::server::testing
