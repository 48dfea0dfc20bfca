// <sls-login> in Debian's Chromium, on the demo login page (web/demo/
// login.html) under the production Content-Security-Policy, against the
// in-process fake of the API (support/fake-api.cjs): complete logins by
// code card, push and challenge/response (typed, and approved online from
// the QR code), keyboard-only use, and a tour of every screen in the three
// languages with axe-core on each and a screenshot saved to
// web/test-results/screenshots/<NN>-<screen>.<lang>.png; the same tour in
// the dark palette at 320 px wide (<NN>-<screen>.<lang>.dark-320.png), where
// no screen may scroll sideways or push text out of view; the palette the
// attribute color-scheme forces; and the language a page without `lang`
// takes from the browser's (navigator.languages).
//
// Every test also checks that the page logged no console error, threw
// nothing and broke no CSP rule. Chromium logs each HTTP error answer as a
// console error ("Failed to load resource"); the ones a test provokes on
// purpose (a wrong code, a lock, a dropped connection) are matched against
// the fake's request log, and only those are allowed.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const jsQR = require('jsqr');
const { repoRoot, distDir } = require('../support/core.cjs');
const {
  launchChromium, watch, RECORD_VIOLATIONS, pngPixels, axeViolations,
} = require('../support/browser.cjs');
const { startFakeApi, TEST_PASSWORD } = require('../support/fake-api.cjs');

jest.setTimeout(60000);

const SCREENSHOT_DIR = path.join(repoRoot, 'web', 'test-results', 'screenshots');
const LANGS = ['en', 'zh-Hant', 'zh-Hans'];

// Runs before the page's scripts: keeps the element's events (they bubble
// and are composed) for the test to read.
const RECORD_EVENTS = () => {
  window.slsEvents = [];
  for (const type of ['sls-state', 'sls-error', 'sls-authenticated']) {
    window.addEventListener(type, (event) => window.slsEvents.push({ type, detail: event.detail }), true);
  }
};

let fake;
let browser;
/** Screen → lang → the screen's title, to compare languages at the end. */
const titles = new Map();

beforeAll(async () => {
  for (const file of ['sls-core.mjs', 'sls-core.wasm', 'dom-patcher.js']) {
    if (!fs.existsSync(path.join(distDir, file))) {
      throw new Error(`${file} is not built in ${distDir}: cmake --preset wasm && cmake --build --preset wasm`);
    }
  }
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  fake = await startFakeApi();
  browser = await launchChromium();
});

afterAll(async () => {
  if (browser) await browser.close();
  if (fake) await fake.close();
});

beforeEach(() => fake.reset());

/**
 * Opens the login page in a fresh context (`width` px wide, in the browser
 * colour scheme `colorScheme`); resolves once the credentials screen shows.
 */
async function openLogin(lang = 'en', { width = 800, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 1000 } });
  await context.addInitScript(RECORD_VIOLATIONS);
  await context.addInitScript(RECORD_EVENTS);
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme });
  const problems = watch(page);
  const response = await page.goto(`${fake.url}demo/login.html?lang=${lang}`);
  expect(response.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
  await waitScreen(page, 'credentials');
  return { context, page, problems };
}

/** Loads the page again (a new login, same context). */
async function reload(page, lang) {
  await page.goto(`${fake.url}demo/login.html?lang=${lang}`);
  await waitScreen(page, 'credentials');
}

const inElement = (page, selector) => page.locator(`sls-login ${selector}`);

function waitScreen(page, screen) {
  return page.locator(`sls-login > .sls-login[data-screen="${screen}"]`).waitFor({ timeout: 15000 });
}

/** The password step, with the mouse. */
async function logIn(page, username) {
  await inElement(page, 'input[name="username"]').fill(username);
  await inElement(page, 'input[name="password"]').fill(TEST_PASSWORD);
  await inElement(page, '[part~="primary"]').click();
}

async function submitCode(page, code) {
  await inElement(page, 'input[name="code"]').fill(code);
  await inElement(page, '[part~="primary"]').click();
}

/** A valid-looking code-card entry that is not the right one. */
function wrongCardEntry() {
  const right = fake.answer();
  return right === '000000' ? '111111' : '000000';
}

