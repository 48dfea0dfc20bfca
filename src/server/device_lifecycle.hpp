// The steps every path through a device's life shares (docs/devices.md):
// revoking a device with everything that hangs on it, and what a newly
// activated device supersedes. Used by the operator's commands, the
// security-centre routes and the activation paths alike, inside the caller's
// transaction. Not installed.
#pragma once

#include <cstdint>
#include <string_view>

#include "server/records.hpp"
#include "server/store.hpp"
#include "sls/result.hpp"

namespace sls::server {

/// What revoking a device ended besides the device itself.
struct Revocation {
  std::int64_t sharings_ended = 0;  ///< pending or approved sharings of it
  std::int64_t pushes_ended = 0;    ///< its pending push transactions (now cancelled)
  /// Push transaction ids cancelled, so that the caller can wake their
  /// waiters once the transaction commits.
  std::vector<std::string> cancelled_pushes;
};

/// Revokes `device` (updated in place) inside `tx`: status revoked, its open
/// question cleared (no challenge drawn for it can be answered any more),
/// its pending pushes cancelled, its live sharings ended with the sessions
/// their requesters opened with it, and one history row (`event`, one of
/// kDeviceEvents: "lost", "removed", "replaced", "revoked", "expired") by
/// `actor` with `detail`. An already revoked device is left as it is and
/// records nothing. The owner's own sessions are the caller's choice (the
/// session that reports a device lost stays, an operator's change ends all).
[[nodiscard]] Result<Revocation> revoke_device_in(StoreTx& tx, DeviceRecord& device, std::string_view event,
                                                  std::string_view actor, std::string_view detail, std::int64_t now);

/// After `device` became active (it is already stored as active): revokes
/// what it supersedes, each with a history row by `actor`:
/// - the device named by its `replaces` ("replaced");
/// - a device whose replacement the user asked for with this kind, while
///   the request holds (DeviceRecord::replace_with / replace_until: "replaced");
/// - when it is a Mobile Key, the user's other Mobile Keys ("revoked", a
///   newer Mobile Key: one phone per user);
/// - when it is a permanent device (neither a temporary code nor an online
///   card), the user's online cards ("revoked": the online card only bridges
///   the wait for a permanent device, SPEC 3.1).
/// Returns the push ids cancelled on the way (see Revocation).
[[nodiscard]] Result<std::vector<std::string>> supersede_on_activation(StoreTx& tx, const DeviceRecord& device,
                                                                       std::string_view actor, std::int64_t now);

}  // namespace sls::server
