// Administration: creating users and enrolling their devices. Used by slsctl
// (and by tests to set up accounts). Each operation is one transaction with
// its audit row; secrets are sealed before they reach the store and are
// handed back to the caller exactly once, to print.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/clock.hpp"
#include "server/config.hpp"
#include "server/keyring.hpp"
#include "server/phones.hpp"
#include "server/store.hpp"
#include "sls/code_card.hpp"
#include "sls/device.hpp"
#include "sls/json.hpp"
#include "sls/lang.hpp"

namespace sls::server {

/// A code card (or online card) as enrolled: its device id and the card to
/// print (the only time its codes leave the server in clear).
struct CardEnrolment {
  std::string device_id;
  CodeCard card;
  std::int64_t expires_at = 0;  ///< online cards: activation + 21 days (pending: the activation window)
  /// A pending online card (issue_online_card): the two cells its
  /// activation asks for.
  std::optional<CardChallenge> activation;
};

/// A challenge/response token (DSC, DSC+, Platinum/Gold) as enrolled: what a
/// virtual token needs.
struct TokenEnrolment {
  std::string device_id;
  std::string serial;
  std::string ocra_suite;
  std::string key_hex;  ///< the OCRA key, hexadecimal
  std::string pin;      ///< DSC+: the 4-digit PIN; empty otherwise
};

/// A fresh challenge/response token of `kind` for the user (active, not
/// stored): its id, serial, label, suite, sealed key and, for suites with a
/// PIN, the sealed hash of `pin` (check_soft_pin; empty picks a random one).
/// `out` receives what a virtual token needs. Enrolment::enrol_token and a
/// replacement order (device_orders.cpp) both build their tokens with it.
Result<DeviceRecord> make_token_device(const Keyring& keys, const ServiceConfig& config, std::int64_t user_id,
                                       DeviceKind kind, std::string_view pin, std::int64_t now, TokenEnrolment& out);

/// A Mobile Key awaiting activation (POST /api/v1/mobile-key/activate).
struct MobileKeyEnrolment {
  std::string device_id;
  std::string activation_code;  ///< 8 digits
  std::int64_t expires_at = 0;
};

struct TempCodeIssue {
  std::string device_id;
  std::string code;    ///< 10 characters, shown as "ABCDE-FGHJK"
  std::string access;  ///< "full" or "account_management"
  std::int64_t expires_at = 0;
};

/// A replacement device order as slsctl lists it (docs/device-orders.md).
struct OrderSummary {
  DeviceOrderRecord order;
  std::string username;
  std::string serial;
  std::string account_name;
};

/// A shipped order: what the warehouse loaded into the token (no PIN: the
/// user chose it).
struct ShippedOrder {
  OrderSummary summary;
  TokenEnrolment token;
};

/// An account as slsctl lists it: the account and its users' names.
struct AccountSummary {
  AccountRecord account;
  std::string primary_user;
  std::vector<std::string> users;  ///< additional users, in the order added
};

/// A device sharing request as slsctl lists it (docs/sharing.md).
struct SharingSummary {
  SharingRecord sharing;
  std::string owner;
  std::string requester;
  DeviceKind kind = DeviceKind::none;
  std::string serial;
};

/// Identification data from its JSON form (docs/accounts.md): an object with
/// the string fields date_of_birth (YYYY-MM-DD), citizenship and
/// legal_residence (ISO 3166-1 alpha-2), id_document_type and
/// id_document_number, ssn, and the boolean us_person (SSN required when
/// true, the ID document otherwise). Errc::bad_argument, args {"identity",
/// field}, names the faulty field, never its value.
Result<IdentificationData> parse_identification(const JsonValue& json);

/// Temporary code validity (SPEC 3.5): 2 days with full access, 10 days for
/// account management only.
inline constexpr std::int64_t kTempCodeFullSeconds = 2 * 86400;
inline constexpr std::int64_t kTempCodeAccountManagementSeconds = 10 * 86400;

class Enrolment {
 public:
  Enrolment(Store& store, const Keyring& keys, const Clock& clock, const ServiceConfig& config)
      : store_(store), keys_(keys), clock_(clock), config_(config) {}

  /// Creates a user. Errc::user_bad_name for a name that breaks the rule of
  /// check_user_name; Errc::bad_argument, args {"username", "taken"}, for a
  /// name in use; {"password"} for an empty or over-long password. Every
  /// call naming an existing user refuses a bad name the same way.
  Result<std::int64_t> create_user(std::string_view username, std::string_view password, bool opted_out = false);
  Status set_password(std::string_view username, std::string_view password);
  /// Opts a user who holds no account out of SLS (password only) or back
  /// in; a user of an account follows the account (Errc::account_user_elsewhere).
  Status set_opted_out(std::string_view username, bool opted_out);
  /// Clears every failure counter of the user (password, second factor,
  /// activation code, password checks in flight) and of all its devices.
  Status unlock(std::string_view username);

  /// kind: code_card or online_card; cells: 2..1000. The card is active
  /// at once (an online card too: the demo users and the tests use this;
  /// slsctl issues online cards with issue_online_card). A code card is a
  /// permanent device: it supersedes the user's online cards
  /// (supersede_on_activation), as every permanent enrolment here does.
  Result<CardEnrolment> enrol_card(std::string_view username, DeviceKind kind, std::size_t cells = kCardDefaultCells);
  /// A pending online card (online_card.hpp): the user activates it in the
  /// security centre with the codes at `activation`'s two indices. The
  /// user's earlier online card is revoked.
  Result<CardEnrolment> issue_online_card(std::string_view username);
  /// kind: dsc, dsc_plus or platinum_gold. For dsc_plus, `pin` is the
  /// 4-digit PIN (check_soft_pin); empty picks a random one.
  Result<TokenEnrolment> enrol_token(std::string_view username, DeviceKind kind, std::string_view pin = {});
  /// `phone`: "+" and 6..15 digits (E.164).
  Result<std::string> enrol_sms(std::string_view username, std::string_view phone);
  Result<MobileKeyEnrolment> enrol_mobile_key(std::string_view username);
  /// Issues a temporary code; earlier temporary codes of the user are revoked.
  Result<TempCodeIssue> issue_temp_code(std::string_view username, bool full_access);

