// The JSON codec of sls/json.hpp: the value type, the strict parser and the compact serialiser.
#include "sls/json.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>

#include "sls/secure.hpp"
#include "sls/utf8.hpp"

namespace sls {

// ---------------------------------------------------------------------------
// Serialiser

namespace {

/// U+FFFD, written in place of bytes that are not valid UTF-8.
constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

/// Output sinks: the serialiser runs once with a counter and once with the
/// real buffer, so the output is allocated once at its exact size (no
/// reallocation leaves a copy of a serialised secret in freed memory).
struct CountSink {
  std::size_t n = 0;
  void put(char) noexcept { ++n; }
  void put(std::string_view s) noexcept { n += s.size(); }
};
struct StringSink {
  std::string& out;
  void put(char c) { out.push_back(c); }
  void put(std::string_view s) { out.append(s); }
};

template <class Sink>
void write_quoted(Sink& out, std::string_view s) {
  out.put('"');
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0x20 && b < 0x80 && b != '"' && b != '\\') {
      // Fast path for plain ASCII runs.
      std::size_t j = i + 1;
      while (j < s.size()) {
        const auto c = static_cast<unsigned char>(s[j]);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
        ++j;
      }
      out.put(s.substr(i, j - i));
      i = j;
      continue;
    }
    if (b < 0x80) {
      ++i;
      switch (b) {
        case '"': out.put("\\\""); break;
        case '\\': out.put("\\\\"); break;
        case '\b': out.put("\\b"); break;
        case '\f': out.put("\\f"); break;
        case '\n': out.put("\\n"); break;
        case '\r': out.put("\\r"); break;
        case '\t': out.put("\\t"); break;
        default: out.put("\\u00"); out.put(to_hex(std::span(&b, 1)));
      }
      continue;
    }
    const Utf8Char c = decode_utf8(s, i);
    if (!c.ok()) {
      out.put(kReplacementChar);
      ++i;
      continue;
    }
    if (c.code_point == 0x2028)
      out.put("\\u2028");
    else if (c.code_point == 0x2029)
      out.put("\\u2029");
    else
      out.put(s.substr(i, c.length));
    i += c.length;
  }
  out.put('"');
}

// ---------------------------------------------------------------------------
// Numbers

/// Where a JSON number (RFC 8259: -? (0 | [1-9][0-9]*) (. [0-9]+)?
/// ([eE] [+-]? [0-9]+)?) starting at s[at] ends, and whether it is integral
/// (no fraction, no exponent). On a malformed number, `reason` says why and
/// `end` is the offset of the offending byte.
struct NumberScan {
  std::size_t end = 0;
  bool integral = true;
  std::string_view reason;  // empty when the number is well formed
};

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

NumberScan scan_number(std::string_view s, std::size_t at) noexcept {
  NumberScan r{at, true, {}};
  std::size_t& i = r.end;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return i > from;
  };
  const auto malformed = [&](std::string_view why) {
    r.reason = why;
    return r;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
    if (i < s.size() && is_digit(s[i])) return malformed("leading zero in number");
  } else if (!digits()) {
    return malformed("invalid number");
  }
  if (i < s.size() && s[i] == '.') {
    r.integral = false;
    ++i;
    if (!digits()) return malformed("invalid number");
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    r.integral = false;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return malformed("invalid number");
  }
  return r;
}

