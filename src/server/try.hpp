// Early returns for Result/Status and Outcome/Step (outcome.hpp) in the
// server's sources (not installed, not part of any public interface).
#pragma once

/// Evaluates `expr` (a Result, Status, Outcome or Step); returns its error
/// (an Error, or an Outcome's Stop) if it failed.
#define SLS_TRY(expr)                       \
  do {                                      \
    auto sls_try_ = (expr);                 \
    if (!sls_try_) return sls_try_.error(); \
  } while (0)

/// Evaluates `expr` (a Result<T> or Outcome<T>); returns its error if it failed, else binds
/// `var` to a reference to its value.
#define SLS_TRY_ASSIGN(var, expr)                   \
  auto var##_result_ = (expr);                      \
  if (!var##_result_) return var##_result_.error(); \
  auto& var = *var##_result_  // NOLINT(bugprone-macro-parentheses): a declared name cannot be parenthesised
