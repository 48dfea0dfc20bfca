// The lockout arithmetic of lockout.hpp: counters, locks and password-check
// reservations, as pure functions of the stored rows and the time.
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

LockState combine(const LockState& a, const LockState& b) noexcept {
  LockState out;
  out.locked = a.locked || b.locked;
  out.permanent = a.permanent || b.permanent;
  out.retry_after = out.permanent ? 0 : std::max(a.retry_after, b.retry_after);
  return out;
}

LockState account_lock(const UserRecord& user, const DeviceRecord* device, const LockoutPolicy& policy,
                       std::int64_t now) noexcept {
  const LockoutPolicy first = policy.temporary_only();
  LockState l = lock_state(user.second_factor_failures, policy, now);
  l = combine(l, lock_state(user.password_failures, first, now));
  l = combine(l, lock_state(user.activation_failures, first, now));
  if (device != nullptr) l = combine(l, lock_state(device->failures, policy, now));
  return l;
}

std::int64_t password_checks_in_flight(const UserRecord& user, std::int64_t now) noexcept {
  if (user.password_checks <= 0 || now >= user.password_checks_at + kPasswordCheckSeconds) return 0;
  return user.password_checks;
}

bool reserve_password_check(UserRecord& user, const LockoutPolicy& policy, std::int64_t now) noexcept {
  if (lock_state(user.password_failures, policy, now).locked) return false;
  const std::int64_t in_flight = password_checks_in_flight(user, now);
  if (attempts_left(user.password_failures, policy) <= in_flight) return false;
  user.password_checks = in_flight + 1;
  user.password_checks_at = now;
  return true;
}

void release_password_check(UserRecord& user, std::int64_t now) noexcept {
  user.password_checks = std::max<std::int64_t>(password_checks_in_flight(user, now) - 1, 0);
  if (user.password_checks == 0) user.password_checks_at = 0;
}

}  // namespace sls::server
