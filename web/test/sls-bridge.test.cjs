/**
 * @jest-environment jsdom
 */
// The bridges of <sls-login> to its host (web/sls-bridge.js, attribute
// `bridge`): the refusal messages are the catalog's (src/sls/errors.def),
// parent-origin takes only an origin as the browser writes it, a message
// carries only the documented members (version 1), `parent` posts only to
// window.parent with that explicit origin (never "*"), `webview` finds the
// first native host API (strings for Android), and the element reports each
// refusal once in sls-error. The real frames and origins are the Chromium
// suite's part (web/test/browser/bridge.test.cjs).
'use strict';

const path = require('node:path');
const { repoRoot, readErrorCatalog } = require('./support/core.cjs');
const { requireEsm } = require('./support/esm.cjs');
const { loadLoginElement } = require('./support/login-element.cjs');

const bridge = requireEsm(path.join(repoRoot, 'web', 'sls-bridge.js'));

describe('the module', () => {
  test('its refusal messages are the catalog entries bridge.*, word for word, in the three languages', () => {
    const catalog = readErrorCatalog().filter((e) => e.code.startsWith('bridge.'));
    expect(catalog.map((e) => e.code).sort()).toEqual(Object.keys(bridge.bridgeMessages()).sort());
    for (const entry of catalog) {
      expect(bridge.bridgeMessages()[entry.code]).toEqual({ en: entry.en, 'zh-Hant': entry.zhHant, 'zh-Hans': entry.zhHans });
    }
    expect(bridge.refusalDetail({ code: 'bridge.unknown', args: ['top'] }, 'zh-Hant')).toEqual({
      code: 'bridge.unknown', message: catalog.find((e) => e.code === 'bridge.unknown').zhHant.replace('{0}', 'top'),
    });
  });

  test.each([
    'https://broker.example', 'https://login.broker.example:8443', 'http://localhost:5173', 'http://127.0.0.1:8080',
    'http://[::1]:3000', 'https://192.0.2.7',
  ])('parent-origin %s is an origin', (origin) => {
    expect(bridge.canonicalOrigin(origin)).toBe(origin);
  });

  test.each([
    null, undefined, '', '*', '/', 'null', 'broker.example', 'https://broker.example/', 'https://broker.example/login',
    'https://Broker.example', 'https://broker.example:443', 'http://broker.example', 'https://user@broker.example',
    'https://broker.example?x=1', 'https://broker.example#x', ' https://broker.example', 'javascript:alert(1)',
    'file:///etc', 'https://*.broker.example', 'http://localhost.', 'https://broker.example https://evil.example',
  ])('parent-origin %j is refused', (text) => {
    expect(bridge.canonicalOrigin(text)).toBeNull();
  });

  test('messages carry only the documented members', () => {
    const session = {
      username: 'mia', device_kind: 'sms', access: 'full', limits: { daily: { unlimited: false, cents: 100 } },
      restrictions: [], amr: ['pwd', 'sms'], restricted: true, failed_attempts: 2, session_id: 'x', assertion: 'a.b.c',
    };
    expect(bridge.bridgeMessage('authenticated', session)).toEqual({
      type: 'sls-authenticated', version: 1, assertion: 'a.b.c',
      session: {
        username: 'mia', device_kind: 'sms', access: 'full', limits: { daily: { unlimited: false, cents: 100 } },
        restrictions: [], amr: ['pwd', 'sms'], restricted: true,
      },
    });
    expect(bridge.bridgeMessage('authenticated', { username: 'mia' }).assertion).toBeNull();
    expect(bridge.bridgeMessage('error', { code: 'internal', message: 'm', cause: 'https://x/secret' }))
      .toEqual({ type: 'sls-error', version: 1, code: 'internal', message: 'm' });
    expect(bridge.bridgeMessage('state', { screen: 'sms', busy: false, method: 'sms', device_kind: 'sms', extra: 1 }))
      .toEqual({ type: 'sls-state', version: 1, screen: 'sms', busy: false, method: 'sms', device_kind: 'sms' });
    expect(bridge.bridgeMessage('other', {})).toBeNull();
  });

  test('parent posts to window.parent with the explicit origin, and refuses without one or without a parent', () => {
    const posted = [];
    const parent = { postMessage: (message, origin) => posted.push([message, origin]) };
    const framed = { parent };
    const opened = {};
    opened.parent = opened;
    opened.opener = parent;
    bridge.openBridge(framed, 'parent', 'https://broker.example').post({ type: 'sls-state' });
    expect(posted).toEqual([[{ type: 'sls-state' }, 'https://broker.example']]);
    expect(bridge.openBridge(framed, 'parent', null).refusal.code).toBe('bridge.parent_origin');
    expect(bridge.openBridge(framed, 'parent', '*').refusal.code).toBe('bridge.parent_origin');
    // Opened by another page (window.open) rather than framed: the opener gets nothing.
    expect(bridge.openBridge(opened, 'parent', 'https://broker.example').refusal.code).toBe('bridge.not_framed');
    expect(bridge.openBridge(framed, 'top', 'https://broker.example').refusal).toEqual({ code: 'bridge.unknown', args: ['top'] });
    expect(posted).toHaveLength(1);
  });

  test('webview posts to the first native host API found; Android gets JSON text', () => {
    const got = [];
    const webkit = { messageHandlers: { sls: { postMessage: (m) => got.push(['webkit', m]) } } };
    const SlsAndroid = { postMessage: (m) => got.push(['android', m]) };
    const chrome = { webview: { postMessage: (m) => got.push(['webview2', m]) } };
    const message = { type: 'sls-state', version: 1, screen: 'credentials', busy: false };
    bridge.openBridge({ webkit, SlsAndroid, chrome }, 'webview').post(message);
    bridge.openBridge({ SlsAndroid, chrome }, 'webview').post(message);
    bridge.openBridge({ chrome }, 'webview').post(message);
    expect(got).toEqual([['webkit', message], ['android', JSON.stringify(message)], ['webview2', message]]);
    expect(bridge.openBridge({ webkit: {}, chrome: {} }, 'webview').refusal.code).toBe('bridge.no_host');
  });
});

