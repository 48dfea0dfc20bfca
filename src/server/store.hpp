// The server's storage, behind a narrow interface: SQLite for one machine,
// PostgreSQL for several nodes (store_open.hpp, docs/store.md), the handlers
// the same for both.
//
// Every state change happens inside Store::write: one transaction that
// commits when the callback returns ok and rolls back when it returns an
// error (or throws). Handlers therefore check and change state in the same
// transaction (no check-then-act race between two requests).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/records.hpp"
#include "sls/result.hpp"

namespace sls::server {

/// The operations available inside a transaction. Lookups return nullopt
/// when the row does not exist; every method fails only on a storage fault
/// (Errc::internal), which the caller propagates to roll back.
class StoreTx {
 public:
  virtual ~StoreTx() = default;

  // users
  virtual Result<std::optional<UserRecord>> find_user(std::string_view username) = 0;
  virtual Result<std::optional<UserRecord>> get_user(std::int64_t id) = 0;
  /// Inserts and returns the new id; Errc::bad_argument if the name is taken.
  virtual Result<std::int64_t> insert_user(const UserRecord& user) = 0;
  virtual Status update_user(const UserRecord& user) = 0;

  // devices
  virtual Result<std::optional<DeviceRecord>> get_device(std::string_view id) = 0;
  /// All devices of a user, in enrolment order, whatever their status.
  virtual Result<std::vector<DeviceRecord>> list_devices(std::int64_t user_id) = 0;
  virtual Status insert_device(const DeviceRecord& device) = 0;
  virtual Status update_device(const DeviceRecord& device) = 0;

  // logins and their challenges
  virtual Status insert_login(const LoginRecord& login) = 0;
  virtual Result<std::optional<LoginRecord>> get_login(std::string_view id) = 0;
  virtual Status update_login(const LoginRecord& login) = 0;
  virtual Status insert_challenge(const ChallengeRecord& challenge) = 0;
  virtual Result<std::optional<ChallengeRecord>> get_challenge(std::string_view id) = 0;
  /// The login's most recent challenge, in any state.
  virtual Result<std::optional<ChallengeRecord>> latest_challenge(std::string_view login_id) = 0;
  virtual Status update_challenge(const ChallengeRecord& challenge) = 0;
  /// Creation times of the challenges opened for the user's logins at or
  /// after `since`, oldest first (for the per-user bound on opening them).
  /// Only logins created at or after `logins_since` are searched: a login
  /// lives at most the login lifetime, so `since - login_ttl` misses none.
  virtual Result<std::vector<std::int64_t>> challenge_times_since(std::int64_t user_id, std::int64_t since,
                                                                  std::int64_t logins_since) = 0;
  /// Marks every open challenge of the login void.
  virtual Status void_open_challenges(std::string_view login_id) = 0;

  // push transactions
  virtual Status insert_push(const PushRecord& push) = 0;
  virtual Result<std::optional<PushRecord>> get_push(std::string_view id) = 0;
  virtual Status update_push(const PushRecord& push) = 0;
  /// Pending pushes of a login (to cancel them when another method opens).
  virtual Result<std::vector<PushRecord>> pending_pushes_of_login(std::string_view login_id) = 0;
  /// Pending pushes addressed to a device that expire after `now`, newest first.
  virtual Result<std::vector<PushRecord>> pending_pushes_of_device(std::string_view device_id, std::int64_t now) = 0;
  /// Creation times of the user's pushes created at or after `since`, oldest
  /// first (for the per-hour bound and its Retry-After).
  virtual Result<std::vector<std::int64_t>> push_times_since(std::int64_t user_id, std::int64_t since) = 0;

  // sessions
  virtual Status insert_session(const SessionRecord& session) = 0;
  virtual Result<std::optional<SessionRecord>> get_session(const Bytes& token_hash) = 0;
  virtual Status update_session(const SessionRecord& session) = 0;
  /// The user's sessions, expired ones included, oldest first.
  virtual Result<std::vector<SessionRecord>> list_sessions(std::int64_t user_id) = 0;
  /// Deletes one session (nothing when there is none).
  virtual Status delete_session(const Bytes& token_hash) = 0;
  /// Deletes every session of the user; returns how many there were.
  virtual Result<std::int64_t> delete_sessions_of_user(std::int64_t user_id) = 0;
  /// Deletes the user's sessions that ended by `now` (absolute or idle
  /// expiry reached); returns how many there were.
  virtual Result<std::int64_t> delete_ended_sessions_of_user(std::int64_t user_id, std::int64_t now) = 0;

