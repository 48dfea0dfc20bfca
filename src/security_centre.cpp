// The security centre's state machine: how each user event and server reply moves the State on, the effects it
// queues for the shell, and the reading of the server's replies.
#include "sls/security_centre.hpp"

#include <algorithm>
#include <utility>

#include "login_wire.hpp"
#include "security_machine.hpp"
#include "sls/messages.hpp"

namespace sls {

std::string_view security_screen_id(SecurityScreen screen) noexcept {
  switch (screen) {
    case SecurityScreen::loading: return "loading";
    case SecurityScreen::overview: return "overview";
    case SecurityScreen::confirm_opt_out: return "confirm_opt_out";
    case SecurityScreen::step_up: return "step_up";
    case SecurityScreen::busy: return "busy";
    case SecurityScreen::notice: return "notice";
    case SecurityScreen::share_form: return "share_form";
    case SecurityScreen::error: return "error";
    case SecurityScreen::confirm_lost: return "confirm_lost";
    case SecurityScreen::lost_offers: return "lost_offers";
    case SecurityScreen::confirm_remove: return "confirm_remove";
    case SecurityScreen::confirm_replace: return "confirm_replace";
    case SecurityScreen::card: return "card";
    case SecurityScreen::card_activate: return "card_activate";
    case SecurityScreen::card_done: return "card_done";
    case SecurityScreen::order_pin: return "order_pin";
    case SecurityScreen::order_account: return "order_account";
    case SecurityScreen::order_summary: return "order_summary";
    case SecurityScreen::order_done: return "order_done";
    case SecurityScreen::return_info: return "return_info";
    case SecurityScreen::history: return "history";
    case SecurityScreen::phone_form: return "phone_form";
  }
  return "overview";
}

namespace security {

namespace {

std::string sanitize_prefix(std::string_view p) {
  std::string out;
  for (char c : p) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    out += ok ? c : '-';
  }
  return out.empty() ? std::string("sls-security") : out;
}

std::optional<UsdLimit> read_limit(const JsonValue* v) {
  if (!v || !v->is_object()) return std::nullopt;
  if (v->get_bool("unlimited").value_or(false)) return UsdLimit::unlimited();
  auto cents = v->get_int("cents");
  if (!cents) return std::nullopt;
  return UsdLimit::of_cents(*cents);
}

std::optional<WindowUsage> read_window(const JsonValue* v) {
  if (!v || !v->is_object()) return std::nullopt;
  auto used = v->get_int("used_cents");
  auto remaining = read_limit(v->find("remaining"));
  if (!used || !remaining) return std::nullopt;
  return WindowUsage{*used, *remaining};
}

DeviceView read_device(const JsonValue& d) {
  DeviceView out;
  out.kind_id = str(d, "kind");
  out.kind = kind_of(out.kind_id);
  out.label = str(d, "label");
  out.serial = str(d, "serial");
  out.status = str(d, "status");
  out.since = d.get_int("since").value_or(0);
  out.shared_from = str(d, "shared_from");
  if (const auto* with = d.find("shared_with"); with && with->is_array())
    for (const auto& u : *with->as_array())
      if (const auto* name = u.as_string()) out.shared_with.push_back(*name);
  return out;
}

std::optional<AccountView> read_account(const JsonValue& a) {
  AccountView out;
  out.id = str(a, "id");
  if (!flow::is_url_safe_id(out.id)) return std::nullopt;
  out.name = str(a, "name");
  out.opted_out = a.get_bool("opted_out").value_or(false);
  out.primary_user = str(a, "primary_user");
  out.may_change = a.get_bool("may_change_security").value_or(false);
  out.kind = kind_of(str(a, "device_kind")).value_or(DeviceKind::none);
  const JsonValue* limits = a.find("limits");
  auto daily = read_limit(limits ? limits->find("daily") : nullptr);
  auto five = read_limit(limits ? limits->find("five_day") : nullptr);
  out.limits = daily && five ? WithdrawalLimits{*daily, *five} : withdrawal_limits(out.kind);
  if (const auto* r = a.find("restrictions"); r && r->is_array())
    for (const auto& item : *r->as_array())
      if (const auto* name = item.as_string()) out.restrictions.push_back(*name);
  if (const auto* users = a.find("users"); users && users->is_array()) {
    for (const auto& u : *users->as_array()) {
      UserView user;
      user.username = str(u, "username");
      user.primary = u.get_bool("primary").value_or(false);
      user.you = u.get_bool("you").value_or(false);
      if (const auto* devices = u.find("devices"); devices && devices->is_array())
        for (const auto& d : *devices->as_array()) user.devices.push_back(read_device(d));
      out.users.push_back(std::move(user));
    }
  }
  if (const auto* usage = a.find("usage"); usage && usage->is_object()) {
    out.daily_usage = read_window(usage->find("daily"));
    out.five_day_usage = read_window(usage->find("five_day"));
    out.market = str(*usage, "market");
  }
  return out;
}

}  // namespace

std::optional<AccountsReply> read_accounts(std::string_view body) {
  auto parsed = json_parse(body, kMaxReply);
  if (!parsed) return std::nullopt;
  const auto* list = parsed->find("accounts");
  if (!list || !list->is_array()) return std::nullopt;
  AccountsReply out;
  for (const auto& a : *list->as_array())
    if (auto account = read_account(a)) out.accounts.push_back(std::move(*account));
  out.step_up_until = parsed->get_int("step_up_until");
  return out;
}

std::optional<ShareRequest> read_share_request(const JsonValue& v) {
  ShareRequest r;
  r.id = str(v, "id");
  if (!flow::is_url_safe_id(r.id)) return std::nullopt;
  r.owner = str(v, "owner");
  r.requester = str(v, "requester");
  r.kind = kind_of(str(v, "device_kind"));
  r.serial = str(v, "serial");
  r.status = str(v, "status");
  r.created_at = v.get_int("created_at").value_or(0);
  return r;
}

std::optional<std::vector<ShareRequest>> read_share_requests(std::string_view body) {
  auto parsed = json_parse(body, kMaxReply);
  if (!parsed) return std::nullopt;
  const auto* list = parsed->find("requests");
  if (!list || !list->is_array()) return std::nullopt;
  std::vector<ShareRequest> out;
  for (const auto& item : *list->as_array())
    if (auto r = read_share_request(item)) out.push_back(std::move(*r));
  return out;
}

std::optional<DeviceKind> kind_of(std::string_view id) {
  auto k = parse_device_kind(id);
  if (!k) return std::nullopt;
  return *k;
}

std::string text_in(const Text& text, Lang lang, std::initializer_list<std::string_view> args) {
  if (const auto* ui = std::get_if<UiText>(&text)) return ui_format(*ui, lang, args);
  return device_format(std::get<DeviceText>(text), lang, args);
}

const AccountView* State::find_account(std::string_view account) const {
  for (const auto& a : accounts)
    if (a.id == account) return &a;
  return nullptr;
}

std::string problem_text(const State& s, const ShownProblem& p) {
  if (p.text) return text_in(*p.text, s.lang);
  if (!p.unknown_code.empty() && !p.server_message.empty()) return p.server_message;
  const std::string_view tmpl = message_template(p.error.code, s.lang);
  const bool needs_args = tmpl.find("{0}") != std::string_view::npos;
  if (needs_args && p.error.args.empty() && !p.server_message.empty()) return p.server_message;
  return localize(p.error, s.lang);
}

/// The machine: State plus the steps.
void Machine::load(Pending kind) {
  s.main_request = http("GET", "/accounts");
  s.pending = kind;
  s.busy = true;
  if (s.sharing_request == 0) s.sharing_request = http("GET", "/sharing");
  load_devices();
}

void Machine::to_problem(ShownProblem p, bool report) {
  if (report) {
    JsonValue d;
    d.set("code", p.unknown_code.empty() ? std::string(errc_name(p.error.code)) : p.unknown_code)
        .set("message", problem_text(s, p));
    emit("error", std::move(d));
  }
  s.problem = std::move(p);
  if (s.problem->on_form) {
    go(s.form_screen);
    focus("error");
  } else {
    go(SecurityScreen::error);
    focus("title");
  }
}

ShownProblem Machine::problem_of(const HttpReply& r) {
  ShownProblem p;
  const flow::ReplyVerdict v = flow::classify_reply(r);
  p.error.code = v.kind == flow::ReplyClass::unreachable ? Errc::network_failed : v.code_or(Errc::internal);
  if (auto parsed = json_parse(r.body, kMaxReply)) {
    if (const auto* err = parsed->find("error")) {
      p.server_message = str(*err, "message");
      // A code this build's catalog does not know yet: the server's own words.
      if (!v.code && v.kind != flow::ReplyClass::unreachable) p.unknown_code = str(*err, "code");
    }
  }
  p.server_lang = s.lang;
  return p;
}

/// The first user of the account without a usable permanent device (the
/// one account.no_device names).
std::string Machine::user_without_device(std::string_view account) const {
  if (const AccountView* a = s.find_account(account)) {
    for (const auto& u : a->users) {
      const bool has = std::any_of(u.devices.begin(), u.devices.end(), [](const DeviceView& d) {
        return d.status == "active" && d.kind && !is_temporary(*d.kind) && *d.kind != DeviceKind::none;
      });
      if (!has) return u.username;
    }
  }
  return {};
}

void Machine::send_change() {
  switch (s.change) {
    case Change::opt_out:
      s.main_request = http("POST", "/accounts/" + s.account_id + "/opt-out", SecretString(std::string("{}")));
      break;
    case Change::opt_in:
      s.main_request = http("POST", "/accounts/" + s.account_id + "/opt-in", SecretString(std::string("{}")));
      break;
    case Change::share:
      s.main_request = http("POST", "/sharing", flow::json_object_body({{"owner", s.owner}, {"serial", s.serial}}));
      break;
    case Change::stop_sharing: s.main_request = http("DELETE", "/sharing/" + s.request_id); break;
    case Change::none: return;
    default: send_device_change(); break;
  }
  s.pending = Pending::change;
  s.problem.reset();
  go(SecurityScreen::busy);
  s.busy = true;
  s.announcement = UiText::checking;
  focus("title");
}

/// A weakening change: at once when the session's second factor is fresh,
/// else after the step-up login.
void Machine::weakening_change() {
  if (step_up_fresh()) {
    send_change();
    return;
  }
  go(SecurityScreen::step_up);
  focus("title");
}

void Machine::to_overview() {
  s.pin.clear();
  s.pin2.clear();
  s.problem.reset();
  s.notice.reset();
  s.change = Change::none;
  go(SecurityScreen::overview);
  focus("title");
}

// --- events ----------------------------------------------------------------------------------------------------
void Machine::on_event(UserEvent& ev) {
  const std::string_view a = ev.action;
  if (on_device_event(ev)) return;
  if (a == security_action::opt_out || a == security_action::opt_in) {
    if (s.screen != SecurityScreen::overview || s.busy) return;
    const AccountView* account = s.find_account(ev.value);
    if (!account || !account->may_change) return;
    s.account_id = account->id;
    if (a == security_action::opt_out) {
      if (account->opted_out) return;
      s.change = Change::opt_out;
      go(SecurityScreen::confirm_opt_out);
      focus("title");
    } else {
      if (!account->opted_out) return;
      s.change = Change::opt_in;
      send_change();
    }
  } else if (a == security_action::confirm_opt_out) {
    if (s.screen != SecurityScreen::confirm_opt_out) return;
    weakening_change();
  } else if (a == security_action::cancel) {
    if (s.screen != SecurityScreen::confirm_opt_out && s.screen != SecurityScreen::step_up &&
        s.screen != SecurityScreen::share_form)
      return;
    to_overview();
  } else if (a == security_action::back) {
    if (s.screen != SecurityScreen::notice && s.screen != SecurityScreen::error) return;
    if (!s.loaded) return on_retry();
    to_overview();
  } else if (a == security_action::retry) {
    if (s.screen != SecurityScreen::error) return;
    on_retry();
  } else if (a == security_action::step_up_done) {
    if (s.screen != SecurityScreen::step_up) return;
    if (auto parsed = json_parse(ev.value)) {
      if (auto until = parsed->get_int("step_up_until")) s.step_up_until = *until;
    }
    // The server checks the window again; a stale step_up_until only
    // costs one more refusal.
    if (!step_up_fresh()) s.step_up_until = s.now / 1000 + 1;
    send_change();
  } else if (a == security_action::share) {
    if (s.screen != SecurityScreen::overview || s.busy || !s.sharing) return;
    s.owner.clear();
    s.serial.clear();
    s.problem.reset();
    s.change = Change::share;
    go(SecurityScreen::share_form);
    focus("owner");
  } else if (a == security_action::input_owner || a == security_action::input_serial) {
    if (s.screen != SecurityScreen::share_form) return;
    (a == security_action::input_owner ? s.owner : s.serial) = ev.value.substr(0, 64);
  } else if (a == security_action::share_submit) {
    if (s.screen != SecurityScreen::share_form || s.busy) return;
    if (s.owner.empty() || s.serial.empty()) {
      ShownProblem p;
      p.error = fail(Errc::bad_argument);
      p.text = UiText::sec_fields_required;
      p.on_form = true;
      s.problem = std::move(p);
      focus("error");
      return;
    }
    s.change = Change::share;
    weakening_change();
  } else if (a == security_action::stop_sharing) {
    if (s.screen != SecurityScreen::overview || s.busy || !s.sharing) return;
    const bool known = std::any_of(s.sharing->begin(), s.sharing->end(), [&](const ShareRequest& r) {
      return r.id == ev.value && (r.status == "approved" || r.status == "pending");
    });
    if (!known) return;
    s.request_id = ev.value;
    s.change = Change::stop_sharing;
    send_change();
  }
}

void Machine::on_retry() {
  s.problem.reset();
  s.change = Change::none;
  go(SecurityScreen::loading);
  load(Pending::accounts);
}

// --- replies ---------------------------------------------------------------------------------------------------
void Machine::on_reply(const HttpReply& r) {
  if (r.request_id == 0) return;
  if (on_side_reply(r)) return;
  if (r.request_id == s.sharing_request) {
    s.sharing_request = 0;
    if (r.status == 200) {
      s.sharing = read_share_requests(r.body);
    } else {
      s.sharing.reset();  // not there (404), refused or unreachable: the part is hidden
    }
    return;
  }
  if (r.request_id != s.main_request) return;
  s.main_request = 0;
  const Pending kind = std::exchange(s.pending, Pending::none);
  if (kind == Pending::change) return on_change_reply(r);
  if (kind == Pending::history || kind == Pending::return_info) return on_page_reply(r, kind);
  on_accounts_reply(r, kind);
}

void Machine::on_accounts_reply(const HttpReply& r, Pending kind) {
  if (r.status == 200) {
    if (auto reply = read_accounts(r.body)) {
      s.accounts = std::move(reply->accounts);
      s.step_up_until = reply->step_up_until;
      s.loaded = true;
      if (kind == Pending::reload && s.notice) {
        go(SecurityScreen::notice);
        s.announcement = *s.notice;
        focus("title");
        JsonValue d;
        d.set("change", change_id(s.change)).set("account", s.account_id);
        emit("changed", std::move(d));
        return;
      }
      go(SecurityScreen::overview);
      return;
    }
  }
  ShownProblem p =
      r.status == 200 ? ShownProblem{fail(Errc::internal), std::nullopt, {}, s.lang, false, {}} : problem_of(r);
  s.loaded = false;
  to_problem(std::move(p));
}

std::string_view Machine::change_id(Change c) {
  switch (c) {
    case Change::opt_out: return "opt_out";
    case Change::opt_in: return "opt_in";
    case Change::share: return "share";
    case Change::stop_sharing: return "stop_sharing";
    case Change::report_lost: return "report_lost";
    case Change::remove_device: return "remove_device";
    case Change::replace_device: return "replace_device";
    case Change::issue_card: return "issue_card";
    case Change::activate_card: return "activate_card";
    case Change::order: return "order";
    case Change::remove_phone: return "remove_phone";
    case Change::add_phone: return "add_phone";
    case Change::none: break;
  }
  return "none";
}

void Machine::on_change_reply(const HttpReply& r) {
  if (on_device_change_reply(r)) return;
  const bool ok = r.status >= 200 && r.status < 300;
  if (ok) {
    s.notice_args.clear();
    switch (s.change) {
      case Change::opt_out: s.notice = UiText::sec_opted_out_notice; break;
      case Change::opt_in: s.notice = UiText::sec_opted_in_notice; break;
      case Change::share: {
        std::optional<ShareRequest> req;
        if (auto parsed = json_parse(r.body, kMaxReply))
          if (const auto* v = parsed->find("request")) req = read_share_request(*v);
        s.notice = req && req->status == "pending" ? UiText::sec_share_pending : UiText::sec_share_approved;
        s.notice_args = {s.serial, s.owner};
        break;
      }
      case Change::stop_sharing: s.notice = UiText::sec_share_stopped; break;
      default: break;  // the device changes: on_device_change_reply
    }
    // The account, its limits and its sessions changed: read everything again.
    s.sharing_request = 0;
    load(Pending::reload);
    return;
  }
  ShownProblem p = problem_of(r);
  if (p.error.code == Errc::account_step_up_required) {
    s.step_up_until.reset();
    go(SecurityScreen::step_up);
    focus("title");
    return;
  }
  if (p.error.code == Errc::account_no_device) {
    if (std::string who = user_without_device(s.account_id); !who.empty()) p.error.args = {who};
  } else if (p.error.code == Errc::device_not_primary_user) {
    if (const AccountView* a = s.find_account(s.account_id)) p.error.args = {a->primary_user};
  }
  // A refusal of what a form sent shows on that form.
  switch (s.change) {
    case Change::share: s.form_screen = SecurityScreen::share_form; break;
    case Change::activate_card: s.form_screen = SecurityScreen::card_activate; break;
    case Change::order: s.form_screen = SecurityScreen::order_summary; break;
    case Change::add_phone: s.form_screen = SecurityScreen::phone_form; break;
    default: break;
  }
  const bool form = s.change == Change::share || s.change == Change::activate_card || s.change == Change::order ||
                    s.change == Change::add_phone;
  p.on_form = form && r.status >= 400 && r.status < 500 && r.status != 401;
  to_problem(std::move(p));
}

void Machine::emit_state() {
  JsonValue d;
  d.set("screen", security_screen_id(s.screen)).set("busy", s.busy);
  emit("state", std::move(d));
}

}  // namespace security

