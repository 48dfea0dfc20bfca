// The SQLite rows of the withdrawal ledger and the service credentials (schema
// version 10): the StoreTx methods of that part, for sqlite_store.cpp's
// transaction to call (not installed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "server/records.hpp"
#include "server/sqlite_db.hpp"
#include "sls/result.hpp"

namespace sls::server::sqlite_withdrawals {

Result<std::int64_t> insert_credential(SqliteDb& db, const ServiceCredentialRecord& c);
Result<std::optional<ServiceCredentialRecord>> find_credential(SqliteDb& db, std::string_view name);
Result<std::optional<ServiceCredentialRecord>> find_credential_by_hash(SqliteDb& db, const Bytes& token_hash);
Result<std::vector<ServiceCredentialRecord>> list_credentials(SqliteDb& db);
Status update_credential(SqliteDb& db, const ServiceCredentialRecord& c);

Status insert_withdrawal(SqliteDb& db, const WithdrawalRecord& w);
Result<std::vector<WithdrawalRecord>> list_withdrawals(SqliteDb& db, std::string_view account_id, std::int64_t since,
                                                       std::size_t limit);
Result<std::optional<WithdrawalRequestRecord>> get_request(SqliteDb& db, std::int64_t credential_id,
                                                           std::string_view key);
Status insert_request(SqliteDb& db, const WithdrawalRequestRecord& r);

}  // namespace sls::server::sqlite_withdrawals
