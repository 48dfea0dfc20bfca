// SqliteStore against a real database file: migrations, transactions that
// roll back, WAL mode, and every record type written and read back.
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <thread>

#include "server/device_history.hpp"
#include "server/sqlite_db.hpp"
#include "server/sqlite_store.hpp"
#include "server/try.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

UserRecord user_named(std::string name) {
  UserRecord u;
  u.username = std::move(name);
  u.password_hash = "$argon2id$v=19$m=8,t=1,p=1$placeholder";
  u.created_at = kStartTime;
  return u;
}

std::int64_t count_rows(SqliteStore& store, const std::string& username) {
  std::int64_t n = 0;
  EXPECT_TRUE(store.read([&](StoreTx& tx) -> Status {
    auto u = tx.find_user(username);
    if (!u) return u.error();
    n = u->has_value() ? 1 : 0;
    return ok_status();
  }));
  return n;
}

TEST(Store, FreshDatabaseGetsEveryMigrationInWalMode) {
  TempDir dir;
  const std::string path = dir.file("db.sqlite");
  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store) << errc_name(store.code());
  EXPECT_EQ((*store)->schema_version().value(), sqlite_migrations().back().version);
  EXPECT_EQ((*store)->journal_mode().value(), "wal");
  ASSERT_TRUE((*store)->write([](StoreTx& tx) -> Status {
    auto id = tx.insert_user(user_named("wal"));
    return id ? ok_status() : Status(id.error());
  }));
  EXPECT_TRUE(std::filesystem::exists(path + "-wal"));
}

TEST(Store, ReopeningKeepsDataAndAppliesOnlyMissingMigrations) {
  TempDir dir;
  const std::string path = dir.file("db.sqlite");
  {
    auto v1 = SqliteStore::open(path, sqlite_migrations().first(1));
    ASSERT_TRUE(v1);
    EXPECT_EQ((*v1)->schema_version().value(), 1);
  }
  {
    // A user as version 1 stored it (today's records have more columns),
    // locked under the single failure counter of that time.
    auto db = SqliteDb::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(
        db->exec("INSERT INTO users (username, password_hash, fail_consecutive, fail_since_lock, fail_locks, "
                 "locked_until, created_at) VALUES ('early', 'x', 7, 2, 3, 1767603660, 1767603600);"));
  }
  auto full = SqliteStore::open(path);
  ASSERT_TRUE(full);
  EXPECT_EQ((*full)->schema_version().value(), sqlite_migrations().back().version);
  EXPECT_EQ(count_rows(**full, "early"), 1);
  // Version 4 split the counter per factor: the old one stays the second
  // factor's, and the password's starts as a copy, so the lock still holds.
  EXPECT_TRUE((*full)->read([](StoreTx& tx) -> Status {
    auto u = tx.find_user("early");
    if (!u) return u.error();
    EXPECT_EQ((*u)->second_factor_failures, (FailureCounter{7, 2, 3, kStartTime + 60}));
    EXPECT_EQ((*u)->password_failures, (FailureCounter{7, 2, 3, kStartTime + 60}));
    EXPECT_EQ((*u)->activation_failures, FailureCounter{});
    return ok_status();
  }));
  // Version 2 added the outbox: usable now.
  EXPECT_TRUE((*full)->write([](StoreTx& tx) { return tx.append_outbox({0, kStartTime, "+85291234567", "hi"}); }));
}

// Version 12 (step-up logins): a login of version 9 has no opening session;
// a step-up login keeps the keyed hash of the cookie that opened it.
TEST(Store, Version12KeepsTheSessionThatOpenedAStepUpLogin) {
  TempDir dir;
  const std::string path = dir.file("db.sqlite");
  ASSERT_TRUE(SqliteStore::open(path, sqlite_migrations().first(9)));
  {
    auto db = SqliteDb::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(
        db->exec("INSERT INTO users (id, username, password_hash, created_at) VALUES (1, 'old', 'x', 1767603600);"
                 "INSERT INTO logins (id, user_id, state, client_addr, created_at, expires_at) "
                 "VALUES ('l', 1, 'second_factor', '127.0.0.1', 1767603600, 1767604200);"));
  }
  auto full = SqliteStore::open(path);
  ASSERT_TRUE(full);
  EXPECT_GE((*full)->schema_version().value(), 12);
  ASSERT_TRUE((*full)->write([](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(old, tx.get_login("l"));
    EXPECT_TRUE(old->step_up_session.empty());
    LoginRecord step_up = *old;
    step_up.id = "s";
    step_up.step_up_session = {1, 2, 3};
    SLS_TRY(tx.insert_login(step_up));
    SLS_TRY_ASSIGN(read, tx.get_login("s"));
    EXPECT_EQ(read->step_up_session, (Bytes{1, 2, 3}));
    return ok_status();
  }));
}

