// What the security centre's Chromium suite needs around the real slsd: a watched browser context (console
// errors, page errors, failed loads, error answers, CSP violations, the CSP header of every static file), and a
// login on the demo login page (then its link to the security centre page, demo/security.html) with a hardware token whose response the Node build of the core computes from
// the demo seed (as the virtual token page would).
'use strict';

const { watch, RECORD_VIOLATIONS } = require('./browser.cjs');

const PASSWORD = 'demo-password';

/**
 * A context whose pages are watched; `check(expected)` asserts all is clean but for the error answers the test
 * expects ([status, url pattern] pairs).
 */
async function openContext(browser, server, viewport = { width: 1000, height: 1100 }) {
  const context = await browser.newContext({ viewport });
  await context.addInitScript(RECORD_VIOLATIONS);
  const pages = [];
  const staticFiles = [];
  async function open(relative) {
    const page = await context.newPage();
    const problems = watch(page);
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.origin !== server.origin || url.pathname.startsWith('/api/') || response.status() !== 200) return;
      staticFiles.push({ path: url.pathname, csp: response.headers()['content-security-policy'] ?? '' });
    });
    pages.push({ page, problems });
    await page.goto(server.url + relative);
    return page;
  }
  async function check(expectedErrors = []) {
    const allowed = expectedErrors;
    const expected = (status, url) => allowed.some(([s, pattern]) => s === status && pattern.test(url));
    for (const { page, problems } of pages) {
      const badResponses = problems.badResponses.filter((line) => {
        const [status, url] = line.split(' ');
        return !expected(Number(status), url);
      });
      // Chromium logs each error answer to the console, usually with its URL; when it gives none, an
      // expected answer of that status stands for it.
      const unmatched = problems.badResponses.filter((line) => expected(Number(line.split(' ')[0]), line.split(' ')[1]))
        .map((line) => Number(line.split(' ')[0]));
      const consoleErrors = problems.console.filter((text, i) => {
        const status = /status of (\d+)/.exec(text);
        if (!status) return true;
        const url = problems.consoleUrls[i];
        if (url) return !expected(Number(status[1]), url);
        const at = unmatched.indexOf(Number(status[1]));
        if (at < 0) return true;
        unmatched.splice(at, 1);
        return false;
      });
      expect({ ...problems, console: consoleErrors, badResponses })
        .toEqual({ console: [], pageErrors: [], failedRequests: [], badResponses: [] });
      if (!page.isClosed()) expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    }
    expect(staticFiles.map((f) => f.path)).toEqual(expect.arrayContaining(['/sls-security.js', '/sls-security-define.js']));
    for (const file of staticFiles) {
      expect([file.path, file.csp]).toEqual([file.path, expect.stringContaining("script-src 'self' 'wasm-unsafe-eval'")]);
      expect(file.csp).not.toContain('unsafe-inline');
    }
  }
  return { context, open, check, close: () => context.close() };
}

/** demo/login.html?lang=LANG with `username` and the demo password submitted; resolves on its second-factor screen. */
async function startLogin(ctx, username, lang, screen) {
  const page = await ctx.open(`demo/login.html?lang=${lang}`);
  await page.waitForSelector('#login-username');
  await page.fill('#login-username', username);
  await page.fill('#login-password', PASSWORD);
  await page.click('#login button[type="submit"]');
  await page.waitForSelector(`#login .sls-login[data-screen="${screen}"]:not([aria-busy="true"])`);
  return page;
}

/**
 * Answers the hardware-token challenge shown by the <sls-login> whose id is `elementId` with the token of
 * `tokenUser` (dsc, dsc_plus or platinum_gold of the demo seed): the response computed by the core, as the
 * virtual token page would.
 */
async function answerToken(page, elementId, server, core, tokenUser) {
  const challenge = (await page.textContent(`#${elementId} [part="challenge"] [aria-hidden="true"]`)).replace(/\s/g, '');
  const { token } = server.users[tokenUser];
  const input = { question: challenge };
  if (token.pin) input.pin = token.pin;
  const response = core.compute_device_response(token.ocra_suite, token.key_hex, input, 'en');
  if (!response.ok) throw new Error(`token response: ${response.error.message}`);
  await page.fill(`#${elementId}-code`, response.value);
  await page.click(`#${elementId} button[type="submit"]`);
}

/**
 * Logs `username` in on demo/login.html?lang=LANG with its hardware token. Resolves with the page, the security
 * centre shown (its overview).
 */
async function loginWithToken(ctx, server, core, username, lang = 'en') {
  const page = await startLogin(ctx, username, lang, 'challenge_response');
  await answerToken(page, 'login', server, core, username);
  await page.waitForSelector('#login .sls-login[data-screen="authenticated"]');
  return openSecurity(page);
}

/** Logs `username` in with its code card (the codes at the two indices asked, from the demo seed); the centre shown. */
async function loginWithCard(ctx, server, username, lang = 'en') {
  const page = await startLogin(ctx, username, lang, 'code_card');
  const indices = (await page.$$eval('#login [part="index"]', (lis) => lis.map((li) => li.textContent)))
    .map((text) => Number(/(\d+)/.exec(text)[1]));
  const { cells } = server.users[username].card;
  await page.fill('#login-code', indices.map((i) => cells[i - 1]).join(' '));
  await page.click('#login button[type="submit"]');
  await page.waitForSelector('#login .sls-login[data-screen="authenticated"]');
  return openSecurity(page);
}

/** From the demo login page after a login: follows its link to the security centre; resolves on the overview. */
async function openSecurity(page) {
  // The login page reads GET /session after the login: leaving before it answers aborts it (a failed request).
  await page.waitForLoadState('networkidle');
  await page.click('#security-link');
  await page.waitForURL(/\/demo\/security\.html/);
  await waitForSecurity(page, 'overview');
  return page;
}

function waitForSecurity(page, screen, timeout = 15000) {
  return page.waitForSelector(`#security .sls-security[data-screen="${screen}"]:not([aria-busy="true"])`, { timeout });
}

/** Presses Tab until the element with this id has focus (at most `max` times); false if it never does. */
async function tabTo(page, id, max = 60) {
  for (let i = 0; i < max; i += 1) {
    if (await page.evaluate((target) => document.activeElement?.id === target, id)) return true;
    await page.keyboard.press('Tab');
  }
  return page.evaluate((target) => document.activeElement?.id === target, id);
}

module.exports = {
  PASSWORD, openContext, startLogin, answerToken, loginWithToken, loginWithCard, openSecurity, waitForSecurity, tabTo,
};
