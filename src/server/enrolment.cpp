// Creating users, enrolling their devices and issuing temporary codes, for slsctl and the demo users (enrolment.hpp).
#include "server/enrolment.hpp"

#include <ctime>
#include <optional>

#include "server/device_history.hpp"
#include "server/device_lifecycle.hpp"
#include "server/device_secrets.hpp"
#include "server/encoding.hpp"
#include "server/online_card.hpp"
#include "server/password.hpp"
#include "server/sms_gateway.hpp"
#include "server/try.hpp"
#include "server/user_name.hpp"
#include "sls/ocra.hpp"
#include "sls/pin.hpp"
#include "sls/secure.hpp"

namespace sls::server {
namespace {

bool valid_phone(std::string_view phone) {
  if (phone.size() < 7 || phone.size() > 16 || phone[0] != '+') return false;
  for (std::size_t i = 1; i < phone.size(); ++i)
    if (phone[i] < '0' || phone[i] > '9') return false;
  return true;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

DeviceRecord new_device(std::int64_t user_id, DeviceKind kind, std::int64_t now) {
  DeviceRecord d;
  d.id = random_id();
  d.user_id = user_id;
  d.kind = kind;
  d.status = DeviceStatus::active;
  d.created_at = now;
  d.activated_at = now;
  return d;
}

}  // namespace

Result<UserRecord> Enrolment::find(StoreTx& tx, std::string_view username) {
  SLS_TRY(check_user_name(username));
  SLS_TRY_ASSIGN(user, tx.find_user(username));
  if (!user) return fail(Errc::bad_argument, {"username", "unknown user"});
  return *user;
}

Status Enrolment::audit_admin(StoreTx& tx, std::string_view event, const UserRecord& user, std::string_view device_id,
                              std::string_view detail) {
  AuditRecord a;
  a.at = clock_.now();
  a.event = event;
  a.outcome = "ok";
  a.user_id = user.id;
  a.username = user.username;
  a.device_id = device_id;
  a.client_addr = "slsctl";
  a.detail = detail;
  return tx.append_audit(a);
}

Result<std::int64_t> Enrolment::end_sessions(StoreTx& tx, const UserRecord& user, std::string_view why,
                                             bool always_audit) {
  SLS_TRY_ASSIGN(n, tx.delete_sessions_of_user(user.id));
  if (n > 0 || always_audit)
    SLS_TRY(audit_admin(tx, "session.revoked", user, "", std::to_string(n) + " ended: " + std::string(why)));
  return n;
}

Result<std::vector<SessionRecord>> Enrolment::sessions(std::string_view username) {
  std::vector<SessionRecord> out;
  Status st = store_.read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(rows, tx.list_sessions(u.id));
    const std::int64_t now = clock_.now();
    for (auto& r : rows)
      if (now < r.expires_at && now < r.idle_expires_at) out.push_back(std::move(r));
    return ok_status();
  });
  if (!st) return st.error();
  return out;
}

Result<std::int64_t> Enrolment::revoke_sessions(std::string_view username) {
  std::int64_t n = 0;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(ended, end_sessions(tx, u, "slsctl revoke-sessions", true));
    n = ended;
    return ok_status();
  });
  if (!st) return st.error();
  return n;
}

Result<std::int64_t> Enrolment::create_user(std::string_view username, std::string_view password, bool opted_out) {
  SLS_TRY(check_user_name(username));
  auto hash = hash_password(password, config_.password);
  if (!hash) return hash.error();
  std::int64_t id = 0;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    UserRecord u;
    u.username = username;
    u.password_hash = *hash;
    u.opted_out = opted_out;
    u.created_at = clock_.now();
    SLS_TRY_ASSIGN(new_id, tx.insert_user(u));
    id = new_id;
    u.id = new_id;
    return audit_admin(tx, "user.created", u, "", opted_out ? "opted out" : "");
  });
  if (!st) return st.error();
  return id;
}

