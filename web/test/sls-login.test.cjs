/**
 * @jest-environment jsdom
 */
// <sls-login> in jsdom, driven like a user would (typing, submitting), with
// the real WebAssembly core (Node flavour) and the real patcher, against a
// mocked fetch (support/mock-api.cjs states its limits: these tests prove
// what the element does with replies, not that replies are right). The
// element's own API (define entry, event classes, attribute changes) is
// sls-login-api.test.cjs. The browser suite (web/test/browser/) runs the
// element against the in-process fake API in Chromium; the reference server
// has its own tests.
'use strict';

const {
  loadLoginElement, watchHtmlParsing, mount, type, field, record,
} = require('./support/login-element.cjs');
const {
  mockApi, LOGIN_ID, LOGIN_SECRET, SESSION, loginOk, cardChallenge,
} = require('./support/mock-api.cjs');

const TX_ID = 'Tx_0123456789abcdefghi';

// --- driving the element -----------------------------------------------------------

let SlsLogin;
let core;
let patcher;
let setValidity;
let htmlParsing;

beforeAll(async () => {
  // Markup is never parsed, by the element or the patcher, in any test here.
  htmlParsing = watchHtmlParsing();
  ({ SlsLogin, core, patcher } = await loadLoginElement());
  // jsdom has ElementInternals without setValidity: record what the element
  // reports, as a browser's form would receive it.
  setValidity = jest.fn();
  ElementInternals.prototype.setValidity = setValidity;
});

afterAll(() => {
  htmlParsing.restore();
  expect(htmlParsing.calls).toEqual([]);
});

afterEach(() => {
  document.body.replaceChildren();
  document.documentElement.lang = 'en';
  jest.useRealTimers();
  fakeTimers = false;
  delete global.fetch;
});

let fakeTimers = false;

/** Fake timers and clock; the promise jobs of fetch replies still run for real. */
function useFakeTimers(options = {}) {
  jest.useFakeTimers({ ...options, doNotFake: ['queueMicrotask', 'nextTick'] });
  fakeTimers = true;
}

/** Lets pending promise chains (fetch replies) run. */
async function settle() {
  if (fakeTimers) await jest.advanceTimersByTimeAsync(0);
  else await new Promise((resolve) => { setTimeout(resolve, 0); });
}

async function submit(element) {
  element.querySelector('form').requestSubmit();
  await settle();
}

async function logIn(element, username = 'alice', password = 'pa55 word') {
  type(field(element, 'username'), username);
  type(field(element, 'password'), password);
  await submit(element);
  await settle();
}

function errorText(element) {
  return element.querySelector('[part~="error"]')?.textContent ?? '';
}

// --- tests ------------------------------------------------------------------------------

describe('rendering', () => {
  test('the credentials form is light DOM, ready for password managers', async () => {
    global.fetch = mockApi({}).fetch;
    const element = await mount({ id: 'login' });
    expect(element.shadowRoot).toBeNull();
    const user = element.querySelector('input[autocomplete="username"]');
    const pass = element.querySelector('input[autocomplete="current-password"]');
    expect(user.id).toBe('login-username');
    expect(pass.type).toBe('password');
    expect(element.querySelector(`label[for="${pass.id}"]`).textContent).toBe('Password');
    expect(pass.form).toBe(element.querySelector('form'));
    // style-src 'self': no inline style anywhere; the stylesheet is a file, linked once.
    expect(element.querySelector('[style]')).toBeNull();
    await mount();
    const links = document.head.querySelectorAll('link[rel="stylesheet"]');
    expect(links).toHaveLength(1);
    expect(links[0].href).toMatch(/\/web\/sls-login\.css$/);
    expect(element.screen).toBe('credentials');
  });

  test('a username attribute prefills the field', async () => {
    global.fetch = mockApi({}).fetch;
    const element = await mount({ username: 'alice' });
    expect(field(element, 'username').value).toBe('alice');
  });

  test('define() is idempotent; another name gets its own class', async () => {
    expect(SlsLogin.define()).toBe(customElements.get('sls-login'));
    const Other = SlsLogin.define('bank-login');
    expect(Other).not.toBe(SlsLogin);
    expect(Other.prototype).toBeInstanceOf(SlsLogin);
    expect(SlsLogin.define('bank-login')).toBe(Other);
    customElements.define('not-a-login', class extends HTMLElement {});
    expect(() => SlsLogin.define('not-a-login')).toThrow(/already defined/);
  });
});

