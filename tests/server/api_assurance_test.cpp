// Issue 7 finding 10 through a real server: the completion answer and the
// stored session say how the user authenticated (RFC 8176 amr values, and
// `restricted` for SMS, NIST SP 800-63B 5.1.3.3), and an operator's policy
// file can give a device kind lower withdrawal limits, never higher ones.
#include "device_answers.hpp"
#include "server/limit_policy.hpp"
#include "server/try.hpp"
#include "sls/ocra.hpp"
#include "sls/response.hpp"
#include "sls/secure.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";

std::string amr_of(const Reply& r) {
  const JsonValue* amr = r.body.find("amr");
  return amr != nullptr ? json_serialize(*amr) : std::string("<none>");
}

std::optional<std::int64_t> cents_of(const Reply& r, const char* which) {
  const JsonValue* limits = r.body.find("limits");
  const JsonValue* l = limits != nullptr ? limits->find(which) : nullptr;
  return l != nullptr ? l->get_int("cents") : std::nullopt;
}

/// The session row behind the cookie of a /complete reply.
std::optional<SessionRecord> session_of(TestServer& s, const Reply& done) {
  std::string cookie = done.header("Set-Cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  cookie = cookie.substr(cookie.find('=') + 1);
  std::optional<SessionRecord> out;
  EXPECT_TRUE(s.store().read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(row, tx.get_session(s.keys().keyed_hash(HashPurpose::session_token, cookie)));
    out = row;
    return ok_status();
  }));
  return out;
}

/// An SMS login of `user` to the end; the /complete reply.
Reply sms_login(TestServer& s, const std::string& user) {
  auto device = s.admin().enrol_sms(user, "+85291234567");
  EXPECT_TRUE(device);
  Reply login = s.login(user);
  Reply ch = s.challenge(login.str("login_id"), *device);
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), code_in_sms(s.last_sms()));
  EXPECT_EQ(ok.status, 200) << ok.raw;
  return s.complete(login.str("login_id"), ok.str("completion_token"));
}

/// A code-card login of `user` to the end; the /complete reply.
Reply card_login(TestServer& s, const std::string& user) {
  auto card = s.admin().enrol_card(user, DeviceKind::code_card);
  EXPECT_TRUE(card);
  Reply login = s.login(user);
  Reply ch = s.challenge(login.str("login_id"), card->device_id);
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), card_answer(*card, ch));
  EXPECT_EQ(ok.status, 200) << ok.raw;
  return s.complete(login.str("login_id"), ok.str("completion_token"));
}

TEST(Assurance, AnSmsLoginSaysSoAndIsMarkedRestricted) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("sam", kPassword));
  Reply done = sms_login(s, "sam");
  ASSERT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(amr_of(done), R"(["pwd","sms"])");
  EXPECT_EQ(done.body.get_bool("restricted"), true);
  auto session = session_of(s, done);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->amr, "pwd,sms");
}

TEST(Assurance, OtherMethodsAreNamedAndNotRestricted) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("carol", kPassword));
  Reply card = card_login(s, "carol");
  ASSERT_EQ(card.status, 200) << card.raw;
  EXPECT_EQ(amr_of(card), R"(["pwd","otp"])");
  EXPECT_EQ(card.body.get_bool("restricted"), false);
  EXPECT_EQ(session_of(s, card)->amr, "pwd,otp");

  ASSERT_TRUE(s.admin().create_user("dave", kPassword));
  auto token = s.admin().enrol_token("dave", DeviceKind::dsc_plus, "4821");
  ASSERT_TRUE(token);
  Reply login = s.login("dave");
  Reply ch = s.challenge(login.str("login_id"), token->device_id);
  std::vector<std::uint8_t> key;
  ASSERT_TRUE(from_hex(token->key_hex, key));
  const std::string challenge = ch.str("challenge");  // OcraInput holds views
  OcraInput input;
  input.question = challenge;
  input.pin = "4821";
  auto response = compute_device_response(*OcraSuite::parse(token->ocra_suite), key, input);
  ASSERT_TRUE(response);
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), *response);
  Reply dsc_plus = s.complete(login.str("login_id"), ok.str("completion_token"));
  EXPECT_EQ(amr_of(dsc_plus), R"(["pwd","hwk","otp","pin"])");
  EXPECT_EQ(dsc_plus.body.get_bool("restricted"), false);

  ASSERT_TRUE(s.admin().create_user("olive", kPassword, /*opted_out=*/true));
  Reply plain = s.login("olive");
  Reply none = s.complete(plain.str("login_id"), plain.str("completion_token"));
  EXPECT_EQ(amr_of(none), R"(["pwd"])");
}

