// The SQLite Store: one connection behind a mutex, the migrations (sql_migrations.cpp) applied in order, each
// transaction run through the SQL StoreTx (sql_tx.hpp).
#include "server/sqlite_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "server/keyring.hpp"
#include "server/sql_tx.hpp"

namespace sls::server {
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

Status SqliteStore::run_cached(std::string_view sql) {
  auto st = db_.prepare_cached(sql);
  if (!st) return st.error();
  return st->run();
}

Status SqliteStore::run_transaction(const TxFunction& fn, bool commit) {
  std::lock_guard lock(mutex_);
  if (auto s = run_cached(commit ? "BEGIN IMMEDIATE" : "BEGIN"); !s) return s;
  auto rollback = [this] { (void)run_cached("ROLLBACK"); };
  const std::unique_ptr<StoreTx> tx = make_sql_tx(db_);
  Status result = ok_status();
  try {
    result = fn(*tx);
  } catch (...) {
    rollback();
    throw;
  }
  if (!result || !commit) {
    rollback();
    return result;
  }
  if (auto s = run_cached("COMMIT"); !s) {
    rollback();
    return s;
  }
  return ok_status();
}

Status SqliteStore::write(const TxFunction& fn) { return run_transaction(fn, true); }
Status SqliteStore::read(const TxFunction& fn) { return run_transaction(fn, false); }

}  // namespace sls::server
