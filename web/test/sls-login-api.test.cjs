/**
 * @jest-environment jsdom
 */
// The element's own API in jsdom: the define entry (web/sls-login-define.js)
// against the side-effect-free class module (web/sls-login.js), the exported
// event classes, and what a change of each documented attribute does, with
// the real core and patcher against a mocked fetch (support/mock-api.cjs).
'use strict';

const path = require('node:path');
const { repoRoot } = require('./support/core.cjs');
const { requireEsm } = require('./support/esm.cjs');
const {
  loadLoginElement, mount, type, field, record,
} = require('./support/login-element.cjs');
const {
  mockApi, LOGIN_ID, SESSION, loginOk, cardChallenge,
} = require('./support/mock-api.cjs');

const CLASS_MODULE = path.join(repoRoot, 'web', 'sls-login.js');
const DEFINE_MODULE = path.join(repoRoot, 'web', 'sls-login-define.js');

const CARD = [{ device_id: 'card-1', kind: 'code_card', label: 'No. 0042' }];
/** Every route of a code-card login that ends with SESSION. */
const CARD_LOGIN = {
  'POST /login': loginOk(CARD),
  'POST /login/[^/]+/challenge': cardChallenge,
  'POST /login/[^/]+/verify': () => ({ status: 200, body: { completion_token: 'tok' } }),
  'POST /login/[^/]+/complete': () => ({ status: 200, body: SESSION }),
};

// The first describe block runs before anything registers the element: its
// tests depend on their order (the class module first, then the define module).
let classModule;
let defineModule;
let core;
let patcher;

const globalNames = () => Object.getOwnPropertyNames(globalThis).sort();

afterEach(() => {
  document.body.replaceChildren();
  delete global.fetch;
});

/** Lets pending promise chains (fetch replies, module loads) run. */
const settle = () => new Promise((resolve) => { setTimeout(resolve, 0); });

async function submit(element) {
  element.querySelector('form').requestSubmit();
  await settle();
  await settle();
}

async function logIn(element, username = 'alice') {
  type(field(element, 'username'), username);
  type(field(element, 'password'), 'pa55 word');
  await submit(element);
}

const title = (element) => element.querySelector('[part~="title"]').textContent;

describe('the define entry', () => {
  test('importing the class module registers nothing and adds no global', () => {
    const before = globalNames();
    classModule = requireEsm(CLASS_MODULE);
    expect(typeof classModule.SlsLogin).toBe('function');
    expect(customElements.get('sls-login')).toBeUndefined();
    expect(globalNames()).toEqual(before);
    expect(document.createElement('sls-login')).not.toBeInstanceOf(classModule.SlsLogin);
  });

  test('the define module registers <sls-login> as the class module\'s class, and re-exports it', async () => {
    const before = globalNames();
    ({ core, patcher, ...defineModule } = await loadLoginElement());
    expect(customElements.get('sls-login')).toBe(classModule.SlsLogin);
    for (const name of ['SlsLogin', 'SlsStateEvent', 'SlsErrorEvent', 'SlsAuthenticatedEvent']) {
      expect(defineModule[name]).toBe(classModule[name]);
    }
    // Registration is its one effect (the Node core and text codecs are the test's own).
    expect(globalNames().filter((n) => !before.includes(n) && !/^Text(En|De)coder$/.test(n))).toEqual([]);
    expect(document.createElement('sls-login')).toBeInstanceOf(classModule.SlsLogin);
  });

  test('a second copy of the modules changes nothing and throws nothing', () => {
    let second;
    jest.isolateModules(() => { second = requireEsm(DEFINE_MODULE); });
    expect(second.SlsLogin).not.toBe(classModule.SlsLogin); // a copy, e.g. from a second bundle
    expect(customElements.get('sls-login')).toBe(classModule.SlsLogin);
  });

  test('a name the page gave to another element is left to it', () => {
    const registry = { get: jest.fn(() => class Other extends HTMLElement {}), define: jest.fn() };
    const own = Object.getOwnPropertyDescriptor(globalThis, 'customElements');
    Object.defineProperty(globalThis, 'customElements', { value: registry, configurable: true });
    try {
      jest.isolateModules(() => { requireEsm(DEFINE_MODULE); });
    } finally {
      if (own) Object.defineProperty(globalThis, 'customElements', own);
      else delete globalThis.customElements;
    }
    expect(registry.get).toHaveBeenCalledWith('sls-login');
    expect(registry.define).not.toHaveBeenCalled();
    expect(customElements.get('sls-login')).toBe(classModule.SlsLogin);
  });
});

