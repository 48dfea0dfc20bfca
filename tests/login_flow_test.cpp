#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sls/login_flow.hpp"
#include "sls/messages.hpp"
#include "sls/response.hpp"
#include "sls/ui_text.hpp"

namespace sls {
namespace {

using nlohmann::json;

constexpr std::int64_t kT0 = 1'700'000'000'000;  // ms since the epoch (whole seconds)
constexpr std::int64_t kT0s = kT0 / 1000;

// --- harness ---------------------------------------------------------------------------

/// Drives a LoginFlow with simulated time and keeps the last output.
struct Harness {
  LoginFlow flow;
  std::int64_t now = kT0;
  LoginOutput out;

  /// `long_poll_wait_s` 0: plain polling, the schedule most tests check.
  explicit Harness(Lang lang = Lang::en, std::string username = {}, std::int64_t long_poll_wait_s = 0) {
    LoginConfig c;
    c.poll.long_poll_wait_s = long_poll_wait_s;
    c.lang = lang;
    c.username = std::move(username);
    c.now_ms = now;
    c.random = [](std::uint32_t) { return 0u; };  // no jitter: exact schedules
    out = flow.start(std::move(c));
  }

  const LoginOutput& event(std::string_view action, std::string_view value = {}) {
    out = flow.on_event(UserEvent{std::string(action), std::string(value), now});
    return out;
  }
  const LoginOutput& reply(std::uint64_t id, int status, std::string body = {},
                           std::optional<std::int64_t> retry_after = std::nullopt) {
    out = flow.on_reply(HttpReply{id, status, retry_after, std::move(body), now});
    return out;
  }
  const LoginOutput& fire(std::uint64_t timer_id) {
    out = flow.on_timer(TimerFired{timer_id, now});
    return out;
  }
  void advance(std::int64_t ms) { now += ms; }

  // Effects of the last output.
  template <class E>
  std::vector<const E*> all() const {
    std::vector<const E*> v;
    for (const auto& e : out.effects)
      if (const auto* typed = std::get_if<E>(&e)) v.push_back(typed);
    return v;
  }
  template <class E>
  const E* one() const {
    auto v = all<E>();
    return v.size() == 1 ? v[0] : nullptr;
  }
  const HttpEffect& http() const {
    auto v = all<HttpEffect>();
    EXPECT_EQ(v.size(), 1u) << "expected exactly one http effect";
    static const HttpEffect none{};
    return v.empty() ? none : *v.back();
  }
  json body() const { return json::parse(http().body.view()); }
  /// The value of header `name` of an http effect, "<none>" when absent.
  static std::string header(const HttpEffect& e, std::string_view name) {
    for (const auto& h : e.headers)
      if (h.name == name) return std::string(h.value.view());
    return "<none>";
  }
  const TimerEffect* timer_with_delay(std::int64_t delay) const {
    for (auto* e : all<TimerEffect>())
      if (e->delay_ms == delay) return e;
    return nullptr;
  }
  std::string focus() const {
    auto* e = one<FocusEffect>();
    return e ? e->element_id : std::string();
  }
  std::vector<json> emitted(std::string_view type) const {
    std::vector<json> v;
    for (auto* e : all<EmitEffect>())
      if (e->type == type) v.push_back(json::parse(json_serialize(e->detail)));
    return v;
  }
  std::string html() const { return to_html(out.view); }
  std::string text_of(std::string_view id) const {
    const Node* n = out.view.find_by_id(id);
    return n ? n->text_content() : "<missing " + std::string(id) + ">";
  }
  const Node* node(std::string_view id) const { return out.view.find_by_id(id); }
  std::string attr(std::string_view id, std::string_view name) const {
    const Node* n = node(id);
    const std::string* v = n ? n->find_attr(name) : nullptr;
    return v ? *v : std::string("<none>");
  }

