#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "sls/messages.hpp"
#include "sls/withdrawal.hpp"

namespace sls {
namespace {

constexpr std::int64_t usd(std::int64_t dollars) { return dollars * kCentsPerUsd; }
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kEasternOffset = -5 * kHour;

// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
// days_from_civil), so that the tests name real calendar dates.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Unix seconds of a local wall-clock time at a fixed UTC offset.
constexpr std::int64_t local_time(std::int64_t y, unsigned m, unsigned d, int hh, int mm, int ss,
                                  std::int64_t offset = kEasternOffset) {
  return days_from_civil(y, m, d) * 86'400 + hh * kHour + mm * 60 + ss - offset;
}

// Eastern standard time (UTC-5), the default calendar.
constexpr std::int64_t est(std::int64_t y, unsigned m, unsigned d, int hh = 12, int mm = 0, int ss = 0) {
  return local_time(y, m, d, hh, mm, ss);
}

// A calendar at a fixed UTC offset with no holidays (the market calendars
// with their time zones and holidays are tested in market_calendar_test.cpp
// and server/market_calendar_test.cpp).
MarketCalendar fixed_calendar(std::int32_t offset) {
  return MarketCalendar::make(2020, 2030, {{INT64_MIN, offset}}, {}).value();
}
const MarketCalendar kEastern = fixed_calendar(static_cast<std::int32_t>(kEasternOffset));

WithdrawalUsage usage_at(std::span<const LedgerEntry> ledger, std::int64_t now) {
  auto usage = withdrawal_usage(ledger, now, kEastern);
  EXPECT_TRUE(usage.ok());
  return usage.ok() ? *usage : WithdrawalUsage{-1, -1};
}
WithdrawalLimits remaining_at(DeviceKind kind, std::span<const LedgerEntry> ledger, std::int64_t now) {
  auto left = remaining_withdrawal(kind, ledger, now, kEastern);
  EXPECT_TRUE(left.ok());
  return left.ok() ? *left : WithdrawalLimits{UsdLimit::of_cents(-1), UsdLimit::of_cents(-1)};
}
UsdLimit available_at(DeviceKind kind, std::span<const LedgerEntry> ledger, std::int64_t now) {
  auto available = available_withdrawal(kind, ledger, now, kEastern);
  EXPECT_TRUE(available.ok());
  return available.ok() ? *available : UsdLimit::of_cents(-1);
}
Status check_at(DeviceKind kind, std::span<const LedgerEntry> ledger, std::int64_t now, std::int64_t amount,
                const MarketCalendar& calendar = kEastern) {
  return check_withdrawal(kind, ledger, now, amount, calendar);
}

// --- the calendar's answers reach the caller ---------------------------------------------

TEST(WithdrawalCalendar, DatesOutsideTheCalendarAreErrorsNotGuesses) {
  const std::vector<LedgerEntry> ledger{{est(2024, 6, 5, 9), 100}};
  const std::int64_t late = est(2031, 1, 2);  // the calendar covers 2020–2030
  const Error expected = fail(Errc::calendar_out_of_range, {"2031-01-02", "2020", "2030"});
  EXPECT_EQ(withdrawal_usage(ledger, late, kEastern).error(), expected);
  EXPECT_EQ(remaining_withdrawal(DeviceKind::sms, ledger, late, kEastern).error(), expected);
  EXPECT_EQ(available_withdrawal(DeviceKind::sms, ledger, late, kEastern).error(), expected);
  EXPECT_EQ(check_withdrawal(DeviceKind::sms, ledger, late, 1, kEastern).error(), expected);
  // The 5-day window of 2 January 2020 reaches into 2019 (it starts after the
  // 5th business day before today); from Wednesday 8 January on it does not.
  EXPECT_EQ(check_withdrawal(DeviceKind::sms, {}, est(2020, 1, 2), 1, kEastern).error(),
            fail(Errc::calendar_out_of_range, {"2019-12-31", "2020", "2030"}));
  EXPECT_TRUE(check_withdrawal(DeviceKind::sms, {}, est(2020, 1, 8), 1, kEastern).ok());
  // Even an unlimited device needs the calendar: the answer is never a guess.
  EXPECT_EQ(check_withdrawal(DeviceKind::platinum_gold, {}, late, 1, kEastern).code(), Errc::calendar_out_of_range);
  // A bad amount is reported first.
  EXPECT_EQ(check_withdrawal(DeviceKind::sms, {}, late, 0, kEastern).code(), Errc::limit_bad_amount);
  EXPECT_EQ(
      localize(expected, Lang::en),
      "Withdrawal limits cannot be checked for 2031-01-02: the market calendar covers the years 2020 to 2030 only.");
}

TEST(WithdrawalCalendar, OldEntriesOutsideTheCalendarAreSimplyOutsideTheWindow) {
  const std::vector<LedgerEntry> ledger{{INT64_MIN, 1}, {est(2000, 1, 3), 10}, {est(2024, 6, 5, 9), 100}};
  auto usage = usage_at(ledger, est(2024, 6, 5, 10));
  EXPECT_EQ(usage.one_day_cents, 100);
  EXPECT_EQ(usage.five_day_cents, 100);
}

// --- usage in the windows ----------------------------------------------------------------

TEST(WithdrawalUsage, TheOneDayWindowIsTheCurrentBusinessDay) {
  const std::vector<LedgerEntry> ledger{
      {est(2024, 6, 5, 0, 0, 0), 100},     // Wednesday, first second
      {est(2024, 6, 5, 23, 59, 59), 200},  // Wednesday, last second
      {est(2024, 6, 4, 23, 59, 59), 400},  // Tuesday, last second
  };
  auto usage = usage_at(ledger, est(2024, 6, 5, 10));
  EXPECT_EQ(usage.one_day_cents, 300);
  EXPECT_EQ(usage.five_day_cents, 700);
}

TEST(WithdrawalUsage, TheFiveDayWindowReachesBackFourBusinessDays) {
  // now: Wednesday 5 June 2024. Window: Thursday 30 May 00:00 onwards, with
  // the weekend of 1–2 June counted toward Monday 3 June.
  const std::vector<LedgerEntry> ledger{
      {est(2024, 5, 29, 23, 59, 59), 1},  // Wednesday before: out
      {est(2024, 5, 30, 0, 0, 0), 10},    // Thursday 00:00: in
      {est(2024, 5, 31, 9), 100},         // Friday: in
      {est(2024, 6, 1, 9), 1'000},        // Saturday: in (Monday)
      {est(2024, 6, 2, 9), 10'000},       // Sunday: in (Monday)
      {est(2024, 6, 4, 9), 100'000},      // Tuesday: in
      {est(2024, 6, 5, 9), 1'000'000},    // today
  };
  auto usage = usage_at(ledger, est(2024, 6, 5, 10));
  EXPECT_EQ(usage.one_day_cents, 1'000'000);
  EXPECT_EQ(usage.five_day_cents, 1'111'110);
}

TEST(WithdrawalUsage, AcrossAMonthEnd) {
  // now: Tuesday 4 June. Window: Wednesday 29 May … Tuesday 4 June.
  const std::vector<LedgerEntry> ledger{
      {est(2024, 5, 28, 15), 1},    // Tuesday 28 May: out
      {est(2024, 5, 29, 1), 10},    // Wednesday 29 May: in
      {est(2024, 5, 31, 23), 100},  // Friday 31 May: in
  };
  EXPECT_EQ(usage_at(ledger, est(2024, 6, 4, 8)).five_day_cents, 110);
  EXPECT_EQ(usage_at(ledger, est(2024, 6, 4, 8)).one_day_cents, 0);
  // A day later the 29 May withdrawal has left the window too.
  EXPECT_EQ(usage_at(ledger, est(2024, 6, 5, 8)).five_day_cents, 100);
}

TEST(WithdrawalUsage, WeekendWithdrawalsCountTowardMonday) {
  const std::vector<LedgerEntry> ledger{{est(2024, 6, 8, 14), 500}};    // Saturday
  EXPECT_EQ(usage_at(ledger, est(2024, 6, 10, 9)).one_day_cents, 500);  // Monday
  EXPECT_EQ(usage_at(ledger, est(2024, 6, 11, 9)).one_day_cents, 0);    // Tuesday
  EXPECT_EQ(usage_at(ledger, est(2024, 6, 11, 9)).five_day_cents, 500);
  EXPECT_EQ(usage_at(ledger, est(2024, 6, 14, 23)).five_day_cents, 500);  // Friday: Mon..Fri
  EXPECT_EQ(usage_at(ledger, est(2024, 6, 17, 0)).five_day_cents, 0);     // next Monday
}

TEST(WithdrawalUsage, OnAWeekendTheCurrentDayIsTheComingMonday) {
  const std::vector<LedgerEntry> ledger{
      {est(2024, 6, 7, 16), 1},    // Friday
      {est(2024, 6, 8, 10), 10},   // Saturday
      {est(2024, 6, 3, 10), 100},  // Monday of the same week
  };
  // Sunday 9 June: the current business day is Monday 10 June; the window is
  // Tuesday 4 … Monday 10 June.
  auto usage = usage_at(ledger, est(2024, 6, 9, 20));
  EXPECT_EQ(usage.one_day_cents, 10);
  EXPECT_EQ(usage.five_day_cents, 11);
}

TEST(WithdrawalUsage, LaterEntriesStillCount) {
  // A clock that stepped back must not free the allowance.
  const std::vector<LedgerEntry> ledger{{est(2024, 6, 6, 10), 700}};  // Thursday
  auto usage = usage_at(ledger, est(2024, 6, 5, 10));                 // Wednesday
  EXPECT_EQ(usage.one_day_cents, 700);
  EXPECT_EQ(usage.five_day_cents, 700);
}

TEST(WithdrawalUsage, NonPositiveEntriesAreIgnored) {
  const std::vector<LedgerEntry> ledger{
      {est(2024, 6, 5, 9), 5'000}, {est(2024, 6, 5, 10), -5'000}, {est(2024, 6, 5, 11), 0}};
  auto usage = usage_at(ledger, est(2024, 6, 5, 12));
  EXPECT_EQ(usage.one_day_cents, 5'000);
  EXPECT_EQ(usage.five_day_cents, 5'000);
}

TEST(WithdrawalUsage, SumsSaturateInsteadOfOverflowing) {
  const std::int64_t now = est(2024, 6, 5, 12);
  const std::vector<LedgerEntry> ledger{{now, INT64_MAX}, {now, INT64_MAX}, {now, 1}};
  auto usage = usage_at(ledger, now);
  EXPECT_EQ(usage.one_day_cents, INT64_MAX);
  EXPECT_EQ(usage.five_day_cents, INT64_MAX);
  auto left = remaining_at(DeviceKind::sms, ledger, now);
  EXPECT_EQ(left.one_day, UsdLimit::of_cents(0));
  EXPECT_EQ(check_at(DeviceKind::sms, ledger, now, 1).error(), fail(Errc::limit_daily_exceeded, {"0.00"}));
}

TEST(WithdrawalUsage, AnEmptyLedgerUsesNothing) {
  auto usage = usage_at({}, est(2024, 6, 5));
  EXPECT_EQ(usage.one_day_cents, 0);
  EXPECT_EQ(usage.five_day_cents, 0);
  EXPECT_EQ(remaining_at(DeviceKind::dsc, {}, est(2024, 6, 5)), withdrawal_limits(DeviceKind::dsc));
}

// --- remaining amounts and checks --------------------------------------------------------

TEST(RemainingWithdrawal, LimitMinusUsageNeverBelowZero) {
  const std::int64_t now = est(2024, 6, 5, 12);
  const std::vector<LedgerEntry> ledger{
      {est(2024, 6, 3, 10), usd(250'000)},
      {est(2024, 6, 5, 9), usd(150'000)},
  };
  auto left = remaining_at(DeviceKind::sms, ledger, now);
  EXPECT_EQ(left.one_day, UsdLimit::of_cents(usd(50'000)));
  EXPECT_EQ(left.five_day, UsdLimit::of_cents(usd(200'000)));
  EXPECT_EQ(available_at(DeviceKind::sms, ledger, now), UsdLimit::of_cents(usd(50'000)));

  left = remaining_at(DeviceKind::none, ledger, now);  // 50k / 100k, both overdrawn
  EXPECT_EQ(left.one_day, UsdLimit::of_cents(0));
  EXPECT_EQ(left.five_day, UsdLimit::of_cents(0));
}

TEST(RemainingWithdrawal, UnlimitedStaysUnlimited) {
  const std::int64_t now = est(2024, 6, 5, 12);
  const std::vector<LedgerEntry> ledger{{now, INT64_MAX}, {now - 86'400, usd(9'000'000'000)}};
  for (DeviceKind kind : {DeviceKind::dsc_plus, DeviceKind::platinum_gold}) {
    auto left = remaining_at(kind, ledger, now);
    EXPECT_TRUE(left.one_day.is_unlimited());
    EXPECT_TRUE(left.five_day.is_unlimited());
    EXPECT_TRUE(available_at(kind, ledger, now).is_unlimited());
    EXPECT_TRUE(check_at(kind, ledger, now, INT64_MAX).ok());
  }
}

TEST(CheckWithdrawal, AmountsMustBePositive) {
  const std::int64_t now = est(2024, 6, 5);
  EXPECT_EQ(check_at(DeviceKind::dsc_plus, {}, now, 0).code(), Errc::limit_bad_amount);
  EXPECT_EQ(check_at(DeviceKind::sms, {}, now, -1).code(), Errc::limit_bad_amount);
  EXPECT_EQ(check_at(DeviceKind::sms, {}, now, INT64_MIN).code(), Errc::limit_bad_amount);
}

TEST(CheckWithdrawal, UpToTheDailyLimitExactly) {
  const std::int64_t now = est(2024, 6, 5, 12);
  const std::vector<LedgerEntry> ledger{{est(2024, 6, 5, 9), usd(150'000) + 50}};
  const std::int64_t left = usd(50'000) - 50;  // 49,999.50
  EXPECT_TRUE(check_at(DeviceKind::sms, ledger, now, left).ok());
  auto over = check_at(DeviceKind::sms, ledger, now, left + 1);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error(), fail(Errc::limit_daily_exceeded, {"49,999.50"}));
  EXPECT_EQ(localize(over.error(), Lang::en),
            "This exceeds your one-day limit. You can withdraw up to 49,999.50 USD now.");
  // The next business day the daily allowance is back.
  EXPECT_TRUE(check_at(DeviceKind::sms, ledger, est(2024, 6, 6, 0), usd(200'000)).ok());
}

TEST(CheckWithdrawal, TheFiveDayLimitBindsAfterSeveralDays) {
  // SMS: 200k a day, 600k per 5 business days. 150k on each of Mon, Tue, Wed.
  const std::vector<LedgerEntry> ledger{
      {est(2024, 6, 3, 10), usd(150'000)},
      {est(2024, 6, 4, 10), usd(150'000)},
      {est(2024, 6, 5, 10), usd(150'000)},
  };
  const std::int64_t thursday = est(2024, 6, 6, 10);
  EXPECT_TRUE(check_at(DeviceKind::sms, ledger, thursday, usd(150'000)).ok());
  auto over = check_at(DeviceKind::sms, ledger, thursday, usd(150'000) + 1);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error(), fail(Errc::limit_five_day_exceeded, {"150,000.00"}));
  EXPECT_NE(localize(over.error(), Lang::zh_Hant).find("150,000.00"), std::string::npos);

  // Monday of the next week: the window is Tue 4 … Mon 10 June, 300k used.
  const std::int64_t next_monday = est(2024, 6, 10, 10);
  EXPECT_EQ(remaining_at(DeviceKind::sms, ledger, next_monday).five_day, UsdLimit::of_cents(usd(300'000)));
  EXPECT_EQ(check_at(DeviceKind::sms, ledger, next_monday, usd(200'001)).error(),
            fail(Errc::limit_daily_exceeded, {"200,000.00"}));
}

TEST(CheckWithdrawal, AnExhaustedFiveDayWindowReportsZero) {
  const std::vector<LedgerEntry> ledger{
      {est(2024, 6, 3, 10), usd(200'000)},
      {est(2024, 6, 4, 10), usd(200'000)},
      {est(2024, 6, 5, 10), usd(200'000)},
  };
  EXPECT_EQ(check_at(DeviceKind::code_card, ledger, est(2024, 6, 6), 1).error(),
            fail(Errc::limit_five_day_exceeded, {"0.00"}));
}

TEST(CheckWithdrawal, EqualRemaindersReportTheDailyLimit) {
  // Mobile Key: 1M a day and 1M per 5 days; nothing used: both remainders
  // are equal.
  EXPECT_EQ(check_at(DeviceKind::mobile_key, {}, est(2024, 6, 5), usd(1'000'000) + 1).error(),
            fail(Errc::limit_daily_exceeded, {"1,000,000.00"}));
}

TEST(CheckWithdrawal, DependsOnTheCalendar) {
  // 03:00 UTC on Tuesday 4 June: Monday in New York, Tuesday in Hong Kong.
  const std::vector<LedgerEntry> ledger{{local_time(2024, 6, 4, 3, 0, 0, 0), usd(50'000)}};
  const std::int64_t now = local_time(2024, 6, 4, 15, 0, 0, 0);  // Tuesday in both
  const MarketCalendar hong_kong = fixed_calendar(8 * 3600);
  EXPECT_TRUE(check_at(DeviceKind::none, ledger, now, usd(50'000)).ok());
  EXPECT_EQ(check_at(DeviceKind::none, ledger, now, usd(50'000), hong_kong).error(),
            fail(Errc::limit_daily_exceeded, {"0.00"}));
}

TEST(CheckWithdrawal, TemporaryCodeHasTheLimitsOfNoDevice) {
  const std::int64_t now = est(2024, 6, 5);
  EXPECT_TRUE(check_at(DeviceKind::temp_code, {}, now, usd(50'000)).ok());
  EXPECT_EQ(check_at(DeviceKind::temp_code, {}, now, usd(50'000) + 1).code(), Errc::limit_daily_exceeded);
}

// --- formatting -------------------------------------------------------------------------------

TEST(FormatUsdCents, ThousandsSeparatorsAndTwoDecimals) {
  EXPECT_EQ(format_usd_cents(0), "0.00");
  EXPECT_EQ(format_usd_cents(5), "0.05");
  EXPECT_EQ(format_usd_cents(50), "0.50");
  EXPECT_EQ(format_usd_cents(100), "1.00");
  EXPECT_EQ(format_usd_cents(99'999), "999.99");
  EXPECT_EQ(format_usd_cents(100'000), "1,000.00");
  EXPECT_EQ(format_usd_cents(123'456), "1,234.56");
  EXPECT_EQ(format_usd_cents(1'234'567), "12,345.67");
  EXPECT_EQ(format_usd_cents(12'345'678), "123,456.78");
  EXPECT_EQ(format_usd_cents(100'000'000), "1,000,000.00");
  EXPECT_EQ(format_usd_cents(-250), "-2.50");
  EXPECT_EQ(format_usd_cents(-123'456), "-1,234.56");
  EXPECT_EQ(format_usd_cents(INT64_MAX), "92,233,720,368,547,758.07");
  EXPECT_EQ(format_usd_cents(INT64_MIN), "-92,233,720,368,547,758.08");
}

}  // namespace
}  // namespace sls
