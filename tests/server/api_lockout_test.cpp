// The lockout through a real server: the password step counted before the
// slow hash and decided after it (parallel guesses), separate counters per
// factor with no permanent lock from the password step, counters cleared
// only by a completed login, and a locked account answered on the password
// step exactly like an unknown one.
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "device_answers.hpp"
#include "server/encoding.hpp"
#include "sls/ocra.hpp"
#include "sls/response.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";
const LockoutPolicy kLockout = test_service_config().lockout;

/// A user with a DSC (challenge/response token) on a server with `config`.
class LockoutTest : public ::testing::Test {
 protected:
  explicit LockoutTest(ServiceConfig config = test_service_config(), HttpConfig http = test_http_config())
      : s(std::move(config), std::move(http)) {}

  void SetUp() override {
    ASSERT_TRUE(s.admin().create_user("dora", kPassword));
    auto t = s.admin().enrol_token("dora", DeviceKind::dsc);
    ASSERT_TRUE(t);
    token = *t;
  }

  std::string respond(const std::string& challenge) { return token_response(token, challenge); }
  std::string wrong_response(const std::string& challenge) { return wrong_token_response(token, challenge); }

  /// Password step and a challenge: {login id, challenge reply}.
  std::pair<std::string, Reply> open() {
    Reply login = s.login("dora");
    EXPECT_EQ(login.status, 200) << login.raw;
    Reply ch = s.challenge(login.str("login_id"), token.device_id);
    EXPECT_EQ(ch.status, 200) << ch.raw;
    return {login.str("login_id"), ch};
  }

  /// Audit rows of dora's password step, oldest first.
  std::vector<AuditRecord> password_rows() {
    std::vector<AuditRecord> rows;
    for (const auto& a : s.audit())
      if (a.event == "login.started" && a.username == "dora") rows.insert(rows.begin(), a);
    return rows;
  }

  TestServer s;
  TokenEnrolment token;
};

// --- finding 4: parallel guesses ------------------------------------------------------------

ServiceConfig slow_hash_config() {
  ServiceConfig c = test_service_config();
  // Slow enough that parallel requests overlap in the hash, small enough for
  // 32 of them at once.
  c.password.opslimit = 1;
  c.password.memlimit = std::size_t{4} << 20;
  return c;
}

HttpConfig many_threads_config() {
  HttpConfig c = test_http_config();
  c.threads = 32;
  return c;
}

class ParallelGuesses : public LockoutTest {
 protected:
  ParallelGuesses() : LockoutTest(slow_hash_config(), many_threads_config()) {}
};

