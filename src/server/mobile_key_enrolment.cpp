// Mobile Key enrolment from the phone (SPEC 4): the password step opens an
// enrolment (POST /mobile-key/enrolments), an activation code goes by SMS to
// a number on record (POST /mobile-key/enrolments/{id}/sms), and the phone
// activates with it (POST /mobile-key/activate, mobile_key_activation.cpp).
//
// The enrolment is the pending Mobile Key device itself: its id is the
// enrolment id, `created_at + kEnrolmentSeconds` ends it, and while a code
// is out `code_hash` and `expires_at` are the code's (10 minutes, single
// use: activation clears the hash). `codes_sent`, `last_sms_at` and `phone`
// bound the resends.
#include <algorithm>

#include "server/device_history.hpp"
#include "server/device_secrets.hpp"
#include "server/encoding.hpp"
#include "server/phones.hpp"
#include "server/request_scope.hpp"
#include "sls/entry.hpp"
#include "sls/mobile_key.hpp"

namespace sls::server {

bool valid_e164(std::string_view phone) noexcept {
  if (phone.size() < 8 || phone.size() > 16 || phone[0] != '+') return false;
  return std::all_of(phone.begin() + 1, phone.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The phones on record of a user: the numbers of their SMS devices that are
/// not revoked, then the numbers they added (the phones table), one entry
/// per number. The default is the added number marked so, else the first.
Result<std::vector<PhoneOnRecord>> phones_on_record(StoreTx& tx, std::int64_t user_id,
                                                    const std::vector<DeviceRecord>& devices) {
  std::vector<PhoneOnRecord> out;
  auto known = [&](const std::string& phone) {
    return std::any_of(out.begin(), out.end(), [&](const PhoneOnRecord& p) { return p.phone == phone; });
  };
  for (const DeviceRecord& d : devices) {
    if (d.kind != DeviceKind::sms || d.status == DeviceStatus::revoked || d.phone.empty() || known(d.phone)) continue;
    out.push_back(PhoneOnRecord{d.id, d.phone, true, false});
  }
  SLS_TRY_ASSIGN(rows, tx.list_phones(user_id));
  bool has_default = false;
  for (const PhoneRecord& r : rows) {
    if (known(r.phone)) continue;
    out.push_back(PhoneOnRecord{r.id, r.phone, false, r.is_default && !has_default});
    has_default = has_default || r.is_default;
  }
  if (!has_default && !out.empty()) out.front().is_default = true;
  return out;
}

namespace {

/// An enrolment lives 30 minutes from the password step.
constexpr std::int64_t kEnrolmentSeconds = 30 * 60;
/// An activation code by SMS lives 10 minutes.
constexpr std::int64_t kEnrolmentCodeSeconds = 10 * 60;
/// The label of a Mobile Key the phone enrolled (an operator's: "Mobile Key").
constexpr std::string_view kSelfServiceLabel = "Mobile Key (activated on the phone)";
/// Codes per enrolment.
constexpr std::int64_t kEnrolmentMaxCodes = 3;

JsonValue phone_json(const PhoneOnRecord& p) {
  return JsonValue::object().set("id", p.id).set("masked", mask_phone(p.phone)).set("default", p.is_default);
}

JsonValue phones_json(const std::vector<PhoneOnRecord>& phones) {
  JsonValue list = JsonValue::array();
  for (const PhoneOnRecord& p : phones) list.push_back(phone_json(p));
  return list;
}

}  // namespace

// --- POST /mobile-key/enrolments ------------------------------------------------------------------

ApiResponse AuthService::start_mobile_key_enrolment(const RequestContext& ctx, const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  ApiResponse resp = op.respond([&]() -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(username, user_name_field(body));
    SLS_TRY_ASSIGN(password_field, string_field(body, "password", 1, config_.password.max_length));
    SecretString password(std::move(password_field));
    std::optional<SecretString> temp_code;
    if (body.find("temp_code") != nullptr) {
      SLS_TRY_ASSIGN(typed, string_field(body, "temp_code", 1, 64));
      SecretString typed_code(std::move(typed));
      auto code = parse_code(typed_code.view(), kTempCodeFormat);
      if (!code) return refuse(Errc::request_bad_field, {"temp_code"});
      temp_code.emplace(std::move(*code));
    }
    // The password step is the login's, to the byte: the same throttle,
    // reservation, lockout, timing and answer (login.cpp).
    return check_password_then(
        op, username, std::move(password), "mobile_key.enrolment",
        [&](StoreTx& tx, UserRecord& user) -> Outcome<ApiResponse> {
          if (auto lock = op.lock_refusal(user, nullptr)) {
            SLS_TRY(op.audit(tx, "mobile_key.enrolment", "fail", user.id, user.username, "", "auth.locked"));
            return *lock;
          }
          SLS_TRY_ASSIGN(devices, tx.list_devices(user.id));
          bool may_add_phone = user.opted_out;
          if (temp_code) {
            // A temporary code of the user (support issued it after a phone
            // identity check) lets the phone name a new number. A wrong one
            // counts as a wrong second factor.
            const DeviceRecord* match = nullptr;
            for (const DeviceRecord& d : devices)
              if (d.kind == DeviceKind::temp_code && device_usable(d, op.now) &&
                  keys_.keyed_hash_matches(HashPurpose::temp_code, temp_code->view(), d.code_hash))
                match = &d;
            if (match == nullptr)
              return op.user_factor_failure(tx, user, &UserRecord::second_factor_failures, config_.lockout,
                                            "mobile_key.enrolment", Errc::auth_wrong_code, "temp_code");
            may_add_phone = true;
          }
          // One open enrolment per user: a new one ends the pending Mobile
          // Keys the phone started before (never one an operator issued).
          for (DeviceRecord& d : devices)
            if (d.kind == DeviceKind::mobile_key && d.status == DeviceStatus::pending && d.label == kSelfServiceLabel) {
              d.status = DeviceStatus::revoked;
              d.code_hash.clear();
              SLS_TRY(tx.update_device(d));
              SLS_TRY(record_device_event(tx, d, "expired", kActorServer, "a new activation was started", op.now));
            }
          DeviceRecord d;
          d.id = random_id();
          d.user_id = user.id;
          d.kind = DeviceKind::mobile_key;
          d.status = DeviceStatus::pending;
          d.label = std::string(kSelfServiceLabel);
          d.serial = generate_digits(8);  // what another user names to share it (docs/sharing.md)
          d.created_at = op.now;
          d.expires_at = op.now + kEnrolmentSeconds;
          d.may_add_phone = may_add_phone;
          SLS_TRY(tx.insert_device(d));
          SLS_TRY(record_device_event(tx, d, "issued", kActorUser, "awaiting activation", op.now));
          SLS_TRY(op.audit(tx, "mobile_key.enrolment", "ok", user.id, user.username, d.id,
                           may_add_phone ? "may add a phone" : ""));
          SLS_TRY_ASSIGN(phones, phones_on_record(tx, user.id, devices));
          JsonValue reply = JsonValue::object();
          reply.set("enrolment", d.id);
          reply.set("phones", phones_json(phones));
          reply.set("may_add_phone", may_add_phone);
          reply.set("expires_at", d.expires_at);
          return ApiResponse{201, std::move(reply), {}, {}};
        });
  }());
  if (op.password_accepted) op.give_back_failure_token();
  return resp;
}

// --- GET /phones ----------------------------------------------------------------------------------

ApiResponse AuthService::list_phones(const RequestContext& ctx, std::string_view cookie) {
  RequestScope op{*this, ctx, clock_.now()};
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(devices, tx.list_devices(session.user_id));
    SLS_TRY_ASSIGN(phones, phones_on_record(tx, session.user_id, devices));
    return ok_json(JsonValue::object().set("phones", phones_json(phones)));
  }));
}

