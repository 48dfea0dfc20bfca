// The per-address budgets shared by the nodes on one store (issue 13,
// address_budget.hpp, docs/proxies.md): two services on one database are two
// nodes; a client that spreads its attempts over both must not get a budget
// from each.
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "server/address_budget.hpp"
#include "server/pg_connection.hpp"
#include "server/sqlite_store.hpp"
#include "server/store_open.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";

/// Two nodes on one store: the TestServer's service and a second one over
/// the same database (a SQLite file, or PostgreSQL under the CTest fixture)
/// and keys.
struct TwoNodes {
  explicit TwoNodes(ServiceConfig config) : a(config, test_http_config()) {
    auto opened = open_store(a.db_path());
    if (!opened) throw std::runtime_error("store");
    store = std::move(*opened);
    auto k = Keyring::load_or_create(a.master_key_path(), a.sign_key_path());
    if (!k) throw std::runtime_error("keys");
    keys = std::make_unique<Keyring>(std::move(*k));
    sms = std::make_unique<OutboxSmsGateway>(*store, a.clock());
    auto service = AuthService::create(*store, *keys, a.clock(), *sms, std::move(config));
    if (!service) throw std::runtime_error("service");
    b = std::move(*service);
  }
  AuthService& node(int i) { return i % 2 == 0 ? a.service() : *b; }

  TestServer a;
  std::unique_ptr<Store> store;
  std::unique_ptr<Keyring> keys;
  std::unique_ptr<OutboxSmsGateway> sms;
  std::unique_ptr<AuthService> b;
};

ServiceConfig budget_config(bool shared) {
  ServiceConfig c = test_service_config();
  c.failures_per_address = {4, 1.0 / 60, 1000};
  c.challenges_per_hour_per_address = 4;
  c.shared_address_budgets = shared;
  return c;
}

/// Wrong passwords from one address, alternating between the nodes, until
/// one is refused 429: how many were let through.
int wrong_passwords_before_throttle(TwoNodes& n) {
  const RequestContext from{"198.51.100.7"};
  for (int i = 0; i < 20; ++i) {
    const ApiResponse r =
        n.node(i).start_login(from, JsonValue::object().set("username", "dora").set("password", "guess"));
    if (r.status == 429) return i;
    EXPECT_EQ(r.status, 401) << json_serialize(r.body);
  }
  return 20;
}

// The attack: a password guesser behind a round-robin proxy gets the
// failure budget of every node it reaches. Shared, it gets one.
TEST(AddressBudget, TheFailureBudgetHoldsAcrossNodes) {
  TwoNodes n(budget_config(true));
  ASSERT_TRUE(n.a.admin().create_user("dora", kPassword, /*opted_out=*/true));
  EXPECT_EQ(wrong_passwords_before_throttle(n), 4);
  // Another address is not affected, on either node.
  const RequestContext other{"198.51.100.8"};
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(n.node(i).start_login(other, JsonValue::object().set("username", "dora").set("password", "guess")).status,
              401);
  // A right password gives its token back on the node that took it, for both.
  n.a.clock().advance_seconds(60);  // one token back
  const RequestContext from{"198.51.100.7"};
  EXPECT_EQ(n.node(1).start_login(from, JsonValue::object().set("username", "dora").set("password", kPassword)).status,
            200);
  EXPECT_EQ(n.node(0).start_login(from, JsonValue::object().set("username", "dora").set("password", "guess")).status,
            401);
  EXPECT_EQ(n.node(1).start_login(from, JsonValue::object().set("username", "dora").set("password", "guess")).status,
            429);
}

// Without sharing (one node's memory each, as before) the same guesser gets
// twice the budget: what the shared budget exists to prevent.
TEST(AddressBudget, KeptPerNodeTheBudgetMultipliesWithTheNodes) {
  TwoNodes n(budget_config(false));
  ASSERT_TRUE(n.a.admin().create_user("dora", kPassword, /*opted_out=*/true));
  EXPECT_EQ(wrong_passwords_before_throttle(n), 8);
}

TEST(AddressBudget, ChallengeOpensPerAddressHoldAcrossNodes) {
  TwoNodes n(budget_config(true));
  ASSERT_TRUE(n.a.admin().create_user("fay", kPassword));
  auto card = n.a.admin().enrol_card("fay", DeviceKind::code_card);
  ASSERT_TRUE(card);
  const RequestContext from{"198.51.100.20"};
  std::vector<int> statuses;
  for (int i = 0; i < 6; ++i) {
    AuthService& node = n.node(i);
    const ApiResponse login =
        node.start_login(from, JsonValue::object().set("username", "fay").set("password", kPassword));
    ASSERT_EQ(login.status, 200);
    RequestContext bound = from;
    bound.login_secret = std::string(*login.body.get_string("login_secret"));
    const ApiResponse ch = node.open_challenge(bound, *login.body.get_string("login_id"),
                                               JsonValue::object().set("device_id", card->device_id));
    statuses.push_back(ch.status);
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 200, 200, 429, 429}));
}

