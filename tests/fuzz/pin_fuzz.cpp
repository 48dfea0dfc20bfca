// Fuzzes the PIN rules (sls/pin.hpp): the Mobile Key recovery PIN and the
// DSC+ soft PIN, both typed by users.
//
// Properties, beyond no crash, no undefined behaviour and no leak: each check
// gives exactly the verdict of an independent statement of its rule (the
// error, and the length bound as the message argument), with a bad character
// reported before a wrong length.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "sls/pin.hpp"

namespace {

using sls::Errc;

// Characters as the rules count them: every byte that does not continue a
// UTF-8 sequence starts one.
std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;
  return n;
}

Errc expected_recovery(std::string_view pin) {
  for (char c : pin)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7E) return Errc::pin_bad_character;
  if (characters(pin) < 4) return Errc::pin_too_short;
  if (characters(pin) > 6) return Errc::pin_too_long;
  return Errc::ok;
}

Errc expected_soft(std::string_view pin) {
  for (char c : pin)
    if (c < '0' || c > '9') return Errc::pin_not_digits;
  if (pin.size() < 4) return Errc::pin_too_short;
  if (pin.size() > 4) return Errc::pin_too_long;
  return Errc::ok;
}

void check(const sls::Status& status, Errc expected, std::string_view bound) {
  FUZZ_CHECK(status.code() == expected);
  if (expected == Errc::pin_too_short || expected == Errc::pin_too_long) {
    FUZZ_CHECK(status.error().args.size() == 1 && status.error().args[0] == bound);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view pin(reinterpret_cast<const char*>(data), size);
  const Errc recovery = expected_recovery(pin);
  check(sls::check_recovery_pin(pin), recovery, recovery == Errc::pin_too_short ? "4" : "6");
  check(sls::check_soft_pin(pin), expected_soft(pin), "4");
  return 0;
}
