// The text of the records' enums at the storage and wire edges: one table per enum, read both ways.
#include "server/records.hpp"

#include <array>
#include <utility>

namespace sls::server {
namespace {

template <class E, std::size_t N>
using TextTable = std::array<std::pair<E, std::string_view>, N>;

constexpr TextTable<DeviceStatus, 3> kDeviceStatusText{{
    {DeviceStatus::pending, "pending"},
    {DeviceStatus::active, "active"},
    {DeviceStatus::revoked, "revoked"},
}};
constexpr TextTable<Access, 2> kAccessText{{
    {Access::full, "full"},
    {Access::account_management, "account_management"},
}};
constexpr TextTable<LoginState, 3> kLoginStateText{{
    {LoginState::second_factor, "second_factor"},
    {LoginState::verified, "verified"},
    {LoginState::completed, "completed"},
}};
constexpr TextTable<ChallengeMethod, 4> kChallengeMethodText{{
    {ChallengeMethod::code_card, "code_card"},
    {ChallengeMethod::ocra, "ocra"},
    {ChallengeMethod::sms, "sms"},
    {ChallengeMethod::temp_code, "temp_code"},
}};
constexpr TextTable<ChallengeState, 3> kChallengeStateText{{
    {ChallengeState::open, "open"},
    {ChallengeState::answered, "answered"},
    {ChallengeState::voided, "void"},
}};
constexpr TextTable<AnswerRoute, 3> kAnswerRouteText{{
    {AnswerRoute::none, ""},
    {AnswerRoute::typed, "typed"},
    {AnswerRoute::qr, "qr"},
}};
constexpr TextTable<PushStatus, 5> kPushStatusText{{
    {PushStatus::pending, "pending"},
    {PushStatus::approved, "approved"},
    {PushStatus::denied, "denied"},
    {PushStatus::expired, "expired"},
    {PushStatus::cancelled, "cancelled"},
}};
constexpr TextTable<SharingStatus, 4> kSharingStatusText{{
    {SharingStatus::pending, "pending"},
    {SharingStatus::approved, "approved"},
    {SharingStatus::rejected, "rejected"},
    {SharingStatus::ended, "ended"},
}};

constexpr const auto& table(DeviceStatus) { return kDeviceStatusText; }
constexpr const auto& table(Access) { return kAccessText; }
constexpr const auto& table(LoginState) { return kLoginStateText; }
constexpr const auto& table(ChallengeMethod) { return kChallengeMethodText; }
constexpr const auto& table(ChallengeState) { return kChallengeStateText; }
constexpr const auto& table(AnswerRoute) { return kAnswerRouteText; }
constexpr const auto& table(PushStatus) { return kPushStatusText; }
constexpr const auto& table(SharingStatus) { return kSharingStatusText; }

template <class E>
std::string_view text_of(E v) noexcept {
  for (const auto& [value, text] : table(v))
    if (value == v) return text;
  return {};
}

}  // namespace

std::string_view to_text(DeviceStatus v) noexcept { return text_of(v); }
std::string_view to_text(Access v) noexcept { return text_of(v); }
std::string_view to_text(LoginState v) noexcept { return text_of(v); }
std::string_view to_text(ChallengeMethod v) noexcept { return text_of(v); }
std::string_view to_text(ChallengeState v) noexcept { return text_of(v); }
std::string_view to_text(AnswerRoute v) noexcept { return text_of(v); }
std::string_view to_text(PushStatus v) noexcept { return text_of(v); }
std::string_view to_text(SharingStatus v) noexcept { return text_of(v); }

template <class E>
std::optional<E> from_text(std::string_view text) noexcept {
  for (const auto& [value, name] : table(E{}))
    if (name == text) return value;
  return std::nullopt;
}

template std::optional<DeviceStatus> from_text<DeviceStatus>(std::string_view) noexcept;
template std::optional<Access> from_text<Access>(std::string_view) noexcept;
template std::optional<LoginState> from_text<LoginState>(std::string_view) noexcept;
template std::optional<ChallengeMethod> from_text<ChallengeMethod>(std::string_view) noexcept;
template std::optional<ChallengeState> from_text<ChallengeState>(std::string_view) noexcept;
template std::optional<AnswerRoute> from_text<AnswerRoute>(std::string_view) noexcept;
template std::optional<PushStatus> from_text<PushStatus>(std::string_view) noexcept;
template std::optional<SharingStatus> from_text<SharingStatus>(std::string_view) noexcept;

}  // namespace sls::server
