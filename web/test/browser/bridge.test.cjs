// The bridges of <sls-login> to its host, in Debian's Chromium against the
// REAL reference server, with the examples as they ship:
// - examples/iframe-host/: a host page on a second loopback origin
//   (http://localhost:PORT, another site than slsd's http://127.0.0.1:PORT2)
//   frames the login page served by slsd (bridge="parent", parent-origin =
//   the host's origin, written into the page at deployment by
//   login-page.cjs; slsd --frame-ancestors lists the host). The login
//   completes in the frame, the host page receives the messages, and its
//   back end verifies the assertion with `jose` against slsd's JWKS.
// - An attacker's view: a frame whose parent is another origin (allowed to
//   frame, but not the parent-origin) receives nothing; a page slsd does not
//   list may not frame the login at all; a page that opens the login in a
//   window receives nothing and the element says it is not framed.
// - examples/webview-host/: the three harness pages (WKWebView, Android,
//   WebView2 stand-ins) each complete a login and record the messages; a
//   page with no host API gets sls-error bridge.no_host.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { decodeJwt } = require('jose');
const { repoRoot } = require('../support/core.cjs');
const { launchChromium, watch, RECORD_VIOLATIONS } = require('../support/browser.cjs');
const { startSlsd } = require('../support/slsd.cjs');
const { startIframeHost, LOGIN_PATH } = require('../../../examples/iframe-host/server.cjs');
const { writeLoginPage } = require('../../../examples/iframe-host/login-page.cjs');

jest.setTimeout(90000);

const PASSWORD = 'demo-password';
const USER = 'demo-code-card';

// Runs in every document before its scripts: the element's events, and
// every message a window receives, for the test to read.
const RECORD = () => {
  window.slsEvents = [];
  for (const type of ['sls-state', 'sls-error', 'sls-authenticated']) {
    window.addEventListener(type, (event) => window.slsEvents.push({ type, detail: event.detail }), true);
  }
  window.hostMessages = [];
  window.addEventListener('message', (event) => window.hostMessages.push({ origin: event.origin, data: event.data }));
};

let slsd;
let browser;
let site;
/** The host slsd and the page expect (parent-origin), one it lets frame but is not the parent-origin, one it does not list. */
let host;
let otherHost;
let unlistedHost;

beforeAll(async () => {
  [host, otherHost, unlistedHost] = await Promise.all([startIframeHost(), startIframeHost(), startIframeHost()]);
  // The site slsd serves: web/ as always, the webview harness pages, and the
  // iframe example's login page written for the host's origin.
  site = fs.mkdtempSync(path.join(os.tmpdir(), 'sls-bridge-site-'));
  const webDir = path.join(repoRoot, 'web');
  for (const entry of fs.readdirSync(webDir)) {
    if (!entry.startsWith('.')) fs.symlinkSync(path.join(webDir, entry), path.join(site, entry));
  }
  fs.symlinkSync(path.join(repoRoot, 'examples', 'webview-host'), path.join(site, 'webview-host'));
  writeLoginPage(path.join(site, 'iframe-host'), { parentOrigin: host.origin, audience: host.origin });
  fs.writeFileSync(path.join(site, 'no-host.html'), fs.readFileSync(path.join(site, 'webview-host', 'ios.html'), 'utf8')
    .replace(/<script type="module" src="ios-host.mjs"><\/script>/, ''));
  slsd = await startSlsd({
    args: ['--static', site, '--frame-ancestors', "'self'", '--frame-ancestors', host.origin,
      '--frame-ancestors', otherHost.origin, '--assertion-audience', host.origin],
  });
  browser = await launchChromium();
  for (const h of [host, otherHost, unlistedHost]) h.configure({ loginOrigin: slsd.origin, audience: host.origin });
});

