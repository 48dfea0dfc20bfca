// Security Code Cards and Online Security Code Cards (SPEC §3.1).
//
// A card is a serial and a grid of cells numbered from 1. Each cell holds a
// 3-character code in Crockford's Base32 alphabet (digits and the letters
// without I, L, O and U), so 15 random bits per cell and 30 bits per login,
// where the server asks for two distinct cells and the user types both codes
// joined: 6 characters, shown as "A3D 7KP".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sls/entry.hpp"
#include "sls/result.hpp"
#include "sls/secure.hpp"

namespace sls {

/// The 32 characters a code may hold, in Crockford Base32 order.
inline constexpr std::string_view kCardAlphabet = kCrockfordAlphabet;
/// Characters per cell.
inline constexpr std::size_t kCardCodeLength = 3;
/// Characters typed per login: two cells.
inline constexpr std::size_t kCardEntryLength = 2 * kCardCodeLength;
/// The typed entry: both codes joined, shown as "A3D 7KP".
inline constexpr CodeFormat kCardEntryFormat{CodeAlphabet::crockford,  kCardEntryLength,    kCardCodeLength,
                                             Errc::card_bad_character, Errc::card_too_long, Errc::card_too_short};
/// Cells on a card: at least 2 (one login), at most 1000; 100 by default.
inline constexpr std::size_t kCardMinCells = 2;
inline constexpr std::size_t kCardMaxCells = 1000;
inline constexpr std::size_t kCardDefaultCells = 100;

/// A code card: its serial and the codes of its cells. The codes are secret:
/// they are held in wiping memory, and the type is move-only so that no copy
/// is left behind. Immutable once made.
class CodeCard {
 public:
  /// A new card with `cells` codes drawn from libsodium's CSPRNG (each cell
  /// independently and uniformly: two cells may happen to hold the same
  /// code). `serial` is not interpreted. Errc::card_bad_size unless
  /// 2 <= cells <= 1000.
  static Result<CodeCard> generate(std::string serial, std::size_t cells = kCardDefaultCells);

  /// Rebuilds a card from its serial and the string to_storage() produced.
  /// Errc::bad_argument when the length is not a multiple of 3 or a
  /// character is outside kCardAlphabet; Errc::card_bad_size when the number
  /// of cells is outside 2..1000.
  static Result<CodeCard> from_storage(std::string serial, std::string_view stored);

  const std::string& serial() const noexcept { return serial_; }
  /// The number of cells, 2..1000; the valid indices are 1..size().
  std::size_t size() const noexcept { return codes_.size() / kCardCodeLength; }

  /// The 3-character code at a 1-based `index`, e.g. "A3D"; a view into the
  /// card, valid while the card lives. Errc::card_bad_index outside
  /// 1..size().
  Result<std::string_view> code(std::size_t index) const;

  /// The cells as one string for storage (to be encrypted at rest): the codes
  /// of cells 1, 2, … concatenated, 3 characters each, no separator.
  SecretString to_storage() const { return SecretString(std::string(codes_.view())); }

 private:
  CodeCard(std::string serial, SecretString codes) : serial_(std::move(serial)), codes_(std::move(codes)) {}
  std::string serial_;
  SecretString codes_;
};

// --- challenges ----------------------------------------------------------------------

/// The two cells asked for at one login, as 1-based indices, in the order
/// the user types their codes. The two are distinct.
struct CardChallenge {
  std::uint16_t first = 0;
  std::uint16_t second = 0;

  friend bool operator==(const CardChallenge&, const CardChallenge&) = default;
};

/// Whether a cell may be asked again at a later login (a server policy).
enum class CellReuse : std::uint8_t {
  allowed,  ///< any cell, any time: the failure lockout bounds guessing
  never,    ///< each cell is asked at most once: the card runs out
};

/// Picks two distinct cells with libsodium's CSPRNG, uniformly among the
/// cells offered: every cell under CellReuse::allowed; only the unused ones
/// under CellReuse::never. `used[i - 1]` tells whether cell i was asked
/// before; a shorter vector leaves the remaining cells unused.
/// Errc::card_bad_size when `cells` is outside 2..1000; Errc::bad_argument
/// when `used` is longer than `cells`; Errc::card_exhausted under
/// CellReuse::never when fewer than two cells are unused.
Result<CardChallenge> pick_card_challenge(std::size_t cells, CellReuse policy, const std::vector<bool>& used);

/// Logins a card has left under CellReuse::never: its unused cells (among
/// 1..cells, by the `used` convention above) divided by 2, rounded down.
std::size_t logins_left(std::size_t cells, const std::vector<bool>& used) noexcept;

/// Records that the cells of `challenge` were asked, growing `used` as
/// needed. Index 0 (no cell) is ignored.
void mark_cells_used(std::vector<bool>& used, CardChallenge challenge);

// --- what the user types ---------------------------------------------------------------

/// The state of a card entry while it is typed. `typed` is folded with
/// fold_typed_code (full-width forms, spaces and dashes), upper-cased, and
/// the look-alikes O → 0, I → 1 and L → 1 are mapped. Then, in this order of
/// precedence:
///  - any character outside kCardAlphabet (U included, which Crockford does
///    not map) → Errc::card_bad_character;
///  - more than 6 characters → Errc::card_too_long;
///  - exactly 6 → complete; fewer → incomplete, error ok.
/// `normalized` keeps the accepted characters (in order); `display` groups
/// them by 3 ("A3D 7KP").
EntryState inspect_card_entry(std::string_view typed);

/// The submit-time check: the 6 normalised characters, or the error of
/// inspect_card_entry, or Errc::card_too_short when fewer than 6 were typed.
Result<std::string> parse_card_entry(std::string_view typed);

/// Checks a typed entry against the card's codes for `challenge`. Failure
/// modes, in this order: Errc::card_bad_index when an index is outside
/// 1..card.size(); Errc::bad_argument when the two indices are equal; those
/// of parse_card_entry; Errc::card_mismatch when the codes differ (compared
/// in constant time). Every temporary copy of the entry and of the codes is
/// wiped.
Status verify_card_entry(const CodeCard& card, CardChallenge challenge, std::string_view typed);

}  // namespace sls
