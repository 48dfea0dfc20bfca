// The step-up login through a real server on 127.0.0.1 (issue 11, docs/accounts.md "Fresh second factor"):
// POST /login {"step_up": true} with the session cookie opens a login of the session's user without a password;
// its completion refreshes that session's second factor and creates nothing. The attacks: no or an ended session,
// another session's or another user's cookie at completion, tokens crossed between step-up and normal logins, the
// login secret, failures counting toward the lockout, password-only and temporary-code sessions.
#include <algorithm>

#include "device_answers.hpp"
#include "server/try.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";

/// A completed DSC login of `user`: the /complete reply.
Reply dsc_login(TestServer& s, const std::string& user, const TokenEnrolment& token) {
  Reply login = s.login(user);
  EXPECT_EQ(login.status, 200) << login.raw;
  Reply ch = s.challenge(login.str("login_id"), token.device_id);
  EXPECT_EQ(ch.status, 200) << ch.raw;
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), token_response(token, ch.str("challenge")));
  EXPECT_EQ(ok.status, 200) << ok.raw;
  Reply done = s.complete(login.str("login_id"), ok.str("completion_token"));
  EXPECT_EQ(done.status, 200) << done.raw;
  return done;
}

/// alice (primary of "joint", DSC) and bob (DSC, another account).
struct Fixture {
  TestServer s;
  TokenEnrolment alice, bob;
  std::string joint_id;

  Fixture() {
    for (const char* u : {"alice", "bob"}) EXPECT_TRUE(s.admin().create_user(u, kPassword));
    alice = *s.admin().enrol_token("alice", DeviceKind::dsc);
    bob = *s.admin().enrol_token("bob", DeviceKind::dsc);
    joint_id = *s.admin().create_account("joint", "alice");
    EXPECT_TRUE(s.admin().create_account("bobs", "bob"));
  }
  Reply step_up(const std::string& cookie) {
    return s.post("/api/v1/login", JsonValue::object().set("step_up", true), with_cookie(cookie));
  }
  /// Answers the step-up login `start` with the DSC `token`: the /verify reply.
  Reply answer(const Reply& start, const TokenEnrolment& token) {
    Reply ch = s.challenge(start.str("login_id"), token.device_id);
    EXPECT_EQ(ch.status, 200) << ch.raw;
    return s.verify(start.str("login_id"), ch.str("challenge_id"), token_response(token, ch.str("challenge")));
  }
  Reply complete_with(const std::string& login_id, const std::string& token, const std::string& cookie) {
    return s.post("/api/v1/login/" + login_id + "/complete", JsonValue::object().set("completion_token", token),
                  cookie.empty() ? httplib::Headers{} : with_cookie(cookie));
  }
  Reply opt_out(const std::string& cookie) {
    return s.post("/api/v1/accounts/" + joint_id + "/opt-out", JsonValue::object(), with_cookie(cookie));
  }
  std::size_t sessions_of(const std::string& user) {
    std::size_t n = 0;
    EXPECT_TRUE(s.store().read([&](StoreTx& tx) -> Status {
      SLS_TRY_ASSIGN(u, tx.find_user(user));
      SLS_TRY_ASSIGN(rows, tx.list_sessions(u->id));
      n = rows.size();
      return ok_status();
    }));
    return n;
  }
  std::int64_t second_factor_failures(const std::string& user) {
    std::int64_t n = -1;
    EXPECT_TRUE(s.store().read([&](StoreTx& tx) -> Status {
      SLS_TRY_ASSIGN(u, tx.find_user(user));
      n = u->second_factor_failures.consecutive;
      return ok_status();
    }));
    return n;
  }
};

TEST(ApiStepUp, NeedsALiveSession) {
  Fixture f;
  Reply none = f.s.post("/api/v1/login", JsonValue::object().set("step_up", true));
  EXPECT_EQ(none.status, 401) << none.raw;
  EXPECT_EQ(none.code(), "session.none");
  EXPECT_EQ(f.step_up("not-a-session").code(), "session.none");
  // Logged out, or ended by its idle expiry: the same 401.
  const std::string out = cookie_of(dsc_login(f.s, "alice", f.alice));
  ASSERT_EQ(f.s.send("DELETE", "/api/v1/session", {}, with_cookie(out)).status, 200);
  Reply logged_out = f.step_up(out);
  EXPECT_EQ(logged_out.status, 401) << logged_out.raw;
  EXPECT_EQ(logged_out.code(), "session.none");
  const std::string idle = cookie_of(dsc_login(f.s, "alice", f.alice));
  f.s.clock().advance_seconds(f.s.service().config().session_idle + 1);
  EXPECT_EQ(f.step_up(idle).code(), "session.none");
  // Not a step-up, nor a password with it.
  const std::string alice = cookie_of(dsc_login(f.s, "alice", f.alice));
  Reply no = f.s.post("/api/v1/login", JsonValue::object().set("step_up", false), with_cookie(alice));
  EXPECT_EQ(no.status, 400) << no.raw;
  EXPECT_EQ(no.code(), "request.bad_field");
  Reply with_password = f.s.post(
      "/api/v1/login", JsonValue::object().set("step_up", true).set("username", "bob").set("password", kPassword),
      with_cookie(alice));
  EXPECT_EQ(with_password.status, 400) << with_password.raw;
}

