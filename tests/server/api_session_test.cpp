// Server-side sessions through a real server on 127.0.0.1 (issue 10): the
// cookie's attributes, the id stored only as a keyed hash, a fresh id at every
// login (no fixation), idle and absolute expiry, logout and revocation.
#include <functional>

#include "phone.hpp"
#include "server/try.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";

/// The cookie's value in a Set-Cookie header ("name=value; ...").
std::string cookie_value(const std::string& set_cookie) {
  std::string pair = set_cookie.substr(0, set_cookie.find(';'));
  return pair.substr(pair.find('=') + 1);
}

/// A login of a password-only user, completed: the /complete reply.
Reply log_in(TestServer& s, const std::string& user, httplib::Headers headers = {}) {
  Reply login = s.login(user);
  EXPECT_EQ(login.status, 200) << login.raw;
  return s.post("/api/v1/login/" + login.str("login_id") + "/complete",
                JsonValue::object().set("completion_token", login.str("completion_token")), std::move(headers));
}

/// Every session row of the user.
std::vector<SessionRecord> rows_of(TestServer& s, const std::string& user) {
  std::vector<SessionRecord> out;
  EXPECT_TRUE(s.store().read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, tx.find_user(user));
    if (!u) return ok_status();
    SLS_TRY_ASSIGN(rows, tx.list_sessions(u->id));
    out = std::move(rows);
    return ok_status();
  }));
  return out;
}

TEST(ApiSession, CookieIsHttpOnlyStrictAndPlainWithoutSecureCookies) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  Reply done = log_in(s, "olive");
  ASSERT_EQ(done.status, 200) << done.raw;
  const std::string c = done.header("Set-Cookie");
  EXPECT_EQ(c.rfind("sls_session=", 0), 0u) << c;
  EXPECT_NE(c.find("; HttpOnly"), std::string::npos) << c;
  EXPECT_NE(c.find("; SameSite=Strict"), std::string::npos) << c;
  EXPECT_NE(c.find("; Path=/"), std::string::npos) << c;
  EXPECT_NE(c.find("; Max-Age=43200"), std::string::npos) << c;
  EXPECT_EQ(c.find("Secure"), std::string::npos) << c;
  EXPECT_EQ(c.find("Domain"), std::string::npos) << c;
}

TEST(ApiSession, SecureCookiesUseTheHostPrefixWithSecureAndNoDomain) {
  HttpConfig http = test_http_config();
  http.secure_cookies = true;
  TestServer s(test_service_config(), http);
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  Reply done = log_in(s, "olive");
  ASSERT_EQ(done.status, 200) << done.raw;
  const std::string c = done.header("Set-Cookie");
  EXPECT_EQ(c.rfind("__Host-sls_session=", 0), 0u) << c;
  EXPECT_NE(c.find("; Secure"), std::string::npos) << c;
  EXPECT_NE(c.find("; Path=/;"), std::string::npos) << c;
  EXPECT_NE(c.find("; HttpOnly"), std::string::npos) << c;
  EXPECT_NE(c.find("; SameSite=Strict"), std::string::npos) << c;
  EXPECT_EQ(c.find("Domain"), std::string::npos) << c;
}

TEST(ApiSession, StoredRowHoldsOnlyAKeyedHashAndTheExpiries) {
  ServiceConfig config = test_service_config();
  config.session_idle = 600;
  config.session_max = 7200;
  TestServer s(config);
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  Reply done = log_in(s, "olive");
  ASSERT_EQ(done.status, 200) << done.raw;
  const std::string value = cookie_value(done.header("Set-Cookie"));
  ASSERT_GE(value.size(), 20u);
  const auto rows = rows_of(s, "olive");
  ASSERT_EQ(rows.size(), 1u);
  const SessionRecord& r = rows.front();
  const std::string stored(r.token_hash.begin(), r.token_hash.end());
  EXPECT_NE(stored, value);
  EXPECT_EQ(stored.find(value), std::string::npos);
  EXPECT_EQ(r.token_hash, s.keys().keyed_hash(HashPurpose::session_token, value));
  // Nothing else in the database holds the cookie value either.
  EXPECT_EQ(
      query_int(s.db_path(),
                on_postgres() ? "SELECT COUNT(*) FROM sessions WHERE position(convert_to(?1, 'UTF8') in token_hash) > 0"
                              : "SELECT COUNT(*) FROM sessions WHERE instr(CAST(token_hash AS TEXT), ?1) > 0",
                {value}),
      0);
  EXPECT_EQ(r.device_kind, DeviceKind::none);
  EXPECT_EQ(r.amr, "pwd");
  EXPECT_EQ(r.created_at, kStartTime);
  EXPECT_EQ(r.last_seen_at, kStartTime);
  EXPECT_EQ(r.idle_expires_at, kStartTime + 600);
  EXPECT_EQ(r.expires_at, kStartTime + 7200);
}

