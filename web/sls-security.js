//# allFunctionsCalledOnLoad
// <sls-security>: the security centre element (SPEC §4, issue 11), built the way <sls-login> is.
//
// The WebAssembly core (class SecurityCentre) decides and renders: which
// screen, which request, what to show. This file runs what it asks for
// (fetch, focus, DOM events) and feeds the outcomes back; the DOM patcher
// applies the view, in light DOM. The core's module, its loader and the
// patcher are <sls-login>'s (sls-core-loader.js: one load per page).
//
// When a change needs a fresh second factor, the view holds a nested
// `<sls-login step-up>`; its sls-authenticated event with
// `detail.step_up === true` (and only that one) is forwarded to the core
// (action "step_up_done") and stops here, so that the page does not take it
// for a new login.
//
// Importing this file has no side effect; sls-security-define.js registers
// <sls-security> (and <sls-login>, which the step-up screen nests). Types:
// sls-security.d.ts; notes: docs/security-centre.md.

import { loadCore, setCoreLoader } from './sls-core-loader.js';
import { SECURITY_EVENT_CLASSES, SlsErrorEvent, SlsSecurityChangedEvent, SlsSecurityStateEvent } from './sls-security-events.js';
import { browserLangs, loadFailureLang, nearestLang } from './sls-login-lang.js';

export { SlsErrorEvent, SlsSecurityChangedEvent, SlsSecurityStateEvent };

const DEFAULT_ENDPOINT = '/api/v1';
// The security module: the login module's LoginFlow plus SecurityCentre, so
// the login page's module stays without the security centre's views.
const DEFAULT_MODULE_URL = new URL('./dist/security/sls-core.mjs', import.meta.url);
const DEFAULT_STYLESHEET_URL = new URL('./sls-login.css', import.meta.url);
/** A request without a reply after this long is aborted and reported as status 0. */
const REQUEST_TIMEOUT_MS = 15000;

/** What shows if the module cannot load (the core's catalog is out of reach then), in the three languages. */
const LOAD_FAILED = {
  en: 'The security centre could not start. Reload the page to try again.',
  'zh-Hant': '安全中心無法啟動。請重新載入頁面後再試。',
  'zh-Hans': '安全中心无法启动。请重新加载页面后再试。',
};

const registered = new WeakSet();
let unnamedCount = 0;

function reflect(element, name, value) {
  if (value === null || value === undefined) element.removeAttribute(name);
  else element.setAttribute(name, String(value));
}

export class SlsSecurity extends HTMLElement {
  static get observedAttributes() {
    return ['lang', 'endpoint', 'module-url', 'stylesheet-url'];
  }

  /** Registers the element as `tagName` (default "sls-security"); as SlsLogin.define. */
  static define(tagName = 'sls-security', registry = globalThis.customElements) {
    const existing = registry.get(tagName);
    if (existing !== undefined) {
      if (existing === this || existing.prototype instanceof this) return existing;
      throw new DOMException(`<${tagName}> is already defined by another element`, 'NotSupportedError');
    }
    const element = registered.has(this) ? class extends this {} : this;
    registry.define(tagName, element);
    registered.add(element);
    return element;
  }

  /** The loader of the core and the patcher, shared with <sls-login> (SlsLogin.setLoader). */
  static setLoader(load) {
    setCoreLoader(load);
  }

  #core = null;
  #centre = null;
  #patcher = null;
  #phase = null;
  #connection = 0;
  #requests = new Map();
  #langObserver = null;
  #outputs = [];
  #applying = false;
  #mayFocus = false;
  /** The view-id prefix of an element without an id: numbered once, kept for its life. */
  #unnamedPrefix = '';

  /** Base URL of the API (attribute `endpoint`), default "/api/v1"; read at each request. */
  get endpoint() {
    return this.getAttribute('endpoint') || DEFAULT_ENDPOINT;
  }
  set endpoint(value) {
    reflect(this, 'endpoint', value);
  }

  /**
   * Where the security module's sls-core.mjs is (attribute `module-url`, resolved against
   * the document): dist/security/sls-core.mjs beside this file by default.
   */
  get moduleUrl() {
    const attribute = this.getAttribute('module-url');
    return attribute ? new URL(attribute, this.ownerDocument.baseURI) : DEFAULT_MODULE_URL;
  }
  set moduleUrl(value) {
    reflect(this, 'module-url', value);
  }

