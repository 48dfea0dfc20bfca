#include <gtest/gtest.h>

#include <vector>

#include "sls/poll_policy.hpp"

namespace sls {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000;  // ms since the epoch
constexpr std::int64_t kDeadline = kT0 + 120'000;

PollStep poll(std::int64_t delay) { return PollStep{false, delay, PollStop::expired}; }
PollStep stop(PollStop reason, std::int64_t delay = 0) { return PollStep{true, delay, reason}; }

/// A jitter source that replays fixed fractions of the bound (in percent of
/// the span) and records the bounds it was asked for.
struct ScriptedRandom {
  std::vector<std::uint32_t>* bounds;
  std::uint32_t percent;
  std::uint32_t operator()(std::uint32_t bound) const {
    bounds->push_back(bound);
    return (bound - 1) * percent / 100;
  }
};

TEST(PollPolicy, BacksOffExponentiallyUpToTheCap) {
  PollPolicy p(PollConfig{}, kDeadline, nullptr);
  std::int64_t now = kT0;
  EXPECT_EQ(p.start(now), poll(1000));
  const std::int64_t expected[] = {2000, 4000, 5000, 5000, 5000};
  for (auto e : expected) {
    now += 1000;
    EXPECT_EQ(p.next(now, PollOutcome::pending), poll(e));
  }
  EXPECT_FALSE(p.stopped());
}

TEST(PollPolicy, JitterOnlyShortensAndComesFromTheInjectedSource) {
  std::vector<std::uint32_t> bounds;
  PollPolicy p(PollConfig{}, kDeadline, ScriptedRandom{&bounds, 100});
  // 20 % of 1000 ms: the source is asked for [0, 201) and answers 200.
  EXPECT_EQ(p.start(kT0), poll(800));
  EXPECT_EQ(p.next(kT0 + 800, PollOutcome::pending), poll(1600));
  EXPECT_EQ(p.next(kT0 + 2400, PollOutcome::pending), poll(3200));
  EXPECT_EQ(p.next(kT0 + 5600, PollOutcome::pending), poll(4000));  // cap 5000 - 20 %
  EXPECT_EQ(bounds, (std::vector<std::uint32_t>{201, 401, 801, 1001}));

  std::vector<std::uint32_t> none;
  PollPolicy q(PollConfig{}, kDeadline, ScriptedRandom{&none, 0});
  EXPECT_EQ(q.start(kT0), poll(1000));
}

TEST(PollPolicy, SameSourceSameSchedule) {
  auto run = [] {
    std::uint32_t state = 7;
    RandomBelow lcg = [state](std::uint32_t bound) mutable {
      state = state * 1664525u + 1013904223u;
      return state % bound;
    };
    PollPolicy p(PollConfig{}, kDeadline, lcg);
    std::vector<std::int64_t> delays{p.start(kT0).delay_ms};
    std::int64_t now = kT0;
    for (int i = 0; i < 8; ++i) {
      now += delays.back();
      delays.push_back(p.next(now, PollOutcome::pending).delay_ms);
    }
    return delays;
  };
  EXPECT_EQ(run(), run());
}

TEST(PollPolicy, RetryAfterIsAFloorEvenAboveTheCap) {
  PollPolicy p(PollConfig{}, kDeadline, nullptr);
  p.start(kT0);
  EXPECT_EQ(p.next(kT0 + 1000, PollOutcome::pending, 3), poll(3000));
  EXPECT_EQ(p.next(kT0 + 4000, PollOutcome::pending, 1), poll(4000));  // backoff already above it
  EXPECT_EQ(p.next(kT0 + 8000, PollOutcome::throttled, 30), poll(30000));
  EXPECT_EQ(p.next(kT0 + 38000, PollOutcome::throttled), poll(5000));
  EXPECT_EQ(p.next(kT0 + 43000, PollOutcome::pending, -5), poll(5000));  // negative ignored
}

TEST(PollPolicy, JitterNeverGoesBelowRetryAfter) {
  std::vector<std::uint32_t> bounds;
  PollPolicy p(PollConfig{}, kDeadline, ScriptedRandom{&bounds, 100});
  p.start(kT0);
  EXPECT_EQ(p.next(kT0 + 1000, PollOutcome::pending, 2), poll(2000));  // 2000 - 400 jitter → floor 2000
}

TEST(PollPolicy, FinalOutcomesStop) {
  const std::pair<PollOutcome, PollStop> cases[] = {{PollOutcome::approved, PollStop::approved},
                                                    {PollOutcome::denied, PollStop::denied},
                                                    {PollOutcome::expired, PollStop::expired},
                                                    {PollOutcome::cancelled, PollStop::cancelled}};
  for (auto [outcome, reason] : cases) {
    PollPolicy p(PollConfig{}, kDeadline, nullptr);
    p.start(kT0);
    EXPECT_EQ(p.next(kT0 + 1000, outcome), stop(reason));
    EXPECT_TRUE(p.stopped());
    // Later replies (stale) do not restart it.
    EXPECT_EQ(p.next(kT0 + 2000, PollOutcome::pending), stop(reason));
  }
}

TEST(PollPolicy, CancelStops) {
  PollPolicy p(PollConfig{}, kDeadline, nullptr);
  p.start(kT0);
  EXPECT_EQ(p.cancel(), stop(PollStop::cancelled));
  EXPECT_EQ(p.next(kT0 + 1000, PollOutcome::pending), stop(PollStop::cancelled));
  EXPECT_EQ(p.start(kT0 + 1000), stop(PollStop::cancelled));
}

TEST(PollPolicy, NeverPollsAfterTheDeadline) {
  PollPolicy p(PollConfig{}, kT0 + 3500, nullptr);
  EXPECT_EQ(p.start(kT0), poll(1000));
  EXPECT_EQ(p.next(kT0 + 1000, PollOutcome::pending), poll(2000));
  // 4000 would pass the deadline: one last poll right at it.
  EXPECT_EQ(p.next(kT0 + 3000, PollOutcome::pending), poll(500));
  EXPECT_EQ(p.next(kT0 + 3500, PollOutcome::pending), stop(PollStop::expired));
}

TEST(PollPolicy, RetryAfterBeyondTheDeadlineMeansExpiry) {
  PollPolicy p(PollConfig{}, kT0 + 10'000, nullptr);
  p.start(kT0);
  EXPECT_EQ(p.next(kT0 + 1000, PollOutcome::throttled, 60), stop(PollStop::expired, 9000));
  EXPECT_TRUE(p.stopped());
}

TEST(PollPolicy, StartAfterTheDeadlineStopsAtOnce) {
  PollPolicy p(PollConfig{}, kT0, nullptr);
  EXPECT_EQ(p.start(kT0), stop(PollStop::expired));
}

TEST(PollPolicy, NetworkFailuresAreRetriedABoundedNumberOfTimes) {
  PollPolicy p(PollConfig{}, kDeadline, nullptr);
  p.start(kT0);
  std::int64_t now = kT0 + 1000;
  EXPECT_EQ(p.next(now, PollOutcome::network_failure), poll(2000));
  EXPECT_EQ(p.network_failures(), 1u);
  EXPECT_EQ(p.next(now += 2000, PollOutcome::network_failure), poll(4000));
  EXPECT_EQ(p.next(now += 4000, PollOutcome::network_failure), poll(5000));
  EXPECT_EQ(p.next(now += 5000, PollOutcome::network_failure), stop(PollStop::network_failed));
  // "Try again" starts a fresh run against the same deadline.
  EXPECT_EQ(p.resume(now += 10000), poll(1000));
  EXPECT_FALSE(p.stopped());
  EXPECT_EQ(p.network_failures(), 0u);
}

TEST(PollPolicy, ASuccessResetsTheFailureCount) {
  PollConfig c;
  c.max_network_retries = 1;
  PollPolicy p(c, kDeadline, nullptr);
  p.start(kT0);
  EXPECT_FALSE(p.next(kT0 + 1000, PollOutcome::network_failure).stop);
  EXPECT_FALSE(p.next(kT0 + 3000, PollOutcome::pending).stop);
  EXPECT_EQ(p.network_failures(), 0u);
  EXPECT_FALSE(p.next(kT0 + 8000, PollOutcome::network_failure).stop);
  EXPECT_TRUE(p.next(kT0 + 13000, PollOutcome::network_failure).stop);
}

TEST(PollPolicy, ResumeOnlyAfterNetworkFailure) {
  PollPolicy p(PollConfig{}, kDeadline, nullptr);
  p.start(kT0);
  p.next(kT0 + 1000, PollOutcome::denied);
  EXPECT_EQ(p.resume(kT0 + 2000), stop(PollStop::denied));
}

TEST(PollPolicy, ClampsConfig) {
  PollConfig c;
  c.first_delay_ms = 0;
  c.max_delay_ms = -1;
  c.jitter_percent = 400;
  c.max_network_retries = 1000;
  std::vector<std::uint32_t> bounds;
  PollPolicy p(c, kDeadline, ScriptedRandom{&bounds, 100});
  EXPECT_EQ(p.start(kT0), poll(1));
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(p.next(kT0 + 1, PollOutcome::network_failure).stop);
  EXPECT_TRUE(p.next(kT0 + 1, PollOutcome::network_failure).stop);
}

}  // namespace
}  // namespace sls