// Version 9 (accounts): a session of version 8 counts its second factor
// from its creation unless it was password only; accounts hold one primary
// user and any number of others; identification data is stored sealed.
TEST(Store, Version9AddsAccountsAndDatesTheSecondFactorOfOldSessions) {
  TempDir dir;
  const std::string path = dir.file("db.sqlite");
  ASSERT_TRUE(SqliteStore::open(path, sqlite_migrations().first(8)));
  {
    auto db = SqliteDb::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec(
        "INSERT INTO users (id, username, password_hash, created_at) VALUES (1, 'old', 'x', 1767603600);"
        "INSERT INTO users (id, username, password_hash, created_at) VALUES (2, 'other', 'x', 1767603600);"
        "INSERT INTO logins (id, user_id, state, client_addr, created_at, expires_at) "
        "VALUES ('l', 1, 'completed', '127.0.0.1', 1767603600, 1767604200);"
        "INSERT INTO sessions (token_hash, user_id, login_id, device_kind, access, created_at, expires_at, amr, "
        "last_seen_at, idle_expires_at) VALUES (x'01', 1, 'l', 'sms', 'full', 1767603600, 1767632400, 'pwd,sms', "
        "1767603600, 1767604500);"
        "INSERT INTO sessions (token_hash, user_id, login_id, device_kind, access, created_at, expires_at, amr, "
        "last_seen_at, idle_expires_at) VALUES (x'02', 1, 'l', 'none', 'full', 1767603600, 1767632400, 'pwd', "
        "1767603600, 1767604500);"));
  }
  auto full = SqliteStore::open(path, sqlite_migrations().first(9));
  ASSERT_TRUE(full);
  EXPECT_EQ((*full)->schema_version().value(), 9);
  ASSERT_TRUE((*full)->write([](StoreTx& tx) -> Status {
    EXPECT_EQ((*tx.get_session({1}))->second_factor_at, kStartTime);
    EXPECT_EQ((*tx.get_session({2}))->second_factor_at, 0);
    SLS_TRY(tx.insert_account(AccountRecord{"acc-id-1", "joint", false, kStartTime}));
    EXPECT_EQ(tx.insert_account(AccountRecord{"acc-id-2", "joint", false, kStartTime}).code(), Errc::bad_argument);
    SLS_TRY(tx.insert_account(AccountRecord{"acc-id-3", "cash", true, kStartTime}));
    SLS_TRY(tx.insert_account_user(AccountUserRecord{"acc-id-1", 2, false, kStartTime}));
    SLS_TRY(tx.insert_account_user(AccountUserRecord{"acc-id-1", 1, true, kStartTime + 1}));
    SLS_TRY(tx.insert_account_user(AccountUserRecord{"acc-id-3", 2, true, kStartTime}));
    // One primary user per account, and a user once per account.
    EXPECT_EQ(tx.insert_account_user(AccountUserRecord{"acc-id-1", 2, true, kStartTime}).code(), Errc::bad_argument);
    EXPECT_EQ(tx.insert_account_user(AccountUserRecord{"acc-id-1", 2, false, kStartTime}).code(), Errc::bad_argument);
    auto members = tx.list_account_users("acc-id-1");
    EXPECT_TRUE(members);
    EXPECT_EQ(members->size(), 2u);
    EXPECT_EQ(members->front().user_id, 1);  // the primary user first
    EXPECT_TRUE(members->front().is_primary);
    auto held = tx.list_accounts_of_user(2);
    EXPECT_TRUE(held);
    EXPECT_EQ(held->size(), 2u);
    EXPECT_EQ(held->front().name, "cash");
    EXPECT_TRUE(held->front().opted_out);
    AccountRecord changed = held->back();
    changed.opted_out = true;
    SLS_TRY(tx.update_account(changed));
    EXPECT_TRUE((*tx.get_account("acc-id-1"))->opted_out);
    EXPECT_FALSE(*tx.get_account("nope"));
    EXPECT_FALSE(*tx.get_sealed_identity(1));
    SLS_TRY(tx.set_sealed_identity(1, {9, 9, 9}, kStartTime));
    SLS_TRY(tx.set_sealed_identity(1, {7, 7}, kStartTime + 5));
    EXPECT_EQ(**tx.get_sealed_identity(1), (Bytes{7, 7}));
    return ok_status();
  }));
}