/** The name and id of the focused element. */
function focused(page) {
  return page.evaluate(() => ({ name: document.activeElement?.getAttribute('name'), id: document.activeElement?.id }));
}

/** Presses Tab until `test(focused)` holds; fails after 12 presses. */
async function tabTo(page, test) {
  for (let i = 0; i <= 12; i += 1) {
    if (test(await focused(page))) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached the element (focus on ${JSON.stringify(await focused(page))})`);
}

/**
 * What sticks out sideways at the page's width: the document's scroll width
 * when wider than the viewport, and each visible node of the element whose
 * box leaves the viewport or whose content is wider than its box where the
 * overflow is clipped (text cut). Fields are left out: a long value scrolls
 * inside its input.
 */
function sidewaysOverflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found = [];
    if (document.documentElement.scrollWidth > width) found.push(`document scrolls: ${document.documentElement.scrollWidth} > ${width}`);
    for (const node of document.querySelectorAll('sls-login *')) {
      if (node.closest('.sls-visually-hidden') || node.matches('input, select, textarea')) continue;
      const box = node.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const label = `${node.tagName.toLowerCase()}[part="${node.getAttribute('part') ?? ''}"]`;
      if (box.left < -0.5 || box.right > width + 0.5) found.push(`${label} spans ${Math.round(box.left)}..${Math.round(box.right)}`);
      const style = getComputedStyle(node);
      if (style.overflowX !== 'visible' && node.scrollWidth > node.clientWidth + 1) {
        found.push(`${label} clips ${node.scrollWidth} > ${node.clientWidth}`);
      }
    }
    return found;
  });
}

/**
 * Saves a screenshot of the element as <name>.<lang><suffix>.png, runs
 * axe-core on the whole page and expects no violation, expects nothing to
 * stick out sideways, and records the screen's title.
 */
async function capture(page, lang, name, suffix = '') {
  const root = page.locator('sls-login > .sls-login');
  expect(await root.getAttribute('lang')).toBe(lang);
  await root.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.${lang}${suffix}.png`) });
  expect({ screen: name, lang, violations: await axeViolations(page) }).toEqual({ screen: name, lang, violations: [] });
  expect({ screen: name, lang, overflow: await sidewaysOverflow(page) }).toEqual({ screen: name, lang, overflow: [] });
  const title = await inElement(page, '[part~="title"]').textContent();
  if (!titles.has(name)) titles.set(name, {});
  titles.get(name)[lang] = title;
}

/** The QR code on screen, decoded from a screenshot of it. */
async function decodeQr(page) {
  const shot = await inElement(page, 'svg[part~="qr-code"]').screenshot();
  const { width, height, data } = await pngPixels(page, shot);
  const decoded = jsQR(data, width, height);
  expect(decoded).not.toBeNull();
  return decoded.data;
}

/**
 * Expects no CSP violation, no page error, and no console error or failed
 * request except those the fake's log explains (deliberate HTTP errors and
 * dropped connections).
 */
async function expectClean(page, problems) {
  expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
  expect(problems.pageErrors).toEqual([]);
  const provoked = new Map();
  for (const r of fake.requests) {
    if (r.status >= 400 || r.status === 0) provoked.set(`${fake.origin}${r.path}`, [...(provoked.get(`${fake.origin}${r.path}`) ?? []), r.status]);
  }
  const explained = (url, status) => (provoked.get(url) ?? []).includes(status);
  const consoleLeft = problems.console.filter((text, i) => {
    const m = /^error: Failed to load resource: (?:the server responded with a status of (\d+)|net::ERR_\w+)/.exec(text);
    return !(m && explained(problems.consoleUrls[i], m[1] ? Number(m[1]) : 0));
  });
  expect(consoleLeft).toEqual([]);
  expect(problems.failedRequests.filter((line) => !explained(line.split(' ')[0], 0))).toEqual([]);
  expect(problems.badResponses.filter((line) => {
    const [status, url] = line.split(' ');
    return !explained(url, Number(status));
  })).toEqual([]);
}

const events = (page, type) => page.evaluate((t) => window.slsEvents.filter((e) => e.type === t).map((e) => e.detail), type);

