// A market's business-day calendar (SPEC §2, issue 11): which local day an
// instant falls on, which days are business days, and where the rolling
// withdrawal windows start. Pure data, no clock and no tz database: the
// server fills it from the tz database and the holiday files
// (src/server/market_calendar.hpp, docs/withdrawals.md).
//
// Definitions
//  - The market's local time is UTC plus the offset in force, taken from a
//    list of offset changes (daylight saving included) sorted by instant.
//    A local day runs from local 00:00:00 to 23:59:59, so it lasts 23 or 25
//    hours on a daylight-saving switch day.
//  - Business days are Monday to Friday minus the market's holidays (local
//    dates). A moment on a weekend or a holiday belongs to the next
//    business day.
//  - The calendar answers only for local dates in its supported years
//    (first_year-01-01 to last_year-12-31): outside them every question is
//    Errc::calendar_out_of_range, never a guess.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sls/civil_date.hpp"
#include "sls/result.hpp"

namespace sls {

/// From `since` on (Unix seconds, UTC), local time is UTC + `utc_offset_seconds`.
struct UtcOffsetChange {
  std::int64_t since;
  std::int32_t utc_offset_seconds;

  friend bool operator==(const UtcOffsetChange&, const UtcOffsetChange&) = default;
};

class MarketCalendar {
 public:
  /// The widest offset accepted either side of UTC (civil offsets span
  /// UTC-12 to UTC+14).
  static constexpr std::int32_t kMaxUtcOffsetSeconds = 14 * 3600;
  /// Supported years must lie within these.
  static constexpr std::int64_t kMinYear = 1970;
  static constexpr std::int64_t kMaxYear = 9999;

  /// Checks and keeps the data. Errc::calendar_bad_data (argument: what is
  /// wrong) unless: kMinYear <= first_year <= last_year <= kMaxYear; the
  /// offsets are non-empty, strictly increasing in `since`, within ±14 hours,
  /// and the first is in force 14 hours before the first supported day; the
  /// holidays (day numbers, see civil_date.hpp) are strictly increasing and
  /// within the supported years.
  static Result<MarketCalendar> make(std::int64_t first_year, std::int64_t last_year,
                                     std::vector<UtcOffsetChange> offsets, std::vector<std::int64_t> holidays);

  std::int64_t first_year() const noexcept { return first_year_; }
  std::int64_t last_year() const noexcept { return last_year_; }
  std::span<const UtcOffsetChange> offsets() const noexcept { return offsets_; }
  std::span<const std::int64_t> holidays() const noexcept { return holidays_; }

  /// The offset in force at an instant (the first one before the first change).
  std::int32_t utc_offset_at(std::int64_t unix_seconds) const noexcept;

  /// The local day (day number) of an instant.
  Result<std::int64_t> local_day(std::int64_t unix_seconds) const;
  /// The first instant of a local day (Unix seconds).
  Result<std::int64_t> day_start(std::int64_t day) const;
  /// Whether a local day is a business day.
  Result<bool> is_business_day(std::int64_t day) const;
  /// The business day (day number) an instant belongs to: its own local day
  /// if that is a business day, else the next business day.
  Result<std::int64_t> business_day(std::int64_t unix_seconds) const;
  /// The first instant of the window of `business_days` business days that
  /// ends with the business day of `now` (business_days >= 1): the local
  /// midnight right after the business day `business_days` before it, so
  /// the weekends and holidays in between are inside.
  Result<std::int64_t> window_start(std::int64_t now_unix_seconds, std::int64_t business_days) const;

 private:
  MarketCalendar() = default;
  Error out_of_range(std::int64_t day) const;
  bool in_range(std::int64_t day) const noexcept { return day >= first_day_ && day <= last_day_; }

  std::int64_t first_year_ = 0;
  std::int64_t last_year_ = 0;
  std::int64_t first_day_ = 0;  // day numbers of 1 January first_year and 31 December last_year
  std::int64_t last_day_ = 0;
  std::vector<UtcOffsetChange> offsets_;
  std::vector<std::int64_t> holidays_;
};

}  // namespace sls
