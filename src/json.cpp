#include "sls/json.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>
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

// ---------------------------------------------------------------------------
// Numbers: exact conversion between decimal text and double
//
// Written here instead of taken from the C library: the libc++ that
// Emscripten 3.1.6 ships (13) has no floating-point to_chars/from_chars, and
// strtod + snprintf("%g") pull printf, long-double soft-float and locale
// tables into the WebAssembly module (about 12 KB gzipped, a tenth of the
// component's download budget). Doubles are rare in the bodies this codec
// handles, so both directions go through a small big-integer type and favour
// code that is short and exact over speed: parsing rounds correctly (to
// nearest, ties to even), printing finds the shortest digits that read back
// to the same double. The same code runs natively and in the browser, so
// both print every double identically.

/// Significant decimal digits kept when parsing; any further digits only
/// matter as "some non-zero digit follows" (one sticky digit). Exact: a
/// double or a midpoint between two doubles has at most 767 significant
/// digits, so no rounding boundary lies strictly between the kept prefix
/// and the full value.
constexpr std::size_t kMaxSignificantDigits = 800;

/// An unsigned integer of any size, only with the operations the
/// conversions need. Base-2^32 limbs, least significant first, never a high
/// zero limb (zero is no limbs).
class BigUint {
 public:
  explicit BigUint(std::uint64_t v = 0) {
    for (; v != 0; v >>= 32) limbs_.push_back(static_cast<std::uint32_t>(v));
  }

  bool is_zero() const noexcept { return limbs_.empty(); }

  unsigned bit_length() const noexcept {
    if (limbs_.empty()) return 0;
    return static_cast<unsigned>(32 * (limbs_.size() - 1)) +
           static_cast<unsigned>(std::bit_width(limbs_.back()));
  }

  /// *this = *this * factor + addend (factor > 0).
  void mul_add(std::uint32_t factor, std::uint32_t addend) {
    std::uint64_t carry = addend;
    for (auto& limb : limbs_) {
      carry += std::uint64_t{limb} * factor;
      limb = static_cast<std::uint32_t>(carry);
      carry >>= 32;
    }
    if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
  }

  /// *this *= base^exponent (base 2..16), in the fewest 32-bit steps.
  void mul_pow(std::uint32_t base, std::uint64_t exponent) {
    while (exponent > 0) {
      std::uint32_t factor = 1;
      for (; exponent > 0 && factor <= UINT32_MAX / base; --exponent) factor *= base;
      mul_add(factor, 0);
    }
  }

  /// *this -= other; requires *this >= other.
  void subtract(const BigUint& other) noexcept {
    std::uint64_t borrow = 0;
    for (std::size_t i = 0; i < limbs_.size(); ++i) {
      const std::uint64_t take = (i < other.limbs_.size() ? other.limbs_[i] : 0) + borrow;
      borrow = limbs_[i] < take ? 1 : 0;
      limbs_[i] = static_cast<std::uint32_t>(limbs_[i] - take);  // modulo 2^32
    }
    trim();
  }

  /// *this /= divisor (> 0); returns the remainder.
  std::uint32_t divide(std::uint32_t divisor) noexcept {
    std::uint64_t rem = 0;
    for (std::size_t i = limbs_.size(); i-- > 0;) {
      const std::uint64_t cur = (rem << 32) | limbs_[i];
      limbs_[i] = static_cast<std::uint32_t>(cur / divisor);
      rem = cur % divisor;
    }
    trim();
    return static_cast<std::uint32_t>(rem);
  }

