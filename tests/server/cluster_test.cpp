// What must hold across several slsd nodes on one PostgreSQL (cluster.hpp,
// docs/nodes.md), each attacked through two real processes: a push decided
// on node B wakes the long poll held on node A at once (LISTEN/NOTIFY, well
// before A's cache would look again), and A's cache never answers "pending"
// for a push B decided, even when A's listener was cut off meanwhile; a code-card answer accepted on A is refused on B;
// the sticky challenge is the same on both; a completion token used on A is
// refused on B; 200 parallel password guesses spread over both nodes lock
// as on one; and a login whose node is killed (SIGKILL) mid-way finishes
// through the other.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cluster.hpp"
#include "device_answers.hpp"
#include "held_request.hpp"
#include "phone.hpp"
#include "server/pending_push_cache.hpp"

namespace sls::server::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPassword = "correct horse";

std::string indices_of(const Reply& ch) {
  const JsonValue* idx = ch.body.find("indices");
  if (idx == nullptr || idx->as_array() == nullptr || idx->as_array()->size() != 2) return {};
  return std::to_string(*(*idx->as_array())[0].as_int()) + "," + std::to_string(*(*idx->as_array())[1].as_int());
}

/// A user with an activated Mobile Key on a two-node cluster.
class ClusterPushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(c.admin().create_user("mia", kPassword));
    auto enrolment = c.admin().enrol_mobile_key("mia");
    ASSERT_TRUE(enrolment);
    Reply r = activate_phone(c.node(0), phone, "mia", enrolment->activation_code);
    ASSERT_EQ(r.status, 200) << r.raw;
  }
  struct Push {
    std::string login_id, tx, number;
  };
  Push start_push(ClusterNode& n) {
    Reply login = n.login("mia");
    EXPECT_EQ(login.status, 200) << login.raw;
    Reply ch = n.challenge(login.str("login_id"), phone.device_id);
    EXPECT_EQ(ch.status, 200) << ch.raw;
    return {login.str("login_id"), ch.str("tx_id"), ch.str("number")};
  }
  std::unique_ptr<HeldRequest> hold(ClusterNode& n, const Push& p, int wait = 20) {
    return std::make_unique<HeldRequest>(n.port(), "/api/v1/push/" + p.tx + "?wait=" + std::to_string(wait),
                                         n.login_secret(p.login_id));
  }

  Cluster c;
  Phone phone;
};

TEST_F(ClusterPushTest, ADecisionOnBWakesTheLongPollHeldOnAAtOnce) {
  ClusterNode& a = c.node(0);
  ClusterNode& b = c.node(1);
  std::vector<double> took_ms;
  for (int round = 0; round < 3; ++round) {
    const Push p = start_push(a);
    // Known pending on A (its cache), then held there.
    ASSERT_EQ(a.get("/api/v1/push/" + p.tx).str("status"), "pending");
    auto held = hold(a, p);
    EXPECT_FALSE(held->answered_within(300ms)) << held->raw();

    const auto t0 = std::chrono::steady_clock::now();
    Reply decided = b.post("/api/v1/push/" + p.tx + "/decision", phone.decision(p.tx, p.number, "approve"));
    ASSERT_EQ(decided.status, 200) << decided.raw;
    // Well before A's cache would look at the store again by itself.
    ASSERT_TRUE(held->answered_within(std::chrono::milliseconds(PendingPushCache::kRecheckMs / 2))) << held->raw();
    took_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    EXPECT_EQ(held->status(), 200);
    EXPECT_EQ(held->field("status"), "approved");
    EXPECT_FALSE(held->field("completion_token").empty()) << held->raw();
  }
  std::printf("[ numbers  ] decision on B to the answer held on A: %.1f / %.1f / %.1f ms\n", took_ms[0], took_ms[1],
              took_ms[2]);
}

TEST_F(ClusterPushTest, ThePendingStateCachedOnAGoesWhenBDecides) {
  ClusterNode& a = c.node(0);
  ClusterNode& b = c.node(1);
  for (const char* decision : {"approve", "not_me"}) {
    const Push p = start_push(a);
    ASSERT_EQ(a.get("/api/v1/push/" + p.tx).str("status"), "pending");  // cached on A now
    ASSERT_EQ(b.post("/api/v1/push/" + p.tx + "/decision", phone.decision(p.tx, p.number, decision)).status, 200);
    // The notification is sent at B's commit; it reaches A within moments,
    // far sooner than A's recheck.
    std::string seen;
    const auto until = std::chrono::steady_clock::now() + 1s;
    do {
      seen = a.get("/api/v1/push/" + p.tx).str("status");
    } while (seen == "pending" && std::chrono::steady_clock::now() < until);
    EXPECT_EQ(seen, std::string(decision) == "approve" ? "approved" : "denied");
  }
  // A cancel on B and a replacing challenge on B wake a hold on A too.
  {
    const Push p = start_push(a);
    auto held = hold(a, p);
    EXPECT_FALSE(held->answered_within(300ms));
    ASSERT_EQ(b.send("DELETE", "/api/v1/push/" + p.tx).status, 200);
    ASSERT_TRUE(held->answered_within(2s)) << held->raw();
    EXPECT_EQ(held->field("status"), "cancelled");
  }
  {
    const Push p = start_push(a);
    auto held = hold(a, p);
    EXPECT_FALSE(held->answered_within(300ms));
    ASSERT_EQ(b.challenge(p.login_id, phone.device_id, "ocra").status, 200);
    ASSERT_TRUE(held->answered_within(2s)) << held->raw();
    EXPECT_EQ(held->field("status"), "cancelled");
  }
}