TEST_F(ParallelGuesses, AtMostThresholdPasswordsAreEvaluatedAndNoneGetsInAfterTheLock) {
  constexpr int kRequests = 200;
  constexpr int kClients = 32;
  std::atomic<int> next{0}, logged_in{0}, answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      httplib::Client client("127.0.0.1", s.port());
      client.set_read_timeout(60, 0);
      for (int i = next++; i < kRequests; i = next++) {
        // Every 8th guess is the right password, sent among the wrong ones.
        const bool right = i % 8 == 7;
        const std::string body = json_serialize(
            JsonValue::object().set("username", "dora").set("password", right ? kPassword : "wrong guess"));
        // A connection the loaded server dropped before reading the request
        // is sent again; a reply lost after the request was handled would
        // only add a row to the audit, which the checks below read.
        auto r = client.Post("/api/v1/login", body, "application/json");
        for (int retry = 0; !r && retry < 5; ++retry) r = client.Post("/api/v1/login", body, "application/json");
        if (!r) continue;
        ++answered;
        if (r->status == 200) ++logged_in;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(answered.load(), kRequests);

  // Which passwords were really checked, in commit order: a checked wrong one
  // is audited auth.bad_credentials, a passed one ok; refused unchecked:
  // auth.locked.
  int evaluated_wrong = 0, passed = 0;
  for (const auto& a : password_rows()) {
    if (a.outcome == "ok") {
      ++passed;
      EXPECT_LT(evaluated_wrong, kLockout.threshold) << "a right password got in after the lock";
    } else if (a.detail == "auth.bad_credentials") {
      ++evaluated_wrong;
    }
  }
  std::printf("[ numbers  ] %d of %d guesses answered; wrong passwords checked: %d (limit %lld); let in: %d\n",
              answered.load(), kRequests, evaluated_wrong, static_cast<long long>(kLockout.threshold), passed);
  EXPECT_GE(passed, logged_in.load());
  EXPECT_LE(evaluated_wrong, kLockout.threshold) << "passwords checked against a limit of " << kLockout.threshold;

  // Locked now: the right password does not get in.
  EXPECT_NE(s.login("dora").status, 200);
}

// --- finding 5: separate counters, no permanent lock from the password step ----------------

TEST_F(LockoutTest, SixtyFiveWrongPasswordsNeverLockForGood) {
  ASSERT_EQ(kLockout.disable_after, 50);
  for (int round = 0; round < 13; ++round) {
    for (int i = 0; i < 5; ++i) EXPECT_EQ(s.login("dora", "guess").status, 401);
    s.clock().advance_seconds(kLockout.max_lock_seconds);  // past any lock
  }
  auto [login_id, ch] = open();
  Reply ok = s.verify(login_id, ch.str("challenge_id"), respond(ch.str("challenge")));
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(s.complete(login_id, ok.str("completion_token")).status, 200);
}

TEST(ApiLockout, OnlySecondFactorFailuresDisable) {
  ServiceConfig config = test_service_config();
  config.lockout.threshold = 2;
  config.lockout.disable_after = 4;
  TestServer s(config);
  ASSERT_TRUE(s.admin().create_user("dan", kPassword));
  auto card = s.admin().enrol_card("dan", DeviceKind::code_card);
  // Eight wrong passwords, four locks: not disabled, and the second factor
  // still has its own attempts.
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 2; ++i) EXPECT_EQ(s.login("dan", "guess").status, 401);
    s.clock().advance_seconds(3600);
  }
  Reply first = expect_card_failures_lock_then_disable(s, "dan", card->device_id);
  EXPECT_EQ(first.body.find("error")->get_int("attempts_left"), 1);
}

// --- finding 6: nothing but a completed login resets the counters --------------------------

TEST_F(LockoutTest, CountersStayUntilTheLoginCompletes) {
  auto [first, ch] = open();
  for (int left = 4; left >= 2; --left) {
    Reply r = s.verify(first, ch.str("challenge_id"), wrong_response(ch.str("challenge")));
    EXPECT_EQ(r.body.find("error")->get_int("attempts_left"), left);
  }
  Reply ok = s.verify(first, ch.str("challenge_id"), respond(ch.str("challenge")));
  ASSERT_EQ(ok.status, 200) << ok.raw;
  // Verified but not completed: the three failures still count.
  auto [second, ch2] = open();
  Reply r = s.verify(second, ch2.str("challenge_id"), wrong_response(ch2.str("challenge")));
  EXPECT_EQ(r.body.find("error")->get_int("attempts_left"), 1) << r.raw;
  // The completed login tells how many there were, and clears them.
  Reply done = s.complete(first, ok.str("completion_token"));
  ASSERT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(done.body.get_int("failed_attempts"), 4);
  auto [third, ch3] = open();
  r = s.verify(third, ch3.str("challenge_id"), wrong_response(ch3.str("challenge")));
  EXPECT_EQ(r.body.find("error")->get_int("attempts_left"), 4) << r.raw;
  Reply again = s.verify(third, ch3.str("challenge_id"), respond(ch3.str("challenge")));
  EXPECT_EQ(s.complete(third, again.str("completion_token")).body.get_int("failed_attempts"), 1);
}

