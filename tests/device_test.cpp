#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "sls/device.hpp"
#include "sls/messages.hpp"

namespace sls {
namespace {

constexpr std::int64_t usd(std::int64_t dollars) { return dollars * kCentsPerUsd; }

// --- ids ------------------------------------------------------------------------------

TEST(DeviceKindId, EveryKindRoundTrips) {
  std::set<std::string_view> ids;
  for (DeviceKind kind : kAllDeviceKinds) {
    auto id = device_kind_id(kind);
    EXPECT_TRUE(ids.insert(id).second) << "duplicate id " << id;
    auto parsed = parse_device_kind(id);
    ASSERT_TRUE(parsed.ok()) << id;
    EXPECT_EQ(*parsed, kind);
  }
  EXPECT_EQ(ids, (std::set<std::string_view>{"none", "sms", "mobile_key", "code_card", "online_card", "dsc", "dsc_plus",
                                             "platinum_gold", "temp_code"}));
}

TEST(DeviceKindId, UnknownIdsAreRefusedAndEchoed) {
  for (std::string_view bad : {"MOBILE_KEY", " sms", "sms ", "", "dsc+", "ib_key", "code-card"}) {
    auto parsed = parse_device_kind(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error(), fail(Errc::device_unknown_kind, {bad}));
  }
}

TEST(DeviceKindId, LongUnknownIdIsCutOnACharacterBoundary) {
  std::string ascii(100, 'x');
  auto parsed = parse_device_kind(ascii);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().args.at(0), std::string(32, 'x') + "\u2026");

