// The store's transaction, written once in SQL for both databases: each record read and written through its table's
// column list (sql_rows.hpp), over a SqlConnection (SQLite or PostgreSQL).
#include "server/sql_tx.hpp"

#include <string>

#include "server/sql_orders.hpp"
#include "server/sql_phones.hpp"
#include "server/sql_rows.hpp"
#include "server/sql_sharing.hpp"
#include "server/sql_withdrawals.hpp"
#include "server/try.hpp"

namespace sls::server {
namespace {

// --- row mapping: the tables of sql_rows.hpp ---------------------------------------------

using sql_rows::execute;
using sql_rows::kAccounts;
using sql_rows::kAccountUsers;
using sql_rows::kChallenges;
using sql_rows::kDevices;
using sql_rows::kLogins;
using sql_rows::kPushes;
using sql_rows::kSessions;
using sql_rows::kUsers;
using sql_rows::query_all;
using sql_rows::query_one;

std::string sql(std::string_view a, std::string_view b = {}, std::string_view c = {}, std::string_view d = {}) {
  std::string s;
  s.reserve(a.size() + b.size() + c.size() + d.size());
  s += a;
  s += b;
  s += c;
  s += d;
  return s;
}

/// Fails with Errc::internal when an UPDATE touched no row: the caller
/// updated a record that does not exist, a programming error.
Status expect_changed(SqlConnection& db, Status s, std::string_view what) {
  if (!s) return s;
  if (db.changes() != 1) return fail(Errc::internal, {"sql", what, "no such row"});
  return ok_status();
}

class SqlTx final : public StoreTx {
 public:
  explicit SqlTx(SqlConnection& db) : db_(db) {}

  Result<std::optional<UserRecord>> find_user(std::string_view username) override {
    return query_one<UserRecord>(
        db_, kUsers.select("WHERE username = ?1"), [&](SqlStatement& s) { s.bind(1, username); }, kUsers.reader());
  }

  Result<std::optional<UserRecord>> get_user(std::int64_t id) override {
    return query_one<UserRecord>(
        db_, kUsers.select("WHERE id = ?1"), [&](SqlStatement& s) { s.bind(1, id); }, kUsers.reader());
  }

  Result<std::int64_t> insert_user(const UserRecord& u) override {
    auto existing = find_user(u.username);
    if (!existing) return existing.error();
    if (existing->has_value()) return fail(Errc::bad_argument, {"username", "taken"});
    SLS_TRY_ASSIGN(id, query_one<std::int64_t>(
                           db_, kUsers.insert_returning_key(), [&](SqlStatement& st) { kUsers.bind_after_key(st, u); },
                           [](const SqlStatement& st) { return st.column_int(0); }));
    if (!id) return fail(Errc::internal, {"sql", "insert_user", "no id"});
    return *id;
  }

  Status update_user(const UserRecord& u) override { return update(kUsers, u, "update_user"); }

  Result<std::optional<DeviceRecord>> get_device(std::string_view id) override {
    return query_one<DeviceRecord>(
        db_, kDevices.select("WHERE id = ?1"), [&](SqlStatement& s) { s.bind(1, id); }, kDevices.reader());
  }

  Result<std::vector<DeviceRecord>> list_devices(std::int64_t user_id) override {
    return query_all<DeviceRecord>(
        db_, kDevices.select("WHERE user_id = ?1 ORDER BY created_at, rowid"),
        [&](SqlStatement& s) { s.bind(1, user_id); }, kDevices.reader());
  }

  Status insert_device(const DeviceRecord& d) override { return insert(kDevices, d); }
  Status update_device(const DeviceRecord& d) override { return update(kDevices, d, "update_device"); }

  Status insert_login(const LoginRecord& l) override { return insert(kLogins, l); }

  Result<std::optional<LoginRecord>> get_login(std::string_view id) override {
    return query_one<LoginRecord>(
        db_, kLogins.select("WHERE id = ?1"), [&](SqlStatement& s) { s.bind(1, id); }, kLogins.reader());
  }

  Status update_login(const LoginRecord& l) override { return update(kLogins, l, "update_login"); }

  Status insert_challenge(const ChallengeRecord& c) override { return insert(kChallenges, c); }

