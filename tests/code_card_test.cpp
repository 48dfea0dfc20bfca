#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "sls/code_card.hpp"
#include "sls/messages.hpp"
#include "test_vectors.hpp"

namespace sls {
namespace {

using nlohmann::json;

json load(const char* name) { return sls::testing::load_test_vectors(name); }

// A card whose codes are known: cell i holds the i-th entry of `codes`.
CodeCard known_card(const std::vector<std::string>& codes) {
  std::string stored;
  for (const auto& c : codes) stored += c;
  auto card = CodeCard::from_storage("0042", stored);
  EXPECT_TRUE(card.ok()) << errc_name(card.code());
  return std::move(card).value();
}

// --- typed entries from the shared vectors --------------------------------------------

TEST(CardEntry, SharedVectors) {
  auto doc = load("card_entries.json");
  EXPECT_EQ(doc.at("alphabet").get<std::string>(), kCardAlphabet);
  const auto& cases = doc.at("cases");
  ASSERT_GE(cases.size(), 40u);
  std::set<std::string> errors_seen, parse_errors_seen;
  for (const auto& c : cases) {
    const auto typed = c.at("typed").get<std::string>();
    SCOPED_TRACE("typed \"" + typed + "\": " + c.at("note").get<std::string>());
    EntryState state = inspect_card_entry(typed);
    EXPECT_EQ(state.normalized, c.at("normalized").get<std::string>());
    EXPECT_EQ(state.display, c.at("display").get<std::string>());
    EXPECT_EQ(errc_name(state.error), c.at("error").get<std::string>());
    EXPECT_EQ(state.complete, c.at("complete").get<bool>());
    auto parsed = parse_card_entry(typed);
    EXPECT_EQ(errc_name(parsed.code()), c.at("parse_error").get<std::string>());
    if (parsed.ok()) {
      EXPECT_EQ(*parsed, c.at("normalized").get<std::string>());
    }
    errors_seen.insert(c.at("error").get<std::string>());
    parse_errors_seen.insert(c.at("parse_error").get<std::string>());
  }
  // The file covers every outcome of both checks.
  EXPECT_EQ(errors_seen, (std::set<std::string>{"ok", "card.bad_character", "card.too_long"}));
  EXPECT_EQ(parse_errors_seen, (std::set<std::string>{"ok", "card.bad_character", "card.too_long", "card.too_short"}));
}

TEST(CardEntry, EveryFullWidthLetterAndDigitFoldsLikeItsAsciiForm) {
  for (char32_t cp = 0xFF10; cp <= 0xFF5A; ++cp) {
    if ((cp > 0xFF19 && cp < 0xFF21) || (cp > 0xFF3A && cp < 0xFF41)) continue;
    std::string wide{static_cast<char>(0xEF), static_cast<char>(0xBC + ((cp - 0xFF00) >> 6)),
                     static_cast<char>(0x80 + (cp & 0x3F))};
    std::string ascii(1, static_cast<char>(cp - 0xFF00 + 0x20));
    EntryState a = inspect_card_entry(wide), b = inspect_card_entry(ascii);
    EXPECT_EQ(a.normalized, b.normalized) << ascii;
    EXPECT_EQ(a.error, b.error) << ascii;
  }
}

TEST(CardEntry, EveryAsciiCharacterIsAcceptedOrRefused) {
  // Only the alphabet (either case), the look-alikes and the separators get
  // through; everything else is a bad character.
  for (int i = 1; i < 0x80; ++i) {
    char c = static_cast<char>(i);
    EntryState state = inspect_card_entry(std::string(1, c));
    char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    bool in_alphabet = kCardAlphabet.find(upper) != std::string_view::npos;
    bool look_alike = upper == 'O' || upper == 'I' || upper == 'L';
    bool separator = c == ' ' || c == '\t' || c == '-';
    SCOPED_TRACE(i);
    if (in_alphabet || look_alike) {
      EXPECT_EQ(state.error, Errc::ok);
      EXPECT_EQ(state.normalized.size(), 1u);
    } else if (separator) {
      EXPECT_EQ(state.error, Errc::ok);
      EXPECT_TRUE(state.normalized.empty());
    } else {
      EXPECT_EQ(state.error, Errc::card_bad_character);
    }
  }
}

TEST(CardEntry, MessagesExistInTheThreeLanguages) {
  for (Errc e : {Errc::card_too_short, Errc::card_too_long, Errc::card_bad_character, Errc::card_mismatch}) {
    for (Lang lang : {Lang::en, Lang::zh_Hant, Lang::zh_Hans}) EXPECT_FALSE(localize(fail(e), lang).empty());
  }
}

// --- the alphabet ------------------------------------------------------------------------

TEST(CardAlphabet, IsCrockfordBase32) {
  EXPECT_EQ(kCardAlphabet.size(), 32u);
  std::set<char> chars(kCardAlphabet.begin(), kCardAlphabet.end());
  EXPECT_EQ(chars.size(), 32u);
  for (char excluded : {'I', 'L', 'O', 'U'}) EXPECT_EQ(chars.count(excluded), 0u) << excluded;
  EXPECT_TRUE(std::is_sorted(kCardAlphabet.begin(), kCardAlphabet.end()));
  EXPECT_EQ(kCardEntryLength, 6u);
}

// --- generation and storage ------------------------------------------------------------------

TEST(CodeCard, IsMoveOnly) {
  static_assert(!std::is_copy_constructible_v<CodeCard>);
  static_assert(!std::is_copy_assignable_v<CodeCard>);
  static_assert(std::is_move_constructible_v<CodeCard>);
}

TEST(CodeCard, GeneratesTheRequestedNumberOfCells) {
  for (std::size_t cells : {std::size_t{2}, std::size_t{3}, std::size_t{100}, std::size_t{1000}}) {
    auto card = CodeCard::generate("S-1", cells);
    ASSERT_TRUE(card.ok()) << cells;
    EXPECT_EQ(card->size(), cells);
    EXPECT_EQ(card->serial(), "S-1");
    for (std::size_t i = 1; i <= cells; ++i) {
      auto code = card->code(i);
      ASSERT_TRUE(code.ok());
      ASSERT_EQ(code->size(), kCardCodeLength);
      for (char c : *code) EXPECT_NE(kCardAlphabet.find(c), std::string_view::npos) << c;
    }
  }
  auto default_card = CodeCard::generate("S-2");
  ASSERT_TRUE(default_card.ok());
  EXPECT_EQ(default_card->size(), kCardDefaultCells);
}

TEST(CodeCard, RefusesSizesOutsideTwoToAThousand) {
  for (std::size_t cells : {std::size_t{0}, std::size_t{1}, std::size_t{1001}, std::size_t{1'000'000}})
    EXPECT_EQ(CodeCard::generate("S", cells).code(), Errc::card_bad_size) << cells;
}

TEST(CodeCard, IndicesAreOneBased) {
  auto card = known_card({"A3D", "7KP", "00Z"});
  EXPECT_EQ(*card.code(1), "A3D");
  EXPECT_EQ(*card.code(2), "7KP");
  EXPECT_EQ(*card.code(3), "00Z");
  EXPECT_EQ(card.code(0).code(), Errc::card_bad_index);
  EXPECT_EQ(card.code(4).code(), Errc::card_bad_index);
  EXPECT_EQ(card.code(SIZE_MAX).code(), Errc::card_bad_index);
}

TEST(CodeCard, CodesLookUniform) {
  // 1000 cells: each of the 3 positions sees 1000 draws from 32 symbols
  // (31.25 expected each). Bounds this loose fail by chance far less than
  // once in 10^9 runs, but catch a stuck or biased generator.
  auto card = CodeCard::generate("S", 1000);
  ASSERT_TRUE(card.ok());
  for (std::size_t pos = 0; pos < kCardCodeLength; ++pos) {
    std::map<char, int> counts;
    for (std::size_t i = 1; i <= 1000; ++i) ++counts[(*card->code(i))[pos]];
    EXPECT_EQ(counts.size(), 32u) << "position " << pos;
    for (auto [symbol, n] : counts) {
      EXPECT_GE(n, 6) << symbol << " at " << pos;
      EXPECT_LE(n, 70) << symbol << " at " << pos;
    }
  }
}

TEST(CodeCard, TwoCardsDiffer) {
  auto a = CodeCard::generate("A", 100), b = CodeCard::generate("B", 100);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->to_storage().view(), b->to_storage().view());
}

TEST(CodeCard, StorageRoundTrips) {
  auto card = CodeCard::generate("0042", 100);
  ASSERT_TRUE(card.ok());
  SecretString stored = card->to_storage();
  EXPECT_EQ(stored.size(), 300u);
  auto again = CodeCard::from_storage("0042", stored.view());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->serial(), "0042");
  ASSERT_EQ(again->size(), 100u);
  for (std::size_t i = 1; i <= 100; ++i) EXPECT_EQ(*again->code(i), *card->code(i));
  EXPECT_EQ(again->to_storage().view(), stored.view());
}

