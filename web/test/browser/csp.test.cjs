// The offline demo page (demo/core.html) in Debian's Chromium under the production
// Content-Security-Policy: the module must load and render without a single
// console error or CSP violation, and the QR code on screen must decode to a
// payload that verifies with the server key the page shows.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const jsQR = require('jsqr');
const { distDir, loadCore, readErrorCatalog } = require('../support/core.cjs');
const {
  startStaticServer, launchChromium, watch, RECORD_VIOLATIONS, pngPixels,
} = require('../support/browser.cjs');

jest.setTimeout(60000);

let server;
let browser;
let core;
const catalog = readErrorCatalog();

beforeAll(async () => {
  for (const file of ['sls-core.mjs', 'sls-core.wasm', 'demo/sls-core.mjs', 'demo/sls-core.wasm']) {
    if (!fs.existsSync(path.join(distDir, file))) {
      throw new Error(`${file} is not built in ${distDir}: cmake --preset wasm && cmake --build --preset wasm`);
    }
  }
  core = await loadCore();
  server = await startStaticServer();
  browser = await launchChromium();
});

afterAll(async () => {
  if (browser) await browser.close();
  if (server) server.child.kill('SIGTERM');
});

async function openDemo(query = '') {
  const context = await browser.newContext({ viewport: { width: 900, height: 1400 } });
  await context.addInitScript(RECORD_VIOLATIONS);
  const page = await context.newPage();
  const problems = watch(page);
  const wasmTypes = [];
  page.on('response', (response) => {
    if (response.url().endsWith('.wasm')) wasmTypes.push(response.headers()['content-type']);
  });
  const response = await page.goto(`${server.url}demo/core.html${query}`);
  await page.waitForSelector('body[data-ready]');
  return { context, page, problems, wasmTypes, response };
}

