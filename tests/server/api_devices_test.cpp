// The device lifecycle routes through a real server on 127.0.0.1 (issue 12, docs/devices.md): the user's devices
// and history, reporting a device lost, removing one, asking for its replacement by a Mobile Key, and where to send
// it back. The attacks: another user's device id, no or an ended session, a lost or removed device used to log in,
// approve a push or answer a challenge, reporting twice, removing without a fresh second factor, the last device.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <set>

#include "device_answers.hpp"
#include "phone.hpp"
#include "server/return_regions.hpp"
#include "server/try.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPassword = "correct horse";

/// A completed DSC login of `user`: its session cookie.
std::string dsc_login(TestServer& s, const std::string& user, const TokenEnrolment& token) {
  Reply login = s.login(user);
  EXPECT_EQ(login.status, 200) << login.raw;
  Reply ch = s.challenge(login.str("login_id"), token.device_id);
  EXPECT_EQ(ch.status, 200) << ch.raw;
  Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), token_response(token, ch.str("challenge")));
  EXPECT_EQ(ok.status, 200) << ok.raw;
  Reply done = s.complete(login.str("login_id"), ok.str("completion_token"));
  EXPECT_EQ(done.status, 200) << done.raw;
  return cookie_of(done);
}

/// alice: a DSC and a code card; bob: a DSC.
struct Fixture {
  TestServer s;
  TokenEnrolment alice, bob;
  std::optional<CardEnrolment> card_;
  const CardEnrolment& card() const { return *card_; }

  Fixture() {
    for (const char* u : {"alice", "bob"}) EXPECT_TRUE(s.admin().create_user(u, kPassword));
    alice = *s.admin().enrol_token("alice", DeviceKind::dsc);
    auto issued = s.admin().enrol_card("alice", DeviceKind::code_card);
    if (issued) card_.emplace(std::move(*issued));
    bob = *s.admin().enrol_token("bob", DeviceKind::dsc);
  }
  Reply get(const std::string& path, const std::string& cookie) { return s.get(path, with_cookie(cookie)); }
  Reply lost(const std::string& id, const std::string& cookie) {
    return s.send("POST", "/api/v1/devices/" + id + "/lost", {}, with_cookie(cookie));
  }
  Reply remove(const std::string& id, const std::string& cookie) {
    return s.send("DELETE", "/api/v1/devices/" + id, {}, with_cookie(cookie));
  }
  Reply replace(const std::string& id, const std::string& cookie, const std::string& with = "mobile_key") {
    return s.post("/api/v1/devices/" + id + "/replace", JsonValue::object().set("with", with), with_cookie(cookie));
  }
  /// The DEVICE of `id` in GET /devices, or null.
  JsonValue listed(const std::string& id, const std::string& cookie) {
    Reply r = get("/api/v1/devices", cookie);
    EXPECT_EQ(r.status, 200) << r.raw;
    for (const JsonValue& d : *r.body.find("devices")->as_array())
      if (d.get_string("id") == id) return d;
    return nullptr;
  }
  DeviceRecord device(const std::string& id) {
    DeviceRecord out;
    EXPECT_TRUE(s.store().read([&](StoreTx& tx) -> Status {
      SLS_TRY_ASSIGN(d, tx.get_device(id));
      out = *d;
      return ok_status();
    }));
    return out;
  }
  std::vector<std::string> events(const std::string& user) {
    std::vector<std::string> out;
    const auto rows = s.admin().device_events(user, 1000);
    for (const auto& e : *rows) out.push_back(e.event + " " + e.device_id);
    return out;
  }
  std::size_t sessions_of(const std::string& user) { return s.admin().sessions(user)->size(); }
};

