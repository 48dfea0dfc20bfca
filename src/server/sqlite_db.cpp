// A thin RAII layer over SQLite: the connection, prepared statements and their cache, transactions (sqlite_db.hpp).
#include "server/sqlite_db.hpp"

#include <sqlite3.h>

#include <cctype>
#include <utility>

namespace sls::server {
namespace {

Error sqlite_error(sqlite3* db, std::string_view what) {
  const char* msg = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  return fail(Errc::internal, {"sqlite", what, msg});
}

}  // namespace

Result<SqliteDb> SqliteDb::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw);  // closes the handle on every path below
  if (rc != SQLITE_OK) return sqlite_error(raw, "open");
  if (sqlite3_extended_result_codes(raw, 1) != SQLITE_OK) return sqlite_error(raw, "open");
  if (sqlite3_busy_timeout(raw, 5000) != SQLITE_OK) return sqlite_error(raw, "busy timeout");
  if (auto s = db.exec("PRAGMA foreign_keys = ON;"); !s) return s.error();
  if (path != ":memory:") {
    auto mode = db.prepare("PRAGMA journal_mode = WAL;");
    if (!mode) return mode.error();
    auto row = mode->step();
    if (!row) return row.error();
    if (auto s = db.exec("PRAGMA synchronous = FULL;"); !s) return s.error();
  }
  return db;
}

SqliteDb::SqliteDb(SqliteDb&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {
  other.cache_.clear();
}

SqliteDb& SqliteDb::operator=(SqliteDb&& other) noexcept {
  if (this != &other) {
    finalize_cache();
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    cache_ = std::move(other.cache_);
    other.cache_.clear();
  }
  return *this;
}

SqliteDb::~SqliteDb() {
  finalize_cache();
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void SqliteDb::finalize_cache() noexcept {
  for (auto& [text, entry] : cache_) sqlite3_finalize(entry.stmt);
  cache_.clear();
}

Status SqliteDb::exec(std::string_view sql) {
  std::string text(sql);
  char* msg = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    Error e = fail(Errc::internal, {"sqlite", "exec", msg != nullptr ? msg : sqlite3_errmsg(db_)});
    sqlite3_free(msg);
    return e;
  }
  return ok_status();
}

Result<SqliteStatement> SqliteDb::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return sqlite_error(db_, "prepare");
  }
  return SqliteStatement(db_, stmt);
}

Result<SqliteStatement> SqliteDb::prepare_cached(std::string_view sql) {
  auto found = cache_.find(std::string(sql));
  if (found == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK) {
      sqlite3_finalize(stmt);
      return sqlite_error(db_, "prepare");
    }
    found = cache_.emplace(std::string(sql), CachedStatement{stmt, false}).first;
  }
  CachedStatement& entry = found->second;
  if (entry.in_use) return prepare(sql);
  entry.in_use = true;
  return SqliteStatement(db_, entry.stmt, &entry.in_use);
}

std::int64_t SqliteDb::changes() const noexcept { return sqlite3_changes(db_); }

Result<SqlStatementPtr> SqliteDb::statement(std::string_view sql) {
  auto st = prepare_cached(sql);
  if (!st) return st.error();
  return SqlStatementPtr(new SqliteStatement(std::move(*st)));
}

Result<std::string> SqliteDb::journal_mode() {
  auto st = prepare("PRAGMA journal_mode;");
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return fail(Errc::internal, {"sqlite", "journal_mode", "no row"});
  std::string mode = st->column_text(0);
  for (char& c : mode) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return mode;
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      cached_in_use_(std::exchange(other.cached_in_use_, nullptr)),
      bind_rc_(other.bind_rc_) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    release();
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    cached_in_use_ = std::exchange(other.cached_in_use_, nullptr);
    bind_rc_ = other.bind_rc_;
  }
  return *this;
}

SqliteStatement::~SqliteStatement() { release(); }

void SqliteStatement::release() noexcept {
  if (stmt_ == nullptr) return;
  if (cached_in_use_ != nullptr) {
    // Ends the statement's read of the database (a reset statement holds no
    // lock) and drops the bound values, which may have been secrets. The
    // return codes repeat the last step's error, already reported there.
    (void)sqlite3_reset(stmt_);
    (void)sqlite3_clear_bindings(stmt_);
    *cached_in_use_ = false;
    cached_in_use_ = nullptr;
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
}

void SqliteStatement::note_bind(int rc) noexcept {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  note_bind(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

SqliteStatement& SqliteStatement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  // A zero-length blob still binds as a blob, not NULL.
  static const std::uint8_t kEmpty = 0;
  const void* data = bytes.empty() ? &kEmpty : bytes.data();
  note_bind(sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT));
  return *this;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
  note_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Result<bool> SqliteStatement::step() {
  if (bind_rc_ != SQLITE_OK) return fail(Errc::internal, {"sqlite", "bind", sqlite3_errstr(bind_rc_)});
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(db_, "step");
}

std::int64_t SqliteStatement::column_int(int column) const noexcept { return sqlite3_column_int64(stmt_, column); }

std::string SqliteStatement::column_text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::vector<std::uint8_t> SqliteStatement::column_blob(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int n = sqlite3_column_bytes(stmt_, column);
  if (p == nullptr || n <= 0) return {};
  return std::vector<std::uint8_t>(p, p + n);
}

}  // namespace sls::server
