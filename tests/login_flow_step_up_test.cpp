// LoginFlow's step-up (LoginConfig::step_up, docs/accounts.md "Fresh second factor"), driven with simulated
// time: no credentials screen, the step-up POST at once, the same device and challenge screens as a login, the
// server's step-up reply as the `authenticated` detail, and "restart"/"retry" starting the step-up again.
#include <gtest/gtest.h>

#include "login_flow_harness.hpp"

namespace sls {
namespace {

using namespace flow_testing;  // NOLINT(google-build-using-namespace): the harness of these tests

const std::string kStepUpDone = R"({"step_up":true,"step_up_until":1700000300,"user":"alice"})";

/// A step-up flow in `lang`.
struct StepUp : Harness {
  explicit StepUp(Lang lang = Lang::en) : Harness(lang, {}, 0, /*step_up=*/true) {}
};

TEST(LoginFlowStepUp, StartsWithTheStepUpRequestOnTheLoadingScreen) {
  StepUp h;
  EXPECT_EQ(h.flow.screen(), LoginScreen::loading);
  EXPECT_TRUE(h.flow.busy());
  const HttpEffect& e = h.http();
  EXPECT_EQ(e.method, "POST");
  EXPECT_EQ(e.path, "/login");
  EXPECT_EQ(h.body(), (json{{"step_up", true}}));
  EXPECT_EQ(Harness::header(e, kLoginSecretHeader), "<none>");
  EXPECT_EQ(h.node("sls-username"), nullptr) << "no credentials screen";
  EXPECT_EQ(h.node("sls-password"), nullptr);
  EXPECT_EQ(h.text_of("sls-title"), "Confirm this change");
  EXPECT_NE(h.html().find("You are changing your security settings."), std::string::npos) << h.html();
  EXPECT_EQ(h.focus(), "sls-title");
  ASSERT_EQ(h.emitted("state").size(), 1u);
  EXPECT_EQ(h.emitted("state")[0]["screen"], "loading");
  EXPECT_EQ(h.emitted("state")[0]["busy"], true);
}

TEST(LoginFlowStepUp, TheHeadingIsInEachLanguage) {
  EXPECT_EQ(StepUp(Lang::zh_Hant).text_of("sls-title"), "確認此項更改");
  EXPECT_EQ(StepUp(Lang::zh_Hans).text_of("sls-title"), "确认此项更改");
}

TEST(LoginFlowStepUp, GoesThroughTheUsualScreensAndEmitsTheStepUpReply) {
  StepUp h;
  h.reply(h.http().id, 200, login_started({device_json("dev-1", "code_card", "Code card 0042")}));
  // The same challenge request as a login, bound by the login secret.
  EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/challenge");
  EXPECT_EQ(Harness::header(h.http(), kLoginSecretHeader), kSecret);
  h.reply(h.http().id, 200, card_challenge());
  EXPECT_EQ(h.flow.screen(), LoginScreen::code_card);
  h.event(login_action::input_code, "A3D7KP");
  h.event(login_action::submit);
  EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/verify");
  h.reply(h.http().id, 200, R"({"completion_token":"tok-1"})");
  EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/complete");
  EXPECT_EQ(h.body(), (json{{"completion_token", "tok-1"}}));
  h.reply(h.http().id, 200, kStepUpDone);
  EXPECT_EQ(h.flow.screen(), LoginScreen::authenticated);
  const auto done = h.emitted("authenticated");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0], json::parse(kStepUpDone));
  EXPECT_EQ(h.text_of("sls-title"), "Change confirmed");
  EXPECT_EQ(h.html().find("Welcome"), std::string::npos);
  EXPECT_EQ(h.text_of("sls-status"), "Change confirmed");
}

TEST(LoginFlowStepUp, SeveralDevicesShowTheChooser) {
  StepUp h;
  h.reply(
      h.http().id, 200,
      login_started({device_json("mk-1", "mobile_key", "Mobile Key"), device_json("sms-1", "sms", "Phone")}, "mk-1"));
  EXPECT_EQ(h.flow.screen(), LoginScreen::device_choice);
  h.event(login_action::choose_device, "sms-1");
  EXPECT_EQ(h.body(), (json{{"device_id", "sms-1"}}));
}

