// Challenge shopping (issue 7, finding 1): someone who has the password and
// once saw the answer to one question (two card cells, or a 6-digit OCRA
// challenge) re-opens logins until that question comes up again. These tests
// are that attack: a device's open question stays the same across logins,
// nodes and restarts until it is answered correctly, a seen answer cannot be
// replayed on another login, opening is bounded per user and per address,
// and under the never-reuse policy cells are spent when answered, not shown.
#include <set>

#include "device_answers.hpp"
#include "sls/code_card.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";

/// The two indices a code-card challenge asks, as "i,j".
std::string indices_of(const Reply& ch) {
  const JsonValue* idx = ch.body.find("indices");
  if (idx == nullptr || idx->as_array() == nullptr || idx->as_array()->size() != 2) return {};
  return std::to_string(*(*idx->as_array())[0].as_int()) + "," + std::to_string(*(*idx->as_array())[1].as_int());
}

/// `ctx` with the login secret that `login` (a POST /login answer) handed out.
RequestContext bound_to(RequestContext ctx, const ApiResponse& login) {
  auto secret = login.body.get_string("login_secret");
  ctx.login_secret = secret ? std::string(*secret) : std::string();
  return ctx;
}

struct Opened {
  std::string login_id;
  Reply challenge;
};

Opened open_card_login(TestServer& s, const std::string& user, const std::string& device_id) {
  Reply login = s.login(user);
  EXPECT_EQ(login.status, 200) << login.raw;
  return {login.str("login_id"), s.challenge(login.str("login_id"), device_id)};
}

TEST(ChallengeShopping, CardCellsStayTheSameAcrossLoginsUntilAnsweredCorrectly) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("cora", kPassword));
  auto card = s.admin().enrol_card("cora", DeviceKind::code_card);
  ASSERT_TRUE(card);
  std::vector<Opened> opened;
  std::set<std::string> asked;
  for (int i = 0; i < 12; ++i) {
    opened.push_back(open_card_login(s, "cora", card->device_id));
    ASSERT_EQ(opened.back().challenge.status, 200) << opened.back().challenge.raw;
    asked.insert(indices_of(opened.back().challenge));
    s.clock().advance_seconds(20);
  }
  EXPECT_EQ(asked.size(), 1u) << "every login asks the same two cells until they are answered";

  // A wrong answer does not change the question either.
  Reply wrong = s.verify(opened[0].login_id, opened[0].challenge.str("challenge_id"), "000000");
  EXPECT_EQ(wrong.status, 401) << wrong.raw;
  Opened again = open_card_login(s, "cora", card->device_id);
  EXPECT_EQ(indices_of(again.challenge), *asked.begin());

  // The owner answers on the newest login; the seen answer then works on no
  // other login that showed the same cells.
  const std::string answer = card_answer(*card, again.challenge);
  Reply ok = s.verify(again.login_id, again.challenge.str("challenge_id"), answer);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  for (const Opened& o : {opened[5], opened[11]}) {
    Reply replay = s.verify(o.login_id, o.challenge.str("challenge_id"), answer);
    EXPECT_EQ(replay.status, 410) << replay.raw;
    EXPECT_EQ(replay.code(), "challenge.expired");
  }
}

TEST(ChallengeShopping, AnAttackerWithThePasswordCannotShopForASeenPair) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("cyra", kPassword));
  auto card = s.admin().enrol_card("cyra", DeviceKind::code_card);
  ASSERT_TRUE(card);
  // The owner logs in once; the attacker sees the two cells and the codes.
  Opened seen = open_card_login(s, "cyra", card->device_id);
  const std::string seen_pair = indices_of(seen.challenge);
  const std::string seen_answer = card_answer(*card, seen.challenge);
  ASSERT_EQ(s.verify(seen.login_id, seen.challenge.str("challenge_id"), seen_answer).status, 200);

  // The attacker re-opens logins, hoping for the seen pair.
  std::set<std::string> offered;
  int opens = 0;
  Reply refused;
  for (int i = 0; i < 200; ++i) {
    Opened o = open_card_login(s, "cyra", card->device_id);
    if (o.challenge.status != 200) {
      refused = o.challenge;
      break;
    }
    ++opens;
    offered.insert(indices_of(o.challenge));
    if (indices_of(o.challenge) == seen_pair) {
      Reply in = s.verify(o.login_id, o.challenge.str("challenge_id"), seen_answer);
      ADD_FAILURE() << "the seen pair came up again after " << opens << " opens (verify: " << in.status << ")";
      break;
    }
  }
  EXPECT_EQ(offered.size(), 1u) << "only one question is ever offered until it is answered";
  EXPECT_EQ(refused.status, 429) << refused.raw;
  EXPECT_EQ(refused.code(), "challenge.too_many");
  EXPECT_FALSE(refused.header("Retry-After").empty());
  // The owner's login counted too: the bound is per user per hour.
  EXPECT_EQ(opens + 1, test_service_config().challenges_per_hour_per_user);
  bool audited = false;
  for (const auto& a : s.audit()) audited = audited || (a.event == "challenge.throttled" && a.user_id != 0);
  EXPECT_TRUE(audited);

  // An hour later opening works again: at most one new question an hour.
  s.clock().advance_seconds(3600);
  Opened later = open_card_login(s, "cyra", card->device_id);
  EXPECT_EQ(later.challenge.status, 200) << later.challenge.raw;
}

