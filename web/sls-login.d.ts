// Types of <sls-login> (web/sls-login.js, registered by
// web/sls-login-define.js) and of the DOM patcher it uses (dom-patcher.js,
// shipped in dist/ beside sls-core.mjs). Written by hand.
//
// THE CONTRACT FOR PAGES, TESTS AND BENCHMARKS (kept stable):
// - Files: sls-login.js, sls-login-define.js and sls-login.css side by side;
//   dist/sls-core.mjs, dist/sls-core.wasm and dist/dom-patcher.js below them.
//   Importing sls-login.js has no side effect (it exports the classes);
//   importing sls-login-define.js registers <sls-login> if the name is free,
//   its only global effect. Under a strict CSP a page needs only
//   `<script type="module" src=".../sls-login-define.js">`.
// - Attributes (docs/component.md says when each change takes effect):
//   `endpoint` (API base URL, default "/api/v1"; requests go to endpoint +
//   the documented path, e.g. /api/v1/login; read at a login's first request
//   and kept until that login is over), `lang` (else the nearest `lang` of
//   the page; changes re-render in place), `username` (prefill; a change
//   replaces a prefill the user has not touched, else applies to the next
//   login), `module-url` (where sls-core.mjs is; default dist/sls-core.mjs
//   beside sls-login.js; a change reloads a module that failed or is still
//   loading, else applies on the next connect), `stylesheet-url` (default
//   sls-login.css beside sls-login.js; "none": the page links it itself;
//   changes are followed), `audience` and `nonce` (sent with the completion:
//   the login assertion's audience and the host page's nonce; a change
//   applies to a completion not yet sent), and the global `autofocus` (focus the first field
//   when the component starts; otherwise focus moves only once the user acts
//   in the element). `id`: prefix of the view's ids ("login" →
//   "login-username"; without an id, "sls-1", "sls-2", ...), read when a
//   login starts. `bridge` ("parent" or "webview") and `parent-origin`:
//   each event is also posted to the host (sls-bridge.js; SlsBridgeMessage
//   below), both read at each event. `step-up` (boolean): a step-up login
//   of the user already logged in (their session cookie), no credentials
//   screen; `sls-authenticated` then carries SlsStepUpResult; a change
//   starts over.
// - The view is light DOM, inside the element: fields are
//   `input[name=username|password|code]` (autocomplete username,
//   current-password, one-time-code), the form is the element's only
//   `form`, the root `div.sls-login[part~=root]` carries
//   `data-screen="<LoginScreen>"`; errors are `[part~=error]`, the live
//   region `[role=status]`. Themeable nodes carry `part` names (see
//   docs/component.md).
// - Ready: the first `sls-state` event comes after the first view is in the
//   page (screen "credentials"). Each event is an instance of its class below
//   (a CustomEvent); every event bubbles and is composed; the events come
//   after the view they describe is applied.
// - Timing: each start sets the User Timing marks "sls-login:start",
//   "sls-login:core-ready" and "sls-login:first-screen" (the last just
//   before the first `sls-state`), detail {id}: the element's id
//   (docs/component.md, "Timing marks").
// - Requests: fetch() with credentials "same-origin", cache "no-store",
//   Accept: application/json, Accept-Language: en | zh-Hant | zh-Hans,
//   Content-Type: application/json when there is a body, and after POST
//   /login the X-SLS-Login-Secret header from its reply (the login's
//   binding to this page; never in a URL); aborted after
//   15 s (then reported to the core as a network failure). Retry-After
//   (seconds or an HTTP date) is honoured.
// - Disconnecting aborts requests, clears timers, frees the core's object and
//   empties the element; connecting again starts a new login. Moving the
//   element with moveBefore() keeps the login.

import type {
  LoginErrorDetail, LoginScreen, LoginSession, LoginStateDetail, SlsLoginCore, SlsStepUpResult, ViewNode,
} from './sls-core';

export type { LoginErrorDetail, LoginScreen, LoginSession, LoginStateDetail, SlsStepUpResult };

/** detail of `sls-error`: as the core reports it, plus `cause` when the module failed to load (code "internal"). */
export interface SlsErrorEventDetail extends LoginErrorDetail {
  readonly cause?: string;
}

/** `sls-state`: the screen or the busy flag changed (also once at start, when the component is ready). */
export class SlsStateEvent extends CustomEvent<LoginStateDetail> {
  static readonly type: 'sls-state';
  readonly type: 'sls-state';
  constructor(detail: LoginStateDetail);
}

/** `sls-error`: a server or network error was shown, or the module could not load (code "internal", with `cause`). */
export class SlsErrorEvent extends CustomEvent<SlsErrorEventDetail> {
  static readonly type: 'sls-error';
  readonly type: 'sls-error';
  constructor(detail: SlsErrorEventDetail);
}

