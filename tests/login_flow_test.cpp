// LoginFlow, the core of <sls-login>, driven with simulated time: the
// credentials, the device choice, code cards, challenge/response, SMS and
// temporary codes, language and robustness. Push and long poll:
// login_flow_push_test.cpp; every screen's snapshot: login_snapshots_test.cpp.
#include <gtest/gtest.h>

#include "login_flow_harness.hpp"
#include "sls/response.hpp"

namespace sls {
namespace {

using namespace flow_testing;  // NOLINT(google-build-using-namespace): the harness of these tests

// --- credentials ---------------------------------------------------------------------------

TEST(LoginFlow, EachEffectTypeHasItsKindName) {
  // Effect is move-only (an http effect holds secrets): one at a time.
  auto kind_of = [](Effect e) { return effect_kind_id(effect_kind(e)); };
  EXPECT_EQ(kind_of(HttpEffect{}), "http");
  EXPECT_EQ(kind_of(CancelHttpEffect{}), "cancel_http");
  EXPECT_EQ(kind_of(TimerEffect{}), "timer");
  EXPECT_EQ(kind_of(CancelTimerEffect{}), "cancel_timer");
  EXPECT_EQ(kind_of(FocusEffect{}), "focus");
  EXPECT_EQ(kind_of(AnnounceEffect{}), "announce");
  EXPECT_EQ(kind_of(EmitEffect{}), "emit");
}

TEST(LoginFlow, StartsOnTheCredentialsScreen) {
  Harness h;
  EXPECT_EQ(h.flow.screen(), LoginScreen::credentials);
  EXPECT_EQ(h.focus(), "sls-username");
  ASSERT_EQ(h.emitted("state").size(), 1u);
  EXPECT_EQ(h.emitted("state")[0]["screen"], "credentials");
  EXPECT_EQ(h.attr("sls-status", "role"), "status");
  EXPECT_EQ(h.attr("sls-status", "aria-live"), "polite");
  EXPECT_EQ(*h.out.view.find_attr("lang"), "en");
  EXPECT_EQ(h.attr("sls-username", "autocomplete"), "username");
  EXPECT_EQ(h.attr("sls-password", "autocomplete"), "current-password");
  EXPECT_TRUE(h.all<HttpEffect>().empty());
}

TEST(LoginFlow, PrefilledUserNameFocusesThePassword) {
  Harness h(Lang::en, "bob");
  EXPECT_EQ(h.focus(), "sls-password");
  EXPECT_EQ(h.attr("sls-username", "value"), "bob");
}

TEST(LoginFlow, MissingFieldsNeverReachTheServer) {
  Harness h;
  h.event(login_action::submit);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  EXPECT_EQ(h.text_of("sls-error"), "Enter your user name.");
  EXPECT_EQ(h.attr("sls-username", "aria-invalid"), "true");
  EXPECT_EQ(h.focus(), "sls-error");
  h.event(login_action::input_username, "alice");
  EXPECT_EQ(h.node("sls-error"), nullptr);  // typing clears it
  h.event(login_action::submit);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  EXPECT_EQ(h.text_of("sls-error"), "Enter your password.");
  EXPECT_EQ(h.attr("sls-password", "aria-invalid"), "true");
  EXPECT_TRUE(h.emitted("error").empty());  // local checks are not reported as sls-error
}

TEST(LoginFlow, SubmitSendsTheCredentialsAndWipesThePassword) {
  Harness h;
  const auto id = h.submit_credentials("alice", "p\"w\\d");
  const auto& e = h.http();
  EXPECT_EQ(e.method, "POST");
  EXPECT_EQ(e.path, "/login");
  EXPECT_EQ(h.body(), (json{{"username", "alice"}, {"password", "p\"w\\d"}}));
  EXPECT_TRUE(h.flow.busy());
  EXPECT_EQ(h.emitted("state")[0]["busy"], true);
  EXPECT_EQ(h.html().find("p\"w"), std::string::npos);
  // Busy: a second submit is ignored.
  h.event(login_action::submit);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  // A wrong password: the flow no longer holds the old one.
  h.reply(id, 401, error_body("auth.bad_credentials"));
  EXPECT_EQ(h.text_of("sls-error"), "The user name or password is not correct.");
  EXPECT_EQ(h.focus(), "sls-error");
  ASSERT_EQ(h.emitted("error").size(), 1u);
  EXPECT_EQ(h.emitted("error")[0]["code"], "auth.bad_credentials");
  EXPECT_EQ(h.attr("sls-password", "aria-invalid"), "true");
  h.event(login_action::submit);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  EXPECT_EQ(h.text_of("sls-error"), "Enter your password.");
}

TEST(LoginFlow, PasswordFieldIsReplacedAfterSubmit) {
  Harness h;
  auto key_of = [&] {
    const Node* n = h.node("sls-password");
    return n ? n->key : std::string();
  };
  const std::string before = key_of();
  const auto id = h.submit_credentials();
  EXPECT_NE(key_of(), before);  // a new, empty input
  EXPECT_EQ(h.node("sls-password")->find_attr("value"), nullptr);
  h.reply(id, 401, error_body("auth.bad_credentials"));
}

TEST(LoginFlow, Locked423) {
  Harness h;
  const auto id = h.submit_credentials();
  h.reply(id, 423, error_body("auth.locked", std::nullopt, 900));
  EXPECT_EQ(h.flow.screen(), LoginScreen::locked);
  EXPECT_EQ(h.text_of("sls-error"),
            "Too many failed attempts: logging in is locked for a while. Please try again later. You can try again "
            "in 15 minutes.");
  EXPECT_EQ(h.focus(), "sls-error");
  h.event(login_action::restart);
  EXPECT_EQ(h.flow.screen(), LoginScreen::credentials);
}

TEST(LoginFlow, Throttled429BlocksSubmitUntilRetryAfter) {
  Harness h;
  const auto id = h.submit_credentials();
  h.reply(id, 429, error_body("rate.limited"), 30);
  EXPECT_EQ(h.flow.screen(), LoginScreen::credentials);
  EXPECT_EQ(h.text_of("sls-error"),
            "Too many requests. Please wait a moment and try again. You can try again in 30 seconds.");
  h.advance(10'000);
  h.event(login_action::input_password, "again");
  h.event(login_action::submit);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  EXPECT_EQ(h.text_of("sls-error"),
            "Too many requests. Please wait a moment and try again. You can try again in 20 seconds.");
  h.advance(20'000);
  h.event(login_action::submit);
  EXPECT_EQ(h.http().path, "/login");
}

TEST(LoginFlow, NetworkFailureAndServerErrorOnLoginStayOnTheForm) {
  Harness h;
  auto id = h.submit_credentials();
  h.reply(id, 0);
  EXPECT_EQ(h.flow.screen(), LoginScreen::credentials);
  EXPECT_FALSE(h.flow.busy());
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::network_failed), Lang::en));
  id = h.submit_credentials();
  h.reply(id, 500, "oops");
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::internal), Lang::en));
  EXPECT_EQ(h.emitted("error")[0]["code"], "internal");
}

