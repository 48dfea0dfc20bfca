// The session user's accounts (GET /accounts) and opting an account out of SLS and back in (docs/accounts.md).
#include <algorithm>

#include "server/device_orders.hpp"
#include "server/request_scope.hpp"
#include "server/sharing.hpp"

namespace sls::server {
namespace {

/// The accounts of the session user that match `account_id`, with its
/// users; account.not_found when the user holds no such account, whether
/// or not it exists (its existence is not told to others).
struct AccountView {
  AccountRecord account;
  std::vector<AccountUserRecord> members;
  UserRecord primary;
};

Outcome<AccountView> load_account(StoreTx& tx, std::int64_t user_id, std::string_view account_id) {
  // An id of the wrong shape cannot name an account: the same 404.
  if (account_id.empty() || account_id.size() > 64) return refuse(Errc::account_not_found);
  SLS_TRY_ASSIGN(account, tx.get_account(account_id));
  if (!account) return refuse(Errc::account_not_found);
  SLS_TRY_ASSIGN(members, tx.list_account_users(account->id));
  if (std::none_of(members.begin(), members.end(), [&](const auto& m) { return m.user_id == user_id; }))
    return refuse(Errc::account_not_found);
  if (members.empty() || !members.front().is_primary) return fail(Errc::internal, {"account without primary user"});
  SLS_TRY_ASSIGN(primary, tx.get_user(members.front().user_id));
  if (!primary) return fail(Errc::internal, {"account user vanished"});
  return AccountView{std::move(*account), std::move(members), std::move(*primary)};
}

/// The kind that sets an account's limits: `none` when it opted out, else
/// the most secure usable device of its primary user (`none` without one).
DeviceKind account_kind(const AccountRecord& account, const std::vector<DeviceRecord>& primary_devices,
                        std::int64_t now) {
  DeviceKind best = DeviceKind::none;
  if (account.opted_out) return best;
  for (const DeviceRecord& d : primary_devices)
    if (device_usable(d, now) && security_rank(d.kind) > security_rank(best)) best = d.kind;
  return best;
}

/// A device as the account view shows it: no secret, no phone number, no
/// PIN, no question.
JsonValue device_json(const DeviceRecord& d) {
  JsonValue v = JsonValue::object();
  v.set("kind", device_kind_id(d.kind)).set("label", d.label).set("serial", d.serial).set("status", to_text(d.status));
  v.set("since", d.activated_at != 0 ? d.activated_at : d.created_at);
  if (d.expires_at != 0)
    v.set("expires_at", d.expires_at);
  else
    v.set("expires_at", nullptr);
  return v;
}

}  // namespace

ApiResponse AuthService::list_accounts(const RequestContext& ctx, std::string_view cookie) {
  RequestScope op{*this, ctx, clock_.now()};
  std::vector<std::string> cancelled_pushes;
  ApiResponse resp = op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    cancelled_pushes.clear();  // a retried run starts from nothing (Store::write)
    SLS_TRY_ASSIGN(session, live_session_reading_devices(tx, cookie, op.now, cancelled_pushes));
    SLS_TRY_ASSIGN(held, tx.list_accounts_of_user(session.user_id));
    JsonValue list = JsonValue::array();
    for (const AccountRecord& a : held) {
      SLS_TRY_ASSIGN(view, load_account(tx, session.user_id, a.id));
      JsonValue users = JsonValue::array();
      std::vector<DeviceRecord> primary_devices;
      for (const AccountUserRecord& m : view.members) {
        SLS_TRY_ASSIGN(member, op.load_user(tx, m.user_id));
        SLS_TRY_ASSIGN(devices, tx.list_devices(m.user_id));
        JsonValue device_list = JsonValue::array();
        for (const DeviceRecord& d : devices) {
          if (d.status == DeviceStatus::revoked) continue;
          JsonValue item = device_json(d);
          // The users an approved sharing of the device serves (docs/sharing.md).
          SLS_TRY_ASSIGN(shared_with, device_shared_with(tx, d.id));
          if (!shared_with.empty()) {
            JsonValue names = JsonValue::array();
            for (const std::string& n : shared_with) names.push_back(n);
            item.set("shared_with", std::move(names));
          }
          device_list.push_back(std::move(item));
        }
        // A device another user shares with this one counts as the user's.
        SLS_TRY_ASSIGN(shared, devices_shared_with(tx, m.user_id));
        for (SharedDevice& d : shared) {
          if (d.device.status == DeviceStatus::revoked) continue;
          device_list.push_back(device_json(d.device).set("shared_from", d.owner));
          devices.push_back(std::move(d.device));
        }
        users.push_back(JsonValue::object()
                            .set("username", member.username)
                            .set("primary", m.is_primary)
                            .set("you", m.user_id == session.user_id)
                            .set("devices", std::move(device_list)));
        if (m.is_primary) primary_devices = std::move(devices);
      }
      const DeviceKind kind = account_kind(view.account, primary_devices, op.now);
      JsonValue item = JsonValue::object();
      item.set("id", view.account.id).set("name", view.account.name).set("opted_out", view.account.opted_out);
      item.set("primary_user", view.primary.username);
      item.set("may_change_security", view.primary.id == session.user_id);
      item.set("device_kind", device_kind_id(kind));
      set_grants(item, kind, config_.limits);
      SLS_TRY_ASSIGN(usage, account_usage(tx, view.account, primary_devices, op.now));
      item.set("usage", std::move(usage));
      item.set("users", std::move(users));
      list.push_back(std::move(item));
    }
    JsonValue reply = JsonValue::object();
    reply.set("accounts", std::move(list));
    // Until when this session may make a change that weakens security.
    if (session.second_factor_at != 0 && op.now - session.second_factor_at <= config_.step_up_window)
      reply.set("step_up_until", session.second_factor_at + config_.step_up_window);
    else
      reply.set("step_up_until", nullptr);
    return ok_json(std::move(reply));
  }));
  for (const std::string& id : cancelled_pushes) announce(id);
  return resp;
}