Status Enrolment::set_password(std::string_view username, std::string_view password) {
  auto hash = hash_password(password, config_.password);
  if (!hash) return hash.error();
  return store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    u.password_hash = *hash;
    SLS_TRY(tx.update_user(u));
    SLS_TRY(end_sessions(tx, u, "password changed", false));
    return audit_admin(tx, "user.password_set", u, "", "");
  });
}

Status Enrolment::set_opted_out(std::string_view username, bool opted_out) {
  return store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    // A user of an account follows the account's setting, which its
    // primary user changes (POST /accounts/{id}/opt-out).
    SLS_TRY_ASSIGN(held, tx.list_accounts_of_user(u.id));
    if (!held.empty()) return fail(Errc::account_user_elsewhere, {u.username});
    u.opted_out = opted_out;
    SLS_TRY(tx.update_user(u));
    SLS_TRY(end_sessions(tx, u, opted_out ? "opted out" : "opted in", false));
    return audit_admin(tx, opted_out ? "user.opted_out" : "user.opted_in", u, "", "");
  });
}

Status Enrolment::unlock(std::string_view username) {
  return store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    u.password_failures = {};
    u.second_factor_failures = {};
    u.activation_failures = {};
    u.password_checks = 0;
    u.password_checks_at = 0;
    SLS_TRY(tx.update_user(u));
    SLS_TRY_ASSIGN(devices, tx.list_devices(u.id));
    for (auto& d : devices) {
      if (d.failures == FailureCounter{}) continue;
      d.failures = {};
      SLS_TRY(tx.update_device(d));
    }
    return audit_admin(tx, "user.unlocked", u, "", "");
  });
}

Result<CardEnrolment> Enrolment::enrol_card(std::string_view username, DeviceKind kind, std::size_t cells) {
  if (kind != DeviceKind::code_card && kind != DeviceKind::online_card)
    return fail(Errc::bad_argument, {"kind", "code_card or online_card"});
  auto card = CodeCard::generate(generate_digits(8), cells);
  if (!card) return card.error();
  const std::int64_t now = clock_.now();
  DeviceRecord d;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    d = new_device(u.id, kind, now);
    d.serial = card->serial();
    const bool online = kind == DeviceKind::online_card;
    d.label = std::string(online ? "Online code card " : "Code card ") + d.serial.substr(d.serial.size() - 4);
    // Online cards live 21 days from activation; they are activated here
    // (activation by two index codes in the security centre is not built yet).
    if (online) d.expires_at = now + config_.online_card_days * 86400;
    SecretString cells_text = card->to_storage();
    d.sealed_secret = keys_.seal(as_bytes(cells_text.view()));
    SLS_TRY(tx.insert_device(d));
    SLS_TRY(record_device_event(tx, d, "issued", kActorOperator, "", now));
    // Active at once: what it supersedes goes now (a card has no pushes).
    SLS_TRY_ASSIGN(superseded, supersede_on_activation(tx, d, kActorOperator, now));
    (void)superseded;
    SLS_TRY(end_sessions(tx, u, "device enrolled", false));
    return audit_admin(tx, "device.enrolled", u, d.id, device_kind_id(d.kind));
  });
  if (!st) return st.error();
  return CardEnrolment{d.id, std::move(*card), d.expires_at, std::nullopt};
}

Result<CardEnrolment> Enrolment::issue_online_card(std::string_view username) {
  const std::int64_t now = clock_.now();
  std::optional<OnlineCardIssue> issued;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(issue, issue_online_card_in(tx, keys_, u, kActorOperator, now));
    issued.emplace(std::move(issue));
    return audit_admin(tx, "online_card.issued", u, issued->device.id, "pending");
  });
  if (!st) return st.error();
  return CardEnrolment{issued->device.id, std::move(*issued->card), issued->device.expires_at, issued->activation};
}

