// The signed challenge payload carried by the login QR code, driven by
// tests/vectors/signed_payloads.json, the file signed_payload_test.cpp reads.
'use strict';

const { loadCore, readVectors } = require('./support/core.cjs');

const vectors = readVectors('signed_payloads.json');
const { keys } = vectors;
let core;

beforeAll(async () => {
  core = await loadCore();
});

/** A vector payload in the binding's shape (tx_id in hex). */
function payloadOf(p) {
  return { tx_id: p.tx_id_hex, challenge: p.challenge, origin: p.origin, expires_at: p.expires_at };
}

test('the key pair derived from the vector seed is the vector key pair', () => {
  expect(core.ed25519_key_pair_from_seed(keys.seed_hex, 'en')).toEqual({
    ok: true,
    value: { public_key: keys.public_key_hex, secret_key: keys.secret_key_hex },
  });
  expect(core.ed25519_key_pair_from_seed('00', 'en').error.code).toBe('bad_argument');
});

test('generated key pairs are fresh and sign verifiable payloads', () => {
  const a = core.ed25519_generate_key_pair();
  const b = core.ed25519_generate_key_pair();
  expect(a.public_key).toMatch(/^[0-9a-f]{64}$/);
  expect(a.secret_key).toMatch(/^[0-9a-f]{128}$/);
  expect(a.secret_key.slice(64)).toBe(a.public_key);
  expect(a.public_key).not.toBe(b.public_key);
  const payload = payloadOf(vectors.valid[0].payload);
  const text = core.encode_signed_payload(payload, a.secret_key, 'en').value;
  expect(core.verify_signed_payload(text, a.public_key, vectors.valid[0].now, 'en').ok).toBe(true);
  expect(core.verify_signed_payload(text, b.public_key, vectors.valid[0].now, 'en').error.code).toBe('payload.bad_signature');
});

describe('valid payloads', () => {
  test('the vector file has cases', () => {
    expect(vectors.valid.length).toBeGreaterThan(3);
  });

  test.each(vectors.valid.map((c) => [c.name, c]))('%s', (_, c) => {
    const payload = payloadOf(c.payload);
    expect(core.encode_signed_payload(payload, keys.secret_key_hex, 'en')).toEqual({ ok: true, value: c.text });
    expect(core.parse_signed_payload(c.text, 'en')).toEqual({ ok: true, value: payload });
    expect(core.verify_signed_payload(c.text, keys.public_key_hex, c.now, 'en')).toEqual({ ok: true, value: payload });
    expect(core.verify_signed_payload(c.text, keys.wrong_public_key_hex, c.now, 'en').error.code).toBe('payload.bad_signature');
    expect(core.verify_signed_payload(c.text, keys.public_key_hex, c.payload.expires_at, 'en').error.code).toBe('payload.expired');
  });
});

describe('invalid texts are refused with the listed error', () => {
  test.each(vectors.invalid.map((c) => [c.name, c]))('%s', (_, c) => {
    const result = core.verify_signed_payload(c.text, c.public_key_hex || keys.public_key_hex, c.now, 'en');
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe(c.error);
    if (c.reason !== undefined) expect(result.error.args).toEqual([c.reason]);
  });
});

describe('payloads that cannot be encoded', () => {
  const base = vectors.encode_invalid.base_payload;
  test.each(vectors.encode_invalid.cases.map((c) => [c.name, c]))('%s', (_, c) => {
    const result = core.encode_signed_payload(payloadOf({ ...base, ...c.payload }), keys.secret_key_hex, 'en');
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe(c.error);
    if (c.reason !== undefined) expect(result.error.args).toEqual([c.reason]);
  });

  test('a wrong-size transaction id or key is a bad argument', () => {
    expect(core.encode_signed_payload({ ...payloadOf(base), tx_id: '00' }, keys.secret_key_hex, 'en').error)
      .toMatchObject({ code: 'bad_argument', args: ['tx_id'] });
    expect(core.encode_signed_payload(payloadOf(base), keys.public_key_hex, 'en').error.code).toBe('bad_argument');
    expect(core.encode_signed_payload(null, keys.secret_key_hex, 'en').error.code).toBe('bad_argument');
  });
});

describe('origins', () => {
  test.each(vectors.origins.valid.map((o) => [o]))('valid %j', (origin) => {
    expect(core.validate_payload_origin(origin, 'en')).toEqual({ ok: true, value: null });
  });

  test.each(vectors.origins.invalid.map((o) => [o]))('invalid %j', (origin) => {
    const result = core.validate_payload_origin(origin, 'en');
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: 'payload.malformed', args: ['bad origin'] });
  });
});

test('a malformed payload is explained in the three languages', () => {
  const c = vectors.invalid.find((x) => x.error === 'payload.malformed');
  const messages = ['en', 'zh-Hant', 'zh-Hans'].map((lang) =>
    core.verify_signed_payload(c.text, keys.public_key_hex, c.now, lang).error.message);
  expect(messages[0]).toBe(core.localize('payload.malformed', [c.reason], 'en'));
  expect(messages[1]).toBe(core.localize('payload.malformed', [c.reason], 'zh-Hant'));
  expect(messages[2]).toBe(core.localize('payload.malformed', [c.reason], 'zh-Hans'));
  expect(new Set(messages).size).toBe(3);
});

test('expiry times beyond 32 bits and bad clock values', () => {
  const c = vectors.valid.find((x) => x.payload.expires_at > 2 ** 32);
  expect(c).toBeDefined();
  expect(core.verify_signed_payload(c.text, keys.public_key_hex, String(c.now), 'en').ok).toBe(true);
  expect(core.verify_signed_payload(c.text, keys.public_key_hex, BigInt(c.now), 'en').ok).toBe(true);
  for (const now of [1.5, Number.NaN, Infinity, 2 ** 60, 'soon', undefined]) {
    expect(core.verify_signed_payload(c.text, keys.public_key_hex, now, 'en').error)
      .toMatchObject({ code: 'bad_argument', args: ['now'] });
  }
});
