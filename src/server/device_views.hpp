// The DEVICE shape of the security centre's routes (docs/devices.md): one
// function that every route showing a device uses. Never a secret, a phone
// number, a PIN or a question. Not installed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "server/records.hpp"
#include "sls/json.hpp"

namespace sls::server {

/// How a device's life ended: the event ("lost", "removed", "replaced",
/// "revoked", "expired") and when.
struct DeviceEnd {
  std::string_view event;
  std::int64_t at = 0;
};

/// Whether the device is one the user sends back (hardware: DSC, DSC+,
/// Platinum / Gold); cards are destroyed, nothing else exists to send.
[[nodiscard]] bool device_returnable(DeviceKind kind) noexcept;

/// How `d` ended, from its history (`history` may hold other devices'
/// events too, in any order): the newest ending event of it; "expired" at
/// expires_at for an unrevoked device past it; "revoked" at its last known
/// time for a revoked device without an ending event; nullopt while it
/// lives at `now`.
[[nodiscard]] std::optional<DeviceEnd> device_end(const DeviceRecord& d, std::span<const DeviceEventRecord> history,
                                                  std::int64_t now);

/// The DEVICE object: id, kind, label, serial, status, since, expires_at,
/// ended, returnable, replaces, access (temporary codes only, else null).
[[nodiscard]] JsonValue device_view_json(const DeviceRecord& d, std::span<const DeviceEventRecord> history,
                                         std::int64_t now);

/// The EVENT object of a device history row.
[[nodiscard]] JsonValue device_event_json(const DeviceEventRecord& e);

}  // namespace sls::server
