// Sharing one device across users through a real server on 127.0.0.1
// (issue 11, docs/sharing.md): the seed's rule (same entity or the same
// identification data, no temporary device, the most secure device), the
// step-up, the compliance review, the login with a shared device and its
// end, and the attacks: strangers, guessed users and serials, someone
// else's request, hostile bodies.
#include <algorithm>
#include <optional>

#include "device_answers.hpp"
#include "phone.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";

const IdentificationData kSamePerson{"1980-04-30", "HK", "HK", "passport", "K12345678", "", false};

/// "joint": primary alice (DSC+), additional bob (DSC); carol (DSC) holds
/// "other" and shares nothing with them; dave (code card) holds no account
/// but has alice's identification data.
struct Fixture {
  TestServer s;
  TokenEnrolment alice, bob, carol;
  std::optional<CardEnrolment> dave;

  explicit Fixture(ServiceConfig config = test_service_config()) : s(std::move(config)) {
    for (const char* u : {"alice", "bob", "carol", "dave"}) EXPECT_TRUE(s.admin().create_user(u, kPassword));
    alice = *s.admin().enrol_token("alice", DeviceKind::dsc_plus, "2468");
    bob = *s.admin().enrol_token("bob", DeviceKind::dsc);
    carol = *s.admin().enrol_token("carol", DeviceKind::dsc);
    auto card = s.admin().enrol_card("dave", DeviceKind::code_card);
    if (card) dave.emplace(std::move(*card));
    EXPECT_TRUE(s.admin().create_account("joint", "alice"));
    EXPECT_TRUE(s.admin().add_account_user("joint", "bob"));
    EXPECT_TRUE(s.admin().create_account("other", "carol"));
    EXPECT_TRUE(s.admin().set_identification("alice", kSamePerson));
    EXPECT_TRUE(s.admin().set_identification("dave", kSamePerson));
  }

  /// A login of `user` answered with `token` on the device `device_id`:
  /// the last reply (the /complete one when everything passed).
  Reply token_login(const std::string& user, const TokenEnrolment& token, const std::string& device_id) {
    Reply login = s.login(user);
    if (login.status != 200) return login;
    Reply ch = s.challenge(login.str("login_id"), device_id);
    if (ch.status != 200) return ch;
    Reply ok =
        s.verify(login.str("login_id"), ch.str("challenge_id"), token_response(token, ch.str("challenge"), token.pin));
    if (ok.status != 200) return ok;
    return s.complete(login.str("login_id"), ok.str("completion_token"));
  }
  std::string session(const std::string& user, const TokenEnrolment& token) {
    Reply done = token_login(user, token, token.device_id);
    EXPECT_EQ(done.status, 200) << done.raw;
    return cookie_of(done);
  }
  std::string dave_session() {
    Reply login = s.login("dave");
    Reply ch = s.challenge(login.str("login_id"), dave->device_id);
    Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), card_answer(*dave, ch));
    Reply done = s.complete(login.str("login_id"), ok.str("completion_token"));
    EXPECT_EQ(done.status, 200) << done.raw;
    return cookie_of(done);
  }
  Reply ask(const std::string& cookie, const std::string& owner, const std::string& serial) {
    return s.post("/api/v1/sharing", JsonValue::object().set("owner", owner).set("serial", serial),
                  with_cookie(cookie));
  }
  Reply end(const std::string& cookie, const std::string& id) {
    return s.send("DELETE", "/api/v1/sharing/" + id, {}, with_cookie(cookie));
  }
  /// The device ids POST /login offers `user`.
  std::vector<std::string> offered(const std::string& user) {
    Reply login = s.login(user);
    std::vector<std::string> ids;
    if (const JsonValue* list = login.body.find("devices"); list != nullptr && list->as_array() != nullptr)
      for (const JsonValue& d : *list->as_array()) ids.emplace_back(*d.get_string("device_id"));
    return ids;
  }
  bool offers(const std::string& user, const std::string& device_id) {
    auto ids = offered(user);
    return std::find(ids.begin(), ids.end(), device_id) != ids.end();
  }
  std::string request_id(const Reply& r) {
    const JsonValue* req = r.body.find("request");
    return req != nullptr && req->get_string("id") ? std::string(*req->get_string("id")) : std::string();
  }
  std::string status_of(const Reply& r) {
    const JsonValue* req = r.body.find("request");
    return req != nullptr && req->get_string("status") ? std::string(*req->get_string("status")) : std::string();
  }
};

