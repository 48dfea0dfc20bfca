// Types of the SLS core compiled to WebAssembly. Written by hand: Emscripten
// 3.1.6 cannot emit them. The functions are bound in wasm/*_js.cpp, one file
// per feature; wasm/CMakeLists.txt chooses which features each build carries.
//
// Builds (all in web/dist/ after `cmake --build --preset wasm`):
// - sls-core.mjs + .wasm: the ES module <sls-login> loads (browsers,
//   workers): only what the login page needs, SlsLoginCore.
// - demo/sls-core.mjs + .wasm: every feature, for the demo devices (token,
//   phone, cards pages) that stand in for the server and the user's devices:
//   SlsCoreWithServerSide.
// - node/sls-core.cjs + .wasm: CommonJS for Node (tests), every feature:
//   SlsCoreWithServerSide.
// - dom-patcher.js: the DOM patcher that applies a LoginFlow view (its types
//   are in sls-login.d.ts, with the element's).
//
// Conventions
// - Names are the C++ core's names (snake_case), so one concept has one name
//   across C++, JavaScript and the HTTP API.
// - Nothing throws for bad input. A fallible function returns a Result: on
//   failure `error.code` is a stable wire name from the error catalog
//   (src/sls/errors.def) and `error.message` is already localised into the
//   language of the `lang` argument.
// - Every function refuses a wrong argument the same way: a JS value of the
//   wrong type (or an integer, enumeration name or hexadecimal string it
//   cannot read) gives the failure BadArgument, {ok: false, error} with code
//   "bad_argument" and `args` naming the parameter, even from a function
//   whose answer is otherwise a plain value (a string, a boolean, a number);
//   its message is in the `lang` argument's language, English where the
//   function has none or `lang` itself is wrong. LoginFlow's methods put the
//   same error in LoginOutput.error instead.
// - `lang` is any BCP 47 tag (a page's `lang` attribute): "zh-Hant", "zh-TW",
//   "zh-HK" and "zh-MO" select Traditional Chinese, any other "zh…" Simplified
//   Chinese, anything else English. A `lang` argument of undefined or null
//   is English; any other non-string is a BadArgument.
// - Binary data (keys, signatures, PIN hashes, session data) is hexadecimal:
//   either case in, lower case out.
// - Every parameter must be passed (Embind checks the count and throws
//   otherwise); pass undefined where a type allows it.
// - Integers beyond 32 bits (expiry times, OCRA counters) are a JS number
//   that is a safe integer, a bigint, or a string of decimal digits.

/** A stable error code from the catalog, e.g. "card.too_short". */
export type ErrorCode = string;

/** A failure: its code, the arguments of its message, the localised message. */
export interface SlsError {
  readonly code: ErrorCode;
  /** Values filling the message's {0}, {1}, ...; never secrets. */
  readonly args: readonly string[];
  /** The message in the language asked for, placeholders filled. */
  readonly message: string;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: SlsError };

/** How every function refuses a wrong argument: error.code is "bad_argument", error.args [the parameter's name]. */
export type BadArgument = { readonly ok: false; readonly error: SlsError };

/** The result of an operation that yields nothing but may fail. */
export type Status = Result<null>;

/** A BCP 47 language tag; see the conventions above. */
export type LangTag = string;

/** The three languages of every user-facing string. */
export type Lang = 'en' | 'zh-Hant' | 'zh-Hans';

/** An integer that may exceed 32 bits. */
export type Int64Like = number | bigint | string;

/**
 * The state of a partly typed code (card codes, responses, challenges), for
 * live validation while the user types.
 */
export interface EntryState {
  /** The accepted characters so far, normalised, e.g. "12345678". */
  readonly normalized: string;
  /** `normalized` grouped for reading, e.g. "1234 5678". */
  readonly display: string;
  /** True when full length and valid: the entry may be submitted. */
  readonly complete: boolean;
  /** null while the entry may still become valid; otherwise why it cannot. */
  readonly error: SlsError | null;
}

