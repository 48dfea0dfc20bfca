/**
 * @jest-environment jsdom
 */
// <sls-security> in jsdom with the real WebAssembly core (Node flavour) and the real patcher, against a mocked
// fetch: the define module registers both elements, the overview renders in light DOM, the requests carry the
// session's credentials and the element's language, opting out goes through the nested <sls-login step-up>
// whose sls-authenticated event the element takes (it does not reach the page), and the events are instances
// of their classes. The real server: web/test/browser/security.test.cjs.
'use strict';

const path = require('node:path');
const { repoRoot } = require('./support/core.cjs');
const { requireEsm } = require('./support/esm.cjs');
const { loadLoginElement } = require('./support/login-element.cjs');

let elements;

const ACCOUNTS = (stepUpUntil) => ({
  accounts: [{
    id: 'acc1',
    name: 'demo-joint',
    opted_out: false,
    primary_user: 'alice',
    may_change_security: true,
    device_kind: 'dsc',
    limits: { daily: { unlimited: false, cents: 100000000 }, five_day: { unlimited: false, cents: 150000000 } },
    restrictions: [],
    users: [{
      username: 'alice', primary: true, you: true,
      devices: [{ kind: 'dsc', label: 'DSC', serial: 'DSC-1', status: 'active', since: 1767225600, expires_at: null }],
    }],
  }],
  step_up_until: stepUpUntil,
});

beforeAll(async () => {
  const { core, patcher } = await loadLoginElement();
  elements = requireEsm(path.join(repoRoot, 'web', 'sls-security-define.js'));
  elements.SlsSecurity.setLoader(async () => ({ core, patcher }));
});

afterEach(() => {
  document.body.replaceChildren();
  delete global.fetch;
});

/** A fetch mock answering from `routes` ("METHOD /path" → [status, body]); records every call. */
function mockFetch(routes) {
  const calls = [];
  global.fetch = jest.fn(async (url, init) => {
    const key = `${init.method} ${new URL(url).pathname}`;
    calls.push({ key, init });
    const [status, body] = routes[key] ?? [404, { error: { code: 'not_found', message: 'no' } }];
    return { status, headers: { get: () => null }, text: async () => JSON.stringify(body) };
  });
  return calls;
}

async function until(check, what) {
  for (let i = 0; i < 200; i += 1) {
    if (check()) return;
    await new Promise((resolve) => { setTimeout(resolve, 5); });
  }
  throw new Error(`timed out waiting for ${what}`);
}

const screenOf = (element) => element.querySelector('.sls-security')?.dataset.screen;

async function mount(lang = 'en') {
  const element = document.createElement('sls-security');
  element.id = 'sec';
  element.setAttribute('lang', lang);
  element.setAttribute('stylesheet-url', 'none');
  document.body.append(element);
  await until(() => screenOf(element) === 'overview' || screenOf(element) === 'error', 'the overview');
  return element;
}

test('the define module registers <sls-security> and <sls-login>; the overview is in light DOM', async () => {
  expect(customElements.get('sls-security')).toBe(elements.SlsSecurity);
  expect(customElements.get('sls-login')).toBe(elements.SlsLogin);
  const calls = mockFetch({ 'GET /api/v1/accounts': [200, ACCOUNTS(null)] });
  const states = [];
  document.addEventListener('sls-security-state', (e) => states.push(e), { once: true });
  const element = await mount('zh-Hant');
  expect(element.screen).toBe('overview');
  expect(element.textContent).toContain('帳戶 demo-joint');
  expect(element.shadowRoot).toBeNull();
  expect(states[0]).toBeInstanceOf(elements.SlsSecurityStateEvent);
  expect(calls.map((c) => c.key).sort())
    .toEqual(['GET /api/v1/accounts', 'GET /api/v1/devices', 'GET /api/v1/phones', 'GET /api/v1/sharing']);
  for (const { init } of calls) {
    expect(init.credentials).toBe('same-origin');
    expect(init.headers['Accept-Language']).toBe('zh-Hant');
  }
  // The page's lang follows.
  element.setAttribute('lang', 'zh-Hans');
  await until(() => element.textContent.includes('账户 demo-joint'), 'the language switch');
});

