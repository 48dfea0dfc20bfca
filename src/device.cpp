// The security device catalog: each kind's ranking, limits, login methods and the policies attached to a device
// (device.hpp).
#include "sls/device.hpp"

#include <algorithm>
#include <set>

namespace sls {
namespace {

constexpr std::size_t kMaxEchoedIdBytes = 32;

// Cuts `s` to at most `max_bytes` without splitting a UTF-8 sequence, marking
// the cut with an ellipsis.
std::string shorten_for_message(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0u) == 0x80u) --cut;  // continuation byte
  std::string out(s.substr(0, cut));
  out += "\u2026";
  return out;
}

std::string_view trim_ascii(std::string_view s) noexcept {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(kSpace);
  return s.substr(first, last - first + 1);
}

// Equal after trimming, and not empty: a blank field identifies no one.
bool same_required_field(std::string_view a, std::string_view b) noexcept {
  a = trim_ascii(a);
  b = trim_ascii(b);
  return !a.empty() && a == b;
}

std::string digits_of(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

}  // namespace

std::string_view device_kind_id(DeviceKind kind) noexcept {
  switch (kind) {
    case DeviceKind::none: return "none";
    case DeviceKind::sms: return "sms";
    case DeviceKind::mobile_key: return "mobile_key";
    case DeviceKind::code_card: return "code_card";
    case DeviceKind::online_card: return "online_card";
    case DeviceKind::dsc: return "dsc";
    case DeviceKind::dsc_plus: return "dsc_plus";
    case DeviceKind::platinum_gold: return "platinum_gold";
    case DeviceKind::temp_code: return "temp_code";
  }
  return "none";  // unreachable for a valid enumerator
}

Result<DeviceKind> parse_device_kind(std::string_view id) {
  for (DeviceKind kind : kAllDeviceKinds)
    if (device_kind_id(kind) == id) return kind;
  return fail(Errc::device_unknown_kind, {shorten_for_message(id, kMaxEchoedIdBytes)});
}

int security_rank(DeviceKind kind) noexcept {
  switch (kind) {
    case DeviceKind::none: return 0;
    case DeviceKind::temp_code: return 1;
    case DeviceKind::online_card: return 2;
    case DeviceKind::code_card: return 3;
    case DeviceKind::sms: return 4;
    case DeviceKind::mobile_key: return 5;
    case DeviceKind::dsc: return 6;
    case DeviceKind::platinum_gold: return 7;
    case DeviceKind::dsc_plus: return 8;
  }
  return 0;
}

bool is_temporary(DeviceKind kind) noexcept { return kind == DeviceKind::online_card || kind == DeviceKind::temp_code; }

WithdrawalLimits withdrawal_limits(DeviceKind kind) noexcept {
  switch (kind) {
    case DeviceKind::none:
    case DeviceKind::temp_code:  // a stand-in credential earns no more than no device
      return {UsdLimit::of_usd(50'000), UsdLimit::of_usd(100'000)};
    case DeviceKind::sms:
    case DeviceKind::code_card:
    case DeviceKind::online_card:  // the same codes as a printed card, so the same limits
      return {UsdLimit::of_usd(200'000), UsdLimit::of_usd(600'000)};
    case DeviceKind::mobile_key: return {UsdLimit::of_usd(1'000'000), UsdLimit::of_usd(1'000'000)};
    case DeviceKind::dsc: return {UsdLimit::of_usd(1'000'000), UsdLimit::of_usd(1'500'000)};
    case DeviceKind::dsc_plus:
    case DeviceKind::platinum_gold: return {UsdLimit::unlimited(), UsdLimit::unlimited()};
  }
  return {UsdLimit::of_cents(0), UsdLimit::of_cents(0)};  // unreachable: fail closed
}

std::span<const std::string_view> device_restrictions(DeviceKind kind) noexcept {
  static constexpr std::array<std::string_view, 2> kOptedOut{kRestrictionNoPinkSheetTrading,
                                                             kRestrictionNoOtcbbTrading};
  if (kind == DeviceKind::none) return kOptedOut;
  return {};
}