describe('the element', () => {
  let SlsLogin;

  beforeAll(async () => {
    ({ SlsLogin } = await loadLoginElement());
    if (typeof ElementInternals.prototype.setValidity !== 'function') ElementInternals.prototype.setValidity = () => {};
  });

  afterEach(() => {
    document.body.replaceChildren();
    delete window.SlsAndroid;
  });

  async function mount(attributes) {
    const element = document.createElement('sls-login');
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    const events = [];
    for (const type of ['sls-state', 'sls-error']) element.addEventListener(type, (e) => events.push([type, e.detail]));
    const started = new Promise((resolve) => { element.addEventListener('sls-state', resolve, { once: true }); });
    document.body.append(element);
    await started;
    return { element, events };
  }

  test('the attributes are observed and reflected', () => {
    expect(SlsLogin.observedAttributes).toEqual(expect.arrayContaining(['bridge', 'parent-origin']));
    const element = document.createElement('sls-login');
    expect([element.bridge, element.parentOrigin]).toEqual(['', '']);
    element.bridge = 'parent';
    element.parentOrigin = 'https://broker.example';
    expect([element.getAttribute('bridge'), element.getAttribute('parent-origin')]).toEqual(['parent', 'https://broker.example']);
    element.bridge = null;
    expect(element.hasAttribute('bridge')).toBe(false);
  });

  test('webview: the host object receives each state as JSON text', async () => {
    const received = [];
    window.SlsAndroid = { postMessage: (text) => received.push(text) };
    const { events } = await mount({ bridge: 'webview' });
    expect(received.map((text) => JSON.parse(text))).toEqual([
      { type: 'sls-state', version: 1, screen: 'credentials', busy: false },
    ]);
    expect(events.filter(([type]) => type === 'sls-error')).toEqual([]);
  });

  test('each refusal is an sls-error once, in the element language, and never reaches a host', async () => {
    const { element, events } = await mount({ bridge: 'parent', 'parent-origin': 'https://broker.example', lang: 'zh-Hans' });
    const errors = () => events.filter(([type]) => type === 'sls-error').map(([, d]) => d.code);
    // jsdom's window is its own parent: not framed.
    expect(errors()).toEqual(['bridge.not_framed']);
    expect(events.find(([type]) => type === 'sls-error')[1].message).toBe(bridge.bridgeMessages()['bridge.not_framed']['zh-Hans']);
    element.restart();
    expect(errors()).toEqual(['bridge.not_framed']); // once
    element.setAttribute('parent-origin', 'https://broker.example/');
    expect(errors()).toEqual(['bridge.not_framed', 'bridge.parent_origin']); // at once, on the change
    element.setAttribute('bridge', 'opener');
    expect(errors()).toEqual(['bridge.not_framed', 'bridge.parent_origin', 'bridge.unknown']);
    element.setAttribute('bridge', 'webview');
    expect(errors()).toEqual(['bridge.not_framed', 'bridge.parent_origin', 'bridge.unknown', 'bridge.no_host']);
    element.removeAttribute('bridge');
    element.restart();
    expect(errors()).toHaveLength(4);
  });

  test('a host API that throws is reported as bridge.no_host with the cause', async () => {
    window.SlsAndroid = { postMessage: () => { throw new Error('bridge gone'); } };
    const { events } = await mount({ bridge: 'webview' });
    expect(events.filter(([type]) => type === 'sls-error').map(([, d]) => [d.code, d.cause]))
      .toEqual([['bridge.no_host', 'bridge gone']]);
  });
});