describe('a code-card login', () => {
  test('from password to session, with the requests the API documents', async () => {
    const api = mockApi({
      'POST /login': loginOk([{ device_id: 'card-1', kind: 'code_card', label: 'No. 0042' }]),
      'POST /login/[^/]+/challenge': cardChallenge,
      'POST /login/[^/]+/verify': () => ({ status: 200, body: { completion_token: 'tok-secret' } }),
      'POST /login/[^/]+/complete': () => ({ status: 200, body: SESSION }),
    });
    global.fetch = api.fetch;
    const element = await mount();
    const states = record(element, 'state');
    const authenticated = record(element, 'authenticated');

    await logIn(element);
    expect(element.screen).toBe('code_card');
    expect(element.textContent).toContain('Index 12');
    expect(element.textContent).toContain('Index 77');
    // Full-width letters from an IME, lower case, a dash: all folded by the core.
    type(field(element, 'code'), 'ａ3d-x9k');
    await submit(element);
    await settle();

    expect(element.screen).toBe('authenticated');
    expect(authenticated).toEqual([SESSION]);
    expect(states.map((s) => `${s.screen}${s.busy ? '*' : ''}`)).toEqual(
      ['credentials*', 'loading*', 'code_card', 'code_card*', 'loading*', 'authenticated']);
    expect(states[2]).toEqual({ screen: 'code_card', busy: false, method: 'code_card', device_kind: 'code_card' });

    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/login',
      `POST /api/v1/login/${LOGIN_ID}/challenge`,
      `POST /api/v1/login/${LOGIN_ID}/verify`,
      `POST /api/v1/login/${LOGIN_ID}/complete`,
    ]);
    expect(api.requests.map((r) => r.body)).toEqual([
      { username: 'alice', password: 'pa55 word' },
      { device_id: 'card-1' },
      { challenge_id: 'ch-1', response: 'A3DX9K' },
      { completion_token: 'tok-secret' },
    ]);
    for (const [i, r] of api.requests.entries()) {
      expect(r.credentials).toBe('same-origin');
      // After /login every request carries the login secret, in a header and nowhere else.
      const secret = i === 0 ? {} : { 'X-SLS-Login-Secret': LOGIN_SECRET };
      expect(r.headers).toEqual(
        { ...secret, Accept: 'application/json', 'Accept-Language': 'en', 'Content-Type': 'application/json' });
      expect(r.url).not.toContain(LOGIN_SECRET);
      expect(JSON.stringify(r.body)).not.toContain(LOGIN_SECRET);
      expect(r.signal).toBeInstanceOf(AbortSignal);
    }
    // Nothing typed is left on the page.
    expect(element.querySelector('input')).toBeNull();
  });

  test('a typo is caught as it is typed and at submit, before any request', async () => {
    const api = mockApi({
      'POST /login': loginOk([{ device_id: 'card-1', kind: 'code_card', label: '' }]),
      'POST /login/[^/]+/challenge': cardChallenge,
    });
    global.fetch = api.fetch;
    const element = await mount();
    const errors = record(element, 'error');
    await logIn(element);
    const sent = api.requests.length;

    type(field(element, 'code'), 'A3D!');
    expect(errorText(element)).toBe(core.localize('card.bad_character', [], 'en'));
    expect(field(element, 'code').getAttribute('aria-invalid')).toBe('true');

    type(field(element, 'code'), 'A3D');
    expect(field(element, 'code').hasAttribute('aria-invalid')).toBe(false);
    await submit(element);
    expect(errorText(element)).toBe(core.localize('card.too_short', [], 'en'));
    expect(element.screen).toBe('code_card');
    expect(api.requests).toHaveLength(sent); // no verify request
    expect(errors).toEqual([]); // local checks are not server errors
  });

  test('a keystroke that changes one hint changes one DOM node', async () => {
    global.fetch = mockApi({
      'POST /login': loginOk([{ device_id: 'card-1', kind: 'code_card', label: '' }]),
      'POST /login/[^/]+/challenge': cardChallenge,
    }).fetch;
    const element = await mount();
    await logIn(element);
    const input = field(element, 'code');
    type(input, 'A3');
    const preview = element.querySelector('[part~="preview"]');
    const observer = new MutationObserver(() => {});
    observer.observe(element, { subtree: true, childList: true, attributes: true, characterData: true });
    type(input, 'A3D');
    const records = observer.takeRecords();
    observer.disconnect();
    expect(records).toHaveLength(1);
    expect(records[0].type).toBe('characterData');
    expect(records[0].target.parentNode).toBe(preview);
    expect(preview.textContent).toContain('A3D');
    expect(field(element, 'code')).toBe(input);
  });

  test('fields filled without input events (autofill) are read at submit', async () => {
    const api = mockApi({ 'POST /login': () => null });
    global.fetch = api.fetch;
    const element = await mount();
    field(element, 'username').value = 'alice';
    field(element, 'password').value = 'from the password manager';
    await submit(element);
    expect(api.requests[0].body).toEqual({ username: 'alice', password: 'from the password manager' });
  });
});