// --- POST /phones ---------------------------------------------------------------------------------

ApiResponse AuthService::add_phone(const RequestContext& ctx, std::string_view cookie, const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  return op.respond([&]() -> Outcome<ApiResponse> {
    return op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
      SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
      SLS_TRY_ASSIGN(user, op.load_user(tx, session.user_id));
      auto typed = string_field(body, "phone", 1, 32);
      if (!typed || !valid_e164(*typed)) return refuse(Errc::mobile_key_bad_phone);
      const std::string number = std::move(*typed);
      // fresh*: a new number is where a Mobile Key activation code may go;
      // a session opened with a stand-in within the window counts (the
      // lost-device path: temporary code -> a new phone).
      if (!fresh_second_factor(session, op.now, config_.step_up_window, true)) {
        SLS_TRY(op.audit(tx, "phone.added", "fail", user.id, user.username, "", "account.step_up_required"));
        return refuse(Errc::account_step_up_required);
      }
      SLS_TRY_ASSIGN(devices, tx.list_devices(user.id));
      SLS_TRY_ASSIGN(phones, phones_on_record(tx, user.id, devices));
      if (std::any_of(phones.begin(), phones.end(), [&](const PhoneOnRecord& p) { return p.phone == number; }))
        return refuse(Errc::phone_taken);
      PhoneRecord r;
      r.id = random_id();
      r.user_id = user.id;
      r.phone = number;
      r.added_at = op.now;
      r.is_default = phones.empty();
      SLS_TRY(tx.insert_phone(r));
      SLS_TRY(op.audit(tx, "phone.added", "ok", user.id, user.username, r.id, mask_phone(number)));
      SLS_TRY_ASSIGN(after, phones_on_record(tx, user.id, devices));
      auto it = std::find_if(after.begin(), after.end(), [&](const PhoneOnRecord& p) { return p.id == r.id; });
      JsonValue reply = JsonValue::object();
      reply.set("phone", phone_json(*it));
      reply.set("phones", phones_json(after));
      return ApiResponse{201, std::move(reply), {}, {}};
    });
  }());
}

