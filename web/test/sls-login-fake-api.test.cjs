/**
 * @jest-environment jsdom
 */
// <sls-login> in jsdom talking over real HTTP to the in-process fake of the
// API (support/fake-api.cjs), with the real WebAssembly core (Node flavour)
// and the real patcher: a code-card login and a push login, from typed
// password to the `sls-authenticated` event.
//
// WHAT THIS TEST DOES. jsdom has no fetch(). The test installs one on the
// window that forwards each request to Node's own fetch (taken from the
// worker's outer context, since Jest's jsdom global hides it): URL as a
// string, method, headers and body as given, and the element's AbortSignal
// relayed to a Node AbortController (a jsdom signal is not one Node's fetch
// accepts). The element's `endpoint` attribute is the fake's absolute API
// URL (http://127.0.0.1:PORT/api/v1), so the requests, the fake's checks
// (password, card codes, push state) and the replies are real.
//
// WHAT IT DOES NOT COVER. Node's fetch is not a browser: no CORS, no
// cookies (the `credentials` and `cache` options are passed on but have no
// browser meaning here), no Content-Security-Policy, and jsdom lays nothing
// out. The fake is a fake (see its header): secrets in memory, compared in
// clear. Cookies, CSP and rendering are the Chromium suite's part
// (web/test/browser/); the reference server has its own tests.
'use strict';

const vm = require('node:vm');
const { loadLoginElement } = require('./support/login-element.cjs');
const { startFakeApi, TEST_PASSWORD } = require('./support/fake-api.cjs');

jest.setTimeout(20000);

/** Node's fetch and AbortController, from the worker's own global (not jsdom's). */
const nodeGlobals = new vm.Script('({ fetch, AbortController })').runInThisContext();

let fake;
let core;

beforeAll(async () => {
  ({ core } = await loadLoginElement());
  fake = await startFakeApi();
  // jsdom has ElementInternals without setValidity; the element reports
  // validity on every render.
  if (typeof ElementInternals.prototype.setValidity !== 'function') ElementInternals.prototype.setValidity = () => {};
});

afterAll(async () => {
  if (fake) await fake.close();
});

beforeEach(() => {
  fake.reset();
  window.fetch = forwardingFetch;
});

afterEach(() => {
  document.body.replaceChildren();
  delete window.fetch;
});

/** A fetch() for the jsdom window that sends the request with Node's fetch. */
function forwardingFetch(url, init = {}) {
  const controller = new nodeGlobals.AbortController();
  const { signal, ...rest } = init;
  if (signal) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', () => controller.abort(), { once: true });
  }
  return nodeGlobals.fetch(String(url), { ...rest, signal: controller.signal });
}

/** Mounts an element pointed at the fake; resolves once its first view is in. */
async function mount() {
  const element = document.createElement('sls-login');
  element.setAttribute('endpoint', fake.apiUrl);
  const started = new Promise((resolve) => { element.addEventListener('sls-state', resolve, { once: true }); });
  document.body.append(element);
  await started;
  return element;
}

function type(input, text) {
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

const field = (element, name) => element.querySelector(`input[name="${name}"]`);

/** Resolves with the first `sls-state` whose screen is `screen` (or at once if it shows already). */
function screenShown(element, screen, timeoutMs = 8000) {
  if (element.screen === screen && !element.querySelector('[aria-busy="true"]')) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      element.removeEventListener('sls-state', listener);
      reject(new Error(`screen ${screen} never showed (now ${element.screen})`));
    }, timeoutMs);
    function listener(event) {
      if (event.detail.screen === screen && !event.detail.busy) {
        clearTimeout(timer);
        element.removeEventListener('sls-state', listener);
        resolve();
      }
    }
    element.addEventListener('sls-state', listener);
  });
}

/** Resolves with the detail of the next `sls-authenticated` event. */
function nextAuthenticated(element) {
  return new Promise((resolve) => {
    element.addEventListener('sls-authenticated', (event) => resolve(event.detail), { once: true });
  });
}

/** Types the credentials and submits, then waits for `screen`. */
async function logIn(element, username, screen) {
  const shown = screenShown(element, screen);
  type(field(element, 'username'), username);
  type(field(element, 'password'), TEST_PASSWORD);
  element.querySelector('form').requestSubmit();
  await shown;
}

const apiLog = () => fake.requests.map((r) => `${r.method} ${r.route} ${r.status}`);

