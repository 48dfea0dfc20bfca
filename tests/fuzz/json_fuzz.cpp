// Fuzzes the JSON codec (sls/json.hpp), which reads every HTTP body the
// server gets and every reply the login flow gets.
//
// Properties, beyond no crash, no undefined behaviour and no leak:
//  - a parsed value serialises to text that parses back to an equal value,
//    and serialising that value again gives the same text (the serialiser's
//    output is a fixed point);
//  - a parse never succeeds on invalid UTF-8, and the serialised text is
//    always valid UTF-8;
//  - any bytes quoted with json_append_quoted take exactly json_quoted_size
//    bytes and read back as a JSON string (the same string when the bytes
//    were valid UTF-8);
//  - wipe() leaves null;
//  - numbers agree with the C library, whose conversions are correctly
//    rounded: a text that is one JSON number reads as strtod (or strtoll)
//    reads it, and is refused only when it overflows a double; the first
//    reals the parser returns are written with the fewest significant digits
//    that printf needs to read back as the same double.
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "sls/json.hpp"

using sls::JsonValue;

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 8259's number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return i > from;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') ++i;
  else if (!digits()) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

std::string_view trim_json_whitespace(std::string_view s) {
  const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

bool same_double(double a, double b) { return a == b && std::signbit(a) == std::signbit(b); }

// Significant digits of a serialised number: those of the mantissa without
// leading or trailing zeros.
std::size_t significant_digits(std::string_view text) {
  std::string digits;
  for (char c : text.substr(0, text.find_first_of("eE")))
    if (is_digit(c)) digits += c;
  const auto first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  return digits.find_last_not_of('0') - first + 1;
}

void check_real(double d) {
  const std::string text = sls::json_serialize(JsonValue(d));
  FUZZ_CHECK(same_double(std::strtod(text.c_str(), nullptr), d));
  if (d == 0) return;
  std::size_t fewest = 17;
  char buffer[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*e", precision - 1, d);
    if (std::strtod(buffer, nullptr) == d) {
      fewest = static_cast<std::size_t>(precision);
      break;
    }
  }
  FUZZ_CHECK(significant_digits(text) == fewest);
}

// Checks the first `budget` reals of a value (each check costs up to 17
// printf/strtod pairs; an input of hundreds of reals would slow every run).
void check_reals(const JsonValue& v, int& budget) {
  if (budget <= 0) return;
  if (v.kind() == JsonValue::Kind::real) {
    --budget;
    check_real(*v.as_double());
  }
  if (const auto* array = v.as_array())
    for (const auto& item : *array) check_reals(item, budget);
  if (const auto* object = v.as_object())
    for (const auto& member : *object) check_reals(member.value, budget);
}

// A text that is one number, against strtod/strtoll.
void check_number(std::string_view text, const sls::Result<JsonValue>& parsed) {
  const std::string number(trim_json_whitespace(text));
  if (!is_json_number(number)) return;
  errno = 0;
  const double reference = std::strtod(number.c_str(), nullptr);
  if (!parsed.ok()) {
    FUZZ_CHECK(!std::isfinite(reference));
    return;
  }
  if (number.find_first_of(".eE") == std::string::npos) {
    errno = 0;
    const long long integer = std::strtoll(number.c_str(), nullptr, 10);
    if (errno == 0) {
      FUZZ_CHECK(parsed->is_integer() && *parsed->as_int() == integer);
      return;
    }
  }
  FUZZ_CHECK(parsed->kind() == JsonValue::Kind::real);
  FUZZ_CHECK(same_double(*parsed->as_double(), reference));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto parsed = sls::json_parse(text);
  if (parsed.ok()) {
    FUZZ_CHECK(sls::fuzz::is_strict_utf8(text));
    const std::string serialized = sls::json_serialize(*parsed);
    FUZZ_CHECK(sls::fuzz::is_strict_utf8(serialized));
    auto reparsed = sls::json_parse(serialized, serialized.size());
    FUZZ_CHECK(reparsed.ok());
    FUZZ_CHECK(*reparsed == *parsed);
    FUZZ_CHECK(sls::json_serialize(*reparsed) == serialized);
    int real_budget = 8;
    check_reals(*parsed, real_budget);
    JsonValue copy = *parsed;
    copy.wipe();
    FUZZ_CHECK(copy.is_null());
  }

  if (text.size() <= sls::kJsonMaxSize) check_number(text, parsed);

  // The quoting used to build bodies around secrets, on arbitrary bytes.
  std::string quoted;
  quoted.reserve(sls::json_quoted_size(text));
  sls::json_append_quoted(quoted, text);
  FUZZ_CHECK(quoted.size() == sls::json_quoted_size(text));
  auto unquoted = sls::json_parse(quoted, quoted.size());
  FUZZ_CHECK(unquoted.ok());
  FUZZ_CHECK(unquoted->is_string());
  if (sls::fuzz::is_strict_utf8(text)) FUZZ_CHECK(*unquoted->as_string() == text);
  return 0;
}