  Result<std::optional<ChallengeRecord>> get_challenge(std::string_view id) override {
    return query_one<ChallengeRecord>(
        db_, kChallenges.select("WHERE id = ?1"), [&](SqlStatement& s) { s.bind(1, id); }, kChallenges.reader());
  }

  Result<std::optional<ChallengeRecord>> latest_challenge(std::string_view login_id) override {
    return query_one<ChallengeRecord>(
        db_, kChallenges.select("WHERE login_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 1"),
        [&](SqlStatement& s) { s.bind(1, login_id); }, kChallenges.reader());
  }

  Status update_challenge(const ChallengeRecord& c) override { return update(kChallenges, c, "update_challenge"); }

  Result<std::vector<std::int64_t>> challenge_times_since(std::int64_t user_id, std::int64_t since,
                                                          std::int64_t logins_since) override {
    return query_all<std::int64_t>(
        db_,
        "SELECT c.created_at FROM logins l JOIN challenges c ON c.login_id = l.id "
        "WHERE l.user_id = ?1 AND l.created_at >= ?3 AND c.created_at >= ?2 ORDER BY c.created_at",
        [&](SqlStatement& s) { s.bind(1, user_id).bind(2, since).bind(3, logins_since); },
        [](const SqlStatement& s) { return s.column_int(0); });
  }

  Status void_open_challenges(std::string_view login_id) override {
    return execute(db_, "UPDATE challenges SET state = 'void' WHERE login_id = ?1 AND state = 'open'",
                   [&](SqlStatement& s) { s.bind(1, login_id); });
  }

  Status insert_push(const PushRecord& p) override { return insert(kPushes, p); }

  Result<std::optional<PushRecord>> get_push(std::string_view id) override {
    return query_one<PushRecord>(
        db_, kPushes.select("WHERE id = ?1"), [&](SqlStatement& s) { s.bind(1, id); }, kPushes.reader());
  }

  Status update_push(const PushRecord& p) override { return update(kPushes, p, "update_push"); }

  Result<std::vector<PushRecord>> pending_pushes_of_login(std::string_view login_id) override {
    return query_all<PushRecord>(
        db_, kPushes.select("WHERE login_id = ?1 AND status = 'pending'"),
        [&](SqlStatement& s) { s.bind(1, login_id); }, kPushes.reader());
  }

  Result<std::vector<PushRecord>> pending_pushes_of_device(std::string_view device_id, std::int64_t now) override {
    return query_all<PushRecord>(
        db_,
        kPushes.select("WHERE device_id = ?1 AND status = 'pending' AND expires_at > ?2 "
                       "ORDER BY created_at DESC, rowid DESC"),
        [&](SqlStatement& s) { s.bind(1, device_id).bind(2, now); }, kPushes.reader());
  }

  Result<std::vector<std::int64_t>> push_times_since(std::int64_t user_id, std::int64_t since) override {
    return query_all<std::int64_t>(
        db_, "SELECT created_at FROM pushes WHERE user_id = ?1 AND created_at >= ?2 ORDER BY created_at",
        [&](SqlStatement& s) { s.bind(1, user_id).bind(2, since); },
        [](const SqlStatement& s) { return s.column_int(0); });
  }

  Status insert_session(const SessionRecord& r) override { return insert(kSessions, r); }

  Result<std::optional<SessionRecord>> get_session(const Bytes& token_hash) override {
    return query_one<SessionRecord>(
        db_, kSessions.select("WHERE token_hash = ?1"), [&](SqlStatement& s) { s.bind_blob(1, token_hash); },
        kSessions.reader());
  }

  Status update_session(const SessionRecord& r) override { return update(kSessions, r, "update_session"); }

  Result<std::vector<SessionRecord>> list_sessions(std::int64_t user_id) override {
    return query_all<SessionRecord>(
        db_, kSessions.select("WHERE user_id = ?1 ORDER BY created_at, rowid"),
        [&](SqlStatement& s) { s.bind(1, user_id); }, kSessions.reader());
  }

  Status delete_session(const Bytes& token_hash) override {
    return execute(db_, "DELETE FROM sessions WHERE token_hash = ?1",
                   [&](SqlStatement& s) { s.bind_blob(1, token_hash); });
  }