TEST_F(ClusterPushTest, AListenerThatWasCutOffForgetsWhatItMayHaveMissed) {
  ClusterNode& a = c.node(0);
  ClusterNode& b = c.node(1);
  const Push p = start_push(a);
  ASSERT_EQ(a.get("/api/v1/push/" + p.tx).str("status"), "pending");  // cached on A
  auto held = hold(a, p, 25);
  EXPECT_FALSE(held->answered_within(300ms));

  // A's listener loses its connection and cannot open another while B
  // decides: the notification reaches nobody on A.
  const int listener = c.listener_backend(0);
  ASSERT_GT(listener, 0);
  pg_exec(Cluster::server_url(), "ALTER DATABASE " + c.database_name() + " ALLOW_CONNECTIONS false");
  pg_exec(Cluster::server_url(), "SELECT pg_terminate_backend(" + std::to_string(listener) + ")");
  Reply decided = b.post("/api/v1/push/" + p.tx + "/decision", phone.decision(p.tx, p.number, "approve"));
  pg_exec(Cluster::server_url(), "ALTER DATABASE " + c.database_name() + " ALLOW_CONNECTIONS true");
  ASSERT_EQ(decided.status, 200) << decided.raw;

  // Listening again, A treats everything as changed: the held request reads
  // the store and answers, and the cache says pending no more, well before
  // the recheck (5 s) or the hold's bound (25 s).
  ASSERT_TRUE(held->answered_within(3s)) << held->raw();
  EXPECT_EQ(held->field("status"), "approved");
  EXPECT_EQ(a.get("/api/v1/push/" + p.tx).str("status"), "approved");
  EXPECT_NE(c.listener_backend(0), 0);
}

TEST_F(ClusterPushTest, AQrApprovalOnBWakesTheChallengeStatusHeldOnA) {
  ClusterNode& a = c.node(0);
  ClusterNode& b = c.node(1);
  const QrLogin qr = open_qr_login(a, phone, "mia");
  HeldRequest held(a.port(), "/api/v1/login/" + qr.login_id + "/challenge-status?wait=20", a.login_secret(qr.login_id));
  EXPECT_FALSE(held.answered_within(300ms)) << held.raw();
  Reply approved = approve_qr(b, phone, qr.payload);
  ASSERT_EQ(approved.status, 200) << approved.raw;
  ASSERT_TRUE(held.answered_within(2s)) << held.raw();
  EXPECT_EQ(held.status(), 200) << held.raw();
}

/// A user with a code card on a two-node cluster.
class ClusterCardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(c.admin().create_user("cora", kPassword));
    auto enrolled = c.admin().enrol_card("cora", DeviceKind::code_card);
    ASSERT_TRUE(enrolled);
    card = std::make_unique<CardEnrolment>(std::move(*enrolled));
  }
  Cluster c;
  std::unique_ptr<CardEnrolment> card;
};

TEST_F(ClusterCardTest, TheStickyChallengeIsTheSameOnAAndB) {
  std::vector<std::string> asked;
  for (int i = 0; i < 4; ++i) {
    ClusterNode& n = c.node(static_cast<std::size_t>(i % 2));
    Reply login = n.login("cora");
    ASSERT_EQ(login.status, 200) << login.raw;
    Reply ch = n.challenge(login.str("login_id"), card->device_id);
    ASSERT_EQ(ch.status, 200) << ch.raw;
    asked.push_back(indices_of(ch));
  }
  for (const std::string& cells : asked) EXPECT_EQ(cells, asked.front()) << "a node asked other cells";
}

