// The demo face of slsd: static files under the strict Content-Security-
// Policy, the redirect of / to the demo's start page, and the demo accounts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/http_api.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kUsersJson = R"({"users":[{"username":"demo-dsc","kind":"dsc","token":{"key_hex":"00"}}]})";

/// A folder laid out like web/: demo/index.html and demo/page.mjs.
class StaticDir {
 public:
  StaticDir() {
    std::filesystem::create_directories(dir_.file("demo"));
    std::ofstream(dir_.file("demo/index.html")) << "<!doctype html><title>start</title>";
    std::ofstream(dir_.file("demo/page.mjs")) << "export const x = 1;\n";
  }
  std::string path() const { return dir_.file(""); }

 private:
  TempDir dir_;
};

HttpConfig demo_config(const StaticDir& dir, bool demo) {
  HttpConfig c = test_http_config();
  c.static_dir = dir.path();
  c.demo = demo;
  c.demo_users_json = kUsersJson;
  return c;
}

TEST(DemoStatic, EveryStaticFileCarriesTheStrictPolicy) {
  StaticDir dir;
  TestServer server(test_service_config(), demo_config(dir, true));
  for (const char* path : {"/demo/", "/demo/index.html", "/demo/page.mjs"}) {
    Reply r = server.get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.header("Content-Security-Policy"), kContentSecurityPolicy) << path;
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(r.header("Cache-Control"), "no-cache") << path;
    EXPECT_FALSE(r.header("ETag").empty()) << path;
  }
  // HEAD too (what a link checker or a proxy sends first).
  auto head = server.client().Head("/demo/page.mjs");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->get_header_value("Content-Security-Policy"), kContentSecurityPolicy);
  EXPECT_NE(server.get("/demo/").raw.find("<title>start</title>"), std::string::npos);
  EXPECT_EQ(server.get("/demo/page.mjs").header("Content-Type").rfind("text/javascript", 0), 0u);
  // The policy forbids what the pages must never need.
  EXPECT_NE(std::string_view(kContentSecurityPolicy).find("script-src 'self' 'wasm-unsafe-eval';"),
            std::string_view::npos);
  EXPECT_EQ(std::string_view(kContentSecurityPolicy).find("unsafe-inline"), std::string_view::npos);
  // A missing file falls through to the API's uniform 404.
  Reply missing = server.get("/demo/nothing.html");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.code(), "http.not_found");
}

TEST(DemoStatic, TheRootLeadsToTheStartPageInDemoModeOnly) {
  StaticDir dir;
  {
    TestServer server(test_service_config(), demo_config(dir, true));
    Reply r = server.get("/");
    EXPECT_EQ(r.status, 302);
    EXPECT_EQ(r.header("Location"), "/demo/");
  }
  {
    TestServer server(test_service_config(), demo_config(dir, false));
    EXPECT_EQ(server.get("/").status, 404);
  }
}

TEST(DemoUsers, ServedAsGivenOnlyInDemoMode) {
  StaticDir dir;
  {
    TestServer server(test_service_config(), demo_config(dir, true));
    Reply r = server.get("/api/v1/demo/users");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, json_parse(kUsersJson).value());
    EXPECT_EQ(r.header("Cache-Control"), "no-store");
  }
  {
    TestServer server(test_service_config(), demo_config(dir, false));
    Reply r = server.get("/api/v1/demo/users");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.code(), "http.not_found");
  }
  {
    HttpConfig no_users = demo_config(dir, true);
    no_users.demo_users_json.clear();
    TestServer server(test_service_config(), no_users);
    EXPECT_EQ(server.get("/api/v1/demo/users").status, 404);
  }
}

}  // namespace
}  // namespace sls::server::testing
