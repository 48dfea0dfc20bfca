// The security centre's machine (internal): the State plus the steps that move it on. security_centre.cpp holds the
// accounts, opt-out and sharing steps, security_devices.cpp the device lifecycle's.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "security_state.hpp"

namespace sls::security {

/// Replies are small; a generous bound all the same.
constexpr std::size_t kMaxReply = 1024 * 1024;

/// The text of a JSON member (empty when absent or not a string).
inline std::string str(const JsonValue& v, std::string_view key) { return std::string(v.get_string(key).value_or("")); }

/// A device kind of the wire, nullopt for one this build does not know.
std::optional<DeviceKind> kind_of(std::string_view id);

struct Machine {
  State& s;
  std::uint64_t http(std::string_view method, std::string path, SecretString body = {}) {
    HttpEffect e{s.next_id++, std::string(method), std::move(path), std::move(body), {}};
    const std::uint64_t id = e.id;
    s.effects.emplace_back(std::move(e));
    return id;
  }
  void emit(std::string_view type, JsonValue detail) {
    s.effects.emplace_back(EmitEffect{std::string(type), std::move(detail)});
  }
  void focus(std::string_view suffix) { s.effects.emplace_back(FocusEffect{s.id(suffix)}); }
  /// Says `text` in the live region, kept when this step changes the screen.
  void announce(Text text) {
    s.announcement = text;
    s.announced = true;
  }
  void go(SecurityScreen next) {
    if (next != s.screen) s.screen_changed = true;
    s.screen = next;
    s.busy = false;
    ++s.generation;
  }
  void load(Pending kind);
  void to_problem(ShownProblem p, bool report = true);
  ShownProblem problem_of(const HttpReply& r);
  /// The first user of the account without a usable permanent device (the
  /// one account.no_device names).
  std::string user_without_device(std::string_view account) const;
  bool step_up_fresh() const { return s.step_up_until && *s.step_up_until * 1000 > s.now; }
  void send_change();
  /// A weakening change: at once when the session's second factor is fresh,
  /// else after the step-up login.
  void weakening_change();
  void to_overview();
  // --- events ----------------------------------------------------------------------------------------------------
  void on_event(UserEvent& ev);
  void on_retry();
  // --- replies ---------------------------------------------------------------------------------------------------
  void on_reply(const HttpReply& r);
  void on_accounts_reply(const HttpReply& r, Pending kind);
  static std::string_view change_id(Change c);
  void on_change_reply(const HttpReply& r);
  void emit_state();

  // --- the device lifecycle (security_devices.cpp) ---------------------------------------------------------------
  /// GET /devices and GET /phones, unless already out.
  void load_devices();
  /// A device event; false when the action is not one of them.
  bool on_device_event(const UserEvent& ev);
  /// The request of a device change (send_change's part for them).
  void send_device_change();
  /// The reply to a device change; false when the change is not one of them.
  bool on_device_change_reply(const HttpReply& r);
  /// The replies to the side requests (devices, phones, the region of a lost
  /// report); false when the reply is not one of them.
  bool on_side_reply(const HttpReply& r);
  /// The reply to GET /devices/history or /devices/{id}/return.
  void on_page_reply(const HttpReply& r, Pending kind);
  template <class Step>
  LoginOutput run(std::int64_t now_ms, Step&& step) {
    s.now = std::max(s.now, now_ms);
    s.screen_changed = false;
    s.announced = false;
    const SecurityScreen before = s.screen;
    const bool before_busy = s.busy;
    step();
    const bool changed = s.screen_changed || s.screen != before;
    const bool keep = s.announced || s.screen == SecurityScreen::notice || s.screen == SecurityScreen::busy;
    if (changed && !keep) s.announcement.reset();
    if (changed || s.busy != before_busy) emit_state();
    return take();
  }
  LoginOutput take() {
    LoginOutput out;
    out.effects = std::move(s.effects);
    s.effects.clear();
    out.view = render_view(s);
    return out;
  }
};

}  // namespace sls::security
