// LoginFlow's push approval (number to match, countdown, polling, retries)
// and its long-polled status, driven with simulated time.
#include <gtest/gtest.h>

#include "login_flow_harness.hpp"

namespace sls {
namespace {

using namespace flow_testing;  // NOLINT(google-build-using-namespace): the harness of these tests

// --- push ----------------------------------------------------------------------------------

TEST(LoginFlow, PushShowsNumberAndCountdownAndPolls) {
  PushHarness h;
  EXPECT_EQ(h.flow.screen(), LoginScreen::push);
  EXPECT_EQ(h.focus(), "sls-title");
  EXPECT_NE(h.html().find(">47<"), std::string::npos);
  EXPECT_NE(h.html().find("You have 2 minutes to approve this request."), std::string::npos);
  EXPECT_EQ(h.text_of("sls-countdown"), "Time left: 2:00");
  EXPECT_EQ(h.text_of("sls-status"), "Waiting for your approval on Mobile Key.");
  h.advance(1000);
  h.fire(h.tick_timer);
  EXPECT_EQ(h.text_of("sls-countdown"), "Time left: 1:59");
  EXPECT_NE(h.timer_with_delay(1000), nullptr);  // next tick
  const auto& poll = h.poll_now();
  EXPECT_EQ(poll.method, "GET");
  EXPECT_EQ(poll.path, "/push/Tx_0123456789abcdefghij");
}

TEST(LoginFlow, PushHonoursRetryAfterAndBacksOff) {
  PushHarness h;
  h.advance(1000);
  auto id = h.poll_now().id;
  h.reply(id, 200, json{{"status", "pending"}, {"expires_at", kT0s + 120}}.dump(), 7);
  const TimerEffect* t = h.timer_with_delay(7000);
  ASSERT_NE(t, nullptr);
  h.advance(7000);
  h.fire(t->id);
  h.reply(h.http().id, 429, error_body("rate.limited"), 20);
  t = h.timer_with_delay(20000);
  ASSERT_NE(t, nullptr);
  h.advance(20000);
  h.fire(t->id);
  h.reply(h.http().id, 503, "", std::nullopt);
  t = h.timer_with_delay(5000);  // backoff: 1 s → 2 s → 4 s → 5 s cap
  ASSERT_NE(t, nullptr);
}

TEST(LoginFlow, PushApprovedCompletesTheLogin) {
  PushHarness h;
  h.advance(1000);
  h.reply(h.poll_now().id, 200,
          json{{"status", "approved"}, {"expires_at", kT0s + 120}, {"completion_token", "tok-push"}}.dump());
  EXPECT_EQ(h.flow.screen(), LoginScreen::loading);
  EXPECT_EQ(h.body(), (json{{"completion_token", "tok-push"}}));
  EXPECT_EQ(h.all<CancelTimerEffect>().size(), 1u);  // the tick
  h.reply(h.http().id, 200, kSession);
  EXPECT_EQ(h.flow.screen(), LoginScreen::authenticated);
  EXPECT_EQ(h.text_of("sls-status"), "You are logged in");
}

TEST(LoginFlow, PushDeniedThenRetry) {
  PushHarness h;
  h.advance(1000);
  h.reply(h.poll_now().id, 200, json{{"status", "denied"}, {"expires_at", kT0s + 120}}.dump());
  EXPECT_EQ(h.flow.screen(), LoginScreen::failed);
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::push_denied), Lang::en));
  EXPECT_EQ(h.emitted("error")[0]["code"], "push.denied");
  EXPECT_EQ(h.focus(), "sls-error");
  h.event(login_action::retry);
  EXPECT_EQ(h.body(), (json{{"device_id", "dev-1"}}));
  h.reply(h.http().id, 200, push_challenge());
  EXPECT_EQ(h.flow.screen(), LoginScreen::push);
}

TEST(LoginFlow, PushExpiredAndCancelledByServer) {
  const std::pair<const char*, Errc> cases[] = {{"expired", Errc::push_expired}, {"cancelled", Errc::push_cancelled}};
  for (auto [status, code] : cases) {
    PushHarness h;
    h.advance(1000);
    h.reply(h.poll_now().id, 200, json{{"status", status}, {"expires_at", kT0s + 120}}.dump());
    EXPECT_EQ(h.flow.screen(), LoginScreen::failed) << status;
    EXPECT_EQ(h.text_of("sls-error"), localize(fail(code), Lang::en));
    h.event(login_action::retry);
    EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/challenge");
  }
}