// Version 10 (withdrawals): a version-9 database gains the ledger, the
// answers kept per idempotency key and the service credentials, whose names
// and token hashes are unique; the ledger refuses an amount that is not
// positive even from a faulty caller.
TEST(Store, Version10AddsTheWithdrawalLedgerAndServiceCredentials) {
  TempDir dir;
  const std::string path = dir.file("db.sqlite");
  ASSERT_TRUE(SqliteStore::open(path, sqlite_migrations().first(9)));
  auto full = SqliteStore::open(path);
  ASSERT_TRUE(full);
  EXPECT_EQ((*full)->schema_version().value(), sqlite_migrations().back().version);
  ASSERT_TRUE((*full)->write([](StoreTx& tx) -> Status {
    UserRecord user;
    user.username = "u";
    user.password_hash = "x";
    user.created_at = kStartTime;
    SLS_TRY(tx.insert_user(user));
    SLS_TRY(tx.insert_account(AccountRecord{"acc", "acc", false, kStartTime}));
    SLS_TRY_ASSIGN(id, tx.insert_service_credential(ServiceCredentialRecord{0, "ops", {1, 2}, kStartTime, 0}));
    EXPECT_GT(id, 0);
    EXPECT_EQ(tx.insert_service_credential(ServiceCredentialRecord{0, "ops", {3}, kStartTime, 0}).code(),
              Errc::bad_argument);
    EXPECT_FALSE(tx.insert_service_credential(ServiceCredentialRecord{0, "other", {1, 2}, kStartTime, 0}));
    SLS_TRY_ASSIGN(by_hash, tx.find_service_credential_by_hash({1, 2}));
    EXPECT_EQ(by_hash->name, "ops");
    for (int i = 0; i < 3; ++i)
      SLS_TRY(tx.insert_withdrawal(
          WithdrawalRecord{"w" + std::to_string(i), "acc", 100 + i, kStartTime + i, "dsc", "ops", std::to_string(i)}));
    EXPECT_FALSE(tx.insert_withdrawal(WithdrawalRecord{"w9", "acc", 0, kStartTime, "dsc", "ops", "9"}));
    SLS_TRY_ASSIGN(recent, tx.list_withdrawals("acc", kStartTime + 1, 10));
    EXPECT_EQ(recent.size(), 2u);
    EXPECT_EQ(recent.front().id, "w2");  // newest first
    SLS_TRY(tx.insert_withdrawal_request(WithdrawalRequestRecord{id, "k", "acc", 100, 201, "{}", kStartTime}));
    EXPECT_FALSE(tx.insert_withdrawal_request(WithdrawalRequestRecord{id, "k", "acc", 5, 201, "{}", kStartTime}));
    SLS_TRY_ASSIGN(kept, tx.get_withdrawal_request(id, "k"));
    EXPECT_EQ(kept->amount_cents, 100);
    return ok_status();
  }));
}

