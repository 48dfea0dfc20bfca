// Security Code Cards: generating a card's codes, picking the cells a login asks for, and checking typed codes
// (code_card.hpp).
#include "sls/code_card.hpp"

#include <array>

namespace sls {
namespace {

constexpr std::size_t kBitsPerCharacter = 5;
constexpr std::uint32_t kCharacterMask = (1u << kBitsPerCharacter) - 1;

constexpr bool valid_cell_count(std::size_t cells) noexcept { return cells >= kCardMinCells && cells <= kCardMaxCells; }

// The position of an upper-case character in kCardAlphabet, or -1.
constexpr int alphabet_index(char c) noexcept {
  auto pos = kCardAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

bool cell_used(const std::vector<bool>& used, std::size_t index) noexcept {
  return index - 1 < used.size() && used[index - 1];
}

// Two distinct positions in [0, n), uniformly among ordered pairs; n >= 2.
std::array<std::uint32_t, 2> two_distinct_below(std::uint32_t n) {
  std::uint32_t a = random_below(n);
  std::uint32_t b = random_below(n - 1);
  if (b >= a) ++b;  // skip a: b is uniform over the other n - 1 positions
  return {a, b};
}

// The submit-time verdict on an inspected entry: ok only when it is complete;
// an entry that is merely unfinished is too short.
}  // namespace

Result<CodeCard> CodeCard::generate(std::string serial, std::size_t cells) {
  if (!valid_cell_count(cells)) return fail(Errc::card_bad_size);
  // 15 bits per cell, taken from 16 random bits: dropping one bit keeps the
  // value uniform.
  std::vector<std::uint8_t> random(cells * 2);
  random_fill(random);
  std::string codes(cells * kCardCodeLength, '0');
  for (std::size_t cell = 0; cell < cells; ++cell) {
    std::uint32_t bits = static_cast<std::uint32_t>(random[2 * cell]) << 8 | random[2 * cell + 1];
    for (std::size_t k = 0; k < kCardCodeLength; ++k) {
      codes[cell * kCardCodeLength + k] = kCardAlphabet[bits & kCharacterMask];
      bits >>= kBitsPerCharacter;
    }
  }
  wipe(random.data(), random.size());
  return CodeCard(std::move(serial), SecretString(std::move(codes)));
}

Result<CodeCard> CodeCard::from_storage(std::string serial, std::string_view stored) {
  if (stored.size() % kCardCodeLength != 0) return fail(Errc::bad_argument);
  for (char c : stored)
    if (alphabet_index(c) < 0) return fail(Errc::bad_argument);
  if (!valid_cell_count(stored.size() / kCardCodeLength)) return fail(Errc::card_bad_size);
  return CodeCard(std::move(serial), SecretString(std::string(stored)));
}

Result<std::string_view> CodeCard::code(std::size_t index) const {
  if (index < 1 || index > size()) return fail(Errc::card_bad_index);
  return codes_.view().substr((index - 1) * kCardCodeLength, kCardCodeLength);
}

Result<CardChallenge> pick_card_challenge(std::size_t cells, CellReuse policy, const std::vector<bool>& used) {
  if (!valid_cell_count(cells)) return fail(Errc::card_bad_size);
  if (used.size() > cells) return fail(Errc::bad_argument);
  if (policy == CellReuse::allowed) {
    auto [a, b] = two_distinct_below(static_cast<std::uint32_t>(cells));
    return CardChallenge{static_cast<std::uint16_t>(a + 1), static_cast<std::uint16_t>(b + 1)};
  }
  std::vector<std::uint16_t> unused;
  unused.reserve(cells);
  for (std::size_t index = 1; index <= cells; ++index)
    if (!cell_used(used, index)) unused.push_back(static_cast<std::uint16_t>(index));
  if (unused.size() < 2) return fail(Errc::card_exhausted);
  auto [a, b] = two_distinct_below(static_cast<std::uint32_t>(unused.size()));
  return CardChallenge{unused[a], unused[b]};
}

std::size_t logins_left(std::size_t cells, const std::vector<bool>& used) noexcept {
  std::size_t unused = 0;
  for (std::size_t index = 1; index <= cells; ++index)
    if (!cell_used(used, index)) ++unused;
  return unused / 2;
}

void mark_cells_used(std::vector<bool>& used, CardChallenge challenge) {
  for (std::size_t index : {std::size_t{challenge.first}, std::size_t{challenge.second}}) {
    if (index == 0) continue;
    if (used.size() < index) used.resize(index, false);
    used[index - 1] = true;
  }
}

EntryState inspect_card_entry(std::string_view typed) { return inspect_code(typed, kCardEntryFormat); }

Result<std::string> parse_card_entry(std::string_view typed) { return parse_code(typed, kCardEntryFormat); }

Status verify_card_entry(const CodeCard& card, CardChallenge challenge, std::string_view typed) {
  auto first = card.code(challenge.first);
  auto second = card.code(challenge.second);
  if (!first) return first.error();
  if (!second) return second.error();
  if (challenge.first == challenge.second) return fail(Errc::bad_argument);

  auto entry = parse_card_entry(typed);
  if (!entry) return entry.error();

  std::string expected;
  expected.reserve(kCardEntryLength);
  expected.append(*first).append(*second);
  bool equal = constant_time_equal(expected, *entry);
  wipe(expected);
  wipe(*entry);
  return equal ? ok_status() : Status(fail(Errc::card_mismatch));
}

}  // namespace sls
