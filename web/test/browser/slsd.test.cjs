// Every login method in Debian's Chromium against the REAL reference server:
// slsd on 127.0.0.1 with a temporary database seeded by `slsctl demo-seed`,
// serving the demo pages under its strict Content-Security-Policy. The login
// page's <sls-login> does the login; the demo pages play the user's devices
// (the Mobile Key simulator, the virtual tokens, the SMS outbox, the printed
// cards). Screenshots of each flow go to web/test-results/slsd/.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const jsQR = require('jsqr');
const { repoRoot, loadCore, readErrorCatalog } = require('../support/core.cjs');
const {
  launchChromium, watch, RECORD_VIOLATIONS, pngPixels, axeViolations,
} = require('../support/browser.cjs');
const { startSlsd } = require('../support/slsd.cjs');

jest.setTimeout(60000);

const SHOTS = path.join(repoRoot, 'web', 'test-results', 'slsd');
const PASSWORD = 'demo-password';
/** The PIN the tests give the Mobile Key simulator at activation. */
const MK_PIN = '2580';
/** Push lifetime of the main server: short, so that "unanswered" expires within the test. */
const PUSH_TTL_S = 10;

const catalog = readErrorCatalog();
const message = (code) => {
  const entry = catalog.find((e) => e.code === code);
  if (!entry) throw new Error(`no error ${code} in errors.def`);
  return entry.en;
};

let server;
let browser;
let core;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  [server, browser, core] = await Promise.all([
    startSlsd({ args: ['--push-ttl', String(PUSH_TTL_S), '--pushes-per-hour', '60'] }),
    launchChromium(),
    loadCore(),
  ]);
});

afterAll(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// --- helpers ------------------------------------------------------------------

/**
 * A browser context whose pages are watched: console errors, page errors,
 * failed loads, error answers, CSP violations, and the CSP header of every
 * static file the server sends. `check()` asserts all of it is clean, but
 * for the error answers the test expects ([status, path pattern] pairs).
 */
async function openContext(target = server) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1100 } });
  await context.addInitScript(RECORD_VIOLATIONS);
  const pages = [];
  const staticFiles = [];
  const apiCalls = [];
  const pending = [];
  async function open(relative) {
    const page = await context.newPage();
    const problems = watch(page);
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.origin !== target.origin) return;
      if (url.pathname.startsWith('/api/') || response.status() !== 200) return;
      staticFiles.push({ path: url.pathname, csp: response.headers()['content-security-policy'] ?? '' });
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith('/api/')) return;
      const call = { method: request.method(), path: url.pathname, url: request.url(), headers: {}, reply: null };
      apiCalls.push(call);
      // Filled in as they arrive; read them after the flow is over. A status
      // request the server holds (long poll) may still be open when its
      // page closes: its headers are then gone, which is no failure.
      pending.push(request.allHeaders().then((headers) => { call.headers = headers; }).catch(() => {}));
      pending.push(request.response().then((response) => response?.text())
        .then((text) => { call.reply = text ?? null; }).catch(() => {}));
    });
    pages.push({ page, problems });
    await page.goto(target.url + relative);
    await page.waitForSelector('body[data-ready="true"], sls-login .sls-login', { timeout: 15000 });
    return page;
  }
  async function check(expectedErrors = []) {
    const expected = (status, url) => expectedErrors.some(([s, pattern]) => s === status && pattern.test(url));
    for (const { page, problems } of pages) {
      const badResponses = problems.badResponses.filter((line) => {
        const [status, url] = line.split(' ');
        return !expected(Number(status), url);
      });
      // Chromium logs every error answer to the console, with its URL.
      const consoleErrors = problems.console.filter((text, i) => {
        const status = /status of (\d+)/.exec(text);
        return !(status && expected(Number(status[1]), problems.consoleUrls[i]));
      });
      // The component aborts a poll that no longer matters (cancel_http, or
      // the page closing): Chromium lists those as failed loads.
      const failedRequests = problems.failedRequests.filter(
        (line) => !/\/api\/v1\/(push\/|login\/[^/]+\/challenge-status).* net::ERR_ABORTED$/.test(line));
      expect({ ...problems, console: consoleErrors, badResponses, failedRequests })
        .toEqual({ console: [], pageErrors: [], failedRequests: [], badResponses: [] });
      if (!page.isClosed()) expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    }
    expect(staticFiles.length).toBeGreaterThan(0);
    for (const file of staticFiles) {
      expect([file.path, file.csp]).toEqual([file.path, expect.stringContaining("script-src 'self' 'wasm-unsafe-eval'")]);
      expect(file.csp).not.toContain('unsafe-inline');
    }
  }
  /** apiCalls with their request headers and reply texts in. */
  async function settledCalls() {
    await Promise.all(pending);
    return apiCalls;
  }
  return { context, open, check, apiCalls, settledCalls, close: () => context.close() };
}

