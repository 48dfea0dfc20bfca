#include "sls/json.hpp"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "sls/secure.hpp"

namespace sls {

// ---------------------------------------------------------------------------
// UTF-8

namespace {

constexpr char32_t kReplacementChar = 0xFFFD;

/// Decodes one UTF-8 sequence at s[i], advancing i past it. Returns the code
/// point, or nullopt for an invalid sequence (then i advances by one byte).
/// Strict: refuses overlong forms, surrogates and values above U+10FFFF.
std::optional<char32_t> decode_utf8(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) { ++i; return b0; }
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1Fu; min = 0x80; }
  else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0Fu; min = 0x800; }
  else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07u; min = 0x10000; }
  else { ++i; return std::nullopt; }
  if (s.size() - i < len) { ++i; return std::nullopt; }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) { ++i; return std::nullopt; }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) { ++i; return std::nullopt; }
  i += len;
  return cp;
}

template <class Sink>
void put_utf8(Sink& out, char32_t cp) {
  if (cp < 0x80) {
    out.put(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.put(static_cast<char>(0xC0 | (cp >> 6)));
    out.put(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.put(static_cast<char>(0xE0 | (cp >> 12)));
    out.put(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.put(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.put(static_cast<char>(0xF0 | (cp >> 18)));
    out.put(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.put(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.put(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

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
  static constexpr char kHex[] = "0123456789abcdef";
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
        default:
          out.put("\\u00");
          out.put(kHex[b >> 4]);
          out.put(kHex[b & 0xF]);
      }
      continue;
    }
    const std::size_t start = i;
    const auto cp = decode_utf8(s, i);
    if (!cp) {
      put_utf8(out, kReplacementChar);
    } else if (*cp == 0x2028) {
      out.put("\\u2028");
    } else if (*cp == 0x2029) {
      out.put("\\u2029");
    } else {
      out.put(s.substr(start, i - start));
    }
  }
  out.put('"');
}

/// Shortest decimal text that reads back as `d`, always with a fraction or
/// an exponent so that it reads back as a real, not an integer.
std::string format_double(double d) {
  char buf[64];
#if defined(__cpp_lib_to_chars)
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, r.ptr);
#else
  // libc++ 14 (Emscripten 3.1.6) has no floating-point to_chars: take the
  // fewest significant digits (at most 17, always enough) that read back
  // exactly. The WebAssembly runtime only has the C locale, so '.' is safe.
  std::string s;
  for (int precision = 1; precision <= 17; ++precision) {
    const int n = std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    s.assign(buf, static_cast<std::size_t>(n));
    if (std::strtod(s.c_str(), nullptr) == d) break;
  }
#endif
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
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
    case JsonValue::Kind::real: out.put(format_double(*v.as_double())); return;
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

void wipe_capacity(std::string& s) noexcept {
  s.resize(s.capacity());
  wipe(s.data(), s.size());
  s.clear();
}

}  // namespace

// ---------------------------------------------------------------------------
// JsonValue

JsonValue::JsonValue(double d) noexcept {
  if (std::isfinite(d)) v_ = d;
}

std::optional<bool> JsonValue::as_bool() const noexcept {
  if (const auto* b = std::get_if<bool>(&v_)) return *b;
  return std::nullopt;
}

std::optional<std::int64_t> JsonValue::as_int() const noexcept {
  if (const auto* i = std::get_if<std::int64_t>(&v_)) return *i;
  return std::nullopt;
}

std::optional<double> JsonValue::as_double() const noexcept {
  if (const auto* d = std::get_if<double>(&v_)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v_)) return static_cast<double>(*i);
  return std::nullopt;
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

void JsonValue::wipe() noexcept {
  if (auto* s = std::get_if<std::string>(&v_)) {
    wipe_capacity(*s);
  } else if (auto* arr = as_array()) {
    for (auto& e : *arr) e.wipe();
  } else if (auto* obj = as_object()) {
    for (auto& m : *obj) {
      wipe_capacity(m.key);
      m.value.wipe();
    }
  }
  v_ = std::monostate{};
}

bool operator==(const JsonValue& a, const JsonValue& b) noexcept { return a.v_ == b.v_; }

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
    if (!at_end() && peek() == ']') { ++pos_; return JsonValue(std::move(arr)); }
    for (;;) {
      skip_ws();
      auto v = parse_value(depth);
      if (!v) return v;
      arr.push_back(std::move(*v));
      skip_ws();
      if (at_end()) return error("unterminated array");
      if (peek() == ',') { ++pos_; continue; }
      if (peek() == ']') { ++pos_; return JsonValue(std::move(arr)); }
      return error("expected ',' or ']'");
    }
  }

  Result<JsonValue> parse_object(std::size_t depth) {
    if (depth > kJsonMaxDepth) return error("nesting too deep");
    ++pos_;  // '{'
    JsonValue obj = JsonValue::object();
    auto& members = *obj.as_object();
    skip_ws();
    if (!at_end() && peek() == '}') { ++pos_; return obj; }
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
      if (peek() == ',') { ++pos_; continue; }
      if (peek() == '}') { ++pos_; return obj; }
      return error("expected ',' or '}'");
    }
  }

  std::optional<unsigned> hex4() noexcept {
    if (s_.size() - pos_ < 4) return std::nullopt;
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[pos_ + static_cast<std::size_t>(k)];
      unsigned d = 0;
      if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
      else return std::nullopt;
      v = (v << 4) | d;
    }
    pos_ += 4;
    return v;
  }

  Result<std::string> parse_string() {
    ++pos_;  // opening quote
    // The decoded string is never longer than its escaped form: reserving
    // that length up front means the buffer is never reallocated, so a
    // parsed secret leaves no stray copy in freed memory (JsonValue::wipe
    // then clears the only one).
    std::size_t end = pos_;
    while (end < s_.size() && s_[end] != '"') end += (s_[end] == '\\') ? 2 : 1;
    std::string out;
    out.reserve(std::min(end, s_.size()) - pos_);
    StringSink sink{out};
    for (;;) {
      if (at_end()) return error("unterminated string");
      const auto c = static_cast<unsigned char>(peek());
      if (c == '"') { ++pos_; return out; }
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
            if (cp >= 0xDC00 && cp <= 0xDFFF) { pos_ = esc_pos; return error("lone low surrogate"); }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              if (s_.substr(pos_, 2) != "\\u") { pos_ = esc_pos; return error("lone high surrogate"); }
              pos_ += 2;
              auto lo = hex4();
              if (!lo) return error("invalid \\u escape");
              if (*lo < 0xDC00 || *lo > 0xDFFF) { pos_ = esc_pos; return error("lone high surrogate"); }
              cp = 0x10000 + ((cp - 0xD800) << 10) + (*lo - 0xDC00);
            }
            put_utf8(sink, cp);
            break;
          }
          default:
            pos_ -= 2;
            return error("invalid escape");
        }
        continue;
      }
      if (c < 0x80) { out.push_back(static_cast<char>(c)); ++pos_; continue; }
      const std::size_t start = pos_;
      if (!decode_utf8(s_, pos_)) { pos_ = start; return error("invalid UTF-8"); }
      out.append(s_.substr(start, pos_ - start));
    }
  }

  static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

  Result<JsonValue> parse_number() {
    const std::size_t start = pos_;
    bool negative = false;
    if (peek() == '-') { negative = true; ++pos_; }
    if (at_end() || !is_digit(peek())) return error("invalid number");
    const std::size_t int_start = pos_;
    if (peek() == '0') {
      ++pos_;
      if (!at_end() && is_digit(peek())) return error("leading zero in number");
    } else {
      while (!at_end() && is_digit(peek())) ++pos_;
    }
    const std::size_t int_end = pos_;
    bool integral = true;
    std::size_t frac_start = pos_, frac_end = pos_;
    if (!at_end() && peek() == '.') {
      integral = false;
      ++pos_;
      frac_start = pos_;
      if (at_end() || !is_digit(peek())) return error("invalid number");
      while (!at_end() && is_digit(peek())) ++pos_;
      frac_end = pos_;
    }
    long long exponent = 0;
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      integral = false;
      ++pos_;
      bool exp_negative = false;
      if (!at_end() && (peek() == '+' || peek() == '-')) { exp_negative = peek() == '-'; ++pos_; }
      if (at_end() || !is_digit(peek())) return error("invalid number");
      while (!at_end() && is_digit(peek())) {
        if (exponent < 1'000'000) exponent = exponent * 10 + (peek() - '0');  // saturates
        ++pos_;
      }
      if (exp_negative) exponent = -exponent;
    }
    const std::string_view text = s_.substr(start, pos_ - start);

    if (integral) {
      std::int64_t i = 0;
      const auto r = std::from_chars(text.data(), text.data() + text.size(), i);
      if (r.ec == std::errc{} && r.ptr == text.data() + text.size()) return JsonValue(i);
      // Too large for int64: falls through to a double.
    }

    double d = 0;
    bool out_of_range = false;