afterAll(async () => {
  if (browser) await browser.close();
  if (slsd) await slsd.stop();
  await Promise.all([host, otherHost, unlistedHost].filter(Boolean).map((h) => h.close()));
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
  await context.addInitScript(RECORD_VIOLATIONS);
  await context.addInitScript(RECORD);
  const page = await context.newPage();
  return { context, page, problems: watch(page) };
}

/** Logs USER in with the code card, in `root` (a page or a frame locator). */
async function logInWithCard(root) {
  const screen = (name) => root.locator(`#login .sls-login[data-screen="${name}"]:not([aria-busy="true"])`)
    .waitFor({ timeout: 15000 });
  await screen('credentials');
  await root.locator('#login-username').fill(USER);
  await root.locator('#login-password').fill(PASSWORD);
  await root.locator('#login button[type="submit"]').click();
  await screen('code_card');
  const indices = (await root.locator('#login [part="index"]').allTextContents()).map((text) => Number(/(\d+)/.exec(text)[1]));
  expect(indices).toHaveLength(2);
  const codes = indices.map((i) => slsd.users[USER].card.cells[i - 1]);
  await root.locator('#login-code').fill(codes.join(''));
  await root.locator('#login button[type="submit"]').click();
  await screen('authenticated');
  return codes;
}

/** The frame of `page` showing the iframe example's login page. */
const loginFrameOf = (page) => page.frames().find((f) => f.url().startsWith(`${slsd.origin}${LOGIN_PATH}`));

describe('bridge="parent": examples/iframe-host', () => {
  test('the host on another origin receives the messages and its back end verifies the assertion', async () => {
    const { context, page, problems } = await newPage();
    try {
      const reply = await page.goto(host.url);
      expect(reply.status()).toBe(200);
      const codes = await logInWithCard(page.frameLocator('#login-frame'));
      expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
      expect(problems.pageErrors).toEqual([]);
      // The frame itself reported no refusal.
      expect((await loginFrameOf(page).evaluate(() => window.slsEvents)).filter((e) => e.type === 'sls-error')).toEqual([]);
      await page.locator('#status[data-outcome]').waitFor({ timeout: 15000 });
      // What the element in the frame got from /complete: the assertion is forwarded as is.
      const frameEvents = await loginFrameOf(page).evaluate(() => window.slsEvents);
      const serverAssertion = frameEvents.find((e) => e.type === 'sls-authenticated').detail.assertion;

      const messages = await page.evaluate(() => window.hostMessages);
      // Every message came from the login server's origin, schema version 1.
      expect(messages.length).toBeGreaterThan(3);
      for (const m of messages) expect([m.origin, m.data.version]).toEqual([slsd.origin, 1]);
      const types = messages.map((m) => m.data.type);
      expect(types.filter((t) => t === 'sls-authenticated')).toHaveLength(1);
      expect(messages[0].data).toEqual({ type: 'sls-state', version: 1, screen: 'credentials', busy: false });
      const done = messages.find((m) => m.data.type === 'sls-authenticated').data;
      expect(Object.keys(done).sort()).toEqual(['assertion', 'session', 'type', 'version']);
      expect(done.session).toMatchObject({ username: USER, device_kind: 'code_card', access: 'full' });
      // No secret but the assertion: not the password, not the codes typed.
      const text = JSON.stringify(messages);
      expect(text).not.toContain(PASSWORD);
      for (const code of codes) expect(text).not.toContain(code);

      // The back end verified it with jose: issuer slsd, audience the host, this load's nonce.
      expect(done.assertion).toBe(serverAssertion);
      expect(await page.locator('#status').getAttribute('data-outcome')).toBe('verified');
      expect(await page.locator('#status').textContent()).toBe(`Logged in as ${USER}.`);
      expect(host.sessions).toHaveLength(1);
      const claims = host.sessions[0];
      expect(claims).toMatchObject({ iss: slsd.origin, sub: USER, aud: host.origin });
      const frameUrl = new URL(loginFrameOf(page).url());
      expect(claims.nonce).toBe(frameUrl.searchParams.get('nonce'));
      expect(decodeJwt(done.assertion).jti).toBe(claims.jti);
      // A second use of the same assertion is refused (single use).
      const again = await page.evaluate(async (assertion) => {
        const r = await fetch('/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ assertion }) });
        return [r.status, await r.json()];
      }, done.assertion);
      expect(again).toEqual([401, { error: 'replayed' }]);
      // Replayed into another load of the host page (a new nonce): refused for the nonce.
      const other = await context.newPage();
      await other.goto(host.url);
      const replayed = await other.evaluate(async (assertion) => {
        const r = await fetch('/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ assertion }) });
        return [r.status, await r.json()];
      }, done.assertion);
      expect(replayed).toEqual([401, { error: 'wrong_nonce' }]);

      expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
      expect(problems.pageErrors).toEqual([]);
      expect(problems.console.filter((line) => !/status of 401/.test(line))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('a framing page of another origin than parent-origin receives nothing', async () => {
    const { context, page, problems } = await newPage();
    try {
      await page.goto(otherHost.url); // slsd lets it frame the login, the page names another parent
      await logInWithCard(page.frameLocator('#login-frame'));
      // Give any message time to arrive.
      await page.waitForTimeout(500);
      expect(await page.evaluate(() => window.hostMessages)).toEqual([]);
      expect(await page.locator('#status').textContent()).toBe('Log in below.');
      expect(otherHost.sessions).toEqual([]);
      // The element did post (it saw a parent and a valid parent-origin, so
      // it reported nothing); the browser dropped each message for the
      // origin mismatch.
      const frameEvents = await loginFrameOf(page).evaluate(() => window.slsEvents);
      expect(frameEvents.some((e) => e.type === 'sls-authenticated')).toBe(true);
      expect(frameEvents.filter((e) => e.type === 'sls-error')).toEqual([]);
      expect(problems.pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('slsd refuses to be framed by a page it does not list', async () => {
    const { context, page, problems } = await newPage();
    try {
      const refused = page.waitForEvent('requestfailed', (request) => request.url().includes(LOGIN_PATH));
      await page.goto(unlistedHost.url);
      expect((await refused).failure().errorText).toBe('net::ERR_BLOCKED_BY_RESPONSE');
      expect(await page.frameLocator('#login-frame').locator('sls-login').count()).toBe(0);
      expect(await page.evaluate(() => window.hostMessages)).toEqual([]);
      expect(problems.console).toHaveLength(1);
      expect(problems.console[0]).toMatch(new RegExp(`^error: Framing .* violates .*"frame-ancestors 'self' ${host.origin} ${otherHost.origin}"`, 's'));
    } finally {
      await context.close();
    }
  });

  test('a page that opens the login in a window receives nothing; the element says it is not framed', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(unlistedHost.url);
      const [popup] = await Promise.all([
        page.waitForEvent('popup'),
        page.evaluate((url) => { window.open(url, 'login'); }, `${slsd.origin}${LOGIN_PATH}`),
      ]);
      await logInWithCard(popup);
      const errors = (await popup.evaluate(() => window.slsEvents)).filter((e) => e.type === 'sls-error');
      expect(errors.map((e) => e.detail.code)).toEqual(['bridge.not_framed']);
      expect(await page.evaluate(() => window.hostMessages)).toEqual([]);
      expect(await popup.evaluate(() => window.hostMessages)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('bridge="webview": examples/webview-host', () => {
  test.each([
    ['ios.html', 'webkit'],
    ['android.html', 'android'],
    ['webview2.html', 'webview2'],
  ])('%s: the stand-in host receives every message, the login and its assertion', async (file, api) => {
    const { context, page, problems } = await newPage();
    try {
      // The app's per-load nonce comes in the URL (nonce.mjs puts it on the element).
      const nonce = crypto.randomBytes(18).toString('base64url');
      await page.goto(`${slsd.url}webview-host/${file}?nonce=${nonce}`);
      await logInWithCard(page);
      await page.waitForFunction(() => window.hostReceived.some((r) => /sls-authenticated/.test(JSON.stringify(r.received))));
      const received = await page.evaluate(() => window.hostReceived);
      expect(new Set(received.map((r) => r.api))).toEqual(new Set([api]));
      // Android takes strings: JSON text; the others, objects.
      for (const r of received) expect(typeof r.received).toBe(api === 'android' ? 'string' : 'object');
      const messages = received.map((r) => (api === 'android' ? JSON.parse(r.received) : r.received));
      expect(messages[0]).toEqual({ type: 'sls-state', version: 1, screen: 'credentials', busy: false });
      const done = messages.find((m) => m.type === 'sls-authenticated');
      expect(done).toMatchObject({ type: 'sls-authenticated', version: 1, session: { username: USER, device_kind: 'code_card' } });
      const events = await page.evaluate(() => window.slsEvents);
      const serverAssertion = events.find((e) => e.type === 'sls-authenticated').detail.assertion;
      // Forwarded as the server gave it; its default audience is the origin.
      expect(typeof serverAssertion).toBe('string');
      expect(done.assertion).toBe(serverAssertion);
      expect(decodeJwt(done.assertion)).toMatchObject({ iss: slsd.origin, sub: USER, aud: host.origin, nonce });
      expect((await page.evaluate(() => window.slsEvents)).filter((e) => e.type === 'sls-error')).toEqual([]);
      expect(await page.locator('#received li').count()).toBe(messages.length);
      expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
      expect(problems).toEqual({ console: [], pageErrors: [], failedRequests: [], badResponses: [] });
    } finally {
      await context.close();
    }
  });

  test('an error the element shows reaches the host as code and message, without what was typed', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${slsd.url}webview-host/android.html`);
      await page.locator('#login .sls-login[data-screen="credentials"]').waitFor({ timeout: 15000 });
      await page.locator('#login-username').fill(USER);
      await page.locator('#login-password').fill('not-the-password');
      await page.locator('#login button[type="submit"]').click();
      await page.waitForFunction(() => window.hostReceived.some((r) => r.received.includes('"sls-error"')));
      const messages = (await page.evaluate(() => window.hostReceived)).map((r) => JSON.parse(r.received));
      const error = messages.find((m) => m.type === 'sls-error');
      const shown = (await page.evaluate(() => window.slsEvents)).find((e) => e.type === 'sls-error').detail;
      expect(error).toEqual({ type: 'sls-error', version: 1, code: 'auth.bad_credentials', message: shown.message });
      expect(JSON.stringify(messages)).not.toContain('not-the-password');
    } finally {
      await context.close();
    }
  });

  test('with no host API the element says so in sls-error', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${slsd.url}no-host.html`);
      await page.locator('#login .sls-login[data-screen="credentials"]').waitFor({ timeout: 15000 });
      const errors = (await page.evaluate(() => window.slsEvents)).filter((e) => e.type === 'sls-error');
      expect(errors.map((e) => e.detail)).toEqual([{
        code: 'bridge.no_host', message: 'No app is connected to this page, so the login result is not passed on.',
      }]);
    } finally {
      await context.close();
    }
  });
});
