// The fake of the login API (support/fake-api.cjs) that the browser tests
// log in against: it must follow docs/openapi.yaml where the component
// relies on it, and its knobs must do what the browser tests assume.
'use strict';

const {
  startFakeApi, TEST_PASSWORD, TEST_SERVER_SEED_HEX,
} = require('./support/fake-api.cjs');

let fake;

beforeAll(async () => {
  fake = await startFakeApi();
});

afterAll(async () => {
  if (fake) await fake.close();
});

beforeEach(() => fake.reset());

/** Login secrets by login id and push id, as the browser that started each login holds them. */
const secrets = new Map();

/** The login or push id of a browser route of a login ("/login/{id}/...", "/push/{id}"), else null. */
function boundId(path) {
  const match = /^\/login\/([\w-]+)\/|^\/push\/([\w-]+)$/.exec(path);
  return match ? (match[1] ?? match[2]) : null;
}

/**
 * A JSON request to the API: {status, headers, body}. Sends the login secret
 * of the login the path names, as the component does, unless `secret` is
 * given (null: no header at all).
 */
async function api(method, path, body, { lang = 'en', secret } = {}) {
  const init = { method, headers: { 'Accept-Language': lang } };
  const sent = secret === undefined ? secrets.get(boundId(path)) : secret;
  if (sent !== undefined && sent !== null) init.headers['X-SLS-Login-Secret'] = sent;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`${fake.apiUrl}${path}`, init);
  const text = await response.text();
  const reply = { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  if (response.status === 200 && path === '/login') secrets.set(reply.body.login_id, reply.body.login_secret);
  if (response.status === 200 && reply.body?.tx_id && secrets.has(boundId(path))) {
    secrets.set(reply.body.tx_id, secrets.get(boundId(path)));
  }
  return reply;
}

/** Logs `username` in with the password and opens a challenge on its device of `kind`. */
async function open(username, kind, mode) {
  const login = await api('POST', '/login', { username, password: TEST_PASSWORD });
  expect(login.status).toBe(200);
  const device = login.body.devices.find((d) => d.kind === kind);
  const challenge = await api('POST', `/login/${login.body.login_id}/challenge`,
    mode ? { device_id: device.device_id, mode } : { device_id: device.device_id });
  expect(challenge.status).toBe(200);
  return {
    loginId: login.body.login_id, devices: login.body.devices, defaultId: login.body.default_device_id, challenge: challenge.body,
  };
}

test('a code-card login: format errors are free, wrong codes count, the right one completes once', async () => {
  const { loginId, devices, challenge } = await open('card', 'code_card');
  expect(loginId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(devices).toEqual([{ device_id: 'card-code-card', kind: 'code_card', label: 'No. 0042' }]);
  expect(challenge).toMatchObject({ method: 'code_card', card_serial: '0042' });
  expect(new Set(challenge.indices).size).toBe(2);
  const right = fake.answer();
  expect(right).toMatch(/^[0-9A-Z]{6}$/);
  const verify = (response) => api('POST', `/login/${loginId}/verify`, { challenge_id: challenge.challenge_id, response });

  expect((await verify('A3')).body.error.code).toBe('card.too_short');
  const wrong = right.slice(3) + right.slice(0, 3) === right ? 'ZZZZZZ' : right.slice(3) + right.slice(0, 3);
  const miss = await verify(wrong);
  expect(miss.status).toBe(401);
  expect(miss.body.error).toMatchObject({ code: 'card.mismatch', attempts_left: 4 });

  const ok = await verify(`${right.slice(0, 3)} ${right.slice(3)}`.toLowerCase());
  expect(ok.status).toBe(200);
  expect((await verify(right)).body.error.code).toBe('challenge.used');

  const complete = await api('POST', `/login/${loginId}/complete`, { completion_token: ok.body.completion_token });
  expect(complete.status).toBe(200);
  expect(complete.headers.get('set-cookie')).toMatch(/^sls_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
  expect(complete.body).toEqual({
    username: 'card',
    device_kind: 'code_card',
    access: 'full',
    limits: { daily: { unlimited: false, cents: 20_000_000 }, five_day: { unlimited: false, cents: 60_000_000 } },
    restrictions: [],
    amr: ['pwd', 'otp'],
    restricted: false,
    assertion: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]{86}$/),
  });
  const again = await api('POST', `/login/${loginId}/complete`, { completion_token: ok.body.completion_token });
  expect(again.status).toBe(401);
});