describe('validity (ElementInternals)', () => {
  test('follows the field error the view shows', async () => {
    global.fetch = mockApi({}).fetch;
    const element = await mount();
    setValidity.mockClear();
    await submit(element); // nothing typed
    const [flags, message, anchor] = setValidity.mock.calls.at(-1);
    expect(flags).toEqual({ customError: true });
    expect(message).toBe('Enter your user name.');
    expect(anchor).toBe(field(element, 'username'));

    type(field(element, 'username'), 'alice');
    expect(setValidity.mock.calls.at(-1)).toEqual([{}]);
    await submit(element);
    expect(setValidity.mock.calls.at(-1)[1]).toBe('Enter your password.');
    expect(setValidity.mock.calls.at(-1)[2]).toBe(field(element, 'password'));
  });
});

describe('push approval (fake timers)', () => {
  test('polls with backoff, never sooner than Retry-After, then completes', async () => {
    useFakeTimers({ now: Date.parse('2030-01-02T03:04:05Z') });
    let polls = 0;
    const api = mockApi({
      'POST /login': loginOk([{ device_id: 'mk-1', kind: 'mobile_key', label: '•••• 1234' }]),
      'POST /login/[^/]+/challenge': () => ({
        status: 200,
        body: { method: 'push', tx_id: TX_ID, number: '42', expires_at: Math.floor(Date.now() / 1000) + 120 },
      }),
      'GET /push/[^/]+': () => {
        polls += 1;
        if (polls === 1) return { status: 200, body: { status: 'pending', expires_at: 0 }, headers: { 'Retry-After': '7' } };
        if (polls === 2) return { status: 429, body: { error: { code: 'rate.limited', message: '' } }, headers: { 'Retry-After': '3' } };
        return { status: 200, body: { status: 'approved', expires_at: 0, completion_token: 'push-token' } };
      },
      'POST /login/[^/]+/complete': () => ({ status: 200, body: { ...SESSION, device_kind: 'mobile_key' } }),
    });
    global.fetch = api.fetch;
    const element = await mount();
    const authenticated = record(element, 'authenticated');
    await logIn(element);
    expect(element.screen).toBe('push');
    expect(element.querySelector('[part~="number"]').textContent).toBe('42');
    expect(element.querySelector('[part~="countdown"]').textContent).toMatch(/2:00/);

    const pollsSoFar = () => api.find('GET', `/push/${TX_ID}`);
    await jest.advanceTimersByTimeAsync(1000); // first poll within first_delay_ms
    expect(pollsSoFar()).toHaveLength(1);
    const firstReplyAt = pollsSoFar()[0].at;
    expect(pollsSoFar()[0].headers).toEqual(
      { 'X-SLS-Login-Secret': LOGIN_SECRET, Accept: 'application/json', 'Accept-Language': 'en' });
    expect(pollsSoFar()[0].body).toBeUndefined();

    await jest.advanceTimersByTimeAsync(firstReplyAt + 6999 - Date.now());
    expect(pollsSoFar()).toHaveLength(1); // Retry-After: 7 is a floor
    await jest.advanceTimersByTimeAsync(1);
    expect(pollsSoFar()).toHaveLength(2);
    // The countdown moved with the clock.
    expect(element.querySelector('[part~="countdown"]').textContent).toMatch(/1:5\d/);

    // A 429's Retry-After is a floor too; the backoff (jittered, capped at
    // 5 s by default) may wait longer.
    const throttledAt = pollsSoFar()[1].at;
    await jest.advanceTimersByTimeAsync(throttledAt + 2999 - Date.now());
    expect(pollsSoFar()).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(throttledAt + 5000 - Date.now());
    expect(pollsSoFar()).toHaveLength(3);
    expect(pollsSoFar()[2].at - throttledAt).toBeGreaterThanOrEqual(3000);
    await settle();

    expect(element.screen).toBe('authenticated');
    expect(api.find('POST', `/login/${LOGIN_ID}/complete`)[0].body).toEqual({ completion_token: 'push-token' });
    expect(authenticated).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0); // no poll or countdown left behind
  });

  test('reads a Retry-After given as an HTTP date', async () => {
    useFakeTimers({ now: Date.parse('2030-01-02T03:04:05Z') });
    let polls = 0;
    const api = mockApi({
      'POST /login': loginOk([{ device_id: 'mk-1', kind: 'mobile_key', label: '' }]),
      'POST /login/[^/]+/challenge': () => ({
        status: 200, body: { method: 'push', tx_id: TX_ID, number: '42', expires_at: Math.floor(Date.now() / 1000) + 120 },
      }),
      'GET /push/[^/]+': () => {
        polls += 1;
        const retry = new Date(Date.now() + 12000).toUTCString(); // whole seconds, as the clock is here
        return polls === 1 ? { status: 503, body: { error: { code: 'internal', message: '' } }, headers: { 'Retry-After': retry } }
          : null;
      },
    });
    global.fetch = api.fetch;
    const element = await mount();
    await logIn(element);
    await jest.advanceTimersByTimeAsync(1000);
    const first = api.find('GET', `/push/${TX_ID}`)[0];
    await jest.advanceTimersByTimeAsync(first.at + 11999 - Date.now());
    expect(api.find('GET', `/push/${TX_ID}`)).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(api.find('GET', `/push/${TX_ID}`)).toHaveLength(2);
    expect(element.screen).toBe('push');
  });

  test('a request without a reply times out as a network failure (status 0)', async () => {
    useFakeTimers();
    const api = mockApi({ 'POST /login': () => null });
    global.fetch = api.fetch;
    const element = await mount();
    const errors = record(element, 'error');
    await logIn(element);
    expect(element.busy).toBe(true);
    await jest.advanceTimersByTimeAsync(14999);
    expect(api.requests[0].signal.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(api.requests[0].signal.aborted).toBe(true);
    await settle();
    expect(element.busy).toBe(false);
    expect(errors).toEqual([{ code: 'network.failed', message: core.localize('network.failed', [], 'en') }]);
    expect(errorText(element)).toBe(core.localize('network.failed', [], 'en'));
  });
});