const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

const screenOf = (page) => page.getAttribute('#login .sls-login', 'data-screen');

function waitForScreen(page, screen, timeout = 15000) {
  return page.waitForSelector(`#login .sls-login[data-screen="${screen}"]:not([aria-busy="true"])`, { timeout });
}

/** Opens the login page and passes the password step; resolves with the page. */
async function startLogin(ctx, username, password = PASSWORD) {
  const page = await ctx.open('demo/login.html');
  await page.waitForSelector('#login-username');
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('#login button[type="submit"]');
  await page.waitForFunction(() => {
    const screen = document.querySelector('#login .sls-login')?.dataset.screen;
    return screen && screen !== 'credentials' && screen !== 'loading';
  });
  return page;
}

async function typeCode(page, code) {
  await page.fill('#login-code', code);
  await page.click('#login button[type="submit"]');
}

async function expectAuthenticated(page, username, name) {
  await waitForScreen(page, 'authenticated');
  await page.waitForFunction((user) => document.getElementById('outcome').textContent.includes(user), username);
  await shot(page, name);
}

/** The 6 digits of the challenge on the login page. */
async function challengeOf(page) {
  const text = await page.textContent('#login [part="challenge"] [aria-hidden="true"]');
  return text.replace(/\s/g, '');
}

/** A well-formed response (valid check digit) that is not the device's. */
function wrongResponse(right) {
  for (let n = 1000000; ; n += 1) {
    const candidate = core.response_from_ocra(String(n), 'en').value;
    if (candidate !== right) return candidate;
  }
}

/** The response a virtual token page shows for a challenge (PIN first on a DSC+). */
async function tokenResponse(ctx, kind, challenge, name) {
  const page = await ctx.open(`demo/token.html?kind=${kind}`);
  await page.waitForSelector('#token:not([hidden])');
  if (kind === 'dsc_plus') {
    expect(await page.getAttribute('#token', 'data-step')).toBe('pin');
    for (const digit of server.users['demo-dsc-plus'].token.pin) await page.click(`button[data-key="${digit}"]`);
    await page.click('#ok');
  }
  expect(await page.getAttribute('#token', 'data-step')).toBe('challenge');
  for (const digit of challenge) await page.click(`button[data-key="${digit}"]`);
  await page.click('#ok');
  await page.waitForSelector('#token[data-step="response"]');
  if (name) await shot(page, name);
  return page.getAttribute('#response', 'data-response');
}

// --- the pages ---------------------------------------------------------------------