// --- DELETE /phones/{id} --------------------------------------------------------------------------

ApiResponse AuthService::remove_phone(const RequestContext& ctx, std::string_view cookie, std::string_view phone_id) {
  RequestScope op{*this, ctx, clock_.now()};
  return op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(session, live_session(tx, cookie, op.now));
    SLS_TRY_ASSIGN(user, op.load_user(tx, session.user_id));
    SLS_TRY_ASSIGN(devices, tx.list_devices(user.id));
    SLS_TRY_ASSIGN(phones, phones_on_record(tx, user.id, devices));
    // Another user's phone and an unknown id: one answer.
    auto it = std::find_if(phones.begin(), phones.end(), [&](const PhoneOnRecord& p) { return p.id == phone_id; });
    if (it == phones.end()) return refuse(Errc::mobile_key_phone_not_found);
    // fresh: removing a number moves where codes may go; stand-ins do not count.
    if (!fresh_second_factor(session, op.now, config_.step_up_window)) {
      SLS_TRY(op.audit(tx, "phone.removed", "fail", user.id, user.username, it->id, "account.step_up_required"));
      return refuse(Errc::account_step_up_required);
    }
    // An SMS device's number goes with the device (DELETE /devices/{id}).
    if (it->from_device) return refuse(Errc::phone_held_by_device);
    const std::string masked = mask_phone(it->phone);
    SLS_TRY(tx.delete_phone(it->id));
    SLS_TRY(op.audit(tx, "phone.removed", "ok", user.id, user.username, std::string(phone_id), masked));
    SLS_TRY_ASSIGN(after, phones_on_record(tx, user.id, devices));
    return ok_json(JsonValue::object().set("phones", phones_json(after)));
  }));
}

// --- POST /mobile-key/enrolments/{id}/sms ---------------------------------------------------------