describe('bad set-up', () => {
  test('an endpoint that is not a URL is a network failure, not a crash', async () => {
    const api = mockApi({});
    global.fetch = api.fetch;
    const element = await mount({ endpoint: 'http://[not a host' });
    const errors = record(element, 'error');
    await logIn(element);
    expect(api.requests).toHaveLength(0);
    expect(errors.map((e) => e.code)).toEqual(['network.failed']);
    expect(element.busy).toBe(false);
  });
});

describe('events', () => {
  test('bubble and are composed: a page hears them through shadow roots', async () => {
    global.fetch = mockApi({
      'POST /login': () => ({ status: 401, body: { error: { code: 'auth.bad_credentials', message: 'server text' } } }),
    }).fetch;
    const host = document.createElement('div');
    document.body.append(host);
    const shadow = host.attachShadow({ mode: 'open' });
    const heard = [];
    for (const type of ['sls-state', 'sls-error']) {
      document.addEventListener(type, (event) => heard.push({
        type: event.type, bubbles: event.bubbles, composed: event.composed, target: event.target, detail: event.detail,
      }));
    }
    const element = await mount({}, shadow);
    // Inside a shadow root, the stylesheet goes into that root.
    expect(shadow.querySelector('link[rel="stylesheet"]')).not.toBeNull();
    await logIn(element);
    // The core reports the error, then the end of the busy state.
    expect(heard.map((e) => e.type)).toEqual(['sls-state', 'sls-state', 'sls-error', 'sls-state']);
    for (const e of heard) {
      expect(e.bubbles).toBe(true);
      expect(e.composed).toBe(true);
      expect(e.target).toBe(host); // retargeted across the shadow boundary
    }
    expect(heard[0].detail).toEqual({ screen: 'credentials', busy: false });
    expect(heard[2].detail).toEqual({ code: 'auth.bad_credentials', message: core.localize('auth.bad_credentials', [], 'en') });
  });
});

