// The rows the server keeps, as plain structs. Storage-neutral: a Store back
// end maps them to its tables. Secret material appears here only sealed
// (crypto_secretbox, see keyring.hpp) or as a keyed hash, never in clear.
// Kinds, statuses, methods and states are enums; they become text only at
// the storage and wire edges (to_text / from_text, records.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sls/device.hpp"

namespace sls::server {

using Bytes = std::vector<std::uint8_t>;

/// Device status: awaiting activation, usable, or withdrawn.
enum class DeviceStatus : std::uint8_t { pending, active, revoked };
/// What a temporary code grants: everything, or account management only.
enum class Access : std::uint8_t { full, account_management };
/// Login states: waiting for the second factor; verified (a completion
/// token may be issued); completed (a session exists).
enum class LoginState : std::uint8_t { second_factor, verified, completed };
/// How a challenge is answered: card cells, an OCRA response, an SMS code
/// or a temporary code.
enum class ChallengeMethod : std::uint8_t { code_card, ocra, sms, temp_code };
/// A challenge is open until answered, or void once a newer one replaced it.
enum class ChallengeState : std::uint8_t { open, answered, voided };
/// How an answered challenge was answered; none while unanswered.
enum class AnswerRoute : std::uint8_t { none, typed, qr };
/// A push transaction's status.
enum class PushStatus : std::uint8_t { pending, approved, denied, expired, cancelled };
/// A request to share a device (docs/sharing.md): waiting for compliance
/// review, in force, refused by the review, or ended by a participant or by
/// the device's revocation.
enum class SharingStatus : std::uint8_t { pending, approved, rejected, ended };

/// The stored and wire text of each enum value ("pending", "code_card",
/// "void", ... ; AnswerRoute::none is ""). Never changes once released.
std::string_view to_text(DeviceStatus v) noexcept;
std::string_view to_text(Access v) noexcept;
std::string_view to_text(LoginState v) noexcept;
std::string_view to_text(ChallengeMethod v) noexcept;
std::string_view to_text(ChallengeState v) noexcept;
std::string_view to_text(AnswerRoute v) noexcept;
std::string_view to_text(PushStatus v) noexcept;
std::string_view to_text(SharingStatus v) noexcept;

/// Inverse of to_text for E (one of the enums above); nullopt for a text
/// that names no value (a store treats it as a fault, Errc::internal).
template <class E>
std::optional<E> from_text(std::string_view text) noexcept;

/// Consecutive-failure state of one factor of a user, or of a device (see
/// lockout.hpp).
struct FailureCounter {
  /// Failures since the last success; a lock ending does not reset it.
  std::int64_t consecutive = 0;
  /// Failures since the last lock ended (or the last success).
  std::int64_t since_lock = 0;
  /// Locks imposed since the last success: each one lasts twice the last.
  std::int64_t locks = 0;
  /// Unix seconds until which the lock holds; 0 when never locked.
  std::int64_t locked_until = 0;

