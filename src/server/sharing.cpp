// Sharing one device across users (docs/sharing.md): the rule with the store's data, who may use a device, and the
// routes POST/GET /sharing and DELETE /sharing/{id}.
#include "server/sharing.hpp"

#include <algorithm>

#include "server/device_history.hpp"
#include "server/enrolment.hpp"
#include "server/request_scope.hpp"
#include "server/user_name.hpp"
#include "sls/secure.hpp"

namespace sls::server {

void wipe_identification(IdentificationData& d) noexcept {
  for (std::string* s :
       {&d.date_of_birth, &d.citizenship, &d.legal_residence, &d.id_document_type, &d.id_document_number, &d.ssn})
    wipe(*s);
}

/// Opens and parses the user's identification data into `out` (left empty,
/// which matches nobody, when none was set). Copied, never moved, so that
/// every buffer that held it is wiped (short strings live inside the
/// object: a move would leave their characters behind).
Status identification_of(StoreTx& tx, const Keyring& keys, std::int64_t user_id, IdentificationData& out) {
  SLS_TRY_ASSIGN(sealed, tx.get_sealed_identity(user_id));
  if (!sealed) return ok_status();
  SLS_TRY_ASSIGN(opened, keys.open(*sealed));
  auto json = json_parse(as_text(opened.view()));
  if (!json) return fail(Errc::internal, {"stored identification"});
  auto data = parse_identification(*json);
  json->wipe();
  if (!data) return fail(Errc::internal, {"stored identification"});
  out = *data;
  wipe_identification(*data);
  return ok_status();
}

namespace {

/// The entity the user shares with `other`: the id of an account both
/// hold, else one of the user's own (never equal to the other's).
Result<std::string> common_entity(StoreTx& tx, std::int64_t user_id, std::int64_t other_id) {
  SLS_TRY_ASSIGN(mine, tx.list_accounts_of_user(user_id));
  SLS_TRY_ASSIGN(theirs, tx.list_accounts_of_user(other_id));
  for (const AccountRecord& a : mine)
    if (std::any_of(theirs.begin(), theirs.end(), [&](const AccountRecord& b) { return a.id == b.id; }))
      return "account:" + a.id;
  return "user:" + std::to_string(user_id);
}

/// Fills `c` in place with the user's entity, usable devices and
/// identification data.
Status fill_candidate(StoreTx& tx, const Keyring& keys, const UserRecord& user, std::int64_t other_id, std::int64_t now,
                      ShareCandidate& c) {
  c.user_name = user.username;
  SLS_TRY_ASSIGN(entity, common_entity(tx, user.id, other_id));
  c.entity_id = std::move(entity);
  SLS_TRY_ASSIGN(devices, tx.list_devices(user.id));
  for (const DeviceRecord& d : devices)
    if (device_usable(d, now)) c.devices.push_back(d.kind);
  return identification_of(tx, keys, user.id, c.identification);
}

}  // namespace

Result<std::string> check_sharing_rule(StoreTx& tx, const Keyring& keys, const UserRecord& owner,
                                       const UserRecord& requester, const DeviceRecord& device, std::int64_t now) {
  // Built in place (never moved) and wiped on every path.
  std::vector<ShareCandidate> candidates(2);
  Status filled = fill_candidate(tx, keys, owner, requester.id, now, candidates[0]);
  if (filled) filled = fill_candidate(tx, keys, requester, owner.id, now, candidates[1]);
  Result<std::string> owner_name =
      filled ? check_device_sharing(candidates, device.kind) : Result<std::string>(filled.error());
  const bool same_entity = candidates[0].entity_id == candidates[1].entity_id;
  for (ShareCandidate& c : candidates) wipe_identification(c.identification);
  if (!owner_name) return owner_name.error();
  return std::string(same_entity ? kRelationEntity : kRelationIdentification);
}

bool needs_review(SharingReview review, std::string_view relation) noexcept {
  switch (review) {
    case SharingReview::never: return false;
    case SharingReview::always: return true;
    case SharingReview::cross_entity: break;
  }
  return relation != kRelationEntity;
}

Result<bool> may_use_device(StoreTx& tx, const DeviceRecord& device, std::int64_t user_id) {
  if (device.user_id == user_id) return true;
  SLS_TRY_ASSIGN(sharings, tx.list_sharings_of_device(device.id));
  return std::any_of(sharings.begin(), sharings.end(), [&](const SharingRecord& r) {
    return r.requester_id == user_id && r.owner_id == device.user_id && r.status == SharingStatus::approved;
  });
}

Result<std::vector<SharedDevice>> devices_shared_with(StoreTx& tx, std::int64_t user_id) {
  std::vector<SharedDevice> out;
  SLS_TRY_ASSIGN(sharings, tx.list_sharings_of_user(user_id));
  for (const SharingRecord& r : sharings) {
    if (r.requester_id != user_id || r.status != SharingStatus::approved) continue;
    SLS_TRY_ASSIGN(device, tx.get_device(r.device_id));
    SLS_TRY_ASSIGN(owner, tx.get_user(r.owner_id));
    if (!device || !owner || device->user_id != r.owner_id) return fail(Errc::internal, {"sharing", r.id});
    out.push_back(SharedDevice{std::move(*device), owner->username});
  }
  return out;
}

Result<std::map<std::string, std::string>> append_shared_devices(StoreTx& tx, std::int64_t user_id,
                                                                 std::vector<DeviceRecord>& devices) {
  SLS_TRY_ASSIGN(shared, devices_shared_with(tx, user_id));
  std::map<std::string, std::string> owner_of;
  for (SharedDevice& d : shared) {
    owner_of[d.device.id] = d.owner;
    devices.push_back(std::move(d.device));
  }
  return owner_of;
}

Result<std::vector<std::string>> device_shared_with(StoreTx& tx, std::string_view device_id) {
  std::vector<std::string> out;
  SLS_TRY_ASSIGN(sharings, tx.list_sharings_of_device(device_id));
  for (const SharingRecord& r : sharings) {
    if (r.status != SharingStatus::approved) continue;
    SLS_TRY_ASSIGN(requester, tx.get_user(r.requester_id));
    if (!requester) return fail(Errc::internal, {"sharing", r.id});
    out.push_back(requester->username);
  }
  return out;
}

Result<std::int64_t> end_sharing_record(StoreTx& tx, SharingRecord& sharing, std::string_view reason, std::int64_t now,
                                        const Bytes& keep) {
  const bool was_approved = sharing.status == SharingStatus::approved;
  sharing.status = SharingStatus::ended;
  sharing.ended_at = now;
  sharing.end_reason = reason;
  SLS_TRY(tx.update_sharing(sharing));
  std::int64_t ended = 0;
  if (!was_approved) return ended;
  SLS_TRY_ASSIGN(device, tx.get_device(sharing.device_id));
  if (device)
    SLS_TRY(record_device_event(tx, *device, "unshared", reason == "device_revoked" ? kActorServer : kActorUser,
                                std::string(reason), now));
  // The requester's sessions opened with the device end with the sharing.
  SLS_TRY_ASSIGN(sessions, tx.list_sessions(sharing.requester_id));
  for (const SessionRecord& s : sessions) {
    if (!keep.empty() && s.token_hash == keep) continue;
    SLS_TRY_ASSIGN(login, tx.get_login(s.login_id));
    if (!login || login->verified_device_id != sharing.device_id) continue;
    SLS_TRY(tx.delete_session(s.token_hash));
    ++ended;
  }
  return ended;
}

// --- the routes -------------------------------------------------------------------------------

/// A request as the API shows it (REQUEST in docs/openapi.yaml).
Outcome<JsonValue> sharing_json(RequestScope& op, StoreTx& tx, const SharingRecord& r) {
  SLS_TRY_ASSIGN(owner, op.load_user(tx, r.owner_id));
  SLS_TRY_ASSIGN(requester, op.load_user(tx, r.requester_id));
  SLS_TRY_ASSIGN(device, tx.get_device(r.device_id));
  if (!device) return fail(Errc::internal, {"sharing device", r.id});
  JsonValue v = JsonValue::object();
  v.set("id", r.id).set("owner", owner.username).set("requester", requester.username);
  v.set("device_kind", device_kind_id(device->kind)).set("serial", device->serial);
  v.set("status", to_text(r.status)).set("relation", r.relation).set("created_at", r.created_at);
  if (r.decided_at != 0)
    v.set("decided_at", r.decided_at);
  else
    v.set("decided_at", nullptr);
  if (r.ended_at != 0)
    v.set("ended_at", r.ended_at).set("end_reason", r.end_reason);
  else
    v.set("ended_at", nullptr).set("end_reason", nullptr);
  return v;
}

ApiResponse AuthService::request_sharing(const RequestContext& ctx, std::string_view cookie, const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(owner_name, string_field(body, "owner", 1, 256));
    SLS_TRY_ASSIGN(serial, string_field(body, "serial", 1, 64));
    SLS_TRY_ASSIGN(requester, op.load_user(tx, session.user_id));
    auto refused = [&](Refusal r, std::string_view why) -> Outcome<ApiResponse> {
      SLS_TRY(op.audit(tx, "sharing.requested", "fail", requester.id, requester.username, "", why));
      return r;
    };
    // Moving a second factor to another user weakens security: a fresh one first.
    if (!fresh_second_factor(session, op.now, config_.step_up_window))
      return refused(refuse(Errc::account_step_up_required), "account.step_up_required");
    // An unknown user, an unknown serial and another user's serial are one
    // answer: nothing tells which users or serials exist.
    std::optional<UserRecord> owner;
    if (check_user_name(owner_name)) {
      SLS_TRY_ASSIGN(found, tx.find_user(owner_name));
      owner = std::move(found);
    }
    std::optional<DeviceRecord> device;
    if (owner) {
      SLS_TRY_ASSIGN(devices, tx.list_devices(owner->id));
      for (DeviceRecord& d : devices)
        if (!d.serial.empty() && constant_time_equal(d.serial, serial) && device_usable(d, op.now)) device = d;
    }
    if (!device) return refused(refuse(Errc::sharing_device_not_found), "sharing.device_not_found");
    if (owner->id == requester.id) return refused(refuse(Errc::sharing_own_device), "sharing.own_device");
    auto relation = check_sharing_rule(tx, keys_, *owner, requester, *device, op.now);
    if (!relation) {
      if (relation.code() == Errc::internal) return relation.error();
      return refused(refuse(relation.error()), errc_name(relation.code()));
    }
    SharingRecord r;
    r.id = random_id();
    r.owner_id = owner->id;
    r.requester_id = requester.id;
    r.device_id = device->id;
    r.relation = *relation;
    r.created_at = op.now;
    if (!needs_review(config_.sharing_review, r.relation)) {
      r.status = SharingStatus::approved;
      r.decided_at = op.now;
    }
    if (auto inserted = tx.insert_sharing(r); !inserted) {
      if (inserted.code() == Errc::bad_argument) return refused(refuse(Errc::sharing_duplicate), "sharing.duplicate");
      return inserted.error();
    }
    if (r.status == SharingStatus::approved)
      SLS_TRY(record_device_event(tx, *device, "shared", kActorUser, "with " + requester.username, op.now));
    SLS_TRY(op.audit(tx, "sharing.requested", "ok", requester.id, requester.username, device->id,
                     "sharing " + r.id + " of " + owner->username + "'s " + std::string(device_kind_id(device->kind)) +
                         ": " + std::string(to_text(r.status)) + " (" + r.relation + ")"));
    SLS_TRY_ASSIGN(item, sharing_json(op, tx, r));
    ApiResponse resp = ok_json(JsonValue::object().set("request", std::move(item)));
    resp.status = 201;
    return resp;
  }));
}

