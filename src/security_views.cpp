// The views of the security centre: the view tree of each screen, built from a security::State read only, in its
// language.
#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "security_view.hpp"
#include "sls/messages.hpp"

namespace sls::security {

namespace {

/// The permanent devices, most secure first (SPEC §2; temporary ones and
/// `none` are no device one chooses).
constexpr std::array<DeviceKind, 6> kRanking{DeviceKind::dsc_plus,   DeviceKind::platinum_gold, DeviceKind::dsc,
                                             DeviceKind::mobile_key, DeviceKind::sms,           DeviceKind::code_card};

/// A limit tells a larger amount than another (unlimited is the largest).
bool more_than(const UsdLimit& a, const UsdLimit& b) {
  if (b.is_unlimited()) return false;
  if (a.is_unlimited()) return true;
  return *a.cents() > *b.cents();
}

}  // namespace

Node View::render() const {
  Node root = element("div")
                  .attr("class", "sls-security")
                  .attr("lang", std::string(lang_tag(s.lang)))
                  .attr("part", "root")
                  .attr("data-screen", security_screen_id(s.screen));
  if (s.busy) root.attr("aria-busy", "true");
  Node body;
  switch (s.screen) {
    case SecurityScreen::loading:
      body = std::move(element("section")
                           .attr("part", "screen")
                           .add(title(UiText::sec_title))
                           .add(para(t(UiText::please_wait), "progress")));
      break;
    case SecurityScreen::overview: body = render_overview(); break;
    case SecurityScreen::confirm_opt_out: body = render_confirm(); break;
    case SecurityScreen::step_up: body = render_step_up(); break;
    case SecurityScreen::busy:
      body = std::move(element("section")
                           .attr("part", "screen")
                           .add(title(UiText::sec_busy_title))
                           .add(para(t(UiText::please_wait), "progress")));
      break;
    case SecurityScreen::notice: {
      std::vector<std::string_view> args(s.notice_args.begin(), s.notice_args.end());
      std::string text;
      if (s.notice) {
        text = args.size() >= 2   ? f(*s.notice, {args[0], args[1]})
               : args.size() == 1 ? f(*s.notice, {args[0]})
                                  : t(*s.notice);
      }
      body = std::move(element("section")
                           .attr("part", "screen")
                           .add(title(UiText::sec_notice_title))
                           .add(para(std::move(text), "notice"))
                           .add(back_button()));
      break;
    }
    case SecurityScreen::share_form: body = render_share_form(); break;
    case SecurityScreen::confirm_lost:
      body = render_confirm_device(DeviceText::sec_lost_title, DeviceText::sec_lost_intro,
                                   DeviceText::sec_lost_confirm_button, security_action::confirm_lost);
      break;
    case SecurityScreen::confirm_remove:
      body = render_confirm_device(DeviceText::sec_remove_title, DeviceText::sec_remove_intro,
                                   DeviceText::sec_remove_button, security_action::confirm_remove);
      break;
    case SecurityScreen::confirm_replace: body = render_confirm_replace(); break;
    case SecurityScreen::lost_offers: body = render_lost_offers(); break;
    case SecurityScreen::card: body = s.card ? render_card() : element("section").attr("part", "screen"); break;
    case SecurityScreen::card_activate:
      body = s.card ? render_card_activate() : element("section").attr("part", "screen");
      break;
    case SecurityScreen::card_done: body = render_card_done(); break;
    case SecurityScreen::order_pin: body = render_order_pin(); break;
    case SecurityScreen::order_account: body = render_order_account(); break;
    case SecurityScreen::order_summary: body = render_order_summary(); break;
    case SecurityScreen::order_done: body = render_order_done(); break;
    case SecurityScreen::return_info:
      body = s.return_info ? render_return_info() : element("section").attr("part", "screen");
      break;
    case SecurityScreen::history: body = render_history(); break;
    case SecurityScreen::phone_form: body = render_phone_form(); break;
    case SecurityScreen::error: {
      Node section = element("section").attr("part", "screen");
      section.add(title(UiText::sec_error_title)).add(problem_line());
      if (s.loaded)
        section.add(back_button());
      else
        section.add(element("div")
                        .attr("part", "actions")
                        .add(button(UiText::retry_button, security_action::retry, "button primary", {}, "retry")));
      body = std::move(section);
      break;
    }
  }
  root.add(std::move(body.with_key(std::string(security_screen_id(s.screen)))));
  Node status =
      element("p").attr("id", id("status")).attr("role", "status").attr("aria-live", "polite").attr("part", "status");
  if (s.announcement) status.add_text(t(*s.announcement));
  root.add(std::move(status.with_key("status")));
  return root;
}

Node View::render_overview() const {
  Node section = element("section").attr("part", "screen");
  section.add(title(UiText::sec_title));
  if (s.accounts.empty()) section.add(para(t(UiText::sec_no_accounts)));
  for (const AccountView& a : s.accounts) section.add(render_account(a).with_key("account-" + a.id));
  if (s.devices) section.add(render_devices().with_key("devices"));
  if (s.phones) section.add(render_phones().with_key("phones"));
  section.add(render_ranking().with_key("ranking"));
  if (s.sharing) section.add(render_sharing().with_key("sharing"));
  return section;
}

Node View::render_account(const AccountView& a) const {
  const std::string heading_id = id("account-" + a.id);
  Node box = element("section").attr("part", "account").attr("aria-labelledby", heading_id);
  box.add(
      element("h3").attr("id", heading_id).attr("part", "heading").add_text(f(UiText::sec_account_heading, {a.name})));
  box.add(para(f(UiText::sec_primary_user, {a.primary_user}), "fact"));
  if (a.opted_out)
    box.add(para(t(UiText::sec_setting_opted_out), "fact"));
  else if (a.kind == DeviceKind::none)
    box.add(para(t(UiText::sec_setting_no_device), "fact"));
  else
    box.add(para(f(UiText::sec_setting_device, {kind_name(a.kind, "")}), "fact"));

  // Users and their devices.
  box.add(element("h4").attr("part", "subheading").add_text(t(UiText::sec_users_heading)));
  Node users = element("ul").attr("part", "users");
  for (const UserView& u : a.users) {
    Node li = element("li").attr("part", "user");
    std::string name = u.username;
    // Parentheses in the language's width.
    const std::string_view open = s.lang == Lang::en ? " (" : "（", close = s.lang == Lang::en ? ")" : "）";
    if (u.primary) name += std::string(open) + t(UiText::sec_user_primary) + std::string(close);
    if (u.you) name += std::string(open) + t(UiText::sec_user_you) + std::string(close);
    li.add(element("span").attr("part", "user-name").add_text(name));
    Node devices = element("ul").attr("part", "devices");
    if (u.devices.empty()) devices.add(element("li").attr("part", "device").add_text(t(UiText::sec_no_device)));
    for (const DeviceView& d : u.devices) {
      std::string line = kind_name(d.kind, d.kind_id);
      if (!d.serial.empty()) line += " · " + f(UiText::sec_device_serial, {d.serial});
      line += " · " + status_name(d.status);
      if (d.since > 0) line += " · " + f(UiText::sec_device_since, {date(d.since)});
      if (!d.shared_from.empty()) line += " · " + f(UiText::sec_shared_from, {d.shared_from});
      if (!d.shared_with.empty()) {
        std::string names;
        for (const auto& n : d.shared_with) names += (names.empty() ? "" : ", ") + n;
        line += " · " + f(UiText::sec_shared_with, {names});
      }
      devices.add(element("li").attr("part", "device").add_text(line));
    }
    li.add(std::move(devices));
    users.add(std::move(li.with_key(u.username)));
  }
  box.add(std::move(users));

  box.add(render_limits(a));

  // Restrictions and why.
  box.add(element("h4").attr("part", "subheading").add_text(t(UiText::sec_restrictions_heading)));
  if (a.restrictions.empty()) {
    box.add(para(t(UiText::sec_no_restrictions), "fact"));
  } else {
    Node list = element("ul").attr("part", "restrictions");
    for (const auto& r : a.restrictions) list.add(element("li").add_text(restriction_name(r)));
    box.add(std::move(list));
    box.add(para(t(a.opted_out ? UiText::sec_restriction_why : UiText::sec_restriction_why_no_device), "fact"));
  }

  // What the user may change.
  if (a.may_change) {
    box.add(element("div")
                .attr("part", "actions")
                .add(a.opted_out ? button(UiText::sec_opt_in_button, security_action::opt_in, "button primary", a.id,
                                          "opt-in-" + a.id)
                                 : button(UiText::sec_opt_out_button, security_action::opt_out, "button secondary",
                                          a.id, "opt-out-" + a.id)));
  } else {
    box.add(para(localize(fail(Errc::device_not_primary_user, {a.primary_user}), s.lang), "notice"));
  }
  return box;
}

Node View::render_limits(const AccountView& a) const {
  Node wrap = element("div").attr("part", "limits");
  wrap.add(element("h4").attr("part", "subheading").add_text(t(UiText::sec_limits_heading)));
  Node table = element("table").attr("part", "limit-table");
  Node head = element("tr");
  for (UiText col : {UiText::sec_col_window, UiText::sec_col_limit, UiText::sec_col_used, UiText::sec_col_remaining})
    head.add(element("th").attr("scope", "col").add_text(t(col)));
  table.add(element("thead").add(std::move(head)));
  Node rows = element("tbody");
  auto row = [&](UiText window, const UsdLimit& limit, const std::optional<WindowUsage>& usage) {
    Node tr = element("tr");
    tr.add(element("th").attr("scope", "row").add_text(t(window)));
    tr.add(element("td").add_text(money(limit)));
    tr.add(element("td").add_text(usage ? money_cents(usage->used_cents) : t(UiText::sec_not_known)));
    tr.add(element("td").add_text(usage ? money(usage->remaining) : t(UiText::sec_not_known)));
    rows.add(std::move(tr));
  };
  row(UiText::sec_window_day, a.limits.one_day, a.daily_usage);
  row(UiText::sec_window_five, a.limits.five_day, a.five_day_usage);
  table.add(std::move(rows));
  wrap.add(std::move(table));

  wrap.add(element("h4").attr("part", "subheading").add_text(t(UiText::sec_stronger_heading)));
  Node list = element("ul").attr("part", "stronger");
  for (DeviceKind k : kRanking) {
    if (security_rank(k) <= security_rank(a.kind)) continue;
    const WithdrawalLimits l = withdrawal_limits(k);
    if (!more_than(l.one_day, a.limits.one_day) && !more_than(l.five_day, a.limits.five_day)) continue;
    list.add(element("li").add_text(device_limits(k)));
  }
  if (list.children.empty())
    wrap.add(para(t(UiText::sec_stronger_none), "fact"));
  else
    wrap.add(std::move(list));
  return wrap;
}

Node View::render_ranking() const {
  const std::string heading_id = id("ranking");
  Node box = element("section").attr("part", "ranking").attr("aria-labelledby", heading_id);
  box.add(element("h3").attr("id", heading_id).attr("part", "heading").add_text(t(UiText::sec_ranking_heading)));
  Node list = element("ol").attr("part", "ranking-list");
  for (DeviceKind k : kRanking) list.add(element("li").add_text(device_limits(k)));
  box.add(std::move(list));
  return box;
}

Node View::render_sharing() const {
  const std::string heading_id = id("sharing");
  Node box = element("section").attr("part", "sharing").attr("aria-labelledby", heading_id);
  box.add(element("h3").attr("id", heading_id).attr("part", "heading").add_text(t(UiText::sec_sharing_heading)));
  box.add(para(t(UiText::sec_sharing_intro)));
  if (s.sharing->empty()) {
    box.add(para(t(UiText::sec_sharing_none), "fact"));
  } else {
    Node list = element("ul").attr("part", "share-requests");
    for (const ShareRequest& r : *s.sharing) {
      Node li = element("li").attr("part", "share-request");
      li.add(
          element("span").add_text(f(UiText::sec_share_row, {kind_name(r.kind, ""), r.serial, r.owner, r.requester}) +
                                   " · " + share_status(r.status)));
      if (r.status == "approved" || r.status == "pending")
        li.add(button(UiText::sec_stop_sharing_button, security_action::stop_sharing, "button secondary", r.id,
                      "stop-" + r.id));
      list.add(std::move(li.with_key(r.id)));
    }
    box.add(std::move(list));
  }
  box.add(element("div")
              .attr("part", "actions")
              .add(button(UiText::sec_share_button, security_action::share, "button secondary", {}, "share")));
  return box;
}

Node View::render_confirm() const {
  const AccountView* a = s.find_account(s.account_id);
  const WithdrawalLimits none = withdrawal_limits(DeviceKind::none);
  Node section = element("section").attr("part", "screen");
  section.add(title(UiText::sec_confirm_title));
  section.add(para(f(UiText::sec_confirm_intro, {a ? a->name : s.account_id})));
  Node list = element("ul").attr("part", "consequences");
  list.add(element("li").add_text(f(UiText::sec_confirm_limits, {money(none.one_day), money(none.five_day)})));
  list.add(element("li").add_text(t(UiText::sec_confirm_trading)));
  list.add(element("li").add_text(t(UiText::sec_confirm_users)));
  list.add(element("li").add_text(t(UiText::sec_confirm_back)));
  section.add(std::move(list));
  section.add(
      element("div")
          .attr("part", "actions")
          .add(button(UiText::sec_confirm_button, security_action::confirm_opt_out, "button primary", {}, "confirm"))
          .add(button(UiText::cancel_button, security_action::cancel, "button secondary", {}, "cancel")));
  return section;
}

Node View::render_step_up() const {
  Node section = element("section").attr("part", "screen");
  section.add(title(UiText::sec_step_up_title));
  section.add(para(t(UiText::sec_step_up_intro)));
  // The nested login confirms with the device (<sls-login step-up>); a new
  // key for each visit starts a new step-up login.
  section.add(element("sls-login")
                  .attr("id", id("step-up"))
                  .attr("step-up", "")
                  .attr("lang", std::string(lang_tag(s.lang)))
                  .with_key("step-up-" + std::to_string(s.generation)));
  section.add(element("div")
                  .attr("part", "actions")
                  .add(button(UiText::cancel_button, security_action::cancel, "button secondary", {}, "cancel")));
  return section;
}

Node View::render_share_form() const {
  const bool invalid = s.problem && s.problem->on_form;
  Node form = element("form").attr("id", id("form")).attr("part", "form").attr("novalidate", "");
  form.on("submit", security_action::share_submit);
  auto field = [&](std::string_view name, UiText label, std::string_view action, const std::string& value) {
    Node input = element("input")
                     .attr("id", id(name))
                     .attr("name", name)
                     .attr("type", "text")
                     .attr("autocomplete", "off")
                     .attr("autocapitalize", "none")
                     .attr("spellcheck", "false")
                     .attr("maxlength", "64")
                     .attr("part", "field")
                     .attr("value", value)
                     .on("input", action);
    if (invalid) input.attr("aria-invalid", "true").attr("aria-describedby", id("error"));
    return std::move(element("div")
                         .attr("part", "field-row")
                         .add(element("label").attr("for", id(name)).attr("part", "label").add_text(t(label)))
                         .add(std::move(input)));
  };
  form.add(field("owner", UiText::sec_owner_label, security_action::input_owner, s.owner));
  form.add(field("serial", UiText::sec_serial_label, security_action::input_serial, s.serial));
  if (invalid) form.add(problem_line().with_key("error"));
  form.add(element("div")
               .attr("part", "actions")
               .add(element("button")
                        .attr("type", "submit")
                        .attr("part", "button primary")
                        .add_text(t(UiText::sec_share_submit)))
               .add(button(UiText::cancel_button, security_action::cancel, "button secondary", {}, "cancel")));
  return std::move(element("section")
                       .attr("part", "screen")
                       .add(title(UiText::sec_share_title))
                       .add(para(t(UiText::sec_share_intro)))
                       .add(std::move(form)));
}

std::string usd_number(std::int64_t cents) {
  const std::int64_t dollars = cents / kCentsPerUsd, rest = cents % kCentsPerUsd;
  std::string digits = std::to_string(dollars), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  if (rest != 0) out += (rest < 10 ? ".0" : ".") + std::to_string(rest);
  return out;
}

Node render_view(const State& s) { return View{s}.render(); }

}  // namespace sls::security