TEST(ApiDevices, ListsTheUsersOwnDevicesInTheDeviceShape) {
  Fixture f;
  const std::string alice = dsc_login(f.s, "alice", f.alice);
  Reply r = f.get("/api/v1/devices", alice);
  ASSERT_EQ(r.status, 200) << r.raw;
  const auto& list = *r.body.find("devices")->as_array();
  ASSERT_EQ(list.size(), 2u) << r.raw;  // not bob's
  const JsonValue& dsc = list[0];
  EXPECT_EQ(dsc.get_string("id"), f.alice.device_id);
  EXPECT_EQ(dsc.get_string("kind"), "dsc");
  EXPECT_EQ(dsc.get_string("serial"), f.alice.serial);
  EXPECT_EQ(dsc.get_string("status"), "active");
  EXPECT_TRUE(dsc.find("ended")->is_null());
  EXPECT_TRUE(dsc.find("expires_at")->is_null());
  EXPECT_TRUE(dsc.find("replaces")->is_null());
  EXPECT_TRUE(dsc.find("access")->is_null());
  EXPECT_EQ(dsc.get_bool("returnable"), true);
  EXPECT_EQ(list[1].get_string("kind"), "code_card");
  EXPECT_EQ(list[1].get_bool("returnable"), false);
  for (const JsonValue& d : list) {
    // No secret, phone number, PIN or question.
    for (const char* k : {"sealed_secret", "phone", "pin", "open_question", "code_hash"}) EXPECT_FALSE(d.find(k)) << k;
  }
  EXPECT_EQ(*r.body.find("step_up_until")->as_int(), f.s.clock().now() + f.s.service().config().step_up_window);
  f.s.clock().advance_seconds(f.s.service().config().step_up_window + 1);
  EXPECT_TRUE(f.get("/api/v1/devices", alice).body.find("step_up_until")->is_null());

  // A temporary code shows what it grants (issuing it ended the session).
  ASSERT_TRUE(f.s.admin().issue_temp_code("alice", false));
  const std::string again = dsc_login(f.s, "alice", f.alice);
  bool temp = false;
  const Reply with_temp = f.get("/api/v1/devices", again);
  for (const JsonValue& d : *with_temp.body.find("devices")->as_array())
    if (d.get_string("kind") == "temp_code") temp = d.get_string("access") == "account_management";
  EXPECT_TRUE(temp);
}

TEST(ApiDevices, EveryRouteNeedsALiveSession) {
  Fixture f;
  const std::string id = f.alice.device_id;
  const std::vector<std::pair<std::string, std::string>> routes = {{"GET", "/api/v1/devices"},
                                                                   {"GET", "/api/v1/devices/history"},
                                                                   {"POST", "/api/v1/devices/" + id + "/lost"},
                                                                   {"DELETE", "/api/v1/devices/" + id},
                                                                   {"POST", "/api/v1/devices/" + id + "/replace"},
                                                                   {"GET", "/api/v1/devices/" + id + "/return"}};
  // A login that passed the password step only has no session.
  Reply password_only = f.s.login("alice");
  ASSERT_EQ(password_only.status, 200);
  const std::string ended = dsc_login(f.s, "alice", f.alice);
  ASSERT_EQ(f.s.send("DELETE", "/api/v1/session", {}, with_cookie(ended)).status, 200);
  const std::string idle = dsc_login(f.s, "alice", f.alice);
  f.s.clock().advance_seconds(f.s.service().config().session_idle + 1);
  for (const auto& [method, path] : routes)
    for (const httplib::Headers& h : {httplib::Headers{}, with_cookie("not-a-session"), with_cookie(ended),
                                      with_cookie(idle), with_cookie(password_only.str("login_id"))}) {
      Reply r = f.s.send(method, path, json_serialize(JsonValue::object().set("with", "mobile_key")), h);
      EXPECT_EQ(r.status, 401) << method << " " << path << " " << r.raw;
      EXPECT_EQ(r.code(), "session.none");
    }
  EXPECT_EQ(f.device(id).status, DeviceStatus::active);
}

