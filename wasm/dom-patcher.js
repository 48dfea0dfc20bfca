//# allFunctionsCalledOnLoad
// The DOM patcher of the SLS component: applies the view tree that the
// WebAssembly core renders (see ViewNode in web/sls-core.d.ts) to a container
// element, and routes DOM events bound in the view back to one callback.
//
// It builds the page through the DOM alone: createElement / createElementNS,
// setAttribute / removeAttribute, Text nodes. It never parses markup (no
// innerHTML, outerHTML or insertAdjacentHTML), so text from users and servers
// can only ever be text, and it needs nothing that a strict
// Content-Security-Policy forbids.
//
// The diff is keyed and minimal, so that what the user is doing survives a
// re-render (the core re-renders the whole tree after every keystroke):
//  - siblings with a key are matched by (tag, key); siblings without one are
//    matched in order, by kind and tag; everything else is created or removed;
//  - an unchanged node is not touched; a changed text is one write to its
//    Text node; moves are the fewest the keyed order needs;
//  - an input keeps its value, focus and caret: the patcher writes an
//    input's `value` property only when the view gives a `value` attribute
//    and the input does not have focus. An input without a `value` attribute
//    is uncontrolled (passwords, codes): its value is never touched. The
//    view clears such a field by giving it a new key (a new, empty input);
//  - nodes the patcher did not create (fallback content, the icons that
//    password managers and other extensions insert beside fields) are left
//    where they are, and attributes it did not set are left alone.
//
// Ships beside the module (web/dist/dom-patcher.js, copied by the build);
// an ES module with no imports and no global state.
//
// V8's explicit compile hint above (first line, Chromium 136 and later): the
// patcher's functions are compiled when it arrives, not while it draws the
// first screen.

/** The namespace of `svg` elements and their descendants (the QR code). */
export const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

// Elements that would run code or load resources: a view never has them, and
// if one ever did (a bug in the core), patching stops instead of creating it.
const FORBIDDEN_TAGS = new Set([
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'link', 'meta', 'base', 'template',
]);

/**
 * Refuses names that would run code: inline event handlers ("on...") and
 * srcdoc. Event bindings go through the view's `on` list instead.
 */
function checkAttributeName(name) {
  const lower = name.toLowerCase();
  if (lower.startsWith('on') || lower === 'srcdoc') {
    throw new TypeError(`dom-patcher: refusing attribute "${name}"`);
  }
}

/** Namespace declarations are implied by createElementNS, not set. */
function isNamespaceDeclaration(name) {
  return name === 'xmlns' || name.startsWith('xmlns:');
}

/** The value an event reports: the bound element's `value` if it is text. */
function valueOf(element) {
  return typeof element.value === 'string' ? element.value : '';
}

/**
 * The longest increasing subsequence of `positions` (entries < 0 excluded),
 * as a set of indices into `positions`. The nodes it names keep their place;
 * only the others move.
 */
