// Per-client token buckets: each client address holds up to `burst` tokens,
// refilled at `per_second`; a request takes one. An empty bucket answers 429
// with the seconds until a token is back (Retry-After).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sls::server {

struct RateLimitPolicy {
  double burst = 60;      ///< bucket size, >= 1
  double per_second = 2;  ///< refill rate, > 0
  /// Buckets kept before full (idle) ones are dropped, bounding memory.
  std::size_t max_clients = 100000;
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimitPolicy policy) : policy_(policy) {}

  struct Decision {
    bool allowed = true;
    /// Whole seconds until the next token, >= 1 when refused.
    std::int64_t retry_after = 0;
  };

  /// Takes one token from `client`'s bucket at time `now_ms`.
  Decision take(std::string_view client, std::int64_t now_ms);
  /// Returns one token taken from `client`'s bucket (never past `burst`):
  /// for budgets that count only failures, a token is taken before an
  /// attempt and given back when it succeeds, so parallel attempts cannot
  /// overdraw the bucket.
  void give_back(std::string_view client, std::int64_t now_ms);

 private:
  struct Bucket {
    double tokens;
    std::int64_t updated_ms;
  };
  void refill(Bucket& b, std::int64_t now_ms) const noexcept;
  void prune(std::int64_t now_ms);

  RateLimitPolicy policy_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace sls::server
