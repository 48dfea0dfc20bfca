// StoreListener against a real PostgreSQL (cluster_postgres.hpp): a
// notification committed on another connection arrives at once, one rolled
// back never does, a listener whose connection is ended listens again and
// says so (its cache must go), and stop() is prompt even with the server
// out of reach. Also the parts a reconnect uses: PendingPushCache's
// forget_all and LocalPushWaiters' notify_all.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "cluster_postgres.hpp"
#include "server/pending_push_cache.hpp"
#include "server/push_waiters.hpp"
#include "server/store_listener.hpp"

namespace sls::server::testing {
namespace {

using namespace std::chrono_literals;

/// What a listener was told, waited for from the test thread.
class Inbox {
 public:
  StoreListener::Handlers handlers() {
    return {[this](std::string_view p) { add(std::string(p)); }, [this] { add("<listening>"); }, {}};
  }
  void add(std::string s) {
    std::lock_guard lock(mutex_);
    got_.push_back(std::move(s));
    cv_.notify_all();
  }
  /// Waits until `what` has arrived; false at timeout.
  bool wait_for(const std::string& what, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return std::find(got_.begin(), got_.end(), what) != got_.end(); });
  }
  std::vector<std::string> got() {
    std::lock_guard lock(mutex_);
    return got_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> got_;
};

class StoreListenerTest : public ::testing::Test {
 protected:
  TestDatabase db;
  Inbox inbox;
};

TEST_F(StoreListenerTest, ACommittedNotificationArrivesAtOnceAndARolledBackOneNever) {
  StoreListener listener(db.url(), "sls_push", inbox.handlers());
  ASSERT_TRUE(listener.wait_listening(10s));
  EXPECT_EQ(inbox.got(), std::vector<std::string>{"<listening>"});
  // Named in pg_stat_activity, so that an operator (or a test) can find it.
  EXPECT_EQ(pg_exec(db.url(), "SELECT pid FROM pg_stat_activity WHERE application_name = 'slsd listener " +
                                  std::to_string(::getpid()) + "'"),
            std::to_string(listener.backend_pid()));

  pg_exec(db.url(), "BEGIN; SELECT pg_notify('sls_push', 'rolled-back'); ROLLBACK");
  pg_exec(db.url(), "SELECT pg_notify('other_channel', 'elsewhere')");
  const auto sent = std::chrono::steady_clock::now();
  pg_exec(db.url(), "BEGIN; SELECT pg_notify('sls_push', 'tx-1'); COMMIT");
  ASSERT_TRUE(inbox.wait_for("tx-1", 5s));
  const auto took = std::chrono::steady_clock::now() - sent;
  EXPECT_LT(took, 1s);  // woken by its socket, not a poll of the database
  std::printf("notification delivered in %.2f ms\n", std::chrono::duration<double, std::milli>(took).count());
  pg_exec(db.url(), "SELECT pg_notify('sls_push', 'tx-2')");
  ASSERT_TRUE(inbox.wait_for("tx-2", 5s));
  EXPECT_EQ(inbox.got(), (std::vector<std::string>{"<listening>", "tx-1", "tx-2"}));
}

TEST_F(StoreListenerTest, AnEndedConnectionIsOpenedAgainAndCallsListeningAgain) {
  StoreListener listener(db.url(), "sls_push", inbox.handlers(), {std::chrono::milliseconds(20), 200ms});
  ASSERT_TRUE(listener.wait_listening(10s));
  for (int round = 2; round <= 4; ++round) {
    const int pid = listener.backend_pid();
    ASSERT_GT(pid, 0);
    pg_exec(db.url(), "SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
    ASSERT_TRUE(listener.wait_listening(10s, static_cast<std::uint64_t>(round))) << "round " << round;
    EXPECT_NE(listener.backend_pid(), pid);
    const std::string id = "after-" + std::to_string(round);
    pg_exec(db.url(), "SELECT pg_notify('sls_push', '" + id + "')");
    ASSERT_TRUE(inbox.wait_for(id, 5s));
  }
  const auto got = inbox.got();
  EXPECT_EQ(std::count(got.begin(), got.end(), "<listening>"), 4);
}

TEST_F(StoreListenerTest, StopsAtOnceWhileTheServerIsOutOfReach) {
  // A port nothing listens on: every attempt fails, with backoff.
  const std::string nowhere = "postgresql://sls@127.0.0.1:1/sls?connect_timeout=2";
  auto listener = std::make_unique<StoreListener>(nowhere, "sls_push", inbox.handlers());
  EXPECT_FALSE(listener->wait_listening(300ms));
  const auto t0 = std::chrono::steady_clock::now();
  listener.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_TRUE(inbox.got().empty());
}

TEST_F(StoreListenerTest, ABadChannelNameIsRefused) {
  EXPECT_THROW(StoreListener(db.url(), "sls push; DROP TABLE x", inbox.handlers()), std::invalid_argument);
  EXPECT_THROW(StoreListener(db.url(), "", inbox.handlers()), std::invalid_argument);
}

TEST(StoreListenerParts, ForgetAllDropsEveryEntryAndKeepsOutAnswersReadBefore) {
  PendingPushCache cache;
  const std::vector<std::uint8_t> hash(32, 7);
  const auto matches = [&](std::span<const std::uint8_t> h) {
    return std::equal(h.begin(), h.end(), hash.begin(), hash.end());
  };
  const std::uint64_t seen_b = cache.generation("push-b");
  cache.remember("push-a", hash, 2000000000, 1000, cache.generation("push-a"));
  ASSERT_TRUE(cache.pending_until("push-a", 1000, matches));
  cache.forget_all();
  EXPECT_EQ(cache.size(), 0U);
  EXPECT_FALSE(cache.pending_until("push-a", 1000, matches));
  // An answer read before the reconnect may be stale: not kept.
  cache.remember("push-b", hash, 2000000000, 1000, seen_b);
  EXPECT_FALSE(cache.pending_until("push-b", 1000, matches));
}

TEST(StoreListenerParts, NotifyAllWakesEveryWaiterOnce) {
  LocalPushWaiters waiters;
  int woken = 0;
  waiters.wait("a", [&] { ++woken; });
  waiters.wait("a", [&] { ++woken; });
  const auto t = waiters.wait("b", [&] { ++woken; });
  waiters.notify_all();
  EXPECT_EQ(woken, 3);
  EXPECT_EQ(waiters.size(), 0U);
  waiters.cancel(t);  // already woken: nothing
  waiters.notify("a");
  EXPECT_EQ(woken, 3);
}

}  // namespace
}  // namespace sls::server::testing
