// Accounts through a real server on 127.0.0.1 (issue 11): GET /accounts,
// opting an account out of SLS and back in (primary user only, a fresh
// second factor to opt out), what the session, GET /session and the login
// assertion then carry, and the attacks: another user, another account,
// bad ids, identification data never leaving the store.
#include <algorithm>

#include "device_answers.hpp"
#include "server/jwt.hpp"
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

/// A completed password-only login of `user`: the /complete reply.
Reply password_login(TestServer& s, const std::string& user) {
  Reply login = s.login(user);
  EXPECT_EQ(login.status, 200) << login.raw;
  EXPECT_EQ(login.str("state"), "verified") << login.raw;
  Reply done = s.complete(login.str("login_id"), login.str("completion_token"));
  EXPECT_EQ(done.status, 200) << done.raw;
  return done;
}

/// The account "joint": primary alice (DSC), additional bob (DSC); and
/// "other": primary carol (DSC), whom alice and bob do not share.
struct Fixture {
  TestServer s;
  TokenEnrolment alice, bob, carol;
  std::string joint_id, other_id;

  Fixture() {
    for (const char* u : {"alice", "bob", "carol"}) EXPECT_TRUE(s.admin().create_user(u, kPassword));
    alice = *s.admin().enrol_token("alice", DeviceKind::dsc);
    bob = *s.admin().enrol_token("bob", DeviceKind::dsc);
    carol = *s.admin().enrol_token("carol", DeviceKind::dsc);
    joint_id = *s.admin().create_account("joint", "alice");
    EXPECT_TRUE(s.admin().add_account_user("joint", "bob"));
    other_id = *s.admin().create_account("other", "carol");
  }
  Reply opt(const std::string& cookie, const std::string& id, const char* what) {
    return s.post("/api/v1/accounts/" + id + "/" + what, JsonValue::object(), with_cookie(cookie));
  }
};

TEST(ApiAccounts, ListNeedsASession) {
  Fixture f;
  Reply none = f.s.get("/api/v1/accounts");
  EXPECT_EQ(none.status, 401) << none.raw;
  EXPECT_EQ(none.code(), "session.none");
  Reply bad = f.s.get("/api/v1/accounts", with_cookie("not-a-session"));
  EXPECT_EQ(bad.status, 401) << bad.raw;
  EXPECT_EQ(bad.code(), "session.none");
}