Result<DeviceRecord> make_token_device(const Keyring& keys, const ServiceConfig& config, std::int64_t user_id,
                                       DeviceKind kind, std::string_view pin, std::int64_t now, TokenEnrolment& out) {
  const std::string* suite_text = kind == DeviceKind::dsc             ? &config.dsc_suite
                                  : kind == DeviceKind::dsc_plus      ? &config.dsc_plus_suite
                                  : kind == DeviceKind::platinum_gold ? &config.platinum_gold_suite
                                                                      : nullptr;
  if (suite_text == nullptr) return fail(Errc::bad_argument, {"kind", "dsc, dsc_plus or platinum_gold"});
  auto suite = OcraSuite::parse(*suite_text);
  if (!suite) return suite.error();
  std::string chosen_pin;
  if (suite->pin_hash()) {
    chosen_pin = pin.empty() ? generate_digits(kSoftPinLength) : std::string(pin);
    if (auto s = check_soft_pin(chosen_pin); !s) return s.error();
  }
  SecretBytes key = generate_ocra_key(*suite);
  DeviceRecord d = new_device(user_id, kind, now);
  d.serial = generate_digits(8);
  d.label = std::string(kind == DeviceKind::dsc        ? "Digital Security Card "
                        : kind == DeviceKind::dsc_plus ? "Digital Security Card+ "
                                                       : "Platinum/Gold card ") +
            d.serial.substr(d.serial.size() - 4);
  d.ocra_suite = suite->to_string();
  d.sealed_secret = keys.seal(key.view());
  if (suite->pin_hash()) {
    SLS_TRY_ASSIGN(pin_hash, ocra_hash_pin(*suite->pin_hash(), chosen_pin));
    d.sealed_pin_hash = keys.seal(pin_hash);
    wipe(pin_hash.data(), pin_hash.size());
  }
  out.device_id = d.id;
  out.serial = d.serial;
  out.ocra_suite = d.ocra_suite;
  out.key_hex = to_hex(key.view());
  out.pin = std::move(chosen_pin);
  return d;
}

Result<TokenEnrolment> Enrolment::enrol_token(std::string_view username, DeviceKind kind, std::string_view pin) {
  const std::int64_t now = clock_.now();
  TokenEnrolment out;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(d, make_token_device(keys_, config_, u.id, kind, pin, now, out));
    SLS_TRY(tx.insert_device(d));
    SLS_TRY(record_device_event(tx, d, "issued", kActorOperator, "", now));
    // A token is a permanent device, active at once: it supersedes the
    // user's online cards (a token has no pushes to announce).
    SLS_TRY_ASSIGN(superseded, supersede_on_activation(tx, d, kActorOperator, now));
    (void)superseded;
    SLS_TRY(end_sessions(tx, u, "device enrolled", false));
    return audit_admin(tx, "device.enrolled", u, d.id, device_kind_id(d.kind));
  });
  if (!st) return st.error();
  return out;
}

Result<std::string> Enrolment::enrol_sms(std::string_view username, std::string_view phone) {
  if (!valid_phone(phone)) return fail(Errc::bad_argument, {"phone", "+ and 6..15 digits"});
  std::string id;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    const std::int64_t now = clock_.now();
    DeviceRecord d = new_device(u.id, DeviceKind::sms, now);
    d.phone = phone;
    d.label = "SMS (phone ending " + std::string(phone.substr(phone.size() - 4)) + ")";
    d.serial = generate_digits(8);  // what another user names to share it (docs/sharing.md)
    SLS_TRY(tx.insert_device(d));
    SLS_TRY(record_device_event(tx, d, "issued", kActorOperator, "", now));
    SLS_TRY_ASSIGN(superseded, supersede_on_activation(tx, d, kActorOperator, now));
    (void)superseded;
    id = d.id;
    SLS_TRY(end_sessions(tx, u, "device enrolled", false));
    return audit_admin(tx, "device.enrolled", u, d.id, device_kind_id(d.kind));
  });
  if (!st) return st.error();
  return id;
}

