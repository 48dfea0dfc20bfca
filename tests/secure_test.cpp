// Tests of the libsodium wrappers (sls/secure.hpp): comparison, randomness, hexadecimal, wiping, secret buffers.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <set>
#include <string>
#include <vector>

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
  EXPECT_EQ(to_hex({}), "");
  ASSERT_TRUE(from_hex("", bytes));
  EXPECT_TRUE(bytes.empty());
  std::array<std::uint8_t, 256> all{};
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  const std::string hex = to_hex(all);
  ASSERT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(504), "fcfdfeff");
  ASSERT_TRUE(from_hex(hex, bytes));
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), all.begin(), all.end()));
}

TEST(Secure, HexRefusesAnythingElseAndKeepsTheOutput) {
  std::vector<std::uint8_t> out{0x42};
  for (std::string_view bad : {"abc", "zz", "0g", "g0", " 00", "00 ", "0:0a", "0x00", "-1", "\xC3\xA9"}) {
    EXPECT_FALSE(from_hex(bad, out)) << bad;
    EXPECT_EQ(out, (std::vector<std::uint8_t>{0x42})) << bad;
  }
}

// The bytes of a string's whole allocation, [0, capacity()), read through a
// pointer taken before `wipe` and still valid after it (wipe keeps the
// allocation): what is left for someone who later reads that memory.
std::string allocation_of(const std::string& s) { return std::string(s.data(), s.capacity()); }

TEST(Secure, WipeStringClearsTheWholeBuffer) {
  // A heap buffer whose secret reaches beyond the current size: shrinking
  // keeps the allocation, so the tail is still in memory.
  std::string heap(100, 'x');
  heap.resize(10);
  const char* heap_buffer = heap.data();
  const std::size_t heap_capacity = heap.capacity();
  ASSERT_GE(heap_capacity, 100u);
  wipe(heap);
  EXPECT_TRUE(heap.empty());
  ASSERT_EQ(heap.data(), heap_buffer);  // the same allocation, now all zeros
  EXPECT_EQ(allocation_of(heap), std::string(heap_capacity, '\0'));

  // A short string keeps its characters in its own inline buffer.
  std::string inline_buffer("482915");
  inline_buffer.resize(2);
  wipe(inline_buffer);
  EXPECT_EQ(allocation_of(inline_buffer), std::string(inline_buffer.capacity(), '\0'));
}

TEST(Secure, WipeBytesClearsTheWholeBuffer) {
  std::vector<std::uint8_t> key(64, 0xAB);
  key.resize(8);
  const std::uint8_t* buffer = key.data();
  const std::size_t capacity = key.capacity();
  wipe(key);
  EXPECT_TRUE(key.empty());
  ASSERT_EQ(key.data(), buffer);
  EXPECT_TRUE(std::all_of(buffer, buffer + capacity, [](std::uint8_t b) { return b == 0; }));
}

TEST(Secure, SecretBytesIsMoveOnlyAndWipes) {
  SecretBytes key(std::size_t{4});
  ASSERT_EQ(key.size(), 4u);
  EXPECT_TRUE(std::all_of(key.view().begin(), key.view().end(), [](std::uint8_t b) { return b == 0; }));
  key.mutable_view()[0] = 0x5A;
  SecretBytes moved(std::move(key));
  EXPECT_TRUE(key.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(moved.view()[0], 0x5A);
  SecretBytes from_vector(std::vector<std::uint8_t>{1, 2, 3});
  EXPECT_EQ(from_vector.size(), 3u);
  moved = std::move(from_vector);
  EXPECT_EQ(moved.size(), 3u);
  EXPECT_EQ(moved.view()[2], 3);
  moved.clear();
  EXPECT_TRUE(moved.empty());
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

TEST(Secure, SecretStringWipesTheStringItTakesOver) {
  // Moving a short string leaves its characters in the source's inline
  // buffer; taking it over wipes that too.
  std::string typed("4821");
  const SecretString pin(std::move(typed));
  EXPECT_EQ(pin.view(), "4821");
  EXPECT_EQ(allocation_of(typed), std::string(typed.capacity(), '\0'));  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace sls
