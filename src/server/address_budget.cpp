// LocalAddressBudget and StoreAddressBudget (address_budget.hpp).
#include "server/address_budget.hpp"

#include <algorithm>
#include <cmath>

#include "server/try.hpp"

namespace sls::server {

namespace {

constexpr std::int64_t kMilli = 1000;
/// Rows of idle buckets deleted per take, at most (they refill to full and
/// are then the same as no row).
constexpr std::int64_t kSweep = 8;

std::int64_t burst_milli(const RateLimitPolicy& p) {
  return static_cast<std::int64_t>(std::max(1.0, p.burst) * static_cast<double>(kMilli));
}

}  // namespace

AddressBucket refilled(std::optional<AddressBucket> stored, const RateLimitPolicy& policy, std::int64_t now_ms) {
  const std::int64_t full = burst_milli(policy);
  if (!stored) return {full, now_ms};
  AddressBucket b = *stored;
  const std::int64_t elapsed = std::max<std::int64_t>(0, now_ms - b.updated_ms);
  // per_second tokens a second = per_second milli-tokens a millisecond.
  const double gained = static_cast<double>(elapsed) * policy.per_second;
  b.milli_tokens = std::min<std::int64_t>(full, b.milli_tokens + static_cast<std::int64_t>(std::floor(gained)));
  b.updated_ms = std::max(b.updated_ms, now_ms);
  return b;
}

Result<RateLimiter::Decision> StoreAddressBudget::take_in(StoreTx& tx, std::string_view address, std::int64_t now_ms) {
  SLS_TRY_ASSIGN(stored, tx.get_address_bucket(name_, address));
  AddressBucket b = refilled(stored, policy_, now_ms);
  RateLimiter::Decision d;
  if (b.milli_tokens >= kMilli) {
    b.milli_tokens -= kMilli;
  } else {
    d.allowed = false;
    const double missing = static_cast<double>(kMilli - b.milli_tokens) / static_cast<double>(kMilli);
    d.retry_after = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(missing / policy_.per_second)));
  }
  SLS_TRY(tx.put_address_bucket(name_, address, b.milli_tokens, b.updated_ms));
  // A bucket full again is the same as none: rows of such idle ones go.
  const auto refill_ms = static_cast<std::int64_t>(
      std::ceil(static_cast<double>(burst_milli(policy_)) / std::max(policy_.per_second, 1e-9)));
  SLS_TRY(tx.delete_idle_address_buckets(name_, now_ms - refill_ms, kSweep));
  return d;
}

Result<RateLimiter::Decision> StoreAddressBudget::take(std::string_view address, std::int64_t now_ms) {
  RateLimiter::Decision d;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(taken, take_in(tx, address, now_ms));
    d = taken;
    return ok_status();
  });
  if (!st) return st.error();
  return d;
}

Status StoreAddressBudget::give_back(std::string_view address, std::int64_t now_ms) {
  return store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(stored, tx.get_address_bucket(name_, address));
    if (!stored) return ok_status();  // full already
    AddressBucket b = refilled(stored, policy_, now_ms);
    b.milli_tokens = std::min(burst_milli(policy_), b.milli_tokens + kMilli);
    return tx.put_address_bucket(name_, address, b.milli_tokens, b.updated_ms);
  });
}

std::unique_ptr<AddressBudget> make_address_budget(Store& store, bool shared, std::string name,
                                                   RateLimitPolicy policy) {
  if (shared) return std::make_unique<StoreAddressBudget>(store, std::move(name), policy);
  return std::make_unique<LocalAddressBudget>(policy);
}

}  // namespace sls::server
