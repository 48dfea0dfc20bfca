// Administration of accounts: creating them, adding users, sealing a user's identification data (enrolment.hpp).
#include <algorithm>
#include <cctype>

#include "server/encoding.hpp"
#include "server/enrolment.hpp"
#include "server/try.hpp"
#include "server/user_name.hpp"
#include "sls/secure.hpp"

namespace sls::server {
namespace {

Error identity_field(std::string_view field) { return fail(Errc::bad_argument, {"identity", field}); }

bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) return false;
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool is_country(std::string_view s) {
  return s.size() == 2 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

/// Printable ASCII, 1..64 bytes: document types and numbers.
bool is_short_text(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

JsonValue identification_json(const IdentificationData& d) {
  return JsonValue::object()
      .set("date_of_birth", d.date_of_birth)
      .set("citizenship", d.citizenship)
      .set("legal_residence", d.legal_residence)
      .set("id_document_type", d.id_document_type)
      .set("id_document_number", d.id_document_number)
      .set("ssn", d.ssn)
      .set("us_person", d.us_person);
}

}  // namespace

Result<IdentificationData> parse_identification(const JsonValue& json) {
  if (!json.is_object()) return identity_field("(object)");
  static constexpr std::string_view kFields[] = {
      "date_of_birth", "citizenship", "legal_residence", "id_document_type", "id_document_number", "ssn", "us_person"};
  for (const auto& [key, value] : *json.as_object())
    if (std::find(std::begin(kFields), std::end(kFields), key) == std::end(kFields)) return identity_field(key);
  IdentificationData d;
  auto text = [&](std::string_view key, std::string& out) -> Status {
    const JsonValue* v = json.find(key);
    if (v == nullptr) return ok_status();
    if (!v->is_string()) return identity_field(key);
    out = *v->as_string();
    return ok_status();
  };
  SLS_TRY(text("date_of_birth", d.date_of_birth));
  SLS_TRY(text("citizenship", d.citizenship));
  SLS_TRY(text("legal_residence", d.legal_residence));
  SLS_TRY(text("id_document_type", d.id_document_type));
  SLS_TRY(text("id_document_number", d.id_document_number));
  SLS_TRY(text("ssn", d.ssn));
  if (const JsonValue* v = json.find("us_person"); v != nullptr) {
    if (!v->is_bool()) return identity_field("us_person");
    d.us_person = *v->as_bool();
  }
  if (!is_date(d.date_of_birth)) return identity_field("date_of_birth");
  if (!is_country(d.citizenship)) return identity_field("citizenship");
  if (!is_country(d.legal_residence)) return identity_field("legal_residence");
  if (d.us_person) {
    std::string digits;
    for (char c : d.ssn) {
      if (c == '-') continue;
      if (std::isdigit(static_cast<unsigned char>(c)) == 0) return identity_field("ssn");
      digits += c;
    }
    if (digits.size() != 9) return identity_field("ssn");
    d.ssn = digits;
  } else {
    if (!is_short_text(d.id_document_type)) return identity_field("id_document_type");
    if (!is_short_text(d.id_document_number)) return identity_field("id_document_number");
    if (!d.ssn.empty()) return identity_field("ssn");
  }
  return d;
}

Result<std::string> Enrolment::create_account(std::string_view name, std::string_view primary_user) {
  if (auto s = check_user_name(name); !s) return fail(Errc::bad_argument, {"account", "name"});
  std::string id;
  Status st = store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, primary_user));
    AccountRecord a;
    a.id = random_id();
    a.name = name;
    a.opted_out = u.opted_out;
    a.created_at = clock_.now();
    SLS_TRY(tx.insert_account(a));
    SLS_TRY(tx.insert_account_user(AccountUserRecord{a.id, u.id, true, a.created_at}));
    id = a.id;
    return audit_admin(tx, "account.created", u, "", "account " + a.name + ", primary user");
  });
  if (!st) return st.error();
  return id;
}

Status Enrolment::add_account_user(std::string_view account_name, std::string_view username) {
  return store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(account, tx.find_account(account_name));
    if (!account) return fail(Errc::account_not_found);
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(held, tx.list_accounts_of_user(u.id));
    for (const AccountRecord& other : held)
      if (other.opted_out != account->opted_out) return fail(Errc::account_user_elsewhere, {u.username});
    SLS_TRY(tx.insert_account_user(AccountUserRecord{account->id, u.id, false, clock_.now()}));
    if (u.opted_out != account->opted_out) {
      u.opted_out = account->opted_out;
      SLS_TRY(tx.update_user(u));
      SLS_TRY(end_sessions(tx, u, account->opted_out ? "opted out" : "opted in", false));
    }
    return audit_admin(tx, "account.user_added", u, "", "account " + account->name);
  });
}

Status Enrolment::set_identification(std::string_view username, const IdentificationData& data) {
  std::string text = json_serialize(identification_json(data));
  const Bytes sealed = keys_.seal({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  wipe(text);
  return store_.write([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY(tx.set_sealed_identity(u.id, sealed, clock_.now()));
    // The audit row says that it changed, never what it is.
    return audit_admin(tx, "user.identification_set", u, "", "");
  });
}

Result<std::vector<AccountSummary>> Enrolment::accounts(std::string_view username) {
  std::vector<AccountSummary> out;
  Status st = store_.read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(u, find(tx, username));
    SLS_TRY_ASSIGN(held, tx.list_accounts_of_user(u.id));
    for (AccountRecord& a : held) {
      AccountSummary summary;
      SLS_TRY_ASSIGN(members, tx.list_account_users(a.id));
      for (const AccountUserRecord& m : members) {
        SLS_TRY_ASSIGN(member, tx.get_user(m.user_id));
        if (!member) return fail(Errc::internal, {"account user", "missing"});
        if (m.is_primary)
          summary.primary_user = member->username;
        else
          summary.users.push_back(member->username);
      }
      summary.account = std::move(a);
      out.push_back(std::move(summary));
    }
    return ok_status();
  });
  if (!st) return st.error();
  return out;
}

}  // namespace sls::server
