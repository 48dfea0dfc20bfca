// The hand-written declarations (web/sls-core.d.ts) and the bound module must
// agree: every declared function exists with the declared number of
// parameters, and nothing is bound without being declared. And every bound
// function refuses a wrong argument the same way: the failure
// {ok: false, error: {code: "bad_argument", args: [parameter]}}.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { repoRoot, loadCore } = require('./support/core.cjs');

const declarations = fs.readFileSync(path.join(repoRoot, 'web', 'sls-core.d.ts'), 'utf8');

/** name → parameter names, for the methods of one `export interface NAME ... {}` block. */
function methodsOf(interfaceName) {
  const start = declarations.indexOf(`export interface ${interfaceName} `);
  if (start < 0) throw new Error(`interface ${interfaceName} not found`);
  const body = declarations.slice(declarations.indexOf('{', start) + 1, declarations.indexOf('\n}', start));
  const withoutComments = body.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const methods = new Map();
  for (const m of withoutComments.matchAll(/^\s*(\w+)\(([^)]*)\)\s*:/gm)) {
    const params = m[2].trim();
    methods.set(m[1], params === '' ? [] : params.split(',').map((p) => p.split(':')[0].trim()));
  }
  return methods;
}

// What the login module carries, what the demo and Node builds add, and the
// server-side operations those builds add on top.
const login = methodsOf('SlsLoginCore');
const client = methodsOf('SlsCore');
const serverSide = methodsOf('SlsCoreWithServerSide');
const declared = new Map([...login, ...client, ...serverSide]);
let core;

beforeAll(async () => {
  core = await loadCore();
});

test('the declarations were read', () => {
  expect([...login.keys()]).toEqual(['resolve_lang']);
  expect(client.size).toBeGreaterThan(20);
  expect(serverSide.size).toBeGreaterThan(3);
  expect(declared.size).toBe(login.size + client.size + serverSide.size);
});

test('every declared function is bound with the declared parameter count', () => {
  const mismatches = [];
  for (const [name, params] of declared) {
    if (typeof core[name] !== 'function') mismatches.push(`${name}: not bound`);
    else if (core[name].argCount !== params.length) {
      mismatches.push(`${name}: bound with ${core[name].argCount}, declared ${params.length}`);
    }
  }
  expect(mismatches).toEqual([]);
});

test('every bound function is declared', () => {
  // Embind marks the functions it binds with their argument count.
  const bound = Object.keys(core).filter((k) => typeof core[k] === 'function' && typeof core[k].argCount === 'number');
  expect(bound.length).toBeGreaterThan(20);
  expect(bound.filter((name) => !declared.has(name))).toEqual([]);
});

// --- wrong arguments -----------------------------------------------------------

const SUITE = 'OCRA-1:HOTP-SHA256-8:QN08';
const KEY = '3132333435363738393031323334353637383930313233343536373839303132';
const INPUT = { question: '12345678', counter: 0 };
const HEX32 = '00'.repeat(32);
/** A card's storage string, made once the module is loaded. */
const storage = () => core.generate_code_card('S-1', 10, 'en').value.storage;

