// Compliance review of device sharing requests and device revocation, for slsctl (enrolment.hpp, docs/sharing.md).
#include "server/device_history.hpp"
#include "server/device_lifecycle.hpp"
#include "server/enrolment.hpp"
#include "server/request_scope.hpp"
#include "server/sharing.hpp"
#include "server/try.hpp"

namespace sls::server {
namespace {

Result<SharingSummary> summary_of(StoreTx& tx, SharingRecord r) {
  SLS_TRY_ASSIGN(owner, tx.get_user(r.owner_id));
  SLS_TRY_ASSIGN(requester, tx.get_user(r.requester_id));
  SLS_TRY_ASSIGN(device, tx.get_device(r.device_id));
  if (!owner || !requester || !device) return fail(Errc::internal, {"sharing", r.id});
  return SharingSummary{std::move(r), owner->username, requester->username, device->kind, device->serial};
}

}  // namespace

Result<std::vector<SharingSummary>> Enrolment::sharings(bool pending_only, std::size_t limit) {
  std::vector<SharingSummary> out;
  Status st = store_.read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(rows, tx.list_sharings(pending_only, limit));
    for (SharingRecord& r : rows) {
      SLS_TRY_ASSIGN(s, summary_of(tx, std::move(r)));
      out.push_back(std::move(s));
    }
    return ok_status();
  });
  if (!st) return st.error();
  return out;
}

Result<SharingSummary> Enrolment::decide_sharing(std::string_view id, bool approve) {
  std::optional<SharingSummary> out;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(found, tx.get_sharing(id));
    if (!found) return fail(Errc::sharing_not_found);
    SharingRecord r = *found;
    if (r.status != SharingStatus::pending) return fail(Errc::sharing_not_pending);
    SLS_TRY_ASSIGN(owner, tx.get_user(r.owner_id));
    SLS_TRY_ASSIGN(requester, tx.get_user(r.requester_id));
    SLS_TRY_ASSIGN(device, tx.get_device(r.device_id));
    if (!owner || !requester || !device) return fail(Errc::internal, {"sharing", r.id});
    const std::int64_t now = clock_.now();
    if (approve) {
      // The rule again, as it stands now.
      if (!device_usable(*device, now)) return fail(Errc::sharing_device_not_found);
      SLS_TRY(check_sharing_rule(tx, keys_, *owner, *requester, *device, now));
    }
    r.status = approve ? SharingStatus::approved : SharingStatus::rejected;
    r.decided_at = now;
    SLS_TRY(tx.update_sharing(r));
    if (approve)
      SLS_TRY(record_device_event(tx, *device, "shared", kActorOperator, "with " + requester->username, now));
    SLS_TRY(
        audit_admin(tx, approve ? "sharing.approved" : "sharing.rejected", *requester, device->id,
                    "sharing " + r.id + " of " + owner->username + "'s " + std::string(device_kind_id(device->kind))));
    SLS_TRY_ASSIGN(s, summary_of(tx, r));
    out = std::move(s);
    return ok_status();
  });
  if (!st) return st.error();
  return std::move(*out);
}

Result<std::int64_t> Enrolment::revoke_device(std::string_view username, std::string_view device_id) {
  std::int64_t ended = 0;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(found, tx.get_device(device_id));
    if (!found || found->user_id != u.id) return fail(Errc::bad_argument, {"device", "unknown"});
    DeviceRecord d = *found;
    if (d.status == DeviceStatus::revoked) return ok_status();
    SLS_TRY_ASSIGN(r, revoke_device_in(tx, d, "revoked", kActorOperator, "", clock_.now()));
    ended = r.sharings_ended;
    if (ended > 0) SLS_TRY(audit_admin(tx, "sharing.ended", u, d.id, std::to_string(ended) + " ended: device revoked"));
    SLS_TRY(end_sessions(tx, u, "device revoked", false));
    return audit_admin(tx, "device.revoked", u, d.id, std::string(device_kind_id(d.kind)));
  });
  if (!st) return st.error();
  return ended;
}

}  // namespace sls::server
