// A minimal, strict JSON value, parser and serialiser (RFC 8259).
//
// Used by the login flow for server replies and request bodies, and by the
// reference server for HTTP bodies. Small on purpose: one value type, one
// parser, one serialiser.
//
// Strictness (what the parser refuses, each as Errc::bad_argument):
//  - anything that is not exactly one JSON value surrounded by optional
//    whitespace (space, tab, LF, CR); a byte order mark; comments; trailing
//    commas; single quotes; NaN/Infinity; leading zeros; "+1"; ".5"; "1.";
//  - invalid UTF-8 anywhere in a string (overlong forms, UTF-8-encoded
//    surrogates, code points above U+10FFFF), raw control characters
//    U+0000..U+001F inside a string, unknown escapes, lone or reversed UTF-16
//    surrogates in \u escapes;
//  - duplicate keys in one object (a duplicate would let two readers of the
//    same body disagree on its meaning);
//  - nesting deeper than kJsonMaxDepth, text longer than the size limit.
//
// Numbers: a number without fraction or exponent that fits std::int64_t is an
// integer. Every other number ("1.5", "1e3", "9223372036854775808") is kept as
// its source text, checked against the JSON number grammar and never
// converted: the API has no number that is not an integer, so a reader that
// wants one refuses the kind, and the serialiser writes the text back
// byte for byte. No floating-point conversion is compiled in (strtod/printf
// would add locale tables and printf to the WebAssembly module).
//
// Key order: objects keep their members in INSERTION order (the order of the
// text for parsed objects, the order of set() calls for built ones). The
// serialiser writes them in that order, so the output is deterministic for a
// given construction and a parse/serialise round trip is byte-exact for
// compact input.
#pragma once

#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "sls/result.hpp"

namespace sls {

/// Deepest nesting of arrays and objects the parser accepts ("[[1]]" has
/// depth 2). Bounds the parser's recursion and so its stack use.
inline constexpr std::size_t kJsonMaxDepth = 32;
/// Default limit on the length of a text given to json_parse, in bytes.
/// The HTTP API caps bodies at 16 KiB; this leaves room and still bounds work.
inline constexpr std::size_t kJsonMaxSize = 64 * 1024;

class JsonValue;

/// One member of a JSON object.
struct JsonMember;

/// A JSON value: null, boolean, integer (int64), number text (any other
/// number, as its validated source text), string (UTF-8), array or object
/// (insertion-ordered members).
/// Copyable and movable; holds no references to the text it was parsed from.
class JsonValue {
 public:
  enum class Kind : std::uint8_t { null, boolean, integer, number_text, string, array, object };
  using Array = std::vector<JsonValue>;
  using Object = std::vector<JsonMember>;

  /// null.
  JsonValue() noexcept;
  JsonValue(std::nullptr_t) noexcept;  // NOLINT: implicit by design
  JsonValue(bool b) noexcept;          // NOLINT: implicit by design
  /// Any integer type except bool; unsigned values above INT64_MAX are kept
  /// exactly, as number text.
  template <std::integral I>
  requires(!std::same_as<I, bool>) JsonValue(I i);  // NOLINT: implicit by design
  /// No floating-point values: without this, a double would silently
  /// convert to bool. Build a non-integer with JsonValue::number.
  JsonValue(float) = delete;
  JsonValue(double) = delete;
  JsonValue(long double) = delete;
  JsonValue(std::string s) noexcept;  // NOLINT: implicit by design
  JsonValue(std::string_view s);      // NOLINT: implicit by design
  JsonValue(const char* s);           // NOLINT: implicit by design
  JsonValue(Array a) noexcept;        // NOLINT: implicit by design

  /// An empty array / an empty object.
  static JsonValue array();
  static JsonValue object();
  /// The number spelled by `text`, which must be exactly one JSON number
  /// (RFC 8259 grammar, no whitespace): an integer when it has no fraction
  /// or exponent and fits int64 (as json_parse reads it), number text
  /// otherwise. Errc::bad_argument, args {"json", "invalid number", "0"},
  /// for any other text.
  static Result<JsonValue> number(std::string_view text);

  Kind kind() const noexcept { return static_cast<Kind>(v_.index()); }
  bool is_null() const noexcept { return kind() == Kind::null; }
  bool is_bool() const noexcept { return kind() == Kind::boolean; }
  bool is_integer() const noexcept { return kind() == Kind::integer; }
  /// True for integers and number text.
  bool is_number() const noexcept { return kind() == Kind::integer || kind() == Kind::number_text; }
  bool is_string() const noexcept { return kind() == Kind::string; }
  bool is_array() const noexcept { return kind() == Kind::array; }
  bool is_object() const noexcept { return kind() == Kind::object; }

