// The view: a small tree of elements and text that the core renders and the
// browser shell applies to the page (SPEC §1, "functional core, imperative
// shell").
//
// The DOM patcher in wasm/ turns a Node into DOM nodes with createElement /
// createElementNS, setAttribute and text nodes only (never innerHTML), and
// diffs children by key. Natively, to_html serialises the same tree so that
// snapshot tests show exactly what the user gets, event bindings included.
//
// Conventions the patcher relies on:
//  - Tags and attribute names are ASCII written by the core, never user input
//    (lower-case, except SVG's case-sensitive names such as viewBox); attribute values and text may hold anything (they
//    are escaped by to_html and set as plain values by the patcher).
//  - An `svg` element and all of its descendants are in the SVG namespace
//    (http://www.w3.org/2000/svg); everything else is HTML.
//  - Event bindings map a DOM event to an action name. The shell reports an
//    event as {action, value} where value is the target's `value` property
//    (the text of an input, the value attribute of a button; "" otherwise).
//    A "submit" binding on a form must also prevent the default navigation.
//  - An input without a `value` attribute is uncontrolled: the patcher must
//    not touch what the user typed (the core never puts a password or a code
//    back into the page). An input whose key changes is a new, empty field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sls {

/// One attribute; the order of a node's attributes is kept as written.
struct Attribute {
  std::string name;
  std::string value;

  friend bool operator==(const Attribute&, const Attribute&) = default;
};

/// A DOM event ("click", "input", "submit", ...) bound to an action name of
/// the login flow ("submit", "input:code", "choose_device", ...).
struct EventBinding {
  std::string event;
  std::string action;

  friend bool operator==(const EventBinding&, const EventBinding&) = default;
};

/// An element or a text node. Built with element() and text() and the
/// chaining setters below; plain data otherwise (copyable, comparable).
struct Node {
  enum class Kind : std::uint8_t { element, text };

  Kind kind = Kind::element;
  /// Element: the tag name, e.g. "button". Text: empty.
  std::string tag;
  /// Text: the characters shown (never markup). Element: empty.
  std::string text;
  /// Element: identifies the element among its siblings across renders, so
  /// the patcher keeps (or, when it changes, replaces) the same DOM node.
  /// Empty: matched by position. Keys are unique among siblings.
  std::string key;
  std::vector<Attribute> attributes;
  std::vector<EventBinding> events;
  std::vector<Node> children;

  /// Sets an attribute (replacing an earlier value of the same name, keeping
  /// its position). Returns *this for chaining.
  Node& attr(std::string_view name, std::string_view value) &;
  Node&& attr(std::string_view name, std::string_view value) && { return std::move(attr(name, value)); }
  /// Sets the key.
  Node& with_key(std::string_view k) &;
  Node&& with_key(std::string_view k) && { return std::move(with_key(k)); }
  /// Binds a DOM event to an action (replacing an earlier binding of the
  /// same event).
  Node& on(std::string_view event, std::string_view action) &;
  Node&& on(std::string_view event, std::string_view action) && { return std::move(on(event, action)); }
  /// Appends a child element or text node.
  Node& add(Node child) &;
  Node&& add(Node child) && { return std::move(add(std::move(child))); }
  /// Appends a text child.
  Node& add_text(std::string_view t) &;
  Node&& add_text(std::string_view t) && { return std::move(add_text(t)); }

  /// The value of attribute `name`, or nullptr when absent.
  const std::string* find_attr(std::string_view name) const noexcept;
  /// The first element in this subtree (this node included, depth first)
  /// whose `id` attribute is `id`; nullptr when there is none.
  const Node* find_by_id(std::string_view id) const noexcept;
  /// The concatenated text of this subtree's text nodes, in order.
  std::string text_content() const;

  friend bool operator==(const Node&, const Node&) = default;
};

/// An element with the given tag name.
Node element(std::string_view tag);
/// A text node.
Node text(std::string_view t);

/// Whether `tag` is an HTML void element (area, base, br, col, embed, hr,
/// img, input, link, meta, source, track, wbr): no children, no end tag.
bool is_void_element(std::string_view tag) noexcept;

/// How to_html lays out its output.
enum class HtmlLayout : std::uint8_t {
  /// Exactly the tree: no whitespace added.
  compact,
  /// One element per line, indented by two spaces per level; an element
  /// whose children are all text stays on one line. For golden files that
  /// people review; adds whitespace between elements.
  indented,
};

/// Serialises a tree as HTML. Text escapes & < > (and U+00A0 stays as is);
/// attribute values are double-quoted and escape & " < >. Void elements get
/// no end tag (their children, which they should not have, are dropped);
/// every other element gets one, SVG elements included. Each event binding
/// is written as an attribute data-on-EVENT="ACTION" after the element's own
/// attributes, so that snapshots show the bindings; keys are not written.
/// Never fails.
std::string to_html(const Node& node, HtmlLayout layout = HtmlLayout::compact);

/// Serialises a tree as XML (a standalone SVG document): escaping as to_html,
/// but a childless element is self-closing (`<path d="..."/>`) and every
/// other element gets an end tag; event bindings and keys are not written.
/// Never fails.
std::string to_xml(const Node& node);

}  // namespace sls