Result<std::string> Enrolment::add_phone(std::string_view username, std::string_view phone) {
  if (!valid_e164(phone)) return fail(Errc::bad_argument, {"phone", "+ and 7..15 digits"});
  std::string id;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(devices, tx.list_devices(u.id));
    SLS_TRY_ASSIGN(on_record, phones_on_record(tx, u.id, devices));
    for (const PhoneOnRecord& p : on_record)
      if (p.phone == phone) return fail(Errc::bad_argument, {"phone", "taken"});
    PhoneRecord r;
    r.id = random_id();
    r.user_id = u.id;
    r.phone = phone;
    r.added_at = clock_.now();
    r.is_default = on_record.empty();
    SLS_TRY(tx.insert_phone(r));
    id = r.id;
    return audit_admin(tx, "phone.added", u, r.id, mask_phone(phone));
  });
  if (!st) return st.error();
  return id;
}

Result<std::vector<PhoneOnRecord>> Enrolment::phones(std::string_view username) {
  std::vector<PhoneOnRecord> out;
  Status st = store_.read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(devices, tx.list_devices(u.id));
    SLS_TRY_ASSIGN(on_record, phones_on_record(tx, u.id, devices));
    out = std::move(on_record);
    return ok_status();
  });
  if (!st) return st.error();
  return out;
}

Status Enrolment::remove_phone(std::string_view username, std::string_view phone_id) {
  return store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(devices, tx.list_devices(u.id));
    SLS_TRY_ASSIGN(on_record, phones_on_record(tx, u.id, devices));
    for (const PhoneOnRecord& p : on_record) {
      if (p.id != phone_id) continue;
      if (p.from_device) return fail(Errc::bad_argument, {"phone", "sms device"});
      SLS_TRY(tx.delete_phone(p.id));
      return audit_admin(tx, "phone.removed", u, p.id, mask_phone(p.phone));
    }
    return fail(Errc::bad_argument, {"phone", "unknown"});
  });
}

Result<MobileKeyEnrolment> Enrolment::enrol_mobile_key(std::string_view username) {
  MobileKeyEnrolment out;
  out.activation_code = generate_digits(kActivationCodeFormat.length);
  const std::int64_t now = clock_.now();
  out.expires_at = now + config_.activation_code_ttl;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    DeviceRecord d = new_device(u.id, DeviceKind::mobile_key, now);
    d.status = DeviceStatus::pending;
    d.activated_at = 0;
    d.label = "Mobile Key";
    d.serial = generate_digits(8);  // what another user names to share it (docs/sharing.md)
    d.code_hash = keys_.keyed_hash(HashPurpose::activation_code, out.activation_code);
    d.expires_at = out.expires_at;  // of the activation code, while pending
    SLS_TRY(tx.insert_device(d));
    SLS_TRY(record_device_event(tx, d, "issued", kActorOperator, "awaiting activation", now));
    out.device_id = d.id;
    SLS_TRY(end_sessions(tx, u, "device enrolled", false));
    return audit_admin(tx, "device.enrolled", u, d.id, "mobile_key pending activation");
  });
  if (!st) return st.error();
  return out;
}

