// PgStore against a real PostgreSQL server: the schema translated from the
// SQLite migrations (the same tables and columns), migrations from empty and
// from the previous version, records written and read back, serializable
// writes under contention, retries after a lost connection, no retry after
// a COMMIT whose outcome is unknown, notifications at commit only, and the
// bounded pool.
//
// The server is SLS_TEST_POSTGRES (a postgresql:// URL) when set, else a
// throwaway one (scripts/throwaway-postgres) started for this process and
// stopped at its end. Every test makes its own database and drops it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

#include "server/pg_connection.hpp"
#include "server/pg_store.hpp"
#include "server/sqlite_db.hpp"
#include "server/sqlite_store.hpp"
#include "server/store_open.hpp"
#include "server/try.hpp"
#include "slsd_process.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

std::string run_command(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

/// The server every test of this process uses.
class PostgresServer : public ::testing::Environment {
 public:
  static std::string& url() {
    static std::string value;
    return value;
  }
  void SetUp() override {
    if (std::string server = test_postgres_url(); !server.empty()) {
      url() = std::move(server);
      return;
    }
    dir_ = std::make_unique<TempDir>();
    // As root the server runs as the postgres user, who must reach DIR.
    std::filesystem::permissions(dir_->file(""),
                                 std::filesystem::perms::others_exec | std::filesystem::perms::group_exec,
                                 std::filesystem::perm_options::add);
    url() =
        run_command(std::string(SLS_SOURCE_DIR) + "/scripts/throwaway-postgres start " + dir_->file("pg") + " --fast");
    if (!is_postgres_url(url())) {
      // Nothing may be left behind: the half-made cluster and its directory go.
      TearDown();
      dir_.reset();
      throw std::runtime_error("throwaway-postgres did not start: " + url());
    }
  }
  void TearDown() override {
    if (dir_ != nullptr)
      (void)run_command(std::string(SLS_SOURCE_DIR) + "/scripts/throwaway-postgres stop " + dir_->file("pg"));
    dir_.reset();
  }

 private:
  std::unique_ptr<TempDir> dir_;
};

const auto* const kServer = ::testing::AddGlobalTestEnvironment(new PostgresServer);

/// A fresh database for one test, dropped at its end.
class TestDatabase {
 public:
  TestDatabase() {
    static std::atomic<int> counter{0};
    name_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    admin_ = connect(PostgresServer::url());
    EXPECT_TRUE(admin_->exec("CREATE DATABASE " + name_));
    url_ = url_with_database(PostgresServer::url(), name_);
  }
  ~TestDatabase() { (void)admin_->exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }
  const std::string& url() const { return url_; }
  /// A connection of its own to the database (not a store's).
  std::unique_ptr<PgConnection> raw() const { return connect(url_); }
  /// Ends every other session on the database, waiting until they are gone.
  void terminate_others() const {
    auto admin = raw();
    ASSERT_TRUE(
        admin->exec("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"));
  }

  static std::unique_ptr<PgConnection> connect(const std::string& url) {
    auto c = PgConnection::connect(url);
    if (!c) throw std::runtime_error("cannot connect: " + std::string(errc_name(c.code())));
    return std::move(*c);
  }

 private:
  std::string name_;
  std::string url_;
  std::unique_ptr<PgConnection> admin_;
};

UserRecord user_named(std::string name) {
  UserRecord u;
  u.username = std::move(name);
  u.password_hash = "$argon2id$v=19$m=8,t=1,p=1$placeholder";
  u.created_at = kStartTime;
  return u;
}

std::unique_ptr<PgStore> open_pg(const std::string& url, std::span<const Migration> migrations = store_migrations(),
                                 std::size_t pool = 4) {
  PgStoreOptions options;
  options.pool_size = pool;
  auto store = PgStore::open(url, options, migrations);
  EXPECT_TRUE(store) << (store ? "" : errc_name(store.code()));
  return store ? std::move(*store) : nullptr;
}

/// The status of a result, its value dropped.
template <class T>
Status ok_of(const Result<T>& r) {
  if (!r) return r.error();
  return ok_status();
}

std::int64_t scalar(PgConnection& c, const std::string& sql) {
  auto st = c.statement(sql);
  EXPECT_TRUE(st);
  if (!st) return -1;
  auto row = (*st)->step();
  EXPECT_TRUE(row && *row);
  return (*st)->column_int(0);
}

// --- the translation of the SQL, no server needed ----------------------------------------------

TEST(PgSql, DdlTranslatesTypesKeysAndRowid) {
  const std::string out = postgres_ddl(
      "CREATE TABLE a (\n  id INTEGER PRIMARY KEY,\n  text TEXT NOT NULL DEFAULT 'INTEGER BLOB',\n  b BLOB\n);\n"
      "CREATE TABLE b (\n  k TEXT PRIMARY KEY,\n  n INTEGER NOT NULL\n) WITHOUT ROWID;\n"
      "CREATE TABLE c (\n  k TEXT PRIMARY KEY\n);\n"
      "ALTER TABLE c ADD COLUMN n INTEGER NOT NULL DEFAULT 0; -- INTEGER stays in a comment\n");
  EXPECT_EQ(out,
            "CREATE TABLE a (\n  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
            "  text TEXT COLLATE \"C\" NOT NULL DEFAULT 'INTEGER BLOB',\n  b BYTEA\n);\n"
            "CREATE TABLE b (\n  k TEXT COLLATE \"C\" PRIMARY KEY,\n  n BIGINT NOT NULL\n);\n"
            "CREATE TABLE c (\n  rowid BIGINT GENERATED ALWAYS AS IDENTITY,\n  k TEXT COLLATE \"C\" PRIMARY KEY\n);\n"
            "ALTER TABLE c ADD COLUMN n BIGINT NOT NULL DEFAULT 0; -- INTEGER stays in a comment\n");
}

TEST(PgSql, ParametersAreNumberedForPostgres) {
  int count = 0;
  EXPECT_EQ(postgres_parameters("SELECT a FROM t WHERE b = ?2 AND c = '?1' AND d = ?12 OR e = ?2", count),
            "SELECT a FROM t WHERE b = $2 AND c = '?1' AND d = $12 OR e = $2");
  EXPECT_EQ(count, 12);
  EXPECT_EQ(postgres_parameters("SELECT 1", count), "SELECT 1");
  EXPECT_EQ(count, 0);
}

// --- migrations ------------------------------------------------------------------------------

TEST(PgStore, FreshDatabaseGetsEveryMigration) {
  TestDatabase db;
  auto store = open_pg(db.url());
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version().value(), store_migrations().back().version);
  // Opening again applies nothing and keeps the version.
  auto again = open_pg(db.url());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->schema_version().value(), store_migrations().back().version);
}

