// The security device catalog and the policies attached to a device (SPEC §2
// and §4): security ranking, withdrawal limits, restrictions of opted-out
// accounts, default login method, who may change security settings, and
// whether several users may share one device.
//
// Everything here is a pure function of its arguments: the server and the
// component ask the same questions and get the same answers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sls/result.hpp"

namespace sls {

// --- device kinds ----------------------------------------------------------------

/// The kinds of second factor an account can hold. `none` means the account
/// has opted out of SLS and logs in with its password only.
enum class DeviceKind : std::uint8_t {
  none,           ///< opted out: password only
  sms,            ///< 6-digit code sent by text message
  mobile_key,     ///< Mobile Key app: push approval, challenge/response fallback
  code_card,      ///< Security Code Card: printed grid of 3-character codes
  online_card,    ///< Online Security Code Card: printable, temporary (21 days)
  dsc,            ///< Digital Security Card: challenge/response
  dsc_plus,       ///< Digital Security Card+: PIN, then challenge/response
  platinum_gold,  ///< Platinum / Gold card: challenge/response
  temp_code,      ///< temporary code issued by support: one code, short validity
};

/// Every kind, in declaration order (for catalogs and exhaustive tests).
inline constexpr std::array<DeviceKind, 9> kAllDeviceKinds{
    DeviceKind::none, DeviceKind::sms,      DeviceKind::mobile_key,    DeviceKind::code_card, DeviceKind::online_card,
    DeviceKind::dsc,  DeviceKind::dsc_plus, DeviceKind::platinum_gold, DeviceKind::temp_code,
};

/// The stable id of a kind, as used on the wire and in storage: "none", "sms",
/// "mobile_key", "code_card", "online_card", "dsc", "dsc_plus",
/// "platinum_gold", "temp_code". These ids never change.
std::string_view device_kind_id(DeviceKind kind) noexcept;

/// Inverse of device_kind_id. The match is exact (case-sensitive, no
/// trimming): ids are machine-written. Any other string fails with
/// Errc::device_unknown_kind; its argument is the given id, cut to at most
/// 32 bytes (on a UTF-8 boundary, with "…" appended) so that a hostile
/// input cannot bloat the message.
Result<DeviceKind> parse_device_kind(std::string_view id);

/// How much protection a kind gives, as a number: a higher rank is more
/// secure; only the order is meaningful. From the top:
///   dsc_plus 8 > platinum_gold 7 > dsc 6 > mobile_key 5 > sms 4 > code_card 3
///   > online_card 2 > temp_code 1 > none 0.
/// The order of the permanent devices is the one the product documents. The
/// three others sit below all of them:
///  - online_card works like a code card, but it is generated and printed
///    on demand and lives 21 days, so a copy is easier to leave behind: just
///    below code_card;
///  - temp_code is a single code handed out by support after a phone check,
///    valid for days and not tied to any challenge: below every card;
///  - none is no second factor at all: lowest.
int security_rank(DeviceKind kind) noexcept;

/// True for the temporary credentials: online_card and temp_code. They stand
/// in while a permanent device is missing and can never be shared.
bool is_temporary(DeviceKind kind) noexcept;

// --- withdrawal limits --------------------------------------------------------------

/// Cents per US dollar: every amount of money in SLS is an integer number of
/// US cents.
inline constexpr std::int64_t kCentsPerUsd = 100;

/// A withdrawal limit, or an amount still available under one: either a
/// number of US cents (>= 0) or unlimited. Unlimited is a state of its own,
/// not a large number, so that no sum or comparison can turn it into a
/// finite amount by accident. Immutable.
class UsdLimit {
 public:
  /// No limit.
  static constexpr UsdLimit unlimited() noexcept { return UsdLimit(); }
  /// A limit of `cents` US cents; a negative value is taken as 0.
  static constexpr UsdLimit of_cents(std::int64_t cents) noexcept { return UsdLimit(cents < 0 ? 0 : cents); }
  /// A limit of whole US dollars; negative → 0, beyond the int64 range of
  /// cents → the largest representable amount (still a finite limit).
  static constexpr UsdLimit of_usd(std::int64_t usd) noexcept {
    constexpr std::int64_t kMaxUsd = INT64_MAX / kCentsPerUsd;
    return of_cents(usd <= 0 ? 0 : usd > kMaxUsd ? INT64_MAX : usd * kCentsPerUsd);
  }

  constexpr bool is_unlimited() const noexcept { return !cents_.has_value(); }
  /// The amount in cents; nullopt when unlimited.
  constexpr std::optional<std::int64_t> cents() const noexcept { return cents_; }
  /// True when `amount_cents` fits under this limit (always when unlimited).
  constexpr bool allows(std::int64_t amount_cents) const noexcept { return !cents_ || amount_cents <= *cents_; }

  friend constexpr bool operator==(const UsdLimit&, const UsdLimit&) = default;

 private:
  constexpr UsdLimit() noexcept = default;
  constexpr explicit UsdLimit(std::int64_t cents) noexcept : cents_(cents) {}
  std::optional<std::int64_t> cents_;
};

/// The two limits that apply to withdrawals and transfers.
struct WithdrawalLimits {
  UsdLimit one_day;   ///< per business day
  UsdLimit five_day;  ///< per 5 business days (see withdrawal.hpp for the windows)

