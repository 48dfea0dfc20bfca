// QR codes: the symbol from QR-Code-generator's C API, and its drawing as SVG text and as a view node.
#include "sls/qr_svg.hpp"

#include <qrcodegen.h>

#include <algorithm>
#include <array>
#include <string>

namespace sls {
namespace {

// The generator's symbol and work buffers, large enough for every version.
// Two of them live on the stack during an encoding (about 8 KB).
using QrBuffer = std::array<std::uint8_t, qrcodegen_BUFFER_LEN_MAX>;

// The QR alphanumeric set; it includes the digits. Text made only of these
// characters is packed denser than bytes (numeric or alphanumeric mode).
constexpr std::string_view kAlphanumericSet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

bool in_alphanumeric_set(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c != '\0' && kAlphanumericSet.find(c) != std::string_view::npos; });
}

qrcodegen_Ecc to_qrcodegen(QrEcc ecc) noexcept {
  switch (ecc) {
    case QrEcc::low: return qrcodegen_Ecc_LOW;
    case QrEcc::medium: return qrcodegen_Ecc_MEDIUM;
    case QrEcc::quartile: return qrcodegen_Ecc_QUARTILE;
    case QrEcc::high: return qrcodegen_Ecc_HIGH;
  }
  return qrcodegen_Ecc_MEDIUM;
}

// Encodes `text` into `symbol` as the smallest version at level `ecc` or
// better (`work` is the generator's scratch space). False when the text does
// not fit a version-40 symbol at that level. qrcodegen_Mask_AUTO chooses the
// mask by the standard's penalty rules; a fixed mask skips that search.
bool encode(std::string_view text, QrEcc ecc, qrcodegen_Mask mask, QrBuffer& work, QrBuffer& symbol) {
  const qrcodegen_Ecc level = to_qrcodegen(ecc);
  if (in_alphanumeric_set(text)) {
    // encodeText picks numeric mode for digits, else alphanumeric, and makes
    // no segment for empty text. It reads a NUL-terminated string; text in
    // this set holds no NUL, so the copy is the whole text.
    const std::string terminated(text);
    return qrcodegen_encodeText(terminated.c_str(), work.data(), symbol.data(), level, qrcodegen_VERSION_MIN,
                                qrcodegen_VERSION_MAX, mask, true);
  }
  // Byte mode, the bytes as they are (NUL included). encodeBinary takes them
  // in its work buffer; more bytes than that buffer holds cannot fit a
  // symbol either (a version-40 symbol holds fewer data bytes).
  if (text.size() > work.size()) return false;
  std::transform(text.begin(), text.end(), work.begin(), [](char c) { return static_cast<std::uint8_t>(c); });
  return qrcodegen_encodeBinary(work.data(), text.size(), symbol.data(), level, qrcodegen_VERSION_MIN,
                                qrcodegen_VERSION_MAX, mask, true);
}

// The level a symbol was drawn with. The generator raises the level asked
// for when the version chosen has room for a higher one, and does not say
// which it used, so the level is read back from the symbol's format
// information (ISO/IEC 18004 §7.9): its two top bits, XORed with 10 by the
// format mask, are modules (0, 8) and (1, 8); the level codes are L 01,
// M 00, Q 11, H 10.
QrEcc drawn_level(const QrMatrix& m) noexcept {
  const int code = (m.dark(0, 8) ? 0 : 2) | (m.dark(1, 8) ? 1 : 0);
  switch (code) {
    case 1: return QrEcc::low;
    case 0: return QrEcc::medium;
    case 3: return QrEcc::quartile;
    default: return QrEcc::high;
  }
}

void append_int(std::string& out, int value) { out += std::to_string(value); }

// The path data drawing every dark module of `matrix`, shifted by the quiet
// zone: each run of dark modules in a row is one closed rectangle
// "m dx dy h w v1 h-w z", relative to the previous run's start ("M x y" for
// the first). Empty when no module is dark.
std::string path_data(const QrMatrix& matrix) {
  std::string path;
  bool first = true;
  int start_x = 0, start_y = 0;  // start of the previous run: where "z" leaves the pen
  for (int y = 0; y < matrix.size; ++y) {
    for (int x = 0; x < matrix.size;) {
      if (!matrix.dark(x, y)) {
        ++x;
        continue;
      }
      int width = 1;
      while (matrix.dark(x + width, y)) ++width;
      const int svg_x = x + qr_quiet_zone_modules, svg_y = y + qr_quiet_zone_modules;
      path += first ? 'M' : 'm';
      append_int(path, first ? svg_x : svg_x - start_x);
      path += ' ';
      append_int(path, first ? svg_y : svg_y - start_y);
      first = false;
      path += 'h';
      append_int(path, width);
      path += "v1h-";
      append_int(path, width);
      path += 'z';
      start_x = svg_x;
      start_y = svg_y;
      x += width;
    }
  }
  return path;
}

}  // namespace

bool qr_fits(std::string_view text, QrEcc ecc) {
  QrBuffer work, symbol;
  return encode(text, ecc, qrcodegen_Mask_0, work, symbol);
}

Result<QrMatrix> qr_matrix(std::string_view text, QrEcc ecc) {
  QrBuffer work, symbol;
  if (!encode(text, ecc, qrcodegen_Mask_AUTO, work, symbol)) return fail(Errc::payload_too_long);
  QrMatrix m;
  m.size = qrcodegen_getSize(symbol.data());
  m.version = (m.size - 17) / 4;
  m.modules.resize(static_cast<std::size_t>(m.size) * static_cast<std::size_t>(m.size));
  for (int y = 0; y < m.size; ++y)
    for (int x = 0; x < m.size; ++x)
      m.modules[static_cast<std::size_t>(y) * static_cast<std::size_t>(m.size) + static_cast<std::size_t>(x)] =
          qrcodegen_getModule(symbol.data(), x, y);
  m.ecc = drawn_level(m);
  return m;
}

Node qr_matrix_node(const QrMatrix& matrix) {
  const std::string side = std::to_string(matrix.size + 2 * qr_quiet_zone_modules);
  return element("svg")
      .attr("xmlns", "http://www.w3.org/2000/svg")
      .attr("viewBox", "0 0 " + side + " " + side)
      .attr("shape-rendering", "crispEdges")
      .add(element("rect").attr("width", side).attr("height", side).attr("fill", "#fff"))
      .add(element("path").attr("fill", "#000").attr("d", path_data(matrix)));
}

std::string qr_matrix_svg(const QrMatrix& matrix) { return to_xml(qr_matrix_node(matrix)); }

Result<std::string> qr_svg(std::string_view text, QrEcc ecc) {
  auto matrix = qr_matrix(text, ecc);
  if (!matrix) return matrix.error();
  return qr_matrix_svg(*matrix);
}

Result<Node> qr_node(std::string_view text, QrEcc ecc) {
  auto matrix = qr_matrix(text, ecc);
  if (!matrix) return matrix.error();
  return qr_matrix_node(*matrix);
}

}  // namespace sls