TEST(ApiDevices, AnotherUsersDeviceOrAnUnknownIdIsNotFoundOnEveryRoute) {
  Fixture f;
  const std::string bob = dsc_login(f.s, "bob", f.bob);
  for (const std::string& id : {f.alice.device_id, f.card().device_id, std::string("AAAAAAAAAAAAAAAAAAAAAA"),
                                std::string("x"), std::string(100, 'a')}) {
    for (const auto& [method, suffix] : std::vector<std::pair<std::string, std::string>>{
             {"POST", "/lost"}, {"DELETE", ""}, {"POST", "/replace"}, {"GET", "/return"}}) {
      Reply r = f.s.send(method, "/api/v1/devices/" + id + suffix,
                         json_serialize(JsonValue::object().set("with", "mobile_key")), with_cookie(bob));
      EXPECT_EQ(r.status, 404) << method << " " << id << suffix << " " << r.raw;
      EXPECT_EQ(r.code(), "device.not_found");
    }
  }
  EXPECT_EQ(f.device(f.alice.device_id).status, DeviceStatus::active);
  EXPECT_EQ(f.device(f.card().device_id).status, DeviceStatus::active);
  EXPECT_TRUE(f.device(f.card().device_id).replace_with.empty());
  EXPECT_TRUE(f.events("alice").size() == 2u) << "issued x2 only";
}

TEST(ApiDevices, ReportingLostRevokesAtOnceEndsTheOtherSessionsAndOnlyOnce) {
  Fixture f;
  const std::string other = dsc_login(f.s, "alice", f.alice);
  const std::string mine = dsc_login(f.s, "alice", f.alice);
  ASSERT_EQ(f.sessions_of("alice"), 2u);
  // No freshness needed: it only takes power away.
  f.s.clock().advance_seconds(f.s.service().config().step_up_window + 1);
  Reply r = f.lost(f.card().device_id, mine);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body.find("device")->get_string("status"), "revoked");
  EXPECT_EQ(r.body.find("device")->find("ended")->get_string("event"), "lost");
  EXPECT_EQ(*r.body.find("device")->find("ended")->find("at")->as_int(), f.s.clock().now());
  EXPECT_EQ(*r.body.find("sessions_ended")->as_int(), 1);
  const auto& offers = *r.body.find("offers")->as_array();
  ASSERT_EQ(offers.size(), 3u);
  EXPECT_EQ(*offers[0].as_string(), "temporary_code");
  EXPECT_EQ(*offers[1].as_string(), "online_card");
  EXPECT_EQ(*offers[2].as_string(), "replacement");
  EXPECT_EQ(f.device(f.card().device_id).status, DeviceStatus::revoked);
  EXPECT_EQ(f.get("/api/v1/devices", other).code(), "session.none");
  EXPECT_EQ(f.get("/api/v1/devices", mine).status, 200);
  // Listed after the living ones, as lost.
  Reply list = f.get("/api/v1/devices", mine);
  const auto& devices = *list.body.find("devices")->as_array();
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(devices[1].get_string("id"), f.card().device_id);
  // History: lost by the user, newest first.
  Reply h = f.get("/api/v1/devices/history", mine);
  ASSERT_EQ(h.status, 200) << h.raw;
  const JsonValue& newest = h.body.find("events")->as_array()->front();
  EXPECT_EQ(newest.get_string("event"), "lost");
  EXPECT_EQ(newest.get_string("actor"), "user");
  EXPECT_EQ(newest.get_string("device_id"), f.card().device_id);
  EXPECT_EQ(newest.get_string("kind"), "code_card");
  // Twice: 409, nothing more recorded.
  Reply again = f.lost(f.card().device_id, mine);
  EXPECT_EQ(again.status, 409) << again.raw;
  EXPECT_EQ(again.code(), "device.ended");
  EXPECT_EQ(f.events("alice").size(), 3u);
  // The lost card cannot log in: not offered, and refused when named.
  Reply login = f.s.login("alice");
  for (const JsonValue& d : *login.body.find("devices")->as_array())
    EXPECT_NE(d.get_string("device_id"), f.card().device_id) << login.raw;
  EXPECT_NE(f.s.challenge(login.str("login_id"), f.card().device_id).status, 200);
  // Ended devices older than 90 days leave the list.
  f.s.clock().advance_seconds(91 * 86400);
  const std::string later = dsc_login(f.s, "alice", f.alice);
  EXPECT_TRUE(f.listed(f.card().device_id, later).is_null());
  EXPECT_FALSE(f.listed(f.alice.device_id, later).is_null());
}

