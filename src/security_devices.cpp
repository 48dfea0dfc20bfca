// The security centre's device lifecycle (issue 12): reading the replies of the device routes (GET /devices, the
// history, the return page, the online card, the replacement order, the phones on record) and the steps of the
// lost-device path, removing and replacing a device, the online card and the replacement DSC+ order.
#include <algorithm>
#include <utility>

#include "login_wire.hpp"
#include "security_machine.hpp"

namespace sls::security {

namespace {

std::optional<std::int64_t> int_or_null(const JsonValue& v, std::string_view key) { return v.get_int(key); }

/// A PIN of exactly four digits (the DSC+'s PIN pad).
bool four_digits(std::string_view pin) {
  return pin.size() == 4 && std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const JsonValue* array_of(const JsonValue& v, std::string_view key) {
  const JsonValue* a = v.find(key);
  return a && a->is_array() ? a : nullptr;
}

}  // namespace

bool is_safe_path(std::string_view path) {
  if (path.size() < 2 || path.size() > 512 || path[0] != '/' || path[1] == '/') return false;
  return std::all_of(path.begin(), path.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '-' ||
           c == '_' || c == '.';
  });
}

std::optional<Device> read_device_item(const JsonValue& v) {
  if (!v.is_object()) return std::nullopt;
  Device d;
  d.id = str(v, "id");
  if (!flow::is_url_safe_id(d.id)) return std::nullopt;
  d.kind_id = str(v, "kind");
  d.kind = kind_of(d.kind_id);
  d.label = str(v, "label");
  d.serial = str(v, "serial");
  d.status = str(v, "status");
  d.since = v.get_int("since").value_or(0);
  d.expires_at = int_or_null(v, "expires_at");
  if (const JsonValue* ended = v.find("ended"); ended && ended->is_object()) {
    d.ended_event = str(*ended, "event");
    d.ended_at = ended->get_int("at").value_or(0);
    if (d.ended_event.empty()) d.ended_event = "revoked";
  }
  d.returnable = v.get_bool("returnable").value_or(false);
  d.replaces = str(v, "replaces");
  d.access = str(v, "access");
  return d;
}

std::optional<DevicesReply> read_devices(std::string_view body) {
  auto parsed = json_parse(body, kMaxReply);
  if (!parsed) return std::nullopt;
  const JsonValue* list = array_of(*parsed, "devices");
  if (!list) return std::nullopt;
  DevicesReply out;
  for (const auto& item : *list->as_array())
    if (auto d = read_device_item(item)) out.devices.push_back(std::move(*d));
  out.step_up_until = parsed->get_int("step_up_until");
  return out;
}

std::optional<std::vector<DeviceEvent>> read_history(std::string_view body) {
  auto parsed = json_parse(body, kMaxReply);
  if (!parsed) return std::nullopt;
  const JsonValue* list = array_of(*parsed, "events");
  if (!list) return std::nullopt;
  std::vector<DeviceEvent> out;
  for (const auto& v : *list->as_array()) {
    if (!v.is_object()) continue;
    DeviceEvent e;
    e.device_id = str(v, "device_id");
    e.kind_id = str(v, "kind");
    e.kind = kind_of(e.kind_id);
    e.serial = str(v, "serial");
    e.event = str(v, "event");
    e.actor = str(v, "actor");
    e.detail = str(v, "detail");
    e.at = v.get_int("at").value_or(0);
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<ReturnInfo> read_return_info(std::string_view body) {
  auto parsed = json_parse(body, kMaxReply);
  if (!parsed) return std::nullopt;
  ReturnInfo out;
  const JsonValue* device = parsed->find("device");
  auto d = device ? read_device_item(*device) : std::nullopt;
  if (!d) return std::nullopt;
  out.device = std::move(*d);
  out.advice = str(*parsed, "advice");
  out.suggest = str(*parsed, "suggest");
  out.region = str(*parsed, "region");
  if (const JsonValue* regions = array_of(*parsed, "regions")) {
    for (const auto& r : *regions->as_array()) {
      if (!r.is_object()) continue;
      Region region;
      region.id = str(r, "id");
      if (const JsonValue* lines = array_of(r, "address"))
        for (const auto& line : *lines->as_array())
          if (const auto* text = line.as_string()) region.address.push_back(*text);
      if (const JsonValue* phones = array_of(r, "phones"))
        for (const auto& p : *phones->as_array())
          if (p.is_object())
            region.phones.push_back(RegionPhone{str(p, "area"), str(p, "kind"), str(p, "number"), str(p, "language")});
      out.regions.push_back(std::move(region));
    }
  }
  // The user's region first, whatever order the server gave.
  std::stable_partition(out.regions.begin(), out.regions.end(), [&](const Region& r) { return r.id == out.region; });
  if (const JsonValue* days = parsed->find("receipt_business_days"); days && days->is_object()) {
    out.min_days = days->get_int("min").value_or(out.min_days);
    out.max_days = days->get_int("max").value_or(out.max_days);
  }
  return out;
}

std::optional<OnlineCard> read_online_card(std::string_view body) {
  auto parsed = json_parse(body, kMaxReply);
  if (!parsed) return std::nullopt;
  OnlineCard out;
  const JsonValue* device = parsed->find("device");
  auto d = device ? read_device_item(*device) : std::nullopt;
  const JsonValue* card = parsed->find("card");
  const JsonValue* activation = parsed->find("activation");
  if (!d || !card || !card->is_object() || !activation || !activation->is_object()) return std::nullopt;
  out.device = std::move(*d);
  out.serial = str(*card, "serial");
  if (const JsonValue* cells = array_of(*card, "cells"))
    for (const auto& c : *cells->as_array())
      if (const auto* text = c.as_string()) out.cells.push_back(*text);
  const JsonValue* indices = array_of(*activation, "indices");
  if (!indices || indices->as_array()->size() != 2) return std::nullopt;
  out.first = (*indices->as_array())[0].as_int().value_or(0);
  out.second = (*indices->as_array())[1].as_int().value_or(0);
  if (out.first < 1 || out.second < 1 || out.first == out.second) return std::nullopt;
  out.print_url = str(*parsed, "print_url");
  if (!is_safe_path(out.print_url)) out.print_url.clear();
  return out;
}

std::optional<Order> read_order(std::string_view body) {
  auto parsed = json_parse(body, kMaxReply);
  if (!parsed) return std::nullopt;
  const JsonValue* o = parsed->find("order");
  if (!o || !o->is_object()) return std::nullopt;
  Order out;
  out.id = str(*o, "id");
  out.status = str(*o, "status");
  out.serial = str(*o, "serial");
  out.estimated_ship_date = str(*o, "estimated_ship_date");
  if (const JsonValue* deposit = o->find("deposit"); deposit && deposit->is_object()) {
    out.account_name = str(*deposit, "account_name");
    out.deposit_cents = deposit->get_int("cents").value_or(0);
  }
  return out;
}

std::optional<std::vector<PhoneOnRecord>> read_phones(std::string_view body) {
  auto parsed = json_parse(body, kMaxReply);
  if (!parsed) return std::nullopt;
  const JsonValue* list = array_of(*parsed, "phones");
  if (!list) return std::nullopt;
  std::vector<PhoneOnRecord> out;
  for (const auto& p : *list->as_array()) {
    if (!p.is_object()) continue;
    PhoneOnRecord phone{str(p, "id"), str(p, "masked"), p.get_bool("default").value_or(false)};
    if (flow::is_url_safe_id(phone.id)) out.push_back(std::move(phone));
  }
  return out;
}

const Device* State::find_device(std::string_view device) const {
  if (!devices) return nullptr;
  for (const auto& d : *devices)
    if (d.id == device) return &d;
  return nullptr;
}

// --- steps ---------------------------------------------------------------------------------------------------------

void Machine::load_devices() {
  if (s.devices_request == 0) s.devices_request = http("GET", "/devices");
  if (s.phones_request == 0) s.phones_request = http("GET", "/phones");
}

namespace {

bool usable(const Device* d) { return d && d->ended_event.empty() && d->status != "revoked"; }

}  // namespace

bool Machine::on_device_event(const UserEvent& ev) {
  const std::string_view a = ev.action;
  const bool overview = s.screen == SecurityScreen::overview && !s.busy;
  auto form_error = [&](DeviceText text) {
    ShownProblem p;
    p.error = fail(Errc::bad_argument);
    p.text = text;
    p.on_form = true;
    s.problem = std::move(p);
    s.announcement.reset();
    focus("error");
  };
  auto open = [&](SecurityScreen screen, std::string_view target) {
    s.problem.reset();
    go(screen);
    focus(target);
  };
  if (a == security_action::report_lost || a == security_action::remove_device ||
      a == security_action::replace_device) {
    if (!overview || !usable(s.find_device(ev.value))) return true;
    s.device_id = ev.value;
    open(a == security_action::report_lost     ? SecurityScreen::confirm_lost
         : a == security_action::remove_device ? SecurityScreen::confirm_remove
                                               : SecurityScreen::confirm_replace,
         "title");
  } else if (a == security_action::confirm_lost) {
    if (s.screen != SecurityScreen::confirm_lost) return true;
    s.change = Change::report_lost;  // it only strengthens: no fresh factor
    send_change();
  } else if (a == security_action::confirm_remove) {
    if (s.screen != SecurityScreen::confirm_remove) return true;
    s.change = Change::remove_device;
    weakening_change();
  } else if (a == security_action::replace_mobile_key) {
    if (s.screen != SecurityScreen::confirm_replace) return true;
    s.change = Change::replace_device;
    weakening_change();
  } else if (a == security_action::show_return) {
    if (!overview || !s.find_device(ev.value)) return true;
    s.device_id = ev.value;
    s.main_request = http("GET", "/devices/" + s.device_id + "/return");
    s.pending = Pending::return_info;
    s.busy = true;
  } else if (a == security_action::show_history) {
    if (!overview) return true;
    s.main_request = http("GET", "/devices/history?limit=50");
    s.pending = Pending::history;
    s.busy = true;
  } else if (a == security_action::issue_card) {
    if (!overview && s.screen != SecurityScreen::lost_offers) return true;
    s.change = Change::issue_card;  // fresh*: the server decides; a 403 leads to the step-up
    send_change();
  } else if (a == security_action::card_continue) {
    if (s.screen != SecurityScreen::card) return true;
    s.code1.clear();
    s.code2.clear();
    open(SecurityScreen::card_activate, "code1");
  } else if (a == security_action::input_code1 || a == security_action::input_code2) {
    if (s.screen != SecurityScreen::card_activate) return true;
    (a == security_action::input_code1 ? s.code1 : s.code2) = ev.value.substr(0, 8);
  } else if (a == security_action::activate_card) {
    if (s.screen != SecurityScreen::card_activate || !s.card) return true;
    if (s.code1.empty() || s.code2.empty()) {
      form_error(DeviceText::sec_codes_required);
      return true;
    }
    s.change = Change::activate_card;
    send_change();
  } else if (a == security_action::order_start) {
    if (overview) {
      s.device_id.clear();
    } else if (s.screen != SecurityScreen::lost_offers && s.screen != SecurityScreen::confirm_replace) {
      return true;
    }  // else: it replaces the device reported lost or being replaced
    s.pin.clear();
    s.pin2.clear();
    s.deposit_account.clear();
    s.order.reset();
    open(SecurityScreen::order_pin, "pin");
  } else if (a == security_action::input_pin || a == security_action::input_pin2) {
    if (s.screen != SecurityScreen::order_pin) return true;
    (a == security_action::input_pin ? s.pin : s.pin2) = ev.value.substr(0, 8);
  } else if (a == security_action::pin_submit) {
    if (s.screen != SecurityScreen::order_pin) return true;
    if (!four_digits(s.pin)) return form_error(DeviceText::sec_pin_rule), true;
    if (s.pin != s.pin2) return form_error(DeviceText::sec_pin_mismatch), true;
    if (s.deposit_account.empty() && !s.accounts.empty()) s.deposit_account = s.accounts.front().id;
    open(SecurityScreen::order_account, "title");
  } else if (a == security_action::choose_account) {
    if (s.screen != SecurityScreen::order_account || !s.find_account(ev.value)) return true;
    s.deposit_account = ev.value;
  } else if (a == security_action::account_submit) {
    if (s.screen != SecurityScreen::order_account) return true;
    if (!s.find_account(s.deposit_account)) return form_error(DeviceText::sec_choose_account), true;
    open(SecurityScreen::order_summary, "title");
  } else if (a == security_action::order_back) {
    if (s.screen == SecurityScreen::order_account)
      open(SecurityScreen::order_pin, "title");
    else if (s.screen == SecurityScreen::order_summary)
      open(SecurityScreen::order_account, "title");
  } else if (a == security_action::order_submit) {
    if (s.screen != SecurityScreen::order_summary || s.busy) return true;
    s.change = Change::order;
    send_change();
  } else if (a == security_action::remove_phone) {
    if (!overview || !s.phones) return true;
    const bool known =
        std::any_of(s.phones->begin(), s.phones->end(), [&](const PhoneOnRecord& p) { return p.id == ev.value; });
    if (!known) return true;
    s.phone_id = ev.value;
    s.change = Change::remove_phone;
    weakening_change();
  } else if (a == security_action::add_phone) {
    if (!overview || !s.phones) return true;
    s.new_phone.clear();
    open(SecurityScreen::phone_form, "phone");
  } else if (a == security_action::input_phone) {
    if (s.screen != SecurityScreen::phone_form) return true;
    s.new_phone = ev.value.substr(0, 32);
  } else if (a == security_action::phone_submit) {
    if (s.screen != SecurityScreen::phone_form || s.busy) return true;
    if (s.new_phone.empty()) {
      form_error(DeviceText::sec_phone_required);
      return true;
    }
    s.change = Change::add_phone;  // fresh*: the server decides; a 403 leads to the step-up
    send_change();
  } else if (a == security_action::cancel) {
    switch (s.screen) {
      case SecurityScreen::phone_form:
      case SecurityScreen::confirm_lost:
      case SecurityScreen::confirm_remove:
      case SecurityScreen::confirm_replace:
      case SecurityScreen::order_pin:
      case SecurityScreen::order_account:
      case SecurityScreen::order_summary:
        s.pin.clear();
        s.pin2.clear();
        to_overview();
        return true;
      case SecurityScreen::card:
      case SecurityScreen::card_activate:
        // The card stays pending (listed) until its activation window ends.
        load_devices();
        to_overview();
        return true;
      default: return false;
    }
  } else if (a == security_action::back) {
    switch (s.screen) {
      case SecurityScreen::return_info:
      case SecurityScreen::history: to_overview(); return true;
      case SecurityScreen::lost_offers:
      case SecurityScreen::card_done:
      case SecurityScreen::order_done:
        // Devices, limits and sessions changed: read everything again.
        s.problem.reset();
        s.change = Change::none;
        go(SecurityScreen::loading);
        focus("title");
        load(Pending::accounts);
        return true;
      default: return false;
    }
  } else {
    return false;
  }
  return true;
}

void Machine::send_device_change() {
  switch (s.change) {
    case Change::report_lost:
      s.main_request = http("POST", "/devices/" + s.device_id + "/lost", SecretString(std::string("{}")));
      break;
    case Change::remove_device: s.main_request = http("DELETE", "/devices/" + s.device_id); break;
    case Change::replace_device:
      s.main_request =
          http("POST", "/devices/" + s.device_id + "/replace", flow::json_object_body({{"with", "mobile_key"}}));
      break;
    case Change::issue_card:
      s.main_request = http("POST", "/devices/online-card", SecretString(std::string("{}")));
      break;
    case Change::activate_card:
      s.main_request = http("POST", "/devices/" + s.card->device.id + "/activate",
                            flow::json_object_body({{"codes", s.code1 + s.code2}}));
      break;
    case Change::order: {
      JsonValue body = JsonValue::object();
      body.set("kind", "dsc_plus").set("pin", s.pin).set("deposit_account", s.deposit_account);
      body.set("replaces", s.device_id.empty() ? JsonValue(nullptr) : JsonValue(s.device_id));
      s.main_request = http("POST", "/device-orders", SecretString(json_serialize(body)));
      body.wipe();
      break;
    }
    case Change::remove_phone: s.main_request = http("DELETE", "/phones/" + s.phone_id); break;
    case Change::add_phone:
      s.main_request = http("POST", "/phones", flow::json_object_body({{"phone", s.new_phone}}));
      break;
    default: break;
  }
}

bool Machine::on_device_change_reply(const HttpReply& r) {
  if (r.status < 200 || r.status >= 300) return false;
  auto changed = [&] {
    JsonValue d;
    d.set("change", change_id(s.change)).set("device", s.device_id);
    emit("changed", std::move(d));
  };
  auto malformed = [&] { to_problem(ShownProblem{fail(Errc::internal), std::nullopt, {}, s.lang, false, {}}); };
  switch (s.change) {
    case Change::report_lost: {
      auto parsed = json_parse(r.body, kMaxReply);
      s.sessions_ended = parsed ? parsed->get_int("sessions_ended").value_or(0) : 0;
      s.offers.clear();
      if (parsed)
        if (const JsonValue* offers = array_of(*parsed, "offers"))
          for (const auto& o : *offers->as_array())
            if (const auto* name = o.as_string()) s.offers.push_back(*name);
      if (s.offers.empty()) s.offers = {"temporary_code", "online_card", "replacement"};
      // The region's support numbers for the temporary code: from the return page's reply.
      s.return_info.reset();
      s.region_request = http("GET", "/devices/" + s.device_id + "/return");
      s.devices_request = 0;
      load_devices();
      go(SecurityScreen::lost_offers);
      announce(DeviceText::sec_lost_done);
      focus("title");
      changed();
      return true;
    }
    case Change::issue_card: {
      auto card = read_online_card(r.body);
      if (!card) return malformed(), true;
      s.card = std::move(*card);
      s.devices_request = 0;
      load_devices();
      go(SecurityScreen::card);
      focus("title");
      return true;
    }
    case Change::activate_card: {
      s.card_expires_at.reset();
      if (auto parsed = json_parse(r.body, kMaxReply))
        if (const JsonValue* d = parsed->find("device"))
          if (auto device = read_device_item(*d)) s.card_expires_at = device->expires_at;
      s.code1.clear();
      s.code2.clear();
      s.devices_request = 0;
      load_devices();
      go(SecurityScreen::card_done);
      announce(DeviceText::sec_card_active);
      focus("title");
      changed();
      return true;
    }
    case Change::order: {
      auto order = read_order(r.body);
      s.pin.clear();
      s.pin2.clear();
      if (!order) return malformed(), true;
      s.order = std::move(*order);
      s.devices_request = 0;
      load_devices();
      go(SecurityScreen::order_done);
      announce(DeviceText::sec_order_done);
      focus("title");
      changed();
      return true;
    }
    case Change::remove_device:
    case Change::replace_device:
    case Change::add_phone:
    case Change::remove_phone: {
      s.notice_args.clear();
      const Device* d = s.find_device(s.device_id);
      const std::string serial = d ? d->serial : std::string();
      if (s.change == Change::remove_device) {
        s.notice = DeviceText::sec_removed_notice;
        s.notice_args = {serial};
      } else if (s.change == Change::replace_device) {
        s.notice = DeviceText::sec_replace_notice;
        s.notice_args = {serial};
      } else if (s.change == Change::add_phone) {
        s.notice = DeviceText::sec_phone_added_notice;
      } else {
        s.notice = DeviceText::sec_phone_removed_notice;
      }
      // Everything is read again (limits and sessions may change) before the notice shows.
      s.sharing_request = 0;
      s.devices_request = 0;
      s.phones_request = 0;
      load(Pending::reload);
      return true;
    }
    default: return false;
  }
}

bool Machine::on_side_reply(const HttpReply& r) {
  if (r.request_id == s.devices_request) {
    s.devices_request = 0;
    std::optional<DevicesReply> reply = r.status == 200 ? read_devices(r.body) : std::nullopt;
    if (reply) {
      s.devices = std::move(reply->devices);
      if (reply->step_up_until) s.step_up_until = reply->step_up_until;
    } else {
      s.devices.reset();  // not there, refused or unreachable: the part is hidden
    }
    return true;
  }
  if (r.request_id == s.phones_request) {
    s.phones_request = 0;
    s.phones = r.status == 200 ? read_phones(r.body) : std::nullopt;
    return true;
  }
  if (r.request_id == s.region_request) {
    s.region_request = 0;
    s.return_info = r.status == 200 ? read_return_info(r.body) : std::nullopt;
    return true;
  }
  return false;
}

void Machine::on_page_reply(const HttpReply& r, Pending kind) {
  if (r.status == 200) {
    if (kind == Pending::history) {
      if (auto events = read_history(r.body)) {
        s.history = std::move(*events);
        go(SecurityScreen::history);
        focus("title");
        return;
      }
    } else if (auto info = read_return_info(r.body)) {
      s.return_info = std::move(*info);
      go(SecurityScreen::return_info);
      focus("title");
      return;
    }
  }
  to_problem(r.status == 200 ? ShownProblem{fail(Errc::internal), std::nullopt, {}, s.lang, false, {}} : problem_of(r));
}

}  // namespace sls::security