  // Common paths.
  std::uint64_t submit_credentials(std::string_view user = "alice", std::string_view pw = "correct horse") {
    event(login_action::input_username, user);
    event(login_action::input_password, pw);
    event(login_action::submit);
    return http().id;
  }
};

std::string device_json(std::string_view id, std::string_view kind, std::string_view label) {
  return json{{"device_id", id}, {"kind", kind}, {"label", label}}.dump();
}

/// The login secret the fake /login replies hand out.
constexpr std::string_view kSecret = "S3cret-0123456789abcdefghijklmnopqrstuvwxyzA";

/// A /login reply for a password-only account: verified at once.
const std::string kVerifiedLogin = json{
    {"login_id", "L0gin_Id-0123456789abcd"},
    {"login_secret", kSecret},
    {"state", "verified"},
    {"devices", json::array()},
    {"completion_token", "tok-1"}}.dump();

std::string login_started(std::initializer_list<std::string> devices, std::string_view default_id = {}) {
  std::string s = R"({"login_id":"L0gin_Id-0123456789abcd","login_secret":")" + std::string(kSecret) +
                  R"(","state":"second_factor","devices":[)";
  bool first = true;
  for (const auto& d : devices) {
    if (!first) s += ",";
    first = false;
    s += d;
  }
  s += "]";
  if (!default_id.empty()) s += R"(,"default_device_id":")" + std::string(default_id) + "\"";
  return s + "}";
}

constexpr std::string_view kLoginPath = "/login/L0gin_Id-0123456789abcd";

std::string push_challenge(std::int64_t expires_in_s = 120) {
  return json{
      {"method", "push"}, {"expires_at", kT0s + expires_in_s}, {"tx_id", "Tx_0123456789abcdefghij"}, {"number", "47"}}
      .dump();
}
std::string ocra_challenge(bool with_qr = true) {
  json j{{"method", "ocra"}, {"challenge_id", "ch-1"}, {"expires_at", kT0s + 300}, {"challenge", "042917"}};
  if (with_qr) j["qr_payload"] = "SLS1.eyJ0eCI6IlR4In0.c2lnbmF0dXJl";
  return j.dump();
}
std::string card_challenge() {
  return json{{"method", "code_card"},
              {"challenge_id", "ch-2"},
              {"expires_at", kT0s + 300},
              {"indices", {12, 87}},
              {"card_serial", "0042"}}
      .dump();
}
std::string sms_challenge(std::int64_t resend_in_s = 120) {
  return json{{"method", "sms"},
              {"challenge_id", "ch-3"},
              {"expires_at", kT0s + 600},
              {"sent_to", "•••• 1234"},
              {"resend_after", kT0s + resend_in_s}}
      .dump();
}
std::string temp_challenge() {
  return json{{"method", "temp_code"}, {"challenge_id", "ch-4"}, {"expires_at", kT0s + 600}}.dump();
}
std::string error_body(std::string_view code, std::optional<int> attempts_left = std::nullopt,
                       std::optional<int> retry_after = std::nullopt) {
  json e{{"code", code}, {"message", "server text"}};
  if (attempts_left) e["attempts_left"] = *attempts_left;
  if (retry_after) e["retry_after"] = *retry_after;
  return json{{"error", e}}.dump();
}
const std::string kSession =
    R"({"username":"alice","device_kind":"mobile_key","access":"full","limits":{"daily":{"unlimited":false,"cents":100000000}},"restrictions":[]})";

/// Logs in as far as the challenge of a single device of `kind`.
std::uint64_t to_challenge(Harness& h, std::string_view kind, const std::string& challenge) {
  const auto login = h.submit_credentials();
  h.reply(login, 200, login_started({device_json("dev-1", kind, "My device")}));
  EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/challenge");
  h.reply(h.http().id, 200, challenge);
  return 0;
}

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

// --- push ----------------------------------------------------------------------------------