ServiceConfig with_review(SharingReview review) {
  ServiceConfig c = test_service_config();
  c.sharing_review = review;
  return c;
}

TEST(ApiSharing, SameEntityIsApprovedAtOnceAndTheRequesterLogsInWithTheOwnersDevice) {
  Fixture f;
  const std::string bob = f.session("bob", f.bob);
  Reply r = f.ask(bob, "alice", f.alice.serial);
  ASSERT_EQ(r.status, 201) << r.raw;
  const JsonValue& req = *r.body.find("request");
  EXPECT_EQ(req.get_string("owner"), "alice");
  EXPECT_EQ(req.get_string("requester"), "bob");
  EXPECT_EQ(req.get_string("device_kind"), "dsc_plus");
  EXPECT_EQ(req.get_string("serial"), f.alice.serial);
  EXPECT_EQ(req.get_string("status"), "approved");
  EXPECT_EQ(req.get_int("created_at"), kStartTime);
  EXPECT_EQ(req.get_int("decided_at"), kStartTime);
  EXPECT_EQ(r.raw.find(f.alice.key_hex), std::string::npos);

  // bob's login offers alice's DSC+, and passes with it (her PIN, her token).
  Reply login = f.s.login("bob");
  ASSERT_EQ(login.status, 200) << login.raw;
  const auto* devices = login.body.find("devices")->as_array();
  auto shared = std::find_if(devices->begin(), devices->end(),
                             [&](const JsonValue& d) { return d.get_string("device_id") == f.alice.device_id; });
  ASSERT_NE(shared, devices->end()) << login.raw;
  EXPECT_EQ(shared->get_string("shared_from"), "alice");
  EXPECT_EQ(login.str("default_device_id"), f.alice.device_id) << "the most secure device comes first";
  Reply done = f.token_login("bob", f.alice, f.alice.device_id);
  ASSERT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(done.str("username"), "bob");
  EXPECT_EQ(done.str("device_kind"), "dsc_plus");

  // GET /accounts: shared_from on bob's side, shared_with on alice's.
  Reply accounts = f.s.get("/api/v1/accounts", with_cookie(cookie_of(done)));
  ASSERT_EQ(accounts.status, 200) << accounts.raw;
  const auto& users = *accounts.body.find("accounts")->as_array()->front().find("users")->as_array();
  const auto& alice_devices = *users.at(0).find("devices")->as_array();
  EXPECT_EQ(json_serialize(*alice_devices.front().find("shared_with")), "[\"bob\"]") << accounts.raw;
  const auto& bob_devices = *users.at(1).find("devices")->as_array();
  EXPECT_TRUE(std::any_of(bob_devices.begin(), bob_devices.end(), [](const JsonValue& d) {
    return d.get_string("shared_from") == "alice" && d.get_string("kind") == "dsc_plus";
  })) << accounts.raw;

  // Both see it in GET /sharing; a stranger sees nothing.
  for (const std::string& c : {bob, f.session("alice", f.alice)}) {
    Reply list = f.s.get("/api/v1/sharing", with_cookie(c));
    ASSERT_EQ(list.status, 200) << list.raw;
    ASSERT_EQ(list.body.find("requests")->as_array()->size(), 1u) << list.raw;
  }
  Reply carol = f.s.get("/api/v1/sharing", with_cookie(f.session("carol", f.carol)));
  EXPECT_EQ(json_serialize(*carol.body.find("requests")), "[]");
}

TEST(ApiSharing, DifferentEntityAndDifferentIdentificationIsRefused) {
  Fixture f;
  const std::string carol = f.session("carol", f.carol);
  Reply r = f.ask(carol, "alice", f.alice.serial);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.code(), "device.share_identity");
  // Same data but a different document number is another person.
  ASSERT_TRUE(f.s.admin().set_identification(
      "carol", IdentificationData{"1980-04-30", "HK", "HK", "passport", "K12345670", "", false}));
  f.s.clock().advance_seconds(1);
  r = f.ask(f.session("carol", f.carol), "alice", f.alice.serial);
  EXPECT_EQ(r.code(), "device.share_identity") << r.raw;
  EXPECT_FALSE(f.offers("carol", f.alice.device_id));
}

