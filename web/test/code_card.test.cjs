// Code-card entries (live check and submit-time check), driven by
// tests/vectors/card_entries.json, the file code_card_test.cpp reads; and the
// card, challenge and verification bindings the demo page uses.
'use strict';

const { loadCore, readVectors } = require('./support/core.cjs');

const vectors = readVectors('card_entries.json');
let core;

beforeAll(async () => {
  core = await loadCore();
});

const label = (c) => `${JSON.stringify(c.typed)}${c.note ? ` (${c.note})` : ''}`;

describe('typed entries', () => {
  test('the vector file has cases', () => {
    expect(vectors.cases.length).toBeGreaterThan(10);
  });

  test.each(vectors.cases.map((c) => [label(c), c]))('inspect_card_entry %s', (_, c) => {
    const state = core.inspect_card_entry(c.typed, 'en');
    expect(state.normalized).toBe(c.normalized);
    expect(state.display).toBe(c.display);
    expect(state.complete).toBe(c.complete);
    if (c.error === 'ok') {
      expect(state.error).toBeNull();
    } else {
      expect(state.error.code).toBe(c.error);
      expect(state.error.message).toBe(core.localize(c.error, [], 'en'));
    }
  });

  test.each(vectors.cases.map((c) => [label(c), c]))('parse_card_entry %s', (_, c) => {
    const result = core.parse_card_entry(c.typed, 'en');
    if (c.parse_error === 'ok') {
      expect(result).toEqual({ ok: true, value: c.normalized });
    } else {
      expect(result.ok).toBe(false);
      expect(result.error.code).toBe(c.parse_error);
    }
  });

  test('errors are localised in the three languages', () => {
    const c = vectors.cases.find((x) => x.error !== 'ok');
    const messages = ['en', 'zh-Hant', 'zh-Hans'].map((lang) => core.inspect_card_entry(c.typed, lang).error.message);
    expect(messages).toEqual(['en', 'zh-Hant', 'zh-Hans'].map((lang) => core.localize(c.error, [], lang)));
    expect(new Set(messages).size).toBe(3);
  });
});

describe('cards, challenges and verification', () => {
  test('a generated card holds codes of the vector alphabet and verifies its own codes', () => {
    const card = core.generate_code_card('SN-1', 100, 'en');
    expect(card.ok).toBe(true);
    expect(card.value.size).toBe(100);
    expect(card.value.storage).toMatch(new RegExp(`^[${vectors.alphabet}]{300}$`));
    const challenge = core.pick_card_challenge(card.value.size, 'allowed', [], 'en').value;
    expect(challenge.first).not.toBe(challenge.second);
    const codes = [challenge.first, challenge.second].map((i) => core.code_card_code(card.value.storage, i, 'en').value);
    expect(codes[0]).toBe(card.value.storage.slice((challenge.first - 1) * 3, challenge.first * 3));
    expect(core.verify_card_entry(card.value.storage, challenge, `${codes[0]} ${codes[1]}`.toLowerCase(), 'en'))
      .toEqual({ ok: true, value: null });
    const wrong = codes[0] === '000' ? '111' : '000';
    expect(core.verify_card_entry(card.value.storage, challenge, `${wrong}${codes[1]}`, 'en').error.code).toBe('card.mismatch');
    expect(core.verify_card_entry(card.value.storage, challenge, codes[0], 'en').error.code).toBe('card.too_short');
    expect(core.verify_card_entry(card.value.storage, { first: 101, second: 1 }, codes.join(''), 'en').error.code)
      .toBe('card.bad_index');
  });

  test('cards outside 2..1000 cells are refused', () => {
    expect(core.generate_code_card('x', 1, 'en').error.code).toBe('card.bad_size');
    expect(core.generate_code_card('x', 1001, 'en').error.code).toBe('card.bad_size');
    expect(core.generate_code_card('x', 2, 'en').ok).toBe(true);
  });

  test('under "never", used cells are not asked again and the card runs out', () => {
    const cells = 10;
    const used = [];
    for (let login = 0; login < cells / 2; login += 1) {
      expect(core.logins_left(cells, used)).toBe(cells / 2 - login);
      const challenge = core.pick_card_challenge(cells, 'never', used, 'en');
      expect(challenge.ok).toBe(true);
      for (const index of [challenge.value.first, challenge.value.second]) {
        expect(used[index - 1]).toBeFalsy();
        used[index - 1] = true;
      }
    }
    for (let i = 0; i < cells; i += 1) used[i] = used[i] === true;
    expect(core.logins_left(cells, used)).toBe(0);
    expect(core.pick_card_challenge(cells, 'never', used, 'zh-Hant').error)
      .toMatchObject({ code: 'card.exhausted', message: core.localize('card.exhausted', [], 'zh-Hant') });
    expect(core.pick_card_challenge(cells, 'allowed', used, 'en').ok).toBe(true);
  });

  test('challenges cover the card uniformly enough', () => {
    const seen = new Set();
    for (let i = 0; i < 400; i += 1) {
      const c = core.pick_card_challenge(20, 'allowed', undefined, 'en').value;
      for (const index of [c.first, c.second]) {
        expect(index).toBeGreaterThanOrEqual(1);
        expect(index).toBeLessThanOrEqual(20);
        seen.add(index);
      }
    }
    expect(seen.size).toBe(20);
  });

  test('bad arguments are error values', () => {
    expect(core.pick_card_challenge(100, 'sometimes', [], 'en').error).toMatchObject({ code: 'bad_argument', args: ['policy'] });
    expect(core.pick_card_challenge(-1, 'allowed', [], 'en').error).toMatchObject({ code: 'bad_argument', args: ['cells'] });
    expect(core.pick_card_challenge(10, 'allowed', 'yes', 'en').error).toMatchObject({ code: 'bad_argument', args: ['used'] });
    expect(core.parse_card_entry(123456, 'en').error).toMatchObject({ code: 'bad_argument', args: ['typed'] });
    expect(core.code_card_code('AB', 1, 'en').ok).toBe(false);
    expect(core.verify_card_entry(42, { first: 1, second: 2 }, 'AAAAAA', 'en').error.code).toBe('bad_argument');
  });
});
