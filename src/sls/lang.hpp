// The three languages of every user-facing string, and how a page's language
// tag selects one.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sls {

enum class Lang { en, zh_Hant, zh_Hans };

/// Maps a BCP 47 tag to a language, case-insensitively:
///  - "zh-Hant…", "zh-TW", "zh-HK", "zh-MO" → zh_Hant;
///  - any other "zh…" (zh, zh-CN, zh-SG, zh-Hans…) → zh_Hans;
///  - anything else, including the empty string, → en.
Lang lang_from_tag(std::string_view tag) noexcept;

/// The language a tag selects when it names one of the three: "en…" → en,
/// "zh…" as lang_from_tag; nullopt for any other language (fr, ja, "").
std::optional<Lang> supported_lang(std::string_view tag) noexcept;

/// The first tag of a preference list (a browser's navigator.languages,
/// most preferred first) that names a supported language; en if none does.
Lang lang_from_tags(std::span<const std::string> tags) noexcept;

/// The canonical tag of a language: "en", "zh-Hant" or "zh-Hans".
std::string_view lang_tag(Lang lang) noexcept;

}  // namespace sls
