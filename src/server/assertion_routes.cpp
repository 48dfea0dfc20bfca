// The login assertion routes of AuthService: GET /.well-known/jwks.json and
// POST /assertions/redeem.
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
  // it can no longer verify anything that is still valid. A cached set
  // lacks no key that signs: a rotation publishes the new key 300 s
  // (kDefaultAssertionKeyLead, this max-age) before it signs.
  r.headers.emplace_back("Cache-Control", "public, max-age=300");
  return r;
}

/// Expired redeemed assertions deleted per redeem, at most: the table stays
/// as small as the assertions still alive without a sweep of its own.
constexpr std::int64_t kRedeemedSweep = 16;

ApiResponse AuthService::redeem_assertion(const RequestContext& ctx, const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  bool redeemed = false;
  ApiResponse resp = op.respond([&]() -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(token, string_field(body, "assertion", 1, kMaxJwtBytes));
    SLS_TRY_ASSIGN(audience, string_field(body, "audience", 1, kMaxAssertionAudienceBytes));
    // Each attempt takes one of the address's failure tokens and a redeemed
    // assertion gives it back, so forged, replayed or stale assertions are
    // bounded per address like wrong passwords.
    if (auto throttled = op.take_failure_token()) return *throttled;
    if (assertion_keys_ == nullptr) return fail(Errc::internal, {"no assertion key file"});
    SLS_TRY_ASSIGN(keys, assertion_keys_->get());
    // Signature by a published key (an unknown or rotated-out kid, any
    // changed byte, another algorithm: all refused alike).
    auto payload = jws_verify(token, *keys, op.now);
    std::optional<std::string_view> jti, aud, sub;
    std::optional<std::int64_t> exp;
    Errc refusal = Errc::assertion_invalid;
    if (payload && payload->is_object()) {
      jti = payload->get_string("jti");
      exp = payload->get_int("exp");
      aud = payload->get_string("aud");
      sub = payload->get_string("sub");
      if (!jti || jti->empty() || jti->size() > 64 || !exp || !aud || !sub ||
          payload->get_string("iss") != std::optional<std::string_view>(config_.origin))
        refusal = Errc::assertion_invalid;
      else if (*aud != audience)
        refusal = Errc::assertion_wrong_audience;
      else if (op.now >= *exp)
        refusal = Errc::assertion_expired;
      else
        refusal = Errc::ok;
    }
    // Every attempt is audited, refusals too: a run of forged or replayed
    // assertions is what an operator must be able to see. The user is named
    // only once the signature holds (a forger picks any `sub`).
    const std::string user = refusal == Errc::assertion_invalid ? std::string() : std::string(*sub);
    return op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
      redeemed = false;  // a retried run starts from nothing (Store::write)
      if (refusal != Errc::ok) {
        SLS_TRY(op.audit(tx, "assertion.redeemed", "fail", 0, user, "", errc_name(refusal)));
        return refuse(refusal);
      }
      SLS_TRY(tx.delete_expired_redeemed_assertions(op.now, kRedeemedSweep));
      SLS_TRY_ASSIGN(first, tx.record_redeemed_assertion(*jti, *exp));
      if (!first) {
        SLS_TRY(op.audit(tx, "assertion.redeemed", "fail", 0, user, "", errc_name(Errc::assertion_already_redeemed)));
        return refuse(Errc::assertion_already_redeemed);
      }
      SLS_TRY(op.audit(tx, "assertion.redeemed", "ok", 0, user, "", "aud " + std::string(*aud)));
      redeemed = true;
      return ok_json(std::move(*payload));
    });
  }());
  if (redeemed) op.give_back_failure_token();
  return resp;
}

}  // namespace sls::server
