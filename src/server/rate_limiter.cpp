// Token buckets per client address, with the failure budget given back on success (rate_limiter.hpp).
#include "server/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace sls::server {

void RateLimiter::refill(Bucket& b, std::int64_t now_ms) const noexcept {
  if (now_ms > b.updated_ms) {
    const double elapsed = static_cast<double>(now_ms - b.updated_ms) / 1000.0;
    b.tokens = std::min(std::max(policy_.burst, 1.0), b.tokens + elapsed * policy_.per_second);
    b.updated_ms = now_ms;
  }
}

void RateLimiter::prune(std::int64_t now_ms) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now_ms);
    if (it->second.tokens >= policy_.burst)
      it = buckets_.erase(it);
    else
      ++it;
  }
}

RateLimiter::Decision RateLimiter::take(std::string_view client, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(std::string(client));
  if (it == buckets_.end()) {
    if (buckets_.size() >= policy_.max_clients) prune(now_ms);
    it = buckets_.emplace(std::string(client), Bucket{std::max(policy_.burst, 1.0), now_ms}).first;
  }
  Bucket& b = it->second;
  refill(b, now_ms);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  const double rate = policy_.per_second > 0 ? policy_.per_second : 1e-9;
  const double wait = (1.0 - b.tokens) / rate;
  return {false, std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait)))};
}

void RateLimiter::give_back(std::string_view client, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(std::string(client));
  if (it == buckets_.end()) return;  // pruned: the bucket is full anyway
  refill(it->second, now_ms);
  it->second.tokens = std::min(std::max(policy_.burst, 1.0), it->second.tokens + 1.0);
}

}  // namespace sls::server