TEST(ApiStepUp, RefreshesTheSessionWithoutANewSessionThenOptingOutWorksWithinTheWindow) {
  Fixture f;
  const std::string alice = cookie_of(dsc_login(f.s, "alice", f.alice));
  f.s.clock().advance_seconds(400);
  ASSERT_EQ(f.opt_out(alice).code(), "account.step_up_required");
  Reply start = f.step_up(alice);
  ASSERT_EQ(start.status, 200) << start.raw;
  EXPECT_EQ(start.str("state"), "second_factor");
  EXPECT_EQ(start.body.get_bool("step_up"), true);
  EXPECT_FALSE(start.str("login_secret").empty());
  const auto* devices = start.body.find("devices")->as_array();
  ASSERT_EQ(devices->size(), 1u);
  EXPECT_EQ(devices->front().get_string("device_id"), f.alice.device_id);
  Reply ok = f.answer(start, f.alice);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  const std::size_t before = f.sessions_of("alice");
  Reply done = f.complete_with(start.str("login_id"), ok.str("completion_token"), alice);
  ASSERT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(done.body.get_bool("step_up"), true);
  EXPECT_EQ(done.str("user"), "alice");
  EXPECT_EQ(done.body.get_int("step_up_until"), kStartTime + 400 + 300);
  // No session, no cookie, no assertion.
  EXPECT_EQ(done.header("Set-Cookie"), "");
  EXPECT_EQ(done.body.find("assertion"), nullptr);
  EXPECT_EQ(f.sessions_of("alice"), before);
  Reply list = f.s.get("/api/v1/accounts", with_cookie(alice));
  EXPECT_EQ(list.body.get_int("step_up_until"), kStartTime + 700) << list.raw;
  // The completion token is spent.
  EXPECT_EQ(f.complete_with(start.str("login_id"), ok.str("completion_token"), alice).status, 410);
  f.s.clock().advance_seconds(300);
  Reply opted = f.opt_out(alice);
  EXPECT_EQ(opted.status, 200) << opted.raw;
  auto rows = f.s.audit();
  EXPECT_TRUE(std::any_of(rows.begin(), rows.end(), [](const AuditRecord& a) {
    return a.event == "session.stepped_up" && a.outcome == "ok" && a.username == "alice";
  }));
}

TEST(ApiStepUp, OptingOutFailsOnceTheWindowHasPassed) {
  Fixture f;
  const std::string alice = cookie_of(dsc_login(f.s, "alice", f.alice));
  f.s.clock().advance_seconds(400);  // past the login's window, within the session's idle time
  Reply start = f.step_up(alice);
  Reply ok = f.answer(start, f.alice);
  ASSERT_EQ(f.complete_with(start.str("login_id"), ok.str("completion_token"), alice).status, 200);
  f.s.clock().advance_seconds(301);
  Reply late = f.opt_out(alice);
  EXPECT_EQ(late.status, 403) << late.raw;
  EXPECT_EQ(late.code(), "account.step_up_required");
}

TEST(ApiStepUp, OnlyTheSessionThatOpenedItCanCompleteIt) {
  Fixture f;
  const std::string a = cookie_of(dsc_login(f.s, "alice", f.alice));
  const std::string b = cookie_of(dsc_login(f.s, "alice", f.alice));  // the same user, another session
  const std::string bob = cookie_of(dsc_login(f.s, "bob", f.bob));
  f.s.clock().advance_seconds(400);
  Reply start = f.step_up(a);
  Reply ok = f.answer(start, f.alice);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  const std::string id = start.str("login_id"), token = ok.str("completion_token");
  for (const std::string& other : {b, bob}) {
    Reply r = f.complete_with(id, token, other);
    EXPECT_EQ(r.status, 403) << r.raw;
    EXPECT_EQ(r.code(), "step_up.other_session");
    EXPECT_EQ(r.header("Set-Cookie"), "");
  }
  Reply none = f.complete_with(id, token, "");
  EXPECT_EQ(none.status, 401) << none.raw;
  EXPECT_EQ(none.code(), "session.none");
  // None of them was refreshed: session B and bob still need a step-up.
  EXPECT_TRUE(f.s.get("/api/v1/accounts", with_cookie(b)).body.find("step_up_until")->is_null());
  EXPECT_TRUE(f.s.get("/api/v1/accounts", with_cookie(bob)).body.find("step_up_until")->is_null());
  EXPECT_EQ(f.opt_out(b).code(), "account.step_up_required");
  // The session that opened it still can.
  EXPECT_EQ(f.complete_with(id, token, a).status, 200);
}

