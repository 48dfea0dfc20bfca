// The schema of both SQL stores: every migration, in order, in SQLite's DDL. Each is applied once, in its own
// transaction (SqliteStore::migrate, PgStore::migrate); postgres_ddl() translates it for PostgreSQL.
#include "server/sql_migrations.hpp"

#include <cctype>
#include <string_view>

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

// A session has an idle expiry besides its absolute one (expires_at), slid by
// its use; a user's sessions are listed and revoked together. A session made
// before this version ends at its absolute expiry (its idle one is copied).
constexpr std::string_view kMigration7 = R"sql(
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN idle_expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at, idle_expires_at = expires_at;
CREATE INDEX sessions_by_user ON sessions(user_id, created_at);
)sql";

// The login assertions redeemed by hosts (POST /assertions/redeem): a jti
// is kept until its assertion expires, so a second redeem is refused; the
// expiry index lets expired rows be deleted a few at a time.
constexpr std::string_view kMigration8 = R"sql(
CREATE TABLE redeemed_assertions (
  jti TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX redeemed_assertions_by_expiry ON redeemed_assertions(expires_at);
)sql";

// Accounts (SPEC 4): an account has one primary user (the partial unique
// index) and any number of additional ones; a user may hold several. A
// user's identification data is kept sealed, in a table of its own so that
// reading a user never loads it. A session records when its user last
// passed a second factor: a session made before this version counts from
// its creation unless it was password only.
constexpr std::string_view kMigration9 = R"sql(
CREATE TABLE accounts (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  opted_out  INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE account_users (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  user_id    INTEGER NOT NULL REFERENCES users(id),
  is_primary INTEGER NOT NULL,
  added_at   INTEGER NOT NULL,
  PRIMARY KEY (account_id, user_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX account_users_one_primary ON account_users(account_id) WHERE is_primary = 1;
CREATE INDEX account_users_by_user ON account_users(user_id, account_id);
CREATE TABLE user_identities (
  user_id    INTEGER PRIMARY KEY REFERENCES users(id),
  sealed     BLOB NOT NULL,
  updated_at INTEGER NOT NULL
);
ALTER TABLE sessions ADD COLUMN second_factor_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET second_factor_at = created_at WHERE device_kind <> 'none';
)sql";

// The withdrawal ledger (issue 11) and the back office's service
// credentials (only a keyed hash of each token). Every answer given to an
// idempotency key of a credential is kept, refusals included, so that a
// retry gets the same one (docs/withdrawals.md).
constexpr std::string_view kMigration10 = R"sql(
CREATE TABLE service_credentials (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  token_hash BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE withdrawals (
  id              TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts(id),
  amount_cents    INTEGER NOT NULL CHECK (amount_cents > 0),
  at              INTEGER NOT NULL,
  device_kind     TEXT NOT NULL,
  credential      TEXT NOT NULL,
  idempotency_key TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX withdrawals_by_account ON withdrawals(account_id, at);
CREATE TABLE withdrawal_requests (
  credential_id   INTEGER NOT NULL REFERENCES service_credentials(id),
  idempotency_key TEXT NOT NULL,
  account_id      TEXT NOT NULL,
  amount_cents    INTEGER NOT NULL,
  status          INTEGER NOT NULL,
  reply           TEXT NOT NULL,
  at              INTEGER NOT NULL,
  PRIMARY KEY (credential_id, idempotency_key)
) WITHOUT ROWID;
)sql";

// Sharing one device across users (docs/sharing.md): at most one live
// (pending or approved) request per requester and owner; listed by either
// user and by the device (its revocation ends them).
constexpr std::string_view kMigration11 = R"sql(
CREATE TABLE sharings (
  id           TEXT PRIMARY KEY,
  owner_id     INTEGER NOT NULL REFERENCES users(id),
  requester_id INTEGER NOT NULL REFERENCES users(id),
  device_id    TEXT NOT NULL REFERENCES devices(id),
  status       TEXT NOT NULL,
  relation     TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  decided_at   INTEGER NOT NULL DEFAULT 0,
  ended_at     INTEGER NOT NULL DEFAULT 0,
  end_reason   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX sharings_one_live ON sharings(requester_id, owner_id) WHERE status IN ('pending', 'approved');
CREATE INDEX sharings_by_requester ON sharings(requester_id, created_at);
CREATE INDEX sharings_by_owner ON sharings(owner_id, created_at);
CREATE INDEX sharings_by_device ON sharings(device_id, status);
CREATE INDEX sharings_by_status ON sharings(status, created_at);
)sql";

// A step-up login (docs/accounts.md) remembers the session that opened it:
// the keyed hash of its cookie, the session's token_hash. NULL for a login
// with a password.
constexpr std::string_view kMigration12 = R"sql(
ALTER TABLE logins ADD COLUMN step_up_session BLOB;
)sql";

// The device history (device_history.hpp): append-only, read per user,
// newest first. A device may name the one it replaces (device_lifecycle.hpp).
constexpr std::string_view kMigration13 = R"sql(
CREATE TABLE device_events (
  id        INTEGER PRIMARY KEY,
  user_id   INTEGER NOT NULL REFERENCES users(id),
  device_id TEXT NOT NULL,
  kind      TEXT NOT NULL,
  serial    TEXT NOT NULL DEFAULT '',
  event     TEXT NOT NULL,
  actor     TEXT NOT NULL,
  detail    TEXT NOT NULL DEFAULT '',
  at        INTEGER NOT NULL
);
CREATE INDEX device_events_by_user ON device_events(user_id, id);
ALTER TABLE devices ADD COLUMN replaces TEXT NOT NULL DEFAULT '';
)sql";

// Replacement device orders and the deposit ledger (docs/device-orders.md):
// one open order per user, the ledger append-only; a shipped device
// remembers when it shipped (offered at login until it activates).
constexpr std::string_view kMigration14 = R"sql(
CREATE TABLE device_orders (
  id                  TEXT PRIMARY KEY,
  user_id             INTEGER NOT NULL REFERENCES users(id),
  kind                TEXT NOT NULL,
  status              TEXT NOT NULL,
  device_id           TEXT NOT NULL,
  replaces            TEXT NOT NULL DEFAULT '',
  estimated_ship_date TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  shipped_at          INTEGER NOT NULL DEFAULT 0,
  auto_activate_at    INTEGER NOT NULL DEFAULT 0,
  activated_at        INTEGER NOT NULL DEFAULT 0,
  deposit_account     TEXT NOT NULL,
  deposit_cents       INTEGER NOT NULL,
  deposit_status      TEXT NOT NULL,
  deposit_reason      TEXT NOT NULL DEFAULT '',
  deposit_settled_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX device_orders_by_user ON device_orders(user_id, created_at);
CREATE UNIQUE INDEX device_orders_open ON device_orders(user_id) WHERE status IN ('ordered', 'shipped');
CREATE INDEX device_orders_by_device ON device_orders(device_id);
CREATE INDEX device_orders_by_replaced ON device_orders(replaces);
CREATE TABLE deposit_ledger (
  id         INTEGER PRIMARY KEY,
  order_id   TEXT NOT NULL REFERENCES device_orders(id),
  user_id    INTEGER NOT NULL REFERENCES users(id),
  account_id TEXT NOT NULL,
  cents      INTEGER NOT NULL,
  entry      TEXT NOT NULL,
  reason     TEXT NOT NULL DEFAULT '',
  at         INTEGER NOT NULL
);
CREATE INDEX deposit_ledger_by_order ON deposit_ledger(order_id, id);
ALTER TABLE devices ADD COLUMN shipped_at INTEGER NOT NULL DEFAULT 0;
)sql";

// A replacement the user asked for (docs/devices.md): the kind whose next
// activation revokes the device, and until when.
constexpr std::string_view kMigration15 = R"sql(
ALTER TABLE devices ADD COLUMN replace_with TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN replace_until INTEGER NOT NULL DEFAULT 0;
)sql";