  /// Creates the account `name` (1..64 bytes, the rule of user names) with
  /// `primary_user` as its primary user; returns its id. The account takes
  /// the user's opt-out setting. Errc::bad_argument, args {"account",
  /// "taken"}, for a name in use.
  Result<std::string> create_account(std::string_view name, std::string_view primary_user);
  /// Adds `username` to the account as an additional user. A user's
  /// accounts all share one opt-out setting (docs/accounts.md): a user who
  /// holds an account of the other setting gets Errc::account_user_elsewhere;
  /// a user who holds none takes the account's setting.
  Status add_account_user(std::string_view account_name, std::string_view username);
  /// Seals and stores the user's identification data (replacing any).
  Status set_identification(std::string_view username, const IdentificationData& data);
  /// The accounts `username` holds, by name.
  Result<std::vector<AccountSummary>> accounts(std::string_view username);

  /// Device sharing review (sharing_admin.cpp): the newest `limit`
  /// requests, or the pending ones only, newest first.
  Result<std::vector<SharingSummary>> sharings(bool pending_only, std::size_t limit);
  /// Approves or rejects a pending request: Errc::sharing_not_found for no
  /// such id, Errc::sharing_not_pending when it was decided already. An
  /// approval checks the sharing rule again (a temporary device or a
  /// stronger one may have appeared since) and fails with its error.
  Result<SharingSummary> decide_sharing(std::string_view id, bool approve);
  /// Revokes the user's device (lost, or replaced by a new one): it ends
  /// every sharing of it and every session of the user and of the users it
  /// served with it. Errc::bad_argument {"device", "unknown"} when the user
  /// has no such device. Returns how many sharings ended.
  Result<std::int64_t> revoke_device(std::string_view username, std::string_view device_id);

  /// Replacement device orders (order_admin.cpp, docs/device-orders.md):
  /// the newest `limit`, newest first.
  Result<std::vector<OrderSummary>> orders(std::size_t limit);
  /// The warehouse ships the order: shipped_at now, auto-activation 21
  /// days later, history "shipped". Errc::order_not_found,
  /// Errc::order_not_shippable when it shipped already.
  Result<ShippedOrder> ship_order(std::string_view order_id);
  /// The warehouse received the user's device: history "returned", the
  /// device revoked when it was not, and the deposits it covers released.
  /// Errc::bad_argument {"device", "unknown"} when the user has no such
  /// device. Returns how many deposits were released.
  Result<std::int64_t> device_returned(std::string_view username, std::string_view device_id);
  /// Keeps the order's held deposit at account closure: `reason` "damaged"
  /// or "not_returned" (else Errc::deposit_bad_reason); Errc::order_not_found,
  /// Errc::deposit_not_held.
  Result<OrderSummary> keep_deposit(std::string_view order_id, std::string_view reason);

  /// Phones on record (phones.hpp): adds a number (Errc::bad_argument
  /// {"phone", ...} when malformed or already on record) and returns its id.
  Result<std::string> add_phone(std::string_view username, std::string_view phone);
  Result<std::vector<PhoneOnRecord>> phones(std::string_view username);
  /// Removes a number the user added; Errc::bad_argument {"phone", "unknown"}
  /// for another id, {"phone", "sms device"} for an SMS device's number.
  Status remove_phone(std::string_view username, std::string_view phone_id);
  Result<std::vector<DeviceRecord>> devices(std::string_view username);
  /// The user's device history (docs/devices.md), newest first, at most `limit` rows.
  Result<std::vector<DeviceEventRecord>> device_events(std::string_view username, std::size_t limit);
  /// The user's live sessions, oldest first. Every change of the user's
  /// password, devices or opt-out above ends them all (audit row
  /// session.revoked), as revoke_sessions does; returns how many it ended.
  Result<std::vector<SessionRecord>> sessions(std::string_view username);
  Result<std::int64_t> revoke_sessions(std::string_view username);
  Result<std::vector<AuditRecord>> audit(std::size_t limit, std::string_view username = {});
  Result<std::vector<OutboxRecord>> outbox(std::size_t limit);

 private:
  Result<UserRecord> find(StoreTx& tx, std::string_view username);
  /// Deletes every session of `user`; audits it when there were any (or
  /// `always_audit`).
  Result<std::int64_t> end_sessions(StoreTx& tx, const UserRecord& user, std::string_view why, bool always_audit);
  Status audit_admin(StoreTx& tx, std::string_view event, const UserRecord& user, std::string_view device_id,
                     std::string_view detail);

  Store& store_;
  const Keyring& keys_;
  const Clock& clock_;
  const ServiceConfig& config_;
};

/// The card as a printable HTML page (print stylesheet included), labels in
/// `lang`. Codes are laid out 10 per row under their index numbers.
/// With `stylesheet_href` the page links that stylesheet instead of
/// carrying its style inline (a page served under the strict
/// Content-Security-Policy, online_card_stylesheet()).
std::string code_card_html(const CodeCard& card, std::string_view username, std::int64_t expires_at, Lang lang,
                           std::string_view stylesheet_href = {});

}  // namespace sls::server