ApiResponse AuthService::set_account_opt_out(const RequestContext& ctx, std::string_view cookie,
                                             std::string_view account_id, bool opted_out) {
  RequestScope op{*this, ctx, clock_.now()};
  const std::string_view event = opted_out ? "account.opted_out" : "account.opted_in";
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(actor, op.load_user(tx, session.user_id));
    auto refused = [&](Refusal r, std::string_view why) -> Outcome<ApiResponse> {
      SLS_TRY(op.audit(tx, event, "fail", actor.id, actor.username, "", why));
      return r;
    };
    SLS_TRY_ASSIGN(view, load_account(tx, session.user_id, account_id));
    if (Status may = may_change_security_settings(actor.username, view.primary.username); !may)
      return refused(refuse(may.error()), "device.not_primary_user");
    JsonValue reply = JsonValue::object();
    reply.set("id", view.account.id).set("opted_out", opted_out);
    if (view.account.opted_out == opted_out) return ok_json(std::move(reply.set("changed", false)));
    // Weakening needs a second factor passed within the window; opting back
    // in is a strengthening (the devices are checked below).
    if (opted_out && !fresh_second_factor(session, op.now, config_.step_up_window))
      return refused(refuse(Errc::account_step_up_required), "account.step_up_required");

    // Every check before any write: a refusal commits its audit row only.
    std::vector<UserRecord> users;
    for (const AccountUserRecord& m : view.members) {
      SLS_TRY_ASSIGN(u, op.load_user(tx, m.user_id));
      // A user's accounts share one setting: the user logs in one way.
      SLS_TRY_ASSIGN(held, tx.list_accounts_of_user(u.id));
      for (const AccountRecord& other : held)
        if (other.id != view.account.id && other.opted_out != opted_out)
          return refused(refuse(Errc::account_user_elsewhere, {u.username}), "account.user_elsewhere");
      if (!opted_out) {
        SLS_TRY_ASSIGN(devices, tx.list_devices(u.id));
        if (std::none_of(devices.begin(), devices.end(),
                         [&](const DeviceRecord& d) { return device_usable(d, op.now) && !is_temporary(d.kind); }))
          return refused(refuse(Errc::account_no_device, {u.username}), "account.no_device");
      }
      users.push_back(std::move(u));
    }

    AccountRecord account = view.account;
    account.opted_out = opted_out;
    SLS_TRY(tx.update_account(account));
    for (UserRecord& u : users) {
      u.opted_out = opted_out;
      SLS_TRY(tx.update_user(u));
      // Every other session of the account's users ends, as a password or
      // device change ends them; the acting one stays.
      SLS_TRY_ASSIGN(rows, tx.list_sessions(u.id));
      std::int64_t ended = 0;
      for (const SessionRecord& r : rows)
        if (r.token_hash != session.token_hash) {
          SLS_TRY(tx.delete_session(r.token_hash));
          ++ended;
        }
      SLS_TRY(op.audit(tx, event, "ok", u.id, u.username, "",
                       "account " + account.name + " by " + actor.username + "; " + std::to_string(ended) +
                           " other sessions ended"));
    }
    // The acting session now carries the restrictions of `none`; opting back
    // in leaves it password only until the next login.
    if (opted_out) {
      session.device_kind = DeviceKind::none;
      SLS_TRY(tx.update_session(session));
    }
    return ok_json(std::move(reply.set("changed", true)));
  }));
}

}  // namespace sls::server
