// PIN rules, driven by tests/vectors/pins.json, the file pin_test.cpp reads.
'use strict';

const { loadCore, readVectors } = require('./support/core.cjs');

const vectors = readVectors('pins.json');
let core;

beforeAll(async () => {
  core = await loadCore();
});

const label = (c) => `${JSON.stringify(c.pin)}${c.note ? ` (${c.note})` : ''}`;

function expectVerdict(result, c) {
  if (c.error === 'ok') {
    expect(result).toEqual({ ok: true, value: null });
    return;
  }
  expect(result.ok).toBe(false);
  expect(result.error.code).toBe(c.error);
  expect(result.error.args).toEqual(c.arg !== undefined ? [String(c.arg)] : []);
  expect(result.error.message).toBe(core.localize(c.error, result.error.args, 'en'));
}

describe('recovery PIN', () => {
  test('the vector file has cases', () => {
    expect(vectors.recovery.length).toBeGreaterThan(5);
  });
  test.each(vectors.recovery.map((c) => [label(c), c]))('%s', (_, c) => {
    expectVerdict(core.check_recovery_pin(c.pin, 'en'), c);
  });
});

describe('DSC+ soft PIN', () => {
  test('the vector file has cases', () => {
    expect(vectors.soft.length).toBeGreaterThan(5);
  });
  test.each(vectors.soft.map((c) => [label(c), c]))('%s', (_, c) => {
    expectVerdict(core.check_soft_pin(c.pin, 'en'), c);
  });
});

test('PIN errors are localised with their argument', () => {
  const c = vectors.recovery.find((x) => x.arg !== undefined);
  expect(c).toBeDefined();
  for (const lang of ['zh-Hant', 'zh-Hans']) {
    const result = core.check_recovery_pin(c.pin, lang);
    expect(result.error.message).toBe(core.localize(c.error, [String(c.arg)], lang));
    expect(result.error.message).toContain(String(c.arg));
  }
});

test('a non-string PIN is a bad argument', () => {
  expect(core.check_soft_pin(1234, 'en').error).toMatchObject({ code: 'bad_argument', args: ['pin'] });
  expect(core.check_recovery_pin(null, 'en').error).toMatchObject({ code: 'bad_argument', args: ['pin'] });
});