struct PushHarness : Harness {
  std::uint64_t poll_timer = 0;
  std::uint64_t tick_timer = 0;
  PushHarness() {
    to_challenge(*this, "mobile_key", push_challenge());
    poll_timer = timer_with_delay(1000)->id;
    // The tick and the first poll both fall due after 1 s: the tick is the
    // second timer.
    tick_timer = all<TimerEffect>().at(1)->id;
  }
  const HttpEffect& poll_now() {
    fire(poll_timer);
    return http();
  }
};

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

TEST(LoginFlow, IdPrefixIsSanitised) {
  LoginFlow flow;
  LoginConfig c;
  c.id_prefix = "my login\"<";
  auto out = flow.start(std::move(c));
  EXPECT_NE(out.view.find_by_id("my-login---username"), nullptr);
}

// --- UI text catalog -----------------------------------------------------------------------------

std::set<std::string> placeholders(std::string_view s) {
  std::set<std::string> out;
  for (std::size_t i = 0; i + 2 < s.size(); ++i)
    if (s[i] == '{' && s[i + 2] == '}') out.insert(std::string(s.substr(i, 3)));
  return out;
}

TEST(UiText, EveryStringInEveryLanguage) {
  ASSERT_GT(ui_text_count(), 50u);
  for (std::size_t i = 0; i < ui_text_count(); ++i) {
    const auto id = static_cast<UiText>(i);
    const auto en = ui_text(id, Lang::en), hant = ui_text(id, Lang::zh_Hant), hans = ui_text(id, Lang::zh_Hans);
    EXPECT_FALSE(en.empty()) << i;
    EXPECT_FALSE(hant.empty()) << i;
    EXPECT_FALSE(hans.empty()) << i;
    EXPECT_EQ(placeholders(en), placeholders(hant)) << en;
    EXPECT_EQ(placeholders(en), placeholders(hans)) << en;
    // Chinese text uses full-width punctuation.
    for (auto s : {hant, hans}) {
      EXPECT_EQ(s.find(", "), std::string_view::npos) << s;
      EXPECT_EQ(s.find(". "), std::string_view::npos) << s;
    }
  }
  EXPECT_TRUE(ui_text(static_cast<UiText>(ui_text_count()), Lang::en).empty());
}

