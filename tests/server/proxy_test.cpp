// Client addresses behind reverse proxies (slsd --trusted-proxy,
// docs/proxies.md): the parsing of blocks and X-Forwarded-For, and the real
// HTTP layer with clients on several 127/8 source addresses: 127.0.0.3 is the
// trusted proxy, 127.0.0.2 an untrusted peer that sends the header anyway.
#include <poll.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <vector>

#include "loopback_socket.hpp"
#include "server/client_address.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

namespace ip = boost::asio::ip;

constexpr const char* kProxy = "127.0.0.3";
constexpr const char* kStranger = "127.0.0.2";

TrustedProxies trusted(const std::vector<std::string>& blocks) {
  auto p = TrustedProxies::parse(blocks);
  if (!p) throw std::runtime_error("parse");
  return std::move(*p);
}

std::string client_of(const TrustedProxies& proxies, const std::string& peer, std::vector<std::string_view> lines) {
  return proxies.client_address(ip::make_address(peer), lines).to_string();
}

// --- the parsing ---------------------------------------------------------------------------------

TEST(TrustedProxies, BlocksParseAndMatch) {
  const TrustedProxies p =
      trusted({"10.0.0.0/8", "192.0.2.7", "fd00::/8", "::1", "172.16.5.9/12", "::ffff:198.51.100.0/120"});
  EXPECT_TRUE(p.contains(ip::make_address("10.255.1.2")));
  EXPECT_FALSE(p.contains(ip::make_address("11.0.0.1")));
  EXPECT_TRUE(p.contains(ip::make_address("192.0.2.7")));
  EXPECT_FALSE(p.contains(ip::make_address("192.0.2.8")));
  EXPECT_TRUE(p.contains(ip::make_address("fdab::1")));
  EXPECT_FALSE(p.contains(ip::make_address("fe00::1")));
  EXPECT_TRUE(p.contains(ip::make_address("::1")));
  EXPECT_FALSE(p.contains(ip::make_address("::2")));
  EXPECT_TRUE(p.contains(ip::make_address("172.31.0.1"))) << "host bits past the prefix are ignored";
  EXPECT_TRUE(p.contains(ip::make_address("198.51.100.99")));
  // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d: still the same peer.
  EXPECT_TRUE(p.contains(ip::make_address("::ffff:10.1.2.3")));
  EXPECT_FALSE(p.contains(ip::make_address("::ffff:11.1.2.3")));
  EXPECT_TRUE(trusted({"0.0.0.0/0"}).contains(ip::make_address("8.8.8.8")));
  EXPECT_FALSE(trusted({"0.0.0.0/0"}).contains(ip::make_address("2001:db8::1"))) << "an IPv4 block holds no IPv6";
  EXPECT_TRUE(trusted({}).empty());
}

TEST(TrustedProxies, BadBlocksAreRefusedByName) {
  for (const char* bad :
       {"", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/8/8", "10.0.0.0/-1", "10.0.0.0/ 8", "10.0.0",
        "proxy.example", "10.0.0.0/8 ", "fe80::1%eth0", "::ffff:10.0.0.0/95", "*", "/8", "10.0.0.0/0008"}) {
    auto p = TrustedProxies::parse({"127.0.0.1", bad});
    ASSERT_FALSE(p) << "\"" << bad << "\"";
    EXPECT_EQ(p.error().code, Errc::bad_argument);
    EXPECT_EQ(p.error().args, (std::vector<std::string>{"trusted-proxy", bad}));
  }
}

TEST(TrustedProxies, ForwardedEntriesParse) {
  auto text = [](std::string_view e) {
    auto a = parse_forwarded_address(e);
    return a ? a->to_string() : std::string("-");
  };
  EXPECT_EQ(text(" 203.0.113.5 "), "203.0.113.5");
  EXPECT_EQ(text("203.0.113.5:4711"), "203.0.113.5");
  EXPECT_EQ(text("2001:DB8:0::1"), "2001:db8::1") << "one text per address: one bucket";
  EXPECT_EQ(text("[2001:db8::1]"), "2001:db8::1");
  EXPECT_EQ(text("[2001:db8::1]:443"), "2001:db8::1");
  EXPECT_EQ(text("::ffff:203.0.113.5"), "203.0.113.5");
  for (const char* bad :
       {"", "unknown", "_hidden", "203.0.113.5:", "203.0.113.5:99999", "203.0.113.256", "[2001:db8::1",
        "[2001:db8::1]x", "2001:db8::1:443x", "fe80::1%eth0", "host.example", "203.0.113.5 203.0.113.6"})
    EXPECT_EQ(text(bad), "-") << "\"" << bad << "\"";
}