/// table -> column -> type, as "integer", "text" or "blob".
using Schema = std::map<std::string, std::map<std::string, std::string>>;

TEST(PgStore, SameTablesAndColumnsAsSqlite) {
  TempDir dir;
  ASSERT_TRUE(SqliteStore::open(dir.file("db.sqlite")));
  auto lite = SqliteDb::open(dir.file("db.sqlite"));
  ASSERT_TRUE(lite);
  Schema sqlite_schema;
  std::set<std::string> sqlite_rowid_tables;  // a rowid that is not an INTEGER PRIMARY KEY
  {
    auto tables = lite->prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    ASSERT_TRUE(tables);
    while (*tables->step()) {
      const std::string table = tables->column_text(0);
      auto cols = lite->prepare("SELECT name, type, pk FROM pragma_table_info(?1)");
      ASSERT_TRUE(cols);
      cols->bind(1, table);
      bool integer_key = false;
      while (*cols->step()) {
        std::string type = cols->column_text(1);
        for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        sqlite_schema[table][cols->column_text(0)] = type;
        if (cols->column_int(2) == 1 && type == "integer") integer_key = true;
      }
      const bool has_rowid = static_cast<bool>(lite->prepare("SELECT rowid FROM " + table + " LIMIT 0"));
      if (has_rowid && !integer_key) sqlite_rowid_tables.insert(table);
    }
  }
  TestDatabase db;
  ASSERT_TRUE(open_pg(db.url()));
  auto pg = db.raw();
  Schema pg_schema;
  std::set<std::string> pg_rowid_tables;
  {
    auto cols = pg->statement(
        "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'");
    ASSERT_TRUE(cols);
    while (*(*cols)->step()) {
      const std::string table = (*cols)->column_text(0);
      const std::string column = (*cols)->column_text(1);
      const std::string type = (*cols)->column_text(2);
      if (column == "rowid") {
        pg_rowid_tables.insert(table);
        continue;
      }
      pg_schema[table][column] = type == "bigint" ? "integer" : type == "bytea" ? "blob" : type;
    }
  }
  EXPECT_EQ(pg_schema, sqlite_schema);
  EXPECT_EQ(pg_rowid_tables, sqlite_rowid_tables);
  EXPECT_FALSE(sqlite_rowid_tables.empty());
}

