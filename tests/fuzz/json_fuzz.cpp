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
//  - numbers, against a grammar written here independently of the codec: a
//    text that is one number (between optional whitespace) parses exactly
//    when it matches RFC 8259's number grammar; it is an integer with
//    strtoll's value when it has no fraction or exponent and fits int64,
//    otherwise number text identical to the input, which serialises back
//    byte for byte; JsonValue::number gives the same value;
//  - every number text anywhere in a parsed value matches the grammar and is
//    not an int64 in disguise.
#include <cerrno>
#include <cstddef>
#include <cstdint>
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
  if (i < s.size() && s[i] == '0')
    ++i;
  else if (!digits())
    return false;
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

// An integer text (no fraction, no exponent) that strtoll reads without
// overflow, with its value.
bool fits_int64(const std::string& number, long long& value) {
  if (number.find_first_of(".eE") != std::string::npos) return false;
  errno = 0;
  value = std::strtoll(number.c_str(), nullptr, 10);
  return errno == 0;
}

// Every number text in a value: grammatical, and not an int64 in disguise.
void check_number_texts(const JsonValue& v) {
  if (const auto text = v.as_number_text()) {
    FUZZ_CHECK(v.kind() == JsonValue::Kind::number_text && v.is_number());
    FUZZ_CHECK(is_json_number(*text));
    long long ignored = 0;
    FUZZ_CHECK(!fits_int64(std::string(*text), ignored));
    FUZZ_CHECK(sls::json_serialize(v) == *text);
  }
  if (const auto* array = v.as_array())
    for (const auto& item : *array) check_number_texts(item);
  if (const auto* object = v.as_object())
    for (const auto& member : *object) check_number_texts(member.value);
}

// A text that is one number (between optional whitespace), against the
// grammar above and strtoll.
void check_number(std::string_view text, const sls::Result<JsonValue>& parsed) {
  const std::string number(trim_json_whitespace(text));
  // Texts that start as another kind of value are not this check's business.
  if (number.empty() || std::string_view("\"[{tfn").find(number.front()) != std::string_view::npos) return;
  FUZZ_CHECK(parsed.ok() == is_json_number(number));
  const auto made = JsonValue::number(number);
  FUZZ_CHECK(made.ok() == parsed.ok());
  if (!parsed.ok()) return;
  FUZZ_CHECK(*made == *parsed);
  long long integer = 0;
  if (fits_int64(number, integer)) {
    FUZZ_CHECK(parsed->is_integer() && *parsed->as_int() == integer);
    return;
  }
  FUZZ_CHECK(parsed->as_number_text() == std::string_view(number));
  FUZZ_CHECK(sls::json_serialize(*parsed) == number);
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
    check_number_texts(*parsed);
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
