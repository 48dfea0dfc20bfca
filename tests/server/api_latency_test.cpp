// Latency of requests on one kept-alive connection, as the component's push
// polling and every browser see it. slsd writes a response's headers and
// body in two sends; unless the socket has TCP_NODELAY, Nagle's algorithm
// holds the body until the client acknowledges the headers, and the client
// delays that acknowledgement (about 40 ms on Linux). That stall cost 25 ms
// per request on average before slsd set TCP_NODELAY (docs/benchmarks.md).
#include <chrono>
#include <memory>
#include <vector>

#include "test_env.hpp"

namespace sls::server::testing {
namespace {

TEST(HttpLatency, KeptAliveRequestsAreNotDelayedByNagle) {
  TestServer s;
  httplib::Client client("127.0.0.1", s.port());
  client.set_keep_alive(true);
  client.set_read_timeout(10, 0);
  constexpr int kRequests = 60;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kRequests; ++i) {
    auto r = client.Get("/api/v1/server-key");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    ASSERT_EQ(r->status, 200);
  }
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  // With the stall, about one request in two waits 40 ms: well over 1 s in
  // all. Without it each takes well under a millisecond, even in a
  // sanitizer build on a busy machine.
  EXPECT_LT(elapsed.count(), 1000) << kRequests << " requests took " << elapsed.count() << " ms";
}

// Pages waiting on a push poll every second or more and keep their
// connections alive in between. With as many such pages as worker threads, a
// further client must still be served promptly. (With one thread per
// connection, an idle connection held its thread until keep_alive_seconds;
// now an idle connection holds no thread at all.)
TEST(HttpLatency, IdleKeptAliveConnectionsDoNotStarveOtherClients) {
  HttpConfig http = test_http_config();
  http.threads = 2;
  http.keep_alive_seconds = 1;
  TestServer s(test_service_config(), http);
  std::vector<std::unique_ptr<httplib::Client>> idle;
  for (int i = 0; i < 2; ++i) {  // two pages, each between two polls
    auto c = std::make_unique<httplib::Client>("127.0.0.1", s.port());
    c->set_keep_alive(true);
    auto r = c->Get("/api/v1/server-key");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    idle.push_back(std::move(c));
  }
  httplib::Client third("127.0.0.1", s.port());
  third.set_read_timeout(10, 0);
  const auto started = std::chrono::steady_clock::now();
  auto r = third.Get("/api/v1/server-key");
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  // With a thread per connection and a 5 s idle time, the third client waited about 5 s.
  EXPECT_LT(elapsed.count(), 2500) << "the third client waited " << elapsed.count() << " ms";
}

}  // namespace
}  // namespace sls::server::testing