  // Eleven 3-byte characters (33 bytes): the cut falls inside the eleventh,
  // so only ten are kept.
  std::string chinese;
  for (int i = 0; i < 11; ++i) chinese += "\u88dd";
  parsed = parse_device_kind(chinese);
  ASSERT_FALSE(parsed.ok());
  std::string ten;
  for (int i = 0; i < 10; ++i) ten += "\u88dd";
  EXPECT_EQ(parsed.error().args.at(0), ten + "\u2026");
}

// --- ranking ----------------------------------------------------------------------------

TEST(SecurityRank, FollowsTheDocumentedOrder) {
  const std::vector<DeviceKind> most_to_least{
      DeviceKind::dsc_plus,  DeviceKind::platinum_gold, DeviceKind::dsc,       DeviceKind::mobile_key, DeviceKind::sms,
      DeviceKind::code_card, DeviceKind::online_card,   DeviceKind::temp_code, DeviceKind::none,
  };
  ASSERT_EQ(most_to_least.size(), kAllDeviceKinds.size());
  for (std::size_t i = 1; i < most_to_least.size(); ++i)
    EXPECT_GT(security_rank(most_to_least[i - 1]), security_rank(most_to_least[i]))
        << device_kind_id(most_to_least[i - 1]) << " vs " << device_kind_id(most_to_least[i]);
}

TEST(SecurityRank, TemporaryCredentialsRankBelowEveryPermanentDevice) {
  for (DeviceKind temp : kAllDeviceKinds) {
    if (!is_temporary(temp)) continue;
    for (DeviceKind permanent : kAllDeviceKinds) {
      if (!is_temporary(permanent) && permanent != DeviceKind::none) {
        EXPECT_LT(security_rank(temp), security_rank(permanent));
      }
    }
    EXPECT_GT(security_rank(temp), security_rank(DeviceKind::none));
  }
}

TEST(IsTemporary, OnlyTheOnlineCardAndTheTemporaryCode) {
  for (DeviceKind kind : kAllDeviceKinds)
    EXPECT_EQ(is_temporary(kind), kind == DeviceKind::online_card || kind == DeviceKind::temp_code)
        << device_kind_id(kind);
}

// --- limits --------------------------------------------------------------------------------

TEST(UsdLimit, UnlimitedIsNotANumber) {
  auto unlimited = UsdLimit::unlimited();
  EXPECT_TRUE(unlimited.is_unlimited());
  EXPECT_EQ(unlimited.cents(), std::nullopt);
  EXPECT_TRUE(unlimited.allows(INT64_MAX));
  EXPECT_NE(unlimited, UsdLimit::of_cents(INT64_MAX));

  auto limit = UsdLimit::of_cents(500);
  EXPECT_FALSE(limit.is_unlimited());
  EXPECT_EQ(limit.cents(), 500);
  EXPECT_TRUE(limit.allows(500));
  EXPECT_FALSE(limit.allows(501));
}

TEST(UsdLimit, ConstructionClampsInsteadOfOverflowing) {
  EXPECT_EQ(UsdLimit::of_cents(-5), UsdLimit::of_cents(0));
  EXPECT_EQ(UsdLimit::of_usd(-5), UsdLimit::of_cents(0));
  EXPECT_EQ(UsdLimit::of_usd(INT64_MIN), UsdLimit::of_cents(0));
  EXPECT_EQ(UsdLimit::of_usd(12), UsdLimit::of_cents(1200));
  EXPECT_EQ(UsdLimit::of_usd(INT64_MAX), UsdLimit::of_cents(INT64_MAX));
  EXPECT_EQ(UsdLimit::of_usd(INT64_MAX / 100), UsdLimit::of_cents(INT64_MAX / 100 * 100));
  EXPECT_FALSE(UsdLimit::of_usd(INT64_MAX).is_unlimited());
}

TEST(WithdrawalLimits, MatchTheCatalog) {
  struct Row {
    DeviceKind kind;
    UsdLimit one_day, five_day;
  };
  const auto unlimited = UsdLimit::unlimited();
  const std::vector<Row> table{
      {DeviceKind::none, UsdLimit::of_cents(usd(50'000)), UsdLimit::of_cents(usd(100'000))},
      {DeviceKind::sms, UsdLimit::of_cents(usd(200'000)), UsdLimit::of_cents(usd(600'000))},
      {DeviceKind::mobile_key, UsdLimit::of_cents(usd(1'000'000)), UsdLimit::of_cents(usd(1'000'000))},
      {DeviceKind::code_card, UsdLimit::of_cents(usd(200'000)), UsdLimit::of_cents(usd(600'000))},
      {DeviceKind::online_card, UsdLimit::of_cents(usd(200'000)), UsdLimit::of_cents(usd(600'000))},
      {DeviceKind::dsc, UsdLimit::of_cents(usd(1'000'000)), UsdLimit::of_cents(usd(1'500'000))},
      {DeviceKind::dsc_plus, unlimited, unlimited},
      {DeviceKind::platinum_gold, unlimited, unlimited},
      {DeviceKind::temp_code, UsdLimit::of_cents(usd(50'000)), UsdLimit::of_cents(usd(100'000))},
  };
  ASSERT_EQ(table.size(), kAllDeviceKinds.size());
  for (const auto& row : table) {
    SCOPED_TRACE(std::string(device_kind_id(row.kind)));
    auto limits = withdrawal_limits(row.kind);
    EXPECT_EQ(limits.one_day, row.one_day);
    EXPECT_EQ(limits.five_day, row.five_day);
  }
}

// Compares limits with unlimited above every number.
bool at_least(const UsdLimit& a, const UsdLimit& b) {
  if (a.is_unlimited()) return true;
  if (b.is_unlimited()) return false;
  return *a.cents() >= *b.cents();
}

TEST(WithdrawalLimits, AMoreSecureDeviceNeverAllowsLess) {
  for (DeviceKind a : kAllDeviceKinds) {
    for (DeviceKind b : kAllDeviceKinds) {
      if (security_rank(a) <= security_rank(b)) continue;
      SCOPED_TRACE(std::string(device_kind_id(a)) + " over " + std::string(device_kind_id(b)));
      EXPECT_TRUE(at_least(withdrawal_limits(a).one_day, withdrawal_limits(b).one_day));
      EXPECT_TRUE(at_least(withdrawal_limits(a).five_day, withdrawal_limits(b).five_day));
    }
  }
}

TEST(WithdrawalLimits, TheFiveDayLimitIsNeverBelowTheDailyOne) {
  for (DeviceKind kind : kAllDeviceKinds)
    EXPECT_TRUE(at_least(withdrawal_limits(kind).five_day, withdrawal_limits(kind).one_day)) << device_kind_id(kind);
}

// --- restrictions and login methods -----------------------------------------------------------------

TEST(DeviceRestrictions, OnlyAnOptedOutAccountIsRestricted) {
  auto none = device_restrictions(DeviceKind::none);
  EXPECT_EQ(std::vector<std::string_view>(none.begin(), none.end()),
            (std::vector<std::string_view>{"no_pink_sheet_trading", "no_otcbb_trading"}));
  for (DeviceKind kind : kAllDeviceKinds) {
    if (kind != DeviceKind::none) {
      EXPECT_TRUE(device_restrictions(kind).empty()) << device_kind_id(kind);
    }
  }
}

TEST(AuthenticationMethods, Rfc8176ValuesPerKindAndOnlySmsIsRestricted) {
  auto amr = [](DeviceKind kind) {
    auto v = authentication_methods(kind);
    std::string out;
    for (std::string_view m : v) out += (out.empty() ? "" : ",") + std::string(m);
    return out;
  };
  EXPECT_EQ(amr(DeviceKind::none), "pwd");
  EXPECT_EQ(amr(DeviceKind::sms), "pwd,sms");
  EXPECT_EQ(amr(DeviceKind::code_card), "pwd,otp");
  EXPECT_EQ(amr(DeviceKind::online_card), "pwd,otp");
  EXPECT_EQ(amr(DeviceKind::temp_code), "pwd,otp");
  EXPECT_EQ(amr(DeviceKind::dsc), "pwd,hwk,otp");
  EXPECT_EQ(amr(DeviceKind::platinum_gold), "pwd,hwk,otp");
  EXPECT_EQ(amr(DeviceKind::dsc_plus), "pwd,hwk,otp,pin");
  EXPECT_EQ(amr(DeviceKind::mobile_key), "pwd,swk");
  for (DeviceKind kind : kAllDeviceKinds) {
    EXPECT_EQ(authentication_methods(kind).front(), "pwd") << device_kind_id(kind);
    EXPECT_EQ(is_restricted_authenticator(kind), kind == DeviceKind::sms) << device_kind_id(kind);
  }
}

TEST(LoginMethod, DefaultPerKind) {
  EXPECT_EQ(default_login_method(DeviceKind::none), LoginMethod::password_only);
  EXPECT_EQ(default_login_method(DeviceKind::sms), LoginMethod::sms);
  EXPECT_EQ(default_login_method(DeviceKind::mobile_key), LoginMethod::push);
  EXPECT_EQ(default_login_method(DeviceKind::code_card), LoginMethod::code_card);
  EXPECT_EQ(default_login_method(DeviceKind::online_card), LoginMethod::code_card);
  EXPECT_EQ(default_login_method(DeviceKind::dsc), LoginMethod::challenge_response);
  EXPECT_EQ(default_login_method(DeviceKind::dsc_plus), LoginMethod::challenge_response);
  EXPECT_EQ(default_login_method(DeviceKind::platinum_gold), LoginMethod::challenge_response);
  EXPECT_EQ(default_login_method(DeviceKind::temp_code), LoginMethod::temp_code);
}

TEST(LoginMethod, IdsMatchTheHttpApi) {
  EXPECT_EQ(login_method_id(LoginMethod::password_only), "password");
  EXPECT_EQ(login_method_id(LoginMethod::sms), "sms");
  EXPECT_EQ(login_method_id(LoginMethod::push), "push");
  EXPECT_EQ(login_method_id(LoginMethod::challenge_response), "ocra");
  EXPECT_EQ(login_method_id(LoginMethod::code_card), "code_card");
  EXPECT_EQ(login_method_id(LoginMethod::temp_code), "temp_code");
}

// --- primary user --------------------------------------------------------------------------------

TEST(PrimaryUser, OnlyThePrimaryUserMayChangeSettings) {
  EXPECT_TRUE(may_change_security_settings("chan.tai.man", "chan.tai.man").ok());

  auto other = may_change_security_settings("assistant01", "chan.tai.man");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error(), fail(Errc::device_not_primary_user, {"chan.tai.man"}));
  EXPECT_NE(localize(other.error(), Lang::en).find("chan.tai.man"), std::string::npos);
  EXPECT_NE(localize(other.error(), Lang::zh_Hant).find("chan.tai.man"), std::string::npos);