test('the start page lists the demo users and links every page, each under the strict CSP', async () => {
  const ctx = await openContext();
  try {
    const start = await ctx.open('');
    expect(new URL(start.url()).pathname).toBe('/demo/');
    const rows = await start.$$eval('#users-body tr', (trs) => trs.map((tr) => tr.dataset.user));
    expect(rows.sort()).toEqual(Object.keys(server.users).sort());
    const tempRow = await start.textContent('#users-body tr[data-user="demo-temp-code"]');
    expect(tempRow).toContain(server.users['demo-temp-code'].temp_code);
    await shot(start, 'start-page');
    const links = await start.$$eval('main a[href]', (as) => [...new Set(as.map((a) => a.getAttribute('href')))]);
    for (const page of ['login.html', 'mobile-key.html', 'token.html?kind=dsc', 'token.html?kind=dsc_plus',
      'token.html?kind=platinum_gold', 'outbox.html', 'cards.html', 'core.html']) {
      expect(links).toContain(page);
    }
    for (const link of links.filter((href) => !href.includes('#'))) {
      const page = await ctx.open(`demo/${link}`);
      expect(await page.title()).not.toBe('');
      // The device pages of this demo (the login page has its own suite).
      if (!/^(login|core)\.html/.test(link)) expect([link, await axeViolations(page)]).toEqual([link, []]);
    }
    expect([await axeViolations(start)]).toEqual([[]]);
    // The phone's operations are in the demo module only, never in the one <sls-login> loads.
    const phoneOps = ['kx_generate_key_pair', 'mobile_key_phone_ocra_secret', 'ocra_hash_pin', 'mobile_key_sign',
      'push_decision_message', 'device_pull_message', 'qr_approval_message'];
    const exported = await start.evaluate(async (names) => {
      const shipped = await (await import('/dist/sls-core.mjs')).default();
      const demo = await (await import('/dist/demo/sls-core.mjs')).default();
      return names.map((name) => `${name}: ${typeof shipped[name]}/${typeof demo[name]}`);
    }, phoneOps);
    expect(exported).toEqual(phoneOps.map((name) => `${name}: undefined/function`));
    const cards = await ctx.open('demo/cards.html');
    expect(await cards.locator('.code-card').count()).toBe(2);
    await shot(cards, 'cards');
    await cards.emulateMedia({ media: 'print' });
    expect(await cards.isHidden('header.bar')).toBe(true);
    await shot(cards, 'cards-print');
    await ctx.check();
  } finally {
    await ctx.close();
  }
});

// --- a login with every device kind -------------------------------------------------

test('password only: an opted-out user is in after the password', async () => {
  const ctx = await openContext();
  try {
    const page = await startLogin(ctx, 'demo-none');
    await expectAuthenticated(page, 'demo-none', 'none');
    // The page shows when the session ends (GET /session) and logs out
    // (DELETE /session): the server forgets it, the old cookie is refused.
    await page.locator('#session-facts').filter({ hasText: 'without use' }).waitFor();
    const [cookie] = (await ctx.context.cookies(server.url)).filter((c) => c.name === 'sls_session');
    const asked = (value) => fetch(`${server.url}api/v1/session`, { headers: { Cookie: `sls_session=${value}` } });
    expect((await asked(cookie.value)).status).toBe(200);
    await page.click('#logout');
    await waitForScreen(page, 'credentials');
    await page.locator('#outcome').filter({ hasText: 'You are logged out.' }).waitFor();
    const after = await asked(cookie.value);
    expect([after.status, (await after.json()).error.code]).toEqual([401, 'session.none']);
    expect((await ctx.context.cookies(server.url)).filter((c) => c.name === 'sls_session')).toEqual([]);
    await ctx.check();
  } finally {
    await ctx.close();
  }
});

test('SMS: the code from the outbox page', async () => {
  const ctx = await openContext();
  try {
    const since = Math.floor(Date.now() / 1000) - 1;
    const page = await startLogin(ctx, 'demo-sms');
    expect(await screenOf(page)).toBe('sms');
    await shot(page, 'sms-login');
    const outbox = await ctx.open('demo/outbox.html');
    const phone = server.users['demo-sms'].phone;
    const row = outbox.locator(`#messages-body tr[data-to="${phone}"]`).first();
    await outbox.waitForFunction(({ to, after }) => {
      const tr = document.querySelector(`#messages-body tr[data-to="${to}"]`);
      return tr && Number(tr.dataset.at) >= after;
    }, { to: phone, after: since });
    const code = /\b(\d{6})\b/.exec(await row.locator('td.text').textContent())[1];
    await shot(outbox, 'sms-outbox');
    await typeCode(page, code);
    await expectAuthenticated(page, 'demo-sms', 'sms');
    await ctx.check();
  } finally {
    await ctx.close();
  }
});