TEST(LoginFlow, PushCountdownEndsTheWait) {
  PushHarness h;
  std::uint64_t tick = h.tick_timer;
  std::vector<std::string> announced;
  for (int i = 0; i < 120; ++i) {
    h.advance(1000);
    h.fire(tick);
    if (auto* a = h.one<AnnounceEffect>()) announced.push_back(a->text);
    if (h.flow.screen() != LoginScreen::push) break;
    tick = h.timer_with_delay(1000)->id;
  }
  EXPECT_EQ(h.flow.screen(), LoginScreen::failed);
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::push_expired), Lang::en));
  // The live region speaks at a few milestones only, not every second.
  EXPECT_EQ(announced,
            (std::vector<std::string>{"Time left: 1 minute", "Time left: 30 seconds", "Time left: 10 seconds"}));
  // The pending poll timer was cancelled; firing it now does nothing.
  h.fire(h.poll_timer);
  EXPECT_TRUE(h.out.effects.empty());
}

TEST(LoginFlow, PushCancelGoesBackToTheStart) {
  PushHarness h;
  h.advance(1000);
  const auto poll_id = h.poll_now().id;
  h.event(login_action::cancel);
  EXPECT_EQ(h.flow.screen(), LoginScreen::credentials);
  bool deleted = false;
  for (auto* e : h.all<HttpEffect>()) deleted |= e->method == "DELETE";
  EXPECT_TRUE(deleted);
  EXPECT_EQ(h.all<CancelHttpEffect>().size(), 1u);
  // The poll's late reply is stale.
  h.reply(poll_id, 200, json{{"status", "approved"}, {"expires_at", kT0s + 120}, {"completion_token", "t"}}.dump());
  EXPECT_TRUE(h.out.effects.empty());
  EXPECT_EQ(h.flow.screen(), LoginScreen::credentials);
}

TEST(LoginFlow, NoNotificationSwitchesToChallengeResponse) {
  PushHarness h;
  h.event(login_action::no_notification);
  EXPECT_EQ(h.flow.screen(), LoginScreen::loading);
  EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/challenge");
  EXPECT_EQ(h.body(), (json{{"device_id", "dev-1"}, {"mode", "ocra"}}));
  h.reply(h.http().id, 200, ocra_challenge(true));
  EXPECT_EQ(h.flow.screen(), LoginScreen::challenge_response);
  EXPECT_EQ(h.text_of("sls-title"), "Confirm with Mobile Key");
  // The old poll timer is dead.
  h.fire(h.poll_timer);
  EXPECT_TRUE(h.all<HttpEffect>().empty());
}

TEST(LoginFlow, PushNetworkFailuresAreRetriedThenOfferRetry) {
  PushHarness h;
  std::uint64_t timer = h.poll_timer;
  for (int i = 0; i < 3; ++i) {
    h.advance(1000);
    h.fire(timer);
    h.reply(h.http().id, 0);
    EXPECT_EQ(h.flow.screen(), LoginScreen::push);
    timer = h.all<TimerEffect>().at(0)->id;
  }
  h.fire(timer);
  h.reply(h.http().id, 0);
  EXPECT_EQ(h.flow.screen(), LoginScreen::network_error);
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::network_failed), Lang::en));
  EXPECT_EQ(h.focus(), "sls-error");
  EXPECT_EQ(h.attr("sls-retry", "data-on-click"), "<none>");  // bindings are events, not attributes
  ASSERT_NE(h.node("sls-retry"), nullptr);
  EXPECT_EQ(h.node("sls-retry")->events.at(0).action, "retry");
  h.event(login_action::retry);
  EXPECT_EQ(h.flow.screen(), LoginScreen::push);
  const TimerEffect* t = h.timer_with_delay(1000);
  ASSERT_NE(t, nullptr);
  h.fire(t->id);
  EXPECT_EQ(h.http().path, "/push/Tx_0123456789abcdefghij");
}

TEST(LoginFlow, NetworkFailureOpeningAChallengeReplaysIt) {
  Harness h;
  const auto id = h.submit_credentials();
  h.reply(id, 200, login_started({device_json("dev-1", "sms", "Phone")}));
  h.reply(h.http().id, 0);
  EXPECT_EQ(h.flow.screen(), LoginScreen::network_error);
  h.event(login_action::retry);
  EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/challenge");
  EXPECT_EQ(h.body(), (json{{"device_id", "dev-1"}}));
  h.reply(h.http().id, 404, error_body("login.not_found"));
  EXPECT_EQ(h.flow.screen(), LoginScreen::expired);
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::login_not_found), Lang::en));
}