test('keyboard only: a code-card login with Tab, typing and Enter', async () => {
  const { context, page, problems } = await openLogin('en');
  try {
    await tabTo(page, (f) => f.name === 'username');
    await page.keyboard.type('card');
    await page.keyboard.press('Tab');
    expect((await focused(page)).name).toBe('password');
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await waitScreen(page, 'code_card');

    // A wrong entry: the error shows and the field is marked; then the right one.
    await tabTo(page, (f) => f.name === 'code');
    await page.keyboard.type(wrongCardEntry());
    await page.keyboard.press('Enter');
    await inElement(page, '[part~="error"]').waitFor();
    expect(await inElement(page, 'input[name="code"]').getAttribute('aria-invalid')).toBe('true');
    await tabTo(page, (f) => f.name === 'code');
    await page.keyboard.press('Control+A');
    const right = fake.answer();
    await page.keyboard.type(`${right.slice(0, 3)} ${right.slice(3)}`.toLowerCase());
    await page.keyboard.press('Enter');
    await waitScreen(page, 'authenticated');

    const [session] = await events(page, 'sls-authenticated');
    expect(session).toMatchObject({ username: 'card', device_kind: 'code_card', access: 'full' });
    expect(await page.textContent('#outcome')).toContain('card');
    const screens = (await events(page, 'sls-state')).map((s) => s.screen);
    expect(screens[0]).toBe('credentials');
    expect(screens.at(-1)).toBe('authenticated');
    expect(screens).toContain('code_card');

    // The page reads the session (GET /session) and logs out (DELETE), by keyboard too.
    await page.locator('#session-facts').filter({ hasText: 'without use' }).waitFor();
    const live = fake.sessions.size;
    await tabTo(page, (f) => f.id === 'logout');
    await page.keyboard.press('Enter');
    await waitScreen(page, 'credentials');
    await page.locator('#outcome').filter({ hasText: 'You are logged out.' }).waitFor();
    expect(await page.isHidden('#session')).toBe(true);
    expect(fake.requests.filter((r) => r.path.endsWith('/session')).map((r) => `${r.method} ${r.status}`))
      .toEqual(['GET 200', 'DELETE 200']);
    expect(fake.sessions.size).toBe(live - 1);
    await expectClean(page, problems);
  } finally {
    await context.close();
  }
});

test('a push login: number to match, countdown, polling until the phone approves', async () => {
  fake.configure({ push: { decision: 'approve', afterPolls: 2 }, pollRetryAfter: 1 });
  const { context, page, problems } = await openLogin('en');
  try {
    await logIn(page, 'mobile');
    await waitScreen(page, 'push');
    const { number } = fake.openChallenge();
    expect(await inElement(page, '[part~="number"]').textContent()).toBe(number);
    expect(await inElement(page, '[part~="countdown"]').textContent()).toMatch(/\d:\d\d/);
    await waitScreen(page, 'authenticated');
    expect(fake.requests.filter((r) => r.route === 'GET /push/{tx_id}').map((r) => r.status)).toEqual([200, 200]);
    const [session] = await events(page, 'sls-authenticated');
    expect(session).toMatchObject({ username: 'mobile', device_kind: 'mobile_key' });
    await expectClean(page, problems);
  } finally {
    await context.close();
  }
});

test('a refused push ends on the failed screen, and a retry can succeed', async () => {
  fake.configure({ push: { decision: 'deny', afterPolls: 1 } });
  const { context, page, problems } = await openLogin('en');
  try {
    await logIn(page, 'mobile');
    await waitScreen(page, 'failed');
    const errors = await events(page, 'sls-error');
    expect(errors.map((e) => e.code)).toContain('push.denied');
    fake.configure({ push: { decision: 'approve', afterPolls: 1 } });
    await inElement(page, '[part~="primary"]').click();
    await waitScreen(page, 'authenticated');
    await expectClean(page, problems);
  } finally {
    await context.close();
  }
});

