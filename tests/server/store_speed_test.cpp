// What keeps the store fast under load (docs/benchmarks.md), checked for
// correctness:
//  - SqliteDb::prepare_cached: a statement compiled once and lent again must
//    behave exactly like a fresh one: no bindings or rows left over from the
//    previous use, no read left open, nested use of one text, and a
//    connection that is moved keeps its cache;
//  - the lookups every challenge makes use an index, not a scan of a table
//    that grows with every login;
//  - several processes may migrate a new database at once (bench/http
//    seeds with parallel slsctl runs).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/sqlite_db.hpp"
#include "server/sqlite_store.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr std::string_view kByKey = "SELECT value FROM kv WHERE key = ?1";
constexpr std::string_view kAll = "SELECT key, value FROM kv ORDER BY key";

SqliteDb open_with_rows(const TempDir& dir) {
  auto db = SqliteDb::open(dir.file("cache.sqlite"));
  EXPECT_TRUE(db) << errc_name(db.code());
  EXPECT_TRUE(
      db->exec("CREATE TABLE kv (key INTEGER PRIMARY KEY, value TEXT NOT NULL);"
               "INSERT INTO kv VALUES (1, 'one'), (2, 'two'), (3, 'three');"));
  return std::move(*db);
}

/// The value for `key` through the cache, or "(none)".
std::string value_of(SqliteDb& db, std::int64_t key) {
  auto st = db.prepare_cached(kByKey);
  EXPECT_TRUE(st);
  st->bind(1, key);
  auto row = st->step();
  EXPECT_TRUE(row);
  return row && *row ? st->column_text(0) : std::string("(none)");
}

/// Statements of the connection that are part-way through a run (holding a
/// read of the database).
int busy_statements(const SqliteDb& db) {
  int busy = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s != nullptr; s = sqlite3_next_stmt(db.handle(), s))
    busy += sqlite3_stmt_busy(s) != 0 ? 1 : 0;
  return busy;
}

int statement_count(const SqliteDb& db) {
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s != nullptr; s = sqlite3_next_stmt(db.handle(), s))
    ++n;
  return n;
}

TEST(SqliteCache, ReusedStatementTakesNewBindingsAndIsCompiledOnce) {
  TempDir dir;
  SqliteDb db = open_with_rows(dir);
  EXPECT_EQ(value_of(db, 2), "two");
  const int compiled = statement_count(db);
  EXPECT_EQ(value_of(db, 3), "three");
  EXPECT_EQ(value_of(db, 9), "(none)");
  EXPECT_EQ(value_of(db, 1), "one");
  EXPECT_EQ(statement_count(db), compiled);
}

TEST(SqliteCache, BindingsAreClearedBetweenUses) {
  TempDir dir;
  SqliteDb db = open_with_rows(dir);
  EXPECT_EQ(value_of(db, 1), "one");
  // Not bound this time: the parameter is NULL, which matches no key.
  auto st = db.prepare_cached(kByKey);
  ASSERT_TRUE(st);
  auto row = st->step();
  ASSERT_TRUE(row);
  EXPECT_FALSE(*row);
}

TEST(SqliteCache, ReleasingPartWayThroughRowsEndsTheRead) {
  TempDir dir;
  SqliteDb db = open_with_rows(dir);
  {
    auto st = db.prepare_cached(kAll);
    ASSERT_TRUE(st);
    auto row = st->step();
    ASSERT_TRUE(row && *row);
    EXPECT_EQ(busy_statements(db), 1);
  }
  EXPECT_EQ(busy_statements(db), 0);
  // The next use starts from the first row again.
  auto st = db.prepare_cached(kAll);
  ASSERT_TRUE(st);
  auto row = st->step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(st->column_int(0), 1);
}

TEST(SqliteCache, NestedUseOfOneTextGetsAFreshStatement) {
  TempDir dir;
  SqliteDb db = open_with_rows(dir);
  std::vector<std::string> pairs;
  auto outer = db.prepare_cached(kAll);
  ASSERT_TRUE(outer);
  for (;;) {
    auto row = outer->step();
    ASSERT_TRUE(row);
    if (!*row) break;
    // The same text while the cached statement is iterating.
    auto inner = db.prepare_cached(kAll);
    ASSERT_TRUE(inner);
    auto first = inner->step();
    ASSERT_TRUE(first && *first);
    pairs.push_back(outer->column_text(1) + "/" + inner->column_text(1));
  }
  EXPECT_EQ(pairs, (std::vector<std::string>{"one/one", "two/one", "three/one"}));
}

