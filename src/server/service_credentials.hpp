// The back office's service credentials (issue 11, docs/withdrawals.md): a
// named bearer token that may call the withdrawal API. slsctl issues, lists
// and revokes them; only a keyed hash of each token is stored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/keyring.hpp"
#include "server/records.hpp"
#include "server/store.hpp"
#include "sls/result.hpp"

namespace sls::server {

/// Longest credential name; names are 1 to this many of A-Z a-z 0-9 . _ -
inline constexpr std::size_t kMaxServiceCredentialName = 64;
/// Longest bearer token looked up (longer ones cannot be ours).
inline constexpr std::size_t kMaxServiceTokenBytes = 128;

/// Errc::bad_argument {"service credential", name} unless the name fits.
Status validate_service_credential_name(std::string_view name);

/// A new credential: returns its bearer token (shown once, never stored).
/// Errc::bad_argument {"service credential", "taken"} when the name is in use.
Result<std::string> create_service_credential(Store& store, const Keyring& keys, std::int64_t now,
                                              std::string_view name);

/// Every credential, by name (hashes included: for display use name and dates).
Result<std::vector<ServiceCredentialRecord>> list_service_credentials(Store& store);

/// Revokes a credential: its token stops working at once. Errc::bad_argument
/// {"service credential", name, "unknown"} when there is none; revoking twice
/// keeps the first date.
Status revoke_service_credential(Store& store, std::int64_t now, std::string_view name);

/// The live credential a bearer token stands for: looked up by its keyed hash
/// (the token itself is compared nowhere), nullopt when unknown or revoked.
Result<std::optional<ServiceCredentialRecord>> service_credential_of_token(StoreTx& tx, const Keyring& keys,
                                                                           std::string_view token);

}  // namespace sls::server
