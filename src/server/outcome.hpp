// Outcome<T>: what one step of a service operation yields, the answer or the reason it stopped.
//
// An operation stops for one of two reasons, and both travel as values:
// - a refusal (Refusal): the client is told an error from the catalog, with
//   its extras (attempts_left, retry_after). Inside a write transaction a
//   refusal commits, so the audit rows and counters written before it stay;
// - a fault (an Error, always answered as Errc::internal): the store, the
//   keyring or stored data failed. Inside a write transaction it rolls back.
// Within the service, `return refuse(...)` refuses, and an Error (a failed
// store call passed up by SLS_TRY) is a fault.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <utility>
#include <variant>

#include "sls/result.hpp"

namespace sls::server {

/// Extra fields of an error body.
struct ErrorExtras {
  std::optional<std::int64_t> attempts_left;
  std::optional<std::int64_t> retry_after;  ///< also sent as Retry-After
};

/// An error the client is told: its code and arguments, the extras of the
/// body, and its HTTP status (0: the code's status in errors.def).
struct Refusal {
  Error error;
  ErrorExtras extras = {};
  int status = 0;
};

/// A refusal with `code`'s catalog status.
inline Refusal refuse(Errc code, const ErrorExtras& extras = {}) { return Refusal{fail(code), extras, 0}; }
/// A refusal with `code`'s catalog status and message arguments.
inline Refusal refuse(Errc code, std::initializer_list<std::string_view> args) {
  return Refusal{fail(code, args), {}, 0};
}
/// The error of a failed core check (a parse of typed input, say) as a refusal.
inline Refusal refuse(Error error) { return Refusal{std::move(error), {}, 0}; }

/// Why an operation stopped short: a refusal, or a fault (see the file's
/// opening). What SLS_TRY passes up from an Outcome.
class Stop {
 public:
  Stop(Refusal refusal) : v_(std::move(refusal)) {}  // NOLINT: implicit by design
  Stop(Error fault) : v_(std::move(fault)) {}        // NOLINT: implicit by design

  bool is_fault() const noexcept { return v_.index() == 1; }
  const Refusal& refusal() const {
    assert(!is_fault());
    return *std::get_if<0>(&v_);
  }
  const Error& fault() const {
    assert(is_fault());
    return *std::get_if<1>(&v_);
  }

 private:
  std::variant<Refusal, Error> v_;
};

/// A T, or the Stop that prevented it. Accessing the wrong side is a
/// programming error (asserted in debug builds).
template <class T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : v_(std::in_place_index<0>, std::move(value)) {}   // NOLINT: implicit by design
  Outcome(Stop stop) : v_(std::in_place_index<1>, std::move(stop)) {}  // NOLINT: implicit by design
  Outcome(Refusal refusal) : Outcome(Stop(std::move(refusal))) {}      // NOLINT: implicit by design
  Outcome(Error fault) : Outcome(Stop(std::move(fault))) {}            // NOLINT: implicit by design

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  /// True when stopped by a fault (the transaction rolls back).
  bool is_fault() const noexcept { return !ok() && error().is_fault(); }

  T& operator*() & {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  const T& operator*() const& {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  T* operator->() { return &**this; }
  const T* operator->() const { return &**this; }

  const Stop& error() const {
    assert(!ok());
    return *std::get_if<1>(&v_);
  }

 private:
  std::variant<T, Stop> v_;
};

/// A step that yields nothing but may stop.
using Step = Outcome<std::monostate>;
inline Step step_done() { return Step(std::monostate{}); }

}  // namespace sls::server