test('challenge/response: the QR code carries the payload the server signed; the typed response is checked live', async () => {
  fake.configure({ push: { decision: 'never' } });
  const { context, page, problems } = await openLogin('en');
  try {
    await logIn(page, 'mobile');
    await waitScreen(page, 'push');
    await inElement(page, '[part~="link"]').click();
    await waitScreen(page, 'challenge_response');

    const text = await decodeQr(page);
    expect(text).toBe(fake.issuedPayloads.at(-1));
    const payload = fake.core.verify_signed_payload(text, fake.serverPublicKey, Math.floor(Date.now() / 1000), 'en');
    expect(payload.ok).toBe(true);
    const challenge = fake.openChallenge();
    expect(payload.value).toMatchObject({ challenge: challenge.challenge, origin: fake.origin });
    expect((await inElement(page, '[part~="challenge"] [aria-hidden="true"]').textContent()).replace(/\s/g, ''))
      .toBe(challenge.challenge);

    // A wrong check digit is caught while typing, before any request.
    const response = fake.answer();
    const typo = response.slice(0, 7) + String((Number(response[7]) + 1) % 10);
    await inElement(page, 'input[name="code"]').fill(typo);
    expect(await inElement(page, 'input[name="code"]').getAttribute('aria-invalid')).toBe('true');
    expect(fake.requests.some((r) => r.route === 'POST /login/{login_id}/verify')).toBe(false);
    await submitCode(page, `${response.slice(0, 4)} ${response.slice(4)}`);
    await waitScreen(page, 'authenticated');
    await expectClean(page, problems);
  } finally {
    await context.close();
  }
});

test('challenge/response: a QR scan approved online completes the login by itself', async () => {
  fake.configure({ push: { decision: 'never' }, pollRetryAfter: 1 });
  const { context, page, problems } = await openLogin('en');
  try {
    await logIn(page, 'mobile');
    await waitScreen(page, 'push');
    await inElement(page, '[part~="link"]').click();
    await waitScreen(page, 'challenge_response');
    const payload = await decodeQr(page);
    // What the phone does after verifying the payload: approve it, signed with its key.
    const reply = await fetch(`${fake.apiUrl}/qr/approve`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        device_id: fake.device('mobile', 'mobile_key').id,
        payload,
        signature: fake.deviceSign('mobile', `SLS-QR-1|${payload}|approve`),
      }),
    });
    expect(reply.status).toBe(200);
    await waitScreen(page, 'authenticated');
    expect(fake.requests.some((r) => r.route === 'GET /login/{login_id}/challenge-status')).toBe(true);
    await expectClean(page, problems);
  } finally {
    await context.close();
  }
});

test('wrong codes lock the login after maxFailures; a throttled login says to wait', async () => {
  fake.configure({ maxFailures: 2 });
  fake.throttle('POST /login', { retryAfter: 30 });
  const { context, page, problems } = await openLogin('en');
  try {
    await logIn(page, 'card');
    await inElement(page, '[part~="error"]').waitFor();
    expect(await inElement(page, '[part~="error"]').textContent()).toContain(fake.core.localize('rate.limited', [], 'en'));
    expect(await page.locator('sls-login > .sls-login').getAttribute('data-screen')).toBe('credentials');

    await reload(page, 'en');
    await logIn(page, 'card');
    await waitScreen(page, 'code_card');
    await submitCode(page, wrongCardEntry());
    await inElement(page, '[part~="error"]').waitFor();
    expect(await inElement(page, '[part~="error"]').textContent()).toContain(fake.core.localize('card.mismatch', [], 'en'));
    await submitCode(page, wrongCardEntry());
    await waitScreen(page, 'locked');
    expect((await events(page, 'sls-error')).map((e) => e.code)).toContain('auth.locked');
    await expectClean(page, problems);
  } finally {
    await context.close();
  }
});

/**
 * Visits every screen the fake can reach, calling `shot(name)` on each
 * (capture() with the tour's language and file suffix).
 */
