#include "server/sqlite_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "server/keyring.hpp"

namespace sls::server {
namespace {

// Each migration is applied once, in order. Never edit a released one: add
// the next version instead.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE users (
  id               INTEGER PRIMARY KEY,
  username         TEXT NOT NULL UNIQUE,
  password_hash    TEXT NOT NULL,
  opted_out        INTEGER NOT NULL DEFAULT 0,
  fail_consecutive INTEGER NOT NULL DEFAULT 0,
  fail_since_lock  INTEGER NOT NULL DEFAULT 0,
  fail_locks       INTEGER NOT NULL DEFAULT 0,
  locked_until     INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL
);
CREATE TABLE devices (
  id               TEXT PRIMARY KEY,
  user_id          INTEGER NOT NULL REFERENCES users(id),
  kind             TEXT NOT NULL,
  label            TEXT NOT NULL,
  status           TEXT NOT NULL,
  sealed_secret    BLOB,
  sealed_pin_hash  BLOB,
  code_hash        BLOB,
  ocra_suite       TEXT,
  phone            TEXT,
  sign_public_key  BLOB,
  serial           TEXT,
  access           TEXT NOT NULL DEFAULT 'full',
  activated_at     INTEGER NOT NULL DEFAULT 0,
  expires_at       INTEGER NOT NULL DEFAULT 0,
  used_cells       TEXT NOT NULL DEFAULT '',
  last_sms_at      INTEGER NOT NULL DEFAULT 0,
  fail_consecutive INTEGER NOT NULL DEFAULT 0,
  fail_since_lock  INTEGER NOT NULL DEFAULT 0,
  fail_locks       INTEGER NOT NULL DEFAULT 0,
  locked_until     INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL
);
CREATE INDEX devices_by_user ON devices(user_id);
CREATE TABLE logins (
  id                 TEXT PRIMARY KEY,
  user_id            INTEGER NOT NULL REFERENCES users(id),
  state              TEXT NOT NULL,
  client_addr        TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  expires_at         INTEGER NOT NULL,
  verified_device_id TEXT,
  verified_kind      TEXT,
  access             TEXT,
  token_hash         BLOB,
  token_expires_at   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE challenges (
  id          TEXT PRIMARY KEY,
  login_id    TEXT NOT NULL REFERENCES logins(id),
  device_id   TEXT NOT NULL REFERENCES devices(id),
  method      TEXT NOT NULL,
  state       TEXT NOT NULL,
  question    TEXT NOT NULL DEFAULT '',
  code_hash   BLOB,
  answered_by TEXT,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX challenges_by_login ON challenges(login_id, created_at);
CREATE TABLE pushes (
  id         TEXT PRIMARY KEY,
  login_id   TEXT NOT NULL REFERENCES logins(id),
  user_id    INTEGER NOT NULL REFERENCES users(id),
  device_id  TEXT NOT NULL REFERENCES devices(id),
  number     TEXT NOT NULL,
  status     TEXT NOT NULL,
  origin     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  decided_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX pushes_by_user ON pushes(user_id, created_at);
CREATE INDEX pushes_by_device ON pushes(device_id, status);
CREATE TABLE audit (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  event       TEXT NOT NULL,
  outcome     TEXT NOT NULL,
  user_id     INTEGER,
  username    TEXT NOT NULL DEFAULT '',
  device_id   TEXT NOT NULL DEFAULT '',
  client_addr TEXT NOT NULL DEFAULT '',
  detail      TEXT NOT NULL DEFAULT ''
);
)sql";

constexpr std::string_view kMigration2 = R"sql(
CREATE TABLE sessions (
  token_hash  BLOB PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  login_id    TEXT NOT NULL REFERENCES logins(id),
  device_kind TEXT NOT NULL,
  access      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE TABLE sms_outbox (
  id    INTEGER PRIMARY KEY,
  at    INTEGER NOT NULL,
  phone TEXT NOT NULL,
  text  TEXT NOT NULL
);
CREATE INDEX audit_by_username ON audit(username, id);
)sql";

// Opening any challenge cancels the login's pending pushes: without this
// index that lookup read every push ever made (docs/benchmarks.md).
constexpr std::string_view kMigration3 = R"sql(
CREATE INDEX pushes_by_login ON pushes(login_id, status);
)sql";

// One failure counter per factor (lockout.hpp). The old single counter stays
// the second factor's, so an account disabled before keeps its lock until
// slsctl unlock; the password's starts as a copy of it, so a lock in force
// still holds; the activation code's starts empty. password_checks counts
// password checks reserved before the hash.
constexpr std::string_view kMigration4 = R"sql(
ALTER TABLE users ADD COLUMN password_fail_consecutive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_fail_since_lock INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_fail_locks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_locked_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN activation_fail_consecutive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN activation_fail_since_lock INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN activation_fail_locks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN activation_locked_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_checks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_checks_at INTEGER NOT NULL DEFAULT 0;
UPDATE users SET password_fail_consecutive = fail_consecutive, password_fail_since_lock = fail_since_lock,
  password_fail_locks = fail_locks, password_locked_until = locked_until;
)sql";

// A device's open question (card cells or OCRA challenge) stays the same
// across logins until answered correctly, so that re-opening logins cannot
// shop for a question whose answer an attacker once saw (SPEC 3.1). Counting
// a user's challenge opens needs their logins by user and time.
constexpr std::string_view kMigration5 = R"sql(
ALTER TABLE devices ADD COLUMN open_question TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN open_question_expires_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX logins_by_user ON logins(user_id, created_at);
)sql";

