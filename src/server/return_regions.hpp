// Where a device is sent back (docs/devices.md "Returning a device"): the
// return address and phone numbers of each region, and which region serves
// a country of legal residence. Data only; shown by
// GET /api/v1/devices/{id}/return. Not installed.
#pragma once

#include <array>
#include <span>
#include <string_view>

namespace sls::server {

/// One phone number of a region's token return desk.
struct ReturnPhone {
  std::string_view area;      ///< who calls it ("USA", "Europe", ...)
  std::string_view kind;      ///< "toll_free" or "direct"
  std::string_view number;    ///< as dialled from that area
  std::string_view language;  ///< BCP 47 tag when the line serves one language; "" otherwise
};

/// One region: its id, its postal address (one line each) and its phones.
struct ReturnRegion {
  std::string_view id;
  std::span<const std::string_view> address;
  std::span<const ReturnPhone> phones;
};

namespace return_data {
inline constexpr std::string_view kAmericasAddress[] = {"Attn: Token Return Department", "3 Pickwick Plaza",
                                                        "Greenwich, CT 06830", "USA"};
inline constexpr ReturnPhone kAmericasPhones[] = {
    {"USA", "toll_free", "1 (877) 442-2757", ""},
    {"USA", "direct", "1 (312) 542-6901", ""},
    {"Canada", "toll_free", "1 (877) 745-4222", ""},
    {"Canada", "direct", "1 (514) 847-3499", ""},
};
inline constexpr std::string_view kEuropeAddress[] = {"Attn: Token Return Department", "Gubelstrasse 28", "CH-6301 Zug",
                                                      "Switzerland"};
inline constexpr ReturnPhone kEuropePhones[] = {
    {"Europe", "toll_free", "00800-42-276537", ""},
    {"Europe", "direct", "+41-41-726-9500", ""},
    {"Russia", "toll_free", "8-800-100-8556", ""},
    {"Russia", "direct", "+41-41-726-9506", "ru"},
};
inline constexpr std::string_view kAsiaAddress[] = {"Attn: Token Return Department", "Suite 1512, Two Pacific Place",
                                                    "88 Queensway, Admiralty", "Hong Kong"};
inline constexpr ReturnPhone kAsiaPhones[] = {
    {"Hong Kong", "direct", "+852-2156-7907", "yue"},
    {"Mainland China", "direct", "+86 (21) 6086 8586", "cmn"},
};
inline constexpr std::string_view kAustraliaAddress[] = {"Attn: Token Return Department", "PO Box R229",
                                                         "Royal Exchange, NSW 1225", "Australia"};
inline constexpr ReturnPhone kAustraliaPhones[] = {
    {"Australia", "direct", "+61 (2) 8093-7300", ""},
};
inline constexpr std::string_view kJapanAddress[] = {"Attn: Token Return Department", "Kasumigaseki Building 25F",
                                                     "3-2-5 Kasumigaseki, Chiyoda-ku", "Tokyo 100-6025", "Japan"};
inline constexpr ReturnPhone kJapanPhones[] = {
    {"Japan", "direct", "+81 (3) 4588 9710", "en"},
    {"Japan", "direct", "+81 (3) 4588 9700", "ja"},
};

/// ISO 3166-1 alpha-2 codes served by the European and the Asian desk
/// (Japan and Australia have their own; every other country the Americas').
inline constexpr std::string_view kEurope[] = {
    "AD", "AL", "AT", "BA", "BE", "BG", "BY", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FO", "FR",
    "GB", "GG", "GI", "GR", "HR", "HU", "IE", "IM", "IS", "IT", "JE", "LI", "LT", "LU", "LV", "MC", "MD",
    "ME", "MK", "MT", "NL", "NO", "PL", "PT", "RO", "RS", "RU", "SE", "SI", "SK", "SM", "UA", "VA", "XK"};
inline constexpr std::string_view kAsia[] = {"BD", "BN", "BT", "CN", "HK", "ID", "IN", "KH", "KR", "LA", "LK", "MM",
                                             "MN", "MO", "MV", "MY", "NP", "PH", "PK", "SG", "TH", "TL", "TW", "VN"};
}  // namespace return_data

/// Every region, in the order the return page lists them.
inline constexpr std::array<ReturnRegion, 5> kReturnRegions = {{
    {"americas", return_data::kAmericasAddress, return_data::kAmericasPhones},
    {"europe", return_data::kEuropeAddress, return_data::kEuropePhones},
    {"asia", return_data::kAsiaAddress, return_data::kAsiaPhones},
    {"australia", return_data::kAustraliaAddress, return_data::kAustraliaPhones},
    {"japan", return_data::kJapanAddress, return_data::kJapanPhones},
}};

/// The region serving a country of legal residence (ISO 3166-1 alpha-2,
/// upper case): JP japan, AU australia, return_data::kAsia asia,
/// return_data::kEurope europe, anything else (unknown or empty) americas.
[[nodiscard]] constexpr std::string_view return_region_for(std::string_view country) noexcept {
  if (country == "JP") return "japan";
  if (country == "AU") return "australia";
  for (std::string_view c : return_data::kAsia)
    if (c == country) return "asia";
  for (std::string_view c : return_data::kEurope)
    if (c == country) return "europe";
  return "americas";
}

}  // namespace sls::server
