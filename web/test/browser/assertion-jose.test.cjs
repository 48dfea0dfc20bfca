// Login assertions checked by a verifier nobody here wrote: the `jose`
// package verifies tokens signed by our code (`slsctl sign-assertion`, with
// the same key file a real slsd reads) against that slsd's live
// GET /.well-known/jwks.json, as a host's back end would
// (createRemoteJWKSet + jwtVerify). It must accept a good token and refuse
// a changed byte, a wrong audience, an expired token and a token whose key
// was rotated out of the JWKS. Then the same for assertions slsd issues at
// the end of a real login over its HTTP API (an audience and a nonce in the
// completion), with the host's own nonce check and the redeem route.
// (jose 5: its CommonJS build loads in Jest without a transform; jose 6 is
// ES modules only.)
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { createRemoteJWKSet, jwtVerify, decodeProtectedHeader, decodeJwt } = require('jose');
const { startSlsd, serverBinDir } = require('../support/slsd.cjs');

/** Longest assertion lifetime of the test's keys: short, so a rotated-out key leaves the JWKS soon. */
const MAX_TTL = 2;
const AUDIENCE = 'https://broker.example.test';
const OTHER_AUDIENCE = 'https://app.example.test';
/** A demo-seed user without a second factor (slsctl demo-seed), and its password. */
const PASSWORD_ONLY_USER = 'demo-none';
const DEMO_PASSWORD = 'demo-password';

let server;
let dir;
let keyFile;

/** Runs slsctl on the test's key file; resolves with its trimmed standard output. */
function slsctl(args) {
  return new Promise((resolve, reject) => {
    execFile(path.join(serverBinDir(), 'slsctl'),
      ['--db', path.join(dir, 'unused.sqlite'), '--assertion-keys', keyFile, ...args],
      { encoding: 'utf8', timeout: 30000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`slsctl ${args.join(' ')}: ${stderr || error.message}`));
        else resolve(stdout.trim());
      });
  });
}

function sign({ aud = AUDIENCE, sub = 'alice', ttl = MAX_TTL, claims } = {}) {
  const args = ['sign-assertion', '--iss', server.origin, '--aud', aud, '--sub', sub, '--ttl', String(ttl)];
  if (claims) args.push('--claims', JSON.stringify(claims));
  return slsctl(args);
}

/** A fresh remote key set, as a verifier that never saw the JWKS before. */
function remoteKeys() {
  return createRemoteJWKSet(new URL('/.well-known/jwks.json', server.url));
}

function verify(token, options = {}) {
  return jwtVerify(token, remoteKeys(), {
    issuer: server.origin, audience: AUDIENCE, algorithms: ['EdDSA'], ...options,
  });
}

/** The date jose should take as "now": inside the token's life. */
function during(token) {
  return new Date(decodeJwt(token).iat * 1000);
}

async function publishedKids() {
  const reply = await fetch(new URL('/.well-known/jwks.json', server.url));
  return (await reply.json()).keys.map((k) => k.kid);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sls-assertion-test-'));
  keyFile = path.join(dir, 'assertion-keys');
  await slsctl(['rotate-assertion-key', '--max-ttl', String(MAX_TTL)]);  // creates the file
  server = await startSlsd({
    args: ['--assertion-keys', keyFile, '--assertion-audience', AUDIENCE, '--assertion-audience', OTHER_AUDIENCE,
      '--assertion-ttl', String(MAX_TTL),
      // The rotation tests poll the JWKS: more requests than a client's default budget.
      '--rate-burst', '1000', '--rate-per-second', '100'],
  });
});

afterAll(async () => {
  if (server) await server.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the key file is owner-only and the JWKS is cacheable', async () => {
  expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  const reply = await fetch(new URL('/.well-known/jwks.json', server.url));
  expect(reply.status).toBe(200);
  expect(reply.headers.get('cache-control')).toBe('public, max-age=300');
  const { keys } = await reply.json();
  expect(keys).toHaveLength(1);
  expect(keys[0]).toEqual({
    kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), kid: keys[0].kid, use: 'sig', alg: 'EdDSA',
  });
});

test('jose verifies an assertion we signed against the live JWKS', async () => {
  const token = await sign({ claims: { nonce: 'n-1', amr: ['pwd', 'otp'] } });
  const { payload, protectedHeader } = await verify(token);
  expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: (await publishedKids())[0] });
  expect(payload).toMatchObject({ iss: server.origin, sub: 'alice', aud: AUDIENCE, nonce: 'n-1', amr: ['pwd', 'otp'] });
  expect(payload.exp - payload.iat).toBe(MAX_TTL);
  expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
});

