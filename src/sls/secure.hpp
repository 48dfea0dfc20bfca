// Small wrappers over libsodium used across the core: initialisation, randomness, constant-time comparison,
// hexadecimal, the one wiping primitive and the one wiped-buffer type (Wiped, as SecretString and SecretBytes).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace sls {

/// Initialises libsodium once per process; safe to call from any thread and
/// any number of times. Every function below calls it first. Aborts the
/// process if libsodium cannot initialise (no usable randomness source):
/// continuing would hand out predictable secrets.
void crypto_init();

/// Fills `out` from libsodium's CSPRNG.
void random_fill(std::span<std::uint8_t> out);

/// A uniformly random integer in [0, upper_bound); upper_bound must be > 0
/// (0 yields 0). Unbiased (libsodium's randombytes_uniform).
std::uint32_t random_below(std::uint32_t upper_bound);

/// Compares two byte strings in time that depends only on their lengths
/// (sodium_memcmp). Strings of different lengths compare unequal.
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

/// The wiping primitive: overwrites `size` bytes at `data` with zeros in a
/// way the compiler cannot elide (sodium_memzero). A null `data` or a zero
/// `size` does nothing. Every other wipe in the project goes through it.
void wipe(void* data, std::size_t size) noexcept;
/// Wipes the whole allocated buffer of `s`, its capacity beyond size() and
/// the inline short-string buffer included, then leaves `s` empty (the
/// allocation is kept, so nothing is freed unwiped).
void wipe(std::string& s) noexcept;
/// The same for a byte vector: all of its capacity, then empty.
void wipe(std::vector<std::uint8_t>& bytes) noexcept;

/// The one buffer type for secrets: a std::string (SecretString: typed
/// codes, PINs, passwords, bodies) or a byte vector (SecretBytes: keys,
/// seeds, derived secrets) that is wiped, whole capacity, on destruction, on
/// reassignment and on clear(). Move-only so that no silent copy is left
/// behind; a moved-from Wiped is empty.
template <class Buffer>
requires std::same_as<Buffer, std::string> || std::same_as<Buffer, std::vector<std::uint8_t>>
class Wiped {
 public:
  static constexpr bool kIsText = std::is_same_v<Buffer, std::string>;
  using View = std::conditional_t<kIsText, std::string_view, std::span<const std::uint8_t>>;
  using MutableView = std::conditional_t<kIsText, std::span<char>, std::span<std::uint8_t>>;

  Wiped() = default;
  /// Takes the secret over and wipes the caller's moved-from buffer, since a
  /// short string keeps its characters in its own inline buffer after a
  /// move. Taken by rvalue reference, not by value: a by-value parameter
  /// would be wiped while the caller's object kept the characters.
  explicit Wiped(Buffer&& value) noexcept : value_(std::move(value)) { wipe(value); }
  /// `size` zero bytes, to be filled through mutable_view().
  explicit Wiped(std::size_t size) : value_(size, typename Buffer::value_type{}) {}
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;
  Wiped(Wiped&& other) noexcept : value_(std::move(other.value_)) { other.clear(); }
  Wiped& operator=(Wiped&& other) noexcept {
    if (this != &other) {
      clear();
      value_ = std::move(other.value_);
      other.clear();
    }
    return *this;
  }
  ~Wiped() { clear(); }

  View view() const noexcept { return View(value_.data(), value_.size()); }
  MutableView mutable_view() noexcept { return MutableView(value_.data(), value_.size()); }
  std::size_t size() const noexcept { return value_.size(); }
  bool empty() const noexcept { return value_.empty(); }
  /// Wipes the whole capacity, not only the current contents.
  void clear() noexcept { wipe(value_); }

 private:
  Buffer value_;
};

using SecretString = Wiped<std::string>;
using SecretBytes = Wiped<std::vector<std::uint8_t>>;

/// Lower-case hexadecimal of `bytes` (libsodium's constant-time
/// sodium_bin2hex, so a key's hex form leaks nothing through timing).
/// Never fails.
std::string to_hex(std::span<const std::uint8_t> bytes);
/// Parses hexadecimal, either case, an even number of digits and nothing
/// else (sodium_hex2bin, constant-time). On success replaces `out` (its old
/// contents wiped) and returns true; on any other input returns false and
/// leaves `out` unchanged.
[[nodiscard]] bool from_hex(std::string_view hex, std::vector<std::uint8_t>& out);

}  // namespace sls
