// Stable error codes. Every code, its wire name, its HTTP status and its message in the three
// languages are defined once, in errors.def; this header only turns that table
// into an enum.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sls {

enum class Errc : std::uint16_t {
  ok = 0,
#define SLS_ERROR(id, wire, status, en, zh_hant, zh_hans) id,
#include "sls/errors.def"
#undef SLS_ERROR
};

/// The stable wire name of a code, e.g. "card.too_short" ("ok" for Errc::ok).
/// These names appear in HTTP error bodies and JS events and never change.
std::string_view errc_name(Errc code) noexcept;

/// The HTTP status a server answers with when it refuses with `code`, as
/// listed in errors.def: 400..599 for every code, 200 for Errc::ok, and
/// Errc::internal's 500 for a value past the catalog.
int errc_http_status(Errc code) noexcept;

/// Inverse of errc_name; nullopt for an unknown name.
std::optional<Errc> errc_from_name(std::string_view name) noexcept;

}  // namespace sls