TEST(TrustedProxies, TheClientIsTheRightMostUntrustedEntryOfATrustedPeer) {
  const TrustedProxies p = trusted({"127.0.0.3", "10.0.0.0/8", "fd00::/8"});
  // An untrusted peer is the client whatever it says.
  EXPECT_EQ(client_of(p, "198.51.100.1", {"203.0.113.5"}), "198.51.100.1");
  EXPECT_EQ(client_of(trusted({}), "198.51.100.1", {"203.0.113.5"}), "198.51.100.1");
  // A trusted peer: its right-most entry; what the client prepended is not believed.
  EXPECT_EQ(client_of(p, "127.0.0.3", {"203.0.113.5"}), "203.0.113.5");
  EXPECT_EQ(client_of(p, "127.0.0.3", {"1.1.1.1, 2.2.2.2, 203.0.113.5"}), "203.0.113.5");
  // A chain of trusted proxies is skipped from the right.
  EXPECT_EQ(client_of(p, "127.0.0.3", {"1.1.1.1, 203.0.113.5, 10.0.0.9, 10.1.1.1"}), "203.0.113.5");
  // Several header lines are one list, in their order.
  EXPECT_EQ(client_of(p, "127.0.0.3", {"1.1.1.1", "203.0.113.5, 10.0.0.9"}), "203.0.113.5");
  EXPECT_EQ(client_of(p, "127.0.0.3", {"203.0.113.5", "10.0.0.9"}), "203.0.113.5");
  // IPv6 clients, proxies and peers.
  EXPECT_EQ(client_of(p, "127.0.0.3", {"2001:db8::1, fd00::5"}), "2001:db8::1");
  EXPECT_EQ(client_of(p, "fd00::1", {"203.0.113.5"}), "203.0.113.5");
  EXPECT_EQ(client_of(p, "::ffff:127.0.0.3", {"203.0.113.5"}), "203.0.113.5");
  EXPECT_EQ(client_of(p, "::ffff:198.51.100.1", {"203.0.113.5"}), "198.51.100.1");
  // Every entry trusted: the left-most (the furthest one known).
  EXPECT_EQ(client_of(p, "127.0.0.3", {"10.0.0.1, 10.0.0.2"}), "10.0.0.1");
  // Missing, empty or malformed before the client is found: the peer.
  EXPECT_EQ(client_of(p, "127.0.0.3", {}), "127.0.0.3");
  EXPECT_EQ(client_of(p, "127.0.0.3", {""}), "127.0.0.3");
  EXPECT_EQ(client_of(p, "127.0.0.3", {"unknown"}), "127.0.0.3");
  EXPECT_EQ(client_of(p, "127.0.0.3", {"203.0.113.5, garbage"}), "127.0.0.3");
  EXPECT_EQ(client_of(p, "127.0.0.3", {"203.0.113.5,"}), "127.0.0.3");
  EXPECT_EQ(client_of(p, "127.0.0.3", {"garbage, 203.0.113.5"}), "203.0.113.5") << "left of the client: not read";
  // A long chain of trusted entries is not followed without end.
  std::string chain = "203.0.113.5";
  for (std::size_t i = 0; i < TrustedProxies::kMaxHops; ++i) chain += ", 10.0.0." + std::to_string(i % 250 + 1);
  EXPECT_EQ(client_of(p, "127.0.0.3", {chain}), "127.0.0.3");
}

// --- the real HTTP layer -------------------------------------------------------------------------

