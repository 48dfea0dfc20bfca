// The language of an HTTP request from its Accept-Language header: kept apart
// from the HTTP front end so that it builds (and is fuzzed) on its own.
#pragma once

#include <string_view>

#include "sls/lang.hpp"

namespace sls::server {

/// The language of a request from its Accept-Language header: the range with
/// the highest q (first on ties), mapped by lang_from_tag. English when the
/// header is absent or unusable. Any bytes are accepted; never fails.
Lang lang_from_accept_language(std::string_view header) noexcept;

}  // namespace sls::server