TEST(ApiDevices, AnAccountManagementTemporaryCodeSessionReportsLostButCannotRemove) {
  // The seed's lost-device path: support issues a temporary code for account
  // management; with it the user reaches the security centre.
  Fixture f;
  auto temp = f.s.admin().issue_temp_code("alice", /*full_access=*/false);
  ASSERT_TRUE(temp);
  Reply login = f.s.login("alice");
  Reply ch = f.s.challenge(login.str("login_id"), temp->device_id);
  Reply ok = f.s.verify(login.str("login_id"), ch.str("challenge_id"), temp->code);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  const std::string alice = cookie_of(f.s.complete(login.str("login_id"), ok.str("completion_token")));
  Reply list = f.get("/api/v1/devices", alice);
  ASSERT_EQ(list.status, 200) << list.raw;
  EXPECT_TRUE(list.body.find("step_up_until")->is_null()) << "a stand-in is no fresh second factor";
  EXPECT_EQ(f.get("/api/v1/devices/" + f.alice.device_id + "/return", alice).status, 200);
  EXPECT_EQ(f.remove(f.card().device_id, alice).code(), "account.step_up_required");
  EXPECT_EQ(f.replace(f.card().device_id, alice).code(), "account.step_up_required");
  Reply lost = f.lost(f.alice.device_id, alice);
  EXPECT_EQ(lost.status, 200) << lost.raw;
  EXPECT_EQ(f.device(f.alice.device_id).status, DeviceStatus::revoked);
  EXPECT_EQ(f.device(f.card().device_id).status, DeviceStatus::active);
}

TEST(ApiDevices, AnOpenChallengeOfALostDeviceCannotBeAnsweredAfterTheReport) {
  Fixture f;
  ASSERT_TRUE(f.s.admin().enrol_token("alice", DeviceKind::platinum_gold));  // another permanent device stays
  const std::string alice = dsc_login(f.s, "alice", f.alice);
  // A thief's login waits on the card's question, and on the DSC's.
  Reply card_login = f.s.login("alice");
  Reply card_ch = f.s.challenge(card_login.str("login_id"), f.card().device_id);
  ASSERT_EQ(card_ch.status, 200) << card_ch.raw;
  Reply dsc_login_start = f.s.login("alice");
  Reply dsc_ch = f.s.challenge(dsc_login_start.str("login_id"), f.alice.device_id);
  ASSERT_EQ(dsc_ch.status, 200) << dsc_ch.raw;

  ASSERT_EQ(f.lost(f.card().device_id, alice).status, 200);
  ASSERT_EQ(f.lost(f.alice.device_id, alice).status, 200);
  Reply card_answer_late =
      f.s.verify(card_login.str("login_id"), card_ch.str("challenge_id"), card_answer(f.card(), card_ch));
  EXPECT_NE(card_answer_late.status, 200) << card_answer_late.raw;
  EXPECT_TRUE(card_answer_late.str("completion_token").empty());
  Reply dsc_answer_late = f.s.verify(dsc_login_start.str("login_id"), dsc_ch.str("challenge_id"),
                                     token_response(f.alice, dsc_ch.str("challenge")));
  EXPECT_NE(dsc_answer_late.status, 200) << dsc_answer_late.raw;
  EXPECT_TRUE(dsc_answer_late.str("completion_token").empty());
}

/// mia: a Mobile Key on a phone, and a DSC to open her security centre with.
struct PhoneFixture {
  TestServer s;
  Phone phone;
  TokenEnrolment dsc;
  PhoneFixture() {
    EXPECT_TRUE(s.admin().create_user("mia", kPassword));
    auto enrolment = s.admin().enrol_mobile_key("mia");
    Reply r = activate_phone(s, phone, "mia", enrolment->activation_code);
    EXPECT_EQ(r.status, 200) << r.raw;
    dsc = *s.admin().enrol_token("mia", DeviceKind::dsc);
  }
  /// Password step and a push to the phone: {login id, tx id, number}.
  std::tuple<std::string, std::string, std::string> start_push() {
    Reply login = s.login("mia");
    Reply ch = s.challenge(login.str("login_id"), phone.device_id);
    EXPECT_EQ(ch.str("method"), "push") << ch.raw;
    return {login.str("login_id"), ch.str("tx_id"), ch.str("number")};
  }
};