TEST(CodeCard, StorageIsValidated) {
  EXPECT_EQ(CodeCard::from_storage("S", "A3D7K").code(), Errc::bad_argument);    // not whole cells
  EXPECT_EQ(CodeCard::from_storage("S", "A3D7KI").code(), Errc::bad_argument);   // I is not stored
  EXPECT_EQ(CodeCard::from_storage("S", "a3d7kp").code(), Errc::bad_argument);   // lower case is not stored
  EXPECT_EQ(CodeCard::from_storage("S", "A3D 7KP").code(), Errc::bad_argument);  // no separators
  EXPECT_EQ(CodeCard::from_storage("S", "").code(), Errc::card_bad_size);
  EXPECT_EQ(CodeCard::from_storage("S", "A3D").code(), Errc::card_bad_size);
  EXPECT_EQ(CodeCard::from_storage("S", std::string(3 * 1001, '0')).code(), Errc::card_bad_size);
  EXPECT_TRUE(CodeCard::from_storage("S", std::string(3 * 1000, 'Z')).ok());
}

// --- verification ------------------------------------------------------------------------------

TEST(VerifyCardEntry, AcceptsTheTwoCodesInChallengeOrder) {
  // The seed's example: index 100 holds A3D.
  std::vector<std::string> codes(100, "000");
  codes[99] = "A3D";
  codes[6] = "7KP";
  auto card = known_card(codes);
  EXPECT_TRUE(verify_card_entry(card, {100, 7}, "A3D7KP").ok());
  EXPECT_TRUE(verify_card_entry(card, {100, 7}, "a3d 7kp").ok());
  EXPECT_TRUE(verify_card_entry(card, {100, 7}, "\uff21\uff13\uff44\u3000\uff17\uff2b\uff50").ok());
  EXPECT_EQ(verify_card_entry(card, {7, 100}, "A3D7KP").code(), Errc::card_mismatch);
  EXPECT_TRUE(verify_card_entry(card, {7, 100}, "7KP-A3D").ok());
}