Result<TempCodeIssue> Enrolment::issue_temp_code(std::string_view username, bool full_access) {
  TempCodeIssue out;
  out.code = generate_temp_code();
  const Access access = full_access ? Access::full : Access::account_management;
  out.access = to_text(access);
  const std::int64_t now = clock_.now();
  out.expires_at = now + (full_access ? kTempCodeFullSeconds : kTempCodeAccountManagementSeconds);
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(devices, tx.list_devices(u.id));
    for (auto& old : devices) {
      if (old.kind != DeviceKind::temp_code || old.status == DeviceStatus::revoked) continue;
      old.status = DeviceStatus::revoked;
      SLS_TRY(tx.update_device(old));
      SLS_TRY(record_device_event(tx, old, "revoked", kActorOperator, "a newer temporary code", now));
    }
    DeviceRecord d = new_device(u.id, DeviceKind::temp_code, now);
    d.label = full_access ? "Temporary code" : "Temporary code (account management)";
    d.access = access;
    d.code_hash = keys_.keyed_hash(HashPurpose::temp_code, out.code);
    d.expires_at = out.expires_at;
    SLS_TRY(tx.insert_device(d));
    SLS_TRY(record_device_event(tx, d, "issued", kActorOperator, out.access, now));
    out.device_id = d.id;
    SLS_TRY(end_sessions(tx, u, "temporary code issued", false));
    return audit_admin(tx, "temp_code.issued", u, d.id, out.access);
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<DeviceRecord>> Enrolment::devices(std::string_view username) {
  std::vector<DeviceRecord> out;
  Status st = store_.read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(list, tx.list_devices(u.id));
    out = std::move(list);
    return ok_status();
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<DeviceEventRecord>> Enrolment::device_events(std::string_view username, std::size_t limit) {
  std::vector<DeviceEventRecord> out;
  Status st = store_.read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(list, tx.list_device_events(u.id, limit));
    out = std::move(list);
    return ok_status();
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<AuditRecord>> Enrolment::audit(std::size_t limit, std::string_view username) {
  std::vector<AuditRecord> out;
  Status st = store_.read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(list, tx.list_audit(limit, username));
    out = std::move(list);
    return ok_status();
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<OutboxRecord>> Enrolment::outbox(std::size_t limit) {
  std::vector<OutboxRecord> out;
  Status st = store_.read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(list, tx.list_outbox(limit));
    out = std::move(list);
    return ok_status();
  });
  if (!st) return st.error();
  return out;
}

std::string code_card_html(const CodeCard& card, std::string_view username, std::int64_t expires_at, Lang lang,
                           std::string_view stylesheet_href) {
  struct Text {
    const char* html_lang;
    const char* title;
    const char* serial;
    const char* user;
    const char* valid_until;
    const char* keep_private;
  };
  static constexpr Text kText[] = {
      {"en", "Security Code Card", "Serial", "User", "Valid until",
       "Keep this card private. We will only ever ask for two codes at a time, and only on the login page."},
      {"zh-Hant", "安全代碼卡", "序號", "使用者", "有效期至",
       "請妥善保管此卡。我們每次只會在登入頁面要求輸入兩組代碼。"},
      {"zh-Hans", "安全代码卡", "序号", "用户", "有效期至", "请妥善保管此卡。我们每次只会在登录页面要求输入两组代码。"},
  };
  const Text& t = kText[static_cast<int>(lang)];
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"";
  h += t.html_lang;
  h += R"("><head><meta charset="utf-8"><title>)";
  h += t.title;
  h += "</title>\n";
  if (stylesheet_href.empty()) {
    h += "<style>\n";
    h += online_card_stylesheet();
    h += "</style>";
  } else {
    h += "<link rel=\"stylesheet\" href=\"" + html_escape(stylesheet_href) + "\">";
  }
  h += "</head><body>\n<h1>";
  h += t.title;
  h += "</h1>\n<p>";
  h += t.serial;
  h += ": <strong>" + html_escape(card.serial()) + "</strong> &middot; ";
  h += t.user;
  h += ": <strong>" + html_escape(username) + "</strong>";
  if (expires_at > 0) {
    const std::time_t tt{expires_at};  // braces: a platform whose time_t is narrower fails to compile
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char date[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
    h += " &middot; ";
    h += t.valid_until;
    h += ": <strong>" + std::string(date) + " UTC</strong>";
  }
  h += "</p>\n<table>\n";
  for (std::size_t i = 1; i <= card.size(); ++i) {
    if ((i - 1) % 10 == 0) h += "<tr>";
    auto code = card.code(i);
    h += "<td><small>" + std::to_string(i) + "</small>" + (code ? std::string(*code) : std::string("?")) + "</td>";
    if (i % 10 == 0 || i == card.size()) h += "</tr>\n";
  }
  h += "</table>\n<p class=\"note\">";
  h += t.keep_private;
  h += "</p>\n</body></html>\n";
  return h;
}

}  // namespace sls::server
