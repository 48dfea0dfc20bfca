// Tests of the login flow's reply classifier: the class of every status, the error read from a body, Retry-After
// from the header or the body, and bodies that are not what the API documents.
#include <gtest/gtest.h>

#include <string>

#include "login_wire.hpp"

namespace sls::flow {
namespace {

ReplyVerdict classify(int status, std::string body = {}, std::optional<std::int64_t> retry_after = std::nullopt) {
  return classify_reply(HttpReply{7, status, retry_after, std::move(body), 0});
}

std::string error_body(std::string_view code) { return R"({"error":{"code":")" + std::string(code) + R"("}})"; }

TEST(LoginWire, EachStatusHasItsClass) {
  const struct {
    int status;
    ReplyClass kind;
  } cases[] = {
      {0, ReplyClass::unreachable},    {200, ReplyClass::ok},           {204, ReplyClass::ok},
      {299, ReplyClass::ok},           {301, ReplyClass::refused},      {400, ReplyClass::refused},
      {401, ReplyClass::unauthorised}, {403, ReplyClass::refused},      {404, ReplyClass::gone},
      {409, ReplyClass::refused},      {410, ReplyClass::ended},        {423, ReplyClass::locked},
      {429, ReplyClass::retry_later},  {500, ReplyClass::server_fault}, {502, ReplyClass::server_fault},
      {503, ReplyClass::server_fault}, {599, ReplyClass::server_fault},
  };
  for (const auto& c : cases) {
    const ReplyVerdict v = classify(c.status);
    EXPECT_EQ(v.kind, c.kind) << c.status;
    EXPECT_EQ(v.status, c.status);
    EXPECT_EQ(v.field, c.status == 400) << c.status;
    EXPECT_FALSE(v.code) << c.status;
  }
}

TEST(LoginWire, ReadsTheErrorOfAnErrorBody) {
  const auto v = classify(401, R"({"error":{"code":"auth.wrong_code","attempts_left":2}})");
  EXPECT_EQ(v.kind, ReplyClass::unauthorised);
  ASSERT_TRUE(v.code);
  EXPECT_EQ(*v.code, Errc::auth_wrong_code);
  EXPECT_EQ(v.code_or(Errc::internal), Errc::auth_wrong_code);
  EXPECT_EQ(v.attempts_left, 2);
  EXPECT_FALSE(v.login_gone());
}

TEST(LoginWire, ASuccessBodyIsNotReadAsAnError) {
  // A success body may hold secrets; its members are the caller's to read.
  const auto v = classify(200, R"({"error":{"code":"auth.locked","retry_after":9}})");
  EXPECT_EQ(v.kind, ReplyClass::ok);
  EXPECT_FALSE(v.code);
  EXPECT_FALSE(v.retry_after_s);
}

TEST(LoginWire, LoginGoneFollowsTheCodeWhateverTheStatus) {
  for (std::string_view name : {"login.expired", "login.not_found", "login.token_invalid", "login.wrong_state"}) {
    EXPECT_TRUE(classify(409, error_body(name)).login_gone()) << name;
    EXPECT_TRUE(classify(401, error_body(name)).login_gone()) << name;
  }
  EXPECT_EQ(classify(409, error_body("login.wrong_state")).kind, ReplyClass::refused);
  EXPECT_FALSE(classify(410, error_body("challenge.expired")).login_gone());
  EXPECT_FALSE(classify(404).login_gone()) << "a bare 404 names no code: the caller decides";
}

TEST(LoginWire, LoginOverOn404On410OrAGoneCode) {
  EXPECT_TRUE(classify(404).login_over());
  EXPECT_TRUE(classify(410, error_body("challenge.expired")).login_over());
  EXPECT_TRUE(classify(409, error_body("login.wrong_state")).login_over());
  EXPECT_TRUE(classify(401, error_body("login.token_invalid")).login_over());
  EXPECT_FALSE(classify(401, error_body("auth.wrong_code")).login_over());
  EXPECT_FALSE(classify(400, error_body("card.too_short")).login_over());
  EXPECT_FALSE(classify(0).login_over());
  EXPECT_FALSE(classify(500, error_body("internal")).login_over());
}

TEST(LoginWire, RetryAfterHeaderWinsOverTheBody) {
  const std::string body = R"({"error":{"code":"rate.limited","retry_after":30}})";
  EXPECT_EQ(classify(429, body, 5).retry_after_s, 5);
  EXPECT_EQ(classify(429, body).retry_after_s, 30);
  EXPECT_EQ(classify(423, R"({"error":{"code":"auth.locked","retry_after":600}})").retry_after_s, 600);
  EXPECT_FALSE(classify(429, error_body("rate.limited")).retry_after_s);
  EXPECT_EQ(classify(503, {}, 2).retry_after_s, 2);
  EXPECT_EQ(classify(0, {}, 4).retry_after_s, 4) << "kept as the shell reported it";
}

TEST(LoginWire, AMalformedBodyLeavesOnlyTheStatus) {
  for (const std::string& body : {
           std::string(),
           std::string("{not json"),
           std::string("[]"),
           std::string(R"("error")"),
           std::string(R"({"error":"auth.locked"})"),
           std::string(R"({"error":{"code":12,"attempts_left":"3","retry_after":"9"}})"),
           std::string(R"({"error":{"code":"no.such_code"}})"),
           std::string(R"({"error":{"code":"ok"}})"),
           std::string(R"({"code":"auth.locked"})"),
           std::string("{\"error\":{\"code\":\"auth.locked\"}"),  // cut short
           std::string("\xff\xfe{}"),
       }) {
    const auto v = classify(423, body);
    EXPECT_EQ(v.kind, ReplyClass::locked) << body;
    EXPECT_FALSE(v.code) << body;
    EXPECT_FALSE(v.attempts_left) << body;
    EXPECT_FALSE(v.retry_after_s) << body;
    EXPECT_EQ(v.code_or(Errc::auth_locked), Errc::auth_locked) << body;
  }
}

TEST(LoginWire, AnUnknownCodeKeepsTheOtherMembers) {
  const auto v = classify(401, R"({"error":{"code":"no.such_code","attempts_left":1,"retry_after":3}})");
  EXPECT_FALSE(v.code);
  EXPECT_EQ(v.attempts_left, 1);
  EXPECT_EQ(v.retry_after_s, 3);
}

}  // namespace
}  // namespace sls::flow