TEST(UiText, FormatAndDurations) {
  EXPECT_EQ(ui_format(UiText::card_index, Lang::zh_Hant, {"12"}), "索引 12");
  EXPECT_EQ(ui_format(UiText::card_field_label, Lang::en, {"12"}), "Codes for index 12 and index {1}");
  EXPECT_EQ(duration_words(0, Lang::en), "0 seconds");
  EXPECT_EQ(duration_words(1000, Lang::en), "1 second");
  EXPECT_EQ(duration_words(45'000, Lang::en), "45 seconds");
  EXPECT_EQ(duration_words(60'000, Lang::en), "1 minute");
  EXPECT_EQ(duration_words(119'600, Lang::en), "2 minutes");
  // Rounded up like the countdown: a push opened 0.6 s after the server
  // stamped it still reads "2 minutes" beside "2:00".
  EXPECT_EQ(duration_words(119'400, Lang::en), "2 minutes");
  EXPECT_EQ(duration_words(59'001, Lang::en), "1 minute");
  EXPECT_EQ(duration_words(90'000, Lang::en), "1 min 30 s");
  EXPECT_EQ(duration_words(90'000, Lang::zh_Hans), "1 分 30 秒");
  EXPECT_EQ(duration_words(900'000, Lang::zh_Hant), "15 分鐘");
  EXPECT_EQ(duration_words(601'000, Lang::en), "11 minutes");
  EXPECT_EQ(duration_words(3 * 3600'000 + 1000, Lang::en), "4 hours");
  EXPECT_EQ(duration_words(-5, Lang::en), "0 seconds");
  EXPECT_EQ(countdown_clock(120'000), "2:00");
  EXPECT_EQ(countdown_clock(119'001), "2:00");
  EXPECT_EQ(countdown_clock(65'000), "1:05");
  EXPECT_EQ(countdown_clock(1), "0:01");
  EXPECT_EQ(countdown_clock(0), "0:00");
  EXPECT_EQ(countdown_clock(-1), "0:00");
}

// --- snapshots -------------------------------------------------------------------------------------

std::filesystem::path snapshot_dir() { return std::filesystem::path(SLS_TEST_VECTORS_DIR) / ".." / "snapshots"; }

void check_snapshot(const std::string& name, const Node& view) {
  const std::string html = to_html(view, HtmlLayout::indented);
  const auto path = snapshot_dir() / (name + ".html");
  const char* update = std::getenv("SLS_UPDATE_SNAPSHOTS");
  if (update && std::string_view(update) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << html;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing snapshot " << path << " (run with SLS_UPDATE_SNAPSHOTS=1)";
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(html, golden.str()) << "snapshot " << name << " differs (SLS_UPDATE_SNAPSHOTS=1 rewrites it)";
}

std::string lang_suffix(Lang l) { return std::string(lang_tag(l)); }

class Snapshots : public ::testing::TestWithParam<Lang> {};

TEST_P(Snapshots, EveryScreen) {
  const Lang lang = GetParam();
  const std::string sfx = "." + lang_suffix(lang);
  {
    Harness h(lang, "alice");
    check_snapshot("credentials" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    const auto id = h.submit_credentials();
    h.reply(id, 200,
            login_started({device_json("mk-1", "mobile_key", "Mobile Key (phone ending 1234)"),
                           device_json("card-1", "code_card", "Code card 0042"),
                           device_json("sms-1", "sms", "Phone ending 5678")}));
    check_snapshot("device_choice" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    to_challenge(h, "code_card", card_challenge());
    h.event(login_action::input_code, "a3d");
    check_snapshot("code_card" + sfx, h.out.view);
    h.event(login_action::input_code, "a3d-7k!");
    check_snapshot("code_card_error" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    to_challenge(h, "mobile_key", ocra_challenge(true));
    check_snapshot("challenge_response" + sfx, h.out.view);
  }
  {
    PushHarness h;
    h.out = h.flow.set_lang(lang, h.now);
    h.advance(7000);
    h.out = h.flow.on_timer(TimerFired{h.tick_timer, h.now});
    check_snapshot("push" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    to_challenge(h, "sms", sms_challenge(120));
    h.advance(15'000);
    h.fire(h.timer_with_delay(1000)->id);
    check_snapshot("sms" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    to_challenge(h, "temp_code", temp_challenge());
    check_snapshot("temp_code" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    const auto id = h.submit_credentials();
    h.reply(id, 423, error_body("auth.locked", std::nullopt, 1800));
    check_snapshot("locked" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    to_challenge(h, "code_card", card_challenge());
    h.event(login_action::input_code, "A3D7KP");
    h.event(login_action::submit);
    h.reply(h.http().id, 410, error_body("login.expired"));
    check_snapshot("expired" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    const auto id = h.submit_credentials();
    h.reply(id, 200, login_started({device_json("dev-1", "sms", "Phone")}));
    h.reply(h.http().id, 0);
    check_snapshot("network_error" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    const auto id = h.submit_credentials();
    h.reply(id, 200, kVerifiedLogin);
    h.reply(h.http().id, 200, kSession);
    check_snapshot("authenticated" + sfx, h.out.view);
  }
}

INSTANTIATE_TEST_SUITE_P(AllLanguages, Snapshots, ::testing::Values(Lang::en, Lang::zh_Hant, Lang::zh_Hans),
                         [](const auto& param_info) {
                           switch (param_info.param) {
                             case Lang::en: return std::string("en");
                             case Lang::zh_Hant: return std::string("zh_Hant");
                             case Lang::zh_Hans: return std::string("zh_Hans");
                           }
                           return std::string("x");
                         });

}  // namespace
}  // namespace sls
