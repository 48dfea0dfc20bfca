#include "sls/view.hpp"

#include <array>

namespace sls {

// ---------------------------------------------------------------------------
// Node

Node& Node::attr(std::string_view name, std::string_view value) & {
  for (auto& a : attributes) {
    if (a.name == name) {
      a.value.assign(value);
      return *this;
    }
  }
  attributes.push_back(Attribute{std::string(name), std::string(value)});
  return *this;
}

Node& Node::with_key(std::string_view k) & {
  key.assign(k);
  return *this;
}

Node& Node::on(std::string_view event, std::string_view action) & {
  for (auto& e : events) {
    if (e.event == event) {
      e.action.assign(action);
      return *this;
    }
  }
  events.push_back(EventBinding{std::string(event), std::string(action)});
  return *this;
}

Node& Node::add(Node child) & {
  children.push_back(std::move(child));
  return *this;
}

Node& Node::add_text(std::string_view t) & {
  children.push_back(sls::text(t));
  return *this;
}

const std::string* Node::find_attr(std::string_view name) const noexcept {
  for (const auto& a : attributes)
    if (a.name == name) return &a.value;
  return nullptr;
}

const Node* Node::find_by_id(std::string_view id) const noexcept {
  if (kind == Kind::element) {
    if (const auto* v = find_attr("id"); v && *v == id) return this;
  }
  for (const auto& c : children)
    if (const auto* found = c.find_by_id(id)) return found;
  return nullptr;
}

std::string Node::text_content() const {
  if (kind == Kind::text) return text;
  std::string out;
  for (const auto& c : children) out += c.text_content();
  return out;
}

Node element(std::string_view tag) {
  Node n;
  n.kind = Node::Kind::element;
  n.tag.assign(tag);
  return n;
}

Node text(std::string_view t) {
  Node n;
  n.kind = Node::Kind::text;
  n.text.assign(t);
  return n;
}

bool is_void_element(std::string_view tag) noexcept {
  static constexpr std::array<std::string_view, 13> kVoid{"area", "base", "br",   "col",   "embed", "hr",  "img",
                                                           "input", "link", "meta", "source", "track", "wbr"};
  for (auto v : kVoid)
    if (v == tag) return true;
  return false;
}

// ---------------------------------------------------------------------------
// HTML

namespace {

void append_escaped_text(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
}

void append_escaped_attr(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
}

void append_start_tag(std::string& out, const Node& n) {
  out += '<';
  out += n.tag;
  for (const auto& a : n.attributes) {
    out += ' ';
    out += a.name;
    out += "=\"";
    append_escaped_attr(out, a.value);
    out += '"';
  }
  for (const auto& e : n.events) {
    out += " data-on-";
    out += e.event;
    out += "=\"";
    append_escaped_attr(out, e.action);
    out += '"';
  }
  out += '>';
}

bool all_text(const Node& n) noexcept {
  for (const auto& c : n.children)
    if (c.kind != Node::Kind::text) return false;
  return true;
}

void write_compact(std::string& out, const Node& n) {
  if (n.kind == Node::Kind::text) {
    append_escaped_text(out, n.text);
    return;
  }
  append_start_tag(out, n);
  if (is_void_element(n.tag)) return;
  for (const auto& c : n.children) write_compact(out, c);
  out += "</";
  out += n.tag;
  out += '>';
}

void write_indented(std::string& out, const Node& n, std::size_t depth) {
  out.append(depth * 2, ' ');
  if (n.kind == Node::Kind::text) {
    append_escaped_text(out, n.text);
    out += '\n';
    return;
  }
  if (is_void_element(n.tag)) {
    append_start_tag(out, n);
    out += '\n';
    return;
  }
  if (all_text(n)) {
    write_compact(out, n);
    out += '\n';
    return;
  }
  append_start_tag(out, n);
  out += '\n';
  for (const auto& c : n.children) write_indented(out, c, depth + 1);
  out.append(depth * 2, ' ');
  out += "</";
  out += n.tag;
  out += ">\n";
}

}  // namespace

std::string to_html(const Node& node, HtmlLayout layout) {
  std::string out;
  if (layout == HtmlLayout::compact) write_compact(out, node);
  else write_indented(out, node, 0);
  return out;
}

// ---------------------------------------------------------------------------
// SVG reader

namespace {

constexpr std::size_t kSvgMaxDepth = 8;

class SvgReader {
 public:
  explicit SvgReader(std::string_view s) : s_(s) {}

  Result<Node> read_document() {
    skip_ws();
    auto root = read_element(1);
    if (!root) return root;
    skip_ws();
    if (pos_ != s_.size()) return error("unexpected text after the root element");
    if (root->tag != "svg") return error("the root element is not svg");
    return root;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;

  static Error error(std::string_view reason) { return fail(Errc::bad_argument, {"svg", reason}); }

  bool at_end() const noexcept { return pos_ >= s_.size(); }
  void skip_ws() noexcept {
    while (!at_end() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r')) ++pos_;
  }
  static bool name_char(char c, bool first) noexcept {
    // SVG names are case-sensitive ("viewBox"); ':' for "xmlns:xlink".
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (!first && ((c >= '0' && c <= '9') || c == '-' || c == ':'));
  }
  std::string_view read_name() noexcept {
    const std::size_t start = pos_;
    while (!at_end() && name_char(s_[pos_], pos_ == start)) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  Result<Node> read_element(std::size_t depth) {
    if (depth > kSvgMaxDepth) return error("nesting too deep");
    if (at_end() || s_[pos_] != '<') return error("expected '<'");
    ++pos_;
    const auto tag = read_name();
    if (tag.empty()) return error("expected an element name");
    Node n = element(tag);
    for (;;) {
      const std::size_t before = pos_;
      skip_ws();
      if (at_end()) return error("unterminated start tag");
      if (s_.substr(pos_, 2) == "/>") {
        pos_ += 2;
        return n;
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      if (pos_ == before) return error("expected whitespace before an attribute");
      const auto name = read_name();
      if (name.empty()) return error("expected an attribute name");
      if (n.find_attr(name)) return error("duplicate attribute");
      if (s_.substr(pos_, 2) != "=\"") return error("expected =\" after an attribute name");
      pos_ += 2;
      const std::size_t start = pos_;
      while (!at_end() && s_[pos_] != '"') {
        if (s_[pos_] == '<' || s_[pos_] == '&') return error("markup in an attribute value");
        ++pos_;
      }
      if (at_end()) return error("unterminated attribute value");
      n.attr(name, s_.substr(start, pos_ - start));
      ++pos_;
    }
    for (;;) {
      skip_ws();
      if (at_end()) return error("unterminated element");
      if (s_.substr(pos_, 2) == "</") {
        pos_ += 2;
        if (read_name() != tag) return error("mismatched end tag");
        skip_ws();
        if (at_end() || s_[pos_] != '>') return error("expected '>'");
        ++pos_;
        return n;
      }
      if (s_[pos_] != '<') return error("text content is not supported");
      auto child = read_element(depth + 1);
      if (!child) return child;
      n.add(std::move(*child));
    }
  }
};

}  // namespace

Result<Node> svg_to_node(std::string_view svg) { return SvgReader(svg).read_document(); }

}  // namespace sls