TEST(ApiSharing, ATemporaryDeviceOnEitherUserIsRefused) {
  for (const char* holder : {"bob", "alice"}) {
    Fixture f;
    const std::string bob = f.session("bob", f.bob);
    ASSERT_TRUE(f.s.admin().issue_temp_code(holder, true));
    // Issuing a device ends the holder's sessions: bob logs in again if needed.
    const std::string cookie = std::string(holder) == "bob" ? f.session("bob", f.bob) : bob;
    Reply r = f.ask(cookie, "alice", f.alice.serial);
    EXPECT_EQ(r.status, 400) << holder << " " << r.raw;
    EXPECT_EQ(r.code(), "device.share_temporary") << holder;
    EXPECT_NE(r.raw.find(holder), std::string::npos) << "names the user: " << r.raw;
  }
}

TEST(ApiSharing, SharingALessSecureDeviceIsRefused) {
  Fixture f;
  // alice asks for bob's DSC while she holds a DSC+.
  Reply r = f.ask(f.session("alice", f.alice), "bob", f.bob.serial);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.code(), "device.less_secure");
  EXPECT_NE(r.raw.find("dsc_plus"), std::string::npos) << r.raw;
  EXPECT_FALSE(f.offers("alice", f.bob.device_id));
}

TEST(ApiSharing, UnknownUserUnknownSerialAndAnotherUsersSerialGetOneAnswer) {
  Fixture f;
  const std::string bob = f.session("bob", f.bob);
  Reply unknown_user = f.ask(bob, "nobody", f.alice.serial);
  Reply wrong_serial = f.ask(bob, "alice", "00000000");
  Reply carols_serial = f.ask(bob, "alice", f.carol.serial);
  Reply bad_name = f.ask(bob, std::string("al\x01ice"), f.alice.serial);
  for (const Reply* r : {&unknown_user, &wrong_serial, &carols_serial, &bad_name}) {
    EXPECT_EQ(r->status, 404) << r->raw;
    EXPECT_EQ(r->code(), "sharing.device_not_found");
    EXPECT_EQ(r->raw, unknown_user.raw) << "one body for all";
  }
  // Asking for one's own device is no sharing.
  Reply own = f.ask(bob, "bob", f.bob.serial);
  EXPECT_EQ(own.status, 400) << own.raw;
  EXPECT_EQ(own.code(), "sharing.own_device");
}

TEST(ApiSharing, ASharingNeedsAFreshSecondFactor) {
  Fixture f;
  const std::string bob = f.session("bob", f.bob);
  f.s.clock().advance_seconds(301);
  Reply r = f.ask(bob, "alice", f.alice.serial);
  EXPECT_EQ(r.status, 403) << r.raw;
  EXPECT_EQ(r.code(), "account.step_up_required");
  EXPECT_FALSE(f.offers("bob", f.alice.device_id));
  // No session at all.
  Reply none = f.s.post("/api/v1/sharing", JsonValue::object().set("owner", "alice").set("serial", f.alice.serial));
  EXPECT_EQ(none.status, 401) << none.raw;
  EXPECT_EQ(none.code(), "session.none");
}

TEST(ApiSharing, CrossSiteAndMalformedRequestsGet4xxJson) {
  Fixture f;
  const std::string bob = f.session("bob", f.bob);
  // A cross-site form can send only these types.
  for (const char* type : {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data"}) {
    Reply r = f.s.send("POST", "/api/v1/sharing", "owner=alice&serial=" + f.alice.serial, with_cookie(bob), type);
    EXPECT_EQ(r.status, 415) << type << " " << r.raw;
    EXPECT_FALSE(r.code().empty()) << r.raw;
  }
  for (const std::string& body :
       {std::string("{"), std::string("[]"), std::string("{}"), std::string(R"({"owner": 1, "serial": "1"})"),
        std::string(R"({"owner": "alice"})"), std::string(R"({"owner": "alice", "serial": ""})"),
        R"({"owner": "alice", "serial": ")" + std::string(100, '9') + "\"}"}) {
    Reply r = f.s.send("POST", "/api/v1/sharing", body, with_cookie(bob));
    EXPECT_EQ(r.status, 400) << body << " " << r.raw;
    EXPECT_FALSE(r.code().empty()) << r.raw;
  }
  for (const std::string& id : {std::string("x"), std::string(22, 'A'), std::string(300, 'a'), std::string("%00")}) {
    Reply r = f.end(bob, id);
    EXPECT_EQ(r.status, 404) << id << " " << r.raw;
    EXPECT_EQ(r.code(), "sharing.not_found");
  }
  Reply put = f.s.send("PUT", "/api/v1/sharing", "{}", with_cookie(bob));
  EXPECT_EQ(put.status, 405) << put.raw;
  EXPECT_FALSE(f.offers("bob", f.alice.device_id));
}