TEST(PgStore, DataOfVersion1SurvivesEveryStep) {
  TestDatabase db;
  ASSERT_TRUE(open_pg(db.url(), store_migrations().first(1)));
  {
    // A user as version 1 stored it, locked under the single failure counter of that time.
    auto raw = db.raw();
    ASSERT_TRUE(
        raw->exec("INSERT INTO users (username, password_hash, fail_consecutive, fail_since_lock, fail_locks, "
                  "locked_until, created_at) VALUES ('early', 'x', 7, 2, 3, 1767603660, 1767603600)"));
  }
  auto full = open_pg(db.url());
  ASSERT_TRUE(full);
  EXPECT_EQ(full->schema_version().value(), store_migrations().back().version);
  EXPECT_TRUE(full->read([](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, tx.find_user("early"));
    EXPECT_TRUE(u.has_value());
    if (!u) return ok_status();
    EXPECT_EQ(u->second_factor_failures, (FailureCounter{7, 2, 3, kStartTime + 60}));
    EXPECT_EQ(u->password_failures, (FailureCounter{7, 2, 3, kStartTime + 60}));
    EXPECT_EQ(u->activation_failures, FailureCounter{});
    return ok_status();
  }));
  // A user inserted now gets an id after the old one's.
  auto id = std::make_shared<std::int64_t>(0);
  ASSERT_TRUE(full->write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(n, tx.insert_user(user_named("later")));
    *id = n;
    return ok_status();
  }));
  EXPECT_GT(*id, 1);
}

TEST(PgStore, DataWrittenAtThePreviousVersionSurvivesTheLastStep) {
  TestDatabase db;
  const auto all = store_migrations();
  {
    auto previous = open_pg(db.url(), all.first(all.size() - 1));
    ASSERT_TRUE(previous);
    EXPECT_EQ(previous->schema_version().value(), all[all.size() - 2].version);
    ASSERT_TRUE(previous->write([](StoreTx& tx) -> Status {
      SLS_TRY_ASSIGN(uid, tx.insert_user(user_named("before")));
      DeviceRecord d;
      d.id = "dev-1";
      d.user_id = uid;
      d.kind = DeviceKind::sms;
      d.label = "phone";
      d.status = DeviceStatus::active;
      d.phone = "+85291234567";
      d.sealed_secret = {0, 1, 2, 0, 255};
      d.created_at = kStartTime;
      return tx.insert_device(d);
    }));
  }
  auto full = open_pg(db.url());
  ASSERT_TRUE(full);
  EXPECT_EQ(full->schema_version().value(), all.back().version);
  EXPECT_TRUE(full->write([](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, tx.find_user("before"));
    EXPECT_TRUE(u.has_value());
    if (!u) return ok_status();
    SLS_TRY_ASSIGN(devices, tx.list_devices(u->id));
    EXPECT_EQ(devices.size(), 1u);
    if (!devices.empty()) {
      EXPECT_EQ(devices[0].sealed_secret, (Bytes{0, 1, 2, 0, 255}));
    }
    return ok_status();
  }));
}

