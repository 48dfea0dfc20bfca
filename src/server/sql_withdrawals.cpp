// The SQL rows of the withdrawal ledger and the service credentials (sql_withdrawals.hpp).
#include "server/sql_withdrawals.hpp"

#include <string>

#include "server/sql_rows.hpp"

namespace sls::server::sql_withdrawals {
namespace {

using sql_rows::execute;
using sql_rows::query_all;
using sql_rows::query_one;

constexpr std::string_view kCredentialColumns =
    "SELECT id, name, token_hash, created_at, revoked_at FROM service_credentials ";
constexpr std::string_view kWithdrawalColumns =
    "SELECT id, account_id, amount_cents, at, device_kind, credential, idempotency_key FROM withdrawals ";

ServiceCredentialRecord read_credential(const SqlStatement& s) {
  return ServiceCredentialRecord{s.column_int(0), s.column_text(1), s.column_blob(2), s.column_int(3), s.column_int(4)};
}

WithdrawalRecord read_withdrawal(const SqlStatement& s) {
  return WithdrawalRecord{s.column_text(0), s.column_text(1), s.column_int(2), s.column_int(3),
                          s.column_text(4), s.column_text(5), s.column_text(6)};
}

}  // namespace

Result<std::int64_t> insert_credential(SqlConnection& db, const ServiceCredentialRecord& c) {
  auto existing = find_credential(db, c.name);
  if (!existing) return existing.error();
  if (existing->has_value()) return fail(Errc::bad_argument, {"service credential", "taken"});
  auto id = query_one<std::int64_t>(
      db,
      "INSERT INTO service_credentials (name, token_hash, created_at, revoked_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
      [&](SqlStatement& st) {
        st.bind(1, c.name).bind_blob(2, c.token_hash).bind(3, c.created_at).bind(4, c.revoked_at);
      },
      [](const SqlStatement& st) { return st.column_int(0); });
  if (!id) return id.error();
  if (!*id) return fail(Errc::internal, {"sql", "insert_service_credential", "no id"});
  return **id;
}

Result<std::optional<ServiceCredentialRecord>> find_credential(SqlConnection& db, std::string_view name) {
  return query_one<ServiceCredentialRecord>(
      db, std::string(kCredentialColumns) + "WHERE name = ?1", [&](SqlStatement& s) { s.bind(1, name); },
      read_credential);
}

Result<std::optional<ServiceCredentialRecord>> find_credential_by_hash(SqlConnection& db, const Bytes& token_hash) {
  return query_one<ServiceCredentialRecord>(
      db, std::string(kCredentialColumns) + "WHERE token_hash = ?1",
      [&](SqlStatement& s) { s.bind_blob(1, token_hash); }, read_credential);
}

Result<std::vector<ServiceCredentialRecord>> list_credentials(SqlConnection& db) {
  return query_all<ServiceCredentialRecord>(
      db, std::string(kCredentialColumns) + "ORDER BY name", [](SqlStatement&) {}, read_credential);
}

Status update_credential(SqlConnection& db, const ServiceCredentialRecord& c) {
  auto s = execute(
      db, "UPDATE service_credentials SET name = ?2, token_hash = ?3, revoked_at = ?4 WHERE id = ?1",
      [&](SqlStatement& st) { st.bind(1, c.id).bind(2, c.name).bind_blob(3, c.token_hash).bind(4, c.revoked_at); });
  if (!s) return s;
  if (db.changes() != 1) return fail(Errc::internal, {"sql", "update_service_credential", "no such row"});
  return ok_status();
}

Status insert_withdrawal(SqlConnection& db, const WithdrawalRecord& w) {
  return execute(db,
                 "INSERT INTO withdrawals (id, account_id, amount_cents, at, device_kind, credential, idempotency_key) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                 [&](SqlStatement& s) {
                   s.bind(1, w.id).bind(2, w.account_id).bind(3, w.amount_cents).bind(4, w.at);
                   s.bind(5, w.device_kind).bind(6, w.credential).bind(7, w.idempotency_key);
                 });
}

Result<std::vector<WithdrawalRecord>> list_withdrawals(SqlConnection& db, std::string_view account_id,
                                                       std::int64_t since, std::size_t limit) {
  return query_all<WithdrawalRecord>(
      db, std::string(kWithdrawalColumns) + "WHERE account_id = ?1 AND at >= ?2 ORDER BY at DESC, id DESC LIMIT ?3",
      [&](SqlStatement& s) { s.bind(1, account_id).bind(2, since).bind(3, static_cast<std::int64_t>(limit)); },
      read_withdrawal);
}

Result<std::optional<WithdrawalRequestRecord>> get_request(SqlConnection& db, std::int64_t credential_id,
                                                           std::string_view key) {
  return query_one<WithdrawalRequestRecord>(
      db,
      "SELECT credential_id, idempotency_key, account_id, amount_cents, status, reply, at FROM withdrawal_requests "
      "WHERE credential_id = ?1 AND idempotency_key = ?2",
      [&](SqlStatement& s) { s.bind(1, credential_id).bind(2, key); },
      [](const SqlStatement& s) {
        return WithdrawalRequestRecord{
            s.column_int(0),  s.column_text(1), s.column_text(2), s.column_int(3), static_cast<int>(s.column_int(4)),
            s.column_text(5), s.column_int(6)};
      });
}

Status insert_request(SqlConnection& db, const WithdrawalRequestRecord& r) {
  return execute(db,
                 "INSERT INTO withdrawal_requests (credential_id, idempotency_key, account_id, amount_cents, status, "
                 "reply, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                 [&](SqlStatement& s) {
                   s.bind(1, r.credential_id).bind(2, r.idempotency_key).bind(3, r.account_id).bind(4, r.amount_cents);
                   s.bind(5, std::int64_t{r.status}).bind(6, r.reply).bind(7, r.at);
                 });
}

}  // namespace sls::server::sql_withdrawals