TEST(ChallengeShopping, OcraChallengeStaysTheSameUntilAnsweredThenChanges) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("dina", kPassword));
  auto token = s.admin().enrol_token("dina", DeviceKind::dsc);
  ASSERT_TRUE(token);
  std::set<std::string> challenges;
  std::vector<Opened> opened;
  for (int i = 0; i < 8; ++i) {
    opened.push_back(open_card_login(s, "dina", token->device_id));
    ASSERT_EQ(opened.back().challenge.status, 200) << opened.back().challenge.raw;
    challenges.insert(opened.back().challenge.str("challenge"));
  }
  ASSERT_EQ(challenges.size(), 1u) << "the 6-digit challenge cannot be shopped for either";
  const std::string answer = token_response(*token, *challenges.begin());
  Reply ok = s.verify(opened.back().login_id, opened.back().challenge.str("challenge_id"), answer);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  Reply replay = s.verify(opened.front().login_id, opened.front().challenge.str("challenge_id"), answer);
  EXPECT_EQ(replay.status, 410) << replay.raw;

  Opened next = open_card_login(s, "dina", token->device_id);
  ASSERT_EQ(next.challenge.status, 200);
  // 1 in a million that a fresh draw repeats the answered challenge.
  EXPECT_NE(next.challenge.str("challenge"), *challenges.begin());
}

TEST(ChallengeShopping, TheQuestionChangesOnlyAfterItsLifetime) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("ema", kPassword));
  auto token = s.admin().enrol_token("ema", DeviceKind::dsc);
  ASSERT_TRUE(token);
  const std::int64_t ttl = test_service_config().question_ttl;
  Opened first = open_card_login(s, "ema", token->device_id);
  s.clock().advance_seconds(ttl - 10);
  Opened before = open_card_login(s, "ema", token->device_id);
  EXPECT_EQ(before.challenge.str("challenge"), first.challenge.str("challenge"));
  // Re-opening kept it for one more challenge lifetime: the challenge shown
  // just now can still be answered after the question's first hour.
  s.clock().advance_seconds(60);
  Reply ok = s.verify(before.login_id, before.challenge.str("challenge_id"),
                      token_response(*token, before.challenge.str("challenge")));
  EXPECT_EQ(ok.status, 200) << ok.raw;

  // Unanswered past its lifetime, a question makes way for a new one.
  Opened fresh = open_card_login(s, "ema", token->device_id);
  s.clock().advance_seconds(ttl + test_service_config().challenge_ttl + 1);
  Opened after = open_card_login(s, "ema", token->device_id);
  ASSERT_EQ(after.challenge.status, 200);
  EXPECT_NE(after.challenge.str("challenge"), fresh.challenge.str("challenge"));
  Reply stale = s.verify(fresh.login_id, fresh.challenge.str("challenge_id"),
                         token_response(*token, fresh.challenge.str("challenge")));
  EXPECT_EQ(stale.status, 410) << stale.raw;
}

TEST(ChallengeShopping, TheOpenQuestionHoldsOnAnotherNodeAndAfterARestart) {
  TestServer s;
  ASSERT_TRUE(s.admin().create_user("fay", kPassword));
  auto card = s.admin().enrol_card("fay", DeviceKind::code_card);
  ASSERT_TRUE(card);
  Opened here = open_card_login(s, "fay", card->device_id);
  ASSERT_EQ(here.challenge.status, 200);

  // A second process over the same database file and keys: another node, or
  // this one after a restart.
  auto store = open_store(s.db_path());
  ASSERT_TRUE(store);
  auto keys = Keyring::load_or_create(s.master_key_path(), s.sign_key_path());
  ASSERT_TRUE(keys);
  OutboxSmsGateway sms(**store, s.clock());
  auto other = AuthService::create(**store, *keys, s.clock(), sms, test_service_config());
  ASSERT_TRUE(other);
  const RequestContext ctx{"198.51.100.20", Lang::en};
  for (int i = 0; i < 3; ++i) {
    ApiResponse login =
        (*other)->start_login(ctx, JsonValue::object().set("username", "fay").set("password", kPassword));
    ASSERT_EQ(login.status, 200);
    const std::string login_id(*login.body.get_string("login_id"));
    ApiResponse ch =
        (*other)->open_challenge(bound_to(ctx, login), login_id, JsonValue::object().set("device_id", card->device_id));
    ASSERT_EQ(ch.status, 200) << json_serialize(ch.body);
    Reply as_reply;
    as_reply.body = ch.body;
    EXPECT_EQ(indices_of(as_reply), indices_of(here.challenge));
  }
}

