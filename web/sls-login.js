//# allFunctionsCalledOnLoad
// <sls-login>: the class of the second-factor login component (SPEC §3), its I/O shell and its event classes.
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
// Loaded as a plain ES module (no build step). Importing it has no side
// effect: it registers nothing and defines no global; sls-login-define.js
// registers <sls-login>, or a page calls SlsLogin.define(name).
//
// V8's explicit compile hint above (first line, Chromium 136 and later): the
// functions of this file are compiled when it arrives, not one by one while
// the element starts. The loader of the core and the timing marks of each
// start are in sls-core-loader.js, the event classes in sls-login-events.js,
// the language helpers in sls-login-lang.js, the bridges to a host (attribute
// `bridge`) in sls-bridge.js.

import { MARK_CORE_READY, MARK_FIRST_SCREEN, MARK_START, loadCore, mark, setCoreLoader } from './sls-core-loader.js';
import { EVENT_CLASSES, SlsAuthenticatedEvent, SlsErrorEvent, SlsStateEvent } from './sls-login-events.js';
import { LOAD_FAILED, browserLangs, loadFailureLang, nearestLang } from './sls-login-lang.js';
import { bridgeMessage, openBridge, refusalDetail } from './sls-bridge.js';

export { SlsAuthenticatedEvent, SlsErrorEvent, SlsStateEvent };

const DEFAULT_ENDPOINT = '/api/v1';
const DEFAULT_MODULE_URL = new URL('./dist/sls-core.mjs', import.meta.url);
const DEFAULT_STYLESHEET_URL = new URL('./sls-login.css', import.meta.url);

/** A request without a reply after this long is aborted and reported as status 0. */
const REQUEST_TIMEOUT_MS = 15000;
/** Longest delay setTimeout honours (2^31 - 1 ms); the core never asks for more. */
const MAX_TIMER_MS = 2147483647;

/** Classes registered by define(), so that a second name gets a subclass. */
const registered = new WeakSet();
/** Numbers the view ids of elements without an id attribute. */
let unnamedCount = 0;

/** Stylesheet links that elements added (a page's own links are never removed). */
const addedLinks = new WeakSet();


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

/** Writes a reflected attribute; null or undefined removes it, so that its default applies again. */
function reflect(element, name, value) {
  if (value === null || value === undefined) element.removeAttribute(name);
  else element.setAttribute(name, String(value));
}

export class SlsLogin extends HTMLElement {
  /** A form that holds the element sees its validity (ElementInternals). */
  static formAssociated = true;

  /**
   * The attributes whose changes the element follows (see
   * attributeChangedCallback). `id` is read when a login starts and
   * `autofocus` when the component starts: neither needs a callback.
   */
  static get observedAttributes() {
    return ['lang', 'endpoint', 'username', 'module-url', 'stylesheet-url', 'audience', 'nonce', 'bridge', 'parent-origin',
      'step-up'];
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
    setCoreLoader(load);
  }

  #internals = null;
  #core = null;
  #flow = null;
  #patcher = null;
  #idPrefix = '';
  /** The view-id prefix of an element without an id: numbered once, kept for its life. */
  #unnamedPrefix = '';
  /** null while disconnected; else "loading", "failed" (the module did not load) or "running". */
  #phase = null;
  /** Bumped on every (re)start and disconnect: late async results of an older one are dropped. */
  #connection = 0;
  /** The API base of the login in progress, read at its first request; null between logins. */
  #loginEndpoint = null;
  /** The stylesheet link this element uses (its own or the page's), or null. */
  #stylesheetLink = null;
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
  /** True from a start until its first view is applied (the first-screen mark). */
  #firstScreenPending = false;
  /** Bridge refusal codes reported since the start or the last change of `bridge` / `parent-origin`. */
  #bridgeRefusals = new Set();

  constructor() {
    super();
    if (typeof this.attachInternals === 'function') this.#internals = this.attachInternals();
  }

  // --- attributes as properties ---------------------------------------------------

  // Setters write the attribute (null removes it); attributeChangedCallback
  // says what a change does. `lang`, `id` and `autofocus` are the
  // HTMLElement's own reflected properties.

  /** Base URL of the API (attribute `endpoint`), default "/api/v1". Read at a login's first request. */
  get endpoint() {
    return this.getAttribute('endpoint') || DEFAULT_ENDPOINT;
  }
  set endpoint(value) {
    reflect(this, 'endpoint', value);
  }

