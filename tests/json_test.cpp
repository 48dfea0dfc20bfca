#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "sls/json.hpp"

namespace sls {
namespace {

JsonValue parse_ok(std::string_view text) {
  auto r = json_parse(text);
  EXPECT_TRUE(r.ok()) << "text: " << text << " reason: " << (r.ok() ? "" : r.error().args.at(1));
  return r.ok() ? *r : JsonValue();
}

void expect_refused(std::string_view text) {
  auto r = json_parse(text);
  EXPECT_FALSE(r.ok()) << "accepted: " << text;
  if (!r.ok()) {
    EXPECT_EQ(r.code(), Errc::bad_argument);
  }
}

TEST(JsonParse, Scalars) {
  EXPECT_TRUE(parse_ok("null").is_null());
  EXPECT_EQ(parse_ok("true").as_bool(), true);
  EXPECT_EQ(parse_ok("false").as_bool(), false);
  EXPECT_EQ(parse_ok("0").as_int(), 0);
  EXPECT_EQ(parse_ok("-0").as_int(), 0);
  EXPECT_EQ(parse_ok("42").as_int(), 42);
  EXPECT_EQ(parse_ok("-17").as_int(), -17);
  EXPECT_EQ(parse_ok("9223372036854775807").as_int(), INT64_MAX);
  EXPECT_EQ(parse_ok("-9223372036854775808").as_int(), INT64_MIN);
  EXPECT_EQ(*parse_ok("\"abc\"").as_string(), "abc");
  EXPECT_EQ(parse_ok(" \t\r\n 7 \n").as_int(), 7);
}

TEST(JsonParse, NonIntegersKeepTheirText) {
  const auto v = parse_ok("1.5");
  EXPECT_EQ(v.kind(), JsonValue::Kind::number_text);
  EXPECT_TRUE(v.is_number());
  EXPECT_FALSE(v.as_int().has_value());
  EXPECT_EQ(v.as_number_text(), "1.5");
  // The text as written, not a canonical form of its value.
  EXPECT_EQ(parse_ok("1E+3").as_number_text(), "1E+3");
  EXPECT_EQ(parse_ok("-2.50e-3").as_number_text(), "-2.50e-3");
  EXPECT_EQ(parse_ok("-0.0").as_number_text(), "-0.0");
  // Integers too large for int64 are kept as text instead of failing.
  const auto big = parse_ok("9223372036854775808");
  EXPECT_EQ(big.kind(), JsonValue::Kind::number_text);
  EXPECT_EQ(big.as_number_text(), "9223372036854775808");
  EXPECT_EQ(parse_ok("-9223372036854775809").as_number_text(), "-9223372036854775809");
  // No conversion, so no range: what a double could not hold is still a
  // well-formed number.
  EXPECT_EQ(parse_ok("1e400").as_number_text(), "1e400");
  EXPECT_EQ(parse_ok("0.000e-99999999999999").as_number_text(), "0.000e-99999999999999");
  // Integers have no text; other kinds have neither.
  EXPECT_FALSE(parse_ok("15").as_number_text().has_value());
  EXPECT_FALSE(parse_ok("\"1.5\"").as_number_text().has_value());
  EXPECT_FALSE(parse_ok("\"1.5\"").is_number());
}

TEST(JsonParse, RefusesMalformedNumbers) {
  for (const char* t : {"01", "-01", "+1", ".5", "1.", "1.e3", "1e", "1e+", "-", "--1", "0x10", "NaN", "Infinity",
                        "-Infinity", "1_000", "1 2"})
    expect_refused(t);
}

TEST(JsonParse, ArraysAndObjects) {
  const auto v = parse_ok(R"({"a":[1,2,{"b":null}],"c":{},"d":[]})");
  ASSERT_TRUE(v.is_object());
  const auto* a = v.find("a");
  ASSERT_TRUE(a && a->is_array());
  ASSERT_EQ(a->as_array()->size(), 3u);
  EXPECT_EQ((*a->as_array())[1].as_int(), 2);
  EXPECT_TRUE((*a->as_array())[2].find("b")->is_null());
  EXPECT_TRUE(v.find("c")->is_object());
  EXPECT_TRUE(v.find("d")->as_array()->empty());
  EXPECT_EQ(v.find("missing"), nullptr);
  EXPECT_EQ(JsonValue(5).find("a"), nullptr);
}

TEST(JsonParse, KeepsInsertionOrder) {
  const auto v = parse_ok(R"({"z":1,"a":2,"m":3})");
  const auto& members = *v.as_object();
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].key, "z");
  EXPECT_EQ(members[1].key, "a");
  EXPECT_EQ(members[2].key, "m");
  EXPECT_EQ(json_serialize(v), R"({"z":1,"a":2,"m":3})");
}

