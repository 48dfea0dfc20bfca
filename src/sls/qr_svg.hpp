// QR codes for the challenge screen (SPEC 3.2): the symbol of a text, drawn
// as compact SVG text (demo pages) or as a view node (the login flow).
//
// The QR symbol comes from QR-Code-generator's C API, which reports text too
// long for any symbol as a return value (no exception, no heap); this module
// chooses the segment mode and draws the modules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sls/result.hpp"
#include "sls/view.hpp"

namespace sls {

/// Error correction level: the share of the symbol that may be damaged or
/// hidden and still read (about 7 %, 15 %, 25 %, 30 %).
enum class QrEcc : std::uint8_t { low, medium, quartile, high };

/// Modules of light margin on every side of the symbol, as the QR standard
/// requires for reliable scanning.
inline constexpr int qr_quiet_zone_modules = 4;

/// True when `text` fits in a QR code at level `ecc`, using the same segment
/// mode qr_matrix uses: numeric if every byte is a digit, else alphanumeric
/// if every byte is in that set (0–9, A–Z, space, $ % * + - . / :), else
/// bytes (UTF-8 as it is). Empty text fits. Found by encoding (with a fixed
/// mask, skipping the mask choice), so it agrees with qr_matrix by
/// construction. Allocates only a copy of numeric or alphanumeric text.
bool qr_fits(std::string_view text, QrEcc ecc);

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
/// when !qr_fits(text, ecc).
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

/// The document qr_matrix_svg writes, as a view node (an `svg` element with
/// its `rect` and `path` children, attributes in the same order), so that
/// the login flow puts the QR code into the page as elements, not markup.
/// Serialised by to_html it is the same drawing with end tags instead of
/// self-closing ones.
Node qr_matrix_node(const QrMatrix& matrix);

/// qr_matrix, then qr_matrix_node. Fails with payload_too_long when the text
/// does not fit.
Result<Node> qr_node(std::string_view text, QrEcc ecc = QrEcc::medium);

}  // namespace sls
