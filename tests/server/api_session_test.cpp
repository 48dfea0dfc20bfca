// Server-side sessions through a real server on 127.0.0.1 (issue 10): the
// cookie's attributes, the id stored only as a keyed hash, a fresh id at every
// login (no fixation), idle and absolute expiry, logout and revocation.
#include "server/sqlite_db.hpp"
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
  auto db = SqliteDb::open(s.db_path());
  ASSERT_TRUE(db);
  auto st = db->prepare("SELECT COUNT(*) FROM sessions WHERE instr(CAST(token_hash AS TEXT), ?1) > 0");
  ASSERT_TRUE(st);
  st->bind(1, value);
  ASSERT_TRUE(st->step().value());
  EXPECT_EQ(st->column_int(0), 0);
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

}  // namespace
}  // namespace sls::server::testing