test.each(['demo-code-card', 'demo-online-card'])('%s: the codes at the two indices, read off the printable card', async (user) => {
  const ctx = await openContext();
  try {
    const page = await startLogin(ctx, user);
    expect(await screenOf(page)).toBe('code_card');
    const indices = (await page.$$eval('#login [part="index"]', (lis) => lis.map((li) => li.textContent)))
      .map((text) => /(\d+)/.exec(text)[1]);
    expect(indices).toHaveLength(2);
    const cards = await ctx.open('demo/cards.html');
    const codes = [];
    for (const index of indices) codes.push(await cards.textContent(`#card-${user} td[data-index="${index}"] .code`));
    expect(codes).toEqual(indices.map((i) => server.users[user].card.cells[Number(i) - 1]));
    // Typed the way people do: lower case, a space between the two codes.
    await typeCode(page, `${codes[0]} ${codes[1]}`.toLowerCase());
    await expectAuthenticated(page, user, user.replace('demo-', ''));
    await ctx.check();
  } finally {
    await ctx.close();
  }
});

test.each([
  ['demo-dsc', 'dsc'],
  ['demo-dsc-plus', 'dsc_plus'],
  ['demo-platinum-gold', 'platinum_gold'],
])('%s: the response of the virtual token', async (user, kind) => {
  const ctx = await openContext();
  try {
    const page = await startLogin(ctx, user);
    expect(await screenOf(page)).toBe('challenge_response');
    // Only a Mobile Key login shows a QR code.
    expect(await page.locator('#login svg').count()).toBe(0);
    const response = await tokenResponse(ctx, kind, await challengeOf(page), `token-${kind}`);
    expect(response).toMatch(/^\d{8}$/);
    await typeCode(page, core.format_response(response));
    await expectAuthenticated(page, user, kind);
    await ctx.check();
  } finally {
    await ctx.close();
  }
});

test('temporary code: typed in lower case with its dash', async () => {
  const ctx = await openContext();
  try {
    const page = await startLogin(ctx, 'demo-temp-code');
    expect(await screenOf(page)).toBe('temp_code');
    await typeCode(page, server.users['demo-temp-code'].temp_code.toLowerCase());
    await expectAuthenticated(page, 'demo-temp-code', 'temp_code');
    await ctx.check();
  } finally {
    await ctx.close();
  }
});

// --- wrong input ---------------------------------------------------------------------

test('a wrong response is refused by the server, and the right one then works', async () => {
  const ctx = await openContext();
  try {
    const page = await startLogin(ctx, 'demo-platinum-gold');
    const challenge = await challengeOf(page);
    const right = await tokenResponse(ctx, 'platinum_gold', challenge);
    await typeCode(page, wrongResponse(right));
    await page.waitForSelector('#login-error');
    expect(await page.textContent('#login-error')).toContain(message('response.mismatch'));
    expect(await screenOf(page)).toBe('challenge_response');
    await shot(page, 'wrong-code');
    await typeCode(page, right);
    await expectAuthenticated(page, 'demo-platinum-gold', 'wrong-code-then-right');
    await ctx.check([[401, /\/verify$/]]);
  } finally {
    await ctx.close();
  }
});

test('a typo caught by the check digit sends no request', async () => {
  const ctx = await openContext();
  try {
    const page = await startLogin(ctx, 'demo-dsc');
    const right = await tokenResponse(ctx, 'dsc', await challengeOf(page));
    // One digit changed: the Damm check digit catches every single-digit error.
    const typo = right.slice(0, 3) + String((Number(right[3]) + 1) % 10) + right.slice(4);
    const verifies = () => ctx.apiCalls.filter((c) => c.path.endsWith('/verify')).length;
    const before = verifies();
    await typeCode(page, typo);
    await page.waitForSelector('#login-error');
    expect(await page.textContent('#login-error')).toContain(message('response.check_digit'));
    expect(await page.getAttribute('#login-code', 'aria-invalid')).toBe('true');
    await shot(page, 'typo');
    await page.waitForTimeout(300);
    expect(verifies()).toBe(before);
    await typeCode(page, right);
    await expectAuthenticated(page, 'demo-dsc', 'typo-then-right');
    expect(verifies()).toBe(before + 1);
    await ctx.check();
  } finally {
    await ctx.close();
  }
});

