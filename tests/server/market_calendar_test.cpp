// The server's market calendars: New York and Hong Kong time from the
// system's tz database, NYSE and HKEX holidays from the generated files, and
// the withdrawal rules counted in them (issue 11).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/market_calendar.hpp"
#include "sls/withdrawal.hpp"

namespace sls::server {
namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t usd(std::int64_t dollars) { return dollars * kCentsPerUsd; }
constexpr std::int64_t day_of(std::int64_t y, unsigned m, unsigned d) { return days_from_civil({y, m, d}); }

// Unix seconds of a wall-clock time at a given UTC offset in hours (-5 EST,
// -4 EDT, +8 HKT): the tests spell out the offset they expect.
constexpr std::int64_t at(std::int64_t y, unsigned m, unsigned d, int hh, int mm, int ss, int offset_hours) {
  return day_of(y, m, d) * 86'400 + hh * kHour + mm * 60 + ss - offset_hours * kHour;
}

// The error of a refusal; Errc::ok when there was none (so that a wrong
// answer fails the test instead of aborting it).
Error error_of(const Status& status) { return status.ok() ? fail(Errc::ok) : status.error(); }

const MarketCalendar& us() {
  static const MarketCalendar calendar = market_calendar(Market::us).value();
  return calendar;
}
const MarketCalendar& hk() {
  static const MarketCalendar calendar = market_calendar(Market::hk).value();
  return calendar;
}

TEST(Market, NamesAndDefault) {
  EXPECT_EQ(parse_market("us"), Market::us);
  EXPECT_EQ(parse_market("hk"), Market::hk);
  EXPECT_EQ(parse_market("US"), std::nullopt);
  EXPECT_EQ(parse_market(""), std::nullopt);
  EXPECT_EQ(market_name(Market::hk), "hk");
  EXPECT_EQ(kDefaultMarket, Market::us);
}

TEST(MarketCalendarUs, YearsOfTheHolidayFile) {
  EXPECT_EQ(us().first_year(), 2025);
  EXPECT_EQ(us().last_year(), 2035);
  EXPECT_EQ(hk().first_year(), 2025);
  EXPECT_EQ(hk().last_year(), 2035);
}

TEST(MarketCalendarUs, NewYorkSwitchesToDaylightTimeAndBack) {
  // 2026: daylight time from Sunday 8 March 02:00 EST (07:00 UTC) to
  // Sunday 1 November 02:00 EDT (06:00 UTC).
  const std::int64_t spring = at(2026, 3, 8, 7, 0, 0, 0);
  const std::int64_t autumn = at(2026, 11, 1, 6, 0, 0, 0);
  EXPECT_EQ(us().utc_offset_at(spring - 1), -5 * 3600);
  EXPECT_EQ(us().utc_offset_at(spring), -4 * 3600);
  EXPECT_EQ(us().utc_offset_at(autumn - 1), -4 * 3600);
  EXPECT_EQ(us().utc_offset_at(autumn), -5 * 3600);
  // The switch days last 23 and 25 hours.
  EXPECT_EQ(*us().day_start(day_of(2026, 3, 9)) - *us().day_start(day_of(2026, 3, 8)), 23 * kHour);
  EXPECT_EQ(*us().day_start(day_of(2026, 11, 2)) - *us().day_start(day_of(2026, 11, 1)), 25 * kHour);
  // 2030 too (second Sunday of March 10, first Sunday of November 3).
  EXPECT_EQ(us().utc_offset_at(at(2030, 3, 10, 6, 59, 59, 0)), -5 * 3600);
  EXPECT_EQ(us().utc_offset_at(at(2030, 3, 10, 7, 0, 0, 0)), -4 * 3600);
  EXPECT_EQ(us().utc_offset_at(at(2030, 11, 3, 6, 0, 0, 0)), -5 * 3600);
  // Two switches in each of the 11 years, the last on 4 November 2035 (a tz
  // database without the later transitions would stop short).
  EXPECT_EQ(us().offsets().size(), 1u + 2 * 11);
  EXPECT_EQ(us().utc_offset_at(at(2035, 11, 4, 5, 59, 59, 0)), -4 * 3600);
  EXPECT_EQ(us().utc_offset_at(at(2035, 11, 4, 6, 0, 0, 0)), -5 * 3600);
  // Hong Kong keeps UTC+8 all year.
  EXPECT_EQ(hk().offsets().size(), 1u);
  EXPECT_EQ(hk().utc_offset_at(at(2026, 7, 1, 0, 0, 0, 0)), 8 * 3600);
}

TEST(MarketCalendarUs, WeekendsAndNyseHolidays) {
  auto business = [](std::int64_t y, unsigned m, unsigned d) { return *us().is_business_day(day_of(y, m, d)); };
  EXPECT_TRUE(business(2026, 11, 25));
  EXPECT_FALSE(business(2026, 11, 26));  // Thanksgiving
  EXPECT_TRUE(business(2026, 11, 27));   // the day after: a half day, still open
  EXPECT_FALSE(business(2026, 11, 28));  // Saturday
  EXPECT_FALSE(business(2026, 11, 29));  // Sunday
  EXPECT_FALSE(business(2026, 4, 3));    // Good Friday: not a federal holiday, the exchange closes
  EXPECT_FALSE(business(2026, 6, 19));   // Juneteenth
  EXPECT_FALSE(business(2026, 7, 3));    // Independence Day on a Saturday: closed the Friday before
  EXPECT_TRUE(business(2026, 10, 12));   // Columbus Day: the exchange opens
  EXPECT_TRUE(business(2026, 11, 11));   // Veterans Day: the exchange opens
  EXPECT_FALSE(business(2027, 12, 24));  // Christmas on a Saturday: closed the Friday before
  EXPECT_TRUE(business(2027, 12, 31));   // New Year's Day 2028 on a Saturday: no closure
  // A moment on a holiday belongs to the next business day; late evening in
  // New York is already the next day in UTC.
  EXPECT_EQ(*us().business_day(at(2026, 11, 26, 12, 0, 0, -5)), day_of(2026, 11, 27));
  EXPECT_EQ(*us().business_day(at(2026, 11, 25, 23, 30, 0, -5)), day_of(2026, 11, 25));
  EXPECT_EQ(*us().business_day(at(2026, 4, 2, 23, 59, 59, -4)), day_of(2026, 4, 2));
  EXPECT_EQ(*us().business_day(at(2026, 4, 3, 0, 0, 0, -4)), day_of(2026, 4, 6));
}

TEST(MarketCalendarHk, LunarNewYearAndHongKongTime) {
  auto business = [](std::int64_t y, unsigned m, unsigned d) { return *hk().is_business_day(day_of(y, m, d)); };
  EXPECT_TRUE(business(2026, 2, 16));
  EXPECT_FALSE(business(2026, 2, 17));  // Lunar New Year's Day
  EXPECT_FALSE(business(2026, 2, 18));
  EXPECT_FALSE(business(2026, 2, 19));
  EXPECT_TRUE(business(2026, 2, 20));
  EXPECT_FALSE(business(2026, 4, 3));  // Good Friday
  EXPECT_FALSE(business(2026, 4, 7));  // the day following Easter Monday (Ching Ming took the Monday)
  EXPECT_FALSE(business(2026, 7, 1));  // HKSAR Establishment Day
  EXPECT_TRUE(business(2026, 7, 3));   // open in Hong Kong, closed in New York
  // 16:00 UTC on Monday 16 February is midnight in Hong Kong: Lunar New Year,
  // so the moment belongs to Friday 20 February.
  EXPECT_EQ(*hk().business_day(at(2026, 2, 16, 15, 59, 59, 0)), day_of(2026, 2, 16));
  EXPECT_EQ(*hk().business_day(at(2026, 2, 16, 16, 0, 0, 0)), day_of(2026, 2, 20));
}

TEST(MarketCalendarUs, WindowsAcrossTheDaylightSavingSwitches) {
  // Wednesday 11 March 2026 (daylight time since Sunday): the 5-day window
  // is Thu 5 … Wed 11 March and starts at 00:00 EST on the 5th.
  const std::int64_t march = at(2026, 3, 11, 10, 0, 0, -4);
  EXPECT_EQ(*us().window_start(march, 5), at(2026, 3, 5, 0, 0, 0, -5));
  EXPECT_EQ(*us().window_start(march, 1), at(2026, 3, 11, 0, 0, 0, -4));
  const std::vector<LedgerEntry> spring{
      {at(2026, 3, 4, 23, 59, 59, -5), 1},  // Wednesday before: out
      {at(2026, 3, 5, 0, 0, 0, -5), 10},    // Thursday 00:00 EST: in
      {at(2026, 3, 8, 3, 0, 0, -4), 100},   // Sunday, after the switch: in (Monday)
      {at(2026, 3, 10, 23, 59, 59, -4), 1'000},
      {at(2026, 3, 11, 0, 0, 0, -4), 10'000},  // today's first second (04:00 UTC)
  };
  auto usage = withdrawal_usage(spring, march, us());
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->one_day_cents, 10'000);
  EXPECT_EQ(usage->five_day_cents, 11'110);

  // Wednesday 4 November 2026 (standard time since Sunday): the window is
  // Thu 29 October … Wed 4 November and starts at 00:00 EDT on the 29th.
  const std::int64_t november = at(2026, 11, 4, 10, 0, 0, -5);
  EXPECT_EQ(*us().window_start(november, 5), at(2026, 10, 29, 0, 0, 0, -4));
  EXPECT_EQ(*us().window_start(november, 1), at(2026, 11, 4, 0, 0, 0, -5));
  const std::vector<LedgerEntry> autumn{
      {at(2026, 10, 28, 23, 59, 59, -4), 1},   // out
      {at(2026, 10, 29, 0, 0, 0, -4), 10},     // in
      {at(2026, 11, 1, 1, 30, 0, -4), 100},    // the first 01:30 of Sunday: in (Monday)
      {at(2026, 11, 1, 1, 30, 0, -5), 1'000},  // the second 01:30: in
      {at(2026, 11, 3, 23, 59, 59, -5), 10'000},
      {at(2026, 11, 4, 0, 0, 0, -5), 100'000},  // 05:00 UTC; 04:00 UTC would still be Tuesday
      {at(2026, 11, 4, 0, 0, 0, -4), 1'000'000},
  };
  usage = withdrawal_usage(autumn, november, us());
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->one_day_cents, 100'000);
  EXPECT_EQ(usage->five_day_cents, 1'111'110);
}

TEST(MarketCalendarUs, AFiveDayWindowSpanningThanksgivingReachesBackOneDayMore) {
  // Monday 30 November 2026: the 5 business days are Mon 23, Tue 24, Wed 25,
  // Fri 27 and Mon 30 (Thursday 26 is Thanksgiving), so the window starts
  // after Friday 20. SMS: 200,000 a day, 600,000 per 5 business days.
  const std::vector<LedgerEntry> ledger{
      {at(2026, 11, 20, 23, 59, 59, -5), usd(200'000)},  // out
      {at(2026, 11, 21, 10, 0, 0, -5), usd(100'000)},    // Saturday: counts toward Monday 23
      {at(2026, 11, 23, 10, 0, 0, -5), usd(100'000)},   {at(2026, 11, 25, 10, 0, 0, -5), usd(200'000)},
      {at(2026, 11, 26, 10, 0, 0, -5), usd(100'000)},  // Thanksgiving: counts toward Friday 27
  };
  const std::int64_t now = at(2026, 11, 30, 10, 0, 0, -5);
  EXPECT_EQ(*us().window_start(now, 5), at(2026, 11, 21, 0, 0, 0, -5));
  EXPECT_TRUE(check_withdrawal(DeviceKind::sms, ledger, now, usd(100'000), us()).ok());
  EXPECT_EQ(error_of(check_withdrawal(DeviceKind::sms, ledger, now, usd(100'000) + 1, us())),
            fail(Errc::limit_five_day_exceeded, {"100,000.00"}));
  // On Friday 27 the 1-day window holds Thanksgiving's withdrawal (and the
  // 5-day window, back to Friday 20, is overdrawn).
  auto friday = remaining_withdrawal(DeviceKind::sms, ledger, at(2026, 11, 27, 9, 0, 0, -5), us());
  ASSERT_TRUE(friday.ok());
  EXPECT_EQ(friday->one_day, UsdLimit::of_cents(usd(100'000)));
  EXPECT_EQ(friday->five_day, UsdLimit::of_cents(0));
}

TEST(MarketCalendarUs, DatesOutsideTheFileAreErrors) {
  const auto late = check_withdrawal(DeviceKind::sms, {}, at(2036, 1, 2, 10, 0, 0, -5), 1, us());
  EXPECT_EQ(error_of(late), fail(Errc::calendar_out_of_range, {"2036-01-02", "2025", "2035"}));
  // Thursday 2 January 2025: the 5-day window reaches into 2024.
  EXPECT_EQ(error_of(check_withdrawal(DeviceKind::sms, {}, at(2025, 1, 2, 10, 0, 0, -5), 1, us())),
            fail(Errc::calendar_out_of_range, {"2024-12-31", "2025", "2035"}));
  // Friday 2 January 2026: the 5-day window reaches back into 2025, now in the files.
  EXPECT_TRUE(check_withdrawal(DeviceKind::sms, {}, at(2026, 1, 2, 10, 0, 0, -5), 1, us()).ok());
  EXPECT_EQ(check_withdrawal(DeviceKind::sms, {}, at(2036, 1, 2, 10, 0, 0, 8), 1, hk()).code(),
            Errc::calendar_out_of_range);
  // The last moment of 2035 still has an answer: Monday 31 December 2035.
  EXPECT_TRUE(check_withdrawal(DeviceKind::sms, {}, at(2035, 12, 31, 23, 59, 59, -5), 1, us()).ok());
}

// Every device kind of the seed, through check_withdrawal with the US calendar.
struct SeedLimits {
  DeviceKind kind;
  std::int64_t one_day_usd;   // -1: unlimited
  std::int64_t five_day_usd;  // -1: unlimited
};
constexpr SeedLimits kSeed[] = {
    {DeviceKind::none, 50'000, 100'000},
    {DeviceKind::sms, 200'000, 600'000},
    {DeviceKind::mobile_key, 1'000'000, 1'000'000},
    {DeviceKind::code_card, 200'000, 600'000},
    {DeviceKind::online_card, 200'000, 600'000},
    {DeviceKind::dsc, 1'000'000, 1'500'000},
    {DeviceKind::dsc_plus, -1, -1},
    {DeviceKind::platinum_gold, -1, -1},
    {DeviceKind::temp_code, 50'000, 100'000},
};

TEST(MarketCalendarUs, LimitsOfEveryDeviceKind) {
  static_assert(std::size(kSeed) == kAllDeviceKinds.size());
  const std::int64_t now = at(2026, 12, 2, 11, 0, 0, -5);         // Wednesday
  const std::int64_t earlier = at(2026, 11, 27, 11, 0, 0, -5);    // Friday before: in the 5-day window
  const std::int64_t too_early = at(2026, 11, 24, 11, 0, 0, -5);  // Tuesday: outside (Thanksgiving between)
  for (const SeedLimits& seed : kSeed) {
    SCOPED_TRACE(std::string(device_kind_id(seed.kind)));
    if (seed.one_day_usd < 0) {
      const std::vector<LedgerEntry> spent{{now, INT64_MAX}};
      EXPECT_TRUE(check_withdrawal(seed.kind, spent, now, INT64_MAX, us()).ok());
      continue;
    }
    const std::int64_t daily = usd(seed.one_day_usd);
    const std::int64_t five = usd(seed.five_day_usd);
    // Nothing used: the daily limit, to the cent.
    EXPECT_TRUE(check_withdrawal(seed.kind, {}, now, daily, us()).ok());
    EXPECT_EQ(error_of(check_withdrawal(seed.kind, {}, now, daily + 1, us())),
              fail(Errc::limit_daily_exceeded, {format_usd_cents(daily)}));
    // Used earlier in the window so that half a day's limit is left of the
    // five-day one: the five-day limit binds.
    const std::vector<LedgerEntry> ledger{{earlier, five - daily / 2}, {too_early, five}};
    EXPECT_TRUE(check_withdrawal(seed.kind, ledger, now, daily / 2, us()).ok());
    EXPECT_EQ(error_of(check_withdrawal(seed.kind, ledger, now, daily / 2 + 1, us())),
              fail(Errc::limit_five_day_exceeded, {format_usd_cents(daily / 2)}));
  }
}

TEST(MarketCalendarFromJson, BadFilesAreRefusedWithTheReason) {
  auto reason = [](std::string_view json) {
    auto r = market_calendar_from_json(json);
    return r.ok() ? std::string("ok") : r.error().code == Errc::calendar_bad_data ? r.error().args.at(0) : "?";
  };
  const std::string head = R"({"time_zone": "America/New_York", "first_year": 2026, "last_year": 2026, )";
  EXPECT_EQ(reason(head + R"("holidays": []})"), "ok");
  EXPECT_EQ(reason("[]"), "not a JSON object");
  EXPECT_EQ(reason(R"({"time_zone": "America/New_York"})"), "time_zone, first_year, last_year or holidays missing");
  EXPECT_EQ(reason(R"({"time_zone": "Mars/Olympus_Mons", "first_year": 2026, "last_year": 2026, "holidays": []})"),
            "unknown time zone Mars/Olympus_Mons");
  EXPECT_EQ(reason(head + R"("holidays": [{"date": "2026-02-30"}]})"), "holiday date 2026-02-30");
  EXPECT_EQ(reason(head + R"("holidays": [{"date": "2026-1-01"}]})"), "holiday date 2026-1-01");
  EXPECT_EQ(reason(head + R"("holidays": [{"name": "x"}]})"), "holiday date (none)");
  EXPECT_EQ(reason(head + R"("holidays": [{"date": "2027-01-01"}]})"), "holiday outside the years");
  EXPECT_EQ(reason(head + R"("holidays": [{"date": "2026-05-01"}, {"date": "2026-01-01"}]})"), "holidays out of order");
  EXPECT_EQ(reason(R"({"time_zone": "UTC", "first_year": 2027, "last_year": 2026, "holidays": []})"), "years");
}

}  // namespace
}  // namespace sls::server
