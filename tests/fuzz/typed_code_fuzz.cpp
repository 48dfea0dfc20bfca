// Fuzzes the folding and parsing of every typed code (sls/entry.hpp): code
// card entries, responses, challenges, SMS codes, temporary codes and
// Mobile Key activation codes. Each input is read as each kind of code.
//
// Properties, beyond no crash, no undefined behaviour and no leak:
//  - folding never lengthens its input, keeps valid UTF-8 valid, and is
//    idempotent on valid UTF-8;
//  - the live check (inspect) and the submit check (parse) agree: a code is
//    accepted exactly when the live state is complete, with the same
//    normalised value, and otherwise the submit error is the live error (or
//    "too short" for an incomplete entry);
//  - an accepted code is canonical: it has the format's length, only
//    characters of its alphabet, passes the format's check, re-parses to
//    itself, and so does its grouped display form;
//  - only well-formed UTF-8 is ever accepted;
//  - a code card accepts an entry exactly when it parses to the two codes;
//  - Damm check digits make a digit string valid, and a valid string ends in
//    its check digit.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "sls/code_card.hpp"
#include "sls/entry.hpp"
#include "sls/mobile_key.hpp"
#include "sls/response.hpp"

namespace {

using sls::CodeAlphabet;
using sls::CodeFormat;
using sls::EntryState;
using sls::Errc;

// One kind of code: its rules and the functions the product calls for it.
struct CodeKind {
  CodeAlphabet alphabet;
  std::size_t length;
  std::size_t group_size;
  Errc bad_character, too_long, too_short, check_failed;
  EntryState (*inspect)(std::string_view);
  sls::Result<std::string> (*parse)(std::string_view);
  bool has_check_digit;
};

template <const CodeFormat& F>
EntryState inspect_with(std::string_view typed) {
  return sls::inspect_code(typed, F);
}
template <const CodeFormat& F>
sls::Result<std::string> parse_with(std::string_view typed) {
  return sls::parse_code(typed, F);
}

template <const CodeFormat& F>
constexpr CodeKind generic_kind() {
  return {F.alphabet,  F.length,       F.group_size,     F.bad_character, F.too_long,
          F.too_short, F.check_failed, &inspect_with<F>, &parse_with<F>,  F.check != nullptr};
}

const CodeKind kKinds[] = {
    {CodeAlphabet::crockford, 6, 3, Errc::card_bad_character, Errc::card_too_long, Errc::card_too_short, Errc::ok,
     &sls::inspect_card_entry, &sls::parse_card_entry, false},
    {CodeAlphabet::digits, 8, 4, Errc::response_bad_character, Errc::response_wrong_length, Errc::response_wrong_length,
     Errc::response_check_digit, &sls::inspect_response, &sls::parse_response, true},
    {CodeAlphabet::digits, 6, 3, Errc::challenge_bad_character, Errc::challenge_wrong_length,
     Errc::challenge_wrong_length, Errc::ok, &sls::inspect_challenge, &sls::parse_challenge, false},
    generic_kind<sls::kSmsCodeFormat>(),
    generic_kind<sls::kTempCodeFormat>(),
    generic_kind<sls::kActivationCodeFormat>(),
};

bool in_alphabet(char c, CodeAlphabet alphabet) {
  if (alphabet == CodeAlphabet::digits) return c >= '0' && c <= '9';
  return sls::kCrockfordAlphabet.find(c) != std::string_view::npos;
}

void check_kind(const CodeKind& kind, std::string_view typed, const std::string& folded) {
  const EntryState state = kind.inspect(typed);
  const auto parsed = kind.parse(typed);

  FUZZ_CHECK(state.error == Errc::ok || state.error == kind.bad_character || state.error == kind.too_long ||
             (kind.has_check_digit && state.error == kind.check_failed));
  FUZZ_CHECK(state.normalized.size() <= folded.size());
  for (char c : state.normalized) FUZZ_CHECK(in_alphabet(c, kind.alphabet));
  FUZZ_CHECK(state.display == sls::group_code(state.normalized, kind.group_size));
  if (state.error == Errc::ok) {
    FUZZ_CHECK(state.normalized.size() <= kind.length);
    FUZZ_CHECK(state.complete == (state.normalized.size() == kind.length));
  } else {
    FUZZ_CHECK(!state.complete);
  }

  FUZZ_CHECK(parsed.ok() == state.complete);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.code() == (state.error == Errc::ok ? kind.too_short : state.error));
    return;
  }
  const std::string& code = *parsed;
  FUZZ_CHECK(code == state.normalized);
  FUZZ_CHECK(code.size() == kind.length);
  FUZZ_CHECK(sls::fuzz::is_strict_utf8(typed));
  if (kind.has_check_digit) FUZZ_CHECK(sls::damm_valid(code));
  const auto again = kind.parse(code);
  FUZZ_CHECK(again.ok() && *again == code);
  const auto from_display = kind.parse(state.display);
  FUZZ_CHECK(from_display.ok() && *from_display == code);
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view typed(reinterpret_cast<const char*>(data), size);

  const std::string folded = sls::fold_typed_code(typed);
  FUZZ_CHECK(folded.size() <= typed.size());
  if (sls::fuzz::is_strict_utf8(typed)) {
    FUZZ_CHECK(sls::fuzz::is_strict_utf8(folded));
    FUZZ_CHECK(sls::fold_typed_code(folded) == folded);
  }

  for (const CodeKind& kind : kKinds) check_kind(kind, typed, folded);

  // A card whose cells 1 and 2 hold "A3D" and "7KP": an entry opens it
  // exactly when it parses to those codes, in the order asked.
  static const auto card = sls::CodeCard::from_storage("fuzz", "A3D7KP");
  FUZZ_CHECK(card.ok());
  const auto entry = sls::parse_card_entry(typed);
  FUZZ_CHECK(sls::verify_card_entry(*card, {1, 2}, typed).ok() == (entry.ok() && *entry == "A3D7KP"));
  FUZZ_CHECK(sls::verify_card_entry(*card, {2, 1}, typed).ok() == (entry.ok() && *entry == "7KPA3D"));

  // Damm check digits, on digit strings.
  const auto check = sls::damm_check_digit(typed);
  FUZZ_CHECK(check.has_value() == all_digits(typed));
  if (check) {
    FUZZ_CHECK(sls::damm_valid(std::string(typed) + *check));
    if (!typed.empty())
      FUZZ_CHECK(sls::damm_valid(typed) == (*sls::damm_check_digit(typed.substr(0, size - 1)) == typed.back()));
  } else {
    FUZZ_CHECK(!sls::damm_valid(typed));
  }
  const auto response = sls::response_from_ocra(typed);
  FUZZ_CHECK(response.ok() == (size == 7 && check.has_value()));
  if (response.ok()) FUZZ_CHECK(sls::parse_response(*response).ok());
  return 0;
}
