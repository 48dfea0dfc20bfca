// An in-process fake of the login API of docs/openapi.yaml, for the browser
// tests and the timing benchmark. It serves the API under /api/v1 and, on
// the same origin, web/ as web/scripts/serve.mjs does.
//
// The users, constants and helpers are in fake-api-model.cjs, the push and
// QR routes in fake-api-pushes.cjs; this file is the HTTP side and the
// login, code and session routes.
//
// LIMITS: this is a fake, not a server. The reference server is slsd
// (src/server/, its own issue); integrators must never copy this file.
//  - Everything lives in memory and is lost on close. Secrets (card codes,
//    OCRA keys, SMS and temporary codes) are kept in clear and compared with
//    ===; the signing key is a published test key. None of it is secure.
//  - Implemented: POST /login, /login/{id}/challenge, /verify, /sms/resend,
//    /complete; GET and DELETE /push/{tx} (the browser's routes after
//    /login require its login_secret in X-SLS-Login-Secret, as slsd does: a
//    missing or wrong one answers like an unknown id); POST
//    /push/{tx}/decision (Ed25519
//    device signature checked); POST /qr/approve; GET /login/{id}/
//    challenge-status; GET /server-key; GET and DELETE /session (sessions
//    in memory, idle and absolute expiry as slsd's defaults). Not implemented (404): GET /device/
//    {id}/pushes and POST /mobile-key/activate (the security centre's part).
//  - Fixed users (TEST_USERS) share one password; a code card has 100 cells
//    and cells may be asked again; a Mobile Key answers challenge/response
//    with OCRA-1:HOTP-SHA256-7:QN06-PSHA256 and the PIN TEST_MOBILE_KEY_PIN.
//  - One failure counter per user (slsd also counts per device); a
//    temporary code always gives full access; no per-client rate limit
//    except the forced 429s of throttle(); pushes per hour are bounded by
//    the knob pushesPerHour only.
//  - Push approval is a knob (approve or deny after N polls, or never
//    answer), unless a test posts a signed decision first.
//
// Static files: web/scripts/serve.mjs is an ES module and Jest runs these
// suites as CommonJS without ES module support, so its exports cannot be
// imported here. The fake runs serve.mjs itself in a child process
// (browser.cjs startStaticServer, as the CSP check does) and forwards every
// non-API request to it; API answers carry the security headers that
// serve.mjs sends, read from it at start. So the page, the module and the
// API share one origin and one CSP, and no header is written twice.
'use strict';

const http = require('node:http');
const crypto = require('node:crypto');
const { loadCore } = require('./core.cjs');
const { startStaticServer } = require('./browser.cjs');
const { PushRoutes } = require('./fake-api-pushes.cjs');

const {
  TEST_PASSWORD, TEST_SERVER_SEED_HEX, TEST_MOBILE_KEY_PIN, MOBILE_KEY_SUITE, CARD_CELLS, BODY_LIMIT,
  COMPLETION_TOKEN_TTL, SESSION_IDLE, SESSION_MAX, SMS_CODE_TTL, TEMP_CODE_ALPHABET, TEST_USERS, LIMITS, AMR,
  DEFAULT_KNOBS, randomId, randomDigits, ApiError, field, sameSecret,
} = require('./fake-api-model.cjs');

/** Where the API lives on the fake's origin (the element's `endpoint`). */
const API_BASE = '/api/v1';

/** The API's routes, named as in docs/openapi.yaml ("METHOD /template"). */
const ROUTES = [
  ['POST', /^\/login$/, 'POST /login'],
  ['POST', /^\/login\/([\w-]+)\/challenge$/, 'POST /login/{login_id}/challenge'],
  ['POST', /^\/login\/([\w-]+)\/verify$/, 'POST /login/{login_id}/verify'],
  ['POST', /^\/login\/([\w-]+)\/sms\/resend$/, 'POST /login/{login_id}/sms/resend'],
  ['POST', /^\/login\/([\w-]+)\/complete$/, 'POST /login/{login_id}/complete'],
  ['GET', /^\/login\/([\w-]+)\/challenge-status$/, 'GET /login/{login_id}/challenge-status'],
  ['GET', /^\/push\/([\w-]+)$/, 'GET /push/{tx_id}'],
  ['DELETE', /^\/push\/([\w-]+)$/, 'DELETE /push/{tx_id}'],
  ['POST', /^\/push\/([\w-]+)\/decision$/, 'POST /push/{tx_id}/decision'],
  ['POST', /^\/qr\/approve$/, 'POST /qr/approve'],
  ['GET', /^\/server-key$/, 'GET /server-key'],
  ['GET', /^\/session$/, 'GET /session'],
  ['DELETE', /^\/session$/, 'DELETE /session'],
];


