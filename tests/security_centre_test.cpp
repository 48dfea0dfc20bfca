// SecurityCentre, the core of <sls-security>, driven with simulated time and canned replies in the shapes the
// server gives (GET /accounts, opt-out/in) and the shapes agreed for the routes still being built (the step-up
// login's sls-authenticated detail, GET/POST/DELETE /sharing, the accounts' usage).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "security_test_support.hpp"

namespace sls {
namespace {

using namespace security_test;  // NOLINT(google-build-using-namespace): the harness

json request_json(const std::string& id, const std::string& status) {
  return {{"id", id},         {"owner", "carol"}, {"requester", "alice"},        {"device_kind", "dsc_plus"},
          {"serial", "DP-9"}, {"status", status}, {"created_at", 1'789'999'000}, {"decided_at", nullptr}};
}

TEST(SecurityCentre, StartsLoadingAccountsAndSharing) {
  Harness h;
  EXPECT_EQ(h.screen(), "loading");
  EXPECT_TRUE(h.centre.busy());
  ASSERT_EQ(h.https().size(), 4u);
  EXPECT_NE(h.request("GET", "/accounts"), nullptr);
  EXPECT_NE(h.request("GET", "/sharing"), nullptr);
  EXPECT_NE(h.request("GET", "/devices"), nullptr);
  EXPECT_NE(h.request("GET", "/phones"), nullptr);
  EXPECT_EQ(h.emitted("state").at(0)["screen"], "loading");
}

TEST(SecurityCentre, OverviewShowsAccountsUsersDevicesLimitsAndRanking) {
  Harness h;
  h.load(accounts_body());
  EXPECT_EQ(h.screen(), "overview");
  const std::string t = h.text();
  EXPECT_NE(t.find("Account demo-joint"), std::string::npos);
  EXPECT_NE(t.find("Primary user: alice"), std::string::npos);
  EXPECT_NE(t.find("alice (primary user) (you)"), std::string::npos);
  EXPECT_NE(t.find("Digital security card · Serial number DSC-1234 · active · since 2026-01-01"), std::string::npos);
  EXPECT_NE(t.find("Security code card · Serial number CC-77"), std::string::npos);
  // The limits with what is used and remains.
  EXPECT_NE(t.find("1,000,000 USD"), std::string::npos);
  EXPECT_NE(t.find("25,000 USD"), std::string::npos);
  EXPECT_NE(t.find("975,000 USD"), std::string::npos);
  EXPECT_NE(t.find("1,475,000 USD"), std::string::npos);
  // Stronger devices: only those allowing more than a DSC.
  EXPECT_NE(t.find("Digital security card+: Unlimited per business day"), std::string::npos);
  EXPECT_EQ(t.find("Mobile Key: 1,000,000 USD per business day, 1,000,000 USD"), t.rfind("Mobile Key: 1,000,000 USD"));
  EXPECT_NE(t.find("No restrictions apply."), std::string::npos);
  // The ranking, highest first.
  const auto plus = t.find("Security devices, most secure first");
  ASSERT_NE(plus, std::string::npos);
  const std::string ranking = t.substr(plus);
  EXPECT_LT(ranking.find("Digital security card+"), ranking.find("Platinum or Gold card"));
  EXPECT_LT(ranking.find("Platinum or Gold card"), ranking.find("Digital security card:"));
  EXPECT_LT(ranking.find("Digital security card:"), ranking.find("Mobile Key"));
  EXPECT_LT(ranking.find("Mobile Key"), ranking.find("Text message (SMS)"));
  EXPECT_LT(ranking.find("Text message (SMS)"), ranking.find("Security code card"));
  // The primary user may opt out; no sharing part (GET /sharing was a 404).
  EXPECT_NE(h.out.view.find_by_id("sec-opt-out-acc1"), nullptr);
  EXPECT_EQ(h.out.view.find_by_id("sec-share"), nullptr);
  EXPECT_EQ(h.out.view.find_by_id("sec-opt-in-acc1"), nullptr);
}

TEST(SecurityCentre, PrimaryUserWithoutAnActiveDeviceExplainsTheLimitsAndRestrictions) {
  Harness h(Lang::zh_Hant);
  json body = accounts_body("bob");
  body["accounts"][0]["device_kind"] = "none";
  body["accounts"][0]["restrictions"] = {"no_pink_sheet_trading", "no_otcbb_trading"};
  h.load(body);
  const std::string t = h.text();
  EXPECT_NE(t.find("主要使用者尚未有可用的安全裝置，因此適用只用密碼時的限額。"), std::string::npos);
  EXPECT_NE(t.find("原因：主要使用者尚未有可用的安全裝置。"), std::string::npos);
  EXPECT_NE(t.find("bob（您）"), std::string::npos);
}

TEST(SecurityCentre, SharedDevicesNameTheirOwnerAndUsers) {
  Harness h;
  json body = accounts_body();
  body["accounts"][0]["users"][0]["devices"][0]["shared_with"] = {"bob", "dave"};
  body["accounts"][0]["users"][1]["devices"].push_back({{"kind", "dsc"},
                                                        {"label", "DSC"},
                                                        {"serial", "DSC-1234"},
                                                        {"status", "active"},
                                                        {"since", 1'767'225'600},
                                                        {"expires_at", nullptr},
                                                        {"shared_from", "alice"}});
  h.load(body);
  const std::string t = h.text();
  EXPECT_NE(t.find("since 2026-01-01 · shared with bob, dave"), std::string::npos);
  EXPECT_NE(t.find("since 2026-01-01 · shared by alice"), std::string::npos);
}

TEST(SecurityCentre, UsageMissingReadsNotKnown) {
  Harness h;
  h.load(accounts_body("alice", false, std::nullopt, false));
  EXPECT_NE(h.text().find("not known"), std::string::npos);
}

TEST(SecurityCentre, AnotherUserSeesTheNoticeNamingThePrimaryUser) {
  Harness h(Lang::zh_Hant);
  h.load(accounts_body("bob"));
  EXPECT_EQ(h.out.view.find_by_id("sec-opt-out-acc1"), nullptr);
  EXPECT_NE(h.text().find("只有帳戶的主要使用者 alice 可以更改安全設定。"), std::string::npos);
  // An opt-out event for it is ignored.
  h.event(security_action::opt_out, "acc1");
  EXPECT_EQ(h.screen(), "overview");
  EXPECT_TRUE(h.https().empty());
}

TEST(SecurityCentre, OptedOutAccountShowsRestrictionsWhyAndOptIn) {
  Harness h(Lang::zh_Hans);
  h.load(accounts_body("alice", true));
  const std::string t = h.text();
  EXPECT_NE(t.find("不可买卖粉单（Pink Sheet）股票"), std::string::npos);
  EXPECT_NE(t.find("不可买卖 OTCBB 股票"), std::string::npos);
  EXPECT_NE(t.find("原因：此账户已停用第二重认证。"), std::string::npos);
  EXPECT_NE(h.out.view.find_by_id("sec-opt-in-acc1"), nullptr);
  EXPECT_EQ(h.out.view.find_by_id("sec-opt-out-acc1"), nullptr);
}

TEST(SecurityCentre, OptOutWithAFreshSecondFactorConfirmsPostsAndReloads) {
  Harness h;
  h.load(accounts_body("alice", false, kNow / 1000 + 200));
  h.event(security_action::opt_out, "acc1");
  EXPECT_EQ(h.screen(), "confirm_opt_out");
  EXPECT_TRUE(h.https().empty());
  const std::string t = h.text();
  EXPECT_NE(t.find("50,000 USD per business day and 100,000 USD per 5 business days"), std::string::npos);
  EXPECT_NE(t.find("Pink Sheet and OTCBB"), std::string::npos);
  EXPECT_EQ(h.focus(), "sec-title");
  h.event(security_action::confirm_opt_out);
  EXPECT_EQ(h.screen(), "busy");
  const auto* post = h.request("POST", "/accounts/acc1/opt-out");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->body.view(), "{}");
  h.reply(post->id, 200, R"({"id":"acc1","opted_out":true,"changed":true})");
  // Reloads, then tells.
  const auto* again = h.request("GET", "/accounts");
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(h.screen(), "busy");
  h.reply(again->id, 200, accounts_body("alice", true).dump());
  EXPECT_EQ(h.screen(), "notice");
  EXPECT_NE(h.text().find("password only"), std::string::npos);
  ASSERT_EQ(h.emitted("changed").size(), 1u);
  EXPECT_EQ(h.emitted("changed")[0]["change"], "opt_out");
  h.event(security_action::back);
  EXPECT_EQ(h.screen(), "overview");
  EXPECT_NE(h.out.view.find_by_id("sec-opt-in-acc1"), nullptr);
}

TEST(SecurityCentre, CancelOnTheConfirmationSendsNothing) {
  Harness h;
  h.load(accounts_body("alice", false, kNow / 1000 + 200));
  h.event(security_action::opt_out, "acc1");
  h.event(security_action::cancel);
  EXPECT_EQ(h.screen(), "overview");
  EXPECT_TRUE(h.https().empty());
}

TEST(SecurityCentre, StaleSecondFactorGoesThroughTheStepUpLogin) {
  Harness h;
  h.load(accounts_body("alice", false, kNow / 1000 - 1));  // just past
  h.event(security_action::opt_out, "acc1");
  h.event(security_action::confirm_opt_out);
  EXPECT_EQ(h.screen(), "step_up");
  EXPECT_TRUE(h.https().empty());
  // The view holds the nested <sls-login step-up>.
  const Node* login = h.out.view.find_by_id("sec-step-up");
  ASSERT_NE(login, nullptr);
  EXPECT_EQ(login->tag, "sls-login");
  EXPECT_NE(login->find_attr("step-up"), nullptr);
  EXPECT_EQ(*login->find_attr("lang"), "en");
  // The shell forwards sls-authenticated's detail.
  const json detail = {{"step_up", true}, {"step_up_until", kNow / 1000 + 300}, {"user", "alice"}};
  h.event(security_action::step_up_done, detail.dump());
  EXPECT_EQ(h.screen(), "busy");
  EXPECT_NE(h.request("POST", "/accounts/acc1/opt-out"), nullptr);
}

TEST(SecurityCentre, StepUpRequiredReplyLeadsToTheStepUpLogin) {
  Harness h;
  h.load(accounts_body("alice", false, kNow / 1000 + 100));
  h.event(security_action::opt_out, "acc1");
  h.event(security_action::confirm_opt_out);
  const auto* post = h.request("POST", "/accounts/acc1/opt-out");
  ASSERT_NE(post, nullptr);
  h.reply(post->id, 403, error_body("account.step_up_required"));
  EXPECT_EQ(h.screen(), "step_up");
  EXPECT_NE(h.out.view.find_by_id("sec-step-up"), nullptr);
  // Cancel returns to the overview without sending anything.
  h.event(security_action::cancel);
  EXPECT_EQ(h.screen(), "overview");
  EXPECT_TRUE(h.https().empty());
}

TEST(SecurityCentre, StepUpDoneOutsideTheStepUpScreenIsIgnored) {
  Harness h;
  h.load(accounts_body());
  h.event(security_action::step_up_done, R"({"step_up":true,"step_up_until":1})");
  EXPECT_EQ(h.screen(), "overview");
  EXPECT_TRUE(h.https().empty());
}

TEST(SecurityCentre, OptInPostsAtOnceAndShowsNoDeviceNamingTheUser) {
  Harness h;
  json body = accounts_body("alice", true);
  body["accounts"][0]["users"][1]["devices"] = json::array();  // bob has none
  h.load(body);
  h.event(security_action::opt_in, "acc1");
  EXPECT_EQ(h.screen(), "busy");
  const auto* post = h.request("POST", "/accounts/acc1/opt-in");
  ASSERT_NE(post, nullptr);
  h.reply(post->id, 409, error_body("account.no_device"));
  EXPECT_EQ(h.screen(), "error");
  EXPECT_NE(h.text().find("bob has no active security device."), std::string::npos);
  ASSERT_EQ(h.emitted("error").size(), 1u);
  EXPECT_EQ(h.emitted("error")[0]["code"], "account.no_device");
  h.event(security_action::back);
  EXPECT_EQ(h.screen(), "overview");
}

TEST(SecurityCentre, ErrorWithArgumentsItCannotFillShowsTheServerMessage) {
  Harness h;
  h.load(accounts_body("alice", true));
  h.event(security_action::opt_in, "acc1");
  h.reply(h.request("POST", "/accounts/acc1/opt-in")->id, 409,
          error_body("account.user_elsewhere", "alice also uses another account."));
  EXPECT_NE(h.text().find("alice also uses another account."), std::string::npos);
}

TEST(SecurityCentre, LoadFailuresAreLocalisedAndRetried) {
  Harness h(Lang::zh_Hant);
  const auto aid = h.request("GET", "/accounts")->id;
  h.reply(aid, 401, error_body("session.none"));
  EXPECT_EQ(h.screen(), "error");
  EXPECT_NE(h.text().find("您尚未登入"), std::string::npos);
  h.event(security_action::retry);
  EXPECT_EQ(h.screen(), "loading");
  const auto* again = h.request("GET", "/accounts");
  ASSERT_NE(again, nullptr);
  h.reply(again->id, 0, "");
  EXPECT_NE(h.text().find("無法連線到伺服器"), std::string::npos);
  // A malformed 200 is an internal error, not a crash.
  h.event(security_action::retry);
  h.reply(h.request("GET", "/accounts")->id, 200, "{not json");
  EXPECT_EQ(h.screen(), "error");
  EXPECT_EQ(h.emitted("error").at(0)["code"], "internal");
}

TEST(SecurityCentre, LanguageSwitchRerendersInPlace) {
  Harness h;
  h.load(accounts_body());
  h.out = h.centre.set_lang(Lang::zh_Hans, kNow + 100);
  EXPECT_NE(h.text().find("安全中心"), std::string::npos);
  EXPECT_EQ(*h.out.view.find_attr("lang"), "zh-Hans");
  EXPECT_NE(h.text().find("2026年1月1日"), std::string::npos);
}

TEST(SecurityCentre, StaleAndUnknownRepliesAndEventsChangeNothing) {
  Harness h;
  h.load(accounts_body());
  const Node before = h.out.view;
  h.reply(9999, 200, "{}");
  EXPECT_EQ(h.out.view, before);
  h.event("no_such_action", "x");
  h.event(security_action::opt_out, "not-an-account");
  h.event(security_action::confirm_opt_out);
  EXPECT_EQ(h.screen(), "overview");
  EXPECT_TRUE(h.https().empty());
}

// --- sharing (routes of the device-sharing branch, in the agreed shapes) --------------------------

TEST(SecurityCentre, SharingListShowsRequestsAndStopsOne) {
  Harness h;
  h.load(accounts_body("alice", false, kNow / 1000 + 200), 200,
         json{{"requests", {request_json("r1", "approved"), request_json("r2", "ended")}}}.dump());
  const std::string t = h.text();
  EXPECT_NE(t.find("Digital security card+ DP-9 of carol, for alice · shared"), std::string::npos);
  EXPECT_NE(t.find("· ended"), std::string::npos);
  EXPECT_NE(h.out.view.find_by_id("sec-stop-r1"), nullptr);
  EXPECT_EQ(h.out.view.find_by_id("sec-stop-r2"), nullptr);  // already over
  h.event(security_action::stop_sharing, "r2");
  EXPECT_TRUE(h.https().empty());
  h.event(security_action::stop_sharing, "r1");
  const auto* del = h.request("DELETE", "/sharing/r1");
  ASSERT_NE(del, nullptr);
  h.reply(del->id, 200, json{{"request", request_json("r1", "ended")}}.dump());
  ASSERT_NE(h.request("GET", "/sharing"), nullptr);
  const auto sid = h.request("GET", "/sharing")->id;
  const auto aid = h.request("GET", "/accounts")->id;
  h.reply(sid, 200, json{{"requests", {request_json("r1", "ended")}}}.dump());
  h.reply(aid, 200, accounts_body().dump());
  EXPECT_EQ(h.screen(), "notice");
  EXPECT_NE(h.text().find("The device is no longer shared."), std::string::npos);
}

TEST(SecurityCentre, ShareFormChecksFieldsThenPostsApprovedOrPending) {
  for (const std::string status : {"approved", "pending"}) {
    Harness h;
    h.load(accounts_body("alice", false, kNow / 1000 + 200), 200, R"({"requests":[]})");
    EXPECT_NE(h.text().find("No sharing requests."), std::string::npos);
    h.event(security_action::share);
    EXPECT_EQ(h.screen(), "share_form");
    EXPECT_EQ(h.focus(), "sec-owner");
    h.event(security_action::share_submit);
    EXPECT_TRUE(h.https().empty());
    EXPECT_NE(h.text().find("Enter the user name and the serial number."), std::string::npos);
    h.event(security_action::input_owner, "carol");
    h.event(security_action::input_serial, "DP-9");
    h.event(security_action::share_submit);
    const auto* post = h.request("POST", "/sharing");
    ASSERT_NE(post, nullptr);
    EXPECT_EQ(json::parse(std::string(post->body.view())), (json{{"owner", "carol"}, {"serial", "DP-9"}}));
    h.reply(post->id, 201, json{{"request", request_json("r3", status)}}.dump());
    h.load(accounts_body(), 200, json{{"requests", {request_json("r3", status)}}}.dump());
    EXPECT_EQ(h.screen(), "notice");
    EXPECT_NE(h.text().find(status == "pending" ? "waiting for a compliance review" : "is now shared with you"),
              std::string::npos)
        << status;
  }
}

TEST(SecurityCentre, ShareRefusalShowsOnTheFormAndStepUpWhenStale) {
  Harness h;
  h.load(accounts_body("alice", false, std::nullopt), 200, R"({"requests":[]})");
  h.event(security_action::share);
  h.event(security_action::input_owner, "carol");
  h.event(security_action::input_serial, "SMS-1");
  h.event(security_action::share_submit);
  // No fresh second factor: the step-up login first.
  EXPECT_EQ(h.screen(), "step_up");
  h.event(security_action::step_up_done, json{{"step_up", true}, {"step_up_until", kNow / 1000 + 300}}.dump());
  const auto* post = h.request("POST", "/sharing");
  ASSERT_NE(post, nullptr);
  h.reply(
      post->id, 400,
      error_body("device.less_secure", "Less secure device: share the most secure device among the users, dsc_plus."));
  EXPECT_EQ(h.screen(), "share_form");
  EXPECT_EQ(h.focus(), "sec-error");
  EXPECT_NE(h.text().find("Less secure device"), std::string::npos);
  EXPECT_NE(h.html().find("aria-invalid=\"true\""), std::string::npos);
  // What was typed stays.
  EXPECT_EQ(*h.out.view.find_by_id("sec-owner")->find_attr("value"), "carol");
}

TEST(SecurityCentre, EveryScreenHasTheLiveRegionAndATitle) {
  Harness h;
  h.load(accounts_body("alice", false, kNow / 1000 + 200), 200, R"({"requests":[]})");
  for (int step = 0; step < 3; ++step) {
    ASSERT_NE(h.out.view.find_by_id("sec-status"), nullptr);
    ASSERT_NE(h.out.view.find_by_id("sec-title"), nullptr);
    if (step == 0) h.event(security_action::opt_out, "acc1");
    if (step == 1) h.event(security_action::confirm_opt_out);
  }
}

}  // namespace
}  // namespace sls
