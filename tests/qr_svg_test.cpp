// Tests of the QR module: the matrix against the generator's own symbol, the
// level and capacity limits of the standard, and the SVG text and view node.
#include <gtest/gtest.h>

// QR-Code-generator's C library is a private dependency of the core; the test
// links it too, to compare the core's matrix with the generator's own symbol.
#include <qrcodegen.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sls/qr_svg.hpp"
#include "sls/view.hpp"

namespace sls {
namespace {

// A typical signed payload text (tests/vectors/signed_payloads.json, first
// valid entry): 194 characters of the QR alphanumeric set.
constexpr std::string_view kTypicalPayload =
    "SLS1.AEAACAQDAQCQMBYIBEFAWDANBYHQBJ5FAAAAAADJKW4QAGLIOR2HA4Z2F4XWY33HNFXC4ZLYMFWXA3DFFZRW63K4PNQQA3IT2U4KXC"
    "RC4W3TE26P2BD4AKC6V2AZBIEMTQCKYHCBAJA3D6CMN5IJ5JGCZACY3DRPDQB4TT5JNEDKMH2LFJTITHDH562Q2";

// The value of attribute `name` in the first element whose text starts at
// `element` (e.g. "<path").
std::string attribute(const std::string& svg, std::string_view element, std::string_view name) {
  auto at = svg.find(element);
  if (at == std::string::npos) return "<no element>";
  auto end = svg.find('>', at);
  auto key = " " + std::string(name) + "=\"";
  auto k = svg.find(key, at);
  if (k == std::string::npos || k > end) return "<no attribute>";
  k += key.size();
  return svg.substr(k, svg.find('"', k) - k);
}

std::size_t count(const std::string& haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

// Parses the path grammar qr_matrix_svg documents ("M x y" or "m dx dy",
// then "h w v1 h-w z" per run) back into a side × side grid. Fails the test
// on any other token, on a run that overlaps another, and on two runs that
// touch (runs must be maximal).
std::vector<std::vector<bool>> rasterize(std::string_view d, int side) {
  std::vector<std::vector<bool>> grid(static_cast<std::size_t>(side),
                                      std::vector<bool>(static_cast<std::size_t>(side)));
  std::size_t i = 0;
  auto number = [&]() -> int {
    std::size_t start = i;
    if (i < d.size() && d[i] == '-') ++i;
    while (i < d.size() && std::isdigit(static_cast<unsigned char>(d[i]))) ++i;
    EXPECT_GT(i, start) << "number expected at " << start;
    return std::stoi(std::string(d.substr(start, i - start)));
  };
  auto expect = [&](char c) {
    EXPECT_LT(i, d.size());
    if (i < d.size()) {
      EXPECT_EQ(d[i], c) << "at " << i;
    }
    ++i;
  };
  int x = 0, y = 0;
  bool first = true;
  while (i < d.size()) {
    char command = d[i++];
    EXPECT_EQ(command, first ? 'M' : 'm') << "at " << i - 1;
    int a = number();
    expect(' ');
    int b = number();
    if (first) {
      x = a;
      y = b;
    } else {
      x += a;
      y += b;
    }
    first = false;
    expect('h');
    int w = number();
    expect('v');
    EXPECT_EQ(number(), 1);
    expect('h');
    EXPECT_EQ(number(), -w);
    expect('z');
    EXPECT_GT(w, 0);
    EXPECT_TRUE(y >= 0 && y < side && x >= 0 && x + w <= side) << x << "," << y << " w " << w;
    if (!(y >= 0 && y < side && x >= 0 && x + w <= side)) break;
    auto& row = grid[static_cast<std::size_t>(y)];
    if (x > 0) {
      EXPECT_FALSE(row[static_cast<std::size_t>(x - 1)]) << "runs touch at " << x << "," << y;
    }
    for (int k = 0; k < w; ++k) {
      EXPECT_FALSE(row[static_cast<std::size_t>(x + k)]) << "overlap at " << x + k << "," << y;
      row[static_cast<std::size_t>(x + k)] = true;
    }
    if (x + w < side) {
      EXPECT_FALSE(row[static_cast<std::size_t>(x + w)]) << "runs touch at " << x + w << "," << y;
    }
  }
  return grid;
}

// Checks that the SVG's single path draws exactly the dark modules of m,
// shifted by the quiet zone, and nothing in the quiet zone.
void expect_svg_matches(const std::string& svg, const QrMatrix& m) {
  const int side = m.size + 2 * qr_quiet_zone_modules;
  const std::string s = std::to_string(side);
  EXPECT_EQ(attribute(svg, "<svg", "viewBox"), "0 0 " + s + " " + s);
  const auto grid = rasterize(attribute(svg, "<path", "d"), side);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x)
      ASSERT_EQ(grid[static_cast<std::size_t>(y)][static_cast<std::size_t>(x)],
                m.dark(x - qr_quiet_zone_modules, y - qr_quiet_zone_modules))
          << "module " << x << "," << y;
}

// The generator's own symbol for `text`, through its C API directly:
// encodeText (which chooses the segment mode itself) when the text has no
// NUL, else encodeBinary.
void expect_same_as_generator(const QrMatrix& m, const std::string& text, qrcodegen_Ecc level) {
  std::array<std::uint8_t, qrcodegen_BUFFER_LEN_MAX> work{}, symbol{};
  bool encoded = false;
  if (text.find('\0') == std::string::npos) {
    encoded = qrcodegen_encodeText(text.c_str(), work.data(), symbol.data(), level, qrcodegen_VERSION_MIN,
                                   qrcodegen_VERSION_MAX, qrcodegen_Mask_AUTO, true);
  } else {
    std::transform(text.begin(), text.end(), work.begin(), [](char c) { return static_cast<std::uint8_t>(c); });
    encoded = qrcodegen_encodeBinary(work.data(), text.size(), symbol.data(), level, qrcodegen_VERSION_MIN,
                                     qrcodegen_VERSION_MAX, qrcodegen_Mask_AUTO, true);
  }
  ASSERT_TRUE(encoded);
  const int size = qrcodegen_getSize(symbol.data());
  ASSERT_EQ(m.size, size);
  EXPECT_EQ(m.version, (size - 17) / 4);
  ASSERT_EQ(m.modules.size(), static_cast<std::size_t>(m.size * m.size));
  for (int y = 0; y < m.size; ++y)
    for (int x = 0; x < m.size; ++x) ASSERT_EQ(m.dark(x, y), qrcodegen_getModule(symbol.data(), x, y)) << x << "," << y;
}

// Finder pattern with its top-left corner at (x0, y0): a dark 7×7 ring, a
// light ring, a dark 3×3 centre.
void expect_finder(const QrMatrix& m, int x0, int y0) {
  for (int dy = 0; dy < 7; ++dy)
    for (int dx = 0; dx < 7; ++dx) {
      int ring = std::max(std::abs(dx - 3), std::abs(dy - 3));
      EXPECT_EQ(m.dark(x0 + dx, y0 + dy), ring != 2) << x0 + dx << "," << y0 + dy;
    }
}

TEST(QrMatrix, TypicalPayloadMatchesTheGenerator) {
  auto m = qr_matrix(kTypicalPayload);
  ASSERT_TRUE(m.ok());
  expect_same_as_generator(*m, std::string(kTypicalPayload), qrcodegen_Ecc_MEDIUM);
  // 194 alphanumeric characters fit version 8 at level medium (49 modules).
  EXPECT_EQ(m->version, 8);
  EXPECT_EQ(m->size, 17 + 4 * m->version);
  expect_finder(*m, 0, 0);
  expect_finder(*m, m->size - 7, 0);
  expect_finder(*m, 0, m->size - 7);
  EXPECT_TRUE(m->dark(8, m->size - 8));    // the "dark module" every symbol has
  for (int i = 8; i < m->size - 8; ++i) {  // timing patterns alternate
    EXPECT_EQ(m->dark(i, 6), i % 2 == 0);
    EXPECT_EQ(m->dark(6, i), i % 2 == 0);
  }
}

TEST(QrMatrix, EveryModeAndLevelMatchesTheGenerator) {
  const std::vector<std::string> texts = {"0123456789", "HELLO WORLD $%*+-./:", "https://login.example.com",
                                          "登入請求 登录请求", std::string(kTypicalPayload)};
  const QrEcc levels[] = {QrEcc::low, QrEcc::medium, QrEcc::quartile, QrEcc::high};
  const qrcodegen_Ecc generator_levels[] = {qrcodegen_Ecc_LOW, qrcodegen_Ecc_MEDIUM, qrcodegen_Ecc_QUARTILE,
                                            qrcodegen_Ecc_HIGH};
  for (const auto& text : texts) {
    for (int l = 0; l < 4; ++l) {
      SCOPED_TRACE(text + " level " + std::to_string(l));
      auto m = qr_matrix(text, levels[l]);
      ASSERT_TRUE(m.ok());
      expect_same_as_generator(*m, text, generator_levels[l]);
      EXPECT_GE(static_cast<int>(m->ecc), l);  // boosted, never lowered
    }
  }
}

TEST(QrMatrix, EmbeddedNulIsEncodedNotTruncated) {
  const std::string text("a\0b", 3);
  auto m = qr_matrix(text);
  ASSERT_TRUE(m.ok());
  expect_same_as_generator(*m, text, qrcodegen_Ecc_MEDIUM);
  EXPECT_TRUE(qr_fits(text, QrEcc::medium));
  auto only_a = qr_matrix("a");
  ASSERT_TRUE(only_a.ok());
  EXPECT_NE(m->modules, only_a->modules);
}

TEST(QrMatrix, EmptyTextGivesTheSmallestSymbol) {
  auto m = qr_matrix("");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->version, 1);
  EXPECT_EQ(m->size, 21);
  expect_same_as_generator(*m, "", qrcodegen_Ecc_MEDIUM);
  EXPECT_TRUE(qr_fits("", QrEcc::high));
  auto svg = qr_svg("");
  ASSERT_TRUE(svg.ok());
  expect_svg_matches(*svg, *m);
}

// The generator raises the level asked for to the highest one the smallest
// version has room for; the matrix reports the level used. ISO/IEC 18004
// table 7, byte mode: version 1 holds 17, 14, 11, 7 bytes at L, M, Q, H;
// version 2 holds 32, 26, 20, 14; version 3 holds 53, 42, 32, 24.
TEST(QrMatrix, ReportsTheLevelActuallyUsed) {
  struct Case {
    std::size_t bytes;
    QrEcc asked;
    int version;
    QrEcc used;
  };
  const Case cases[] = {{1, QrEcc::low, 1, QrEcc::high},       {7, QrEcc::low, 1, QrEcc::high},
                        {8, QrEcc::low, 1, QrEcc::quartile},   {11, QrEcc::medium, 1, QrEcc::quartile},
                        {12, QrEcc::low, 1, QrEcc::medium},    {14, QrEcc::medium, 1, QrEcc::medium},
                        {15, QrEcc::low, 1, QrEcc::low},       {15, QrEcc::medium, 2, QrEcc::quartile},
                        {21, QrEcc::quartile, 3, QrEcc::high}, {27, QrEcc::medium, 3, QrEcc::quartile}};
  for (const auto& c : cases) {
    SCOPED_TRACE(std::to_string(c.bytes) + " bytes asked at " + std::to_string(static_cast<int>(c.asked)));
    auto m = qr_matrix(std::string(c.bytes, 'q'), c.asked);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->version, c.version);
    EXPECT_EQ(m->ecc, c.used);
  }
}

