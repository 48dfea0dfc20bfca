// Replacement device orders (docs/device-orders.md): a Digital Security
// Card+ the user orders in the security centre, shipped by the warehouse
// (slsctl order ship), activated on its first successful use at login or by
// itself 21 days after shipping. The steps the routes, the login and slsctl
// share, each inside the caller's transaction. Not installed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/records.hpp"
#include "server/store.hpp"
#include "sls/json.hpp"
#include "sls/market_calendar.hpp"
#include "sls/result.hpp"

namespace sls::server {

/// A shipped replacement activates by itself this long after shipping.
inline constexpr std::int64_t kOrderAutoActivateSeconds = 21 * 86400;
/// The warehouse ships within this many business days of the order.
inline constexpr std::int64_t kOrderShipBusinessDays = 2;

/// A shipped replacement that was not used yet: pending, with shipped_at.
[[nodiscard]] inline bool awaiting_first_use(const DeviceRecord& d) noexcept {
  return d.status == DeviceStatus::pending && d.shipped_at != 0;
}

/// Whether a login may offer (and check an answer of) the device: usable
/// (active, unexpired), or a shipped replacement awaiting its first use.
[[nodiscard]] bool device_offered_at_login(const DeviceRecord& d, std::int64_t now) noexcept;

/// "YYYY-MM-DD": kOrderShipBusinessDays business days after the business
/// day of `now` in `calendar`. Errc::calendar_out_of_range outside it.
Result<std::string> estimated_ship_date(const MarketCalendar& calendar, std::int64_t now);

/// Activates a shipped replacement (`device`, updated in place and stored):
/// active from `now`, its order "activated", history "activated" by
/// `actor` ("user": its first use; "server": 21 days passed), then
/// supersede_on_activation. Returns the push ids cancelled on the way.
Result<std::vector<std::string>> activate_ordered_device(StoreTx& tx, DeviceRecord& device, std::string_view actor,
                                                         std::int64_t now);

/// Activates every shipped replacement of the user whose auto_activate_at
/// has come (actor "server"); `devices`, when given, is the user's list as
/// read, updated in place. Called whenever the user's devices are read.
/// Returns the push ids cancelled on the way.
Result<std::vector<std::string>> activate_due_devices(StoreTx& tx, std::int64_t user_id, std::int64_t now,
                                                      std::vector<DeviceRecord>* devices = nullptr);

/// ORDER of docs/openapi-orders.yaml; `account_name` is the deposit
/// account's name, `serial` the device's.
JsonValue order_json(const DeviceOrderRecord& order, std::string_view serial, std::string_view account_name);

}  // namespace sls::server
