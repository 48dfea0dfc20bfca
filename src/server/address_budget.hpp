// The per-address budgets of AuthService (the failure budget, the challenge
// opens): a token bucket per client address, kept in this process
// (LocalAddressBudget, one node) or in the store (StoreAddressBudget, shared
// by every node on one PostgreSQL database, so that a client that reaches N
// nodes does not get N budgets). docs/proxies.md says which limits are shared.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/rate_limiter.hpp"
#include "server/store.hpp"
#include "sls/result.hpp"

namespace sls::server {

class AddressBudget {
 public:
  virtual ~AddressBudget() = default;
  /// Takes one token of `address` at `now_ms`, in a transaction of its own
  /// when the budget is in the store.
  virtual Result<RateLimiter::Decision> take(std::string_view address, std::int64_t now_ms) = 0;
  /// The same inside the caller's write transaction `tx`: rolled back with
  /// it, so a retried transaction takes its token again, once.
  virtual Result<RateLimiter::Decision> take_in(StoreTx& tx, std::string_view address, std::int64_t now_ms) = 0;
  /// Returns one token (never past the burst), in a transaction of its own.
  virtual Status give_back(std::string_view address, std::int64_t now_ms) = 0;
  /// Whether take_in is part of the transaction (a store-backed budget).
  /// When not, a retried write must not take twice (RequestScope keeps the
  /// first decision).
  virtual bool transactional() const noexcept = 0;
};

/// The budget in this process's memory: one node's (SQLite, or a test).
class LocalAddressBudget final : public AddressBudget {
 public:
  explicit LocalAddressBudget(RateLimitPolicy policy) : limiter_(policy) {}
  Result<RateLimiter::Decision> take(std::string_view address, std::int64_t now_ms) override {
    return limiter_.take(address, now_ms);
  }
  Result<RateLimiter::Decision> take_in(StoreTx&, std::string_view address, std::int64_t now_ms) override {
    return limiter_.take(address, now_ms);
  }
  Status give_back(std::string_view address, std::int64_t now_ms) override {
    limiter_.give_back(address, now_ms);
    return ok_status();
  }
  bool transactional() const noexcept override { return false; }

 private:
  RateLimiter limiter_;
};

/// The budget `name` in the store's address_budgets table (migration 18):
/// every node that shares the store shares it. A bucket row is written on
/// each take; rows of full (idle) buckets are deleted now and then.
class StoreAddressBudget final : public AddressBudget {
 public:
  StoreAddressBudget(Store& store, std::string name, RateLimitPolicy policy)
      : store_(store), name_(std::move(name)), policy_(policy) {}
  Result<RateLimiter::Decision> take(std::string_view address, std::int64_t now_ms) override;
  Result<RateLimiter::Decision> take_in(StoreTx& tx, std::string_view address, std::int64_t now_ms) override;
  Status give_back(std::string_view address, std::int64_t now_ms) override;
  bool transactional() const noexcept override { return true; }

 private:
  Store& store_;
  const std::string name_;
  const RateLimitPolicy policy_;
};

/// The budget for `policy` named `name`: in the store when `shared`, else
/// in memory (ServiceConfig::shared_address_budgets).
std::unique_ptr<AddressBudget> make_address_budget(Store& store, bool shared, std::string name, RateLimitPolicy policy);

/// A stored bucket (or none: full) refilled to `now_ms` under `policy`.
AddressBucket refilled(std::optional<AddressBucket> stored, const RateLimitPolicy& policy, std::int64_t now_ms);

}  // namespace sls::server
