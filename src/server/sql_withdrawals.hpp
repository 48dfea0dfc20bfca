// The SQL rows of the withdrawal ledger and the service credentials (schema
// version 10): the StoreTx methods of that part, for sql_tx.cpp's
// transaction to call (not installed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "server/records.hpp"
#include "server/sql_db.hpp"
#include "sls/result.hpp"

namespace sls::server::sql_withdrawals {

Result<std::int64_t> insert_credential(SqlConnection& db, const ServiceCredentialRecord& c);
Result<std::optional<ServiceCredentialRecord>> find_credential(SqlConnection& db, std::string_view name);
Result<std::optional<ServiceCredentialRecord>> find_credential_by_hash(SqlConnection& db, const Bytes& token_hash);
Result<std::vector<ServiceCredentialRecord>> list_credentials(SqlConnection& db);
Status update_credential(SqlConnection& db, const ServiceCredentialRecord& c);

Status insert_withdrawal(SqlConnection& db, const WithdrawalRecord& w);
Result<std::vector<WithdrawalRecord>> list_withdrawals(SqlConnection& db, std::string_view account_id,
                                                       std::int64_t since, std::size_t limit);
Result<std::optional<WithdrawalRequestRecord>> get_request(SqlConnection& db, std::int64_t credential_id,
                                                           std::string_view key);
Status insert_request(SqlConnection& db, const WithdrawalRequestRecord& r);

}  // namespace sls::server::sql_withdrawals
