// <sls-login>: the second-factor login component (SPEC §3), and its I/O shell.
//
// The WebAssembly core (class LoginFlow) owns every decision: which screen,
// what to check, when to poll, what to show. This file only runs what the
// core asks for (fetch, timers, focus, DOM events) and feeds the outcomes
// back; the DOM patcher (dom-patcher.js, shipped beside the module) applies
// the view. Types and the contract for integrators: sls-login.d.ts; design
// notes (light DOM, theming, CSP): docs/component.md.
//
// Secrets: request bodies (password, typed code, completion token) and
// headers (the login secret) arrive from the core as strings, go straight
// into fetch() and are not kept; the
// core wipes its own copies before the call that returned them ends. Typed
// secrets stay in their uncontrolled inputs, which the core never fills.
//
// Loaded as a plain ES module (no build step). Importing it registers
// <sls-login> (unless that name is taken); it defines no other global.

const DEFAULT_ENDPOINT = '/api/v1';
const DEFAULT_MODULE_URL = new URL('./dist/sls-core.mjs', import.meta.url);
const DEFAULT_STYLESHEET_URL = new URL('./sls-login.css', import.meta.url);

/** A request without a reply after this long is aborted and reported as status 0. */
const REQUEST_TIMEOUT_MS = 15000;
/** Longest delay setTimeout honours (2^31 - 1 ms); the core never asks for more. */
const MAX_TIMER_MS = 2147483647;

// What shows if the module cannot load (no WebAssembly, blocked by a policy,
// wrong module-url). The core's catalog is out of reach then, so this one
// sentence lives here, in the three languages.
const LOAD_FAILED = {
  en: 'The login could not start. Reload the page to try again.',
  'zh-Hant': '登入功能無法啟動。請重新載入頁面後再試。',
  'zh-Hans': '登录功能无法启动。请重新加载页面后再试。',
};

/** Loads {core, patcher} for a module URL. Replaced by SlsLogin.setLoader. */
async function importBesideModule(moduleUrl) {
  const [coreModule, patcher] = await Promise.all([
    import(moduleUrl.href),
    import(new URL('dom-patcher.js', moduleUrl).href),
  ]);
  const core = await coreModule.default();
  return { core, patcher };
}

let loader = importBesideModule;
/** Module URL → Promise of {core, patcher}: one module instance per page and URL. */
const loads = new Map();
/** Classes registered by define(), so that a second name gets a subclass. */
const registered = new WeakSet();
/** Numbers the view ids of elements without an id attribute. */
let unnamedCount = 0;

function load(moduleUrl) {
  const key = moduleUrl.href;
  let pending = loads.get(key);
  if (pending === undefined) {
    pending = Promise.resolve().then(() => loader(moduleUrl));
    // A failure is not cached: a later element may try again.
    pending.catch(() => loads.delete(key));
    loads.set(key, pending);
  }
  return pending;
}

/**
 * Retry-After in seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3);
 * null when absent or unreadable.
 */