TEST(JsonParse, RefusesStructuralErrors) {
  for (const char* t : {"",
                        " ",
                        "[",
                        "]",
                        "{",
                        "}",
                        "[1,]",
                        "[,1]",
                        "{\"a\":1,}",
                        "{\"a\"}",
                        "{\"a\" 1}",
                        "{a:1}",
                        "{'a':1}",
                        "[1 2]",
                        "{\"a\":1 \"b\":2}",
                        "tru",
                        "nul",
                        "falsey",
                        "null null",
                        "[1]x",
                        "/*c*/1",
                        "1 // c",
                        "\xEF\xBB\xBF"
                        "1",
                        "{\"a\":1}}",
                        "\"abc"})
    expect_refused(t);
}

TEST(JsonParse, RefusesDuplicateKeys) {
  expect_refused(R"({"a":1,"a":2})");
  expect_refused(R"({"a":1,"b":{"c":1,"c":1}})");
  // Same key in different objects is fine.
  EXPECT_TRUE(json_parse(R"({"a":{"a":1}})").ok());
}

TEST(JsonParse, Escapes) {
  EXPECT_EQ(*parse_ok(R"("\"\\\/\b\f\n\r\t")").as_string(), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(*parse_ok(R"("\u0041\u00e9\u4E2D")").as_string(), "A\xC3\xA9\xE4\xB8\xAD");
  EXPECT_EQ(*parse_ok(R"("\u0000")").as_string(), std::string(1, '\0'));
  // A surrogate pair becomes one 4-byte UTF-8 sequence (U+1F600).
  EXPECT_EQ(*parse_ok(R"("\ud83d\ude00")").as_string(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(*parse_ok(R"("\uD834\uDD1E")").as_string(), "\xF0\x9D\x84\x9E");
}

TEST(JsonParse, RefusesBadEscapesAndSurrogates) {
  for (const char* t : {R"("\x")", R"("\u12")", R"("\u12G4")", R"("\ud83d")", R"("\ud83dabc")", R"("\ude00")",
                        R"("\ude00\ud83d")", R"("\ud83d\u0041")", R"("\ud83d\n")", R"("\')", R"("\U0041")"})
    expect_refused(t);
}

TEST(JsonParse, Utf8Validation) {
  EXPECT_EQ(*parse_ok("\"\xE7\xB9\x81\xE9\xAB\x94\"").as_string(), "\xE7\xB9\x81\xE9\xAB\x94");  // 繁體
  EXPECT_EQ(*parse_ok("\"\xF0\x9F\x98\x80\"").as_string(), "\xF0\x9F\x98\x80");
  // Overlong forms (C0 A0 is a space, E0 80 80 is U+0000), a UTF-16
  // surrogate (ED A0 80), beyond U+10FFFF (F4 90 80 80), truncated sequences.
  // These were refused before the shared decoder too: the codec's own
  // decoder was already strict.
  for (const char* t :
       {"\"\xC0\xA0\"", "\"\xE0\x80\x80\"", "\"a\xC0\xA0\"", "\"\x80\"", "\"\xC0\xAF\"", "\"\xC3\"", "\"\xE0\x80\xAF\"",
        "\"\xED\xA0\x80\"", "\"\xF4\x90\x80\x80\"", "\"\xF8\x88\x80\x80\x80\"", "\"\xFF\"", "\"\xE4\xB8\""})
    expect_refused(t);
}

TEST(JsonParse, RefusesRawControlCharacters) {
  expect_refused("\"a\nb\"");
  expect_refused("\"a\tb\"");
  expect_refused(std::string_view("\"a\0b\"", 5));
  // DEL is not a control character in JSON.
  EXPECT_EQ(*parse_ok("\"\x7F\"").as_string(), "\x7F");
}

TEST(JsonParse, DepthLimit) {
  const std::string ok_text = std::string(kJsonMaxDepth, '[') + std::string(kJsonMaxDepth, ']');
  EXPECT_TRUE(json_parse(ok_text).ok());
  const std::string deep = std::string(kJsonMaxDepth + 1, '[') + std::string(kJsonMaxDepth + 1, ']');
  auto r = json_parse(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().args.at(1), "nesting too deep");
  std::string deep_obj;
  for (std::size_t i = 0; i <= kJsonMaxDepth; ++i) deep_obj += "{\"a\":";
  deep_obj += "1" + std::string(kJsonMaxDepth + 1, '}');
  expect_refused(deep_obj);
  // A very deep text fails cleanly instead of exhausting the stack.
  expect_refused(std::string(60000, '['));
}

TEST(JsonParse, SizeLimit) {
  const std::string text = "\"" + std::string(100, 'a') + "\"";
  EXPECT_TRUE(json_parse(text, text.size()).ok());
  auto r = json_parse(text, text.size() - 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::bad_argument);
  EXPECT_EQ(r.error().args.at(1), "text too long");
  EXPECT_FALSE(json_parse(std::string(kJsonMaxSize + 1, ' ')).ok());
}

TEST(JsonParse, ErrorCarriesOffset) {
  auto r = json_parse(R"({"a":1,"a":2})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().args.at(0), "json");
  EXPECT_EQ(r.error().args.at(1), "duplicate key");
  EXPECT_EQ(r.error().args.at(2), "7");
}

TEST(JsonSerialize, Scalars) {
  EXPECT_EQ(json_serialize(JsonValue()), "null");
  EXPECT_EQ(json_serialize(true), "true");
  EXPECT_EQ(json_serialize(false), "false");
  EXPECT_EQ(json_serialize(-12), "-12");
  EXPECT_EQ(json_serialize(INT64_MIN), "-9223372036854775808");
  EXPECT_EQ(json_serialize(*JsonValue::number("1.5")), "1.5");
  EXPECT_EQ(json_serialize(*JsonValue::number("1e+300")), "1e+300");
  // Unsigned values above INT64_MAX are kept exactly, as number text.
  EXPECT_EQ(JsonValue(UINT64_MAX).kind(), JsonValue::Kind::number_text);
  EXPECT_EQ(json_serialize(UINT64_MAX), "18446744073709551615");
  EXPECT_EQ(JsonValue(std::uint64_t{INT64_MAX}).as_int(), INT64_MAX);
  EXPECT_EQ(JsonValue(std::uint32_t{7}).as_int(), 7);
}

TEST(JsonSerialize, StringEscaping) {
  EXPECT_EQ(json_serialize("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_serialize("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(json_serialize(std::string("\x01\x1f\0", 3)), R"("\u0001\u001f\u0000")");
  EXPECT_EQ(json_serialize("/"), R"("/")");
  EXPECT_EQ(json_serialize("\xE7\xB0\xA1"), "\"\xE7\xB0\xA1\"");  // UTF-8 kept as is
  EXPECT_EQ(json_serialize("\xE2\x80\xA8\xE2\x80\xA9"), R"("\u2028\u2029")");
  // Invalid UTF-8 becomes U+FFFD, so the output is always valid JSON.
  EXPECT_EQ(json_serialize("a\xFF"
                           "b"),
            "\"a\xEF\xBF\xBD"
            "b\"");
  EXPECT_EQ(json_serialize("\xC3"), "\"\xEF\xBF\xBD\"");
  EXPECT_TRUE(json_parse(json_serialize("\xED\xA0\x80")).ok());
}

TEST(JsonSerialize, QuotedSizeMatchesOutput) {
  for (std::string_view s : {"", "abc", "a\"b", "\x01", "\xE4\xB8\xAD\xFF", "\xE2\x80\xA8x"}) {
    std::string out;
    json_append_quoted(out, s);
    EXPECT_EQ(out.size(), json_quoted_size(s)) << s;
    EXPECT_EQ(out, json_serialize(JsonValue(s)));
  }
}

TEST(JsonSerialize, BuildAndSet) {
  JsonValue body;
  body.set("username", "alice").set("n", 3).set("ok", true);
  body.set("n", 4);  // replaces in place
  JsonValue list;
  list.push_back(1).push_back("two").push_back(JsonValue::object());
  body.set("list", std::move(list));
  EXPECT_EQ(json_serialize(body), R"({"username":"alice","n":4,"ok":true,"list":[1,"two",{}]})");
  EXPECT_EQ(body.get_string("username"), "alice");
  EXPECT_EQ(body.get_int("n"), 4);
  EXPECT_EQ(body.get_bool("ok"), true);
  EXPECT_FALSE(body.get_string("n").has_value());
  EXPECT_FALSE(body.get_int("username").has_value());
  EXPECT_FALSE(body.get_bool("absent").has_value());
}

TEST(JsonRoundTrip, CompactTextIsByteExact) {
  for (const char* t :
       {R"({"a":[1,-2,3.25,"x\n",true,false,null],"b":{"c":"\u0001"}})", R"([])", R"({})", R"(["\u2028","\\","\""])",
        R"([1e+300,0.1,-0.0,5e-324])", R"([1E5,1.50,-0e-0,0.10000000000000000000000000000001,18446744073709551616])"}) {
    EXPECT_EQ(json_serialize(parse_ok(t)), t);
  }
}

TEST(JsonRoundTrip, AgreesWithReferenceParser) {
  // Cross-check against an independent implementation on a varied document.
  const std::string text = R"({"s":"\u4e2d\u6587 \ud83d\ude00 tab\t","i":-123456789012,"d":3.141592653589793,)"
                           R"("a":[[],[{}],{"k":[null,true]}],"e":1.5e-10})";
  const auto ours = parse_ok(text);
  const auto theirs = nlohmann::json::parse(text);
  EXPECT_EQ(nlohmann::json::parse(json_serialize(ours)), theirs);
  EXPECT_EQ(*ours.find("s")->as_string(), theirs["s"].get<std::string>());
  EXPECT_EQ(ours.get_int("i"), theirs["i"].get<std::int64_t>());
  EXPECT_EQ(ours.find("d")->as_number_text(), "3.141592653589793");
  EXPECT_EQ(ours.find("e")->as_number_text(), "1.5e-10");
}

TEST(JsonValue, NumberFromText) {
  // The factory reads a number as the parser does: int64 when it fits.
  EXPECT_EQ(JsonValue::number("42")->as_int(), 42);
  EXPECT_EQ(JsonValue::number("-9223372036854775808")->as_int(), INT64_MIN);
  EXPECT_EQ(JsonValue::number("9223372036854775808")->as_number_text(), "9223372036854775808");
  EXPECT_EQ(JsonValue::number("0.25")->as_number_text(), "0.25");
  EXPECT_EQ(*JsonValue::number("6.02e23"), parse_ok("6.02e23"));
  // Only exactly one JSON number, with nothing around it.
  for (const char* t : {"", " 1.5", "1.5 ", "01", "+1", ".5", "1.", "1e", "1e+", "-", "0x10", "NaN", "Infinity",
                        "1_000", "1.5.5", "\"1\"", "1,5"}) {
    const auto r = JsonValue::number(t);
    EXPECT_FALSE(r.ok()) << "accepted: " << t;
    if (!r.ok()) {
      EXPECT_EQ(r.code(), Errc::bad_argument);
    }
  }
}

TEST(JsonParse, LongNumbersAreKeptWhole) {
  // No digit is dropped however long the text: the API never reads such a
  // number, and a proxy relaying a body must not change it.
  const std::string long_text = "0.1" + std::string(899, '0') + "1";
  EXPECT_EQ(parse_ok(long_text).as_number_text(), long_text);
  const std::string body = "[" + long_text + "]";
  EXPECT_EQ(json_serialize(parse_ok(body)), body);
}

TEST(JsonValue, Equality) {
  EXPECT_EQ(parse_ok(R"({"a":[1,2]})"), parse_ok(R"( { "a" : [ 1 , 2 ] } )"));
  EXPECT_NE(parse_ok(R"({"a":1})"), parse_ok(R"({"a":1.0})"));
  // Number text compares as text: equal values spelled differently differ.
  EXPECT_NE(parse_ok("1.0"), parse_ok("1.00"));
  EXPECT_EQ(parse_ok("1.0"), *JsonValue::number("1.0"));
  // Number text is not a string with the same characters.
  EXPECT_NE(parse_ok("1.5"), JsonValue("1.5"));
  EXPECT_NE(parse_ok(R"({"a":1,"b":2})"), parse_ok(R"({"b":2,"a":1})"));  // order matters
}

TEST(JsonValue, WipeLeavesNothingReadable) {
  // The zeroing itself is sodium_memzero (tested in secure_test); here: every
  // string at any depth is gone and the value is null afterwards.
  auto v = parse_ok(R"({"password":"hunter2-secret","nested":[{"code":"A3D7KP"}]})");
  auto& nested = *v.find("nested");
  nested.wipe();
  EXPECT_TRUE(nested.is_null());
  EXPECT_EQ(json_serialize(v), R"({"password":"hunter2-secret","nested":null})");
  v.wipe();
  EXPECT_TRUE(v.is_null());
  EXPECT_EQ(json_serialize(v), "null");
}

}  // namespace
}  // namespace sls
