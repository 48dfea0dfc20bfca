// The PostgreSQL Store: the connection pool, transactions with their isolation levels and retries, and the
// migrations under an advisory lock (pg_store.hpp).
#include "server/pg_store.hpp"

#include <algorithm>
#include <random>
#include <thread>

#include "server/sql_tx.hpp"

namespace sls::server {
namespace {

/// The advisory lock key that serialises migrations across nodes ("SLS" + "mig").
constexpr std::int64_t kMigrationLock = 0x534c536d6967;

using Clock = std::chrono::steady_clock;

/// Jittered exponential backoff before attempt `attempt` (1, 2, ...): 5 ms
/// doubling to at most 250 ms, each wait a random point of its upper half,
/// so that transactions that collided do not collide again in step.
std::chrono::microseconds backoff(int attempt) {
  thread_local std::minstd_rand random{std::random_device{}()};
  const std::int64_t cap_us = std::min<std::int64_t>(250000, std::int64_t{5000} << std::min(attempt - 1, 10));
  std::uniform_int_distribution<std::int64_t> pick(cap_us / 2, cap_us);
  return std::chrono::microseconds(pick(random));
}

Error unavailable(std::string_view what) { return fail(Errc::server_store_unavailable, {"postgresql", what}); }

}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& url, const PgStoreOptions& options,
                                               std::span<const Migration> migrations) {
  if (options.pool_size < 1) return fail(Errc::bad_argument, {"pool_size", "0"});
  std::unique_ptr<PgStore> store(new PgStore(url, options));
  if (auto s = store->migrate(migrations); !s) return s.error();
  return store;
}

PgStore::~PgStore() = default;

Result<std::unique_ptr<PgConnection>> PgStore::acquire() {
  std::unique_lock lock(mutex_);
  freed_.wait(lock, [&] { return !idle_.empty() || open_ < options_.pool_size; });
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return conn;
  }
  ++open_;
  lock.unlock();
  auto conn = PgConnection::connect(url_);
  if (!conn) {
    lock.lock();
    --open_;
    freed_.notify_one();
    return conn.error();
  }
  return std::move(*conn);
}

void PgStore::release(std::unique_ptr<PgConnection> conn) {
  std::lock_guard lock(mutex_);
  if (conn != nullptr && !conn->lost()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  freed_.notify_one();
}

std::size_t PgStore::retries() const {
  std::lock_guard lock(mutex_);
  return retries_;
}

std::size_t PgStore::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

Status PgStore::run(const TxFunction& fn, bool write) {
  const auto deadline = Clock::now() + options_.retry_for;
  std::string_view why = "connect";
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1) {
      if (Clock::now() + backoff(attempt) >= deadline) return unavailable(why);
      std::this_thread::sleep_for(backoff(attempt));
      std::lock_guard lock(mutex_);
      ++retries_;
    }
    auto acquired = acquire();
    if (!acquired) {
      if (acquired.code() != Errc::server_store_unavailable) return acquired.error();
      why = "connect";
      continue;
    }
    std::unique_ptr<PgConnection> conn = std::move(*acquired);
    conn->clear_failure();
    // A write sees and makes changes as if it ran alone (SERIALIZABLE: the
    // check-then-act of every handler holds across nodes); a read sees one
    // snapshot (REPEATABLE READ) and changes nothing.
    Status begun = conn->exec(write ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN ISOLATION LEVEL REPEATABLE READ");
    if (!begun) {
      const bool lost = conn->lost();
      release(std::move(conn));
      if (!lost) return begun;
      why = "connection lost";
      continue;
    }
    const std::unique_ptr<StoreTx> tx = make_sql_tx(*conn);
    Status result = ok_status();
    try {
      result = fn(*tx);
    } catch (...) {
      (void)conn->exec("ROLLBACK");
      release(std::move(conn));
      throw;
    }
    // A statement that failed aborted the transaction, whatever fn made of
    // its error: PostgreSQL would answer COMMIT with a ROLLBACK.
    if (conn->failed() && (conn->failure_retryable() || conn->lost())) {
      why = conn->lost() ? "connection lost" : "serialization";
      if (!conn->lost()) (void)conn->exec("ROLLBACK");
      release(std::move(conn));
      continue;
    }
    if (conn->failed() && result) result = fail(Errc::internal, {"postgresql", "statement failed"});
    if (!result || !write) {
      (void)conn->exec("ROLLBACK");
      release(std::move(conn));
      return result;
    }
    if (before_commit_) before_commit_(conn->backend_pid());
    Status committed = conn->exec("COMMIT");
    if (committed && conn->last_command() == "COMMIT") {
      release(std::move(conn));
      return ok_status();
    }
    if (!committed && conn->failure_retryable()) {  // rolled back: run it again
      why = "serialization";
      release(std::move(conn));
      continue;
    }
    // The connection broke while COMMIT was on its way: the transaction may
    // or may not have committed. It is not run again, and the caller gets a
    // fault, so that nothing is reported done that may not be (nor done twice).
    release(std::move(conn));
    if (committed) return fail(Errc::internal, {"postgresql", "commit", "rolled back"});
    return committed;
  }
}

Status PgStore::write(const TxFunction& fn) { return run(fn, true); }
Status PgStore::read(const TxFunction& fn) { return run(fn, false); }

Result<int> PgStore::schema_version() {
  auto conn = acquire();
  if (!conn) return conn.error();
  int version = 0;
  auto st = (*conn)->statement("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  Status s = ok_status();
  if (!st) {
    s = st.error();
  } else if (auto row = (*st)->step(); !row) {
    s = row.error();
  } else {
    version = static_cast<int>((*st)->column_int(0));
  }
  if (st) st->reset();
  release(std::move(*conn));
  if (!s) return s.error();
  return version;
}

Status PgStore::migrate(std::span<const Migration> migrations) {
  auto acquired = acquire();
  if (!acquired) return acquired.error();
  std::unique_ptr<PgConnection> conn = std::move(*acquired);
  // Session-level: held across the migrations' transactions, released below
  // or when the connection ends.
  if (auto s = conn->exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLock) + ")"); !s) {
    release(std::move(conn));
    return s;
  }
  auto steps = [&]() -> Status {
    if (auto s = conn->exec("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, applied_at "
                            "BIGINT NOT NULL DEFAULT (EXTRACT(EPOCH FROM now())::BIGINT))");
        !s)
      return s;
    int current = 0;
    {
      auto st = conn->statement("SELECT COALESCE(MAX(version), 0) FROM schema_version");
      if (!st) return st.error();
      if (auto row = (*st)->step(); !row) return row.error();
      current = static_cast<int>((*st)->column_int(0));
    }
    const int known = migrations.empty() ? 0 : migrations.back().version;
    if (current > known) return fail(Errc::bad_argument, {"schema", std::to_string(current)});
    for (const Migration& m : migrations) {
      if (m.version <= current) continue;
      Status step = conn->exec("BEGIN");
      if (step) step = conn->exec(postgres_ddl(m.sql));
      if (step) step = conn->exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(m.version) + ")");
      if (step) step = conn->exec("COMMIT");
      if (!step) {
        (void)conn->exec("ROLLBACK");
        return step;
      }
    }
    return ok_status();
  };
  Status result = steps();
  (void)conn->exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLock) + ")");
  release(std::move(conn));
  return result;
}

}  // namespace sls::server
