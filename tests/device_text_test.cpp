// The device lifecycle's catalog (src/sls/device_text.def): every string in the three languages, with the same
// placeholders, in the Chinese scripts' own punctuation.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "sls/device_text.hpp"

namespace sls {
namespace {

std::set<std::string> placeholders(std::string_view s) {
  std::set<std::string> out;
  for (std::size_t i = 0; i + 2 < s.size(); ++i)
    if (s[i] == '{' && s[i + 2] == '}') out.insert(std::string(s.substr(i, 3)));
  return out;
}

TEST(DeviceText, EveryStringInEveryLanguageWithTheSamePlaceholders) {
  ASSERT_GT(device_text_count(), 100u);
  for (std::size_t i = 0; i < device_text_count(); ++i) {
    const auto id = static_cast<DeviceText>(i);
    const auto en = device_text(id, Lang::en), hant = device_text(id, Lang::zh_Hant),
               hans = device_text(id, Lang::zh_Hans);
    EXPECT_FALSE(en.empty() || hant.empty() || hans.empty()) << i;
    EXPECT_EQ(placeholders(en), placeholders(hant)) << en;
    EXPECT_EQ(placeholders(en), placeholders(hans)) << en;
    for (auto s : {hant, hans}) {
      EXPECT_EQ(s.find(", "), std::string_view::npos) << s;
      EXPECT_EQ(s.find(". "), std::string_view::npos) << s;
    }
  }
  EXPECT_TRUE(device_text(static_cast<DeviceText>(device_text_count()), Lang::en).empty());
  EXPECT_EQ(device_format(DeviceText::sec_return_receipt, Lang::zh_Hans, {"3", "5"}).find("3 至 5 个工作日"),
            std::string("设备送达后 ").size());
}

}  // namespace
}  // namespace sls
