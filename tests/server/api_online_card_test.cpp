// The online Security Code Card through a real server on 127.0.0.1 (issue 12, docs/online-card.md): issued pending
// by the user's session (the lost-device path: a temporary code, then an online card), printed under the strict CSP,
// activated with the codes at two fixed index numbers, valid 21 days, superseded by a permanent device. The attacks:
// another user's session, codes served after activation, guessing the activation codes, logging in with a pending or
// an expired card. And the account-management-only session over every route.
#include <algorithm>
#include <set>

#include "device_answers.hpp"
#include "phone.hpp"
#include "server/http_request.hpp"
#include "server/try.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";

/// The cells of an issue reply and the codes at its two activation indices.
struct IssuedCard {
  std::string id;
  std::vector<std::string> cells;
  std::size_t first = 0, second = 0;
  std::string codes() const { return cells.at(first - 1) + cells.at(second - 1); }
  /// Codes that are well formed and wrong.
  std::string wrong() const {
    std::string c = codes();
    c[0] = c[0] == '2' ? '3' : '2';
    return c;
  }
};

IssuedCard read_issue(const Reply& r) {
  IssuedCard out;
  const JsonValue* device = r.body.find("device");
  const JsonValue* card = r.body.find("card");
  const JsonValue* activation = r.body.find("activation");
  if (device == nullptr || card == nullptr || activation == nullptr) {
    ADD_FAILURE() << r.raw;
    return out;
  }
  out.id = std::string(*device->get_string("id"));
  for (const JsonValue& c : *card->find("cells")->as_array()) out.cells.emplace_back(*c.as_string());
  const auto& idx = *activation->find("indices")->as_array();
  out.first = static_cast<std::size_t>(*idx.at(0).as_int());
  out.second = static_cast<std::size_t>(*idx.at(1).as_int());
  return out;
}

struct Fixture {
  TestServer s;

  /// `user` (created with an account) logged in with a temporary code of
  /// the given access: the session cookie.
  std::string temp_session(const std::string& user, bool full_access, Reply* done_out = nullptr) {
    if (!s.admin().devices(user)) {
      EXPECT_TRUE(s.admin().create_user(user, kPassword));
      EXPECT_TRUE(s.admin().create_account(user + "-account", user));
    }
    auto temp = s.admin().issue_temp_code(user, full_access);
    EXPECT_TRUE(temp);
    Reply login = s.login(user);
    EXPECT_EQ(login.status, 200) << login.raw;
    Reply ch = s.challenge(login.str("login_id"), temp->device_id);
    EXPECT_EQ(ch.status, 200) << ch.raw;
    Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), temp->code);
    EXPECT_EQ(ok.status, 200) << ok.raw;
    Reply done = s.complete(login.str("login_id"), ok.str("completion_token"));
    EXPECT_EQ(done.status, 200) << done.raw;
    if (done_out != nullptr) *done_out = done;
    return cookie_of(done);
  }
  Reply issue(const std::string& cookie) {
    return s.post("/api/v1/devices/online-card", JsonValue::object(), with_cookie(cookie));
  }
  Reply page(const std::string& cookie, const std::string& id, const std::string& query = {}) {
    return s.get("/api/v1/devices/" + id + "/card" + query, with_cookie(cookie));
  }
  Reply activate(const std::string& cookie, const std::string& id, const std::string& codes) {
    return s.post("/api/v1/devices/" + id + "/activate", JsonValue::object().set("codes", codes), with_cookie(cookie));
  }
  std::vector<DeviceRecord> devices(const std::string& user) { return *s.admin().devices(user); }
  DeviceRecord device(const std::string& user, const std::string& id) {
    for (const DeviceRecord& d : devices(user))
      if (d.id == id) return d;
    ADD_FAILURE() << "no device " << id;
    return {};
  }
  std::vector<std::string> events_of(const std::string& user, const std::string& id) {
    std::vector<std::string> out;
    EXPECT_TRUE(s.store().read([&](StoreTx& tx) -> Status {
      SLS_TRY_ASSIGN(u, tx.find_user(user));
      SLS_TRY_ASSIGN(events, tx.list_device_events(u->id, 200));
      for (const auto& e : events)
        if (e.device_id == id) out.push_back(e.event);
      return ok_status();
    }));
    std::reverse(out.begin(), out.end());  // oldest first
    return out;
  }
  /// A login of `user` with the card: the /verify reply (or the refusal
  /// that stopped it).
  Reply card_login(const std::string& user, const std::string& device_id, const IssuedCard& card) {
    Reply login = s.login(user);
    if (login.status != 200) return login;
    Reply ch = s.challenge(login.str("login_id"), device_id);
    if (ch.status != 200) return ch;
    std::string typed;
    for (const JsonValue& i : *ch.body.find("indices")->as_array())
      typed += card.cells.at(static_cast<std::size_t>(*i.as_int()) - 1);
    return s.verify(login.str("login_id"), ch.str("challenge_id"), typed);
  }
  bool offered(const std::string& user, const std::string& device_id) {
    Reply login = s.login(user);
    EXPECT_EQ(login.status, 200) << login.raw;
    const JsonValue* list = login.body.find("devices");
    if (list == nullptr) return false;
    for (const JsonValue& d : *list->as_array())
      if (d.get_string("device_id") == device_id) return true;
    return false;
  }
};