TEST(LoginFlow, StaleAndUnknownRepliesAreIgnored) {
  Harness h;
  const auto id = h.submit_credentials();
  h.reply(id + 100, 200, login_started({device_json("d", "sms", "x")}));
  EXPECT_TRUE(h.out.effects.empty());
  EXPECT_TRUE(h.flow.busy());
  h.reply(id, 401, error_body("auth.bad_credentials"));
  // The same reply again (a duplicate) changes nothing.
  h.reply(id, 200, login_started({device_json("d", "sms", "x")}));
  EXPECT_TRUE(h.out.effects.empty());
  EXPECT_EQ(h.flow.screen(), LoginScreen::credentials);
}

TEST(LoginFlow, PasswordOnlyAccountCompletesAtOnce) {
  Harness h;
  const auto id = h.submit_credentials();
  h.reply(id, 200, kVerifiedLogin);
  EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/complete");
  EXPECT_EQ(h.body(), (json{{"completion_token", "tok-1"}}));
  h.reply(h.http().id, 200, kSession);
  EXPECT_EQ(h.flow.screen(), LoginScreen::authenticated);
  ASSERT_EQ(h.emitted("authenticated").size(), 1u);
  EXPECT_EQ(h.emitted("authenticated")[0], json::parse(kSession));
  EXPECT_EQ(h.text_of("sls-title"), "You are logged in");
}

