// What a device's owner types, computed with the core as the device would:
// the two codes of a card challenge and the response of a challenge/response
// token, right or (for lockout tests) well formed but wrong.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "server/encoding.hpp"
#include "server/enrolment.hpp"
#include "sls/ocra.hpp"
#include "sls/response.hpp"
#include "test_env.hpp"

namespace sls::server::testing {

/// The card's two codes for a code-card challenge reply (its "indices").
inline std::string card_answer(const CardEnrolment& card, const Reply& challenge) {
  const JsonValue* indices = challenge.body.find("indices");
  if (indices == nullptr || indices->as_array() == nullptr || indices->as_array()->size() != 2) {
    ADD_FAILURE() << "not a code-card challenge: " << challenge.raw;
    return {};
  }
  std::string typed;
  for (const JsonValue& index : *indices->as_array())
    typed += std::string(*card.card.code(static_cast<std::size_t>(*index.as_int())));
  return typed;
}

/// The 8-digit response the token shows for `challenge` (after `pin`, for
/// suites with a PIN).
inline std::string token_response(const TokenEnrolment& token, std::string_view challenge, std::string_view pin = {}) {
  std::vector<std::uint8_t> key;
  EXPECT_TRUE(from_hex(token.key_hex, key));
  OcraInput input;
  input.question = challenge;
  input.pin = pin;
  auto response = compute_device_response(*OcraSuite::parse(token.ocra_suite), key, input);
  EXPECT_TRUE(response);
  return response ? *response : std::string();
}

/// A response with a valid check digit that is not the token's.
inline std::string wrong_token_response(const TokenEnrolment& token, std::string_view challenge) {
  std::string seven = token_response(token, challenge).substr(0, 7);
  seven[0] = seven[0] == '9' ? '0' : static_cast<char>(seven[0] + 1);
  return *response_from_ocra(seven);
}

/// Wrong card entries of `user` on a server whose lockout has threshold 2
/// and disable_after 4: a lock, a second lock after the first ends, then the
/// lock for good that only an administrator's unlock ends. Returns the first
/// wrong answer's reply for further checks.
inline Reply expect_card_failures_lock_then_disable(TestServer& s, const std::string& user,
                                                    const std::string& card_device_id) {
  auto attempt = [&](const std::string& typed) {
    Reply login = s.login(user);
    if (login.status != 200) return login;
    Reply ch = s.challenge(login.str("login_id"), card_device_id);
    if (ch.status != 200) return ch;
    return s.verify(login.str("login_id"), ch.str("challenge_id"), typed);
  };
  Reply first = attempt("000000");
  EXPECT_EQ(first.status, 401) << first.raw;
  EXPECT_EQ(attempt("000000").status, 423);
  s.clock().advance_seconds(60);
  EXPECT_EQ(attempt("000000").status, 401);
  Reply disabled = attempt("000000");
  EXPECT_EQ(disabled.status, 423);
  EXPECT_EQ(disabled.header("Retry-After"), "") << "permanent: no time to wait for";
  s.clock().advance_seconds(86400);
  EXPECT_EQ(attempt("000000").status, 423);
  EXPECT_TRUE(s.admin().unlock(user));
  EXPECT_EQ(attempt("000000").status, 401);
  return first;
}

}  // namespace sls::server::testing
