// Error codes and their messages in the three languages, as the module gives
// them to the page, checked against the catalog itself (src/sls/errors.def).
'use strict';

const { loadCore, readErrorCatalog } = require('./support/core.cjs');

let core;
const catalog = readErrorCatalog();

beforeAll(async () => {
  core = await loadCore();
});

test('the catalog file was read', () => {
  expect(catalog.length).toBeGreaterThan(10);
  expect(catalog.map((e) => e.code)).toContain('card.too_short');
});

test('error_codes lists every code of the catalog, in catalog order', () => {
  expect(core.error_codes()).toEqual(catalog.map((e) => e.code));
});

describe('resolve_lang maps page language tags to the three languages', () => {
  test.each([
    ['en', 'en'], ['en-GB', 'en'], ['fr-FR', 'en'], ['', 'en'],
    ['zh-Hant', 'zh-Hant'], ['zh-TW', 'zh-Hant'], ['zh-HK', 'zh-Hant'], ['zh-MO', 'zh-Hant'],
    ['zh-Hant-TW', 'zh-Hant'], ['ZH-tw', 'zh-Hant'],
    ['zh', 'zh-Hans'], ['zh-CN', 'zh-Hans'], ['zh-SG', 'zh-Hans'], ['zh-Hans-CN', 'zh-Hans'],
    ['zhx', 'en'],
  ])('%j → %s', (tag, expected) => {
    expect(core.resolve_lang(tag)).toBe(expected);
  });

  test('no tag is English; a tag that is not a string is refused', () => {
    expect(core.resolve_lang(undefined)).toBe('en');
    expect(core.resolve_lang(null)).toBe('en');
    expect(core.resolve_lang(42).error).toMatchObject({ code: 'bad_argument', args: ['tag'] });
  });

  test.each([
    [['zh-HK', 'en-US'], 'zh-Hant'], [['fr-FR', 'zh-CN', 'zh-TW'], 'zh-Hans'], [['de', 'ja', 'en-GB', 'zh-HK'], 'en'],
    [['it', 'zh-Hant-SG'], 'zh-Hant'], [['fr', 'ja'], 'en'], [[], 'en'], [['', 'zhx', 'zh-SG'], 'zh-Hans'],
  ])('a preference list %j → its first supported tag: %s', (tags, expected) => {
    expect(core.resolve_lang(tags)).toBe(expected);
  });

  test('a list holding something else than strings is refused', () => {
    expect(core.resolve_lang(['zh-HK', 7]).error).toMatchObject({ code: 'bad_argument', args: ['tag'] });
  });
});

describe('message_template gives each catalog line in each language', () => {
  test.each(catalog.map((e) => [e.code, e]))('%s', (code, entry) => {
    expect(core.message_template(code, 'en')).toBe(entry.en);
    expect(core.message_template(code, 'zh-Hant')).toBe(entry.zhHant);
    expect(core.message_template(code, 'zh-TW')).toBe(entry.zhHant);
    expect(core.message_template(code, 'zh-Hans')).toBe(entry.zhHans);
    expect(core.message_template(code, 'zh-CN')).toBe(entry.zhHans);
    for (const text of [entry.en, entry.zhHant, entry.zhHans]) expect(text.length).toBeGreaterThan(0);
    expect(entry.zhHant).not.toBe(entry.en);
    expect(entry.zhHans).not.toBe(entry.en);
  });

  test('unknown codes and "ok" have no message', () => {
    expect(core.message_template('no.such_code', 'en')).toBeNull();
    expect(core.message_template('ok', 'en')).toBeNull();
    expect(core.message_template(7, 'en').error).toMatchObject({ code: 'bad_argument', args: ['code'] });
  });
});

describe('localize fills the placeholders', () => {
  const withPlaceholder = catalog.filter((e) => e.en.includes('{0}'));

  test('the catalog has messages with arguments', () => {
    expect(withPlaceholder.length).toBeGreaterThan(0);
  });

  test.each(withPlaceholder.map((e) => [e.code, e]))('%s in three languages', (code, entry) => {
    const args = ['ARG-ZERO', 'ARG-ONE'];
    const fill = (template) => template.replace(/\{(\d)\}/g, (m, n) => (args[n] !== undefined ? args[n] : m));
    expect(core.localize(code, args, 'en')).toBe(fill(entry.en));
    expect(core.localize(code, args, 'zh-Hant')).toBe(fill(entry.zhHant));
    expect(core.localize(code, args, 'zh-Hans')).toBe(fill(entry.zhHans));
    expect(core.localize(code, args, 'en')).toContain('ARG-ZERO');
  });

  test('a placeholder without an argument is left as written', () => {
    const entry = withPlaceholder[0];
    expect(core.localize(entry.code, [], 'en')).toBe(entry.en);
  });

  test('an unknown code gives null, not a throw', () => {
    expect(core.localize('no.such_code', [], 'en')).toBeNull();
  });
});

test('errors returned by any function carry code, args and the localised message', () => {
  const en = core.parse_challenge('12a456', 'en');
  const hant = core.parse_challenge('12a456', 'zh-TW');
  const hans = core.parse_challenge('12a456', 'zh-CN');
  expect(en.ok).toBe(false);
  const entry = catalog.find((e) => e.code === en.error.code);
  expect(entry).toBeDefined();
  expect(en.error).toEqual({ code: entry.code, args: [], message: entry.en });
  expect(hant.error.message).toBe(entry.zhHant);
  expect(hans.error.message).toBe(entry.zhHans);
});