TEST(LoginFlow, TheAudienceAndNonceAreSentWithTheCompletion) {
  Harness h;
  LoginConfig c;
  c.now_ms = h.now;
  c.audience = "https://broker.example";
  c.nonce = R"(n"o\nce~)";  // JSON-escaped in the body, not cut
  h.out = h.flow.start(std::move(c));
  const auto id = h.submit_credentials();
  h.reply(id, 200, kVerifiedLogin);
  EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/complete");
  EXPECT_EQ(h.body(),
            (json{{"completion_token", "tok-1"}, {"audience", "https://broker.example"}, {"nonce", R"(n"o\nce~)"}}));
}

TEST(LoginFlow, AnAudienceOrNonceChangedMidLoginIsTheOneSent) {
  Harness h;
  h.flow.set_assertion_request("", "late-nonce");  // the host set only a nonce, after the start
  const auto id = h.submit_credentials();
  h.reply(id, 200, kVerifiedLogin);
  EXPECT_EQ(h.body(), (json{{"completion_token", "tok-1"}, {"nonce", "late-nonce"}}));
  // Both cleared: a later login sends the token alone.
  h.flow.set_assertion_request("", "");
  LoginConfig c;
  c.now_ms = h.now;
  h.out = h.flow.start(std::move(c));
  const auto again = h.submit_credentials();
  h.reply(again, 200, kVerifiedLogin);
  EXPECT_EQ(h.body(), (json{{"completion_token", "tok-1"}}));
}

TEST(LoginFlow, RefusesAnUnsafeLoginId) {
  Harness h;
  const auto id = h.submit_credentials();
  h.reply(id, 200,
          json{{"login_id", "../admin"},
               {"login_secret", kSecret},
               {"state", "second_factor"},
               {"devices", {{{"device_id", "d"}, {"kind", "sms"}, {"label", "x"}}}}}
              .dump());
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::internal), Lang::en));
}

TEST(LoginFlow, EveryRequestAfterLoginCarriesTheLoginSecretInAHeaderOnly) {
  Harness h;
  const auto id = h.submit_credentials();
  EXPECT_TRUE(h.http().headers.empty()) << "/login itself carries no secret";
  std::vector<std::string> seen;
  auto check = [&](const HttpEffect& e) {
    EXPECT_EQ(Harness::header(e, kLoginSecretHeader), kSecret) << e.method << " " << e.path;
    EXPECT_EQ(e.headers.size(), 1u);
    EXPECT_EQ(e.path.find(kSecret), std::string::npos);
    EXPECT_EQ(std::string(e.body.view()).find(kSecret), std::string::npos);
    seen.push_back(e.method + " " + e.path);
  };
  h.reply(id, 200, login_started({device_json("mk-1", "mobile_key", "Phone")}));
  check(h.http());  // open the push challenge
  h.reply(h.http().id, 200, push_challenge());
  h.advance(1000);
  h.fire(h.timer_with_delay(1000)->id);
  check(h.http());  // poll the push
  h.event(login_action::no_notification);
  check(h.http());  // open a challenge/response challenge instead
  h.reply(h.http().id, 200, ocra_challenge());
  h.event(login_action::input_code, *response_from_ocra("1234567"));
  h.event(login_action::submit);
  check(h.http());  // verify
  h.reply(h.http().id, 200, R"({"completion_token":"tok-1"})");
  check(h.http());  // complete
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "POST /login/L0gin_Id-0123456789abcd/challenge", "GET /push/Tx_0123456789abcdefghij",
                      "POST /login/L0gin_Id-0123456789abcd/challenge", "POST /login/L0gin_Id-0123456789abcd/verify",
                      "POST /login/L0gin_Id-0123456789abcd/complete"}));

  // Cancelling a push carries it too; the next login starts without it.
  Harness h2;
  h2.reply(h2.submit_credentials(), 200, login_started({device_json("mk-1", "mobile_key", "Phone")}));
  h2.reply(h2.http().id, 200, push_challenge());
  h2.event(login_action::cancel);
  ASSERT_EQ(h2.flow.screen(), LoginScreen::credentials);
  ASSERT_EQ(h2.all<HttpEffect>().size(), 1u);
  EXPECT_EQ(h2.http().method, "DELETE");
  check(h2.http());
  h2.submit_credentials();
  EXPECT_EQ(h2.http().path, "/login");
  EXPECT_TRUE(h2.http().headers.empty());
}