test('opting out with a stale second factor nests <sls-login step-up>; its sls-authenticated goes to the core only', async () => {
  const calls = mockFetch({
    'GET /api/v1/accounts': [200, ACCOUNTS(null)],
    'POST /api/v1/accounts/acc1/opt-out': [200, { id: 'acc1', opted_out: true, changed: true }],
  });
  const element = await mount();
  element.querySelector('#sec-opt-out-acc1').click();
  expect(screenOf(element)).toBe('confirm_opt_out');
  element.querySelector('#sec-confirm').click();
  expect(screenOf(element)).toBe('step_up');
  const login = element.querySelector('sls-login[step-up]');
  expect(login).not.toBeNull();
  expect(login.getAttribute('endpoint')).toBe('/api/v1');
  expect(calls.some((c) => c.key.startsWith('POST'))).toBe(false);
  const heard = [];
  document.addEventListener('sls-authenticated', (e) => heard.push(e));
  const changed = [];
  element.addEventListener('sls-security-changed', (e) => changed.push(e));
  // An authenticated event that is not a step-up's (no step_up: true) is not the confirmation: ignored.
  for (const detail of [{ user: 'alice', expires_at: 1 }, { step_up: 'true' }, null]) {
    login.dispatchEvent(new CustomEvent('sls-authenticated', { bubbles: true, composed: true, detail }));
  }
  await new Promise((resolve) => { setTimeout(resolve, 20); });
  expect(screenOf(element)).toBe('step_up');
  expect(calls.some((c) => c.key.endsWith('/opt-out'))).toBe(false);
  heard.length = 0;
  login.dispatchEvent(new CustomEvent('sls-authenticated', {
    bubbles: true, composed: true, detail: { step_up: true, step_up_until: Math.floor(Date.now() / 1000) + 300, user: 'alice' },
  }));
  expect(heard).toEqual([]);
  await until(() => screenOf(element) === 'notice', 'the notice');
  const post = calls.find((c) => c.key === 'POST /api/v1/accounts/acc1/opt-out');
  expect(post.init.body).toBe('{}');
  expect(post.init.headers['Content-Type']).toBe('application/json');
  expect(changed).toHaveLength(1);
  expect(changed[0]).toBeInstanceOf(elements.SlsSecurityChangedEvent);
  expect(changed[0].detail).toEqual({ change: 'opt_out', account: 'acc1' });
});

test('properties reflect their attributes; a new endpoint applies to the next request', async () => {
  const calls = mockFetch({ 'GET /api/v1/accounts': [200, ACCOUNTS(null)], 'GET /other/accounts': [200, ACCOUNTS(null)] });
  const element = await mount();
  expect(element.endpoint).toBe('/api/v1');
  element.endpoint = '/other';
  expect(element.getAttribute('endpoint')).toBe('/other');
  element.moduleUrl = 'lib/sls-core.mjs';
  expect(element.moduleUrl.href).toBe(new URL('lib/sls-core.mjs', document.baseURI).href);
  expect(element.stylesheetUrl).toBeNull(); // "none"
  element.stylesheetUrl = null;
  expect(element.stylesheetUrl.href).toMatch(/\/sls-login\.css$/);
  element.endpoint = null;
  expect(element.hasAttribute('endpoint')).toBe(false);
  element.endpoint = '/other';
  element.reload();
  await until(() => calls.some((c) => c.key === 'GET /other/accounts'), 'the request to the new endpoint');
  await until(() => screenOf(element) === 'overview', 'the overview again');
  expect(element.busy).toBe(false);
});