// A login is bound to the browser that started it (the keyed hash of its
// login secret), and a session records how its user authenticated (RFC 8176
// amr values).
constexpr std::string_view kMigration6 = R"sql(
ALTER TABLE logins ADD COLUMN secret_hash BLOB;
ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT '';
)sql";

constexpr Migration kMigrations[] = {{1, kMigration1}, {2, kMigration2}, {3, kMigration3},
                                     {4, kMigration4}, {5, kMigration5}, {6, kMigration6}};

// --- row mapping ---------------------------------------------------------------

constexpr std::string_view kUserColumns =
    "id, username, password_hash, opted_out, fail_consecutive, fail_since_lock, fail_locks, locked_until, "
    "created_at, password_fail_consecutive, password_fail_since_lock, password_fail_locks, password_locked_until, "
    "activation_fail_consecutive, activation_fail_since_lock, activation_fail_locks, activation_locked_until, "
    "password_checks, password_checks_at";

UserRecord read_user(const SqliteStatement& s) {
  UserRecord u;
  u.id = s.column_int(0);
  u.username = s.column_text(1);
  u.password_hash = s.column_text(2);
  u.opted_out = s.column_int(3) != 0;
  u.second_factor_failures = {s.column_int(4), s.column_int(5), s.column_int(6), s.column_int(7)};
  u.created_at = s.column_int(8);
  u.password_failures = {s.column_int(9), s.column_int(10), s.column_int(11), s.column_int(12)};
  u.activation_failures = {s.column_int(13), s.column_int(14), s.column_int(15), s.column_int(16)};
  u.password_checks = s.column_int(17);
  u.password_checks_at = s.column_int(18);
  return u;
}

// Binds a user in kUserColumns order, parameters ?1..?19 (?1, the id, is
// bound to null for an insert so that SQLite assigns it).
void bind_user(SqliteStatement& s, const UserRecord& u) {
  s.bind(2, u.username)
      .bind(3, u.password_hash)
      .bind(4, std::int64_t{u.opted_out ? 1 : 0})
      .bind(5, u.second_factor_failures.consecutive)
      .bind(6, u.second_factor_failures.since_lock)
      .bind(7, u.second_factor_failures.locks)
      .bind(8, u.second_factor_failures.locked_until)
      .bind(9, u.created_at)
      .bind(10, u.password_failures.consecutive)
      .bind(11, u.password_failures.since_lock)
      .bind(12, u.password_failures.locks)
      .bind(13, u.password_failures.locked_until)
      .bind(14, u.activation_failures.consecutive)
      .bind(15, u.activation_failures.since_lock)
      .bind(16, u.activation_failures.locks)
      .bind(17, u.activation_failures.locked_until)
      .bind(18, u.password_checks)
      .bind(19, u.password_checks_at);
}