TEST(LoginFlow, ALoginReplyWithoutASecretIsRefused) {
  Harness h;
  const auto id = h.submit_credentials();
  h.reply(id, 200,
          json{{"login_id", "L0gin_Id-0123456789abcd"},
               {"state", "second_factor"},
               {"devices", {{{"device_id", "d"}, {"kind", "sms"}, {"label", "x"}}}}}
              .dump());
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::internal), Lang::en));
}

// --- device choice -------------------------------------------------------------------------

TEST(LoginFlow, SeveralDevicesShowTheChooserDefaultFirst) {
  Harness h;
  const auto id = h.submit_credentials();
  h.reply(id, 200,
          login_started({device_json("card-1", "code_card", "Code card 0042"),
                         device_json("mk-1", "mobile_key", "Mobile Key (phone ending 1234)")},
                        "mk-1"));
  EXPECT_EQ(h.flow.screen(), LoginScreen::device_choice);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  EXPECT_EQ(h.focus(), "sls-device-0");
  EXPECT_EQ(h.attr("sls-device-0", "value"), "mk-1");
  EXPECT_EQ(h.attr("sls-device-1", "value"), "card-1");
  EXPECT_EQ(h.text_of("sls-device-1"), "Code card 0042Security code card");
  h.event(login_action::choose_device, "nonexistent");
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  h.event(login_action::choose_device, "card-1");
  EXPECT_EQ(h.flow.screen(), LoginScreen::loading);
  EXPECT_EQ(h.body(), (json{{"device_id", "card-1"}}));
  h.reply(h.http().id, 200, card_challenge());
  EXPECT_EQ(h.flow.screen(), LoginScreen::code_card);
  // Switch devices from the challenge screen.
  h.event(login_action::use_other_device);
  EXPECT_EQ(h.flow.screen(), LoginScreen::device_choice);
  h.event(login_action::choose_device, "mk-1");
  EXPECT_EQ(h.body(), (json{{"device_id", "mk-1"}}));
  h.reply(h.http().id, 200, push_challenge());
  EXPECT_EQ(h.flow.screen(), LoginScreen::push);
  // Leaving a push cancels it on the server and stops polling.
  h.event(login_action::use_other_device);
  EXPECT_EQ(h.http().method, "DELETE");
  EXPECT_EQ(h.http().path, "/push/Tx_0123456789abcdefghij");
  EXPECT_EQ(h.all<CancelTimerEffect>().size(), 2u);
  EXPECT_EQ(h.flow.screen(), LoginScreen::device_choice);
}

TEST(LoginFlow, NoDevicesIsAnError) {
  Harness h;
  const auto id = h.submit_credentials();
  h.reply(id, 200, login_started({}));
  EXPECT_EQ(h.flow.screen(), LoginScreen::credentials);
  EXPECT_EQ(h.emitted("error")[0]["code"], "login.no_device");
}

// --- code card -----------------------------------------------------------------------------