TEST(SqliteCache, TransactionsThroughCachedStatementsCommitAndRollBack) {
  TempDir dir;
  SqliteDb db = open_with_rows(dir);
  auto run = [&](std::string_view sql, std::int64_t key = 0, std::string_view value = {}) {
    auto st = db.prepare_cached(sql);
    ASSERT_TRUE(st);
    if (key != 0) st->bind(1, key).bind(2, value);
    ASSERT_TRUE(st->run());
  };
  constexpr std::string_view kInsert = "INSERT INTO kv VALUES (?1, ?2)";
  run("BEGIN IMMEDIATE");
  run(kInsert, 4, "four");
  run("COMMIT");
  run("BEGIN IMMEDIATE");
  run(kInsert, 5, "five");
  run("ROLLBACK");
  EXPECT_EQ(value_of(db, 4), "four");
  EXPECT_EQ(value_of(db, 5), "(none)");
  EXPECT_EQ(busy_statements(db), 0);
}

TEST(SqliteCache, MovedConnectionKeepsItsCache) {
  TempDir dir;
  SqliteDb first = open_with_rows(dir);
  EXPECT_EQ(value_of(first, 1), "one");
  SqliteDb second = std::move(first);
  const int compiled = statement_count(second);
  EXPECT_EQ(value_of(second, 2), "two");
  EXPECT_EQ(statement_count(second), compiled);
}

TEST(SqliteCache, BadSqlFailsAndIsNotCached) {
  TempDir dir;
  SqliteDb db = open_with_rows(dir);
  for (int i = 0; i < 2; ++i) {
    auto st = db.prepare_cached("SELECT nothing FROM nowhere");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.code(), Errc::internal);
  }
}

TEST(StoreOpen, ConnectionsMigratingAtOnceAllGetTheSchema) {
  // Several processes may open a database whose schema is not there yet
  // (bench/http seeds users with several slsctl processes at a time): each
  // must either apply a migration or see it applied, never apply it twice.
  for (int round = 0; round < 5; ++round) {
    TempDir dir;
    const std::string path = dir.file("new.sqlite");
    // The file exists, in WAL mode, without any table. (Switching a new
    // file to WAL from several connections at once can fail with "database
    // is locked": a separate matter, not tested here.)
    ASSERT_TRUE(SqliteDb::open(path));
    // SQLite created it under the umask; the store opens private files only.
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    constexpr int kOpeners = 4;
    std::atomic<int> ready{0};
    std::vector<std::unique_ptr<SqliteStore>> stores(kOpeners);
    std::vector<std::string> errors(kOpeners);
    std::vector<std::thread> threads;
    for (int i = 0; i < kOpeners; ++i)
      threads.emplace_back([&, i] {
        ready.fetch_add(1);
        while (ready.load() < kOpeners) std::this_thread::yield();
        auto store = SqliteStore::open(path);
        if (store) {
          stores[static_cast<std::size_t>(i)] = std::move(*store);
        } else {
          errors[static_cast<std::size_t>(i)] = std::string(errc_name(store.code()));
          for (const auto& a : store.error().args) errors[static_cast<std::size_t>(i)] += " " + a;
        }
      });
    for (auto& t : threads) t.join();
    for (int i = 0; i < kOpeners; ++i) {
      ASSERT_TRUE(stores[static_cast<std::size_t>(i)]) << errors[static_cast<std::size_t>(i)];
      EXPECT_EQ(stores[static_cast<std::size_t>(i)]->schema_version().value(), sqlite_migrations().back().version);
    }
  }
}

/// SQLite's plan for `sql` on the server's schema, one detail per line.
std::string query_plan(const TempDir& dir, const std::string& sql) {
  const std::string path = dir.file("plan.sqlite");
  EXPECT_TRUE(SqliteStore::open(path));  // creates the schema
  auto db = SqliteDb::open(path);
  EXPECT_TRUE(db);
  auto st = db->prepare("EXPLAIN QUERY PLAN " + sql);
  EXPECT_TRUE(st);
  std::string plan;
  for (;;) {
    auto row = st->step();
    if (!row || !*row) break;
    plan += st->column_text(3) + "\n";
  }
  return plan;
}

TEST(StorePlans, PendingPushesOfALoginAreFoundByIndex) {
  TempDir dir;
  // The query of SqliteTx::pending_pushes_of_login, which every challenge
  // and push opening runs.
  const std::string plan = query_plan(dir, "SELECT id FROM pushes WHERE login_id = 'x' AND status = 'pending'");
  EXPECT_NE(plan.find("USING INDEX pushes_by_login"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN pushes"), std::string::npos) << plan;
}

}  // namespace
}  // namespace sls::server::testing