TEST(PgStore, RefusesASchemaNewerThanItKnows) {
  TestDatabase db;
  ASSERT_TRUE(open_pg(db.url()));
  PgStoreOptions options;
  auto old = PgStore::open(db.url(), options, store_migrations().first(1));
  ASSERT_FALSE(old);
  EXPECT_EQ(old.code(), Errc::bad_argument);
}

TEST(PgStore, AFailingMigrationLeavesThePreviousVersion) {
  TestDatabase db;
  const Migration broken[] = {store_migrations()[0], {2, "CREATE TABLE half (a INTEGER);\nCREATE TABLE (;"}};
  PgStoreOptions options;
  auto store = PgStore::open(db.url(), options, broken);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.code(), Errc::internal);
  auto raw = db.raw();
  EXPECT_EQ(scalar(*raw, "SELECT MAX(version) FROM schema_version"), 1);
  EXPECT_EQ(scalar(*raw, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'half'"), 0);
}

TEST(PgStore, NodesStartingTogetherMigrateOnce) {
  TestDatabase db;
  std::atomic<int> opened{0};
  std::vector<std::thread> nodes;
  for (int i = 0; i < 4; ++i)
    nodes.emplace_back([&] {
      PgStoreOptions options;
      if (PgStore::open(db.url(), options)) ++opened;
    });
  for (auto& t : nodes) t.join();
  EXPECT_EQ(opened.load(), 4);
  auto raw = db.raw();
  EXPECT_EQ(scalar(*raw, "SELECT COUNT(*) FROM schema_version"), static_cast<std::int64_t>(store_migrations().size()));
}

TEST(PgStore, AServerThatCannotBeReachedIsStoreUnavailable) {
  PgStoreOptions options;
  auto store = PgStore::open("postgresql://sls@127.0.0.1:1/sls", options);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.code(), Errc::server_store_unavailable);
  auto opened = open_store("postgresql://sls@127.0.0.1:1/sls");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.code(), Errc::server_store_unavailable);
  StoreOptions no_pool;
  no_pool.pool_size = 0;
  EXPECT_EQ(open_store(PostgresServer::url(), no_pool).code(), Errc::bad_argument);
}

// --- records -----------------------------------------------------------------------------------