TEST(LoginFlow, CodeCardValidatesLiveAndSendsTheNormalisedEntry) {
  Harness h;
  to_challenge(h, "code_card", card_challenge());
  EXPECT_EQ(h.flow.screen(), LoginScreen::code_card);
  EXPECT_EQ(h.focus(), "sls-code");
  EXPECT_EQ(h.attr("sls-code", "autocapitalize"), "characters");
  EXPECT_EQ(h.attr("sls-code", "spellcheck"), "false");
  EXPECT_EQ(h.attr("sls-code", "autocomplete"), "one-time-code");
  EXPECT_EQ(h.emitted("state")[0]["method"], "code_card");
  EXPECT_NE(h.html().find("Index 12"), std::string::npos);
  EXPECT_NE(h.html().find("Index 87"), std::string::npos);

  h.event(login_action::input_code, "a3d");
  EXPECT_EQ(h.text_of("sls-code-preview"), "You typed: A3D");
  EXPECT_EQ(h.node("sls-error"), nullptr);
  h.event(login_action::input_code, "a3d-7k?");
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::card_bad_character), Lang::en));
  EXPECT_EQ(h.attr("sls-code", "aria-invalid"), "true");
  EXPECT_NE(h.attr("sls-code", "aria-describedby").find("sls-error"), std::string::npos);
  h.event(login_action::submit);
  EXPECT_TRUE(h.all<HttpEffect>().empty());

  h.event(login_action::input_code, "a3d 7k");
  h.event(login_action::submit);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::card_too_short), Lang::en));
  EXPECT_EQ(h.focus(), "sls-error");

  h.event(login_action::input_code, "ａ３ｄ－７ｋｐ");  // full-width, as typed with an IME
  h.event(login_action::submit);
  EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/verify");
  EXPECT_EQ(h.body(), (json{{"challenge_id", "ch-2"}, {"response", "A3D7KP"}}));
  // The code is gone from the flow: after a wrong answer, submitting again
  // without typing does not resend it.
  EXPECT_FALSE(h.text_of("sls-status").empty());  // "Checking…" while the request is out
  h.reply(h.http().id, 401, error_body("card.mismatch", 2));
  EXPECT_EQ(h.text_of("sls-error"),
            localize(fail(Errc::card_mismatch), Lang::en) + " 2 attempts left before logging in is locked.");
  EXPECT_EQ(h.text_of("sls-status"), "");  // no stale "Checking…" beside the error
  EXPECT_EQ(h.node("sls-code-preview"), nullptr);
  h.event(login_action::submit);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
}

TEST(LoginFlow, OneAttemptLeftIsSingular) {
  Harness h;
  to_challenge(h, "code_card", card_challenge());
  h.event(login_action::input_code, "A3D7KP");
  h.event(login_action::submit);
  h.reply(h.http().id, 401, error_body("card.mismatch", 1));
  EXPECT_NE(h.text_of("sls-error").find("1 attempt left before"), std::string::npos);
}

TEST(LoginFlow, VerifyLockedAndExpired) {
  {
    Harness h;
    to_challenge(h, "code_card", card_challenge());
    h.event(login_action::input_code, "A3D7KP");
    h.event(login_action::submit);
    h.reply(h.http().id, 423, error_body("auth.locked"));
    EXPECT_EQ(h.flow.screen(), LoginScreen::locked);
  }
  {
    Harness h;
    to_challenge(h, "code_card", card_challenge());
    h.event(login_action::input_code, "A3D7KP");
    h.event(login_action::submit);
    h.reply(h.http().id, 410, error_body("challenge.expired"));
    EXPECT_EQ(h.flow.screen(), LoginScreen::failed);
    EXPECT_EQ(h.focus(), "sls-error");
    h.event(login_action::retry);  // a new challenge for the same device
    EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/challenge");
    EXPECT_EQ(h.body(), (json{{"device_id", "dev-1"}}));
  }
  {
    Harness h;
    to_challenge(h, "code_card", card_challenge());
    h.event(login_action::input_code, "A3D7KP");
    h.event(login_action::submit);
    h.reply(h.http().id, 410, error_body("login.expired"));
    EXPECT_EQ(h.flow.screen(), LoginScreen::expired);
    h.event(login_action::restart);
    EXPECT_EQ(h.flow.screen(), LoginScreen::credentials);
  }
  {
    Harness h;
    to_challenge(h, "code_card", card_challenge());
    h.event(login_action::input_code, "A3D7KP");
    h.event(login_action::submit);
    h.reply(h.http().id, 0);  // the code must be typed again: stay on the screen
    EXPECT_EQ(h.flow.screen(), LoginScreen::code_card);
    EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::network_failed), Lang::en));
  }
}

// --- challenge / response ------------------------------------------------------------------

