/**
 * @jest-environment jsdom
 */
// The DOM patcher (wasm/dom-patcher.js) on hand-written view trees: what it
// builds, what a re-render changes (counted with a MutationObserver), keys,
// focus and caret, event routing, and that it never parses markup.
'use strict';

const { loadPatcher, watchHtmlParsing } = require('./support/login-element.cjs');

const { createPatcher, SVG_NAMESPACE } = loadPatcher();
const HTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';

// --- view builders (the shape the bindings return; see web/sls-core.d.ts) -----

/** An element node: el('p', {key, attrs: {...} | [[n, v]], on: {...}}, ...children). */
function el(tag, options = {}, ...children) {
  const attrs = Array.isArray(options.attrs) ? options.attrs : Object.entries(options.attrs ?? {});
  return {
    tag,
    key: options.key ?? '',
    attrs,
    on: Object.entries(options.on ?? {}),
    children: children.map((c) => (typeof c === 'string' ? t(c) : c)),
  };
}

function t(text) {
  return { tag: '#text', text };
}

/** Every mutation record a patch causes under `root`, delivered synchronously. */
function mutationsOf(root, run) {
  const observer = new MutationObserver(() => {});
  observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
  run();
  const records = observer.takeRecords();
  observer.disconnect();
  return records;
}

// No markup is ever parsed: every HTML-parsing entry point is watched for
// the whole file and must stay unused.
let htmlParsing;
beforeAll(() => { htmlParsing = watchHtmlParsing(); });
afterAll(() => {
  htmlParsing.restore();
  expect(htmlParsing.calls).toEqual([]);
});

let container;
let actions;
let patcher;
beforeEach(() => {
  document.body.replaceChildren();
  container = document.createElement('div');
  document.body.append(container);
  actions = [];
  patcher = createPatcher(container, (action, value, event) => actions.push({ action, value, type: event.type }));
});

describe('building', () => {
  test('elements, attributes in order, and text nodes', () => {
    patcher.patch(el('section', { attrs: [['id', 's'], ['part', 'screen'], ['data-screen', 'x']] },
      el('h2', { attrs: { tabindex: '-1' } }, 'Title'), 'loose text'));
    const section = container.firstChild;
    expect(section.namespaceURI).toBe(HTML_NAMESPACE);
    expect(section.tagName).toBe('SECTION');
    expect(section.getAttributeNames()).toEqual(['id', 'part', 'data-screen']);
    expect(section.childNodes).toHaveLength(2);
    expect(section.childNodes[0].textContent).toBe('Title');
    expect(section.childNodes[1].nodeType).toBe(Node.TEXT_NODE);
    expect(section.childNodes[1].data).toBe('loose text');
  });

  test('text that looks like markup stays text', () => {
    const hostile = '<img src=x onerror="alert(1)"><b>bold</b>&amp;';
    patcher.patch(el('p', {}, hostile));
    expect(container.querySelector('img, b')).toBeNull();
    expect(container.firstChild.textContent).toBe(hostile);
    expect(container.firstChild.childNodes).toHaveLength(1);
  });

  test('an svg and its descendants are in the SVG namespace; case-sensitive names are kept', () => {
    patcher.patch(el('figure', {},
      el('svg', { attrs: [['xmlns', SVG_NAMESPACE], ['viewBox', '0 0 29 29'], ['role', 'img']] },
        el('rect', { attrs: { width: '29', height: '29', fill: '#fff' } }),
        el('path', { attrs: { d: 'M4 4h1v1h-1z' } })),
      el('figcaption', {}, 'Scan me')));
    const svg = container.querySelector('svg');
    expect(svg.namespaceURI).toBe(SVG_NAMESPACE);
    expect(svg.getAttribute('viewBox')).toBe('0 0 29 29');
    // The namespace comes from createElementNS, not from an attribute.
    expect(svg.hasAttribute('xmlns')).toBe(false);
    for (const child of svg.children) expect(child.namespaceURI).toBe(SVG_NAMESPACE);
    expect(container.querySelector('figcaption').namespaceURI).toBe(HTML_NAMESPACE);
  });

  test('a view asking for code to run is refused', () => {
    expect(() => patcher.patch(el('div', {}, el('script', {}, 'alert(1)')))).toThrow(TypeError);
    expect(container.querySelector('script')).toBeNull();
    expect(() => patcher.patch(el('button', { attrs: { onclick: 'alert(1)' } }))).toThrow(/onclick/);
    expect(() => patcher.patch(el('div', {}, el('iframe')))).toThrow(TypeError);
  });
});