  /** The stylesheet linked (attribute `stylesheet-url`; "none": the page links it): sls-login.css by default. */
  get stylesheetUrl() {
    const attribute = this.getAttribute('stylesheet-url');
    if (attribute === 'none') return null;
    return attribute ? new URL(attribute, this.ownerDocument.baseURI) : DEFAULT_STYLESHEET_URL;
  }
  set stylesheetUrl(value) {
    reflect(this, 'stylesheet-url', value);
  }

  /** The current screen ("overview", ...), or null before the core runs. */
  get screen() {
    return this.#centre ? this.#centre.screen() : null;
  }

  get busy() {
    return this.#centre ? this.#centre.busy() : false;
  }

  /** Loads everything again (e.g. after the page changed something). */
  reload() {
    this.#run((centre) => centre.start(this.#config()));
  }

  connectedCallback() {
    this.#observeLang();
    this.#linkStylesheet();
    this.addEventListener('sls-authenticated', this.#onStepUp);
    this.#start();
  }

  disconnectedCallback() {
    this.#connection += 1;
    this.#phase = null;
    this.removeEventListener('sls-authenticated', this.#onStepUp);
    this.#langObserver?.disconnect();
    this.#langObserver = null;
    for (const request of this.#requests.values()) {
      clearTimeout(request.timeout);
      request.controller.abort();
    }
    this.#requests.clear();
    this.#outputs.length = 0;
    this.#patcher?.dispose();
    this.#patcher = null;
    this.#centre?.delete();
    this.#centre = null;
    this.replaceChildren();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || this.#phase === null) return;
    if (name === 'lang') this.#followLang();
    else if (name === 'module-url' && this.#phase !== 'running') this.#start();
    else if (name === 'stylesheet-url') this.#linkStylesheet();
    // endpoint: read at each request.
  }

  async #start() {
    const connection = ++this.#connection;
    this.#phase = 'loading';
    let loaded;
    try {
      loaded = await loadCore(this.moduleUrl);
    } catch (error) {
      if (connection === this.#connection) {
        this.#phase = 'failed';
        this.#showLoadFailure(error);
      }
      return;
    }
    if (connection !== this.#connection || !this.isConnected) return;
    this.#phase = 'running';
    this.#mayFocus = this.hasAttribute('autofocus');
    this.#core = loaded.core;
    this.#centre = new loaded.core.SecurityCentre();
    this.replaceChildren();
    this.#patcher = loaded.patcher.createPatcher(this, (action, value) => {
      this.#mayFocus = true;
      this.#run((centre) => centre.on_event({ action, value, now_ms: Date.now() }));
    });
    this.#run((centre) => centre.start(this.#config()));
  }

  #config() {
    if (!this.id && !this.#unnamedPrefix) this.#unnamedPrefix = `sls-security-${++unnamedCount}`;
    const prefix = this.id || this.#unnamedPrefix;
    return { lang: this.#core.resolve_lang(this.#lang()), now_ms: Date.now(), id_prefix: prefix };
  }

  /** The nested step-up login completed: the core goes on with the change; the page does not hear of it. */
  #onStepUp = (event) => {
    if (event.target === this || !(event.target instanceof HTMLElement) || !event.target.hasAttribute('step-up')) return;
    if (event.detail?.step_up !== true) return; // not a step-up's confirmation: not ours
    event.stopPropagation();
    this.#mayFocus = true;
    const value = JSON.stringify(event.detail ?? {});
    this.#run((centre) => centre.on_event({ action: 'step_up_done', value, now_ms: Date.now() }));
  };

  #run(call) {
    if (this.#centre === null) return;
    this.#outputs.push(call(this.#centre));
    if (this.#applying) return;
    this.#applying = true;
    try {
      while (this.#outputs.length > 0 && this.#centre !== null) this.#apply(this.#outputs.shift());
    } finally {
      this.#applying = false;
    }
  }

  #apply(output) {
    if (output.error) {
      this.#emit('error', { code: output.error.code, message: output.error.message });
      return;
    }
    let focusTarget = null;
    const emits = [];
    for (const effect of output.effects) {
      switch (effect.kind) {
        case 'http': this.#send(effect); break;
        case 'cancel_http': this.#cancelRequest(effect.id); break;
        case 'focus': focusTarget = effect.target; break;
        case 'emit': emits.push(effect); break;
        default: break; // no timers; the live region's text is in the view
      }
    }
    this.#patcher.patch(output.view);
    this.#configureStepUp();
    if (focusTarget !== null) this.#focus(focusTarget);
    for (const effect of emits) this.#emit(effect.type, effect.detail);
  }

  /** The nested step-up login talks to the same API and loads the same module as this element. */
  #configureStepUp() {
    const login = this.querySelector('sls-login[step-up]');
    if (login === null) return;
    if (login.getAttribute('endpoint') !== this.endpoint) login.setAttribute('endpoint', this.endpoint);
    // Always this element's module (it carries LoginFlow too): the page loads one module.
    const moduleUrl = this.moduleUrl.href;
    if (login.getAttribute('module-url') !== moduleUrl) login.setAttribute('module-url', moduleUrl);
  }

  #emit(type, detail) {
    const EventClass = SECURITY_EVENT_CLASSES.get(type);
    this.dispatchEvent(EventClass
      ? new EventClass(detail) : new CustomEvent(`sls-security-${type}`, { bubbles: true, composed: true, detail }));
  }