TEST(QrMatrix, DarkIsFalseOutsideTheSymbol) {
  auto m = qr_matrix("x");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->dark(0, 0));  // finder corner
  EXPECT_FALSE(m->dark(-1, 0));
  EXPECT_FALSE(m->dark(0, -1));
  EXPECT_FALSE(m->dark(m->size, 0));
  EXPECT_FALSE(m->dark(0, m->size));
}

TEST(QrCapacity, LimitsPerModeAndLevel) {
  struct Limit {
    QrEcc ecc;
    std::size_t numeric, alphanumeric, bytes;
  };
  // ISO/IEC 18004 table 7, version 40.
  const Limit limits[] = {{QrEcc::low, 7089, 4296, 2953},
                          {QrEcc::medium, 5596, 3391, 2331},
                          {QrEcc::quartile, 3993, 2420, 1663},
                          {QrEcc::high, 3057, 1852, 1273}};
  for (const auto& limit : limits) {
    SCOPED_TRACE(static_cast<int>(limit.ecc));
    const std::pair<char, std::size_t> modes[] = {{'7', limit.numeric}, {'Q', limit.alphanumeric}, {'q', limit.bytes}};
    for (auto [fill, capacity] : modes) {
      SCOPED_TRACE(std::string(1, fill));
      EXPECT_TRUE(qr_fits(std::string(capacity, fill), limit.ecc));
      EXPECT_FALSE(qr_fits(std::string(capacity + 1, fill), limit.ecc));
      // The largest text is accepted by the generator: at version 40.
      auto m = qr_matrix(std::string(capacity, fill), limit.ecc);
      ASSERT_TRUE(m.ok());
      EXPECT_EQ(m->version, 40);
      EXPECT_EQ(qr_matrix(std::string(capacity + 1, fill), limit.ecc).code(), Errc::payload_too_long);
      EXPECT_EQ(qr_svg(std::string(capacity + 1, fill), limit.ecc).code(), Errc::payload_too_long);
    }
  }
  // One byte outside the alphanumeric set makes the whole text byte mode.
  EXPECT_FALSE(qr_fits(std::string(2331, 'Q') + "q", QrEcc::medium));
  EXPECT_FALSE(qr_fits(std::string(100000, '1'), QrEcc::low));
}

