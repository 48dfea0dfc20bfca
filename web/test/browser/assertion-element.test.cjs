// <sls-login>'s `audience` and `nonce` in Chromium against the real slsd,
// whose pages carry the strict Content-Security-Policy as a header. Under
// such a header the browser empties every element's `nonce` attribute once
// it is connected ("nonce hiding") and keeps the value in the element's own
// slot: the element must still send the host's nonce with the completion.
// A real login of the demo's password-only user ends in an
// `sls-authenticated` whose assertion jose accepts with that audience and
// nonce.
'use strict';

const { createRemoteJWKSet, jwtVerify } = require('jose');
const { startSlsd } = require('../support/slsd.cjs');
const { launchChromium } = require('../support/browser.cjs');

const AUDIENCE = 'https://broker.example.test';
const NONCE = 'page-load-3f9c2a';

let server;
let browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startSlsd({ args: ['--assertion-audience', 'https://first.example.test', '--assertion-audience', AUDIENCE] }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('a nonce hidden by the CSP and the audience reach the assertion of a real login', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const response = await page.goto(`${server.url}demo/login.html`);
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('#login-username');
    // As a host page would have it: the attributes on the element when it
    // connects (here: the demo's element, taken out and put back).
    const seen = await page.evaluate(({ audience, nonce }) => {
      const element = document.getElementById('login');
      const parent = element.parentNode;
      element.remove();
      element.setAttribute('audience', audience);
      element.setAttribute('nonce', nonce);
      window.authenticated = new Promise((resolve) => {
        element.addEventListener('sls-authenticated', (event) => resolve(event.detail), { once: true });
      });
      parent.append(element);
      return { attribute: element.getAttribute('nonce'), property: element.nonce, audience: element.audience };
    }, { audience: AUDIENCE, nonce: NONCE });
    // The browser hid the attribute; the property still has the value.
    expect(seen).toEqual({ attribute: '', property: NONCE, audience: AUDIENCE });

    await page.waitForSelector('#login-username');
    await page.fill('#login-username', 'demo-none');
    await page.fill('#login-password', 'demo-password');
    await page.click('#login button[type="submit"]');
    const detail = await page.evaluate(() => window.authenticated);
    expect(detail).toMatchObject({ username: 'demo-none', device_kind: 'none' });
    expect(typeof detail.assertion).toBe('string');

    const { payload } = await jwtVerify(detail.assertion,
      createRemoteJWKSet(new URL('/.well-known/jwks.json', server.url)),
      { issuer: server.origin, audience: AUDIENCE, algorithms: ['EdDSA'] });
    expect(payload).toMatchObject({ sub: 'demo-none', aud: AUDIENCE, nonce: NONCE, amr: ['pwd'] });
  } finally {
    await context.close();
  }
});
