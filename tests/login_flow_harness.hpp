// The harness of the LoginFlow tests: a flow driven with simulated time, and
// the server's replies as JSON. Shared by login_flow_test.cpp (credentials,
// devices, codes, language), login_flow_push_test.cpp (push, long poll) and
// login_snapshots_test.cpp (every screen).
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sls/login_flow.hpp"
#include "sls/messages.hpp"

namespace sls::flow_testing {

using nlohmann::json;

constexpr std::int64_t kT0 = 1'700'000'000'000;  // ms since the epoch (whole seconds)
constexpr std::int64_t kT0s = kT0 / 1000;

// --- harness ---------------------------------------------------------------------------

/// Drives a LoginFlow with simulated time and keeps the last output.
struct Harness {
  LoginFlow flow;
  std::int64_t now = kT0;
  LoginOutput out;

  /// `long_poll_wait_s` 0: plain polling, the schedule most tests check.
  /// `step_up`: a step-up login (LoginConfig::step_up).
  explicit Harness(Lang lang = Lang::en, std::string username = {}, std::int64_t long_poll_wait_s = 0,
                   bool step_up = false) {
    LoginConfig c;
    c.step_up = step_up;
    c.poll.long_poll_wait_s = long_poll_wait_s;
    c.lang = lang;
    c.username = std::move(username);
    c.now_ms = now;
    c.random = [](std::uint32_t) { return 0u; };  // no jitter: exact schedules
    out = flow.start(std::move(c));
  }

  const LoginOutput& event(std::string_view action, std::string_view value = {}) {
    out = flow.on_event(UserEvent{std::string(action), std::string(value), now});
    return out;
  }
  const LoginOutput& reply(std::uint64_t id, int status, std::string body = {},
                           std::optional<std::int64_t> retry_after = std::nullopt) {
    out = flow.on_reply(HttpReply{id, status, retry_after, std::move(body), now});
    return out;
  }
  const LoginOutput& fire(std::uint64_t timer_id) {
    out = flow.on_timer(TimerFired{timer_id, now});
    return out;
  }
  void advance(std::int64_t ms) { now += ms; }

  // Effects of the last output.
  template <class E>
  std::vector<const E*> all() const {
    std::vector<const E*> v;
    for (const auto& e : out.effects)
      if (const auto* typed = std::get_if<E>(&e)) v.push_back(typed);
    return v;
  }
  template <class E>
  const E* one() const {
    auto v = all<E>();
    return v.size() == 1 ? v[0] : nullptr;
  }
  const HttpEffect& http() const {
    auto v = all<HttpEffect>();
    EXPECT_EQ(v.size(), 1u) << "expected exactly one http effect";
    static const HttpEffect none{};
    return v.empty() ? none : *v.back();
  }
  json body() const { return json::parse(http().body.view()); }
  /// The value of header `name` of an http effect, "<none>" when absent.
  static std::string header(const HttpEffect& e, std::string_view name) {
    for (const auto& h : e.headers)
      if (h.name == name) return std::string(h.value.view());
    return "<none>";
  }
  const TimerEffect* timer_with_delay(std::int64_t delay) const {
    for (auto* e : all<TimerEffect>())
      if (e->delay_ms == delay) return e;
    return nullptr;
  }
  std::string focus() const {
    auto* e = one<FocusEffect>();
    return e ? e->element_id : std::string();
  }
  std::vector<json> emitted(std::string_view type) const {
    std::vector<json> v;
    for (auto* e : all<EmitEffect>())
      if (e->type == type) v.push_back(json::parse(json_serialize(e->detail)));
    return v;
  }
  std::string html() const { return to_html(out.view); }
  std::string text_of(std::string_view id) const {
    const Node* n = out.view.find_by_id(id);
    return n ? n->text_content() : "<missing " + std::string(id) + ">";
  }
  const Node* node(std::string_view id) const { return out.view.find_by_id(id); }
  std::string attr(std::string_view id, std::string_view name) const {
    const Node* n = node(id);
    const std::string* v = n ? n->find_attr(name) : nullptr;
    return v ? *v : std::string("<none>");
  }