/** The security headers serve.mjs puts on every answer (those the API answers copy). */
function readStaticHeaders(port) {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method: 'HEAD', path: '/' }, (response) => {
      response.resume();
      const picked = {};
      for (const name of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'cache-control']) {
        if (response.headers[name] !== undefined) picked[name] = response.headers[name];
      }
      if (!picked['content-security-policy']) reject(new Error('serve.mjs sent no Content-Security-Policy'));
      else resolve(picked);
    });
    request.on('error', reject);
    request.end();
  });
}

class FakeApi {
  /** Use startFakeApi(). */
  constructor(core, clock) {
    this.core = core;
    this.clock = clock;
    this.serverKeys = core.ed25519_key_pair_from_seed(TEST_SERVER_SEED_HEX, 'en').value;
    /** The QR-signing public key (hex), as the Mobile Key pins it. */
    this.serverPublicKey = this.serverKeys.public_key;
    /** Every API request answered: {method, path, route, status, secret (the X-SLS-Login-Secret sent)}. */
    this.requests = [];
    /** SMS sent, oldest first: {username, phone, code}. */
    this.outbox = [];
    /** Every QR payload issued, oldest first. */
    this.issuedPayloads = [];
    this.users = new Map();
    this.devices = new Map();
    for (const [username, spec] of Object.entries(TEST_USERS)) this.addUser(username, spec);
    this.reset();
  }

  addUser(username, spec) {
    const user = { username, devices: [], defaultDeviceId: undefined };
    for (const { kind, label } of spec.devices) {
      const device = { id: `${username}-${kind.replace('_', '-')}`, kind, label, username };
      if (kind === 'code_card') {
        const card = this.core.generate_code_card('0042', CARD_CELLS, 'en');
        if (!card.ok) throw new Error(card.error.message);
        device.card = card.value;
      } else if (kind === 'mobile_key') {
        device.ocraKey = crypto.randomBytes(32).toString('hex');
        const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
        device.signPublicKey = publicKey;
        device.signPrivateKey = privateKey;
        device.phone = '+85290001234';
      } else if (kind === 'sms') {
        device.phone = '+85290005678';
      } else if (kind === 'temp_code') {
        device.tempCode = Array.from({ length: 10 }, () => TEMP_CODE_ALPHABET[crypto.randomInt(32)]).join('');
      }
      user.devices.push(device);
      this.devices.set(device.id, device);
      if (kind === spec.default_kind) user.defaultDeviceId = device.id;
    }
    this.users.set(username, user);
  }

  // --- knobs --------------------------------------------------------------------

  /**
   * Forgets logins, pushes, failures, forced replies and logs, and puts the
   * knobs back to DEFAULT_KNOBS. Users and their devices stay.
   */
  reset() {
    this.knobs = { ...DEFAULT_KNOBS, push: { ...DEFAULT_KNOBS.push } };
    this.logins = new Map();
    this.pushes = new Map();
    /** Cookie value → {session, created_at, last_seen_at, idle_expires_at, expires_at}. */
    this.sessions = new Map();
    this.challengesByPayload = new Map();
    this.failures = new Map();
    this.pushTimes = new Map();
    this.forced = [];
    this.requests.length = 0;
    this.outbox.length = 0;
    this.issuedPayloads.length = 0;
  }