TEST(LoginFlow, ChallengeResponseWithQrAndCheckDigit) {
  Harness h;
  to_challenge(h, "dsc_plus", ocra_challenge(false));
  EXPECT_EQ(h.flow.screen(), LoginScreen::challenge_response);
  EXPECT_EQ(h.attr("sls-code", "inputmode"), "numeric");
  EXPECT_NE(h.html().find("042 917"), std::string::npos);
  EXPECT_EQ(h.html().find("<svg"), std::string::npos);           // no QR without a payload
  EXPECT_TRUE(h.all<TimerEffect>().empty());                     // nothing to poll
  EXPECT_NE(h.html().find("enter its PIN"), std::string::npos);  // DSC+

  const std::string good = *response_from_ocra("1234567");
  std::string typo = good;
  typo[7] = typo[7] == '0' ? '1' : '0';
  h.event(login_action::input_code, typo.substr(0, 4) + " " + typo.substr(4));
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::response_check_digit), Lang::en));
  h.event(login_action::submit);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  h.event(login_action::input_code, good.substr(0, 4) + " " + good.substr(4));
  EXPECT_EQ(h.text_of("sls-code-preview"), "You typed: " + format_response(good));
  h.event(login_action::submit);
  EXPECT_EQ(h.body(), (json{{"challenge_id", "ch-1"}, {"response", good}}));
  h.reply(h.http().id, 200, R"({"completion_token":"tok-2"})");
  EXPECT_EQ(h.body(), (json{{"completion_token", "tok-2"}}));
}

TEST(LoginFlow, QrRoutePollsChallengeStatus) {
  Harness h;
  to_challenge(h, "mobile_key", ocra_challenge(true));
  EXPECT_NE(h.html().find("<svg"), std::string::npos);
  EXPECT_NE(h.html().find("role=\"img\""), std::string::npos);
  const TimerEffect* t = h.timer_with_delay(1000);
  ASSERT_NE(t, nullptr);
  h.advance(1000);
  h.fire(t->id);
  EXPECT_EQ(h.http().method, "GET");
  EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/challenge-status");
  h.reply(h.http().id, 200, json{{"status", "pending"}, {"expires_at", kT0s + 300}}.dump());
  t = h.timer_with_delay(2000);
  ASSERT_NE(t, nullptr);
  h.advance(2000);
  h.fire(t->id);
  h.reply(h.http().id, 200,
          json{{"status", "approved"}, {"expires_at", kT0s + 300}, {"completion_token", "tok-qr"}}.dump());
  EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/complete");
  EXPECT_EQ(h.body(), (json{{"completion_token", "tok-qr"}}));
}

TEST(LoginFlow, QrPollingFailuresDoNotBlockTyping) {
  Harness h;
  to_challenge(h, "mobile_key", ocra_challenge(true));
  std::uint64_t timer = h.timer_with_delay(1000)->id;
  for (int i = 0; i < 4; ++i) {
    h.fire(timer);
    h.reply(h.http().id, 0);
    if (i < 3) timer = h.all<TimerEffect>().at(0)->id;
  }
  EXPECT_TRUE(h.all<TimerEffect>().empty());
  EXPECT_EQ(h.flow.screen(), LoginScreen::challenge_response);
}

// --- SMS and temporary code ------------------------------------------------------------------

TEST(LoginFlow, SmsResendCoolDown) {
  Harness h;
  to_challenge(h, "sms", sms_challenge(120));
  EXPECT_EQ(h.flow.screen(), LoginScreen::sms);
  EXPECT_NE(h.html().find("We sent a 6-digit code to •••• 1234. It works for 10 minutes."), std::string::npos);
  EXPECT_NE(h.node("sls-resend")->find_attr("disabled"), nullptr);
  EXPECT_EQ(h.text_of("sls-countdown"), "You can ask for a new code in 2:00.");
  ASSERT_NE(h.timer_with_delay(1000), nullptr);
  std::uint64_t tick = h.timer_with_delay(1000)->id;
  h.event(login_action::resend);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  for (int i = 0; i < 120; ++i) {
    h.advance(1000);
    h.fire(tick);
    if (i < 119) tick = h.timer_with_delay(1000)->id;
  }
  EXPECT_TRUE(h.all<TimerEffect>().empty());
  EXPECT_EQ(h.text_of("sls-status"), "You can now ask for a new code.");
  EXPECT_EQ(h.node("sls-resend")->find_attr("disabled"), nullptr);
  h.event(login_action::resend);
  EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/sms/resend");
  EXPECT_TRUE(h.http().body.empty());
  h.reply(h.http().id, 200, sms_challenge(240));
  EXPECT_EQ(h.text_of("sls-status"), "A new code is on its way. The previous code no longer works.");
  EXPECT_EQ(h.text_of("sls-countdown"), "You can ask for a new code in 2:00.");
  // The server has the last word on the cool-down.
  h.advance(120'000);
  h.event(login_action::resend);
  h.reply(h.http().id, 429, error_body("sms.resend_too_soon"), 30);
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::sms_resend_too_soon), Lang::en));
  EXPECT_EQ(h.text_of("sls-countdown"), "You can ask for a new code in 0:30.");
}