TEST(LoginFlow, NetworkFailureOnCompleteReplaysIt) {
  Harness h;
  const auto id = h.submit_credentials();
  h.reply(id, 200, kVerifiedLogin);
  h.reply(h.http().id, 502);
  EXPECT_EQ(h.flow.screen(), LoginScreen::network_error);
  h.event(login_action::retry);
  EXPECT_EQ(h.body(), (json{{"completion_token", "tok-1"}}));
  h.reply(h.http().id, 410, error_body("login.token_invalid"));
  EXPECT_EQ(h.flow.screen(), LoginScreen::expired);
}

TEST(LoginFlow, ThrottledCompleteWaitsAndHandsOffAgain) {
  Harness h;
  const auto id = h.submit_credentials();
  h.reply(id, 200, kVerifiedLogin);
  h.reply(h.http().id, 429, error_body("rate.limited"), 3);
  EXPECT_EQ(h.flow.screen(), LoginScreen::loading);
  EXPECT_TRUE(h.flow.busy());
  EXPECT_TRUE(h.all<HttpEffect>().empty());
  const TimerEffect* wait = h.timer_with_delay(3000);
  ASSERT_NE(wait, nullptr);
  const auto timer_id = wait->id;
  h.advance(3000);
  h.fire(timer_id);
  EXPECT_EQ(h.http().path, "/login/L0gin_Id-0123456789abcd/complete");
  EXPECT_EQ(h.body(), (json{{"completion_token", "tok-1"}}));
  h.reply(h.http().id, 200, R"({"username":"alice","device_kind":"none","limits":{},"restrictions":[]})");
  EXPECT_EQ(h.flow.screen(), LoginScreen::authenticated);
}

// --- long poll ---------------------------------------------------------------------------------

constexpr std::string_view kTxPath = "/push/Tx_0123456789abcdefghij";

struct LongPollHarness : Harness {
  LongPollHarness() : Harness(Lang::en, {}, 10) {}
  std::string pending(std::int64_t expires_in_s = 120) const {
    return json{{"status", "pending"}, {"expires_at", kT0s + expires_in_s}}.dump();
  }
  /// The poll timer among the effects (the countdown's tick has 1000 ms).
  const TimerEffect* poll_timer() const {
    for (auto* e : all<TimerEffect>())
      if (e->delay_ms != 1000) return e;
    return nullptr;
  }
  /// The one GET among the effects, or null.
  const HttpEffect* get() const {
    const HttpEffect* found = nullptr;
    for (auto* e : all<HttpEffect>())
      if (e->method == "GET") found = e;
    return found;
  }
};