  /** Changes knobs (see DEFAULT_KNOBS); `push` may be given in part. */
  configure(knobs) {
    const { push, ...rest } = knobs;
    for (const name of Object.keys(rest)) {
      if (!(name in DEFAULT_KNOBS)) throw new Error(`unknown knob ${name}`);
    }
    Object.assign(this.knobs, rest);
    if (push) Object.assign(this.knobs.push, push);
  }

  /** The next `times` requests of `route` ("POST /login", ...) answer 429 with Retry-After. */
  throttle(route, { retryAfter = 2, times = 1 } = {}) {
    this.force(route, { kind: 'throttle', retryAfter, times });
  }

  /**
   * The next `times` requests of `route` fail: with `status` (e.g. 503), or,
   * when status is omitted, with a reply cut off after its head (a network
   * failure: fetch rejects, the fake logs status 0).
   */
  failNext(route, { status, times = 1 } = {}) {
    this.force(route, { kind: status === undefined ? 'drop' : 'status', status, times });
  }

  /** Locks `username` now, for `seconds` (as if the failures had been made). */
  lock(username, seconds = this.knobs.lockSeconds) {
    this.failures.set(username, { count: this.knobs.maxFailures, lockedUntil: this.now() + seconds });
  }

  force(route, entry) {
    if (!ROUTES.some(([, , name]) => name === route)) throw new Error(`unknown route ${route}`);
    this.forced.push({ route, ...entry });
  }

  // --- what a user reads from their device (test helpers) ---------------------

  /** The newest login's id, or undefined. */
  latestLoginId() {
    return [...this.logins.keys()].pop();
  }

  /** The open challenge of a login (newest by default), as sent to the page; undefined if none. */
  openChallenge(loginId = this.latestLoginId()) {
    return this.logins.get(loginId)?.challenge?.reply;
  }

  /**
   * The correct answer to a login's open challenge (newest login by default),
   * as the user would type it: the two card codes, the Mobile Key's response,
   * the SMS code or the temporary code. Throws when there is nothing to answer.
   */
  answer(loginId = this.latestLoginId()) {
    const challenge = this.logins.get(loginId)?.challenge;
    if (!challenge) throw new Error('no open challenge');
    const device = this.devices.get(challenge.deviceId);
    switch (challenge.method) {
      case 'code_card':
        return challenge.indices.map((i) => this.core.code_card_code(device.card.storage, i, 'en').value).join('');
      case 'ocra':
        return this.core.compute_device_response(MOBILE_KEY_SUITE, device.ocraKey,
          { question: challenge.challenge, pin: TEST_MOBILE_KEY_PIN }, 'en').value;
      case 'sms':
        return challenge.smsCode;
      case 'temp_code':
        return device.tempCode;
      default:
        throw new Error(`nothing to type for ${challenge.method}`);
    }
  }

  /** A user's device of `kind` ({id, kind, label, ...}). */
  device(username, kind) {
    const found = this.users.get(username)?.devices.find((d) => d.kind === kind);
    if (!found) throw new Error(`${username} has no ${kind}`);
    return found;
  }

  /** Signs `message` with a user's Mobile Key device key: base64url, as the phone would. */
  deviceSign(username, message) {
    const device = this.device(username, 'mobile_key');
    return crypto.sign(null, Buffer.from(message, 'utf8'), device.signPrivateKey).toString('base64url');
  }

  // --- serving ---------------------------------------------------------------

  now() {
    return Math.floor(this.clock() / 1000);
  }