/** What an OCRA suite string (RFC 6287) fixes. */
export interface OcraSuiteInfo {
  /** The suite text exactly as given. */
  readonly suite: string;
  /** The HMAC hash; SHA-1 suites are refused. */
  readonly hash: 'sha256' | 'sha512';
  /** Response digits, 4..10; 0: the full HMAC in hexadecimal. */
  readonly digits: number;
  readonly has_counter: boolean;
  readonly question_format: 'alphanumeric' | 'numeric' | 'hex';
  /** Longest challenge, 4..64 characters. */
  readonly question_length: number;
  /** The PIN hash of the P field, or null without one. */
  readonly pin_hash: 'sha1' | 'sha256' | 'sha512' | null;
  /** Session information length in bytes, 1..512; 0 without an S field. */
  readonly session_length: number;
  readonly has_timestamp: boolean;
  /** Length of one time step in seconds; 0 without a T field. */
  readonly time_step_seconds: number;
}

/** The inputs of one OCRA computation; fields the suite does not name are ignored. */
export interface OcraInput {
  /** The challenge as typed, in the suite's format; two joined when `mutual`. */
  question: string;
  /** Mutual challenge-response (RFC 6287 §7.3). Default false. */
  mutual?: boolean;
  /** The counter C, for suites with a C field. */
  counter?: Int64Like;
  /** The PIN as typed, for PSHA256/PSHA512 suites (hashed by the core). */
  pin?: string;
  /** The PIN hash in hexadecimal; the only way to satisfy PSHA1. */
  pin_hash?: string;
  /** Session information S in hexadecimal, at most the suite's length. */
  session?: string;
  /** The timestamp T as a count of time steps since the Unix epoch. */
  time_steps?: Int64Like;
}

/** The content of the login QR code: what the phone shows and approves. */
export interface ChallengePayload {
  /** The transaction id: 32 hexadecimal digits (16 bytes). */
  tx_id: string;
  /** The challenge on the page: exactly 6 ASCII digits. */
  challenge: string;
  /** The login page's canonical origin, e.g. "https://login.example.com". */
  origin: string;
  /** Unix seconds, > 0; the payload is valid while now < expires_at. */
  expires_at: number;
}

/** The two cells asked at one login (1-based indices, distinct, in typing order). */
export interface CardChallenge {
  first: number;
  second: number;
}

/** Whether a card cell may be asked again at a later login (server policy). */
export type CellReuse = 'allowed' | 'never';

/**
 * Cells asked before: element i tells whether cell i + 1 was used (any truthy
 * value). Shorter than the card: the remaining cells are unused.
 */
export type UsedCells = ArrayLike<boolean | number> | undefined;

/** A code card as the server stores it (server-side builds only). */
export interface CodeCardData {
  readonly serial: string;
  /** Number of cells, 2..1000; valid indices are 1..size. */
  readonly size: number;
  /** The codes of cells 1, 2, … concatenated, 3 characters each. Secret. */
  readonly storage: string;
}

/** An Ed25519 key pair in hexadecimal (libsodium's layout). */
export interface Ed25519KeyPair {
  /** 32 bytes: the key Mobile Key pins at activation. */
  readonly public_key: string;
  /** 64 bytes: the seed followed by the public key. */
  readonly secret_key: string;
}

/** A crypto_kx key pair in hexadecimal (32 bytes each): Mobile Key's key-exchange keys. */
export interface KxKeyPair {
  readonly public_key: string;
  readonly secret_key: string;
}

/** QR error-correction level (about 7 %, 15 %, 25 %, 30 % may be damaged). */
export type QrEcc = 'low' | 'medium' | 'quartile' | 'high';

/** A QR symbol without its quiet zone. */
export interface QrMatrix {
  /** 1..40. */
  readonly version: number;
  /** The level used: at least the one asked for. */
  readonly ecc: QrEcc;
  /** Modules per side: 17 + 4 × version. */
  readonly size: number;
  /** Light modules to leave on every side when drawing (4). */
  readonly quiet_zone: number;
  /** size × size entries, row-major; 1 is a dark module. */
  readonly modules: Uint8Array;
}

