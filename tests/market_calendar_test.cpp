// The core's market calendar on hand-made data: the server's real calendars
// (tz database, holiday files) are tested in server/market_calendar_test.cpp.
#include <gtest/gtest.h>

#include <vector>

#include "sls/market_calendar.hpp"

namespace sls {
namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86'400;

constexpr std::int64_t day_of(std::int64_t y, unsigned m, unsigned d) { return days_from_civil({y, m, d}); }

// A zone like New York in 2026: UTC-5, UTC-4 from Sunday 8 March 02:00
// local (07:00 UTC), UTC-5 again from Sunday 1 November 02:00 local (06:00 UTC).
const std::int64_t kSpring = day_of(2026, 3, 8) * kDay + 7 * kHour;
const std::int64_t kAutumn = day_of(2026, 11, 1) * kDay + 6 * kHour;
const std::vector<UtcOffsetChange> kOffsets{{INT64_MIN, -5 * 3600}, {kSpring, -4 * 3600}, {kAutumn, -5 * 3600}};

MarketCalendar calendar(std::vector<std::int64_t> holidays = {}) {
  return MarketCalendar::make(2026, 2026, kOffsets, std::move(holidays)).value();
}

// Unix seconds of a New York wall-clock time (standard or daylight time as given).
constexpr std::int64_t at(std::int64_t y, unsigned m, unsigned d, int hh, std::int64_t offset_hours) {
  return day_of(y, m, d) * kDay + hh * kHour - offset_hours * kHour;
}

TEST(CivilDate, RoundTripsAndWeekdays) {
  EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(civil_from_days(day_of(2026, 11, 26)), (CivilDate{2026, 11, 26}));
  EXPECT_EQ(civil_from_days(-1), (CivilDate{1969, 12, 31}));
  EXPECT_EQ(weekday_of(0), 3u);                     // Thursday
  EXPECT_EQ(weekday_of(day_of(2026, 11, 29)), 6u);  // Sunday
  EXPECT_EQ(weekday_of(-4), 6u);                    // Sunday 28 December 1969
  EXPECT_EQ(format_civil_date({2026, 3, 8}), "2026-03-08");
  EXPECT_EQ(format_civil_date({987, 12, 1}), "0987-12-01");
}

TEST(MarketCalendar, BadDataIsRefusedWithTheReason) {
  auto reason = [](const Result<MarketCalendar>& r) { return r.ok() ? std::string("ok") : r.error().args.at(0); };
  EXPECT_EQ(reason(MarketCalendar::make(2027, 2026, kOffsets, {})), "years");
  EXPECT_EQ(reason(MarketCalendar::make(1969, 2026, kOffsets, {})), "years");
  EXPECT_EQ(reason(MarketCalendar::make(2026, 10'000, kOffsets, {})), "years");
  EXPECT_EQ(reason(MarketCalendar::make(2026, 2026, {}, {})), "no UTC offset");
  EXPECT_EQ(reason(MarketCalendar::make(2026, 2026, {{0, 14 * 3600 + 1}}, {})), "UTC offset beyond 14 hours");
  EXPECT_EQ(reason(MarketCalendar::make(2026, 2026, {{0, 0}, {0, 3600}}, {})), "UTC offsets out of order");
  EXPECT_EQ(reason(MarketCalendar::make(2026, 2026, {{day_of(2026, 1, 1) * kDay, 0}}, {})),
            "UTC offsets start after the first year");
  EXPECT_EQ(reason(MarketCalendar::make(2026, 2026, kOffsets, {day_of(2027, 1, 1)})), "holiday outside the years");
  EXPECT_EQ(reason(MarketCalendar::make(2026, 2026, kOffsets, {day_of(2026, 5, 1), day_of(2026, 5, 1)})),
            "holidays out of order");
  EXPECT_EQ(MarketCalendar::make(2026, 2026, {}, {}).code(), Errc::calendar_bad_data);
}

TEST(MarketCalendar, WeekendsAndHolidaysBelongToTheNextBusinessDay) {
  const auto cal = calendar({day_of(2026, 11, 26)});  // Thanksgiving, a Thursday
  EXPECT_EQ(*cal.business_day(at(2026, 11, 25, 12, -5)), day_of(2026, 11, 25));
  EXPECT_EQ(*cal.business_day(at(2026, 11, 26, 12, -5)), day_of(2026, 11, 27));  // holiday → Friday
  EXPECT_EQ(*cal.business_day(at(2026, 11, 28, 12, -5)), day_of(2026, 11, 30));  // Saturday → Monday
  EXPECT_EQ(*cal.business_day(at(2026, 11, 29, 23, -5)), day_of(2026, 11, 30));  // Sunday → Monday
  EXPECT_FALSE(*cal.is_business_day(day_of(2026, 11, 26)));
  EXPECT_TRUE(*cal.is_business_day(day_of(2026, 11, 27)));
  EXPECT_FALSE(*cal.is_business_day(day_of(2026, 11, 28)));
}

TEST(MarketCalendar, DaysFollowDaylightSavingTime) {
  const auto cal = calendar();
  EXPECT_EQ(cal.utc_offset_at(kSpring - 1), -5 * 3600);
  EXPECT_EQ(cal.utc_offset_at(kSpring), -4 * 3600);
  EXPECT_EQ(cal.utc_offset_at(kAutumn), -5 * 3600);
  // Midnight is 05:00 UTC in winter and 04:00 UTC in summer.
  EXPECT_EQ(*cal.day_start(day_of(2026, 3, 8)), at(2026, 3, 8, 0, -5));
  EXPECT_EQ(*cal.day_start(day_of(2026, 3, 9)), at(2026, 3, 9, 0, -4));
  EXPECT_EQ(*cal.day_start(day_of(2026, 3, 9)) - *cal.day_start(day_of(2026, 3, 8)), 23 * kHour);
  EXPECT_EQ(*cal.day_start(day_of(2026, 11, 2)) - *cal.day_start(day_of(2026, 11, 1)), 25 * kHour);
  // 23:30 on Monday 9 March (daylight time) is 03:30 UTC on Tuesday: still Monday.
  EXPECT_EQ(*cal.local_day(at(2026, 3, 9, 23, -4) + 1800), day_of(2026, 3, 9));
  EXPECT_EQ(*cal.local_day(*cal.day_start(day_of(2026, 3, 10)) - 1), day_of(2026, 3, 9));
}

TEST(MarketCalendar, WindowsSpanWeekendsAndHolidays) {
  const auto cal = calendar({day_of(2026, 11, 26)});
  // Monday 30 November: the 1-day window starts after Friday 27, so it holds
  // the weekend; the 5-day window reaches back to Mon 23 … over Thanksgiving,
  // starting after Friday 20.
  const std::int64_t monday = at(2026, 11, 30, 10, -5);
  EXPECT_EQ(*cal.window_start(monday, 1), at(2026, 11, 28, 0, -5));
  EXPECT_EQ(*cal.window_start(monday, 5), at(2026, 11, 21, 0, -5));
  // Friday 27: the 1-day window takes in Thanksgiving.
  EXPECT_EQ(*cal.window_start(at(2026, 11, 27, 10, -5), 1), at(2026, 11, 26, 0, -5));
  EXPECT_EQ(cal.window_start(monday, 0).code(), Errc::bad_argument);
}

TEST(MarketCalendar, OutsideTheSupportedYearsIsAnError) {
  const auto cal = calendar();
  const Error late = fail(Errc::calendar_out_of_range, {"2027-01-01", "2026", "2026"});
  EXPECT_EQ(cal.local_day(at(2027, 1, 1, 0, -5)).error(), late);
  EXPECT_EQ(*cal.local_day(at(2027, 1, 1, 0, -5) - 1), day_of(2026, 12, 31));
  EXPECT_EQ(cal.is_business_day(day_of(2025, 12, 31)).error(),
            fail(Errc::calendar_out_of_range, {"2025-12-31", "2026", "2026"}));
  EXPECT_EQ(cal.day_start(day_of(2027, 1, 1)).error(), late);
  // Thursday 31 December 2026 is a business day; a window at the start of
  // the year would need the days before it.
  EXPECT_EQ(*cal.business_day(at(2026, 12, 31, 12, -5)), day_of(2026, 12, 31));
  EXPECT_EQ(cal.window_start(at(2026, 1, 2, 12, -5), 5).code(), Errc::calendar_out_of_range);
  EXPECT_EQ(cal.local_day(INT64_MAX).code(), Errc::calendar_out_of_range);
  EXPECT_EQ(cal.local_day(INT64_MIN).code(), Errc::calendar_out_of_range);
}

}  // namespace
}  // namespace sls