std::span<const std::string_view> authentication_methods(DeviceKind kind) noexcept {
  static constexpr std::array<std::string_view, 1> kPassword{"pwd"};
  static constexpr std::array<std::string_view, 2> kSms{"pwd", "sms"};
  static constexpr std::array<std::string_view, 2> kOtp{"pwd", "otp"};
  static constexpr std::array<std::string_view, 3> kHardwareOtp{"pwd", "hwk", "otp"};
  static constexpr std::array<std::string_view, 4> kHardwareOtpPin{"pwd", "hwk", "otp", "pin"};
  static constexpr std::array<std::string_view, 2> kSoftwareKey{"pwd", "swk"};
  switch (kind) {
    case DeviceKind::none: return kPassword;
    case DeviceKind::sms: return kSms;
    case DeviceKind::code_card:
    case DeviceKind::online_card:
    case DeviceKind::temp_code: return kOtp;
    case DeviceKind::dsc:
    case DeviceKind::platinum_gold: return kHardwareOtp;
    case DeviceKind::dsc_plus: return kHardwareOtpPin;
    case DeviceKind::mobile_key: return kSoftwareKey;
  }
  return kPassword;  // unreachable: claim no more than the password
}

bool is_restricted_authenticator(DeviceKind kind) noexcept { return kind == DeviceKind::sms; }

std::string_view login_method_id(LoginMethod method) noexcept {
  switch (method) {
    case LoginMethod::password_only: return "password";
    case LoginMethod::sms: return "sms";
    case LoginMethod::push: return "push";
    case LoginMethod::challenge_response: return "ocra";
    case LoginMethod::code_card: return "code_card";
    case LoginMethod::temp_code: return "temp_code";
  }
  return "password";
}

LoginMethod default_login_method(DeviceKind kind) noexcept {
  switch (kind) {
    case DeviceKind::none: return LoginMethod::password_only;
    case DeviceKind::sms: return LoginMethod::sms;
    case DeviceKind::mobile_key: return LoginMethod::push;
    case DeviceKind::code_card:
    case DeviceKind::online_card: return LoginMethod::code_card;
    case DeviceKind::dsc:
    case DeviceKind::dsc_plus:
    case DeviceKind::platinum_gold: return LoginMethod::challenge_response;
    case DeviceKind::temp_code: return LoginMethod::temp_code;
  }
  return LoginMethod::password_only;
}

Status may_change_security_settings(std::string_view acting_user, std::string_view primary_user) {
  if (primary_user.empty()) return fail(Errc::bad_argument);
  if (acting_user != primary_user) return fail(Errc::device_not_primary_user, {primary_user});
  return ok_status();
}

bool same_identification(const IdentificationData& a, const IdentificationData& b) noexcept {
  if (a.us_person != b.us_person) return false;
  if (!same_required_field(a.date_of_birth, b.date_of_birth) || !same_required_field(a.citizenship, b.citizenship) ||
      !same_required_field(a.legal_residence, b.legal_residence))
    return false;
  if (a.us_person) return same_required_field(digits_of(trim_ascii(a.ssn)), digits_of(trim_ascii(b.ssn)));
  return same_required_field(a.id_document_type, b.id_document_type) &&
         same_required_field(a.id_document_number, b.id_document_number);
}

Result<std::string> check_device_sharing(std::span<const ShareCandidate> candidates, DeviceKind shared) {
  // 1. Enough distinct users.
  if (candidates.size() < 2) return fail(Errc::device_share_too_few);
  std::set<std::string_view> names;
  for (const auto& c : candidates)
    if (c.user_name.empty() || !names.insert(c.user_name).second) return fail(Errc::bad_argument);

  // 2. One entity, or one person.
  const auto& first = candidates.front();
  bool same_entity = std::all_of(candidates.begin(), candidates.end(), [&](const ShareCandidate& c) {
    return same_required_field(c.entity_id, first.entity_id);
  });
  bool same_person = std::all_of(candidates.begin(), candidates.end(), [&](const ShareCandidate& c) {
    return same_identification(c.identification, first.identification);
  });
  if (!same_entity && !same_person) return fail(Errc::device_share_identity);

  // 3. No temporary credential anywhere.
  for (const auto& c : candidates)
    if (std::any_of(c.devices.begin(), c.devices.end(), is_temporary))
      return fail(Errc::device_share_temporary, {c.user_name});

  // 4. The shared device exists.
  const ShareCandidate* owner = nullptr;
  if (shared != DeviceKind::none) {
    for (const auto& c : candidates) {
      if (std::find(c.devices.begin(), c.devices.end(), shared) != c.devices.end()) {
        owner = &c;
        break;
      }
    }
  }
  if (owner == nullptr) return fail(Errc::bad_argument);

  // 5. It is the most secure one (`none` entries rank lowest of all).
  DeviceKind best = shared;
  for (const auto& c : candidates) {
    for (DeviceKind k : c.devices)
      if (security_rank(k) > security_rank(best)) best = k;
  }
  if (best != shared) return fail(Errc::device_less_secure, {device_kind_id(best)});
  return owner->user_name;
}

}  // namespace sls
