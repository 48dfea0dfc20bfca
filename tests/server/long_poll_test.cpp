// The long-polled push status (GET /api/v1/push/{tx_id}?wait=S) against a
// real slsd on loopback: a held request answers once the Mobile Key's
// decision (or a cancel, or a replacing challenge) is stored on another
// connection, or at the push's expiry, or at the bound with the pending
// status; the waiter caps answer at once; a client that leaves frees its
// slot. Held requests are raw sockets, so the test sees whether an answer
// has come, not only what it says.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "held_request.hpp"
#include "loopback_socket.hpp"
#include "phone.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPassword = "correct horse";

/// How long a held request is watched to see that it is held: an answer
/// within it means the server did not wait.
constexpr auto kHeldFor = 300ms;
/// Longer than any answer takes once it is due; shorter than every bound
/// the tests set, so an answer within it is not the bound's.
constexpr auto kAnswerDue = 8s;

HttpConfig waiter_config(std::size_t total, std::size_t per_address) {
  HttpConfig c = test_http_config();
  c.max_waiters = total;
  c.max_waiters_per_address = per_address;
  return c;
}

ServiceConfig short_push_config() {
  ServiceConfig c = test_service_config();
  c.push_ttl = 2;
  return c;
}

class LongPollTest : public ::testing::Test {
 protected:
  explicit LongPollTest(HttpConfig http = test_http_config(), ServiceConfig svc = test_service_config())
      : s(std::move(svc), std::move(http)) {}

  void SetUp() override {
    ASSERT_TRUE(s.admin().create_user("mia", kPassword));
    auto enrolment = s.admin().enrol_mobile_key("mia");
    ASSERT_TRUE(enrolment);
    Reply r = activate_phone(s, phone, "mia", enrolment->activation_code);
    ASSERT_EQ(r.status, 200) << r.raw;
  }

  /// Password step and a push: {login id, tx id, number}.
  struct Push {
    std::string login_id, tx, number;
  };
  Push start_push() {
    Reply login = s.login("mia");
    EXPECT_EQ(login.status, 200) << login.raw;
    Reply ch = s.challenge(login.str("login_id"), phone.device_id);
    EXPECT_EQ(ch.status, 200) << ch.raw;
    return {login.str("login_id"), ch.str("tx_id"), ch.str("number")};
  }

  std::unique_ptr<HeldRequest> hold(const Push& p, int wait = 20, const std::string& source = "127.0.0.1") {
    return std::make_unique<HeldRequest>(s.port(), "/api/v1/push/" + p.tx + "?wait=" + std::to_string(wait),
                                         s.login_secret(p.login_id), source);
  }

  TestServer s;
  Phone phone;
};

TEST_F(LongPollTest, AHeldRequestAnswersWithTheDecisionPostedOnAnotherConnection) {
  const Push p = start_push();
  auto held = hold(p);
  EXPECT_FALSE(held->answered_within(kHeldFor)) << held->raw();  // held while pending

  Reply decided = s.post("/api/v1/push/" + p.tx + "/decision", phone.decision(p.tx, p.number, "approve"));
  ASSERT_EQ(decided.status, 200) << decided.raw;

  ASSERT_TRUE(held->answered_within(kAnswerDue)) << held->raw();
  EXPECT_EQ(held->status(), 200);
  EXPECT_EQ(held->field("status"), "approved");
  EXPECT_FALSE(held->field("completion_token").empty()) << held->raw();
}

TEST_F(LongPollTest, DenialCancelAndAReplacingChallengeWakeTheWaiter) {
  {
    const Push p = start_push();
    auto held = hold(p);
    EXPECT_FALSE(held->answered_within(kHeldFor));
    ASSERT_EQ(s.post("/api/v1/push/" + p.tx + "/decision", phone.decision(p.tx, p.number, "not_me")).status, 200);
    ASSERT_TRUE(held->answered_within(kAnswerDue));
    EXPECT_EQ(held->field("status"), "denied");
  }
  {
    const Push p = start_push();
    auto held = hold(p);
    EXPECT_FALSE(held->answered_within(kHeldFor));
    ASSERT_EQ(s.send("DELETE", "/api/v1/push/" + p.tx).status, 200);
    ASSERT_TRUE(held->answered_within(kAnswerDue));
    EXPECT_EQ(held->field("status"), "cancelled");
  }
  {
    const Push p = start_push();
    auto held = hold(p);
    EXPECT_FALSE(held->answered_within(kHeldFor));
    ASSERT_EQ(s.challenge(p.login_id, phone.device_id, "ocra").status, 200);  // "no notification?"
    ASSERT_TRUE(held->answered_within(kAnswerDue));
    EXPECT_EQ(held->field("status"), "cancelled");
  }
}

