// Error messages in the user's language: the catalog's templates with their arguments filled in (messages.hpp).
#include "sls/messages.hpp"

#include <array>
#include <cctype>

namespace sls {
namespace {

struct CatalogEntry {
  std::string_view wire;
  int http_status;
  std::array<std::string_view, 3> text;  // indexed by Lang
};

constexpr CatalogEntry kCatalog[] = {
    {"ok", 200, {"", "", ""}},
#define SLS_ERROR(id, wire, status, en, zh_hant, zh_hans) {wire, status, {en, zh_hant, zh_hans}},
#include "sls/errors.def"
#undef SLS_ERROR
};

constexpr std::size_t kCatalogSize = sizeof(kCatalog) / sizeof(kCatalog[0]);

const CatalogEntry& entry(Errc code) noexcept {
  auto i = static_cast<std::size_t>(code);
  return kCatalog[i < kCatalogSize ? i : static_cast<std::size_t>(Errc::internal)];
}

bool iequals_prefix(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

// True when `tag` is `prefix` exactly or `prefix` followed by a subtag.
bool has_subtag_prefix(std::string_view tag, std::string_view prefix) noexcept {
  return iequals_prefix(tag, prefix) &&
         (tag.size() == prefix.size() || tag[prefix.size()] == '-' || tag[prefix.size()] == '_');
}

}  // namespace

std::string_view errc_name(Errc code) noexcept { return entry(code).wire; }

int errc_http_status(Errc code) noexcept { return entry(code).http_status; }

std::optional<Errc> errc_from_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kCatalogSize; ++i)
    if (kCatalog[i].wire == name) return static_cast<Errc>(i);
  return std::nullopt;
}

std::string_view message_template(Errc code, Lang lang) noexcept {
  return entry(code).text[static_cast<std::size_t>(lang)];
}

std::string localize(const Error& error, Lang lang) {
  std::string_view t = message_template(error.code, lang);
  std::string out;
  out.reserve(t.size() + 16);
  for (std::size_t i = 0; i < t.size(); ++i) {
    // A placeholder is "{d}" with a single decimal digit.
    if (t[i] == '{' && i + 2 < t.size() && t[i + 2] == '}' && t[i + 1] >= '0' && t[i + 1] <= '9') {
      auto n = static_cast<std::size_t>(t[i + 1] - '0');
      if (n < error.args.size()) {
        out += error.args[n];
        i += 2;
        continue;
      }
    }
    out += t[i];
  }
  return out;
}

Lang lang_from_tag(std::string_view tag) noexcept {
  if (!has_subtag_prefix(tag, "zh")) return Lang::en;
  for (std::string_view hant : {"zh-Hant", "zh-TW", "zh-HK", "zh-MO"})
    if (has_subtag_prefix(tag, hant)) return Lang::zh_Hant;
  // zh_TW style separators as well
  for (std::string_view hant : {"zh_Hant", "zh_TW", "zh_HK", "zh_MO"})
    if (has_subtag_prefix(tag, hant)) return Lang::zh_Hant;
  return Lang::zh_Hans;
}

std::optional<Lang> supported_lang(std::string_view tag) noexcept {
  if (has_subtag_prefix(tag, "en")) return Lang::en;
  if (has_subtag_prefix(tag, "zh")) return lang_from_tag(tag);
  return std::nullopt;
}

Lang lang_from_tags(std::span<const std::string> tags) noexcept {
  for (const std::string& tag : tags)
    if (auto lang = supported_lang(tag)) return *lang;
  return Lang::en;
}

std::string_view lang_tag(Lang lang) noexcept {
  switch (lang) {
    case Lang::en: return "en";
    case Lang::zh_Hant: return "zh-Hant";
    case Lang::zh_Hans: return "zh-Hans";
  }
  return "en";
}

}  // namespace sls