TEST_F(LockoutTest, AVerifiedLoginDoesNotCompleteOnceTheAccountIsLocked) {
  auto [login_id, ch] = open();
  Reply ok = s.verify(login_id, ch.str("challenge_id"), respond(ch.str("challenge")));
  ASSERT_EQ(ok.status, 200) << ok.raw;
  for (int i = 0; i < 5; ++i) s.login("dora", "guess");  // someone else locks the account
  Reply refused = s.complete(login_id, ok.str("completion_token"));
  EXPECT_EQ(refused.status, 423) << refused.raw;
  EXPECT_EQ(refused.code(), "auth.locked");
  EXPECT_EQ(refused.header("Set-Cookie"), "");
}

// --- finding 9: a locked user answers like an unknown one ----------------------------------

/// Everything of a reply but its Date header.
std::string reply_fingerprint(const Reply& r) {
  std::string out = std::to_string(r.status) + "\n";
  for (const auto& [name, value] : r.headers)
    if (name != "Date") out += name + ": " + value + "\n";
  return out + r.raw;
}

TEST_F(LockoutTest, ALockedUserLooksLikeAnUnknownOneOnThePasswordStep) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.login("dora", "guess").status, 401);
  const Reply unknown = s.login("nobody", "guess");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.code(), "auth.bad_credentials");
  EXPECT_EQ(reply_fingerprint(s.login("dora", "guess")), reply_fingerprint(unknown));
  EXPECT_EQ(reply_fingerprint(s.login("dora", kPassword)), reply_fingerprint(unknown))
      << "not even the right password tells that the account exists";
  // The refusals were not counted and left no trace of the typed name.
  bool locked_audited = false;
  for (const auto& a : password_rows()) locked_audited = locked_audited || a.detail == "auth.locked";
  EXPECT_TRUE(locked_audited);
  // Once the lock ends the right password works, and the completed login
  // tells the user of the five failures the password step kept quiet about.
  s.clock().advance_seconds(60);
  auto [login_id, ch] = open();
  Reply ok = s.verify(login_id, ch.str("challenge_id"), respond(ch.str("challenge")));
  EXPECT_EQ(s.complete(login_id, ok.str("completion_token")).body.get_int("failed_attempts"), 5);
}

// --- finding 5: failures per client address ------------------------------------------------

TEST(ApiLockout, EachAddressHasAFailureBudget) {
  ServiceConfig config = test_service_config();
  config.failures_per_address = {3, 1.0 / 60, 1000};
  TestServer s(config);
  ASSERT_TRUE(s.admin().create_user("dora", kPassword, /*opted_out=*/true));
  ASSERT_TRUE(s.admin().create_user("eve", kPassword, /*opted_out=*/true));
  // Wrong passwords for several users and unknown names all spend it; a
  // right one gives its token back.
  EXPECT_EQ(s.login("dora", "guess").status, 401);
  EXPECT_EQ(s.login("eve").status, 200);
  EXPECT_EQ(s.login("nobody", "guess").status, 401);
  EXPECT_EQ(s.login("eve", "guess").status, 401);
  Reply throttled = s.login("eve");
  EXPECT_EQ(throttled.status, 429) << throttled.raw;
  EXPECT_EQ(throttled.code(), "rate.limited");
  EXPECT_EQ(throttled.header("Retry-After"), "60");
  s.clock().advance_seconds(60);
  EXPECT_EQ(s.login("eve").status, 200);
  // No account was locked by any of this.
  EXPECT_EQ(s.login("dora").status, 200);
  // Wrong activation codes draw on the same budget (one token is left).
  const std::string key = base64url_encode(std::vector<std::uint8_t>(32, 7));
  const JsonValue activation = JsonValue::object()
                                   .set("username", "dora")
                                   .set("activation_code", "12345678")
                                   .set("kx_public_key", key)
                                   .set("sign_public_key", key)
                                   .set("pin_hash", key);
  EXPECT_EQ(s.post("/api/v1/mobile-key/activate", activation).status, 401);
  EXPECT_EQ(s.post("/api/v1/mobile-key/activate", activation).status, 429);
}

}  // namespace
}  // namespace sls::server::testing