TEST(ApiSession, EveryLoginGetsAFreshIdNeverTheCookieItBrought) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  Reply first = log_in(s, "olive");
  ASSERT_EQ(first.status, 200);
  const std::string planted = cookie_value(first.header("Set-Cookie"));
  // An attacker's planted cookie (a valid one, and one the server never made).
  for (const std::string& sent : {planted, std::string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")}) {
    Reply again = log_in(s, "olive", {{"Cookie", "sls_session=" + sent}});
    ASSERT_EQ(again.status, 200) << again.raw;
    const std::string set = cookie_value(again.header("Set-Cookie"));
    EXPECT_FALSE(set.empty());
    EXPECT_NE(set, sent);
    EXPECT_NE(set, planted);
  }
  EXPECT_EQ(rows_of(s, "olive").size(), 3u);
}

/// GET or DELETE /api/v1/session with the cookie `value` (none when empty).
Reply session_call(TestServer& s, const std::string& method, const std::string& value,
                   const std::string& name = "sls_session") {
  httplib::Headers h;
  if (!value.empty()) h.emplace("Cookie", "theme=dark; " + name + "=" + value);
  return s.send(method, "/api/v1/session", {}, std::move(h));
}

TEST(ApiSession, GetTellsTheSessionAsCompleteDidAndItsTimes) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  Reply done = log_in(s, "olive");
  ASSERT_EQ(done.status, 200) << done.raw;
  const std::string value = cookie_value(done.header("Set-Cookie"));
  s.clock().advance_seconds(30);
  Reply got = session_call(s, "GET", value);
  ASSERT_EQ(got.status, 200) << got.raw;
  EXPECT_EQ(got.header("Cache-Control"), "no-store");
  EXPECT_EQ(got.str("username"), "olive");
  for (const char* key : {"device_kind", "access", "limits", "restrictions", "amr", "restricted"}) {
    ASSERT_NE(got.body.find(key), nullptr) << key;
    EXPECT_EQ(json_serialize(*got.body.find(key)), json_serialize(*done.body.find(key))) << key;
  }
  EXPECT_EQ(got.body.get_int("created_at"), kStartTime);
  EXPECT_EQ(got.body.get_int("last_seen_at"), kStartTime) << "written at most once a minute";
  EXPECT_EQ(got.body.get_int("idle_expires_at"), kStartTime + 900);
  EXPECT_EQ(got.body.get_int("expires_at"), kStartTime + 12 * 3600);
  s.clock().advance_seconds(60);
  got = session_call(s, "GET", value);
  EXPECT_EQ(got.body.get_int("last_seen_at"), kStartTime + 90);
  EXPECT_EQ(got.body.get_int("idle_expires_at"), kStartTime + 90 + 900);
  EXPECT_EQ(got.raw.find(value), std::string::npos) << "the id is never echoed";
}

TEST(ApiSession, NoUnknownOrForeignNamedCookieIs401SessionNone) {
  HttpConfig http = test_http_config();
  http.secure_cookies = true;
  TestServer s(test_service_config(), http);
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  Reply done = log_in(s, "olive");
  ASSERT_EQ(done.status, 200) << done.raw;
  const std::string value = cookie_value(done.header("Set-Cookie"));
  EXPECT_EQ(session_call(s, "GET", value, "__Host-sls_session").status, 200);
  for (const auto& [name, v] : std::vector<std::pair<std::string, std::string>>{
           {"__Host-sls_session", ""},
           {"__Host-sls_session", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
           {"__Host-sls_session", std::string(5000, 'A')},
           // The plain name is what a sibling site or plain HTTP could set.
           {"sls_session", value}}) {
    Reply r = session_call(s, "GET", v, name);
    EXPECT_EQ(r.status, 401) << name << " " << v.size();
    EXPECT_EQ(r.code(), "session.none");
  }
  Reply zh = s.send("GET", "/api/v1/session", {}, {{"Accept-Language", "zh-HK"}});
  EXPECT_EQ(zh.status, 401);
  const JsonValue* e = zh.body.find("error");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->get_string("message").value_or(""), "您尚未登入，或工作階段已結束。請重新登入。");
}

