// The views of the security centre's device lifecycle (issue 12): the devices and phones parts of the overview, the
// lost-device path (confirmation, the offers in order), removing and replacing a device, the online card (the card,
// its activation, the confirmation), the replacement DSC+ order (PIN, deposit account, summary, confirmation), the
// return page and the history.
#include <string>
#include <utility>

#include "security_view.hpp"
#include "sls/messages.hpp"

namespace sls::security {

namespace {

/// The DSC+'s deposit (contracts: DEPOSIT.cents), shown before the order exists.
constexpr std::int64_t kDepositCents = 2000;

bool is_card(const std::optional<DeviceKind>& k) {
  return k && (*k == DeviceKind::code_card || *k == DeviceKind::online_card);
}

bool is_permanent(const std::optional<DeviceKind>& k) {
  return k && *k != DeviceKind::none && *k != DeviceKind::temp_code && *k != DeviceKind::online_card;
}

std::optional<DeviceText> ended_text(std::string_view event) {
  if (event == "lost") return DeviceText::sec_ended_lost;
  if (event == "removed") return DeviceText::sec_ended_removed;
  if (event == "replaced") return DeviceText::sec_ended_replaced;
  if (event == "expired") return DeviceText::sec_ended_expired;
  if (event.empty()) return std::nullopt;
  return DeviceText::sec_ended_revoked;
}

/// A name the server sends (an event, a region, a language tag) and its text.
struct NamedText {
  std::string_view name;
  DeviceText text;
};

template <std::size_t N>
std::optional<DeviceText> text_named(const NamedText (&table)[N], std::string_view name) {
  for (const NamedText& t : table)
    if (t.name == name) return t.text;
  return std::nullopt;
}

constexpr NamedText kEventTexts[] = {
    {"issued", DeviceText::sec_event_issued},     {"activated", DeviceText::sec_event_activated},
    {"shared", DeviceText::sec_event_shared},     {"unshared", DeviceText::sec_event_unshared},
    {"lost", DeviceText::sec_event_lost},         {"removed", DeviceText::sec_event_removed},
    {"replaced", DeviceText::sec_event_replaced}, {"revoked", DeviceText::sec_event_revoked},
    {"expired", DeviceText::sec_event_expired},   {"ordered", DeviceText::sec_event_ordered},
    {"shipped", DeviceText::sec_event_shipped},   {"returned", DeviceText::sec_event_returned},
};

constexpr NamedText kRegionTexts[] = {
    {"americas", DeviceText::sec_region_americas}, {"europe", DeviceText::sec_region_europe},
    {"asia", DeviceText::sec_region_asia},         {"australia", DeviceText::sec_region_australia},
    {"japan", DeviceText::sec_region_japan},
};

/// The languages a support line speaks (language tags of the server).
constexpr NamedText kLanguageTexts[] = {
    {"en", DeviceText::sec_lang_en},   {"ja", DeviceText::sec_lang_ja},   {"ru", DeviceText::sec_lang_ru},
    {"yue", DeviceText::sec_lang_yue}, {"cmn", DeviceText::sec_lang_cmn},
};

std::optional<DeviceText> event_text(std::string_view event) { return text_named(kEventTexts, event); }
std::optional<DeviceText> region_text(std::string_view region) { return text_named(kRegionTexts, region); }
std::optional<DeviceText> language_text(std::string_view tag) { return text_named(kLanguageTexts, tag); }

}  // namespace

std::string View::device_name(const Device& d) const {
  std::string name = kind_name(d.kind, d.kind_id);
  if (!d.serial.empty()) name += " · " + f(UiText::sec_device_serial, {d.serial});
  return name;
}

Node View::text_field(std::string_view name, std::string label, std::string_view action, const std::string& value,
                      std::string_view type, std::string_view maxlength, std::string_view inputmode) const {
  const bool invalid = s.problem && s.problem->on_form;
  Node input = element("input")
                   .attr("id", id(name))
                   .attr("name", name)
                   .attr("type", type)
                   .attr("autocomplete", type == "password" ? "new-password"
                                         : type == "tel"    ? "tel"
                                                            : "off")
                   .attr("autocapitalize", "characters")
                   .attr("spellcheck", "false")
                   .attr("maxlength", maxlength)
                   .attr("part", "field code")
                   .attr("value", value)
                   .on("input", action);
  if (!inputmode.empty()) input.attr("inputmode", inputmode);
  if (invalid) input.attr("aria-invalid", "true").attr("aria-describedby", id("error"));
  return std::move(element("div")
                       .attr("part", "field-row")
                       .add(element("label").attr("for", id(name)).attr("part", "label").add_text(std::move(label)))
                       .add(std::move(input)));
}

// --- the overview's parts ------------------------------------------------------------------------------------------

Node View::render_device_row(const Device& d) const {
  const std::string line_id = id("device-" + d.id);
  std::string line = device_name(d);
  if (auto ended = ended_text(d.ended_event)) {
    line += " · " + f(*ended, {date(d.ended_at)});
  } else {
    line += " · " + status_name(d.status);
    if (d.since > 0) line += " · " + f(UiText::sec_device_since, {date(d.since)});
    if (d.expires_at)
      line += " · " + f(d.status == "pending" ? DeviceText::sec_activate_until : DeviceText::sec_valid_until,
                        {date(*d.expires_at)});
  }
  if (d.access == "account_management") line += " · " + t(DeviceText::sec_access_management);
  if (d.access == "full") line += " · " + t(DeviceText::sec_access_full);
  if (!d.replaces.empty()) {
    if (const Device* old = s.find_device(d.replaces)) line += " · " + f(DeviceText::sec_replaces, {device_name(*old)});
  }
  Node li = element("li").attr("part", "device");
  li.add(element("span").attr("id", line_id).attr("part", "device-line").add_text(line));
  Node actions = element("div").attr("part", "actions");
  auto action = [&](DeviceText label, std::string_view name, std::string_view suffix) {
    actions.add(button(label, name, "button secondary", d.id, std::string(suffix) + "-" + d.id)
                    .attr("aria-describedby", line_id));
  };
  const bool ended = !d.ended_event.empty() || d.status == "revoked";
  if (!ended) {
    action(DeviceText::sec_report_lost_button, security_action::report_lost, "lost");
    if (d.status == "active" && is_permanent(d.kind))
      action(DeviceText::sec_replace_button, security_action::replace_device, "replace");
    action(DeviceText::sec_remove_button, security_action::remove_device, "remove");
  }
  if ((d.returnable || is_card(d.kind)) && d.ended_event != "lost")
    action(is_card(d.kind) ? DeviceText::sec_dispose_button : DeviceText::sec_return_button,
           security_action::show_return, "return");
  if (!actions.children.empty()) li.add(std::move(actions));
  return li;
}

Node View::render_devices() const {
  const std::string heading_id = id("devices");
  Node box = element("section").attr("part", "devices box").attr("aria-labelledby", heading_id);
  box.add(element("h3").attr("id", heading_id).attr("part", "heading").add_text(t(DeviceText::sec_devices_heading)));
  if (s.devices->empty()) {
    box.add(para(t(DeviceText::sec_devices_none), "fact"));
  } else {
    Node list = element("ul").attr("part", "device-list");
    for (const Device& d : *s.devices) list.add(render_device_row(d).with_key(d.id));
    box.add(std::move(list));
  }
  box.add(
      element("div")
          .attr("part", "actions")
          .add(button(DeviceText::sec_history_button, security_action::show_history, "button secondary", {}, "history"))
          .add(button(DeviceText::sec_issue_card_button, security_action::issue_card, "button secondary", {},
                      "issue-card"))
          .add(button(DeviceText::sec_order_button, security_action::order_start, "button secondary", {}, "order")));
  return box;
}

Node View::render_phones() const {
  const std::string heading_id = id("phones");
  Node box = element("section").attr("part", "phones box").attr("aria-labelledby", heading_id);
  box.add(element("h3").attr("id", heading_id).attr("part", "heading").add_text(t(DeviceText::sec_phones_heading)));
  box.add(para(t(DeviceText::sec_phones_intro)));
  Node add = element("div")
                 .attr("part", "actions")
                 .add(button(DeviceText::sec_phone_add_button, security_action::add_phone, "button secondary", {},
                             "add-phone"));
  if (s.phones->empty()) {
    box.add(para(t(DeviceText::sec_phones_none), "fact"));
    box.add(std::move(add));
    return box;
  }
  Node list = element("ul").attr("part", "phone-list");
  for (const PhoneOnRecord& p : *s.phones) {
    const std::string line_id = id("phone-" + p.id);
    std::string line = p.masked;
    if (p.is_default) line += " · " + t(DeviceText::sec_phone_default);
    list.add(element("li")
                 .attr("part", "phone")
                 .add(element("span").attr("id", line_id).add_text(line))
                 .add(button(DeviceText::sec_remove_button, security_action::remove_phone, "button secondary", p.id,
                             "remove-phone-" + p.id)
                          .attr("aria-describedby", line_id))
                 .with_key(p.id));
  }
  box.add(std::move(list));
  box.add(std::move(add));
  return box;
}

Node View::render_phone_form() const {
  Node form = element("form").attr("id", id("form")).attr("part", "form").attr("novalidate", "");
  form.on("submit", security_action::phone_submit);
  Node row =
      text_field("phone", t(DeviceText::sec_phone_label), security_action::input_phone, s.new_phone, "tel", "32", {});
  form.add(std::move(row));
  if (s.problem && s.problem->on_form) form.add(problem_line().with_key("error"));
  form.add(element("div")
               .attr("part", "actions")
               .add(element("button")
                        .attr("type", "submit")
                        .attr("part", "button primary")
                        .add_text(t(DeviceText::sec_phone_submit)))
               .add(button(UiText::cancel_button, security_action::cancel, "button secondary", {}, "cancel")));
  return std::move(element("section")
                       .attr("part", "screen")
                       .add(title(DeviceText::sec_phone_add_button))
                       .add(para(t(DeviceText::sec_phone_intro)))
                       .add(std::move(form)));
}

// --- lost, remove, replace -----------------------------------------------------------------------------------------

Node View::render_confirm_device(DeviceText heading, DeviceText intro, DeviceText confirm,
                                 std::string_view action) const {
  const Device* d = s.find_device(s.device_id);
  Node section = element("section").attr("part", "screen");
  section.add(title(heading));
  section.add(para(f(intro, {d ? device_name(*d) : s.device_id})));
  if (heading == DeviceText::sec_lost_title) {
    Node list = element("ul").attr("part", "consequences");
    list.add(element("li").add_text(t(DeviceText::sec_lost_stops)));
    list.add(element("li").add_text(t(DeviceText::sec_lost_sessions)));
    list.add(element("li").add_text(t(DeviceText::sec_lost_next)));
    section.add(std::move(list));
  }
  section.add(element("div")
                  .attr("part", "actions")
                  .add(button(confirm, action, "button primary", {}, "confirm"))
                  .add(button(UiText::cancel_button, security_action::cancel, "button secondary", {}, "cancel")));
  return section;
}

Node View::render_confirm_replace() const {
  const Device* d = s.find_device(s.device_id);
  Node section = element("section").attr("part", "screen");
  section.add(title(DeviceText::sec_replace_title));
  section.add(para(f(DeviceText::sec_replace_intro, {d ? device_name(*d) : s.device_id})));
  section.add(para(t(DeviceText::sec_replace_mobile_key_text), "fact"));
  section.add(para(f(DeviceText::sec_replace_dsc_plus_text, {money_cents(kDepositCents)}), "fact"));
  section.add(
      element("div")
          .attr("part", "actions")
          .add(button(DeviceText::sec_replace_mobile_key_button, security_action::replace_mobile_key, "button primary",
                      {}, "replace-mobile-key"))
          .add(button(DeviceText::sec_order_button, security_action::order_start, "button secondary", {}, "order"))
          .add(button(UiText::cancel_button, security_action::cancel, "button secondary", {}, "cancel")));
  return section;
}

Node View::render_lost_offers() const {
  const Device* d = s.find_device(s.device_id);
  Node section = element("section").attr("part", "screen");
  section.add(title(DeviceText::sec_lost_done));
  section.add(para(f(DeviceText::sec_lost_revoked, {d ? device_name(*d) : s.device_id})));
  if (s.sessions_ended == 1)
    section.add(para(t(DeviceText::sec_sessions_ended_one), "fact"));
  else if (s.sessions_ended > 1)
    section.add(para(f(DeviceText::sec_sessions_ended, {std::to_string(s.sessions_ended)}), "fact"));
  section.add(element("h3").attr("part", "heading").add_text(t(DeviceText::sec_offers_heading)));
  Node list = element("ol").attr("part", "offers");
  for (const std::string& offer : s.offers) {
    Node li = element("li").attr("part", "offer box");
    if (offer == "temporary_code") {
      li.add(element("h4").attr("part", "subheading").add_text(t(DeviceText::sec_offer_temp_title)));
      li.add(para(t(DeviceText::sec_offer_temp_text)));
      Node kinds = element("ul").attr("part", "facts");
      kinds.add(element("li").add_text(t(DeviceText::sec_offer_temp_full)));
      kinds.add(element("li").add_text(t(DeviceText::sec_offer_temp_management)));
      li.add(std::move(kinds));
      if (s.return_info && !s.return_info->regions.empty()) {
        const Region& r = s.return_info->regions.front();
        const auto name = region_text(r.id);
        li.add(para(f(DeviceText::sec_offer_temp_call, {name ? t(*name) : r.id}), "fact"));
        Node phones = element("ul").attr("part", "support-phones");
        for (const RegionPhone& p : r.phones) phones.add(element("li").add_text(phone_line(p)));
        li.add(std::move(phones));
      }
    } else if (offer == "online_card") {
      li.add(element("h4").attr("part", "subheading").add_text(t(UiText::kind_online_card)));
      li.add(para(t(DeviceText::sec_offer_card_text)));
      li.add(element("div")
                 .attr("part", "actions")
                 .add(button(DeviceText::sec_issue_card_button, security_action::issue_card, "button primary", {},
                             "issue-card")));
    } else if (offer == "replacement") {
      li.add(element("h4").attr("part", "subheading").add_text(t(DeviceText::sec_offer_replacement_title)));
      li.add(para(f(DeviceText::sec_offer_replacement_text, {money_cents(kDepositCents)})));
      li.add(element("div")
                 .attr("part", "actions")
                 .add(button(DeviceText::sec_order_button, security_action::order_start, "button secondary", {},
                             "order")));
    } else {
      continue;
    }
    list.add(std::move(li.with_key(offer)));
  }
  section.add(std::move(list));
  section.add(back_button());
  return section;
}

std::string View::phone_line(const RegionPhone& p) const {
  std::string line = p.area.empty() ? p.number : p.area + ": " + p.number;
  line += " · " + t(p.kind == "toll_free" ? DeviceText::sec_phone_toll_free : DeviceText::sec_phone_direct);
  if (!p.language.empty()) {
    const auto spoken = language_text(p.language);
    line += " · " + (spoken ? t(*spoken) : p.language);
  }
  return line;
}

// --- the online card -----------------------------------------------------------------------------------------------

Node View::render_card() const {
  const OnlineCard& c = *s.card;
  Node section = element("section").attr("part", "screen");
  section.add(title(DeviceText::sec_card_title));
  section.add(para(f(DeviceText::sec_card_intro, {c.serial})));
  // The cells, eight to a row, each with its index.
  Node table = element("table").attr("part", "limit-table card-table");
  table.add(element("caption").add_text(f(DeviceText::sec_card_caption, {c.serial})));
  Node rows = element("tbody");
  constexpr std::size_t kPerRow = 8;
  for (std::size_t i = 0; i < c.cells.size(); i += kPerRow) {
    Node tr = element("tr");
    for (std::size_t j = i; j < c.cells.size() && j < i + kPerRow; ++j)
      tr.add(element("td")
                 .add(element("span").attr("part", "cell-index").add_text(std::to_string(j + 1) + " "))
                 .add(element("span").attr("part", "cell-code").add_text(c.cells[j])));
    rows.add(std::move(tr));
  }
  table.add(std::move(rows));
  section.add(std::move(table));
  if (c.device.expires_at) section.add(para(f(DeviceText::sec_card_window, {date(*c.device.expires_at)}), "fact"));
  Node actions = element("div").attr("part", "actions");
  if (!c.print_url.empty())
    actions.add(element("a")
                    .attr("id", id("print"))
                    .attr("href", c.print_url + "?lang=" + std::string(lang_tag(s.lang)))
                    .attr("target", "_blank")
                    .attr("rel", "noopener")
                    .attr("part", "button secondary")
                    .add_text(t(DeviceText::sec_print_button)));
  actions.add(
      button(DeviceText::sec_card_continue_button, security_action::card_continue, "button primary", {}, "continue"));
  actions.add(button(DeviceText::sec_later_button, security_action::cancel, "button secondary", {}, "cancel"));
  section.add(std::move(actions));
  return section;
}

Node View::render_card_activate() const {
  const OnlineCard& c = *s.card;
  const std::string first = std::to_string(c.first), second = std::to_string(c.second);
  Node form = element("form").attr("id", id("form")).attr("part", "form").attr("novalidate", "");
  form.on("submit", security_action::activate_card);
  form.add(text_field("code1", f(DeviceText::sec_code_at_label, {first}), security_action::input_code1, s.code1, "text",
                      "3", {}));
  form.add(text_field("code2", f(DeviceText::sec_code_at_label, {second}), security_action::input_code2, s.code2,
                      "text", "3", {}));
  if (s.problem && s.problem->on_form) form.add(problem_line().with_key("error"));
  form.add(element("div")
               .attr("part", "actions")
               .add(element("button")
                        .attr("type", "submit")
                        .attr("part", "button primary")
                        .add_text(t(DeviceText::sec_activate_button)))
               .add(button(UiText::cancel_button, security_action::cancel, "button secondary", {}, "cancel")));
  return std::move(element("section")
                       .attr("part", "screen")
                       .add(title(DeviceText::sec_card_activate_title))
                       .add(para(f(DeviceText::sec_card_activate_intro, {first, second, c.serial})))
                       .add(std::move(form)));
}

Node View::render_card_done() const {
  Node section = element("section").attr("part", "screen");
  section.add(title(DeviceText::sec_card_active));
  const std::string serial = s.card ? s.card->serial : std::string();
  if (s.card_expires_at)
    section.add(para(f(DeviceText::sec_card_done_text, {serial, date(*s.card_expires_at)}), "notice"));
  section.add(para(t(DeviceText::sec_card_done_note), "fact"));
  section.add(back_button());
  return section;
}

// --- the replacement order -----------------------------------------------------------------------------------------

Node View::render_order_pin() const {
  Node form = element("form").attr("id", id("form")).attr("part", "form").attr("novalidate", "");
  form.on("submit", security_action::pin_submit);
  form.add(
      text_field("pin", t(DeviceText::sec_pin_label), security_action::input_pin, s.pin, "password", "4", "numeric"));
  form.add(text_field("pin2", t(DeviceText::sec_pin2_label), security_action::input_pin2, s.pin2, "password", "4",
                      "numeric"));
  if (s.problem && s.problem->on_form) form.add(problem_line().with_key("error"));
  form.add(element("div")
               .attr("part", "actions")
               .add(element("button")
                        .attr("type", "submit")
                        .attr("part", "button primary")
                        .add_text(t(UiText::continue_button)))
               .add(button(UiText::cancel_button, security_action::cancel, "button secondary", {}, "cancel")));
  Node section = element("section").attr("part", "screen");
  section.add(title(DeviceText::sec_order_title));
  if (const Device* d = s.find_device(s.device_id))
    section.add(para(f(DeviceText::sec_order_replaces, {device_name(*d)}), "fact"));
  section.add(para(t(DeviceText::sec_pin_intro)));
  section.add(std::move(form));
  return section;
}

Node View::render_order_account() const {
  const bool invalid = s.problem && s.problem->on_form;
  Node fieldset = element("fieldset").attr("part", "choices");
  fieldset.add(element("legend").attr("part", "label").add_text(t(DeviceText::sec_deposit_legend)));
  for (const AccountView& a : s.accounts) {
    const std::string input_id = id("deposit-" + a.id);
    Node input = element("input")
                     .attr("id", input_id)
                     .attr("type", "radio")
                     .attr("name", "deposit")
                     .attr("value", a.id)
                     .on("change", security_action::choose_account);
    if (a.id == s.deposit_account) input.attr("checked", "");
    if (invalid) input.attr("aria-describedby", id("error"));
    fieldset.add(element("div")
                     .attr("part", "choice")
                     .add(std::move(input))
                     .add(element("label").attr("for", input_id).add_text(f(UiText::sec_account_heading, {a.name})))
                     .with_key(a.id));
  }
  Node section = element("section").attr("part", "screen");
  section.add(title(DeviceText::sec_deposit_title));
  section.add(para(f(DeviceText::sec_deposit_intro, {money_cents(kDepositCents)})));
  section.add(std::move(fieldset));
  if (invalid) section.add(problem_line().with_key("error"));
  section.add(
      element("div")
          .attr("part", "actions")
          .add(button(UiText::continue_button, security_action::account_submit, "button primary", {}, "continue"))
          .add(button(DeviceText::sec_step_back_button, security_action::order_back, "button secondary", {},
                      "step-back"))
          .add(button(UiText::cancel_button, security_action::cancel, "button secondary", {}, "cancel")));
  return section;
}

Node View::render_order_summary() const {
  const AccountView* account = s.find_account(s.deposit_account);
  const Device* replaced = s.find_device(s.device_id);
  Node list = element("dl").attr("part", "summary");
  auto row = [&](DeviceText term, std::string value) {
    list.add(element("dt").add_text(t(term)));
    list.add(element("dd").add_text(std::move(value)));
  };
  row(DeviceText::sec_summary_device, kind_name(DeviceKind::dsc_plus, ""));
  row(DeviceText::sec_summary_replaces, replaced ? device_name(*replaced) : t(DeviceText::sec_summary_nothing));
  row(DeviceText::sec_summary_pin, t(DeviceText::sec_summary_pin_set));
  row(DeviceText::sec_summary_deposit,
      f(DeviceText::sec_summary_deposit_on, {money_cents(kDepositCents), account ? account->name : s.deposit_account}));
  row(DeviceText::sec_summary_shipping, t(DeviceText::sec_summary_shipping_text));
  Node section = element("section").attr("part", "screen");
  section.add(title(DeviceText::sec_summary_title));
  section.add(std::move(list));
  if (s.problem && s.problem->on_form) section.add(problem_line().with_key("error"));
  section.add(element("div")
                  .attr("part", "actions")
                  .add(button(DeviceText::sec_place_order_button, security_action::order_submit, "button primary", {},
                              "submit"))
                  .add(button(DeviceText::sec_step_back_button, security_action::order_back, "button secondary", {},
                              "step-back"))
                  .add(button(UiText::cancel_button, security_action::cancel, "button secondary", {}, "cancel")));
  return section;
}

Node View::render_order_done() const {
  Node section = element("section").attr("part", "screen");
  section.add(title(DeviceText::sec_order_done));
  if (s.order) {
    const Order& o = *s.order;
    section.add(para(f(DeviceText::sec_order_ships, {o.serial, day(o.estimated_ship_date)}), "notice"));
    section.add(para(f(DeviceText::sec_order_deposit, {money_cents(o.deposit_cents), o.account_name}), "fact"));
  }
  section.add(para(t(DeviceText::sec_order_activation), "fact"));
  section.add(back_button());
  return section;
}

// --- return and history --------------------------------------------------------------------------------------------

Node View::render_region(const Region& r, bool yours) const {
  const auto name = region_text(r.id);
  std::string heading = name ? t(*name) : r.id;
  if (yours)
    heading += (s.lang == Lang::en ? " (" : "（") + t(DeviceText::sec_region_yours) + (s.lang == Lang::en ? ")" : "）");
  Node box = element("section").attr("part", "region box").attr("aria-labelledby", id("region-" + r.id));
  box.add(element("h3").attr("id", id("region-" + r.id)).attr("part", "heading").add_text(heading));
  Node address = element("address").attr("part", "address");
  for (const std::string& line : r.address) address.add(element("p").add_text(line));
  box.add(std::move(address));
  Node phones = element("ul").attr("part", "support-phones");
  for (const RegionPhone& p : r.phones) phones.add(element("li").add_text(phone_line(p)));
  box.add(std::move(phones));
  return box;
}

Node View::render_return_info() const {
  const ReturnInfo& info = *s.return_info;
  const std::string name = device_name(info.device);
  Node section = element("section").attr("part", "screen");
  if (info.advice == "return") {
    section.add(title(DeviceText::sec_return_title));
    section.add(para(f(DeviceText::sec_return_intro, {name})));
    section.add(para(f(DeviceText::sec_return_receipt, {std::to_string(info.min_days), std::to_string(info.max_days)}),
                     "fact"));
    for (std::size_t i = 0; i < info.regions.size(); ++i)
      section.add(
          render_region(info.regions[i], i == 0 && info.regions[i].id == info.region).with_key(info.regions[i].id));
  } else if (info.advice == "destroy") {
    section.add(title(DeviceText::sec_destroy_title));
    section.add(para(f(DeviceText::sec_destroy_intro, {name})));
  } else {
    section.add(title(DeviceText::sec_return_title));
    section.add(para(f(DeviceText::sec_return_none, {name})));
  }
  if (info.suggest == "mobile_key") section.add(para(t(DeviceText::sec_suggest_mobile_key), "fact"));
  section.add(back_button());
  return section;
}

Node View::render_history() const {
  Node section = element("section").attr("part", "screen");
  section.add(title(DeviceText::sec_history_title));
  if (s.history.empty()) {
    section.add(para(t(DeviceText::sec_history_none), "fact"));
  } else {
    Node table = element("table").attr("part", "limit-table history-table");
    Node head = element("tr");
    for (DeviceText col :
         {DeviceText::sec_col_date, DeviceText::sec_col_device, DeviceText::sec_col_event, DeviceText::sec_col_by})
      head.add(element("th").attr("scope", "col").add_text(t(col)));
    table.add(element("thead").add(std::move(head)));
    Node rows = element("tbody");
    for (const DeviceEvent& e : s.history) {
      std::string device = kind_name(e.kind, e.kind_id);
      if (!e.serial.empty()) device += " " + e.serial;
      const auto what = event_text(e.event);
      const DeviceText by = e.actor == "user"       ? DeviceText::sec_actor_user
                            : e.actor == "operator" ? DeviceText::sec_actor_operator
                                                    : DeviceText::sec_actor_server;
      rows.add(element("tr")
                   .add(element("td").add_text(date(e.at)))
                   .add(element("td").add_text(device))
                   .add(element("td").add_text(what ? t(*what) : e.event))
                   .add(element("td").add_text(t(by))));
    }
    table.add(std::move(rows));
    section.add(std::move(table));
  }
  section.add(back_button());
  return section;
}

}  // namespace sls::security
