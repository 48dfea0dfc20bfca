// Typed challenges and responses (live check and submit-time check), driven
// by tests/vectors/response_strings.json, the file response_test.cpp reads.
'use strict';

const { loadCore, readVectors } = require('./support/core.cjs');

const vectors = readVectors('response_strings.json');
let core;

beforeAll(async () => {
  core = await loadCore();
});

const label = (c) => `${JSON.stringify(c.typed)}${c.note ? ` (${c.note})` : ''}`;

function expectEntryState(state, c) {
  expect(state.normalized).toBe(c.normalized);
  expect(state.display).toBe(c.display);
  expect(state.complete).toBe(c.complete);
  if (c.error === 'ok') {
    expect(state.error).toBeNull();
  } else {
    expect(state.error).not.toBeNull();
    expect(state.error.code).toBe(c.error);
    expect(state.error.message).toBe(core.localize(c.error, [], 'en'));
  }
}

function expectParse(result, c) {
  if (c.parse_error === 'ok') {
    expect(result).toEqual({ ok: true, value: c.normalized });
  } else {
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe(c.parse_error);
  }
}

describe('responses', () => {
  test('the vector file has cases', () => {
    expect(vectors.responses.length).toBeGreaterThan(5);
  });

  test.each(vectors.responses.map((c) => [label(c), c]))('inspect_response %s', (_, c) => {
    expectEntryState(core.inspect_response(c.typed, 'en'), c);
  });

  test.each(vectors.responses.map((c) => [label(c), c]))('parse_response %s', (_, c) => {
    expectParse(core.parse_response(c.typed, 'en'), c);
  });

  test('complete responses carry a valid Damm check digit', () => {
    const complete = vectors.responses.filter((c) => c.parse_error === 'ok');
    expect(complete.length).toBeGreaterThan(0);
    for (const c of complete) {
      expect(core.damm_valid(c.normalized)).toBe(true);
      expect(core.damm_check_digit(c.normalized.slice(0, 7))).toBe(c.normalized[7]);
      expect(core.response_from_ocra(c.normalized.slice(0, 7), 'en')).toEqual({ ok: true, value: c.normalized });
      expect(core.format_response(c.normalized)).toBe(c.display);
    }
  });

  test('every single-digit typo of a complete response is caught', () => {
    const c = vectors.responses.find((v) => v.parse_error === 'ok');
    for (let i = 0; i < 8; i += 1) {
      for (let d = 0; d <= 9; d += 1) {
        const typo = c.normalized.slice(0, i) + d + c.normalized.slice(i + 1);
        if (typo !== c.normalized) expect(core.parse_response(typo, 'en').error.code).toBe('response.check_digit');
      }
    }
  });

  test('wrong JS types are errors, not throws', () => {
    expect(core.parse_response(12345678, 'en').error.code).toBe('bad_argument');
    expect(core.damm_check_digit('12a')).toBeNull();
    expect(core.damm_valid(null).error).toMatchObject({ code: 'bad_argument', args: ['digits'] });
    expect(core.response_from_ocra('123456', 'en').error.code).toBe('response.wrong_length');
  });
});

describe('challenges', () => {
  test('the vector file has cases', () => {
    expect(vectors.challenges.length).toBeGreaterThan(5);
  });

  test.each(vectors.challenges.map((c) => [label(c), c]))('inspect_challenge %s', (_, c) => {
    expectEntryState(core.inspect_challenge(c.typed, 'en'), c);
  });

  test.each(vectors.challenges.map((c) => [label(c), c]))('parse_challenge %s', (_, c) => {
    expectParse(core.parse_challenge(c.typed, 'en'), c);
  });

  test('generate_challenge gives 6 digits that parse, and varies', () => {
    const seen = new Set();
    for (let i = 0; i < 50; i += 1) {
      const challenge = core.generate_challenge();
      expect(challenge).toMatch(/^[0-9]{6}$/);
      expect(core.parse_challenge(challenge, 'en')).toEqual({ ok: true, value: challenge });
      seen.add(challenge);
    }
    expect(seen.size).toBeGreaterThan(40);
  });
});

test('fold_typed_code maps full-width forms and drops separators', () => {
  expect(core.fold_typed_code('１２３４　５６７８')).toBe('12345678');
  expect(core.fold_typed_code('ａ３Ｄ－７ｋｐ')).toBe('a3D7kp');
  expect(core.fold_typed_code('12-34 56')).toBe('123456');
  expect(core.fold_typed_code(undefined).error).toMatchObject({ code: 'bad_argument', args: ['typed'] });
});