TEST(ApiAccounts, ListShowsTheUsersDevicesLimitsAndNoSecret) {
  Fixture f;
  ASSERT_TRUE(f.s.admin().set_identification(
      "bob", IdentificationData{"1980-04-30", "HK", "HK", "passport", "K12345678", "", false}));
  const std::string cookie = cookie_of(dsc_login(f.s, "bob", f.bob));
  Reply r = f.s.get("/api/v1/accounts", with_cookie(cookie));
  ASSERT_EQ(r.status, 200) << r.raw;
  const auto* accounts = r.body.find("accounts")->as_array();
  ASSERT_NE(accounts, nullptr);
  ASSERT_EQ(accounts->size(), 1u) << "bob holds only the joint account";
  const JsonValue& a = accounts->front();
  EXPECT_EQ(a.get_string("id"), f.joint_id);
  EXPECT_EQ(a.get_string("name"), "joint");
  EXPECT_EQ(a.get_string("primary_user"), "alice");
  EXPECT_EQ(a.get_bool("may_change_security"), false);
  EXPECT_EQ(a.get_bool("opted_out"), false);
  EXPECT_EQ(a.get_string("device_kind"), "dsc");
  EXPECT_EQ(json_serialize(*a.find("restrictions")), "[]");
  EXPECT_EQ(a.find("limits")->find("daily")->get_int("cents"), 1'000'000'00);
  const auto* users = a.find("users")->as_array();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ(users->at(0).get_string("username"), "alice");
  EXPECT_EQ(users->at(0).get_bool("primary"), true);
  EXPECT_EQ(users->at(1).get_string("username"), "bob");
  EXPECT_EQ(users->at(1).get_bool("you"), true);
  const JsonValue& device = users->at(1).find("devices")->as_array()->front();
  EXPECT_EQ(device.get_string("kind"), "dsc");
  EXPECT_EQ(device.get_string("serial"), f.bob.serial);
  EXPECT_EQ(device.get_string("status"), "active");
  EXPECT_GT(*device.get_int("since"), 0);
  // No secret and no identification data, in any form.
  for (const std::string& secret : {f.bob.key_hex, f.alice.key_hex, std::string("K12345678"), std::string("1980-04-30"),
                                    std::string("passport"), cookie})
    EXPECT_EQ(r.raw.find(secret), std::string::npos) << secret;
  EXPECT_NE(r.body.find("step_up_until"), nullptr);
  EXPECT_EQ(r.body.get_int("step_up_until"), kStartTime + 300);
}

TEST(ApiAccounts, OnlyThePrimaryUserMayOptOutAndTheNoticeNamesThem) {
  Fixture f;
  const std::string bob = cookie_of(dsc_login(f.s, "bob", f.bob));
  Reply r = f.opt(bob, f.joint_id, "opt-out");
  EXPECT_EQ(r.status, 403) << r.raw;
  EXPECT_EQ(r.code(), "device.not_primary_user");
  EXPECT_NE(r.raw.find("alice"), std::string::npos) << r.raw;
  Reply list = f.s.get("/api/v1/accounts", with_cookie(bob));
  EXPECT_EQ(list.body.find("accounts")->as_array()->front().get_bool("opted_out"), false);
  // Nothing changed: alice still needs her device.
  EXPECT_EQ(f.s.login("alice").str("state"), "second_factor");
  auto rows = f.s.audit();
  EXPECT_TRUE(std::any_of(rows.begin(), rows.end(), [](const AuditRecord& a) {
    return a.event == "account.opted_out" && a.outcome == "fail" && a.detail == "device.not_primary_user";
  }));
}

TEST(ApiAccounts, AnotherAccountsSessionGetsTheSame404AsAnUnknownId) {
  Fixture f;
  const std::string carol = cookie_of(dsc_login(f.s, "carol", f.carol));
  Reply theirs = f.opt(carol, f.joint_id, "opt-out");
  EXPECT_EQ(theirs.status, 404) << theirs.raw;
  EXPECT_EQ(theirs.code(), "account.not_found");
  Reply unknown = f.opt(carol, "AAAAAAAAAAAAAAAAAAAAAA", "opt-out");
  EXPECT_EQ(unknown.status, 404) << unknown.raw;
  EXPECT_EQ(unknown.raw, theirs.raw) << "the answer does not tell an existing account from none";
  Reply in = f.opt(carol, f.joint_id, "opt-in");
  EXPECT_EQ(in.raw, theirs.raw);
  Reply list = f.s.get("/api/v1/accounts", with_cookie(carol));
  EXPECT_EQ(list.raw.find("joint"), std::string::npos) << list.raw;
  EXPECT_EQ(list.raw.find(f.joint_id), std::string::npos) << list.raw;
  // Without a session: 401, before the id is looked at.
  Reply none = f.s.post("/api/v1/accounts/" + f.joint_id + "/opt-out", JsonValue::object());
  EXPECT_EQ(none.status, 401) << none.raw;
  EXPECT_EQ(none.code(), "session.none");
}

TEST(ApiAccounts, BadIdsAndBodiesGet4xxJson) {
  Fixture f;
  const std::string alice = cookie_of(dsc_login(f.s, "alice", f.alice));
  for (const std::string& id : {std::string(200, 'A'), std::string("%00"), std::string("..%2F..%2Fx"),
                                std::string("'%20OR%201=1--"), std::string("%E2%80%AE")}) {
    Reply r = f.opt(alice, id, "opt-out");
    EXPECT_EQ(r.status, 404) << id << " " << r.raw;
    EXPECT_EQ(r.code(), "account.not_found") << id;
  }
  // A body that is not a JSON object, or not sent as JSON (what a
  // cross-site form could send), changes nothing.
  for (const auto& [body, type] : {std::pair<std::string, std::string>{"{not json", "application/json"},
                                   {"[]", "application/json"},
                                   {"a=1", "application/x-www-form-urlencoded"},
                                   {"{}", "text/plain"}}) {
    Reply junk = f.s.send("POST", "/api/v1/accounts/" + f.joint_id + "/opt-out", body, with_cookie(alice), type);
    EXPECT_GE(junk.status, 400) << body;
    EXPECT_LT(junk.status, 500) << body;
    EXPECT_FALSE(junk.code().empty()) << junk.raw;
  }
  Reply get = f.s.get("/api/v1/accounts/" + f.joint_id + "/opt-out", with_cookie(alice));
  EXPECT_EQ(get.status, 405) << get.raw;
  Reply deep = f.s.get("/api/v1/accounts/" + f.joint_id, with_cookie(alice));
  EXPECT_EQ(deep.status, 404) << deep.raw;
  // The server is still up and the account unchanged.
  Reply list = f.s.get("/api/v1/accounts", with_cookie(alice));
  ASSERT_EQ(list.status, 200) << list.raw;
  EXPECT_EQ(list.body.find("accounts")->as_array()->front().get_bool("opted_out"), false);
}

TEST(ApiAccounts, OptingOutNeedsAFreshSecondFactor) {
  Fixture f;
  const std::string alice = cookie_of(dsc_login(f.s, "alice", f.alice));
  f.s.clock().advance_seconds(301);
  Reply stale = f.opt(alice, f.joint_id, "opt-out");
  EXPECT_EQ(stale.status, 403) << stale.raw;
  EXPECT_EQ(stale.code(), "account.step_up_required");
  Reply list = f.s.get("/api/v1/accounts", with_cookie(alice));
  EXPECT_TRUE(list.body.find("step_up_until")->is_null()) << list.raw;
  EXPECT_EQ(list.body.find("accounts")->as_array()->front().get_bool("opted_out"), false);
  // A fresh login is a fresh second factor.
  const std::string again = cookie_of(dsc_login(f.s, "alice", f.alice));
  EXPECT_EQ(f.opt(again, f.joint_id, "opt-out").status, 200);
}

TEST(ApiAccounts, OptingOutIsCarriedByTheSessionTheAssertionAndGetSession) {
  Fixture f;
  const std::string bob_before = cookie_of(dsc_login(f.s, "bob", f.bob));
  const std::string alice_other = cookie_of(dsc_login(f.s, "alice", f.alice));
  const std::string alice = cookie_of(dsc_login(f.s, "alice", f.alice));
  Reply r = f.opt(alice, f.joint_id, "opt-out");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body.get_bool("changed"), true);
  EXPECT_EQ(r.body.get_bool("opted_out"), true);
  // The acting session stays and carries the restrictions at once.
  Reply mine = f.s.get("/api/v1/session", with_cookie(alice));
  ASSERT_EQ(mine.status, 200) << mine.raw;
  EXPECT_EQ(mine.str("device_kind"), "none");
  EXPECT_EQ(json_serialize(*mine.body.find("restrictions")), R"(["no_pink_sheet_trading","no_otcbb_trading"])");
  EXPECT_EQ(mine.body.find("limits")->find("daily")->get_int("cents"), 50'000'00);
  // Every other session of the account's users ended.
  EXPECT_EQ(f.s.get("/api/v1/session", with_cookie(bob_before)).status, 401);
  EXPECT_EQ(f.s.get("/api/v1/session", with_cookie(alice_other)).status, 401);
  // Both users now log in with their password only, restricted, and the
  // login assertion says so.
  Reply done = password_login(f.s, "bob");
  EXPECT_EQ(done.str("device_kind"), "none");
  EXPECT_EQ(json_serialize(*done.body.find("restrictions")), R"(["no_pink_sheet_trading","no_otcbb_trading"])");
  auto keys = AssertionKeys::load(f.s.assertion_keys_path());
  ASSERT_TRUE(keys);
  auto payload = jws_verify(done.str("assertion"), *keys, f.s.clock().now());
  ASSERT_TRUE(payload);
  EXPECT_EQ(payload->get_string("device_kind"), "none");
  EXPECT_EQ(json_serialize(*payload->find("restrictions")), R"(["no_pink_sheet_trading","no_otcbb_trading"])");
  EXPECT_EQ(payload->find("limits")->find("five_day")->get_int("cents"), 100'000'00);
  Reply list = f.s.get("/api/v1/accounts", with_cookie(cookie_of(done)));
  const JsonValue& a = list.body.find("accounts")->as_array()->front();
  EXPECT_EQ(a.get_bool("opted_out"), true);
  EXPECT_EQ(a.get_string("device_kind"), "none");
  // Carol's account is untouched.
  EXPECT_EQ(f.s.login("carol").str("state"), "second_factor");
  // Opting out again changes nothing.
  Reply again = f.opt(alice, f.joint_id, "opt-out");
  EXPECT_EQ(again.status, 200) << again.raw;
  EXPECT_EQ(again.body.get_bool("changed"), false);
  auto rows = f.s.audit();
  EXPECT_EQ(
      std::count_if(rows.begin(), rows.end(),
                    [](const AuditRecord& row) { return row.event == "account.opted_out" && row.outcome == "ok"; }),
      2);
}