TEST(ApiStepUp, EndsWithTheSessionThatOpenedIt) {
  Fixture f;
  const std::string a = cookie_of(dsc_login(f.s, "alice", f.alice));
  Reply start = f.step_up(a);
  Reply ok = f.answer(start, f.alice);
  ASSERT_EQ(f.s.send("DELETE", "/api/v1/session", {}, with_cookie(a)).status, 200);
  Reply r = f.complete_with(start.str("login_id"), ok.str("completion_token"), a);
  EXPECT_EQ(r.status, 401) << r.raw;
  EXPECT_EQ(r.code(), "session.none");
  EXPECT_EQ(r.header("Set-Cookie"), "");
}

TEST(ApiStepUp, TokensDoNotCrossBetweenStepUpAndNormalLogins) {
  Fixture f;
  const std::string a = cookie_of(dsc_login(f.s, "alice", f.alice));
  f.s.clock().advance_seconds(400);
  Reply start = f.step_up(a);
  Reply ok = f.answer(start, f.alice);
  // A normal login of the same user, verified too.
  Reply normal = f.s.login("alice");
  Reply ch = f.s.challenge(normal.str("login_id"), f.alice.device_id);
  Reply normal_ok =
      f.s.verify(normal.str("login_id"), ch.str("challenge_id"), token_response(f.alice, ch.str("challenge")));
  ASSERT_EQ(normal_ok.status, 200) << normal_ok.raw;
  // The step-up token cannot complete the normal login (no session from it).
  Reply crossed = f.complete_with(normal.str("login_id"), ok.str("completion_token"), a);
  EXPECT_EQ(crossed.status, 401) << crossed.raw;
  EXPECT_EQ(crossed.code(), "login.token_invalid");
  EXPECT_EQ(crossed.header("Set-Cookie"), "");
  // The normal login's token cannot complete the step-up.
  Reply crossed_back = f.complete_with(start.str("login_id"), normal_ok.str("completion_token"), a);
  EXPECT_EQ(crossed_back.status, 401) << crossed_back.raw;
  EXPECT_EQ(crossed_back.code(), "login.token_invalid");
  // A normal login completed with session A's cookie is a new session, not
  // a step-up of A.
  Reply fresh = f.complete_with(normal.str("login_id"), normal_ok.str("completion_token"), a);
  ASSERT_EQ(fresh.status, 200) << fresh.raw;
  EXPECT_FALSE(cookie_of(fresh).empty());
  EXPECT_NE(cookie_of(fresh), a);
  EXPECT_EQ(fresh.body.find("step_up"), nullptr);
  EXPECT_TRUE(f.s.get("/api/v1/accounts", with_cookie(a)).body.find("step_up_until")->is_null());
  EXPECT_EQ(f.opt_out(a).code(), "account.step_up_required");
}

TEST(ApiStepUp, TheLoginSecretStillBindsEveryStep) {
  Fixture f;
  const std::string a = cookie_of(dsc_login(f.s, "alice", f.alice));
  Reply start = f.step_up(a);
  const std::string id = start.str("login_id");
  const std::string body = json_serialize(JsonValue::object().set("device_id", f.alice.device_id));
  Reply unbound = f.s.send_unbound("POST", "/api/v1/login/" + id + "/challenge", body, with_cookie(a));
  EXPECT_EQ(unbound.status, 404) << unbound.raw;
  EXPECT_EQ(unbound.code(), "login.not_found");
  Reply ok = f.answer(start, f.alice);
  Reply done = f.s.send_unbound("POST", "/api/v1/login/" + id + "/complete",
                                json_serialize(JsonValue::object().set("completion_token", ok.str("completion_token"))),
                                with_cookie(a));
  EXPECT_EQ(done.status, 404) << done.raw;
  EXPECT_EQ(done.code(), "login.not_found");
}