TEST(Assurance, APolicyFileLowersTheSmsLimitsAndNothingElse) {
  auto policy = parse_limit_policy(R"({"withdrawal_limits": {"sms": {"daily_usd": 20000, "five_day_usd": 50000}}})");
  ASSERT_TRUE(policy) << errc_name(policy.code());
  ServiceConfig config = test_service_config();
  config.limits = *policy;
  TestServer s(config);
  ASSERT_TRUE(s.admin().create_user("sam", kPassword));
  ASSERT_TRUE(s.admin().create_user("carol", kPassword));
  Reply sms = sms_login(s, "sam");
  ASSERT_EQ(sms.status, 200) << sms.raw;
  EXPECT_EQ(cents_of(sms, "daily"), 20'000'00);
  EXPECT_EQ(cents_of(sms, "five_day"), 50'000'00);
  // The code card shares the catalog's SMS limits but not the policy's.
  Reply card = card_login(s, "carol");
  EXPECT_EQ(cents_of(card, "daily"), 200'000'00);
  EXPECT_EQ(cents_of(card, "five_day"), 600'000'00);
}

TEST(LimitPolicy, CanOnlyLowerAndRefusesAnythingUnclear) {
  auto ok = parse_limit_policy(R"({"withdrawal_limits": {"dsc_plus": {"daily_usd": 5000000}, "sms": {}}})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(effective_limits(DeviceKind::dsc_plus, *ok).one_day, UsdLimit::of_usd(5'000'000));
  EXPECT_TRUE(effective_limits(DeviceKind::dsc_plus, *ok).five_day.is_unlimited());
  EXPECT_EQ(effective_limits(DeviceKind::sms, *ok), withdrawal_limits(DeviceKind::sms));
  EXPECT_EQ(effective_limits(DeviceKind::dsc, *ok), withdrawal_limits(DeviceKind::dsc));
  EXPECT_TRUE(parse_limit_policy("{}"));

  const std::pair<const char*, const char*> bad[] = {
      {R"({"withdrawal_limits": {"sms": {"daily_usd": 200001}}})", "only lower"},
      {R"({"withdrawal_limits": {"sms": {"five_day_usd": 600001}}})", "only lower"},
      {R"({"withdrawal_limits": {"sms": {"daily_usd": 100, "five_day_usd": 50}}})", "five-day"},
      {R"({"withdrawal_limits": {"dsc_plus": {"five_day_usd": 50}}})", "five-day"},
      {R"({"withdrawal_limits": {"sms": {"daily_usd": -1}}})", "whole number"},
      {R"({"withdrawal_limits": {"sms": {"daily_usd": 1.5}}})", "whole number"},
      {R"({"withdrawal_limits": {"sms": {"daily_usd": "100"}}})", "whole number"},
      {R"({"withdrawal_limits": {"sms": {"daily": 100}}})", "unknown key"},
      {R"({"withdrawal_limits": {"carrier_pigeon": {}}})", "unknown device kind"},
      {R"({"withdrawal_limit": {}})", "unknown key"},
      {R"({"withdrawal_limits": []})", "must be an object"},
      {R"([])", "not a JSON object"},
      {R"({"withdrawal_limits": {)", "not a JSON object"},
      {"", "not a JSON object"},
  };
  for (const auto& [text, reason] : bad) {
    auto r = parse_limit_policy(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.code(), Errc::policy_invalid) << text;
    ASSERT_EQ(r.error().args.size(), 1u);
    EXPECT_NE(r.error().args[0].find(reason), std::string::npos) << text << ": " << r.error().args[0];
  }
}

}  // namespace
}  // namespace sls::server::testing
