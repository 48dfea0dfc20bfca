#include <gtest/gtest.h>

#include "sls/entry.hpp"

namespace sls {
namespace {

TEST(FoldTypedCode, FullWidthFormsBecomeAscii) {
  EXPECT_EQ(fold_typed_code("１２３４５６"), "123456");
  EXPECT_EQ(fold_typed_code("Ａ３ｄ"), "A3d");
  EXPECT_EQ(fold_typed_code("ａｚＡＺ０９"), "azAZ09");
}

TEST(FoldTypedCode, SeparatorsAreDropped) {
  EXPECT_EQ(fold_typed_code(" 1234 5678 "), "12345678");
  EXPECT_EQ(fold_typed_code("A3D-7KP"), "A3D7KP");
  EXPECT_EQ(fold_typed_code("1234\u30005678"), "12345678");  // ideographic space
  EXPECT_EQ(fold_typed_code("A3D\u20137KP"), "A3D7KP");      // en dash
  EXPECT_EQ(fold_typed_code("A3D\uFF0D7KP"), "A3D7KP");      // full-width hyphen-minus
  EXPECT_EQ(fold_typed_code("12\u00A034"), "1234");          // no-break space
}

TEST(FoldTypedCode, OtherCharactersAreKeptForTheCallerToReject) {
  EXPECT_EQ(fold_typed_code("12€4"), "12€4");
  EXPECT_EQ(fold_typed_code("一二三"), "一二三");
  std::string invalid =
      "12\xFF"
      "3";
  EXPECT_EQ(fold_typed_code(invalid), invalid);
  std::string truncated = "1\xE4\xB8";  // cut-off three-byte sequence
  EXPECT_EQ(fold_typed_code(truncated), truncated);
  EXPECT_EQ(fold_typed_code(""), "");
}

// Overlong forms, UTF-16 surrogates and code points above U+10FFFF are not
// UTF-8 (RFC 3629). Spelt that way, a separator or a full-width digit is
// foreign bytes, not a character to fold: else a code would accept bytes no
// keyboard sends. Found by tests/fuzz/typed_code_fuzz (the overlong space).
TEST(FoldTypedCode, MalformedUtf8IsNeverFolded) {
  const std::string malformed[] = {
      "123\xC0\xA0"
      "456",  // U+0020 space in two bytes
      "123\xE0\x80\xAD"
      "456",  // U+002D hyphen-minus in three bytes
      "123\xF0\x80\x80\xA0"
      "456",  // U+0020 space in four bytes
      "123\xF0\x8F\xBC\x90"
      "45",  // U+FF10 full-width zero in four bytes
      "123\xF0\x82\x80\x90"
      "456",  // U+2010 hyphen in four bytes
      "123\xED\xA0\x80"
      "456",  // U+D800, a UTF-16 surrogate
      "123\xF4\x90\x80\x80"
      "456",  // U+110000, above the last code point
  };
  for (const std::string& typed : malformed) {
    EXPECT_EQ(fold_typed_code(typed), typed);
    EXPECT_EQ(inspect_code(typed, kSmsCodeFormat).error, Errc::sms_code_format);
    EXPECT_EQ(parse_code(typed, kSmsCodeFormat).code(), Errc::sms_code_format);
  }
  // The well-formed spellings still fold.
  EXPECT_EQ(fold_typed_code("123\u00A0"
                            "456"),
            "123456");
  EXPECT_EQ(fold_typed_code("\U0001F600"), "\U0001F600");
}

}  // namespace
}  // namespace sls