TEST(ApiSharing, PendingAndRejectedGiveNoLoginWithTheDevice) {
  Fixture f;  // default review: identification only waits
  const std::string dave = f.dave_session();
  Reply r = f.ask(dave, "alice", f.alice.serial);
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(f.status_of(r), "pending");
  EXPECT_TRUE(r.body.find("request")->find("decided_at")->is_null()) << r.raw;
  const std::string id = f.request_id(r);
  // Pending: not offered, and naming the device by id is refused too.
  EXPECT_FALSE(f.offers("dave", f.alice.device_id));
  Reply login = f.s.login("dave");
  Reply ch = f.s.challenge(login.str("login_id"), f.alice.device_id);
  EXPECT_EQ(ch.status, 404) << ch.raw;
  EXPECT_EQ(ch.code(), "device.not_found");
  // A second live request for the same pair is refused.
  Reply again = f.ask(dave, "alice", f.alice.serial);
  EXPECT_EQ(again.status, 409) << again.raw;
  EXPECT_EQ(again.code(), "sharing.duplicate");

  auto decided = f.s.admin().decide_sharing(id, false);
  ASSERT_TRUE(decided);
  EXPECT_EQ(decided->sharing.status, SharingStatus::rejected);
  EXPECT_EQ(f.s.admin().decide_sharing(id, true).code(), Errc::sharing_not_pending) << "decided once";
  EXPECT_EQ(f.s.admin().decide_sharing(id, false).code(), Errc::sharing_not_pending);
  EXPECT_FALSE(f.offers("dave", f.alice.device_id));
  login = f.s.login("dave");
  EXPECT_EQ(f.s.challenge(login.str("login_id"), f.alice.device_id).status, 404);
  Reply end = f.end(dave, id);
  EXPECT_EQ(end.status, 409) << end.raw;
  EXPECT_EQ(end.code(), "sharing.closed");
  auto rows = f.s.audit();
  EXPECT_TRUE(std::any_of(rows.begin(), rows.end(),
                          [](const AuditRecord& a) { return a.event == "sharing.rejected" && a.username == "dave"; }));
}

TEST(ApiSharing, AReviewApprovalGivesTheLoginAndTheRuleIsCheckedAgain) {
  Fixture f;
  const std::string dave = f.dave_session();
  Reply r = f.ask(dave, "alice", f.alice.serial);
  ASSERT_EQ(f.status_of(r), "pending") << r.raw;
  auto pending = f.s.admin().sharings(true, 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().requester, "dave");
  // dave got a temporary code meanwhile: the approval is refused.
  ASSERT_TRUE(f.s.admin().issue_temp_code("dave", true));
  EXPECT_EQ(f.s.admin().decide_sharing(f.request_id(r), true).code(), Errc::device_share_temporary);
  f.s.clock().advance_seconds(3 * 86400);  // the code expired
  auto ok = f.s.admin().decide_sharing(f.request_id(r), true);
  ASSERT_TRUE(ok) << errc_name(ok.code());
  EXPECT_EQ(ok->sharing.status, SharingStatus::approved);
  Reply done = f.token_login("dave", f.alice, f.alice.device_id);
  EXPECT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(f.s.admin().sharings(true, 10)->size(), 0u);
}

TEST(ApiSharing, ReviewRulesNeverAndAlways) {
  {
    Fixture f(with_review(SharingReview::never));
    EXPECT_EQ(f.status_of(f.ask(f.dave_session(), "alice", f.alice.serial)), "approved");
  }
  {
    Fixture f(with_review(SharingReview::always));
    EXPECT_EQ(f.status_of(f.ask(f.session("bob", f.bob), "alice", f.alice.serial)), "pending");
    EXPECT_FALSE(f.offers("bob", f.alice.device_id));
  }
}