/**
 * What the module <sls-login> loads (sls-core.mjs) carries: the login flow
 * and the language rule. The other builds have these too.
 */
export interface SlsLoginCore {
  /**
   * The language a tag selects (undefined or null: "en"); for a preference
   * list (navigator.languages), the first tag naming a supported language
   * (en…, zh…), else "en".
   */
  resolve_lang(tag: LangTag | readonly string[]): Lang | BadArgument;

  // --- the login flow of <sls-login> -------------------------------------------

  /** The login state machine; see LoginFlow. */
  readonly LoginFlow: LoginFlowConstructor;

  // --- the security centre of <sls-security> ------------------------------------

  /** The security centre's state machine; see SecurityCentre. */
  readonly SecurityCentre: SecurityCentreConstructor;
}

/**
 * The features the demo and Node builds add for pages that check what a
 * user types, show the catalog's messages or draw a QR code themselves (the
 * demo devices): none holds a server secret.
 */
export interface SlsCore extends SlsLoginCore {
  // --- the error catalog -----------------------------------------------------

  /** Every error code of the catalog, in catalog order. */
  error_codes(): ErrorCode[];
  /** A code's message with {0}, {1}, ... unfilled; null for a string that is no code of the catalog. */
  message_template(code: ErrorCode, lang: LangTag): string | null | BadArgument;
  /** A code's message with its arguments (strings; undefined: none) filled; null for a string that is no code. */
  localize(code: ErrorCode, args: readonly string[] | undefined, lang: LangTag): string | null | BadArgument;

  // --- typed codes -------------------------------------------------------------

  /**
   * Folds what Chinese IMEs and phones type into ASCII: full-width forms to
   * ASCII, spaces and dashes dropped.
   */
  fold_typed_code(typed: string): string | BadArgument;

  /** Live check of a response being typed (8 digits, the last a Damm check digit). */
  inspect_response(typed: string, lang: LangTag): EntryState | BadArgument;
  /** Submit-time check: the 8 normalised digits. */
  parse_response(typed: string, lang: LangTag): Result<string>;
  /** Groups digits by 4: "12345678" → "1234 5678". */
  format_response(digits: string): string | BadArgument;
  /** Appends the Damm check digit to 7 OCRA digits. */
  response_from_ocra(seven_digits: string, lang: LangTag): Result<string>;
  /** The Damm check digit of ASCII digits; null for a string with anything else. */
  damm_check_digit(digits: string): string | null | BadArgument;
  /** True when the last digit is the Damm check digit of the others. */
  damm_valid(digits: string): boolean | BadArgument;

  /** Live check of a 6-digit challenge being typed. */
  inspect_challenge(typed: string, lang: LangTag): EntryState | BadArgument;
  /** Submit-time check: the 6 normalised digits. */
  parse_challenge(typed: string, lang: LangTag): Result<string>;
  /** Groups digits by 3: "123456" → "123 456". */
  format_challenge(digits: string): string | BadArgument;
  /** A fresh 6-digit challenge from the CSPRNG. */
  generate_challenge(): string;

  // --- code cards --------------------------------------------------------------

  /**
   * Live check of a card entry being typed: folded, upper-cased, O → 0 and
   * I, L → 1; errors card.bad_character, card.too_long; complete at 6.
   */
  inspect_card_entry(typed: string, lang: LangTag): EntryState | BadArgument;
  /** Submit-time check: the 6 normalised characters (card.too_short below 6). */
  parse_card_entry(typed: string, lang: LangTag): Result<string>;
  /**
   * Picks two distinct cells (CSPRNG) among `cells`, all of them under
   * "allowed", the unused ones under "never" (card.exhausted below two).
   */
  pick_card_challenge(cells: number, policy: CellReuse, used: UsedCells, lang: LangTag): Result<CardChallenge>;
  /** Logins left under "never": unused cells divided by 2, rounded down. */
  logins_left(cells: number, used: UsedCells): number | BadArgument;

  // --- PINs ------------------------------------------------------------------------

