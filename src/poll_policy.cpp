// When to poll a pending push or QR approval next: backoff, jitter, Retry-After and the retry budget (poll_policy.hpp).
#include "sls/poll_policy.hpp"

#include <algorithm>

namespace sls {
namespace {

constexpr std::int64_t kMaxDelayCeilingMs = 10 * 60 * 1000;  // keeps jitter bounds in 32 bits
constexpr std::int64_t kMaxRetryAfterS = 24 * 3600;          // a longer Retry-After reads as "not today"

}  // namespace

PollPolicy::PollPolicy(PollConfig config, std::int64_t deadline_ms, RandomBelow random)
    : config_(config), deadline_ms_(deadline_ms), random_(std::move(random)) {
  config_.max_delay_ms = std::clamp<std::int64_t>(config_.max_delay_ms, 1, kMaxDelayCeilingMs);
  config_.first_delay_ms = std::clamp<std::int64_t>(config_.first_delay_ms, 1, config_.max_delay_ms);
  config_.jitter_percent = std::min<std::uint32_t>(config_.jitter_percent, 50);
  config_.max_network_retries = std::min<std::uint32_t>(config_.max_network_retries, 10);
}

std::int64_t PollPolicy::nominal(std::uint32_t exponent) const noexcept {
  // Doubling 20 times takes even a 1 ms start past the 10-minute ceiling.
  const std::uint32_t e = std::min<std::uint32_t>(exponent, 20);
  return std::min(config_.first_delay_ms << e, config_.max_delay_ms);
}

PollStep PollPolicy::finish(PollStop reason, std::int64_t delay_ms) {
  stopped_ = reason;
  return PollStep{true, delay_ms, reason};
}

PollStep PollPolicy::schedule(std::int64_t now_ms, std::int64_t nominal_ms, std::int64_t floor_ms) {
  const std::int64_t remaining = deadline_ms_ - now_ms;
  if (remaining <= 0) return finish(PollStop::expired);
  std::int64_t delay = nominal_ms;
  if (random_ && config_.jitter_percent > 0) {
    const auto span = static_cast<std::uint32_t>(nominal_ms * config_.jitter_percent / 100);
    if (span > 0) delay -= static_cast<std::int64_t>(random_(span + 1) % (span + 1));
  }
  delay = std::max<std::int64_t>(delay, 1);
  delay = std::max(delay, floor_ms);
  if (delay > remaining) {
    // Not allowed to ask before the deadline: it will be over by then.
    if (floor_ms > remaining) return finish(PollStop::expired, remaining);
    // Otherwise ask once more right at the deadline, for the server's word.
    delay = remaining;
  }
  return PollStep{false, delay, PollStop::expired};
}

PollStep PollPolicy::start(std::int64_t now_ms) {
  if (stopped_) return PollStep{true, 0, *stopped_};
  return schedule(now_ms, config_.first_delay_ms, 0);
}

PollStep PollPolicy::next(std::int64_t now_ms, PollOutcome outcome, std::optional<std::int64_t> retry_after_s) {
  if (stopped_) return PollStep{true, 0, *stopped_};
  std::int64_t floor_ms = 0;
  if (retry_after_s && *retry_after_s > 0) floor_ms = std::min(*retry_after_s, kMaxRetryAfterS) * 1000;
  switch (outcome) {
    case PollOutcome::approved: return finish(PollStop::approved);
    case PollOutcome::denied: return finish(PollStop::denied);
    case PollOutcome::expired: return finish(PollStop::expired);
    case PollOutcome::cancelled: return finish(PollStop::cancelled);
    case PollOutcome::pending:
    case PollOutcome::throttled:
      failures_ = 0;
      ++polls_;
      return schedule(now_ms, nominal(polls_), floor_ms);
    case PollOutcome::network_failure:
      ++failures_;
      if (failures_ > config_.max_network_retries) return finish(PollStop::network_failed);
      return schedule(now_ms, nominal(polls_ + failures_), floor_ms);
  }
  return finish(PollStop::network_failed);
}

PollStep PollPolicy::cancel() {
  if (stopped_) return PollStep{true, 0, *stopped_};
  return finish(PollStop::cancelled);
}

PollStep PollPolicy::resume(std::int64_t now_ms) {
  if (stopped_ && *stopped_ != PollStop::network_failed) return PollStep{true, 0, *stopped_};
  stopped_.reset();
  failures_ = 0;
  polls_ = 0;
  return schedule(now_ms, config_.first_delay_ms, 0);
}

}  // namespace sls