TEST(PgStore, RecordsRoundTrip) {
  TestDatabase db;
  auto store = open_pg(db.url());
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->write([](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(uid, tx.insert_user(user_named("alice")));
    EXPECT_EQ(tx.insert_user(user_named("alice")).code(), Errc::bad_argument);
    SLS_TRY_ASSIGN(found, tx.find_user("alice"));
    EXPECT_TRUE(found && found->id == uid);
    UserRecord ghost = user_named("ghost");
    ghost.id = 999999;
    EXPECT_EQ(tx.update_user(ghost).code(), Errc::internal);
    return ok_status();
  }));
  // An UPDATE of no row is a fault to the caller (who returned ok here);
  // no statement failed, so the rest committed.
  ASSERT_TRUE(store->write([](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, tx.find_user("alice"));
    EXPECT_TRUE(u.has_value());
    if (!u) return ok_status();
    for (const char* id : {"d-b", "d-a"}) {
      DeviceRecord d;
      d.id = id;
      d.user_id = u->id;
      d.kind = DeviceKind::code_card;
      d.label = "card";
      d.status = DeviceStatus::active;
      d.code_hash = {};
      d.sealed_secret = {0x00, 0x5c, 0x78, 0xff};  // a NUL, "\x" and a high byte
      d.created_at = kStartTime;
      SLS_TRY(tx.insert_device(d));
    }
    SLS_TRY_ASSIGN(devices, tx.list_devices(u->id));
    EXPECT_EQ(devices.size(), 2u);
    if (devices.size() == 2) {
      EXPECT_EQ(devices[0].id, "d-b");  // insertion order (rowid) among equal creation times
      EXPECT_EQ(devices[1].sealed_secret, (Bytes{0x00, 0x5c, 0x78, 0xff}));
      EXPECT_TRUE(devices[1].code_hash.empty());
    }
    SessionRecord s;
    s.token_hash = {9, 0, 9};
    s.user_id = u->id;
    s.login_id = "l1";
    LoginRecord l;
    l.id = "l1";
    l.user_id = u->id;
    l.state = LoginState::completed;
    l.client_addr = "127.0.0.1";
    l.created_at = kStartTime;
    l.expires_at = kStartTime + 600;
    SLS_TRY(tx.insert_login(l));
    s.device_kind = DeviceKind::sms;
    s.access = Access::full;
    s.created_at = kStartTime;
    s.expires_at = kStartTime + 3600;
    s.idle_expires_at = kStartTime + 900;
    SLS_TRY(tx.insert_session(s));
    SLS_TRY_ASSIGN(got, tx.get_session(Bytes{9, 0, 9}));
    EXPECT_TRUE(got && got->login_id == "l1");
    SLS_TRY_ASSIGN(ended, tx.delete_ended_sessions_of_user(u->id, kStartTime + 900));
    EXPECT_EQ(ended, 1);
    SLS_TRY_ASSIGN(first, tx.record_redeemed_assertion("jti-1", kStartTime + 60));
    SLS_TRY_ASSIGN(second, tx.record_redeemed_assertion("jti-1", kStartTime + 60));
    EXPECT_TRUE(first);
    EXPECT_FALSE(second);
    SLS_TRY_ASSIGN(gone, tx.delete_expired_redeemed_assertions(kStartTime + 60, 10));
    EXPECT_EQ(gone, 1);
    SLS_TRY(tx.append_audit({0, kStartTime, "login", "ok", u->id, "alice", "", "127.0.0.1", "first"}));
    SLS_TRY(tx.append_audit({0, kStartTime, "login", "ok", 0, "", "", "", "second"}));
    SLS_TRY_ASSIGN(audit, tx.list_audit(10, ""));
    EXPECT_EQ(audit.size(), 2u);
    if (audit.size() == 2) {
      EXPECT_EQ(audit[0].detail, "second");
      EXPECT_EQ(audit[0].user_id, 0);
    }
    SLS_TRY(tx.append_outbox({0, kStartTime, "+85291234567", "code 123456"}));
    SLS_TRY_ASSIGN(outbox, tx.list_outbox(5));
    EXPECT_EQ(outbox.size(), 1u);
    ServiceCredentialRecord c;
    c.name = "back-office";
    c.token_hash = {1, 2, 3};
    c.created_at = kStartTime;
    SLS_TRY_ASSIGN(cid, tx.insert_service_credential(c));
    EXPECT_GT(cid, 0);
    SLS_TRY_ASSIGN(by_hash, tx.find_service_credential_by_hash(Bytes{1, 2, 3}));
    EXPECT_TRUE(by_hash && by_hash->id == cid);
    SLS_TRY(tx.set_sealed_identity(u->id, Bytes{7, 7}, kStartTime));
    SLS_TRY(tx.set_sealed_identity(u->id, Bytes{8}, kStartTime + 1));
    SLS_TRY_ASSIGN(identity, tx.get_sealed_identity(u->id));
    EXPECT_TRUE(identity && *identity == Bytes{8});
    return ok_status();
  }));
}