TEST(ApiDevices, APushOfALostMobileKeyDiesAtOnceItsWaiterLearnsAndAnApprovalFails) {
  PhoneFixture f;
  const std::string mia = dsc_login(f.s, "mia", f.dsc);
  auto [login_id, tx, number] = f.start_push();
  ASSERT_FALSE(tx.empty());
  // The browser's held status request, on its own connection.
  const std::string secret = f.s.login_secret(login_id);
  const int port = f.s.port();
  auto held = std::async(std::launch::async, [port, tx = tx, secret] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(30, 0);
    auto r = c.Get(("/api/v1/push/" + tx + "?wait=25").c_str(), {{std::string(kLoginSecretHeader), secret}});
    return r ? r->body : std::string();
  });
  EXPECT_EQ(held.wait_for(300ms), std::future_status::timeout) << "held while pending";

  Reply r = f.s.send("POST", "/api/v1/devices/" + f.phone.device_id + "/lost", {}, with_cookie(mia));
  ASSERT_EQ(r.status, 200) << r.raw;
  // Answered at once (well before the 25 s bound): cancelled.
  ASSERT_EQ(held.wait_for(8s), std::future_status::ready);
  auto body = json_parse(held.get());
  ASSERT_TRUE(body);
  EXPECT_EQ(body->get_string("status"), "cancelled");
  EXPECT_FALSE(body->find("completion_token"));

  // The phone approves afterwards: refused, and the login stays unverified.
  Reply late = f.s.post("/api/v1/push/" + tx + "/decision", f.phone.decision(tx, number, "approve"));
  EXPECT_NE(late.status, 200) << late.raw;
  Reply status = f.s.get("/api/v1/push/" + tx);
  EXPECT_EQ(status.str("status"), "cancelled");
  EXPECT_TRUE(status.str("completion_token").empty());
  // Nor can a new login reach it.
  Reply login = f.s.login("mia");
  EXPECT_NE(f.s.challenge(login.str("login_id"), f.phone.device_id).status, 200);
}

TEST(ApiDevices, RemovingNeedsAFreshSecondFactorAndEndsTheSessionsOpenedWithIt) {
  Fixture f;
  ASSERT_TRUE(f.s.admin().enrol_token("alice", DeviceKind::platinum_gold));
  const std::string with_dsc = dsc_login(f.s, "alice", f.alice);
  f.s.clock().advance_seconds(f.s.service().config().step_up_window + 1);
  const std::size_t events_before = f.events("alice").size();
  Reply stale = f.remove(f.alice.device_id, with_dsc);
  EXPECT_EQ(stale.status, 403) << stale.raw;
  EXPECT_EQ(stale.code(), "account.step_up_required");
  EXPECT_EQ(f.device(f.alice.device_id).status, DeviceStatus::active);
  EXPECT_EQ(f.events("alice").size(), events_before);
  EXPECT_EQ(f.sessions_of("alice"), 1u);

  // Fresh: a session opened with the card removes the DSC; the DSC's session ends.
  Reply login = f.s.login("alice");
  Reply ch = f.s.challenge(login.str("login_id"), f.card().device_id);
  Reply ok = f.s.verify(login.str("login_id"), ch.str("challenge_id"), card_answer(f.card(), ch));
  ASSERT_EQ(ok.status, 200) << ok.raw;
  const std::string with_card = cookie_of(f.s.complete(login.str("login_id"), ok.str("completion_token")));
  Reply removed = f.remove(f.alice.device_id, with_card);
  ASSERT_EQ(removed.status, 200) << removed.raw;
  EXPECT_EQ(removed.body.find("device")->find("ended")->get_string("event"), "removed");
  EXPECT_EQ(*removed.body.find("sessions_ended")->as_int(), 1);
  EXPECT_EQ(f.device(f.alice.device_id).status, DeviceStatus::revoked);
  EXPECT_EQ(f.get("/api/v1/devices", with_dsc).code(), "session.none");
  EXPECT_EQ(f.get("/api/v1/devices", with_card).status, 200);
  EXPECT_EQ(f.events("alice").front(), "removed " + f.alice.device_id);
  // The removed DSC cannot log in.
  Reply again = f.s.login("alice");
  EXPECT_NE(f.s.challenge(again.str("login_id"), f.alice.device_id).status, 200);
  // Removed twice: 409.
  EXPECT_EQ(f.remove(f.alice.device_id, with_card).code(), "device.ended");
}