describe('re-rendering', () => {
  const view = (hint) => el('form', { attrs: { part: 'form' } },
    el('label', { attrs: { for: 'f' } }, 'Code'),
    el('input', { key: 'code-1', attrs: { id: 'f', name: 'code' }, on: { input: 'input:code' } }),
    el('p', { attrs: { part: 'hint' } }, hint));

  test('the same view changes nothing', () => {
    patcher.patch(view('hint'));
    const before = [...container.querySelectorAll('*')];
    const records = mutationsOf(container, () => patcher.patch(view('hint')));
    expect(records).toHaveLength(0);
    expect([...container.querySelectorAll('*')]).toEqual(before);
  });

  test('a changed text is one write to its Text node', () => {
    patcher.patch(view('6 characters'));
    const text = container.querySelector('p').firstChild;
    const records = mutationsOf(container, () => patcher.patch(view('5 characters')));
    expect(records).toHaveLength(1);
    expect(records[0].type).toBe('characterData');
    expect(records[0].target).toBe(text);
    expect(text.data).toBe('5 characters');
  });

  test('attributes: changed and removed as the view says; others\' attributes are left alone', () => {
    patcher.patch(el('input', { attrs: { id: 'f', 'aria-invalid': 'true', 'aria-describedby': 'h e' } }));
    const input = container.firstChild;
    input.setAttribute('data-password-manager', 'icon'); // added by an extension
    const records = mutationsOf(container, () => patcher.patch(el('input', { attrs: { id: 'f', 'aria-describedby': 'h' } })));
    expect(records.map((r) => [r.type, r.attributeName]).sort()).toEqual(
      [['attributes', 'aria-describedby'], ['attributes', 'aria-invalid']]);
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    expect(input.getAttribute('aria-describedby')).toBe('h');
    expect(input.getAttribute('data-password-manager')).toBe('icon');
    expect(container.firstChild).toBe(input);
  });

  test('nodes the patcher did not create stay where they are', () => {
    const fallback = document.createElement('p');
    fallback.textContent = 'Loading…';
    container.append(fallback);
    patcher.patch(el('div', { attrs: { class: 'row' } }, el('input', { key: 'i' })));
    expect(container.firstChild).toBe(fallback);
    const row = container.querySelector('.row');
    const icon = document.createElement('span'); // a password manager's icon beside the field
    row.append(icon);
    patcher.patch(el('div', { attrs: { class: 'row' } }, el('input', { key: 'i' }), el('p', {}, 'hint')));
    expect(row.contains(icon)).toBe(true);
    expect(container.firstChild).toBe(fallback);
    patcher.patch(null);
    expect([...container.childNodes]).toEqual([fallback]);
    expect(row.isConnected).toBe(false);
  });

  test('keyed siblings keep their nodes when reordered, with the fewest moves', () => {
    const list = (keys) => el('ul', {}, ...keys.map((k) => el('li', { key: k }, k)));
    patcher.patch(list(['a', 'b', 'c', 'd']));
    const nodes = Object.fromEntries([...container.querySelectorAll('li')].map((li) => [li.textContent, li]));
    const records = mutationsOf(container, () => patcher.patch(list(['d', 'a', 'b', 'c'])));
    expect([...container.querySelectorAll('li')]).toEqual([nodes.d, nodes.a, nodes.b, nodes.c]);
    const added = records.flatMap((r) => [...r.addedNodes]);
    expect(added).toEqual([nodes.d]); // one move: d; a, b and c stay
  });

  test('an unkeyed node inserted in the middle does not disturb its later siblings', () => {
    patcher.patch(el('section', {}, el('h2', {}, 'T'), el('form', {}), el('div', {}, 'actions')));
    const [h2, form, div] = container.firstChild.children;
    const records = mutationsOf(container, () => patcher.patch(
      el('section', {}, el('h2', {}, 'T'), el('p', {}, 'note'), el('form', {}), el('div', {}, 'actions'))));
    expect([...container.firstChild.children]).toEqual([h2, container.querySelector('p'), form, div]);
    expect(records).toHaveLength(1);
    expect([...records[0].addedNodes]).toEqual([container.querySelector('p')]);
  });

  test('a new key is a new element: a typed value does not carry over', () => {
    patcher.patch(el('input', { key: 'password-1', attrs: { type: 'password' } }));
    const first = container.firstChild;
    first.value = 'typed';
    patcher.patch(el('input', { key: 'password-2', attrs: { type: 'password' } }));
    expect(container.firstChild).not.toBe(first);
    expect(container.firstChild.value).toBe('');
    expect(first.isConnected).toBe(false);
  });

  test('a changed tag replaces the node', () => {
    patcher.patch(el('div', {}, el('p', {}, 'x')));
    const p = container.querySelector('p');
    patcher.patch(el('div', {}, el('span', {}, 'x')));
    expect(p.isConnected).toBe(false);
    expect(container.querySelector('span').textContent).toBe('x');
  });
});