// Version 11 (device sharing, docs/sharing.md): one live request per
// requester and owner; ended and rejected ones do not count; listed by user,
// device and status.
TEST(Store, Version11KeepsOneLiveSharingPerRequesterAndOwner) {
  TempDir dir;
  const std::string path = dir.file("db.sqlite");
  ASSERT_TRUE(SqliteStore::open(path, sqlite_migrations().first(9)));
  {
    auto db = SqliteDb::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(
        db->exec("INSERT INTO users (id, username, password_hash, created_at) VALUES (1, 'owner', 'x', 1767603600);"
                 "INSERT INTO users (id, username, password_hash, created_at) VALUES (2, 'asker', 'x', 1767603600);"
                 "INSERT INTO devices (id, user_id, kind, label, status, created_at) "
                 "VALUES ('dev', 1, 'dsc', 'DSC', 'active', 1767603600);"));
  }
  auto full = SqliteStore::open(path);
  ASSERT_TRUE(full);
  EXPECT_EQ((*full)->schema_version().value(), sqlite_migrations().back().version);
  ASSERT_TRUE((*full)->write([](StoreTx& tx) -> Status {
    SharingRecord r{"share-1", 1, 2, "dev", SharingStatus::pending, "entity", kStartTime, 0, 0, ""};
    SLS_TRY(tx.insert_sharing(r));
    SharingRecord twin = r;
    twin.id = "share-2";
    EXPECT_EQ(tx.insert_sharing(twin).code(), Errc::bad_argument) << "a second live request";
    r.status = SharingStatus::ended;
    r.ended_at = kStartTime + 5;
    r.end_reason = "owner";
    SLS_TRY(tx.update_sharing(r));
    twin.created_at = kStartTime + 10;
    SLS_TRY(tx.insert_sharing(twin));  // the first one ended: a new one may follow
    EXPECT_EQ((*tx.get_sharing("share-1"))->end_reason, "owner");
    EXPECT_FALSE(*tx.get_sharing("nope"));
    EXPECT_EQ(tx.list_sharings_of_user(1)->front().id, "share-2") << "newest first";
    EXPECT_EQ(tx.list_sharings_of_user(2)->size(), 2u);
    EXPECT_EQ(tx.list_sharings_of_device("dev")->front().id, "share-1") << "oldest first";
    EXPECT_EQ(tx.list_sharings(true, 10)->size(), 1u);
    EXPECT_EQ(tx.list_sharings(false, 1)->size(), 1u);
    return ok_status();
  }));
}

// Version 13 (the device history, device_history.hpp): events are kept per
// user, newest first; an event outside the list is refused, not stored.
TEST(Store, Version13KeepsEachUsersDeviceHistoryNewestFirst) {
  TempDir dir;
  auto store = SqliteStore::open(dir.file("db.sqlite"));
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->write([](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(owner, tx.insert_user(user_named("owner")));
    SLS_TRY_ASSIGN(other, tx.insert_user(user_named("other")));
    DeviceRecord card;
    card.id = "card-1";
    card.user_id = owner;
    card.kind = DeviceKind::code_card;
    card.serial = "12345678";
    SLS_TRY(record_device_event(tx, card, "issued", kActorOperator, "", kStartTime));
    SLS_TRY(record_device_event(tx, card, "lost", kActorUser, "reported lost", kStartTime + 60));
    EXPECT_EQ(record_device_event(tx, card, "stolen", kActorUser, "", kStartTime + 61).code(), Errc::internal);
    DeviceRecord theirs = card;
    theirs.id = "card-2";
    theirs.user_id = other;
    SLS_TRY(record_device_event(tx, theirs, "issued", kActorOperator, "", kStartTime + 62));
    SLS_TRY_ASSIGN(events, tx.list_device_events(owner, 10));
    EXPECT_EQ(events.size(), 2u) << "only the owner's, and not the refused one";
    if (events.size() == 2) {
      EXPECT_EQ(events[0].event, "lost");
      EXPECT_EQ(events[0].actor, "user");
      EXPECT_EQ(events[0].detail, "reported lost");
      EXPECT_EQ(events[0].kind, DeviceKind::code_card);
      EXPECT_EQ(events[0].serial, "12345678");
      EXPECT_EQ(events[1].event, "issued");
      EXPECT_EQ(events[1].at, kStartTime);
    }
    EXPECT_EQ(tx.list_device_events(owner, 1)->size(), 1u);
    return ok_status();
  }));
}