  async handle(request, response) {
    const url = new URL(request.url, 'http://fake');
    const apiPath = url.pathname.slice(API_BASE.length);
    const found = ROUTES.map(([method, pattern, name]) => ({ method, match: pattern.exec(apiPath), name }))
      .filter((r) => r.match);
    const secret = request.headers['x-sls-login-secret'] ?? '';
    const record = { method: request.method, path: url.pathname, route: found[0]?.name, status: 0, secret };
    this.requests.push(record);
    const lang = this.core.resolve_lang(String(request.headers['accept-language'] || 'en').split(',')[0].trim());
    const send = (status, body, headers = {}) => {
      record.status = status;
      const text = JSON.stringify(body);
      response.writeHead(status, {
        ...this.securityHeaders,
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
        ...headers,
      });
      response.end(text);
    };
    try {
      if (found.length === 0) throw new ApiError(404, 'http.not_found');
      const route = found.find((r) => r.method === request.method);
      if (!route) throw new ApiError(405, 'http.method_not_allowed');
      record.route = route.name;
      const forced = this.forced.find((f) => f.route === route.name);
      if (forced) {
        forced.times -= 1;
        if (forced.times <= 0) this.forced.splice(this.forced.indexOf(forced), 1);
        if (forced.kind === 'drop') {
          // The head of a reply, then the connection is cut: the client's
          // read fails. (Closing before any byte would not do: browsers
          // silently retry a request whose reused connection closes so.)
          request.resume();
          record.status = 0;
          request.socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{');
          return;
        }
        if (forced.kind === 'throttle') throw new ApiError(429, 'rate.limited', { retryAfter: forced.retryAfter });
        throw new ApiError(forced.status, forced.status >= 500 ? 'internal' : 'bad_argument');
      }
      const body = await this.readBody(request);
      const cookie = /(?:^|;\s*)sls_session=([^;]*)/.exec(request.headers.cookie || '')?.[1] ?? '';
      const result = this.route(route.name, route.match[1], body, secret, cookie);
      send(result.status ?? 200, result.body, result.headers);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const inner = { code: error.code, message: this.core.localize(error.code, error.args, lang) };
      const headers = { ...error.headers };
      if (error.attemptsLeft !== undefined) inner.attempts_left = error.attemptsLeft;
      if (error.retryAfter !== undefined) {
        inner.retry_after = error.retryAfter;
        headers['Retry-After'] = String(error.retryAfter);
      }
      send(error.status, { error: inner }, headers);
    }
  }

  /** The JSON body of a request ({} when there is none). */
  async readBody(request) {
    const chunks = [];
    let size = 0;
    for await (const chunk of request) {
      size += chunk.length;
      if (size > BODY_LIMIT) throw new ApiError(413, 'http.body_too_large');
      chunks.push(chunk);
    }
    if (size === 0) return {};
    if (!/^application\/json\b/.test(request.headers['content-type'] || '')) {
      throw new ApiError(415, 'http.unsupported_media_type');
    }
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new ApiError(400, 'request.malformed_json');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'request.malformed_json');
    return body;
  }

  route(name, id, body, secret, cookie) {
    switch (name) {
      case 'POST /login': return this.startLogin(body);
      case 'POST /login/{login_id}/challenge': return this.openChallengeFor(this.login(id, { secret }), body);
      case 'POST /login/{login_id}/verify': return this.verify(this.login(id, { secret }), body);
      case 'POST /login/{login_id}/sms/resend': return this.resendSms(this.login(id, { secret }));
      case 'POST /login/{login_id}/complete':
        return this.complete(this.login(id, { secret, completing: true }), body);
      case 'GET /login/{login_id}/challenge-status': return this.challengeStatus(this.login(id, { secret }));
      case 'GET /push/{tx_id}': return this.pushStatus(this.push(id, { secret }), true);
      case 'DELETE /push/{tx_id}': return this.cancelPush(this.push(id, { secret }));
      case 'POST /push/{tx_id}/decision': return this.pushDecision(this.push(id), body);
      case 'POST /qr/approve': return this.qrApprove(body);
      case 'GET /server-key':
        return { body: { sign_public_key: Buffer.from(this.serverPublicKey, 'hex').toString('base64url') } };
      case 'GET /session': return this.currentSession(cookie);
      case 'DELETE /session': return this.endSession(cookie);
      default: throw new ApiError(404, 'http.not_found');
    }
  }

  // --- failures and locks --------------------------------------------------------

  /** 423 when the user is locked. */
  checkLock(username) {
    const f = this.failures.get(username);
    if (f?.lockedUntil > this.now()) {
      throw new ApiError(423, 'auth.locked', { retryAfter: f.lockedUntil - this.now() });
    }
  }