/**
 * `sls-authenticated`: the login is complete, the session cookie set; the detail is the server's Session object.
 * After a step-up (`step-up`), no cookie changes and the detail is an SlsStepUpResult.
 */
export class SlsAuthenticatedEvent extends CustomEvent<LoginSession | SlsStepUpResult> {
  static readonly type: 'sls-authenticated';
  readonly type: 'sls-authenticated';
  constructor(detail: LoginSession | SlsStepUpResult);
}

export interface SlsLoginEventMap extends HTMLElementEventMap {
  /** The screen or the busy flag changed (also once at start). */
  'sls-state': SlsStateEvent;
  /** A server or network error was shown, or the module could not load. */
  'sls-error': SlsErrorEvent;
  /**
   * The login is complete: the server set the session cookie, and the detail
   * is its Session object. The page decides what follows (redirect, or
   * postMessage to a webview host; or set `bridge`, which posts it).
   */
  'sls-authenticated': SlsAuthenticatedEvent;
}

/** Where the element hands its events (attribute `bridge`). */
export type SlsBridgeKind = 'parent' | 'webview';

/**
 * A message the bridge posts to the host, schema version 1
 * (docs/component.md, "Bridge messages"). Only these members go out.
 */
export type SlsBridgeMessage =
  | { readonly type: 'sls-state'; readonly version: 1; readonly screen: LoginScreen; readonly busy: boolean;
      readonly method?: string; readonly device_kind?: string }
  | { readonly type: 'sls-error'; readonly version: 1; readonly code: string; readonly message: string }
  | {
      readonly type: 'sls-authenticated';
      readonly version: 1;
      /** The login assertion (a JWT) of POST /login/{id}/complete; null when the server gave none. */
      readonly assertion: string | null;
      readonly session: Pick<LoginSession, 'username' | 'device_kind' | 'access' | 'limits' | 'restrictions' | 'amr' | 'restricted'>;
    };

/**
 * The codes of a bridge refusal (sls-error, never posted): an unknown
 * `bridge`, `parent-origin` missing or not an origin, not framed, no native
 * host API (or it threw; `cause` says what).
 */
export type SlsBridgeErrorCode = 'bridge.unknown' | 'bridge.parent_origin' | 'bridge.not_framed' | 'bridge.no_host';

/** The DOM patcher module (dom-patcher.js). */
export interface DomPatcherModule {
  /** "http://www.w3.org/2000/svg". */
  readonly SVG_NAMESPACE: string;
  /**
   * A patcher for `container`. `dispatch` receives every DOM event the view
   * binds: the action, the bound element's `value` ("" if none) and the
   * event. A bound submit has its navigation prevented and first reports
   * each bound input of the form with its current value (autofill that
   * fires no input event).
   */
  createPatcher(container: Element, dispatch: (action: string, value: string, event: Event) => void): DomPatcher;
}

export interface DomPatcher {
  /**
   * Makes the container's own children match `view` (a node, a list, or null
   * for none): keyed diff, fewest DOM writes, inputs keep value, focus and
   * caret; nodes and attributes it did not create are left alone. Throws a
   * TypeError for an element or attribute that would run code.
   */
  patch(view: ViewNode | readonly ViewNode[] | null): void;
  /** Stops dispatching events; the DOM stays. */
  dispose(): void;
}

/** What a loader provides: an instantiated core and the patcher module. */
export interface SlsLoaded {
  readonly core: SlsLoginCore;
  readonly patcher: DomPatcherModule;
}

/** Obtains the core and patcher for a module URL (one call per URL and page, cached). */
export type SlsLoader = (moduleUrl: URL) => Promise<SlsLoaded>;

export class SlsLogin extends HTMLElement {
  /** true: a form holding the element sees its validity. */
  static readonly formAssociated: true;
  /**
   * The attributes whose changes are followed: lang, endpoint, username, module-url, stylesheet-url,
   * audience, nonce, bridge, parent-origin, step-up.
   */
  static readonly observedAttributes: readonly string[];

  /**
   * Registers the element as `tagName` (default "sls-login") in `registry`
   * (default the window's). Idempotent; a second name gets a subclass.
   * Throws a DOMException (NotSupportedError) when the name belongs to
   * another element. Returns the registered class. The stylesheet styles the
   * tag `sls-login` as a block: give another name `display: block` in the
   * page. sls-login-define.js calls it for "sls-login".
   */
  static define(tagName?: string, registry?: CustomElementRegistry): typeof SlsLogin;

