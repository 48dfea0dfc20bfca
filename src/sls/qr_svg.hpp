// QR codes for the challenge screen (SPEC 3.2), drawn as compact SVG.
//
// The QR symbol comes from QR-Code-generator; this module chooses the
// segment mode, checks capacity up front, and draws the modules. Why the
// capacity check: the generator reports oversized input by throwing, and the
// browser build runs without C++ exceptions, where a throw aborts the whole
// module. So input that cannot fit is refused here with payload_too_long and
// the generator is only ever called with input that fits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sls/result.hpp"

namespace sls {

/// Error correction level: the share of the symbol that may be damaged or
/// hidden and still read (about 7 %, 15 %, 25 %, 30 %).
enum class QrEcc : std::uint8_t { low, medium, quartile, high };

/// Bytes that fit in one QR code in byte mode (version 40) per level:
/// low 2953, medium 2331, quartile 1663, high 1273. Text made only of digits,
/// or only of the QR alphanumeric set (0–9, A–Z, space, $ % * + - . / :),
/// is packed more densely and may be longer (see qr_fits).
constexpr std::size_t qr_byte_capacity(QrEcc ecc) noexcept {
  switch (ecc) {
    case QrEcc::low: return 2953;
    case QrEcc::medium: return 2331;
    case QrEcc::quartile: return 1663;
    case QrEcc::high: return 1273;
  }
  return 0;
}

/// Modules of light margin on every side of the symbol, as the QR standard
/// requires for reliable scanning.
inline constexpr int qr_quiet_zone_modules = 4;

/// True when `text` fits in a QR code at level `ecc`, using the same segment
/// mode qr_matrix uses: numeric if every byte is a digit, else alphanumeric
/// if every byte is in that set, else bytes (UTF-8 as it is). Empty text fits.
bool qr_fits(std::string_view text, QrEcc ecc) noexcept;

/// A QR symbol without its quiet zone: size × size modules, row-major.
struct QrMatrix {
  /// 1..40; the size is 17 + 4 × version.
  int version = 0;
  /// The level actually used: at least the one asked for, higher when the
  /// same version has room for it.
  QrEcc ecc = QrEcc::medium;
  /// Modules per side, 21..177 for a generated symbol.
  int size = 0;
  /// size × size entries, index y × size + x; true is a dark module.
  std::vector<bool> modules;

  /// Whether module (x, y) is dark; false outside [0, size) in either axis,
  /// which is where the quiet zone lies.
  bool dark(int x, int y) const noexcept {
    if (x < 0 || y < 0 || x >= size || y >= size) return false;
    return modules[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) + static_cast<std::size_t>(x)];
  }
};

/// Encodes `text` (empty allowed, bytes taken as they are, NUL included) as
/// the smallest QR symbol at level `ecc` or better, with the mask chosen by
/// the standard's penalty rules. Deterministic. Fails with payload_too_long
/// when !qr_fits(text, ecc); never throws.
Result<QrMatrix> qr_matrix(std::string_view text, QrEcc ecc = QrEcc::medium);

/// Draws a matrix as a self-contained SVG document:
///   <svg xmlns=... viewBox="0 0 S S" shape-rendering="crispEdges">
///     <rect> light background covering the whole viewBox </rect>
///     <path> every dark module, as horizontal runs </path>
///   </svg>
/// where S = size + 2 × qr_quiet_zone_modules and one user unit is one
/// module. Each run of dark modules in a row is one closed rectangle
/// "m dx dy h w v1 h-w z", each moving relative to the previous run's start
/// (the first uses absolute "M x y"). No width or height (the page sizes
/// it), no text, no script, no style element. A matrix without dark modules
/// gives an empty path.
std::string qr_matrix_svg(const QrMatrix& matrix);

/// qr_matrix, then qr_matrix_svg. Fails with payload_too_long when the text
/// does not fit.
Result<std::string> qr_svg(std::string_view text, QrEcc ecc = QrEcc::medium);

}  // namespace sls
