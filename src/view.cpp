// The view tree: building nodes and serialising them as HTML (see sls/view.hpp).
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
  static constexpr std::array<std::string_view, 13> kVoid{"area",  "base", "br",   "col",    "embed", "hr", "img",
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

// Writes "<tag" and the attributes, leaving the tag open.
void append_tag_and_attributes(std::string& out, const Node& n) {
  out += '<';
  out += n.tag;
  for (const auto& a : n.attributes) {
    out += ' ';
    out += a.name;
    out += "=\"";
    append_escaped_attr(out, a.value);
    out += '"';
  }
}

void append_start_tag(std::string& out, const Node& n) {
  append_tag_and_attributes(out, n);
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

void write_xml(std::string& out, const Node& n) {
  if (n.kind == Node::Kind::text) {
    append_escaped_text(out, n.text);
    return;
  }
  append_tag_and_attributes(out, n);
  if (n.children.empty()) {
    out += "/>";
    return;
  }
  out += '>';
  for (const auto& c : n.children) write_xml(out, c);
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
  if (layout == HtmlLayout::compact)
    write_compact(out, node);
  else
    write_indented(out, node, 0);
  return out;
}

std::string to_xml(const Node& node) {
  std::string out;
  write_xml(out, node);
  return out;
}

}  // namespace sls