  // Names are compared exactly: neither case nor padding is forgiven.
  EXPECT_EQ(may_change_security_settings("Chan.Tai.Man", "chan.tai.man").code(), Errc::device_not_primary_user);
  EXPECT_EQ(may_change_security_settings("chan.tai.man ", "chan.tai.man").code(), Errc::device_not_primary_user);
  EXPECT_EQ(may_change_security_settings("", "chan.tai.man").code(), Errc::device_not_primary_user);
}

TEST(PrimaryUser, AnUnknownPrimaryUserIsABadArgument) {
  EXPECT_EQ(may_change_security_settings("anyone", "").code(), Errc::bad_argument);
  EXPECT_EQ(may_change_security_settings("", "").code(), Errc::bad_argument);
}

// --- identification data ----------------------------------------------------------------------------

IdentificationData hk_person() { return {"1980-04-30", "HK", "HK", "passport", "K12345678", "", false}; }

IdentificationData us_person() { return {"1975-11-02", "US", "US", "", "", "123-45-6789", true}; }

TEST(SameIdentification, EqualRecordsMatchAfterTrimming) {
  EXPECT_TRUE(same_identification(hk_person(), hk_person()));
  auto padded = hk_person();
  padded.date_of_birth = " 1980-04-30\t";
  padded.id_document_number = "K12345678 ";
  EXPECT_TRUE(same_identification(hk_person(), padded));
}