/// One request on a fresh connection from `source`, with an X-Forwarded-For
/// line per entry of `forwarded`; the status ("0": no reply) and the raw reply.
std::pair<int, std::string> request_from(const std::string& source, int port, const std::vector<std::string>& forwarded,
                                         const std::string& method = "GET",
                                         const std::string& path = "/api/v1/server-key", const std::string& body = {}) {
  const int fd = connect_from(source, port);
  if (fd < 0) return {0, "connect failed"};
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
  for (const auto& f : forwarded) req += "X-Forwarded-For: " + f + "\r\n";
  if (!body.empty()) req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  std::string out;
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
    char buf[4096];
    for (ssize_t n = 0; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const int status = out.rfind("HTTP/1.1 ", 0) == 0 && out.size() >= 12 ? std::stoi(out.substr(9, 3)) : 0;
  return {status, out};
}

int status_from(const std::string& source, int port, const std::vector<std::string>& forwarded) {
  return request_from(source, port, forwarded).first;
}

/// A server that trusts kProxy, with a request budget of 3 and no refill
/// (the manual clock stands still).
HttpConfig proxied_config(std::vector<std::string> proxies = {kProxy}) {
  HttpConfig http = test_http_config();
  http.rate_limit = {3, 0.001, 1000};
  http.trusted_proxies = std::move(proxies);
  return http;
}

// The attack: a client that talks to slsd directly sets X-Forwarded-For to a
// new address on every request to get a fresh budget each time. From a peer
// that is not a trusted proxy the header changes nothing.
TEST(ProxyHttp, ASpoofedHeaderFromAnUntrustedPeerChangesNothing) {
  TestServer s(test_service_config(), proxied_config());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(status_from(kStranger, s.port(), {"203.0.113." + std::to_string(i)}), 200) << i;
  for (int i = 3; i < 8; ++i) EXPECT_EQ(status_from(kStranger, s.port(), {"203.0.113." + std::to_string(i)}), 429) << i;
  // The proxy's clients are not hurt by it, and the log names the real peer.
  EXPECT_EQ(status_from(kProxy, s.port(), {"203.0.113.1"}), 200);
  int stranger_lines = 0;
  for (const auto& line : s.log()) {
    EXPECT_EQ(line.find("203.0.113.5 "), std::string::npos) << line;
    stranger_lines += line.rfind("127.0.0.2 GET", 0) == 0 ? 1 : 0;
  }
  EXPECT_EQ(stranger_lines, 8);
}

// Behind a trusted proxy every client used to share the proxy's bucket: one
// busy client locked everyone out. Each client it names has its own now.
TEST(ProxyHttp, BehindATrustedProxyTwoClientsGetSeparateBuckets) {
  TestServer s(test_service_config(), proxied_config());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(status_from(kProxy, s.port(), {"203.0.113.1"}), 200) << i;
  EXPECT_EQ(status_from(kProxy, s.port(), {"203.0.113.1"}), 429);
  EXPECT_EQ(status_from(kProxy, s.port(), {"203.0.113.2"}), 200) << "another client behind the same proxy";
  EXPECT_EQ(status_from(kProxy, s.port(), {"2001:db8::7"}), 200) << "an IPv6 client behind it";
  // The log line names the client, not the proxy.
  bool logged = false;
  for (const auto& line : s.log()) logged = logged || line.rfind("203.0.113.2 GET /api/v1/server-key 200", 0) == 0;
  EXPECT_TRUE(logged);
}

// The attack on a proxy that appends: the client prepends addresses of its
// own, a new one each time, hoping the left-most is believed.
TEST(ProxyHttp, AClientBehindTheProxyCannotEscapeItsBucketByPrependingAddresses) {
  TestServer s(test_service_config(), proxied_config({kProxy, "10.0.0.0/8"}));
  for (int i = 0; i < 8; ++i) {
    // What nginx sends with $proxy_add_x_forwarded_for: the client's header, then the client.
    const std::vector<std::string> header = {"198.51.100." + std::to_string(i) + ", 10.9.9." + std::to_string(i) +
                                             ", 203.0.113.9"};
    EXPECT_EQ(status_from(kProxy, s.port(), header), i < 3 ? 200 : 429) << i;
  }
  // The same client through a second trusted proxy in the chain, and in
  // several header lines: still the same bucket.
  EXPECT_EQ(status_from(kProxy, s.port(), {"198.51.100.77, 203.0.113.9, 10.0.0.4"}), 429);
  EXPECT_EQ(status_from(kProxy, s.port(), {"198.51.100.78", "203.0.113.9"}), 429);
  EXPECT_EQ(status_from(kProxy, s.port(), {"203.0.113.9:5555"}), 429) << "a port makes no new client";
  // IPv6: another way of writing the same address is the same client.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(status_from(kProxy, s.port(), {"2001:db8::1"}), 200) << i;
  EXPECT_EQ(status_from(kProxy, s.port(), {"2001:DB8:0:0::1"}), 429);
  EXPECT_EQ(status_from(kProxy, s.port(), {"[2001:db8::1]:443"}), 429);
}

// A header a trusted proxy sent is never refused: when it cannot be read,
// the proxy's own address is used.
TEST(ProxyHttp, AMalformedHeaderFromTheProxyIsThePeersBucketNotAnError) {
  TestServer s(test_service_config(), proxied_config());
  const std::vector<std::vector<std::string>> headers = {{"unknown"}, {"203.0.113.5, garbage"}, {""}};
  for (const auto& h : headers) EXPECT_EQ(status_from(kProxy, s.port(), h), 200);
  EXPECT_EQ(status_from(kProxy, s.port(), {}), 429) << "all four shared the proxy's bucket";
  EXPECT_EQ(status_from(kProxy, s.port(), {"203.0.113.5"}), 200);
}

// The per-address failure budget and the audit log see the client too.
TEST(ProxyHttp, FailureBudgetAndAuditLogAreThoseOfTheClient) {
  ServiceConfig config = test_service_config();
  config.failures_per_address = {2, 1.0 / 60, 1000};
  TestServer s(config, proxied_config());
  ASSERT_TRUE(s.admin().create_user("dora", "correct horse", /*opted_out=*/true));
  const std::string wrong = R"({"username":"dora","password":"guess"})";
  auto login = [&](const std::string& client) {
    return request_from(kProxy, s.port(), {client}, "POST", "/api/v1/login", wrong).first;
  };
  EXPECT_EQ(login("198.51.100.7"), 401);
  EXPECT_EQ(login("198.51.100.7"), 401);
  EXPECT_EQ(login("198.51.100.7"), 429) << "the client's failure budget is spent";
  EXPECT_EQ(login("198.51.100.8"), 401) << "another client's is not";
  bool audited = false;
  for (const AuditRecord& a : s.audit()) {
    EXPECT_NE(a.client_addr, kProxy) << a.event;
    audited = audited || a.client_addr == "198.51.100.8";
  }
  EXPECT_TRUE(audited);
}

// The per-address connection cap guards against one client holding many
// sockets; a proxy holds its clients' connections, so it is under the cap in
// all only. An untrusted peer still gets the per-address cap.
TEST(ProxyHttp, ATrustedProxyIsNotHeldToThePerAddressConnectionCap) {
  HttpConfig http = proxied_config();
  http.max_connections_per_address = 4;
  http.max_connections = 12;
  http.request_timeout_seconds = 30;
  TestServer s(test_service_config(), http);
  std::vector<int> proxy, stranger;
  for (int i = 0; i < 10; ++i) proxy.push_back(connect_from(kProxy, s.port()));
  for (int i = 0; i < 6; ++i) stranger.push_back(connect_from(kStranger, s.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto open = [](const std::vector<int>& fds) {
    int n = 0;
    for (int fd : fds) {
      pollfd p{fd, POLLIN, 0};
      char c = 0;
      // Refused connections got a 503 and were closed; admitted ones wait for a request.
      n += (::poll(&p, 1, 0) == 0 || ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) < 0) ? 1 : 0;
    }
    return n;
  };
  EXPECT_EQ(open(proxy), 10);
  EXPECT_EQ(open(stranger), 2) << "4 per address, but only 12 in all";
  for (int fd : proxy) ::close(fd);
  for (int fd : stranger) ::close(fd);
}

// --- slsd's flag ---------------------------------------------------------------------------------

std::pair<int, std::string> run_command(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, out};
  char buf[4096];
  for (std::size_t n = 0; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(ProxySlsd, ABadBlockStopsTheStartAndSaysWhich) {
  TempDir dir;
  const std::string slsd =
      "timeout 10 " + std::string(SLS_SLSD_PATH) + " --port 0 --quiet --db " + dir.file("slsd.sqlite");
  for (const char* bad : {"10.0.0.0/33", "proxy.example", "fd00::/200", "''"}) {
    const auto [code, out] = run_command(slsd + " --trusted-proxy 127.0.0.1 --trusted-proxy " + bad);
    EXPECT_EQ(code, 2) << bad << ": " << out;
    EXPECT_NE(out.find("--trusted-proxy \""), std::string::npos) << out;
    EXPECT_NE(out.find("not an IPv4 or IPv6 address or block"), std::string::npos) << out;
    EXPECT_NE(out.find("--trusted-proxy CIDR"), std::string::npos) << "the usage follows: " << out;
    EXPECT_EQ(out.find("listening"), std::string::npos) << out;
  }
  const auto [code, out] = run_command(slsd + " --trusted-proxy 10.0.0.0/33");
  EXPECT_NE(out.find("--trusted-proxy \"10.0.0.0/33\": not"), std::string::npos) << out;
}

}  // namespace
}  // namespace sls::server::testing