test('bad bodies and unknown routes have stable codes, localised by Accept-Language', async () => {
  expect((await api('POST', '/login', { username: 'card' })).body.error.code).toBe('request.bad_field');
  const raw = await fetch(`${fake.apiUrl}/login`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
  expect(raw.status).toBe(415);
  const broken = await fetch(`${fake.apiUrl}/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
  expect((await broken.json()).error.code).toBe('request.malformed_json');
  expect((await api('GET', '/nowhere')).status).toBe(404);
  expect((await api('GET', '/login')).status).toBe(405);
  expect((await api('POST', '/login/AAAAAAAAAAAAAAAAAAAAAA/challenge', { device_id: 'x' })).body.error.code)
    .toBe('login.not_found');

  const messages = await Promise.all(['en', 'zh-TW', 'zh-CN'].map(async (lang) =>
    (await api('POST', '/login', { username: 'nobody', password: 'x' }, { lang })).body.error));
  expect(messages.map((e) => e.code)).toEqual(['auth.bad_credentials', 'auth.bad_credentials', 'auth.bad_credentials']);
  expect(messages[0].message).toBe(fake.core.localize('auth.bad_credentials', [], 'en'));
  expect(messages[1].message).toBe(fake.core.localize('auth.bad_credentials', [], 'zh-Hant'));
  expect(messages[2].message).toBe(fake.core.localize('auth.bad_credentials', [], 'zh-Hans'));
  // A wrong password reads like an unknown user.
  const wrongPassword = await api('POST', '/login', { username: 'card', password: 'nope' });
  expect(wrongPassword.status).toBe(401);
  expect(wrongPassword.body.error.code).toBe('auth.bad_credentials');
});

test('lockout after maxFailures wrong codes: 423 with Retry-After, also for the right code', async () => {
  fake.configure({ maxFailures: 3, lockSeconds: 90 });
  const { loginId, challenge } = await open('card', 'code_card');
  const verify = (response) => api('POST', `/login/${loginId}/verify`, { challenge_id: challenge.challenge_id, response });
  const wrong = fake.answer() === '000000' ? '111111' : '000000';
  expect((await verify(wrong)).body.error.attempts_left).toBe(2);
  expect((await verify(wrong)).body.error.attempts_left).toBe(1);
  const locked = await verify(wrong);
  expect(locked.status).toBe(423);
  expect(locked.headers.get('retry-after')).toBe('90');
  expect(locked.body.error).toMatchObject({ code: 'auth.locked', retry_after: 90 });
  expect((await verify(fake.answer())).status).toBe(423);
  expect((await api('POST', '/login', { username: 'card', password: TEST_PASSWORD })).status).toBe(423);
});

test('throttle() and failNext() force a 429, a status, or a dropped connection, once', async () => {
  fake.throttle('POST /login', { retryAfter: 7 });
  const throttled = await api('POST', '/login', { username: 'card', password: TEST_PASSWORD });
  expect(throttled.status).toBe(429);
  expect(throttled.headers.get('retry-after')).toBe('7');
  expect(throttled.body.error.code).toBe('rate.limited');
  expect((await api('POST', '/login', { username: 'card', password: TEST_PASSWORD })).status).toBe(200);

  fake.failNext('POST /login', { status: 503 });
  expect((await api('POST', '/login', { username: 'card', password: TEST_PASSWORD })).status).toBe(503);
  fake.failNext('POST /login');
  await expect(api('POST', '/login', { username: 'card', password: TEST_PASSWORD })).rejects.toThrow();
  expect((await api('POST', '/login', { username: 'card', password: TEST_PASSWORD })).status).toBe(200);
  expect(() => fake.throttle('GET /nowhere')).toThrow('unknown route');
});

describe('push', () => {
  test('approves after N polls, with Retry-After while pending and the token once approved', async () => {
    fake.configure({ push: { decision: 'approve', afterPolls: 3 }, pollRetryAfter: 2 });
    const { loginId, challenge } = await open('mobile', 'mobile_key');
    expect(challenge).toMatchObject({ method: 'push' });
    expect(challenge.tx_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(challenge.number).toMatch(/^[0-9]{2}$/);
    for (let i = 0; i < 2; i += 1) {
      const poll = await api('GET', `/push/${challenge.tx_id}`);
      expect(poll.body.status).toBe('pending');
      expect(poll.headers.get('retry-after')).toBe('2');
    }
    const approved = await api('GET', `/push/${challenge.tx_id}`);
    expect(approved.body.status).toBe('approved');
    const complete = await api('POST', `/login/${loginId}/complete`, { completion_token: approved.body.completion_token });
    expect(complete.body.device_kind).toBe('mobile_key');
    expect(complete.body.limits.daily.cents).toBe(100_000_000);
  });

  test('denies, or never answers, as the knob says; a cancelled push stays cancelled', async () => {
    fake.configure({ push: { decision: 'deny', afterPolls: 1 } });
    let { challenge } = await open('mobile', 'mobile_key');
    expect((await api('GET', `/push/${challenge.tx_id}`)).body.status).toBe('denied');

    fake.configure({ push: { decision: 'never' } });
    ({ challenge } = await open('mobile', 'mobile_key'));
    for (let i = 0; i < 5; i += 1) expect((await api('GET', `/push/${challenge.tx_id}`)).body.status).toBe('pending');
    expect((await api('DELETE', `/push/${challenge.tx_id}`)).body.status).toBe('cancelled');
    expect((await api('GET', `/push/${challenge.tx_id}`)).body.status).toBe('cancelled');
  });

  test('a signed decision from the device, with number matching', async () => {
    fake.configure({ push: { decision: 'never' } });
    const { challenge } = await open('mobile', 'mobile_key');
    const deviceId = fake.device('mobile', 'mobile_key').id;
    const decide = (number, decision, signer = 'mobile') => api('POST', `/push/${challenge.tx_id}/decision`, {
      device_id: deviceId, number, decision,
      signature: fake.deviceSign(signer, `SLS-PUSH-1|${challenge.tx_id}|${number}|${decision}`),
    });
    expect((await decide(challenge.number, 'approve', 'multi')).body.error.code).toBe('device.bad_signature');
    const approved = await decide(challenge.number, 'approve');
    expect(approved.body.status).toBe('approved');
    expect((await decide(challenge.number, 'approve')).status).toBe(409);

    const other = await open('mobile', 'mobile_key');
    const wrongNumber = String((Number(other.challenge.number) + 1) % 100).padStart(2, '0');
    const refused = await api('POST', `/push/${other.challenge.tx_id}/decision`, {
      device_id: deviceId, number: wrongNumber, decision: 'approve',
      signature: fake.deviceSign('mobile', `SLS-PUSH-1|${other.challenge.tx_id}|${wrongNumber}|approve`),
    });
    expect(refused.body.status).toBe('denied');
  });

  test('pushesPerHour bounds the pushes to one phone', async () => {
    fake.configure({ pushesPerHour: 2 });
    await open('mobile', 'mobile_key');
    await open('mobile', 'mobile_key');
    const login = await api('POST', '/login', { username: 'mobile', password: TEST_PASSWORD });
    const third = await api('POST', `/login/${login.body.login_id}/challenge`, { device_id: login.body.devices[0].device_id });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('push.too_many');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(3500);
  });
});

test('a login id or push id without its login secret is an unknown id', async () => {
  const { loginId, challenge } = await open('mobile', 'mobile_key');
  const other = await api('POST', '/login', { username: 'card', password: TEST_PASSWORD });
  const unbound = [null, other.body.login_secret, 'A'.repeat(43)];
  fake.configure({ push: { decision: 'approve', afterPolls: 1 } });
  for (const secret of unbound) {
    const poll = await api('GET', `/push/${challenge.tx_id}`, undefined, { secret });
    expect([poll.status, poll.body.error.code, poll.body.completion_token]).toEqual([404, 'push.not_found', undefined]);
    const cancel = await api('DELETE', `/push/${challenge.tx_id}`, undefined, { secret });
    expect(cancel.status).toBe(404);
    for (const path of ['challenge', 'verify', 'sms/resend', 'complete']) {
      const body = { device_id: 'x', challenge_id: 'x', response: 'x', completion_token: 'x' };
      const r = await api('POST', `/login/${loginId}/${path}`, body, { secret });
      expect([path, r.status, r.body.error.code]).toEqual([path, 404, 'login.not_found']);
    }
    const status = await api('GET', `/login/${loginId}/challenge-status`, undefined, { secret });
    expect(status.status).toBe(404);
  }
  const approved = await api('GET', `/push/${challenge.tx_id}`);
  expect(approved.body.status).toBe('approved');
  expect((await api('POST', `/login/${loginId}/complete`, { completion_token: approved.body.completion_token })).status)
    .toBe(200);
});

test('challenge/response: a QR payload signed by the test key, typed responses, online QR approval', async () => {
  const { loginId, challenge } = await open('mobile', 'mobile_key', 'ocra');
  expect(challenge.method).toBe('ocra');
  expect(challenge.challenge).toMatch(/^[0-9]{6}$/);
  expect(fake.issuedPayloads).toEqual([challenge.qr_payload]);

  const key = await api('GET', '/server-key');
  const keyHex = Buffer.from(key.body.sign_public_key, 'base64url').toString('hex');
  expect(keyHex).toBe(fake.core.ed25519_key_pair_from_seed(TEST_SERVER_SEED_HEX, 'en').value.public_key);
  const verified = fake.core.verify_signed_payload(challenge.qr_payload, keyHex, Math.floor(Date.now() / 1000), 'en');
  expect(verified.ok).toBe(true);
  expect(verified.value).toMatchObject({ challenge: challenge.challenge, origin: fake.origin, expires_at: challenge.expires_at });
  expect(Buffer.from(verified.value.tx_id, 'hex').toString('base64url')).toBe(challenge.challenge_id);

  // A typo in the check digit is a free 400; the device's response is accepted.
  const response = fake.answer();
  const typo = response.slice(0, 7) + String((Number(response[7]) + 1) % 10);
  const verify = (r) => api('POST', `/login/${loginId}/verify`, { challenge_id: challenge.challenge_id, response: r });
  expect((await verify(typo)).body.error.code).toBe('response.check_digit');
  expect((await api('GET', `/login/${loginId}/challenge-status`)).body.status).toBe('pending');
  expect((await verify(`${response.slice(0, 4)} ${response.slice(4)}`)).status).toBe(200);

  // Online approval of a scanned payload, seen through challenge-status.
  const second = await open('mobile', 'mobile_key', 'ocra');
  const deviceId = fake.device('mobile', 'mobile_key').id;
  const approve = (payload, signer = 'mobile') => api('POST', '/qr/approve', {
    device_id: deviceId, payload, signature: fake.deviceSign(signer, `SLS-QR-1|${payload}|approve`),
  });
  expect((await approve(second.challenge.qr_payload, 'multi')).status).toBe(401);
  expect((await approve(challenge.qr_payload)).status).toBe(410);
  expect((await approve(second.challenge.qr_payload)).status).toBe(200);
  const status = await api('GET', `/login/${second.loginId}/challenge-status`);
  expect(status.body.status).toBe('approved');
  expect((await api('POST', `/login/${second.loginId}/complete`, { completion_token: status.body.completion_token })).status)
    .toBe(200);
});

test('SMS: the code goes to the outbox, resend waits 2 minutes, temp codes and password-only users', async () => {
  const { loginId, challenge } = await open('sms', 'sms');
  expect(challenge).toMatchObject({ method: 'sms', sent_to: '•••• 5678' });
  expect(challenge.resend_after - Math.floor(Date.now() / 1000)).toBeGreaterThan(100);
  expect(fake.outbox.map((m) => m.code)).toEqual([fake.answer()]);
  const resend = await api('POST', `/login/${loginId}/sms/resend`);
  expect(resend.status).toBe(429);
  expect(resend.body.error.code).toBe('sms.resend_too_soon');
  expect(Number(resend.headers.get('retry-after'))).toBeGreaterThan(100);
  const verify = (r) => api('POST', `/login/${loginId}/verify`, { challenge_id: challenge.challenge_id, response: r });
  expect((await verify('12345')).body.error.code).toBe('sms.code_format');
  expect((await verify(fake.answer())).status).toBe(200);

  const temp = await open('temp', 'temp_code');
  const code = fake.answer(temp.loginId);
  expect(code).toMatch(/^[0-9A-Z]{10}$/);
  const tempVerify = await api('POST', `/login/${temp.loginId}/verify`,
    { challenge_id: temp.challenge.challenge_id, response: `${code.slice(0, 5)}-${code.slice(5)}` });
  expect(tempVerify.status).toBe(200);

  const plain = await api('POST', '/login', { username: 'plain', password: TEST_PASSWORD });
  expect(plain.body).toMatchObject({ state: 'verified', devices: [] });
  const session = await api('POST', `/login/${plain.body.login_id}/complete`, { completion_token: plain.body.completion_token });
  expect(session.body).toMatchObject({ device_kind: 'none', restrictions: ['no_pink_sheet_otc'] });
});

test('several devices: the default named by default_device_id; a new challenge voids the old one', async () => {
  fake.configure({ push: { decision: 'never' } });
  const { loginId, devices, defaultId, challenge } = await open('multi', 'mobile_key');
  expect(devices.map((d) => d.kind)).toEqual(['code_card', 'mobile_key', 'sms']);
  expect(defaultId).toBe(devices[1].device_id);
  const card = await api('POST', `/login/${loginId}/challenge`, { device_id: devices[0].device_id });
  expect(card.body.method).toBe('code_card');
  expect((await api('GET', `/push/${challenge.tx_id}`)).body.status).toBe('cancelled');
  expect(fake.openChallenge(loginId)).toEqual(card.body);
});

test('the page and the module are served on the same origin with serve.mjs headers', async () => {
  const page = await fetch(`${fake.url}demo/index.html`);
  expect(page.status).toBe(200);
  const csp = page.headers.get('content-security-policy');
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("style-src 'self'");
  const wasm = await fetch(`${fake.url}dist/sls-core.wasm`);
  expect(wasm.headers.get('content-type')).toBe('application/wasm');
  const apiReply = await fetch(`${fake.apiUrl}/server-key`);
  expect(apiReply.headers.get('content-security-policy')).toBe(csp);
  expect(apiReply.headers.get('x-content-type-options')).toBe('nosniff');
  expect(fake.requests.map((r) => `${r.route} ${r.status}`)).toEqual(['GET /server-key 200']);
});
