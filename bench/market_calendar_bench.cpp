// Market calendars: building one from the tz database and a holiday file (once
// per server start), and checking a withdrawal against a ledger in it.
#include <benchmark/benchmark.h>

#include <vector>

#include "server/market_calendar.hpp"
#include "sls/withdrawal.hpp"

namespace {

void BM_MarketCalendarBuild(benchmark::State& state) {
  const auto market = state.range(0) == 0 ? sls::server::Market::us : sls::server::Market::hk;
  for (auto _ : state) benchmark::DoNotOptimize(sls::server::market_calendar(market));
}
BENCHMARK(BM_MarketCalendarBuild)->Arg(0)->Arg(1)->ArgName("us0_hk1");

// check_withdrawal on Monday 30 November 2026 (its 5-day window spans
// Thanksgiving) with a ledger of N entries, one an hour back from then.
void BM_CheckWithdrawalUs(benchmark::State& state) {
  const sls::MarketCalendar calendar = sls::server::market_calendar(sls::server::Market::us).value();
  const std::int64_t now = sls::days_from_civil({2026, 11, 30}) * 86'400 + 15 * 3600;
  std::vector<sls::LedgerEntry> ledger;
  for (std::int64_t i = 0; i < state.range(0); ++i) ledger.push_back({now - i * 3600, 100});
  for (auto _ : state) benchmark::DoNotOptimize(sls::check_withdrawal(sls::DeviceKind::sms, ledger, now, 1, calendar));
}
BENCHMARK(BM_CheckWithdrawalUs)->Arg(0)->Arg(100)->Arg(10'000);

}  // namespace
