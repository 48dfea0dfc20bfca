// The login assertion routes of AuthService: GET /.well-known/jwks.json.
#include "server/assertion_keys.hpp"
#include "server/jwt.hpp"
#include "server/request_scope.hpp"

namespace sls::server {

ApiResponse AuthService::jwks(const RequestContext& ctx) {
  if (assertion_keys_ == nullptr) {
    ApiResponse r = error_response(fail(Errc::internal), ctx.lang);
    r.log_note = "jwks: no assertion key file";
    return r;
  }
  auto keys = assertion_keys_->get();
  if (!keys) {
    ApiResponse r = error_response(fail(Errc::internal), ctx.lang);
    std::string note(errc_name(keys.error().code));
    for (const auto& a : keys.error().args) note += " " + a;
    r.log_note = std::move(note);
    return r;
  }
  ApiResponse r = ok_json(jwks_json(**keys, clock_.now()));
  // Verifiers may cache the set for 5 minutes. A cached set that still holds
  // a key rotated out since is harmless: that key is dropped only once every
  // assertion it could have signed has expired (retired_at + max_ttl), so
  // it can no longer verify anything that is still valid. A cached set that
  // lacks a key started since is refreshed by the verifier when it meets the
  // unknown kid (jose's createRemoteJWKSet does, at most every 30 s).
  r.headers.emplace_back("Cache-Control", "public, max-age=300");
  return r;
}

}  // namespace sls::server
