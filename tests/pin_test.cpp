#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <string>

#include "sls/messages.hpp"
#include "sls/pin.hpp"
#include "test_vectors.hpp"

namespace sls {
namespace {

using nlohmann::json;

json load(const char* name) { return sls::testing::load_test_vectors(name); }

// Runs every case of one list through `check`; returns the error names seen.
template <class Check>
std::set<std::string> run_cases(const json& cases, Check check) {
  std::set<std::string> seen;
  for (const auto& c : cases) {
    const auto pin = c.at("pin").get<std::string>();
    SCOPED_TRACE(c.at("note").get<std::string>());
    Status status = check(pin);
    EXPECT_EQ(errc_name(status.code()), c.at("error").get<std::string>());
    if (!status.ok()) {
      if (c.contains("arg"))
        EXPECT_EQ(status.error().args, (std::vector<std::string>{c.at("arg").get<std::string>()}));
      else
        EXPECT_TRUE(status.error().args.empty());
    }
    seen.insert(c.at("error").get<std::string>());
  }
  return seen;
}

TEST(RecoveryPin, SharedVectors) {
  auto doc = load("pins.json");
  ASSERT_GE(doc.at("recovery").size(), 20u);
  auto seen = run_cases(doc.at("recovery"), check_recovery_pin);
  EXPECT_EQ(seen, (std::set<std::string>{"ok", "pin.too_short", "pin.too_long", "pin.bad_character"}));
}

TEST(SoftPin, SharedVectors) {
  auto doc = load("pins.json");
  ASSERT_GE(doc.at("soft").size(), 12u);
  auto seen = run_cases(doc.at("soft"), check_soft_pin);
  EXPECT_EQ(seen, (std::set<std::string>{"ok", "pin.too_short", "pin.too_long", "pin.not_digits"}));
}

TEST(RecoveryPin, EveryPrintableAsciiCharacterIsAllowed) {
  for (int c = 0x21; c <= 0x7E; ++c) EXPECT_TRUE(check_recovery_pin(std::string(4, static_cast<char>(c))).ok()) << c;
  for (int c = 0x00; c <= 0xFF; ++c) {
    if (c >= 0x21 && c <= 0x7E) continue;
    EXPECT_EQ(check_recovery_pin(std::string(4, static_cast<char>(c))).code(), Errc::pin_bad_character) << c;
  }
}

TEST(RecoveryPin, LengthBoundsAreInclusive) {
  EXPECT_EQ(check_recovery_pin("abc").error(), fail(Errc::pin_too_short, {"4"}));
  EXPECT_TRUE(check_recovery_pin("abcd").ok());
  EXPECT_TRUE(check_recovery_pin("abcdef").ok());
  EXPECT_EQ(check_recovery_pin("abcdefg").error(), fail(Errc::pin_too_long, {"6"}));
}

TEST(RecoveryPin, EmbeddedNulIsACharacterNotAnEnd) {
  const char raw[] = {'1', '2', '\0', '4'};
  EXPECT_EQ(check_recovery_pin(std::string_view(raw, 4)).code(), Errc::pin_bad_character);
}

TEST(RecoveryPin, InvalidUtf8IsABadCharacter) {
  EXPECT_EQ(check_recovery_pin("12\xFF"
                               "4")
                .code(),
            Errc::pin_bad_character);
  EXPECT_EQ(check_recovery_pin("1234\xE4\xB8").code(), Errc::pin_bad_character);  // cut-off sequence
}

TEST(RecoveryPin, MessagesNameTheBound) {
  auto short_pin = check_recovery_pin("ab");
  ASSERT_FALSE(short_pin.ok());
  EXPECT_EQ(localize(short_pin.error(), Lang::en), "The PIN is too short: use at least 4 characters.");
  EXPECT_NE(localize(short_pin.error(), Lang::zh_Hant).find('4'), std::string::npos);
  auto long_pin = check_recovery_pin("abcdefgh");
  ASSERT_FALSE(long_pin.ok());
  EXPECT_NE(localize(long_pin.error(), Lang::zh_Hans).find('6'), std::string::npos);
}

TEST(SoftPin, ExactlyFourAsciiDigits) {
  for (int n = 0; n <= 9999; n += 137) {
    std::string pin = std::to_string(n);
    pin.insert(0, 4 - pin.size(), '0');
    EXPECT_TRUE(check_soft_pin(pin).ok()) << pin;
  }
  EXPECT_EQ(check_soft_pin("123").error(), fail(Errc::pin_too_short, {"4"}));
  EXPECT_EQ(check_soft_pin("12345").error(), fail(Errc::pin_too_long, {"4"}));
  EXPECT_EQ(check_soft_pin("12a").code(), Errc::pin_not_digits);  // the character outranks the length
}

}  // namespace
}  // namespace sls
