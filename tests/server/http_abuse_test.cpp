// slsd's HTTP front end driven from raw sockets: attacks (slow clients that
// hold connections open, more connections per address than the cap, header
// floods, malformed requests, static path escapes, a second server on a taken
// port) and the connection handling they must not break. Clients bind to source addresses of
// 127/8 (127.0.0.2, 127.0.0.3, ...) the way a botnet spreads over many IPs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "loopback_socket.hpp"
#include "sls/messages.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

using namespace std::chrono_literals;

/// A raw TCP connection to 127.0.0.1:port from a chosen source address.
class RawConn {
 public:
  RawConn(const std::string& source, int port) : fd_(connect_from(source, port)) {}
  ~RawConn() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  bool connected() const { return fd_ >= 0; }

  /// Sends all of `data`; false once the server has closed or reset.
  bool send_all(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  /// Reads what has arrived without waiting (appended to received()); true
  /// when the server has closed the connection (end of stream or reset).
  bool closed_now() { return read_for(0ms); }

  /// Reads until the server closes or `timeout` passes; true if it closed.
  bool read_for(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(0, left.count()))) <= 0) return false;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0) return true;
      if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
      received_.append(buf, static_cast<std::size_t>(n));
    }
  }

  const std::string& received() const { return received_; }

 private:
  int fd_ = -1;
  std::string received_;
};

/// The status code and JSON body of a raw HTTP/1.1 response.
struct RawReply {
  int status = 0;
  JsonValue body;
  std::string code() const {
    const JsonValue* e = body.find("error");
    auto c = e != nullptr ? e->get_string("code") : std::nullopt;
    return c ? std::string(*c) : std::string();
  }
};

RawReply parse_raw(const std::string& raw) {
  RawReply out;
  if (raw.rfind("HTTP/1.1 ", 0) == 0 && raw.size() >= 12) out.status = std::stoi(raw.substr(9, 3));
  const auto blank = raw.find("\r\n\r\n");
  if (blank != std::string::npos) {
    auto parsed = json_parse(raw.substr(blank + 4));
    if (parsed) out.body = std::move(*parsed);
  }
  return out;
}

/// Joins a thread when the scope ends, also when an assertion returns early.
class Joiner {
 public:
  Joiner(std::atomic<bool>& stop, std::thread& thread) : stop_(stop), thread_(thread) {}
  ~Joiner() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool>& stop_;
  std::thread& thread_;
};

/// GET /api/v1/server-key from 127.0.0.1 on a fresh connection, waiting at
/// most 5 s for the connect and 5 s for the answer: a bound on liveness.
int status_of_a_normal_request(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(5, 0);
  c.set_read_timeout(5, 0);
  auto r = c.Get("/api/v1/server-key");
  return r ? r->status : 0;
}

std::string source_address(int last_octet) { return "127.0.0." + std::to_string(last_octet); }

// Finding 2: slow clients from many addresses, each sending one header line a
// second, must neither hold the server nor stay connected past the request
// deadline. With one thread per connection they held every thread and other
// users timed out.
TEST(HttpAbuse, SlowHeadersFromManyAddressesNeitherStarveOthersNorOutliveTheDeadline) {
  HttpConfig http = test_http_config();
  http.request_timeout_seconds = 3;
  TestServer s(test_service_config(), http);
  std::vector<std::unique_ptr<RawConn>> slow;
  for (int i = 0; i < 64; ++i) {
    auto c = std::make_unique<RawConn>(source_address(2 + i), s.port());
    ASSERT_TRUE(c->connected()) << source_address(2 + i);
    ASSERT_TRUE(c->send_all("GET /api/v1/server-key HTTP/1.1\r\nHost: slow\r\n"));
    slow.push_back(std::move(c));
  }
  const auto opened = std::chrono::steady_clock::now();
  std::atomic<bool> stop{false};
  std::thread trickler([&] {
    for (int line = 0; line < 6 && !stop; ++line) {
      std::this_thread::sleep_for(1s);
      for (auto& c : slow) c->send_all("X-Slow-" + std::to_string(line) + ": 1\r\n");
    }
  });
  Joiner joiner(stop, trickler);

  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(status_of_a_normal_request(s.port()), 200) << "request " << i << " while 64 slow clients are connected";
    std::this_thread::sleep_for(500ms);
  }
  // Past the 3 s deadline (with a margin for a busy machine) every slow
  // client has been disconnected, although it never stopped sending.
  std::this_thread::sleep_until(opened + 5s);
  int closed = 0;
  for (auto& c : slow) closed += c->closed_now() ? 1 : 0;
  EXPECT_EQ(closed, 64) << "slow clients still connected after the request deadline";
  EXPECT_EQ(status_of_a_normal_request(s.port()), 200);
}