TEST(ApiSharing, EndingASharingRefusesTheLoginAgainAndEndsTheSessionsThatUsedIt) {
  for (const char* by : {"bob", "alice"}) {
    Fixture f;
    const std::string bob = f.session("bob", f.bob);
    Reply r = f.ask(bob, "alice", f.alice.serial);
    ASSERT_EQ(f.status_of(r), "approved") << r.raw;
    const std::string with_shared = cookie_of(f.token_login("bob", f.alice, f.alice.device_id));
    // A login opened before the end cannot finish with the device.
    Reply login = f.s.login("bob");
    Reply ch = f.s.challenge(login.str("login_id"), f.alice.device_id);
    ASSERT_EQ(ch.status, 200) << ch.raw;

    const std::string actor = std::string(by) == "bob" ? bob : f.session("alice", f.alice);
    Reply ended = f.end(actor, f.request_id(r));
    ASSERT_EQ(ended.status, 200) << by << " " << ended.raw;
    EXPECT_EQ(f.status_of(ended), "ended");
    EXPECT_EQ(ended.body.find("request")->get_string("end_reason"), std::string(by) == "bob" ? "requester" : "owner");

    Reply late = f.s.verify(login.str("login_id"), ch.str("challenge_id"),
                            token_response(f.alice, ch.str("challenge"), f.alice.pin));
    EXPECT_EQ(late.status, 404) << late.raw;
    EXPECT_FALSE(f.offers("bob", f.alice.device_id));
    Reply again = f.token_login("bob", f.alice, f.alice.device_id);
    EXPECT_EQ(again.status, 404) << again.raw;
    EXPECT_EQ(again.code(), "device.not_found");
    // The session that used alice's device ended; bob's own-device one stays.
    EXPECT_EQ(f.s.get("/api/v1/session", with_cookie(with_shared)).status, 401);
    EXPECT_EQ(f.s.get("/api/v1/session", with_cookie(bob)).status, 200);
    // Ending twice is refused; a new request may follow.
    EXPECT_EQ(f.end(actor, f.request_id(r)).code(), "sharing.closed");
    EXPECT_EQ(f.ask(f.session("bob", f.bob), "alice", f.alice.serial).status, 201);
  }
}