TEST(ChallengeShopping, OpeningIsBoundedPerUserWhateverTheAddress) {
  ServiceConfig config = test_service_config();
  config.challenges_per_hour_per_user = 4;
  TestServer s(config);
  ASSERT_TRUE(s.admin().create_user("gil", kPassword));
  auto card = s.admin().enrol_card("gil", DeviceKind::code_card);
  ASSERT_TRUE(card);
  std::vector<int> statuses;
  for (int i = 0; i < 6; ++i) {
    // Each open from its own address, as a botnet would.
    const RequestContext ctx{"203.0.113." + std::to_string(i + 1), Lang::zh_Hant};
    ApiResponse login =
        s.service().start_login(ctx, JsonValue::object().set("username", "gil").set("password", kPassword));
    ASSERT_EQ(login.status, 200);
    ApiResponse ch = s.service().open_challenge(bound_to(ctx, login), std::string(*login.body.get_string("login_id")),
                                                JsonValue::object().set("device_id", card->device_id));
    statuses.push_back(ch.status);
    if (ch.status == 429) {
      const JsonValue* e = ch.body.find("error");
      EXPECT_EQ(e->get_string("code"), "challenge.too_many");
      EXPECT_EQ(e->get_string("message"), std::string_view("此帳戶要求的登入代碼過多。請稍候再試。"));
    }
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 200, 200, 429, 429}));
}

TEST(ChallengeShopping, OpeningIsBoundedPerAddressAcrossUsers) {
  ServiceConfig config = test_service_config();
  config.challenges_per_hour_per_address = 3;
  TestServer s(config);
  std::vector<std::string> devices;
  for (int i = 0; i < 4; ++i) {
    const std::string name = "user" + std::to_string(i);
    ASSERT_TRUE(s.admin().create_user(name, kPassword));
    auto card = s.admin().enrol_card(name, DeviceKind::code_card);
    ASSERT_TRUE(card);
    devices.push_back(card->device_id);
  }
  auto open = [&](int user, const std::string& addr) {
    const RequestContext ctx{addr, Lang::en};
    ApiResponse login = s.service().start_login(
        ctx, JsonValue::object().set("username", "user" + std::to_string(user)).set("password", kPassword));
    EXPECT_EQ(login.status, 200);
    ApiResponse ch = s.service().open_challenge(bound_to(ctx, login), std::string(*login.body.get_string("login_id")),
                                                JsonValue::object().set("device_id", devices[std::size_t(user)]));
    return std::make_pair(
        ch.status, ch.body.find("error") ? std::string(*ch.body.find("error")->get_string("code")) : std::string());
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(open(i, "192.0.2.9").first, 200);
  EXPECT_EQ(open(3, "192.0.2.9"), std::make_pair(429, std::string("rate.limited")));
  EXPECT_EQ(open(3, "192.0.2.10").first, 200) << "another address is not held back";
}

TEST(ChallengeShopping, NeverReuseSpendsCellsWhenAnsweredNotWhenShown) {
  ServiceConfig config = test_service_config();
  config.cell_reuse = CellReuse::never;
  TestServer s(config);
  ASSERT_TRUE(s.admin().create_user("hal", kPassword));
  auto card = s.admin().enrol_card("hal", DeviceKind::code_card);
  ASSERT_TRUE(card);
  // Opening logins again and again (someone with the password) burns nothing.
  Opened last;
  for (int i = 0; i < 15; ++i) {
    last = open_card_login(s, "hal", card->device_id);
    ASSERT_EQ(last.challenge.status, 200) << last.challenge.raw;
    EXPECT_EQ(last.challenge.body.get_int("logins_left"), 50);
  }
  // Answering spends the two cells, and they are never asked again.
  const std::string spent = indices_of(last.challenge);
  ASSERT_EQ(s.verify(last.login_id, last.challenge.str("challenge_id"), card_answer(*card, last.challenge)).status,
            200);
  Opened next = open_card_login(s, "hal", card->device_id);
  ASSERT_EQ(next.challenge.status, 200);
  EXPECT_EQ(next.challenge.body.get_int("logins_left"), 49);
  std::set<std::string> next_cells;
  for (const auto& v : *next.challenge.body.find("indices")->as_array()) next_cells.insert(std::to_string(*v.as_int()));
  for (const auto& cell : {spent.substr(0, spent.find(',')), spent.substr(spent.find(',') + 1)})
    EXPECT_EQ(next_cells.count(cell), 0u) << "cell " << cell << " was spent";
}

}  // namespace
}  // namespace sls::server::testing
