// Types of the SLS core compiled to WebAssembly. Written by hand: Emscripten
// 3.1.6 cannot emit them. Every function is bound in wasm/bindings.cpp.
//
// Builds (all in web/dist/ after `cmake --build --preset wasm`):
// - sls-core.mjs + .wasm: the ES module pages ship (browsers, workers): SlsCore.
// - demo/sls-core.mjs + .wasm: the same plus the server-side operations, for
//   demo pages only: SlsCoreWithServerSide.
// - node/sls-core.cjs + .wasm: CommonJS for Node (tests): SlsCoreWithServerSide.
//
// Conventions
// - Names are the C++ core's names (snake_case), so one concept has one name
//   across C++, JavaScript and the HTTP API.
// - Nothing throws for bad input. A fallible function returns a Result: on
//   failure `error.code` is a stable wire name from the error catalog
//   (src/sls/errors.def) and `error.message` is already localised into the
//   language of the `lang` argument. A JS value of the wrong type is the
//   error `bad_argument`, whose `args` name the parameter.
// - `lang` is any BCP 47 tag (a page's `lang` attribute): "zh-Hant", "zh-TW",
//   "zh-HK" and "zh-MO" select Traditional Chinese, any other "zh…" Simplified
//   Chinese, anything else English.
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

export interface SlsCore {
  // --- languages and messages ------------------------------------------------

  /** The language a tag selects. Never fails; a non-string gives "en". */
  resolve_lang(tag: LangTag): Lang;
  /** Every error code of the catalog, in catalog order. */
  error_codes(): ErrorCode[];
  /** A code's message with {0}, {1}, ... unfilled; null for an unknown code. */
  message_template(code: ErrorCode, lang: LangTag): string | null;
  /** A code's message with its arguments filled; null for an unknown code. */
  localize(code: ErrorCode, args: readonly string[], lang: LangTag): string | null;

  // --- typed codes -------------------------------------------------------------

  /**
   * Folds what Chinese IMEs and phones type into ASCII: full-width forms to
   * ASCII, spaces and dashes dropped. Never fails.
   */
  fold_typed_code(typed: string): string;

  /** Live check of a response being typed (8 digits, the last a Damm check digit). */
  inspect_response(typed: string, lang: LangTag): EntryState;
  /** Submit-time check: the 8 normalised digits. */
  parse_response(typed: string, lang: LangTag): Result<string>;
  /** Groups digits by 4: "12345678" → "1234 5678". Never fails. */
  format_response(digits: string): string;
  /** Appends the Damm check digit to 7 OCRA digits. */
  response_from_ocra(seven_digits: string, lang: LangTag): Result<string>;
  /** The Damm check digit of ASCII digits; null for anything else. */
  damm_check_digit(digits: string): string | null;
  /** True when the last digit is the Damm check digit of the others. */
  damm_valid(digits: string): boolean;

  /** Live check of a 6-digit challenge being typed. */
  inspect_challenge(typed: string, lang: LangTag): EntryState;
  /** Submit-time check: the 6 normalised digits. */
  parse_challenge(typed: string, lang: LangTag): Result<string>;
  /** Groups digits by 3: "123456" → "123 456". Never fails. */
  format_challenge(digits: string): string;
  /** A fresh 6-digit challenge from the CSPRNG. */
  generate_challenge(): string;

  // --- code cards --------------------------------------------------------------

  /**
   * Live check of a card entry being typed: folded, upper-cased, O → 0 and
   * I, L → 1; errors card.bad_character, card.too_long; complete at 6.
   */
  inspect_card_entry(typed: string, lang: LangTag): EntryState;
  /** Submit-time check: the 6 normalised characters (card.too_short below 6). */
  parse_card_entry(typed: string, lang: LangTag): Result<string>;
  /**
   * Picks two distinct cells (CSPRNG) among `cells`, all of them under
   * "allowed", the unused ones under "never" (card.exhausted below two).
   */
  pick_card_challenge(cells: number, policy: CellReuse, used: UsedCells, lang: LangTag): Result<CardChallenge>;
  /** Logins left under "never": unused cells divided by 2, rounded down. 0 for bad input. */
  logins_left(cells: number, used: UsedCells): number;

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
  qr_fits(text: string, ecc: QrEcc | undefined): boolean;
  /** The QR symbol of `text`; payload.too_long when it cannot fit. */
  qr_matrix(text: string, ecc: QrEcc | undefined, lang: LangTag): Result<QrMatrix>;
  /**
   * The QR code of `text` as a self-contained SVG document (one user unit per
   * module, quiet zone included, no width or height, no script or style).
   */
  qr_svg(text: string, ecc: QrEcc | undefined, lang: LangTag): Result<string>;
}

/**
 * The demo and Node builds add the server-side operations. They make or hold
 * secrets a login page must never have (signing keys, card codes), so the
 * production module leaves them out, and Ed25519 signing with them.
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
}

/** Options of the module factory (a subset of Emscripten's Module object). */
export interface SlsCoreOptions {
  /** The .wasm bytes; required in Node 20, where the loader cannot fetch a file path. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to find sls-core.wasm, relative to the script by default. */
  locateFile?: (path: string, scriptDirectory: string) => string;
}

/**
 * Instantiates the module. Resolves once the WebAssembly is compiled. (The
 * demo and Node builds resolve to SlsCoreWithServerSide.)
 */
declare function createSlsCore(options?: SlsCoreOptions): Promise<SlsCore>;
export default createSlsCore;