TEST(ApiAccounts, OptingBackInNeedsThePrimaryUserAndADeviceForEveryUser) {
  Fixture f;
  const std::string alice = cookie_of(dsc_login(f.s, "alice", f.alice));
  ASSERT_EQ(f.opt(alice, f.joint_id, "opt-out").status, 200);
  // bob (password only now) may not opt the account back in.
  const std::string bob = cookie_of(password_login(f.s, "bob"));
  Reply not_primary = f.opt(bob, f.joint_id, "opt-in");
  EXPECT_EQ(not_primary.status, 403) << not_primary.raw;
  EXPECT_EQ(not_primary.code(), "device.not_primary_user");
  // A user without a usable device blocks opting back in, and nothing changes.
  ASSERT_TRUE(f.s.store().write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(d, tx.get_device(f.bob.device_id));
    d->status = DeviceStatus::revoked;
    return tx.update_device(*d);
  }));
  Reply no_device = f.opt(alice, f.joint_id, "opt-in");
  EXPECT_EQ(no_device.status, 409) << no_device.raw;
  EXPECT_EQ(no_device.code(), "account.no_device");
  EXPECT_NE(no_device.raw.find("bob"), std::string::npos) << no_device.raw;
  EXPECT_EQ(f.s.login("alice").str("state"), "verified") << "still password only";
  // With bob's device back, the primary user opts back in (no step-up: a
  // strengthening), and the users need their device again.
  ASSERT_TRUE(f.s.store().write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(d, tx.get_device(f.bob.device_id));
    d->status = DeviceStatus::active;
    return tx.update_device(*d);
  }));
  f.s.clock().advance_seconds(301);  // past the step-up window
  Reply in = f.opt(alice, f.joint_id, "opt-in");
  ASSERT_EQ(in.status, 200) << in.raw;
  EXPECT_EQ(in.body.get_bool("opted_out"), false);
  EXPECT_EQ(f.s.get("/api/v1/session", with_cookie(bob)).status, 401) << "bob's session ended";
  EXPECT_EQ(f.s.login("bob").str("state"), "second_factor");
  EXPECT_EQ(f.s.login("alice").str("state"), "second_factor");
}