describe('language', () => {
  test('follows the page\'s lang, unless the element has its own', async () => {
    const api = mockApi({ 'POST /login': () => null });
    global.fetch = api.fetch;
    const element = await mount();
    const title = () => element.querySelector('[part~="title"]').textContent;
    expect(title()).toBe('Log in');
    document.documentElement.lang = 'zh-Hant';
    await settle(); // the MutationObserver runs
    expect(title()).toBe('登入');
    expect(element.querySelector('[part~="root"]').getAttribute('lang')).toBe('zh-Hant');
    element.setAttribute('lang', 'zh-CN');
    expect(title()).toBe('登录');
    await logIn(element);
    expect(api.requests[0].headers['Accept-Language']).toBe('zh-Hans');
  });

  describe('with no lang on the element or the page: the browser\'s languages', () => {
    let languages;
    beforeEach(() => {
      document.documentElement.removeAttribute('lang');
      languages = jest.spyOn(window.navigator, 'languages', 'get');
    });
    afterEach(() => languages.mockRestore());

    test.each([
      [['zh-HK', 'en-US'], 'zh-Hant', '登入'],
      [['zh-TW'], 'zh-Hant', '登入'],
      [['zh-MO'], 'zh-Hant', '登入'],
      [['zh-Hant-SG'], 'zh-Hant', '登入'],
      [['zh-CN', 'zh-TW'], 'zh-Hans', '登录'],
      [['zh-SG'], 'zh-Hans', '登录'],
      [['zh'], 'zh-Hans', '登录'],
      [['fr-FR', 'de', 'zh-HK', 'en'], 'zh-Hant', '登入'], // the first SUPPORTED tag decides
      [['ja', 'en-GB', 'zh-CN'], 'en', 'Log in'],
      [['fr-FR'], 'en', 'Log in'],
      [[], 'en', 'Log in'],
    ])('%j → %s', async (list, lang, expectedTitle) => {
      languages.mockReturnValue(list);
      const api = mockApi({ 'POST /login': () => null });
      global.fetch = api.fetch;
      const element = await mount();
      expect(element.querySelector('[part~="title"]').textContent).toBe(expectedTitle);
      expect(element.querySelector('[part~="root"]').getAttribute('lang')).toBe(lang);
      await logIn(element);
      expect(api.requests[0].headers['Accept-Language']).toBe(lang);
    });

    test('a languagechange event is followed; a lang on the page then wins', async () => {
      languages.mockReturnValue(['en-US']);
      const element = await mount();
      const title = () => element.querySelector('[part~="title"]').textContent;
      expect(title()).toBe('Log in');
      languages.mockReturnValue(['zh-HK']);
      window.dispatchEvent(new Event('languagechange'));
      expect(title()).toBe('登入');
      document.documentElement.lang = 'zh-CN';
      await settle();
      expect(title()).toBe('登录');
      languages.mockReturnValue(['en']);
      window.dispatchEvent(new Event('languagechange'));
      expect(title()).toBe('登录');
    });
  });
});