TEST(ApiDevices, TheLastUsablePermanentDeviceIsNotRemovedUnlessTheUserOptedOut) {
  Fixture f;
  // A temporary code is no permanent device: the DSC is still the last one.
  ASSERT_TRUE(f.s.admin().issue_temp_code("bob", true));
  const std::string bob = dsc_login(f.s, "bob", f.bob);
  Reply last = f.remove(f.bob.device_id, bob);
  EXPECT_EQ(last.status, 409) << last.raw;
  EXPECT_EQ(last.code(), "device.last_device");
  EXPECT_EQ(f.device(f.bob.device_id).status, DeviceStatus::active);
  // The temporary code itself may go.
  std::string temp_id;
  const auto bobs_devices = f.s.admin().devices("bob");
  for (const auto& d : *bobs_devices)
    if (d.kind == DeviceKind::temp_code) temp_id = d.id;
  EXPECT_EQ(f.remove(temp_id, bob).status, 200);
  // Alice has two: the first goes, the second is then the last.
  const std::string alice = dsc_login(f.s, "alice", f.alice);
  ASSERT_EQ(f.remove(f.card().device_id, alice).status, 200);
  EXPECT_EQ(f.remove(f.alice.device_id, alice).code(), "device.last_device");
  // Once bob opted out (within the same fresh session), his device may go.
  const std::string bobs = *f.s.admin().create_account("bobs", "bob");
  const std::string fresh = bob;
  ASSERT_EQ(f.s.post("/api/v1/accounts/" + bobs + "/opt-out", JsonValue::object(), with_cookie(fresh)).status, 200);
  Reply opted = f.remove(f.bob.device_id, fresh);
  EXPECT_EQ(opted.status, 200) << opted.raw;
}

TEST(ApiDevices, AReplacementByAMobileKeyRevokesTheDeviceWhenTheKeyActivatesWithinSevenDays) {
  Fixture f;
  const std::string alice = dsc_login(f.s, "alice", f.alice);
  Reply dsc_plus = f.replace(f.card().device_id, alice, "dsc_plus");
  EXPECT_EQ(dsc_plus.status, 422) << dsc_plus.raw;
  EXPECT_EQ(dsc_plus.code(), "request.bad_field");
  EXPECT_EQ(
      f.s.post("/api/v1/devices/" + f.card().device_id + "/replace", JsonValue::object(), with_cookie(alice)).code(),
      "request.bad_field");
  Reply r = f.replace(f.card().device_id, alice);
  ASSERT_EQ(r.status, 200) << r.raw;
  const JsonValue* rep = r.body.find("replacement");
  EXPECT_EQ(rep->get_string("device_id"), f.card().device_id);
  EXPECT_EQ(rep->get_string("with"), "mobile_key");
  EXPECT_EQ(*rep->find("until")->as_int(), f.s.clock().now() + 7 * 86400);
  EXPECT_EQ(f.device(f.card().device_id).status, DeviceStatus::active);  // not yet

  f.s.clock().advance_seconds(6 * 86400);
  Phone phone;
  auto enrolment = f.s.admin().enrol_mobile_key("alice");
  ASSERT_EQ(activate_phone(f.s, phone, "alice", enrolment->activation_code).status, 200);
  EXPECT_EQ(f.device(f.card().device_id).status, DeviceStatus::revoked);
  EXPECT_EQ(f.device(f.alice.device_id).status, DeviceStatus::active);  // only the one named
  auto history = *f.s.admin().device_events("alice", 10);
  auto replaced = std::find_if(history.begin(), history.end(), [&](const DeviceEventRecord& e) {
    return e.event == "replaced" && e.device_id == f.card().device_id;
  });
  ASSERT_NE(replaced, history.end());
  EXPECT_EQ(replaced->detail, "by " + phone.device_id);
}