describe('event classes', () => {
  test('each event is an instance of its exported class, bubbling, composed, with the same detail', async () => {
    const { SlsStateEvent, SlsErrorEvent, SlsAuthenticatedEvent } = defineModule;
    let failures = 0;
    global.fetch = mockApi({
      ...CARD_LOGIN,
      'POST /login': (request) => {
        failures += 1;
        return failures === 1 ? { status: 401, body: { error: { code: 'auth.bad_credentials', message: '' } } }
          : loginOk(CARD)(request);
      },
    }).fetch;
    const heard = [];
    for (const name of ['sls-state', 'sls-error', 'sls-authenticated']) {
      document.addEventListener(name, (e) => heard.push(e));
    }
    const element = await mount();
    await logIn(element);
    await logIn(element);
    type(field(element, 'code'), 'A3DX9K');
    await submit(element);
    expect(element.screen).toBe('authenticated');

    const classes = {
      'sls-state': SlsStateEvent, 'sls-error': SlsErrorEvent, 'sls-authenticated': SlsAuthenticatedEvent,
    };
    expect(new Set(heard.map((e) => e.type))).toEqual(new Set(Object.keys(classes)));
    for (const event of heard) {
      expect(event).toBeInstanceOf(classes[event.type]);
      expect(event).toBeInstanceOf(CustomEvent); // listeners written for CustomEvent keep working
      expect(event.constructor.type).toBe(event.type);
      expect([event.bubbles, event.composed, event.target]).toEqual([true, true, element]);
    }
    expect(heard[0].detail).toEqual({ screen: 'credentials', busy: false });
    expect(heard.find((e) => e.type === 'sls-error').detail).toEqual(
      { code: 'auth.bad_credentials', message: core.localize('auth.bad_credentials', [], 'en') });
    expect(heard.filter((e) => e.type === 'sls-authenticated').map((e) => e.detail)).toEqual([SESSION]);
  });

  test('a module that cannot load emits an SlsErrorEvent', async () => {
    const { SlsLogin, SlsErrorEvent } = defineModule;
    SlsLogin.setLoader(() => Promise.reject(new Error('blocked')));
    try {
      const element = document.createElement('sls-login');
      const failed = new Promise((resolve) => { element.addEventListener('sls-error', resolve, { once: true }); });
      document.body.append(element);
      const event = await failed;
      expect(event).toBeInstanceOf(SlsErrorEvent);
      expect(event.detail).toMatchObject({ code: 'internal', cause: 'blocked' });
    } finally {
      SlsLogin.setLoader(async () => ({ core, patcher }));
    }
  });

  test('a page may construct them (e.g. to test its own listeners)', () => {
    const { SlsStateEvent } = defineModule;
    const event = new SlsStateEvent({ screen: 'push', busy: false });
    expect([event.type, event.bubbles, event.composed, event.detail.screen]).toEqual(['sls-state', true, true, 'push']);
  });
});

describe('attributes: reflected as properties', () => {
  test('each property writes its attribute, null restores the default', () => {
    const element = document.createElement('sls-login');
    expect(defineModule.SlsLogin.observedAttributes).toEqual(
      expect.arrayContaining(['lang', 'endpoint', 'username', 'module-url', 'stylesheet-url']));
    expect([element.endpoint, element.username]).toEqual(['/api/v1', '']);
    expect(element.stylesheetUrl.pathname).toMatch(/\/web\/sls-login\.css$/);
    expect(element.moduleUrl.pathname).toMatch(/\/web\/dist\/sls-core\.mjs$/);

    element.endpoint = '/other/v1';
    element.username = 'bob';
    element.moduleUrl = '/m/sls-core.mjs';
    element.stylesheetUrl = '/s/login.css';
    expect(['endpoint', 'username', 'module-url', 'stylesheet-url'].map((n) => element.getAttribute(n))).toEqual(
      ['/other/v1', 'bob', '/m/sls-core.mjs', '/s/login.css']);
    expect([element.moduleUrl.pathname, element.stylesheetUrl.pathname]).toEqual(['/m/sls-core.mjs', '/s/login.css']);

    element.setAttribute('stylesheet-url', 'none');
    expect(element.stylesheetUrl).toBeNull();
    element.setAttribute('username', 'carol');
    expect(element.username).toBe('carol');

    expect(element.colorScheme).toBe('auto');
    element.colorScheme = 'dark';
    expect([element.getAttribute('color-scheme'), element.colorScheme]).toEqual(['dark', 'dark']);
    element.setAttribute('color-scheme', 'light');
    expect(element.colorScheme).toBe('light');
    element.setAttribute('color-scheme', 'sepia'); // not a palette: the browser's setting applies
    expect(element.colorScheme).toBe('auto');
    element.colorScheme = 'auto';
    expect(element.hasAttribute('color-scheme')).toBe(false);
    element.colorScheme = 'dark';

    expect(defineModule.SlsLogin.observedAttributes).toContain('step-up');
    expect(element.stepUp).toBe(false);
    element.stepUp = true;
    expect([element.getAttribute('step-up'), element.stepUp]).toEqual(['', true]);
    element.stepUp = false;
    expect(element.hasAttribute('step-up')).toBe(false);
    element.setAttribute('step-up', 'step-up');
    expect(element.stepUp).toBe(true);
    element.stepUp = null;

    for (const name of ['endpoint', 'username', 'moduleUrl', 'stylesheetUrl', 'colorScheme']) element[name] = null;
    expect(element.getAttributeNames()).toEqual([]);
    expect([element.endpoint, element.username]).toEqual(['/api/v1', '']);
  });
});

