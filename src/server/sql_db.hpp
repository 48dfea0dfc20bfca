// The database connection and statement that the SQL store is written
// against, with one implementation per database: SQLite (sqlite_db.hpp) and
// PostgreSQL (pg_connection.hpp). The SQL text is written once, with ?N
// parameters and the SQL that both databases accept (INSERT ... RETURNING,
// ON CONFLICT DO NOTHING); the PostgreSQL side rewrites ?N to $N.
// Failures are Errc::internal faults; SQL text and bound values never appear
// in an error (they may hold secrets).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sls/result.hpp"

namespace sls::server {

/// A prepared statement: bind parameters by 1-based index, step, read the
/// current row by 0-based column. A NULL reads as 0, "" or no bytes.
class SqlStatement {
 public:
  virtual ~SqlStatement() = default;

  virtual SqlStatement& bind(int index, std::int64_t value) = 0;
  virtual SqlStatement& bind(int index, std::string_view text) = 0;
  virtual SqlStatement& bind_blob(int index, std::span<const std::uint8_t> bytes) = 0;
  virtual SqlStatement& bind_null(int index) = 0;

  /// Advances to the next row: true if there is one, false when done.
  /// A binding error recorded by bind() is reported here.
  virtual Result<bool> step() = 0;
  /// Steps a statement that returns no rows.
  Status run() {
    auto r = step();
    if (!r) return r.error();
    return ok_status();
  }

  virtual std::int64_t column_int(int column) const = 0;
  virtual std::string column_text(int column) const = 0;
  virtual std::vector<std::uint8_t> column_blob(int column) const = 0;
};

using SqlStatementPtr = std::unique_ptr<SqlStatement>;

/// Which SQL a connection speaks, where the two differ (DDL, notify).
enum class SqlDialect { sqlite, postgresql };

/// One open connection, used by one thread at a time.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  virtual SqlDialect dialect() const noexcept = 0;
  /// Runs one or more statements that take no parameters and return no rows.
  virtual Status exec(std::string_view sql) = 0;
  /// A statement for `sql`, compiled once per connection and text and lent
  /// again (see SqliteDb::prepare_cached). It must be destroyed before the
  /// connection.
  virtual Result<SqlStatementPtr> statement(std::string_view sql) = 0;
  /// Rows changed by the last INSERT, UPDATE or DELETE.
  virtual std::int64_t changes() const noexcept = 0;
};

}  // namespace sls::server