test('jose refuses a changed byte in the header, the payload or the signature', async () => {
  const token = await sign();
  await expect(verify(token)).resolves.toBeDefined();
  const [header, payload, signature] = token.split('.');
  const flip = (text, i) => text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1);
  // A claim changed: "alice" → "alicf" in the decoded payload, re-encoded.
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'alicf' })).toString('base64url');
  const changed = [
    `${header}.${forged}.${signature}`,
    `${header}.${flip(payload, 10)}.${signature}`,
    `${header}.${payload}.${flip(signature, 5)}`,
    `${flip(header, 3)}.${payload}.${signature}`,
  ];
  for (const bad of changed) {
    await expect(verify(bad, { currentDate: during(token) })).rejects.toThrow();
  }
  await expect(verify(`${header}.${forged}.${signature}`, { currentDate: during(token) }))
    .rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
});

test('jose refuses a wrong audience', async () => {
  const token = await sign({ aud: 'https://elsewhere.example.test' });
  await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
  // The same token is good for its own audience: the refusal was the audience.
  await expect(verify(token, { audience: 'https://elsewhere.example.test' })).resolves.toBeDefined();
});

test('jose refuses an expired assertion', async () => {
  const token = await sign({ ttl: 1 });
  const { exp } = decodeJwt(token);
  await expect(verify(token, { currentDate: new Date((exp - 1) * 1000) })).resolves.toBeDefined();
  await expect(verify(token, { currentDate: new Date(exp * 1000) }))
    .rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
});

test('slsctl refuses to sign for longer than the key is published after a rotation', async () => {
  await expect(sign({ ttl: MAX_TTL + 1 })).rejects.toThrow(/bad_argument ttl/);
});

test('a rotated-out key verifies until its assertions expired, then jose refuses it', async () => {
  const oldToken = await sign();
  const oldKid = decodeProtectedHeader(oldToken).kid;
  const rotated = JSON.parse(await slsctl(['rotate-assertion-key', '--max-ttl', String(MAX_TTL), '--lead', '0']));
  expect(rotated.kid).not.toBe(oldKid);
  expect(rotated.published).toContain(oldKid);

  // slsd follows the file: both keys are published, the new one first, and
  // the old token still verifies.
  expect(await publishedKids()).toEqual([rotated.kid, oldKid]);
  await expect(verify(oldToken, { currentDate: during(oldToken) })).resolves.toBeDefined();
  const newToken = await sign();
  expect(decodeProtectedHeader(newToken).kid).toBe(rotated.kid);
  await expect(verify(newToken)).resolves.toBeDefined();

  // Once every assertion the old key could have signed has expired, it
  // leaves the JWKS (at most MAX_TTL seconds after the rotation).
  const deadline = Date.now() + (MAX_TTL + 3) * 1000;
  while ((await publishedKids()).includes(oldKid)) {
    if (Date.now() > deadline) throw new Error('the rotated-out key is still published');
    await new Promise((resolve) => { setTimeout(resolve, 200); });
  }
  expect(await publishedKids()).toEqual([rotated.kid]);
  // Refused for its key alone: jose is told to take the token's own time.
  await expect(verify(oldToken, { currentDate: during(oldToken) }))
    .rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  await expect(verify(newToken, { currentDate: during(newToken) })).resolves.toBeDefined();
});

// --- assertions from a real login ----------------------------------------------------

/** A JSON request to slsd's API; resolves with {status, body}. */
async function api(method, apiPath, body, headers = {}) {
  const reply = await fetch(new URL(`api/v1${apiPath}`, server.url), {
    method,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await reply.text();
  return { status: reply.status, body: text ? JSON.parse(text) : undefined };
}

/** A real login of the password-only demo user through the HTTP API; resolves with the /complete reply. */
async function logIn({ audience, nonce } = {}) {
  const start = await api('POST', '/login', { username: PASSWORD_ONLY_USER, password: DEMO_PASSWORD });
  expect(start.status).toBe(200);
  expect(start.body.state).toBe('verified');
  const body = { completion_token: start.body.completion_token };
  if (audience !== undefined) body.audience = audience;
  if (nonce !== undefined) body.nonce = nonce;
  return api('POST', `/login/${start.body.login_id}/complete`, body,
    { 'X-SLS-Login-Secret': start.body.login_secret });
}

/** What a host's back end does with an assertion its page received: jose's checks, then its own nonce. */
async function hostAccepts(token, expectedNonce, options = {}) {
  const { payload } = await verify(token, { currentDate: during(token), ...options });
  if (payload.nonce !== expectedNonce) throw new Error('nonce mismatch');
  return payload;
}

test('jose accepts the assertion of a real login for its audience and issuer', async () => {
  const done = await logIn({ audience: AUDIENCE, nonce: 'host-page-1' });
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ username: PASSWORD_ONLY_USER, device_kind: 'none' });
  const payload = await hostAccepts(done.body.assertion, 'host-page-1');
  expect(payload).toMatchObject({
    iss: server.origin, sub: PASSWORD_ONLY_USER, aud: AUDIENCE, nonce: 'host-page-1', amr: ['pwd'],
    acr: 'urn:sls:acr:1', access: done.body.access, limits: done.body.limits, restrictions: done.body.restrictions,
  });
  expect(payload.exp - payload.iat).toBe(MAX_TTL);
  expect(payload.auth_time).toBe(payload.iat);
  // Without an audience the server's first one is used.
  const plain = await logIn();
  expect(decodeJwt(plain.body.assertion).aud).toBe(AUDIENCE);
  expect(decodeJwt(plain.body.assertion)).not.toHaveProperty('nonce');
  // An audience the server was not configured with is refused before the token is spent.
  expect((await logIn({ audience: 'https://evil.example.test' })).body.error.code).toBe('assertion.audience_unknown');
});