  /** A Mobile Key recovery PIN: 4 to 6 printable ASCII characters, no space. */
  check_recovery_pin(pin: string, lang: LangTag): Status;
  /** A DSC+ soft PIN: exactly 4 ASCII digits. */
  check_soft_pin(pin: string, lang: LangTag): Status;

  // --- OCRA (RFC 6287): the device side (Mobile Key simulator, virtual tokens) ---

  /** Parses and validates a suite string; SHA-1 suites fail with ocra.suite_sha1. */
  ocra_suite(suite: string, lang: LangTag): Result<OcraSuiteInfo>;
  /** The OCRA response for `input` under `suite` with the HMAC key (hexadecimal). */
  ocra_compute(suite: string, key: string, input: OcraInput, lang: LangTag): Result<string>;
  /** The 8-digit response a device shows: 7 OCRA digits and the check digit. */
  compute_device_response(suite: string, key: string, input: OcraInput, lang: LangTag): Result<string>;
  /**
   * Checks a typed response: check digit first (typos never compare secrets),
   * then the expected response in constant time (response.mismatch).
   */
  verify_device_response(suite: string, key: string, input: OcraInput, typed: string, lang: LangTag): Status;

  // --- signed challenge payloads (the QR code's content) -------------------------

  /** Checks an origin against the payload's canonical-origin rules. */
  validate_payload_origin(origin: string, lang: LangTag): Status;
  /** Decodes a payload WITHOUT checking signature or expiry: for display only. */
  parse_signed_payload(text: string, lang: LangTag): Result<ChallengePayload>;
  /**
   * Decodes, checks the signature against the server's 32-byte public key,
   * then the expiry against `now` (Unix seconds).
   */
  verify_signed_payload(text: string, public_key: string, now: Int64Like, lang: LangTag): Result<ChallengePayload>;

  // --- QR codes ------------------------------------------------------------------

  /** Whether `text` fits one QR code at `ecc` (undefined: "medium"). */
  qr_fits(text: string, ecc: QrEcc | undefined): boolean | BadArgument;
  /** The QR symbol of `text`; payload.too_long when it cannot fit. */
  qr_matrix(text: string, ecc: QrEcc | undefined, lang: LangTag): Result<QrMatrix>;
  /**
   * The QR code of `text` as a self-contained SVG document (one user unit per
   * module, quiet zone included, no width or height, no script or style).
   */
  qr_svg(text: string, ecc: QrEcc | undefined, lang: LangTag): Result<string>;

}

// ---------------------------------------------------------------------------
// The login flow (C++ sls::LoginFlow, src/sls/login_flow.hpp): the core of
// <sls-login>. Deterministic: it reads no clock (every input carries now_ms)
// and does no I/O; it returns effects for the shell to run and the whole view
// to show. web/sls-login.js is its shell; another shell (a webview host, a
// test) follows the same contract:
//  - run the effects in order; apply the view after every call;
//  - report every reply to an http effect, failures included (status 0 for
//    no reply: network error, timeout), with Retry-After in seconds;
//  - request and timer ids are never reused, and replies or firings the flow
//    no longer waits for are ignored: cancelling is an optimisation;
//  - secrets: an http effect's `body` may hold the password, a typed code or
//    a completion token, and its `headers` the login secret. The C++ output is destroyed, its secrets wiped,
//    before the call returns; strings cross through TextEncoder/TextDecoder
//    on views of the module's memory, so no unwiped copy is left in the
//    module's heap (where the host lacks those classes, Embind's own
//    conversion is used instead). The JS string is the shell's to pass to
//    fetch() and drop. The view never holds a password or a code typed
//    into a field (inputs are uncontrolled), though the code-entry screens
//    echo the normalised code being typed ("You typed: A3D X9K") for the
//    user to check.

/** The screens of the flow, as in sls-state events and the root's data-screen. */
export type LoginScreen =
  | 'credentials' | 'device_choice' | 'loading' | 'code_card' | 'challenge_response' | 'push' | 'sms'
  | 'temp_code' | 'authenticated' | 'failed' | 'locked' | 'expired' | 'network_error';

/**
 * Actions of UserEvent (and of the view's event bindings). `value` is the
 * input's text for "input:*", the device id for "choose_device", ignored
 * otherwise. Unknown actions, or actions that do not fit the screen, change
 * nothing.
 */