template <class Sink>
void write_value(Sink& out, const JsonValue& v) {
  switch (v.kind()) {
    case JsonValue::Kind::null: out.put("null"); return;
    case JsonValue::Kind::boolean: out.put(*v.as_bool() ? "true" : "false"); return;
    case JsonValue::Kind::integer: {
      char buf[24];
      const auto r = std::to_chars(buf, buf + sizeof buf, *v.as_int());
      out.put(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
      return;
    }
    case JsonValue::Kind::number_text: out.put(*v.as_number_text()); return;
    case JsonValue::Kind::string: write_quoted(out, *v.as_string()); return;
    case JsonValue::Kind::array: {
      out.put('[');
      bool first = true;
      for (const auto& e : *v.as_array()) {
        if (!first) out.put(',');
        first = false;
        write_value(out, e);
      }
      out.put(']');
      return;
    }
    case JsonValue::Kind::object: {
      out.put('{');
      bool first = true;
      for (const auto& m : *v.as_object()) {
        if (!first) out.put(',');
        first = false;
        write_quoted(out, m.key);
        out.put(':');
        write_value(out, m.value);
      }
      out.put('}');
      return;
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// JsonValue

std::optional<bool> JsonValue::as_bool() const noexcept {
  if (const auto* b = std::get_if<bool>(&v_)) return *b;
  return std::nullopt;
}

std::optional<std::int64_t> JsonValue::as_int() const noexcept {
  if (const auto* i = std::get_if<std::int64_t>(&v_)) return *i;
  return std::nullopt;
}

std::optional<std::string_view> JsonValue::as_number_text() const noexcept {
  if (const auto* n = std::get_if<NumberText>(&v_)) return std::string_view(n->text);
  return std::nullopt;
}

Result<JsonValue> JsonValue::number(std::string_view text) {
  const NumberScan scan = scan_number(text, 0);
  if (!scan.reason.empty() || scan.end != text.size()) return fail(Errc::bad_argument, {"json", "invalid number", "0"});
  if (scan.integral) {
    std::int64_t i = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), i);
    if (r.ec == std::errc{} && r.ptr == text.data() + text.size()) return JsonValue(i);
    // Beyond int64: kept as text like any other number.
  }
  JsonValue v;
  v.v_ = NumberText{std::string(text)};
  return v;
}

const JsonValue* JsonValue::find(std::string_view key) const noexcept {
  const auto* obj = as_object();
  if (!obj) return nullptr;
  for (const auto& m : *obj)
    if (m.key == key) return &m.value;
  return nullptr;
}

JsonValue* JsonValue::find(std::string_view key) noexcept {
  return const_cast<JsonValue*>(std::as_const(*this).find(key));
}

std::optional<std::string_view> JsonValue::get_string(std::string_view key) const noexcept {
  const auto* v = find(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string_view(*v->as_string());
}

std::optional<std::int64_t> JsonValue::get_int(std::string_view key) const noexcept {
  const auto* v = find(key);
  return v ? v->as_int() : std::nullopt;
}

std::optional<bool> JsonValue::get_bool(std::string_view key) const noexcept {
  const auto* v = find(key);
  return v ? v->as_bool() : std::nullopt;
}

JsonValue& JsonValue::set(std::string_view key, JsonValue value) {
  if (is_null()) v_ = Object{};
  auto* obj = as_object();
  assert(obj && "JsonValue::set on a value that is not an object");
  if (!obj) return *this;
  for (auto& m : *obj) {
    if (m.key == key) {
      m.value = std::move(value);
      return *this;
    }
  }
  obj->push_back(JsonMember{std::string(key), std::move(value)});
  return *this;
}

JsonValue& JsonValue::push_back(JsonValue value) {
  if (is_null()) v_ = Array{};
  auto* arr = as_array();
  assert(arr && "JsonValue::push_back on a value that is not an array");
  if (!arr) return *this;
  arr->push_back(std::move(value));
  return *this;
}

// Every call below is noexcept; clang-tidy 14 cannot follow std::variant here.
void JsonValue::wipe() noexcept {  // NOLINT(bugprone-exception-escape)
  if (auto* s = std::get_if<std::string>(&v_)) {
    sls::wipe(*s);
  } else if (auto* n = std::get_if<NumberText>(&v_)) {
    sls::wipe(n->text);
  } else if (auto* arr = as_array()) {
    for (auto& e : *arr) e.wipe();
  } else if (auto* obj = as_object()) {
    for (auto& m : *obj) {
      sls::wipe(m.key);
      m.value.wipe();
    }
  }
  v_ = std::monostate{};
}

bool operator==(const JsonValue& a, const JsonValue& b) { return a.v_ == b.v_; }

// ---------------------------------------------------------------------------
// Parser

namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<JsonValue> parse_document() {
    skip_ws();
    auto v = parse_value(0);
    if (!v) return v;
    skip_ws();
    if (pos_ != s_.size()) return error("unexpected text after the value");
    return v;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;

  Error error(std::string_view reason) const {
    return fail(Errc::bad_argument, {"json", reason, std::to_string(pos_)});
  }

  bool at_end() const noexcept { return pos_ >= s_.size(); }
  char peek() const noexcept { return s_[pos_]; }

  void skip_ws() noexcept {
    while (!at_end()) {
      const char c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool consume_literal(std::string_view lit) noexcept {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }

  Result<JsonValue> parse_value(std::size_t depth) {
    if (at_end()) return error("unexpected end of text");
    switch (peek()) {
      case '{': return parse_object(depth + 1);
      case '[': return parse_array(depth + 1);
      case '"': {
        auto s = parse_string();
        if (!s) return s.error();
        return JsonValue(std::move(*s));
      }
      case 't':
        if (consume_literal("true")) return JsonValue(true);
        return error("invalid literal");
      case 'f':
        if (consume_literal("false")) return JsonValue(false);
        return error("invalid literal");
      case 'n':
        if (consume_literal("null")) return JsonValue(nullptr);
        return error("invalid literal");
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number();
        return error("unexpected character");
    }
  }

  Result<JsonValue> parse_array(std::size_t depth) {
    if (depth > kJsonMaxDepth) return error("nesting too deep");
    ++pos_;  // '['
    JsonValue::Array arr;
    skip_ws();
    if (!at_end() && peek() == ']') {
      ++pos_;
      return JsonValue(std::move(arr));
    }
    for (;;) {
      skip_ws();
      auto v = parse_value(depth);
      if (!v) return v;
      arr.push_back(std::move(*v));
      skip_ws();
      if (at_end()) return error("unterminated array");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return JsonValue(std::move(arr));
      }
      return error("expected ',' or ']'");
    }
  }

  Result<JsonValue> parse_object(std::size_t depth) {
    if (depth > kJsonMaxDepth) return error("nesting too deep");
    ++pos_;  // '{'
    JsonValue obj = JsonValue::object();
    auto& members = *obj.as_object();
    skip_ws();
    if (!at_end() && peek() == '}') {
      ++pos_;
      return obj;
    }
    for (;;) {
      skip_ws();
      if (at_end() || peek() != '"') return error("expected a string key");
      const std::size_t key_pos = pos_;
      auto key = parse_string();
      if (!key) return key.error();
      for (const auto& m : members) {
        if (m.key == *key) {
          pos_ = key_pos;
          return error("duplicate key");
        }
      }
      skip_ws();
      if (at_end() || peek() != ':') return error("expected ':'");
      ++pos_;
      skip_ws();
      auto v = parse_value(depth);
      if (!v) return v;
      members.push_back(JsonMember{std::move(*key), std::move(*v)});
      skip_ws();
      if (at_end()) return error("unterminated object");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return obj;
      }
      return error("expected ',' or '}'");
    }
  }

  /// The four hexadecimal digits of a \u escape at pos_, as a UTF-16 unit.
  std::optional<char32_t> hex4() {
    std::vector<std::uint8_t> unit;
    if (s_.size() - pos_ < 4 || !from_hex(s_.substr(pos_, 4), unit)) return std::nullopt;
    pos_ += 4;
    return static_cast<char32_t>(unit[0] << 8 | unit[1]);
  }

  Result<std::string> parse_string() {
    ++pos_;  // opening quote
    // The decoded string is never longer than its escaped form: reserving
    // that length up front means the buffer is never reallocated, so a
    // parsed secret leaves no stray copy in freed memory (JsonValue::wipe
    // then clears the only one).
    std::size_t end = pos_;
    while (end < s_.size() && s_[end] != '"') end += (s_[end] == '\\') ? std::size_t{2} : std::size_t{1};
    std::string out;
    out.reserve(std::min(end, s_.size()) - pos_);
    for (;;) {
      if (at_end()) return error("unterminated string");
      const auto c = static_cast<unsigned char>(peek());
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) return error("control character in string");
      if (c == '\\') {
        ++pos_;
        if (at_end()) return error("unterminated string");
        const char e = peek();
        ++pos_;
        switch (e) {
          case '"': out.push_back('"'); break;
          case '\\': out.push_back('\\'); break;
          case '/': out.push_back('/'); break;
          case 'b': out.push_back('\b'); break;
          case 'f': out.push_back('\f'); break;
          case 'n': out.push_back('\n'); break;
          case 'r': out.push_back('\r'); break;
          case 't': out.push_back('\t'); break;
          case 'u': {
            const std::size_t esc_pos = pos_ - 2;
            auto hi = hex4();
            if (!hi) return error("invalid \\u escape");
            char32_t cp = *hi;
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
              pos_ = esc_pos;
              return error("lone low surrogate");
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              if (s_.substr(pos_, 2) != "\\u") {
                pos_ = esc_pos;
                return error("lone high surrogate");
              }
              pos_ += 2;
              auto lo = hex4();
              if (!lo) return error("invalid \\u escape");
              if (*lo < 0xDC00 || *lo > 0xDFFF) {
                pos_ = esc_pos;
                return error("lone high surrogate");
              }
              cp = 0x10000 + ((cp - 0xD800) << 10) + (*lo - 0xDC00);
            }
            char encoded[kUtf8MaxBytes];
            out.append(encoded, encode_utf8(cp, encoded));  // cp is a scalar value: 1..4 bytes
            break;
          }
          default: pos_ -= 2; return error("invalid escape");
        }
        continue;
      }
      if (c < 0x80) {
        out.push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      const Utf8Char decoded = decode_utf8(s_, pos_);
      if (!decoded.ok()) return error("invalid UTF-8");
      out.append(s_.substr(pos_, decoded.length));
      pos_ += decoded.length;
    }
  }

  Result<JsonValue> parse_number() {
    const std::size_t start = pos_;
    const NumberScan scan = scan_number(s_, start);
    pos_ = scan.end;
    if (!scan.reason.empty()) return error(scan.reason);
    // An int64, or number text for a fraction, an exponent or a value beyond
    // int64 (JsonValue::number checks the grammar again: it cannot fail here).
    return JsonValue::number(s_.substr(start, scan.end - start));
  }
};

}  // namespace

Result<JsonValue> json_parse(std::string_view text, std::size_t max_size) {
  if (text.size() > max_size) return fail(Errc::bad_argument, {"json", "text too long", std::to_string(max_size)});
  return Parser(text).parse_document();
}

std::string json_serialize(const JsonValue& value) {
  CountSink counter;
  write_value(counter, value);
  std::string out;
  out.reserve(counter.n);
  StringSink sink{out};
  write_value(sink, value);
  return out;
}

void json_append_quoted(std::string& out, std::string_view s) {
  StringSink sink{out};
  write_quoted(sink, s);
}

std::size_t json_quoted_size(std::string_view s) noexcept {
  CountSink counter;
  write_quoted(counter, s);
  return counter.n;
}

}  // namespace sls
