#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sls/messages.hpp"

namespace sls {
namespace {

TEST(Lang, TagsSelectScript) {
  EXPECT_EQ(lang_from_tag(""), Lang::en);
  EXPECT_EQ(lang_from_tag("en-GB"), Lang::en);
  EXPECT_EQ(lang_from_tag("zhx"), Lang::en);
  EXPECT_EQ(lang_from_tag("zh"), Lang::zh_Hans);
  EXPECT_EQ(lang_from_tag("zh-CN"), Lang::zh_Hans);
  EXPECT_EQ(lang_from_tag("zh-Hans-SG"), Lang::zh_Hans);
  EXPECT_EQ(lang_from_tag("zh-TW"), Lang::zh_Hant);
  EXPECT_EQ(lang_from_tag("ZH-hk"), Lang::zh_Hant);
  EXPECT_EQ(lang_from_tag("zh-Hant-HK"), Lang::zh_Hant);
  EXPECT_EQ(lang_from_tag("zh_TW"), Lang::zh_Hant);
  EXPECT_EQ(lang_tag(Lang::zh_Hant), "zh-Hant");
}

TEST(Lang, PreferenceListTakesTheFirstSupportedTag) {
  using Tags = std::vector<std::string>;
  EXPECT_EQ(supported_lang("fr-FR"), std::nullopt);
  EXPECT_EQ(supported_lang(""), std::nullopt);
  EXPECT_EQ(supported_lang("eng"), std::nullopt);
  EXPECT_EQ(supported_lang("en-US"), Lang::en);
  EXPECT_EQ(supported_lang("zh-MO"), Lang::zh_Hant);
  EXPECT_EQ(lang_from_tags(Tags{}), Lang::en);
  EXPECT_EQ(lang_from_tags(Tags{"fr-FR", "ja"}), Lang::en);
  EXPECT_EQ(lang_from_tags(Tags{"zh-HK", "en-US"}), Lang::zh_Hant);
  EXPECT_EQ(lang_from_tags(Tags{"fr", "zh-CN", "zh-TW"}), Lang::zh_Hans);
  EXPECT_EQ(lang_from_tags(Tags{"de", "zh-Hant-TW", "en"}), Lang::zh_Hant);
  EXPECT_EQ(lang_from_tags(Tags{"ja", "en-GB", "zh-HK"}), Lang::en);
  EXPECT_EQ(lang_from_tags(Tags{"", "zh-SG"}), Lang::zh_Hans);
}

TEST(Catalog, EveryCodeHasDistinctNameAndAllThreeMessages) {
  std::set<std::string_view> names;
  for (auto i = 1u;; ++i) {
    auto code = static_cast<Errc>(i);
    auto name = errc_name(code);
    if (name == errc_name(Errc::internal) && code != Errc::internal) break;  // past the end
    EXPECT_TRUE(names.insert(name).second) << "duplicate wire name " << name;
    EXPECT_EQ(errc_from_name(name), code);
    for (auto lang : {Lang::en, Lang::zh_Hant, Lang::zh_Hans})
      EXPECT_FALSE(message_template(code, lang).empty()) << name;
    // Chinese scripts differ from English; Simplified and Traditional are
    // written separately even where they coincide for short messages.
    EXPECT_NE(message_template(code, Lang::en), message_template(code, Lang::zh_Hant)) << name;
  }
  EXPECT_GT(names.size(), 30u);
  EXPECT_EQ(errc_from_name("no.such.code"), std::nullopt);
}

TEST(Catalog, LocalizeFillsPlaceholders) {
  auto e = fail(Errc::device_not_primary_user, {"alice01"});
  EXPECT_EQ(localize(e, Lang::en), "Only the account's primary user, alice01, may change its security settings.");
  EXPECT_EQ(localize(e, Lang::zh_Hans), "只有账户的主要用户 alice01 可以更改安全设置。");
  // A missing argument leaves the placeholder visible rather than failing.
  EXPECT_NE(localize(fail(Errc::device_not_primary_user), Lang::en).find("{0}"), std::string::npos);
}

}  // namespace
}  // namespace sls