  /** Counts a wrong answer; throws 423 once the limit is reached, else `status` `code` with attempts_left. */
  countFailure(username, status, code) {
    const f = this.failures.get(username) ?? { count: 0, lockedUntil: 0 };
    if (f.lockedUntil && f.lockedUntil <= this.now()) f.count = 0;
    f.count += 1;
    f.lockedUntil = 0;
    this.failures.set(username, f);
    if (f.count >= this.knobs.maxFailures) {
      f.lockedUntil = this.now() + this.knobs.lockSeconds;
      throw new ApiError(423, 'auth.locked', { retryAfter: this.knobs.lockSeconds });
    }
    throw new ApiError(status, code, { attemptsLeft: this.knobs.maxFailures - f.count });
  }

  // --- logins -------------------------------------------------------------------

  /** The login `id` for a browser route: `secret` must be its login secret, else it is "not found". */
  login(id, { secret, completing = false } = {}) {
    const login = this.logins.get(id);
    if (!login || !sameSecret(login.secret, secret)) throw new ApiError(404, 'login.not_found');
    if (!completing && login.state === 'completed') throw new ApiError(409, 'login.wrong_state');
    if (login.state !== 'completed' && this.now() >= login.expiresAt) throw new ApiError(410, 'login.expired');
    return login;
  }

  startLogin(body) {
    const username = field(body, 'username', 64);
    const password = field(body, 'password', 256);
    const user = this.users.get(username);
    // A wrong user name and a wrong password read the same.
    if (!user) throw new ApiError(401, 'auth.bad_credentials');
    if (password !== TEST_PASSWORD) {
      // As slsd: a wrong password reads the same whether or not the account is
      // locked, so the password step never tells that a user name exists.
      // It says nothing of attempts left either.
      if (!(this.failures.get(username)?.lockedUntil > this.now())) {
        try {
          this.countFailure(username, 401, 'auth.bad_credentials');
        } catch { /* counted */ }
      }
      throw new ApiError(401, 'auth.bad_credentials');
    }
    // Past the right password, a lock shows.
    this.checkLock(username);
    const login = {
      id: randomId(), secret: crypto.randomBytes(32).toString('base64url'), user, state: 'second_factor',
      expiresAt: this.now() + this.knobs.loginTtl,
      challenge: undefined, push: undefined, token: undefined, verifiedKind: undefined,
    };
    this.logins.set(login.id, login);
    if (user.devices.length === 0) {
      const token = this.verified(login, 'none');
      return {
        body: {
          login_id: login.id, login_secret: login.secret, state: 'verified', devices: [], completion_token: token,
        },
      };
    }
    const reply = {
      login_id: login.id,
      login_secret: login.secret,
      state: 'second_factor',
      devices: user.devices.map((d) => ({ device_id: d.id, kind: d.kind, label: d.label })),
    };
    if (user.defaultDeviceId) reply.default_device_id = user.defaultDeviceId;
    return { body: reply };
  }

  /** Marks a login verified by a device kind; returns a fresh completion token. */
  verified(login, kind) {
    login.state = 'verified';
    login.verifiedKind = kind;
    login.token = { value: crypto.randomBytes(24).toString('base64url'), expiresAt: this.now() + COMPLETION_TOKEN_TTL };
    this.failures.delete(login.user.username);
    return login.token.value;
  }