export type LoginAction =
  | 'input:username' | 'input:password' | 'input:code' | 'submit' | 'choose_device' | 'use_other_device'
  | 'no_notification' | 'resend' | 'retry' | 'restart' | 'cancel';

/** A text node of the view. */
export interface ViewText {
  readonly tag: '#text';
  /** Characters to show; never markup. */
  readonly text: string;
}

/**
 * An element of the view. The DOM patcher (dom-patcher.js) creates it with
 * createElement, or createElementNS in the SVG namespace for `svg` and its
 * descendants (the QR code); it never parses markup.
 */
export interface ViewElement {
  /** Tag name, written by the core: lower case for HTML; SVG names keep their case. */
  readonly tag: string;
  /** Identity among siblings across renders ("" = matched by position); a new key is a new element. */
  readonly key: string;
  /** [name, value] pairs, in order. Names are written by the core (SVG's keep their case, e.g. viewBox); values may hold any text. */
  readonly attrs: ReadonlyArray<readonly [name: string, value: string]>;
  /**
   * [DOM event, action] pairs: report `event` on this element as the action
   * with the element's `value` ("" if it has none). A "submit" binding must
   * prevent the form's default navigation.
   */
  readonly on: ReadonlyArray<readonly [event: string, action: LoginAction | string]>;
  readonly children: readonly ViewNode[];
}

export type ViewNode = ViewElement | ViewText;

/** What the shell must do, in order. */
export type LoginEffect =
  /** Send a request to endpoint + path; report it with on_reply({request_id: id, ...}). */
  | { readonly kind: 'http'; readonly id: number; readonly method: 'GET' | 'POST' | 'DELETE'; readonly path: string;
      /** JSON text, "" for none. May hold a secret: pass to fetch() and drop. */
      readonly body: string;
      /**
       * Request headers to send besides Accept, Accept-Language and Content-Type: after POST /login,
       * X-SLS-Login-Secret (a secret binding the login to this page: send it as a header, never in the
       * URL, and drop it with the request).
       */
      readonly headers: Readonly<Record<string, string>> }
  /** Abort request `id` (its reply would be ignored anyway). */
  | { readonly kind: 'cancel_http'; readonly id: number }
  /** Call on_timer({timer_id: id, ...}) after delay_ms (> 0). */
  | { readonly kind: 'timer'; readonly id: number; readonly delay_ms: number }
  | { readonly kind: 'cancel_timer'; readonly id: number }
  /** After applying the view, move keyboard focus to the element with this id. */
  | { readonly kind: 'focus'; readonly target: string }
  /** The live region (role=status) of the view now says `text`; nothing to do unless the host speaks it itself. */
  | { readonly kind: 'announce'; readonly text: string }
  /** Dispatch "sls-" + type with this detail. */
  | { readonly kind: 'emit'; readonly type: 'state'; readonly detail: LoginStateDetail }
  | { readonly kind: 'emit'; readonly type: 'error'; readonly detail: LoginErrorDetail }
  | { readonly kind: 'emit'; readonly type: 'authenticated'; readonly detail: LoginSession | SlsStepUpResult };

/** Detail of a state event: sent when the screen or the busy flag changes. */
export interface LoginStateDetail {
  readonly screen: LoginScreen;
  /** True while a submitted request is outstanding. */
  readonly busy: boolean;
  /** On challenge screens: "code_card", "ocra", "push", "sms" or "temp_code". */
  readonly method?: string;
  /** On challenge screens: the device kind, e.g. "mobile_key". */
  readonly device_kind?: string;
}

/** Detail of an error event: a server or network error (never a local check of a typed code). */
export interface LoginErrorDetail {
  /** Stable code from the error catalog, e.g. "auth.bad_credentials". */
  readonly code: ErrorCode;
  /** The message shown, in the flow's language. */
  readonly message: string;
}

/** A limit in US cents; unlimited limits are null with unlimited: true. */
export interface LoginLimit {
  readonly unlimited: boolean;
  readonly cents: number | null;
}