function longestIncreasingRun(positions) {
  const tails = []; // tails[k]: index whose position ends a run of length k + 1
  const previous = new Array(positions.length).fill(-1);
  for (let i = 0; i < positions.length; i += 1) {
    const p = positions[i];
    if (p < 0) continue;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (positions[tails[mid]] < p) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const keep = new Set();
  for (let i = tails.length > 0 ? tails[tails.length - 1] : -1; i >= 0; i = previous[i]) keep.add(i);
  return keep;
}

/**
 * Creates a patcher for `container`.
 *
 * @param {Element} container Where the view goes. Its children that the
 *   patcher did not create are never moved or removed.
 * @param {(action: string, value: string, event: Event) => void} dispatch
 *   Called for every DOM event the view binds: `action` from the view,
 *   `value` the bound element's `value` property if it is a string (an
 *   input's text, a button's value attribute), else "". A bound `submit`
 *   has its default (navigation) prevented, and first reports every bound
 *   `input` of the form with its current value, in document order: browsers
 *   and password managers may fill fields without firing input events.
 * @returns {{patch(view: object | readonly object[] | null): void, dispose(): void}}
 *   `patch` makes the container's own children match `view` (one node, a
 *   list, or null for none). A view that asks for an element or attribute
 *   that runs code (script, style, iframe, "on..." handlers, ...) stops it
 *   with a TypeError, the DOM partly patched: the core never renders one.
 *   `dispose` stops dispatching; the DOM stays as it is.
 */
export function createPatcher(container, dispatch) {
  const doc = container.ownerDocument;
  /** Nodes this patcher created (others are foreign). */
  const owned = new WeakSet();
  /** Element → {tag, key, attrs: Set of names set, events: Map type → action}. */
  const meta = new WeakMap();
  let disposed = false;

  function listener(event) {
    if (disposed) return;
    const element = event.currentTarget;
    const action = meta.get(element)?.events.get(event.type);
    if (action === undefined) return;
    if (event.type === 'submit') {
      event.preventDefault();
      // Collected first: dispatching re-renders.
      const fields = [];
      for (const control of element.elements ?? []) {
        const inputAction = meta.get(control)?.events.get('input');
        if (inputAction !== undefined) fields.push([inputAction, valueOf(control)]);
      }
      for (const [fieldAction, value] of fields) dispatch(fieldAction, value, event);
    }
    dispatch(action, valueOf(element), event);
  }

  function create(vnode, namespace) {
    if (vnode.tag === '#text') {
      const text = doc.createTextNode(vnode.text);
      owned.add(text);
      return text;
    }
    const tag = String(vnode.tag);
    if (FORBIDDEN_TAGS.has(tag.toLowerCase())) throw new TypeError(`dom-patcher: refusing element <${tag}>`);
    const ns = tag === 'svg' ? SVG_NAMESPACE : namespace;
    const element = ns === SVG_NAMESPACE ? doc.createElementNS(SVG_NAMESPACE, tag) : doc.createElement(tag);
    owned.add(element);
    meta.set(element, { tag, key: vnode.key || '', ns, attrs: new Set(), events: new Map() });
    update(element, vnode);
    return element;
  }

  /** Brings a matched element up to date with its view node. */
  function update(element, vnode) {
    const m = meta.get(element);
    const named = new Set();
    let value = null;
    for (const [name, text] of vnode.attrs ?? []) {
      checkAttributeName(name);
      if (isNamespaceDeclaration(name)) continue;
      named.add(name);
      if (name === 'value') value = text;
      if (element.getAttribute(name) !== text) element.setAttribute(name, text);
    }
    for (const name of m.attrs) if (!named.has(name)) element.removeAttribute(name);
    m.attrs = named;
    // The value attribute is only the default once the user has typed; the
    // property is what shows. Never under the user's caret.
    if (value !== null && m.tag === 'input' && element.value !== value && doc.activeElement !== element) {
      element.value = value;
    }

    const events = new Map(vnode.on ?? []);
    for (const type of events.keys()) if (!m.events.has(type)) element.addEventListener(type, listener);
    for (const type of m.events.keys()) if (!events.has(type)) element.removeEventListener(type, listener);
    m.events = events;

    patchChildren(element, vnode.children ?? [], m.ns);
  }

  function compatible(node, vnode, namespace) {
    if (vnode.tag === '#text') return node.nodeType === 3;
    const m = meta.get(node);
    if (!m || m.tag !== vnode.tag) return false;
    return m.ns === (vnode.tag === 'svg' ? SVG_NAMESPACE : namespace);
  }

  function patchChildren(parent, vnodes, namespace) {
    const old = [];
    for (let n = parent.firstChild; n !== null; n = n.nextSibling) if (owned.has(n)) old.push(n);
    const position = new Map(old.map((n, i) => [n, i]));
    const keyed = new Map();
    const unkeyed = [];
    for (const n of old) {
      const m = meta.get(n);
      if (m && m.key) keyed.set(`${m.tag}\u0000${m.key}`, n);
      else unkeyed.push(n);
    }

    // Match: keyed by (tag, key); unkeyed in order, skipping old nodes that
    // no longer fit (so an inserted node does not shift every later match).
    const next = [];
    const used = new Set();
    let cursor = 0;
    for (const vnode of vnodes) {
      let node = null;
      if (vnode.tag !== '#text' && vnode.key) {
        const candidate = keyed.get(`${vnode.tag}\u0000${vnode.key}`);
        if (candidate !== undefined && !used.has(candidate) && compatible(candidate, vnode, namespace)) node = candidate;
      } else {
        for (let j = cursor; j < unkeyed.length; j += 1) {
          if (compatible(unkeyed[j], vnode, namespace)) {
            node = unkeyed[j];
            cursor = j + 1;
            break;
          }
        }
      }
      if (node === null) {
        node = create(vnode, namespace);
      } else {
        used.add(node);
        if (vnode.tag === '#text') {
          if (node.data !== vnode.text) node.data = vnode.text;
        } else {
          update(node, vnode);
        }
      }
      next.push(node);
    }

    for (const n of old) if (!used.has(n)) parent.removeChild(n);

    // Place: nodes on the longest run of unchanged relative order stay; each
    // other node goes right before its successor, placed from the end.
    const keep = longestIncreasingRun(next.map((n) => (used.has(n) ? position.get(n) : -1)));
    for (let i = next.length - 1; i >= 0; i -= 1) {
      if (keep.has(i)) continue;
      const anchor = i + 1 < next.length ? next[i + 1] : null;
      if (next[i].nextSibling !== anchor || next[i].parentNode !== parent) parent.insertBefore(next[i], anchor);
    }
  }

  function patch(view) {
    const vnodes = view === null || view === undefined ? [] : Array.isArray(view) ? view : [view];
    // Focus and caret, in case a move took them (a moved element loses focus).
    const active = doc.activeElement;
    const inside = active !== null && active !== container && container.contains(active);
    let selection = null;
    if (inside) {
      try {
        if (typeof active.selectionStart === 'number') {
          selection = [active.selectionStart, active.selectionEnd, active.selectionDirection];
        }
      } catch {
        selection = null; // inputs without a caret (type=email, number) throw
      }
    }

    patchChildren(container, vnodes, container.namespaceURI === SVG_NAMESPACE ? SVG_NAMESPACE : null);

    if (inside && active.isConnected && doc.activeElement !== active) {
      active.focus({ preventScroll: true });
      if (selection !== null) {
        try {
          active.setSelectionRange(selection[0], selection[1], selection[2] ?? undefined);
        } catch {
          // the element has no caret
        }
      }
    }
  }

  return {
    patch,
    dispose() {
      disposed = true;
    },
  };
}
