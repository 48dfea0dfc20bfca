// A thin RAII layer over the SQLite C API: one connection, prepared
// statements with typed binding and reading, every return code checked.
// Failures become Errc::internal with args {"sqlite", what, SQLite's message};
// SQL text and bound values never appear in an error (they may hold secrets).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/sql_db.hpp"
#include "sls/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace sls::server {

class SqliteStatement;

/// One open database connection. Move-only; closes on destruction.
class SqliteDb final : public SqlConnection {
 public:
  /// Opens (creating if needed) the database file at `path`, with foreign
  /// keys on, a 5 s busy timeout and, for a file, WAL journaling and
  /// synchronous=FULL (a committed login survives a power cut). ":memory:"
  /// opens a private in-memory database (journal mode "memory").
  static Result<SqliteDb> open(const std::string& path);

  SqliteDb(SqliteDb&& other) noexcept;
  SqliteDb& operator=(SqliteDb&& other) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb() override;

  SqlDialect dialect() const noexcept override { return SqlDialect::sqlite; }
  /// prepare_cached(), on the heap, for the SQL store.
  Result<SqlStatementPtr> statement(std::string_view sql) override;

  /// Runs one or more statements that take no parameters and return no rows.
  Status exec(std::string_view sql) override;
  /// Prepares one statement.
  Result<SqliteStatement> prepare(std::string_view sql);
  /// Like prepare(), but compiles each distinct text once per connection and
  /// hands out the compiled statement again: the returned statement is reset
  /// and its bindings cleared when it is destroyed, instead of finalised.
  /// Compiling is most of the cost of a small query (a push poll spent more
  /// time in SQLite's parser than in running its query). While a text's
  /// cached statement is in use (a nested query of the same text), a fresh
  /// one is prepared instead. The statement must be destroyed before this
  /// connection (as every statement of a transaction is). Fails like
  /// prepare().
  Result<SqliteStatement> prepare_cached(std::string_view sql);
  /// Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const noexcept override;
  /// The journal mode in force ("wal", "memory", ...), lower case.
  Result<std::string> journal_mode();

  sqlite3* handle() const noexcept { return db_; }

 private:
  /// A compiled statement kept for reuse, and whether a SqliteStatement
  /// currently holds it.
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  explicit SqliteDb(sqlite3* db) noexcept : db_(db) {}
  void finalize_cache() noexcept;

  sqlite3* db_ = nullptr;
  /// Keyed by SQL text. Nodes never move, so a statement may point at its
  /// entry's `in_use` while the map grows or is moved.
  std::unordered_map<std::string, CachedStatement> cache_;
};

/// A prepared statement. Bind parameters by 1-based index, step, read the
/// current row by 0-based column. Move-only; finalised on destruction (or,
/// from SqliteDb::prepare_cached, reset and returned to the cache).
class SqliteStatement final : public SqlStatement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement() override;

  SqliteStatement& bind(int index, std::int64_t value) override;
  SqliteStatement& bind(int index, std::string_view text) override;
  SqliteStatement& bind_blob(int index, std::span<const std::uint8_t> bytes) override;
  SqliteStatement& bind_null(int index) override;

  /// Advances to the next row: true if there is one, false when done.
  /// A binding error recorded by bind() is reported here.
  Result<bool> step() override;

  std::int64_t column_int(int column) const noexcept override;
  std::string column_text(int column) const override;
  std::vector<std::uint8_t> column_blob(int column) const override;

 private:
  friend class SqliteDb;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, bool* cached_in_use = nullptr) noexcept
      : db_(db), stmt_(stmt), cached_in_use_(cached_in_use) {}
  void note_bind(int rc) noexcept;
  /// Finalises the statement, or resets it and gives it back to the cache.
  void release() noexcept;

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  /// Set for a statement lent by the cache: its entry's in-use flag.
  bool* cached_in_use_ = nullptr;
  int bind_rc_ = 0;
};

}  // namespace sls::server
