// The security centre's device lifecycle (issue 12), driven with simulated time and canned replies in exactly the
// shapes of the contracts (DEVICE, EVENT, REGION, the online card, ORDER, the phones): the devices part and its
// actions by state, report lost and the offers in order, remove and replace with the step-up, the online card from
// issue to activation, the replacement DSC+ order, the return page, the history, the phones on record; errors.
#include <string>
#include <vector>

#include "security_test_support.hpp"

namespace sls {
namespace {

using namespace security_test;  // NOLINT(google-build-using-namespace): the harness

constexpr std::int64_t kDay = 86'400;
constexpr std::int64_t kNowS = kNow / 1000;

json device(const std::string& id, const std::string& kind, const std::string& serial, const std::string& status,
            json ended = nullptr, json expires_at = nullptr) {
  const bool hardware = kind == "dsc" || kind == "dsc_plus" || kind == "platinum_gold";
  return {{"id", id},
          {"kind", kind},
          {"label", kind},
          {"serial", serial},
          {"status", status},
          {"since", 1'767'225'600},
          {"expires_at", std::move(expires_at)},
          {"ended", std::move(ended)},
          {"returnable", hardware},
          {"replaces", nullptr},
          {"access", kind == "temp_code" ? json("account_management") : json(nullptr)}};
}

json devices_body(json step_up_until = nullptr) {
  return {
      {"devices",
       {device("d1", "dsc", "DSC-1", "active"), device("oc1", "online_card", "OC-5", "pending", nullptr, kNowS + kDay),
        device("t1", "temp_code", "TC-9", "active", nullptr, kNowS + 10 * kDay),
        device("m0", "mobile_key", "MK-3", "revoked", {{"event", "lost"}, {"at", 1'788'000'000}})}},
      {"step_up_until", std::move(step_up_until)}};
}

json phones_body() {
  return {{"phones",
           {{{"id", "p1"}, {"masked", "+1 ••• ••• 4567"}, {"default", true}},
            {{"id", "p2"}, {"masked", "+852 •••• 1234"}, {"default", false}}}}};
}

json region(const std::string& id, const std::string& first_line, json phones) {
  return {{"id", id}, {"address", {"Attn: Token Return Department", first_line}}, {"phones", std::move(phones)}};
}

json return_body(const std::string& advice, const std::string& kind = "dsc", const std::string& serial = "DSC-1") {
  return {{"device", device("d1", kind, serial, "active")},
          {"advice", advice},
          {"suggest", advice == "destroy" ? json("mobile_key") : json(nullptr)},
          {"region", "asia"},
          // The server puts the user's region first; the core does so too whatever the order.
          {"regions",
           {region("americas", "3 Pickwick Plaza",
                   {{{"area", "United States"},
                     {"kind", "toll_free"},
                     {"number", "1 (877) 442-2757"},
                     {"language", nullptr}}}),
            region("asia", "Two Pacific Place",
                   {{{"area", "Hong Kong"}, {"kind", "direct"}, {"number", "+852-2156-7907"}, {"language", "yue"}},
                    {{"area", "China"}, {"kind", "direct"}, {"number", "+86 (21) 6086 8586"}, {"language", "cmn"}}}),
            region("japan", "Kasumigaseki Building 25F",
                   {{{"area", "Japan"}, {"kind", "direct"}, {"number", "+81 (3) 4588 9710"}, {"language", "en"}}})}},
          {"receipt_business_days", {{"min", 3}, {"max", 5}}}};
}

json card_body(const std::string& print_url = "/api/v1/devices/oc2/card") {
  json cells = json::array();
  for (int i = 0; i < 20; ++i) cells.push_back("C" + std::string(i < 10 ? "0" : "") + std::to_string(i));
  cells[2] = "A3D";
  cells[16] = "B7K";
  return {{"device", device("oc2", "online_card", "OC-6", "pending", nullptr, kNowS + kDay)},
          {"card", {{"serial", "OC-6"}, {"cells", cells}}},
          {"activation", {{"indices", {3, 17}}}},
          {"print_url", print_url}};
}

json order_body(const json& replaces) {
  return {{"order",
           {{"id", "o1"},
            {"kind", "dsc_plus"},
            {"status", "ordered"},
            {"device_id", "dp1"},
            {"serial", "DP-100"},
            {"replaces", replaces},
            {"estimated_ship_date", "2026-09-24"},
            {"created_at", kNowS},
            {"shipped_at", nullptr},
            {"auto_activate_at", nullptr},
            {"activated_at", nullptr},
            {"deposit",
             {{"account", "acc1"},
              {"account_name", "demo-joint"},
              {"cents", 2000},
              {"status", "held"},
              {"reason", nullptr}}}}}};
}

/// Answers the four loads: accounts, sharing (404), devices, phones.
/// Both GET /accounts and GET /devices carry the session's step_up_until.
void load_all(Harness& h, const json& devices = devices_body(), int phones_status = 200) {
  const auto* a = h.request("GET", "/accounts");
  const auto* sh = h.request("GET", "/sharing");
  const auto* d = h.request("GET", "/devices");
  const auto* p = h.request("GET", "/phones");
  ASSERT_TRUE(a && sh && d && p);
  const auto aid = a->id, sid = sh->id, did = d->id, pid = p->id;
  h.reply(sid, 404, error_body("not_found"));
  h.reply(did, 200, devices.dump());
  h.reply(pid, phones_status, phones_status == 200 ? phones_body().dump() : error_body("not_found"));
  const json& until = devices["step_up_until"];
  const auto step_up_until = until.is_null() ? std::nullopt : std::optional<std::int64_t>(until.get<std::int64_t>());
  h.reply(aid, 200, accounts_body("alice", false, step_up_until).dump());
}

std::string attr(const Node* n, std::string_view name) {
  if (!n) return "<none>";
  const std::string* v = n->find_attr(name);
  return v ? *v : "<unset>";
}

std::string body_of(const HttpEffect* e) { return e ? std::string(e->body.view()) : std::string("<none>"); }

TEST(SecurityDevices, DevicesPartShowsStatusExpiryAndActionsByState) {
  Harness h;
  load_all(h);
  ASSERT_EQ(h.screen(), "overview");
  const std::string t = h.text();
  EXPECT_NE(t.find("Your security devices"), std::string::npos);
  EXPECT_NE(t.find("Digital security card · Serial number DSC-1 · active · since 2026-01-01"), std::string::npos);
  // A pending online card: its activation window; a temporary code: its access and expiry.
  EXPECT_NE(t.find("Serial number OC-5 · waiting for activation · since 2026-01-01 · activate by 2026-09-22"),
            std::string::npos);
  EXPECT_NE(t.find("valid until 2026-10-01 · account management only"), std::string::npos);
  EXPECT_NE(t.find("Serial number MK-3 · reported lost on 2026-08-29"), std::string::npos);
  // Actions by state: the active DSC may be reported lost, replaced, removed and returned.
  for (const char* id : {"sec-lost-d1", "sec-replace-d1", "sec-remove-d1", "sec-return-d1"})
    EXPECT_NE(h.out.view.find_by_id(id), nullptr) << id;
  EXPECT_EQ(attr(h.out.view.find_by_id("sec-lost-d1"), "aria-describedby"), "sec-device-d1");
  // The pending card: lost, remove, what to do with it; not replace. The temporary code: no replace, no return.
  EXPECT_NE(h.out.view.find_by_id("sec-return-oc1"), nullptr);
  EXPECT_EQ(h.out.view.find_by_id("sec-replace-oc1"), nullptr);
  EXPECT_EQ(h.out.view.find_by_id("sec-replace-t1"), nullptr);
  EXPECT_EQ(h.out.view.find_by_id("sec-return-t1"), nullptr);
  // The lost Mobile Key: nothing to do.
  for (const char* id : {"sec-lost-m0", "sec-remove-m0", "sec-replace-m0", "sec-return-m0"})
    EXPECT_EQ(h.out.view.find_by_id(id), nullptr) << id;
  EXPECT_NE(h.out.view.find_by_id("sec-history"), nullptr);
  EXPECT_NE(h.out.view.find_by_id("sec-issue-card"), nullptr);
  EXPECT_NE(h.out.view.find_by_id("sec-order"), nullptr);
  // The phones on record.
  EXPECT_NE(t.find("Phone numbers on record"), std::string::npos);
  EXPECT_NE(t.find("+1 ••• ••• 4567 · default"), std::string::npos);
  EXPECT_NE(h.out.view.find_by_id("sec-remove-phone-p2"), nullptr);
  // Events for a device that is ended or unknown change nothing.
  h.event(security_action::report_lost, "m0");
  EXPECT_EQ(h.screen(), "overview");
  h.event(security_action::remove_device, "nope");
  EXPECT_EQ(h.screen(), "overview");
  EXPECT_TRUE(h.https().empty());
}

TEST(SecurityDevices, PartsHiddenWhenTheirRoutesDoNotAnswer) {
  Harness h;
  const auto* a = h.request("GET", "/accounts");
  const auto* d = h.request("GET", "/devices");
  const auto* p = h.request("GET", "/phones");
  ASSERT_TRUE(a && d && p);
  const auto aid = a->id, did = d->id, pid = p->id;
  h.reply(did, 404, error_body("not_found"));
  h.reply(pid, 0, "");
  h.reply(aid, 200, accounts_body().dump());
  EXPECT_EQ(h.screen(), "overview");
  EXPECT_EQ(h.text().find("Your security devices"), std::string::npos);
  EXPECT_EQ(h.text().find("Phone numbers on record"), std::string::npos);
  h.event(security_action::show_history);                             // no devices part: no history button either
  EXPECT_NE(h.request("GET", "/devices/history?limit=50"), nullptr);  // the event itself still works
}

TEST(SecurityDevices, ReportLostConfirmsThenOffersTemporaryAccessOnlineCardReplacementInOrder) {
  Harness h;
  load_all(h);  // step_up_until null: a lost report needs no fresh factor
  h.event(security_action::report_lost, "d1");
  EXPECT_EQ(h.screen(), "confirm_lost");
  EXPECT_EQ(h.focus(), "sec-title");
  EXPECT_NE(h.text().find("You are reporting Digital security card · Serial number DSC-1"), std::string::npos);
  EXPECT_TRUE(h.https().empty());
  h.event(security_action::confirm_lost);
  EXPECT_EQ(h.screen(), "busy");
  const auto* post = h.request("POST", "/devices/d1/lost");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(body_of(post), "{}");
  json reply = {{"device", device("d1", "dsc", "DSC-1", "revoked", {{"event", "lost"}, {"at", kNowS}})},
                {"sessions_ended", 2},
                {"offers", {"temporary_code", "online_card", "replacement"}}};
  h.reply(post->id, 200, reply.dump());
  EXPECT_EQ(h.screen(), "lost_offers");
  EXPECT_EQ(h.focus(), "sec-title");
  // The live region says what happened (kept although the screen changed).
  ASSERT_NE(h.out.view.find_by_id("sec-status"), nullptr);
  EXPECT_EQ(h.out.view.find_by_id("sec-status")->text_content(), "Device reported lost");
  ASSERT_EQ(h.emitted("changed").size(), 1u);
  EXPECT_EQ(h.emitted("changed")[0]["change"], "report_lost");
  // The region's numbers come from the return page's route; the devices are read again.
  const auto* region = h.request("GET", "/devices/d1/return");
  ASSERT_NE(region, nullptr);
  EXPECT_NE(h.request("GET", "/devices"), nullptr);
  std::string t = h.text();
  EXPECT_NE(t.find("Digital security card · Serial number DSC-1 no longer works."), std::string::npos);
  EXPECT_NE(t.find("2 other sessions were ended."), std::string::npos);
  const auto temp = t.find("Temporary access"), card = t.find("Online security code card"),
             replacement = t.find("A replacement device");
  ASSERT_NE(temp, std::string::npos);
  EXPECT_LT(temp, card);
  EXPECT_LT(card, replacement);
  EXPECT_NE(t.find("2 days with full access"), std::string::npos);
  EXPECT_NE(t.find("10 days for account management only"), std::string::npos);
  EXPECT_EQ(t.find("+852-2156-7907"), std::string::npos);  // not yet
  h.reply(region->id, 200, return_body("return").dump());
  t = h.text();
  EXPECT_NE(t.find("Support numbers for Asia:"), std::string::npos);
  EXPECT_NE(t.find("Hong Kong: +852-2156-7907 · direct · in Cantonese"), std::string::npos);
  EXPECT_EQ(t.find("1 (877) 442-2757"), std::string::npos);  // only the user's region here
  EXPECT_NE(h.out.view.find_by_id("sec-issue-card"), nullptr);
  EXPECT_NE(h.out.view.find_by_id("sec-order"), nullptr);
  // Back: everything is read again.
  h.event(security_action::back);
  EXPECT_EQ(h.screen(), "loading");
  EXPECT_NE(h.request("GET", "/accounts"), nullptr);
}

TEST(SecurityDevices, ReportLostInChineseAndItsRefusals) {
  Harness h(Lang::zh_Hans);
  load_all(h);
  h.event(security_action::report_lost, "d1");
  EXPECT_NE(h.text().find("确定挂失设备？"), std::string::npos);
  h.event(security_action::cancel);
  EXPECT_EQ(h.screen(), "overview");
  EXPECT_TRUE(h.https().empty());
  h.event(security_action::report_lost, "d1");
  h.event(security_action::confirm_lost);
  const auto* post = h.request("POST", "/devices/d1/lost");
  ASSERT_NE(post, nullptr);
  h.reply(post->id, 409, error_body("device.ended", "该设备已停用。"));
  EXPECT_EQ(h.screen(), "error");
  ASSERT_EQ(h.emitted("error").size(), 1u);
  EXPECT_EQ(h.emitted("error")[0]["code"], "device.ended");
  const std::string message = h.emitted("error")[0]["message"];
  EXPECT_FALSE(message.empty());
  EXPECT_NE(h.text().find(message), std::string::npos);
  EXPECT_NE(h.out.view.find_by_id("sec-back"), nullptr);
  // The offers in Chinese, with no region when the return route failed.
  h.event(security_action::back);
  h.event(security_action::report_lost, "d1");
  h.event(security_action::confirm_lost);
  post = h.request("POST", "/devices/d1/lost");
  ASSERT_NE(post, nullptr);
  h.reply(post->id, 200,
          json{{"device", device("d1", "dsc", "DSC-1", "revoked")}, {"sessions_ended", 1}, {"offers", json::array()}}
              .dump());
  const auto* region = h.request("GET", "/devices/d1/return");
  ASSERT_NE(region, nullptr);
  h.reply(region->id, 500, error_body("internal"));
  const std::string t = h.text();
  EXPECT_NE(t.find("已结束 1 个其他会话。"), std::string::npos);
  EXPECT_NE(t.find("临时访问"), std::string::npos);  // an empty offers list means all three
  EXPECT_EQ(t.find("客户服务电话："), std::string::npos);
}

TEST(SecurityDevices, OnlineCardIssueStepUpCardPrintActivation) {
  Harness h;
  load_all(h);
  h.event(security_action::issue_card);
  EXPECT_EQ(h.screen(), "busy");
  const auto* post = h.request("POST", "/devices/online-card");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(body_of(post), "{}");
  // fresh*: the server decides; its 403 leads to the nested step-up login, then the same request again.
  h.reply(post->id, 403, error_body("account.step_up_required"));
  EXPECT_EQ(h.screen(), "step_up");
  h.event(security_action::step_up_done, json{{"step_up", true}, {"step_up_until", kNowS + 300}}.dump());
  post = h.request("POST", "/devices/online-card");
  ASSERT_NE(post, nullptr);
  h.reply(post->id, 201, card_body().dump());
  EXPECT_EQ(h.screen(), "card");
  EXPECT_EQ(h.focus(), "sec-title");
  std::string t = h.text();
  EXPECT_NE(t.find("Card OC-6: print it or write the codes down"), std::string::npos);
  EXPECT_NE(t.find("3 A3D"), std::string::npos);
  EXPECT_NE(t.find("17 B7K"), std::string::npos);
  EXPECT_NE(t.find("Activate it by 2026-09-22"), std::string::npos);
  const Node* print = h.out.view.find_by_id("sec-print");
  ASSERT_NE(print, nullptr);
  EXPECT_EQ(print->tag, "a");
  EXPECT_EQ(attr(print, "href"), "/api/v1/devices/oc2/card?lang=en");
  EXPECT_EQ(attr(print, "target"), "_blank");
  EXPECT_EQ(attr(print, "rel"), "noopener");
  // Activation: the two indices name the fields.
  h.event(security_action::card_continue);
  EXPECT_EQ(h.screen(), "card_activate");
  EXPECT_EQ(h.focus(), "sec-code1");
  t = h.text();
  EXPECT_NE(t.find("Type the codes at numbers 3 and 17 of card OC-6."), std::string::npos);
  EXPECT_NE(t.find("Code number 3"), std::string::npos);
  EXPECT_NE(t.find("Code number 17"), std::string::npos);
  h.event(security_action::activate_card);
  EXPECT_TRUE(h.https().empty());
  EXPECT_EQ(h.focus(), "sec-error");
  EXPECT_NE(h.text().find("Type both codes."), std::string::npos);
  h.event(security_action::input_code1, "a3d");
  h.event(security_action::input_code2, "B7X");
  h.event(security_action::activate_card);
  post = h.request("POST", "/devices/oc2/activate");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(json::parse(body_of(post)), (json{{"codes", "a3dB7X"}}));
  h.reply(post->id, 422, error_body("online_card.bad_codes", "Those codes do not match the card."));
  EXPECT_EQ(h.screen(), "card_activate");  // on the form, the fields marked
  EXPECT_EQ(h.focus(), "sec-error");
  EXPECT_EQ(attr(h.out.view.find_by_id("sec-code2"), "aria-invalid"), "true");
  EXPECT_EQ(h.emitted("error").at(0)["code"], "online_card.bad_codes");
  h.event(security_action::input_code2, "B7K");
  h.event(security_action::activate_card);
  post = h.request("POST", "/devices/oc2/activate");
  ASSERT_NE(post, nullptr);
  json active = {{"device", device("oc2", "online_card", "OC-6", "active", nullptr, kNowS + 21 * kDay)}};
  h.reply(post->id, 200, active.dump());
  EXPECT_EQ(h.screen(), "card_done");
  EXPECT_EQ(h.focus(), "sec-title");
  EXPECT_NE(h.text().find("Card OC-6 works for logging in until 2026-10-12."), std::string::npos);
  EXPECT_EQ(h.emitted("changed").at(0)["change"], "activate_card");
  EXPECT_NE(h.request("GET", "/devices"), nullptr);
}

TEST(SecurityDevices, OnlineCardPrintUrlMustBeAPathOfTheOrigin) {
  for (const char* bad : {"javascript:alert(1)", "//evil.example/card", "https://evil.example/", "/a b"}) {
    Harness h;
    load_all(h);
    h.event(security_action::issue_card);
    const auto* post = h.request("POST", "/devices/online-card");
    ASSERT_NE(post, nullptr);
    h.reply(post->id, 201, card_body(bad).dump());
    EXPECT_EQ(h.screen(), "card") << bad;
    EXPECT_EQ(h.out.view.find_by_id("sec-print"), nullptr) << bad;
  }
  // A card reply without two distinct indices is no card.
  Harness h;
  load_all(h);
  h.event(security_action::issue_card);
  const auto* post = h.request("POST", "/devices/online-card");
  ASSERT_NE(post, nullptr);
  json body = card_body();
  body["activation"]["indices"] = {4, 4};
  h.reply(post->id, 201, body.dump());
  EXPECT_EQ(h.screen(), "error");
  EXPECT_EQ(h.emitted("error").at(0)["code"], "internal");
}

TEST(SecurityDevices, ReplacementOrderPinTwiceAccountSummaryBackConfirmation) {
  Harness h;
  load_all(h);
  h.event(security_action::order_start);
  EXPECT_EQ(h.screen(), "order_pin");
  EXPECT_EQ(h.focus(), "sec-pin");
  EXPECT_EQ(attr(h.out.view.find_by_id("sec-pin"), "type"), "password");
  EXPECT_EQ(attr(h.out.view.find_by_id("sec-pin"), "inputmode"), "numeric");
  h.event(security_action::input_pin, "12a4");
  h.event(security_action::input_pin2, "12a4");
  h.event(security_action::pin_submit);
  EXPECT_EQ(h.screen(), "order_pin");
  EXPECT_NE(h.text().find("The PIN is 4 digits."), std::string::npos);
  h.event(security_action::input_pin, "1234");
  h.event(security_action::input_pin2, "1235");
  h.event(security_action::pin_submit);
  EXPECT_NE(h.text().find("The two PINs differ."), std::string::npos);
  EXPECT_EQ(h.focus(), "sec-error");
  h.event(security_action::input_pin2, "1234");
  h.event(security_action::pin_submit);
  EXPECT_EQ(h.screen(), "order_account");
  EXPECT_EQ(h.focus(), "sec-title");
  EXPECT_NE(h.text().find("A deposit of 20 USD is held on the account you choose"), std::string::npos);
  EXPECT_EQ(attr(h.out.view.find_by_id("sec-deposit-acc1"), "checked"), "");  // the only account, chosen
  h.event(security_action::choose_account, "elsewhere");                      // not one of the user's: ignored
  h.event(security_action::choose_account, "acc1");
  h.event(security_action::account_submit);
  EXPECT_EQ(h.screen(), "order_summary");
  std::string t = h.text();
  EXPECT_NE(t.find("DeviceDigital security card+"), std::string::npos);
  EXPECT_NE(t.find("Replacesnothing (an additional device)"), std::string::npos);
  EXPECT_NE(t.find("Deposit20 USD, held on account demo-joint"), std::string::npos);
  EXPECT_EQ(t.find("1234"), std::string::npos);  // the PIN is never shown
  // Back goes one step back, keeping the choice.
  h.event(security_action::order_back);
  EXPECT_EQ(h.screen(), "order_account");
  h.event(security_action::account_submit);
  h.event(security_action::order_submit);
  EXPECT_EQ(h.screen(), "busy");
  auto* post = h.request("POST", "/device-orders");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(json::parse(body_of(post)),
            (json{{"kind", "dsc_plus"}, {"pin", "1234"}, {"deposit_account", "acc1"}, {"replaces", nullptr}}));
  // A refusal shows on the summary; the step-up sends the same order again.
  h.reply(post->id, 409, error_body("order.open", "You already have an open order."));
  EXPECT_EQ(h.screen(), "order_summary");
  EXPECT_NE(h.text().find("You already have a replacement device on order."), std::string::npos);  // the catalog's
  h.event(security_action::order_submit);
  post = h.request("POST", "/device-orders");
  ASSERT_NE(post, nullptr);
  h.reply(post->id, 403, error_body("account.step_up_required"));
  EXPECT_EQ(h.screen(), "step_up");
  h.event(security_action::step_up_done, json{{"step_up", true}, {"step_up_until", kNowS + 300}}.dump());
  post = h.request("POST", "/device-orders");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(json::parse(body_of(post))["pin"], "1234");
  h.reply(post->id, 201, order_body(nullptr).dump());
  EXPECT_EQ(h.screen(), "order_done");
  EXPECT_EQ(h.focus(), "sec-title");
  t = h.text();
  EXPECT_NE(t.find("Your Digital security card+ DP-100 is expected to ship on 2026-09-24."), std::string::npos);
  EXPECT_NE(t.find("A deposit of 20 USD is held on account demo-joint."), std::string::npos);
  EXPECT_NE(t.find("3 weeks after shipping"), std::string::npos);
  EXPECT_EQ(h.emitted("changed").at(0)["change"], "order");
}

TEST(SecurityDevices, ReplaceOffersMobileKeyOrAnOrderReplacingTheDevice) {
  Harness h(Lang::zh_Hant);
  load_all(h, devices_body(kNowS + 300));  // fresh: no step-up
  h.event(security_action::replace_device, "d1");
  EXPECT_EQ(h.screen(), "confirm_replace");
  EXPECT_NE(h.text().find("以下列裝置更換 數碼安全卡 · 序號 DSC-1："), std::string::npos);
  h.event(security_action::replace_mobile_key);
  const auto* post = h.request("POST", "/devices/d1/replace");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(json::parse(body_of(post)), (json{{"with", "mobile_key"}}));
  h.reply(post->id, 200,
          json{{"replacement", {{"device_id", "d1"}, {"with", "mobile_key"}, {"until", kNowS + 7 * kDay}}}}.dump());
  EXPECT_EQ(h.screen(), "busy");  // everything is read again before the notice
  load_all(h);
  EXPECT_EQ(h.screen(), "notice");
  EXPECT_NE(h.text().find("請於 7 天內在手機上啟用 Mobile Key，屆時它會取代裝置 DSC-1。"), std::string::npos);
  // The DSC+ path: the order replaces the device.
  h.event(security_action::back);
  h.event(security_action::replace_device, "d1");
  h.event(security_action::order_start);
  EXPECT_EQ(h.screen(), "order_pin");
  EXPECT_NE(h.text().find("它會取代 數碼安全卡 · 序號 DSC-1。"), std::string::npos);
  h.event(security_action::input_pin, "4321");
  h.event(security_action::input_pin2, "4321");
  h.event(security_action::pin_submit);
  h.event(security_action::account_submit);
  h.event(security_action::order_submit);
  const auto* order = h.request("POST", "/device-orders");
  ASSERT_NE(order, nullptr);
  EXPECT_EQ(json::parse(body_of(order))["replaces"], "d1");
}

TEST(SecurityDevices, RemoveConfirmsAndNeedsAFreshSecondFactor) {
  Harness h;
  load_all(h);  // step_up_until null
  h.event(security_action::remove_device, "d1");
  EXPECT_EQ(h.screen(), "confirm_remove");
  EXPECT_NE(h.text().find("Digital security card · Serial number DSC-1 can no longer be used to log in"),
            std::string::npos);
  h.event(security_action::confirm_remove);
  EXPECT_EQ(h.screen(), "step_up");
  EXPECT_TRUE(h.https().empty());
  h.event(security_action::step_up_done, json{{"step_up", true}, {"step_up_until", kNowS + 300}}.dump());
  auto* del = h.request("DELETE", "/devices/d1");
  ASSERT_NE(del, nullptr);
  h.reply(del->id, 409, error_body("device.last_device", "Opt out instead, or add another device first."));
  EXPECT_EQ(h.screen(), "error");
  EXPECT_EQ(h.emitted("error").at(0)["code"], "device.last_device");
  h.event(security_action::back);
  EXPECT_EQ(h.screen(), "overview");
  // Fresh now: at once after the confirmation.
  h.event(security_action::remove_device, "d1");
  h.event(security_action::confirm_remove);
  del = h.request("DELETE", "/devices/d1");
  ASSERT_NE(del, nullptr);
  h.reply(del->id, 200,
          json{{"device", device("d1", "dsc", "DSC-1", "revoked", {{"event", "removed"}, {"at", kNowS}})}}.dump());
  load_all(h);
  EXPECT_EQ(h.screen(), "notice");
  EXPECT_NE(h.text().find("Device DSC-1 was removed."), std::string::npos);
  EXPECT_EQ(h.emitted("changed").at(0)["change"], "remove_device");
}

TEST(SecurityDevices, ReturnPageListsTheUsersRegionFirstOrSaysDestroy) {
  Harness h;
  load_all(h);
  h.event(security_action::show_return, "d1");
  const auto* get = h.request("GET", "/devices/d1/return");
  ASSERT_NE(get, nullptr);
  EXPECT_TRUE(h.centre.busy());
  h.reply(get->id, 200, return_body("return").dump());
  EXPECT_EQ(h.screen(), "return_info");
  EXPECT_EQ(h.focus(), "sec-title");
  std::string t = h.text();
  EXPECT_NE(t.find("Send Digital security card · Serial number DSC-1 to the address of your region."),
            std::string::npos);
  EXPECT_NE(t.find("3 to 5 business days"), std::string::npos);
  const auto asia = t.find("Asia (your region)"), americas = t.find("Americas"), japan = t.find("Japan");
  ASSERT_NE(asia, std::string::npos);
  EXPECT_LT(asia, americas);
  EXPECT_LT(americas, japan);
  EXPECT_NE(t.find("Attn: Token Return Department"), std::string::npos);
  EXPECT_NE(t.find("United States: 1 (877) 442-2757 · toll free"), std::string::npos);
  h.event(security_action::back);
  EXPECT_EQ(h.screen(), "overview");
  // A card: destroy it, and Mobile Key is suggested.
  h.event(security_action::show_return, "oc1");
  get = h.request("GET", "/devices/oc1/return");
  ASSERT_NE(get, nullptr);
  h.reply(get->id, 200, return_body("destroy", "code_card", "CC-1").dump());
  t = h.text();
  EXPECT_NE(t.find("Destroy the card"), std::string::npos);
  EXPECT_NE(t.find("destroy Security code card · Serial number CC-1"), std::string::npos);
  EXPECT_NE(t.find("Consider Mobile Key instead"), std::string::npos);
  EXPECT_EQ(t.find("Attn:"), std::string::npos);
  // Refused: the error screen, back to the overview.
  h.event(security_action::back);
  h.event(security_action::show_return, "d1");
  get = h.request("GET", "/devices/d1/return");
  ASSERT_NE(get, nullptr);
  h.reply(get->id, 404, error_body("device.not_found", "No such device."));
  EXPECT_EQ(h.screen(), "error");
  h.event(security_action::back);
  EXPECT_EQ(h.screen(), "overview");
}

TEST(SecurityDevices, ReturnPageInTraditionalChinese) {
  Harness h(Lang::zh_Hant);
  load_all(h);
  h.event(security_action::show_return, "d1");
  const auto* get = h.request("GET", "/devices/d1/return");
  ASSERT_NE(get, nullptr);
  h.reply(get->id, 200, return_body("return").dump());
  const std::string t = h.text();
  EXPECT_NE(t.find("亞洲（您的地區）"), std::string::npos);
  EXPECT_NE(t.find("裝置送達後 3 至 5 個營業日"), std::string::npos);
  EXPECT_NE(t.find("Hong Kong: +852-2156-7907 · 直撥 · 粵語"), std::string::npos);
}

TEST(SecurityDevices, HistoryListsTheEventsAsGiven) {
  Harness h;
  load_all(h);
  h.event(security_action::show_history);
  const auto* get = h.request("GET", "/devices/history?limit=50");
  ASSERT_NE(get, nullptr);
  json events = {{"events",
                  {{{"device_id", "d1"},
                    {"kind", "dsc"},
                    {"serial", "DSC-1"},
                    {"event", "lost"},
                    {"actor", "user"},
                    {"detail", ""},
                    {"at", kNowS}},
                   {{"device_id", "d1"},
                    {"kind", "dsc"},
                    {"serial", "DSC-1"},
                    {"event", "issued"},
                    {"actor", "operator"},
                    {"detail", "slsctl enrol"},
                    {"at", 1'767'225'600}}}}};
  h.reply(get->id, 200, events.dump());
  EXPECT_EQ(h.screen(), "history");
  EXPECT_EQ(h.focus(), "sec-title");
  const std::string t = h.text();
  const auto lost = t.find("2026-09-21Digital security card DSC-1reported lostyou");
  const auto issued = t.find("2026-01-01Digital security card DSC-1issuedsupport");
  ASSERT_NE(lost, std::string::npos);
  ASSERT_NE(issued, std::string::npos);
  EXPECT_LT(lost, issued);
  h.event(security_action::back);
  EXPECT_EQ(h.screen(), "overview");
  // An empty history says so; a malformed reply is an error.
  h.event(security_action::show_history);
  get = h.request("GET", "/devices/history?limit=50");
  ASSERT_NE(get, nullptr);
  h.reply(get->id, 200, R"({"events":[]})");
  EXPECT_NE(h.text().find("No events yet."), std::string::npos);
  h.event(security_action::back);
  h.event(security_action::show_history);
  get = h.request("GET", "/devices/history?limit=50");
  ASSERT_NE(get, nullptr);
  h.reply(get->id, 200, R"({"nope":1})");
  EXPECT_EQ(h.screen(), "error");
}

TEST(SecurityDevices, RemovingAPhoneNeedsAFreshFactor) {
  Harness h;
  load_all(h, devices_body(kNowS + 300));
  h.event(security_action::remove_phone, "p9");  // unknown: nothing
  EXPECT_TRUE(h.https().empty());
  h.event(security_action::remove_phone, "p2");
  const auto* del = h.request("DELETE", "/phones/p2");
  ASSERT_NE(del, nullptr);
  h.reply(del->id, 204, "");
  load_all(h);
  EXPECT_EQ(h.screen(), "notice");
  EXPECT_NE(h.text().find("The phone number was removed."), std::string::npos);
}

TEST(SecurityDevices, AddingAPhoneIsSentAtOnceAndARefusalShowsOnTheForm) {
  Harness h(Lang::zh_Hant);
  load_all(h);
  h.event(security_action::add_phone);
  EXPECT_EQ(h.screen(), "phone_form");
  EXPECT_EQ(h.focus(), "sec-phone");
  EXPECT_EQ(attr(h.out.view.find_by_id("sec-phone"), "type"), "tel");
  h.event(security_action::phone_submit);
  EXPECT_TRUE(h.https().empty());
  EXPECT_NE(h.text().find("請輸入電話號碼。"), std::string::npos);
  h.event(security_action::input_phone, "+85291234567");
  h.event(security_action::phone_submit);
  auto* post = h.request("POST", "/phones");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(json::parse(body_of(post)), (json{{"phone", "+85291234567"}}));
  h.reply(post->id, 422, error_body("request.bad_field", "電話號碼格式不正確。"));
  EXPECT_EQ(h.screen(), "phone_form");
  EXPECT_EQ(attr(h.out.view.find_by_id("sec-phone"), "aria-invalid"), "true");
  h.event(security_action::phone_submit);
  post = h.request("POST", "/phones");
  ASSERT_NE(post, nullptr);
  h.reply(post->id, 201, json{{"phone", {{"id", "p3"}, {"masked", "+852 •••• 4567"}, {"default", false}}}}.dump());
  load_all(h);
  EXPECT_EQ(h.screen(), "notice");
  EXPECT_NE(h.text().find("已新增電話號碼。"), std::string::npos);
}

TEST(SecurityDevices, EveryNewScreenHasItsTitleAndTheLiveRegion) {
  Harness h;
  load_all(h);
  auto check = [&](const char* screen) {
    EXPECT_EQ(h.screen(), screen);
    EXPECT_NE(h.out.view.find_by_id("sec-title"), nullptr) << screen;
    EXPECT_NE(h.out.view.find_by_id("sec-status"), nullptr) << screen;
  };
  h.event(security_action::report_lost, "d1");
  check("confirm_lost");
  h.event(security_action::cancel);
  h.event(security_action::remove_device, "d1");
  check("confirm_remove");
  h.event(security_action::cancel);
  h.event(security_action::replace_device, "d1");
  check("confirm_replace");
  h.event(security_action::cancel);
  h.event(security_action::order_start);
  check("order_pin");
  h.event(security_action::input_pin, "1111");
  h.event(security_action::input_pin2, "1111");
  h.event(security_action::pin_submit);
  check("order_account");
  h.event(security_action::account_submit);
  check("order_summary");
  h.event(security_action::order_back);
  check("order_account");
  h.event(security_action::order_back);
  check("order_pin");
  h.event(security_action::cancel);
  check("overview");
  // The language switches in place on a device screen.
  h.event(security_action::report_lost, "d1");
  h.now += 10;
  h.out = h.centre.set_lang(Lang::zh_Hant, h.now);
  EXPECT_NE(h.text().find("確定報失裝置？"), std::string::npos);
}

}  // namespace
}  // namespace sls
