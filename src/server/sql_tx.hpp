// The StoreTx of both SQL stores: one implementation over a SqlConnection
// (sql_db.hpp), SQLite's or PostgreSQL's. The caller opens and ends the
// transaction; the StoreTx only reads and writes in it.
#pragma once

#include <memory>

#include "server/sql_db.hpp"
#include "server/store.hpp"

namespace sls::server {

/// A StoreTx running its statements on `db`, which must outlive it.
std::unique_ptr<StoreTx> make_sql_tx(SqlConnection& db);

}  // namespace sls::server
