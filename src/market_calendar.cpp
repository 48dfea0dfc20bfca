// A market's business-day calendar: local days, holidays, window starts (market_calendar.hpp).
#include "sls/market_calendar.hpp"

#include <algorithm>
#include <string>

namespace sls {
namespace {

constexpr std::int64_t kSecondsPerDay = 86'400;

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

constexpr std::int64_t saturating_add(std::int64_t a, std::int64_t b) noexcept {
  if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
  if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
  return a + b;
}

Error bad_data(std::string_view what) { return fail(Errc::calendar_bad_data, {what}); }

}  // namespace

std::string format_civil_date(CivilDate date) {
  auto two = [](unsigned n) { return std::string{static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)}; };
  std::string year = std::to_string(date.year < 0 ? -date.year : date.year);
  if (year.size() < 4) year.insert(0, 4 - year.size(), '0');
  return (date.year < 0 ? "-" : "") + year + "-" + two(date.month) + "-" + two(date.day);
}

Result<MarketCalendar> MarketCalendar::make(std::int64_t first_year, std::int64_t last_year,
                                            std::vector<UtcOffsetChange> offsets, std::vector<std::int64_t> holidays) {
  if (first_year < kMinYear || last_year > kMaxYear || first_year > last_year) return bad_data("years");
  if (offsets.empty()) return bad_data("no UTC offset");
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const auto off = offsets[i].utc_offset_seconds;
    if (off > kMaxUtcOffsetSeconds || off < -kMaxUtcOffsetSeconds) return bad_data("UTC offset beyond 14 hours");
    if (i > 0 && offsets[i].since <= offsets[i - 1].since) return bad_data("UTC offsets out of order");
  }
  MarketCalendar c;
  c.first_year_ = first_year;
  c.last_year_ = last_year;
  c.first_day_ = days_from_civil({first_year, 1, 1});
  c.last_day_ = days_from_civil({last_year, 12, 31});
  if (offsets.front().since > c.first_day_ * kSecondsPerDay - kMaxUtcOffsetSeconds)
    return bad_data("UTC offsets start after the first year");
  for (std::size_t i = 0; i < holidays.size(); ++i) {
    if (!c.in_range(holidays[i])) return bad_data("holiday outside the years");
    if (i > 0 && holidays[i] <= holidays[i - 1]) return bad_data("holidays out of order");
  }
  c.offsets_ = std::move(offsets);
  c.holidays_ = std::move(holidays);
  return c;
}

std::int32_t MarketCalendar::utc_offset_at(std::int64_t unix_seconds) const noexcept {
  // The last change at or before the instant; the first one covers all before it.
  auto it = std::upper_bound(offsets_.begin(), offsets_.end(), unix_seconds,
                             [](std::int64_t t, const UtcOffsetChange& c) { return t < c.since; });
  return it == offsets_.begin() ? it->utc_offset_seconds : std::prev(it)->utc_offset_seconds;
}

Error MarketCalendar::out_of_range(std::int64_t day) const {
  return fail(Errc::calendar_out_of_range,
              {format_civil_date(civil_from_days(day)), std::to_string(first_year_), std::to_string(last_year_)});
}

Result<std::int64_t> MarketCalendar::local_day(std::int64_t unix_seconds) const {
  const std::int64_t day = floor_div(saturating_add(unix_seconds, utc_offset_at(unix_seconds)), kSecondsPerDay);
  if (!in_range(day)) return out_of_range(day);
  return day;
}

Result<std::int64_t> MarketCalendar::day_start(std::int64_t day) const {
  if (!in_range(day)) return out_of_range(day);
  // The smallest instant whose local day is `day`: local time never runs
  // more than 14 hours from UTC, so it lies within these bounds.
  std::int64_t lo = day * kSecondsPerDay - kMaxUtcOffsetSeconds;  // local day >= day from here at the latest…
  std::int64_t hi = day * kSecondsPerDay + kMaxUtcOffsetSeconds;  // …and surely by here
  auto day_of = [&](std::int64_t t) { return floor_div(t + utc_offset_at(t), kSecondsPerDay); };
  lo -= 1;  // day_of(lo) < day
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (day_of(mid) >= day ? hi : lo) = mid;
  }
  return hi;
}

Result<bool> MarketCalendar::is_business_day(std::int64_t day) const {
  if (!in_range(day)) return out_of_range(day);
  if (weekday_of(day) >= 5) return false;
  return !std::binary_search(holidays_.begin(), holidays_.end(), day);
}

Result<std::int64_t> MarketCalendar::business_day(std::int64_t unix_seconds) const {
  Result<std::int64_t> day = local_day(unix_seconds);
  if (!day) return day;
  for (std::int64_t d = *day;; ++d) {
    Result<bool> business = is_business_day(d);
    if (!business) return business.error();
    if (*business) return d;
  }
}

Result<std::int64_t> MarketCalendar::window_start(std::int64_t now_unix_seconds, std::int64_t business_days) const {
  if (business_days < 1) return fail(Errc::bad_argument);
  Result<std::int64_t> today = business_day(now_unix_seconds);
  if (!today) return today;
  // Walk back to the business day `business_days` before today.
  std::int64_t d = *today;
  for (std::int64_t found = 0; found < business_days;) {
    Result<bool> business = is_business_day(--d);
    if (!business) return business.error();
    if (*business) ++found;
  }
  return day_start(d + 1);
}

}  // namespace sls
