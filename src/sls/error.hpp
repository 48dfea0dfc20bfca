// Stable error codes. Every code, its wire name and its message in the three
// languages are defined once, in errors.def; this header only turns that table
// into an enum.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sls {

enum class Errc : std::uint16_t {
  ok = 0,
#define SLS_ERROR(id, wire, en, zh_hant, zh_hans) id,
#include "sls/errors.def"
#undef SLS_ERROR
};

/// The stable wire name of a code, e.g. "card.too_short" ("ok" for Errc::ok).
/// These names appear in HTTP error bodies and JS events and never change.
std::string_view errc_name(Errc code) noexcept;

/// Inverse of errc_name; nullopt for an unknown name.
std::optional<Errc> errc_from_name(std::string_view name) noexcept;

}  // namespace sls
