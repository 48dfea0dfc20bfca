// The withdrawal ledger through a real server on 127.0.0.1 (issue 11,
// docs/withdrawals.md): the seed's limits of every device kind, the business
// days of the New York and Hong Kong calendars (weekends, holidays, the
// daylight-saving switches, a window over a holiday), the stand-ins for a
// lost device, idempotency, the service credential, bad input, 100
// simultaneous withdrawals, a kill -9 of the real slsd under load, and (on
// PostgreSQL) its database connections killed under load.
#include <fcntl.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "server/limit_policy.hpp"
#include "server/service_credentials.hpp"
#include "server/sqlite_db.hpp"
#include "sls/civil_date.hpp"
#include "slsd_process.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr std::int64_t kCentsPerUsd = 100;
constexpr std::int64_t usd(std::int64_t n) { return n * kCentsPerUsd; }

/// Unix seconds of a UTC date and time.
std::int64_t utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return days_from_civil(CivilDate{y, m, d}) * 86400 + hh * 3600 + mm * 60 + ss;
}

/// A server with a back-office credential, whose clock can be set.
struct Bank {
  explicit Bank(Market market = Market::us, LimitPolicy policy = {}) : s(config(market, policy), http()) {
    token = *create_service_credential(s.store(), s.keys(), s.clock().now(), "backoffice");
  }
  static ServiceConfig config(Market market, LimitPolicy policy) {
    ServiceConfig c = test_service_config();
    c.market = market;
    c.limits = policy;
    return c;
  }
  static HttpConfig http() {
    HttpConfig h = test_http_config();
    h.max_queued_requests = 1000;  // 100 simultaneous requests all wait their turn
    return h;
  }
  void set_time(std::int64_t t) { s.clock().advance_seconds(t - s.clock().now()); }

  /// A user NAME with an active device of `kind` (none: no device), primary
  /// user of the new account NAME; returns the account's id.
  std::string account(const std::string& name, DeviceKind kind) {
    EXPECT_TRUE(s.admin().create_user(name, "correct horse"));
    switch (kind) {
      case DeviceKind::none: break;
      case DeviceKind::code_card:
      case DeviceKind::online_card: EXPECT_TRUE(s.admin().enrol_card(name, kind)); break;
      case DeviceKind::sms: EXPECT_TRUE(s.admin().enrol_sms(name, "+85291234567")); break;
      case DeviceKind::mobile_key: EXPECT_TRUE(s.admin().enrol_mobile_key(name)); break;
      case DeviceKind::temp_code: EXPECT_TRUE(s.admin().issue_temp_code(name, true)); break;
      default: EXPECT_TRUE(s.admin().enrol_token(name, kind)); break;
    }
    activate_all(name);
    auto id = s.admin().create_account(name, name);
    EXPECT_TRUE(id);
    return id ? *id : std::string();
  }
  /// Every pending device of the user becomes active (a Mobile Key waits
  /// for its app otherwise).
  void activate_all(const std::string& name) {
    EXPECT_TRUE(s.store().write([&](StoreTx& tx) -> Status {
      auto user = tx.find_user(name);
      if (!user || !*user) return fail(Errc::internal);
      auto devices = tx.list_devices((*user)->id);
      if (!devices) return devices.error();
      for (DeviceRecord d : *devices)
        if (d.status == DeviceStatus::pending) {
          d.status = DeviceStatus::active;
          d.activated_at = s.clock().now();
          if (auto st = tx.update_device(d); !st) return st;
        }
      return ok_status();
    }));
  }
  httplib::Headers auth(const std::string& t) const { return {{"Authorization", "Bearer " + t}}; }
  Reply withdraw(const std::string& account, std::int64_t cents, const std::string& key = {}) {
    const std::string k = key.empty() ? "k" + std::to_string(++keys) : key;
    return s.post("/api/v1/withdrawals",
                  JsonValue::object().set("account", account).set("amount_cents", cents).set("idempotency_key", k),
                  auth(token));
  }
  Reply list(const std::string& account, const std::string& extra = {}) {
    return s.get("/api/v1/withdrawals?account=" + account + extra, auth(token));
  }
  /// Cents the account's withdrawals add up to, from the ledger itself.
  std::int64_t ledger_sum(const std::string& account) {
    std::int64_t sum = 0;
    EXPECT_TRUE(s.store().read([&](StoreTx& tx) -> Status {
      auto rows = tx.list_withdrawals(account, INT64_MIN, 1000000);
      if (!rows) return rows.error();
      for (const auto& w : *rows) sum += w.amount_cents;
      return ok_status();
    }));
    return sum;
  }

  TestServer s;
  std::string token;
  int keys = 0;
};

std::int64_t error_int(const Reply& r, const char* a, const char* b = nullptr, const char* c = nullptr) {
  const JsonValue* v = r.body.find("error");
  for (const char* k : {a, b, c})
    if (k != nullptr && v != nullptr) v = v->find(k);
  return v != nullptr && v->as_int() ? *v->as_int() : -1;
}

