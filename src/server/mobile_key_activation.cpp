// Mobile Key activation (POST /devices/mobile-key/activate) and the server's signing key the app pins.
#include <sodium.h>

#include "server/device_history.hpp"
#include "server/device_lifecycle.hpp"
#include "server/device_secrets.hpp"
#include "server/encoding.hpp"
#include "server/lockout.hpp"
#include "server/password.hpp"
#include "server/request_scope.hpp"
#include "sls/pin.hpp"
#include "sls/secure.hpp"

namespace sls::server {

ApiResponse AuthService::activate_mobile_key(const RequestContext& ctx, const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  Bytes pin_hash;
  std::string recovery_pin_hash;              // Argon2id of the recovery PIN, when the phone sent one
  std::vector<std::string> cancelled_pushes;  // of a superseded Mobile Key: woken after the commit
  ApiResponse resp = op.respond([&]() -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(username, user_name_field(body));
    SLS_TRY_ASSIGN(code_field, string_field(body, "activation_code", 1, 64));
    SecretString code_typed(std::move(code_field));
    auto code = parse_code(code_typed.view(), kActivationCodeFormat);
    if (!code) return refuse(Errc::request_bad_field, {"activation_code"});
    SecretString activation_code(std::move(*code));
    auto kx_text = string_field(body, "kx_public_key", 1, 64);
    auto kx = kx_text ? base64url_decode(*kx_text) : std::nullopt;
    if (!kx || kx->size() != kMobileKeyKxPublicKeyBytes) return refuse(Errc::request_bad_field, {"kx_public_key"});
    auto sign_text = string_field(body, "sign_public_key", 1, 64);
    auto sign_pk = sign_text ? base64url_decode(*sign_text) : std::nullopt;
    if (!sign_pk || sign_pk->size() != ed25519_public_key_bytes)
      return refuse(Errc::request_bad_field, {"sign_public_key"});
    auto suite = OcraSuite::parse(config_.mobile_key_suite);
    if (!suite) return suite.error();
    if (suite->pin_hash()) {
      auto text = string_field(body, "pin_hash", 1, 128);
      auto bytes = text ? base64url_decode(*text) : std::nullopt;
      if (!bytes || bytes->size() != ocra_hash_bytes(*suite->pin_hash()))
        return refuse(Errc::request_bad_field, {"pin_hash"});
      pin_hash = std::move(*bytes);
    }
    // From the phone's own enrolment (mobile_key_enrolment.cpp): its id
    // names the pending device, and a recovery PIN comes along.
    std::string enrolment;
    if (body.find("enrolment") != nullptr) {
      SLS_TRY_ASSIGN(id, id_field(body, "enrolment", Errc::activation_bad_code));
      enrolment = std::move(id);
    }
    if (body.find("recovery_pin") != nullptr) {
      auto typed = string_field(body, "recovery_pin", 1, 64);
      if (!typed) return refuse(Errc::mobile_key_recovery_pin_rule);
      SecretString recovery(std::move(*typed));
      if (!check_recovery_pin(recovery.view())) return refuse(Errc::mobile_key_recovery_pin_rule);
      // Distinct from the daily PIN: the server holds only the daily PIN's
      // hash, so the recovery PIN is hashed the same way and compared.
      if (suite->pin_hash()) {
        auto same = ocra_hash_pin(*suite->pin_hash(), recovery.view());
        if (same && same->size() == pin_hash.size() &&
            sodium_memcmp(same->data(), pin_hash.data(), pin_hash.size()) == 0)
          return refuse(Errc::mobile_key_recovery_pin_same);
      }
      // Argon2id, as a password is stored, then sealed; outside any transaction.
      auto hashed = hash_password(recovery.view(), config_.password);
      if (!hashed) return hashed.error();
      recovery_pin_hash = std::move(*hashed);
    }

    if (auto throttled = op.take_failure_token()) return *throttled;

    const LockoutPolicy activation_policy = config_.lockout.temporary_only();
    return op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
      SLS_TRY_ASSIGN(user, tx.find_user(username));
      if (!user) {
        // The typed name is not recorded: it names no one and may be anything.
        SLS_TRY(op.audit(tx, "device.activated", "fail", 0, "", "", "unknown user"));
        return refuse(Errc::activation_bad_code);
      }
      UserRecord u = *user;
      // Its own counter only; locked, it answers like an unknown user name,
      // so that the lock does not tell that the account exists.
      if (lock_state(u.activation_failures, activation_policy, op.now).locked) {
        SLS_TRY(op.audit(tx, "device.activated", "fail", u.id, u.username, "", "auth.locked"));
        return refuse(Errc::activation_bad_code);
      }
      SLS_TRY_ASSIGN(devices, tx.list_devices(u.id));
      DeviceRecord* pending = nullptr;
      for (auto& d : devices)
        if (d.kind == DeviceKind::mobile_key && d.status == DeviceStatus::pending && op.now < d.expires_at &&
            (enrolment.empty() || d.id == enrolment) && !d.code_hash.empty() &&
            keys_.keyed_hash_matches(HashPurpose::activation_code, activation_code.view(), d.code_hash))
          pending = &d;
      // The wrong code is counted, and the count commits with the refusal.
      if (pending == nullptr)
        return op.user_factor_failure(tx, u, &UserRecord::activation_failures, activation_policy, "device.activated",
                                      Errc::activation_bad_code, "activation");
      auto exchange = mobile_key_server_exchange(*kx, *suite);
      if (!exchange) return refuse(Errc::request_bad_field, {"kx_public_key"});
      DeviceRecord& d = *pending;
      d.status = DeviceStatus::active;
      d.sealed_secret = keys_.seal(exchange->ocra_secret.view());
      d.sealed_pin_hash = pin_hash.empty() ? Bytes{} : keys_.seal(pin_hash);
      d.sign_public_key = *sign_pk;
      if (!recovery_pin_hash.empty())
        d.sealed_recovery_pin = keys_.seal(
            std::span(reinterpret_cast<const std::uint8_t*>(recovery_pin_hash.data()), recovery_pin_hash.size()));
      d.ocra_suite = suite->to_string();
      d.code_hash.clear();
      d.activated_at = op.now;
      d.expires_at = 0;
      d.failures = {};
      SLS_TRY(tx.update_device(d));
      SLS_TRY(record_device_event(tx, d, "activated", kActorUser, "", op.now));
      // One Mobile Key per user: the new one revokes the previous (and any
      // online card bridging the wait for it).
      SLS_TRY_ASSIGN(superseded, supersede_on_activation(tx, d, kActorUser, op.now));
      cancelled_pushes = std::move(superseded);
      SLS_TRY(op.audit(tx, "device.activated", "ok", u.id, u.username, d.id, "mobile_key"));
      // A change of device ends every session of the user, as every change
      // made by slsctl does: a session opened with what stood before (the
      // password alone, say) must not outlive the new device.
      SLS_TRY_ASSIGN(ended, tx.delete_sessions_of_user(u.id));
      if (ended > 0)
        SLS_TRY(op.audit(tx, "session.revoked", "ok", u.id, u.username, d.id,
                         std::to_string(ended) + " ended: device activated"));
      JsonValue reply = JsonValue::object();
      reply.set("device_id", d.id);
      reply.set("ocra_suite", d.ocra_suite);
      reply.set("server_kx_public_key", base64url_encode(exchange->server_kx_public_key));
      reply.set("server_sign_public_key", base64url_encode(keys_.signing_key().public_key()));
      return ok_json(std::move(reply));
    });
  }());
  wipe(pin_hash.data(), pin_hash.size());
  if (resp.status == 200) op.give_back_failure_token();
  for (const std::string& id : cancelled_pushes) announce(id);
  return resp;
}

ApiResponse AuthService::server_key(const RequestContext&) {
  return ok_json(JsonValue::object().set("sign_public_key", base64url_encode(keys_.signing_key().public_key())));
}

}  // namespace sls::server