constexpr std::string_view kDeviceColumns =
    "id, user_id, kind, label, status, sealed_secret, sealed_pin_hash, code_hash, ocra_suite, phone, "
    "sign_public_key, serial, access, activated_at, expires_at, used_cells, last_sms_at, fail_consecutive, "
    "fail_since_lock, fail_locks, locked_until, created_at, open_question, open_question_expires_at";

DeviceRecord read_device(const SqliteStatement& s) {
  DeviceRecord d;
  d.id = s.column_text(0);
  d.user_id = s.column_int(1);
  d.kind = s.column_text(2);
  d.label = s.column_text(3);
  d.status = s.column_text(4);
  d.sealed_secret = s.column_blob(5);
  d.sealed_pin_hash = s.column_blob(6);
  d.code_hash = s.column_blob(7);
  d.ocra_suite = s.column_text(8);
  d.phone = s.column_text(9);
  d.sign_public_key = s.column_blob(10);
  d.serial = s.column_text(11);
  d.access = s.column_text(12);
  d.activated_at = s.column_int(13);
  d.expires_at = s.column_int(14);
  d.used_cells = s.column_text(15);
  d.last_sms_at = s.column_int(16);
  d.failures = {s.column_int(17), s.column_int(18), s.column_int(19), s.column_int(20)};
  d.created_at = s.column_int(21);
  d.open_question = s.column_text(22);
  d.open_question_expires_at = s.column_int(23);
  return d;
}

// Binds a device in kDeviceColumns order, parameters ?1..?24.
void bind_device(SqliteStatement& s, const DeviceRecord& d) {
  s.bind(1, d.id)
      .bind(2, d.user_id)
      .bind(3, d.kind)
      .bind(4, d.label)
      .bind(5, d.status)
      .bind_blob(6, d.sealed_secret)
      .bind_blob(7, d.sealed_pin_hash)
      .bind_blob(8, d.code_hash)
      .bind(9, d.ocra_suite)
      .bind(10, d.phone)
      .bind_blob(11, d.sign_public_key)
      .bind(12, d.serial)
      .bind(13, d.access)
      .bind(14, d.activated_at)
      .bind(15, d.expires_at)
      .bind(16, d.used_cells)
      .bind(17, d.last_sms_at)
      .bind(18, d.failures.consecutive)
      .bind(19, d.failures.since_lock)
      .bind(20, d.failures.locks)
      .bind(21, d.failures.locked_until)
      .bind(22, d.created_at)
      .bind(23, d.open_question)
      .bind(24, d.open_question_expires_at);
}

constexpr std::string_view kLoginColumns =
    "id, user_id, state, client_addr, created_at, expires_at, verified_device_id, verified_kind, access, "
    "token_hash, token_expires_at, secret_hash";

LoginRecord read_login(const SqliteStatement& s) {
  LoginRecord l;
  l.id = s.column_text(0);
  l.user_id = s.column_int(1);
  l.state = s.column_text(2);
  l.client_addr = s.column_text(3);
  l.created_at = s.column_int(4);
  l.expires_at = s.column_int(5);
  l.verified_device_id = s.column_text(6);
  l.verified_kind = s.column_text(7);
  l.access = s.column_text(8);
  l.token_hash = s.column_blob(9);
  l.token_expires_at = s.column_int(10);
  l.secret_hash = s.column_blob(11);
  return l;
}

void bind_login(SqliteStatement& s, const LoginRecord& l) {
  s.bind(1, l.id)
      .bind(2, l.user_id)
      .bind(3, l.state)
      .bind(4, l.client_addr)
      .bind(5, l.created_at)
      .bind(6, l.expires_at)
      .bind(7, l.verified_device_id)
      .bind(8, l.verified_kind)
      .bind(9, l.access)
      .bind_blob(10, l.token_hash)
      .bind(11, l.token_expires_at)
      .bind_blob(12, l.secret_hash);
}

constexpr std::string_view kChallengeColumns =
    "id, login_id, device_id, method, state, question, code_hash, answered_by, created_at, expires_at";