TEST_F(LongPollTest, AHeldRequestOfAPushKnownPendingStillWakesAtTheDecision) {
  const Push p = start_push();
  ASSERT_EQ(s.get("/api/v1/push/" + p.tx).str("status"), "pending");  // now known pending (PendingPushCache)
  auto held = hold(p);
  EXPECT_FALSE(held->answered_within(kHeldFor)) << held->raw();
  ASSERT_EQ(s.post("/api/v1/push/" + p.tx + "/decision", phone.decision(p.tx, p.number, "approve")).status, 200);
  ASSERT_TRUE(held->answered_within(kAnswerDue)) << held->raw();
  EXPECT_EQ(held->field("status"), "approved");
  EXPECT_FALSE(held->field("completion_token").empty()) << held->raw();
}

TEST_F(LongPollTest, TheBoundAnswersWithThePendingStatus) {
  const Push p = start_push();
  auto held = hold(p, 1);
  ASSERT_TRUE(held->answered_within(kAnswerDue)) << held->raw();
  EXPECT_EQ(held->status(), 200);
  EXPECT_EQ(held->field("status"), "pending");
  EXPECT_NE(held->raw().find("Retry-After: 2"), std::string::npos) << held->raw();
}

TEST_F(LongPollTest, WithoutWaitOrWithWaitZeroTheStatusAnswersAtOnce) {
  const Push p = start_push();
  for (const std::string& target : {"/api/v1/push/" + p.tx, "/api/v1/push/" + p.tx + "?wait=0"}) {
    HeldRequest r(s.port(), target, s.login_secret(p.login_id));
    ASSERT_TRUE(r.answered_within(kHeldFor)) << target;
    EXPECT_EQ(r.field("status"), "pending");
  }
}

TEST_F(LongPollTest, ABadWaitIsRefusedAndAnUnknownPushIsNotHeld) {
  const Push p = start_push();
  for (const char* bad : {"-1", "x", "", "1.5", "2s"}) {
    HeldRequest r(s.port(), "/api/v1/push/" + p.tx + "?wait=" + bad, s.login_secret(p.login_id));
    ASSERT_TRUE(r.answered_within(kAnswerDue)) << bad;
    EXPECT_EQ(r.status(), 400) << bad << r.raw();
    EXPECT_NE(r.raw().find("request.bad_field"), std::string::npos) << r.raw();
  }
  // Unbound (no secret) or unknown: 404 at once, never held.
  HeldRequest unbound(s.port(), "/api/v1/push/" + p.tx + "?wait=20", "");
  ASSERT_TRUE(unbound.answered_within(kHeldFor));
  EXPECT_EQ(unbound.status(), 404);
}

TEST_F(LongPollTest, TheQrApprovalWakesAHeldChallengeStatus) {
  const QrLogin qr = open_qr_login(s, phone, "mia");
  ASSERT_FALSE(qr.payload.empty());
  HeldRequest held(s.port(), "/api/v1/login/" + qr.login_id + "/challenge-status?wait=20", s.login_secret(qr.login_id));
  EXPECT_FALSE(held.answered_within(kHeldFor)) << held.raw();
  ASSERT_EQ(approve_qr(s, phone, qr.payload).status, 200);
  ASSERT_TRUE(held.answered_within(kAnswerDue)) << held.raw();
  EXPECT_EQ(held.field("status"), "approved");
  EXPECT_FALSE(held.field("completion_token").empty()) << held.raw();
}

TEST_F(LongPollTest, AHeldRequestOfAClosingClientAnswersAndCloses) {
  const Push p = start_push();
  HeldRequest held(s.port(), "/api/v1/push/" + p.tx + "?wait=20", s.login_secret(p.login_id), "127.0.0.1",
                   "Connection: close\r\n");
  EXPECT_FALSE(held.answered_within(kHeldFor)) << held.raw();
  ASSERT_EQ(s.post("/api/v1/push/" + p.tx + "/decision", phone.decision(p.tx, p.number, "approve")).status, 200);
  ASSERT_TRUE(held.answered_within(kAnswerDue)) << held.raw();
  EXPECT_EQ(held.field("status"), "approved");
  EXPECT_NE(held.raw().find("Connection: close"), std::string::npos) << held.raw();
  // The server still answers others.
  EXPECT_EQ(s.get("/api/v1/push/" + p.tx).str("status"), "approved");
}