TEST(LoginFlow, LongPollAsksAtOnceAndAgainAsSoonAsAHeldReplyComesBack) {
  LongPollHarness h;
  to_challenge(h, "mobile_key", push_challenge());
  ASSERT_NE(h.get(), nullptr);  // no 1 s wait before the first ask
  EXPECT_EQ(h.get()->path, std::string(kTxPath) + "?wait=10");
  for (int i = 0; i < 3; ++i) {
    const auto id = h.get()->id;
    h.advance(10'000);  // held by the server for the whole wait
    h.reply(id, 200, h.pending(), 2);
    ASSERT_NE(h.get(), nullptr) << "asked again at once, not after Retry-After";
    EXPECT_EQ(h.get()->path, std::string(kTxPath) + "?wait=10");
    EXPECT_EQ(h.poll_timer(), nullptr);
  }
  // The decision arrives while the request is held.
  h.advance(300);
  h.reply(h.get()->id, 200,
          json{{"status", "approved"}, {"expires_at", kT0s + 120}, {"completion_token", "tok-lp"}}.dump());
  EXPECT_EQ(h.flow.screen(), LoginScreen::loading);
  EXPECT_EQ(h.body(), (json{{"completion_token", "tok-lp"}}));
}

TEST(LoginFlow, LongPollCutShortTooOftenFallsBackToPolling) {
  LongPollHarness h;
  to_challenge(h, "mobile_key", push_challenge());
  auto id = h.get()->id;
  // A proxy answers (or the server is full): pending at once, three times.
  for (int i = 0; i < 3; ++i) {
    h.advance(50);
    h.reply(id, 200, h.pending(), 2);
    EXPECT_EQ(h.get(), nullptr) << "an early reply is never followed at once";
    const TimerEffect* t = h.poll_timer();
    ASSERT_NE(t, nullptr);
    EXPECT_GE(t->delay_ms, 2000);  // the policy's backoff with the Retry-After floor
    h.advance(t->delay_ms);
    h.fire(t->id);
    ASSERT_NE(h.get(), nullptr);
    // Still asking to be held until the third early reply; plain after it.
    EXPECT_EQ(h.get()->path, i < 2 ? std::string(kTxPath) + "?wait=10" : std::string(kTxPath)) << i;
    id = h.get()->id;
  }
  // From here on the plain schedule: a pending reply waits for the backoff.
  h.advance(100);
  h.reply(id, 200, h.pending(), 2);
  ASSERT_NE(h.poll_timer(), nullptr);
  EXPECT_EQ(h.get(), nullptr);
}

TEST(LoginFlow, AHeldReplyBetweenEarlyOnesResetsTheCount) {
  LongPollHarness h;
  to_challenge(h, "mobile_key", push_challenge());
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 2; ++i) {  // two early replies: one short of the fallback
      h.advance(50);
      h.reply(h.get()->id, 200, h.pending(), 2);
      const TimerEffect* t = h.poll_timer();
      ASSERT_NE(t, nullptr);
      h.advance(t->delay_ms);
      h.fire(t->id);
    }
    h.advance(10'000);
    h.reply(h.get()->id, 200, h.pending(), 2);  // held: the count starts over
    ASSERT_NE(h.get(), nullptr);
    EXPECT_EQ(h.get()->path, std::string(kTxPath) + "?wait=10") << round;
  }
}

TEST(LoginFlow, LongPollErrorFallsBackToPolling) {
  for (int status : {502, 504, 0, 429}) {
    LongPollHarness h;
    to_challenge(h, "mobile_key", push_challenge());
    h.advance(30);
    h.reply(h.get()->id, status, "", status == 429 ? std::optional<std::int64_t>(3) : std::nullopt);
    const TimerEffect* t = h.poll_timer();
    ASSERT_NE(t, nullptr) << status;
    EXPECT_EQ(h.get(), nullptr);
    h.advance(t->delay_ms);
    h.fire(t->id);
    ASSERT_NE(h.get(), nullptr);
    EXPECT_EQ(h.get()->path, kTxPath) << status;
    EXPECT_EQ(h.flow.screen(), LoginScreen::push);
  }
}

TEST(LoginFlow, LongPollStopsAtTheDeadlineAndShowsTheExpiry) {
  LongPollHarness h;
  to_challenge(h, "mobile_key", push_challenge(15));
  h.advance(10'000);
  h.reply(h.get()->id, 200, h.pending(15), 2);
  ASSERT_NE(h.get(), nullptr);
  h.advance(10'000);  // past the push's expiry
  h.reply(h.get()->id, 200, h.pending(15), 2);
  EXPECT_EQ(h.get(), nullptr);
  EXPECT_EQ(h.flow.screen(), LoginScreen::failed);
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::push_expired), Lang::en));
}

TEST(LoginFlow, LongPollDenialEndsTheWaitAsBefore) {
  LongPollHarness h;
  to_challenge(h, "mobile_key", push_challenge());
  h.advance(4000);
  h.reply(h.get()->id, 200, json{{"status", "denied"}, {"expires_at", kT0s + 120}}.dump());
  EXPECT_EQ(h.flow.screen(), LoginScreen::failed);
  EXPECT_EQ(h.text_of("sls-error"), localize(fail(Errc::push_denied), Lang::en));
}

TEST(LoginFlow, QrRouteLongPollsTheChallengeStatus) {
  LongPollHarness h;
  to_challenge(h, "mobile_key", ocra_challenge(true));
  ASSERT_NE(h.get(), nullptr);
  EXPECT_EQ(h.get()->path, std::string(kLoginPath) + "/challenge-status?wait=10");
  h.advance(10'000);
  h.reply(h.get()->id, 200, h.pending(300), 2);
  ASSERT_NE(h.get(), nullptr);
  h.advance(1200);
  h.reply(h.get()->id, 200,
          json{{"status", "approved"}, {"expires_at", kT0s + 300}, {"completion_token", "tok-qr"}}.dump());
  EXPECT_EQ(h.body(), (json{{"completion_token", "tok-qr"}}));
}

}  // namespace
}  // namespace sls
