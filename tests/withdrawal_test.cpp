#include <gtest/gtest.h>

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

const BusinessCalendar kEastern{};

// --- the calendar ---------------------------------------------------------------------

TEST(BusinessCalendar, DefaultsToUsEasternStandardTime) {
  EXPECT_EQ(BusinessCalendar{}.utc_offset_seconds(), -18'000);
  EXPECT_EQ(BusinessCalendar::kDefaultUtcOffsetSeconds, -18'000);
}

TEST(BusinessCalendar, OffsetsBeyondFourteenHoursAreRefused) {
  EXPECT_TRUE(BusinessCalendar::with_utc_offset(14 * 3600).ok());
  EXPECT_TRUE(BusinessCalendar::with_utc_offset(-14 * 3600).ok());
  EXPECT_TRUE(BusinessCalendar::with_utc_offset(0).ok());
  EXPECT_EQ(BusinessCalendar::with_utc_offset(14 * 3600 + 1).code(), Errc::bad_argument);
  EXPECT_EQ(BusinessCalendar::with_utc_offset(-14 * 3600 - 1).code(), Errc::bad_argument);
  EXPECT_EQ(BusinessCalendar::with_utc_offset(8 * 3600)->utc_offset_seconds(), 28'800);
}

TEST(BusinessCalendar, WeekdaysAreConsecutiveAndWeekendsBelongToMonday) {
  // Week of Monday 3 June 2024.
  const std::int64_t monday = kEastern.business_day(est(2024, 6, 3));
  EXPECT_EQ(kEastern.business_day(est(2024, 6, 4)), monday + 1);
  EXPECT_EQ(kEastern.business_day(est(2024, 6, 5)), monday + 2);
  EXPECT_EQ(kEastern.business_day(est(2024, 6, 6)), monday + 3);
  EXPECT_EQ(kEastern.business_day(est(2024, 6, 7)), monday + 4);
  EXPECT_EQ(kEastern.business_day(est(2024, 6, 8)), monday + 5);   // Saturday → next Monday
  EXPECT_EQ(kEastern.business_day(est(2024, 6, 9)), monday + 5);   // Sunday → next Monday
  EXPECT_EQ(kEastern.business_day(est(2024, 6, 10)), monday + 5);  // Monday
  // The weekend before belongs to this Monday.
  EXPECT_EQ(kEastern.business_day(est(2024, 6, 1)), monday);
  EXPECT_EQ(kEastern.business_day(est(2024, 6, 2)), monday);
  EXPECT_EQ(kEastern.business_day(est(2024, 5, 31)), monday - 1);  // Friday
}

TEST(BusinessCalendar, DaysChangeAtLocalMidnight) {
  const std::int64_t tuesday_start = est(2024, 6, 4, 0, 0, 0);
  EXPECT_EQ(kEastern.business_day(tuesday_start), kEastern.business_day(tuesday_start - 1) + 1);
  EXPECT_EQ(kEastern.business_day(tuesday_start), kEastern.business_day(est(2024, 6, 4, 23, 59, 59)));
  // Friday 23:59:59 and Saturday 00:00:00: the weekend starts the next day.
  const std::int64_t saturday_start = est(2024, 6, 8, 0, 0, 0);
  EXPECT_EQ(kEastern.business_day(saturday_start), kEastern.business_day(saturday_start - 1) + 1);
  // Sunday 23:59:59 and Monday 00:00:00 are the same business day.
  const std::int64_t monday_start = est(2024, 6, 10, 0, 0, 0);
  EXPECT_EQ(kEastern.business_day(monday_start), kEastern.business_day(monday_start - 1));
}

TEST(BusinessCalendar, MonthAndYearEnds) {
  // Friday 31 May → Monday 3 June.
  EXPECT_EQ(kEastern.business_day(est(2024, 6, 3)), kEastern.business_day(est(2024, 5, 31)) + 1);
  // Thursday 29 February → Friday 1 March (leap year).
  EXPECT_EQ(kEastern.business_day(est(2024, 3, 1)), kEastern.business_day(est(2024, 2, 29)) + 1);
  // Tuesday 31 December 2024 → Wednesday 1 January 2025.
  EXPECT_EQ(kEastern.business_day(est(2025, 1, 1)), kEastern.business_day(est(2024, 12, 31)) + 1);
  // The Unix epoch was a Thursday: day 3 counted from Monday 29 December 1969.
  EXPECT_EQ(BusinessCalendar::with_utc_offset(0)->business_day(0), 3);
  EXPECT_EQ(BusinessCalendar::with_utc_offset(0)->business_day(-1), 2);  // Wednesday 31 December 1969
  EXPECT_EQ(BusinessCalendar::with_utc_offset(0)->business_day(-3 * 86'400), 0);
  EXPECT_EQ(BusinessCalendar::with_utc_offset(0)->business_day(-4 * 86'400), 0);    // Sunday → Monday
  EXPECT_EQ(BusinessCalendar::with_utc_offset(0)->business_day(-5 * 86'400), 0);    // Saturday → Monday
  EXPECT_EQ(BusinessCalendar::with_utc_offset(0)->business_day(-6 * 86'400), -1);   // Friday 26 December
  EXPECT_EQ(BusinessCalendar::with_utc_offset(0)->business_day(-10 * 86'400), -5);  // Monday 22 December
}

TEST(BusinessCalendar, TheOffsetDecidesTheDay) {
  // 03:00 UTC on Tuesday 4 June is still Monday evening in New York (UTC-5)
  // and already Tuesday morning in Hong Kong (UTC+8).
  const std::int64_t instant = local_time(2024, 6, 4, 3, 0, 0, 0);
  auto hong_kong = *BusinessCalendar::with_utc_offset(8 * 3600);
  EXPECT_EQ(kEastern.business_day(instant), kEastern.business_day(est(2024, 6, 3)));
  EXPECT_EQ(hong_kong.business_day(instant), hong_kong.business_day(local_time(2024, 6, 4, 12, 0, 0, 8 * kHour)));
}

TEST(BusinessCalendar, EveryInstantHasADayAndTheOrderIsKept) {
  const std::vector<std::int64_t> instants{INT64_MIN,       INT64_MIN + 1,     -1'000'000'000'000, -1,       0, 1,
                                           est(2024, 6, 8), 1'000'000'000'000, INT64_MAX - 1,      INT64_MAX};
  for (std::int32_t offset : {-14 * 3600, -5 * 3600, 0, 14 * 3600}) {
    auto calendar = *BusinessCalendar::with_utc_offset(offset);
    for (std::size_t i = 1; i < instants.size(); ++i)
      EXPECT_LE(calendar.business_day(instants[i - 1]), calendar.business_day(instants[i])) << offset << " " << i;
  }
}

// --- usage in the windows ----------------------------------------------------------------

TEST(WithdrawalUsage, TheOneDayWindowIsTheCurrentBusinessDay) {
  const std::vector<LedgerEntry> ledger{
      {est(2024, 6, 5, 0, 0, 0), 100},     // Wednesday, first second
      {est(2024, 6, 5, 23, 59, 59), 200},  // Wednesday, last second
      {est(2024, 6, 4, 23, 59, 59), 400},  // Tuesday, last second
  };
  auto usage = withdrawal_usage(ledger, est(2024, 6, 5, 10));
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
  auto usage = withdrawal_usage(ledger, est(2024, 6, 5, 10));
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
  EXPECT_EQ(withdrawal_usage(ledger, est(2024, 6, 4, 8)).five_day_cents, 110);
  EXPECT_EQ(withdrawal_usage(ledger, est(2024, 6, 4, 8)).one_day_cents, 0);
  // A day later the 29 May withdrawal has left the window too.
  EXPECT_EQ(withdrawal_usage(ledger, est(2024, 6, 5, 8)).five_day_cents, 100);
}

TEST(WithdrawalUsage, WeekendWithdrawalsCountTowardMonday) {
  const std::vector<LedgerEntry> ledger{{est(2024, 6, 8, 14), 500}};            // Saturday
  EXPECT_EQ(withdrawal_usage(ledger, est(2024, 6, 10, 9)).one_day_cents, 500);  // Monday
  EXPECT_EQ(withdrawal_usage(ledger, est(2024, 6, 11, 9)).one_day_cents, 0);    // Tuesday
  EXPECT_EQ(withdrawal_usage(ledger, est(2024, 6, 11, 9)).five_day_cents, 500);
  EXPECT_EQ(withdrawal_usage(ledger, est(2024, 6, 14, 23)).five_day_cents, 500);  // Friday: Mon..Fri
  EXPECT_EQ(withdrawal_usage(ledger, est(2024, 6, 17, 0)).five_day_cents, 0);     // next Monday
}

TEST(WithdrawalUsage, OnAWeekendTheCurrentDayIsTheComingMonday) {
  const std::vector<LedgerEntry> ledger{
      {est(2024, 6, 7, 16), 1},    // Friday
      {est(2024, 6, 8, 10), 10},   // Saturday
      {est(2024, 6, 3, 10), 100},  // Monday of the same week
  };
  // Sunday 9 June: the current business day is Monday 10 June; the window is
  // Tuesday 4 … Monday 10 June.
  auto usage = withdrawal_usage(ledger, est(2024, 6, 9, 20));
  EXPECT_EQ(usage.one_day_cents, 10);
  EXPECT_EQ(usage.five_day_cents, 11);
}

TEST(WithdrawalUsage, LaterEntriesStillCount) {
  // A clock that stepped back must not free the allowance.
  const std::vector<LedgerEntry> ledger{{est(2024, 6, 6, 10), 700}};  // Thursday
  auto usage = withdrawal_usage(ledger, est(2024, 6, 5, 10));         // Wednesday
  EXPECT_EQ(usage.one_day_cents, 700);
  EXPECT_EQ(usage.five_day_cents, 700);
}

TEST(WithdrawalUsage, NonPositiveEntriesAreIgnored) {
  const std::vector<LedgerEntry> ledger{
      {est(2024, 6, 5, 9), 5'000}, {est(2024, 6, 5, 10), -5'000}, {est(2024, 6, 5, 11), 0}};
  auto usage = withdrawal_usage(ledger, est(2024, 6, 5, 12));
  EXPECT_EQ(usage.one_day_cents, 5'000);
  EXPECT_EQ(usage.five_day_cents, 5'000);
}

TEST(WithdrawalUsage, SumsSaturateInsteadOfOverflowing) {
  const std::int64_t now = est(2024, 6, 5, 12);
  const std::vector<LedgerEntry> ledger{{now, INT64_MAX}, {now, INT64_MAX}, {now, 1}};
  auto usage = withdrawal_usage(ledger, now);
  EXPECT_EQ(usage.one_day_cents, INT64_MAX);
  EXPECT_EQ(usage.five_day_cents, INT64_MAX);
  auto left = remaining_withdrawal(DeviceKind::sms, ledger, now);
  EXPECT_EQ(left.one_day, UsdLimit::of_cents(0));
  EXPECT_EQ(check_withdrawal(DeviceKind::sms, ledger, now, 1).error(), fail(Errc::limit_daily_exceeded, {"0.00"}));
}

TEST(WithdrawalUsage, AnEmptyLedgerUsesNothing) {
  auto usage = withdrawal_usage({}, est(2024, 6, 5));
  EXPECT_EQ(usage.one_day_cents, 0);
  EXPECT_EQ(usage.five_day_cents, 0);
  EXPECT_EQ(remaining_withdrawal(DeviceKind::dsc, {}, est(2024, 6, 5)), withdrawal_limits(DeviceKind::dsc));
}

// --- remaining amounts and checks --------------------------------------------------------

TEST(RemainingWithdrawal, LimitMinusUsageNeverBelowZero) {
  const std::int64_t now = est(2024, 6, 5, 12);
  const std::vector<LedgerEntry> ledger{
      {est(2024, 6, 3, 10), usd(250'000)},
      {est(2024, 6, 5, 9), usd(150'000)},
  };
  auto left = remaining_withdrawal(DeviceKind::sms, ledger, now);
  EXPECT_EQ(left.one_day, UsdLimit::of_cents(usd(50'000)));
  EXPECT_EQ(left.five_day, UsdLimit::of_cents(usd(200'000)));
  EXPECT_EQ(available_withdrawal(DeviceKind::sms, ledger, now), UsdLimit::of_cents(usd(50'000)));

  left = remaining_withdrawal(DeviceKind::none, ledger, now);  // 50k / 100k, both overdrawn
  EXPECT_EQ(left.one_day, UsdLimit::of_cents(0));
  EXPECT_EQ(left.five_day, UsdLimit::of_cents(0));
}

TEST(RemainingWithdrawal, UnlimitedStaysUnlimited) {
  const std::int64_t now = est(2024, 6, 5, 12);
  const std::vector<LedgerEntry> ledger{{now, INT64_MAX}, {now - 86'400, usd(9'000'000'000)}};
  for (DeviceKind kind : {DeviceKind::dsc_plus, DeviceKind::platinum_gold}) {
    auto left = remaining_withdrawal(kind, ledger, now);
    EXPECT_TRUE(left.one_day.is_unlimited());
    EXPECT_TRUE(left.five_day.is_unlimited());
    EXPECT_TRUE(available_withdrawal(kind, ledger, now).is_unlimited());
    EXPECT_TRUE(check_withdrawal(kind, ledger, now, INT64_MAX).ok());
  }
}

TEST(CheckWithdrawal, AmountsMustBePositive) {
  const std::int64_t now = est(2024, 6, 5);
  EXPECT_EQ(check_withdrawal(DeviceKind::dsc_plus, {}, now, 0).code(), Errc::limit_bad_amount);
  EXPECT_EQ(check_withdrawal(DeviceKind::sms, {}, now, -1).code(), Errc::limit_bad_amount);
  EXPECT_EQ(check_withdrawal(DeviceKind::sms, {}, now, INT64_MIN).code(), Errc::limit_bad_amount);
}

TEST(CheckWithdrawal, UpToTheDailyLimitExactly) {
  const std::int64_t now = est(2024, 6, 5, 12);
  const std::vector<LedgerEntry> ledger{{est(2024, 6, 5, 9), usd(150'000) + 50}};
  const std::int64_t left = usd(50'000) - 50;  // 49,999.50
  EXPECT_TRUE(check_withdrawal(DeviceKind::sms, ledger, now, left).ok());
  auto over = check_withdrawal(DeviceKind::sms, ledger, now, left + 1);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error(), fail(Errc::limit_daily_exceeded, {"49,999.50"}));
  EXPECT_EQ(localize(over.error(), Lang::en),
            "This exceeds your one-day limit. You can withdraw up to 49,999.50 USD now.");
  // The next business day the daily allowance is back.
  EXPECT_TRUE(check_withdrawal(DeviceKind::sms, ledger, est(2024, 6, 6, 0), usd(200'000)).ok());
}

TEST(CheckWithdrawal, TheFiveDayLimitBindsAfterSeveralDays) {
  // SMS: 200k a day, 600k per 5 business days. 150k on each of Mon, Tue, Wed.
  const std::vector<LedgerEntry> ledger{
      {est(2024, 6, 3, 10), usd(150'000)},
      {est(2024, 6, 4, 10), usd(150'000)},
      {est(2024, 6, 5, 10), usd(150'000)},
  };
  const std::int64_t thursday = est(2024, 6, 6, 10);
  EXPECT_TRUE(check_withdrawal(DeviceKind::sms, ledger, thursday, usd(150'000)).ok());
  auto over = check_withdrawal(DeviceKind::sms, ledger, thursday, usd(150'000) + 1);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error(), fail(Errc::limit_five_day_exceeded, {"150,000.00"}));
  EXPECT_NE(localize(over.error(), Lang::zh_Hant).find("150,000.00"), std::string::npos);

  // Monday of the next week: the window is Tue 4 … Mon 10 June, 300k used.
  const std::int64_t next_monday = est(2024, 6, 10, 10);
  EXPECT_EQ(remaining_withdrawal(DeviceKind::sms, ledger, next_monday).five_day, UsdLimit::of_cents(usd(300'000)));
  EXPECT_EQ(check_withdrawal(DeviceKind::sms, ledger, next_monday, usd(200'001)).error(),
            fail(Errc::limit_daily_exceeded, {"200,000.00"}));
}

TEST(CheckWithdrawal, AnExhaustedFiveDayWindowReportsZero) {
  const std::vector<LedgerEntry> ledger{
      {est(2024, 6, 3, 10), usd(200'000)},
      {est(2024, 6, 4, 10), usd(200'000)},
      {est(2024, 6, 5, 10), usd(200'000)},
  };
  EXPECT_EQ(check_withdrawal(DeviceKind::code_card, ledger, est(2024, 6, 6), 1).error(),
            fail(Errc::limit_five_day_exceeded, {"0.00"}));
}

TEST(CheckWithdrawal, EqualRemaindersReportTheDailyLimit) {
  // Mobile Key: 1M a day and 1M per 5 days; nothing used: both remainders
  // are equal.
  EXPECT_EQ(check_withdrawal(DeviceKind::mobile_key, {}, est(2024, 6, 5), usd(1'000'000) + 1).error(),
            fail(Errc::limit_daily_exceeded, {"1,000,000.00"}));
}

TEST(CheckWithdrawal, DependsOnTheCalendar) {
  // 03:00 UTC on Tuesday 4 June: Monday in New York, Tuesday in Hong Kong.
  const std::vector<LedgerEntry> ledger{{local_time(2024, 6, 4, 3, 0, 0, 0), usd(50'000)}};
  const std::int64_t now = local_time(2024, 6, 4, 15, 0, 0, 0);  // Tuesday in both
  auto hong_kong = *BusinessCalendar::with_utc_offset(8 * 3600);
  EXPECT_TRUE(check_withdrawal(DeviceKind::none, ledger, now, usd(50'000)).ok());
  EXPECT_EQ(check_withdrawal(DeviceKind::none, ledger, now, usd(50'000), hong_kong).error(),
            fail(Errc::limit_daily_exceeded, {"0.00"}));
}

TEST(CheckWithdrawal, TemporaryCodeHasTheLimitsOfNoDevice) {
  const std::int64_t now = est(2024, 6, 5);
  EXPECT_TRUE(check_withdrawal(DeviceKind::temp_code, {}, now, usd(50'000)).ok());
  EXPECT_EQ(check_withdrawal(DeviceKind::temp_code, {}, now, usd(50'000) + 1).code(), Errc::limit_daily_exceeded);
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
