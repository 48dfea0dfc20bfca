// Revoking a device with what hangs on it, and superseding on activation (device_lifecycle.hpp).
#include "server/device_lifecycle.hpp"

#include <string>

#include "server/device_history.hpp"
#include "server/push_changes.hpp"
#include "server/sharing.hpp"
#include "server/try.hpp"

namespace sls::server {

Result<Revocation> revoke_device_in(StoreTx& tx, DeviceRecord& device, std::string_view event, std::string_view actor,
                                    std::string_view detail, std::int64_t now) {
  Revocation out;
  if (device.status == DeviceStatus::revoked) return out;
  device.status = DeviceStatus::revoked;
  // The question stays on the device for challenge shopping's sake; with the
  // device revoked nothing may answer it.
  device.open_question.clear();
  device.open_question_expires_at = 0;
  SLS_TRY(tx.update_device(device));
  SLS_TRY_ASSIGN(pushes, tx.pending_pushes_of_device(device.id, now));
  for (PushRecord& p : pushes) {
    p.status = PushStatus::cancelled;
    SLS_TRY(update_push_notifying(tx, p));
    out.cancelled_pushes.push_back(p.id);
    ++out.pushes_ended;
  }
  SLS_TRY_ASSIGN(sharings, tx.list_sharings_of_device(device.id));
  for (SharingRecord& r : sharings) {
    if (r.status != SharingStatus::pending && r.status != SharingStatus::approved) continue;
    SLS_TRY_ASSIGN(ended, end_sharing_record(tx, r, "device_revoked", now));
    (void)ended;
    ++out.sharings_ended;
  }
  SLS_TRY(record_device_event(tx, device, event, actor, detail, now));
  return out;
}

Result<std::vector<std::string>> supersede_on_activation(StoreTx& tx, const DeviceRecord& device,
                                                         std::string_view actor, std::int64_t now) {
  std::vector<std::string> cancelled;
  SLS_TRY_ASSIGN(devices, tx.list_devices(device.user_id));
  const bool permanent = !is_temporary(device.kind);
  for (DeviceRecord& d : devices) {
    if (d.id == device.id || d.status == DeviceStatus::revoked) continue;
    std::string_view event;
    std::string detail;
    if (!device.replaces.empty() && d.id == device.replaces) {
      event = "replaced";
      detail = "by " + device.id;
    } else if (!d.replace_with.empty() && d.replace_with == device_kind_id(device.kind) && now <= d.replace_until) {
      // The replacement the user asked for (POST /devices/{id}/replace).
      event = "replaced";
      detail = "by " + device.id;
    } else if (device.kind == DeviceKind::mobile_key && d.kind == DeviceKind::mobile_key) {
      event = "revoked";
      detail = "a newer Mobile Key";
    } else if (permanent && d.kind == DeviceKind::online_card) {
      event = "revoked";
      detail = "a permanent device was activated";
    } else {
      continue;
    }
    SLS_TRY_ASSIGN(r, revoke_device_in(tx, d, event, actor, detail, now));
    cancelled.insert(cancelled.end(), r.cancelled_pushes.begin(), r.cancelled_pushes.end());
  }
  return cancelled;
}

}  // namespace sls::server
