// Mobile Key self-service activation in Debian's Chromium against the REAL
// reference server (slsd seeded by `slsctl demo-seed`, under its strict CSP):
// the simulator (web/demo/mobile-key-activation.mjs) plays the phone: user
// name and password, a number on record (a new one is refused and the page
// says why), the activation code read off the demo's SMS outbox page, the
// daily PIN and the recovery PIN; then a login on the login page is
// approved with a push on that phone; another user of the same account is
// added on the phone with the recovery PIN (English). Once per language, with screenshots
// in web/test-results/mobile-key-activation/.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { repoRoot, readErrorCatalog } = require('../support/core.cjs');
const { launchChromium, watch, RECORD_VIOLATIONS, axeViolations } = require('../support/browser.cjs');
const { startSlsd } = require('../support/slsd.cjs');

jest.setTimeout(90000);

const SHOTS = path.join(repoRoot, 'web', 'test-results', 'mobile-key-activation');
const PASSWORD = 'demo-password';
const USER = 'demo-mobile-key';
const PIN = '2580';
const RECOVERY_PIN = 'r3c!v';
const OTHER_USER = 'demo-sms'; // demo-family's other user
const catalog = readErrorCatalog();
const LANGS = { en: 'en', 'zh-Hant': 'zhHant', 'zh-Hans': 'zhHans' };

let server;
let browser;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([startSlsd(), launchChromium()]);
});

