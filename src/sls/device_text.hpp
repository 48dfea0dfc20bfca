// The texts of the security centre's device lifecycle (issue 12) in English,
// Traditional Chinese and Simplified Chinese, defined once in device_text.def.
// A catalog apart from ui_text.def so that the login page's module, which
// never shows them, does not carry them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "sls/lang.hpp"

namespace sls {

enum class DeviceText : std::uint16_t {
#define SLS_DEVICE_TEXT(id, en, zh_hant, zh_hans) id,
#include "sls/device_text.def"
#undef SLS_DEVICE_TEXT
};

/// Number of entries in the catalog.
std::size_t device_text_count() noexcept;

/// The template of a string in a language; an id outside the catalog yields an empty string.
std::string_view device_text(DeviceText id, Lang lang) noexcept;

/// The string with {0}, {1}, ... replaced by `args`, as ui_format does.
std::string device_format(DeviceText id, Lang lang, std::initializer_list<std::string_view> args = {});

}  // namespace sls