TEST(ApiSession, OnlyTheExactCookieNameIsRead) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  const std::string value = cookie_value(log_in(s, "olive").header("Set-Cookie"));
  auto status = [&](const std::string& header) { return s.get("/api/v1/session", {{"Cookie", header}}).status; };
  EXPECT_EQ(status("sls_session=" + value), 200);
  EXPECT_EQ(status("a=b;sls_session=" + value + " ;c=d"), 200);
  EXPECT_EQ(status("xsls_session=" + value), 401);
  EXPECT_EQ(status("sls_session_old=" + value), 401);
  EXPECT_EQ(status("sls_session=" + value + "x"), 401);
  EXPECT_EQ(status("sls_session=; other=" + value), 401);
}

TEST(ApiSession, IdleTimeoutEndsASessionLeftAlone) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  const std::string value = cookie_value(log_in(s, "olive").header("Set-Cookie"));
  s.clock().advance_seconds(899);
  EXPECT_EQ(session_call(s, "GET", value).status, 200);  // slides to +899+900
  s.clock().advance_seconds(899);
  EXPECT_EQ(session_call(s, "GET", value).status, 200);
  s.clock().advance_seconds(900);
  Reply r = session_call(s, "GET", value);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code(), "session.none");
  EXPECT_TRUE(rows_of(s, "olive").empty()) << "an ended session is deleted";
}

TEST(ApiSession, SessionsNeverPresentedAgainAreClearedAtTheUsersNextLogin) {
  // Nobody reads an abandoned session again, so nothing would delete it:
  // without a sweep, every login ever made would keep its row.
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  ASSERT_TRUE(s.admin().create_user("other", kPassword, true));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(log_in(s, "olive").status, 200);
  ASSERT_EQ(log_in(s, "other").status, 200);
  s.clock().advance_seconds(600);
  ASSERT_EQ(log_in(s, "olive").status, 200);  // the first three are still alive
  EXPECT_EQ(rows_of(s, "olive").size(), 4u);
  s.clock().advance_seconds(300);  // the first three ended (idle); the fourth has not
  ASSERT_EQ(log_in(s, "olive").status, 200);
  EXPECT_EQ(rows_of(s, "olive").size(), 2u);
  EXPECT_EQ(rows_of(s, "other").size(), 1u) << "only the user's own rows";
}

TEST(ApiSession, AbsoluteTimeoutEndsEvenABusySession) {
  ServiceConfig config = test_service_config();
  config.session_max = 3600;
  TestServer s(config);
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  const std::string value = cookie_value(log_in(s, "olive").header("Set-Cookie"));
  for (int i = 0; i < 11; ++i) {
    s.clock().advance_seconds(300);
    ASSERT_EQ(session_call(s, "GET", value).status, 200) << i;
  }
  s.clock().advance_seconds(299);  // 3599 s: used 5 minutes ago, not idle
  EXPECT_EQ(session_call(s, "GET", value).status, 200);
  s.clock().advance_seconds(1);
  EXPECT_EQ(session_call(s, "GET", value).status, 401);
}

TEST(ApiSession, LogoutDeletesTheRowAndClearsTheCookie) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  const std::string value = cookie_value(log_in(s, "olive").header("Set-Cookie"));
  const std::string other = cookie_value(log_in(s, "olive").header("Set-Cookie"));
  Reply out = session_call(s, "DELETE", value);
  ASSERT_EQ(out.status, 200) << out.raw;
  const std::string c = out.header("Set-Cookie");
  EXPECT_EQ(c.rfind("sls_session=;", 0), 0u) << c;
  EXPECT_NE(c.find("Max-Age=0"), std::string::npos) << c;
  EXPECT_EQ(session_call(s, "GET", value).status, 401);
  EXPECT_EQ(session_call(s, "DELETE", value).status, 401);
  EXPECT_EQ(session_call(s, "GET", other).status, 200) << "another session of the user stays";
  EXPECT_EQ(rows_of(s, "olive").size(), 1u);
  bool audited = false;
  for (const AuditRecord& a : s.audit()) audited = audited || (a.event == "session.ended" && a.detail == "logout");
  EXPECT_TRUE(audited);
}