test('jose refuses a real assertion for another audience, expired, or with a changed byte', async () => {
  const done = await logIn({ audience: OTHER_AUDIENCE, nonce: 'n-2' });
  const token = done.body.assertion;
  await expect(hostAccepts(token, 'n-2')).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
  await expect(hostAccepts(token, 'n-2', { audience: OTHER_AUDIENCE })).resolves.toMatchObject({ aud: OTHER_AUDIENCE });

  const { exp } = decodeJwt(token);
  await expect(hostAccepts(token, 'n-2', { audience: OTHER_AUDIENCE, currentDate: new Date(exp * 1000) }))
    .rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });

  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const upgraded = Buffer.from(JSON.stringify({ ...claims, aud: AUDIENCE })).toString('base64url');
  await expect(hostAccepts(`${header}.${upgraded}.${signature}`, 'n-2', { currentDate: during(token) }))
    .rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  const flip = (text, i) => text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1);
  await expect(hostAccepts(`${header}.${payload}.${flip(signature, 7)}`, 'n-2', { audience: OTHER_AUDIENCE }))
    .rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
});

test('the host refuses an assertion issued for another page load (wrong nonce)', async () => {
  const first = await logIn({ audience: AUDIENCE, nonce: 'page-load-A' });
  const second = await logIn({ audience: AUDIENCE, nonce: 'page-load-B' });
  // Both verify as JWTs: only the host's own nonce check tells them apart.
  await expect(hostAccepts(first.body.assertion, 'page-load-A')).resolves.toBeDefined();
  await expect(hostAccepts(second.body.assertion, 'page-load-A')).rejects.toThrow('nonce mismatch');
  await expect(hostAccepts((await logIn({ audience: AUDIENCE })).body.assertion, 'page-load-A'))
    .rejects.toThrow('nonce mismatch');
  // A nonce the server cannot sign is refused at the completion.
  expect((await logIn({ nonce: 'two words' })).body.error.code).toBe('assertion.bad_nonce');
});

test('a real assertion redeems once; a second redeem is refused', async () => {
  const done = await logIn({ audience: AUDIENCE, nonce: 'n-redeem' });
  const redeem = (audience) => api('POST', '/assertions/redeem', { assertion: done.body.assertion, audience });
  expect((await redeem(OTHER_AUDIENCE)).body.error.code).toBe('assertion.wrong_audience');
  const first = await redeem(AUDIENCE);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ sub: PASSWORD_ONLY_USER, aud: AUDIENCE, nonce: 'n-redeem' });
  const second = await redeem(AUDIENCE);
  expect(second.status).toBe(409);
  expect(second.body.error.code).toBe('assertion.already_redeemed');
});

test('a real assertion whose key was rotated out is refused by jose', async () => {
  const done = await logIn({ audience: AUDIENCE, nonce: 'n-rotate' });
  const token = done.body.assertion;
  const kid = decodeProtectedHeader(token).kid;
  await expect(hostAccepts(token, 'n-rotate')).resolves.toBeDefined();
  // Two rotations that sign at once: the login's key retires now and, once
  // its assertions expired, leaves the JWKS.
  await slsctl(['rotate-assertion-key', '--max-ttl', String(MAX_TTL), '--lead', '0']);
  await slsctl(['rotate-assertion-key', '--max-ttl', String(MAX_TTL), '--lead', '0']);
  const deadline = Date.now() + (MAX_TTL + 3) * 1000;
  while ((await publishedKids()).includes(kid)) {
    if (Date.now() > deadline) throw new Error('the rotated-out key is still published');
    await new Promise((resolve) => { setTimeout(resolve, 200); });
  }
  await expect(hostAccepts(token, 'n-rotate')).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  // A login now is signed by the newest key and accepted.
  const fresh = await logIn({ audience: AUDIENCE, nonce: 'n-after' });
  expect(decodeProtectedHeader(fresh.body.assertion).kid).toBe((await publishedKids())[0]);
  await expect(hostAccepts(fresh.body.assertion, 'n-after')).resolves.toBeDefined();
});