// Mobile Key enrolment from the phone (mobile_key_enrolment.cpp): the
// pending device counts the SMS codes it sent and may allow a new number;
// an active Mobile Key keeps its recovery PIN's hash, sealed.
constexpr std::string_view kMigration16 = R"sql(
ALTER TABLE devices ADD COLUMN codes_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN may_add_phone INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN sealed_recovery_pin BLOB;
)sql";

// Phones on record (mobile_key_enrolment.cpp): numbers a Mobile Key
// activation code may go to, besides those of the user's SMS devices.
constexpr std::string_view kMigration17 = R"sql(
CREATE TABLE phones (
  id         TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  phone      TEXT NOT NULL,
  added_at   INTEGER NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX phones_by_user ON phones(user_id, phone);
)sql";

constexpr Migration kMigrations[] = {{1, kMigration1},   {2, kMigration2},   {3, kMigration3},   {4, kMigration4},
                                     {5, kMigration5},   {6, kMigration6},   {7, kMigration7},   {8, kMigration8},
                                     {9, kMigration9},   {10, kMigration10}, {11, kMigration11}, {12, kMigration12},
                                     {13, kMigration13}, {14, kMigration14}, {15, kMigration15}, {16, kMigration16},
                                     {17, kMigration17}};

}  // namespace

