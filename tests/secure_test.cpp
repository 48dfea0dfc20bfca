#include <gtest/gtest.h>

#include <array>
#include <set>

#include "sls/secure.hpp"

namespace sls {
namespace {

TEST(Secure, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("A3D", "A3D"));
  EXPECT_FALSE(constant_time_equal("A3D", "A3E"));
  EXPECT_FALSE(constant_time_equal("A3D", "A3D0"));
}

TEST(Secure, RandomBelowStaysInRangeAndVaries) {
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 2000; ++i) {
    auto v = random_below(10);
    ASSERT_LT(v, 10u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(random_below(0), 0u);
}

TEST(Secure, RandomFillIsNotConstant) {
  std::array<std::uint8_t, 32> a{}, b{};
  random_fill(a);
  random_fill(b);
  EXPECT_NE(a, b);
}

TEST(Secure, HexRoundTrip) {
  std::vector<std::uint8_t> bytes;
  ASSERT_TRUE(from_hex("00ff10Ab", bytes));
  EXPECT_EQ(bytes, (std::vector<std::uint8_t>{0x00, 0xff, 0x10, 0xab}));
  EXPECT_EQ(to_hex(bytes), "00ff10ab");
  EXPECT_FALSE(from_hex("abc", bytes));
  EXPECT_FALSE(from_hex("zz", bytes));
}

TEST(Secure, SecretStringWipesOnClearAndMove) {
  SecretString s(std::string("123456"));
  EXPECT_EQ(s.view(), "123456");
  SecretString t(std::move(s));
  EXPECT_TRUE(s.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(t.view(), "123456");
  t.clear();
  EXPECT_TRUE(t.empty());
}

}  // namespace
}  // namespace sls
