// Static files served as a CDN serves them, against the real slsd on
// loopback: the precompressed copy the request's Accept-Encoding prefers
// (br, then gzip, then the file itself), strong ETags with 304, HEAD, Range
// refused by sending the whole file, caching by name, and no-store only on
// API answers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

#include "server/http_api.hpp"
#include "server/http_static.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPlain = "export const x = 'the file itself';\n";
constexpr const char* kGzip = "GZIP-COPY";   // the server sends a copy's bytes as they are
constexpr const char* kBrotli = "BR-COPY!";  // (what is in them is the build's business)

void write(const std::string& path, std::string_view text) { std::ofstream(path, std::ios::binary) << text; }

/// A site with app.mjs and both its copies, only.gz.js with a gzip copy only,
/// plain.css with none, a content-hashed chunk.0123abcd.js, and a stale.js
/// whose copies are older than the file (it was edited after the build).
class Site {
 public:
  Site() {
    fs::create_directories(dir_.file("site"));
    write(file("app.mjs"), kPlain);
    write(file("app.mjs.gz"), kGzip);
    write(file("app.mjs.br"), kBrotli);
    write(file("only.gz.js"), kPlain);
    write(file("only.gz.js.gz"), kGzip);
    write(file("plain.css"), "body{}");
    write(file("chunk.0123abcd.js"), kPlain);
    write(file("stale.js"), kPlain);
    write(file("stale.js.gz"), kGzip);
    write(file("stale.js.br"), kBrotli);
    const auto now = fs::last_write_time(file("stale.js"));
    fs::last_write_time(file("stale.js.gz"), now - std::chrono::hours(1));
    fs::last_write_time(file("stale.js.br"), now - std::chrono::hours(1));
  }
  std::string file(const std::string& name) const { return dir_.file("site/" + name); }
  HttpConfig config() const {
    HttpConfig c = test_http_config();
    c.static_dir = dir_.file("site");
    return c;
  }

 private:
  TempDir dir_;
};

/// One request on its own connection, read as sent: the test client library
/// would try to decode a Content-Encoding, and these tests check the bytes.
Reply exchange(TestServer& s, const std::string& method, const std::string& path, const httplib::Headers& headers) {
  Reply out;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return out;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(s.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n";
  std::string raw;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char buf[4096];
    for (ssize_t n = 0; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) raw.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const auto end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) {
    ADD_FAILURE() << method << " " << path << ": no reply: " << raw;
    return out;
  }
  out.status = std::stoi(raw.substr(9, 3));
  std::size_t line = raw.find("\r\n") + 2;
  while (line < end) {
    const auto next = raw.find("\r\n", line);
    const std::string field = raw.substr(line, next - line);
    const auto colon = field.find(':');
    if (colon != std::string::npos) {
      std::string value = field.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      out.headers.emplace(field.substr(0, colon), value);
    }
    line = next + 2;
  }
  out.raw = raw.substr(end + 4);
  return out;
}

Reply get_with(TestServer& s, const std::string& path, const httplib::Headers& headers) {
  return exchange(s, "GET", path, headers);
}

TEST(StaticCodings, AcceptEncodingIsReadByQValue) {
  using C = ContentCoding;
  using V = std::vector<ContentCoding>;
  EXPECT_EQ(acceptable_codings(""), V{C::identity});
  EXPECT_EQ(acceptable_codings("gzip, deflate, br"), (V{C::br, C::gzip, C::identity}));
  EXPECT_EQ(acceptable_codings("gzip"), (V{C::gzip, C::identity}));
  EXPECT_EQ(acceptable_codings("BR"), (V{C::br, C::identity}));
  EXPECT_EQ(acceptable_codings("br;q=0, gzip"), (V{C::gzip, C::identity}));
  EXPECT_EQ(acceptable_codings("br;q=0.5, gzip;q=0.8"), (V{C::gzip, C::br, C::identity}));
  EXPECT_EQ(acceptable_codings("br ; q=1.000 ,gzip;q=1"), (V{C::br, C::gzip, C::identity}));
  EXPECT_EQ(acceptable_codings("*"), (V{C::br, C::gzip, C::identity}));
  EXPECT_EQ(acceptable_codings("*;q=0"), V{C::identity});
  EXPECT_EQ(acceptable_codings("gzip;q=0, *"), (V{C::br, C::identity}));
  EXPECT_EQ(acceptable_codings("gzip;q=0, br;q=0, identity"), V{C::identity});
  // A q-value that does not parse refuses rather than guesses.
  for (const char* bad : {"br;q=2", "br;q=0.5x", "br;q=", "br;q=1.0000", "br;q=-1"})
    EXPECT_EQ(acceptable_codings(bad), V{C::identity}) << bad;
}