  Result<std::int64_t> delete_sessions_of_user(std::int64_t user_id) override {
    auto s = execute(db_, "DELETE FROM sessions WHERE user_id = ?1", [&](SqlStatement& st) { st.bind(1, user_id); });
    if (!s) return s.error();
    return db_.changes();
  }

  Result<std::int64_t> delete_ended_sessions_of_user(std::int64_t user_id, std::int64_t now) override {
    auto s = execute(db_, "DELETE FROM sessions WHERE user_id = ?1 AND (expires_at <= ?2 OR idle_expires_at <= ?2)",
                     [&](SqlStatement& st) {
                       st.bind(1, user_id);
                       st.bind(2, now);
                     });
    if (!s) return s.error();
    return db_.changes();
  }

  Status insert_account(const AccountRecord& a) override {
    SLS_TRY_ASSIGN(existing, find_account(a.name));
    if (existing) return fail(Errc::bad_argument, {"account", "taken"});
    return insert(kAccounts, a);
  }

  Result<std::optional<AccountRecord>> get_account(std::string_view id) override {
    return query_one<AccountRecord>(
        db_, kAccounts.select("WHERE id = ?1"), [&](SqlStatement& s) { s.bind(1, id); }, kAccounts.reader());
  }

  Result<std::optional<AccountRecord>> find_account(std::string_view name) override {
    return query_one<AccountRecord>(
        db_, kAccounts.select("WHERE name = ?1"), [&](SqlStatement& s) { s.bind(1, name); }, kAccounts.reader());
  }

  Status update_account(const AccountRecord& a) override { return update(kAccounts, a, "update_account"); }

  Status insert_account_user(const AccountUserRecord& m) override {
    SLS_TRY_ASSIGN(members, list_account_users(m.account_id));
    for (const auto& other : members)
      if (other.user_id == m.user_id || (m.is_primary && other.is_primary))
        return fail(Errc::bad_argument, {"account_user", "taken"});
    return insert(kAccountUsers, m);
  }

  Result<std::vector<AccountUserRecord>> list_account_users(std::string_view account_id) override {
    return query_all<AccountUserRecord>(
        db_, kAccountUsers.select("WHERE account_id = ?1 ORDER BY is_primary DESC, added_at, user_id"),
        [&](SqlStatement& s) { s.bind(1, account_id); }, kAccountUsers.reader());
  }

  Result<std::vector<AccountRecord>> list_accounts_of_user(std::int64_t user_id) override {
    return query_all<AccountRecord>(
        db_, kAccounts.select("WHERE id IN (SELECT account_id FROM account_users WHERE user_id = ?1) ORDER BY name"),
        [&](SqlStatement& s) { s.bind(1, user_id); }, kAccounts.reader());
  }

  Result<std::optional<Bytes>> get_sealed_identity(std::int64_t user_id) override {
    return query_one<Bytes>(
        db_, "SELECT sealed FROM user_identities WHERE user_id = ?1", [&](SqlStatement& s) { s.bind(1, user_id); },
        [](const SqlStatement& s) -> Result<Bytes> { return s.column_blob(0); });
  }

  Status set_sealed_identity(std::int64_t user_id, const Bytes& sealed, std::int64_t now) override {
    return execute(db_,
                   "INSERT INTO user_identities (user_id, sealed, updated_at) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT(user_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
                   [&](SqlStatement& s) {
                     s.bind(1, user_id);
                     s.bind_blob(2, sealed);
                     s.bind(3, now);
                   });
  }