TEST(ApiDevices, AReplacementRequestLapsesAfterSevenDaysAndNeedsAFreshSecondFactor) {
  Fixture f;
  const std::string alice = dsc_login(f.s, "alice", f.alice);
  f.s.clock().advance_seconds(f.s.service().config().step_up_window + 1);
  Reply stale = f.replace(f.card().device_id, alice);
  EXPECT_EQ(stale.status, 403) << stale.raw;
  EXPECT_EQ(stale.code(), "account.step_up_required");
  EXPECT_TRUE(f.device(f.card().device_id).replace_with.empty());
  const std::string fresh = dsc_login(f.s, "alice", f.alice);
  ASSERT_EQ(f.replace(f.card().device_id, fresh).status, 200);
  f.s.clock().advance_seconds(7 * 86400 + 1);
  Phone phone;
  auto enrolment = f.s.admin().enrol_mobile_key("alice");
  ASSERT_EQ(activate_phone(f.s, phone, "alice", enrolment->activation_code).status, 200);
  EXPECT_EQ(f.device(f.card().device_id).status, DeviceStatus::active);
}

TEST(ApiDevices, TheReturnPageAdvisesByKindAndPutsTheUsersRegionFirst) {
  Fixture f;
  const std::string alice = dsc_login(f.s, "alice", f.alice);
  Reply dsc = f.get("/api/v1/devices/" + f.alice.device_id + "/return", alice);
  ASSERT_EQ(dsc.status, 200) << dsc.raw;
  EXPECT_EQ(dsc.str("advice"), "return");
  EXPECT_TRUE(dsc.body.find("suggest")->is_null());
  EXPECT_EQ(dsc.str("region"), "americas");  // no identification on record
  EXPECT_EQ(*dsc.body.find("receipt_business_days")->find("min")->as_int(), 3);
  EXPECT_EQ(*dsc.body.find("receipt_business_days")->find("max")->as_int(), 5);
  EXPECT_EQ(dsc.body.find("device")->get_string("id"), f.alice.device_id);
  const auto& regions = *dsc.body.find("regions")->as_array();
  ASSERT_EQ(regions.size(), 5u);
  std::set<std::string> ids;
  for (const JsonValue& r : regions) {
    ids.insert(std::string(*r.get_string("id")));
    const auto& address = *r.find("address")->as_array();
    ASSERT_FALSE(address.empty());
    EXPECT_EQ(*address.front().as_string(), "Attn: Token Return Department");
    ASSERT_FALSE(r.find("phones")->as_array()->empty());
    for (const JsonValue& p : *r.find("phones")->as_array()) {
      EXPECT_TRUE(p.get_string("kind") == "toll_free" || p.get_string("kind") == "direct") << json_serialize(p);
      EXPECT_FALSE(p.get_string("number")->empty());
      EXPECT_TRUE(p.find("language"));
    }
  }
  EXPECT_EQ(ids, (std::set<std::string>{"americas", "europe", "asia", "australia", "japan"}));
  EXPECT_EQ(regions.front().get_string("id"), "americas");

  Reply card = f.get("/api/v1/devices/" + f.card().device_id + "/return", alice);
  EXPECT_EQ(card.str("advice"), "destroy");
  EXPECT_EQ(card.str("suggest"), "mobile_key");

  for (const auto& [country, region] : std::vector<std::pair<std::string, std::string>>{{"JP", "japan"},
                                                                                        {"AU", "australia"},
                                                                                        {"HK", "asia"},
                                                                                        {"TW", "asia"},
                                                                                        {"DE", "europe"},
                                                                                        {"GB", "europe"},
                                                                                        {"US", "americas"},
                                                                                        {"BR", "americas"}}) {
    IdentificationData id;
    id.date_of_birth = "1980-04-30";
    id.citizenship = country;
    id.legal_residence = country;
    id.id_document_type = "passport";
    id.id_document_number = "K1234567";
    ASSERT_TRUE(f.s.admin().set_identification("alice", id));
    Reply r = f.get("/api/v1/devices/" + f.alice.device_id + "/return", alice);
    EXPECT_EQ(r.str("region"), region) << country;
    EXPECT_EQ(r.body.find("regions")->as_array()->front().get_string("id"), region) << country;
  }
}