TEST(QrSvg, PathCoversExactlyTheDarkModules) {
  for (std::string_view text : {kTypicalPayload, std::string_view("https://login.example.com"),
                                std::string_view("12345678"), std::string_view("登入")}) {
    SCOPED_TRACE(std::string(text));
    auto m = qr_matrix(text);
    auto svg = qr_svg(text);
    ASSERT_TRUE(m.ok());
    ASSERT_TRUE(svg.ok());
    expect_svg_matches(*svg, *m);
    EXPECT_EQ(*svg, qr_matrix_svg(*m));
  }
}

TEST(QrSvg, DocumentShape) {
  auto svg = qr_svg(kTypicalPayload);
  ASSERT_TRUE(svg.ok());
  EXPECT_EQ(svg->rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" ", 0), 0u);
  EXPECT_EQ(svg->substr(svg->size() - 6), "</svg>");
  EXPECT_EQ(attribute(*svg, "<svg", "shape-rendering"), "crispEdges");
  EXPECT_EQ(attribute(*svg, "<svg", "width"), "<no attribute>");
  EXPECT_EQ(attribute(*svg, "<svg", "height"), "<no attribute>");
  EXPECT_EQ(count(*svg, "<path"), 1u);
  EXPECT_EQ(count(*svg, "<"), 4u);  // <svg>, <rect/>, <path/>, </svg>: nothing else
  EXPECT_EQ(attribute(*svg, "<rect", "fill"), "#fff");
  EXPECT_EQ(attribute(*svg, "<rect", "width"), "57");
  EXPECT_EQ(attribute(*svg, "<path", "fill"), "#000");
  // Compact: well under the 10 bytes per dark module of a naive rectangle list.
  std::size_t dark = 0;
  auto m = qr_matrix(kTypicalPayload);
  for (bool b : m->modules) dark += b;
  EXPECT_LT(svg->size(), dark * 10);
}