describe('attributes: changes are followed', () => {
  test('lang: re-renders mid-login in place, with no request and no new screen', async () => {
    const api = mockApi(CARD_LOGIN);
    global.fetch = api.fetch;
    const element = await mount();
    await logIn(element);
    expect(element.screen).toBe('code_card');
    type(field(element, 'code'), 'A3D');
    const input = field(element, 'code');
    const sent = api.requests.length;
    element.lang = 'zh-Hant'; // the HTMLElement's own reflected property
    expect(title(element)).toBe('輸入安全代碼卡上的代碼');
    expect(element.screen).toBe('code_card');
    expect(field(element, 'code')).toBe(input);
    expect(input.value).toBe('A3D'); // what was typed stays
    expect(api.requests).toHaveLength(sent);
  });

  test('endpoint: used from the next login on, never mid-login', async () => {
    const api = mockApi(CARD_LOGIN, { bases: ['/api/v1', '/other/v1', '/third/v1'] });
    global.fetch = api.fetch;
    const element = await mount();
    element.endpoint = '/other/v1'; // before the first request: this login uses it
    await logIn(element);
    expect(element.screen).toBe('code_card');
    element.setAttribute('endpoint', '/third/v1'); // mid-login: not followed
    type(field(element, 'code'), 'A3DX9K');
    await submit(element);
    expect(element.screen).toBe('authenticated');
    expect(api.requests.map((r) => `${r.base} ${r.path.slice(r.base.length)}`)).toEqual([
      '/other/v1 /login',
      `/other/v1 /login/${LOGIN_ID}/challenge`,
      `/other/v1 /login/${LOGIN_ID}/verify`,
      `/other/v1 /login/${LOGIN_ID}/complete`,
    ]);

    element.restart();
    await logIn(element);
    expect(api.requests.slice(4).map((r) => r.base)).toEqual(['/third/v1', '/third/v1']);
  });

  test('endpoint: a refused login ends it, so the next attempt reads the new one', async () => {
    const api = mockApi({
      'POST /login': () => ({ status: 401, body: { error: { code: 'auth.bad_credentials', message: '' } } }),
    }, { bases: ['/api/v1', '/other/v1'] });
    global.fetch = api.fetch;
    const element = await mount();
    await logIn(element);
    expect(element.screen).toBe('credentials');
    element.endpoint = '/other/v1';
    await logIn(element);
    expect(api.requests.map((r) => r.base)).toEqual(['/api/v1', '/other/v1']);
  });

  test('username: replaces an untouched prefill, never what was typed; mid-login, waits for the next', async () => {
    global.fetch = mockApi(CARD_LOGIN).fetch;
    const element = await mount({ username: 'alice' });
    element.username = 'bob';
    expect(field(element, 'username').value).toBe('bob');

    type(field(element, 'username'), 'carol');
    element.username = 'dave';
    expect(field(element, 'username').value).toBe('carol');

    await logIn(element, 'dave');
    expect(element.screen).toBe('code_card');
    element.username = 'erin';
    expect(element.screen).toBe('code_card');
    element.restart();
    expect(field(element, 'username').value).toBe('erin');
  });

  test('module-url: a failed or loading module is replaced at once; a running login keeps its module', async () => {
    const { SlsLogin } = defineModule;
    const asked = [];
    SlsLogin.setLoader(async (url) => {
      asked.push(url.pathname);
      if (url.pathname.endsWith('/missing.mjs')) throw new Error('404');
      return { core, patcher };
    });
    try {
      global.fetch = mockApi({}).fetch;
      const element = document.createElement('sls-login');
      element.moduleUrl = '/missing.mjs';
      const failed = new Promise((resolve) => { element.addEventListener('sls-error', resolve, { once: true }); });
      document.body.append(element);
      await failed;
      expect(element.screen).toBeNull();

      const started = new Promise((resolve) => { element.addEventListener('sls-state', resolve, { once: true }); });
      element.moduleUrl = '/good/sls-core.mjs';
      await started;
      expect(element.screen).toBe('credentials');
      expect(element.querySelector('[role="alert"]')).toBeNull();

      element.moduleUrl = '/newer/sls-core.mjs';
      await settle();
      expect(asked).toEqual(['/missing.mjs', '/good/sls-core.mjs']);
      expect(element.screen).toBe('credentials');

      element.remove(); // the next connection loads the newer one
      document.body.append(element);
      await settle();
      expect(asked.at(-1)).toBe('/newer/sls-core.mjs');
      expect(element.screen).toBe('credentials');
    } finally {
      SlsLogin.setLoader(async () => ({ core, patcher }));
    }
  });

  test('stylesheet-url: the new sheet is linked; the one it added goes once no other element uses it', async () => {
    global.fetch = mockApi({}).fetch;
    const links = () => [...document.head.querySelectorAll('link[rel="stylesheet"]')]
      .map((l) => new URL(l.href).pathname);
    for (const link of document.head.querySelectorAll('link')) link.remove();
    const pageOwn = document.createElement('link');
    pageOwn.rel = 'stylesheet';
    pageOwn.href = '/page/own.css';
    document.head.append(pageOwn);

    const first = await mount({ 'stylesheet-url': '/a.css' });
    const second = await mount({ 'stylesheet-url': '/a.css' });
    expect(links()).toEqual(['/a.css', '/page/own.css']);
    first.stylesheetUrl = '/b.css';
    expect(links()).toEqual(['/b.css', '/a.css', '/page/own.css']); // the second still uses /a.css
    second.stylesheetUrl = '/b.css';
    expect(links()).toEqual(['/b.css', '/page/own.css']);
    first.stylesheetUrl = '/page/own.css'; // the page's own sheet is used, never removed
    second.setAttribute('stylesheet-url', 'none');
    expect(links()).toEqual(['/page/own.css']);
    first.stylesheetUrl = '/c.css';
    expect(links()).toEqual(['/c.css', '/page/own.css']);
    expect(title(first)).toBe('Log in'); // the login itself is untouched
  });

  test('step-up: a change starts over; the step-up sends the cookie, never shows the credentials', async () => {
    const done = { step_up: true, step_up_until: 1767604000, user: 'alice' };
    const api = mockApi({ ...CARD_LOGIN, 'POST /login/[^/]+/complete': () => ({ status: 200, body: done }) });
    global.fetch = api.fetch;
    const element = await mount();
    expect(element.screen).toBe('credentials');
    const authenticated = record(element, 'authenticated');
    element.stepUp = true; // starts over as a step-up at once
    expect(field(element, 'password')).toBeNull();
    expect(title(element)).toBe('Confirm this change');
    await settle();
    await settle();
    expect(element.screen).toBe('code_card');
    expect(api.requests[0].body).toEqual({ step_up: true });
    expect(api.requests[0].credentials).toBe('same-origin'); // the session cookie goes with it
    type(field(element, 'code'), 'A3DX9K');
    await submit(element);
    expect(element.screen).toBe('authenticated');
    expect(authenticated).toEqual([done]);
    expect(title(element)).toBe('Change confirmed');
    expect(api.requests.map((r) => r.path.slice('/api/v1'.length))).toEqual(
      ['/login', `/login/${LOGIN_ID}/challenge`, `/login/${LOGIN_ID}/verify`, `/login/${LOGIN_ID}/complete`]);
    element.restart(); // restarts the step-up, not a login with a password
    await settle();
    expect(api.requests[4].body).toEqual({ step_up: true });
    element.removeAttribute('step-up');
    expect(element.screen).toBe('credentials');
  });

  test('step-up: a confirmed step-up is over, so the next one reads a changed endpoint', async () => {
    const done = { step_up: true, step_up_until: 1767604000, user: 'alice' };
    const api = mockApi({ ...CARD_LOGIN, 'POST /login/[^/]+/complete': () => ({ status: 200, body: done }) },
      { bases: ['/api/v1', '/other/v1'] });
    global.fetch = api.fetch;
    const element = await mount({ 'step-up': '' });
    await settle();
    await settle();
    expect(element.screen).toBe('code_card');
    type(field(element, 'code'), 'A3DX9K');
    await submit(element);
    expect(element.screen).toBe('authenticated');
    element.endpoint = '/other/v1';
    element.restart();
    await settle();
    await settle();
    expect(api.requests.map((r) => r.base)).toEqual(['/api/v1', '/api/v1', '/api/v1', '/api/v1', '/other/v1', '/other/v1']);
    expect(api.requests[4].body).toEqual({ step_up: true });
  });

  test('id: read when a login starts; autofocus: when the component starts', async () => {
    global.fetch = mockApi({}).fetch;
    const element = await mount({ id: 'one' });
    expect(field(element, 'username').id).toBe('one-username');
    element.id = 'two';
    expect(field(element, 'username').id).toBe('one-username'); // the view keeps its ids mid-login
    element.autofocus = true;
    expect(document.activeElement).toBe(document.body); // never pulls focus from the page
    element.restart();
    expect(field(element, 'username').id).toBe('two-username');
  });
});