/** Detail of an authenticated event: the Session object of POST /login/{id}/complete, as the server sent it. */
export interface LoginSession {
  readonly username: string;
  readonly device_kind: string;
  readonly access?: 'full' | 'account_management';
  readonly limits: { readonly daily?: LoginLimit; readonly five_day?: LoginLimit };
  readonly restrictions: readonly string[];
  /** How the user authenticated: RFC 8176 values, e.g. ["pwd", "sms"] (slsd always sends it). */
  readonly amr?: readonly string[];
  /** True when a restricted authenticator (SMS, NIST SP 800-63B 5.1.3.3) was used. */
  readonly restricted?: boolean;
  /**
   * The signed login assertion (a compact JWS, EdDSA; slsd always sends it):
   * for the host's back end to verify against GET /.well-known/jwks.json, or
   * to redeem with POST /api/v1/assertions/redeem (docs/hand-off.md).
   */
  readonly assertion?: string;
  readonly [member: string]: unknown;
}

/**
 * Detail of the authenticated event of a step-up (LoginConfig.step_up): the
 * reply of POST /login/{id}/complete for a step-up login. No session is
 * created and no assertion issued; the session that asked may make a
 * weakening change until step_up_until.
 */
export interface SlsStepUpResult {
  readonly step_up: true;
  /** Unix seconds until which the session counts as having a fresh second factor. */
  readonly step_up_until: number;
  /** The session's user name. */
  readonly user: string;
  readonly [member: string]: unknown;
}

/** What every LoginFlow call returns. */
export interface LoginOutput {
  readonly effects: readonly LoginEffect[];
  /** The whole view, always (the patcher diffs it). */
  readonly view: ViewElement;
  /**
   * null, unless an argument had the wrong type (code "bad_argument", args
   * naming it): the flow was then not called, effects is empty and view is
   * the current one.
   */
  readonly error: SlsError | null;
}

/** Polling of a push (and of a QR approval); values are clamped into range. */
export interface LoginPollConfig {
  /** Delay before the first poll, ms (default 1000). */
  first_delay_ms?: number;
  /** Cap of the backoff, ms (default 5000); Retry-After may exceed it. */
  max_delay_ms?: number;
  /** Each delay is shortened by up to this percent, drawn from the CSPRNG (default 20, at most 50). */
  jitter_percent?: number;
  /** Network failures in a row retried before the user is asked (default 3). */
  max_network_retries?: number;
  /**
   * Long poll: seconds the server may hold each status request (`?wait=S`; default 10, at most 300;
   * 0: plain polling). Keep it under the shell's request timeout (sls-login.js: 15 s).
   */
  long_poll_wait_s?: number;
}

export interface LoginConfig {
  /** The view's language (any BCP 47 tag; default "en"). */
  lang?: LangTag;
  /** A user name to prefill. */
  username?: string;
  /** Wall clock, ms since the Unix epoch. Required. */
  now_ms: Int64Like;
  /** Prefix of every id in the view ("sls" → "sls-username"); ASCII letters, digits, "-" (others become "-"). */
  id_prefix?: string;
  /** Sent with the completion when not empty: the audience of the login assertion (one the server is configured with). */
  audience?: string;
  /** Sent with the completion when not empty: the host page's nonce, signed into the login assertion. */
  nonce?: string;
  /**
   * A step-up of the session already open (docs/accounts.md): no credentials
   * screen, POST /login {"step_up": true} at once (the shell's request
   * carries the session cookie); "restart" and "retry" start it again.
   */
  step_up?: boolean;
  poll?: LoginPollConfig;
}

export interface LoginFlowConstructor {
  /** A flow on the credentials screen; call start() before anything else. */
  new (): LoginFlow;
}

/**
 * One login. An Embind object: it holds WebAssembly memory until delete()
 * is called (the element calls it when disconnected). Every method takes
 * exactly the arguments listed.
 */
