// Consecutive-failure lockout, the same rule for users and for devices:
// after `threshold` failures the subject is locked for `base_lock_seconds`;
// each further lock lasts twice the one before, up to `max_lock_seconds`;
// after `disable_after` consecutive failures it stays locked until an
// administrator unlocks it (slsctl unlock). A success resets everything.
//
// With the defaults an attacker gets 5 guesses, then 5 more after 1 minute,
// 5 after 2 more minutes, ...: 30 guesses in the first 63 minutes and never
// more than 50 in a row, far under NIST SP 800-63B's 100 consecutive
// failures and OWASP ASVS 2.2.1's 100 per hour.
#pragma once

#include <cstdint>

#include "server/records.hpp"

namespace sls::server {

struct LockoutPolicy {
  std::int64_t threshold = 5;            ///< failures that trigger a lock, >= 1
  std::int64_t base_lock_seconds = 60;   ///< the first lock, >= 1
  std::int64_t max_lock_seconds = 3600;  ///< cap of the doubling
  std::int64_t disable_after = 50;       ///< consecutive failures that lock for good; 0: never
};

struct LockState {
  bool locked = false;
  /// Locked until an administrator unlocks.
  bool permanent = false;
  /// Seconds until the lock ends (0 when not locked or permanent).
  std::int64_t retry_after = 0;
};

/// Whether `counter` is locked at `now`.
LockState lock_state(const FailureCounter& counter, const LockoutPolicy& policy, std::int64_t now) noexcept;

/// The counter after one more failure at `now`; imposes a lock when due.
FailureCounter record_failure(FailureCounter counter, const LockoutPolicy& policy, std::int64_t now) noexcept;

/// Failures left before the next lock (>= 0).
std::int64_t attempts_left(const FailureCounter& counter, const LockoutPolicy& policy) noexcept;

}  // namespace sls::server