// PostgreSQL text cannot hold a NUL or bytes that are not UTF-8 (SQLite
// can): looking such a text up finds nothing, as on SQLite, instead of
// failing; storing one is a fault, never a silently changed value.
TEST(PgStore, TextPostgresCannotHoldMatchesNothingAndIsNeverStored) {
  TestDatabase db;
  auto store = open_pg(db.url());
  ASSERT_TRUE(store);
  for (const std::string& odd : {std::string("a\0b", 3), std::string("\xff\xfe"), std::string("\xc0\x80")}) {
    EXPECT_TRUE(store->write([&](StoreTx& tx) -> Status {
      SLS_TRY_ASSIGN(u, tx.find_user(odd));
      SLS_TRY_ASSIGN(a, tx.get_account(odd));
      SLS_TRY_ASSIGN(d, tx.get_device(odd));
      EXPECT_FALSE(u.has_value());
      EXPECT_FALSE(a.has_value());
      EXPECT_FALSE(d.has_value());
      SLS_TRY(tx.delete_phone(odd));
      return ok_status();
    }));
    EXPECT_EQ(store->write([&](StoreTx& tx) { return ok_of(tx.insert_user(user_named(odd))); }).code(), Errc::internal);
  }
}

TEST(PgStore, AnErrorRollsBackAndAReadChangesNothing) {
  TestDatabase db;
  auto store = open_pg(db.url());
  ASSERT_TRUE(store);
  auto refused = store->write([](StoreTx& tx) -> Status {
    SLS_TRY(ok_of(tx.insert_user(user_named("rolled"))));
    return fail(Errc::bad_argument, {"no"});
  });
  EXPECT_EQ(refused.code(), Errc::bad_argument);
  ASSERT_TRUE(store->read([](StoreTx& tx) -> Status {
    SLS_TRY(ok_of(tx.insert_user(user_named("read-only"))));
    return ok_status();
  }));
  EXPECT_TRUE(store->read([](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(a, tx.find_user("rolled"));
    SLS_TRY_ASSIGN(b, tx.find_user("read-only"));
    EXPECT_FALSE(a.has_value());
    EXPECT_FALSE(b.has_value());
    return ok_status();
  }));
  EXPECT_THROW((void)store->write([](StoreTx& tx) -> Status {
    (void)tx.insert_user(user_named("thrown"));
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_TRUE(store->read([](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(c, tx.find_user("thrown"));
    EXPECT_FALSE(c.has_value());
    return ok_status();
  }));
}

// --- concurrency and failures ----------------------------------------------------------------

// Read-modify-write of one counter from several threads: SERIALIZABLE lets
// no two of them build on the same value; the loser runs again.
TEST(PgStore, ConcurrentWritesLoseNoUpdate) {
  TestDatabase db;
  auto store = open_pg(db.url(), store_migrations(), 4);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->write([](StoreTx& tx) { return ok_of(tx.insert_user(user_named("counter"))); }));
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        Status s = store->write([](StoreTx& tx) -> Status {
          SLS_TRY_ASSIGN(u, tx.find_user("counter"));
          UserRecord next = *u;
          ++next.password_checks;
          return tx.update_user(next);
        });
        if (!s) ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(store->read([](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, tx.find_user("counter"));
    EXPECT_EQ(u->password_checks, kThreads * kEach);
    return ok_status();
  }));
  std::printf("[          ] %d contended increments: %zu retries\n", kThreads * kEach, store->retries());
}

TEST(PgStore, AConnectionLostBeforeCommitIsReplacedAndTheTransactionRunAgain) {
  TestDatabase db;
  auto store = open_pg(db.url());
  ASSERT_TRUE(store);
  int runs = 0;
  ASSERT_TRUE(store->write([&](StoreTx& tx) -> Status {
    ++runs;
    SLS_TRY(ok_of(tx.insert_user(user_named("again"))));
    if (runs == 1) db.terminate_others();  // this transaction's connection among them
    return tx.append_outbox({0, kStartTime, "+85291234567", "after the loss"});
  }));
  EXPECT_EQ(runs, 2);
  EXPECT_TRUE(store->read([](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, tx.find_user("again"));
    EXPECT_TRUE(u.has_value());
    SLS_TRY_ASSIGN(outbox, tx.list_outbox(10));
    EXPECT_EQ(outbox.size(), 1u);
    return ok_status();
  }));
  // Idle connections of the pool that were lost are replaced as well.
  db.terminate_others();
  EXPECT_TRUE(store->read([](StoreTx& tx) { return ok_of(tx.find_user("again")); }));
}

