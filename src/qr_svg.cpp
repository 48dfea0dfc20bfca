#include "sls/qr_svg.hpp"

#include <qrcodegen.hpp>

#include <algorithm>
#include <string>

namespace sls {
namespace {

using qrcodegen::QrCode;
using qrcodegen::QrSegment;

constexpr std::string_view kAlphanumericSet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

bool is_numeric(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_alphanumeric(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c != '\0' && kAlphanumericSet.find(c) != std::string_view::npos; });
}

// Data codewords of a version-40 symbol per level (ISO/IEC 18004 table 7).
constexpr std::size_t data_bits_at_version_40(QrEcc ecc) noexcept {
  switch (ecc) {
    case QrEcc::low: return 2956 * 8;
    case QrEcc::medium: return 2334 * 8;
    case QrEcc::quartile: return 1666 * 8;
    case QrEcc::high: return 1276 * 8;
  }
  return 0;
}

// Bits of one segment at version 40: 4-bit mode indicator, character count
// (14, 13, 16 bits for numeric, alphanumeric, bytes), then the data.
std::size_t segment_bits_at_version_40(std::string_view text) noexcept {
  const std::size_t n = text.size();
  if (n == 0) return 0;  // no segment at all
  if (is_numeric(text)) return 4 + 14 + n / 3 * 10 + (n % 3 == 0 ? 0 : n % 3 == 1 ? 4 : 7);
  if (is_alphanumeric(text)) return 4 + 13 + n / 2 * 11 + n % 2 * 6;
  return 4 + 16 + n * 8;
}

QrCode::Ecc to_qrcodegen(QrEcc ecc) noexcept {
  switch (ecc) {
    case QrEcc::low: return QrCode::Ecc::LOW;
    case QrEcc::medium: return QrCode::Ecc::MEDIUM;
    case QrEcc::quartile: return QrCode::Ecc::QUARTILE;
    case QrEcc::high: return QrCode::Ecc::HIGH;
  }
  return QrCode::Ecc::MEDIUM;
}

QrEcc from_qrcodegen(QrCode::Ecc ecc) noexcept {
  switch (ecc) {
    case QrCode::Ecc::LOW: return QrEcc::low;
    case QrCode::Ecc::MEDIUM: return QrEcc::medium;
    case QrCode::Ecc::QUARTILE: return QrEcc::quartile;
    case QrCode::Ecc::HIGH: return QrEcc::high;
  }
  return QrEcc::medium;
}

// The segment QR-Code-generator's makeSegments would choose, built from a
// string_view so that embedded NUL bytes are encoded rather than ending the
// text. Numeric and alphanumeric text contains no NUL, so the std::string
// copy handed to the const char* factories is the whole text.
std::vector<QrSegment> make_segments(std::string_view text) {
  std::vector<QrSegment> segments;
  if (text.empty()) return segments;
  if (is_numeric(text)) {
    segments.push_back(QrSegment::makeNumeric(std::string(text).c_str()));
  } else if (is_alphanumeric(text)) {
    segments.push_back(QrSegment::makeAlphanumeric(std::string(text).c_str()));
  } else {
    segments.push_back(QrSegment::makeBytes(std::vector<std::uint8_t>(text.begin(), text.end())));
  }
  return segments;
}

void append_int(std::string& out, int value) { out += std::to_string(value); }

}  // namespace

bool qr_fits(std::string_view text, QrEcc ecc) noexcept {
  return segment_bits_at_version_40(text) <= data_bits_at_version_40(ecc);
}

Result<QrMatrix> qr_matrix(std::string_view text, QrEcc ecc) {
  if (!qr_fits(text, ecc)) return fail(Errc::payload_too_long);
  // Fits at version 40 by the check above, so encodeSegments finds a version
  // and does not throw; the remaining arguments are its documented defaults.
  const QrCode code = QrCode::encodeSegments(make_segments(text), to_qrcodegen(ecc),
                                             QrCode::MIN_VERSION, QrCode::MAX_VERSION, -1, true);
  QrMatrix m;
  m.version = code.getVersion();
  m.ecc = from_qrcodegen(code.getErrorCorrectionLevel());
  m.size = code.getSize();
  m.modules.resize(static_cast<std::size_t>(m.size) * static_cast<std::size_t>(m.size));
  for (int y = 0; y < m.size; ++y)
    for (int x = 0; x < m.size; ++x)
      m.modules[static_cast<std::size_t>(y) * static_cast<std::size_t>(m.size) + static_cast<std::size_t>(x)] =
          code.getModule(x, y);
  return m;
}

std::string qr_matrix_svg(const QrMatrix& matrix) {
  const int side = matrix.size + 2 * qr_quiet_zone_modules;
  const std::string side_text = std::to_string(side);

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
      if (first) {
        path += 'M';
        append_int(path, svg_x);
        path += ' ';
        append_int(path, svg_y);
        first = false;
      } else {
        path += 'm';
        append_int(path, svg_x - start_x);
        path += ' ';
        append_int(path, svg_y - start_y);
      }
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

  std::string svg;
  svg.reserve(path.size() + 200);
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ";
  svg += side_text;
  svg += ' ';
  svg += side_text;
  svg += "\" shape-rendering=\"crispEdges\"><rect width=\"";
  svg += side_text;
  svg += "\" height=\"";
  svg += side_text;
  svg += "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  svg += path;
  svg += "\"/></svg>";
  return svg;
}

Result<std::string> qr_svg(std::string_view text, QrEcc ecc) {
  auto matrix = qr_matrix(text, ecc);
  if (!matrix) return matrix.error();
  return qr_matrix_svg(*matrix);
}

}  // namespace sls