TEST(QrSvg, HandBuiltMatrixGivesTheExactPath) {
  // ##.
  // ...
  // .##
  QrMatrix m{1, QrEcc::medium, 3, {true, true, false, false, false, false, false, true, true}};
  EXPECT_EQ(qr_matrix_svg(m),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 11 11\" shape-rendering=\"crispEdges\">"
            "<rect width=\"11\" height=\"11\" fill=\"#fff\"/>"
            "<path fill=\"#000\" d=\"M4 4h2v1h-2zm1 2h2v1h-2z\"/></svg>");
  QrMatrix light{1, QrEcc::medium, 2, {false, false, false, false}};
  EXPECT_EQ(attribute(qr_matrix_svg(light), "<path", "d"), "");
  QrMatrix runs{1, QrEcc::medium, 4, std::vector<bool>(16, true)};
  runs.modules[1] = false;  // row 0: #.## ; rows 1-3 full
  EXPECT_EQ(attribute(qr_matrix_svg(runs), "<path", "d"),
            "M4 4h1v1h-1zm2 0h2v1h-2zm-2 1h4v1h-4zm0 1h4v1h-4zm0 1h4v1h-4z");
}

TEST(QrSvg, Deterministic) { EXPECT_EQ(qr_svg(kTypicalPayload).value(), qr_svg(kTypicalPayload).value()); }