function parseRetryAfter(header, nowMs) {
  if (header === null || header === undefined) return null;
  const text = String(header).trim();
  if (/^\d{1,15}$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** The nearest `lang` above `element`, crossing shadow roots; "" if none. */
function nearestLang(element) {
  let node = element;
  while (node) {
    const holder = node.closest('[lang]');
    const lang = holder?.getAttribute('lang');
    if (lang) return lang;
    node = node.getRootNode().host ?? null;
  }
  return '';
}

/** The load-failure language for a tag: the core's rule, for this one message. */
function loadFailureLang(tag) {
  const lower = tag.toLowerCase();
  if (!lower.startsWith('zh')) return 'en';
  return /^zh-(hant|tw|hk|mo)\b/.test(lower) ? 'zh-Hant' : 'zh-Hans';
}

export class SlsLogin extends HTMLElement {
  /** A form that holds the element sees its validity (ElementInternals). */
  static formAssociated = true;

  static get observedAttributes() {
    return ['lang'];
  }

  /**
   * Registers the element as `tagName` (default "sls-login") in `registry`
   * (default the window's customElements). Idempotent: a name already
   * registered to this class (or a subclass) is left as is; a second name
   * gets a subclass, since one class registers once. Throws a DOMException
   * (NotSupportedError) if the name belongs to an unrelated element.
   * Returns the registered class.
   */
  static define(tagName = 'sls-login', registry = globalThis.customElements) {
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

  /**
   * Replaces how elements obtain the WebAssembly core and the DOM patcher:
   * for bundlers that import both statically, and for tests. `load(moduleUrl)`
   * resolves to {core, patcher}. null restores the default (dynamic import of
   * module-url and of dom-patcher.js beside it). Elements already started
   * keep what they have.
   */
  static setLoader(load) {
    loader = load ?? importBesideModule;
    loads.clear();
  }

  #internals = null;
  #core = null;
  #flow = null;
  #patcher = null;
  #idPrefix = '';
  /** Bumped on every connect and disconnect: late async results of an older connection are dropped. */
  #connection = 0;
  /** Request id → {controller, timeout}. */
  #requests = new Map();
  /** Timer id → setTimeout handle. */
  #timers = new Map();
  #langObserver = null;
  /** Outputs waiting to be applied (a listener of an emitted event may call back in). */
  #outputs = [];
  #applying = false;
  /** Focus moves only after the user acted in the element, or with autofocus. */
  #mayFocus = false;

  constructor() {
    super();
    if (typeof this.attachInternals === 'function') this.#internals = this.attachInternals();
  }

  // --- attributes as properties ---------------------------------------------------

  /** Base URL of the API (attribute `endpoint`), default "/api/v1". Read per request. */
  get endpoint() {
    return this.getAttribute('endpoint') || DEFAULT_ENDPOINT;
  }
  set endpoint(value) {
    this.setAttribute('endpoint', value);
  }

  /** User name to prefill (attribute `username`). Read when a login starts. */
  get username() {
    return this.getAttribute('username') ?? '';
  }
  set username(value) {
    this.setAttribute('username', value);
  }

  /** Where sls-core.mjs is (attribute `module-url`). Read when the element connects. */
  get moduleUrl() {
    const attribute = this.getAttribute('module-url');
    return attribute ? new URL(attribute, this.ownerDocument.baseURI) : DEFAULT_MODULE_URL;
  }
  set moduleUrl(value) {
    this.setAttribute('module-url', String(value));
  }

  /** The current screen ("credentials", "push", ...), or null before the core runs. */
  get screen() {
    return this.#flow ? this.#flow.screen() : null;
  }

  /** True while a submitted request is outstanding. */
  get busy() {
    return this.#flow ? this.#flow.busy() : false;
  }

  // --- form association (the usual members of a form-associated element) -----------

  get form() {
    return this.#internals?.form ?? null;
  }
  get validity() {
    return this.#internals?.validity ?? null;
  }
  get validationMessage() {
    return this.#internals?.validationMessage ?? '';
  }
  get willValidate() {
    return this.#internals?.willValidate ?? false;
  }
  checkValidity() {
    return this.#internals?.checkValidity?.() ?? true;
  }
  reportValidity() {
    return this.#internals?.reportValidity?.() ?? true;
  }
  /** The form was reset: start the login again. */
  formResetCallback() {
    this.restart();
  }

  /** Starts a new login on the credentials screen (e.g. after logging out). */
  restart() {
    this.#mayFocus = true;
    this.#run((flow) => flow.start(this.#config()));
  }

  // --- lifecycle --------------------------------------------------------------------

  connectedCallback() {
    this.#connect();
  }

  disconnectedCallback() {
    this.#connection += 1;
    this.#langObserver?.disconnect();
    this.#langObserver = null;
    for (const request of this.#requests.values()) {
      clearTimeout(request.timeout);
      request.controller.abort();
    }
    this.#requests.clear();
    for (const handle of this.#timers.values()) clearTimeout(handle);
    this.#timers.clear();
    this.#outputs.length = 0;
    this.#patcher?.dispose();
    this.#patcher = null;
    this.#flow?.delete();
    this.#flow = null;
    // Nothing typed outlives the login: the fields go with the view.
    this.replaceChildren();
    this.#setValidity(null);
  }

  /** Moved with moveBefore(): the login goes on where it was. */
  connectedMoveCallback() {}

  attributeChangedCallback(name) {
    if (name === 'lang') this.#followLang();
  }

  async #connect() {
    const connection = ++this.#connection;
    this.#idPrefix = this.id || `sls-${++unnamedCount}`;
    this.#mayFocus = this.hasAttribute('autofocus');
    this.#observeLang();
    this.#linkStylesheet();
    let loaded;
    try {
      loaded = await load(this.moduleUrl);
    } catch (error) {
      if (connection === this.#connection) this.#showLoadFailure(error);
      return;
    }
    if (connection !== this.#connection || !this.isConnected) return;
    this.#core = loaded.core;
    this.#flow = new loaded.core.LoginFlow();
    this.replaceChildren(); // fallback content, if the page gave some
    this.#patcher = loaded.patcher.createPatcher(this, (action, value) => {
      this.#mayFocus = true;
      this.#run((flow) => flow.on_event({ action, value, now_ms: Date.now() }));
    });
    this.#run((flow) => flow.start(this.#config()));
  }

  #config() {
    return { lang: this.#lang(), username: this.username, now_ms: Date.now(), id_prefix: this.#idPrefix };
  }

  // --- applying outputs -------------------------------------------------------------

  /** Calls the flow and applies what it returns, in order with earlier outputs. */
  #run(call) {
    if (this.#flow === null) return;
    this.#outputs.push(call(this.#flow));
    if (this.#applying) return;
    this.#applying = true;
    try {
      while (this.#outputs.length > 0 && this.#flow !== null) this.#apply(this.#outputs.shift());
    } finally {
      this.#applying = false;
    }
  }

  #apply(output) {
    if (output.error) {
      // A wrong argument from this shell: a bug, reported like any error.
      this.#emit('error', { code: output.error.code, message: output.error.message });
      return;
    }
    let focusTarget = null;
    const emits = [];
    for (const effect of output.effects) {
      switch (effect.kind) {
        case 'http': this.#send(effect); break;
        case 'cancel_http': this.#cancelRequest(effect.id); break;
        case 'timer': this.#startTimer(effect); break;
        case 'cancel_timer':
          clearTimeout(this.#timers.get(effect.id));
          this.#timers.delete(effect.id);
          break;
        case 'focus': focusTarget = effect.target; break;
        case 'announce': break; // the live region's text is part of the view
        case 'emit': emits.push(effect); break;
        default: break;
      }
    }
    this.#patcher.patch(output.view);
    this.#setValidity(this.querySelector('[aria-invalid="true"]'));
    if (focusTarget !== null) this.#focus(focusTarget);
    for (const effect of emits) this.#emit(effect.type, effect.detail);
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(`sls-${type}`, { bubbles: true, composed: true, detail }));
  }

  /** Moves focus to the view element `id`, unless focus is elsewhere on the page. */
  #focus(id) {
    if (!this.#mayFocus) return;
    const doc = this.ownerDocument;
    const root = this.getRootNode();
    // Inside a shadow root, its activeElement is the focused node if focus is
    // in that root; otherwise the document's tells where focus is.
    const active = (root !== doc ? root.activeElement : null) ?? doc.activeElement;
    const nowhere = active === null || active === doc.body || active === doc.documentElement;
    if (!nowhere && active !== this && !this.contains(active)) return;
    this.#elementById(id)?.focus();
  }

  /** The element of the view with this id (ids are compared, never put into a selector). */
  #elementById(id) {
    const root = this.getRootNode();
    const found = typeof root.getElementById === 'function' ? root.getElementById(id) : null;
    if (found !== null && this.contains(found)) return found;
    return [...this.querySelectorAll('[id]')].find((e) => e.id === id) ?? null;
  }

  /** The form sees the field error the view shows (aria-invalid), with its message. */
  #setValidity(invalidField) {
    const internals = this.#internals;
    if (!internals || typeof internals.setValidity !== 'function') return;
    if (!invalidField) {
      internals.setValidity({});
      return;
    }
    // The error message shown; else what the field is described by; else its label.
    const errorText = this.querySelector('[part~="error"]')?.textContent?.trim();
    const describedBy = (invalidField.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    const texts = describedBy.map((id) => this.#elementById(id)?.textContent?.trim() ?? '');
    const message = errorText || texts.filter(Boolean).join(' ') || invalidField.labels?.[0]?.textContent || invalidField.name;
    internals.setValidity({ customError: true }, message, invalidField);
  }

  // --- effects: requests and timers ---------------------------------------------------

  #send({ id, method, path, body, headers: extra }) {
    const connection = this.#connection;
    const controller = new AbortController();
    const request = { controller, timeout: 0 };
    request.timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    this.#requests.set(id, request);
    // The core's own headers first (the login secret that binds the login to
    // this page: a header, never part of the URL); the shell's cannot be overridden.
    const headers = { ...(extra ?? {}), Accept: 'application/json', 'Accept-Language': this.#flow.lang() };
    if (body) headers['Content-Type'] = 'application/json';
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store', signal: controller.signal };
    if (body) init.body = body;
    const endpoint = this.endpoint;
    const base = this.ownerDocument.baseURI;
    // Inside the chain: a bad endpoint or a missing fetch() is a network failure too.
    Promise.resolve()
      .then(() => fetch(new URL(endpoint.replace(/\/+$/, '') + path, base), init))
      .then(async (response) => ({
        status: response.status,
        retryAfter: parseRetryAfter(response.headers.get('Retry-After'), Date.now()),
        text: await response.text(),
      }))
      // Network failure or timeout; an abort from cancel_http or disconnect
      // ends here too and is dropped below.
      .catch(() => ({ status: 0, retryAfter: null, text: '' }))
      .then((reply) => {
        clearTimeout(request.timeout);
        if (connection !== this.#connection || this.#requests.get(id) !== request) return;
        this.#requests.delete(id);
        this.#run((flow) => flow.on_reply({
          request_id: id, status: reply.status, retry_after_s: reply.retryAfter, body: reply.text, now_ms: Date.now(),
        }));
      });
  }

  #cancelRequest(id) {
    const request = this.#requests.get(id);
    if (request === undefined) return;
    this.#requests.delete(id);
    clearTimeout(request.timeout);
    request.controller.abort();
  }

  #startTimer({ id, delay_ms: delay }) {
    const handle = setTimeout(() => {
      if (this.#timers.get(id) !== handle) return;
      this.#timers.delete(id);
      this.#run((flow) => flow.on_timer({ timer_id: id, now_ms: Date.now() }));
    }, Math.min(Math.max(delay, 0), MAX_TIMER_MS));
    this.#timers.set(id, handle);
  }

  // --- language ----------------------------------------------------------------------

  /** The element's language: its own or the nearest `lang`, else the browser's. */
  #lang() {
    return nearestLang(this) || globalThis.navigator?.language || 'en';
  }

  #followLang() {
    if (this.#flow === null || this.#core === null) return;
    const lang = this.#core.resolve_lang(this.#lang());
    if (lang !== this.#flow.lang()) this.#run((flow) => flow.set_lang(lang, Date.now()));
  }

  /** Follows `lang` changes on the page's elements (the view's own are ignored). */
  #observeLang() {
    const root = this.ownerDocument.documentElement;
    if (typeof MutationObserver !== 'function' || root === null) return;
    this.#langObserver = new MutationObserver((records) => {
      if (records.some((r) => r.target === this || !this.contains(r.target))) this.#followLang();
    });
    this.#langObserver.observe(root, { attributes: true, attributeFilter: ['lang'], subtree: true });
  }

  // --- styles and failure ---------------------------------------------------------------

  /**
   * Links sls-login.css (attribute `stylesheet-url`; "none": the page links
   * it) once per document or shadow root, first in the head so that the
   * page's own rules win ties.
   */
  #linkStylesheet() {
    const attribute = this.getAttribute('stylesheet-url');
    if (attribute === 'none') return;
    const href = attribute ? new URL(attribute, this.ownerDocument.baseURI).href : DEFAULT_STYLESHEET_URL.href;
    const root = this.getRootNode();
    const holder = root.nodeType === 11 ? root : this.ownerDocument.head;
    if (!holder) return;
    for (const link of holder.querySelectorAll('link[rel~="stylesheet"]')) if (link.href === href) return;
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

SlsLogin.define();
