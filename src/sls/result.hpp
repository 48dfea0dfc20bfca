// Result<T>: a value or an Error, returned by every fallible core function.
//
// Why values and not exceptions: the core runs in WebAssembly, where
// Emscripten builds without exception support by default (a throw aborts) and
// enabling it costs size on every call path; and every error has to cross to
// JavaScript and HTTP as a stable code anyway. Each error stays distinct
// through its Errc (see errors.def), the role exception types play elsewhere.
#pragma once

#include <cassert>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sls/error.hpp"

namespace sls {

/// A failure: a stable code plus the arguments its localised message takes
/// (for example the name of the primary user). Arguments never hold secrets.
struct Error {
  Errc code;
  std::vector<std::string> args;

  friend bool operator==(const Error&, const Error&) = default;
};

/// Makes an Error; `args` fill the message's {0}, {1}, ... placeholders.
inline Error fail(Errc code, std::initializer_list<std::string_view> args = {}) {
  Error e{code, {}};
  e.args.reserve(args.size());
  for (auto a : args) e.args.emplace_back(a);
  return e;
}

/// Holds either a T (success) or an Error. Accessing the wrong side is a
/// programming error (asserted in debug builds).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  const T& value() const& {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  T&& value() && {
    assert(ok());
    return std::move(*std::get_if<0>(&v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return *std::get_if<1>(&v_);
  }
  /// The error code, or Errc::ok on success.
  Errc code() const noexcept { return ok() ? Errc::ok : std::get_if<1>(&v_)->code; }

 private:
  std::variant<T, Error> v_;
};

/// Result of an operation that yields nothing but may fail.
using Status = Result<std::monostate>;
inline Status ok_status() { return Status(std::monostate{}); }

}  // namespace sls