class ShortPushTest : public LongPollTest {
 protected:
  ShortPushTest() : LongPollTest(test_http_config(), short_push_config()) {}
};

TEST_F(ShortPushTest, TheExpiryWakesTheWaiter) {
  const Push p = start_push();
  auto held = hold(p);
  EXPECT_FALSE(held->answered_within(kHeldFor));
  s.clock().advance_seconds(3);  // past the push's 2 s
  ASSERT_TRUE(held->answered_within(kAnswerDue)) << held->raw();
  EXPECT_EQ(held->field("status"), "expired");
}

class WaiterCapTest : public LongPollTest {
 protected:
  WaiterCapTest() : LongPollTest(waiter_config(3, 2)) {}
};

TEST_F(WaiterCapTest, OverTheCapsAStatusRequestAnswersAtOnce) {
  const Push p = start_push();
  auto a = hold(p, 20, "127.0.0.2");
  auto b = hold(p, 20, "127.0.0.2");
  EXPECT_FALSE(a->answered_within(kHeldFor));
  EXPECT_FALSE(b->answered_within(kHeldFor));
  auto c = hold(p, 20, "127.0.0.2");  // third from that address: over its cap
  ASSERT_TRUE(c->answered_within(kAnswerDue));
  EXPECT_EQ(c->field("status"), "pending");

  auto d = hold(p, 20, "127.0.0.3");  // the third in all
  EXPECT_FALSE(d->answered_within(kHeldFor));
  auto e = hold(p, 20, "127.0.0.4");  // over the total
  ASSERT_TRUE(e->answered_within(kAnswerDue));
  EXPECT_EQ(e->field("status"), "pending");

  // All held ones answer the decision.
  ASSERT_EQ(s.post("/api/v1/push/" + p.tx + "/decision", phone.decision(p.tx, p.number, "deny")).status, 200);
  for (auto* held : {a.get(), b.get(), d.get()}) {
    ASSERT_TRUE(held->answered_within(kAnswerDue));
    EXPECT_EQ(held->field("status"), "denied");
  }
}

TEST_F(WaiterCapTest, AClientThatLeavesFreesItsSlot) {
  const Push p = start_push();
  auto a = hold(p, 20, "127.0.0.5");
  auto b = hold(p, 20, "127.0.0.5");
  EXPECT_FALSE(a->answered_within(kHeldFor));
  EXPECT_FALSE(b->answered_within(kHeldFor));
  a->close();
  // Once the server has seen it go, a new request from there is held again.
  bool held_again = false;
  for (int i = 0; i < 40 && !held_again; ++i) {
    auto c = hold(p, 20, "127.0.0.5");
    held_again = !c->answered_within(kHeldFor);
  }
  EXPECT_TRUE(held_again) << "the slot of the client that left was never freed";
}

HttpConfig one_worker_no_queue() {
  HttpConfig c = test_http_config();
  c.threads = 1;
  c.max_queued_requests = 0;
  return c;
}

class QueueBoundTest : public LongPollTest {
 protected:
  QueueBoundTest() : LongPollTest(one_worker_no_queue()) {}
};

// A held request of a push known to be unchanged (from its opening on)
// parks as soon as its wake-up is registered, without a worker: a burst of
// them never meets the worker queue's bound (503 http.busy), however small.
// Before, each first ran the status on a worker, and with one worker and no
// queue most of the burst was answered 503 at once. Each still wakes at the
// decision.
TEST_F(QueueBoundTest, HeldRequestsOfAnUnchangedPushParkWithoutAWorker) {
  const Push p = start_push();  // no poll yet: the opening made it known
  std::vector<std::unique_ptr<HeldRequest>> held;
  for (int i = 0; i < 40; ++i) held.push_back(hold(p, 20, "127.0.1." + std::to_string(1 + i / 8)));
  for (auto& h : held) EXPECT_FALSE(h->answered_within(20ms)) << h->raw();
  ASSERT_EQ(s.post("/api/v1/push/" + p.tx + "/decision", phone.decision(p.tx, p.number, "approve")).status, 200);
  for (auto& h : held) {
    ASSERT_TRUE(h->answered_within(kAnswerDue)) << h->raw();
    EXPECT_EQ(h->field("status"), "approved") << h->raw();
  }
}

}  // namespace
}  // namespace sls::server::testing