TEST(VerifyCardEntry, LookAlikesAreReadAsDigits) {
  auto card = known_card({"01Z", "1Q0"});
  EXPECT_TRUE(verify_card_entry(card, {1, 2}, "oiz lqo").ok());
  EXPECT_TRUE(verify_card_entry(card, {1, 2}, "OLZ-IQO").ok());
}

TEST(VerifyCardEntry, EveryWrongCharacterIsAMismatch) {
  auto card = known_card({"A3D", "7KP"});
  const std::string right = "A3D7KP";
  for (std::size_t pos = 0; pos < right.size(); ++pos) {
    for (char c : kCardAlphabet) {
      if (c == right[pos]) continue;
      std::string wrong = right;
      wrong[pos] = c;
      EXPECT_EQ(verify_card_entry(card, {1, 2}, wrong).code(), Errc::card_mismatch) << wrong;
    }
  }
}

TEST(VerifyCardEntry, MalformedEntriesFailBeforeAnyComparison) {
  auto card = known_card({"A3D", "7KP"});
  EXPECT_EQ(verify_card_entry(card, {1, 2}, "").code(), Errc::card_too_short);
  EXPECT_EQ(verify_card_entry(card, {1, 2}, "A3D").code(), Errc::card_too_short);
  EXPECT_EQ(verify_card_entry(card, {1, 2}, "A3D7KPA").code(), Errc::card_too_long);
  EXPECT_EQ(verify_card_entry(card, {1, 2}, "A3D7KU").code(), Errc::card_bad_character);
}

TEST(VerifyCardEntry, IndicesMustBeOnTheCardAndDistinct) {
  auto card = known_card({"A3D", "7KP", "XYZ"});
  EXPECT_EQ(verify_card_entry(card, {0, 2}, "A3D7KP").code(), Errc::card_bad_index);
  EXPECT_EQ(verify_card_entry(card, {1, 4}, "A3D7KP").code(), Errc::card_bad_index);
  EXPECT_EQ(verify_card_entry(card, {4, 1}, "").code(), Errc::card_bad_index);  // before the entry
  EXPECT_EQ(verify_card_entry(card, {2, 2}, "7KP7KP").code(), Errc::bad_argument);
}

// --- challenges --------------------------------------------------------------------------------

TEST(PickCardChallenge, TwoDistinctIndicesOnTheCard) {
  std::set<std::uint16_t> firsts, seconds;
  for (int i = 0; i < 2000; ++i) {
    auto c = pick_card_challenge(5, CellReuse::allowed, {});
    ASSERT_TRUE(c.ok());
    EXPECT_NE(c->first, c->second);
    EXPECT_GE(c->first, 1);
    EXPECT_LE(c->first, 5);
    EXPECT_GE(c->second, 1);
    EXPECT_LE(c->second, 5);
    firsts.insert(c->first);
    seconds.insert(c->second);
  }
  // Every cell comes up in both places.
  EXPECT_EQ(firsts.size(), 5u);
  EXPECT_EQ(seconds.size(), 5u);
}

