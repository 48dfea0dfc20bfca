#include "server/lockout.hpp"

#include <algorithm>

namespace sls::server {

LockState lock_state(const FailureCounter& counter, const LockoutPolicy& policy, std::int64_t now) noexcept {
  if (policy.disable_after > 0 && counter.consecutive >= policy.disable_after) return {true, true, 0};
  if (counter.locked_until > now) return {true, false, counter.locked_until - now};
  return {};
}

FailureCounter record_failure(FailureCounter counter, const LockoutPolicy& policy, std::int64_t now) noexcept {
  ++counter.consecutive;
  ++counter.since_lock;
  if (counter.since_lock >= std::max<std::int64_t>(policy.threshold, 1)) {
    // Lock length: base × 2^(locks so far), capped; computed without overflow.
    std::int64_t seconds = std::max<std::int64_t>(policy.base_lock_seconds, 1);
    const std::int64_t cap = std::max(policy.max_lock_seconds, seconds);
    for (std::int64_t i = 0; i < counter.locks && seconds < cap; ++i) seconds *= 2;
    seconds = std::min(seconds, cap);
    ++counter.locks;
    counter.since_lock = 0;
    counter.locked_until = now + seconds;
  }
  return counter;
}

std::int64_t attempts_left(const FailureCounter& counter, const LockoutPolicy& policy) noexcept {
  std::int64_t left = std::max<std::int64_t>(policy.threshold, 1) - counter.since_lock;
  if (policy.disable_after > 0) left = std::min(left, policy.disable_after - counter.consecutive);
  return std::max<std::int64_t>(left, 0);
}

}  // namespace sls::server