describe('inputs, focus and caret', () => {
  test('an uncontrolled input keeps what the user typed across renders', () => {
    const view = (hint) => el('div', {}, el('input', { key: 'c', attrs: { name: 'code' } }), el('p', {}, hint));
    patcher.patch(view('a'));
    const input = container.querySelector('input');
    input.value = 'A3D X9';
    patcher.patch(view('b'));
    expect(input.value).toBe('A3D X9');
    expect(input.hasAttribute('value')).toBe(false);
  });

  test('a controlled value is written only while the input does not have focus', () => {
    const view = (value) => el('input', { key: 'u', attrs: { name: 'username', value } });
    patcher.patch(view('alice'));
    const input = container.firstChild;
    expect(input.value).toBe('alice');
    input.focus();
    input.value = 'alic'; // the user is typing
    input.setSelectionRange(2, 2);
    patcher.patch(view('bob'));
    expect(input.value).toBe('alic');
    expect(input.selectionStart).toBe(2);
    input.blur();
    patcher.patch(view('bob'));
    expect(input.value).toBe('bob');
  });

  test('focus and caret survive a render that moves the focused field', () => {
    const view = (order) => el('form', {}, ...order.map((k) => el('div', { key: k },
      el('input', { key: `in-${k}`, attrs: { id: k } }))));
    patcher.patch(view(['a', 'b']));
    const b = container.querySelector('#b');
    b.value = 'hello world';
    b.focus();
    b.setSelectionRange(3, 7);
    patcher.patch(view(['b', 'a'])); // a stays, b moves: a move drops focus
    expect(container.querySelector('form').firstChild.firstChild).toBe(b);
    expect(document.activeElement).toBe(b);
    expect([b.selectionStart, b.selectionEnd]).toEqual([3, 7]);
    expect(b.value).toBe('hello world');
  });
});

describe('events', () => {
  test('a bound event reaches the callback with the action and the element\'s value', () => {
    patcher.patch(el('div', {},
      el('button', { attrs: { type: 'button', value: 'device-7' }, on: { click: 'choose_device' } }, 'Card'),
      el('p', { on: { click: 'nothing_to_report' } }, 'text')));
    container.querySelector('button').click();
    container.querySelector('p').click();
    expect(actions).toEqual([
      { action: 'choose_device', value: 'device-7', type: 'click' },
      { action: 'nothing_to_report', value: '', type: 'click' },
    ]);
  });

  test('bindings follow the view without adding listeners twice', () => {
    const add = jest.spyOn(EventTarget.prototype, 'addEventListener');
    patcher.patch(el('button', { on: { click: 'retry' } }));
    const button = container.firstChild;
    patcher.patch(el('button', { on: { click: 'restart' } }));
    expect(add.mock.calls.filter(([type]) => type === 'click')).toHaveLength(1);
    add.mockRestore();
    button.click();
    patcher.patch(el('button', {}));
    button.click();
    expect(actions.map((a) => a.action)).toEqual(['restart']);
  });

  test('submit: no navigation, and fields filled without input events are reported first', () => {
    patcher.patch(el('form', { on: { submit: 'submit' } },
      el('input', { key: 'u', attrs: { name: 'username' }, on: { input: 'input:username' } }),
      el('input', { key: 'p', attrs: { name: 'password', type: 'password' }, on: { input: 'input:password' } }),
      el('input', { key: 'x', attrs: { name: 'unbound' } }),
      el('button', { attrs: { type: 'submit' } }, 'Log in')));
    const [user, pass] = container.querySelectorAll('input');
    user.value = 'alice';
    user.dispatchEvent(new Event('input', { bubbles: true }));
    pass.value = 'filled by a password manager'; // no input event
    const event = new Event('submit', { bubbles: true, cancelable: true });
    container.querySelector('form').dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(actions).toEqual([
      { action: 'input:username', value: 'alice', type: 'input' },
      { action: 'input:username', value: 'alice', type: 'submit' },
      { action: 'input:password', value: 'filled by a password manager', type: 'submit' },
      { action: 'submit', value: '', type: 'submit' },
    ]);
  });

  test('after dispose nothing is dispatched', () => {
    patcher.patch(el('button', { on: { click: 'cancel' } }));
    patcher.dispose();
    container.firstChild.click();
    expect(actions).toEqual([]);
  });
});