test('the demo renders under the strict CSP with no error and no violation', async () => {
  const { context, page, problems, wasmTypes, response } = await openDemo();
  try {
    expect(response.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(await page.getAttribute('body', 'data-ready')).toBe('true');
    // One module, the demo one (the page checks entries itself, which the login module leaves to
    // LoginFlow), compiled from application/wasm.
    expect(wasmTypes).toEqual(['application/wasm']);

    // The code-card panel: two distinct indices, and the entry checked as it is typed.
    const first = Number(await page.getAttribute('#card', 'data-first'));
    const second = Number(await page.getAttribute('#card', 'data-second'));
    expect(first).toBeGreaterThanOrEqual(1);
    expect(second).toBeGreaterThanOrEqual(1);
    expect(first).not.toBe(second);
    expect(await page.textContent('#card-prompt')).toContain(String(first));
    expect(await page.textContent('#card-prompt')).toContain(String(second));
    await page.fill('#card-entry', 'ａ３ｄ－7');
    expect(await page.getAttribute('#card-entry', 'aria-invalid')).toBe('false');
    await page.fill('#card-entry', 'A3D 7KP9');
    expect(await page.textContent('#card-feedback')).toBe(catalog.find((e) => e.code === 'card.too_long').en);
    expect(await page.getAttribute('#card-entry', 'aria-invalid')).toBe('true');
    await page.fill('#card-entry', 'A3U');
    expect(await page.textContent('#card-feedback')).toBe(catalog.find((e) => e.code === 'card.bad_character').en);
    // The demo card's codes at the two indices are accepted, typed in lower case.
    const codes = /^\d+: (\w{3}), \d+: (\w{3})$/.exec(await page.textContent('#card-demo-codes'));
    expect(codes).not.toBeNull();
    await page.fill('#card-entry', `${codes[1]} ${codes[2]}`.toLowerCase());
    await page.click('#card-form button');
    expect(await page.getAttribute('#card-feedback', 'class')).toContain('ok');
    await page.fill('#card-entry', `${codes[2]}${codes[1]}`);
    await page.click('#card-form button');
    const swapped = await page.textContent('#card-feedback');
    expect(codes[1] === codes[2] || swapped === catalog.find((e) => e.code === 'card.mismatch').en).toBe(true);

    // The challenge/response panel: a 6-digit challenge and a QR code drawn by the module.
    const challenge = (await page.textContent('#challenge')).replace(/\s/g, '');
    expect(challenge).toMatch(/^[0-9]{6}$/);
    expect(await page.locator('#qr svg path').count()).toBe(1);

    // Decode the QR code from a screenshot and verify it with the page's server key.
    const shot = await page.locator('#qr svg').screenshot();
    const { width, height, data } = await pngPixels(page, shot);
    const decoded = jsQR(data, width, height);
    expect(decoded).not.toBeNull();
    const serverKey = await page.textContent('#server-key');
    const verified = core.verify_signed_payload(decoded.data, serverKey, Math.floor(Date.now() / 1000), 'en');
    expect(verified.ok).toBe(true);
    expect(verified.value.challenge).toBe(challenge);
    expect(verified.value.origin).toBe(server.url.replace(/\/$/, ''));
    expect(core.verify_signed_payload(decoded.data, core.ed25519_generate_key_pair().public_key,
      Math.floor(Date.now() / 1000), 'en').error.code).toBe('payload.bad_signature');

    // Live validation of the response field, then the demo device's answer.
    await page.fill('#response-entry', '1234 567');
    expect(await page.getAttribute('#response-entry', 'aria-invalid')).toBe('false');
    await page.fill('#response-entry', '12a');
    expect(await page.textContent('#response-feedback'))
      .toBe(catalog.find((e) => e.code === 'response.bad_character').en);
    const deviceResponse = await page.textContent('#device-response');
    await page.fill('#response-entry', deviceResponse);
    await page.click('#response-form button');
    expect(await page.getAttribute('#response-feedback', 'class')).toContain('ok');

    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(problems).toEqual({ console: [], pageErrors: [], failedRequests: [], badResponses: [] });
  } finally {
    await context.close();
  }
});

test('the login module carries only the login flow and resolve_lang, the security module adds the security centre; the demo module everything', async () => {
  const { context, page, problems } = await openDemo();
  try {
    const exported = await page.evaluate(async () => {
      // Embind marks the functions it binds with their argument count.
      const boundOf = (module) => Object.keys(module)
        .filter((k) => typeof module[k] === 'function' && typeof module[k].argCount === 'number').sort();
      const login = await (await import('/dist/sls-core.mjs')).default();
      const security = await (await import('/dist/security/sls-core.mjs')).default();
      const demo = await (await import('/dist/demo/sls-core.mjs')).default();
      return {
        login: boundOf(login), security: boundOf(security), demo: boundOf(demo),
        loginFlow: [typeof login.LoginFlow, typeof security.LoginFlow, typeof demo.LoginFlow],
        securityCentre: [typeof login.SecurityCentre, typeof security.SecurityCentre, typeof demo.SecurityCentre],
      };
    });
    expect(exported.login).toEqual(['resolve_lang']);
    expect(exported.security).toEqual(['resolve_lang']);
    expect(exported.loginFlow).toEqual(['function', 'function', 'function']);
    // The login page, loaded at every login, does not carry the security centre's views.
    expect(exported.securityCentre).toEqual(['undefined', 'function', 'function']);
    for (const name of ['inspect_card_entry', 'inspect_response', 'qr_svg', 'verify_signed_payload',
      'encode_signed_payload', 'ed25519_generate_key_pair', 'generate_code_card', 'verify_card_entry']) {
      expect(exported.demo).toContain(name);
    }
    // The demo module is the Node one's twin: the same functions.
    const nodeBound = Object.keys(core)
      .filter((k) => typeof core[k] === 'function' && typeof core[k].argCount === 'number').sort();
    expect(exported.demo).toEqual(nodeBound);
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(problems).toEqual({ console: [], pageErrors: [], failedRequests: [], badResponses: [] });
  } finally {
    await context.close();
  }
});

test('errors follow the page language', async () => {
  const { context, page, problems } = await openDemo('?lang=zh-TW');
  try {
    expect(await page.getAttribute('html', 'lang')).toBe('zh-Hant');
    await page.fill('#card-entry', 'A3D 7KP9');
    expect(await page.textContent('#card-feedback'))
      .toBe(catalog.find((e) => e.code === 'card.too_long').zhHant);
    await page.fill('#response-entry', '12a');
    const message = (code, key) => catalog.find((e) => e.code === code)[key];
    expect(await page.textContent('#response-feedback')).toBe(message('response.bad_character', 'zhHant'));
    await page.selectOption('#lang', 'zh-Hans');
    expect(await page.textContent('#response-feedback')).toBe(message('response.bad_character', 'zhHans'));
    await page.selectOption('#lang', 'en');
    expect(await page.textContent('#response-feedback')).toBe(message('response.bad_character', 'en'));
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(problems).toEqual({ console: [], pageErrors: [], failedRequests: [], badResponses: [] });
  } finally {
    await context.close();
  }
});

test('the watchers do see a violation when there is one (the checks above can fail)', async () => {
  const { context, page, problems } = await openDemo();
  try {
    // An inline script, as an injected page would add: CSP must block it and
    // the page must see the violation. (eval is not tried here: code run
    // through the DevTools protocol is exempt from the page's CSP.)
    const inlineRan = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true;';
      document.head.append(script);
      await new Promise((resolve) => { setTimeout(resolve, 100); });
      return window.inlineRan === true;
    });
    expect(inlineRan).toBe(false);
    const violations = await page.evaluate(() => window.cspViolations);
    expect(violations.map((v) => v.directive)).toEqual(['script-src-elem']);
    expect(violations[0].blocked).toBe('inline');
    expect(problems.console.length).toBeGreaterThan(0);
  } finally {
    await context.close();
  }
});

test('the demo page has no accessibility violations (axe-core, WCAG 2 A and AA)', async () => {
  const { context, page } = await openDemo();
  try {
    // Evaluated through the DevTools protocol, like the checks above: not a page script.
    await page.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
      return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    expect(violations).toEqual([]);
  } finally {
    await context.close();
  }
});