#if defined(__cpp_lib_to_chars)
    const auto r = std::from_chars(text.data(), text.data() + text.size(), d);
    if (r.ec == std::errc::result_out_of_range) out_of_range = true;
    else if (r.ec != std::errc{} || r.ptr != text.data() + text.size()) return error("invalid number");
#else
    // libc++ before 20 has no floating-point from_chars. strtod reads the
    // C locale's '.' here: the WebAssembly runtime has no other locale.
    const std::string copy(text);
    char* endp = nullptr;
    errno = 0;
    d = std::strtod(copy.c_str(), &endp);
    if (endp != copy.c_str() + copy.size()) return error("invalid number");
    if (errno == ERANGE) out_of_range = !(std::isfinite(d));
#endif
    if (out_of_range) {
      // Overflow is refused; underflow reads as zero. The decimal magnitude
      // of the first non-zero digit tells them apart.
      long long magnitude = 0;
      std::size_t k = int_start;
      while (k < int_end && s_[k] == '0') ++k;
      if (k < int_end) {
        magnitude = static_cast<long long>(int_end - k) + exponent;
      } else {
        std::size_t z = frac_start;
        while (z < frac_end && s_[z] == '0') ++z;
        magnitude = -static_cast<long long>(z - frac_start) + exponent;
      }
      if (magnitude > 0) { pos_ = start; return error("number out of range"); }
      d = negative ? -0.0 : 0.0;
    }
    if (!std::isfinite(d)) { pos_ = start; return error("number out of range"); }
    JsonValue v(d);
    return v;
  }
};

}  // namespace

Result<JsonValue> json_parse(std::string_view text, std::size_t max_size) {
  if (text.size() > max_size)
    return fail(Errc::bad_argument, {"json", "text too long", std::to_string(max_size)});
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
