// Push changes told to the other processes on the store (not installed).
// A committed change of a push (decision, cancel, replacement, expiry) or of
// a login's QR challenge (approval, a new challenge) is announced in this
// process after the commit (AuthService::announce: its waiters wake, its
// cached pending state goes); in the transaction that makes it, the change
// is also sent as a notification on kPushChannel, which PostgreSQL delivers
// to every node's StoreListener when, and only if, the transaction commits
// (SQLite: one process, nothing to send). The other nodes then do what the
// announcement does here (AuthService::changed_elsewhere, docs/nodes.md).
#pragma once

#include <string_view>

#include "server/records.hpp"
#include "server/store.hpp"
#include "server/try.hpp"

namespace sls::server {

/// The channel of push changes; the payload is the id of the push, or of
/// the login whose QR challenge changed.
inline constexpr std::string_view kPushChannel = "sls_push";

/// Tells the other nodes, at `tx`'s commit, that push or login `id` changed.
inline Status notify_push_change(StoreTx& tx, std::string_view id) { return tx.notify(kPushChannel, id); }

/// tx.update_push(push), told to the other nodes (notify_push_change).
inline Status update_push_notifying(StoreTx& tx, const PushRecord& push) {
  SLS_TRY(tx.update_push(push));
  return notify_push_change(tx, push.id);
}

}  // namespace sls::server