TEST(Store, SessionsOfVersion6EndAtTheirAbsoluteExpiryAndAreListedPerUser) {
  TempDir dir;
  const std::string path = dir.file("db.sqlite");
  ASSERT_TRUE(SqliteStore::open(path, sqlite_migrations().first(6)));
  {
    auto db = SqliteDb::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec(
        "INSERT INTO users (id, username, password_hash, created_at) VALUES (1, 'old', 'x', 1767603600);"
        "INSERT INTO logins (id, user_id, state, client_addr, created_at, expires_at) "
        "VALUES ('l', 1, 'completed', '127.0.0.1', 1767603600, 1767604200);"
        "INSERT INTO sessions (token_hash, user_id, login_id, device_kind, access, created_at, expires_at, amr) "
        "VALUES (x'0102', 1, 'l', 'sms', 'full', 1767603600, 1767632400, 'pwd,sms');"));
  }
  auto full = SqliteStore::open(path);
  ASSERT_TRUE(full);
  EXPECT_EQ((*full)->schema_version().value(), sqlite_migrations().back().version);
  ASSERT_TRUE((*full)->write([](StoreTx& tx) -> Status {
    auto s = tx.get_session({1, 2});
    EXPECT_TRUE(s && *s);
    EXPECT_EQ((*s)->last_seen_at, kStartTime);
    EXPECT_EQ((*s)->idle_expires_at, kStartTime + 8 * 3600);
    SessionRecord second = **s;
    second.token_hash = {3, 4};
    second.created_at = kStartTime + 10;
    if (auto st = tx.insert_session(second); !st) return st;
    second.last_seen_at = kStartTime + 100;
    if (auto st = tx.update_session(second); !st) return st;
    auto list = tx.list_sessions(1);
    EXPECT_TRUE(list);
    EXPECT_EQ(list->size(), 2u);
    EXPECT_EQ(list->back().last_seen_at, kStartTime + 100);
    EXPECT_EQ(tx.list_sessions(2)->size(), 0u);
    if (auto st = tx.delete_session({1, 2}); !st) return st;
    EXPECT_FALSE(*tx.get_session({1, 2}));
    EXPECT_EQ(tx.delete_sessions_of_user(1).value(), 1);
    EXPECT_EQ(tx.list_sessions(1)->size(), 0u);
    return ok_status();
  }));
}

TEST(Store, FailingMigrationRollsBackToThePreviousVersion) {
  TempDir dir;
  const std::string path = dir.file("db.sqlite");
  const Migration broken[] = {
      sqlite_migrations()[0],
      {2, "CREATE TABLE half_done (x INTEGER); THIS IS NOT SQL;"},
  };
  auto store = SqliteStore::open(path, broken);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.code(), Errc::internal);
  auto db = SqliteDb::open(path);
  ASSERT_TRUE(db);
  auto st = db->prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'");
  ASSERT_TRUE(st);
  ASSERT_TRUE(st->step().value());
  EXPECT_EQ(st->column_int(0), 0) << "the failed step left nothing behind";
  auto v = SqliteStore::open(path, sqlite_migrations().first(1));
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)->schema_version().value(), 1);
}

TEST(Store, SchemaNewerThanTheServerIsRefused) {
  TempDir dir;
  const std::string path = dir.file("db.sqlite");
  ASSERT_TRUE(SqliteStore::open(path));
  auto old = SqliteStore::open(path, sqlite_migrations().first(1));
  ASSERT_FALSE(old);
  EXPECT_EQ(old.code(), Errc::bad_argument);
}