TEST(ApiSession, ChangingThePasswordOrADeviceEndsEverySessionOfTheUserAtOnce) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  ASSERT_TRUE(s.admin().create_user("other", kPassword, true));
  const std::string bystander = cookie_value(log_in(s, "other").header("Set-Cookie"));
  using Change = std::function<bool(TestServer&)>;
  const std::vector<std::pair<std::string, Change>> changes = {
      {"password", [](TestServer& t) { return static_cast<bool>(t.admin().set_password("olive", "new horse pw")); }},
      {"sms", [](TestServer& t) { return static_cast<bool>(t.admin().enrol_sms("olive", "+85290001234")); }},
      {"card", [](TestServer& t) { return static_cast<bool>(t.admin().enrol_card("olive", DeviceKind::code_card)); }},
      {"temp code", [](TestServer& t) { return static_cast<bool>(t.admin().issue_temp_code("olive", true)); }},
      {"revoke", [](TestServer& t) { return static_cast<bool>(t.admin().revoke_sessions("olive")); }},
  };
  for (const auto& [what, change] : changes) {
    ASSERT_TRUE(s.admin().set_opted_out("olive", true));
    ASSERT_TRUE(s.admin().set_password("olive", kPassword));
    const std::string a = cookie_value(log_in(s, "olive").header("Set-Cookie"));
    const std::string b = cookie_value(log_in(s, "olive").header("Set-Cookie"));
    ASSERT_EQ(session_call(s, "GET", a).status, 200) << what;
    ASSERT_EQ(s.admin().sessions("olive")->size(), 2u) << what;
    ASSERT_TRUE(change(s)) << what;
    EXPECT_EQ(session_call(s, "GET", a).status, 401) << what;
    EXPECT_EQ(session_call(s, "GET", b).code(), "session.none") << what;
    EXPECT_TRUE(rows_of(s, "olive").empty()) << what;
    EXPECT_EQ(session_call(s, "GET", bystander).status, 200) << what;
  }
  std::size_t revoked = 0;
  for (const AuditRecord& a : s.audit()) revoked += a.event == "session.revoked" && a.username == "olive";
  EXPECT_EQ(revoked, changes.size());
}

TEST(ApiSession, ActivatingAMobileKeyOverHttpEndsEverySessionOfTheUser) {
  // A Mobile Key enrolled by an operator is activated later, by the phone,
  // over HTTP: a session opened in between (with the password alone, by
  // someone who holds it) must not outlive the change of device.
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("olive", kPassword, true));
  ASSERT_TRUE(s.admin().create_user("other", kPassword, true));
  auto enrolment = s.admin().enrol_mobile_key("olive");
  ASSERT_TRUE(enrolment);
  ASSERT_TRUE(s.admin().set_opted_out("olive", true));
  const std::string a = cookie_value(log_in(s, "olive").header("Set-Cookie"));
  const std::string bystander = cookie_value(log_in(s, "other").header("Set-Cookie"));
  ASSERT_EQ(session_call(s, "GET", a).status, 200);
  Phone phone;
  Reply activated =
      s.post("/api/v1/mobile-key/activate", JsonValue::object()
                                                .set("username", "olive")
                                                .set("activation_code", enrolment->activation_code)
                                                .set("kx_public_key", base64url_encode(phone.kx_pk))
                                                .set("sign_public_key", base64url_encode(phone.sign.public_key()))
                                                .set("pin_hash", base64url_encode(sha256(kPin))));
  ASSERT_EQ(activated.status, 200) << activated.raw;
  EXPECT_EQ(session_call(s, "GET", a).code(), "session.none");
  EXPECT_TRUE(rows_of(s, "olive").empty());
  EXPECT_EQ(session_call(s, "GET", bystander).status, 200);
}

}  // namespace
}  // namespace sls::server::testing