  openChallengeFor(login, body) {
    const deviceId = field(body, 'device_id');
    const mode = body.mode === undefined ? 'push' : body.mode;
    if (mode !== 'push' && mode !== 'ocra') throw new ApiError(400, 'request.bad_field', { args: ['mode'] });
    if (login.state !== 'second_factor') throw new ApiError(409, 'login.wrong_state');
    const device = login.user.devices.find((d) => d.id === deviceId);
    if (!device) throw new ApiError(404, 'device.not_found');
    this.checkLock(login.user.username);
    const now = this.now();

    if (device.kind === 'mobile_key' && mode === 'push') {
      const times = (this.pushTimes.get(device.id) ?? []).filter((t) => t > now - 3600);
      if (times.length >= this.knobs.pushesPerHour) {
        throw new ApiError(429, 'push.too_many', { retryAfter: times[0] + 3600 - now });
      }
      times.push(now);
      this.pushTimes.set(device.id, times);
    }
    // A new challenge voids the previous one and cancels a pending push.
    this.voidChallenge(login);

    const challenge = { deviceId: device.id, answered: false, approvedOnline: false };
    let reply;
    if (device.kind === 'mobile_key' && mode === 'push') {
      const push = {
        id: randomId(), login, device, number: randomDigits(2), expiresAt: now + this.knobs.pushTtl,
        status: 'pending', polls: 0, decidedBy: undefined,
      };
      this.pushes.set(push.id, push);
      login.push = push;
      challenge.method = 'push';
      reply = { method: 'push', tx_id: push.id, number: push.number, expires_at: push.expiresAt };
    } else {
      const idBytes = crypto.randomBytes(16);
      challenge.id = idBytes.toString('base64url');
      challenge.expiresAt = now + (device.kind === 'sms' ? SMS_CODE_TTL : this.knobs.challengeTtl);
      switch (device.kind) {
        case 'code_card': {
          const picked = this.core.pick_card_challenge(CARD_CELLS, 'allowed', undefined, 'en').value;
          challenge.method = 'code_card';
          challenge.indices = [picked.first, picked.second];
          reply = { indices: challenge.indices, card_serial: device.card.serial };
          break;
        }
        case 'mobile_key': {
          challenge.method = 'ocra';
          challenge.challenge = this.core.generate_challenge();
          const payload = this.core.encode_signed_payload({
            tx_id: idBytes.toString('hex'), challenge: challenge.challenge, origin: this.origin, expires_at: challenge.expiresAt,
          }, this.serverKeys.secret_key, 'en');
          if (!payload.ok) throw new Error(payload.error.message);
          challenge.payload = payload.value;
          this.issuedPayloads.push(payload.value);
          this.challengesByPayload.set(payload.value, { login, challenge });
          reply = { challenge: challenge.challenge, qr_payload: payload.value, pin_on_device: false };
          break;
        }
        case 'sms':
          challenge.method = 'sms';
          reply = this.sendSms(login, device, challenge);
          break;
        case 'temp_code':
          challenge.method = 'temp_code';
          reply = {};
          break;
        default:
          throw new Error(`no challenge for ${device.kind}`);
      }
      reply = { method: challenge.method, challenge_id: challenge.id, expires_at: challenge.expiresAt, ...reply };
    }
    challenge.reply = reply;
    login.challenge = challenge;
    return { body: reply };
  }

  voidChallenge(login) {
    if (login.push?.status === 'pending') login.push.status = 'cancelled';
    login.push = undefined;
    if (login.challenge?.payload) this.challengesByPayload.delete(login.challenge.payload);
    login.challenge = undefined;
  }

  /** Sends a fresh SMS code for `challenge`; returns the SMS fields of the Challenge reply. */
  sendSms(login, device, challenge) {
    challenge.smsCode = randomDigits(6);
    challenge.resendAfter = this.now() + this.knobs.smsResendInterval;
    this.outbox.push({ username: login.user.username, phone: device.phone, code: challenge.smsCode });
    return { sent_to: `•••• ${device.phone.slice(-4)}`, resend_after: challenge.resendAfter };
  }

  resendSms(login) {
    const challenge = login.challenge;
    if (!challenge || challenge.method !== 'sms' || challenge.answered) throw new ApiError(404, 'challenge.not_found');
    const now = this.now();
    if (now < challenge.resendAfter) {
      throw new ApiError(429, 'sms.resend_too_soon', { retryAfter: challenge.resendAfter - now });
    }
    challenge.expiresAt = now + SMS_CODE_TTL;
    const sms = this.sendSms(login, this.devices.get(challenge.deviceId), challenge);
    challenge.reply = { ...challenge.reply, ...sms, expires_at: challenge.expiresAt };
    return { body: challenge.reply };
  }

