// Shared by the jsdom suites of the component: loads <sls-login> (web/sls-login.js,
// registered by web/sls-login-define.js as a page would) and the DOM patcher
// (wasm/dom-patcher.js) from source through esm.cjs, and
// the Node flavour of the WebAssembly core through core.cjs, wired together
// with SlsLogin.setLoader (Jest cannot import() the browser module).
'use strict';

const path = require('node:path');
const util = require('node:util');
const { repoRoot, loadCore } = require('./core.cjs');
const { requireEsm } = require('./esm.cjs');

/**
 * jsdom has no TextEncoder / TextDecoder; every browser does, and the
 * bindings use them to move strings (secrets included) without stray copies
 * in the module's heap. Node's own classes stand in.
 */
function installTextCodecs(global = globalThis) {
  if (typeof global.TextEncoder === 'undefined') global.TextEncoder = util.TextEncoder;
  if (typeof global.TextDecoder === 'undefined') global.TextDecoder = util.TextDecoder;
}

/** The patcher module, as the browser gets it (an ES module). */
function loadPatcher() {
  return requireEsm(path.join(repoRoot, 'wasm', 'dom-patcher.js'));
}

/**
 * Loads the define module (which registers <sls-login>) and through it the
 * element's module, the core and the patcher; new elements get this core and
 * patcher. Returns the define module's exports (the element and event
 * classes) with `core` and `patcher`.
 */
async function loadLoginElement() {
  installTextCodecs();
  const core = await loadCore();
  const patcher = loadPatcher();
  const exports = requireEsm(path.join(repoRoot, 'web', 'sls-login-define.js'));
  exports.SlsLogin.setLoader(async () => ({ core, patcher }));
  return { ...exports, core, patcher };
}

/**
 * Records every use of the DOM's HTML-parsing entry points (innerHTML and
 * outerHTML setters, insertAdjacentHTML, Range#createContextualFragment,
 * document.write) until `restore()`; `calls` lists their names. The
 * component must never parse markup.
 */
function watchHtmlParsing() {
  const calls = [];
  const restores = [];
  for (const name of ['innerHTML', 'outerHTML']) {
    const descriptor = Object.getOwnPropertyDescriptor(Element.prototype, name);
    Object.defineProperty(Element.prototype, name, {
      ...descriptor,
      set(value) {
        calls.push(name);
        descriptor.set.call(this, value);
      },
    });
    restores.push(() => Object.defineProperty(Element.prototype, name, descriptor));
  }
  for (const [proto, name] of [[Element.prototype, 'insertAdjacentHTML'], [Range.prototype, 'createContextualFragment'],
    [Document.prototype, 'write']]) {
    const original = proto[name];
    proto[name] = function watched(...args) {
      calls.push(name);
      return original.apply(this, args);
    };
    restores.push(() => { proto[name] = original; });
  }
  return { calls, restore: () => restores.forEach((restore) => restore()) };
}

// --- driving an element, as a user would ----------------------------------------------

/** Mounts an <sls-login> with `attributes` in `parent`; resolves once its first view is in. */
async function mount(attributes = {}, parent = document.body) {
  const element = document.createElement('sls-login');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  const started = new Promise((resolve) => { element.addEventListener('sls-state', resolve, { once: true }); });
  parent.append(element);
  await started;
  return element;
}

/** Types `text` into `input` as one input event. */
function type(input, text) {
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

/** The view's input named `name` (username, password, code), or null. */
function field(element, name) {
  return element.querySelector(`input[name="${name}"]`);
}

/** The details of every `sls-${type}` event the element dispatches from now on. */
function record(element, type) {
  const events = [];
  element.addEventListener(`sls-${type}`, (event) => events.push(event.detail));
  return events;
}

module.exports = {
  installTextCodecs, loadPatcher, loadLoginElement, watchHtmlParsing, mount, type, field, record,
};
