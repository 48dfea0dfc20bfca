// Phones on record (docs/server.md): the numbers a Mobile Key activation code
// may be sent to. The numbers of a user's SMS devices that are not revoked
// count, then the numbers the user (or an operator) added (the phones table).
// Not installed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/records.hpp"
#include "server/store.hpp"
#include "sls/result.hpp"

namespace sls::server {

/// One phone on record: a row of the phones table, or the number of one of
/// the user's SMS devices (its id is then the device's).
struct PhoneOnRecord {
  std::string id;
  std::string phone;  ///< E.164
  bool from_device = false;
  bool is_default = false;
};

/// Whether `phone` is "+" and 7 to 15 digits.
[[nodiscard]] bool valid_e164(std::string_view phone) noexcept;

/// The phones on record of a user, one entry per number: their SMS
/// devices' numbers first, then the added ones, oldest first. The default
/// is the added number marked so, else the first.
Result<std::vector<PhoneOnRecord>> phones_on_record(StoreTx& tx, std::int64_t user_id,
                                                    const std::vector<DeviceRecord>& devices);

}  // namespace sls::server