TEST(StaticCodings, ETagsMatchByWeakComparisonAndHashedNamesAreRecognised) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches(" * ", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("abc", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
  EXPECT_TRUE(is_content_hashed_name("app.0123abcd.js"));
  EXPECT_TRUE(is_content_hashed_name("sls-core.0123456789ABCDEF.wasm"));
  EXPECT_FALSE(is_content_hashed_name("sls-core.mjs"));
  EXPECT_FALSE(is_content_hashed_name("app.0123abc.js"));  // 7 digits
  EXPECT_FALSE(is_content_hashed_name("app.0123abcg.js"));
  EXPECT_FALSE(is_content_hashed_name("0123abcd.js"));  // the whole name, not a part of it
}

TEST(StaticFilesServed, TheBestAcceptedCopyIsSentWithItsEncodingAndLength) {
  Site site;
  TestServer s(test_service_config(), site.config());
  struct Case {
    const char* path;
    const char* accept;  // nullptr: no Accept-Encoding
    const char* body;
    const char* encoding;
  };
  const Case cases[] = {
      {"/app.mjs", "gzip, deflate, br", kBrotli, "br"},
      {"/app.mjs", "br", kBrotli, "br"},
      {"/app.mjs", "gzip", kGzip, "gzip"},
      {"/app.mjs", "br;q=0, gzip", kGzip, "gzip"},
      {"/app.mjs", "br;q=0.5, gzip;q=0.8", kGzip, "gzip"},
      {"/app.mjs", "*", kBrotli, "br"},
      {"/app.mjs", "identity", kPlain, ""},
      {"/app.mjs", "*;q=0", kPlain, ""},
      {"/app.mjs", "gzip;q=0, br;q=0", kPlain, ""},
      {"/app.mjs", nullptr, kPlain, ""},
      {"/app.mjs", "deflate", kPlain, ""},
      // No brotli copy: gzip; no copy at all: the file (a checkout never built).
      {"/only.gz.js", "gzip, deflate, br", kGzip, "gzip"},
      {"/plain.css", "gzip, deflate, br", "body{}", ""},
      // Copies older than their file are never sent.
      {"/stale.js", "gzip, deflate, br", kPlain, ""},
  };
  for (const Case& c : cases) {
    httplib::Headers h;
    if (c.accept != nullptr) h.emplace("Accept-Encoding", c.accept);
    Reply r = get_with(s, c.path, h);
    const std::string what = std::string(c.path) + " with " + (c.accept ? c.accept : "(none)");
    EXPECT_EQ(r.status, 200) << what;
    EXPECT_EQ(r.raw, c.body) << what;
    EXPECT_EQ(r.header("Content-Encoding"), c.encoding) << what;
    EXPECT_EQ(r.header("Content-Length"), std::to_string(std::string_view(c.body).size())) << what;
    EXPECT_EQ(r.header("Vary"), "Accept-Encoding") << what;
    // The security headers of every static file, whatever the coding.
    EXPECT_EQ(r.header("Content-Security-Policy"), kContentSecurityPolicy) << what;
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << what;
    EXPECT_EQ(r.header("Referrer-Policy"), "no-referrer") << what;
  }
  // The type is the file's, not the copy's.
  EXPECT_EQ(get_with(s, "/app.mjs", {{"Accept-Encoding", "br"}}).header("Content-Type"),
            "text/javascript; charset=utf-8");
  // A copy is not a file of its own name's type... but it is reachable as
  // itself, as any file under the directory is.
  EXPECT_EQ(get_with(s, "/app.mjs.br", {}).raw, kBrotli);
}

TEST(StaticFilesServed, StrongETagsGive304AndChangeWithTheFile) {
  Site site;
  TestServer s(test_service_config(), site.config());
  Reply br = get_with(s, "/app.mjs", {{"Accept-Encoding", "br"}});
  Reply plain = get_with(s, "/app.mjs", {});
  const std::string etag = br.header("ETag");
  ASSERT_EQ(etag.size(), 34u) << etag;  // a quoted 128-bit hash, strong (no W/)
  EXPECT_EQ(etag.front(), '"');
  EXPECT_NE(plain.header("ETag"), etag) << "each representation has its own strong ETag";
  EXPECT_EQ(get_with(s, "/app.mjs", {{"Accept-Encoding", "br"}}).header("ETag"), etag) << "stable";

  for (const std::string& inm : {etag, "\"other\", " + etag, "W/" + etag, std::string("*")}) {
    Reply r = get_with(s, "/app.mjs", {{"Accept-Encoding", "br"}, {"If-None-Match", inm}});
    EXPECT_EQ(r.status, 304) << inm;
    EXPECT_EQ(r.raw, "") << inm;
    EXPECT_EQ(r.header("ETag"), etag) << inm;
    EXPECT_EQ(r.header("Cache-Control"), "no-cache") << inm;
    EXPECT_EQ(r.header("Vary"), "Accept-Encoding") << inm;
    EXPECT_EQ(r.header("Content-Encoding"), "br") << inm;
    EXPECT_EQ(r.header("Content-Security-Policy"), kContentSecurityPolicy) << inm;
    EXPECT_EQ(r.header("Content-Length"), "") << inm << ": a 304's length would have to be the 200's";
  }
  // The br ETag does not validate the gzip copy, nor a changed file.
  EXPECT_EQ(get_with(s, "/app.mjs", {{"Accept-Encoding", "gzip"}, {"If-None-Match", etag}}).status, 200);
  EXPECT_EQ(get_with(s, "/app.mjs", {{"If-None-Match", "\"0123\""}}).status, 200);
  const std::string plain_etag = plain.header("ETag");
  EXPECT_EQ(get_with(s, "/app.mjs", {{"If-None-Match", plain_etag}}).status, 304);
  write(site.file("app.mjs"), "export const x = 'edited, same time?';\n");
  fs::last_write_time(site.file("app.mjs"), fs::last_write_time(site.file("app.mjs")) + std::chrono::seconds(2));
  Reply edited = get_with(s, "/app.mjs", {{"If-None-Match", plain_etag}});
  EXPECT_EQ(edited.status, 200);
  EXPECT_NE(edited.header("ETag"), plain_etag);
  EXPECT_EQ(edited.raw, "export const x = 'edited, same time?';\n");
  // Its copies are now older than it: the edited file goes out, not a stale copy.
  EXPECT_EQ(get_with(s, "/app.mjs", {{"Accept-Encoding", "br"}}).header("Content-Encoding"), "");
}

TEST(StaticFilesServed, HeadGivesTheGetsHeadersAndRangeGetsTheWholeFile) {
  Site site;
  TestServer s(test_service_config(), site.config());
  httplib::Headers h{{"Accept-Encoding", "gzip, br"}};
  Reply head = exchange(s, "HEAD", "/app.mjs", h);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.raw, "");
  EXPECT_EQ(head.header("Content-Encoding"), "br");
  EXPECT_EQ(head.header("Content-Length"), std::to_string(std::string_view(kBrotli).size()));
  EXPECT_EQ(head.header("ETag"), get_with(s, "/app.mjs", h).header("ETag"));
  EXPECT_EQ(head.header("Content-Security-Policy"), kContentSecurityPolicy);
  // Ranges are not served: the whole representation, 200, no Content-Range.
  Reply range = get_with(s, "/app.mjs", {{"Range", "bytes=0-3"}});
  EXPECT_EQ(range.status, 200);
  EXPECT_EQ(range.raw, kPlain);
  EXPECT_EQ(range.header("Content-Range"), "");
  EXPECT_NE(range.header("Accept-Ranges"), "bytes");
}