  // accounts and their users
  /// Errc::bad_argument, args {"account", "taken"}, when the name is in use.
  virtual Status insert_account(const AccountRecord& account) = 0;
  virtual Result<std::optional<AccountRecord>> get_account(std::string_view id) = 0;
  virtual Result<std::optional<AccountRecord>> find_account(std::string_view name) = 0;
  virtual Status update_account(const AccountRecord& account) = 0;
  /// Errc::bad_argument, args {"account_user", "taken"}, when the user is
  /// already on the account or a second primary user is added.
  virtual Status insert_account_user(const AccountUserRecord& member) = 0;
  /// The account's users, the primary one first, then in the order added.
  virtual Result<std::vector<AccountUserRecord>> list_account_users(std::string_view account_id) = 0;
  /// The accounts the user holds, by name.
  virtual Result<std::vector<AccountRecord>> list_accounts_of_user(std::int64_t user_id) = 0;
  /// The user's identification data, sealed (keyring.hpp); nullopt when
  /// none was set. Only the sharing rule opens it.
  virtual Result<std::optional<Bytes>> get_sealed_identity(std::int64_t user_id) = 0;
  virtual Status set_sealed_identity(std::int64_t user_id, const Bytes& sealed, std::int64_t now) = 0;

  // service credentials and the withdrawal ledger (sql_withdrawals.cpp)
  /// Inserts and returns the new id; Errc::bad_argument, args
  /// {"service credential", "taken"}, when the name is in use.
  virtual Result<std::int64_t> insert_service_credential(const ServiceCredentialRecord& c) = 0;
  virtual Result<std::optional<ServiceCredentialRecord>> find_service_credential(std::string_view name) = 0;
  virtual Result<std::optional<ServiceCredentialRecord>> find_service_credential_by_hash(const Bytes& token_hash) = 0;
  /// Every credential, by name.
  virtual Result<std::vector<ServiceCredentialRecord>> list_service_credentials() = 0;
  virtual Status update_service_credential(const ServiceCredentialRecord& c) = 0;
  virtual Status insert_withdrawal(const WithdrawalRecord& w) = 0;
  /// The account's withdrawals made at or after `since`, newest first, at
  /// most `limit`.
  virtual Result<std::vector<WithdrawalRecord>> list_withdrawals(std::string_view account_id, std::int64_t since,
                                                                 std::size_t limit) = 0;
  virtual Result<std::optional<WithdrawalRequestRecord>> get_withdrawal_request(std::int64_t credential_id,
                                                                                std::string_view key) = 0;
  virtual Status insert_withdrawal_request(const WithdrawalRequestRecord& r) = 0;
  // sharing a device across users (docs/sharing.md; sql_sharing.cpp)
  /// Errc::bad_argument, args {"sharing", "taken"}, when the requester
  /// already has a live (pending or approved) request for the same owner.
  virtual Status insert_sharing(const SharingRecord& sharing) = 0;
  virtual Result<std::optional<SharingRecord>> get_sharing(std::string_view id) = 0;
  virtual Status update_sharing(const SharingRecord& sharing) = 0;
  /// The sharings where the user is the requester or the owner, newest first.
  virtual Result<std::vector<SharingRecord>> list_sharings_of_user(std::int64_t user_id) = 0;
  /// The device's sharings, in any status, oldest first.
  virtual Result<std::vector<SharingRecord>> list_sharings_of_device(std::string_view device_id) = 0;
  /// The newest `limit` sharings, or only the pending ones, newest first.
  virtual Result<std::vector<SharingRecord>> list_sharings(bool pending_only, std::size_t limit) = 0;

  // replacement device orders and the deposit ledger (docs/device-orders.md; sql_orders.cpp)
  /// Errc::bad_argument, args {"order", "open"}, when the user already has
  /// an open (ordered or shipped) order.
  virtual Status insert_order(const DeviceOrderRecord& order) = 0;
  virtual Result<std::optional<DeviceOrderRecord>> get_order(std::string_view id) = 0;
  virtual Status update_order(const DeviceOrderRecord& order) = 0;
  /// The user's orders, newest first.
  virtual Result<std::vector<DeviceOrderRecord>> list_orders_of_user(std::int64_t user_id) = 0;
  /// The newest `limit` orders of all users, newest first.
  virtual Result<std::vector<DeviceOrderRecord>> list_orders(std::size_t limit) = 0;
  /// The orders that created or replace the device, oldest first.
  virtual Result<std::vector<DeviceOrderRecord>> list_orders_of_device(std::string_view device_id) = 0;
  virtual Status append_deposit_entry(const DepositEntryRecord& entry) = 0;
  /// The order's deposit ledger entries, oldest first.
  virtual Result<std::vector<DepositEntryRecord>> list_deposit_entries(std::string_view order_id) = 0;