describe('focus', () => {
  test('is not taken on page load, unless autofocus; then follows the login', async () => {
    global.fetch = mockApi({
      'POST /login': loginOk([{ device_id: 'card-1', kind: 'code_card', label: '' }]),
      'POST /login/[^/]+/challenge': cardChallenge,
    }).fetch;
    const quiet = await mount();
    expect(document.activeElement).toBe(document.body);
    quiet.remove();

    const element = await mount({ autofocus: '' });
    expect(document.activeElement).toBe(field(element, 'username'));
    await logIn(element);
    expect(document.activeElement).toBe(field(element, 'code'));
  });
});

describe('disconnecting', () => {
  test('aborts requests, clears timers, frees the flow and empties the element', async () => {
    useFakeTimers();
    const api = mockApi({
      'POST /login': loginOk([{ device_id: 'mk-1', kind: 'mobile_key', label: '' }]),
      'POST /login/[^/]+/challenge': () => ({
        status: 200, body: { method: 'push', tx_id: TX_ID, number: '07', expires_at: Math.floor(Date.now() / 1000) + 120 },
      }),
      'GET /push/[^/]+': () => null, // never answers
    });
    global.fetch = api.fetch;
    const element = await mount();
    await logIn(element);
    await jest.advanceTimersByTimeAsync(1000);
    const poll = api.find('GET', `/push/${TX_ID}`)[0];
    expect(poll.signal.aborted).toBe(false);
    expect(jest.getTimerCount()).toBeGreaterThan(0); // countdown and request timeout
    const freed = jest.spyOn(core.LoginFlow.prototype, 'delete');

    element.remove();
    expect(poll.signal.aborted).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    expect(freed).toHaveBeenCalledTimes(1);
    expect(element.childNodes).toHaveLength(0);
    expect(element.screen).toBeNull();
    const calls = api.requests.length;
    await jest.advanceTimersByTimeAsync(60000);
    expect(api.requests).toHaveLength(calls);
    freed.mockRestore();

    // Connected again: a fresh login.
    document.body.append(element);
    await settle();
    expect(element.screen).toBe('credentials');
  });
});

describe('loading', () => {
  test('a module that cannot load leaves a message and an sls-error event', async () => {
    SlsLogin.setLoader(() => Promise.reject(new Error('blocked by policy')));
    try {
      const element = document.createElement('sls-login');
      element.setAttribute('lang', 'zh-TW');
      const failed = new Promise((resolve) => { element.addEventListener('sls-error', (e) => resolve(e.detail), { once: true }); });
      document.body.append(element);
      const detail = await failed;
      expect(detail.code).toBe('internal');
      expect(detail.cause).toBe('blocked by policy');
      expect(element.querySelector('[role="alert"]').textContent).toBe(detail.message);
      expect(detail.message).toMatch(/登入功能無法啟動/);
    } finally {
      SlsLogin.setLoader(async () => ({ core, patcher }));
    }
  });

  test('marks its start, the core ready and the first screen (User Timing), once a start', async () => {
    global.fetch = mockApi({}).fetch;
    // jsdom has no performance.mark: record the calls as a browser would take them.
    const calls = [];
    const state = [];
    performance.mark = (name, options) => { calls.push([name, options?.detail, state.length]); };
    const onState = () => state.push('state');
    document.addEventListener('sls-state', onState);
    try {
      const element = await mount({ id: 'login' });
      expect(calls).toEqual([
        ['sls-login:start', { id: 'login' }, 0],
        ['sls-login:core-ready', { id: 'login' }, 0],
        // The view is in before the mark, its sls-state after it.
        ['sls-login:first-screen', { id: 'login' }, 0],
      ]);
      expect(state).toEqual(['state']);
      expect(element.querySelector('input[name="username"]')).not.toBeNull();
      // A new login on the same element is no start: no marks.
      element.restart();
      expect(calls).toHaveLength(3);
      // Reconnecting starts again.
      element.remove();
      document.body.append(element);
      await settle();
      expect(calls.map(([name]) => name).slice(3))
        .toEqual(['sls-login:start', 'sls-login:core-ready', 'sls-login:first-screen']);
      // A host whose mark throws still gets its login.
      performance.mark = () => { throw new Error('no marks here'); };
      const other = await mount();
      expect(other.screen).toBe('credentials');
    } finally {
      delete performance.mark;
      document.removeEventListener('sls-state', onState);
    }
  });
});
