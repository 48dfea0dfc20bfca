// The device history: every step of a device's life (issued, activated,
// shared, lost, returned, revoked, ...) as one append-only row per step,
// written in the same transaction as the change it records, and shown to the
// user in the security centre (docs/devices.md). Not installed.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "server/records.hpp"
#include "server/store.hpp"
#include "sls/result.hpp"

namespace sls::server {

/// The events a device's history can record (DeviceEventRecord::event).
/// issued: enrolled, ordered or printed, not usable yet or usable at once;
/// activated: first usable (activation code, two card codes, first use, or
/// automatically after shipping); shared / unshared: a sharing with another
/// user began or ended; lost: the user reported it lost or stolen;
/// removed: the user removed it; replaced: revoked because its replacement
/// was activated; revoked: revoked otherwise (operator, a newer device of the
/// same kind, the permanent device replacing an online card); expired: its
/// validity ended; ordered / shipped: a replacement device's order steps;
/// returned: the device came back to the warehouse.
inline constexpr std::array<std::string_view, 12> kDeviceEvents = {"issued",  "activated", "shared",   "unshared",
                                                                   "lost",    "removed",   "replaced", "revoked",
                                                                   "expired", "ordered",   "shipped",  "returned"};

/// Who caused an event (DeviceEventRecord::actor).
inline constexpr std::string_view kActorUser = "user";
inline constexpr std::string_view kActorOperator = "operator";
inline constexpr std::string_view kActorServer = "server";

/// True when `event` is one of kDeviceEvents.
[[nodiscard]] constexpr bool is_device_event(std::string_view event) noexcept {
  for (std::string_view e : kDeviceEvents)
    if (e == event) return true;
  return false;
}

/// Appends one event for `device` (its user, id, kind and serial) inside
/// `tx`. Errc::internal for an event outside kDeviceEvents (a programming
/// error, refused rather than stored); store errors as they come.
[[nodiscard]] Status record_device_event(StoreTx& tx, const DeviceRecord& device, std::string_view event,
                                         std::string_view actor, std::string_view detail, std::int64_t now);

}  // namespace sls::server
