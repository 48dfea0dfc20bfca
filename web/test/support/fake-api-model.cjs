// The fake API's data and rules that do not depend on HTTP: its test users
// and their secrets, limits and authentication methods per device kind, the
// knobs' defaults, and the small helpers every route uses (ids, fields,
// secret and signature checks, the error the dispatcher sends). Part of the
// fake (fake-api.cjs); see its LIMITS: nothing here is secure.
'use strict';

const crypto = require('node:crypto');

/** The password of every test user. */
const TEST_PASSWORD = 'correct horse 42';

/**
 * Seed of the fake's QR-signing Ed25519 key. A TEST key, published here:
 * payloads it signs prove nothing outside tests.
 */
const TEST_SERVER_SEED_HEX = '5e1f5e1f00112233445566778899aabbccddeeff0123456789abcdef5e1f5e1f';

/** The PIN of every test Mobile Key (fed to the PSHA256 suite). */
const TEST_MOBILE_KEY_PIN = '2468';

const MOBILE_KEY_SUITE = 'OCRA-1:HOTP-SHA256-7:QN06-PSHA256';
const CARD_CELLS = 100;
const BODY_LIMIT = 16 * 1024;
const COMPLETION_TOKEN_TTL = 60;
/** slsd's defaults: --session-idle 900, --session-max 43200. */
const SESSION_IDLE = 900;
const SESSION_MAX = 43200;
const SMS_CODE_TTL = 600;
const TEMP_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The users, by user name. Every device kind the login flow has a screen
 * for; `multi` has several devices (the device-choice screen), `plain` none
 * (password only). Labels are language-neutral: the server does not
 * translate them.
 */
const TEST_USERS = {
  card: { devices: [{ kind: 'code_card', label: 'No. 0042' }] },
  mobile: { devices: [{ kind: 'mobile_key', label: '•••• 1234' }] },
  sms: { devices: [{ kind: 'sms', label: '•••• 5678' }] },
  temp: { devices: [{ kind: 'temp_code', label: '' }] },
  multi: {
    devices: [
      { kind: 'code_card', label: 'No. 0042' },
      { kind: 'mobile_key', label: '•••• 1234' },
      { kind: 'sms', label: '•••• 5678' },
    ],
    default_kind: 'mobile_key',
  },
  plain: { devices: [] },
};

/** Limits in US cents per device kind (SPEC §2); null is unlimited. */
const LIMITS = {
  none: [5_000_000, 10_000_000],
  sms: [20_000_000, 60_000_000],
  mobile_key: [100_000_000, 100_000_000],
  code_card: [20_000_000, 60_000_000],
  temp_code: [5_000_000, 10_000_000],
};

/** RFC 8176 amr values of a session by device kind, as slsd reports them. */
const AMR = {
  none: ['pwd'],
  sms: ['pwd', 'sms'],
  mobile_key: ['pwd', 'swk'],
  code_card: ['pwd', 'otp'],
  temp_code: ['pwd', 'otp'],
};

/** The knobs' values after start and after reset(). */
const DEFAULT_KNOBS = Object.freeze({
  /** What an unanswered push does: 'approve', 'deny' or 'never', after `afterPolls` polls. */
  push: Object.freeze({ decision: 'approve', afterPolls: 2 }),
  /** Retry-After (s) on pending push and challenge-status replies. */
  pollRetryAfter: 1,
  /** Consecutive wrong answers (or passwords) that lock a user. */
  maxFailures: 5,
  /** How long a lock lasts (s). */
  lockSeconds: 300,
  loginTtl: 600,
  challengeTtl: 300,
  pushTtl: 120,
  smsResendInterval: 120,
  pushesPerHour: 20,
});

/** 16 random bytes, base64url without padding: 22 characters (login and transaction ids). */
function randomId() {
  return crypto.randomBytes(16).toString('base64url');
}

function randomDigits(n) {
  let out = '';
  for (let i = 0; i < n; i += 1) out += String(crypto.randomInt(10));
  return out;
}

/** A thrown API error: caught by the dispatcher and sent as an Error body. */
class ApiError extends Error {
  constructor(status, code, { args = [], attemptsLeft, retryAfter } = {}) {
    super(code);
    this.status = status;
    this.code = code;
    this.args = args;
    this.attemptsLeft = attemptsLeft;
    this.retryAfter = retryAfter;
  }
}

/** A required string field of the JSON body (request.bad_field otherwise). */
function field(body, name, maxLength = 1024) {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new ApiError(400, 'request.bad_field', { args: [name] });
  }
  return value;
}

/** Whether a sent login secret is the login's (constant time, as slsd compares). */
function sameSecret(expected, sent) {
  const a = Buffer.from(String(expected));
  const b = Buffer.from(String(sent ?? ''));
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** Checks a device's base64url Ed25519 signature of `message`. */
function verifyDeviceSignature(device, message, signature) {
  let bytes;
  try {
    bytes = Buffer.from(signature, 'base64url');
  } catch {
    return false;
  }
  return bytes.length === 64 && crypto.verify(null, Buffer.from(message, 'utf8'), device.signPublicKey, bytes);
}

module.exports = {
  TEST_PASSWORD,
  TEST_SERVER_SEED_HEX,
  TEST_MOBILE_KEY_PIN,
  MOBILE_KEY_SUITE,
  CARD_CELLS,
  BODY_LIMIT,
  COMPLETION_TOKEN_TTL,
  SESSION_IDLE,
  SESSION_MAX,
  SMS_CODE_TTL,
  TEMP_CODE_ALPHABET,
  TEST_USERS,
  LIMITS,
  AMR,
  DEFAULT_KNOBS,
  randomId,
  randomDigits,
  ApiError,
  field,
  sameSecret,
  verifyDeviceSignature,
};