TEST(SameIdentification, EachFieldMatters) {
  auto base = hk_person();
  std::vector<IdentificationData> variants(6, base);
  variants[0].date_of_birth = "1980-04-29";
  variants[1].citizenship = "CN";
  variants[2].legal_residence = "SG";
  variants[3].id_document_type = "national_id";
  variants[4].id_document_number = "K12345679";
  variants[5].us_person = true;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    EXPECT_FALSE(same_identification(base, variants[i])) << "variant " << i;
    EXPECT_FALSE(same_identification(variants[i], base)) << "variant " << i;
  }
}

TEST(SameIdentification, FieldsAreCaseSensitive) {
  auto lower = hk_person();
  lower.id_document_number = "k12345678";
  EXPECT_FALSE(same_identification(hk_person(), lower));
}

TEST(SameIdentification, BlankRecordsNeverMatch) {
  EXPECT_FALSE(same_identification(IdentificationData{}, IdentificationData{}));
  auto no_document = hk_person();
  no_document.id_document_number = "  ";
  EXPECT_FALSE(same_identification(no_document, no_document));
  auto no_birth = hk_person();
  no_birth.date_of_birth.clear();
  EXPECT_FALSE(same_identification(no_birth, no_birth));
}

TEST(SameIdentification, UsPersonsAreComparedBySsnDigits) {
  auto a = us_person();
  auto b = us_person();
  b.ssn = "123456789";
  EXPECT_TRUE(same_identification(a, b));
  b.ssn = " 123 45 6789 ";
  EXPECT_TRUE(same_identification(a, b));
  b.ssn = "123-45-6780";
  EXPECT_FALSE(same_identification(a, b));

  // The ID document does not count for US persons…
  b = us_person();
  b.id_document_type = "passport";
  b.id_document_number = "X1";
  EXPECT_TRUE(same_identification(a, b));
  // …but a missing SSN does.
  a.ssn = "";
  b.ssn = "";
  EXPECT_FALSE(same_identification(a, b));
  a.ssn = "---";
  b.ssn = "---";
  EXPECT_FALSE(same_identification(a, b));
}

TEST(SameIdentification, TheSsnDoesNotCountForOthers) {
  auto a = hk_person();
  auto b = hk_person();
  a.ssn = "111-11-1111";
  b.ssn = "222-22-2222";
  EXPECT_TRUE(same_identification(a, b));
}