ChallengeRecord read_challenge(const SqliteStatement& s) {
  ChallengeRecord c;
  c.id = s.column_text(0);
  c.login_id = s.column_text(1);
  c.device_id = s.column_text(2);
  c.method = s.column_text(3);
  c.state = s.column_text(4);
  c.question = s.column_text(5);
  c.code_hash = s.column_blob(6);
  c.answered_by = s.column_text(7);
  c.created_at = s.column_int(8);
  c.expires_at = s.column_int(9);
  return c;
}

void bind_challenge(SqliteStatement& s, const ChallengeRecord& c) {
  s.bind(1, c.id)
      .bind(2, c.login_id)
      .bind(3, c.device_id)
      .bind(4, c.method)
      .bind(5, c.state)
      .bind(6, c.question)
      .bind_blob(7, c.code_hash)
      .bind(8, c.answered_by)
      .bind(9, c.created_at)
      .bind(10, c.expires_at);
}

constexpr std::string_view kPushColumns =
    "id, login_id, user_id, device_id, number, status, origin, created_at, expires_at, decided_at";

PushRecord read_push(const SqliteStatement& s) {
  PushRecord p;
  p.id = s.column_text(0);
  p.login_id = s.column_text(1);
  p.user_id = s.column_int(2);
  p.device_id = s.column_text(3);
  p.number = s.column_text(4);
  p.status = s.column_text(5);
  p.origin = s.column_text(6);
  p.created_at = s.column_int(7);
  p.expires_at = s.column_int(8);
  p.decided_at = s.column_int(9);
  return p;
}

void bind_push(SqliteStatement& s, const PushRecord& p) {
  s.bind(1, p.id)
      .bind(2, p.login_id)
      .bind(3, p.user_id)
      .bind(4, p.device_id)
      .bind(5, p.number)
      .bind(6, p.status)
      .bind(7, p.origin)
      .bind(8, p.created_at)
      .bind(9, p.expires_at)
      .bind(10, p.decided_at);
}

std::string sql(std::string_view a, std::string_view b = {}, std::string_view c = {}, std::string_view d = {}) {
  std::string s;
  s.reserve(a.size() + b.size() + c.size() + d.size());
  s += a;
  s += b;
  s += c;
  s += d;
  return s;
}

/// Runs a query expected to return at most one row, mapped by `read`.
template <class Row, class Bind, class Read>
Result<std::optional<Row>> query_one(SqliteDb& db, const std::string& text, Bind bind, Read read) {
  auto st = db.prepare_cached(text);
  if (!st) return st.error();
  bind(*st);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Row>{};
  return std::optional<Row>{read(*st)};
}

template <class Row, class Bind, class Read>
Result<std::vector<Row>> query_all(SqliteDb& db, const std::string& text, Bind bind, Read read) {
  auto st = db.prepare_cached(text);
  if (!st) return st.error();
  bind(*st);
  std::vector<Row> rows;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    rows.push_back(read(*st));
  }
  return rows;
}

template <class Bind>
Status execute(SqliteDb& db, const std::string& text, Bind bind) {
  auto st = db.prepare_cached(text);
  if (!st) return st.error();
  bind(*st);
  return st->run();
}

/// Fails with Errc::internal when an UPDATE touched no row: the caller
/// updated a record that does not exist, a programming error.
Status expect_changed(SqliteDb& db, Status s, std::string_view what) {
  if (!s) return s;
  if (db.changes() != 1) return fail(Errc::internal, {"sqlite", what, "no such row"});
  return ok_status();
}

class SqliteTx final : public StoreTx {
 public:
  explicit SqliteTx(SqliteDb& db) : db_(db) {}

  Result<std::optional<UserRecord>> find_user(std::string_view username) override {
    return query_one<UserRecord>(
        db_, sql("SELECT ", kUserColumns, " FROM users WHERE username = ?1"),
        [&](SqliteStatement& s) { s.bind(1, username); }, read_user);
  }

  Result<std::optional<UserRecord>> get_user(std::int64_t id) override {
    return query_one<UserRecord>(
        db_, sql("SELECT ", kUserColumns, " FROM users WHERE id = ?1"), [&](SqliteStatement& s) { s.bind(1, id); },
        read_user);
  }

