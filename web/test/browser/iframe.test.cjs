// <sls-login> inside an iframe, in Debian's Chromium: web/demo/frame-host.html
// frames the demo login page (web/demo/login.html) from the same origin, as
// an integrator's host page or a webview shell would, under the production
// Content-Security-Policy of web/scripts/serve.mjs (frame-ancestors 'self')
// and against the in-process fake of the API (support/fake-api.cjs). A
// code-card login is completed inside the frame; neither document may log a
// console error or break a CSP rule. A page of another origin may not frame
// the login page.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { distDir } = require('../support/core.cjs');
const { launchChromium, watch, RECORD_VIOLATIONS } = require('../support/browser.cjs');
const { startFakeApi, TEST_PASSWORD } = require('../support/fake-api.cjs');

jest.setTimeout(60000);

// Runs in every document of the context (host and frame) before its
// scripts: keeps the element's events for the test to read.
const RECORD_EVENTS = () => {
  window.slsEvents = [];
  for (const type of ['sls-state', 'sls-error', 'sls-authenticated']) {
    window.addEventListener(type, (event) => window.slsEvents.push({ type, detail: event.detail }), true);
  }
};

let fake;
let browser;

beforeAll(async () => {
  for (const file of ['sls-core.mjs', 'sls-core.wasm', 'dom-patcher.js']) {
    if (!fs.existsSync(path.join(distDir, file))) {
      throw new Error(`${file} is not built in ${distDir}: cmake --preset wasm && cmake --build --preset wasm`);
    }
  }
  fake = await startFakeApi();
  browser = await launchChromium();
});

afterAll(async () => {
  if (browser) await browser.close();
  if (fake) await fake.close();
});

beforeEach(() => fake.reset());

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
  await context.addInitScript(RECORD_VIOLATIONS);
  await context.addInitScript(RECORD_EVENTS);
  const page = await context.newPage();
  // Playwright reports console messages and errors of every frame on the page.
  const problems = watch(page);
  return { context, page, problems };
}

test('a code-card login inside a same-origin iframe', async () => {
  const { context, page, problems } = await newPage();
  try {
    const host = await page.goto(`${fake.url}demo/frame-host.html`);
    expect(host.status()).toBe(200);
    expect(host.headers()['content-security-policy']).toContain("frame-ancestors 'self'");

    const frame = page.frameLocator('#login-frame');
    const inFrame = (selector) => frame.locator(`sls-login ${selector}`);
    const waitScreen = (screen) => frame.locator(`sls-login > .sls-login[data-screen="${screen}"]`)
      .waitFor({ timeout: 15000 });

    await waitScreen('credentials');
    await inFrame('input[name="username"]').fill('card');
    await inFrame('input[name="password"]').fill(TEST_PASSWORD);
    await inFrame('[part~="primary"]').click();
    await waitScreen('code_card');
    await inFrame('input[name="code"]').fill(fake.answer());
    await inFrame('[part~="primary"]').click();
    await waitScreen('authenticated');

    // The frame's page saw the element's event and says who logged in.
    const loginFrame = page.frames().find((f) => f !== page.mainFrame() && f.url().includes('/demo/login.html'));
    expect(loginFrame).toBeDefined();
    expect(loginFrame.parentFrame()).toBe(page.mainFrame());
    const sessions = await loginFrame.evaluate(
      () => window.slsEvents.filter((e) => e.type === 'sls-authenticated').map((e) => e.detail));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ username: 'card', device_kind: 'code_card', access: 'full' });
    expect(await frame.locator('#outcome').textContent()).toContain('card');
    // Its session too (same origin as the page that frames it: the cookie is first-party).
    await frame.locator('#session-facts').filter({ hasText: 'without use' }).waitFor();
    // The events stay in the frame's document: the host page heard none.
    expect(await page.evaluate(() => window.slsEvents)).toEqual([]);

    expect(fake.requests.map((r) => `${r.route} ${r.status}`)).toEqual([
      'POST /login 200',
      'POST /login/{login_id}/challenge 200',
      'POST /login/{login_id}/verify 200',
      'POST /login/{login_id}/complete 200',
      'GET /session 200',
    ]);
    // Nothing to explain away: no error of any kind in either document.
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(await loginFrame.evaluate(() => window.cspViolations)).toEqual([]);
    expect(problems).toEqual({ console: [], pageErrors: [], failedRequests: [], badResponses: [] });
  } finally {
    await context.close();
  }
});

test('a page of another origin may not frame the login page', async () => {
  const { context, page, problems } = await newPage();
  let closeForeign = async () => {};
  try {
    // A host page on another origin: another port of this machine, served
    // here without any CSP of its own. (A page the browser driver answers
    // for a made-up host would be refused earlier, by Chromium's local
    // network checks, and would not exercise frame-ancestors.)
    const foreign = http.createServer((request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html lang="en"><head><title>Other site</title></head><body>
        <iframe id="login-frame" src="${fake.url}demo/login.html?lang=en" title="Log in"></iframe></body></html>`);
    });
    await new Promise((resolve) => { foreign.listen(0, '127.0.0.1', resolve); });
    closeForeign = () => new Promise((resolve) => { foreign.closeAllConnections(); foreign.close(resolve); });
    const foreignHost = `http://127.0.0.1:${foreign.address().port}/host.html`;
    const refused = page.waitForEvent('requestfailed', (request) => request.url().includes('/demo/login.html'));
    await page.goto(foreignHost);
    expect((await refused).failure().errorText).toBe('net::ERR_BLOCKED_BY_RESPONSE');
    expect(await page.frameLocator('#login-frame').locator('sls-login').count()).toBe(0);
    expect(fake.requests).toEqual([]); // the element never ran
    expect(problems.console).toHaveLength(1);
    expect(problems.console[0]).toMatch(/^error: Framing .* violates .*"frame-ancestors 'self'"/s);
    expect(problems.pageErrors).toEqual([]);
  } finally {
    await context.close();
    await closeForeign();
  }
});
