// The UI text catalog's strings in English, Traditional and Simplified Chinese, looked up by UiText (ui_text.hpp).
#include "sls/ui_text.hpp"

#include <array>

namespace sls {
namespace {

constexpr std::array<std::string_view, 3> kCatalog[] = {
#define SLS_UI_TEXT(id, en, zh_hant, zh_hans) {en, zh_hant, zh_hans},
#include "sls/ui_text.def"
#undef SLS_UI_TEXT
};

constexpr std::size_t kCatalogSize = sizeof(kCatalog) / sizeof(kCatalog[0]);

}  // namespace

std::size_t ui_text_count() noexcept { return kCatalogSize; }

std::string_view ui_text(UiText id, Lang lang) noexcept {
  const auto i = static_cast<std::size_t>(id);
  if (i >= kCatalogSize) return {};
  return kCatalog[i][static_cast<std::size_t>(lang)];
}

std::string ui_format(UiText id, Lang lang, std::initializer_list<std::string_view> args) {
  return fill_placeholders(ui_text(id, lang), args);
}

std::string fill_placeholders(std::string_view t, std::initializer_list<std::string_view> args) {
  std::string out;
  out.reserve(t.size() + 16);
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '{' && i + 2 < t.size() && t[i + 2] == '}' && t[i + 1] >= '0' && t[i + 1] <= '9') {
      const auto n = static_cast<std::size_t>(t[i + 1] - '0');
      if (n < args.size()) {
        out += *(args.begin() + n);
        i += 2;
        continue;
      }
    }
    out += t[i];
  }
  return out;
}

std::string duration_words(std::int64_t ms, Lang lang) {
  if (ms < 0) ms = 0;
  // Rounded up, as countdown_clock is: a limit stated in words and the
  // countdown beside it must agree ("2 minutes" with "2:00").
  const std::int64_t seconds = (ms + 999) / 1000;
  auto n = [](std::int64_t v) { return std::to_string(v); };
  if (seconds >= 2 * 3600) {
    const std::int64_t hours = (seconds + 3599) / 3600;
    return ui_format(UiText::duration_hours, lang, {n(hours)});
  }
  if (seconds >= 600) {
    const std::int64_t minutes = (seconds + 59) / 60;
    return ui_format(UiText::duration_minutes, lang, {n(minutes)});
  }
  if (seconds >= 60) {
    const std::int64_t minutes = seconds / 60, rest = seconds % 60;
    if (rest != 0) return ui_format(UiText::duration_minutes_seconds, lang, {n(minutes), n(rest)});
    if (minutes == 1) return std::string(ui_text(UiText::duration_minute_one, lang));
    return ui_format(UiText::duration_minutes, lang, {n(minutes)});
  }
  if (seconds == 1) return std::string(ui_text(UiText::duration_second_one, lang));
  return ui_format(UiText::duration_seconds, lang, {n(seconds)});
}

std::string countdown_clock(std::int64_t ms) {
  if (ms < 0) ms = 0;
  const std::int64_t seconds = (ms + 999) / 1000;
  const std::int64_t rest = seconds % 60;
  return std::to_string(seconds / 60) + (rest < 10 ? ":0" : ":") + std::to_string(rest);
}

}  // namespace sls