  Result<std::vector<UserRecord>> list_users() override {
    return query_all<UserRecord>(
        db_, sql("SELECT ", kUserColumns, " FROM users ORDER BY id"), [](SqliteStatement&) {}, read_user);
  }

  Result<std::int64_t> insert_user(const UserRecord& u) override {
    auto existing = find_user(u.username);
    if (!existing) return existing.error();
    if (existing->has_value()) return fail(Errc::bad_argument, {"username", "taken"});
    auto s = execute(db_,
                     sql("INSERT INTO users (", kUserColumns,
                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
                         "?19)"),
                     [&](SqliteStatement& st) {
                       st.bind_null(1);
                       bind_user(st, u);
                     });
    if (!s) return s.error();
    return db_.last_insert_rowid();
  }

  Status update_user(const UserRecord& u) override {
    auto s = execute(db_,
                     "UPDATE users SET username = ?2, password_hash = ?3, opted_out = ?4, fail_consecutive = ?5, "
                     "fail_since_lock = ?6, fail_locks = ?7, locked_until = ?8, password_fail_consecutive = ?10, "
                     "password_fail_since_lock = ?11, password_fail_locks = ?12, password_locked_until = ?13, "
                     "activation_fail_consecutive = ?14, activation_fail_since_lock = ?15, "
                     "activation_fail_locks = ?16, activation_locked_until = ?17, password_checks = ?18, "
                     "password_checks_at = ?19 WHERE id = ?1",
                     [&](SqliteStatement& st) {
                       st.bind(1, u.id);
                       bind_user(st, u);
                     });
    return expect_changed(db_, std::move(s), "update_user");
  }

  Result<std::optional<DeviceRecord>> get_device(std::string_view id) override {
    return query_one<DeviceRecord>(
        db_, sql("SELECT ", kDeviceColumns, " FROM devices WHERE id = ?1"), [&](SqliteStatement& s) { s.bind(1, id); },
        read_device);
  }

  Result<std::vector<DeviceRecord>> list_devices(std::int64_t user_id) override {
    return query_all<DeviceRecord>(
        db_, sql("SELECT ", kDeviceColumns, " FROM devices WHERE user_id = ?1 ORDER BY created_at, rowid"),
        [&](SqliteStatement& s) { s.bind(1, user_id); }, read_device);
  }

  Status insert_device(const DeviceRecord& d) override {
    return execute(db_,
                   sql("INSERT INTO devices (", kDeviceColumns,
                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
                       "?19, ?20, ?21, ?22, ?23, ?24)"),
                   [&](SqliteStatement& s) { bind_device(s, d); });
  }

  Status update_device(const DeviceRecord& d) override {
    auto s = execute(db_,
                     "UPDATE devices SET user_id = ?2, kind = ?3, label = ?4, status = ?5, sealed_secret = ?6, "
                     "sealed_pin_hash = ?7, code_hash = ?8, ocra_suite = ?9, phone = ?10, sign_public_key = ?11, "
                     "serial = ?12, access = ?13, activated_at = ?14, expires_at = ?15, used_cells = ?16, "
                     "last_sms_at = ?17, fail_consecutive = ?18, fail_since_lock = ?19, fail_locks = ?20, "
                     "locked_until = ?21, created_at = ?22, open_question = ?23, open_question_expires_at = ?24 "
                     "WHERE id = ?1",
                     [&](SqliteStatement& st) { bind_device(st, d); });
    return expect_changed(db_, std::move(s), "update_device");
  }