TEST(ApiStepUp, AFailedStepUpCountsTowardTheLockout) {
  Fixture f;
  const std::string a = cookie_of(dsc_login(f.s, "alice", f.alice));
  Reply start = f.step_up(a);
  Reply ch = f.s.challenge(start.str("login_id"), f.alice.device_id);
  Reply wrong =
      f.s.verify(start.str("login_id"), ch.str("challenge_id"), wrong_token_response(f.alice, ch.str("challenge")));
  EXPECT_EQ(wrong.status, 401) << wrong.raw;
  EXPECT_EQ(f.second_factor_failures("alice"), 1);
  const std::int64_t left = wrong.body.find("error")->get_int("attempts_left").value_or(-1);
  // The normal login sees the same counter.
  Reply login = f.s.login("alice");
  Reply ch2 = f.s.challenge(login.str("login_id"), f.alice.device_id);
  Reply wrong2 =
      f.s.verify(login.str("login_id"), ch2.str("challenge_id"), wrong_token_response(f.alice, ch2.str("challenge")));
  EXPECT_EQ(wrong2.body.find("error")->get_int("attempts_left").value_or(-1), left - 1) << wrong2.raw;
  EXPECT_EQ(f.second_factor_failures("alice"), 2);
  // Until the account locks: then the step-up is refused too.
  for (int i = 0; i < 10; ++i) {
    Reply again = f.step_up(a);
    if (again.status != 200) break;
    Reply c = f.s.challenge(again.str("login_id"), f.alice.device_id);
    if (c.status != 200) break;
    f.s.verify(again.str("login_id"), c.str("challenge_id"), wrong_token_response(f.alice, c.str("challenge")));
  }
  Reply locked = f.step_up(a);
  EXPECT_EQ(locked.status, 423) << locked.raw;
  EXPECT_EQ(locked.code(), "auth.locked");
}

TEST(ApiStepUp, PasswordOnlyAndTemporaryCodeSessionsHaveNothingToStepUpWith) {
  Fixture f;
  // A user who opted out: a password-only session.
  ASSERT_TRUE(f.s.admin().create_user("olive", kPassword));
  ASSERT_TRUE(f.s.admin().set_opted_out("olive", true));
  Reply login = f.s.login("olive");
  const std::string olive = cookie_of(f.s.complete(login.str("login_id"), login.str("completion_token")));
  Reply r = f.step_up(olive);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.code(), "step_up.no_device");
  // A temporary code (support's stand-in for a lost device) is no fresh
  // second factor, neither at login nor as a step-up.
  ASSERT_TRUE(f.s.admin().create_user("tim", kPassword));
  auto temp = f.s.admin().issue_temp_code("tim", /*full_access=*/true);
  ASSERT_TRUE(temp);
  ASSERT_TRUE(f.s.admin().create_account("tims", "tim"));
  Reply tl = f.s.login("tim");
  Reply tc = f.s.challenge(tl.str("login_id"), temp->device_id);
  Reply tok = f.s.verify(tl.str("login_id"), tc.str("challenge_id"), temp->code);
  ASSERT_EQ(tok.status, 200) << tok.raw;
  const std::string tim = cookie_of(f.s.complete(tl.str("login_id"), tok.str("completion_token")));
  Reply list = f.s.get("/api/v1/accounts", with_cookie(tim));
  ASSERT_EQ(list.status, 200) << list.raw;
  EXPECT_TRUE(list.body.find("step_up_until")->is_null()) << list.raw;
  Reply opt = f.s.post(
      "/api/v1/accounts/" + std::string(*list.body.find("accounts")->as_array()->front().get_string("id")) + "/opt-out",
      JsonValue::object(), with_cookie(tim));
  EXPECT_EQ(opt.code(), "account.step_up_required") << opt.raw;
  Reply tim_step = f.step_up(tim);
  EXPECT_EQ(tim_step.status, 409) << tim_step.raw;
  EXPECT_EQ(tim_step.code(), "step_up.no_device");
  // A step-up login cannot be completed with a stand-in either, even when
  // its challenge is opened on one that was not offered.
  ASSERT_TRUE(f.s.admin().issue_temp_code("alice", true));
  auto alice_temp = f.s.admin().issue_temp_code("alice", true);
  const std::string a = cookie_of(dsc_login(f.s, "alice", f.alice));
  Reply start = f.step_up(a);
  ASSERT_EQ(start.status, 200) << start.raw;
  EXPECT_EQ(start.body.find("devices")->as_array()->size(), 1u) << "the temporary code is not offered";
  Reply ac = f.s.challenge(start.str("login_id"), alice_temp->device_id);
  if (ac.status == 200) {
    Reply aok = f.s.verify(start.str("login_id"), ac.str("challenge_id"), alice_temp->code);
    ASSERT_EQ(aok.status, 200) << aok.raw;
    Reply done = f.complete_with(start.str("login_id"), aok.str("completion_token"), a);
    EXPECT_EQ(done.status, 409) << done.raw;
    EXPECT_EQ(done.code(), "step_up.no_device");
  }
}

}  // namespace
}  // namespace sls::server::testing