  // Common paths.
  std::uint64_t submit_credentials(std::string_view user = "alice", std::string_view pw = "correct horse") {
    event(login_action::input_username, user);
    event(login_action::input_password, pw);
    event(login_action::submit);
    return http().id;
  }
};

inline std::string device_json(std::string_view id, std::string_view kind, std::string_view label) {
  return json{{"device_id", id}, {"kind", kind}, {"label", label}}.dump();
}

/// The login secret the fake /login replies hand out.
constexpr std::string_view kSecret = "S3cret-0123456789abcdefghijklmnopqrstuvwxyzA";

/// A /login reply for a password-only account: verified at once.
inline const std::string kVerifiedLogin = json{
    {"login_id", "L0gin_Id-0123456789abcd"},
    {"login_secret", kSecret},
    {"state", "verified"},
    {"devices", json::array()},
    {"completion_token", "tok-1"}}.dump();

inline std::string login_started(std::initializer_list<std::string> devices, std::string_view default_id = {}) {
  std::string s = R"({"login_id":"L0gin_Id-0123456789abcd","login_secret":")" + std::string(kSecret) +
                  R"(","state":"second_factor","devices":[)";
  bool first = true;
  for (const auto& d : devices) {
    if (!first) s += ",";
    first = false;
    s += d;
  }
  s += "]";
  if (!default_id.empty()) s += R"(,"default_device_id":")" + std::string(default_id) + "\"";
  return s + "}";
}

constexpr std::string_view kLoginPath = "/login/L0gin_Id-0123456789abcd";

inline std::string push_challenge(std::int64_t expires_in_s = 120) {
  return json{
      {"method", "push"}, {"expires_at", kT0s + expires_in_s}, {"tx_id", "Tx_0123456789abcdefghij"}, {"number", "47"}}
      .dump();
}
inline std::string ocra_challenge(bool with_qr = true) {
  json j{{"method", "ocra"}, {"challenge_id", "ch-1"}, {"expires_at", kT0s + 300}, {"challenge", "042917"}};
  if (with_qr) j["qr_payload"] = "SLS1.eyJ0eCI6IlR4In0.c2lnbmF0dXJl";
  return j.dump();
}
inline std::string card_challenge() {
  return json{{"method", "code_card"},
              {"challenge_id", "ch-2"},
              {"expires_at", kT0s + 300},
              {"indices", {12, 87}},
              {"card_serial", "0042"}}
      .dump();
}
inline std::string sms_challenge(std::int64_t resend_in_s = 120) {
  return json{{"method", "sms"},
              {"challenge_id", "ch-3"},
              {"expires_at", kT0s + 600},
              {"sent_to", "•••• 1234"},
              {"resend_after", kT0s + resend_in_s}}
      .dump();
}
inline std::string temp_challenge() {
  return json{{"method", "temp_code"}, {"challenge_id", "ch-4"}, {"expires_at", kT0s + 600}}.dump();
}
inline std::string error_body(std::string_view code, std::optional<int> attempts_left = std::nullopt,
                              std::optional<int> retry_after = std::nullopt) {
  json e{{"code", code}, {"message", "server text"}};
  if (attempts_left) e["attempts_left"] = *attempts_left;
  if (retry_after) e["retry_after"] = *retry_after;
  return json{{"error", e}}.dump();
}
inline const std::string kSession =
    R"({"username":"alice","device_kind":"mobile_key","access":"full","limits":{"daily":{"unlimited":false,"cents":100000000}},"restrictions":[]})";

/// Logs in as far as the challenge of a single device of `kind`.
inline std::uint64_t to_challenge(Harness& h, std::string_view kind, const std::string& challenge) {
  const auto login = h.submit_credentials();
  h.reply(login, 200, login_started({device_json("dev-1", kind, "My device")}));
  EXPECT_EQ(h.http().path, std::string(kLoginPath) + "/challenge");
  h.reply(h.http().id, 200, challenge);
  return 0;
}

// --- push ----------------------------------------------------------------------------------

struct PushHarness : Harness {
  std::uint64_t poll_timer = 0;
  std::uint64_t tick_timer = 0;
  PushHarness() {
    to_challenge(*this, "mobile_key", push_challenge());
    poll_timer = timer_with_delay(1000)->id;
    // The tick and the first poll both fall due after 1 s: the tick is the
    // second timer.
    tick_timer = all<TimerEffect>().at(1)->id;
  }
  const HttpEffect& poll_now() {
    fire(poll_timer);
    return http();
  }
};

}  // namespace sls::flow_testing