// A store whose connections keep failing is retried for retry_for, then
// the caller gets server.store_unavailable (503), not a hang or a 500.
TEST(PgStore, RetriesStopAfterTheirTimeWithStoreUnavailable) {
  TestDatabase db;
  PgStoreOptions options;
  options.retry_for = std::chrono::milliseconds(400);
  auto opened = PgStore::open(db.url(), options);
  ASSERT_TRUE(opened);
  auto& store = **opened;
  int runs = 0;
  const auto start = std::chrono::steady_clock::now();
  Status s = store.write([&](StoreTx& tx) -> Status {
    ++runs;
    db.terminate_others();
    return ok_of(tx.find_user("anyone"));
  });
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(s.code(), Errc::server_store_unavailable);
  EXPECT_GE(runs, 2);
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_GE(store.retries(), 1u);
  // The store works again once its connections stop failing.
  EXPECT_TRUE(store.read([](StoreTx& tx) { return ok_of(tx.find_user("anyone")); }));
}

TEST(PgStore, AConnectionLostDuringCommitIsAFaultAndNotRunAgain) {
  TestDatabase db;
  auto store = open_pg(db.url());
  ASSERT_TRUE(store);
  auto admin = db.raw();
  store->set_before_commit(
      [&](int pid) { ASSERT_TRUE(admin->exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ", 5000)")); });
  int runs = 0;
  Status s = store->write([&](StoreTx& tx) -> Status {
    ++runs;
    return ok_of(tx.insert_user(user_named("unknown")));
  });
  EXPECT_FALSE(s);
  EXPECT_EQ(s.code(), Errc::internal);
  EXPECT_EQ(runs, 1);
  store->set_before_commit(nullptr);
  // The server had not received the COMMIT: nothing was written.
  EXPECT_TRUE(store->read([](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, tx.find_user("unknown"));
    EXPECT_FALSE(u.has_value());
    return ok_status();
  }));
}

TEST(PgStore, NotificationsAreDeliveredAtCommitOnly) {
  TestDatabase db;
  auto store = open_pg(db.url());
  ASSERT_TRUE(store);
  auto listener = db.raw();
  ASSERT_TRUE(listener->exec("LISTEN sls_test"));
  EXPECT_EQ(store
                ->write([](StoreTx& tx) -> Status {
                  SLS_TRY(tx.notify("sls_test", "rolled back"));
                  return fail(Errc::bad_argument, {"no"});
                })
                .code(),
            Errc::bad_argument);
  ASSERT_TRUE(store->write([](StoreTx& tx) { return tx.notify("sls_test", "push-1"); }));
  std::vector<PgNotification> got;
  for (int i = 0; i < 100 && got.empty(); ++i) {
    auto n = listener->take_notifications();
    ASSERT_TRUE(n);
    got = std::move(*n);
    if (got.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].channel, "sls_test");
  EXPECT_EQ(got[0].payload, "push-1");
}

