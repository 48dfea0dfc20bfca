// The step-up login in Debian's Chromium against the REAL reference server (docs/accounts.md, "Fresh second
// factor"): a demo user logs in on the demo login page, lets the step-up window pass (slsd --step-up-window 5), is
// refused an opt-out, then confirms with <sls-login step-up> on the same page (same origin: the session cookie goes
// with its requests) and the virtual token's response; GET /api/v1/accounts then shows step_up_until and the opt-out
// succeeds, with no new session cookie. Screenshots go to web/test-results/step-up/.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { repoRoot } = require('../support/core.cjs');
const { launchChromium, RECORD_VIOLATIONS, axeViolations } = require('../support/browser.cjs');
const { startSlsd } = require('../support/slsd.cjs');

jest.setTimeout(60000);

const SHOTS = path.join(repoRoot, 'web', 'test-results', 'step-up');
const PASSWORD = 'demo-password';
/** A demo user who holds no account: the test gives them one, so that opting out is theirs alone. */
const USER = 'demo-platinum-gold';
const WINDOW_S = 5;

let server;
let browser;
let accountId;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([
    startSlsd({ args: ['--step-up-window', String(WINDOW_S)] }),
    launchChromium(),
  ]);
  const created = await server.slsctl(['create-account', 'step-up-test', USER]);
  [, accountId] = /\(id ([A-Za-z0-9_-]+)\)/.exec(created);
});

afterAll(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

/** The response the virtual token shows for the 6-digit challenge on `page` in the element `#id`. */
async function tokenResponse(context, page, id) {
  const text = await page.textContent(`#${id} [part="challenge"] [aria-hidden="true"]`);
  const challenge = text.replace(/\s/g, '');
  const token = await context.newPage();
  await token.goto(`${server.url}demo/token.html?kind=platinum_gold`);
  await token.waitForSelector('#token:not([hidden])');
  for (const digit of challenge) await token.click(`button[data-key="${digit}"]`);
  await token.click('#ok');
  await token.waitForSelector('#token[data-step="response"]');
  const response = await token.getAttribute('#response', 'data-response');
  await token.close();
  return response;
}

/** A request of the page's own origin, with its session cookie: {status, body}. */
function api(page, method, route) {
  return page.evaluate(async ([m, r]) => {
    const init = { method: m, headers: { Accept: 'application/json' } };
    if (m === 'POST') Object.assign(init, { body: '{}', headers: { ...init.headers, 'Content-Type': 'application/json' } });
    const reply = await fetch(`/api/v1${r}`, init);
    return { status: reply.status, body: await reply.json() };
  }, [method, route]);
}

test('<sls-login step-up> refreshes the session\'s second factor, and opting out then succeeds', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1100 } });
  await context.addInitScript(RECORD_VIOLATIONS);
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}demo/login.html`);
    await page.waitForSelector('#login-username');
    await page.fill('#login-username', USER);
    await page.fill('#login-password', PASSWORD);
    await page.click('#login button[type="submit"]');
    await page.waitForSelector('#login .sls-login[data-screen="challenge_response"]:not([aria-busy="true"])');
    await page.fill('#login-code', await tokenResponse(context, page, 'login'));
    await page.click('#login button[type="submit"]');
    await page.waitForSelector('#login .sls-login[data-screen="authenticated"]');
    const cookiesBefore = (await context.cookies(server.url)).filter((c) => c.name === 'sls_session');
    expect(cookiesBefore).toHaveLength(1);

    // The login's second factor grows stale: opting out is refused.
    const fresh = await api(page, 'GET', '/accounts');
    expect(fresh.body.step_up_until).toBeGreaterThan(Date.now() / 1000 - 1);
    for (let i = 0; i < 40 && (await api(page, 'GET', '/accounts')).body.step_up_until !== null; i += 1) {
      await page.waitForTimeout(500);
    }
    expect((await api(page, 'GET', '/accounts')).body.step_up_until).toBeNull();
    const refused = await api(page, 'POST', `/accounts/${accountId}/opt-out`);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'account.step_up_required']);

    // The step-up, on the same page: no credentials, the token's response.
    await page.evaluate(() => {
      const confirm = document.createElement('sls-login');
      confirm.id = 'confirm';
      confirm.stepUp = true;
      confirm.addEventListener('sls-authenticated', (event) => { window.stepUpDetail = event.detail; });
      document.querySelector('main').append(confirm);
    });
    await page.waitForSelector('#confirm .sls-login[data-screen="challenge_response"]:not([aria-busy="true"])');
    expect(await page.locator('#confirm input[name="password"]').count()).toBe(0);
    await shot(page, 'step-up-challenge');
    expect(await axeViolations(page)).toEqual([]);
    await page.fill('#confirm-code', await tokenResponse(context, page, 'confirm'));
    await page.click('#confirm button[type="submit"]');
    await page.waitForSelector('#confirm .sls-login[data-screen="authenticated"]');
    expect(await page.textContent('#confirm [part~="title"]')).toBe('Change confirmed');
    await shot(page, 'step-up-done');
    const detail = await page.evaluate(() => window.stepUpDetail);
    expect(detail).toEqual(expect.objectContaining({ step_up: true, user: USER }));
    expect(detail.step_up_until).toBeGreaterThan(Date.now() / 1000);

    const accounts = await api(page, 'GET', '/accounts');
    expect(accounts.body.step_up_until).toBe(detail.step_up_until);
    const opted = await api(page, 'POST', `/accounts/${accountId}/opt-out`);
    expect([opted.status, opted.body.opted_out, opted.body.changed]).toEqual([200, true, true]);
    // The same session: no cookie was set by the step-up.
    const cookiesAfter = (await context.cookies(server.url)).filter((c) => c.name === 'sls_session');
    expect(cookiesAfter.map((c) => c.value)).toEqual(cookiesBefore.map((c) => c.value));
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
  } finally {
    await context.close();
  }
});

test('<sls-login step-up> without a session says so, and "Try again" starts the step-up again', async () => {
  const context = await browser.newContext();
  await context.addInitScript(RECORD_VIOLATIONS);
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}demo/login.html`);
    await page.waitForSelector('#login-username');
    await page.evaluate(() => {
      const confirm = document.createElement('sls-login');
      confirm.id = 'confirm';
      confirm.setAttribute('step-up', '');
      confirm.lang = 'zh-Hant';
      document.querySelector('main').append(confirm);
    });
    await page.waitForSelector('#confirm .sls-login[data-screen="failed"]');
    expect(await page.textContent('#confirm [part~="error"]')).toContain('您尚未登入');
    const requests = [];
    page.on('request', (r) => { if (r.url().endsWith('/api/v1/login')) requests.push(r.postData()); });
    await page.click('#confirm-retry');
    await page.waitForSelector('#confirm .sls-login[data-screen="failed"]:not([aria-busy="true"])');
    expect(requests).toEqual(['{"step_up":true}']);
    await shot(page, 'step-up-no-session-zh-Hant');
  } finally {
    await context.close();
  }
});
