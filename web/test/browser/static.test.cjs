// The login page as the REAL reference server sends it (slsd serving web/ with
// its build-time gzip and brotli copies): the page declares its whole module
// chain up front (modulepreload, a preload of the .wasm), so every file of
// the chain is requested while the page's head is read, each exactly once
// (the element reuses the preloaded .wasm response, no second
// fetch); the compressed copies arrive decoded and work; a second visit
// revalidates with If-None-Match and gets 304s.
'use strict';

const { launchChromium, watch } = require('../support/browser.cjs');
const { startSlsd } = require('../support/slsd.cjs');

jest.setTimeout(60000);

let server;
let browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startSlsd(), launchChromium()]);
});

afterAll(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** The files of the login page's chain, beyond the page and its own script. */
const CHAIN = ['/sls-login-define.js', '/sls-login.js', '/sls-core-loader.js', '/sls-login-events.js', '/sls-login-lang.js', '/sls-bridge.js', '/dist/sls-core.mjs', '/dist/dom-patcher.js',
  '/dist/sls-core.wasm', '/sls-login.css'];

/** Loads demo/login.html in `context` until the element shows its first screen. */
async function loadLogin(context) {
  const page = await context.newPage();
  const problems = watch(page);
  const requests = [];
  const responses = [];
  // What went over the wire: DevTools' raw answers (a revalidation is a 304
  // there, where the page's view shows the cached 200).
  const wire = [];
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.responseReceivedExtraInfo', ({ requestId, statusCode }) => wire.push({ requestId, statusCode }));
  // The headers each request went out with, by path.
  const urls = new Map();
  const sentHeaders = [];
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => urls.set(requestId, new URL(request.url).pathname));
  cdp.on('Network.requestWillBeSentExtraInfo', ({ requestId, headers }) => sentHeaders.push({ requestId, headers }));
  page.on('request', (request) => requests.push(new URL(request.url()).pathname));
  page.on('response', (response) => responses.push({
    path: new URL(response.url()).pathname, status: response.status(), headers: response.headers(),
  }));
  await page.goto(`${server.url}demo/login.html`);
  await page.waitForSelector('#login .sls-login[data-screen="credentials"]', { timeout: 15000 });
  // Chromium warns about a preload left unused for a few seconds: wait past that.
  await page.waitForTimeout(3500);
  const timing = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => ({
    path: new URL(r.name).pathname, fetchStart: r.fetchStart, responseEnd: r.responseEnd,
  })));
  const sent = sentHeaders.map(({ requestId, headers }) => ({ path: urls.get(requestId), headers }));
  const answered = wire.map(({ requestId, statusCode }) => ({ path: urls.get(requestId), status: statusCode }));
  return { page, problems, requests, responses, timing, answered, sent };
}

test('the module chain is requested up front, each file once, the .wasm compressed and not fetched twice', async () => {
  const context = await browser.newContext();
  try {
    const { problems, requests, responses, timing } = await loadLogin(context);
    expect(problems).toEqual({ console: [], pageErrors: [], failedRequests: [], badResponses: [] });
    for (const file of CHAIN) {
      expect([file, requests.filter((p) => p === `${file}`).length]).toEqual([file, 1]);
      expect([file, timing.filter((t) => t.path === file).length]).toEqual([file, 1]);
    }
    // No waterfall: the .wasm is asked for before the core module that
    // would otherwise fetch it has even arrived.
    const at = (file) => timing.find((t) => t.path === file);
    expect(at('/dist/sls-core.wasm').fetchStart).toBeLessThan(at('/dist/sls-core.mjs').responseEnd);
    expect(at('/dist/sls-core.mjs').fetchStart).toBeLessThan(at('/sls-login.js').responseEnd);
    // Chromium asks for br; every file of the chain comes as its brotli copy,
    // revalidated on each use (stable names), with a strong ETag.
    for (const file of CHAIN) {
      const r = responses.find((x) => x.path === file);
      expect([file, r.status, r.headers['content-encoding'], r.headers['cache-control'], r.headers.vary])
        .toEqual([file, 200, "br", "no-cache", "Accept-Encoding"]);
      expect(r.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(r.headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    }
  } finally {
    await context.close();
  }
});

test('a returning visitor revalidates: every file the page loads answers 304', async () => {
  const context = await browser.newContext();
  try {
    const first = await loadLogin(context);
    await first.page.close();
    const second = await loadLogin(context);
    expect(second.problems).toEqual({ console: [], pageErrors: [], failedRequests: [], badResponses: [] });
    // Every static file went out as a revalidation (If-None-Match with the
    // ETag of the first visit) and came back as a 304 without a body.
    const statics = second.sent.filter((s) => s.path && !s.path.startsWith('/api/'));
    expect(statics.map((s) => s.path)).toEqual(expect.arrayContaining(['/demo/login.html', ...CHAIN]));
    for (const s of statics) {
      const before = first.responses.find((r) => r.path === s.path);
      expect([s.path, s.headers['If-None-Match']]).toEqual([s.path, before.headers.etag]);
      expect([s.path, second.answered.find((a) => a.path === s.path)?.status]).toEqual([s.path, 304]);
    }
    expect(second.requests.filter((p) => p === '/dist/sls-core.wasm')).toHaveLength(1);
  } finally {
    await context.close();
  }
});
