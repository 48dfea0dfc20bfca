// Where the server takes the time from. Every expiry, lock and rate-limit
// decision reads a Clock, so tests can move time instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace sls::server {

/// A source of wall-clock time in Unix milliseconds (UTC). Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Milliseconds since the Unix epoch.
  virtual std::int64_t now_ms() const noexcept = 0;
  /// Whole seconds since the Unix epoch (rounded down).
  std::int64_t now() const noexcept { return now_ms() / 1000; }
};

/// The system's real-time clock.
class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const noexcept override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

/// A clock that moves only when told to (tests, simulations).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_seconds) noexcept : ms_(start_seconds * 1000) {}
  std::int64_t now_ms() const noexcept override { return ms_.load(); }
  void advance_seconds(std::int64_t seconds) noexcept { ms_ += seconds * 1000; }

 private:
  std::atomic<std::int64_t> ms_;
};

}  // namespace sls::server