TEST(LoginFlow, SmsCodeIsValidatedAndSent) {
  Harness h;
  to_challenge(h, "sms", sms_challenge());
  h.event(login_action::input_code, "12345x");
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::sms_code_format), Lang::en));
  h.event(login_action::input_code, "1234567");
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::sms_code_format), Lang::en));
  h.event(login_action::input_code, "１２３ ４５６");
  EXPECT_EQ(h.node("sls-error"), nullptr);
  EXPECT_EQ(h.text_of("sls-code-preview"), "You typed: 123 456");
  h.event(login_action::submit);
  EXPECT_EQ(h.body(), (json{{"challenge_id", "ch-3"}, {"response", "123456"}}));
}

TEST(LoginFlow, TempCodeIsNormalised) {
  Harness h;
  to_challenge(h, "temp_code", temp_challenge());
  EXPECT_EQ(h.flow.screen(), LoginScreen::temp_code);
  h.event(login_action::input_code, "abcde");
  h.event(login_action::submit);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::temp_code_format, {"10"}), Lang::en));
  h.event(login_action::input_code, "abcde-fghjo");
  h.event(login_action::submit);
  EXPECT_EQ(h.body(), (json{{"challenge_id", "ch-4"}, {"response", "ABCDEFGHJ0"}}));
}

// --- language and robustness -------------------------------------------------------------------

TEST(LoginFlow, LanguageSwitchRerendersEverything) {
  Harness h;
  h.event(login_action::submit);  // an error in English
  h.out = h.flow.set_lang(Lang::zh_Hant, h.now);
  EXPECT_EQ(*h.out.view.find_attr("lang"), "zh-Hant");
  EXPECT_EQ(h.text_of("sls-title"), "登入");
  EXPECT_EQ(h.text_of("sls-error"), "請輸入使用者名稱。");
  h.out = h.flow.set_lang(Lang::zh_Hans, h.now);
  EXPECT_EQ(h.text_of("sls-error"), "请输入用户名。");
}

TEST(LoginFlow, MalformedServerRepliesAreHandled) {
  Harness h;
  auto id = h.submit_credentials();
  h.reply(id, 200, "{not json");
  EXPECT_EQ(h.emitted("error")[0]["code"], "internal");
  id = h.submit_credentials();
  h.reply(id, 200, login_started({device_json("dev-1", "mobile_key", "x")}));
  h.reply(h.http().id, 200, R"({"method":"push","expires_at":1,"tx_id":"../x","number":"47"})");
  EXPECT_EQ(h.flow.screen(), LoginScreen::failed);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
}

TEST(LoginFlow, IdsAreMonotonic) {
  PushHarness h;
  std::uint64_t last = 0;
  std::uint64_t timer = h.poll_timer;
  for (int i = 0; i < 5; ++i) {
    h.advance(1000);
    h.fire(timer);
    const auto id = h.http().id;
    EXPECT_GT(id, last);
    last = id;
    h.reply(id, 200, json{{"status", "pending"}, {"expires_at", kT0s + 120}}.dump());
    timer = h.all<TimerEffect>().at(0)->id;
    EXPECT_GT(timer, last);
    last = timer;
  }
}

TEST(LoginFlow, IdPrefixIsSanitised) {
  LoginFlow flow;
  LoginConfig c;
  c.id_prefix = "my login\"<";
  auto out = flow.start(std::move(c));
  EXPECT_NE(out.view.find_by_id("my-login---username"), nullptr);
}

}  // namespace
}  // namespace sls
