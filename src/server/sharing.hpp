// Sharing one security device across users (SPEC 4, docs/sharing.md): the
// rule as the store sees it, and who may use which device. Shared by the
// routes (sharing.cpp), the login steps that pick a device, and slsctl's
// review commands (not installed).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/config.hpp"
#include "server/keyring.hpp"
#include "server/records.hpp"
#include "server/store.hpp"
#include "sls/result.hpp"

namespace sls::server {

/// Why two users may share a device.
inline constexpr std::string_view kRelationEntity = "entity";
inline constexpr std::string_view kRelationIdentification = "identification";

/// Checks the seed's rule (check_device_sharing, sls/device.hpp) for
/// `requester` using `device` of `owner`, with the candidates' devices and
/// identification data from the store: two users belong to the same entity
/// when they hold a common account; the identification data is opened for
/// the check and wiped after it. The devices that count are each user's own
/// usable ones (a temporary one included). Returns the relation
/// (kRelationEntity or kRelationIdentification), or the rule's refusal:
/// device.share_identity, device.share_temporary, device.less_secure.
Result<std::string> check_sharing_rule(StoreTx& tx, const Keyring& keys, const UserRecord& owner,
                                       const UserRecord& requester, const DeviceRecord& device, std::int64_t now);

/// Whether a new request with `relation` waits for review under `review`.
bool needs_review(SharingReview review, std::string_view relation) noexcept;

/// Whether `user_id` may use `device` as a second factor: it is theirs, or
/// an approved sharing gives it to them.
Result<bool> may_use_device(StoreTx& tx, const DeviceRecord& device, std::int64_t user_id);

/// A device another user shares with a user (an approved sharing).
struct SharedDevice {
  DeviceRecord device;
  std::string owner;  ///< the owner's user name
};

/// The devices shared with `user_id`, whatever their status.
Result<std::vector<SharedDevice>> devices_shared_with(StoreTx& tx, std::int64_t user_id);

/// Appends the devices shared with `user_id` (devices_shared_with) to
/// `devices` and returns each one's owner by device id, so that a login
/// and a step-up offer them as the user's own.
Result<std::map<std::string, std::string>> append_shared_devices(StoreTx& tx, std::int64_t user_id,
                                                                 std::vector<DeviceRecord>& devices);

/// The names of the users an approved sharing of `device_id` serves.
Result<std::vector<std::string>> device_shared_with(StoreTx& tx, std::string_view device_id);

/// Ends the sharing (status ended, `reason`), and every session of its
/// requester that was opened with its device except the one whose token
/// hash is `keep` (empty: none kept); returns how many sessions ended.
Result<std::int64_t> end_sharing_record(StoreTx& tx, SharingRecord& sharing, std::string_view reason, std::int64_t now,
                                        const Bytes& keep = {});

/// Wipes every text field of identification data.
void wipe_identification(IdentificationData& d) noexcept;

/// Opens and parses the user's identification data into `out` (left empty
/// when none was set). Wipe it with wipe_identification once read.
Status identification_of(StoreTx& tx, const Keyring& keys, std::int64_t user_id, IdentificationData& out);

}  // namespace sls::server