  /// Typed access: the value if it has that kind, otherwise nullopt/nullptr.
  /// No conversions between kinds.
  std::optional<bool> as_bool() const noexcept;
  std::optional<std::int64_t> as_int() const noexcept;
  /// The source text of a number_text value ("1.5", "1e3"); nullopt for
  /// every other kind, integers included.
  std::optional<std::string_view> as_number_text() const noexcept;
  const std::string* as_string() const noexcept { return std::get_if<std::string>(&v_); }
  const Array* as_array() const noexcept { return std::get_if<Array>(&v_); }
  Array* as_array() noexcept { return std::get_if<Array>(&v_); }
  const Object* as_object() const noexcept { return std::get_if<Object>(&v_); }
  Object* as_object() noexcept { return std::get_if<Object>(&v_); }

  /// The member named `key` of an object; nullptr if this is not an object
  /// or has no such member.
  const JsonValue* find(std::string_view key) const noexcept;
  JsonValue* find(std::string_view key) noexcept;

  /// Shorthands for reading replies: the member `key` if this is an object
  /// and the member exists with that kind, otherwise nullopt.
  std::optional<std::string_view> get_string(std::string_view key) const noexcept;
  std::optional<std::int64_t> get_int(std::string_view key) const noexcept;
  std::optional<bool> get_bool(std::string_view key) const noexcept;

  /// Sets member `key` of an object: replaces the value in place if the key
  /// exists (keeping its position), otherwise appends. A null value becomes
  /// an empty object first; any other non-object kind is a programming error
  /// (asserted; in release builds the call does nothing). Returns *this so
  /// that calls chain.
  JsonValue& set(std::string_view key, JsonValue value);

  /// Appends to an array. A null value becomes an empty array first; any
  /// other non-array kind is a programming error (asserted; ignored in
  /// release builds). Returns *this.
  JsonValue& push_back(JsonValue value);

  /// Overwrites every string (values and keys) held by this value, at any
  /// depth, with zeros (sodium_memzero), then becomes null. For bodies that
  /// carried a password or a code.
  void wipe() noexcept;  // NOLINT(bugprone-exception-escape): see json.cpp

  /// Structural equality; number text compares as text ("1.0" != "1.00").
  friend bool operator==(const JsonValue& a, const JsonValue& b);

 private:
  /// A number that is not an int64, as its validated source text (a type of
  /// its own so that it is not mistaken for a string).
  struct NumberText {
    std::string text;
    friend bool operator==(const NumberText&, const NumberText&) = default;
  };

  std::variant<std::monostate, bool, std::int64_t, NumberText, std::string, Array, Object> v_;
};

struct JsonMember {
  std::string key;
  JsonValue value;

  friend bool operator==(const JsonMember&, const JsonMember&) = default;
};

// Defined here, where JsonMember is complete.
inline JsonValue::JsonValue() noexcept = default;
inline JsonValue::JsonValue(std::nullptr_t) noexcept {}
inline JsonValue::JsonValue(bool b) noexcept : v_(b) {}
template <std::integral I>
requires(!std::same_as<I, bool>) inline JsonValue::JsonValue(I i) {
  if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(std::int64_t)) {
    if (i > static_cast<I>(INT64_MAX)) {
      char digits[24];
      const auto end = std::to_chars(digits, digits + sizeof digits, i).ptr;
      v_ = NumberText{std::string(digits, end)};
      return;
    }
  }
  v_ = static_cast<std::int64_t>(i);
}
inline JsonValue::JsonValue(std::string s) noexcept : v_(std::move(s)) {}
inline JsonValue::JsonValue(std::string_view s) : v_(std::string(s)) {}
inline JsonValue::JsonValue(const char* s) : v_(std::string(s)) {}
inline JsonValue::JsonValue(Array a) noexcept : v_(std::move(a)) {}
inline JsonValue JsonValue::array() { return JsonValue(Array{}); }
inline JsonValue JsonValue::object() {
  JsonValue v;
  v.v_ = Object{};
  return v;
}

/// Parses exactly one JSON value from `text` (see the strictness rules at the
/// top of this file). Fails with Errc::bad_argument; the error's args are
/// {"json", reason, byte offset} (a developer aid: the user-facing message of
/// bad_argument takes no placeholder). Texts longer than `max_size` bytes are
/// refused before any parsing. Never reads past `text`.
Result<JsonValue> json_parse(std::string_view text, std::size_t max_size = kJsonMaxSize);

/// Serialises compactly (no whitespace), members in insertion order.
/// Strings are written as UTF-8 with only '"', '\\' and U+0000..U+001F
/// escaped (as \" \\ \b \f \n \r \t or \u00XX), plus U+2028 and U+2029 (as
/// \u2028 \u2029, so the output is also a valid JavaScript literal). Bytes
/// that are not valid UTF-8 are written as U+FFFD, so the output is always
/// valid JSON. Number text is written exactly as it was read or built.
/// Never fails.
std::string json_serialize(const JsonValue& value);

/// Appends `s` as a quoted JSON string to `out`, with the escaping rules of
/// json_serialize. Lets a caller build a body around a secret in a buffer it
/// reserved (with json_quoted_size) and wipes itself, so that no reallocation
/// leaves an unwiped copy behind.
void json_append_quoted(std::string& out, std::string_view s);
/// The exact number of bytes json_append_quoted appends for `s`.
std::size_t json_quoted_size(std::string_view s) noexcept;

}  // namespace sls