ApiResponse AuthService::send_mobile_key_code(const RequestContext& ctx, std::string_view enrolment_id,
                                              const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  std::string phone;
  SecretString text;
  ApiResponse resp = op.respond([&]() -> Outcome<ApiResponse> {
    const bool by_id = body.find("phone_id") != nullptr;
    std::string new_phone;
    std::string phone_id;
    if (by_id) {
      SLS_TRY_ASSIGN(id, id_field(body, "phone_id", Errc::mobile_key_phone_not_found));
      phone_id = std::move(id);
    } else {
      auto typed = string_field(body, "phone", 1, 32);
      if (!typed || !valid_e164(*typed)) return refuse(Errc::mobile_key_bad_phone);
      new_phone = std::move(*typed);
    }
    return op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
      SLS_TRY_ASSIGN(found, tx.get_device(enrolment_id));
      // An unknown id, another kind of device, one past its 30 minutes or
      // already active: one answer.
      if (!found || found->kind != DeviceKind::mobile_key || found->status != DeviceStatus::pending ||
          found->label != kSelfServiceLabel || op.now >= found->created_at + kEnrolmentSeconds)
        return refuse(Errc::mobile_key_enrolment_not_found);
      DeviceRecord d = *found;
      SLS_TRY_ASSIGN(user, op.load_user(tx, d.user_id));
      SLS_TRY_ASSIGN(devices, tx.list_devices(user.id));
      SLS_TRY_ASSIGN(phones, phones_on_record(tx, user.id, devices));
      if (by_id) {
        auto it = std::find_if(phones.begin(), phones.end(), [&](const PhoneOnRecord& p) { return p.id == phone_id; });
        if (it == phones.end()) return refuse(Errc::mobile_key_phone_not_found);
        phone = it->phone;
      } else {
        const bool on_record =
            std::any_of(phones.begin(), phones.end(), [&](const PhoneOnRecord& p) { return p.phone == new_phone; });
        // Someone who has only the password must not move the activation to
        // a phone of their own.
        if (!on_record && !d.may_add_phone) {
          SLS_TRY(op.audit(tx, "mobile_key.code_sent", "fail", user.id, user.username, d.id, "new phone refused"));
          return refuse(Errc::mobile_key_new_phone_refused);
        }
        phone = new_phone;
      }
      if (d.codes_sent > 0 && d.last_sms_at + config_.sms_resend_interval > op.now) {
        ErrorExtras extras;
        extras.retry_after = d.last_sms_at + config_.sms_resend_interval - op.now;
        return refuse(Errc::sms_resend_too_soon, extras);
      }
      if (d.codes_sent >= kEnrolmentMaxCodes) return refuse(Errc::mobile_key_codes_spent);
      std::string code = generate_digits(kActivationCodeFormat.length);
      d.code_hash = keys_.keyed_hash(HashPurpose::activation_code, code);
      d.expires_at = std::min(op.now + kEnrolmentCodeSeconds, d.created_at + kEnrolmentSeconds);
      d.phone = phone;
      d.last_sms_at = op.now;
      d.codes_sent += 1;
      SLS_TRY(tx.update_device(d));
      text = SecretString(sms_activation_text(code, op.lang()));
      wipe(code.data(), code.size());
      SLS_TRY(op.audit(tx, "mobile_key.code_sent", "ok", user.id, user.username, d.id, mask_phone(phone)));
      JsonValue reply = JsonValue::object();
      reply.set("sent_to", mask_phone(phone));
      reply.set("code_expires_at", d.expires_at);
      reply.set("resend_at", op.now + config_.sms_resend_interval);
      return ApiResponse{202, std::move(reply), {}, {}};
    });
  }());
  // Sent after the commit, as the login's SMS is: a failure leaves the code
  // valid, and the phone may ask again.
  if (resp.status == 202) {
    if (auto s = sms_.send(phone, text.view()); !s) return op.respond(s.error());
  }
  return resp;
}

}  // namespace sls::server