// [function, () => arguments with exactly one wrong, the parameter named].
// Every bound function that takes an argument appears here (checked below).
const wrongArguments = [
  ['resolve_lang', () => [42], 'tag'],
  ['message_template', () => [7, 'en'], 'code'],
  ['localize', () => [7, [], 'en'], 'code'],
  ['localize', () => ['card.mismatch', 'x', 'en'], 'args'],
  ['localize', () => ['card.mismatch', [1], 'en'], 'args'],

  ['fold_typed_code', () => [undefined], 'typed'],
  ['inspect_response', () => [12345678, 'en'], 'typed'],
  ['parse_response', () => [12345678, 'en'], 'typed'],
  ['format_response', () => [12345678], 'digits'],
  ['response_from_ocra', () => [1234567, 'en'], 'seven_digits'],
  ['damm_check_digit', () => [123], 'digits'],
  ['damm_valid', () => [null], 'digits'],
  ['inspect_challenge', () => [123456, 'en'], 'typed'],
  ['parse_challenge', () => [123456, 'en'], 'typed'],
  ['format_challenge', () => [{}], 'digits'],
  ['inspect_card_entry', () => [['A3D'], 'en'], 'typed'],
  ['parse_card_entry', () => [123456, 'en'], 'typed'],
  ['pick_card_challenge', () => [-1, 'allowed', [], 'en'], 'cells'],
  ['pick_card_challenge', () => [10, 'sometimes', [], 'en'], 'policy'],
  ['pick_card_challenge', () => [10, 'never', 'all', 'en'], 'used'],
  ['logins_left', () => [2.5, []], 'cells'],
  ['logins_left', () => [10, 5], 'used'],
  ['check_recovery_pin', () => [1234, 'en'], 'pin'],
  ['check_soft_pin', () => [1234, 'en'], 'pin'],

  ['ocra_suite', () => [1, 'en'], 'suite'],
  ['ocra_compute', () => [SUITE, 'not hex', INPUT, 'en'], 'key'],
  ['ocra_compute', () => [SUITE, KEY, null, 'en'], 'input'],
  ['compute_device_response', () => [SUITE, KEY, { question: 12345678 }, 'en'], 'question'],
  ['compute_device_response', () => [SUITE, KEY, { ...INPUT, counter: -1 }, 'en'], 'counter'],
  ['verify_device_response', () => [SUITE, KEY, INPUT, 12345678, 'en'], 'typed'],

  ['validate_payload_origin', () => [null, 'en'], 'origin'],
  ['parse_signed_payload', () => [1, 'en'], 'text'],
  ['verify_signed_payload', () => ['SLS1.X', 'zz', 1, 'en'], 'public_key'],
  ['verify_signed_payload', () => ['SLS1.X', HEX32, 'soon', 'en'], 'now'],

  ['qr_fits', () => [1, undefined], 'text'],
  ['qr_fits', () => ['x', 'extreme'], 'ecc'],
  ['qr_matrix', () => [42, 'low', 'en'], 'text'],
  ['qr_svg', () => ['x', 5, 'en'], 'ecc'],

  ['ed25519_key_pair_from_seed', () => ['zz', 'en'], 'seed'],
  ['encode_signed_payload', () => [null, HEX32, 'en'], 'payload'],
  ['generate_code_card', () => [1, 10, 'en'], 'serial'],
  ['generate_code_card', () => ['S-1', -10, 'en'], 'cells'],
  ['code_card_code', () => [1, 1, 'en'], 'storage'],
  ['code_card_code', () => [storage(), '1st', 'en'], 'index'],
  ['verify_card_entry', () => [storage(), null, 'A3DX9K', 'en'], 'challenge'],
  ['verify_card_entry', () => [storage(), { first: 1, second: 2 }, 123456, 'en'], 'typed'],

  ['mobile_key_phone_ocra_secret', () => [1, HEX32, HEX32, HEX32, 'en'], 'suite'],
  ['mobile_key_phone_ocra_secret', () => [SUITE, 'zz', HEX32, HEX32, 'en'], 'phone_public_key'],
  ['ocra_hash_pin', () => ['md5', '1234', 'en'], 'hash'],
  ['ocra_hash_pin', () => ['sha256', 1234, 'en'], 'pin'],
  ['push_decision_message', () => [1, '12', 'approve'], 'tx_id'],
  ['push_decision_message', () => ['tx', 12, 'approve'], 'number'],
  ['push_decision_message', () => ['tx', '12', true], 'decision'],
  ['device_pull_message', () => [7, 1700000000], 'device_id'],
  ['device_pull_message', () => ['d-1', 'soon'], 'unix_seconds'],
  ['qr_approval_message', () => [null], 'payload'],
  ['mobile_key_sign', () => ['zz', 'message', 'en'], 'secret_key'],
  ['mobile_key_sign', () => ['00'.repeat(64), 7, 'en'], 'message'],
  ['mobile_key_signature_valid', () => [1, 'message', '00'], 'public_key'],
  ['mobile_key_signature_valid', () => [HEX32, 1, '00'], 'message'],
  ['mobile_key_signature_valid', () => [HEX32, 'message', 0], 'signature'],
];

describe('a wrong argument is the failure bad_argument naming it', () => {
  test.each(wrongArguments.map(([name, args, parameter]) => [name, parameter, args]))(
    '%s: %s',
    (name, parameter, args) => {
      const result = core[name](...args());
      expect(result).toMatchObject({ ok: false, error: { code: 'bad_argument', args: [parameter] } });
      expect(result.error.message).toBe(core.localize('bad_argument', [parameter], 'en'));
    },
  );
});

test('every bound function with parameters has a wrong-argument case', () => {
  const covered = new Set(wrongArguments.map(([name]) => name));
  const missing = [...declared].filter(([name, params]) => params.length > 0 && !covered.has(name)).map(([n]) => n);
  expect(missing).toEqual([]);
});

describe('a `lang` that is not a string (nor undefined or null) is refused first, in English', () => {
  const withLang = [...declared].filter(([, params]) => params.includes('lang'));
  test('the declarations name lang parameters', () => expect(withLang.length).toBeGreaterThan(20));
  test.each(withLang.map(([name, params]) => [name, params]))('%s', (name, params) => {
    const result = core[name](...params.map((p) => (p === 'lang' ? 42 : undefined)));
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_argument', args: ['lang'] } });
    expect(result.error.message).toBe(core.localize('bad_argument', ['lang'], 'en'));
  });
});