TEST(ApiSharing, AThirdUserCannotEndSomeoneElsesSharing) {
  Fixture f;
  Reply r = f.ask(f.session("bob", f.bob), "alice", f.alice.serial);
  ASSERT_EQ(r.status, 201) << r.raw;
  const std::string carol = f.session("carol", f.carol);
  Reply theirs = f.end(carol, f.request_id(r));
  Reply unknown = f.end(carol, "AAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(theirs.status, 404) << theirs.raw;
  EXPECT_EQ(theirs.raw, unknown.raw) << "the same answer as an id that does not exist";
  EXPECT_TRUE(f.offers("bob", f.alice.device_id)) << "still in force";
}

TEST(ApiSharing, RevokingTheOwnersDeviceEndsTheSharing) {
  Fixture f;
  Reply r = f.ask(f.session("bob", f.bob), "alice", f.alice.serial);
  ASSERT_EQ(f.status_of(r), "approved") << r.raw;
  const std::string with_shared = cookie_of(f.token_login("bob", f.alice, f.alice.device_id));
  auto n = f.s.admin().revoke_device("alice", f.alice.device_id);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(f.offers("bob", f.alice.device_id));
  EXPECT_EQ(f.s.get("/api/v1/session", with_cookie(with_shared)).status, 401);
  Reply list = f.s.get("/api/v1/sharing", with_cookie(f.session("bob", f.bob)));
  const JsonValue& req = list.body.find("requests")->as_array()->front();
  EXPECT_EQ(req.get_string("status"), "ended") << list.raw;
  EXPECT_EQ(req.get_string("end_reason"), "device_revoked");
}

TEST(ApiSharing, LockoutOfASharedDeviceCountsAcrossItsUsers) {
  ServiceConfig config = test_service_config();
  config.lockout.threshold = 2;
  Fixture f(config);
  ASSERT_EQ(f.status_of(f.ask(f.session("bob", f.bob), "alice", f.alice.serial)), "approved");
  auto wrong = [&](const std::string& user) {
    Reply login = f.s.login(user);
    Reply ch = f.s.challenge(login.str("login_id"), f.alice.device_id);
    // A well-formed response (valid check digit) that is not the token's.
    std::string seven = token_response(f.alice, ch.str("challenge"), f.alice.pin).substr(0, 7);
    seven[0] = seven[0] == '9' ? '0' : static_cast<char>(seven[0] + 1);
    return f.s.verify(login.str("login_id"), ch.str("challenge_id"), *response_from_ocra(seven));
  };
  EXPECT_EQ(wrong("bob").status, 401);
  Reply second = wrong("alice");
  EXPECT_EQ(second.status, 423) << "the device's counter saw bob's failure too: " << second.raw;
}

// A shared Mobile Key: push approval and QR approval log the requester in,
// and the phone names the user who is logging in, not the owner.
TEST(ApiSharing, ASharedMobileKeyApprovesThePushAndTheQrOfTheRequester) {
  TestServer s;
  for (const char* u : {"mia", "max"}) ASSERT_TRUE(s.admin().create_user(u, kPassword));
  auto mk = s.admin().enrol_mobile_key("mia");
  ASSERT_TRUE(mk);
  Phone phone;
  ASSERT_EQ(activate_phone(s, phone, "mia", mk->activation_code).status, 200);
  auto card = s.admin().enrol_card("max", DeviceKind::code_card);
  ASSERT_TRUE(card);
  ASSERT_TRUE(s.admin().create_account("family", "mia"));
  ASSERT_TRUE(s.admin().add_account_user("family", "max"));
  std::string serial;
  // Held in a local: a range-for over a member of a temporary would dangle.
  auto mia_devices = s.admin().devices("mia");
  ASSERT_TRUE(mia_devices);
  for (const DeviceRecord& d : *mia_devices)
    if (d.kind == DeviceKind::mobile_key) serial = d.serial;
  ASSERT_EQ(serial.size(), 8u) << "a Mobile Key has a serial to be named by";

  Reply login = s.login("max");
  Reply ch = s.challenge(login.str("login_id"), card->device_id);
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), card_answer(*card, ch));
  const std::string max = cookie_of(s.complete(login.str("login_id"), ok.str("completion_token")));
  Reply asked = s.post("/api/v1/sharing", JsonValue::object().set("owner", "mia").set("serial", serial),
                       {{"Cookie", "sls_session=" + max}});
  ASSERT_EQ(asked.status, 201) << asked.raw;
  EXPECT_EQ(asked.body.find("request")->get_string("status"), "approved");

  // Push: the phone lists max's login and approves it.
  login = s.login("max");
  EXPECT_EQ(login.str("default_device_id"), phone.device_id) << login.raw;
  Reply push = s.challenge(login.str("login_id"), phone.device_id);
  ASSERT_EQ(push.str("method"), "push") << push.raw;
  const std::int64_t at = s.clock().now();
  Reply pending = s.get("/api/v1/device/" + phone.device_id + "/pushes",
                        {{"X-SLS-Device-Time", std::to_string(at)},
                         {"X-SLS-Device-Signature", phone.sign_text(device_pull_message(phone.device_id, at))}});
  ASSERT_EQ(pending.status, 200) << pending.raw;
  EXPECT_EQ(pending.body.find("pushes")->as_array()->front().get_string("username"), "max") << pending.raw;
  Reply decided = s.post("/api/v1/push/" + push.str("tx_id") + "/decision",
                         phone.decision(push.str("tx_id"), push.str("number"), "approve"));
  ASSERT_EQ(decided.status, 200) << decided.raw;
  Reply status = s.get("/api/v1/push/" + push.str("tx_id"));
  Reply done = s.complete(login.str("login_id"), status.str("completion_token"));
  ASSERT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(done.str("username"), "max");
  EXPECT_EQ(done.str("device_kind"), "mobile_key");

  // QR: the phone approves the scanned challenge of max's login.
  QrLogin qr = open_qr_login(s, phone, "max");
  Reply approved = approve_qr(s, phone, qr.payload);
  ASSERT_EQ(approved.status, 200) << approved.raw;
  Reply qr_status = s.get("/api/v1/login/" + qr.login_id + "/challenge-status");
  Reply qr_done = s.complete(qr.login_id, qr_status.str("completion_token"));
  ASSERT_EQ(qr_done.status, 200) << qr_done.raw;
  EXPECT_EQ(qr_done.str("username"), "max");
  auto rows = s.audit();
  EXPECT_TRUE(std::any_of(rows.begin(), rows.end(), [](const AuditRecord& a) {
    return a.event == "verify" && a.detail == "qr" && a.username == "max";
  })) << "the approval is max's, on mia's device";
}

}  // namespace
}  // namespace sls::server::testing