// --- sharing ---------------------------------------------------------------------------------------

ShareCandidate user(std::string name, std::string entity, IdentificationData id, std::vector<DeviceKind> devices) {
  return {std::move(name), std::move(entity), std::move(id), std::move(devices)};
}

IdentificationData other_person() { return {"1990-01-15", "SG", "SG", "passport", "E7654321", "", false}; }

TEST(DeviceSharing, SameEntityMayShareTheMostSecureDevice) {
  std::vector<ShareCandidate> users{
      user("trader1", "ENT-1", hk_person(), {DeviceKind::sms}),
      user("trader2", "ENT-1", other_person(), {DeviceKind::dsc_plus, DeviceKind::code_card}),
      user("viewer", "ENT-1", other_person(), {}),
  };
  auto owner = check_device_sharing(users, DeviceKind::dsc_plus);
  ASSERT_TRUE(owner.ok()) << errc_name(owner.code());
  EXPECT_EQ(*owner, "trader2");
}

TEST(DeviceSharing, DifferentEntitiesWithTheSameIdentificationMayShare) {
  auto padded = hk_person();
  padded.citizenship = "HK ";
  std::vector<ShareCandidate> users{
      user("personal", "ENT-1", hk_person(), {DeviceKind::mobile_key}),
      user("company", "ENT-2", padded, {DeviceKind::sms}),
  };
  auto owner = check_device_sharing(users, DeviceKind::mobile_key);
  ASSERT_TRUE(owner.ok()) << errc_name(owner.code());
  EXPECT_EQ(*owner, "personal");
}

TEST(DeviceSharing, NeedsAtLeastTwoUsers) {
  EXPECT_EQ(check_device_sharing({}, DeviceKind::dsc).code(), Errc::device_share_too_few);
  std::vector<ShareCandidate> one{user("solo", "ENT-1", hk_person(), {DeviceKind::dsc})};
  EXPECT_EQ(check_device_sharing(one, DeviceKind::dsc).code(), Errc::device_share_too_few);
}

TEST(DeviceSharing, UserNamesMustBeDistinctAndPresent) {
  std::vector<ShareCandidate> twice{
      user("same", "ENT-1", hk_person(), {DeviceKind::dsc}),
      user("same", "ENT-1", hk_person(), {}),
  };
  EXPECT_EQ(check_device_sharing(twice, DeviceKind::dsc).code(), Errc::bad_argument);
  std::vector<ShareCandidate> nameless{
      user("a", "ENT-1", hk_person(), {DeviceKind::dsc}),
      user("", "ENT-1", hk_person(), {}),
  };
  EXPECT_EQ(check_device_sharing(nameless, DeviceKind::dsc).code(), Errc::bad_argument);
}

TEST(DeviceSharing, StrangersMayNotShare) {
  std::vector<ShareCandidate> users{
      user("a", "ENT-1", hk_person(), {DeviceKind::dsc}),
      user("b", "ENT-2", other_person(), {}),
  };
  auto result = check_device_sharing(users, DeviceKind::dsc);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), fail(Errc::device_share_identity));
}

TEST(DeviceSharing, BlankEntitiesAreNotTheSameEntity) {
  std::vector<ShareCandidate> users{
      user("a", "", hk_person(), {DeviceKind::dsc}),
      user("b", " ", other_person(), {}),
  };
  EXPECT_EQ(check_device_sharing(users, DeviceKind::dsc).code(), Errc::device_share_identity);
}

TEST(DeviceSharing, AMixedGroupNeedsOneEntityOrOnePerson) {
  // a and b share an entity, a and c share an identity, but b and c share
  // neither: refused.
  std::vector<ShareCandidate> users{
      user("a", "ENT-1", hk_person(), {DeviceKind::dsc}),
      user("b", "ENT-1", other_person(), {}),
      user("c", "ENT-2", hk_person(), {}),
  };
  EXPECT_EQ(check_device_sharing(users, DeviceKind::dsc).code(), Errc::device_share_identity);
  // Everyone the same person, across entities: allowed.
  users[1].identification = hk_person();
  EXPECT_TRUE(check_device_sharing(users, DeviceKind::dsc).ok());
}