export interface LoginFlow {
  /** Starts (or restarts) a login on the credentials screen; earlier requests and timers are forgotten. */
  start(config: LoginConfig): LoginOutput;
  /** A user action. `value` may be a secret (password, code): it is moved into wiped memory. */
  on_event(event: { action: LoginAction | string; value?: string; now_ms: Int64Like }): LoginOutput;
  /** The outcome of an http effect: status 0 when no reply came; `body` may hold a completion token. */
  on_reply(reply: {
    request_id: number; status: number; retry_after_s?: Int64Like | null; body?: string | null; now_ms: Int64Like;
  }): LoginOutput;
  /** A timer effect went off. */
  on_timer(timer: { timer_id: number; now_ms: Int64Like }): LoginOutput;
  /** Switches the view's language (e.g. the page's lang changed). */
  set_lang(lang: LangTag, now_ms: Int64Like): LoginOutput;
  /**
   * Replaces the config's audience and nonce (null/undefined: none): a
   * completion sent afterwards carries them. false (nothing changed) when
   * one is neither a string nor null/undefined.
   */
  set_assertion_request(audience: string | null | undefined, nonce: string | null | undefined): boolean;
  screen(): LoginScreen;
  /** True while a submitted request is outstanding (further submits are ignored). */
  busy(): boolean;
  /** The flow's language: "en", "zh-Hant" or "zh-Hans". */
  lang(): Lang;
  /** The current view (as the last output carried). */
  view(): ViewElement;
  /** Frees the C++ object (wiping what it holds). The object is unusable afterwards. */
  delete(): void;
}

// The security centre (C++ sls::SecurityCentre, src/sls/security_centre.hpp):
// the core of <sls-security>. Its outputs have LoginFlow's shapes; it asks
// for no timers.

export interface SecurityConfig {
  /** The view's language (any BCP 47 tag; default "en"). */
  lang?: LangTag;
  /** Wall clock, ms since the Unix epoch. Required. */
  now_ms: Int64Like;
  /** Prefix of every id in the view (default "sls-security"). */
  id_prefix?: string;
}

export interface SecurityCentreConstructor {
  new (): SecurityCentre;
}

/** One security centre; an Embind object (call delete() when done). */
export interface SecurityCentre {
  /** Loads the accounts, the sharing requests, the devices and the phones (GET /accounts, /sharing, /devices, /phones). */
  start(config: SecurityConfig): LoginOutput;
  /**
   * A user action: opt_out / opt_in (value: account id), confirm_opt_out, cancel, back, retry, share,
   * input:owner, input:serial, share_submit, stop_sharing (value: request id), and step_up_done (value: the
   * nested step-up login's sls-authenticated detail as JSON); the device lifecycle's: report_lost, remove_device,
   * replace_device, show_return (value: device id), confirm_lost, confirm_remove, replace_mobile_key, show_history,
   * issue_card, card_continue, input:code1, input:code2, activate_card, order_start, input:pin, input:pin2,
   * pin_submit, choose_account (value: account id), account_submit, order_back, order_submit, remove_phone
   * (value: phone id), add_phone, input:phone, phone_submit.
   */
  on_event(event: { action: string; value?: string; now_ms: Int64Like }): LoginOutput;
  on_reply(reply: {
    request_id: number; status: number; retry_after_s?: Int64Like | null; body?: string | null; now_ms: Int64Like;
  }): LoginOutput;
  set_lang(lang: LangTag, now_ms: Int64Like): LoginOutput;
  /** A SecurityScreen of sls-security.d.ts: "loading", "overview", "confirm_opt_out", ..., "history". */
  screen(): string;
  busy(): boolean;
  lang(): Lang;
  view(): ViewElement;
  delete(): void;
}

/**
 * The demo and Node builds add the server-side operations. They make or hold
 * secrets a login page must never have (signing keys, card codes), so the
 * login module leaves them out, and Ed25519 signing with them.
 */