std::span<const Migration> store_migrations() noexcept { return kMigrations; }
std::span<const Migration> sqlite_migrations() noexcept { return kMigrations; }

namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

/// Whether `word` starts at `i` of `text`, whole. Case matters: the migrations write keywords and types in upper
/// case and names in lower case (sms_outbox has a column named "text").
bool word_at(std::string_view text, std::size_t i, std::string_view word) {
  if (i + word.size() > text.size()) return false;
  if (i > 0 && word_char(text[i - 1])) return false;
  if (i + word.size() < text.size() && word_char(text[i + word.size()])) return false;
  return text.substr(i, word.size()) == word;
}

/// Skips blanks from `i`; returns the first index that is not one.
std::size_t skip_blanks(std::string_view text, std::size_t i) {
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) ++i;
  return i;
}

/// Whether the words of `phrase` (upper case, single spaces) start at `i`; sets `end` past them.
bool phrase_at(std::string_view text, std::size_t i, std::string_view phrase, std::size_t& end) {
  while (!phrase.empty()) {
    const std::size_t space = phrase.find(' ');
    const std::string_view word = phrase.substr(0, space);
    if (!word_at(text, i, word)) return false;
    i += word.size();
    phrase = space == std::string_view::npos ? std::string_view() : phrase.substr(space + 1);
    if (!phrase.empty()) i = skip_blanks(text, i);
  }
  end = i;
  return true;
}

/// The CREATE TABLE statements' bodies that declare an INTEGER PRIMARY KEY get no rowid column.
bool declares_integer_key(std::string_view body) {
  for (std::size_t i = 0; i < body.size(); ++i) {
    std::size_t end = 0;
    if (phrase_at(body, i, "INTEGER PRIMARY KEY", end)) return true;
  }
  return false;
}

}  // namespace

std::string postgres_ddl(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 4);
  std::size_t i = 0;
  while (i < in.size()) {
    const char c = in[i];
    if (c == '\'' || c == '"') {  // a quoted string or name: copied as it is
      const std::size_t close = in.find(c, i + 1);
      const std::size_t stop = close == std::string_view::npos ? in.size() : close + 1;
      out.append(in.substr(i, stop - i));
      i = stop;
      continue;
    }
    if (c == '-' && i + 1 < in.size() && in[i + 1] == '-') {  // a comment, to the end of its line
      const std::size_t eol = in.find('\n', i);
      const std::size_t stop = eol == std::string_view::npos ? in.size() : eol;
      out.append(in.substr(i, stop - i));
      i = stop;
      continue;
    }
    std::size_t end = 0;
    if (phrase_at(in, i, "CREATE TABLE", end)) {
      // Copy the table's name and "(", then add the rowid column unless the table has an INTEGER PRIMARY KEY or
      // is WITHOUT ROWID.
      const std::size_t open = in.find('(', end);
      if (open != std::string_view::npos) {
        int depth = 0;
        std::size_t close = open;
        for (; close < in.size(); ++close) {
          if (in[close] == '(') ++depth;
          if (in[close] == ')' && --depth == 0) break;
        }
        std::size_t after = 0;
        const bool without_rowid = phrase_at(in, skip_blanks(in, close + 1), "WITHOUT ROWID", after);
        out.append(in.substr(i, open + 1 - i));
        if (!without_rowid && !declares_integer_key(in.substr(open, close - open)))
          out += "\n  rowid BIGINT GENERATED ALWAYS AS IDENTITY,";
        i = open + 1;
        continue;
      }
    }
    if (phrase_at(in, i, "WITHOUT ROWID", end)) {
      // Drop it with the blanks before it: ") WITHOUT ROWID;" becomes ");".
      while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back())) != 0) out.pop_back();
      i = end;
      continue;
    }
    if (phrase_at(in, i, "INTEGER PRIMARY KEY", end)) {
      out += "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
      i = end;
      continue;
    }
    if (word_at(in, i, "INTEGER")) {
      out += "BIGINT";
      i += 7;
      continue;
    }
    if (word_at(in, i, "BLOB")) {
      out += "BYTEA";
      i += 4;
      continue;
    }
    if (word_at(in, i, "TEXT")) {
      out += "TEXT COLLATE \"C\"";
      i += 4;
      continue;
    }
    if (word_char(c)) {  // the rest of a word, so that no match starts inside it
      while (i < in.size() && word_char(in[i])) out += in[i++];
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace sls::server
