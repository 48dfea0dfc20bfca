// Types of <sls-security> (web/sls-security.js, registered by web/sls-security-define.js). Written by hand.
//
// THE CONTRACT FOR PAGES AND TESTS (docs/security-centre.md):
// - Files: sls-security.js, sls-security-events.js and sls-security-define.js beside the files of <sls-login>
//   (whose loader, language helpers, stylesheet, core module and patcher it uses). Importing sls-security.js has
//   no side effect; sls-security-define.js registers <sls-security> and <sls-login> where the names are free.
// - Attributes: `endpoint` (API base, default "/api/v1", read at each request), `lang` (else the nearest `lang`
//   of the page; changes re-render in place), `module-url` and `stylesheet-url` (as <sls-login>'s), the global
//   `autofocus`, `id` (prefix of the view's ids; "security" → "security-title").
// - The view is light DOM: the root `div.sls-security[part~=root]` carries `data-screen="<SecurityScreen>"`;
//   the live region is `[role=status]`, errors `[part~=error]`.
// - Requests: GET /accounts and GET /sharing, POST /accounts/{id}/opt-out|opt-in, POST /sharing,
//   DELETE /sharing/{id}, with the session cookie (credentials "same-origin"), as <sls-login> sends them.
// - A change that needs a fresh second factor shows a nested `<sls-login step-up>`; its sls-authenticated event
//   is taken by this element (it does not reach the page) and the change goes on.

import type { LoginErrorDetail } from './sls-core';
import type { SlsErrorEvent, SlsLoader } from './sls-login.js';

export { SlsErrorEvent };

/** The screens of the security centre. */
export type SecurityScreen =
  | 'loading' | 'overview' | 'confirm_opt_out' | 'step_up' | 'busy' | 'notice' | 'share_form' | 'error'
  // The device lifecycle (issue 12).
  | 'confirm_lost' | 'lost_offers' | 'confirm_remove' | 'confirm_replace' | 'card' | 'card_activate' | 'card_done'
  | 'order_pin' | 'order_account' | 'order_summary' | 'order_done' | 'return_info' | 'history' | 'phone_form';

export interface SecurityStateDetail {
  readonly screen: SecurityScreen;
  readonly busy: boolean;
}

export interface SecurityChangedDetail {
  readonly change: 'opt_out' | 'opt_in' | 'share' | 'stop_sharing';
  /** The account of an opt-out or opt-in ("" otherwise). */
  readonly account: string;
}

/** `sls-security-state`: the screen or the busy flag changed (also once at start). */
export class SlsSecurityStateEvent extends CustomEvent<SecurityStateDetail> {
  static readonly type: 'sls-security-state';
  readonly type: 'sls-security-state';
  constructor(detail: SecurityStateDetail);
}

/** `sls-security-changed`: a change was saved and the accounts were read again. */
export class SlsSecurityChangedEvent extends CustomEvent<SecurityChangedDetail> {
  static readonly type: 'sls-security-changed';
  readonly type: 'sls-security-changed';
  constructor(detail: SecurityChangedDetail);
}

export interface SlsSecurityEventMap extends HTMLElementEventMap {
  'sls-security-state': SlsSecurityStateEvent;
  'sls-security-changed': SlsSecurityChangedEvent;
  /** A server or network error was shown, or the module could not load; detail as <sls-login>'s. */
  'sls-error': SlsErrorEvent;
}

export type { LoginErrorDetail };

export class SlsSecurity extends HTMLElement {
  /** lang, endpoint, module-url, stylesheet-url. */
  static readonly observedAttributes: readonly string[];
  /** Registers the element as `tagName` (default "sls-security"); idempotent, as SlsLogin.define. */
  static define(tagName?: string, registry?: CustomElementRegistry): typeof SlsSecurity;
  /** The loader shared with <sls-login> (SlsLogin.setLoader). */
  static setLoader(load: SlsLoader | null): void;

  get endpoint(): string;
  set endpoint(value: string | null);
  get moduleUrl(): URL;
  set moduleUrl(value: string | URL | null);
  get stylesheetUrl(): URL | null;
  set stylesheetUrl(value: string | URL | null);
  /** The current screen, or null before the core runs. */
  get screen(): SecurityScreen | null;
  /** True while a request the screen waits for is outstanding. */
  get busy(): boolean;
  /** Loads the accounts and sharing requests again, back on the overview. */
  reload(): void;

  addEventListener<K extends keyof SlsSecurityEventMap>(
    type: K, listener: (this: SlsSecurity, event: SlsSecurityEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SlsSecurityEventMap>(
    type: K, listener: (this: SlsSecurity, event: SlsSecurityEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions): void;
}
