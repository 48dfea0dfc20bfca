// The device_orders and deposit_ledger tables of the SQL store
// (docs/device-orders.md): the records of StoreTx's order operations, read
// and written on the store's connection inside its transaction (not
// installed).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "server/records.hpp"
#include "server/sql_db.hpp"
#include "sls/result.hpp"

namespace sls::server::sql_orders {

/// Errc::bad_argument {"order", "open"} when the user already has an open
/// (ordered or shipped) order (the partial unique index of the migration).
Status insert(SqlConnection& db, const DeviceOrderRecord& r);
Result<std::optional<DeviceOrderRecord>> get(SqlConnection& db, std::string_view id);
/// Errc::internal when there is no such order.
Status update(SqlConnection& db, const DeviceOrderRecord& r);
/// The user's orders, newest first.
Result<std::vector<DeviceOrderRecord>> of_user(SqlConnection& db, std::int64_t user_id);
/// The newest `limit` orders of every user, newest first.
Result<std::vector<DeviceOrderRecord>> recent(SqlConnection& db, std::int64_t limit);
/// The orders whose device or replaced device is `device_id`, oldest first.
Result<std::vector<DeviceOrderRecord>> touching_device(SqlConnection& db, std::string_view device_id);

Status append_entry(SqlConnection& db, const DepositEntryRecord& e);
/// The order's ledger entries, oldest first.
Result<std::vector<DepositEntryRecord>> entries(SqlConnection& db, std::string_view order_id);

}  // namespace sls::server::sql_orders
