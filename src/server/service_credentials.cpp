// The back office's service credentials (service_credentials.hpp).
#include "server/service_credentials.hpp"

#include <algorithm>

#include "server/encoding.hpp"
#include "server/try.hpp"

namespace sls::server {

Status validate_service_credential_name(std::string_view name) {
  const bool ok =
      !name.empty() && name.size() <= kMaxServiceCredentialName && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
      });
  if (!ok) return fail(Errc::bad_argument, {"service credential", "name: 1 to 64 of A-Z a-z 0-9 . _ -"});
  return ok_status();
}

Result<std::string> create_service_credential(Store& store, const Keyring& keys, std::int64_t now,
                                              std::string_view name) {
  SLS_TRY(validate_service_credential_name(name));
  std::string token = random_token(kTokenBytes);
  Status s = store.write([&](StoreTx& tx) -> Status {
    ServiceCredentialRecord c;
    c.name = std::string(name);
    c.token_hash = keys.keyed_hash(HashPurpose::service_token, token);
    c.created_at = now;
    SLS_TRY_ASSIGN(id, tx.insert_service_credential(c));
    (void)id;
    return tx.append_audit(AuditRecord{0, now, "service_credential.created", "ok", 0, "", "", "", c.name});
  });
  if (!s) return s.error();
  return token;
}

Result<std::vector<ServiceCredentialRecord>> list_service_credentials(Store& store) {
  std::vector<ServiceCredentialRecord> out;
  Status s = store.read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(list, tx.list_service_credentials());
    out = std::move(list);
    return ok_status();
  });
  if (!s) return s.error();
  return out;
}

Status revoke_service_credential(Store& store, std::int64_t now, std::string_view name) {
  return store.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(found, tx.find_service_credential(name));
    if (!found) return fail(Errc::bad_argument, {"service credential", name, "unknown"});
    if (found->revoked_at != 0) return ok_status();
    found->revoked_at = now;
    SLS_TRY(tx.update_service_credential(*found));
    return tx.append_audit(AuditRecord{0, now, "service_credential.revoked", "ok", 0, "", "", "", found->name});
  });
}

Result<std::optional<ServiceCredentialRecord>> service_credential_of_token(StoreTx& tx, const Keyring& keys,
                                                                           std::string_view token) {
  if (token.empty() || token.size() > kMaxServiceTokenBytes) return std::optional<ServiceCredentialRecord>{};
  SLS_TRY_ASSIGN(found, tx.find_service_credential_by_hash(keys.keyed_hash(HashPurpose::service_token, token)));
  if (!found || found->revoked_at != 0) return std::optional<ServiceCredentialRecord>{};
  return found;
}

}  // namespace sls::server