  Result<std::int64_t> insert_service_credential(const ServiceCredentialRecord& c) override {
    return sql_withdrawals::insert_credential(db_, c);
  }
  Result<std::optional<ServiceCredentialRecord>> find_service_credential(std::string_view name) override {
    return sql_withdrawals::find_credential(db_, name);
  }
  Result<std::optional<ServiceCredentialRecord>> find_service_credential_by_hash(const Bytes& token_hash) override {
    return sql_withdrawals::find_credential_by_hash(db_, token_hash);
  }
  Result<std::vector<ServiceCredentialRecord>> list_service_credentials() override {
    return sql_withdrawals::list_credentials(db_);
  }
  Status update_service_credential(const ServiceCredentialRecord& c) override {
    return sql_withdrawals::update_credential(db_, c);
  }
  Status insert_withdrawal(const WithdrawalRecord& w) override { return sql_withdrawals::insert_withdrawal(db_, w); }
  Result<std::vector<WithdrawalRecord>> list_withdrawals(std::string_view account_id, std::int64_t since,
                                                         std::size_t limit) override {
    return sql_withdrawals::list_withdrawals(db_, account_id, since, limit);
  }
  Result<std::optional<WithdrawalRequestRecord>> get_withdrawal_request(std::int64_t credential_id,
                                                                        std::string_view key) override {
    return sql_withdrawals::get_request(db_, credential_id, key);
  }
  Status insert_withdrawal_request(const WithdrawalRequestRecord& r) override {
    return sql_withdrawals::insert_request(db_, r);
  }
  Status insert_sharing(const SharingRecord& r) override { return sql_sharing::insert(db_, r); }
  Result<std::optional<SharingRecord>> get_sharing(std::string_view id) override { return sql_sharing::get(db_, id); }
  Status update_sharing(const SharingRecord& r) override { return sql_sharing::update(db_, r); }
  Result<std::vector<SharingRecord>> list_sharings_of_user(std::int64_t user_id) override {
    return sql_sharing::of_user(db_, user_id);
  }
  Result<std::vector<SharingRecord>> list_sharings_of_device(std::string_view device_id) override {
    return sql_sharing::of_device(db_, device_id);
  }
  Result<std::vector<SharingRecord>> list_sharings(bool pending_only, std::size_t limit) override {
    return sql_sharing::recent(db_, pending_only, limit);
  }
  Status insert_order(const DeviceOrderRecord& r) override { return sql_orders::insert(db_, r); }
  Result<std::optional<DeviceOrderRecord>> get_order(std::string_view id) override { return sql_orders::get(db_, id); }
  Status update_order(const DeviceOrderRecord& r) override { return sql_orders::update(db_, r); }
  Result<std::vector<DeviceOrderRecord>> list_orders_of_user(std::int64_t user_id) override {
    return sql_orders::of_user(db_, user_id);
  }
  Result<std::vector<DeviceOrderRecord>> list_orders(std::size_t limit) override {
    return sql_orders::recent(db_, static_cast<std::int64_t>(limit));
  }
  Result<std::vector<DeviceOrderRecord>> list_orders_of_device(std::string_view device_id) override {
    return sql_orders::touching_device(db_, device_id);
  }
  Status append_deposit_entry(const DepositEntryRecord& e) override { return sql_orders::append_entry(db_, e); }
  Result<std::vector<DepositEntryRecord>> list_deposit_entries(std::string_view order_id) override {
    return sql_orders::entries(db_, order_id);
  }

  Status insert_phone(const PhoneRecord& r) override { return sql_phones::insert(db_, r); }
  Result<std::vector<PhoneRecord>> list_phones(std::int64_t user_id) override {
    return sql_phones::of_user(db_, user_id);
  }
  Status delete_phone(std::string_view id) override { return sql_phones::remove(db_, id); }

  Result<bool> record_redeemed_assertion(std::string_view jti, std::int64_t expires_at) override {
    auto s = execute(db_, "INSERT INTO redeemed_assertions (jti, expires_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                     [&](SqlStatement& st) { st.bind(1, jti).bind(2, expires_at); });
    if (!s) return s.error();
    return db_.changes() == 1;
  }

  Result<std::int64_t> delete_expired_redeemed_assertions(std::int64_t now, std::int64_t limit) override {
    auto s = execute(db_,
                     "DELETE FROM redeemed_assertions WHERE jti IN (SELECT jti FROM redeemed_assertions "
                     "WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ?2)",
                     [&](SqlStatement& st) { st.bind(1, now).bind(2, limit); });
    if (!s) return s.error();
    return db_.changes();
  }

  /// PostgreSQL delivers a notification when its transaction commits; SQLite is one process's store.
  Status notify(std::string_view channel, std::string_view payload) override {
    if (db_.dialect() != SqlDialect::postgresql) return ok_status();
    return execute(db_, "SELECT pg_notify(?1, ?2)", [&](SqlStatement& s) { s.bind(1, channel).bind(2, payload); });
  }

  Status append_audit(const AuditRecord& a) override {
    return execute(db_,
                   "INSERT INTO audit (at, event, outcome, user_id, username, device_id, client_addr, detail) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                   [&](SqlStatement& s) {
                     s.bind(1, a.at).bind(2, a.event).bind(3, a.outcome);
                     if (a.user_id != 0)
                       s.bind(4, a.user_id);
                     else
                       s.bind_null(4);
                     s.bind(5, a.username).bind(6, a.device_id).bind(7, a.client_addr).bind(8, a.detail);
                   });
  }