ApiResponse AuthService::list_sharings(const RequestContext& ctx, std::string_view cookie) {
  RequestScope op{*this, ctx, clock_.now()};
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(rows, tx.list_sharings_of_user(session.user_id));
    JsonValue list = JsonValue::array();
    for (const SharingRecord& r : rows) {
      SLS_TRY_ASSIGN(item, sharing_json(op, tx, r));
      list.push_back(std::move(item));
    }
    return ok_json(JsonValue::object().set("requests", std::move(list)));
  }));
}

ApiResponse AuthService::end_sharing(const RequestContext& ctx, std::string_view cookie, std::string_view id) {
  RequestScope op{*this, ctx, clock_.now()};
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(user, op.load_user(tx, session.user_id));
    // Someone else's request is the same 404 as one that does not exist.
    std::optional<SharingRecord> found;
    if (looks_like_id(id)) {
      SLS_TRY_ASSIGN(row, tx.get_sharing(id));
      found = std::move(row);
    }
    if (!found || (found->owner_id != user.id && found->requester_id != user.id)) {
      SLS_TRY(op.audit(tx, "sharing.ended", "fail", user.id, user.username, "", "sharing.not_found"));
      return refuse(Errc::sharing_not_found);
    }
    SharingRecord r = *found;
    if (r.status != SharingStatus::pending && r.status != SharingStatus::approved) {
      SLS_TRY(op.audit(tx, "sharing.ended", "fail", user.id, user.username, r.device_id, "sharing.closed"));
      return refuse(Errc::sharing_closed);
    }
    // Ending a sharing takes access away: no step-up needed. The requester's
    // sessions opened with the device end with it (the acting one stays).
    const std::string_view by = r.owner_id == user.id ? "owner" : "requester";
    SLS_TRY_ASSIGN(ended, end_sharing_record(tx, r, by, op.now, session.token_hash));
    SLS_TRY(op.audit(tx, "sharing.ended", "ok", user.id, user.username, r.device_id,
                     "sharing " + r.id + " by the " + std::string(by) + "; " + std::to_string(ended) +
                         " sessions of the requester ended"));
    SLS_TRY_ASSIGN(item, sharing_json(op, tx, r));
    return ok_json(JsonValue::object().set("request", std::move(item)));
  }));
}

}  // namespace sls::server