test('a module that cannot load shows the sentence of the element\'s language and reports it', async () => {
  elements.SlsSecurity.setLoader(async () => { throw new Error('blocked'); });
  const errors = [];
  document.addEventListener('sls-error', (e) => errors.push(e.detail), { once: true });
  const element = document.createElement('sls-security');
  element.setAttribute('lang', 'zh-Hans');
  element.setAttribute('stylesheet-url', 'none');
  document.body.append(element);
  await until(() => errors.length === 1, 'the failure');
  expect(element.textContent).toBe('安全中心无法启动。请重新加载页面后再试。');
  expect(errors[0]).toMatchObject({ code: 'internal', cause: 'blocked' });
  const { core, patcher } = await loadLoginElement();
  elements.SlsSecurity.setLoader(async () => ({ core, patcher }));
});

test('a failed load is an sls-error and the error screen; disconnecting empties the element', async () => {
  mockFetch({ 'GET /api/v1/accounts': [401, { error: { code: 'session.none', message: 'x' } }] });
  const errors = [];
  document.addEventListener('sls-error', (e) => errors.push(e), { once: true });
  const element = await mount();
  expect(screenOf(element)).toBe('error');
  expect(errors[0]).toBeInstanceOf(elements.SlsErrorEvent);
  expect(errors[0].detail.code).toBe('session.none');
  element.remove();
  expect(element.childElementCount).toBe(0);
});

// --- the device lifecycle (issue 12) -----------------------------------------------------------------------------

const NOW_S = () => Math.floor(Date.now() / 1000);
const DEVICE = (id, kind, serial, status, extra = {}) => ({
  id, kind, label: kind, serial, status, since: 1767225600, expires_at: null, ended: null,
  returnable: kind === 'dsc', replaces: null, access: null, ...extra,
});
const DEVICES = { devices: [DEVICE('d1', 'dsc', 'DSC-1', 'active')], step_up_until: null };
const CARD = () => ({
  device: DEVICE('oc2', 'online_card', 'OC-6', 'pending', { expires_at: NOW_S() + 86400 }),
  card: { serial: 'OC-6', cells: Array.from({ length: 20 }, (_, i) => `C${String(i).padStart(2, '0')}`) },
  activation: { indices: [3, 17] },
  print_url: '/api/v1/devices/oc2/card',
});