  /** The format check of a typed answer: its normalised form, or a 400 that costs no attempt. */
  normalise(method, typed) {
    const folded = this.core.fold_typed_code(typed);
    switch (method) {
      case 'code_card': {
        const parsed = this.core.parse_card_entry(typed, 'en');
        if (!parsed.ok) throw new ApiError(400, parsed.error.code, { args: parsed.error.args });
        return parsed.value;
      }
      case 'ocra': {
        const parsed = this.core.parse_response(typed, 'en');
        if (!parsed.ok) throw new ApiError(400, parsed.error.code, { args: parsed.error.args });
        return parsed.value;
      }
      case 'sms':
        if (!/^[0-9]{6}$/.test(folded)) throw new ApiError(400, 'sms.code_format');
        return folded;
      default: {
        const upper = folded.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
        if (upper.length !== 10 || [...upper].some((c) => !TEMP_CODE_ALPHABET.includes(c))) {
          throw new ApiError(400, 'temp_code.format', { args: ['10'] });
        }
        return upper;
      }
    }
  }

  verify(login, body) {
    const challengeId = field(body, 'challenge_id');
    const typed = field(body, 'response', 64);
    const challenge = login.challenge;
    if (!challenge || challenge.id !== challengeId) throw new ApiError(404, 'challenge.not_found');
    if (challenge.answered) throw new ApiError(410, 'challenge.used');
    if (this.now() >= challenge.expiresAt) throw new ApiError(410, 'challenge.expired');
    const entry = this.normalise(challenge.method, typed);
    const username = login.user.username;
    this.checkLock(username);
    const device = this.devices.get(challenge.deviceId);
    let wrong;
    switch (challenge.method) {
      case 'code_card':
        if (!this.core.verify_card_entry(device.card.storage,
          { first: challenge.indices[0], second: challenge.indices[1] }, entry, 'en').ok) wrong = 'card.mismatch';
        break;
      case 'ocra':
        if (!this.core.verify_device_response(MOBILE_KEY_SUITE, device.ocraKey,
          { question: challenge.challenge, pin: TEST_MOBILE_KEY_PIN }, entry, 'en').ok) wrong = 'response.mismatch';
        break;
      case 'sms':
        if (entry !== challenge.smsCode) wrong = 'auth.wrong_code';
        break;
      default:
        if (entry !== device.tempCode) wrong = 'auth.wrong_code';
    }
    if (wrong) this.countFailure(username, 401, wrong);
    challenge.answered = true;
    return { body: { completion_token: this.verified(login, device.kind) } };
  }

  complete(login, body) {
    const token = field(body, 'completion_token');
    // As slsd: the assertion's audience and nonce are checked before the token.
    if (body.audience !== undefined && (typeof body.audience !== 'string' || body.audience.length === 0
      || body.audience.length > 256)) throw new ApiError(400, 'assertion.audience_unknown');
    if (body.nonce !== undefined && (typeof body.nonce !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(body.nonce))) {
      throw new ApiError(400, 'assertion.bad_nonce');
    }
    if (login.state !== 'verified' || !login.token || login.token.value !== token) {
      throw new ApiError(401, 'login.token_invalid');
    }
    if (this.now() >= login.token.expiresAt) throw new ApiError(410, 'login.token_invalid');
    login.state = 'completed';
    login.token = undefined;
    const kind = login.verifiedKind;
    const [daily, fiveDay] = LIMITS[kind] ?? [null, null];
    const limit = (cents) => (cents === null ? { unlimited: true, cents: null } : { unlimited: false, cents });
    const session = {
      username: login.user.username,
      device_kind: kind,
      access: 'full',
      limits: { daily: limit(daily), five_day: limit(fiveDay) },
      restrictions: kind === 'none' ? ['no_pink_sheet_otc'] : [],
      amr: AMR[kind] ?? ['pwd'],
      restricted: kind === 'sms',
    };
    // Shaped like slsd's login assertion (a compact JWS) but not signed: a
    // random "signature" that no verifier accepts. The claims tell the
    // tests what the element sent.
    const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(this.now() / 1000);
    const origin = this.origin ?? 'http://127.0.0.1';
    const claims = {
      iss: origin, sub: session.username, aud: body.audience ?? origin, iat: now, exp: now + 60,
      jti: crypto.randomBytes(16).toString('base64url'),
    };
    if (body.nonce !== undefined) claims.nonce = body.nonce;
    session.assertion = [
      part({ alg: 'EdDSA', typ: 'JWT', kid: 'fake-api' }), part(claims), crypto.randomBytes(64).toString('base64url'),
    ].join('.');
    return {
      body: session,
      headers: { 'Set-Cookie': `sls_session=${this.startSession(session)}; HttpOnly; SameSite=Strict; Path=/` },
    };
  }