  friend constexpr bool operator==(const WithdrawalLimits&, const WithdrawalLimits&) = default;
};

/// The limits a device kind allows (USD):
///   none, temp_code       50,000 / 100,000
///   sms, code_card,
///   online_card          200,000 / 600,000
///   mobile_key         1,000,000 / 1,000,000
///   dsc                1,000,000 / 1,500,000
///   dsc_plus, platinum_gold   unlimited / unlimited
WithdrawalLimits withdrawal_limits(DeviceKind kind) noexcept;

// --- restrictions and login method ----------------------------------------------

/// Stable ids of the restrictions an account carries because of its device.
inline constexpr std::string_view kRestrictionNoPinkSheetTrading = "no_pink_sheet_trading";
inline constexpr std::string_view kRestrictionNoOtcbbTrading = "no_otcbb_trading";

/// The restrictions that come with a device kind, as stable ids. Only an
/// account that opted out of SLS (`none`) carries any: it may not trade Pink
/// Sheet or OTCBB stocks. Every other kind yields an empty span. The span
/// refers to static storage.
std::span<const std::string_view> device_restrictions(DeviceKind kind) noexcept;

// --- how the user authenticated (RFC 8176) --------------------------------------

/// The RFC 8176 authentication method references ("amr") of a login that
/// passed the password and then a device of `kind`, in this order:
///   none                     pwd
///   sms                      pwd sms
///   code_card, online_card   pwd otp        (a look-up secret: one-time codes)
///   temp_code                pwd otp        (a code support gave out of band)
///   dsc, platinum_gold       pwd hwk otp    (a hardware token's OTP)
///   dsc_plus                 pwd hwk otp pin (its PIN enters the OTP)
///   mobile_key               pwd swk        (a key held by the phone app)
/// The span refers to static storage.
std::span<const std::string_view> authentication_methods(DeviceKind kind) noexcept;

/// True for a restricted authenticator in the sense of NIST SP 800-63B
/// 5.1.3.3: SMS (the PSTN), whose use a relying party must be told of and may
/// give lower limits.
bool is_restricted_authenticator(DeviceKind kind) noexcept;

/// How a user proves the second factor.
enum class LoginMethod : std::uint8_t {
  password_only,       ///< no second factor (opted out)
  sms,                 ///< code sent by text message
  push,                ///< approve on the phone (Mobile Key)
  challenge_response,  ///< OCRA challenge, 8-digit response
  code_card,           ///< two cell indices, two 3-character codes
  temp_code,           ///< temporary code from support
};

/// The stable id of a method, matching the HTTP API's challenge methods:
/// "password", "sms", "push", "ocra", "code_card", "temp_code".
std::string_view login_method_id(LoginMethod method) noexcept;

/// The method a login starts with for a kind: none → password_only;
/// sms → sms; mobile_key → push (challenge_response is its fallback);
/// code_card, online_card → code_card; dsc, dsc_plus, platinum_gold →
/// challenge_response; temp_code → temp_code.
LoginMethod default_login_method(DeviceKind kind) noexcept;

// --- security settings ---------------------------------------------------------------

/// Only the primary user of an account may change its security settings (opt
/// out of SLS, opt back in). User names are compared exactly, byte for byte:
/// both must be the canonical names the server stores.
/// Errc::device_not_primary_user, with the primary user's name as argument,
/// when `acting_user` is someone else; Errc::bad_argument when
/// `primary_user` is empty (there would be nobody to point to).
Status may_change_security_settings(std::string_view acting_user, std::string_view primary_user);

// --- sharing one device across users ------------------------------------------------

/// The identification data of the person behind a user (SPEC §4).
/// Two records are the same identification when, after trimming ASCII
/// white space from both ends of every field:
///  - `us_person` is equal;
///  - date_of_birth, citizenship and legal_residence are equal and non-empty;
///  - for US persons: the SSNs are equal and non-empty, comparing digits only
///    (so "123-45-6789" equals "123456789"); the ID document is not compared;
///  - for everyone else: id_document_type and id_document_number are equal
///    and non-empty; the SSN is not compared.
/// Fields are otherwise compared exactly (case-sensitive): the server stores
/// them in one canonical form (ISO 8601 dates, ISO 3166-1 country codes). An
/// empty required field never matches, so two blank records are not the
/// same person.
struct IdentificationData {
  std::string date_of_birth;       ///< e.g. "1980-04-30"
  std::string citizenship;         ///< e.g. "HK"
  std::string legal_residence;     ///< country of legal residence, e.g. "HK"
  std::string id_document_type;    ///< e.g. "passport"
  std::string id_document_number;  ///< e.g. "K12345678"
  std::string ssn;                 ///< Social Security Number (US persons)
  bool us_person = false;          ///< US citizen or resident
};

/// True when `a` and `b` identify the same person, as defined above.
bool same_identification(const IdentificationData& a, const IdentificationData& b) noexcept;

/// A user who would share the device.
struct ShareCandidate {
  std::string user_name;  ///< canonical user name, unique in the list
  std::string entity_id;  ///< the legal entity the user belongs to
  IdentificationData identification;
  std::vector<DeviceKind> devices;  ///< devices held now; `none` entries are ignored
};

/// Checks a request to share one device across several users, and returns
/// the device owner: the first candidate holding a device of kind `shared`.
/// Checks, in this order:
///  1. at least two candidates → else Errc::device_share_too_few;
///     (a user name that is empty or appears twice → Errc::bad_argument);
///  2. all candidates belong to the same entity (equal, non-empty entity
///     ids), or all have the same identification data as the first one →
///     else Errc::device_share_identity. (Requiring either relation of every
///     pair of users comes to the same thing.)
///  3. no candidate holds a temporary device → else
///     Errc::device_share_temporary naming the first such user;
///  4. `shared` is held by a candidate → else Errc::bad_argument (also for
///     `none`: there is nothing to share);
///  5. no candidate holds a device of higher security_rank than `shared` →
///     else Errc::device_less_secure naming the most secure kind held
///     (its device_kind_id).
Result<std::string> check_device_sharing(std::span<const ShareCandidate> candidates, DeviceKind shared);

}  // namespace sls