  friend bool operator==(const FailureCounter&, const FailureCounter&) = default;
};

struct UserRecord {
  std::int64_t id = 0;  ///< assigned by the store
  std::string username;
  /// crypto_pwhash_str output (Argon2id, parameters inside the string).
  std::string password_hash;
  /// True when the account opted out of SLS: the password alone logs in.
  bool opted_out = false;
  /// Wrong answers of any of the user's devices, after a correct password:
  /// the counter that may lock for good (lockout.hpp).
  FailureCounter second_factor_failures;
  std::int64_t created_at = 0;
  /// Wrong passwords: temporary locks only.
  FailureCounter password_failures;
  /// Wrong Mobile Key activation codes: temporary locks only.
  FailureCounter activation_failures;
  /// Password checks reserved before the hash and not yet settled, and when
  /// the newest was reserved (lockout.hpp, reserve_password_check).
  std::int64_t password_checks = 0;
  std::int64_t password_checks_at = 0;
};

struct DeviceRecord {
  std::string id;  ///< 22-character random id
  std::int64_t user_id = 0;
  DeviceKind kind = DeviceKind::none;
  std::string label;  ///< shown in the device picker
  DeviceStatus status = DeviceStatus::active;
  /// Sealed secret: the card's cells (code cards) or the OCRA key.
  Bytes sealed_secret;
  /// Sealed PIN hash for suites with a P field (DSC+, Mobile Key).
  Bytes sealed_pin_hash;
  /// Keyed hash of a temporary code, or of a pending Mobile Key's
  /// activation code.
  Bytes code_hash;
  std::string ocra_suite;        ///< OCRA devices
  std::string phone;             ///< SMS devices (E.164-like digits)
  Bytes sign_public_key;         ///< Mobile Key: Ed25519 key for push approvals
  std::string serial;            ///< code cards: the serial printed on the card
  Access access = Access::full;  ///< temporary codes may grant less
  std::int64_t activated_at = 0;
  std::int64_t expires_at = 0;  ///< 0: does not expire
  /// Code cards under the never-reuse policy: cell indices already asked,
  /// comma-separated.
  std::string used_cells;
  std::int64_t last_sms_at = 0;
  FailureCounter failures;
  std::int64_t created_at = 0;
  /// The question every login is asked on this device until it is answered
  /// correctly: "i,j" (code cards) or 6 challenge digits (OCRA); empty when
  /// none is open. Kept on the device, not the login, so that opening more
  /// logins cannot draw a different question (challenge shopping).
  std::string open_question;
  /// Unix seconds after which a new question may be drawn.
  std::int64_t open_question_expires_at = 0;
  /// The id of the device this one replaces once it is activated (which
  /// then revokes that one, device_lifecycle.hpp); "" when none.
  std::string replaces;
  /// A replacement device sent by the warehouse (docs/device-orders.md):
  /// when it shipped; 0 when it was never ordered or not shipped yet. A
  /// pending device with a shipped_at is offered at login and activates on
  /// its first successful use.
  std::int64_t shipped_at = 0;
  /// A replacement the user asked for (POST /devices/{id}/replace): the
  /// kind whose next activation by the user revokes this device
  /// ("mobile_key"), and until when; "" / 0 when none.
  std::string replace_with;
  std::int64_t replace_until = 0;
  /// A pending Mobile Key the user enrolled from the phone (the enrolment,
  /// mobile_key_enrolment.cpp): activation codes sent by SMS so far, and
  /// whether a number not on record may receive one (the enrolment was
  /// opened with a temporary code of the user, or the user is opted out).
  std::int64_t codes_sent = 0;
  bool may_add_phone = false;
  /// Mobile Key: the sealed Argon2id hash of the recovery PIN; empty when none.
  Bytes sealed_recovery_pin;
};

struct LoginRecord {
  std::string id;
  std::int64_t user_id = 0;
  LoginState state = LoginState::second_factor;
  std::string client_addr;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  /// Set once verified: the device that passed and the access it grants.
  std::string verified_device_id;
  std::optional<DeviceKind> verified_kind;
  std::optional<Access> access;
  /// Keyed hash of the current completion token, and its expiry.
  Bytes token_hash;
  std::int64_t token_expires_at = 0;
  /// Keyed hash of the login secret handed to the browser that started the
  /// login: every later browser request of the login must carry the secret.
  Bytes secret_hash;
  /// A step-up login (docs/accounts.md): the keyed hash of the session
  /// cookie that opened it (the session's token_hash); empty for a login
  /// with a password. Its completion refreshes that session's second
  /// factor and creates no session.
  Bytes step_up_session;
};

struct ChallengeRecord {
  std::string id;  ///< for OCRA challenges also the QR payload's transaction id
  std::string login_id;
  std::string device_id;
  ChallengeMethod method = ChallengeMethod::code_card;
  ChallengeState state = ChallengeState::open;
  /// What the user was asked: 6 challenge digits (ocra) or "i,j" (code card).
  std::string question;
  Bytes code_hash;  ///< sms: keyed hash of the code sent
  AnswerRoute answered_by = AnswerRoute::none;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

struct PushRecord {
  std::string id;  ///< 128-bit random transaction id
  std::string login_id;
  std::int64_t user_id = 0;
  std::string device_id;
  std::string number;  ///< the 2 digits to match
  PushStatus status = PushStatus::pending;
  std::string origin;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t decided_at = 0;
};

struct SessionRecord {
  Bytes token_hash;  ///< keyed hash of the cookie value
  std::int64_t user_id = 0;
  std::string login_id;
  DeviceKind device_kind = DeviceKind::none;
  Access access = Access::full;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;  ///< absolute expiry: created_at + the session's longest life
  /// RFC 8176 authentication method references, comma-separated ("pwd,sms").
  std::string amr;
  /// Last use (written at most once a minute) and the idle expiry it sets:
  /// the session ends at the earlier of idle_expires_at and expires_at.
  std::int64_t last_seen_at = 0;
  std::int64_t idle_expires_at = 0;
  /// When the user last passed a second factor in this session (the login's
  /// device, or a later step-up); 0 for a password-only session. Changes
  /// that weaken security need it recent (accounts.hpp, kStepUpSeconds).
  std::int64_t second_factor_at = 0;
};

/// A brokerage account: one primary user and any number of additional users
/// (account_users). Opting out of SLS is a setting of the account.
struct AccountRecord {
  std::string id;    ///< 22-character random id (the API's {id})
  std::string name;  ///< unique, chosen by the operator (slsctl)
  /// True when the account opted out of SLS: its users log in with their
  /// password only and carry the restrictions of `none`.
  bool opted_out = false;
  std::int64_t created_at = 0;
};

/// One user of an account.
struct AccountUserRecord {
  std::string account_id;
  std::int64_t user_id = 0;
  bool is_primary = false;
  std::int64_t added_at = 0;
};

/// A back-office caller of the withdrawal API (slsctl service-credential):
/// only the keyed hash of its bearer token is kept.
struct ServiceCredentialRecord {
  std::int64_t id = 0;  ///< assigned by the store
  std::string name;     ///< unique, chosen by the operator; named in audit rows
  Bytes token_hash;     ///< keyed hash (HashPurpose::service_token)
  std::int64_t created_at = 0;
  std::int64_t revoked_at = 0;  ///< 0 while it works
};

/// One recorded withdrawal (or transfer out) of an account: the ledger the
/// rolling limits are summed from (docs/withdrawals.md).
struct WithdrawalRecord {
  std::string id;  ///< 22-character random id
  std::string account_id;
  std::int64_t amount_cents = 0;  ///< > 0
  std::int64_t at = 0;
  std::string device_kind;  ///< the kind whose limits applied
  std::string credential;   ///< the service credential's name
  std::string idempotency_key;
};

/// The answer given to one idempotency key of one credential, refusals
/// included, so that a retry gets the same one.
struct WithdrawalRequestRecord {
  std::int64_t credential_id = 0;
  std::string idempotency_key;
  std::string account_id;  ///< what was asked: a retry must ask the same
  std::int64_t amount_cents = 0;
  int status = 0;     ///< the HTTP status answered
  std::string reply;  ///< 201: the reply body; else {"code","args"} of the refusal (JSON)
  std::int64_t at = 0;
};

/// A request by `requester_id` to use the device `device_id` of `owner_id`
/// as their own second factor (docs/sharing.md). Only an approved one gives
/// the requester access to the device.
struct SharingRecord {
  std::string id;  ///< 22-character random id (the API's {id})
  std::int64_t owner_id = 0;
  std::int64_t requester_id = 0;
  std::string device_id;
  SharingStatus status = SharingStatus::pending;
  /// Why the users may share: "entity" (they hold a common account) or
  /// "identification" (the same identification data only).
  std::string relation;
  std::int64_t created_at = 0;
  /// When it was approved or rejected (at once, or by the review); 0 while pending.
  std::int64_t decided_at = 0;
  /// When it ended, and why: "owner", "requester", "device_revoked"; 0 / "" while in force.
  std::int64_t ended_at = 0;
  std::string end_reason;
};

/// A replacement device order (docs/device-orders.md) and the deposit held
/// for it. `status`: "ordered", "shipped" or "activated";
/// `deposit_status`: "held", "released" or "kept" (every change also
/// appends a DepositEntryRecord and an audit row).
struct DeviceOrderRecord {
  std::string id;  ///< 22-character random id (the API's {id})
  std::int64_t user_id = 0;
  DeviceKind kind = DeviceKind::dsc_plus;
  std::string status;
  std::string device_id;            ///< the pending device the order created
  std::string replaces;             ///< the device it replaces once active; "" when none
  std::string estimated_ship_date;  ///< "YYYY-MM-DD"
  std::int64_t created_at = 0;
  std::int64_t shipped_at = 0;
  std::int64_t auto_activate_at = 0;
  std::int64_t activated_at = 0;
  std::string deposit_account;  ///< the account the deposit is held on
  std::int64_t deposit_cents = 0;
  std::string deposit_status;
  std::string deposit_reason;  ///< why it was released or kept; "" while held
  std::int64_t deposit_settled_at = 0;
};

/// A phone number on record for a user (docs/server.md, "Phones on
/// record"): where a Mobile Key activation code may be sent. The numbers of
/// the user's SMS devices count as well, without a row here.
struct PhoneRecord {
  std::string id;  ///< 22-character random id (the API's {id})
  std::int64_t user_id = 0;
  std::string phone;  ///< E.164
  std::int64_t added_at = 0;
  bool is_default = false;
};

/// One line of the deposit ledger: a deposit held, released or kept.
/// Append-only.
struct DepositEntryRecord {
  std::int64_t id = 0;  ///< assigned by the store
  std::string order_id;
  std::int64_t user_id = 0;
  std::string account_id;
  std::int64_t cents = 0;
  std::string entry;   ///< "held", "released" or "kept"
  std::string reason;  ///< e.g. "returned", "lost", "damaged", "not_returned"
  std::int64_t at = 0;
};

/// One step in a device's life, as the user's device history shows it
/// (docs/devices.md): what happened to which device, who did it, when.
/// Holds no secret. `event` is one of kDeviceEvents (device_history.hpp).
struct DeviceEventRecord {
  std::int64_t id = 0;  ///< assigned by the store, increasing
  std::int64_t user_id = 0;
  std::string device_id;
  DeviceKind kind = DeviceKind::none;
  std::string serial;  ///< as printed on the device; "" when it has none
  std::string event;
  /// Who caused it: "user" (the user, through the API), "operator"
  /// (slsctl), "server" (expiry, automatic activation).
  std::string actor;
  std::string detail;  ///< a short, secret-free note ("replaces <id>", a reason)
  std::int64_t at = 0;
};

/// One authentication event. Holds no secret: no password, code, response,
/// token or key, only who, what, where and how it went.
struct AuditRecord {
  std::int64_t id = 0;  ///< assigned by the store
  std::int64_t at = 0;
  std::string event;         ///< e.g. "login.started", "verify", "push.not_me"
  std::string outcome;       ///< "ok", "fail" or "info"
  std::int64_t user_id = 0;  ///< 0 when no user is known
  std::string username;
  std::string device_id;
  std::string client_addr;
  std::string detail;  ///< a stable error code or a short non-secret note
};

/// A text message as the default SMS gateway "sends" it.
struct OutboxRecord {
  std::int64_t id = 0;
  std::int64_t at = 0;
  std::string phone;
  std::string text;
};

/// A per-address budget's token bucket in the store (address_budget.hpp),
/// in milli-tokens: whole numbers, the same on every database.
struct AddressBucket {
  std::int64_t milli_tokens = 0;
  std::int64_t updated_ms = 0;
};

}  // namespace sls::server