  /** User name to prefill (attribute `username`); "" when absent. */
  get username() {
    return this.getAttribute('username') ?? '';
  }
  set username(value) {
    reflect(this, 'username', value);
  }

  /**
   * The audience of the login assertion (attribute `audience`): one of the
   * audiences the server is configured with; "" (absent) lets the server
   * use its default. Sent with the completion.
   */
  get audience() {
    return this.getAttribute('audience') ?? '';
  }
  set audience(value) {
    reflect(this, 'audience', value);
  }

  /**
   * The host page's nonce (attribute `nonce`), signed into the login
   * assertion so it cannot be replayed into another page load: 1 to 128
   * visible ASCII characters; "" (absent) for none. Sent with the completion.
   * Under a CSP sent as a header the browser empties every element's
   * `nonce` attribute once connected ("nonce hiding") and keeps the value in
   * the element's own slot, which HTMLElement's `nonce` getter reads: that
   * value is used then.
   */
  get nonce() {
    const attribute = this.getAttribute('nonce');
    if (attribute) return attribute;
    const hidden = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'nonce')?.get;
    return (attribute !== null && hidden ? hidden.call(this) : '') ?? '';
  }
  set nonce(value) {
    reflect(this, 'nonce', value);
  }

  /** A step-up (boolean attribute `step-up`): the logged-in user confirms a change with their device, no password. */
  get stepUp() {
    return this.hasAttribute('step-up');
  }
  set stepUp(value) {
    this.toggleAttribute('step-up', Boolean(value));
  }

  /** Where sls-core.mjs is (attribute `module-url`), resolved against the document; a TypeError if unparsable. */
  get moduleUrl() {
    const attribute = this.getAttribute('module-url');
    return attribute ? new URL(attribute, this.ownerDocument.baseURI) : DEFAULT_MODULE_URL;
  }
  set moduleUrl(value) {
    reflect(this, 'module-url', value);
  }

  /**
   * The stylesheet the element links (attribute `stylesheet-url`), resolved
   * against the document; null for "none" (the page links it). Throws a
   * TypeError if unparsable.
   */
  get stylesheetUrl() {
    const attribute = this.getAttribute('stylesheet-url');
    if (attribute === 'none') return null;
    return attribute ? new URL(attribute, this.ownerDocument.baseURI) : DEFAULT_STYLESHEET_URL;
  }
  set stylesheetUrl(value) {
    reflect(this, 'stylesheet-url', value);
  }

  /**
   * The palette (attribute `color-scheme`): "light" or "dark" forces one;
   * "auto" (the attribute absent or any other value) follows the browser's
   * prefers-color-scheme. Only the stylesheet reads it. Setting null or
   * "auto" removes the attribute.
   */
  get colorScheme() {
    const attribute = this.getAttribute('color-scheme');
    return attribute === 'light' || attribute === 'dark' ? attribute : 'auto';
  }
  set colorScheme(value) {
    reflect(this, 'color-scheme', value === 'auto' ? null : value);
  }

  /**
   * Where the element hands its events (attribute `bridge`, sls-bridge.js):
   * "parent" (the framing page) or "webview" (the native app); "" for none.
   * Another value is reported in sls-error (bridge.unknown).
   */
  get bridge() {
    return this.getAttribute('bridge') ?? '';
  }
  set bridge(value) {
    reflect(this, 'bridge', value);
  }

  /** The framing page's origin for bridge="parent" (attribute `parent-origin`); "" when absent. */
  get parentOrigin() {
    return this.getAttribute('parent-origin') ?? '';
  }
  set parentOrigin(value) {
    reflect(this, 'parent-origin', value);
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

  /** Starts a new login on the credentials screen (e.g. after logging out); with `step-up`, a new step-up. */
  restart() {
    this.#mayFocus = true;
    this.#run((flow) => flow.start(this.#config()));
  }

  // --- lifecycle --------------------------------------------------------------------

  connectedCallback() {
    this.#observeLang();
    this.#linkStylesheet();
    this.#start();
  }

  disconnectedCallback() {
    this.#connection += 1;
    this.#phase = null;
    this.#loginEndpoint = null;
    this.#langObserver?.disconnect();
    this.#langObserver = null;
    this.ownerDocument.defaultView?.removeEventListener('languagechange', this.#onLanguageChange);
    for (const request of this.#requests.values()) {
      clearTimeout(request.timeout);
      request.controller.abort();
    }
    this.#requests.clear();
    for (const handle of this.#timers.values()) clearTimeout(handle);
    this.#timers.clear();
    this.#outputs.length = 0;
    this.#firstScreenPending = false;
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

  /**
   * What a change means (docs/component.md, "Attribute changes"). Nothing
   * happens before the element connects (connecting reads them all), and a
   * change never alters a login in progress where that could mislead the
   * user or send its secrets elsewhere.
   */
  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || this.#phase === null) return;
    switch (name) {
      case 'lang': this.#followLang(); break; // re-rendered in place, mid-login too
      case 'username': this.#followUsername(oldValue); break;
      case 'module-url': if (this.#phase !== 'running') this.#start(); break; // a running login keeps its module
      case 'stylesheet-url': this.#linkStylesheet(); break;
      // A completion sent from now on carries the new ones, mid-login too.
      case 'audience':
      case 'nonce': this.#flow?.set_assertion_request(this.audience, this.nonce); break;
      case 'bridge': case 'parent-origin': this.#checkBridge(); break; // read again at each event
      case 'step-up': if (this.#phase === 'running') this.#run((flow) => flow.start(this.#config())); break; // starts over
      // endpoint: nothing to do now; #send reads it at a login's first request.
      default: break;
    }
  }

  /** Loads the core of `module-url` and starts a login; a later start or a disconnect drops this one's result. */
  async #start() {
    const connection = ++this.#connection;
    this.#phase = 'loading';
    this.#bridgeRefusals.clear();
    mark(MARK_START, this);
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
    mark(MARK_CORE_READY, this);
    this.#phase = 'running';
    this.#mayFocus = this.hasAttribute('autofocus');
    this.#core = loaded.core;
    this.#flow = new loaded.core.LoginFlow();
    this.replaceChildren(); // fallback content, if the page gave some
    this.#patcher = loaded.patcher.createPatcher(this, (action, value) => {
      this.#mayFocus = true;
      this.#run((flow) => flow.on_event({ action, value, now_ms: Date.now() }));
    });
    this.#firstScreenPending = true;
    this.#run((flow) => flow.start(this.#config()));
  }

  /** What a login starts with: `id`, `username` and the language are read here, at each start. */
  #config() {
    if (!this.id && !this.#unnamedPrefix) this.#unnamedPrefix = `sls-${++unnamedCount}`;
    this.#idPrefix = this.id || this.#unnamedPrefix;
    // The core resolves the tag (or the browser's list) to one of its languages.
    const lang = this.#core.resolve_lang(this.#lang());
    return {
      lang, username: this.username, now_ms: Date.now(), id_prefix: this.#idPrefix,
      audience: this.audience, nonce: this.nonce, step_up: this.stepUp,
    };
  }

  /**
   * A new `username` replaces the prefill only while the credentials screen
   * is at rest and the field still holds the previous value, unfocused: what
   * the user typed is never overwritten. Otherwise it applies to the next login.
   */
  #followUsername(previous) {
    const flow = this.#flow;
    if (flow === null || flow.screen() !== 'credentials' || flow.busy()) return;
    const input = this.querySelector('input[name="username"]');
    if (input === null || input.value !== (previous ?? '') || this.ownerDocument.activeElement === input) return;
    this.#run((f) => f.on_event({ action: 'input:username', value: this.username, now_ms: Date.now() }));
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
    // Back at rest on the credentials screen (a step-up: done), nothing in flight: the login is over, and the
    // next one reads `endpoint` again.
    const over = this.#flow.screen() === 'credentials' || (this.stepUp && this.#flow.screen() === 'authenticated');
    if (this.#requests.size === 0 && over && !this.#flow.busy()) {
      this.#loginEndpoint = null;
    }
    this.#setValidity(this.querySelector('[aria-invalid="true"]'));
    if (focusTarget !== null) this.#focus(focusTarget);
    if (this.#firstScreenPending) {
      this.#firstScreenPending = false;
      mark(MARK_FIRST_SCREEN, this);
    }
    for (const effect of emits) this.#emit(effect.type, effect.detail);
  }

  #emit(type, detail) {
    const EventClass = EVENT_CLASSES.get(type);
    this.dispatchEvent(EventClass ? new EventClass(detail) : new CustomEvent(`sls-${type}`, { bubbles: true, composed: true, detail }));
    this.#toHost(type, detail);
  }

  // --- the bridge to the host (sls-bridge.js) -----------------------------------------

  /** Hands an event to the host through `bridge`, read now; a refusal is reported in sls-error. */
  #toHost(type, detail) {
    const win = this.ownerDocument.defaultView;
    const message = bridgeMessage(type, detail);
    if (!this.hasAttribute('bridge') || win === null || message === null) return;
    const bridge = openBridge(win, this.getAttribute('bridge'), this.getAttribute('parent-origin'));
    if (bridge.refusal) {
      this.#refuseBridge(bridge.refusal);
      return;
    }
    try {
      bridge.post(message);
    } catch (error) {
      this.#refuseBridge({ code: 'bridge.no_host', args: [], cause: String(error?.message ?? error) });
    }
  }

  /** A changed `bridge` or `parent-origin`: a wrong one is reported at once, not at the next event. */
  #checkBridge() {
    this.#bridgeRefusals.clear();
    const win = this.ownerDocument.defaultView;
    if (!this.hasAttribute('bridge') || win === null) return;
    const { refusal } = openBridge(win, this.getAttribute('bridge'), this.getAttribute('parent-origin'));
    if (refusal) this.#refuseBridge(refusal);
  }

  /** Reports a refusal once until the attributes change or the element starts again; never to the host. */
  #refuseBridge(refusal) {
    if (this.#bridgeRefusals.has(refusal.code)) return;
    this.#bridgeRefusals.add(refusal.code);
    const detail = refusalDetail(refusal, this.#flow?.lang() ?? loadFailureLang(this.#lang()));
    if (refusal.cause) detail.cause = refusal.cause;
    this.dispatchEvent(new SlsErrorEvent(detail));
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
    // One login talks to one server: its login secret and completion token
    // never follow an `endpoint` changed mid-login.
    this.#loginEndpoint ??= this.endpoint;
    const endpoint = this.#loginEndpoint;
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

  /**
   * The element's language tag: its own or the nearest `lang`; else the
   * browser's preference list (navigator.languages), of which the core's
   * resolve_lang takes the first supported tag.
   */
  #lang() {
    return nearestLang(this) || browserLangs();
  }

  #followLang() {
    if (this.#flow === null || this.#core === null) return;
    const lang = this.#core.resolve_lang(this.#lang());
    if (lang !== this.#flow.lang()) this.#run((flow) => flow.set_lang(lang, Date.now()));
  }

  /** Follows the browser's languages while no `lang` applies (the `languagechange` event). */
  #onLanguageChange = () => {
    if (nearestLang(this) === '') this.#followLang();
  };

  /** Follows `lang` changes on the page's elements (the view's own are ignored), and the browser's languages. */
  #observeLang() {
    this.ownerDocument.defaultView?.addEventListener('languagechange', this.#onLanguageChange);
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
   * page's own rules win ties. On a change, the link this element added
   * before goes once no other connected element of the same root uses it.
   */
  #linkStylesheet() {
    let href = null;
    try {
      href = this.stylesheetUrl?.href ?? null;
    } catch {
      // An unparsable URL links nothing, like "none".
    }
    const root = this.getRootNode();
    const holder = root.nodeType === 11 ? root : this.ownerDocument.head;
    let link = null;
    if (href !== null && holder) {
      link = [...holder.querySelectorAll('link[rel~="stylesheet"]')].find((l) => l.href === href) ?? null;
      if (link === null) {
        link = this.ownerDocument.createElement('link');
        link.rel = 'stylesheet';
        link.href = href;
        holder.insertBefore(link, holder.firstChild);
        addedLinks.add(link);
      }
    }
    const previous = this.#stylesheetLink;
    this.#stylesheetLink = link;
    if (previous === null || previous === link || !addedLinks.has(previous)) return;
    const holderOfPrevious = previous.getRootNode();
    const stillUsed = [...holderOfPrevious.querySelectorAll('*')].some(
      (e) => e !== this && #stylesheetLink in e && e.#stylesheetLink === previous && e.isConnected);
    if (!stillUsed) previous.remove();
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