  Status insert_login(const LoginRecord& l) override {
    return execute(
        db_, sql("INSERT INTO logins (", kLoginColumns, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
        [&](SqliteStatement& s) { bind_login(s, l); });
  }

  Result<std::optional<LoginRecord>> get_login(std::string_view id) override {
    return query_one<LoginRecord>(
        db_, sql("SELECT ", kLoginColumns, " FROM logins WHERE id = ?1"), [&](SqliteStatement& s) { s.bind(1, id); },
        read_login);
  }

  Status update_login(const LoginRecord& l) override {
    auto s = execute(db_,
                     "UPDATE logins SET user_id = ?2, state = ?3, client_addr = ?4, created_at = ?5, "
                     "expires_at = ?6, verified_device_id = ?7, verified_kind = ?8, access = ?9, token_hash = ?10, "
                     "token_expires_at = ?11, secret_hash = ?12 WHERE id = ?1",
                     [&](SqliteStatement& st) { bind_login(st, l); });
    return expect_changed(db_, std::move(s), "update_login");
  }

  Status insert_challenge(const ChallengeRecord& c) override {
    return execute(
        db_, sql("INSERT INTO challenges (", kChallengeColumns, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
        [&](SqliteStatement& s) { bind_challenge(s, c); });
  }

  Result<std::optional<ChallengeRecord>> get_challenge(std::string_view id) override {
    return query_one<ChallengeRecord>(
        db_, sql("SELECT ", kChallengeColumns, " FROM challenges WHERE id = ?1"),
        [&](SqliteStatement& s) { s.bind(1, id); }, read_challenge);
  }

  Result<std::optional<ChallengeRecord>> latest_challenge(std::string_view login_id) override {
    return query_one<ChallengeRecord>(
        db_,
        sql("SELECT ", kChallengeColumns,
            " FROM challenges WHERE login_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 1"),
        [&](SqliteStatement& s) { s.bind(1, login_id); }, read_challenge);
  }

  Status update_challenge(const ChallengeRecord& c) override {
    auto s = execute(db_,
                     "UPDATE challenges SET login_id = ?2, device_id = ?3, method = ?4, state = ?5, question = ?6, "
                     "code_hash = ?7, answered_by = ?8, created_at = ?9, expires_at = ?10 WHERE id = ?1",
                     [&](SqliteStatement& st) { bind_challenge(st, c); });
    return expect_changed(db_, std::move(s), "update_challenge");
  }

  Result<std::vector<std::int64_t>> challenge_times_since(std::int64_t user_id, std::int64_t since,
                                                          std::int64_t logins_since) override {
    return query_all<std::int64_t>(
        db_,
        "SELECT c.created_at FROM logins l JOIN challenges c ON c.login_id = l.id "
        "WHERE l.user_id = ?1 AND l.created_at >= ?3 AND c.created_at >= ?2 ORDER BY c.created_at",
        [&](SqliteStatement& s) { s.bind(1, user_id).bind(2, since).bind(3, logins_since); },
        [](const SqliteStatement& s) { return s.column_int(0); });
  }

  Status void_open_challenges(std::string_view login_id) override {
    return execute(db_, "UPDATE challenges SET state = 'void' WHERE login_id = ?1 AND state = 'open'",
                   [&](SqliteStatement& s) { s.bind(1, login_id); });
  }

  Status insert_push(const PushRecord& p) override {
    return execute(db_, sql("INSERT INTO pushes (", kPushColumns, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
                   [&](SqliteStatement& s) { bind_push(s, p); });
  }

  Result<std::optional<PushRecord>> get_push(std::string_view id) override {
    return query_one<PushRecord>(
        db_, sql("SELECT ", kPushColumns, " FROM pushes WHERE id = ?1"), [&](SqliteStatement& s) { s.bind(1, id); },
        read_push);
  }

  Status update_push(const PushRecord& p) override {
    auto s = execute(db_,
                     "UPDATE pushes SET login_id = ?2, user_id = ?3, device_id = ?4, number = ?5, status = ?6, "
                     "origin = ?7, created_at = ?8, expires_at = ?9, decided_at = ?10 WHERE id = ?1",
                     [&](SqliteStatement& st) { bind_push(st, p); });
    return expect_changed(db_, std::move(s), "update_push");
  }

  Result<std::vector<PushRecord>> pending_pushes_of_login(std::string_view login_id) override {
    return query_all<PushRecord>(
        db_, sql("SELECT ", kPushColumns, " FROM pushes WHERE login_id = ?1 AND status = 'pending'"),
        [&](SqliteStatement& s) { s.bind(1, login_id); }, read_push);
  }

  Result<std::vector<PushRecord>> pending_pushes_of_device(std::string_view device_id, std::int64_t now) override {
    return query_all<PushRecord>(
        db_,
        sql("SELECT ", kPushColumns,
            " FROM pushes WHERE device_id = ?1 AND status = 'pending' AND expires_at > ?2 "
            "ORDER BY created_at DESC, rowid DESC"),
        [&](SqliteStatement& s) { s.bind(1, device_id).bind(2, now); }, read_push);
  }

  Result<std::vector<std::int64_t>> push_times_since(std::int64_t user_id, std::int64_t since) override {
    return query_all<std::int64_t>(
        db_, "SELECT created_at FROM pushes WHERE user_id = ?1 AND created_at >= ?2 ORDER BY created_at",
        [&](SqliteStatement& s) { s.bind(1, user_id).bind(2, since); },
        [](const SqliteStatement& s) { return s.column_int(0); });
  }

  Status insert_session(const SessionRecord& r) override {
    return execute(db_,
                   "INSERT INTO sessions (token_hash, user_id, login_id, device_kind, access, created_at, "
                   "expires_at, amr) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                   [&](SqliteStatement& s) {
                     s.bind_blob(1, r.token_hash)
                         .bind(2, r.user_id)
                         .bind(3, r.login_id)
                         .bind(4, r.device_kind)
                         .bind(5, r.access)
                         .bind(6, r.created_at)
                         .bind(7, r.expires_at)
                         .bind(8, r.amr);
                   });
  }

  Result<std::optional<SessionRecord>> get_session(const Bytes& token_hash) override {
    return query_one<SessionRecord>(
        db_,
        "SELECT token_hash, user_id, login_id, device_kind, access, created_at, expires_at, amr FROM sessions "
        "WHERE token_hash = ?1",
        [&](SqliteStatement& s) { s.bind_blob(1, token_hash); },
        [](const SqliteStatement& s) {
          return SessionRecord{s.column_blob(0), s.column_int(1), s.column_text(2), s.column_text(3),
                               s.column_text(4), s.column_int(5), s.column_int(6), s.column_text(7)};
        });
  }

  Status append_audit(const AuditRecord& a) override {
    return execute(db_,
                   "INSERT INTO audit (at, event, outcome, user_id, username, device_id, client_addr, detail) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                   [&](SqliteStatement& s) {
                     s.bind(1, a.at).bind(2, a.event).bind(3, a.outcome);
                     if (a.user_id != 0)
                       s.bind(4, a.user_id);
                     else
                       s.bind_null(4);
                     s.bind(5, a.username).bind(6, a.device_id).bind(7, a.client_addr).bind(8, a.detail);
                   });
  }

  Result<std::vector<AuditRecord>> list_audit(std::size_t limit, std::string_view username) override {
    const auto n = static_cast<std::int64_t>(limit);
    auto read = [](const SqliteStatement& s) {
      return AuditRecord{s.column_int(0),  s.column_int(1),  s.column_text(2), s.column_text(3), s.column_int(4),
                         s.column_text(5), s.column_text(6), s.column_text(7), s.column_text(8)};
    };
    constexpr std::string_view kCols =
        "SELECT id, at, event, outcome, COALESCE(user_id, 0), username, device_id, client_addr, detail FROM audit ";
    if (username.empty())
      return query_all<AuditRecord>(
          db_, sql(kCols, "ORDER BY id DESC LIMIT ?1"), [&](SqliteStatement& s) { s.bind(1, n); }, read);
    return query_all<AuditRecord>(
        db_, sql(kCols, "WHERE username = ?2 ORDER BY id DESC LIMIT ?1"),
        [&](SqliteStatement& s) { s.bind(1, n).bind(2, username); }, read);
  }

  Status append_outbox(const OutboxRecord& m) override {
    return execute(db_, "INSERT INTO sms_outbox (at, phone, text) VALUES (?1, ?2, ?3)",
                   [&](SqliteStatement& s) { s.bind(1, m.at).bind(2, m.phone).bind(3, m.text); });
  }

  Result<std::vector<OutboxRecord>> list_outbox(std::size_t limit) override {
    return query_all<OutboxRecord>(
        db_, "SELECT id, at, phone, text FROM sms_outbox ORDER BY id DESC LIMIT ?1",
        [&](SqliteStatement& s) { s.bind(1, static_cast<std::int64_t>(limit)); },
        [](const SqliteStatement& s) {
          return OutboxRecord{s.column_int(0), s.column_int(1), s.column_text(2), s.column_text(3)};
        });
  }

 private:
  SqliteDb& db_;
};

}  // namespace

