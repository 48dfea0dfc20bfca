// Small wrappers over libsodium used across the core: initialisation,
// randomness, constant-time comparison and memory that wipes itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
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
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

/// Overwrites a buffer with zeros in a way the compiler cannot elide
/// (sodium_memzero).
void wipe(void* data, std::size_t size) noexcept;
inline void wipe(std::string& s) noexcept { wipe(s.data(), s.size()); s.clear(); }

/// A string holding a secret (typed codes, PINs, keys): wiped on destruction
/// and on reassignment. Move-only so that no silent copy is left behind.
class SecretString {
 public:
  SecretString() = default;
  /// Takes the secret over; the moved-from argument is wiped too, since a
  /// short string keeps its characters in its own inline buffer.
  explicit SecretString(std::string value) : value_(std::move(value)) {
    value.resize(value.capacity());
    wipe(value.data(), value.size());
  }
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;
  SecretString(SecretString&& other) noexcept : value_(std::move(other.value_)) { other.clear(); }
  SecretString& operator=(SecretString&& other) noexcept {
    if (this != &other) { clear(); value_ = std::move(other.value_); other.clear(); }
    return *this;
  }
  ~SecretString() { clear(); }

  std::string_view view() const noexcept { return value_; }
  std::size_t size() const noexcept { return value_.size(); }
  bool empty() const noexcept { return value_.empty(); }
  /// Wipes the whole capacity, not only the current contents.
  void clear() noexcept {
    value_.resize(value_.capacity());
    wipe(value_.data(), value_.size());
    value_.clear();
  }

 private:
  std::string value_;
};

/// Lower-case hexadecimal of bytes.
std::string to_hex(std::span<const std::uint8_t> bytes);
/// Parses hexadecimal (either case, even length); false on any other input.
bool from_hex(std::string_view hex, std::vector<std::uint8_t>& out);

}  // namespace sls