  // --- sessions -------------------------------------------------------------------

  /** Keeps `session` (the /complete reply) under a fresh cookie value, which it returns. */
  startSession(session) {
    const cookie = crypto.randomBytes(32).toString('base64url');
    const now = this.now();
    this.sessions.set(cookie, {
      session, created_at: now, last_seen_at: now, idle_expires_at: now + SESSION_IDLE, expires_at: now + SESSION_MAX,
    });
    return cookie;
  }

  /** The live session of `cookie` (its idle expiry slid), else 401 session.none. */
  liveSession(cookie) {
    const found = this.sessions.get(cookie);
    const now = this.now();
    if (!found || now >= found.expires_at || now >= found.idle_expires_at) {
      this.sessions.delete(cookie);
      throw new ApiError(401, 'session.none');
    }
    found.last_seen_at = now;
    found.idle_expires_at = Math.min(now + SESSION_IDLE, found.expires_at);
    return found;
  }

  currentSession(cookie) {
    const { session, ...times } = this.liveSession(cookie);
    return { body: { ...session, ...times } };
  }

  endSession(cookie) {
    const clear = { 'Set-Cookie': 'sls_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0' };
    try {
      this.liveSession(cookie);
    } catch (error) {
      error.headers = clear;
      throw error;
    }
    this.sessions.delete(cookie);
    return { body: { logged_out: true }, headers: clear };
  }

}

// The push and QR routes live in fake-api-pushes.cjs.
for (const name of Object.getOwnPropertyNames(PushRoutes.prototype)) {
  if (name !== 'constructor') FakeApi.prototype[name] = PushRoutes.prototype[name];
}

/**
 * Starts the fake on 127.0.0.1 on a free port.
 * @param {object} [options]
 * @param {() => number} [options.clock] wall clock in ms (default Date.now).
 * @param {object} [options.knobs] initial knobs (see FakeApi#configure).
 * @returns {Promise<FakeApi & {url: string, origin: string, apiUrl: string, close(): Promise<void>}>}
 *   `url` ends with "/"; the page is at `${url}demo/login.html`.
 */
async function startFakeApi({ clock = Date.now, knobs } = {}) {
  const core = await loadCore();
  const fake = new FakeApi(core, clock);
  if (knobs) fake.configure(knobs);
  const { child, port: staticPort } = await startStaticServer();
  try {
    fake.securityHeaders = await readStaticHeaders(staticPort);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((request, response) => {
    if (request.url === API_BASE || request.url.startsWith(`${API_BASE}/`)) {
      fake.handle(request, response).catch((error) => {
        // A bug in the fake, not an API error: answer 500 and say so on stderr.
        process.stderr.write(`fake-api: ${error.stack}\n`);
        if (!response.headersSent) response.writeHead(500, fake.securityHeaders);
        response.end();
      });
      return;
    }
    const upstream = http.request({
      host: '127.0.0.1', port: staticPort, method: request.method, path: request.url, headers: request.headers, agent,
    }, (reply) => {
      response.writeHead(reply.statusCode, reply.headers);
      reply.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  fake.origin = `http://127.0.0.1:${port}`;
  fake.url = `${fake.origin}/`;
  fake.apiUrl = `${fake.origin}${API_BASE}`;
  fake.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => { server.close(resolve); });
    agent.destroy();
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => { child.once('exit', resolve); });
      child.kill('SIGTERM');
      await exited;
    }
  };
  return fake;
}

module.exports = {
  API_BASE, TEST_PASSWORD, TEST_SERVER_SEED_HEX, TEST_MOBILE_KEY_PIN, TEST_USERS, MOBILE_KEY_SUITE, DEFAULT_KNOBS,
  startFakeApi,
};