TEST(StaticFilesServed, CachingByNameAndNoStoreOnlyOnApiAnswers) {
  Site site;
  TestServer s(test_service_config(), site.config());
  EXPECT_EQ(get_with(s, "/app.mjs", {}).header("Cache-Control"), "no-cache");
  EXPECT_EQ(get_with(s, "/plain.css", {}).header("Cache-Control"), "no-cache");
  Reply hashed = get_with(s, "/chunk.0123abcd.js", {});
  EXPECT_EQ(hashed.status, 200);
  EXPECT_EQ(hashed.header("Cache-Control"), "public, max-age=31536000, immutable");
  // Every kind of API answer: success, 404, 405, 400, 415, and their ETag-free, Vary-free shape.
  std::vector<Reply> api = {
      s.get("/api/v1/server-key"),
      s.get("/api/v1/nothing"),
      s.get("/nothing.js"),
      s.send("DELETE", "/api/v1/login"),
      s.send("POST", "/api/v1/login", "{"),
      s.send("POST", "/api/v1/login", "{}", {}, "text/plain"),
      s.get("/api/v1/server-key", {{"Accept-Encoding", "br"}, {"If-None-Match", "*"}}),
  };
  for (const Reply& r : api) {
    EXPECT_EQ(r.header("Cache-Control"), "no-store") << r.status << " " << r.raw;
    EXPECT_EQ(r.header("ETag"), "") << r.raw;
    EXPECT_EQ(r.header("Content-Encoding"), "") << r.raw;
    EXPECT_NE(r.status, 304);
  }
  EXPECT_EQ(api[0].status, 200);
  EXPECT_EQ(api[3].status, 405);
}

// --- who may frame the static files (--frame-ancestors) --------------------------------------

