// Consecutive-failure lockout. Each user keeps one counter per factor
// (password, second factor, Mobile Key activation code) and each device one
// for the answers given with it, all under the same rule: after `threshold`
// failures the counter is locked for `base_lock_seconds`; each further lock
// lasts twice the one before, up to `max_lock_seconds`. Only second-factor
// counters (the user's and the device's: failures after a correct password)
// also lock for good after `disable_after` consecutive failures, until an
// administrator unlocks (slsctl unlock): anyone who knows a user name can
// fail the password or the activation code, so those never lock for good.
// Only a completed login clears the counters (AuthService::complete).
//
// With the defaults an attacker gets 5 guesses, then 5 more after 1 minute,
// 5 after 2 more minutes, ...: 30 guesses per counter in the first 63
// minutes, under OWASP ASVS 2.2.1's 100 per hour even for all three
// counters of a user together, and never more than 50 second-factor
// failures in a row, under NIST SP 800-63B's 100 (docs/server.md).
#pragma once

#include <cstdint>

#include "server/records.hpp"

namespace sls::server {

struct LockoutPolicy {
  std::int64_t threshold = 5;            ///< failures that trigger a lock, >= 1
  std::int64_t base_lock_seconds = 60;   ///< the first lock, >= 1
  std::int64_t max_lock_seconds = 3600;  ///< cap of the doubling
  /// Consecutive second-factor failures that lock for good; 0: never.
  std::int64_t disable_after = 50;

  /// The same policy without the lock for good: the password's and the
  /// activation code's counters.
  LockoutPolicy temporary_only() const noexcept {
    LockoutPolicy p = *this;
    p.disable_after = 0;
    return p;
  }
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

/// Both locks in one: locked when either is, for good when either is, and
/// otherwise until the later one ends.
LockState combine(const LockState& a, const LockState& b) noexcept;

/// The lock every step after the password sees: any of the user's counters
/// (password and activation under policy.temporary_only()) or, when given,
/// the device's.
LockState account_lock(const UserRecord& user, const DeviceRecord* device, const LockoutPolicy& policy,
                       std::int64_t now) noexcept;

/// How long a reserved password check counts as in flight. A node that
/// crashed between the reservation and the result cannot hold the slot
/// longer than this; an Argon2id check takes well under a second.
inline constexpr std::int64_t kPasswordCheckSeconds = 60;

/// Password checks of `user` reserved and not yet settled at `now`.
std::int64_t password_checks_in_flight(const UserRecord& user, std::int64_t now) noexcept;

/// Reserves one password check before the slow hash when the password
/// counter is unlocked and has more attempts left than checks already in
/// flight (so at most `attempts_left` checks of one account run at once);
/// returns false, changing nothing, otherwise. `policy` is the password's
/// (temporary_only()).
bool reserve_password_check(UserRecord& user, const LockoutPolicy& policy, std::int64_t now) noexcept;

/// Settles one reservation (the check's result is being written).
void release_password_check(UserRecord& user, std::int64_t now) noexcept;

}  // namespace sls::server
