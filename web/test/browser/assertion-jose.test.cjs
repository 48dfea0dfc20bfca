// Login assertions checked by a verifier nobody here wrote: the `jose`
// package verifies tokens signed by our code (`slsctl sign-assertion`, with
// the same key file a real slsd reads) against that slsd's live
// GET /.well-known/jwks.json, as a host's back end would
// (createRemoteJWKSet + jwtVerify). It must accept a good token and refuse
// a changed byte, a wrong audience, an expired token and a token whose key
// was rotated out of the JWKS. (jose 5: its CommonJS build loads in Jest
// without a transform; jose 6 is ES modules only.)
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
  server = await startSlsd({ args: ['--assertion-keys', keyFile] });
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
  const rotated = JSON.parse(await slsctl(['rotate-assertion-key', '--max-ttl', String(MAX_TTL)]));
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
