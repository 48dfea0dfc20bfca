// Market calendars from the holiday files and the tz database (market_calendar.hpp).
#include "market_calendar.hpp"

#include <date/tz.h>

#include <chrono>
#include <exception>
#include <string>
#include <vector>

#include "sls/json.hpp"

namespace sls::server {
namespace {

Error bad_data(std::string_view what) { return fail(Errc::calendar_bad_data, {what}); }

// "YYYY-MM-DD" with a real month and day → its day number.
std::optional<std::int64_t> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t count) -> std::optional<unsigned> {
    unsigned n = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      n = n * 10 + static_cast<unsigned>(text[i] - '0');
    }
    return n;
  };
  auto year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (!year || !month || !day || *month < 1 || *month > 12 || *day < 1) return std::nullopt;
  const CivilDate date{*year, *month, *day};
  const std::int64_t n = days_from_civil(date);
  if (civil_from_days(n) != date) return std::nullopt;  // 31 April, 29 February 2027, ...
  return n;
}

// The zone's offsets from 14 hours before the first supported day to 14
// hours after the last one; changes that keep the offset (a new abbreviation)
// are left out.
Result<std::vector<UtcOffsetChange>> zone_offsets(const std::string& zone_name, std::int64_t first_day,
                                                  std::int64_t last_day) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(zone_name);
  } catch (const std::exception&) {
    return bad_data("unknown time zone " + zone_name);
  }
  using std::chrono::seconds;
  const std::int64_t from = first_day * 86'400 - MarketCalendar::kMaxUtcOffsetSeconds;
  const std::int64_t to = (last_day + 1) * 86'400 + MarketCalendar::kMaxUtcOffsetSeconds;
  std::vector<UtcOffsetChange> offsets;
  date::sys_seconds t{seconds{from}};
  for (;;) {
    const date::sys_info info = zone->get_info(t);
    const auto offset = static_cast<std::int32_t>(info.offset.count());
    const std::int64_t since = offsets.empty() ? from : info.begin.time_since_epoch().count();
    if (offsets.empty() || offsets.back().utc_offset_seconds != offset) offsets.push_back({since, offset});
    if (info.end.time_since_epoch().count() >= to) break;
    t = info.end;
  }
  return offsets;
}

}  // namespace

std::optional<Market> parse_market(std::string_view name) noexcept {
  if (name == "us") return Market::us;
  if (name == "hk") return Market::hk;
  return std::nullopt;
}

std::string_view market_name(Market market) noexcept { return market == Market::hk ? "hk" : "us"; }

Result<MarketCalendar> market_calendar_from_json(std::string_view holidays_json) {
  Result<JsonValue> doc = json_parse(holidays_json);
  if (!doc || !doc->is_object()) return bad_data("not a JSON object");
  auto zone = doc->get_string("time_zone");
  auto first_year = doc->get_int("first_year");
  auto last_year = doc->get_int("last_year");
  const JsonValue* list = doc->find("holidays");
  if (!zone || !first_year || !last_year || !list || !list->as_array())
    return bad_data("time_zone, first_year, last_year or holidays missing");
  if (*first_year < MarketCalendar::kMinYear || *last_year > MarketCalendar::kMaxYear || *first_year > *last_year)
    return bad_data("years");

  std::vector<std::int64_t> holidays;
  for (const JsonValue& entry : *list->as_array()) {
    auto text = entry.get_string("date");
    std::optional<std::int64_t> day = text ? parse_date(*text) : std::nullopt;
    if (!day) return bad_data("holiday date " + std::string(text.value_or("(none)")));
    holidays.push_back(*day);
  }
  auto offsets =
      zone_offsets(std::string(*zone), days_from_civil({*first_year, 1, 1}), days_from_civil({*last_year, 12, 31}));
  if (!offsets) return offsets.error();
  return MarketCalendar::make(*first_year, *last_year, std::move(*offsets), std::move(holidays));
}

Result<MarketCalendar> market_calendar(Market market) {
  return market_calendar_from_json(market_holidays_json(market));
}

}  // namespace sls::server