TEST(LoginFlowStepUp, RestartAndRetryStartTheStepUpAgainNeverTheCredentials) {
  StepUp h;
  h.reply(h.http().id, 200, login_started({device_json("dev-1", "code_card", "Code card 0042")}));
  h.reply(h.http().id, 200, card_challenge());
  h.event(login_action::restart);
  EXPECT_EQ(h.flow.screen(), LoginScreen::loading);
  EXPECT_EQ(h.http().path, "/login");
  EXPECT_EQ(h.body(), (json{{"step_up", true}}));
  EXPECT_EQ(Harness::header(h.http(), kLoginSecretHeader), "<none>") << "the old login's secret is gone";
  // The login expires: "try again" starts a new step-up.
  h.reply(h.http().id, 200, login_started({device_json("dev-1", "code_card", "Code card 0042")}));
  h.reply(h.http().id, 200, card_challenge());
  h.event(login_action::input_code, "A3D7KP");
  h.event(login_action::submit);
  h.reply(h.http().id, 410, error_body("login.expired"));
  EXPECT_EQ(h.flow.screen(), LoginScreen::expired);
  EXPECT_EQ(h.text_of("sls-title"), "Change not confirmed");
  h.event(login_action::retry);
  EXPECT_EQ(h.flow.screen(), LoginScreen::loading);
  EXPECT_EQ(h.body(), (json{{"step_up", true}}));
  // Cancel on the device chooser starts again as well.
  h.reply(h.http().id, 200,
          login_started({device_json("mk-1", "mobile_key", "Mobile Key"), device_json("sms-1", "sms", "Phone")}));
  h.event(login_action::cancel);
  EXPECT_EQ(h.flow.screen(), LoginScreen::loading);
  EXPECT_EQ(h.body(), (json{{"step_up", true}}));
}

TEST(LoginFlowStepUp, RefusalsAreOutcomesWhoseRetryStartsAgain) {
  StepUp h;
  // No session (logged out meanwhile).
  h.reply(h.http().id, 401, error_body("session.none"));
  EXPECT_EQ(h.flow.screen(), LoginScreen::failed);
  EXPECT_EQ(h.text_of("sls-error"), "You are not logged in, or your session has ended. Please log in again.");
  EXPECT_EQ(h.text_of("sls-title"), "Change not confirmed");
  ASSERT_EQ(h.emitted("error").size(), 1u);
  EXPECT_EQ(h.emitted("error")[0]["code"], "session.none");
  h.event(login_action::retry);
  EXPECT_EQ(h.body(), (json{{"step_up", true}}));
  // A password-only session.
  h.reply(h.http().id, 409, error_body("step_up.no_device"));
  EXPECT_EQ(h.flow.screen(), LoginScreen::failed);
  EXPECT_EQ(h.emitted("error")[0]["code"], "step_up.no_device");
  h.event(login_action::retry);
  // Locked, unreachable, throttled.
  h.reply(h.http().id, 423, error_body("auth.locked", std::nullopt, 900));
  EXPECT_EQ(h.flow.screen(), LoginScreen::locked);
  h.event(login_action::retry);
  h.reply(h.http().id, 0);
  EXPECT_EQ(h.flow.screen(), LoginScreen::network_error);
  h.event(login_action::retry);
  EXPECT_EQ(h.http().path, "/login");
  h.reply(h.http().id, 429, error_body("rate.limited"), 30);
  EXPECT_EQ(h.flow.screen(), LoginScreen::failed);
  // No device in the reply.
  h.event(login_action::retry);
  h.reply(h.http().id, 200, login_started({}));
  EXPECT_EQ(h.flow.screen(), LoginScreen::failed);
  EXPECT_EQ(h.emitted("error")[0]["code"], "step_up.no_device");
}

TEST(LoginFlowStepUp, AnotherSessionAtCompletionEndsTheStepUp) {
  StepUp h;
  h.reply(h.http().id, 200, login_started({device_json("dev-1", "temp_code", "Temporary code")}));
  h.reply(h.http().id, 200, temp_challenge());
  h.event(login_action::input_code, "ABCDE-FGHJK");
  h.event(login_action::submit);
  h.reply(h.http().id, 200, R"({"completion_token":"tok-1"})");
  h.reply(h.http().id, 403, error_body("step_up.other_session"));
  EXPECT_EQ(h.flow.screen(), LoginScreen::failed);
  EXPECT_EQ(h.emitted("error")[0]["code"], "step_up.other_session");
  EXPECT_TRUE(h.emitted("authenticated").empty());
  h.event(login_action::retry);
  EXPECT_EQ(h.body(), (json{{"step_up", true}}));
}

TEST(LoginFlowStepUp, ANormalFlowIsUnchanged) {
  Harness h;
  EXPECT_EQ(h.flow.screen(), LoginScreen::credentials);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  const auto id = h.submit_credentials();
  h.reply(id, 401, error_body("session.none"));
  EXPECT_EQ(h.flow.screen(), LoginScreen::credentials);
}

}  // namespace
}  // namespace sls
