#include <gtest/gtest.h>

#include "sls/view.hpp"

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
  EXPECT_EQ(to_html(element("p").add_text("a < b && c > \"d\" 'e'")), "<p>a &lt; b &amp;&amp; c &gt; \"d\" 'e'</p>");
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
  EXPECT_EQ(to_html(b),
            R"(<button type="button" value="dev-1" data-on-click="cancel" data-on-keydown="key"></button>)");
  ASSERT_EQ(b.events.size(), 2u);
}

TEST(View, KeysAreNotWritten) { EXPECT_EQ(to_html(element("li").with_key("k1").add_text("x")), "<li>x</li>"); }

TEST(View, NestedCompactAndIndented) {
  const Node tree = element("form")
                        .attr("id", "f")
                        .on("submit", "submit")
                        .add(element("label").attr("for", "c").add_text("Code"))
                        .add(element("input").attr("id", "c"))
                        .add(element("p").add_text("one ").add(element("strong").add_text("two")));
  EXPECT_EQ(
      to_html(tree),
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
  const Node tree =
      element("div")
          .add(element("p").attr("id", "a").add_text("x"))
          .add(element("div").add(element("span").attr("id", "b").add_text("y").add(element("em").add_text("z"))));
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

TEST(View, ToXmlSelfClosesChildlessElementsAndEscapes) {
  const Node tree = element("svg")
                        .attr("viewBox", "0 0 2 2")
                        .add(element("rect").attr("fill", "#fff"))
                        .add(element("g").attr("data-x", "a\"<&").add(text("t<")))
                        .on("click", "ignored");
  EXPECT_EQ(to_xml(tree),
            "<svg viewBox=\"0 0 2 2\"><rect fill=\"#fff\"/><g data-x=\"a&quot;&lt;&amp;\">t&lt;</g></svg>");
}

}  // namespace
}  // namespace sls