async function tour(page, lang, shot) {
  expect(await page.getAttribute('html', 'lang')).toBe(lang);
  await shot('01-credentials');

  await logIn(page, 'multi');
  await waitScreen(page, 'device_choice');
  expect(await inElement(page, '[part~="device"]').evaluateAll((b) => b.map((x) => x.value)))
    .toEqual(['multi-mobile-key', 'multi-code-card', 'multi-sms']);
  await shot('02-device-choice');

  await inElement(page, '[part~="device"][value="multi-code-card"]').click();
  await waitScreen(page, 'code_card');
  await shot('03-code-card');

  await submitCode(page, wrongCardEntry());
  await inElement(page, '[part~="error"]').waitFor();
  expect(await inElement(page, '[part~="error"]').textContent()).toContain(fake.core.localize('card.mismatch', [], lang));
  await shot('04-code-card-error');

  await submitCode(page, fake.answer());
  await waitScreen(page, 'authenticated');
  await shot('11-authenticated');

  fake.configure({ push: { decision: 'never' } });
  await reload(page, lang);
  await logIn(page, 'mobile');
  await waitScreen(page, 'push');
  await shot('06-push-countdown');
  await inElement(page, '[part~="link"]').click();
  await waitScreen(page, 'challenge_response');
  expect(await decodeQr(page)).toBe(fake.issuedPayloads.at(-1));
  await shot('05-challenge-response-qr');

  await reload(page, lang);
  await logIn(page, 'sms');
  await waitScreen(page, 'sms');
  await shot('07-sms');

  await reload(page, lang);
  await logIn(page, 'temp');
  await waitScreen(page, 'temp_code');
  await shot('08-temp-code');

  fake.failNext('POST /login/{login_id}/challenge');
  await reload(page, lang);
  await logIn(page, 'sms');
  await waitScreen(page, 'network_error');
  await shot('10-network-error');

  fake.lock('card');
  await reload(page, lang);
  await logIn(page, 'card');
  await waitScreen(page, 'locked');
  await shot('09-locked');
}

describe.each(LANGS)('every screen in %s', (lang) => {
  test('axe-core finds nothing, and each screen is saved as a screenshot', async () => {
    const { context, page, problems } = await openLogin(lang);
    try {
      await tour(page, lang, (name) => capture(page, lang, name));
      await expectClean(page, problems);
    } finally {
      await context.close();
    }
  });

  test('dark and 320 px wide: axe-core finds nothing, nothing scrolls sideways or is cut', async () => {
    const { context, page, problems } = await openLogin(lang, { width: 320, colorScheme: 'dark' });
    try {
      expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
      expect(await page.evaluate(() => document.documentElement.clientWidth)).toBe(320);
      // The dark palette is the one in use (the panel's background).
      expect(await page.locator('sls-login > .sls-login').evaluate((e) => getComputedStyle(e).backgroundColor))
        .toBe('rgb(23, 25, 30)');
      await tour(page, lang, (name) => capture(page, lang, name, '.dark-320'));
      await expectClean(page, problems);
    } finally {
      await context.close();
    }
  });
});

test('the page\'s language picker switches the element, error included, without a new login', async () => {
  const { context, page, problems } = await openLogin('en');
  try {
    await logIn(page, 'card');
    await waitScreen(page, 'code_card');
    await submitCode(page, wrongCardEntry());
    await inElement(page, '[part~="error"]').waitFor();
    const loginCount = fake.requests.filter((r) => r.route === 'POST /login').length;
    for (const lang of ['zh-Hant', 'zh-Hans', 'en']) {
      await page.selectOption('#lang', lang);
      await page.locator(`sls-login > .sls-login[lang="${lang}"]`).waitFor();
      expect(await inElement(page, '[part~="error"]').textContent()).toContain(fake.core.localize('card.mismatch', [], lang));
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
    }
    expect(await page.locator('sls-login > .sls-login').getAttribute('data-screen')).toBe('code_card');
    expect(fake.requests.filter((r) => r.route === 'POST /login').length).toBe(loginCount);
    await expectClean(page, problems);
  } finally {
    await context.close();
  }
});