TEST(StaticFrameAncestors, OnlySelfNoneAndOriginsAsTheBrowserWritesThemAreSources) {
  for (const char* good : {"'self'", "'none'", "https://broker.example", "https://login.broker.example:8443",
                           "https://192.0.2.7", "http://localhost:5173", "http://127.0.0.1:8080"}) {
    EXPECT_TRUE(is_frame_ancestor_source(good)) << good;
  }
  for (const char* bad :
       {"", "*", "https:", "https://*.broker.example", "'unsafe-inline'", "self", "https://broker.example/",
        "https://broker.example/login", "https://broker.example:443", "http://broker.example", "ftp://broker.example",
        "https://broker.example; script-src *", "https://broker.example https://evil.example",
        "https://broker.example,https://evil.example", "https://broker.example\r\nSet-Cookie: x=1",
        "https://user@broker.example", "https://broker.example?x", "https://broker.example#x"}) {
    EXPECT_FALSE(is_frame_ancestor_source(bad)) << bad;
  }
  EXPECT_TRUE(validate_frame_ancestors({"'self'", "https://broker.example"}));
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {}, {"'none'", "'self'"}, {"https://broker.example", "'none'"}, {"'self'", "https://broker.example/x"}}) {
    auto refused = validate_frame_ancestors(bad);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::bad_argument);
    EXPECT_EQ(refused.error().args.front(), "frame-ancestors");
  }
  EXPECT_EQ(static_content_security_policy({"'self'"}), kContentSecurityPolicy) << "the default is unchanged";
}

TEST(StaticFrameAncestors, TheHeaderOfEveryStaticFileFollowsTheConfiguredList) {
  Site site;
  HttpConfig config = site.config();
  EXPECT_EQ(config.frame_ancestors, std::vector<std::string>{"'self'"}) << "default 'self'";
  config.frame_ancestors = {"'self'", "https://broker.example", "http://localhost:5173"};
  TestServer s(test_service_config(), config);
  const std::string expected =
      std::string(kContentSecurityPolicy.substr(0, kContentSecurityPolicy.rfind("frame-ancestors"))) +
      "frame-ancestors 'self' https://broker.example http://localhost:5173";
  for (const char* path : {"/app.mjs", "/plain.css", "/chunk.0123abcd.js"}) {
    EXPECT_EQ(get_with(s, path, {{"Accept-Encoding", "br"}}).header("Content-Security-Policy"), expected) << path;
  }
  Reply head = exchange(s, "HEAD", "/app.mjs", {});
  EXPECT_EQ(head.header("Content-Security-Policy"), expected);
  const std::string etag = get_with(s, "/app.mjs", {}).header("ETag");
  EXPECT_EQ(get_with(s, "/app.mjs", {{"If-None-Match", etag}}).header("Content-Security-Policy"), expected);

  config.frame_ancestors = {"'none'"};
  TestServer nobody(test_service_config(), config);
  EXPECT_EQ(get_with(nobody, "/app.mjs", {}).header("Content-Security-Policy"),
            std::string(kContentSecurityPolicy.substr(0, kContentSecurityPolicy.rfind("frame-ancestors"))) +
                "frame-ancestors 'none'");
}

TEST(StaticFrameAncestors, ABadSourceIsRefusedBeforeTheServerBinds) {
  Site site;
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"https://broker.example; script-src 'unsafe-inline'"}, {"*"}, {}, {"'none'", "https://broker.example"}}) {
    HttpConfig config = site.config();
    config.frame_ancestors = bad;
    EXPECT_THROW(TestServer(test_service_config(), config), std::runtime_error) << "bind must fail";
  }
}

/// Runs a shell command line; its stderr goes to the output too.
std::pair<int, std::string> run_command(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, out};
  char buf[4096];
  for (std::size_t n = 0; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(StaticFrameAncestors, SlsdRefusesToStartOnABadOriginAndSaysWhich) {
  TempDir dir;
  // `timeout`: a server that wrongly starts would otherwise serve forever.
  const std::string slsd = "timeout 10 " + std::string(SLS_SLSD_PATH) + " --port 0 --quiet --db " +
                           dir.file("slsd.sqlite") + " --static " + dir.file("");
  for (const char* bad : {"'https://broker.example/login'", "'*'", "'https://broker.example;script-src *'",
                          "\"'none'\" --frame-ancestors https://broker.example", "''"}) {
    const auto [code, out] = run_command(slsd + " --frame-ancestors 'https://ok.example' --frame-ancestors " + bad);
    EXPECT_EQ(code, 2) << bad << ": " << out;
    EXPECT_NE(out.find("--frame-ancestors "), std::string::npos) << out;
    EXPECT_EQ(out.find("listening"), std::string::npos) << out;
  }
  const auto [code, out] =
      run_command(slsd + " --frame-ancestors http://127.0.0.1:1 --frame-ancestors ftp://x.example");
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("--frame-ancestors ftp://x.example: not"), std::string::npos) << out;
  EXPECT_NE(out.find("--frame-ancestors SRC"), std::string::npos) << "the usage follows: " << out;
}

}  // namespace
}  // namespace sls::server::testing