TEST(PickCardChallenge, ATwoCellCardAsksBoth) {
  for (int i = 0; i < 50; ++i) {
    auto c = pick_card_challenge(2, CellReuse::allowed, {});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(std::set<std::uint16_t>({c->first, c->second}), (std::set<std::uint16_t>{1, 2}));
  }
}

TEST(PickCardChallenge, ReuseAllowedIgnoresUse) {
  std::vector<bool> all_used(10, true);
  auto c = pick_card_challenge(10, CellReuse::allowed, all_used);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->first, c->second);
}

TEST(PickCardChallenge, RefusesBadSizesAndOversizedUseLists) {
  EXPECT_EQ(pick_card_challenge(1, CellReuse::allowed, {}).code(), Errc::card_bad_size);
  EXPECT_EQ(pick_card_challenge(0, CellReuse::never, {}).code(), Errc::card_bad_size);
  EXPECT_EQ(pick_card_challenge(1001, CellReuse::allowed, {}).code(), Errc::card_bad_size);
  EXPECT_TRUE(pick_card_challenge(1000, CellReuse::never, {}).ok());
  EXPECT_EQ(pick_card_challenge(4, CellReuse::allowed, std::vector<bool>(5, false)).code(), Errc::bad_argument);
}

TEST(PickCardChallenge, NeverReuseOffersOnlyUnusedCells) {
  std::vector<bool> used(100, true);
  used[41] = false;  // cell 42
  used[99] = false;  // cell 100
  for (int i = 0; i < 50; ++i) {
    auto c = pick_card_challenge(100, CellReuse::never, used);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(std::set<std::uint16_t>({c->first, c->second}), (std::set<std::uint16_t>{42, 100}));
  }
  used[41] = true;
  EXPECT_EQ(pick_card_challenge(100, CellReuse::never, used).code(), Errc::card_exhausted);
}

TEST(PickCardChallenge, AShortUseListLeavesTheRestUnused) {
  std::vector<bool> used(8, true);  // cells 1..8 used, 9 and 10 not listed
  auto c = pick_card_challenge(10, CellReuse::never, used);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(std::set<std::uint16_t>({c->first, c->second}), (std::set<std::uint16_t>{9, 10}));
  EXPECT_EQ(logins_left(10, used), 1u);
}

TEST(PickCardChallenge, ACardRunsOutUnderNeverReuse) {
  for (std::size_t cells : {std::size_t{2}, std::size_t{7}, std::size_t{100}}) {
    std::vector<bool> used;
    std::set<std::uint16_t> asked;
    std::size_t logins = 0;
    EXPECT_EQ(logins_left(cells, used), cells / 2);
    while (true) {
      auto c = pick_card_challenge(cells, CellReuse::never, used);
      if (!c.ok()) {
        EXPECT_EQ(c.code(), Errc::card_exhausted);
        break;
      }
      EXPECT_TRUE(asked.insert(c->first).second) << "cell asked twice";
      EXPECT_TRUE(asked.insert(c->second).second) << "cell asked twice";
      mark_cells_used(used, *c);
      ++logins;
      EXPECT_EQ(logins_left(cells, used), cells / 2 - logins);
      ASSERT_LE(logins, cells);  // guard against a loop that never ends
    }
    EXPECT_EQ(logins, cells / 2) << cells;
    EXPECT_EQ(logins_left(cells, used), 0u);
  }
}

TEST(LoginsLeft, CountsUnusedCellsOnTheCard) {
  EXPECT_EQ(logins_left(100, {}), 50u);
  EXPECT_EQ(logins_left(101, {}), 50u);
  std::vector<bool> used(100, false);
  used[0] = used[1] = used[2] = true;
  EXPECT_EQ(logins_left(100, used), 48u);  // 97 unused
  // Entries beyond the card do not count.
  std::vector<bool> long_list(200, false);
  EXPECT_EQ(logins_left(10, long_list), 5u);
  EXPECT_EQ(logins_left(0, {}), 0u);
}

TEST(MarkCellsUsed, GrowsTheListAndIgnoresIndexZero) {
  std::vector<bool> used;
  mark_cells_used(used, {5, 2});
  EXPECT_EQ(used, (std::vector<bool>{false, true, false, false, true}));
  mark_cells_used(used, {0, 1});
  EXPECT_EQ(used, (std::vector<bool>{true, true, false, false, true}));
}

}  // namespace
}  // namespace sls
