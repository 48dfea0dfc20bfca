// The views of the security centre (internal): the helpers every screen's view uses. security_views.cpp renders the
// accounts, opt-out and sharing screens, security_device_views.cpp the device lifecycle's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "security_state.hpp"
#include "sls/civil_date.hpp"

namespace sls::security {

constexpr std::int64_t kSecondsPerDay = 86'400;

/// Whole dollars with thousands separators, cents only when there are any.
std::string usd_number(std::int64_t cents);

struct View {
  const State& s;

  std::string id(std::string_view suffix) const { return s.id(suffix); }
  std::string t(UiText text) const { return std::string(ui_text(text, s.lang)); }
  std::string t(DeviceText text) const { return std::string(device_text(text, s.lang)); }
  std::string t(const Text& text) const { return text_in(text, s.lang); }
  std::string f(DeviceText text, std::initializer_list<std::string_view> args) const {
    return device_format(text, s.lang, args);
  }
  std::string f(const Text& text, std::initializer_list<std::string_view> args) const {
    return text_in(text, s.lang, args);
  }
  std::string f(UiText text, std::initializer_list<std::string_view> args) const {
    return ui_format(text, s.lang, args);
  }

  std::string money(const UsdLimit& limit) const {
    if (limit.is_unlimited()) return t(UiText::sec_unlimited);
    return f(UiText::sec_usd, {usd_number(*limit.cents())});
  }
  std::string money_cents(std::int64_t cents) const { return f(UiText::sec_usd, {usd_number(cents)}); }

  /// A date of Unix seconds (UTC): ISO 8601 in English, 年月日 in Chinese.
  std::string date(std::int64_t seconds) const {
    const std::int64_t day = seconds >= 0 ? seconds / kSecondsPerDay : (seconds - kSecondsPerDay + 1) / kSecondsPerDay;
    const CivilDate d = civil_from_days(day);
    const std::string y = std::to_string(d.year), m = std::to_string(d.month), dd = std::to_string(d.day);
    if (s.lang != Lang::en) return y + "年" + m + "月" + dd + "日";
    return y + (d.month < 10 ? "-0" : "-") + m + (d.day < 10 ? "-0" : "-") + dd;
  }

  /// A "YYYY-MM-DD" of the server in the view's language (as date()); anything else as given.
  std::string day(std::string_view ymd) const {
    const bool shape = ymd.size() == 10 && ymd[4] == '-' && ymd[7] == '-';
    if (!shape || s.lang == Lang::en) return std::string(ymd);
    auto number = [&](std::size_t at, std::size_t n) {
      int v = 0;
      for (std::size_t i = at; i < at + n; ++i) {
        if (ymd[i] < '0' || ymd[i] > '9') return -1;
        v = v * 10 + (ymd[i] - '0');
      }
      return v;
    };
    const int y = number(0, 4), m = number(5, 2), d = number(8, 2);
    if (y < 0 || m < 0 || d < 0) return std::string(ymd);
    return std::to_string(y) + "年" + std::to_string(m) + "月" + std::to_string(d) + "日";
  }

  std::string kind_name(std::optional<DeviceKind> kind, std::string_view fallback) const {
    if (!kind) return std::string(fallback);
    switch (*kind) {
      case DeviceKind::none: return t(UiText::kind_none);
      case DeviceKind::sms: return t(UiText::kind_sms);
      case DeviceKind::mobile_key: return t(UiText::kind_mobile_key);
      case DeviceKind::code_card: return t(UiText::kind_code_card);
      case DeviceKind::online_card: return t(UiText::kind_online_card);
      case DeviceKind::dsc: return t(UiText::kind_dsc);
      case DeviceKind::dsc_plus: return t(UiText::kind_dsc_plus);
      case DeviceKind::platinum_gold: return t(UiText::kind_platinum_gold);
      case DeviceKind::temp_code: return t(UiText::kind_temp_code);
    }
    return std::string(fallback);
  }

  std::string restriction_name(std::string_view r) const {
    if (r == kRestrictionNoPinkSheetTrading) return t(UiText::sec_restriction_pink);
    if (r == kRestrictionNoOtcbbTrading) return t(UiText::sec_restriction_otcbb);
    return std::string(r);
  }

  std::string status_name(std::string_view status) const {
    if (status == "active") return t(UiText::sec_status_active);
    if (status == "pending") return t(UiText::sec_status_pending);
    return std::string(status);
  }

  std::string share_status(std::string_view status) const {
    if (status == "approved") return t(UiText::sec_share_status_approved);
    if (status == "pending") return t(UiText::sec_share_status_pending);
    if (status == "rejected") return t(UiText::sec_share_status_rejected);
    if (status == "ended") return t(UiText::sec_share_status_ended);
    return std::string(status);
  }

  std::string device_limits(DeviceKind kind) const {
    const WithdrawalLimits l = withdrawal_limits(kind);
    return f(UiText::sec_device_limits, {kind_name(kind, ""), money(l.one_day), money(l.five_day)});
  }

  Node title(const Text& text) const {
    return element("h2").attr("id", id("title")).attr("tabindex", "-1").attr("part", "title").add_text(t(text));
  }
  Node para(std::string text, std::string_view part = "intro") const {
    return element("p").attr("part", part).add_text(text);
  }
  Node button(const Text& label, std::string_view action, std::string_view part, std::string_view value = {},
              std::string_view id_suffix = {}) const {
    Node b = element("button").attr("type", "button");
    if (!id_suffix.empty()) b.attr("id", id(id_suffix));
    b.attr("part", part);
    if (!value.empty()) b.attr("value", value);
    return std::move(b.on("click", action).add_text(t(label)));
  }
  Node back_button() const {
    return element("div")
        .attr("part", "actions")
        .add(button(UiText::sec_back_button, security_action::back, "button primary", {}, "back"));
  }
  Node problem_line() const {
    Node p = element("p").attr("id", id("error")).attr("part", "error").attr("tabindex", "-1");
    if (s.problem) p.add_text(problem_text(s, *s.problem));
    return p;
  }

  Node render() const;
  Node render_overview() const;
  Node render_account(const AccountView& a) const;
  Node render_limits(const AccountView& a) const;
  Node render_ranking() const;
  Node render_sharing() const;
  Node render_confirm() const;
  Node render_step_up() const;
  Node render_share_form() const;

  // The device lifecycle (security_device_views.cpp).
  Node render_devices() const;
  Node render_device_row(const Device& d) const;
  Node render_phones() const;
  Node render_confirm_device(DeviceText heading, DeviceText intro, DeviceText confirm, std::string_view action) const;
  Node render_confirm_replace() const;
  Node render_lost_offers() const;
  Node render_card() const;
  Node render_card_activate() const;
  Node render_card_done() const;
  Node render_order_pin() const;
  Node render_order_account() const;
  Node render_order_summary() const;
  Node render_order_done() const;
  Node render_return_info() const;
  Node render_region(const Region& r, bool yours) const;
  Node render_history() const;
  Node render_phone_form() const;
  /// "Digital security card · Serial number X" of a device.
  std::string device_name(const Device& d) const;
  std::string phone_line(const RegionPhone& p) const;
  Node text_field(std::string_view name, std::string label, std::string_view action, const std::string& value,
                  std::string_view type, std::string_view maxlength, std::string_view inputmode) const;
};

}  // namespace sls::security
