// The data of the security centre (internal): the accounts and sharing requests as read from the server, what is
// shown and the work outstanding. security_centre.cpp moves it on, security_views.cpp renders it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sls/device.hpp"
#include "sls/json.hpp"
#include "sls/result.hpp"
#include "sls/security_centre.hpp"
#include "sls/ui_text.hpp"

namespace sls::security {

/// A device of a user, as GET /accounts lists it.
struct DeviceView {
  std::optional<DeviceKind> kind;  ///< nullopt for a kind this build does not know
  std::string kind_id;
  std::string label;
  std::string serial;
  std::string status;  ///< "active", "pending", ...
  std::int64_t since = 0;
  std::string shared_from;               ///< another user shares it with this one
  std::vector<std::string> shared_with;  ///< users it is shared with (approved)
};

struct UserView {
  std::string username;
  bool primary = false;
  bool you = false;
  std::vector<DeviceView> devices;
};

/// What has been used in a window and what remains.
struct WindowUsage {
  std::int64_t used_cents = 0;
  UsdLimit remaining = UsdLimit::unlimited();
};

struct AccountView {
  std::string id;
  std::string name;
  bool opted_out = false;
  std::string primary_user;
  bool may_change = false;
  DeviceKind kind = DeviceKind::none;
  WithdrawalLimits limits{UsdLimit::unlimited(), UsdLimit::unlimited()};
  std::vector<std::string> restrictions;
  std::vector<UserView> users;
  std::optional<WindowUsage> daily_usage, five_day_usage;
  std::string market;
};

/// A sharing request (contracts: REQUEST).
struct ShareRequest {
  std::string id;
  std::string owner;
  std::string requester;
  std::optional<DeviceKind> kind;
  std::string serial;
  std::string status;  ///< approved, pending, rejected, ended
  std::int64_t created_at = 0;
};

/// The accounts of a GET /accounts reply body, and its step_up_until.
struct AccountsReply {
  std::vector<AccountView> accounts;
  std::optional<std::int64_t> step_up_until;
};
std::optional<AccountsReply> read_accounts(std::string_view body);
/// The requests of a GET /sharing reply body.
std::optional<std::vector<ShareRequest>> read_share_requests(std::string_view body);
std::optional<ShareRequest> read_share_request(const JsonValue& v);

/// An error as shown: the catalog's message of `error` in the view's
/// language; when the template needs arguments the reply did not carry,
/// the server's own message (in the language the request asked for).
struct ShownProblem {
  Error error;
  /// A sentence of the UI catalog shown instead of the error (a check made here).
  std::optional<UiText> text;
  std::string server_message;
  Lang server_lang = Lang::en;
  /// Shown on the share form (the request's content was refused).
  bool on_form = false;
};

/// The change in progress.
enum class Change : std::uint8_t { none, opt_out, opt_in, share, stop_sharing };

/// What the main request is.
enum class Pending : std::uint8_t { none, accounts, change, reload };

struct State {
  Lang lang = Lang::en;
  std::string prefix = "sls-security";
  std::int64_t now = 0;
  std::uint64_t next_id = 1;

  SecurityScreen screen = SecurityScreen::loading;
  bool busy = false;
  bool screen_changed = false;
  std::uint64_t generation = 0;

  std::vector<AccountView> accounts;
  bool loaded = false;
  std::optional<std::int64_t> step_up_until;  ///< seconds
  /// nullopt: no sharing part (GET /sharing failed or is not there).
  std::optional<std::vector<ShareRequest>> sharing;

  Change change = Change::none;
  std::string account_id;  ///< of the change
  std::string owner, serial;
  std::string request_id;  ///< of stop_sharing

  std::optional<UiText> notice;
  std::vector<std::string> notice_args;
  std::optional<ShownProblem> problem;
  std::optional<UiText> announcement;

  std::uint64_t main_request = 0;
  Pending pending = Pending::none;
  std::uint64_t sharing_request = 0;

  std::vector<Effect> effects;

  std::string id(std::string_view suffix) const { return prefix + "-" + std::string(suffix); }
  const AccountView* find_account(std::string_view account) const;
};

/// The whole view of a state.
Node render_view(const State& s);
/// The text of a problem in the state's language.
std::string problem_text(const State& s, const ShownProblem& p);

}  // namespace sls::security
