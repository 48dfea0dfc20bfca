// examples/web-login run as an integrator runs it (node server.mjs --slsd
// URL), in front of a real slsd, driven in Chromium: the page carries a
// fresh nonce and the audience on <sls-login>, the login completes under the
// strict CSP, the page posts the assertion to the example's back end, which
// verifies it with jose against slsd's JWKS, checks the nonce, redeems it
// once at slsd and starts its own session: the page then says "Signed in as".
// The back end must refuse the same assertion a second time (redeemed), for
// another page load (nonce), changed by one byte, and from another origin.
'use strict';

const path = require('node:path');
const readline = require('node:readline');
const { spawn } = require('node:child_process');
const { repoRoot } = require('../support/core.cjs');
const { launchChromium, watch, RECORD_VIOLATIONS } = require('../support/browser.cjs');
const { startSlsd } = require('../support/slsd.cjs');

jest.setTimeout(60000);

const AUDIENCE = 'https://broker.example.test';

let slsd;
let example;
let browser;

/** Starts examples/web-login/server.mjs; resolves with {child, origin}. */
function startExample(slsdUrl) {
  const child = spawn(process.execPath, [
    path.join(repoRoot, 'examples', 'web-login', 'server.mjs'), '--slsd', slsdUrl, '--audience', AUDIENCE,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`server.mjs exited with ${code}: ${stderr}`));
    child.once('exit', onExit);
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      child.off('exit', onExit);
      const match = /^web-login listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match) resolve({ child, origin: match[1] });
      else reject(new Error(`unexpected first line from server.mjs: ${line}`));
    });
  });
}

beforeAll(async () => {
  // Each kept as soon as it runs, so that afterAll stops it even when another failed to start.
  await Promise.all([
    startSlsd({ args: ['--assertion-audience', AUDIENCE] }).then((started) => { slsd = started; }),
    launchChromium().then((started) => { browser = started; }),
  ]);
  example = await startExample(slsd.url);
});

afterAll(async () => {
  if (example) {
    const exited = new Promise((resolve) => { example.child.once('exit', resolve); });
    example.child.kill('SIGTERM');
    await exited;
  }
  if (browser) await browser.close();
  if (slsd) await slsd.stop();
});

/** POST /session to the example's back end as a page (or an attacker) would. */
function postSession(assertion, { nonce, origin = example.origin } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (origin) headers.Origin = origin;
  if (nonce) headers.Cookie = `login_nonce=${nonce}`;
  return fetch(new URL('/session', example.origin), { method: 'POST', headers, body: JSON.stringify({ assertion }) });
}

test('a login on the example page ends in the site\'s own session; the assertion is good once, for that page load only', async () => {
  const context = await browser.newContext();
  try {
    await context.addInitScript(RECORD_VIOLATIONS);
    const page = await context.newPage();
    const problems = watch(page);
    const posted = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/session') posted.push(JSON.parse(request.postData()));
    });
    await page.goto(`${example.origin}/`);
    await page.waitForSelector('#login-username');

    // The nonce: on the element and in an httpOnly cookie, fresh at each load.
    // (Under a CSP the browser hides the `nonce` attribute once the element
    // is in the document; the `nonce` property keeps the value.)
    const nonce = await page.evaluate(() => document.getElementById('login').nonce);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await page.getAttribute('#login', 'audience')).toBe(AUDIENCE);
    const nonceCookie = (await context.cookies()).find((c) => c.name === 'login_nonce');
    expect(nonceCookie).toMatchObject({ value: nonce, httpOnly: true, sameSite: 'Strict' });

    await page.fill('#login-username', 'demo-none');
    await page.fill('#login-password', 'demo-password');
    await page.click('#login button[type="submit"]');
    await page.waitForSelector('#signed-in', { timeout: 15000 });
    expect(await page.textContent('#signed-in')).toContain('Signed in as demo-none');

    // The site's own session cookie; the nonce cookie is gone.
    const jar = await context.cookies();
    expect(jar.find((c) => c.name === 'site_session')).toMatchObject({ httpOnly: true });
    expect(jar.find((c) => c.name === 'login_nonce')).toBeUndefined();
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(problems).toEqual({ console: [], pageErrors: [], failedRequests: [], badResponses: [] });

    // The assertion the page posted: the same token again is refused (slsd redeemed it) ...
    expect(posted).toHaveLength(1);
    const { assertion } = posted[0];
    expect(assertion.split('.')).toHaveLength(3);
    const again = await postSession(assertion, { nonce });
    expect(again.status).toBe(401);
    expect((await again.json()).error).toContain('refused by slsd');
    // ... for another page load (another nonce) it is refused before slsd is asked ...
    const otherLoad = await postSession(assertion, { nonce: 'another-page-load-nonce-0123456789' });
    expect([otherLoad.status, (await otherLoad.json()).error]).toEqual([401, 'assertion refused: not made for this page load']);
    // ... one changed byte fails jose's signature check ...
    const [header, payload, signature] = assertion.split('.');
    const changed = `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const forged = await postSession(changed, { nonce });
    expect([forged.status, (await forged.json()).error]).toEqual([401, 'assertion refused: ERR_JWS_SIGNATURE_VERIFICATION_FAILED']);
    // ... and a post from another origin never gets that far.
    const crossSite = await postSession(assertion, { nonce, origin: 'http://evil.example.test' });
    expect(crossSite.status).toBe(403);

    // Sign out ends the site's session.
    await page.click('button[type="submit"]');
    await page.waitForSelector('#login-username');
    expect((await context.cookies()).find((c) => c.name === 'site_session')).toBeUndefined();
  } finally {
    await context.close();
  }
});