  #focus(id) {
    if (!this.#mayFocus) return;
    const doc = this.ownerDocument;
    const active = doc.activeElement;
    const nowhere = active === null || active === doc.body || active === doc.documentElement;
    if (!nowhere && active !== this && !this.contains(active)) return;
    const target = [...this.querySelectorAll('[id]')].find((e) => e.id === id);
    target?.focus();
  }

  #send({ id, method, path, body }) {
    const connection = this.#connection;
    const controller = new AbortController();
    const request = { controller, timeout: setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS) };
    this.#requests.set(id, request);
    const headers = { Accept: 'application/json', 'Accept-Language': this.#centre.lang() };
    if (body) headers['Content-Type'] = 'application/json';
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store', signal: controller.signal };
    if (body) init.body = body;
    const base = this.ownerDocument.baseURI;
    const endpoint = this.endpoint;
    Promise.resolve()
      .then(() => fetch(new URL(endpoint.replace(/\/+$/, '') + path, base), init))
      .then(async (response) => ({ status: response.status, text: await response.text() }))
      .catch(() => ({ status: 0, text: '' }))
      .then((reply) => {
        clearTimeout(request.timeout);
        if (connection !== this.#connection || this.#requests.get(id) !== request) return;
        this.#requests.delete(id);
        this.#run((centre) => centre.on_reply({ request_id: id, status: reply.status, body: reply.text, now_ms: Date.now() }));
      });
  }

  #cancelRequest(id) {
    const request = this.#requests.get(id);
    if (request === undefined) return;
    this.#requests.delete(id);
    clearTimeout(request.timeout);
    request.controller.abort();
  }

  #lang() {
    return nearestLang(this) || browserLangs();
  }

  #followLang() {
    if (this.#centre === null || this.#core === null) return;
    const lang = this.#core.resolve_lang(this.#lang());
    if (lang !== this.#centre.lang()) this.#run((centre) => centre.set_lang(lang, Date.now()));
  }

  #observeLang() {
    const root = this.ownerDocument.documentElement;
    if (typeof MutationObserver !== 'function' || root === null) return;
    this.#langObserver = new MutationObserver((records) => {
      if (records.some((r) => r.target === this || !this.contains(r.target))) this.#followLang();
    });
    this.#langObserver.observe(root, { attributes: true, attributeFilter: ['lang'], subtree: true });
  }

  /** Links the stylesheet once per document or shadow root (shared with <sls-login>, which links the same file). */
  #linkStylesheet() {
    let href = null;
    try {
      href = this.stylesheetUrl?.href ?? null;
    } catch {
      return;
    }
    if (href === null) return;
    const root = this.getRootNode();
    const holder = root.nodeType === 11 ? root : this.ownerDocument.head;
    if (!holder || [...holder.querySelectorAll('link[rel~="stylesheet"]')].some((l) => l.href === href)) return;
    const link = this.ownerDocument.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    holder.insertBefore(link, holder.firstChild);
  }

  #showLoadFailure(error) {
    const message = LOAD_FAILED[loadFailureLang(this.#lang())];
    const p = this.ownerDocument.createElement('p');
    p.setAttribute('role', 'alert');
    p.setAttribute('part', 'error');
    p.className = 'sls-load-failed';
    p.textContent = message;
    this.replaceChildren(p);
    this.#emit('error', { code: 'internal', message, cause: String(error?.message ?? error) });
  }
}
