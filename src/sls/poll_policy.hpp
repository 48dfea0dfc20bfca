// When to poll a pending push transaction (or, on the QR route, a pending
// challenge) next, and when to stop (SPEC §3.3).
//
// A pure decision type: it never reads a clock or a random source itself.
// The caller passes the current time with every call and injects the jitter
// source, so that tests replay exact schedules.
//
// The schedule: the first poll after `first_delay_ms`; after each "pending"
// reply the nominal delay doubles, up to `max_delay_ms`. Each delay is then
// shortened by a random jitter of up to `jitter_percent` percent, so that
// many pages opened at once do not poll in step. A Retry-After from the
// server is a floor: the next poll never comes sooner (even above the cap).
// Network failures (and server errors) are retried with the same backoff
// up to `max_network_retries` times in a row; one more failure stops the
// polling with PollStop::network_failed. Nothing is polled after the
// transaction's deadline (its expires_at).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

namespace sls {

/// Tuning of a PollPolicy. The defaults suit a push that lives ~2 minutes.
struct PollConfig {
  /// Delay before the first poll, in ms; 1 .. max_delay_ms.
  std::int64_t first_delay_ms = 1000;
  /// Cap of the nominal delay, in ms (a Retry-After may exceed it).
  std::int64_t max_delay_ms = 5000;
  /// Jitter: each delay is shortened by a uniformly drawn 0 .. this percent
  /// of it; 0 .. 50.
  std::uint32_t jitter_percent = 20;
  /// Consecutive network failures retried before giving up; 0 .. 10.
  std::uint32_t max_network_retries = 3;

  // Long poll (used by LoginFlow, not by PollPolicy): the status request
  // asks the server to hold it (`?wait=S`) and is sent again as soon as a
  // held reply comes back pending. A pending reply sooner than
  // `long_poll_min_hold_ms` was not held (a proxy cut it short, or the
  // server holds too many); after `long_poll_max_early` of them in a row, or
  // after any error, the flow polls as above for the rest of the challenge.
  // Each early reply is followed by the policy's backoff, never at once.
  /// Seconds the server may hold a status request; 0: plain polling. Keep it
  /// well under the page's request timeout (sls-login.js: 15 s).
  std::int64_t long_poll_wait_s = 10;
  std::int64_t long_poll_min_hold_ms = 2000;
  std::uint32_t long_poll_max_early = 3;
};

/// The source of jitter: a uniform integer in [0, bound) for bound > 0.
/// Production code uses libsodium's randombytes_uniform (sls::random_below);
/// tests inject a fixed sequence.
using RandomBelow = std::function<std::uint32_t(std::uint32_t bound)>;

/// What the last reply said.
enum class PollOutcome : std::uint8_t {
  pending,          ///< 200, still waiting
  approved,         ///< 200, approved: final
  denied,           ///< 200, denied (or "this was not me"): final
  expired,          ///< 200 expired, or 410: final
  cancelled,        ///< 200, cancelled elsewhere: final
  throttled,        ///< 429 or 503: wait at least Retry-After, not a failure
  network_failure,  ///< no reply (status 0) or another 5xx
};

/// Why polling stopped.
enum class PollStop : std::uint8_t {
  approved,
  denied,
  expired,         ///< by the server, or the deadline passed
  cancelled,       ///< by the server, or cancel() on this side
  network_failed,  ///< more than max_network_retries failures in a row
};

/// The decision after an event: poll again after `delay_ms`, or stop.
struct PollStep {
  bool stop = false;
  /// When !stop: ms from now until the next poll, > 0.
  /// When stop because the deadline will pass before any poll is allowed
  /// (Retry-After beyond it): ms until the deadline (the transaction then
  /// counts as expired); otherwise 0.
  std::int64_t delay_ms = 0;
  /// When stop: why.
  PollStop reason = PollStop::expired;

  friend bool operator==(const PollStep&, const PollStep&) = default;
};

class PollPolicy {
 public:
  /// `deadline_ms`: the transaction's expires_at, in the same clock as the
  /// `now_ms` arguments (ms since the Unix epoch). Out-of-range config
  /// values are clamped into their documented ranges. An empty `random`
  /// means no jitter.
  PollPolicy(PollConfig config, std::int64_t deadline_ms, RandomBelow random);

  /// The first poll; call once, when the transaction is opened.
  PollStep start(std::int64_t now_ms);

  /// The step after a reply (or a failure to get one). `retry_after_s` is
  /// the Retry-After header, if any (negative values are ignored). After a
  /// final outcome, or once stopped, every call returns the same stop.
  PollStep next(std::int64_t now_ms, PollOutcome outcome, std::optional<std::int64_t> retry_after_s = std::nullopt);

  /// Stops for good (the user cancelled or chose another method).
  PollStep cancel();

  /// A fresh run of retries after PollStop::network_failed (the user chose
  /// "try again"): the failure count and backoff restart; the deadline
  /// stays. Returns the step for the next poll (or expired if the deadline
  /// passed).
  PollStep resume(std::int64_t now_ms);

  bool stopped() const noexcept { return stopped_.has_value(); }
  std::int64_t deadline_ms() const noexcept { return deadline_ms_; }
  /// Network failures in a row so far.
  std::uint32_t network_failures() const noexcept { return failures_; }

 private:
  PollStep schedule(std::int64_t now_ms, std::int64_t nominal_ms, std::int64_t floor_ms);
  PollStep finish(PollStop reason, std::int64_t delay_ms = 0);
  std::int64_t nominal(std::uint32_t exponent) const noexcept;

  PollConfig config_;
  std::int64_t deadline_ms_;
  RandomBelow random_;
  std::uint32_t polls_ = 0;     ///< pending replies so far: drives the backoff
  std::uint32_t failures_ = 0;  ///< network failures in a row
  std::optional<PollStop> stopped_;
};

}  // namespace sls
