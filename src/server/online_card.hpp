// The online Security Code Card (docs/online-card.md): issued pending by the
// user in the security centre (or by an operator), printed, activated by
// typing the codes at two index numbers chosen when it was issued, valid 21
// days from activation; a pending card that is not activated within 24 hours
// expires. Not installed.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "server/keyring.hpp"
#include "server/records.hpp"
#include "server/store.hpp"
#include "sls/code_card.hpp"
#include "sls/result.hpp"

namespace sls::server {

/// How long an issued card waits for its activation.
inline constexpr std::int64_t kOnlineCardActivationWindow = 24 * 3600;

/// A pending online card as issued: the stored device, the card to print
/// (the only time its codes leave the server outside the printable page)
/// and the two cells its activation asks for.
struct OnlineCardIssue {
  DeviceRecord device;
  std::optional<CodeCard> card;
  CardChallenge activation;
};

/// Issues a pending online card to `user` inside `tx`: the user's earlier
/// online cards that are not yet revoked are revoked ("revoked", a newer
/// online card; "expired" when their time had passed), the card is stored
/// sealed with status pending, expires_at = now + the activation window,
/// and the two activation indices kept as its open question ("i,j") so
/// that they never change; one history row "issued" by `actor`.
[[nodiscard]] Result<OnlineCardIssue> issue_online_card_in(StoreTx& tx, const Keyring& keys, const UserRecord& user,
                                                           std::string_view actor, std::int64_t now);

/// The printable card page's stylesheet (served as a file: the page has no
/// inline style under the strict Content-Security-Policy).
std::string_view online_card_stylesheet() noexcept;

/// Where the page links it.
inline constexpr std::string_view kCardStylesheetPath = "/api/v1/card.css";

}  // namespace sls::server
