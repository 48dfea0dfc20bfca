// The UI text catalog: every string of the login component in English,
// Traditional Chinese and Simplified Chinese. The strings are defined once,
// in ui_text.def; this header turns the table into an enum and gives access.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "sls/lang.hpp"

namespace sls {

enum class UiText : std::uint16_t {
#define SLS_UI_TEXT(id, en, zh_hant, zh_hans) id,
#include "sls/ui_text.def"
#undef SLS_UI_TEXT
};

/// Number of entries in the catalog.
std::size_t ui_text_count() noexcept;

/// The template of a string in a language, placeholders unfilled. An id
/// outside the catalog yields an empty string.
std::string_view ui_text(UiText id, Lang lang) noexcept;

/// The string with {0}, {1}, ... (a single decimal digit) replaced by
/// `args`; a placeholder without an argument stays as written. Never fails.
std::string ui_format(UiText id, Lang lang, std::initializer_list<std::string_view> args = {});

/// `text` with {0}, {1}, ... replaced by `args`, as ui_format does: the one
/// filler of every catalog (device_text.hpp uses it too).
std::string fill_placeholders(std::string_view text, std::initializer_list<std::string_view> args);

/// A duration in words, e.g. "45 seconds", "2 minutes", "1 min 30 s",
/// "3 hours" (and the Chinese equivalents). Rounds up to whole seconds; from
/// 10 minutes on, rounds up to whole minutes, and from 2 hours on, up to
/// whole hours. Negative durations read as 0 seconds.
std::string duration_words(std::int64_t ms, Lang lang);

/// A countdown clock "m:ss" (e.g. "1:05", "0:09"; "12:00"), rounding up to
/// whole seconds so that it reads 0:00 only when the time is over. Negative
/// durations read as "0:00".
std::string countdown_clock(std::int64_t ms);

}  // namespace sls
