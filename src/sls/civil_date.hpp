// Proleptic Gregorian dates as day numbers: day 0 is 1 January 1970. Pure
// arithmetic (H. Hinnant's days_from_civil / civil_from_days), so the core
// can name and print local dates without a date library.
#pragma once

#include <cstdint>
#include <string>

namespace sls {

/// A calendar date; month 1–12, day 1–31.
struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;

  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

/// Days from 1970-01-01 to `date` (negative before it).
constexpr std::int64_t days_from_civil(CivilDate date) noexcept {
  const std::int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (date.month > 2 ? date.month - 3 : date.month + 9) + 2) / 5 + date.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// The date of a day number; inverse of days_from_civil for |day| < 2^60.
constexpr CivilDate civil_from_days(std::int64_t day) noexcept {
  const std::int64_t z = day + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

/// 0 = Monday … 6 = Sunday.
constexpr unsigned weekday_of(std::int64_t day) noexcept {
  const std::int64_t w = (day + 3) % 7;  // 1970-01-01 was a Thursday (3)
  return static_cast<unsigned>(w < 0 ? w + 7 : w);
}

/// "2026-11-26" (ISO 8601; the year as many digits as it needs).
std::string format_civil_date(CivilDate date);

}  // namespace sls