TEST(Store, TransactionRollsBackOnErrorAndOnException) {
  TempDir dir;
  auto store = SqliteStore::open(dir.file("db.sqlite"));
  ASSERT_TRUE(store);
  Status failed = (*store)->write([](StoreTx& tx) -> Status {
    auto id = tx.insert_user(user_named("ghost"));
    if (!id) return id.error();
    if (auto s = tx.append_audit({0, kStartTime, "user.created", "ok", *id, "ghost", "", "", ""}); !s) return s;
    return fail(Errc::bad_argument, {"test"});
  });
  EXPECT_EQ(failed.code(), Errc::bad_argument);
  EXPECT_EQ(count_rows(**store, "ghost"), 0);
  EXPECT_THROW((void)(*store)->write([](StoreTx& tx) -> Status {
    (void)tx.insert_user(user_named("thrown"));
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(count_rows(**store, "thrown"), 0);
  // Neither left an audit row, and the store still works.
  std::size_t audit_rows = 99;
  ASSERT_TRUE((*store)->read([&](StoreTx& tx) -> Status {
    auto rows = tx.list_audit(10, "");
    if (!rows) return rows.error();
    audit_rows = rows->size();
    return ok_status();
  }));
  EXPECT_EQ(audit_rows, 0u);
  EXPECT_TRUE((*store)->write([](StoreTx& tx) -> Status {
    auto id = tx.insert_user(user_named("after"));
    return id ? ok_status() : Status(id.error());
  }));
}

TEST(Store, UpdatingAMissingRowIsAFault) {
  TempDir dir;
  auto store = SqliteStore::open(dir.file("db.sqlite"));
  UserRecord u = user_named("nobody");
  u.id = 42;
  EXPECT_EQ((*store)->write([&](StoreTx& tx) { return tx.update_user(u); }).code(), Errc::internal);
}

TEST(Store, DuplicateUserNameIsRefused) {
  TempDir dir;
  auto store = SqliteStore::open(dir.file("db.sqlite"));
  ASSERT_TRUE((*store)->write([](StoreTx& tx) -> Status {
    auto id = tx.insert_user(user_named("same"));
    return id ? ok_status() : Status(id.error());
  }));
  Status dup = (*store)->write([](StoreTx& tx) -> Status {
    auto id = tx.insert_user(user_named("same"));
    return id ? ok_status() : Status(id.error());
  });
  EXPECT_EQ(dup.code(), Errc::bad_argument);
}

TEST(Store, EveryRecordRoundTrips) {
  TempDir dir;
  auto opened = SqliteStore::open(dir.file("db.sqlite"));
  ASSERT_TRUE(opened);
  SqliteStore& store = **opened;
  ASSERT_TRUE(store.write([&](StoreTx& tx) -> Status {
    UserRecord u = user_named("round");
    u.opted_out = true;
    u.second_factor_failures = {7, 2, 3, kStartTime + 60};
    u.password_failures = {4, 4, 0, 0};
    u.activation_failures = {1, 1, 0, 0};
    u.password_checks = 2;
    u.password_checks_at = kStartTime;
    auto id = tx.insert_user(u);
    if (!id) return id.error();
    DeviceRecord d;
    d.id = "dddddddddddddddddddddd";
    d.user_id = *id;
    d.kind = DeviceKind::dsc_plus;
    d.label = "Digital Security Card+ 1234";
    d.sealed_secret = {1, 2, 3, 0, 255};
    d.sealed_pin_hash = {9, 8};
    d.code_hash = {};
    d.ocra_suite = "OCRA-1:HOTP-SHA256-7:QN06-PSHA256";
    d.phone = "+85291234567";
    d.sign_public_key = std::vector<std::uint8_t>(32, 7);
    d.serial = "00001234";
    d.access = Access::account_management;
    d.activated_at = kStartTime;
    d.expires_at = kStartTime + 100;
    d.used_cells = "1,5";
    d.last_sms_at = kStartTime - 5;
    d.failures = {1, 1, 0, 0};
    d.created_at = kStartTime;
    if (auto s = tx.insert_device(d); !s) return s;
    LoginRecord l{"llllllllllllllllllllll",
                  *id,
                  LoginState::verified,
                  "127.0.0.1",
                  kStartTime,
                  kStartTime + 600,
                  d.id,
                  DeviceKind::dsc_plus,
                  Access::full,
                  {4, 4},
                  kStartTime + 60,
                  {6, 6, 6},
                  {9, 9}};
    if (auto s = tx.insert_login(l); !s) return s;
    ChallengeRecord c{"cccccccccccccccccccccc",
                      l.id,
                      d.id,
                      ChallengeMethod::ocra,
                      ChallengeState::open,
                      "123456",
                      {},
                      AnswerRoute::none,
                      kStartTime,
                      kStartTime + 300};
    if (auto s = tx.insert_challenge(c); !s) return s;
    PushRecord p{"pppppppppppppppppppppp", l.id, *id, d.id, "42", PushStatus::pending, "https://a.example", kStartTime,
                 kStartTime + 120,         0};
    if (auto s = tx.insert_push(p); !s) return s;
    return tx.insert_session({{5, 5, 5},
                              *id,
                              l.id,
                              DeviceKind::dsc_plus,
                              Access::full,
                              kStartTime,
                              kStartTime + 3600,
                              "pwd,hwk,otp,pin",
                              kStartTime + 60,
                              kStartTime + 960});
  }));
  ASSERT_TRUE(store.read([&](StoreTx& tx) -> Status {
    auto u = tx.find_user("round");
    EXPECT_TRUE(u && *u);
    EXPECT_TRUE((*u)->opted_out);
    EXPECT_EQ((*u)->second_factor_failures, (FailureCounter{7, 2, 3, kStartTime + 60}));
    EXPECT_EQ((*u)->password_failures, (FailureCounter{4, 4, 0, 0}));
    EXPECT_EQ((*u)->activation_failures, (FailureCounter{1, 1, 0, 0}));
    EXPECT_EQ((*u)->password_checks, 2);
    EXPECT_EQ((*u)->password_checks_at, kStartTime);
    auto d = tx.get_device("dddddddddddddddddddddd");
    EXPECT_TRUE(d && *d);
    EXPECT_EQ((*d)->sealed_secret, (Bytes{1, 2, 3, 0, 255}));
    EXPECT_EQ((*d)->sign_public_key.size(), 32u);
    EXPECT_EQ((*d)->access, Access::account_management);
    EXPECT_EQ((*d)->used_cells, "1,5");
    EXPECT_EQ((*d)->last_sms_at, kStartTime - 5);
    auto l = tx.get_login("llllllllllllllllllllll");
    EXPECT_EQ((*l)->token_hash, (Bytes{4, 4}));
    EXPECT_EQ((*l)->verified_kind, DeviceKind::dsc_plus);
    EXPECT_EQ((*l)->secret_hash, (Bytes{6, 6, 6}));
    EXPECT_EQ((*l)->step_up_session, (Bytes{9, 9}));
    auto c = tx.latest_challenge("llllllllllllllllllllll");
    EXPECT_EQ((*c)->question, "123456");
    auto pending = tx.pending_pushes_of_device("dddddddddddddddddddddd", kStartTime);
    EXPECT_EQ(pending->size(), 1u);
    EXPECT_EQ(tx.pending_pushes_of_device("dddddddddddddddddddddd", kStartTime + 120)->size(), 0u);
    EXPECT_EQ(tx.push_times_since((*u)->id, kStartTime)->size(), 1u);
    EXPECT_EQ(tx.push_times_since((*u)->id, kStartTime + 1)->size(), 0u);
    auto session = tx.get_session({5, 5, 5});
    EXPECT_TRUE(session && *session);
    EXPECT_EQ((*session)->expires_at, kStartTime + 3600);
    EXPECT_EQ((*session)->amr, "pwd,hwk,otp,pin");
    EXPECT_EQ((*session)->last_seen_at, kStartTime + 60);
    EXPECT_EQ((*session)->idle_expires_at, kStartTime + 960);
    EXPECT_FALSE(*tx.get_session({5, 5}));
    return ok_status();
  }));
  ASSERT_TRUE(store.write([](StoreTx& tx) { return tx.void_open_challenges("llllllllllllllllllllll"); }));
  ASSERT_TRUE(store.read([](StoreTx& tx) -> Status {
    EXPECT_EQ((*tx.get_challenge("cccccccccccccccccccccc"))->state, ChallengeState::voided);
    return ok_status();
  }));
}

TEST(Store, UnknownStoredTextIsAFault) {
  // Kinds and statuses are enums in the records: a stored text that names
  // none of them must not be read as some default value.
  TempDir dir;
  const std::string path = dir.file("db.sqlite");
  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->write([](StoreTx& tx) -> Status {
    auto id = tx.insert_user(user_named("odd"));
    if (!id) return id.error();
    DeviceRecord d;
    d.id = "dddddddddddddddddddddd";
    d.user_id = *id;
    d.kind = DeviceKind::dsc;
    return tx.insert_device(d);
  }));
  auto db = SqliteDb::open(path);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("UPDATE devices SET status = 'lost';"));
  const auto read_device = [&] {
    return (*store)
        ->read([](StoreTx& tx) -> Status {
          auto d = tx.get_device("dddddddddddddddddddddd");
          return d ? ok_status() : Status(d.error());
        })
        .code();
  };
  EXPECT_EQ(read_device(), Errc::internal);
  ASSERT_TRUE(db->exec("UPDATE devices SET status = 'active', kind = 'abacus';"));
  EXPECT_EQ(read_device(), Errc::internal);
}

TEST(Store, TwoConnectionsWriteTheSameFile) {
  // slsd and slsctl each hold a connection to one file.
  TempDir dir;
  auto a = SqliteStore::open(dir.file("db.sqlite"));
  auto b = SqliteStore::open(dir.file("db.sqlite"));
  ASSERT_TRUE(a && b);
  auto writer = [](SqliteStore& s, std::string prefix) {
    for (int i = 0; i < 20; ++i)
      EXPECT_TRUE(s.write([&](StoreTx& tx) {
        return tx.append_audit({0, kStartTime, "test", "ok", 0, prefix + std::to_string(i), "", "", ""});
      }));
  };
  std::thread t1(writer, std::ref(**a), "a");
  std::thread t2(writer, std::ref(**b), "b");
  t1.join();
  t2.join();
  std::size_t rows = 0;
  ASSERT_TRUE((*a)->read([&](StoreTx& tx) -> Status {
    rows = tx.list_audit(1000, "")->size();
    return ok_status();
  }));
  EXPECT_EQ(rows, 40u);
}

}  // namespace
}  // namespace sls::server::testing