// The bucket arithmetic of the store-backed budget: milli-tokens, refill,
// and idle rows deleted.
TEST(AddressBudget, StoreBucketsRefillAndIdleOnesGo) {
  const RateLimitPolicy p{2, 0.5, 1000};  // 2 tokens, one back every 2 s
  EXPECT_EQ(refilled(std::nullopt, p, 5000).milli_tokens, 2000);
  EXPECT_EQ(refilled(AddressBucket{0, 1000}, p, 2000).milli_tokens, 500);
  EXPECT_EQ(refilled(AddressBucket{0, 1000}, p, 1000000).milli_tokens, 2000);
  EXPECT_EQ(refilled(AddressBucket{1500, 9000}, p, 8000).updated_ms, 9000) << "time never runs back";

  TempDir dir;
  auto store = SqliteStore::open(dir.file("s.sqlite"));
  ASSERT_TRUE(store);
  StoreAddressBudget budget(**store, "test", p);
  EXPECT_TRUE(budget.take("a", 1000)->allowed);
  EXPECT_TRUE(budget.take("a", 1000)->allowed);
  const auto refused = budget.take("a", 1000);
  EXPECT_FALSE(refused->allowed);
  EXPECT_EQ(refused->retry_after, 2);
  EXPECT_TRUE(budget.take("a", 3000)->allowed) << "one back after 2 s";
  ASSERT_TRUE(budget.give_back("a", 3000));
  EXPECT_TRUE(budget.take("a", 3000)->allowed);
  // Another budget of the same address is another bucket.
  StoreAddressBudget other(**store, "other", p);
  EXPECT_TRUE(other.take("a", 3000)->allowed);
  // Long idle rows are deleted by later takes (a missing row is a full bucket).
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(budget.take("idle" + std::to_string(i), 3000));
  std::int64_t rows = -1;
  ASSERT_TRUE((*store)->write([&](StoreTx& tx) -> Status {
    for (int i = 0; i < 4; ++i) (void)budget.take_in(tx, "fresh", 100000);
    auto gone = tx.delete_idle_address_buckets("test", 100000 - 4000, 1000);
    if (!gone) return gone.error();
    rows = *gone;
    return ok_status();
  }));
  EXPECT_EQ(rows, 0) << "the takes at 100000 already swept every idle row of this budget";
}

// The same on PostgreSQL, two stores (each its own pool) on one database
// as two nodes have: run when SLS_TEST_POSTGRES names a server, on a fresh
// database of its own (dropped at the end).
TEST(AddressBudget, TheFailureBudgetHoldsAcrossNodesOnPostgres) {
  const std::string server = test_postgres_url();
  if (server.empty()) GTEST_SKIP() << "no PostgreSQL server (SLS_TEST_POSTGRES or the CTest fixture)";
  auto admin_db = PgConnection::connect(server);
  ASSERT_TRUE(admin_db);
  const std::string name = "budget_" + std::to_string(::getpid());
  ASSERT_TRUE((*admin_db)->exec("CREATE DATABASE " + name));
  struct Drop {
    PgConnection& c;
    std::string name;
    ~Drop() { (void)c.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); }
  } drop{**admin_db, name};
  const std::string url = url_with_database(server, name);
  TempDir dir;
  ManualClock clock(kStartTime);
  auto keys = Keyring::load_or_create(dir.file("master.key"), dir.file("sign.key"));
  ASSERT_TRUE(keys);
  std::vector<std::unique_ptr<Store>> stores;
  std::vector<std::unique_ptr<OutboxSmsGateway>> sms;
  std::vector<std::unique_ptr<AuthService>> nodes;
  for (int i = 0; i < 2; ++i) {
    auto store = open_store(url);
    ASSERT_TRUE(store) << errc_name(store.error().code);
    stores.push_back(std::move(*store));
    sms.push_back(std::make_unique<OutboxSmsGateway>(*stores.back(), clock));
    auto service = AuthService::create(*stores.back(), *keys, clock, *sms.back(), budget_config(true));
    ASSERT_TRUE(service);
    nodes.push_back(std::move(*service));
  }
  Enrolment admin(*stores[0], *keys, clock, nodes[0]->config());
  ASSERT_TRUE(admin.create_user("dora", kPassword, /*opted_out=*/true));
  const RequestContext from{"198.51.100.7"};
  int let_through = 20;
  for (int i = 0; i < 20; ++i) {
    const ApiResponse r = nodes[static_cast<std::size_t>(i % 2)]->start_login(
        from, JsonValue::object().set("username", "dora").set("password", "guess"));
    if (r.status == 429) {
      let_through = i;
      break;
    }
    EXPECT_EQ(r.status, 401) << json_serialize(r.body);
  }
  EXPECT_EQ(let_through, 4);
}

}  // namespace
}  // namespace sls::server::testing