TEST(DeviceSharing, NobodyMayHoldATemporaryDevice) {
  for (DeviceKind temp : {DeviceKind::online_card, DeviceKind::temp_code}) {
    std::vector<ShareCandidate> users{
        user("a", "ENT-1", hk_person(), {DeviceKind::dsc}),
        user("b", "ENT-1", hk_person(), {DeviceKind::sms, temp}),
    };
    auto result = check_device_sharing(users, DeviceKind::dsc);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), fail(Errc::device_share_temporary, {"b"})) << device_kind_id(temp);
  }
  // Even the would-be owner, and even when sharing the temporary device itself.
  std::vector<ShareCandidate> users{
      user("a", "ENT-1", hk_person(), {DeviceKind::online_card}),
      user("b", "ENT-1", hk_person(), {}),
  };
  EXPECT_EQ(check_device_sharing(users, DeviceKind::online_card).error(), fail(Errc::device_share_temporary, {"a"}));
}

TEST(DeviceSharing, TheIdentityRuleIsCheckedBeforeTheTemporaryRule) {
  std::vector<ShareCandidate> users{
      user("a", "ENT-1", hk_person(), {DeviceKind::dsc}),
      user("b", "ENT-2", other_person(), {DeviceKind::temp_code}),
  };
  EXPECT_EQ(check_device_sharing(users, DeviceKind::dsc).code(), Errc::device_share_identity);
}

TEST(DeviceSharing, ALessSecureDeviceIsRefusedNamingTheMostSecure) {
  std::vector<ShareCandidate> users{
      user("a", "ENT-1", hk_person(), {DeviceKind::code_card, DeviceKind::sms}),
      user("b", "ENT-1", hk_person(), {DeviceKind::mobile_key}),
      user("c", "ENT-1", hk_person(), {DeviceKind::dsc}),
  };
  for (DeviceKind weaker : {DeviceKind::code_card, DeviceKind::sms, DeviceKind::mobile_key}) {
    auto result = check_device_sharing(users, weaker);
    ASSERT_FALSE(result.ok()) << device_kind_id(weaker);
    EXPECT_EQ(result.error(), fail(Errc::device_less_secure, {"dsc"}));
  }
  auto owner = check_device_sharing(users, DeviceKind::dsc);
  ASSERT_TRUE(owner.ok());
  EXPECT_EQ(*owner, "c");
  EXPECT_NE(localize(fail(Errc::device_less_secure, {"dsc"}), Lang::zh_Hans).find("dsc"), std::string::npos);
}

TEST(DeviceSharing, TwoUsersWithTheBestKindEitherMayShare) {
  std::vector<ShareCandidate> users{
      user("a", "ENT-1", hk_person(), {DeviceKind::sms}),
      user("b", "ENT-1", hk_person(), {DeviceKind::platinum_gold}),
      user("c", "ENT-1", hk_person(), {DeviceKind::platinum_gold}),
  };
  auto owner = check_device_sharing(users, DeviceKind::platinum_gold);
  ASSERT_TRUE(owner.ok());
  EXPECT_EQ(*owner, "b");
}

TEST(DeviceSharing, TheSharedDeviceMustExist) {
  std::vector<ShareCandidate> users{
      user("a", "ENT-1", hk_person(), {DeviceKind::sms}),
      user("b", "ENT-1", hk_person(), {DeviceKind::none}),
  };
  // Nobody holds a DSC+, and `none` is nothing to share.
  EXPECT_EQ(check_device_sharing(users, DeviceKind::dsc_plus).code(), Errc::bad_argument);
  EXPECT_EQ(check_device_sharing(users, DeviceKind::none).code(), Errc::bad_argument);
  // `none` entries do not outrank anything.
  EXPECT_EQ(*check_device_sharing(users, DeviceKind::sms), "a");
}

}  // namespace
}  // namespace sls
