// Localised user-facing text for error codes.
#pragma once

#include <string>
#include <string_view>

#include "sls/lang.hpp"
#include "sls/result.hpp"

namespace sls {

/// The message template of a code in a language, with {0}, {1}, ... unfilled.
/// Errc::ok yields an empty string.
std::string_view message_template(Errc code, Lang lang) noexcept;

/// The message of an error in a language, placeholders filled from its args.
/// A placeholder without an argument is left as written; never fails.
std::string localize(const Error& error, Lang lang);

}  // namespace sls
