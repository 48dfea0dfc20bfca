// The deposit of a replacement device order (docs/device-orders.md): held
// when the order is placed, released when the device it covers comes back,
// kept when that device is lost, damaged or not returned. Each change is one
// deposit_ledger row and one audit row, in the caller's transaction. Not
// installed.
#pragma once

#include <cstdint>
#include <string_view>

#include "server/records.hpp"
#include "server/store.hpp"
#include "sls/result.hpp"

namespace sls::server {

/// The deposit held for a replacement Digital Security Card+: 20 USD.
inline constexpr std::int64_t kDeviceDepositCents = 2000;

/// The device whose return releases the order's deposit: the device it
/// replaces, or the ordered device itself when it replaces none.
[[nodiscard]] inline std::string_view covered_device(const DeviceOrderRecord& order) noexcept {
  return order.replaces.empty() ? std::string_view(order.device_id) : std::string_view(order.replaces);
}

/// Holds the order's deposit (status "held", ledger "held", audit
/// deposit.held) and inserts the order: call instead of tx.insert_order.
[[nodiscard]] Status hold_deposit(StoreTx& tx, DeviceOrderRecord& order, std::string_view username,
                                  std::string_view client_addr, std::int64_t now);

/// Settles a held deposit: `entry` "released" or "kept", with `reason`
/// ("returned", "lost", "damaged", "not_returned"); ledger row, audit row
/// deposit.released / deposit.kept, the order updated.
/// Errc::deposit_not_held when it is not held any more.
[[nodiscard]] Status settle_deposit(StoreTx& tx, DeviceOrderRecord& order, std::string_view entry,
                                    std::string_view reason, std::string_view client_addr, std::int64_t now);

/// The report-lost hook (docs/device-orders.md): keeps every held deposit
/// that covers `device` (reason "lost"). Nothing to do is no error.
[[nodiscard]] Status keep_deposit_of_lost_device(StoreTx& tx, const DeviceRecord& device, std::int64_t now);

/// The warehouse received `device`: releases every held deposit that covers
/// it (reason "returned"); returns how many.
[[nodiscard]] Result<std::int64_t> release_deposit_of_returned_device(StoreTx& tx, const DeviceRecord& device,
                                                                      std::int64_t now);

}  // namespace sls::server