  // phones on record (mobile_key_enrolment.cpp; sql_phones.cpp)
  /// Errc::bad_argument, args {"phone", "taken"}, when the user already has the number.
  virtual Status insert_phone(const PhoneRecord& phone) = 0;
  /// The user's phones, oldest first.
  virtual Result<std::vector<PhoneRecord>> list_phones(std::int64_t user_id) = 0;
  /// Deletes one phone row (nothing when there is none).
  virtual Status delete_phone(std::string_view id) = 0;

  // redeemed login assertions (POST /assertions/redeem)
  /// Records that the assertion `jti` (expiring at `expires_at`) was
  /// redeemed: true when it was not recorded yet, false when it was.
  virtual Result<bool> record_redeemed_assertion(std::string_view jti, std::int64_t expires_at) = 0;
  /// Deletes at most `limit` recorded assertions that expired at or before
  /// `now` (nothing can redeem them again); returns how many.
  virtual Result<std::int64_t> delete_expired_redeemed_assertions(std::int64_t now, std::int64_t limit) = 0;

  // device history (append-only; device_history.hpp)
  virtual Status append_device_event(const DeviceEventRecord& event) = 0;
  /// The user's newest `limit` events, newest first.
  virtual Result<std::vector<DeviceEventRecord>> list_device_events(std::int64_t user_id, std::size_t limit) = 0;

  // telling the other processes on the same store (several slsd nodes on one PostgreSQL)
  /// Sends `payload` (at most 1000 bytes) on `channel` to every process
  /// listening on the store, once this transaction commits; never when it
  /// rolls back. SQLite is one process's store: there is no one to tell,
  /// and its implementation does nothing.
  virtual Status notify(std::string_view channel, std::string_view payload) = 0;

  // audit log and SMS outbox (append-only)
  virtual Status append_audit(const AuditRecord& record) = 0;
  /// The newest `limit` records, newest first; only those of `username`
  /// when it is not empty.
  virtual Result<std::vector<AuditRecord>> list_audit(std::size_t limit, std::string_view username) = 0;
  virtual Status append_outbox(const OutboxRecord& message) = 0;
  /// The newest `limit` messages, newest first.
  virtual Result<std::vector<OutboxRecord>> list_outbox(std::size_t limit) = 0;
};

/// A transactional store. Thread-safe. SQLite (SqliteStore) runs one
/// transaction at a time; PostgreSQL (PgStore) runs them side by side, each
/// as if it ran alone (docs/store.md).
class Store {
 public:
  using TxFunction = std::function<Status(StoreTx&)>;

  virtual ~Store() = default;
  /// Runs `fn` in a write transaction: commit if it returns ok, roll back if
  /// it returns an error (returned unchanged) or throws (rethrown).
  ///
  /// `fn` MAY RUN MORE THAN ONCE: PostgreSQL rolls a transaction back when
  /// it conflicts with another (serialization failure, deadlock) or loses
  /// its connection before COMMIT, and the store then runs `fn` again from
  /// the start on a fresh transaction. Only the last run's changes to the
  /// database count; anything `fn` does outside the StoreTx (appending to a
  /// captured vector, taking a rate-limit token, logging, counting) must be
  /// safe to repeat: reset it at the start of `fn`, or do it after write()
  /// returns. A connection lost while COMMIT was on its way is not run
  /// again: the outcome is unknown, and the caller gets a fault
  /// (Errc::internal). A store that cannot be reached for ~10 s gives
  /// Errc::server_store_unavailable (503).
  virtual Status write(const TxFunction& fn) = 0;
  /// Runs `fn` in a read transaction (a consistent snapshot; changes made
  /// through the StoreTx are rolled back). `fn` may run more than once too.
  virtual Status read(const TxFunction& fn) = 0;
  /// The schema version in force.
  virtual Result<int> schema_version() = 0;
};

}  // namespace sls::server