test('repeated wrong responses lock the user out', async () => {
  await server.slsctl(['create-user', 'lock-test', '--password-stdin'], `${PASSWORD}\n`);
  await server.slsctl(['enroll', 'lock-test', 'dsc']);
  const ctx = await openContext();
  try {
    const page = await startLogin(ctx, 'lock-test');
    const response = wrongResponse('');
    let attempts = 0;
    while ((await screenOf(page)) === 'challenge_response' && attempts < 10) {
      attempts += 1;
      const answered = page.waitForResponse((r) => r.url().endsWith('/verify'));
      await typeCode(page, response);
      await answered;
      await page.waitForSelector('#login .sls-login:not([aria-busy="true"])');
    }
    await waitForScreen(page, 'locked');
    expect(attempts).toBeLessThanOrEqual(6);
    expect(await page.textContent('#login-error')).toContain(message('auth.locked'));
    await shot(page, 'locked');
    // Locked means locked: the password step refuses too, while the lock lasts.
    await page.click('#login-retry');
    await page.fill('#login-username', 'lock-test');
    await page.fill('#login-password', PASSWORD);
    await page.click('#login button[type="submit"]');
    await waitForScreen(page, 'locked');
    await ctx.check([[401, /\/verify$/], [423, /\/api\/v1\//]]);
  } finally {
    await ctx.close();
  }
});

// --- Mobile Key ------------------------------------------------------------------------

describe('Mobile Key through the simulator page', () => {
  // One context: the simulated phone keeps its keys in the origin's storage.
  let ctx;
  let phone;

  beforeAll(async () => {
    ctx = await openContext();
    phone = await ctx.open('demo/mobile-key.html');
  });

  afterAll(async () => {
    if (ctx) await ctx.close();
  });

  afterEach(async () => {
    // Back to the list of requests, with nothing typed left over.
    if (phone && !phone.isClosed()) await phone.click('#tab-requests').catch(() => {});
  });

  async function approvePush(number, decision = 'approve') {
    await phone.click('#tab-requests');
    const pending = phone.locator('#pushes li:not(.decided)').first();
    await pending.waitFor({ timeout: 10000 });
    const request = phone.locator(`#pushes li[data-tx="${await pending.getAttribute('data-tx')}"]`);
    expect(await request.locator('.origin').textContent()).toBe(server.origin);
    expect(await request.locator('.user').textContent()).toBe('demo-mobile-key');
    await request.locator('.number').fill(number);
    if (decision === 'approve') {
      await request.locator('.pin').fill(MK_PIN);
      await request.locator('.approve').click();
    } else {
      await request.locator(decision === 'deny' ? '.deny' : '.not-me').click();
    }
    await phone.waitForSelector(`#pushes li.decided[data-outcome="${decision === 'approve' ? 'approved' : 'denied'}"]`);
    return request;
  }

  async function responseOnPhone(challenge) {
    await phone.click('#tab-challenge');
    await phone.fill('#cr-challenge', challenge);
    await phone.fill('#cr-pin', MK_PIN);
    await phone.click('#cr-submit');
    await phone.waitForSelector('#cr-response-box:not([hidden])');
    return phone.getAttribute('#cr-response', 'data-response');
  }

  test('activation with the code from the demo seed', async () => {
    expect(await phone.getAttribute('body', 'data-activated')).toBe('false');
    // Filled in from the demo accounts.
    expect(await phone.inputValue('#ak-user')).toBe('demo-mobile-key');
    expect(await phone.inputValue('#ak-code')).toBe(server.users['demo-mobile-key'].activation_code);
    await phone.fill('#ak-pin', MK_PIN);
    await phone.fill('#ak-pin2', '0000');
    await phone.click('#ak-submit');
    expect(await phone.textContent('#ak-message')).not.toBe('');
    await phone.fill('#ak-pin2', MK_PIN);
    await phone.click('#ak-submit');
    await phone.waitForSelector('body[data-activated="true"]');
    expect(await phone.getAttribute('#home', 'data-device')).toBe(server.users['demo-mobile-key'].device_id);
    // The phone pinned the server's signing key and derived the OCRA secret itself.
    // MOBILE_KEY_STORAGE_KEY of demo-kit.mjs: the demo says where the keys are.
    const stored = await phone.evaluate(() => JSON.parse(localStorage.getItem('sls-demo-mobile-key')));
    const serverKey = await (await fetch(`${server.url}api/v1/server-key`)).json();
    expect(stored.server_sign_key).toBe(Buffer.from(serverKey.sign_public_key, 'base64url').toString('hex'));
    expect(stored.ocra_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toHaveProperty('kx_secret_key');
    await shot(phone, 'mobile-key-activated');
    expect(await axeViolations(phone)).toEqual([]);
    // The start page of the same browser no longer offers the used code.
    const start = await ctx.open('demo/');
    const row = await start.textContent('#users-body tr[data-user="demo-mobile-key"]');
    expect(row).toContain('this browser is active');
    await start.close();
    await ctx.check();
  });

  test('push approved on the phone with the number shown on the login page', async () => {
    const page = await startLogin(ctx, 'demo-mobile-key');
    expect(await screenOf(page)).toBe('push');
    const number = (await page.textContent('#login [part="number"]')).trim();
    expect(number).toMatch(/^\d{2}$/);
    await shot(page, 'push-login');
    const request = await approvePush(number);
    await shot(phone, 'push-phone');
    await expectAuthenticated(page, 'demo-mobile-key', 'push-approved');
    expect(await request.locator('.message').textContent()).not.toBe('');
    await page.close();
    await ctx.check();
  });

  test('the login secret travels in a header only; no URL carries it or a completion token', async () => {
    const before = ctx.apiCalls.length;
    const page = await startLogin(ctx, 'demo-mobile-key');
    const number = (await page.textContent('#login [part="number"]')).trim();
    await approvePush(number);
    await expectAuthenticated(page, 'demo-mobile-key', 'push-bound');
    await page.close();
    const calls = (await ctx.settledCalls()).slice(before);
    const login = calls.find((c) => c.method === 'POST' && c.path === '/api/v1/login');
    const { login_id: loginId, login_secret: secret } = JSON.parse(login.reply);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(login.headers).not.toHaveProperty('x-sls-login-secret');
    const tokens = calls.map((c) => /"completion_token":"([^"]+)"/.exec(c.reply ?? '')?.[1]).filter(Boolean);
    expect(tokens.length).toBeGreaterThan(0);  // the approved push's status
    // The login page's requests after /login: each names the login or its push, each carries the secret.
    const bound = calls.filter((c) => c.path.startsWith(`/api/v1/login/${loginId}/`) ||
      (/^\/api\/v1\/push\/[\w-]+$/.test(c.path)));
    expect(bound.map((c) => `${c.method} ${c.path.replace(/[\w-]{22}/g, '{id}')}`)).toEqual(expect.arrayContaining([
      'POST /api/v1/login/{id}/challenge', 'GET /api/v1/push/{id}', 'POST /api/v1/login/{id}/complete']));
    for (const c of bound) expect([c.path, c.headers['x-sls-login-secret']]).toEqual([c.path, secret]);
    for (const c of calls) {
      for (const value of [secret, ...tokens]) expect([c.url, c.url.includes(value)]).toEqual([c.url, false]);
    }
    await ctx.check();
  });

  test('push denied on the phone', async () => {
    const page = await startLogin(ctx, 'demo-mobile-key');
    expect(await screenOf(page)).toBe('push');
    await approvePush('', 'deny');
    await waitForScreen(page, 'failed');
    expect(await page.textContent('#login-error')).toContain(message('push.denied'));
    await shot(page, 'push-denied');
    await page.close();
    await ctx.check();
  });

  test('push unanswered: it expires, then challenge/response takes over', async () => {
    const page = await startLogin(ctx, 'demo-mobile-key');
    expect(await screenOf(page)).toBe('push');
    // The phone sees the request but nobody answers it.
    await phone.locator('#pushes li:not(.decided)').first().waitFor();
    await waitForScreen(page, 'failed', (PUSH_TTL_S + 10) * 1000);
    expect(await page.textContent('#login-error')).toContain(message('push.expired'));
    await shot(page, 'push-expired');
    await page.click('#login-retry');
    await waitForScreen(page, 'push');
    await page.click('#login [part~="link"]');
    await waitForScreen(page, 'challenge_response');
    const response = await responseOnPhone(await challengeOf(page));
    await typeCode(page, core.format_response(response));
    await expectAuthenticated(page, 'demo-mobile-key', 'push-expired-then-code');
    await page.close();
    await ctx.check();
  });

  test('challenge/response: "no notification?" and the response the phone computes', async () => {
    const page = await startLogin(ctx, 'demo-mobile-key');
    await page.click('#login [part~="link"]');
    await waitForScreen(page, 'challenge_response');
    const response = await responseOnPhone(await challengeOf(page));
    await shot(phone, 'challenge-phone');
    await typeCode(page, response);
    await expectAuthenticated(page, 'demo-mobile-key', 'challenge-response');
    await page.close();
    await ctx.check();
  });

  test('QR code read off the login page, verified and approved online by the phone', async () => {
    const page = await startLogin(ctx, 'demo-mobile-key');
    await page.click('#login [part~="link"]');
    await waitForScreen(page, 'challenge_response');
    const png = await page.locator('#login svg[part="qr-code"]').screenshot();
    const { width, height, data } = await pngPixels(page, png);
    const decoded = jsQR(data, width, height);
    expect(decoded).not.toBeNull();
    expect(decoded.data.startsWith('SLS1.')).toBe(true);
    await shot(page, 'qr-login');

    await phone.click('#tab-qr');
    await phone.fill('#qr-payload', decoded.data);
    await phone.click('#qr-check');
    await phone.waitForSelector('#qr-details:not([hidden])');
    expect(await phone.textContent('#qr-origin')).toBe(server.origin);
    expect((await phone.textContent('#qr-challenge')).replace(/\s/g, '')).toBe(await challengeOf(page));
    expect(await phone.isHidden('#qr-foreign')).toBe(true);
    // A payload that is not the server's is refused before anything else.
    const forged = `${decoded.data.slice(0, -4)}${decoded.data.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    await phone.fill('#qr-payload', forged);
    await phone.click('#qr-check');
    await phone.waitForFunction(() => document.getElementById('qr-message').textContent !== '');
    expect(await phone.isHidden('#qr-details')).toBe(true);
    await phone.fill('#qr-payload', decoded.data);
    await phone.click('#qr-check');
    await phone.fill('#qr-pin', MK_PIN);
    await phone.click('#qr-approve');
    await phone.waitForSelector('#qr-message.ok');
    await shot(phone, 'qr-phone');
    await expectAuthenticated(page, 'demo-mobile-key', 'qr-approved');
    await page.close();
    await ctx.check();
  });
});

// --- throttling --------------------------------------------------------------------------

test('a 429 is honoured: no request until Retry-After has passed', async () => {
  const throttled = await startSlsd({ args: ['--rate-burst', '4', '--rate-per-second', '1'] });
  const ctx = await openContext(throttled);
  try {
    const page = await ctx.open('demo/login.html');
    await page.waitForSelector('#login-username');
    const logins = () => ctx.apiCalls.filter((c) => c.path === '/api/v1/login').length;
    await page.fill('#login-username', 'demo-none');
    await page.fill('#login-password', PASSWORD);
    // Empty this client's bucket (4 requests, then 1 a second), then log in.
    for (let i = 0; i < 20; i += 1) {
      const { status } = await fetch(`${throttled.url}api/v1/server-key`);
      if (status === 429) break;
    }
    await page.click('#login button[type="submit"]');
    await page.waitForSelector('#login-error');
    expect(await page.textContent('#login-error')).toContain(message('rate.limited'));
    expect(logins()).toBe(1);
    await shot(page, 'rate-limited');
    // At once again: the component knows it must wait and asks nothing.
    await page.fill('#login-password', PASSWORD);
    await page.click('#login button[type="submit"]');
    await page.waitForTimeout(200);
    expect(logins()).toBe(1);
    expect(await page.textContent('#login-error')).toContain(message('rate.limited'));
    // After Retry-After (1 s here), the same login goes through. (Waiting
    // for two tokens: the login and its completion.)
    await page.waitForTimeout(2500);
    await page.fill('#login-password', PASSWORD);
    await page.click('#login button[type="submit"]');
    await expectAuthenticated(page, 'demo-none', 'rate-limited-then-in');
    expect(logins()).toBe(2);
    await ctx.check([[429, /\/api\/v1\/login$/]]);
  } finally {
    await ctx.close();
    await throttled.stop();
  }
});