  Result<std::vector<AuditRecord>> list_audit(std::size_t limit, std::string_view username) override {
    const auto n = static_cast<std::int64_t>(limit);
    auto read = [](const SqlStatement& s) {
      return AuditRecord{s.column_int(0),  s.column_int(1),  s.column_text(2), s.column_text(3), s.column_int(4),
                         s.column_text(5), s.column_text(6), s.column_text(7), s.column_text(8)};
    };
    constexpr std::string_view kCols =
        "SELECT id, at, event, outcome, COALESCE(user_id, 0), username, device_id, client_addr, detail FROM audit ";
    if (username.empty())
      return query_all<AuditRecord>(
          db_, sql(kCols, "ORDER BY id DESC LIMIT ?1"), [&](SqlStatement& s) { s.bind(1, n); }, read);
    return query_all<AuditRecord>(
        db_, sql(kCols, "WHERE username = ?2 ORDER BY id DESC LIMIT ?1"),
        [&](SqlStatement& s) { s.bind(1, n).bind(2, username); }, read);
  }

  Status append_device_event(const DeviceEventRecord& e) override {
    return execute(db_,
                   "INSERT INTO device_events (user_id, device_id, kind, serial, event, actor, detail, at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                   [&](SqlStatement& s) {
                     s.bind(1, e.user_id).bind(2, e.device_id).bind(3, device_kind_id(e.kind)).bind(4, e.serial);
                     s.bind(5, e.event).bind(6, e.actor).bind(7, e.detail).bind(8, e.at);
                   });
  }

  Result<std::vector<DeviceEventRecord>> list_device_events(std::int64_t user_id, std::size_t limit) override {
    return query_all<DeviceEventRecord>(
        db_,
        "SELECT id, user_id, device_id, kind, serial, event, actor, detail, at FROM device_events "
        "WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2",
        [&](SqlStatement& s) { s.bind(1, user_id).bind(2, static_cast<std::int64_t>(limit)); },
        [](const SqlStatement& s) {
          DeviceEventRecord e;
          e.id = s.column_int(0);
          e.user_id = s.column_int(1);
          e.device_id = s.column_text(2);
          if (auto kind = parse_device_kind(s.column_text(3))) e.kind = *kind;
          e.serial = s.column_text(4);
          e.event = s.column_text(5);
          e.actor = s.column_text(6);
          e.detail = s.column_text(7);
          e.at = s.column_int(8);
          return e;
        });
  }

  Status append_outbox(const OutboxRecord& m) override {
    return execute(db_, "INSERT INTO sms_outbox (at, phone, text) VALUES (?1, ?2, ?3)",
                   [&](SqlStatement& s) { s.bind(1, m.at).bind(2, m.phone).bind(3, m.text); });
  }

  Result<std::vector<OutboxRecord>> list_outbox(std::size_t limit) override {
    return query_all<OutboxRecord>(
        db_, "SELECT id, at, phone, text FROM sms_outbox ORDER BY id DESC LIMIT ?1",
        [&](SqlStatement& s) { s.bind(1, static_cast<std::int64_t>(limit)); },
        [](const SqlStatement& s) {
          return OutboxRecord{s.column_int(0), s.column_int(1), s.column_text(2), s.column_text(3)};
        });
  }

 private:
  template <class R>
  Status insert(const sql_rows::Table<R>& table, const R& r) {
    return execute(db_, table.insert(), [&](SqlStatement& s) { table.bind(s, r); });
  }

  template <class R>
  Status update(const sql_rows::Table<R>& table, const R& r, std::string_view what) {
    auto s = execute(db_, table.update(), [&](SqlStatement& st) { table.bind(st, r); });
    return expect_changed(db_, std::move(s), what);
  }

  SqlConnection& db_;
};

}  // namespace

std::unique_ptr<StoreTx> make_sql_tx(SqlConnection& db) { return std::make_unique<SqlTx>(db); }

}  // namespace sls::server
