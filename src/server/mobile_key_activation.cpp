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
namespace {

/// What the phone sends to be made a Mobile Key: its crypto_kx and Ed25519
/// public keys and, for a suite with a PIN field, its PIN's hash.
struct PhoneKeys {
  Bytes kx;
  Bytes sign_pk;
  Bytes pin_hash;
  ~PhoneKeys() { wipe(pin_hash.data(), pin_hash.size()); }
};

Outcome<PhoneKeys> phone_keys_field(const JsonValue& body, const OcraSuite& suite) {
  PhoneKeys out;
  auto kx_text = string_field(body, "kx_public_key", 1, 64);
  auto kx = kx_text ? base64url_decode(*kx_text) : std::nullopt;
  if (!kx || kx->size() != kMobileKeyKxPublicKeyBytes) return refuse(Errc::request_bad_field, {"kx_public_key"});
  auto sign_text = string_field(body, "sign_public_key", 1, 64);
  auto sign_pk = sign_text ? base64url_decode(*sign_text) : std::nullopt;
  if (!sign_pk || sign_pk->size() != ed25519_public_key_bytes)
    return refuse(Errc::request_bad_field, {"sign_public_key"});
  out.kx = std::move(*kx);
  out.sign_pk = std::move(*sign_pk);
  if (suite.pin_hash()) {
    auto text = string_field(body, "pin_hash", 1, 128);
    auto bytes = text ? base64url_decode(*text) : std::nullopt;
    if (!bytes || bytes->size() != ocra_hash_bytes(*suite.pin_hash()))
      return refuse(Errc::request_bad_field, {"pin_hash"});
    out.pin_hash = std::move(*bytes);
  }
  return out;
}

/// Makes `d` the user's active Mobile Key with the phone's keys: the OCRA
/// secret from the key exchange, sealed; the previous Mobile Key revoked
/// (its pending pushes into `cancelled`, to wake after the commit); every
/// session of the user ended; history and audit rows. The activation reply.
Outcome<ApiResponse> make_active(RequestScope& op, StoreTx& tx, const UserRecord& u, DeviceRecord& d,
                                 const PhoneKeys& phone, const OcraSuite& suite, std::string_view detail,
                                 std::vector<std::string>& cancelled) {
  auto exchange = mobile_key_server_exchange(phone.kx, suite);
  if (!exchange) return refuse(Errc::request_bad_field, {"kx_public_key"});
  d.status = DeviceStatus::active;
  d.sealed_secret = op.keys().seal(exchange->ocra_secret.view());
  d.sealed_pin_hash = phone.pin_hash.empty() ? Bytes{} : op.keys().seal(phone.pin_hash);
  d.sign_public_key = phone.sign_pk;
  d.ocra_suite = suite.to_string();
  d.code_hash.clear();
  d.activated_at = op.now;
  d.expires_at = 0;
  d.failures = {};
  SLS_TRY(tx.update_device(d));
  SLS_TRY(record_device_event(tx, d, "activated", kActorUser, detail, op.now));
  // One Mobile Key per user: the new one revokes the previous (and any
  // online card bridging the wait for it).
  SLS_TRY_ASSIGN(superseded, supersede_on_activation(tx, d, kActorUser, op.now));
  cancelled = std::move(superseded);
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
  reply.set("server_sign_public_key", base64url_encode(op.keys().signing_key().public_key()));
  return ok_json(std::move(reply));
}

}  // namespace

ApiResponse AuthService::activate_mobile_key(const RequestContext& ctx, const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  std::string recovery_pin_hash;              // Argon2id of the recovery PIN, when the phone sent one
  std::vector<std::string> cancelled_pushes;  // of a superseded Mobile Key: woken after the commit
  ApiResponse resp = op.respond([&]() -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(username, user_name_field(body));
    SLS_TRY_ASSIGN(code_field, string_field(body, "activation_code", 1, 64));
    SecretString code_typed(std::move(code_field));
    auto code = parse_code(code_typed.view(), kActivationCodeFormat);
    if (!code) return refuse(Errc::request_bad_field, {"activation_code"});
    SecretString activation_code(std::move(*code));
    auto suite = OcraSuite::parse(config_.mobile_key_suite);
    if (!suite) return suite.error();
    SLS_TRY_ASSIGN(phone, phone_keys_field(body, *suite));
    const Bytes& pin_hash = phone.pin_hash;
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
      cancelled_pushes.clear();  // a retried run starts from nothing (Store::write)
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
      DeviceRecord& d = *pending;
      if (!recovery_pin_hash.empty())
        d.sealed_recovery_pin = keys_.seal(
            std::span(reinterpret_cast<const std::uint8_t*>(recovery_pin_hash.data()), recovery_pin_hash.size()));
      return make_active(op, tx, u, d, phone, *suite, "", cancelled_pushes);
    });
  }());
  if (resp.status == 200) op.give_back_failure_token();
  for (const std::string& id : cancelled_pushes) announce(id);
  return resp;
}