test('a code-card login against the fake, over HTTP', async () => {
  const element = await mount();
  const errors = [];
  element.addEventListener('sls-error', (event) => errors.push(event.detail));
  await logIn(element, 'card', 'code_card');

  // The indices on screen are the ones the fake asked for.
  const challenge = fake.openChallenge();
  expect(challenge.method).toBe('code_card');
  for (const index of challenge.indices) expect(element.textContent).toContain(`Index ${index}`);

  // A wrong entry first: the fake refuses it and the element says so.
  const right = fake.answer();
  const wrong = right === '000000' ? '111111' : '000000';
  type(field(element, 'code'), wrong);
  const refused = new Promise((resolve) => { element.addEventListener('sls-error', resolve, { once: true }); });
  element.querySelector('form').requestSubmit();
  await refused;
  expect(element.screen).toBe('code_card');
  expect(errors.map((e) => e.code)).toEqual(['card.mismatch']);
  // The fake's reply counts the failure; the element shows the count too.
  const shown = element.querySelector('[part~="error"]').textContent;
  expect(shown).toContain(core.localize('card.mismatch', [], 'en'));
  expect(shown).toMatch(/\b4\b/);

  // Then the right one, as a user types it (lower case, a space).
  const authenticated = nextAuthenticated(element);
  type(field(element, 'code'), `${right.slice(0, 3)} ${right.slice(3)}`.toLowerCase());
  element.querySelector('form').requestSubmit();
  const session = await authenticated;

  expect(session).toMatchObject({ username: 'card', device_kind: 'code_card', access: 'full' });
  await screenShown(element, 'authenticated');
  expect(apiLog()).toEqual([
    'POST POST /login 200',
    'POST POST /login/{login_id}/challenge 200',
    `POST POST /login/{login_id}/verify ${fake.requests[2].status}`,
    'POST POST /login/{login_id}/verify 200',
    'POST POST /login/{login_id}/complete 200',
  ]);
  expect(fake.requests[2].status).toBeGreaterThanOrEqual(400);
  expect(element.querySelector('input')).toBeNull();
});

test('a push login against the fake, approved by a signed decision from the phone', async () => {
  // Nobody answers the push on their own: the test answers it as the phone
  // would, with the number shown on the page, signed with the device key.
  fake.configure({ push: { decision: 'never' }, pollRetryAfter: 1 });
  const element = await mount();
  await logIn(element, 'mobile', 'push');

  const push = [...fake.pushes.values()].pop();
  expect(element.querySelector('[part~="number"]').textContent).toBe(push.number);
  // The element polls while the push is pending (first poll within a second).
  const polls = () => fake.requests.filter((r) => r.route === 'GET /push/{tx_id}' && r.status !== 0);
  for (let waited = 0; polls().length === 0 && waited < 5000; waited += 50) {
    await new Promise((resolve) => { setTimeout(resolve, 50); });
  }
  expect(element.screen).toBe('push');
  expect(polls().length).toBeGreaterThanOrEqual(1);
  expect(polls().every((r) => r.status === 200)).toBe(true);

  const authenticated = nextAuthenticated(element);
  const device = fake.device('mobile', 'mobile_key');
  const number = element.querySelector('[part~="number"]').textContent;
  const decision = await nodeGlobals.fetch(`${fake.apiUrl}/push/${push.id}/decision`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      device_id: device.id,
      number,
      decision: 'approve',
      signature: fake.deviceSign('mobile', `SLS-PUSH-1|${push.id}|${number}|approve`),
    }),
  });
  expect(decision.status).toBe(200);
  expect((await decision.json()).status).toBe('approved');

  const session = await authenticated;
  expect(session).toMatchObject({ username: 'mobile', device_kind: 'mobile_key', access: 'full' });
  await screenShown(element, 'authenticated');
  const routes = fake.requests.map((r) => r.route);
  expect(routes.slice(0, 2)).toEqual(['POST /login', 'POST /login/{login_id}/challenge']);
  expect(routes.at(-1)).toBe('POST /login/{login_id}/complete');
  expect(fake.requests.at(-1).status).toBe(200);
});

/** The claims of an assertion-shaped token (the fake's are not signed). */
const claimsOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

test('the audience and nonce attributes reach the completion and come back in the assertion', async () => {
  const element = document.createElement('sls-login');
  element.setAttribute('audience', 'https://broker.example');
  element.setAttribute('nonce', 'page-load-7f3a');
  expect(element.audience).toBe('https://broker.example');
  expect(element.nonce).toBe('page-load-7f3a');
  element.setAttribute('endpoint', fake.apiUrl);
  const started = new Promise((resolve) => { element.addEventListener('sls-state', resolve, { once: true }); });
  document.body.append(element);
  await started;
  const authenticated = nextAuthenticated(element);
  await logIn(element, 'plain', 'authenticated');
  const session = await authenticated;
  expect(session.assertion).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(claimsOf(session.assertion)).toMatchObject({ sub: 'plain', aud: 'https://broker.example', nonce: 'page-load-7f3a' });

  // Without the attributes neither is sent: the server's default audience, no nonce.
  const plain = await mount();
  const second = nextAuthenticated(plain);
  await logIn(plain, 'plain', 'authenticated');
  const claims = claimsOf((await second).assertion);
  expect(claims.aud).toBe(fake.origin);
  expect(claims).not.toHaveProperty('nonce');
});

test('a nonce or audience set mid-login is the one the completion sends', async () => {
  const element = await mount();
  element.nonce = 'before';
  await logIn(element, 'card', 'code_card');
  // The host learns its nonce late (e.g. from its own back end): set now.
  element.nonce = 'after-1';
  element.audience = 'trading-app';
  expect(element.getAttribute('nonce')).toBe('after-1');
  const authenticated = nextAuthenticated(element);
  type(field(element, 'code'), fake.answer());
  element.querySelector('form').requestSubmit();
  const claims = claimsOf((await authenticated).assertion);
  expect(claims).toMatchObject({ aud: 'trading-app', nonce: 'after-1' });
  // Removing them: the next login sends neither.
  element.nonce = null;
  element.audience = null;
  expect(element.nonce).toBe('');
  expect(element.hasAttribute('audience')).toBe(false);
  expect(SlsLoginClass().observedAttributes).toEqual(expect.arrayContaining(['audience', 'nonce']));
});

function SlsLoginClass() {
  return customElements.get('sls-login');
}