  /**
   * Replaces how elements get the core and the patcher (for bundlers that
   * import them statically, and for tests); null restores the default:
   * import(module-url) and import(dom-patcher.js beside it). Affects
   * elements that connect afterwards.
   */
  static setLoader(load: SlsLoader | null): void;

  // Reflected attributes: a setter writes the attribute, null removes it (the default applies again).
  // `lang`, `id` and `autofocus` are HTMLElement's own.

  /** Attribute `endpoint`; default "/api/v1". */
  get endpoint(): string;
  set endpoint(value: string | null);
  /** Attribute `username`; "" when absent. */
  get username(): string;
  set username(value: string | null);
  /**
   * Attribute `audience`: the audience of the login assertion, one the
   * server is configured with; "" when absent (the server's default).
   * Sent with the completion; a change applies to a completion not yet sent.
   */
  get audience(): string;
  set audience(value: string | null);
  /**
   * Attribute `nonce`: the host page's nonce (1 to 128 visible ASCII
   * characters), signed into the login assertion; "" when absent. Under a
   * header CSP the browser hides the attribute once connected: the value is
   * then read from HTMLElement's own `nonce`. Sent with the completion.
   */
  get nonce(): string;
  set nonce(value: string | null);
  /**
   * Boolean attribute `step-up`: the user, already logged in, confirms a
   * change with their security device (POST /login {"step_up": true} with
   * the session cookie, no password). Completion emits sls-authenticated
   * with an SlsStepUpResult. A change starts the element over.
   */
  get stepUp(): boolean;
  set stepUp(value: boolean);
  /**
   * Attribute `module-url`, resolved against the document; default
   * dist/sls-core.mjs beside sls-login.js. Throws a TypeError if unparsable.
   */
  get moduleUrl(): URL;
  set moduleUrl(value: string | URL | null);
  /**
   * Attribute `stylesheet-url`, resolved against the document; default
   * sls-login.css beside sls-login.js; null for "none" (the page links it).
   * Throws a TypeError if unparsable.
   */
  get stylesheetUrl(): URL | null;
  set stylesheetUrl(value: string | URL | null);
  /**
   * Attribute `color-scheme`: "light" or "dark" forces that palette; "auto"
   * (absent, or any other value) follows prefers-color-scheme. Setting null
   * or "auto" removes the attribute.
   */
  get colorScheme(): 'light' | 'dark' | 'auto';
  set colorScheme(value: 'light' | 'dark' | 'auto' | null);
  /**
   * Attribute `bridge`: "parent" posts each event to window.parent (with
   * `parent-origin` as the target origin), "webview" to the native host API;
   * "" when absent. Another value is reported in sls-error (bridge.unknown).
   */
  get bridge(): string;
  set bridge(value: SlsBridgeKind | string | null);
  /**
   * Attribute `parent-origin`: the framing page's origin for
   * bridge="parent" (scheme://host[:port] as the browser writes it; https,
   * or http on loopback); "" when absent. Set it in the login server's
   * markup, never from the URL.
   */
  get parentOrigin(): string;
  set parentOrigin(value: string | null);
  /** The current screen, or null while the module loads (or after disconnect). */
  readonly screen: LoginScreen | null;
  /** True while a submitted request is outstanding. */
  readonly busy: boolean;

  /** The form-associated members, backed by ElementInternals (null / defaults where unsupported). */
  readonly form: HTMLFormElement | null;
  /** customError, with the message shown, while the view marks a field invalid (aria-invalid). */
  readonly validity: ValidityState | null;
  readonly validationMessage: string;
  readonly willValidate: boolean;
  checkValidity(): boolean;
  reportValidity(): boolean;

  /** Starts a new login on the credentials screen (e.g. after logging out); with `step-up`, a new step-up. */
  restart(): void;

  addEventListener<K extends keyof SlsLoginEventMap>(
    type: K, listener: (this: SlsLogin, event: SlsLoginEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(
    type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SlsLoginEventMap>(
    type: K, listener: (this: SlsLogin, event: SlsLoginEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions): void;
  removeEventListener(
    type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  /** The events bubble and are composed: a page may listen on any ancestor, document or window. */
  interface HTMLElementEventMap {
    'sls-state': SlsStateEvent;
    'sls-error': SlsErrorEvent;
    'sls-authenticated': SlsAuthenticatedEvent;
  }
  interface DocumentEventMap {
    'sls-state': SlsStateEvent;
    'sls-error': SlsErrorEvent;
    'sls-authenticated': SlsAuthenticatedEvent;
  }
  interface WindowEventMap {
    'sls-state': SlsStateEvent;
    'sls-error': SlsErrorEvent;
    'sls-authenticated': SlsAuthenticatedEvent;
  }
}
