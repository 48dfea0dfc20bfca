// Compact EdDSA JWS, login assertions and the JWKS (jwt.hpp).
#include "server/jwt.hpp"

#include <sodium.h>

#include <array>

#include "server/encoding.hpp"

namespace sls::server {

namespace {

Error jwt_error(std::string_view reason) { return fail(Errc::bad_argument, {"jwt", reason}); }

constexpr std::string_view kStandardClaims[] = {"iss", "sub", "aud", "iat", "exp", "jti", "nbf"};

}  // namespace

std::string jws_sign(const JsonValue& payload, const AssertionKey& key) {
  JsonValue header = JsonValue::object();
  header.set("alg", "EdDSA").set("typ", "JWT").set("kid", key.kid);
  std::string input = base64url_encode(as_bytes(json_serialize(header)));
  input += '.';
  input += base64url_encode(as_bytes(json_serialize(payload)));
  std::array<std::uint8_t, crypto_sign_BYTES> sig{};
  // Fails only on a programming error (it cannot with these sizes).
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       key.pair.secret_key().data());
  input += '.';
  input += base64url_encode(sig);
  return input;
}

Result<JsonValue> jws_verify(std::string_view token, const AssertionKeys& keys, std::int64_t now) {
  if (token.size() > kMaxJwtBytes) return jwt_error("too long");
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return jwt_error("not a compact JWS");
  const auto header_bytes = base64url_decode(token.substr(0, dot1));
  const auto payload_bytes = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  const auto sig = base64url_decode(token.substr(dot2 + 1));
  if (!header_bytes || !payload_bytes || !sig) return jwt_error("not base64url");
  if (sig->size() != crypto_sign_BYTES) return jwt_error("bad signature");
  auto header = json_parse(std::string_view(reinterpret_cast<const char*>(header_bytes->data()), header_bytes->size()));
  if (!header || !header->is_object()) return jwt_error("bad header");
  // The algorithm is fixed: "none", HS256 with the public key, or anything
  // else a token names is refused, never tried.
  if (header->get_string("alg") != std::optional<std::string_view>("EdDSA")) return jwt_error("alg is not EdDSA");
  const auto kid = header->get_string("kid");
  if (!kid) return jwt_error("no kid");
  if (header->find("crit") != nullptr) return jwt_error("crit not supported");
  const AssertionKey* key = keys.find_published(*kid, now);
  if (key == nullptr) return jwt_error("unknown kid");
  const std::string_view input = token.substr(0, dot2);
  if (crypto_sign_verify_detached(sig->data(), reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                                  key->pair.public_key().data()) != 0)
    return jwt_error("bad signature");
  auto payload =
      json_parse(std::string_view(reinterpret_cast<const char*>(payload_bytes->data()), payload_bytes->size()));
  if (!payload) return jwt_error("bad payload");
  return std::move(*payload);
}

Result<std::string> sign_assertion(const AssertionKeys& keys, const AssertionClaims& claims, std::int64_t now,
                                   std::int64_t ttl) {
  const AssertionKey& key = keys.signer(now);
  if (ttl < 1 || ttl > key.max_ttl) return fail(Errc::bad_argument, {"ttl", std::to_string(ttl)});
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string&>{"iss", claims.iss}, {"sub", claims.sub}, {"aud", claims.aud}})
    if (value.empty()) return fail(Errc::bad_argument, {"claims", name});
  if (!claims.extra.is_null() && !claims.extra.is_object()) return fail(Errc::bad_argument, {"claims", "extra"});
  JsonValue payload = JsonValue::object();
  payload.set("iss", claims.iss)
      .set("sub", claims.sub)
      .set("aud", claims.aud)
      .set("iat", now)
      .set("exp", now + ttl)
      .set("jti", random_id());
  if (const auto* extra = claims.extra.as_object()) {
    for (const JsonMember& m : *extra) {
      for (std::string_view standard : kStandardClaims)
        if (m.key == standard) return fail(Errc::bad_argument, {"claims", m.key});
      payload.set(m.key, m.value);
    }
  }
  return jws_sign(payload, key);
}

JsonValue jwks_json(const AssertionKeys& keys, std::int64_t now) {
  JsonValue list = JsonValue::array();
  const auto& all = keys.all();
  for (std::size_t i = all.size(); i-- > 0;) {  // newest first
    const AssertionKey& k = all[i];
    if (!k.published_at(now)) continue;
    JsonValue jwk = JsonValue::object();
    jwk.set("kty", "OKP")
        .set("crv", "Ed25519")
        .set("x", base64url_encode(k.pair.public_key()))
        .set("kid", k.kid)
        .set("use", "sig")
        .set("alg", "EdDSA");
    list.push_back(std::move(jwk));
  }
  return JsonValue::object().set("keys", std::move(list));
}

}  // namespace sls::server