afterAll(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** The catalog's message for `code` in `lang`. */
function message(code, lang) {
  const entry = catalog.find((e) => e.code === code);
  if (!entry) throw new Error(`no error ${code} in errors.def`);
  return entry[LANGS[lang]] ?? entry.en;
}

async function open(context, relative, problems) {
  const page = await context.newPage();
  problems.push(watch(page));
  await page.goto(server.url + relative);
  await page.waitForSelector('body[data-ready="true"], sls-login .sls-login', { timeout: 15000 });
  return page;
}

test.each(Object.keys(LANGS))('%s: activate from the phone with a code by SMS, then approve a push', async (lang) => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1300 } });
  await context.addInitScript(RECORD_VIOLATIONS);
  const problems = [];
  const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, `${lang}-${name}.png`), fullPage: true });
  try {
    const phone = await open(context, `demo/mobile-key.html?lang=${lang}`, problems);
    expect(await phone.getAttribute('body', 'data-activated')).toBe('false');
    // The self-service path; the operator's code path stays one choice away.
    await phone.check('#way-self');
    expect(await phone.isVisible('#ss-cred-form')).toBe(true);
    expect(await phone.isHidden('#activate-form')).toBe(true);
    await phone.fill('#ss-user', USER);
    await phone.fill('#ss-password', PASSWORD);
    await shot(phone, 'credentials');
    await phone.press('#ss-password', 'Enter');
    await phone.waitForSelector('#ss-step-phone:not([hidden])');
    // The number on record, masked; it is the default.
    const number = server.users[USER].phone;
    expect(number).toMatch(/^\+\d+$/);
    const labels = await phone.$$eval('#ss-phones label', (ls) => ls.map((l) => l.textContent));
    expect(labels[0]).toContain(number.slice(-4));
    expect(labels.join(' ')).not.toContain(number.slice(1, -4));
    expect(await phone.isChecked('#ss-phone-0')).toBe(true);
    expect([await axeViolations(phone)]).toEqual([[]]);

    // A new number is refused (only a temporary code from support allows it), and the page says why.
    await phone.check('#ss-phone-new');
    await phone.fill('#ss-new-phone', '+85299998888');
    await phone.click('#ss-phone-submit');
    await phone.waitForSelector('#ss-refused-help:not([hidden])');
    expect(await phone.textContent('#ss-phone-message')).toBe(message('mobile_key.new_phone_refused', lang));
    await shot(phone, 'new-phone-refused');

    // The number on record gets the code.
    const since = Math.floor(Date.now() / 1000) - 1;
    await phone.check('#ss-phone-0');
    await phone.click('#ss-phone-submit');
    await phone.waitForSelector('#ss-step-code:not([hidden])');
    expect(await phone.textContent('#ss-sent')).toContain(number.slice(-4));
    expect(await phone.getAttribute('#ss-outbox', 'href')).toBe('outbox.html');
    const outbox = await open(context, `demo/outbox.html?lang=${lang}`, problems);
    await outbox.waitForFunction(({ to, after }) => {
      const tr = document.querySelector(`#messages-body tr[data-to="${to}"]`);
      return tr && Number(tr.dataset.at) >= after;
    }, { to: number, after: since });
    const text = await outbox.locator(`#messages-body tr[data-to="${number}"] td.text`).first().textContent();
    const code = /(\d{8})/.exec(text)[1];
    await shot(outbox, 'outbox');
    await outbox.close();

    // The recovery PIN must differ from the daily PIN (said on the page).
    await phone.fill('#ss-code', code);
    await phone.fill('#ss-pin', PIN);
    await phone.fill('#ss-pin2', PIN);
    await phone.fill('#ss-recovery', PIN);
    await phone.fill('#ss-recovery2', PIN);
    await phone.click('#ss-activate');
    expect(await phone.textContent('#ss-code-message')).not.toBe('');
    expect(await phone.getAttribute('body', 'data-activated')).toBe('false');
    await phone.fill('#ss-recovery', RECOVERY_PIN);
    await phone.fill('#ss-recovery2', RECOVERY_PIN);
    await shot(phone, 'code-and-pins');
    await phone.click('#ss-activate');
    await phone.waitForSelector('body[data-activated="true"]');
    const deviceId = await phone.getAttribute('#home', 'data-device');
    expect(deviceId).toMatch(/^[\w-]{22}$/);
    await shot(phone, 'activated');
    expect([await axeViolations(phone)]).toEqual([[]]);

    // A login of the user now goes to this phone as a push, approved there.
    const login = await open(context, `demo/login.html?lang=${lang}`, problems);
    await login.waitForSelector('#login-username');
    await login.fill('#login-username', USER);
    await login.fill('#login-password', PASSWORD);
    await login.click('#login button[type="submit"]');
    await login.waitForSelector('#login .sls-login[data-screen="push"]:not([aria-busy="true"])', { timeout: 15000 });
    const shown = (await login.textContent('#login [part="number"]')).trim();
    const pending = phone.locator('#pushes li:not(.decided)').first();
    await pending.waitFor({ timeout: 10000 });
    expect(await pending.locator('.user').textContent()).toBe(USER);
    await pending.locator('.number').fill(shown);
    await pending.locator('.pin').fill(PIN);
    await pending.locator('.approve').click();
    await login.waitForSelector('#login .sls-login[data-screen="authenticated"]', { timeout: 15000 });
    await login.waitForFunction((user) => document.getElementById('outcome').textContent.includes(user), USER);
    await shot(phone, 'push-approved');
    await shot(login, 'logged-in');

    // Another user of the same account (demo-family) is added on this phone
    // with its recovery PIN (once: one language is enough); a wrong recovery PIN is said first.
    if (lang === 'en') {
      await phone.click('#add-user summary');
      await phone.fill('#au-user', OTHER_USER);
      await phone.fill('#au-password', PASSWORD);
      await phone.fill('#au-recovery', 'wr0ng!');
      await phone.click('#au-submit');
      await phone.waitForFunction(() => document.getElementById('au-message').textContent !== '');
      expect(await phone.textContent('#au-message')).toBe(message('mobile_key.recovery_pin_wrong', lang));
      await phone.fill('#au-password', PASSWORD);
      await phone.fill('#au-recovery', RECOVERY_PIN);
      await phone.click('#au-submit');
      await phone.waitForSelector('#au-message.ok');
      expect(await phone.textContent('#au-message')).toBe(`${OTHER_USER} can now log in with this phone.`);
      expect([await axeViolations(phone)]).toEqual([[]]);
      await shot(phone, 'user-added');
    }

    // Clean: no console errors, no CSP violation; the only error answer is the refused number.
    for (const p of problems) {
      expect(p.pageErrors).toEqual([]);
      expect(p.badResponses.filter((line) => !/^403 .*\/sms$|^401 .*\/add-user$/.test(line))).toEqual([]);
      expect(p.console.filter((line) => !/status of 40[13]/.test(line))).toEqual([]);
    }
    for (const page of context.pages()) expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
  } finally {
    await context.close();
  }
});