// --- POST /mobile-key/recover ----------------------------------------------------------------------

ApiResponse AuthService::recover_mobile_key(const RequestContext& ctx, const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  std::vector<std::string> cancelled_pushes;  // of the replaced Mobile Key: woken after the commit
  ApiResponse resp = op.respond([&]() -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(username, user_name_field(body));
    SLS_TRY_ASSIGN(password_field, string_field(body, "password", 1, config_.password.max_length));
    SecretString password(std::move(password_field));
    SLS_TRY_ASSIGN(pin_field, string_field(body, "recovery_pin", 1, 64));
    SecretString recovery(std::move(pin_field));
    auto suite = OcraSuite::parse(config_.mobile_key_suite);
    if (!suite) return suite.error();
    SLS_TRY_ASSIGN(phone, phone_keys_field(body, *suite));

    // The active Mobile Key's recovery PIN hash, read first and checked
    // outside any transaction (Argon2id is slow by design); the dummy hash
    // when there is none, so that its absence costs the same time.
    std::string device_id;
    SecretString stored;
    Status read = store_.read([&](StoreTx& tx) -> Status {
      SLS_TRY_ASSIGN(user, tx.find_user(username));
      if (!user) return ok_status();
      SLS_TRY_ASSIGN(devices, tx.list_devices(user->id));
      for (const DeviceRecord& d : devices)
        if (d.kind == DeviceKind::mobile_key && d.status == DeviceStatus::active && !d.sealed_recovery_pin.empty()) {
          SLS_TRY_ASSIGN(opened, keys_.open(d.sealed_recovery_pin));
          stored = SecretString(std::string(opened.view().begin(), opened.view().end()));
          device_id = d.id;
        }
      return ok_status();
    });
    if (!read) return read.error();
    const bool pin_ok = check_recovery_pin(recovery.view()).ok() &&
                        verify_password(recovery.view(), device_id.empty() ? dummy_password_hash_ : stored.view()) &&
                        !device_id.empty();
    recovery.clear();

    // The password step is the login's (check_password_then); the recovery
    // PIN counts on the activation counter, whose lock holds every route
    // past the password (lock_refusal).
    return check_password_then(
        op, username, std::move(password), "mobile_key.recover",
        [&](StoreTx& tx, UserRecord& u) -> Outcome<ApiResponse> {
          cancelled_pushes.clear();  // a retried run starts from nothing (Store::write)
          if (auto lock = op.lock_refusal(u, nullptr)) {
            SLS_TRY(op.audit(tx, "mobile_key.recover", "fail", u.id, u.username, "", "auth.locked"));
            return *lock;
          }
          SLS_TRY_ASSIGN(devices, tx.list_devices(u.id));
          const DeviceRecord* old = nullptr;
          for (const DeviceRecord& d : devices)
            if (d.id == device_id && d.status == DeviceStatus::active) old = &d;
          if (old == nullptr) {
            SLS_TRY(op.audit(tx, "mobile_key.recover", "fail", u.id, u.username, "", "no recovery PIN"));
            return refuse(Errc::mobile_key_no_recovery);
          }
          if (!pin_ok)
            return op.user_factor_failure(tx, u, &UserRecord::activation_failures, config_.lockout.temporary_only(),
                                          "mobile_key.recover", Errc::mobile_key_recovery_pin_wrong, "recovery_pin");
          DeviceRecord d;
          d.id = random_id();
          d.user_id = u.id;
          d.kind = DeviceKind::mobile_key;
          d.status = DeviceStatus::pending;
          d.label = "Mobile Key";
          d.serial = generate_digits(8);
          d.created_at = op.now;
          d.sealed_recovery_pin = old->sealed_recovery_pin;
          SLS_TRY(tx.insert_device(d));
          SLS_TRY(record_device_event(tx, d, "issued", kActorUser, "recovery PIN", op.now));
          // make_active revokes the old Mobile Key (supersede_on_activation).
          return make_active(op, tx, u, d, phone, *suite, "recovery PIN", cancelled_pushes);
        });
  }());
  if (resp.status == 200) op.give_back_failure_token();
  for (const std::string& id : cancelled_pushes) announce(id);
  return resp;
}

ApiResponse AuthService::server_key(const RequestContext&) {
  return ok_json(JsonValue::object().set("sign_public_key", base64url_encode(keys_.signing_key().public_key())));
}

}  // namespace sls::server
