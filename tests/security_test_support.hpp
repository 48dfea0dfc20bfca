// The harness of the security centre's tests: a SecurityCentre driven with simulated time and canned replies, and
// the GET /accounts reply they share.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "sls/security_centre.hpp"
#include "sls/view.hpp"

namespace sls::security_test {

using json = nlohmann::json;

constexpr std::int64_t kNow = 1'790'000'000'000;  // ms

/// A GET /accounts reply: demo-joint (primary alice, user bob), where the
/// caller is `you`.
inline json accounts_body(const std::string& you = "alice", bool opted_out = false,
                          std::optional<std::int64_t> step_up_until = std::nullopt, bool with_usage = true) {
  json dsc = {{"kind", "dsc"},      {"label", "DSC"},         {"serial", "DSC-1234"},
              {"status", "active"}, {"since", 1'767'225'600}, {"expires_at", nullptr}};
  json card = {{"kind", "code_card"}, {"label", "Card"},        {"serial", "CC-77"},
               {"status", "active"},  {"since", 1'767'312'000}, {"expires_at", nullptr}};
  json account = {
      {"id", "acc1"},
      {"name", "demo-joint"},
      {"opted_out", opted_out},
      {"primary_user", "alice"},
      {"may_change_security", you == "alice"},
      {"device_kind", opted_out ? "none" : "dsc"},
      {"limits", opted_out ? json{{"daily", {{"unlimited", false}, {"cents", 5'000'000}}},
                                  {"five_day", {{"unlimited", false}, {"cents", 10'000'000}}}}
                           : json{{"daily", {{"unlimited", false}, {"cents", 100'000'000}}},
                                  {"five_day", {{"unlimited", false}, {"cents", 150'000'000}}}}},
      {"restrictions", opted_out ? json::array({"no_pink_sheet_trading", "no_otcbb_trading"}) : json::array()},
      {"users",
       {{{"username", "alice"}, {"primary", true}, {"you", you == "alice"}, {"devices", {dsc}}},
        {{"username", "bob"}, {"primary", false}, {"you", you == "bob"}, {"devices", {card}}}}},
  };
  if (with_usage)
    account["usage"] = {
        {"daily", {{"used_cents", 2'500'000}, {"remaining", {{"unlimited", false}, {"cents", 97'500'000}}}}},
        {"five_day", {{"used_cents", 2'500'000}, {"remaining", {{"unlimited", false}, {"cents", 147'500'000}}}}},
        {"market", "us"}};
  json body = {{"accounts", {account}}};
  body["step_up_until"] = step_up_until ? json(*step_up_until) : json(nullptr);
  return body;
}

inline std::string error_body(const std::string& code, const std::string& message = "server says") {
  return json{{"error", {{"code", code}, {"message", message}}}}.dump();
}

struct Harness {
  SecurityCentre centre;
  LoginOutput out;
  std::int64_t now = kNow;

  explicit Harness(Lang lang = Lang::en) { out = centre.start(SecurityConfig{lang, now, "sec"}); }

  std::vector<const HttpEffect*> https() const {
    std::vector<const HttpEffect*> list;
    for (const auto& e : out.effects)
      if (const auto* h = std::get_if<HttpEffect>(&e)) list.push_back(h);
    return list;
  }
  const HttpEffect* request(std::string_view method, std::string_view path) const {
    for (const auto* h : https())
      if (h->method == method && h->path == path) return h;
    return nullptr;
  }
  std::vector<json> emitted(std::string_view type) const {
    std::vector<json> list;
    for (const auto& e : out.effects)
      if (const auto* em = std::get_if<EmitEffect>(&e); em && em->type == type)
        list.push_back(json::parse(json_serialize(em->detail)));
    return list;
  }
  std::string focus() const {
    std::string id;
    for (const auto& e : out.effects)
      if (const auto* f = std::get_if<FocusEffect>(&e)) id = f->element_id;
    return id;
  }
  void reply(std::uint64_t id, int status, const std::string& body) {
    now += 10;
    out = centre.on_reply(HttpReply{id, status, std::nullopt, body, now});
  }
  void event(std::string_view action, std::string value = {}) {
    now += 10;
    out = centre.on_event(UserEvent{std::string(action), std::move(value), now});
  }
  std::string text() const { return out.view.text_content(); }
  std::string html() const { return to_html(out.view); }
  std::string screen() const { return std::string(security_screen_id(centre.screen())); }
  /// Starts and answers both loads.
  void load(const json& accounts, int sharing_status = 404, const std::string& sharing = error_body("not_found")) {
    const auto* a = request("GET", "/accounts");
    const auto* sh = request("GET", "/sharing");
    ASSERT_NE(a, nullptr);
    ASSERT_NE(sh, nullptr);
    const auto aid = a->id, sid = sh->id;
    reply(sid, sharing_status, sharing);
    reply(aid, 200, accounts.dump());
  }
};

}  // namespace sls::security_test