std::span<const Migration> sqlite_migrations() noexcept { return kMigrations; }

namespace {

/// The database holds password hashes and (demo outbox) SMS codes: a new
/// file is created 0600 here, whatever the umask, so that SQLite's -wal and
/// -shm files (which take the database file's mode) are 0600 too; an
/// existing file, or -wal or -shm, that group or others may access is
/// refused, as key files are.
Status prepare_database_file(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) return ok_status();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  } else if (errno != EEXIST) {
    return fail(Errc::bad_argument, {"database file", path, std::strerror(errno)});
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (auto s = require_private_file("database file", path + suffix); !s) return s;
  }
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, std::span<const Migration> migrations) {
  if (auto s = prepare_database_file(path); !s) return s.error();
  auto db = SqliteDb::open(path);
  if (!db) return db.error();
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(*db)));
  if (auto s = store->migrate(migrations); !s) return s.error();
  return store;
}

Result<int> SqliteStore::schema_version_locked() {
  auto st = db_.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  return static_cast<int>(st->column_int(0));
}

Status SqliteStore::migrate(std::span<const Migration> migrations) {
  std::lock_guard lock(mutex_);
  if (auto s = db_.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at "
                        "INTEGER NOT NULL DEFAULT (strftime('%s','now')));");
      !s)
    return s;
  auto current = schema_version_locked();
  if (!current) return current.error();
  const int known = migrations.empty() ? 0 : migrations.back().version;
  if (*current > known) return fail(Errc::bad_argument, {"schema", std::to_string(*current)});
  for (const Migration& m : migrations) {
    if (m.version <= *current) continue;
    if (auto s = db_.exec("BEGIN IMMEDIATE;"); !s) return s;
    // Another process may have applied it while this one waited for the
    // lock (slsd and slsctl opening a new database at the same moment).
    auto applied = schema_version_locked();
    if (!applied || *applied >= m.version) {
      (void)db_.exec("ROLLBACK;");
      if (!applied) return applied.error();
      continue;
    }
    Status step = db_.exec(m.sql);
    if (step) {
      auto st = db_.prepare("INSERT INTO schema_version (version) VALUES (?1)");
      step = st ? st->bind(1, std::int64_t{m.version}).run() : Status(st.error());
    }
    if (!step) {
      (void)db_.exec("ROLLBACK;");
      return step;
    }
    if (auto s = db_.exec("COMMIT;"); !s) {
      (void)db_.exec("ROLLBACK;");
      return s;
    }
  }
  return ok_status();
}

Result<int> SqliteStore::schema_version() {
  std::lock_guard lock(mutex_);
  return schema_version_locked();
}

Result<std::string> SqliteStore::journal_mode() {
  std::lock_guard lock(mutex_);
  return db_.journal_mode();
}

Status SqliteStore::run_transaction(const TxFunction& fn, bool commit) {
  std::lock_guard lock(mutex_);
  if (auto s = execute(db_, commit ? "BEGIN IMMEDIATE" : "BEGIN", [](SqliteStatement&) {}); !s) return s;
  auto rollback = [this] { (void)execute(db_, "ROLLBACK", [](SqliteStatement&) {}); };
  SqliteTx tx(db_);
  Status result = ok_status();
  try {
    result = fn(tx);
  } catch (...) {
    rollback();
    throw;
  }
  if (!result || !commit) {
    rollback();
    return result;
  }
  if (auto s = execute(db_, "COMMIT", [](SqliteStatement&) {}); !s) {
    rollback();
    return s;
  }
  return ok_status();
}

Status SqliteStore::write(const TxFunction& fn) { return run_transaction(fn, true); }
Status SqliteStore::read(const TxFunction& fn) { return run_transaction(fn, false); }

}  // namespace sls::server
