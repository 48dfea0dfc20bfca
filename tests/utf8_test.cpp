// Tests of the core's one strict UTF-8 decoder and encoder (sls/utf8.hpp).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "sls/utf8.hpp"

namespace sls {
namespace {

Utf8Char decode(std::string_view s) { return decode_utf8(s, 0); }

TEST(Utf8, DecodesEveryLength) {
  EXPECT_EQ(decode("A"), (Utf8Char{U'A', 1}));
  EXPECT_EQ(decode(std::string_view("\0", 1)), (Utf8Char{0, 1}));
  EXPECT_EQ(decode("\xC2\x80"), (Utf8Char{0x80, 2}));        // smallest two-byte
  EXPECT_EQ(decode("\xC3\xA9"), (Utf8Char{0xE9, 2}));        // é
  EXPECT_EQ(decode("\xE0\xA0\x80"), (Utf8Char{0x800, 3}));   // smallest three-byte
  EXPECT_EQ(decode("\xE4\xB8\xAD"), (Utf8Char{0x4E2D, 3}));  // 中
  EXPECT_EQ(decode("\xED\x9F\xBF"), (Utf8Char{0xD7FF, 3}));  // just below the surrogates
  EXPECT_EQ(decode("\xEE\x80\x80"), (Utf8Char{0xE000, 3}));  // just above them
  EXPECT_EQ(decode("\xF0\x90\x80\x80"), (Utf8Char{0x10000, 4}));
  EXPECT_EQ(decode("\xF4\x8F\xBF\xBF"), (Utf8Char{0x10FFFF, 4}));  // the largest code point
  // Only the sequence at `at` is read.
  EXPECT_EQ(decode_utf8("a\xC3\xA9z", 1), (Utf8Char{0xE9, 2}));
}

TEST(Utf8, RefusesOverlongForms) {
  for (std::string_view s : {"\xC0\xA0",           // U+0020 space in two bytes
                             "\xC0\x80",           // U+0000 in two bytes
                             "\xC1\xBF",           // U+007F in two bytes
                             "\xE0\x80\x80",       // U+0000 in three bytes
                             "\xE0\x80\xAF",       // '/' in three bytes
                             "\xE0\x9F\xBF",       // U+07FF in three bytes
                             "\xF0\x80\x80\x80",   // U+0000 in four bytes
                             "\xF0\x8F\xBF\xBF"})  // U+FFFF in four bytes
    EXPECT_EQ(decode(s), kUtf8Invalid) << testing::PrintToString(std::string(s));
}

TEST(Utf8, RefusesSurrogatesAndBeyondUnicode) {
  for (std::string_view s : {"\xED\xA0\x80",          // U+D800
                             "\xED\xAD\xBF",          // U+DB7F
                             "\xED\xBF\xBF",          // U+DFFF
                             "\xF4\x90\x80\x80",      // U+110000
                             "\xF7\xBF\xBF\xBF",      // U+1FFFFF
                             "\xF8\x88\x80\x80\x80",  // five-byte form
                             "\xFC\x84\x80\x80\x80\x80", "\xFE", "\xFF"})
    EXPECT_EQ(decode(s), kUtf8Invalid) << testing::PrintToString(std::string(s));
}

TEST(Utf8, RefusesTruncatedAndBrokenSequences) {
  for (std::string_view s :
       {"\xC3", "\xE4\xB8", "\xE4", "\xF0\x9F\x98", "\xF0\x9F", "\xF0", "\x80", "\xBF",  // a continuation byte alone
        "\xC3"
        "A",
        "\xE4\xB8"
        "A",  // a continuation byte missing
        "\xF0\x9F\x98"
        "A",
        "\xE4\xC3\xA9"})
    EXPECT_EQ(decode(s), kUtf8Invalid) << testing::PrintToString(std::string(s));
  // Never reads past the end: a sequence cut by the end of the view fails
  // even when the bytes after it in memory would complete it.
  const std::string_view whole = "\xE4\xB8\xAD";
  EXPECT_EQ(decode(whole.substr(0, 2)), kUtf8Invalid);
  EXPECT_EQ(decode_utf8("abc", 3), kUtf8Invalid);
  EXPECT_EQ(decode_utf8("", 0), kUtf8Invalid);
}

TEST(Utf8, FailureValueIsNoCharacter) {
  EXPECT_FALSE(kUtf8Invalid.ok());
  EXPECT_EQ(kUtf8Invalid.length, 0u);
  EXPECT_GT(kUtf8Invalid.code_point, char32_t{0x10FFFF});
}

TEST(Utf8, EncodesAndRoundTrips) {
  for (char32_t cp : {char32_t{0}, char32_t{0x41}, char32_t{0x7F}, char32_t{0x80}, char32_t{0x7FF}, char32_t{0x800},
                      char32_t{0xD7FF}, char32_t{0xE000}, char32_t{0xFFFD}, char32_t{0xFFFF}, char32_t{0x10000},
                      char32_t{0x1F600}, char32_t{0x10FFFF}}) {
    char out[kUtf8MaxBytes];
    const std::size_t n = encode_utf8(cp, out);
    ASSERT_GE(n, 1u);
    EXPECT_EQ(decode(std::string_view(out, n)), (Utf8Char{cp, n})) << static_cast<unsigned>(cp);
  }
  char out[kUtf8MaxBytes];
  EXPECT_EQ(encode_utf8(0xE9, out), 2u);
  EXPECT_EQ(std::string_view(out, 2), "\xC3\xA9");
  // No UTF-8 form: surrogates and beyond U+10FFFF.
  EXPECT_EQ(encode_utf8(0xD800, out), 0u);
  EXPECT_EQ(encode_utf8(0xDFFF, out), 0u);
  EXPECT_EQ(encode_utf8(0x110000, out), 0u);
}

}  // namespace
}  // namespace sls