export interface SlsCoreWithServerSide extends SlsCore {
  /** A fresh Ed25519 key pair. */
  ed25519_generate_key_pair(): Ed25519KeyPair;
  /** The key pair of a 32-byte seed (hexadecimal). */
  ed25519_key_pair_from_seed(seed: string, lang: LangTag): Result<Ed25519KeyPair>;
  /**
   * Encodes and signs a payload ("SLS1." + Base32) with a 64-byte secret key.
   * Deterministic: the same payload and key always give the same text.
   */
  encode_signed_payload(payload: ChallengePayload, secret_key: string, lang: LangTag): Result<string>;
  /** A new card with random codes (card.bad_size outside 2..1000 cells). */
  generate_code_card(serial: string, cells: number, lang: LangTag): Result<CodeCardData>;
  /** The 3-character code of a cell (card.bad_index outside 1..size). */
  code_card_code(storage: string, index: number, lang: LangTag): Result<string>;
  /** Checks a typed entry against a card's codes for a challenge, in constant time (card.mismatch). */
  verify_card_entry(storage: string, challenge: CardChallenge, typed: string, lang: LangTag): Status;

  // Mobile Key, the phone's side (sls/mobile_key.hpp), for the phone simulator.

  /** A fresh crypto_kx key pair (32-byte keys), made at activation. */
  kx_generate_key_pair(): KxKeyPair;
  /**
   * The OCRA secret the phone shares with the server after activation
   * (hexadecimal, the suite's hash size: 32 or 64 bytes), from the phone's
   * key pair and the server's crypto_kx public key of the activation reply.
   * bad_argument naming the key that is not 32 bytes or that crypto_kx
   * refuses; ocra.* errors for a bad suite.
   */
  mobile_key_phone_ocra_secret(suite: string, phone_public_key: string, phone_secret_key: string,
    server_public_key: string, lang: LangTag): Result<string>;
  /**
   * The hash of a PIN for a suite's P field ("sha256": 32 bytes, "sha512":
   * 64), in hexadecimal: what activation sends as `pin_hash`.
   * ocra.missing_input for an empty PIN.
   */
  ocra_hash_pin(hash: 'sha256' | 'sha512', pin: string, lang: LangTag): Result<string>;
  /** "SLS-PUSH-1|tx_id|number|decision": the text a push decision signs. */
  push_decision_message(tx_id: string, number: string, decision: 'approve' | 'deny' | 'not_me'): string | BadArgument;
  /**
   * "SLS-PULL-1|device_id|unix_seconds": the text the X-SLS-Device-Signature
   * header signs.
   */
  device_pull_message(device_id: string, unix_seconds: Int64Like): string | BadArgument;
  /** "SLS-QR-1|payload|approve": the text an online QR approval signs. */
  qr_approval_message(payload: string): string | BadArgument;
  /** Ed25519 detached signature (64 bytes, hexadecimal) with a 64-byte secret key. */
  mobile_key_sign(secret_key: string, message: string, lang: LangTag): Result<string>;
  /**
   * Whether `signature` (hexadecimal) is a valid signature of `message` by `public_key`; false for a key or
   * signature string that is not hexadecimal of the right length (a BadArgument only for a non-string).
   */
  mobile_key_signature_valid(public_key: string, message: string, signature: string): boolean | BadArgument;
}

/** Options of the module factory (a subset of Emscripten's Module object). */
export interface SlsCoreOptions {
  /** The .wasm bytes; required in Node 20, where the loader cannot fetch a file path. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to find sls-core.wasm, relative to the script by default. */
  locateFile?: (path: string, scriptDirectory: string) => string;
  /**
   * Instantiates the module itself (<sls-login> uses it to compile the .wasm
   * while this module is still being imported): call `receiveInstance` with
   * the instance made from `imports` (and its WebAssembly.Module), return {}.
   * The promise of createSlsCore does not reject if the instance never
   * comes: report a failure yourself.
   */
  instantiateWasm?: (
    imports: WebAssembly.Imports,
    receiveInstance: (instance: WebAssembly.Instance, module?: WebAssembly.Module) => void,
  ) => Record<string, never>;
}

/**
 * Instantiates the module. Resolves once the WebAssembly is compiled. (The
 * demo and Node builds resolve to SlsCoreWithServerSide.)
 */
declare function createSlsCore(options?: SlsCoreOptions): Promise<SlsLoginCore>;
export default createSlsCore;
