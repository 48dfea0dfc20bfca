// The UI text catalog in the three languages, and a snapshot of every screen
// of LoginFlow in each (tests/snapshots; SLS_UPDATE_SNAPSHOTS=1 rewrites them).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "login_flow_harness.hpp"
#include "sls/messages.hpp"
#include "sls/ui_text.hpp"

namespace sls {
namespace {

using namespace flow_testing;  // NOLINT(google-build-using-namespace): the harness of these tests

// --- UI text catalog -----------------------------------------------------------------------------

std::set<std::string> placeholders(std::string_view s) {
  std::set<std::string> out;
  for (std::size_t i = 0; i + 2 < s.size(); ++i)
    if (s[i] == '{' && s[i + 2] == '}') out.insert(std::string(s.substr(i, 3)));
  return out;
}

TEST(UiText, EveryStringInEveryLanguage) {
  ASSERT_GT(ui_text_count(), 50u);
  for (std::size_t i = 0; i < ui_text_count(); ++i) {
    const auto id = static_cast<UiText>(i);
    const auto en = ui_text(id, Lang::en), hant = ui_text(id, Lang::zh_Hant), hans = ui_text(id, Lang::zh_Hans);
    EXPECT_FALSE(en.empty()) << i;
    EXPECT_FALSE(hant.empty()) << i;
    EXPECT_FALSE(hans.empty()) << i;
    EXPECT_EQ(placeholders(en), placeholders(hant)) << en;
    EXPECT_EQ(placeholders(en), placeholders(hans)) << en;
    // Chinese text uses full-width punctuation.
    for (auto s : {hant, hans}) {
      EXPECT_EQ(s.find(", "), std::string_view::npos) << s;
      EXPECT_EQ(s.find(". "), std::string_view::npos) << s;
    }
  }
  EXPECT_TRUE(ui_text(static_cast<UiText>(ui_text_count()), Lang::en).empty());
}

TEST(UiText, FormatAndDurations) {
  EXPECT_EQ(ui_format(UiText::card_index, Lang::zh_Hant, {"12"}), "索引 12");
  EXPECT_EQ(ui_format(UiText::card_field_label, Lang::en, {"12"}), "Codes for index 12 and index {1}");
  EXPECT_EQ(duration_words(0, Lang::en), "0 seconds");
  EXPECT_EQ(duration_words(1000, Lang::en), "1 second");
  EXPECT_EQ(duration_words(45'000, Lang::en), "45 seconds");
  EXPECT_EQ(duration_words(60'000, Lang::en), "1 minute");
  EXPECT_EQ(duration_words(119'600, Lang::en), "2 minutes");
  // Rounded up like the countdown: a push opened 0.6 s after the server
  // stamped it still reads "2 minutes" beside "2:00".
  EXPECT_EQ(duration_words(119'400, Lang::en), "2 minutes");
  EXPECT_EQ(duration_words(59'001, Lang::en), "1 minute");
  EXPECT_EQ(duration_words(90'000, Lang::en), "1 min 30 s");
  EXPECT_EQ(duration_words(90'000, Lang::zh_Hans), "1 分 30 秒");
  EXPECT_EQ(duration_words(900'000, Lang::zh_Hant), "15 分鐘");
  EXPECT_EQ(duration_words(601'000, Lang::en), "11 minutes");
  EXPECT_EQ(duration_words(3 * 3600'000 + 1000, Lang::en), "4 hours");
  EXPECT_EQ(duration_words(-5, Lang::en), "0 seconds");
  EXPECT_EQ(countdown_clock(120'000), "2:00");
  EXPECT_EQ(countdown_clock(119'001), "2:00");
  EXPECT_EQ(countdown_clock(65'000), "1:05");
  EXPECT_EQ(countdown_clock(1), "0:01");
  EXPECT_EQ(countdown_clock(0), "0:00");
  EXPECT_EQ(countdown_clock(-1), "0:00");
}

// --- snapshots -------------------------------------------------------------------------------------

std::filesystem::path snapshot_dir() { return std::filesystem::path(SLS_TEST_VECTORS_DIR) / ".." / "snapshots"; }

void check_snapshot(const std::string& name, const Node& view) {
  const std::string html = to_html(view, HtmlLayout::indented);
  const auto path = snapshot_dir() / (name + ".html");
  const char* update = std::getenv("SLS_UPDATE_SNAPSHOTS");
  if (update && std::string_view(update) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << html;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing snapshot " << path << " (run with SLS_UPDATE_SNAPSHOTS=1)";
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(html, golden.str()) << "snapshot " << name << " differs (SLS_UPDATE_SNAPSHOTS=1 rewrites it)";
}

std::string lang_suffix(Lang l) { return std::string(lang_tag(l)); }

class Snapshots : public ::testing::TestWithParam<Lang> {};

TEST_P(Snapshots, EveryScreen) {
  const Lang lang = GetParam();
  const std::string sfx = "." + lang_suffix(lang);
  {
    Harness h(lang, "alice");
    check_snapshot("credentials" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    const auto id = h.submit_credentials();
    h.reply(id, 200,
            login_started({device_json("mk-1", "mobile_key", "Mobile Key (phone ending 1234)"),
                           device_json("card-1", "code_card", "Code card 0042"),
                           device_json("sms-1", "sms", "Phone ending 5678")}));
    check_snapshot("device_choice" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    to_challenge(h, "code_card", card_challenge());
    h.event(login_action::input_code, "a3d");
    check_snapshot("code_card" + sfx, h.out.view);
    h.event(login_action::input_code, "a3d-7k!");
    check_snapshot("code_card_error" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    to_challenge(h, "mobile_key", ocra_challenge(true));
    check_snapshot("challenge_response" + sfx, h.out.view);
  }
  {
    PushHarness h;
    h.out = h.flow.set_lang(lang, h.now);
    h.advance(7000);
    h.out = h.flow.on_timer(TimerFired{h.tick_timer, h.now});
    check_snapshot("push" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    to_challenge(h, "sms", sms_challenge(120));
    h.advance(15'000);
    h.fire(h.timer_with_delay(1000)->id);
    check_snapshot("sms" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    to_challenge(h, "temp_code", temp_challenge());
    check_snapshot("temp_code" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    const auto id = h.submit_credentials();
    h.reply(id, 423, error_body("auth.locked", std::nullopt, 1800));
    check_snapshot("locked" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    to_challenge(h, "code_card", card_challenge());
    h.event(login_action::input_code, "A3D7KP");
    h.event(login_action::submit);
    h.reply(h.http().id, 410, error_body("login.expired"));
    check_snapshot("expired" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    const auto id = h.submit_credentials();
    h.reply(id, 200, login_started({device_json("dev-1", "sms", "Phone")}));
    h.reply(h.http().id, 0);
    check_snapshot("network_error" + sfx, h.out.view);
  }
  {
    Harness h(lang);
    const auto id = h.submit_credentials();
    h.reply(id, 200, kVerifiedLogin);
    h.reply(h.http().id, 200, kSession);
    check_snapshot("authenticated" + sfx, h.out.view);
  }
  {
    Harness h(lang, {}, 0, /*step_up=*/true);
    check_snapshot("step_up_loading" + sfx, h.out.view);
    h.reply(h.http().id, 200, login_started({device_json("dev-1", "code_card", "Code card 0042")}));
    h.reply(h.http().id, 200, card_challenge());
    h.event(login_action::input_code, "A3D7KP");
    h.event(login_action::submit);
    h.reply(h.http().id, 200, R"({"completion_token":"tok-1"})");
    h.reply(h.http().id, 200, R"({"step_up":true,"step_up_until":1700000300,"user":"alice"})");
    check_snapshot("step_up_done" + sfx, h.out.view);
  }
  {
    Harness h(lang, {}, 0, /*step_up=*/true);
    h.reply(h.http().id, 409, error_body("step_up.no_device"));
    check_snapshot("step_up_failed" + sfx, h.out.view);
  }
}

INSTANTIATE_TEST_SUITE_P(AllLanguages, Snapshots, ::testing::Values(Lang::en, Lang::zh_Hant, Lang::zh_Hans),
                         [](const auto& param_info) {
                           switch (param_info.param) {
                             case Lang::en: return std::string("en");
                             case Lang::zh_Hant: return std::string("zh_Hant");
                             case Lang::zh_Hans: return std::string("zh_Hans");
                           }
                           return std::string("x");
                         });

}  // namespace
}  // namespace sls