std::int64_t usage_int(const JsonValue& usage, const char* window, const char* field, const char* sub = nullptr) {
  const JsonValue* v = usage.find(window);
  if (v != nullptr) v = v->find(field);
  if (v != nullptr && sub != nullptr) v = v->find(sub);
  return v != nullptr && v->as_int() ? *v->as_int() : -1;
}

// --- the seed's limits -----------------------------------------------------------------------

struct SeedRow {
  DeviceKind kind;
  std::int64_t daily_usd;  // -1: unlimited
  std::int64_t five_day_usd;
};

TEST(ApiWithdrawals, EveryDeviceKindHasTheSeedsLimits) {
  Bank b;
  const SeedRow rows[] = {{DeviceKind::none, 50'000, 100'000},         {DeviceKind::temp_code, 50'000, 100'000},
                          {DeviceKind::sms, 200'000, 600'000},         {DeviceKind::code_card, 200'000, 600'000},
                          {DeviceKind::online_card, 200'000, 600'000}, {DeviceKind::mobile_key, 1'000'000, 1'000'000},
                          {DeviceKind::dsc, 1'000'000, 1'500'000},     {DeviceKind::dsc_plus, -1, -1},
                          {DeviceKind::platinum_gold, -1, -1}};
  for (const SeedRow& row : rows) {
    const std::string kind(device_kind_id(row.kind));
    SCOPED_TRACE(kind);
    const std::string id = b.account("u-" + kind, row.kind);
    if (row.daily_usd < 0) {
      Reply big = b.withdraw(id, usd(1'000'000'000));
      EXPECT_EQ(big.status, 201) << big.raw;
      EXPECT_EQ(big.body.find("withdrawal")->get_string("device_kind").value_or(""), kind);
      EXPECT_TRUE(big.body.find("usage")->find("daily")->find("remaining")->get_bool("unlimited").value_or(false));
      continue;
    }
    Reply over = b.withdraw(id, usd(row.daily_usd) + 1);
    EXPECT_EQ(over.status, 422) << over.raw;
    EXPECT_EQ(over.code(), "withdrawal.daily_limit");
    EXPECT_EQ(error_int(over, "limit", "cents"), usd(row.daily_usd));
    EXPECT_EQ(error_int(over, "remaining", "five_day", "cents"), usd(row.five_day_usd));
    Reply all = b.withdraw(id, usd(row.daily_usd));
    EXPECT_EQ(all.status, 201) << all.raw;
    EXPECT_EQ(usage_int(*all.body.find("usage"), "daily", "remaining", "cents"), 0);
    EXPECT_EQ(usage_int(*all.body.find("usage"), "five_day", "used_cents"), usd(row.daily_usd));
    Reply cent = b.withdraw(id, 1);
    EXPECT_EQ(cent.status, 422) << cent.raw;
    EXPECT_EQ(b.ledger_sum(id), usd(row.daily_usd));
  }
}

TEST(ApiWithdrawals, TheOperatorsPolicyLowersTheLimits) {
  auto policy = parse_limit_policy(R"({"withdrawal_limits": {"sms": {"daily_usd": 20000, "five_day_usd": 50000}}})");
  ASSERT_TRUE(policy);
  Bank b(Market::us, *policy);
  const std::string id = b.account("polly", DeviceKind::sms);
  Reply over = b.withdraw(id, usd(20'000) + 1);
  EXPECT_EQ(over.code(), "withdrawal.daily_limit") << over.raw;
  EXPECT_EQ(error_int(over, "limit", "cents"), usd(20'000));
  Reply ok = b.withdraw(id, usd(20'000));
  EXPECT_EQ(ok.status, 201) << ok.raw;
  EXPECT_EQ(usage_int(*ok.body.find("usage"), "five_day", "remaining", "cents"), usd(30'000));
}

// --- the calendar ------------------------------------------------------------------------------

TEST(ApiWithdrawals, AWeekendCountsTowardMonday) {
  Bank b;
  const std::string id = b.account("sam", DeviceKind::sms);  // 200,000 / 600,000
  b.set_time(utc(2026, 3, 20, 15));                          // Friday 20 March, 11:00 EDT
  EXPECT_EQ(b.withdraw(id, usd(200'000)).status, 201);
  b.set_time(utc(2026, 3, 21, 15));  // Saturday: Monday's business day, not Friday's
  Reply saturday = b.withdraw(id, usd(200'000));
  EXPECT_EQ(saturday.status, 201) << saturday.raw;
  b.set_time(utc(2026, 3, 23, 14));  // Monday: Saturday's withdrawal is in its 1-day window
  Reply monday = b.withdraw(id, 1);
  EXPECT_EQ(monday.status, 422) << monday.raw;
  EXPECT_EQ(monday.code(), "withdrawal.daily_limit");
  EXPECT_EQ(error_int(monday, "window_start"), utc(2026, 3, 21, 4));  // Saturday 00:00 EDT
  EXPECT_NE(monday.body.find("error")->get_string("message").value_or("").find("2026-03-21"), std::string::npos)
      << monday.raw;
}

TEST(ApiWithdrawals, AHolidayCountsTowardTheNextBusinessDay) {
  Bank b;
  const std::string id = b.account("tina", DeviceKind::sms);
  b.set_time(utc(2026, 11, 25, 15));  // Wednesday before Thanksgiving
  EXPECT_EQ(b.withdraw(id, usd(200'000)).status, 201);
  b.set_time(utc(2026, 11, 26, 15));  // Thanksgiving: the Friday's business day
  EXPECT_EQ(b.withdraw(id, usd(200'000)).status, 201);
  b.set_time(utc(2026, 11, 27, 15));
  Reply friday = b.withdraw(id, 1);
  EXPECT_EQ(friday.code(), "withdrawal.daily_limit") << friday.raw;
  EXPECT_EQ(error_int(friday, "window_start"), utc(2026, 11, 26, 5));  // Thanksgiving 00:00 EST
}

TEST(ApiWithdrawals, AFiveDayWindowReachesOverAHoliday) {
  Bank b;
  const std::string id = b.account("dora", DeviceKind::dsc);  // 1,000,000 / 1,500,000
  b.set_time(utc(2026, 11, 20, 15));                          // Friday 20: outside Monday 30's window
  EXPECT_EQ(b.withdraw(id, usd(500'000)).status, 201);
  b.set_time(utc(2026, 11, 23, 15));  // Monday 23: inside (23, 24, 25, 27, 30; 26 is Thanksgiving)
  EXPECT_EQ(b.withdraw(id, usd(500'000)).status, 201);
  b.set_time(utc(2026, 11, 25, 15));
  EXPECT_EQ(b.withdraw(id, usd(500'000)).status, 201);
  b.set_time(utc(2026, 11, 30, 15));
  // Counting Thanksgiving as a business day would leave the 23rd out and
  // allow this.
  Reply over = b.withdraw(id, usd(500'000) + 1);
  EXPECT_EQ(over.status, 422) << over.raw;
  EXPECT_EQ(over.code(), "withdrawal.five_day_limit");
  EXPECT_EQ(error_int(over, "window_start"), utc(2026, 11, 21, 5));  // Saturday 21 00:00 EST
  EXPECT_EQ(error_int(over, "remaining", "five_day", "cents"), usd(500'000));
  EXPECT_EQ(b.withdraw(id, usd(500'000)).status, 201);
}

TEST(ApiWithdrawals, DaysFollowNewYorkDaylightSavingTime) {
  Bank b;
  const std::string id = b.account("dan", DeviceKind::sms);
  // March: EDT from Sunday 8 March. Tuesday 10 starts at 04:00 UTC.
  b.set_time(utc(2026, 3, 9, 15));
  EXPECT_EQ(b.withdraw(id, usd(200'000)).status, 201);
  b.set_time(utc(2026, 3, 10, 3, 59, 59));  // Monday 23:59:59 EDT
  EXPECT_EQ(b.withdraw(id, 1).code(), "withdrawal.daily_limit");
  b.set_time(utc(2026, 3, 10, 4, 30));  // Tuesday 00:30 EDT (Monday 23:30 in EST)
  Reply tuesday = b.withdraw(id, usd(200'000));
  EXPECT_EQ(tuesday.status, 201) << tuesday.raw;
  // November: EST from Sunday 1 November. Tuesday 3 starts at 05:00 UTC.
  const std::string id2 = b.account("nora", DeviceKind::sms);
  b.set_time(utc(2026, 11, 2, 15));
  EXPECT_EQ(b.withdraw(id2, usd(200'000)).status, 201);
  b.set_time(utc(2026, 11, 3, 4, 30));  // Monday 23:30 EST (Tuesday 00:30 in EDT)
  EXPECT_EQ(b.withdraw(id2, 1).code(), "withdrawal.daily_limit");
  b.set_time(utc(2026, 11, 3, 5));  // Tuesday 00:00 EST
  EXPECT_EQ(b.withdraw(id2, usd(200'000)).status, 201);
  // The switch days are Sundays: both belong to the Monday after.
  const std::string id3 = b.account("sue", DeviceKind::sms);
  b.set_time(utc(2026, 3, 8, 6, 30));  // Sunday 8 March 01:30 EST, before the switch
  EXPECT_EQ(b.withdraw(id3, usd(100'000)).status, 201);
  b.set_time(utc(2026, 3, 9, 3, 30));  // Sunday 23:30 EDT, after it
  EXPECT_EQ(b.withdraw(id3, usd(100'000)).status, 201);
  b.set_time(utc(2026, 3, 9, 15));
  Reply monday = b.list(id3);
  EXPECT_EQ(usage_int(*monday.body.find("usage"), "daily", "used_cents"), usd(200'000)) << monday.raw;
}

TEST(ApiWithdrawals, HongKongMarketHasItsOwnDaysAndHolidays) {
  Bank b(Market::hk);
  const std::string id = b.account("hana", DeviceKind::sms);
  b.set_time(utc(2026, 2, 16, 2));  // Monday 16 February, 10:00 HKT
  EXPECT_EQ(b.withdraw(id, usd(200'000)).status, 201);
  b.set_time(utc(2026, 2, 16, 16, 30));  // Tuesday 17 00:30 HKT: Lunar New Year, belongs to Friday 20
  Reply holiday = b.withdraw(id, usd(200'000));
  EXPECT_EQ(holiday.status, 201) << holiday.raw;
  EXPECT_EQ(holiday.body.find("usage")->get_string("market").value_or(""), "hk");
  b.set_time(utc(2026, 2, 20, 2));  // Friday 20, 10:00 HKT
  Reply friday = b.withdraw(id, 1);
  EXPECT_EQ(friday.code(), "withdrawal.daily_limit") << friday.raw;
  EXPECT_EQ(error_int(friday, "window_start"), utc(2026, 2, 16, 16));  // 17 February 00:00 HKT
}

// --- stand-ins for a lost device ------------------------------------------------------------

TEST(ApiWithdrawals, StandInsForALostDevice) {
  Bank b;
  // A full-access temporary code: the limits of `none`.
  const std::string full = b.account("tess", DeviceKind::temp_code);
  EXPECT_EQ(error_int(b.withdraw(full, usd(50'000) + 1), "limit", "cents"), usd(50'000));
  // An account-management-only temporary code: no withdrawal at all.
  ASSERT_TRUE(b.s.admin().create_user("amy", "correct horse"));
  ASSERT_TRUE(b.s.admin().issue_temp_code("amy", false));
  const std::string managed = *b.s.admin().create_account("amy", "amy");
  Reply refused = b.withdraw(managed, 1);
  EXPECT_EQ(refused.status, 403) << refused.raw;
  EXPECT_EQ(refused.code(), "withdrawal.account_management_only");
  EXPECT_EQ(b.ledger_sum(managed), 0);
  EXPECT_EQ(usage_int(*b.list(managed).body.find("usage"), "daily", "remaining", "cents"), 0);
  // An online card that replaces a lost code card: its own row (as a code card).
  const std::string online = b.account("olga", DeviceKind::online_card);
  EXPECT_EQ(error_int(b.withdraw(online, usd(200'000) + 1), "limit", "cents"), usd(200'000));
}

// --- idempotency -----------------------------------------------------------------------------

TEST(ApiWithdrawals, TheSameKeyGetsTheSameAnswer) {
  Bank b;
  const std::string id = b.account("ida", DeviceKind::sms);
  Reply first = b.withdraw(id, usd(150'000), "pay-1");
  ASSERT_EQ(first.status, 201) << first.raw;
  Reply again = b.withdraw(id, usd(150'000), "pay-1");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(b.ledger_sum(id), usd(150'000));
  // A refusal is kept too: the same key is refused again on the next day,
  // when the amount would fit.
  Reply over = b.withdraw(id, usd(100'000), "pay-2");
  EXPECT_EQ(over.code(), "withdrawal.daily_limit");
  b.set_time(b.s.clock().now() + 86400);
  Reply over_again = b.withdraw(id, usd(100'000), "pay-2");
  EXPECT_EQ(over_again.status, 422);
  EXPECT_EQ(over_again.body, over.body);
  // In another language, the same refusal in that language.
  Reply zh =
      b.s.post("/api/v1/withdrawals",
               JsonValue::object().set("account", id).set("amount_cents", usd(100'000)).set("idempotency_key", "pay-2"),
               {{"Authorization", "Bearer " + b.token}, {"Accept-Language", "zh-TW"}});
  EXPECT_EQ(zh.code(), "withdrawal.daily_limit");
  EXPECT_NE(zh.body.find("error")->get_string("message"), over.body.find("error")->get_string("message"));
  // The same key with another body.
  Reply other = b.withdraw(id, usd(1), "pay-1");
  EXPECT_EQ(other.status, 422) << other.raw;
  EXPECT_EQ(other.code(), "withdrawal.idempotency_mismatch");
  Reply other_account = b.withdraw(b.account("ivy", DeviceKind::sms), usd(150'000), "pay-1");
  EXPECT_EQ(other_account.code(), "withdrawal.idempotency_mismatch");
  EXPECT_EQ(b.ledger_sum(id), usd(150'000));
  // Keys belong to a credential: another one's "pay-1" is a new withdrawal.
  const std::string token2 = *create_service_credential(b.s.store(), b.s.keys(), b.s.clock().now(), "treasury");
  Reply theirs =
      b.s.post("/api/v1/withdrawals",
               JsonValue::object().set("account", id).set("amount_cents", usd(1)).set("idempotency_key", "pay-1"),
               b.auth(token2));
  EXPECT_EQ(theirs.status, 201) << theirs.raw;
}

// --- the service credential ------------------------------------------------------------------

TEST(ApiWithdrawals, OnlyALiveServiceCredentialMayCall) {
  Bank b;
  const std::string id = b.account("carl", DeviceKind::dsc);
  const std::string body =
      json_serialize(JsonValue::object().set("account", id).set("amount_cents", 100).set("idempotency_key", "x"));
  const std::vector<httplib::Headers> refused = {
      {},
      {{"Authorization", "Bearer "}},
      {{"Authorization", "Bearer not-a-token"}},
      {{"Authorization", "Basic " + b.token}},
      {{"Authorization", b.token}},
      {{"Authorization", "Bearer " + b.token + "x"}},
      {{"Authorization", "Bearer " + std::string(5000, 'a')}},
  };
  for (const auto& h : refused) {
    Reply r = b.s.send("POST", "/api/v1/withdrawals", body, h);
    EXPECT_EQ(r.status, 401) << r.raw;
    EXPECT_EQ(r.code(), "service.unauthorized");
    EXPECT_EQ(r.header("WWW-Authenticate").rfind("Bearer", 0), 0u);
    EXPECT_EQ(b.s.get("/api/v1/withdrawals?account=" + id, h).status, 401);
  }
  // A user's session is no credential, however fresh.
  Reply login = b.s.login("carl");
  ASSERT_EQ(login.status, 200);
  Reply session_only = b.s.send("POST", "/api/v1/withdrawals", body, {{"Cookie", "sls_session=anything"}});
  EXPECT_EQ(session_only.status, 401);
  EXPECT_EQ(b.ledger_sum(id), 0);
  // Revoked: refused at once, with the same code.
  EXPECT_EQ(b.withdraw(id, 100).status, 201);
  ASSERT_TRUE(revoke_service_credential(b.s.store(), b.s.clock().now(), "backoffice"));
  Reply revoked = b.withdraw(id, 100);
  EXPECT_EQ(revoked.status, 401);
  EXPECT_EQ(revoked.code(), "service.unauthorized");
  EXPECT_EQ(b.list(id).status, 401);
  // The audit names the credential, never the token.
  auto audit = b.s.admin().audit(100);
  ASSERT_TRUE(audit);
  bool named = false;
  for (const AuditRecord& a : *audit) {
    EXPECT_EQ(a.detail.find(b.token), std::string::npos);
    if (a.event == "withdrawal.recorded" && a.detail.find("credential backoffice") != std::string::npos) named = true;
  }
  EXPECT_TRUE(named);
  for (const std::string& line : b.s.log()) EXPECT_EQ(line.find(b.token), std::string::npos) << line;
}

TEST(ApiWithdrawals, BadInputIsA4xxJsonError) {
  Bank b;
  const std::string id = b.account("bea", DeviceKind::sms);
  auto post = [&](const std::string& body) { return b.s.send("POST", "/api/v1/withdrawals", body, b.auth(b.token)); };
  const std::string good_key = R"(, "idempotency_key": "k")";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "request.malformed_json"},
      {"[]", "request.malformed_json"},
      {"{}", "request.bad_field"},
      {R"({"account": 5, "amount_cents": 1, "idempotency_key": "k"})", "request.bad_field"},
      {R"({"account": ")" + id + R"(", "idempotency_key": "k"})", "request.bad_field"},
      {R"({"account": ")" + id + R"(", "amount_cents": "100")" + good_key + "}", "request.bad_field"},
      {R"({"account": ")" + id + R"(", "amount_cents": 0)" + good_key + "}", "limit.bad_amount"},
      {R"({"account": ")" + id + R"(", "amount_cents": -5)" + good_key + "}", "limit.bad_amount"},
      {R"({"account": ")" + id + R"(", "amount_cents": 1.5)" + good_key + "}", "limit.bad_amount"},
      {R"({"account": ")" + id + R"(", "amount_cents": 1e3)" + good_key + "}", "limit.bad_amount"},
      {R"({"account": ")" + id + R"(", "amount_cents": 99999999999999999999999)" + good_key + "}", "limit.bad_amount"},
      {R"({"account": ")" + id + R"(", "amount_cents": 1000000000000000001)" + good_key + "}", "limit.bad_amount"},
      {R"({"account": ")" + id + R"(", "amount_cents": 1, "idempotency_key": ""})", "request.bad_field"},
      {R"({"account": ")" + id + R"(", "amount_cents": 1, "idempotency_key": "a b"})", "request.bad_field"},
      {R"({"account": ")" + id + R"(", "amount_cents": 1, "idempotency_key": ")" + std::string(129, 'k') + "\"}",
       "request.bad_field"},
      {R"({"account": "", "amount_cents": 1, "idempotency_key": "k"})", "request.bad_field"},
      {R"({"account": "nope", "amount_cents": 1, "idempotency_key": "k"})", "withdrawal.unknown_account"},
  };
  for (const auto& [body, code] : cases) {
    Reply r = post(body);
    EXPECT_GE(r.status, 400) << body;
    EXPECT_LT(r.status, 500) << body;
    EXPECT_EQ(r.code(), code) << body << " -> " << r.raw;
  }
  EXPECT_EQ(b.ledger_sum(id), 0);
  for (const char* q : {"&limit=0", "&limit=1001", "&limit=x", "&limit=", "&limit=-1"})
    EXPECT_EQ(b.list(id, q).code(), "request.bad_field") << q;
  EXPECT_EQ(b.list("nope").code(), "withdrawal.unknown_account");
  EXPECT_EQ(b.s.get("/api/v1/withdrawals", b.auth(b.token)).code(), "withdrawal.unknown_account");
  EXPECT_EQ(b.s.send("DELETE", "/api/v1/withdrawals", "", b.auth(b.token)).status, 405);
}

TEST(ApiWithdrawals, ListIsNewestFirstWithUsage) {
  Bank b;
  const std::string id = b.account("lou", DeviceKind::dsc);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    Reply r = b.withdraw(id, usd(1000 + i));
    ids.push_back(std::string(r.body.find("withdrawal")->get_string("id").value_or("")));
    b.s.clock().advance_seconds(60);
  }
  Reply all = b.list(id);
  ASSERT_EQ(all.status, 200) << all.raw;
  const auto& rows = *all.body.find("withdrawals")->as_array();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].get_string("id").value_or(""), ids[2]);
  EXPECT_EQ(rows[2].get_string("id").value_or(""), ids[0]);
  EXPECT_EQ(b.list(id, "&limit=1").body.find("withdrawals")->as_array()->size(), 1u);
  EXPECT_EQ(usage_int(*all.body.find("usage"), "five_day", "used_cents"), usd(3003));
}

TEST(ApiWithdrawals, AccountsListCarriesUsage) {
  Bank b;
  ASSERT_TRUE(b.s.admin().create_user("pat", "correct horse", true));
  const std::string id = *b.s.admin().create_account("pat", "pat");
  EXPECT_EQ(b.withdraw(id, usd(20'000)).status, 201);
  Reply login = b.s.login("pat");
  ASSERT_EQ(login.str("state"), "verified") << login.raw;
  Reply done = b.s.complete(login.str("login_id"), login.str("completion_token"));
  const std::string c = done.header("Set-Cookie");
  const std::string cookie = c.substr(c.find('=') + 1, c.find(';') - c.find('=') - 1);
  Reply list = b.s.get("/api/v1/accounts", {{"Cookie", "sls_session=" + cookie}});
  ASSERT_EQ(list.status, 200) << list.raw;
  const JsonValue& usage = *(*list.body.find("accounts")->as_array())[0].find("usage");
  EXPECT_EQ(usage_int(usage, "daily", "used_cents"), usd(20'000));
  EXPECT_EQ(usage_int(usage, "daily", "remaining", "cents"), usd(30'000));
  EXPECT_EQ(usage_int(usage, "five_day", "used_cents"), usd(20'000));
  EXPECT_EQ(usage_int(usage, "five_day", "remaining", "cents"), usd(80'000));
  EXPECT_EQ(usage.get_string("market").value_or(""), "us");
}

// --- concurrency and crashes -----------------------------------------------------------------

TEST(ApiWithdrawals, HundredSimultaneousWithdrawalsNeverOvershoot) {
  Bank b;
  const std::string id = b.account("rush", DeviceKind::sms);  // 200,000 a day
  constexpr int kThreads = 100;
  constexpr std::int64_t kAmount = usd(3'000);  // 100 x 3,000 = 300,000
  std::atomic<int> created{0}, refused{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", b.s.port());
      client.set_read_timeout(30, 0);
      const std::string body = json_serialize(JsonValue::object()
                                                  .set("account", id)
                                                  .set("amount_cents", kAmount)
                                                  .set("idempotency_key", "rush-" + std::to_string(i)));
      while (!go.load()) std::this_thread::yield();
      auto r = client.Post("/api/v1/withdrawals", {{"Authorization", "Bearer " + b.token}}, body, "application/json");
      if (r && r->status == 201)
        ++created;
      else if (r && r->status == 422)
        ++refused;
      else
        ++other;
    });
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(created.load() + refused.load(), kThreads);
  EXPECT_EQ(created.load(), static_cast<int>(usd(200'000) / kAmount));  // 66
  EXPECT_EQ(b.ledger_sum(id), created.load() * kAmount);
  EXPECT_LE(b.ledger_sum(id), usd(200'000));
}

using Slsd = sls::server::testing::SlsdProcess;

/// A loader's world on the store `db` with the key files given: user kim
/// with a DSC+ (unlimited: every withdrawal fits), her account, and a
/// service credential "loader". Returns {account id, credential token}.
std::pair<std::string, std::string> seed_loader(const std::string& db, const std::string& master_key,
                                                const std::string& sign_key) {
  auto store = open_store(db);
  if (!store) throw std::runtime_error("store");
  auto keys = Keyring::load_or_create(master_key, sign_key);
  if (!keys) throw std::runtime_error("keys");
  SystemClock clock;
  const ServiceConfig config = test_service_config();  // Enrolment keeps a reference
  Enrolment admin(**store, *keys, clock, config);
  if (!admin.create_user("kim", "correct horse")) throw std::runtime_error("create_user");
  auto enrolled = admin.enrol_token("kim", DeviceKind::dsc_plus);
  if (!enrolled) throw std::runtime_error(std::string(errc_name(enrolled.error().code)));
  std::string account = *admin.create_account("kim", "kim");
  return {account, *create_service_credential(**store, *keys, clock.now(), "loader")};
}

TEST(ApiWithdrawals, KillDashNineLosesNoAcknowledgedWithdrawal) {
  SLS_SQLITE_ONLY("the file's integrity check; on PostgreSQL the server survives its connections being killed");
  TempDir dir;
  const std::string db = dir.file("slsd.sqlite");
  const auto seeded = seed_loader(db, Keyring::default_master_key_path(db), Keyring::default_sign_key_path(db));
  const std::string& account = seeded.first;
  const std::string& token = seeded.second;
  std::mutex acked_mutex;
  std::set<std::string> acked;  // ids answered 201
  {
    Slsd slsd(db);
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        httplib::Client client("127.0.0.1", slsd.port());
        client.set_read_timeout(5, 0);
        for (int i = 0; !stop.load(); ++i) {
          const std::string body =
              json_serialize(JsonValue::object()
                                 .set("account", account)
                                 .set("amount_cents", 100)
                                 .set("idempotency_key", std::to_string(t) + "-" + std::to_string(i)));
          auto r = client.Post("/api/v1/withdrawals", {{"Authorization", "Bearer " + token}}, body, "application/json");
          if (!r) continue;  // killed mid-request: not acknowledged
          if (r->status != 201) continue;
          auto parsed = json_parse(r->body);
          if (!parsed) continue;
          std::lock_guard lock(acked_mutex);
          acked.insert(std::string(parsed->find("withdrawal")->get_string("id").value_or("")));
        }
      });
    // Let the load run, then kill it in the middle.
    for (int i = 0; i < 200; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      std::lock_guard lock(acked_mutex);
      if (acked.size() >= 50) break;
    }
    slsd.stop(SIGKILL);
    stop = true;
    for (auto& t : threads) t.join();
  }
  ASSERT_GT(acked.size(), 0u);
  // Restarted, the server lists every acknowledged withdrawal.
  {
    Slsd again(db);
    httplib::Client client("127.0.0.1", again.port());
    auto r = client.Get(("/api/v1/withdrawals?account=" + account + "&limit=1000").c_str(),
                        {{"Authorization", "Bearer " + token}});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    auto parsed = json_parse(r->body);
    ASSERT_TRUE(parsed);
    std::set<std::string> listed;
    for (const JsonValue& w : *parsed->find("withdrawals")->as_array())
      listed.insert(std::string(w.get_string("id").value_or("")));
    if (acked.size() <= 1000) {
      for (const std::string& id : acked) EXPECT_TRUE(listed.contains(id)) << id;
    }
  }
  // And the ledger itself holds them all; the file is sound.
  auto sqlite = SqliteDb::open(db);
  ASSERT_TRUE(sqlite);
  auto check = sqlite->prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check);
  ASSERT_TRUE(*check->step());
  EXPECT_EQ(check->column_text(0), "ok");
  std::size_t found = 0;
  for (const std::string& id : acked) {
    auto q = sqlite->prepare("SELECT COUNT(*) FROM withdrawals WHERE id = ?1");
    ASSERT_TRUE(q);
    q->bind(1, id);
    ASSERT_TRUE(*q->step());
    found += static_cast<std::size_t>(q->column_int(0));
  }
  EXPECT_EQ(found, acked.size());
  std::printf("kill -9 after %zu acknowledged withdrawals: all %zu in the ledger\n", acked.size(), found);
}

// The database connections die under the server: the server process on
// PostgreSQL that serves each of slsd's connections is terminated again and
// again (pg_terminate_backend, what an administrator, a failover or the OOM
// killer does) while four clients withdraw. Every request still gets an
// answer, every 201 is in the ledger, and the server recovers.
TEST(ApiWithdrawals, KillingTheDatabaseConnectionsLosesNoAcknowledgedWithdrawal) {
  SLS_POSTGRES_ONLY("PostgreSQL's server processes are what gets killed");
  TempDir dir;
  const std::string db = test_database(dir);
  const std::string db_name = db.substr(db.rfind('/') + 1);
  const std::vector<std::string> key_args = {"--master-key",       dir.file("master.key"), "--sign-key",
                                             dir.file("sign.key"), "--assertion-keys",     dir.file("assertion.keys")};
  ASSERT_TRUE(AssertionKeys::load_or_create(dir.file("assertion.keys"), SystemClock().now()));
  const auto seeded = seed_loader(db, dir.file("master.key"), dir.file("sign.key"));
  const std::string& account = seeded.first;
  const std::string& token = seeded.second;
  std::mutex mutex;
  std::set<std::string> acked;  // ids answered 201
  std::map<int, int> statuses;  // every answer's status, counted
  int unanswered = 0;
  std::int64_t terminated = 0;
  Slsd slsd(db, key_args);
  auto withdraw = [&](httplib::Client& client, const std::string& key) {
    const std::string body = json_serialize(
        JsonValue::object().set("account", account).set("amount_cents", 100).set("idempotency_key", key));
    return client.Post("/api/v1/withdrawals", {{"Authorization", "Bearer " + token}}, body, "application/json");
  };
  {
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        httplib::Client client("127.0.0.1", slsd.port());
        client.set_read_timeout(30, 0);
        for (int i = 0; !stop.load(); ++i) {
          auto r = withdraw(client, std::to_string(t) + "-" + std::to_string(i));
          std::lock_guard lock(mutex);
          if (!r) {
            ++unanswered;
            continue;
          }
          ++statuses[r->status];
          if (r->status != 201) continue;
          auto parsed = json_parse(r->body);
          if (parsed) acked.insert(std::string(parsed->find("withdrawal")->get_string("id").value_or("")));
        }
      });
    // 60 rounds, 25 ms apart: every connection slsd has to its database dies.
    PgSession killer(test_postgres_url());
    for (int round = 0; round < 60; ++round) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      auto rows = killer.query(
          "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
          "WHERE datname = ?1 AND pid <> pg_backend_pid()) AS killed",
          {db_name});
      terminated += std::stoll(rows.at(0).at(0));
    }
    stop = true;
    for (auto& t : threads) t.join();
  }
  std::string seen;
  for (const auto& [status, n] : statuses) seen += " " + std::to_string(status) + "x" + std::to_string(n);
  EXPECT_GT(terminated, 0);
  EXPECT_EQ(unanswered, 0) << seen;
  ASSERT_GT(acked.size(), 0u) << seen;
  // A connection that died before COMMIT is retried on a new one (201); one
  // that died during COMMIT has an unknown outcome and is reported as a
  // fault, never as done.
  for (const auto& [status, n] : statuses)
    EXPECT_TRUE(status == 201 || status == 500 || status == 503) << status << " x" << n;
  // The server recovers: the next withdrawal goes through.
  {
    httplib::Client client("127.0.0.1", slsd.port());
    auto after = withdraw(client, "after");
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 201) << after->body;
  }
  // And the ledger holds every acknowledged one.
  std::size_t found = 0;
  for (const std::string& id : acked)
    found += static_cast<std::size_t>(query_int(db, "SELECT COUNT(*) FROM withdrawals WHERE id = ?1", {id}));
  EXPECT_EQ(found, acked.size());
  std::printf("%lld database connections killed; answers:%s; all %zu acknowledged withdrawals in the ledger: %s\n",
              static_cast<long long>(terminated), seen.c_str(), acked.size(), found == acked.size() ? "yes" : "NO");
}

/// Runs a shell command line: its output (stderr too) and exit code.
std::pair<std::string, int> run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {out, -1};
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = ::pclose(pipe);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

TEST(ApiWithdrawals, SlsctlIssuesListsAndRevokesCredentialsForTheRealSlsd) {
  TempDir dir;
  const std::string db = test_database(dir);
  // The key files named as a PostgreSQL store needs them (no default beside a file).
  const std::vector<std::string> keys = {"--master-key",       dir.file("master.key"), "--sign-key",
                                         dir.file("sign.key"), "--assertion-keys",     dir.file("assertion.keys")};
  std::string ctl = std::string(SLS_SLSCTL_PATH) + " --db " + db + " ";
  for (const auto& k : keys) ctl += k + " ";
  ASSERT_EQ(run(ctl + "create-user ann --password pw-ann-123456 --argon2-mem-mib 1 --argon2-ops 1").second, 0);
  ASSERT_EQ(run(ctl + "enroll ann dsc").second, 0);
  ASSERT_EQ(run(ctl + "create-account ann ann").second, 0);
  auto [created, code] = run(ctl + "service-credential create ops");
  ASSERT_EQ(code, 0) << created;
  const std::string token = created.substr(0, created.find('\n'));
  EXPECT_EQ(token.size(), 43u) << created;
  EXPECT_NE(run(ctl + "service-credential create ops").second, 0);  // the name is taken
  EXPECT_NE(run(ctl + "service-credential create 'bad name'").second, 0);
  EXPECT_NE(run(ctl + "service-credential revoke nobody").second, 0);
  EXPECT_NE(run(ctl + "service-credential").second, 0);
  auto [listed, list_code] = run(ctl + "service-credential list");
  EXPECT_EQ(list_code, 0);
  EXPECT_NE(listed.find("ops"), std::string::npos);
  EXPECT_NE(listed.find("active"), std::string::npos);
  EXPECT_EQ(listed.find(token), std::string::npos);
  // The database holds no copy of the token.
  EXPECT_EQ(
      query_int(db,
                on_postgres() ? "SELECT COUNT(*) FROM service_credentials WHERE token_hash = convert_to(?1, 'UTF8') "
                                "OR name = ?1"
                              : "SELECT COUNT(*) FROM service_credentials WHERE token_hash = ?1 OR name = ?1",
                {token}),
      0);
  std::string account;
  {
    auto [accounts, c] = run(ctl + "accounts ann");
    const auto at = accounts.find("id ");
    ASSERT_NE(at, std::string::npos) << accounts;
    account = accounts.substr(at + 3, 22);
  }
  Slsd slsd(db, keys);
  httplib::Client client("127.0.0.1", slsd.port());
  const std::string body =
      json_serialize(JsonValue::object().set("account", account).set("amount_cents", 500).set("idempotency_key", "a"));
  auto ok = client.Post("/api/v1/withdrawals", {{"Authorization", "Bearer " + token}}, body, "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;
  ASSERT_EQ(run(ctl + "service-credential revoke ops").second, 0);
  EXPECT_NE(run(ctl + "service-credential list").first.find("revoked"), std::string::npos);
  auto revoked = client.Post("/api/v1/withdrawals", {{"Authorization", "Bearer " + token}}, body, "application/json");
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->status, 401);
  // slsd --market: documented, checked.
  EXPECT_NE(run(std::string(SLS_SLSD_PATH) + " --help").first.find("--market us|hk"), std::string::npos);
  EXPECT_EQ(run(std::string(SLS_SLSD_PATH) + " --market mars --db " + dir.file("x.sqlite")).second, 2);
}

}  // namespace
}  // namespace sls::server::testing
