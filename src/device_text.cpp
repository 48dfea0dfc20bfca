// The device lifecycle's texts in English, Traditional and Simplified Chinese, looked up by DeviceText
// (device_text.hpp).
#include "sls/device_text.hpp"

#include <array>

#include "sls/ui_text.hpp"

namespace sls {
namespace {

constexpr std::array<std::string_view, 3> kCatalog[] = {
#define SLS_DEVICE_TEXT(id, en, zh_hant, zh_hans) {en, zh_hant, zh_hans},
#include "sls/device_text.def"
#undef SLS_DEVICE_TEXT
};

constexpr std::size_t kCatalogSize = sizeof(kCatalog) / sizeof(kCatalog[0]);

}  // namespace

std::size_t device_text_count() noexcept { return kCatalogSize; }

std::string_view device_text(DeviceText id, Lang lang) noexcept {
  const auto i = static_cast<std::size_t>(id);
  if (i >= kCatalogSize) return {};
  return kCatalog[i][static_cast<std::size_t>(lang)];
}

std::string device_format(DeviceText id, Lang lang, std::initializer_list<std::string_view> args) {
  return fill_placeholders(device_text(id, lang), args);
}

}  // namespace sls