  /// The decimal digits, most significant first, no leading zero ("" for 0).
  std::string to_decimal() const {
    BigUint rest = *this;
    std::string reversed;
    while (!rest.is_zero()) {
      std::uint32_t chunk = rest.divide(1'000'000'000);
      for (int k = 0; k < 9; ++k, chunk /= 10) reversed.push_back(static_cast<char>('0' + chunk % 10));
    }
    while (!reversed.empty() && reversed.back() == '0') reversed.pop_back();
    return {reversed.rbegin(), reversed.rend()};
  }

  friend int compare(const BigUint& a, const BigUint& b) noexcept {
    if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() < b.limbs_.size() ? -1 : 1;
    for (std::size_t i = a.limbs_.size(); i-- > 0;)
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
    return 0;
  }

 private:
  std::vector<std::uint32_t> limbs_;

  void trim() noexcept {
    while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
  }
};

/// The double nearest to digits × 10^exp10, ties to even; +infinity when
/// that is beyond the largest finite double. `digits` holds only '0'..'9'
/// (leading zeros allowed; empty reads as zero).
double decimal_to_double(std::string_view digits, long long exp10) {
  std::size_t first = 0;
  while (first < digits.size() && digits[first] == '0') ++first;
  std::size_t last = digits.size();
  while (last > first && digits[last - 1] == '0') --last;
  if (first == last) return 0.0;
  exp10 += static_cast<long long>(digits.size() - last);
  std::string kept(digits.substr(first, last - first));
  if (kept.size() > kMaxSignificantDigits) {
    exp10 += static_cast<long long>(kept.size() - kMaxSignificantDigits);
    kept.resize(kMaxSignificantDigits);
    kept.push_back('1');  // stands for the dropped digits (the last is not 0)
    --exp10;
  }
  // The value lies in [10^(magnitude-1), 10^magnitude). The largest double
  // is below 10^309; below 10^-324 is less than half the smallest double
  // (4.9e-324), which rounds to zero.
  const long long magnitude = static_cast<long long>(kept.size()) + exp10;
  if (magnitude > 309) return std::numeric_limits<double>::infinity();
  if (magnitude < -323) return 0.0;

  // Small cases are exact in double arithmetic (Clinger): an integer below
  // 2^53 times or divided by a power of ten up to 10^22 is one rounding.
  if (kept.size() <= 15 && exp10 >= -22 && exp10 <= 22) {
    double mantissa = 0;
    for (const char c : kept) mantissa = mantissa * 10 + (c - '0');
    double scale = 1;
    for (long long k = 0; k < (exp10 < 0 ? -exp10 : exp10); ++k) scale *= 10;
    return exp10 < 0 ? mantissa / scale : mantissa * scale;
  }

  BigUint num;
  for (std::size_t i = 0; i < kept.size(); i += 9) {  // nine digits per step
    std::uint32_t factor = 1, chunk = 0;
    for (std::size_t j = i; j < kept.size() && j < i + 9; ++j) {
      factor *= 10;
      chunk = chunk * 10 + static_cast<std::uint32_t>(kept[j] - '0');
    }
    num.mul_add(factor, chunk);
  }
  BigUint den(1);
  if (exp10 >= 0) num.mul_pow(10, static_cast<std::uint64_t>(exp10));
  else den.mul_pow(10, static_cast<std::uint64_t>(-exp10));

  // Find a scale 2^shift with 2^53 <= q = floor(num * 2^shift / den) < 2^54:
  // q holds the 53 bits of the result and one rounding bit. Subnormal
  // results have fewer bits: shift stops at 1075 (the rounding bit is then
  // worth 2^-1075, half the smallest double).
  constexpr int kMaxShift = 1075;
  int shift = 53 - (static_cast<int>(num.bit_length()) - static_cast<int>(den.bit_length()));
  for (;;) {
    shift = std::min(shift, kMaxShift);
    BigUint rem = num;
    BigUint step = den;
    if (shift >= 0) rem.mul_pow(2, static_cast<std::uint64_t>(shift));
    else step.mul_pow(2, static_cast<std::uint64_t>(-shift));
    // Long division, one quotient bit at a time (q < 2^54): the remainder
    // doubles instead of the divisor halving, so it ends scaled by 2^54,
    // which keeps what matters: whether it is zero.
    step.mul_pow(2, 53);
    std::uint64_t q = 0;
    for (int bit = 0; bit < 54; ++bit) {
      q <<= 1;
      if (compare(rem, step) >= 0) {
        rem.subtract(step);
        q |= 1;
      }
      rem.mul_add(2, 0);
    }
    if (q < (std::uint64_t{1} << 53) && shift < kMaxShift) {
      ++shift;
      continue;
    }
    std::uint64_t mantissa = q >> 1;
    if ((q & 1) != 0 && (!rem.is_zero() || (mantissa & 1) != 0)) ++mantissa;
    return std::ldexp(static_cast<double>(mantissa), 1 - shift);  // exact; inf on overflow
  }
}

/// Adds one unit in the last place to a digit string ("129" -> "130",
/// "99" -> "100").
std::string increment_decimal(std::string digits) {
  std::size_t i = digits.size();
  while (i > 0 && digits[i - 1] == '9') digits[--i] = '0';
  if (i == 0) digits.insert(digits.begin(), '1');
  else ++digits[i - 1];
  return digits;
}

/// Text for a finite double: the fewest significant digits that read back
/// as exactly `d` (of two such candidates, the nearer to d), laid out as
/// JavaScript's Number.prototype.toString does (plain notation from 1e-7
/// up to below 1e21, otherwise d.ddde+N / d.ddde-N), plus ".0" when that
/// would look like an integer, so that it reads back as a real.
std::string format_double(double d) {
  std::uint64_t bits = 0;
  static_assert(sizeof bits == sizeof d);
  std::memcpy(&bits, &d, sizeof d);
  const bool negative = (bits >> 63) != 0;
  const auto biased_exponent = static_cast<int>((bits >> 52) & 0x7FF);
  std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
  int exp2 = -1074;
  if (biased_exponent != 0) {
    mantissa |= std::uint64_t{1} << 52;
    exp2 = biased_exponent - 1075;
  }
  std::string out = negative ? "-" : "";
  if (mantissa == 0) return out + "0.0";

  // The exact value as digits × 10^exp10 (every double is a finite decimal).
  BigUint exact(mantissa);
  long long exp10 = 0;
  if (exp2 >= 0) {
    exact.mul_pow(2, static_cast<std::uint64_t>(exp2));
  } else {
    exact.mul_pow(5, static_cast<std::uint64_t>(-exp2));  // m·2^e = m·5^-e·10^e
    exp10 = exp2;
  }
  std::string all = exact.to_decimal();
  while (all.back() == '0') {
    all.pop_back();
    ++exp10;
  }
  const double magnitude = negative ? -d : d;

  // Rounding `all` to p digits gives the two p-digit neighbours of d, below
  // and above; any p-digit text that reads back as d is one of them (the
  // nearer is tried first). If p digits read back, so do p + 1 (append a
  // zero: the (p+1)-digit neighbour on that side lies between it and d), so
  // the fewest digits can be found by bisection. 17 digits always read back.
  const auto read_back_with = [&](std::size_t p) -> std::optional<std::string> {
    std::string nearer = all.substr(0, p);  // rounded down, for now
    if (p == all.size()) return nearer;     // exact
    std::string farther = increment_decimal(nearer);
    // Round up if the dropped digits are above one half, or exactly one
    // half and the digit kept is odd (ties to even).
    const auto rest = std::string_view(all).substr(p);
    const bool above_half =
        rest[0] > '5' || (rest[0] == '5' && rest.find_first_not_of('0', 1) != std::string_view::npos);
    const bool is_half = rest[0] == '5' && !above_half;
    if (above_half || (is_half && (nearer.back() - '0') % 2 != 0)) std::swap(nearer, farther);
    const long long scale = exp10 + static_cast<long long>(all.size() - p);
    if (decimal_to_double(nearer, scale) == magnitude) return nearer;
    if (decimal_to_double(farther, scale) == magnitude) return farther;
    return std::nullopt;
  };
  std::size_t fewest = std::min<std::size_t>(17, all.size());
  std::string digits = *read_back_with(fewest);
  for (std::size_t lo = 1; lo < fewest;) {
    const std::size_t mid = lo + (fewest - lo) / 2;
    if (auto found = read_back_with(mid)) {
      fewest = mid;
      digits = std::move(*found);
    } else {
      lo = mid + 1;
    }
  }
  exp10 += static_cast<long long>(all.size() - fewest);  // digits × 10^exp10 ≈ d
  while (digits.size() > 1 && digits.back() == '0') { digits.pop_back(); ++exp10; }

  // Layout: n is the position of the decimal point (d = 0.digits × 10^n).
  const long long k = static_cast<long long>(digits.size());
  const long long n = k + exp10;
  const auto count = [](long long v) { return static_cast<std::size_t>(v); };
  if (k <= n && n <= 21) {
    out += digits;
    out.append(count(n - k), '0');
    out += ".0";
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, count(n));
    out += '.';
    out.append(digits, count(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(count(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    const long long e = n - 1;
    out += e < 0 ? "e-" : "e+";
    out += std::to_string(e < 0 ? -e : e);
  }
  return out;
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

    // Every other number is a real, rounded to the nearest double.
    std::string digits(s_.substr(int_start, int_end - int_start));
    digits.append(s_.substr(frac_start, frac_end - frac_start));
    const double magnitude =
        decimal_to_double(digits, exponent - static_cast<long long>(frac_end - frac_start));
    if (!std::isfinite(magnitude)) { pos_ = start; return error("number out of range"); }
    return JsonValue(negative ? -magnitude : magnitude);
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