describe('starting', () => {
  /** Opens login.html as `rewrite` changes it (its body), in a fresh context; resolves once the first screen shows. */
  async function openRewritten(rewrite, routeWasm) {
    const context = await browser.newContext();
    await context.addInitScript(RECORD_VIOLATIONS);
    await context.addInitScript(RECORD_EVENTS);
    const page = await context.newPage();
    const problems = watch(page);
    await page.route('**/demo/login.html*', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: rewrite(await response.text()) });
    });
    if (routeWasm) await page.route('**/dist/sls-core.wasm', routeWasm);
    await page.goto(`${fake.url}demo/login.html`);
    await waitScreen(page, 'credentials');
    return { context, page, problems };
  }

  test('without the page\'s preloads the .wasm is asked for with the core module, not after it; each start is marked',
    async () => {
      const noPreloads = (html) => html.replace(/<link rel="(?:modulepreload|preload)"[^>]*>\s*/g, '');
      const { context, page, problems } = await openRewritten(noPreloads);
      try {
        const { resources, marks } = await page.evaluate(() => ({
          resources: performance.getEntriesByType('resource').map((r) => ({
            path: new URL(r.name).pathname, fetchStart: r.fetchStart, responseEnd: r.responseEnd,
          })),
          marks: performance.getEntriesByType('mark').map((m) => ({ name: m.name, detail: m.detail, at: m.startTime })),
        }));
        const at = (file) => resources.filter((r) => r.path === file);
        expect(at('/dist/sls-core.mjs')).toHaveLength(1);
        expect(at('/dist/sls-core.wasm')).toHaveLength(1);
        // The element fetches the .wasm itself, beside the import of the
        // core module: no waterfall behind sls-core.mjs even without preloads.
        expect(at('/dist/sls-core.wasm')[0].fetchStart).toBeLessThan(at('/dist/sls-core.mjs')[0].responseEnd);
        expect(marks.map(({ name, detail }) => [name, detail]))
          .toEqual([['sls-login:start', { id: 'login' }], ['sls-login:core-ready', { id: 'login' }],
            ['sls-login:first-screen', { id: 'login' }]]);
        expect(marks[0].at).toBeLessThanOrEqual(marks[1].at);
        expect(marks[1].at).toBeLessThanOrEqual(marks[2].at);
        expect(await page.evaluate(() => window.slsEvents.map((e) => e.type))).toEqual(['sls-state']);
        await expectClean(page, problems);
      } finally {
        await context.close();
      }
    });

  test('a .wasm sent with another MIME type is compiled from its bytes: the login still starts', async () => {
    const wrongType = async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-type': 'application/octet-stream' } });
    };
    const { context, page, problems } = await openRewritten((html) => html, wrongType);
    try {
      await inElement(page, 'input[name="username"]').fill('card');
      expect(await page.evaluate(() => window.slsEvents.filter((e) => e.type === 'sls-error'))).toEqual([]);
      await expectClean(page, problems);
    } finally {
      await context.close();
    }
  });
});

test('the attribute color-scheme forces a palette over the browser\'s setting; axe-core finds nothing in either', async () => {
  const { context, page, problems } = await openLogin('en', { colorScheme: 'dark' });
  try {
    const root = page.locator('sls-login > .sls-login');
    const background = () => root.evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(await background()).toBe('rgb(23, 25, 30)');
    await page.evaluate(() => { document.querySelector('sls-login').colorScheme = 'light'; });
    expect(await page.getAttribute('sls-login', 'color-scheme')).toBe('light');
    expect(await background()).toBe('rgb(255, 255, 255)');
    expect(await axeViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.evaluate(() => { document.querySelector('sls-login').colorScheme = 'dark'; });
    expect(await background()).toBe('rgb(23, 25, 30)');
    // The page stays light: the element's own text must hold its contrast there.
    expect(await axeViolations(page)).toEqual([]);
    await page.evaluate(() => { document.querySelector('sls-login').colorScheme = null; });
    expect(await page.getAttribute('sls-login', 'color-scheme')).toBeNull();
    expect(await background()).toBe('rgb(255, 255, 255)');
    await expectClean(page, problems);
  } finally {
    await context.close();
  }
});

describe('a page without lang follows the browser\'s languages', () => {
  // login.html without <html lang> and without its page script (which sets
  // the element's lang): only sls-login-define.js runs.
  const withoutLang = (html) => html
    .replace('<html lang="en">', '<html>')
    .replace('<script type="module" src="login.mjs"></script>', '<script type="module" src="../sls-login-define.js"></script>');

  /** Opens that page in a context of `locale` (optionally with navigator.languages replaced); returns the root's lang. */
  async function rootLang(locale, languages) {
    const context = await browser.newContext({ locale });
    await context.addInitScript(RECORD_VIOLATIONS);
    if (languages) {
      await context.addInitScript((list) => {
        Object.defineProperty(Navigator.prototype, 'languages', { get: () => list, configurable: true });
      }, languages);
    }
    const page = await context.newPage();
    const problems = watch(page);
    try {
      await page.route('**/demo/login.html*', async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, body: withoutLang(await response.text()) });
      });
      await page.goto(`${fake.url}demo/login.html`);
      await waitScreen(page, 'credentials');
      // No lang on the page or the element (only the view's root carries the one resolved).
      expect(await page.evaluate(() => [document.documentElement.lang, document.querySelector('sls-login').lang]))
        .toEqual(['', '']);
      const lang = await page.locator('sls-login > .sls-login').getAttribute('lang');
      await expectClean(page, problems);
      return { lang, navigatorLanguages: await page.evaluate(() => [...navigator.languages]) };
    } finally {
      await context.close();
    }
  }

  test('locale zh-HK: Traditional Chinese', async () => {
    const { lang, navigatorLanguages } = await rootLang('zh-HK');
    expect(navigatorLanguages[0]).toBe('zh-HK');
    expect(lang).toBe('zh-Hant');
  });

  test('locale zh-CN: Simplified Chinese', async () => {
    const { lang, navigatorLanguages } = await rootLang('zh-CN');
    expect(navigatorLanguages[0]).toBe('zh-CN');
    expect(lang).toBe('zh-Hans');
  });

  test('the first supported language of the list decides, not the first of the list', async () => {
    expect((await rootLang('fr-FR', ['fr-FR', 'zh-TW', 'en'])).lang).toBe('zh-Hant');
    expect((await rootLang('en-US', ['ja', 'en-GB', 'zh-HK'])).lang).toBe('en');
  });
});

