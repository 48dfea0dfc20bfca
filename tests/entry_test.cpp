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
  EXPECT_EQ(fold_typed_code("1234\u30005678"), "12345678");   // ideographic space
  EXPECT_EQ(fold_typed_code("A3D\u20137KP"), "A3D7KP");      // en dash
  EXPECT_EQ(fold_typed_code("A3D\uFF0D7KP"), "A3D7KP");      // full-width hyphen-minus
  EXPECT_EQ(fold_typed_code("12\u00A034"), "1234");          // no-break space
}

TEST(FoldTypedCode, OtherCharactersAreKeptForTheCallerToReject) {
  EXPECT_EQ(fold_typed_code("12€4"), "12€4");
  EXPECT_EQ(fold_typed_code("一二三"), "一二三");
  std::string invalid = "12\xFF" "3";
  EXPECT_EQ(fold_typed_code(invalid), invalid);
  std::string truncated = "1\xE4\xB8";  // cut-off three-byte sequence
  EXPECT_EQ(fold_typed_code(truncated), truncated);
  EXPECT_EQ(fold_typed_code(""), "");
}

}  // namespace
}  // namespace sls
