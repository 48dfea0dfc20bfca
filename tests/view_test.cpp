#include "sls/view.hpp"

#include <gtest/gtest.h>

#include "sls/qr_svg.hpp"

namespace sls {
namespace {

TEST(View, ElementWithAttributesAndText) {
  const Node n = element("p").attr("id", "x").attr("part", "hint").add_text("Hello");
  EXPECT_EQ(to_html(n), R"(<p id="x" part="hint">Hello</p>)");
}

TEST(View, AttributeOrderIsKeptAndSetReplacesInPlace) {
  Node n = element("input").attr("type", "text").attr("id", "a").attr("maxlength", "6");
  n.attr("type", "password");
  EXPECT_EQ(to_html(n), R"(<input type="password" id="a" maxlength="6">)");
}

TEST(View, EscapesText) {
  EXPECT_EQ(to_html(element("p").add_text("a < b && c > \"d\" 'e'")),
            "<p>a &lt; b &amp;&amp; c &gt; \"d\" 'e'</p>");
  EXPECT_EQ(to_html(text("<script>alert(1)</script>")), "&lt;script&gt;alert(1)&lt;/script&gt;");
  // Already-escaped text is escaped again: text is never markup.
  EXPECT_EQ(to_html(text("&amp;")), "&amp;amp;");
}

TEST(View, EscapesAttributes) {
  const Node n = element("button").attr("value", R"~(x" onclick="evil()" <b>&)~");
  EXPECT_EQ(to_html(n), R"(<button value="x&quot; onclick=&quot;evil()&quot; &lt;b&gt;&amp;"></button>)");
}

TEST(View, VoidElementsHaveNoEndTag) {
  for (const char* tag : {"input", "br", "img", "hr", "meta", "link", "wbr"}) {
    EXPECT_TRUE(is_void_element(tag)) << tag;
    EXPECT_EQ(to_html(element(tag)), std::string("<") + tag + ">");
  }
  for (const char* tag : {"div", "button", "svg", "path", "textarea", "span"}) {
    EXPECT_FALSE(is_void_element(tag)) << tag;
    EXPECT_EQ(to_html(element(tag)), std::string("<") + tag + "></" + tag + ">");
  }
  // Children of a void element are not written.
  EXPECT_EQ(to_html(element("input").add_text("lost")), "<input>");
}

TEST(View, EventBindingsAreWrittenAsDataAttributes) {
  Node b = element("button").attr("type", "button").on("click", "choose_device").attr("value", "dev-1");
  b.on("click", "cancel");  // replaces the earlier binding of the same event
  b.on("keydown", "key");
  EXPECT_EQ(to_html(b), R"(<button type="button" value="dev-1" data-on-click="cancel" data-on-keydown="key"></button>)");
  ASSERT_EQ(b.events.size(), 2u);
}

TEST(View, KeysAreNotWritten) {
  EXPECT_EQ(to_html(element("li").with_key("k1").add_text("x")), "<li>x</li>");
}

TEST(View, NestedCompactAndIndented) {
  const Node tree = element("form")
                        .attr("id", "f")
                        .on("submit", "submit")
                        .add(element("label").attr("for", "c").add_text("Code"))
                        .add(element("input").attr("id", "c"))
                        .add(element("p").add_text("one ").add(element("strong").add_text("two")));
  EXPECT_EQ(to_html(tree),
            R"(<form id="f" data-on-submit="submit"><label for="c">Code</label><input id="c"><p>one <strong>two</strong></p></form>)");
  EXPECT_EQ(to_html(tree, HtmlLayout::indented),
            "<form id=\"f\" data-on-submit=\"submit\">\n"
            "  <label for=\"c\">Code</label>\n"
            "  <input id=\"c\">\n"
            "  <p>\n"
            "    one \n"
            "    <strong>two</strong>\n"
            "  </p>\n"
            "</form>\n");
}

TEST(View, FindByIdAndTextContent) {
  const Node tree = element("div").add(element("p").attr("id", "a").add_text("x")).add(
      element("div").add(element("span").attr("id", "b").add_text("y").add(element("em").add_text("z"))));
  ASSERT_NE(tree.find_by_id("b"), nullptr);
  EXPECT_EQ(tree.find_by_id("b")->tag, "span");
  EXPECT_EQ(tree.find_by_id("b")->text_content(), "yz");
  EXPECT_EQ(tree.find_by_id("missing"), nullptr);
  EXPECT_EQ(tree.text_content(), "xyz");
  EXPECT_EQ(tree.find_attr("id"), nullptr);
}

TEST(View, Equality) {
  EXPECT_EQ(element("a").attr("x", "1"), element("a").attr("x", "1"));
  EXPECT_NE(element("a").attr("x", "1"), element("a").attr("x", "2"));
  EXPECT_NE(element("a").with_key("1"), element("a").with_key("2"));
  EXPECT_NE(element("a").on("click", "x"), element("a"));
}

TEST(SvgToNode, ReadsTheQrSvg) {
  auto svg = qr_svg("https://example.test/login?x=1");
  ASSERT_TRUE(svg.ok());
  auto node = svg_to_node(*svg);
  ASSERT_TRUE(node.ok()) << node.error().args.at(1);
  EXPECT_EQ(node->tag, "svg");
  ASSERT_NE(node->find_attr("viewBox"), nullptr);
  ASSERT_EQ(node->children.size(), 2u);
  EXPECT_EQ(node->children[0].tag, "rect");
  EXPECT_EQ(node->children[1].tag, "path");
  ASSERT_NE(node->children[1].find_attr("d"), nullptr);
  EXPECT_FALSE(node->children[1].find_attr("d")->empty());
  // Serialising the nodes gives back the same drawing (end tags instead of
  // self-closing ones).
  std::string expected = *svg;
  for (std::string::size_type p; (p = expected.find("/>")) != std::string::npos;) {
    const auto open = expected.rfind('<', p);
    const auto name_end = expected.find(' ', open);
    const std::string name = expected.substr(open + 1, name_end - open - 1);
    expected.replace(p, 2, "></" + name + ">");
  }
  EXPECT_EQ(to_html(*node), expected);
}

TEST(SvgToNode, AcceptsWhitespaceAndNesting) {
  auto node = svg_to_node("  <svg a=\"1\">\n  <g>\n <path d=\"M0 0\" /></g> </svg>\n");
  ASSERT_TRUE(node.ok());
  ASSERT_EQ(node->children.size(), 1u);
  EXPECT_EQ(node->children[0].tag, "g");
  EXPECT_EQ(node->children[0].children[0].find_attr("d") ? *node->children[0].children[0].find_attr("d") : "",
            "M0 0");
}

TEST(SvgToNode, RefusesAnythingElse) {
  for (const char* bad : {
           "",
           "<div></div>",                           // root is not svg
           "<svg>",                                 // unterminated
           "<svg></g>",                             // mismatched end tag
           "<svg>text</svg>",                       // text content
           "<svg><!-- c --></svg>",                 // comment
           "<svg a='1'></svg>",                     // single quotes
           "<svg a=\"&amp;\"></svg>",               // entity
           "<svg a=\"<\"></svg>",                   // markup in a value
           "<svg a=\"1\" a=\"2\"></svg>",           // duplicate attribute
           "<svg a=\"1\"b=\"2\"></svg>",            // no whitespace between attributes
           "<svg a></svg>",                         // attribute without value
           "<svg></svg><svg></svg>",                // two roots
           "<?xml version=\"1.0\"?><svg></svg>",    // processing instruction
           "<svg><script></script>x</svg>",         // text after a child
           "<svg a=\"1></svg>",                     // unterminated value
       }) {
    auto r = svg_to_node(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.code(), Errc::bad_argument);
    }
  }
  std::string deep;
  for (int i = 0; i < 9; ++i) deep += i == 0 ? "<svg>" : "<g>";
  for (int i = 8; i >= 0; --i) deep += i == 0 ? "</svg>" : "</g>";
  EXPECT_FALSE(svg_to_node(deep).ok());
}

}  // namespace
}  // namespace sls