test('the message of a refusal follows the lang argument', () => {
  const zh = core.parse_response(12345678, 'zh-TW');
  expect(zh.error).toMatchObject({ code: 'bad_argument', args: ['typed'] });
  expect(zh.error.message).toBe(core.localize('bad_argument', ['typed'], 'zh-Hant'));
  expect(zh.error.message).not.toBe(core.localize('bad_argument', ['typed'], 'en'));
  // undefined and null select English, as a page without a lang attribute would.
  expect(core.parse_response('1234567', undefined).ok).toBe(false);
  expect(core.parse_response('1234567', null).error.message)
    .toBe(core.parse_response('1234567', 'en').error.message);
});

describe('LoginFlow methods put the same error in LoginOutput.error and change nothing', () => {
  const cases = [
    ['start', () => [null], 'config'],
    ['start', () => [{ now_ms: 'later' }], 'now_ms'],
    ['start', () => [{ now_ms: 0, lang: 5 }], 'lang'],
    ['start', () => [{ now_ms: 0, poll: { long_poll_wait_s: -1 } }], 'long_poll_wait_s'],
    ['start', () => [{ now_ms: 0, poll: { long_poll_wait_s: 301 } }], 'long_poll_wait_s'],
    ['start', () => [{ now_ms: 0, step_up: 'yes' }], 'step_up'],
    ['on_event', () => [5], 'event'],
    ['on_event', () => [{ action: 1, now_ms: 0 }], 'action'],
    ['on_reply', () => [{ status: 200, now_ms: 0 }], 'request_id'],
    ['on_timer', () => [null], 'timer'],
    ['set_lang', () => [5, 0], 'lang'],
    ['set_lang', () => ['en', 1.5], 'now_ms'],
  ];
  const table = cases.map(([method, args, parameter]) => [method, parameter, args]);
  test.each(table)('%s: %s', (method, parameter, args) => {
    const flow = new core.LoginFlow();
    try {
      flow.start({ now_ms: 0, lang: 'en' });
      const before = JSON.stringify(flow.view());
      const output = flow[method](...args());
      expect(output.error).toMatchObject({ code: 'bad_argument', args: [parameter] });
      expect(output.error.message).toBe(core.localize('bad_argument', [parameter], 'en'));
      expect(output.effects).toEqual([]);
      expect(JSON.stringify(output.view)).toBe(before);
      expect(flow.screen()).toBe('credentials');
    } finally {
      flow.delete();
    }
  });
});

test('LoginFlow with step_up: no credentials, the step-up request at once', () => {
  const flow = new core.LoginFlow();
  try {
    const out = flow.start({ now_ms: 1700000000000, lang: 'zh-Hans', step_up: true });
    expect(out.error).toBeNull();
    expect(flow.screen()).toBe('loading');
    const http = out.effects.filter((e) => e.kind === 'http');
    expect(http.map((e) => [e.method, e.path, e.body])).toEqual([['POST', '/login', '{"step_up":true}']]);
    expect(JSON.stringify(out.view)).toContain('确认此项更改');
  } finally {
    flow.delete();
  }
});

describe('LoginFlow long-polls the push status unless told not to', () => {
  /** The first status request of a push login started with `config`. */
  function firstPoll(config) {
    const flow = new core.LoginFlow();
    try {
      const now = 1700000000000;
      flow.start({ now_ms: now, lang: 'en', ...config });
      flow.on_event({ action: 'input:username', value: 'mia', now_ms: now });
      flow.on_event({ action: 'input:password', value: 'correct horse', now_ms: now });
      const login = flow.on_event({ action: 'submit', now_ms: now }).effects.find((e) => e.kind === 'http');
      const challenge = flow.on_reply({
        request_id: login.id, status: 200, now_ms: now,
        body: JSON.stringify({ login_id: 'L0gin_Id-0123456789abcd', login_secret: 'secret-0123456789abcdefghij',
          devices: [{ device_id: 'dev-1', kind: 'mobile_key', label: 'Phone' }] }),
      }).effects.find((e) => e.kind === 'http');
      const out = flow.on_reply({
        request_id: challenge.id, status: 200, now_ms: now,
        body: JSON.stringify({ method: 'push', tx_id: 'Tx_0123456789abcdefghij', number: '47', expires_at: now / 1000 + 120 }),
      });
      expect(flow.screen()).toBe('push');
      return out.effects.filter((e) => e.kind === 'http').map((e) => e.path);
    } finally {
      flow.delete();
    }
  }

  test('by default the first status request asks to be held and goes out at once', () => {
    expect(firstPoll({})).toEqual(['/push/Tx_0123456789abcdefghij?wait=10']);
    expect(firstPoll({ poll: { long_poll_wait_s: 20 } })).toEqual(['/push/Tx_0123456789abcdefghij?wait=20']);
  });

  test('long_poll_wait_s 0 polls as before: after first_delay_ms, without wait', () => {
    expect(firstPoll({ poll: { long_poll_wait_s: 0 } })).toEqual([]);
  });
});
