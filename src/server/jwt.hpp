// Login assertions as JSON Web Tokens: compact JWS (RFC 7515) signed with
// Ed25519, `alg` "EdDSA" (RFC 8037), and the JWKS (RFC 7517) that publishes
// the assertion keys (assertion_keys.hpp) for verifiers.
//
// A token is BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(sig),
// base64url without padding; header {"alg":"EdDSA","typ":"JWT","kid":...};
// sig = Ed25519 (crypto_sign_detached) over the ASCII of the first two parts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/assertion_keys.hpp"
#include "sls/json.hpp"
#include "sls/result.hpp"

namespace sls::server {

/// Longest token jws_verify reads; longer input is refused before decoding.
inline constexpr std::size_t kMaxJwtBytes = 16 * 1024;

/// The compact JWS of `payload` (any JSON value; assertions use an object)
/// signed with `key`, header kid = key.kid. Never fails.
std::string jws_sign(const JsonValue& payload, const AssertionKey& key);

/// The payload of `token` when it is a well-formed compact JWS whose header
/// is an object with alg "EdDSA" and a kid naming a key of `keys` published
/// at `now` (AssertionKey::published_at), and whose signature verifies with
/// that key. Checks no claims (exp, aud, ...): callers do. Fails with
/// Errc::bad_argument, args {"jwt", reason}, for anything else (at most
/// kMaxJwtBytes; never reads past `token`).
[[nodiscard]] Result<JsonValue> jws_verify(std::string_view token, const AssertionKeys& keys, std::int64_t now);

/// What a login assertion says besides the times and its id.
struct AssertionClaims {
  std::string iss;  ///< the login server's origin
  std::string sub;  ///< the user
  std::string aud;  ///< the host the assertion is for
  /// Further claims (auth_time, amr, acr, nonce, limits, ...), copied in
  /// order after the standard ones; an object or null.
  JsonValue extra;
};

/// Signs an assertion with the key of `keys` that signs at `now` (signer): iss, sub, aud, iat =
/// `now`, exp = now + ttl, jti (128 random bits, base64url), then `extra`'s
/// members (a member named like a standard claim is refused). Fails with
/// Errc::bad_argument {"ttl", value} when ttl is outside 1..the signing
/// key's max_ttl (a longer one would outlive the key's publication after a
/// rotation), {"claims", name} when iss, sub or aud is empty or extra holds
/// a standard claim or is neither an object nor null.
Result<std::string> sign_assertion(const AssertionKeys& keys, const AssertionClaims& claims, std::int64_t now,
                                   std::int64_t ttl);

/// The JWKS of the keys published at `now`, newest first:
/// {"keys":[{"kty":"OKP","crv":"Ed25519","x":...,"kid":...,"use":"sig",
/// "alg":"EdDSA"},...]} (x: the 32-byte public key, base64url). Never fails.
JsonValue jwks_json(const AssertionKeys& keys, std::int64_t now);

}  // namespace sls::server