test('the checks can fail: axe-core and the CSP watcher see a planted fault', async () => {
  const { context, page, problems } = await openLogin('en');
  try {
    await page.evaluate(() => {
      document.querySelector('sls-login input[name="username"]').removeAttribute('id');
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true;';
      document.head.append(script);
    });
    expect((await axeViolations(page)).some((v) => v.startsWith('label:'))).toBe(true);
    expect(await page.evaluate(() => window.inlineRan)).toBeUndefined();
    expect((await page.evaluate(() => window.cspViolations)).map((v) => v.directive)).toEqual(['script-src-elem']);
    expect(problems.console.length).toBeGreaterThan(0);
  } finally {
    await context.close();
  }
});

test('the checks can fail: a 320 px page that scrolls sideways, a cut text, and dark text on the dark palette', async () => {
  const { context, page } = await openLogin('en', { width: 320, colorScheme: 'dark' });
  try {
    expect(await sidewaysOverflow(page)).toEqual([]);
    // CSSOM writes, which the CSP allows (it blocks style attributes in markup).
    await page.evaluate(() => {
      document.querySelector('sls-login [part~="title"]').style.width = '400px';
    });
    const found = await sidewaysOverflow(page);
    expect(found.some((line) => line.startsWith('document scrolls'))).toBe(true);
    expect(found.some((line) => line.startsWith('h2[part="title"] spans') || line.includes('[part="title"] spans'))).toBe(true);
    await page.evaluate(() => {
      const title = document.querySelector('sls-login [part~="title"]');
      title.style.width = '';
      title.style.overflow = 'hidden';
      title.style.whiteSpace = 'nowrap';
      title.style.maxWidth = '3em';
    });
    expect((await sidewaysOverflow(page)).some((line) => line.includes('[part="title"] clips'))).toBe(true);
    await page.evaluate(() => {
      document.querySelector('sls-login').style.setProperty('--sls-text', '#3a3d44');
    });
    expect((await axeViolations(page)).some((v) => v.startsWith('color-contrast:'))).toBe(true);
  } finally {
    await context.close();
  }
});

test('each screen reads differently in the three languages', () => {
  expect(titles.size).toBe(11);
  for (const [screen, byLang] of titles) {
    expect({ screen, langs: Object.keys(byLang).sort() }).toEqual({ screen, langs: [...LANGS].sort() });
    expect({ screen, distinct: new Set(Object.values(byLang)).size }).toEqual({ screen, distinct: 3 });
  }
});