TEST(ApiAccounts, AUserOnTwoAccountsKeepsOneSetting) {
  Fixture f;
  // bob also holds carol's account: opting the joint one out would make
  // bob password only on carol's account too.
  ASSERT_TRUE(f.s.admin().add_account_user("other", "bob"));
  const std::string alice = cookie_of(dsc_login(f.s, "alice", f.alice));
  Reply r = f.opt(alice, f.joint_id, "opt-out");
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.code(), "account.user_elsewhere");
  EXPECT_NE(r.raw.find("bob"), std::string::npos);
  EXPECT_EQ(f.s.login("bob").str("state"), "second_factor");
  // And the operator cannot opt one user of an account out alone.
  EXPECT_EQ(f.s.admin().set_opted_out("bob", true).code(), Errc::account_user_elsewhere);
}

TEST(ApiAccounts, IdentificationIsSealedAndCheckedAndNeverAudited) {
  Fixture f;
  auto us = parse_identification(*json_parse(
      R"({"date_of_birth":"1975-01-02","citizenship":"US","legal_residence":"US","us_person":true,"ssn":"123-45-6789"})"));
  ASSERT_TRUE(us);
  ASSERT_TRUE(f.s.admin().set_identification("alice", *us));
  Bytes sealed;
  ASSERT_TRUE(f.s.store().read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, tx.find_user("alice"));
    SLS_TRY_ASSIGN(blob, tx.get_sealed_identity(u->id));
    sealed = blob.value_or(Bytes{});
    return ok_status();
  }));
  ASSERT_FALSE(sealed.empty());
  const std::string raw(sealed.begin(), sealed.end());
  EXPECT_EQ(raw.find("123-45-6789"), std::string::npos);
  EXPECT_EQ(raw.find("1975-01-02"), std::string::npos);
  auto opened = f.s.keys().open(sealed);
  ASSERT_TRUE(opened);
  const std::string plain(opened->view().begin(), opened->view().end());
  EXPECT_NE(plain.find("123456789"), std::string::npos) << "stored with digits only";
  for (const AuditRecord& a : f.s.audit()) EXPECT_EQ(a.detail.find("123"), std::string::npos) << a.detail;
  for (const std::string& line : f.s.log()) EXPECT_EQ(line.find("1975-01-02"), std::string::npos) << line;

  // The JSON form: each bad field is named, never echoed.
  auto parse = [](const char* text) { return parse_identification(*json_parse(text)); };
  EXPECT_TRUE(parse(R"({"date_of_birth":"1980-04-30","citizenship":"HK","legal_residence":"GB",)"
                    R"("id_document_type":"passport","id_document_number":"K1234567"})"));
  auto bad_date = parse(R"({"date_of_birth":"30/04/1980","citizenship":"HK","legal_residence":"HK",)"
                        R"("id_document_type":"passport","id_document_number":"K1"})");
  ASSERT_FALSE(bad_date);
  EXPECT_EQ(bad_date.error().args, (std::vector<std::string>{"identity", "date_of_birth"}));
  EXPECT_FALSE(parse(R"({"date_of_birth":"1980-04-30","citizenship":"HK","legal_residence":"HK","us_person":true,)"
                     R"("ssn":"12-34"})"));
  EXPECT_FALSE(parse(R"({"date_of_birth":"1980-04-30","citizenship":"hk","legal_residence":"HK",)"
                     R"("id_document_type":"passport","id_document_number":"K1"})"));
  auto extra = parse(R"({"date_of_birth":"1980-04-30","citizenship":"HK","legal_residence":"HK",)"
                     R"("id_document_type":"passport","id_document_number":"K1","pin":"1234"})");
  ASSERT_FALSE(extra);
  EXPECT_EQ(extra.error().args.at(1), "pin");
  EXPECT_FALSE(parse("[]"));
}

}  // namespace
}  // namespace sls::server::testing