struct SecurityCentre::State : security::State {};

SecurityCentre::SecurityCentre() : s_(std::make_unique<State>()) {}
SecurityCentre::~SecurityCentre() = default;
SecurityCentre::SecurityCentre(SecurityCentre&&) noexcept = default;
SecurityCentre& SecurityCentre::operator=(SecurityCentre&&) noexcept = default;

LoginOutput SecurityCentre::start(SecurityConfig config) {
  const std::uint64_t next_id = s_->next_id;  // ids never repeat across starts
  *s_ = State{};
  auto& s = *s_;
  s.next_id = next_id;
  s.lang = config.lang;
  s.prefix = security::sanitize_prefix(config.id_prefix);
  s.now = config.now_ms;
  security::Machine m{s};
  m.go(SecurityScreen::loading);
  m.load(security::Pending::accounts);
  m.emit_state();
  return m.take();
}

LoginOutput SecurityCentre::on_event(UserEvent event) {
  security::Machine m{*s_};
  return m.run(event.now_ms, [&] { m.on_event(event); });
}

LoginOutput SecurityCentre::on_reply(HttpReply reply) {
  security::Machine m{*s_};
  return m.run(reply.now_ms, [&] { m.on_reply(reply); });
}

LoginOutput SecurityCentre::set_lang(Lang lang, std::int64_t now_ms) {
  security::Machine m{*s_};
  return m.run(now_ms, [&] { s_->lang = lang; });
}

SecurityScreen SecurityCentre::screen() const noexcept { return s_->screen; }
bool SecurityCentre::busy() const noexcept { return s_->busy; }
Lang SecurityCentre::lang() const noexcept { return s_->lang; }
Node SecurityCentre::view() const { return security::render_view(*s_); }

}  // namespace sls
