// OCRA (RFC 6287) and the 8-digit device response, driven by
// tests/vectors/ocra_rfc6287.json, the file ocra_test.cpp reads.
'use strict';

const { loadCore, readVectors } = require('./support/core.cjs');

const vectors = readVectors('ocra_rfc6287.json');
let core;

beforeAll(async () => {
  core = await loadCore();
});

/** The OCRA input fields of a vector, as the binding takes them. */
function inputOf(v) {
  const input = { question: v.question };
  for (const field of ['mutual', 'counter', 'pin', 'pin_hash', 'session', 'time_steps']) {
    if (v[field] !== undefined) input[field] = v[field];
  }
  return input;
}

const name = (v) => `${v.section ? `${v.section} ` : ''}${v.suite} Q=${v.question}${v.note ? ` (${v.note})` : ''}`;

describe('RFC 6287 Appendix C vectors (SHA-256 and SHA-512)', () => {
  test('the vector file has cases', () => {
    expect(vectors.vectors.length).toBeGreaterThan(20);
  });

  test.each(vectors.vectors.map((v) => [name(v), v]))('%s', (_, v) => {
    expect(core.ocra_compute(v.suite, v.key, inputOf(v), 'en')).toEqual({ ok: true, value: v.expected });
  });
});

describe('cross-checked vectors', () => {
  test.each(vectors.cross_checked.map((v) => [name(v), v]))('%s', (_, v) => {
    expect(core.ocra_compute(v.suite, v.key, inputOf(v), 'en')).toEqual({ ok: true, value: v.expected });
  });
});

describe('SHA-1 suites are refused', () => {
  test.each(vectors.refused.map((v) => [name(v), v]))('%s', (_, v) => {
    const suite = core.ocra_suite(v.suite, 'en');
    expect(suite.ok).toBe(false);
    expect(suite.error.code).toBe(v.error);
    const computed = core.ocra_compute(v.suite, v.key, inputOf(v), 'en');
    expect(computed.ok).toBe(false);
    expect(computed.error.code).toBe(v.error);
  });
});

describe('device responses: 7 OCRA digits and a check digit', () => {
  const sevenDigit = [...vectors.vectors, ...vectors.cross_checked].filter((v) => /^OCRA-1:HOTP-SHA\d+-7:/.test(v.suite));

  test('the vectors include 7-digit suites', () => {
    expect(sevenDigit.length).toBeGreaterThan(0);
  });

  test.each(sevenDigit.map((v) => [name(v), v]))('%s', (_, v) => {
    const expected = core.response_from_ocra(v.expected, 'en');
    expect(expected.ok).toBe(true);
    expect(core.compute_device_response(v.suite, v.key, inputOf(v), 'en')).toEqual(expected);
    expect(core.verify_device_response(v.suite, v.key, inputOf(v), core.format_response(expected.value), 'en'))
      .toEqual({ ok: true, value: null });
    // Another valid response (right check digit, wrong OCRA digits) is a mismatch.
    const other = String((Number(v.expected) + 1) % 10000000).padStart(7, '0');
    const wrong = core.response_from_ocra(other, 'en').value;
    expect(core.verify_device_response(v.suite, v.key, inputOf(v), wrong, 'en').error.code).toBe('response.mismatch');
  });

  test('a suite that does not truncate to 7 digits cannot make a device response', () => {
    const v = vectors.vectors.find((x) => !/-7:/.test(x.suite));
    expect(core.compute_device_response(v.suite, v.key, inputOf(v), 'en').error.code).toBe('ocra.suite_malformed');
  });
});

describe('ocra_suite describes a suite', () => {
  test('the default Mobile Key suite', () => {
    const suite = core.ocra_suite('OCRA-1:HOTP-SHA256-7:QN06-PSHA256', 'en');
    expect(suite).toEqual({
      ok: true,
      value: {
        suite: 'OCRA-1:HOTP-SHA256-7:QN06-PSHA256',
        hash: 'sha256',
        digits: 7,
        has_counter: false,
        question_format: 'numeric',
        question_length: 6,
        pin_hash: 'sha256',
        session_length: 0,
        has_timestamp: false,
        time_step_seconds: 0,
      },
    });
  });

  test('every suite in the vector file parses back to itself', () => {
    for (const v of [...vectors.vectors, ...vectors.cross_checked]) {
      const suite = core.ocra_suite(v.suite, 'en');
      expect(suite.ok).toBe(true);
      expect(suite.value.suite).toBe(v.suite);
    }
  });

  test('a malformed suite names itself in the localised message', () => {
    const suite = core.ocra_suite('OCRA-1:HOTP-SHA256-7:QX06', 'zh-TW');
    expect(suite.ok).toBe(false);
    expect(suite.error.code).toBe('ocra.suite_malformed');
    expect(suite.error.args[0]).toBe('OCRA-1:HOTP-SHA256-7:QX06');
    expect(suite.error.message).toContain('OCRA-1:HOTP-SHA256-7:QX06');
  });
});

describe('bad arguments are error values', () => {
  const v = vectors.vectors[0];
  test.each([
    ['suite', [42, v.key, inputOf(v)]],
    ['key', [v.suite, 'not hex', inputOf(v)]],
    ['input', [v.suite, v.key, null]],
    ['question', [v.suite, v.key, { ...inputOf(v), question: 12345678 }]],
    ['counter', [v.suite, v.key, { ...inputOf(v), counter: -1 }]],
    ['counter', [v.suite, v.key, { ...inputOf(v), counter: 1.5 }]],
    ['pin_hash', [v.suite, v.key, { ...inputOf(v), pin_hash: 'xyz' }]],
  ])('%s', (parameter, args) => {
    const result = core.ocra_compute(...args, 'en');
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('bad_argument');
    expect(result.error.args).toEqual([parameter]);
  });

  test('a short key is the core\'s own error', () => {
    expect(core.ocra_compute(v.suite, '0011', inputOf(v), 'en').error.code).toBe('ocra.bad_key');
  });

  test('counters may be given as decimal strings or bigints', () => {
    const withCounter = vectors.vectors.find((x) => x.counter !== undefined && x.counter > 0);
    const expected = { ok: true, value: withCounter.expected };
    expect(core.ocra_compute(withCounter.suite, withCounter.key, { ...inputOf(withCounter), counter: String(withCounter.counter) }, 'en')).toEqual(expected);
    expect(core.ocra_compute(withCounter.suite, withCounter.key, { ...inputOf(withCounter), counter: BigInt(withCounter.counter) }, 'en')).toEqual(expected);
  });
});
