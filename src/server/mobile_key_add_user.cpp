// POST /mobile-key/add-user: the recovery PIN's second use in the seed, a
// phone that holds a Mobile Key lets another user use it too. The request is
// a sharing of that device (docs/sharing.md) asked from the phone: the new
// user's password (the login's step), the owner's recovery PIN (the
// owner's activation counter) and the phone's signature over the new user
// name and the time, newer than every earlier sharing of the device with
// that user, so that a captured request cannot be played again.
#include "server/device_history.hpp"
#include "server/device_secrets.hpp"
#include "server/encoding.hpp"
#include "server/lockout.hpp"
#include "server/password.hpp"
#include "server/request_scope.hpp"
#include "server/sharing.hpp"
#include "sls/mobile_key.hpp"
#include "sls/pin.hpp"
#include "sls/secure.hpp"

namespace sls::server {

ApiResponse AuthService::add_mobile_key_user(const RequestContext& ctx, const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  ApiResponse resp = op.respond([&]() -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(username, user_name_field(body));
    SLS_TRY_ASSIGN(password_field, string_field(body, "password", 1, config_.password.max_length));
    SecretString password(std::move(password_field));
    SLS_TRY_ASSIGN(device_id, id_field(body, "device_id", Errc::mobile_key_no_recovery));
    SLS_TRY_ASSIGN(pin_field, string_field(body, "recovery_pin", 1, 64));
    SecretString recovery(std::move(pin_field));
    const auto signed_at = body.get_int("signed_at");
    if (!signed_at) return refuse(Errc::request_bad_field, {"signed_at"});
    SLS_TRY_ASSIGN(signature, string_field(body, "signature", 1, 128));

    // The Mobile Key, its owner's recovery PIN hash and its signing key,
    // read first; the PIN is checked outside any transaction (Argon2id is
    // slow by design), against the dummy hash when there is none, so that
    // an unknown device costs the same time.
    std::optional<DeviceRecord> key;
    SecretString stored;
    Status read = store_.read([&](StoreTx& tx) -> Status {
      SLS_TRY_ASSIGN(found, tx.get_device(device_id));
      if (!found || found->kind != DeviceKind::mobile_key || found->status != DeviceStatus::active ||
          found->sealed_recovery_pin.empty())
        return ok_status();
      SLS_TRY_ASSIGN(opened, keys_.open(found->sealed_recovery_pin));
      stored = SecretString(std::string(opened.view().begin(), opened.view().end()));
      key = std::move(*found);
      return ok_status();
    });
    if (!read) return read.error();
    const bool pin_ok = check_recovery_pin(recovery.view()).ok() &&
                        verify_password(recovery.view(), key ? stored.view() : dummy_password_hash_) && key;
    recovery.clear();
    // Signed by the phone now (within the clock skew the pull of pushes
    // allows, never ahead of the server's clock).
    const bool fresh = *signed_at <= op.now && *signed_at > op.now - config_.device_clock_skew;
    const bool signed_ok =
        key && fresh &&
        verify_device_signature(key->sign_public_key, add_user_message(device_id, username, *signed_at), signature);

    return check_password_then(
        op, username, std::move(password), "mobile_key.add_user",
        [&](StoreTx& tx, UserRecord& requester) -> Outcome<ApiResponse> {
          auto refused = [&](Refusal r, std::string_view why) -> Outcome<ApiResponse> {
            SLS_TRY(op.audit(tx, "mobile_key.add_user", "fail", requester.id, requester.username, device_id, why));
            return r;
          };
          // Read again in the transaction: revoked since, it adds no one.
          std::optional<DeviceRecord> device;
          if (key) {
            SLS_TRY_ASSIGN(found, tx.get_device(device_id));
            if (found && found->status == DeviceStatus::active && found->kind == DeviceKind::mobile_key)
              device = std::move(found);
          }
          if (!device) return refused(refuse(Errc::mobile_key_no_recovery), "mobile_key.no_recovery");
          SLS_TRY_ASSIGN(owner, op.load_user(tx, device->user_id));
          if (!signed_ok) return refused(refuse(Errc::device_bad_signature), "device.bad_signature");
          // A signature older than a sharing it already made is a replay.
          SLS_TRY_ASSIGN(earlier, tx.list_sharings_of_device(device->id));
          for (const SharingRecord& r : earlier)
            if (r.requester_id == requester.id && r.created_at >= *signed_at)
              return refused(refuse(Errc::device_bad_signature), "replayed");
          // The owner's recovery PIN: the owner's activation counter and lock.
          if (auto lock = op.lock_refusal(owner, nullptr)) {
            SLS_TRY(op.audit(tx, "mobile_key.add_user", "fail", owner.id, owner.username, device->id, "auth.locked"));
            return *lock;
          }
          if (!pin_ok)
            return op.user_factor_failure(tx, owner, &UserRecord::activation_failures, config_.lockout.temporary_only(),
                                          "mobile_key.add_user", Errc::mobile_key_recovery_pin_wrong, "recovery_pin");
          if (owner.id == requester.id) return refused(refuse(Errc::sharing_own_device), "sharing.own_device");
          auto relation = check_sharing_rule(tx, keys_, owner, requester, *device, op.now);
          if (!relation) {
            if (relation.code() == Errc::internal) return relation.error();
            return refused(refuse(relation.error()), errc_name(relation.code()));
          }
          SharingRecord r;
          r.id = random_id();
          r.owner_id = owner.id;
          r.requester_id = requester.id;
          r.device_id = device->id;
          r.relation = *relation;
          r.created_at = op.now;
          if (!needs_review(config_.sharing_review, r.relation)) {
            r.status = SharingStatus::approved;
            r.decided_at = op.now;
          }
          if (auto inserted = tx.insert_sharing(r); !inserted) {
            if (inserted.code() == Errc::bad_argument)
              return refused(refuse(Errc::sharing_duplicate), "sharing.duplicate");
            return inserted.error();
          }
          // The history's "shared" row now, or when a reviewer approves it.
          if (r.status == SharingStatus::approved)
            SLS_TRY(record_device_event(tx, *device, "shared", kActorUser,
                                        "with " + requester.username + " (phone, recovery PIN)", op.now));
          SLS_TRY(op.audit(tx, "mobile_key.add_user", "ok", requester.id, requester.username, device->id,
                           "sharing " + r.id + " of " + owner.username +
                               "'s mobile_key: " + std::string(to_text(r.status)) + " (" + r.relation + ")"));
          SLS_TRY_ASSIGN(item, sharing_json(op, tx, r));
          ApiResponse created = ok_json(JsonValue::object().set("request", std::move(item)));
          created.status = 201;
          return created;
        });
  }());
  // The password step took a token of the address's failure budget: a
  // success gives it back, as the login does.
  if (resp.status == 201) op.give_back_failure_token();
  return resp;
}

}  // namespace sls::server