TEST(ApiDevices, EveryReturnRegionHasAnAddressWithoutACompanyNameAndPhones) {
  for (const ReturnRegion& r : kReturnRegions) {
    ASSERT_GE(r.address.size(), 3u) << r.id;
    EXPECT_EQ(r.address.front(), "Attn: Token Return Department") << r.id;
    ASSERT_FALSE(r.phones.empty()) << r.id;
    for (const ReturnPhone& p : r.phones) {
      EXPECT_TRUE(p.kind == "toll_free" || p.kind == "direct") << r.id;
      EXPECT_FALSE(p.number.empty()) << r.id;
      EXPECT_FALSE(p.area.empty()) << r.id;
    }
  }
  EXPECT_EQ(return_region_for(""), "americas");
  EXPECT_EQ(return_region_for("CA"), "americas");
  EXPECT_EQ(return_region_for("CN"), "asia");
  EXPECT_EQ(return_region_for("RU"), "europe");
}

TEST(ApiDevices, HistoryIsNewestFirstWithABoundedLimit) {
  Fixture f;
  const std::string alice = dsc_login(f.s, "alice", f.alice);
  Reply all = f.get("/api/v1/devices/history", alice);
  ASSERT_EQ(all.status, 200) << all.raw;
  const auto& events = *all.body.find("events")->as_array();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].get_string("device_id"), f.card().device_id);  // issued second
  EXPECT_EQ(events[0].get_string("event"), "issued");
  EXPECT_EQ(events[0].get_string("actor"), "operator");
  EXPECT_TRUE(events[0].find("at")->as_int().has_value());
  EXPECT_EQ(f.get("/api/v1/devices/history?limit=1", alice).body.find("events")->as_array()->size(), 1u);
  for (const char* bad : {"0", "201", "-1", "abc", "1x", ""}) {
    Reply r = f.get(std::string("/api/v1/devices/history?limit=") + bad, alice);
    EXPECT_EQ(r.status, 400) << bad << " " << r.raw;
    EXPECT_EQ(r.code(), "request.bad_field");
  }
  // Bob sees none of alice's.
  const std::string bob = dsc_login(f.s, "bob", f.bob);
  const Reply bobs_history = f.get("/api/v1/devices/history", bob);
  for (const JsonValue& e : *bobs_history.body.find("events")->as_array())
    EXPECT_EQ(e.get_string("device_id"), f.bob.device_id);
}

TEST(ApiDevices, SlsctlHistoryPrintsTheUsersEvents) {
  Fixture f;
  const std::string alice = dsc_login(f.s, "alice", f.alice);
  ASSERT_EQ(f.lost(f.card().device_id, alice).status, 200);
  const std::string cmd = std::string(SLS_SLSCTL_PATH) + " --db " + f.s.db_path() + " --master-key " +
                          f.s.master_key_path() + " --sign-key " + f.s.sign_key_path() + " --assertion-keys " +
                          f.s.assertion_keys_path() + " history alice 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  EXPECT_EQ(::pclose(pipe), 0) << out;
  const auto first = out.substr(0, out.find('\n'));
  EXPECT_NE(first.find("lost"), std::string::npos) << out;
  EXPECT_NE(first.find(f.card().device_id), std::string::npos) << out;
  EXPECT_NE(first.find("by user"), std::string::npos) << out;
  EXPECT_NE(out.find("issued"), std::string::npos) << out;
  EXPECT_EQ(out.find(f.bob.device_id), std::string::npos) << out;
}

}  // namespace
}  // namespace sls::server::testing
