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
//  - wipe() leaves null.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "sls/json.hpp"

using sls::JsonValue;

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
    JsonValue copy = *parsed;
    copy.wipe();
    FUZZ_CHECK(copy.is_null());
  }

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