// The SVG text with every self-closing tag written as a start and an end tag,
// as to_html writes elements.
std::string with_end_tags(std::string svg) {
  for (std::string::size_type p; (p = svg.find("/>")) != std::string::npos;) {
    const auto open = svg.rfind('<', p);
    const auto name_end = svg.find(' ', open);
    svg.replace(p, 2, "></" + svg.substr(open + 1, name_end - open - 1) + ">");
  }
  return svg;
}

TEST(QrNode, IsTheSvgDocumentAsElements) {
  for (std::string_view text : {kTypicalPayload, std::string_view("https://example.test/login?x=1"),
                                std::string_view("12345678"), std::string_view("")}) {
    SCOPED_TRACE(std::string(text));
    auto node = qr_node(text);
    auto svg = qr_svg(text);
    auto m = qr_matrix(text);
    ASSERT_TRUE(node.ok());
    ASSERT_TRUE(svg.ok());
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(*node, qr_matrix_node(*m));
    EXPECT_EQ(node->tag, "svg");
    ASSERT_EQ(node->children.size(), 2u);
    EXPECT_EQ(node->children[0].tag, "rect");
    EXPECT_EQ(node->children[1].tag, "path");
    for (const auto& child : node->children) EXPECT_TRUE(child.children.empty());
    // The same drawing as the SVG text, attribute for attribute.
    EXPECT_EQ(to_html(*node), with_end_tags(*svg));
  }
}

TEST(QrNode, HandBuiltMatrixGivesTheExactElements) {
  QrMatrix m{1, QrEcc::medium, 3, {true, true, false, false, false, false, false, true, true}};
  EXPECT_EQ(to_html(qr_matrix_node(m)),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 11 11\" shape-rendering=\"crispEdges\">"
            "<rect width=\"11\" height=\"11\" fill=\"#fff\"></rect>"
            "<path fill=\"#000\" d=\"M4 4h2v1h-2zm1 2h2v1h-2z\"></path></svg>");
}

TEST(QrNode, TextTooLongIsRefused) {
  EXPECT_EQ(qr_node(std::string(2954, 'q'), QrEcc::low).code(), Errc::payload_too_long);
  EXPECT_EQ(qr_node(std::string(1274, 'q'), QrEcc::high).code(), Errc::payload_too_long);
  EXPECT_TRUE(qr_node(std::string(1273, 'q'), QrEcc::high).ok());
}

}  // namespace
}  // namespace sls