// Finding 2: one address opening many connections gets no more than its cap;
// the rest are answered 503 and closed at once, and other addresses are served.
TEST(HttpAbuse, ConnectionsOverThePerAddressCapAreRefused) {
  HttpConfig http = test_http_config();
  http.max_connections_per_address = 16;
  http.request_timeout_seconds = 30;  // the admitted ones stay open through the test
  TestServer s(test_service_config(), http);
  std::vector<std::unique_ptr<RawConn>> conns;
  for (int i = 0; i < 200; ++i) {
    conns.push_back(std::make_unique<RawConn>(source_address(70), s.port()));
    ASSERT_TRUE(conns.back()->connected()) << i;
  }
  EXPECT_EQ(status_of_a_normal_request(s.port()), 200);
  std::this_thread::sleep_for(1500ms);
  int refused = 0;
  for (auto& c : conns) {
    if (!c->closed_now()) continue;
    ++refused;
    if (!c->received().empty()) {
      RawReply r = parse_raw(c->received());
      EXPECT_EQ(r.status, 503) << c->received();
      EXPECT_EQ(r.code(), "http.too_many_connections") << c->received();
    }
  }
  EXPECT_EQ(refused, 200 - 16);
  // Closing the admitted ones gives the address its connections back.
  conns.clear();
  std::this_thread::sleep_for(300ms);
  RawConn again(source_address(70), s.port());
  ASSERT_TRUE(again.connected());
  ASSERT_TRUE(again.send_all("GET /api/v1/server-key HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  again.read_for(5000ms);
  EXPECT_EQ(parse_raw(again.received()).status, 200) << again.received();
}

// A burst of slow requests (each password step is an Argon2id hash) must not
// queue without bound behind the worker threads: with every worker busy and
// the queue full, a new request is answered at once with 503 http.busy and
// Retry-After instead of waiting its turn for seconds. Before the bound,
// every one of them waited (the last for about 12 hashes) and got a 401.
TEST(HttpAbuse, ABurstOverTheWorkerQueueGets503WithRetryAfter) {
  ServiceConfig svc = test_service_config();
  svc.password = PasswordPolicy{};  // the real cost: each password check takes tens of ms
  HttpConfig http = test_http_config();
  http.threads = 1;
  http.max_queued_requests = 1;
  TestServer s(svc, http);
  constexpr int kBurst = 12;
  const std::string body = R"({"username":"nobody-here","password":"wrong password"})";
  const std::string request =
      "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  std::vector<std::unique_ptr<RawConn>> conns;
  for (int i = 0; i < kBurst; ++i) {
    conns.push_back(std::make_unique<RawConn>(source_address(120 + i), s.port()));
    ASSERT_TRUE(conns.back()->connected()) << i;
  }
  for (auto& c : conns) ASSERT_TRUE(c->send_all(request));
  int busy = 0;
  int answered = 0;
  for (auto& c : conns) {
    // An answer is complete once its JSON body has arrived (the connection
    // stays open: the request was read whole).
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (parse_raw(c->received()).body.find("error") == nullptr && std::chrono::steady_clock::now() < until)
      c->read_for(50ms);
    RawReply r = parse_raw(c->received());
    if (r.status == 503) {
      ++busy;
      EXPECT_EQ(r.code(), "http.busy") << c->received();
      EXPECT_NE(c->received().find("\r\nRetry-After: 1\r\n"), std::string::npos) << c->received();
      EXPECT_EQ(r.body.find("error")->get_int("retry_after"), 1) << c->received();
    } else {
      ++answered;
      EXPECT_EQ(r.status, 401) << c->received();
    }
  }
  // The first request runs and one more waits; the others arrive while the
  // first hash is still running. A scheduler that delays the sender by a
  // whole hash lets a few more through, never all of them.
  EXPECT_GE(busy, kBurst / 2) << answered << " waited for a worker";
  EXPECT_GE(answered, 2);
  // Busy is momentary: once the burst is served, requests are answered.
  EXPECT_EQ(s.get("/api/v1/server-key").status, 200);
}

/// Sends `request` from `source` while reading the answer; returns what came
/// back, and whether the server closed the connection within 5 s.
std::pair<std::string, bool> send_flood(int port, int source, const std::string& request) {
  RawConn c(source_address(source), port);
  EXPECT_TRUE(c.connected());
  std::thread sender([&] { c.send_all(request); });
  const bool closed = c.read_for(5000ms);
  sender.join();
  return {c.received(), closed};
}

// Finding 3: header count and header bytes are capped; over the cap the
// request gets 431 with the JSON error body and the connection is closed.
TEST(HttpAbuse, HeaderFloodsGet431AndTheConnectionIsClosed) {
  TestServer s;
  const std::string head = "GET /api/v1/server-key HTTP/1.1\r\nHost: x\r\n";
  std::string many_lines = head;  // 5000 lines, 60 KB
  for (int i = 0; i < 5000; ++i) many_lines += "X-F" + std::to_string(i) + ": 1\r\n";
  many_lines += "\r\n";
  std::string few_but_long = head + "X-Big: " + std::string(32 * 1024, 'a') + "\r\n\r\n";
  std::string over_the_count = head;  // 150 fields, under 2 KB
  for (int i = 0; i < 150; ++i) over_the_count += "X-F" + std::to_string(i) + ": 1\r\n";
  over_the_count += "\r\n";

  for (const std::string* request : {&many_lines, &few_but_long, &over_the_count}) {
    auto [raw, closed] = send_flood(s.port(), 80, *request);
    RawReply r = parse_raw(raw);
    EXPECT_EQ(r.status, 431) << raw.substr(0, 300);
    EXPECT_EQ(r.code(), "http.headers_too_large") << raw.substr(0, 300);
    EXPECT_TRUE(closed) << "the connection stayed open after the flood";
  }
  // Exactly at the limit (Host, 98 more and Connection: 100 fields) is fine.
  std::string at_the_count = head;
  for (int i = 0; i < 98; ++i) at_the_count += "X-F" + std::to_string(i) + ": 1\r\n";
  at_the_count += "Connection: close\r\n\r\n";
  auto [raw, closed] = send_flood(s.port(), 81, at_the_count);
  EXPECT_EQ(parse_raw(raw).status, 200) << raw.substr(0, 300);
  EXPECT_EQ(s.get("/api/v1/server-key").status, 200);
}

/// Sends one raw request from 127.0.0.1 and returns the reply the server
/// sent before closing (the request asks it to close).
std::string raw_exchange(int port, const std::string& request) {
  RawConn c(source_address(1), port);
  EXPECT_TRUE(c.connected());
  c.send_all(request);
  EXPECT_TRUE(c.read_for(5000ms)) << "the server kept the connection open";
  return c.received();
}

// Requests the parser cannot read get the JSON error body too, and the
// connection is closed (where the next request would start is unknown).
TEST(HttpAbuse, MalformedRequestsGet400JsonAndAreClosed) {
  TestServer s;
  for (const std::string& request :
       {std::string("BLAH\r\n\r\n"), std::string("GET /api/v1/server-key HTTP/9.9\r\n\r\n"),
        std::string("GET /api/v1/server-key HTTP/1.1\r\nNo colon here\r\n\r\n"),
        std::string("GET /api/v1/server-key HTTP/1.1\r\nHost: a") + '\0' + "b\r\n\r\n",
        std::string("POST /api/v1/login HTTP/1.1\r\nContent-Length: 12\r\nContent-Length: 13\r\n\r\n"),
        std::string("POST /api/v1/login HTTP/1.1\r\nContent-Length: 1x\r\n\r\n")}) {
    const std::string raw = raw_exchange(s.port(), request);
    RawReply r = parse_raw(raw);
    EXPECT_EQ(r.status, 400) << request << " -> " << raw;
    EXPECT_EQ(r.code(), "http.bad_request") << request << " -> " << raw;
  }
  // Bodies must come with a Content-Length: a chunked one is refused before
  // any chunk is parsed, whatever its size.
  std::string chunked =
      "POST /api/v1/login HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n";
  for (int i = 0; i < 20; ++i) chunked += "400\r\n" + std::string(1024, ' ') + "\r\n";
  chunked += "0\r\n\r\n";
  for (const std::string& request : {chunked, chunked.substr(0, chunked.find("\r\n\r\n") + 4) + "zz\r\n"}) {
    auto [raw, closed] = send_flood(s.port(), 82, request);
    EXPECT_EQ(parse_raw(raw).status, 411) << raw.substr(0, 300);
    EXPECT_EQ(parse_raw(raw).code(), "http.length_required");
    EXPECT_TRUE(closed);
  }
  // A body over the limit is refused from its Content-Length, unread.
  auto [raw, closed] = send_flood(s.port(), 83,
                                  "POST /api/v1/login HTTP/1.1\r\nContent-Type: application/json\r\n"
                                  "Content-Length: 100000000\r\n\r\n{");
  EXPECT_EQ(parse_raw(raw).status, 413) << raw.substr(0, 300);
  EXPECT_EQ(parse_raw(raw).code(), "http.body_too_large");
  EXPECT_TRUE(closed);
  EXPECT_EQ(s.get("/api/v1/server-key").status, 200);
}

// Static files never leave their directory: not with "..", not encoded, not
// with backslashes or NUL, and hidden files are not served.
TEST(HttpAbuse, StaticPathsCannotLeaveTheirDirectory) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("site/sub"));
  std::ofstream(dir.file("site/index.html")) << "<title>index</title>";
  std::ofstream(dir.file("site/sub/app.wasm")) << "wasm";
  std::ofstream(dir.file("site/.env")) << "SECRET=1";
  std::ofstream(dir.file("secret.txt")) << "SECRET=2";
  HttpConfig http = test_http_config();
  http.static_dir = dir.file("site");
  TestServer s(test_service_config(), http);
  auto get = [&](const std::string& path) {
    return raw_exchange(s.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  };
  for (const char* path :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/sub/../../secret.txt", "/..%5csecret.txt",
        "/sub%5c..%5c..%5csecret.txt", "/index.html%00.txt", "/.env", "/%2eenv", "//secret.txt", "/sub//app.wasm"}) {
    const std::string raw = get(path);
    EXPECT_EQ(parse_raw(raw).status, 404) << path << " -> " << raw;
    EXPECT_EQ(raw.find("SECRET"), std::string::npos) << path;
  }
  const std::string index = get("/");
  EXPECT_EQ(parse_raw(index).status, 200) << index;
  EXPECT_NE(index.find("<title>index</title>"), std::string::npos);
  EXPECT_NE(index.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  const std::string wasm = get("/sub/app.wasm");
  EXPECT_NE(wasm.find("Content-Type: application/wasm"), std::string::npos) << wasm;
  const std::string redirect = get("/sub");
  EXPECT_EQ(parse_raw(redirect).status, 301) << redirect;
  EXPECT_NE(redirect.find("Location: /sub/\r\n"), std::string::npos) << redirect;
}

// A client that sends "Expect: 100-continue" is told to go on as soon as the
// head has passed the gates, and one whose head fails them gets the refusal
// without sending its body.
TEST(HttpAbuse, ExpectContinueIsAnsweredBeforeTheBody) {
  TestServer s;
  const std::string body = R"({"username":"nobody","password":"wrong"})";
  RawConn c(source_address(1), s.port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(
      c.send_all("POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n"));
  for (int i = 0; i < 50 && c.received().find("\r\n\r\n") == std::string::npos; ++i) c.read_for(100ms);
  EXPECT_EQ(c.received().rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u) << c.received();
  ASSERT_TRUE(c.send_all(body));
  c.read_for(5000ms);
  EXPECT_NE(c.received().find("HTTP/1.1 401 "), std::string::npos) << c.received();

  RawConn refused(source_address(1), s.port());
  ASSERT_TRUE(
      refused.send_all("POST /api/v1/nothing HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                       "Content-Length: 100\r\n\r\n"));
  EXPECT_TRUE(refused.read_for(5000ms));
  EXPECT_EQ(parse_raw(refused.received()).status, 404) << refused.received();
}

/// A line of /proc/self/status ("VmHWM", "VmRSS") in kB, 0 if absent.
long proc_status_kb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  return 0;
}

// Finding 3, the measurement: 8 connections each sending a million header
// lines once grew the server by 850 MB. Now each is cut off at the header
// cap. The memory numbers are printed (this process is the server and the
// clients), not asserted; what is asserted is that the server gave up on
// each connection long before its million lines.
TEST(HttpAbuse, MillionLineHeaderFloodsAreCutOff) {
  TestServer s;
  const long hwm_before = proc_status_kb("VmHWM");
  const long rss_before = proc_status_kb("VmRSS");
  constexpr int kLines = 1'000'000;
  constexpr int kBatch = 10'000;
  std::string batch;
  for (int i = 0; i < kBatch; ++i) batch += "X-Flood-Header: 0123456\r\n";
  std::vector<int> lines_sent(8, 0);
  std::vector<int> closed(8, 0);
  std::vector<std::thread> flooders;
  for (std::size_t f = 0; f < 8; ++f) {
    flooders.emplace_back([&, f] {
      RawConn c(source_address(90 + static_cast<int>(f)), s.port());
      if (!c.connected() || !c.send_all("GET /api/v1/server-key HTTP/1.1\r\nHost: x\r\n")) return;
      while (lines_sent[f] < kLines && c.send_all(batch)) lines_sent[f] += kBatch;
      closed[f] = c.read_for(10000ms) ? 1 : 0;
    });
  }
  for (auto& t : flooders) t.join();
  const long hwm_after = proc_status_kb("VmHWM");
  const long rss_after = proc_status_kb("VmRSS");
  std::cout << "[ memory   ] header flood 8 x " << kLines << " lines: VmHWM " << hwm_before << " -> " << hwm_after
            << " kB, VmRSS " << rss_before << " -> " << rss_after << " kB\n";
  RecordProperty("vm_hwm_growth_kb", std::to_string(hwm_after - hwm_before));
  for (std::size_t f = 0; f < 8; ++f) {
    EXPECT_LT(lines_sent[f], kLines) << "flood " << f << " was read to the end";
    EXPECT_EQ(closed[f], 1) << "flood " << f;
  }
  EXPECT_EQ(s.get("/api/v1/server-key").status, 200);
}

// Finding 12: the port is bound exclusively. A second server on a taken port
// fails with an error naming the address and port (with SO_REUSEPORT it bound
// and silently took half the connections).
TEST(HttpAbuse, ASecondServerOnATakenPortFailsClearly) {
  TestServer s;
  HttpConfig http = test_http_config();
  http.port = s.port();
  HttpApi second(s.service(), s.clock(), http);
  auto bound = second.bind();
  ASSERT_FALSE(bound) << "a second server bound port " << s.port();
  EXPECT_EQ(bound.error().code, Errc::server_address_in_use);
  const std::string message = localize(bound.error(), Lang::en);
  EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(s.port())), std::string::npos) << message;
  EXPECT_NE(message.find("in use"), std::string::npos) << message;
  for (int i = 0; i < 20; ++i) EXPECT_EQ(status_of_a_normal_request(s.port()), 200);
}

}  // namespace
}  // namespace sls::server::testing