TEST_F(ClusterCardTest, AnAnswerAcceptedOnAIsRefusedOnBAndSoIsItsCompletionToken) {
  ClusterNode& a = c.node(0);
  ClusterNode& b = c.node(1);
  Reply login = a.login("cora");
  ASSERT_EQ(login.status, 200) << login.raw;
  const std::string id = login.str("login_id");
  Reply ch = a.challenge(id, card->device_id);
  ASSERT_EQ(ch.status, 200) << ch.raw;
  const std::string answer = card_answer(*card, ch);

  Reply ok = a.verify(id, ch.str("challenge_id"), answer);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  Reply again = b.verify(id, ch.str("challenge_id"), answer);
  EXPECT_NE(again.status, 200) << again.raw;
  EXPECT_TRUE(again.body.get_string("completion_token") == std::nullopt) << again.raw;

  const std::string token = ok.str("completion_token");
  ASSERT_FALSE(token.empty());
  Reply done = a.complete(id, token);
  ASSERT_EQ(done.status, 200) << done.raw;
  EXPECT_FALSE(cookie_of(done).empty());
  Reply replay = b.complete(id, token);
  EXPECT_EQ(replay.status, 410) << replay.raw;
  EXPECT_EQ(replay.code(), "login.token_invalid");
  EXPECT_TRUE(cookie_of(replay).empty());

  // The answer seen on A opens nothing on B in a new login either: the
  // cells asked next are others (the card's question moved on).
  Reply login2 = b.login("cora");
  ASSERT_EQ(login2.status, 200) << login2.raw;
  Reply ch2 = b.challenge(login2.str("login_id"), card->device_id);
  ASSERT_EQ(ch2.status, 200) << ch2.raw;
  if (indices_of(ch2) == indices_of(ch)) GTEST_SKIP() << "the card asked the same two cells again by chance";
  EXPECT_NE(b.verify(login2.str("login_id"), ch2.str("challenge_id"), answer).status, 200);
}

/// Password guesses with a hash slow enough that parallel ones overlap.
ServiceConfig slow_hash_seed() {
  ServiceConfig cfg = cluster_seed_config();
  cfg.password.opslimit = 1;
  cfg.password.memlimit = std::size_t{4} << 20;
  return cfg;
}

TEST(ClusterLockout, TwoHundredParallelGuessesOverBothNodesLockAsOnOne) {
  Cluster c(2, {"--threads", "32"}, slow_hash_seed());
  ASSERT_TRUE(c.admin().create_user("dora", kPassword));
  ASSERT_TRUE(c.admin().enrol_token("dora", DeviceKind::dsc));
  const std::int64_t threshold = test_service_config().lockout.threshold;
  constexpr int kRequests = 200;
  constexpr int kClients = 32;
  std::atomic<int> next{0}, logged_in{0}, answered{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", c.node(static_cast<std::size_t>(t % 2)).port());
      client.set_read_timeout(60, 0);
      for (int i = next++; i < kRequests; i = next++) {
        const bool right = i % 8 == 7;  // the right password among the wrong ones
        const std::string body = json_serialize(
            JsonValue::object().set("username", "dora").set("password", right ? kPassword : "wrong guess"));
        auto r = client.Post("/api/v1/login", body, "application/json");
        for (int retry = 0; !r && retry < 5; ++retry) r = client.Post("/api/v1/login", body, "application/json");
        if (!r) continue;
        ++answered;
        if (r->status == 200) ++logged_in;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(answered.load(), kRequests);

  // Commit order, oldest first: a checked wrong password is audited
  // auth.bad_credentials, a passed one ok.
  int evaluated_wrong = 0, passed = 0;
  auto rows = c.audit();
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    if (it->event != "login.started" || it->username != "dora") continue;
    if (it->outcome == "ok") {
      ++passed;
      EXPECT_LT(evaluated_wrong, threshold) << "a right password got in after the lock";
    } else if (it->detail == "auth.bad_credentials") {
      ++evaluated_wrong;
    }
  }
  std::printf(
      "[ numbers  ] %d of %d guesses over 2 nodes answered; wrong passwords checked: %d (limit %lld); let in: %d\n",
      answered.load(), kRequests, evaluated_wrong, static_cast<long long>(threshold), passed);
  EXPECT_GE(passed, logged_in.load());
  EXPECT_LE(evaluated_wrong, threshold);
  // Locked on both nodes.
  EXPECT_NE(c.node(0).login("dora").status, 200);
  EXPECT_NE(c.node(1).login("dora").status, 200);
}

TEST(ClusterFailover, ALoginWhoseNodeIsKilledFinishesThroughTheOther) {
  Cluster c;
  ASSERT_TRUE(c.admin().create_user("dora", kPassword));
  auto token = c.admin().enrol_token("dora", DeviceKind::dsc);
  ASSERT_TRUE(token);
  ClusterNode& a = c.node(0);
  ClusterNode& b = c.node(1);
  Reply login = a.login("dora");
  ASSERT_EQ(login.status, 200) << login.raw;
  const std::string id = login.str("login_id");
  Reply ch = a.challenge(id, token->device_id);
  ASSERT_EQ(ch.status, 200) << ch.raw;

  c.stop(0, SIGKILL);
  EXPECT_EQ(a.get("/api/v1/login/" + id).status, 0) << "node A still answers";

  Reply ok = b.verify(id, ch.str("challenge_id"), token_response(*token, ch.str("challenge")));
  ASSERT_EQ(ok.status, 200) << ok.raw;
  Reply done = b.complete(id, ok.str("completion_token"));
  ASSERT_EQ(done.status, 200) << done.raw;
  const std::string cookie = cookie_of(done);
  ASSERT_FALSE(cookie.empty());
  EXPECT_EQ(b.get("/api/v1/session", with_cookie(cookie)).status, 200);
}

}  // namespace
}  // namespace sls::server::testing