TEST(OnlineCard, AnAccountManagementSessionIssuesPrintsAndActivatesIt) {
  Fixture f;
  Reply done;
  const std::string tim = f.temp_session("tim", /*full_access=*/false, &done);
  EXPECT_EQ(done.str("access"), "account_management") << done.raw;
  Reply session = f.s.get("/api/v1/session", with_cookie(tim));
  EXPECT_EQ(session.str("access"), "account_management") << session.raw;

  Reply r = f.issue(tim);
  ASSERT_EQ(r.status, 201) << r.raw;
  const IssuedCard card = read_issue(r);
  const JsonValue& device = *r.body.find("device");
  EXPECT_EQ(device.get_string("status"), "pending");
  EXPECT_EQ(device.get_string("kind"), "online_card");
  EXPECT_EQ(*device.find("expires_at")->as_int(), kStartTime + 86400) << "the activation window";
  EXPECT_EQ(card.cells.size(), kCardDefaultCells);
  for (const std::string& c : card.cells) EXPECT_EQ(c.size(), 3u);
  EXPECT_NE(card.first, card.second);
  EXPECT_GE(std::min(card.first, card.second), 1u);
  EXPECT_LE(std::max(card.first, card.second), card.cells.size());
  EXPECT_EQ(r.str("print_url"), "/api/v1/devices/" + card.id + "/card");
  EXPECT_FALSE(f.offered("tim", card.id)) << "a pending card is not offered at login";

  // The printable page: the card's codes, no inline style or script, the
  // strict CSP, its stylesheet a file of the same origin.
  Reply p = f.page(tim, card.id, "?lang=zh-Hant");
  ASSERT_EQ(p.status, 200) << p.raw;
  EXPECT_EQ(p.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(p.header("Content-Security-Policy").find("style-src 'self'"), std::string::npos);
  EXPECT_NE(p.header("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(p.header("Cache-Control"), "no-store");
  EXPECT_EQ(p.raw.find("<style"), std::string::npos);
  EXPECT_EQ(p.raw.find("style="), std::string::npos);
  EXPECT_EQ(p.raw.find("<script"), std::string::npos);
  EXPECT_NE(p.raw.find("href=\"/api/v1/card.css\""), std::string::npos);
  EXPECT_NE(p.raw.find("lang=\"zh-Hant\""), std::string::npos);
  EXPECT_NE(p.raw.find(card.cells.at(card.first - 1)), std::string::npos);
  Reply css = f.s.get("/api/v1/card.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_NE(css.raw.find("@media print"), std::string::npos);

  // Typed as a user types (lower case, a space, look-alikes), normalised as
  // a login's entry.
  f.s.clock().advance_seconds(600);
  std::string typed = card.codes();
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  typed.insert(3, " ");
  Reply a = f.activate(tim, card.id, typed);
  ASSERT_EQ(a.status, 200) << a.raw;
  EXPECT_EQ(a.body.find("device")->get_string("status"), "active");
  EXPECT_EQ(*a.body.find("device")->find("expires_at")->as_int(), kStartTime + 600 + 21 * 86400);
  EXPECT_EQ(f.events_of("tim", card.id), (std::vector<std::string>{"issued", "activated"}));

  // Its codes are not served again, and it is not activated twice.
  Reply again = f.page(tim, card.id);
  EXPECT_EQ(again.status, 404) << again.raw;
  EXPECT_EQ(again.code(), "device.not_found");
  EXPECT_EQ(again.raw.find(card.cells.at(0)), std::string::npos);
  Reply twice = f.activate(tim, card.id, card.codes());
  EXPECT_EQ(twice.status, 409) << twice.raw;
  EXPECT_EQ(twice.code(), "online_card.active");

  // Now it logs in (and is offered first, over the temporary code? no: both
  // are stand-ins; it is offered).
  EXPECT_TRUE(f.offered("tim", card.id));
  Reply login = f.card_login("tim", card.id, card);
  EXPECT_EQ(login.status, 200) << login.raw;
}

TEST(OnlineCard, AnotherUsersSessionCannotPrintActivateOrSeeTheCard) {
  Fixture f;
  const std::string tim = f.temp_session("tim", false);
  const std::string eve = f.temp_session("eve", true);
  const IssuedCard card = read_issue(f.issue(tim));
  Reply p = f.page(eve, card.id);
  EXPECT_EQ(p.status, 404) << p.raw;
  EXPECT_EQ(p.code(), "device.not_found");
  EXPECT_EQ(p.raw.find(card.cells.at(0) + "</td>"), std::string::npos);
  Reply a = f.activate(eve, card.id, card.codes());
  EXPECT_EQ(a.status, 404) << a.raw;
  EXPECT_EQ(a.code(), "device.not_found");
  // Without a session, with an id of the wrong shape, or naming another
  // kind of device: the same answers.
  EXPECT_EQ(f.s.get("/api/v1/devices/" + card.id + "/card").code(), "session.none");
  EXPECT_EQ(f.s.post("/api/v1/devices/" + card.id + "/activate", JsonValue::object().set("codes", card.codes())).code(),
            "session.none");
  EXPECT_EQ(f.page(tim, "not-an-id").code(), "device.not_found");
  const std::string temp_id = f.devices("tim").front().id;
  EXPECT_EQ(f.page(tim, temp_id).code(), "device.not_found");
  EXPECT_EQ(f.device("tim", card.id).status, DeviceStatus::pending) << "eve's attempt changed nothing";
  EXPECT_EQ(f.device("tim", card.id).failures.consecutive, 0);
}

TEST(OnlineCard, GuessingTheActivationCodesLocksLikeALoginDevice) {
  Fixture f;
  const std::string tim = f.temp_session("tim", false);
  const IssuedCard card = read_issue(f.issue(tim));
  Reply first = f.activate(tim, card.id, card.wrong());
  EXPECT_EQ(first.status, 422) << first.raw;
  EXPECT_EQ(first.code(), "online_card.bad_codes");
  ASSERT_NE(first.body.find("error")->find("attempts_left"), nullptr) << first.raw;
  // Malformed entries are told apart and not counted.
  EXPECT_EQ(f.activate(tim, card.id, "12").code(), "card.too_short");
  EXPECT_EQ(f.activate(tim, card.id, "UUUUUU").code(), "card.bad_character");
  int locked_after = 1;
  Reply last;
  for (; locked_after < 20; ++locked_after) {
    last = f.activate(tim, card.id, card.wrong());
    if (last.status != 422) break;
  }
  EXPECT_EQ(last.status, 423) << last.raw;
  EXPECT_EQ(last.code(), "auth.locked");
  EXPECT_EQ(locked_after + 1, static_cast<int>(LockoutPolicy{}.threshold));
  Reply right = f.activate(tim, card.id, card.codes());
  EXPECT_EQ(right.status, 423) << "locked: even the right codes wait";
  EXPECT_EQ(f.device("tim", card.id).status, DeviceStatus::pending);
  f.s.clock().advance_seconds(LockoutPolicy{}.base_lock_seconds);
  Reply later = f.activate(tim, card.id, card.codes());
  EXPECT_EQ(later.status, 200) << later.raw;
}

TEST(OnlineCard, APendingCardCannotLogIn) {
  Fixture f;
  const std::string tim = f.temp_session("tim", false);
  const IssuedCard card = read_issue(f.issue(tim));
  EXPECT_FALSE(f.offered("tim", card.id));
  Reply login = f.card_login("tim", card.id, card);
  EXPECT_NE(login.status, 200) << login.raw;
  EXPECT_EQ(f.device("tim", card.id).status, DeviceStatus::pending);
}

TEST(OnlineCard, ExpiresOnItsOwnAfter21DaysAndWhenNotActivatedIn24Hours) {
  Fixture f;
  const std::string tim = f.temp_session("tim", false);
  const IssuedCard late = read_issue(f.issue(tim));
  f.s.clock().advance_seconds(86400);
  const std::string again = f.temp_session("tim", false);  // the first session idled out
  Reply too_late = f.activate(again, late.id, late.codes());
  EXPECT_EQ(too_late.status, 409) << too_late.raw;
  EXPECT_EQ(too_late.code(), "device.ended");
  EXPECT_EQ(f.device("tim", late.id).status, DeviceStatus::revoked);
  EXPECT_EQ(f.events_of("tim", late.id), (std::vector<std::string>{"issued", "expired"}));
  EXPECT_EQ(f.page(again, late.id).code(), "device.not_found");

  const std::string tom = f.temp_session("tom", false);
  const IssuedCard card = read_issue(f.issue(tom));
  ASSERT_EQ(f.activate(tom, card.id, card.codes()).status, 200);
  f.s.clock().advance_seconds(21 * 86400 - 1);
  EXPECT_TRUE(f.offered("tom", card.id));
  EXPECT_EQ(f.card_login("tom", card.id, card).status, 200);
  f.s.clock().advance_seconds(1);
  // Expired, and tom's temporary code (10 days) too: nothing to offer.
  Reply nothing = f.s.login("tom");
  EXPECT_EQ(nothing.status, 403) << nothing.raw;
  EXPECT_EQ(nothing.code(), "login.no_device");
  // With a new temporary code the login goes on, and the card, named by its
  // id, still cannot answer.
  ASSERT_TRUE(f.s.admin().issue_temp_code("tom", false));
  EXPECT_FALSE(f.offered("tom", card.id));
  Reply expired = f.card_login("tom", card.id, card);
  EXPECT_NE(expired.status, 200) << expired.raw;
}

TEST(OnlineCard, ANewerCardRevokesTheOlder) {
  Fixture f;
  const std::string tim = f.temp_session("tim", false);
  const IssuedCard older = read_issue(f.issue(tim));
  ASSERT_EQ(f.activate(tim, older.id, older.codes()).status, 200);
  const IssuedCard newer = read_issue(f.issue(tim));
  EXPECT_EQ(f.device("tim", older.id).status, DeviceStatus::revoked);
  EXPECT_EQ(f.events_of("tim", older.id), (std::vector<std::string>{"issued", "activated", "revoked"}));
  EXPECT_EQ(f.device("tim", newer.id).status, DeviceStatus::pending);
  EXPECT_NE(f.card_login("tim", older.id, older).status, 200);
}

TEST(OnlineCard, APermanentDeviceEnrolledBySlsctlRevokesIt) {
  Fixture f;
  const std::string tim = f.temp_session("tim", false);
  const IssuedCard card = read_issue(f.issue(tim));
  ASSERT_EQ(f.activate(tim, card.id, card.codes()).status, 200);
  const IssuedCard pending = read_issue(f.issue(tim));  // revokes `card`; this one pending
  ASSERT_TRUE(f.s.admin().enrol_token("tim", DeviceKind::dsc));
  EXPECT_EQ(f.device("tim", pending.id).status, DeviceStatus::revoked);
  EXPECT_EQ(f.events_of("tim", pending.id).back(), "revoked");
  // An SMS device and a code card too.
  for (int kind = 0; kind < 2; ++kind) {
    const std::string user = kind == 0 ? "sam" : "cora";
    const std::string c = f.temp_session(user, true);
    const IssuedCard oc = read_issue(f.issue(c));
    ASSERT_EQ(f.activate(c, oc.id, oc.codes()).status, 200);
    if (kind == 0)
      ASSERT_TRUE(f.s.admin().enrol_sms(user, "+85290001234"));
    else
      ASSERT_TRUE(f.s.admin().enrol_card(user, DeviceKind::code_card));
    EXPECT_EQ(f.device(user, oc.id).status, DeviceStatus::revoked) << user;
  }
}

TEST(OnlineCard, AMobileKeyActivationRevokesIt) {
  Fixture f;
  const std::string tim = f.temp_session("tim", false);
  const IssuedCard card = read_issue(f.issue(tim));
  ASSERT_EQ(f.activate(tim, card.id, card.codes()).status, 200);
  auto mk = f.s.admin().enrol_mobile_key("tim");
  ASSERT_TRUE(mk);
  EXPECT_EQ(f.device("tim", card.id).status, DeviceStatus::active) << "a pending Mobile Key supersedes nothing yet";
  Phone phone;
  Reply activated = activate_phone(f.s, phone, "tim", mk->activation_code);
  ASSERT_EQ(activated.status, 200) << activated.raw;
  EXPECT_EQ(f.device("tim", card.id).status, DeviceStatus::revoked);
  EXPECT_EQ(f.events_of("tim", card.id), (std::vector<std::string>{"issued", "activated", "revoked"}));
  EXPECT_FALSE(f.offered("tim", card.id));
  EXPECT_NE(f.card_login("tim", card.id, card).status, 200);
}

TEST(OnlineCard, SlsctlIssuesItPendingWithTheTwoIndices) {
  Fixture f;
  const std::string tim = f.temp_session("tim", false);
  auto issued = f.s.admin().issue_online_card("tim");
  ASSERT_TRUE(issued);
  ASSERT_TRUE(issued->activation);
  EXPECT_EQ(issued->expires_at, kStartTime + 86400);
  EXPECT_EQ(f.device("tim", issued->device_id).status, DeviceStatus::pending);
  // The operator ended tim's sessions? No: issuing a pending card changes
  // no device that logs in; tim activates it in the security centre.
  const std::string codes = std::string(*issued->card.code(issued->activation->first)) +
                            std::string(*issued->card.code(issued->activation->second));
  Reply a = f.activate(tim, issued->device_id, codes);
  EXPECT_EQ(a.status, 200) << a.raw;
}

TEST(OnlineCard, IssuingNeedsAFreshSecondFactorOrAFreshStandIn) {
  Fixture f;
  const std::string tim = f.temp_session("tim", false);
  f.s.clock().advance_seconds(f.s.service().config().step_up_window + 1);
  Reply stale = f.issue(tim);
  EXPECT_EQ(stale.status, 403) << stale.raw;
  EXPECT_EQ(stale.code(), "account.step_up_required");
  EXPECT_TRUE(f.devices("tim").size() == 1u) << "nothing issued";
  EXPECT_EQ(f.s.post("/api/v1/devices/online-card", JsonValue::object()).code(), "session.none");
}

// --- the account-management-only session over every route (docs/online-card.md "Access") -------------------

constexpr const char* kBroker = "https://broker.example";

/// What an account-management session gets on each route. A status: the
/// route is part of the security centre and answers the session (with the
/// requests below: placeholders are random ids, bodies empty). kSameAsNone:
/// the route takes no session, and the cookie changes nothing (same status
/// and error code as without it).
constexpr int kSameAsNone = -1;
struct RouteExpectation {
  const char* method;
  const char* pattern;
  int status;
};
constexpr RouteExpectation kAccessTable[] = {
    {"POST", "/api/v1/login", kSameAsNone},
    {"POST", "/api/v1/login/{}/challenge", kSameAsNone},
    {"POST", "/api/v1/login/{}/verify", kSameAsNone},
    {"POST", "/api/v1/login/{}/sms/resend", kSameAsNone},
    {"POST", "/api/v1/login/{}/complete", kSameAsNone},
    {"GET", "/api/v1/login/{}/challenge-status", kSameAsNone},
    {"GET", "/api/v1/push/{}", kSameAsNone},
    {"DELETE", "/api/v1/push/{}", kSameAsNone},
    {"POST", "/api/v1/push/{}/decision", kSameAsNone},
    {"GET", "/api/v1/device/{}/pushes", kSameAsNone},
    {"POST", "/api/v1/qr/approve", kSameAsNone},
    {"POST", "/api/v1/mobile-key/activate", kSameAsNone},
    {"POST", "/api/v1/mobile-key/enrolments", kSameAsNone},
    {"POST", "/api/v1/mobile-key/enrolments/{}/sms", kSameAsNone},
    {"POST", "/api/v1/mobile-key/recover", kSameAsNone},
    {"POST", "/api/v1/mobile-key/add-user", kSameAsNone},
    {"GET", "/api/v1/phones", 200},
    {"POST", "/api/v1/phones", 422},       // mobile_key.bad_phone: the session was accepted
    {"DELETE", "/api/v1/phones/{}", 404},  // mobile_key.phone_not_found
    {"GET", "/api/v1/server-key", kSameAsNone},
    {"GET", "/api/v1/session", 200},
    {"DELETE", "/api/v1/session", 200},
    {"GET", "/api/v1/accounts", 200},
    {"POST", "/api/v1/accounts/{}/opt-out", 404},  // account.not_found: the session was accepted
    {"POST", "/api/v1/accounts/{}/opt-in", 404},
    // The back office's: a service credential, never a session (the
    // withdrawal of an account-management session's user is refused by the
    // ledger: api_withdrawals_test.cpp, withdrawal.account_management_only).
    {"POST", "/api/v1/withdrawals", kSameAsNone},
    {"GET", "/api/v1/withdrawals", kSameAsNone},
    {"POST", "/api/v1/sharing", 400},  // request.bad_field: the session was accepted
    {"GET", "/api/v1/sharing", 200},
    {"DELETE", "/api/v1/sharing/{}", 404},
    {"GET", "/.well-known/jwks.json", kSameAsNone},
    {"POST", "/api/v1/assertions/redeem", kSameAsNone},
    {"POST", "/api/v1/devices/online-card", 201},
    {"GET", "/api/v1/devices/{}/card", 404},  // device.not_found: the session was accepted
    {"POST", "/api/v1/devices/{}/activate", 404},
    {"GET", "/api/v1/card.css", kSameAsNone},
    {"POST", "/api/v1/device-orders", 400},  // request.bad_field: the session was accepted
    {"GET", "/api/v1/device-orders", 200},
    {"GET", "/api/v1/devices", 200},
    {"GET", "/api/v1/devices/history", 200},
    {"POST", "/api/v1/devices/{}/lost", 404},  // device.not_found: the session was accepted
    {"DELETE", "/api/v1/devices/{}", 404},
    {"POST", "/api/v1/devices/{}/replace", 404},
    {"GET", "/api/v1/devices/{}/return", 404},
    {"GET", "/api/v1/demo/outbox", kSameAsNone},
    {"GET", "/api/v1/demo/users", kSameAsNone},
    {"GET", "/", kSameAsNone},
};

TEST(AccountManagementAccess, EveryRouteAnswersSuchASessionAsTheTableSays) {
  ServiceConfig config = test_service_config();
  config.assertion_audiences = {kBroker};
  Fixture f{TestServer(config)};
  // Every route of the server is in the table: a new route must say what an
  // account-management session gets there.
  std::set<std::string> table;
  for (const RouteExpectation& e : kAccessTable) table.insert(std::string(e.method) + " " + e.pattern);
  for (const RouteSpec& r : api_routes(test_http_config()))
    EXPECT_EQ(table.count(std::string(r.method) + " " + std::string(r.pattern)), 1u)
        << r.method << " " << r.pattern << " is missing from kAccessTable";

  const std::set<std::string> served = [&] {
    std::set<std::string> out;
    for (const RouteSpec& r : api_routes(test_http_config()))
      out.insert(std::string(r.method) + " " + std::string(r.pattern));
    return out;
  }();
  int users = 0;
  for (const RouteExpectation& e : kAccessTable) {
    if (served.count(std::string(e.method) + " " + e.pattern) == 0) continue;
    SCOPED_TRACE(std::string(e.method) + " " + e.pattern);
    // A fresh session for each route (DELETE /session ends one), of a user
    // of its own (a user may open only so many challenges an hour).
    const std::string cookie = f.temp_session("user" + std::to_string(++users), /*full_access=*/false);
    std::string path = e.pattern;
    for (std::size_t at = path.find("{}"); at != std::string::npos; at = path.find("{}"))
      path.replace(at, 2, random_id());
    const bool body = std::string_view(e.method) == "POST";
    auto call = [&](const httplib::Headers& headers) {
      return body ? f.s.post(path, JsonValue::object(), headers) : f.s.send(e.method, path, {}, headers);
    };
    Reply with = call(with_cookie(cookie));
    if (e.status == kSameAsNone) {
      Reply without = call({});
      EXPECT_EQ(with.status, without.status) << with.raw;
      EXPECT_EQ(with.code(), without.code()) << with.raw;
    } else {
      EXPECT_EQ(with.status, e.status) << with.raw;
      EXPECT_NE(with.code(), "session.none");
    }
  }
}

TEST(AccountManagementAccess, TheSessionTheCompletionAndTheAssertionSayIt) {
  ServiceConfig config = test_service_config();
  config.assertion_audiences = {kBroker};
  Fixture f{TestServer(config)};
  ASSERT_TRUE(f.s.admin().create_user("tim", kPassword));
  auto temp = f.s.admin().issue_temp_code("tim", /*full_access=*/false);
  ASSERT_TRUE(temp);
  Reply login = f.s.login("tim");
  Reply ch = f.s.challenge(login.str("login_id"), temp->device_id);
  Reply ok = f.s.verify(login.str("login_id"), ch.str("challenge_id"), temp->code);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  Reply done =
      f.s.post("/api/v1/login/" + login.str("login_id") + "/complete",
               JsonValue::object().set("completion_token", ok.str("completion_token")).set("audience", kBroker));
  ASSERT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(done.str("access"), "account_management");
  Reply session = f.s.get("/api/v1/session", with_cookie(cookie_of(done)));
  EXPECT_EQ(session.str("access"), "account_management") << session.raw;
  Reply redeemed = f.s.post("/api/v1/assertions/redeem",
                            JsonValue::object().set("assertion", done.str("assertion")).set("audience", kBroker));
  ASSERT_EQ(redeemed.status, 200) << redeemed.raw;
  EXPECT_EQ(redeemed.str("access"), "account_management") << redeemed.raw;
}

}  // namespace
}  // namespace sls::server::testing
