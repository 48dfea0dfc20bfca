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
  expect(calls.map((c) => c.key).sort()).toEqual(['GET /api/v1/accounts', 'GET /api/v1/sharing']);
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
