// The data of the security centre (internal): the accounts and sharing requests as read from the server, what is
// shown and the work outstanding. security_centre.cpp moves it on, security_views.cpp renders it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sls/device.hpp"
#include "sls/device_text.hpp"
#include "sls/json.hpp"
#include "sls/result.hpp"
#include "sls/security_centre.hpp"
#include "sls/ui_text.hpp"

namespace sls::security {

/// A sentence of either catalog: the login's (ui_text.def) or the device lifecycle's (device_text.def).
using Text = std::variant<UiText, DeviceText>;
/// The sentence in a language, {0}, {1}, ... filled from `args`.
std::string text_in(const Text& text, Lang lang, std::initializer_list<std::string_view> args = {});

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

// --- devices (issue 12: the device lifecycle and the lost-device path) -----------------------------------------------

/// A device of the user, as GET /devices lists it (contracts: DEVICE).
struct Device {
  std::string id;
  std::optional<DeviceKind> kind;
  std::string kind_id;
  std::string label;
  std::string serial;
  std::string status;  ///< pending, active, revoked
  std::int64_t since = 0;
  std::optional<std::int64_t> expires_at;
  std::string ended_event;  ///< lost, removed, replaced, revoked, expired; empty while not ended
  std::int64_t ended_at = 0;
  bool returnable = false;
  std::string replaces;
  std::string access;  ///< temporary codes: full or account_management
};
std::optional<Device> read_device_item(const JsonValue& v);

/// GET /devices: the devices and the session's step_up_until.
struct DevicesReply {
  std::vector<Device> devices;
  std::optional<std::int64_t> step_up_until;
};
std::optional<DevicesReply> read_devices(std::string_view body);

/// One row of GET /devices/history (contracts: EVENT).
struct DeviceEvent {
  std::string device_id;
  std::optional<DeviceKind> kind;
  std::string kind_id;
  std::string serial;
  std::string event;
  std::string actor;
  std::string detail;
  std::int64_t at = 0;
};
std::optional<std::vector<DeviceEvent>> read_history(std::string_view body);

/// A support phone number of a region.
struct RegionPhone {
  std::string area;
  std::string kind;  ///< toll_free or direct
  std::string number;
  std::string language;
};
struct Region {
  std::string id;
  std::vector<std::string> address;
  std::vector<RegionPhone> phones;
};
/// GET /devices/{id}/return.
struct ReturnInfo {
  Device device;
  std::string advice;   ///< return, destroy, none
  std::string suggest;  ///< mobile_key or empty
  std::string region;
  std::vector<Region> regions;  ///< the user's first
  std::int64_t min_days = 3, max_days = 5;
};
std::optional<ReturnInfo> read_return_info(std::string_view body);

/// POST /devices/online-card: the pending card.
struct OnlineCard {
  Device device;
  std::string serial;
  std::vector<std::string> cells;  ///< cells[i] is index i + 1
  std::int64_t first = 0, second = 0;
  std::string print_url;  ///< a path on the API's origin
};
std::optional<OnlineCard> read_online_card(std::string_view body);

/// A replacement order (contracts: ORDER, the parts shown).
struct Order {
  std::string id;
  std::string status;
  std::string serial;
  std::string estimated_ship_date;
  std::string account_name;
  std::int64_t deposit_cents = 0;
};
std::optional<Order> read_order(std::string_view body);

/// A phone number on record (GET /phones).
struct PhoneOnRecord {
  std::string id;
  std::string masked;
  bool is_default = false;
};
std::optional<std::vector<PhoneOnRecord>> read_phones(std::string_view body);

/// A path the server gave (print_url): absolute on the same origin, plain characters only.
bool is_safe_path(std::string_view path);

/// An error as shown: the catalog's message of `error` in the view's
/// language; when the template needs arguments the reply did not carry,
/// the server's own message (in the language the request asked for).
struct ShownProblem {
  Error error;
  /// A sentence of the UI catalog shown instead of the error (a check made here).
  std::optional<Text> text;
  std::string server_message;
  Lang server_lang = Lang::en;
  /// Shown on the form of the change (the request's content was refused).
  bool on_form = false;
  /// The reply's error code when this build's catalog does not know it (its
  /// message is the server's).
  std::string unknown_code;
};

/// The change in progress.
enum class Change : std::uint8_t {
  none,
  opt_out,
  opt_in,
  share,
  stop_sharing,
  report_lost,     ///< POST /devices/{id}/lost
  remove_device,   ///< DELETE /devices/{id} (fresh)
  replace_device,  ///< POST /devices/{id}/replace {"with": "mobile_key"} (fresh)
  issue_card,      ///< POST /devices/online-card (fresh*)
  activate_card,   ///< POST /devices/{id}/activate
  order,           ///< POST /device-orders (fresh*)
  remove_phone,    ///< DELETE /phones/{id} (fresh)
  add_phone,       ///< POST /phones {"phone"} (fresh*)
};

/// What the main request is.
enum class Pending : std::uint8_t { none, accounts, change, reload, history, return_info };

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

  /// GET /devices and GET /phones (nullopt: that part is hidden).
  std::optional<std::vector<Device>> devices;
  std::optional<std::vector<PhoneOnRecord>> phones;
  std::uint64_t devices_request = 0, phones_request = 0;

  Change change = Change::none;
  std::string device_id;  ///< of a device change, the return page or the lost report
  std::string phone_id;   ///< of remove_phone
  std::string new_phone;  ///< of add_phone
  /// After a lost report: how many other sessions ended, the offers, and
  /// the region's numbers (from GET /devices/{id}/return, when it answered).
  std::int64_t sessions_ended = 0;
  std::vector<std::string> offers;
  std::optional<ReturnInfo> return_info;
  std::uint64_t region_request = 0;
  std::vector<DeviceEvent> history;
  std::optional<OnlineCard> card;
  std::string code1, code2;  ///< the card's codes at its two indices
  std::optional<std::int64_t> card_expires_at;
  std::string pin, pin2;  ///< the replacement's PIN, twice
  std::string deposit_account;
  std::optional<Order> order;
  /// The screen a refused change's error shows on (on_form).
  SecurityScreen form_screen = SecurityScreen::share_form;
  std::string account_id;  ///< of the change
  std::string owner, serial;
  std::string request_id;  ///< of stop_sharing

  std::optional<Text> notice;
  std::vector<std::string> notice_args;
  std::optional<ShownProblem> problem;
  std::optional<Text> announcement;
  /// The announcement was set by the step running (run() keeps it).
  bool announced = false;

  std::uint64_t main_request = 0;
  Pending pending = Pending::none;
  std::uint64_t sharing_request = 0;

  std::vector<Effect> effects;

  std::string id(std::string_view suffix) const { return prefix + "-" + std::string(suffix); }
  const AccountView* find_account(std::string_view account) const;
  const Device* find_device(std::string_view device) const;
};

/// The whole view of a state.
Node render_view(const State& s);
/// The text of a problem in the state's language.
std::string problem_text(const State& s, const ShownProblem& p);

}  // namespace sls::security