function type(element, selector, value) {
  const input = element.querySelector(selector);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

test('report lost: the confirmation, the offers with the region\'s numbers, then an online card printed and activated', async () => {
  const calls = mockFetch({
    'GET /api/v1/accounts': [200, ACCOUNTS(null)],
    'GET /api/v1/devices': [200, DEVICES],
    'GET /api/v1/phones': [200, { phones: [{ id: 'p1', masked: '+1 ••• 4567', default: true }] }],
    'POST /api/v1/devices/d1/lost': [200, {
      device: DEVICE('d1', 'dsc', 'DSC-1', 'revoked', { ended: { event: 'lost', at: NOW_S() } }),
      sessions_ended: 1, offers: ['temporary_code', 'online_card', 'replacement'],
    }],
    'GET /api/v1/devices/d1/return': [200, {
      device: DEVICE('d1', 'dsc', 'DSC-1', 'revoked'), advice: 'return', suggest: null, region: 'japan',
      regions: [{ id: 'japan', address: ['Attn: Token Return Department', 'Tokyo'],
        phones: [{ area: 'Japan', kind: 'direct', number: '+81 (3) 4588 9710', language: 'English' }] }],
      receipt_business_days: { min: 3, max: 5 },
    }],
    'POST /api/v1/devices/online-card': [201, CARD()],
    'POST /api/v1/devices/oc2/activate': [200, { device: DEVICE('oc2', 'online_card', 'OC-6', 'active', { expires_at: NOW_S() + 21 * 86400 }) }],
  });
  const element = await mount();
  await until(() => element.querySelector('#sec-lost-d1') !== null, 'the devices part');
  expect(element.textContent).toContain('+1 ••• 4567');
  element.querySelector('#sec-lost-d1').click();
  expect(screenOf(element)).toBe('confirm_lost');
  expect(document.activeElement.id).toBe('sec-title');
  element.querySelector('#sec-confirm').click();
  await until(() => screenOf(element) === 'lost_offers', 'the offers');
  await until(() => element.textContent.includes('+81 (3) 4588 9710'), 'the region\'s numbers');
  expect(document.activeElement.id).toBe('sec-title');
  expect(element.querySelector('[role="status"]').textContent).toBe('Device reported lost');
  const lost = calls.find((c) => c.key === 'POST /api/v1/devices/d1/lost');
  expect(lost.init.body).toBe('{}');
  element.querySelector('#sec-issue-card').click();
  await until(() => screenOf(element) === 'card', 'the card');
  const print = element.querySelector('#sec-print');
  expect(print.tagName).toBe('A');
  expect(print.href).toBe(new URL('/api/v1/devices/oc2/card?lang=en', document.baseURI).href);
  expect(print.target).toBe('_blank');
  element.querySelector('#sec-continue').click();
  expect(screenOf(element)).toBe('card_activate');
  expect(document.activeElement.id).toBe('sec-code1');
  expect(element.querySelector('label[for="sec-code1"]').textContent).toBe('Code number 3');
  type(element, '#sec-code1', 'C02');
  type(element, '#sec-code2', 'C16');
  element.querySelector('#sec-form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  await until(() => screenOf(element) === 'card_done', 'the confirmation');
  const activate = calls.find((c) => c.key === 'POST /api/v1/devices/oc2/activate');
  expect(JSON.parse(activate.init.body)).toEqual({ codes: 'C02C16' });
  expect(element.textContent).toMatch(/Card OC-6 works for logging in until \d{4}-\d{2}-\d{2}\./);
});

test('a replacement order: the PIN twice, the deposit account chosen with the radio, the summary, the confirmation', async () => {
  const calls = mockFetch({
    'GET /api/v1/accounts': [200, ACCOUNTS(null)],
    'GET /api/v1/devices': [200, DEVICES],
    'POST /api/v1/device-orders': [201, { order: {
      id: 'o1', kind: 'dsc_plus', status: 'ordered', device_id: 'dp1', serial: 'DP-100', replaces: null,
      estimated_ship_date: '2026-12-02', created_at: NOW_S(), shipped_at: null, auto_activate_at: null, activated_at: null,
      deposit: { account: 'acc1', account_name: 'demo-joint', cents: 2000, status: 'held', reason: null },
    } }],
  });
  const element = await mount('zh-Hans');
  await until(() => element.querySelector('#sec-order') !== null, 'the devices part');
  element.querySelector('#sec-order').click();
  expect(screenOf(element)).toBe('order_pin');
  expect(document.activeElement.id).toBe('sec-pin');
  type(element, '#sec-pin', '2580');
  type(element, '#sec-pin2', '2581');
  element.querySelector('#sec-form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  expect(element.querySelector('#sec-error').textContent).toBe('两次输入的 PIN 不相同。');
  expect(document.activeElement.id).toBe('sec-error');
  expect(element.querySelector('#sec-pin2').getAttribute('aria-invalid')).toBe('true');
  type(element, '#sec-pin2', '2580');
  element.querySelector('#sec-form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  expect(screenOf(element)).toBe('order_account');
  const radio = element.querySelector('#sec-deposit-acc1');
  radio.checked = true;
  radio.dispatchEvent(new Event('change', { bubbles: true }));
  element.querySelector('#sec-continue').click();
  expect(screenOf(element)).toBe('order_summary');
  expect(element.textContent).toContain('20 美元，冻结于账户 demo-joint');
  element.querySelector('#sec-step-back').click();
  expect(screenOf(element)).toBe('order_account');
  element.querySelector('#sec-continue').click();
  element.querySelector('#sec-submit').click();
  await until(() => screenOf(element) === 'order_done', 'the confirmation');
  const order = calls.find((c) => c.key === 'POST /api/v1/device-orders');
  expect(JSON.parse(order.init.body)).toEqual({ kind: 'dsc_plus', pin: '2580', deposit_account: 'acc1', replaces: null });
  expect(element.textContent).toContain('预计于 2026年12月2日 寄出');
  expect(element.querySelector('#sec-pin')).toBeNull();
});