TEST(PgStore, ThePoolIsBoundedAndCallersWaitForAConnection) {
  TestDatabase db;
  auto store = open_pg(db.url(), store_migrations(), 2);
  ASSERT_TRUE(store);
  std::atomic<std::size_t> most{0};
  std::atomic<int> inside{0};
  std::atomic<int> most_inside{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      EXPECT_TRUE(store->read([&](StoreTx& tx) -> Status {
        const int now = ++inside;
        int seen = most_inside.load();
        while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
        }
        std::size_t open = store->open_connections();
        std::size_t prev = most.load();
        while (open > prev && !most.compare_exchange_weak(prev, open)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        --inside;
        return ok_of(tx.find_user("nobody"));
      }));
    });
  for (auto& t : threads) t.join();
  EXPECT_LE(most.load(), 2u);
  EXPECT_EQ(most_inside.load(), 2);
}

// --- slsd and slsctl on PostgreSQL -----------------------------------------------------------

/// slsd's and slsctl's exit status and output (stdout and stderr) for `args`.
std::pair<int, std::string> run_tool(const std::string& tool, const std::string& args) {
  std::string out;
  FILE* p = ::popen((tool + " " + args + " 2>&1").c_str(), "r");
  if (p == nullptr) return {-1, out};
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(SlsdOnPostgres, KeyFilesMustBeNamed) {
  const std::string url = "postgresql://sls@127.0.0.1:1/sls";
  auto [code, out] = run_tool(SLS_SLSD_PATH, "--db " + url + " --sign-key x --port 0");
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("--master-key is required with a PostgreSQL --db"), std::string::npos) << out;
  EXPECT_NE(out.find("--assertion-keys is required"), std::string::npos) << out;
  EXPECT_EQ(out.find("--sign-key is required"), std::string::npos) << out;
  auto [ctl_code, ctl_out] = run_tool(SLS_SLSCTL_PATH, "--db " + url + " --master-key x opt-out alice");
  EXPECT_NE(ctl_code, 0);
  EXPECT_NE(ctl_out.find("--sign-key"), std::string::npos) << ctl_out;
}

// slsd starts on an empty database, migrates it, and a login (password
// only) completes; slsctl wrote the user through the same database and keys.
TEST(SlsdOnPostgres, StartsMigratesAndALoginCompletes) {
  TestDatabase db;
  TempDir dir;
  const std::string keys = " --master-key " + dir.file("master.key") + " --sign-key " + dir.file("sign.key") +
                           " --assertion-keys " + dir.file("assertion.keys");
  auto [code, out] = run_tool(SLS_SLSCTL_PATH, "--db '" + db.url() + "'" + keys +
                                                   " --argon2-ops 1 --argon2-mem-mib 1 create-user alice "
                                                   "--password 'correct horse' --opted-out");
  ASSERT_EQ(code, 0) << out;
  SlsdProcess slsd(db.url(), {"--master-key", dir.file("master.key"), "--sign-key", dir.file("sign.key"),
                              "--assertion-keys", dir.file("assertion.keys")});
  httplib::Client client("127.0.0.1", slsd.port());
  auto started = client.Post("/api/v1/login", R"({"username":"alice","password":"correct horse"})", "application/json");
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 200) << started->body;
  auto body = json_parse(started->body);
  ASSERT_TRUE(body);
  auto text = [&](std::string_view key) {
    const JsonValue* v = body->find(key);
    return v != nullptr && v->as_string() != nullptr ? *v->as_string() : std::string();
  };
  const std::string login_id = text("login_id");
  const std::string secret = text("login_secret");
  const std::string token = text("completion_token");
  auto done = client.Post("/api/v1/login/" + login_id + "/complete", {{"X-SLS-Login-Secret", secret}},
                          R"({"completion_token":")" + token + R"("})", "application/json");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200) << done->body;
  auto raw = db.raw();
  EXPECT_EQ(scalar(*raw, "SELECT COUNT(*) FROM sessions"), 1);
  EXPECT_EQ(scalar(*raw, "SELECT MAX(version) FROM schema_version"), store_migrations().back().version);
}

}  // namespace
}  // namespace sls::server::testing
