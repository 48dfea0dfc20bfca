// <sls-security>, the security centre, in Debian's Chromium against the REAL reference server (slsd with a
// temporary database seeded by `slsctl demo-seed`, serving the demo pages under its strict CSP): after a login
// on the demo login page, its link opens demo/security.html, where the centre shows the user's accounts, devices, limits, restrictions and the device
// ranking, in the three languages (full-page screenshots in web/test-results/security/), axe-core clean, 320 px
// wide without horizontal scrolling; a user who is not the primary one gets the notice naming the primary user;
// a primary user opts out and back in end to end with the keyboard only (the login just completed is the fresh
// second factor, so no step-up login is needed). Then, in the three languages: a second factor gone stale (a
// second slsd with --step-up-window 3) is confirmed in the nested <sls-login step-up> with the token's answer
// before the opt-out is sent; device sharing through the real routes (a refusal shown in the form, a request
// approved at once, the requester's next login with the shared device, a request held for review and approved
// with `slsctl sharing approve`, stop sharing); and what a withdrawal recorded by the back office (a service
// credential from `slsctl service-credential create`) used of the limits, and what remains.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { repoRoot, loadCore, readErrorCatalog } = require('../support/core.cjs');
const { launchChromium, axeViolations } = require('../support/browser.cjs');
const { startSlsd } = require('../support/slsd.cjs');
const {
  openContext, startLogin, answerToken, loginWithToken, loginWithCard, openSecurity, waitForSecurity, tabTo,
} = require('../support/security-page.cjs');

jest.setTimeout(90000);

const SHOTS = path.join(repoRoot, 'web', 'test-results', 'security');

// The suite sends far more requests a second from 127.0.0.1 than one user does (several logins a test, each page's
// files): a per-client budget of 60 and 2 a second runs out (429 rate.limited) by the sharing tests.
const BUDGET = ['--rate-burst', '1000', '--rate-per-second', '100'];

let server;
let browser;
let core;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  [server, browser, core] = await Promise.all([startSlsd({ args: BUDGET }), launchChromium(), loadCore()]);
  // An account of its own for the opt-out test: its only user holds no other account (one setting per user).
  await server.slsctl(['create-account', 'demo-solo', 'demo-platinum-gold']);
});

afterAll(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
const centreText = (page) => page.textContent('#security .sls-security');

const EXPECTED = {
  en: {
    title: 'Security centre',
    joint: 'Account demo-joint',
    ranking: 'Security devices, most secure first',
    limits: '1,000,000 USD',
    notice: "Only the account's primary user, demo-mobile-key, may change its security settings.",
    device: 'Digital security card',
  },
  'zh-Hant': {
    title: '安全中心',
    joint: '帳戶 demo-joint',
    ranking: '安全裝置（由最安全起排列）',
    limits: '1,000,000 美元',
    notice: '只有帳戶的主要使用者 demo-mobile-key 可以更改安全設定。',
    device: '數碼安全卡',
  },
  'zh-Hans': {
    title: '安全中心',
    joint: '账户 demo-joint',
    ranking: '安全设备（由最安全起排列）',
    limits: '1,000,000 美元',
    notice: '只有账户的主要用户 demo-mobile-key 可以更改安全设置。',
    device: '数字安全卡',
  },
};

test.each(Object.keys(EXPECTED))('the overview in %s: accounts, devices, limits, ranking, the primary-user notice; axe clean', async (lang) => {
  const ctx = await openContext(browser, server);
  try {
    const page = await loginWithToken(ctx, server, core, 'demo-dsc', lang);
    const text = await centreText(page);
    const want = EXPECTED[lang];
    for (const part of Object.values(want)) expect([lang, text]).toEqual([lang, expect.stringContaining(part)]);
    expect(await page.getAttribute('#security .sls-security', 'lang')).toBe(lang);
    // demo-dsc is the primary user of demo-joint (it may opt out) and another user of demo-family (it may not).
    const accounts = await page.$$eval('#security [part~="account"]', (boxes) => boxes.map((b) => ({
      heading: b.querySelector('h3').textContent,
      optOut: b.querySelector('button[id^="security-opt-out-"]') !== null,
    })));
    expect(accounts).toHaveLength(2);
    expect(accounts.find((a) => a.heading.includes('demo-joint')).optOut).toBe(true);
    expect(accounts.find((a) => a.heading.includes('demo-family')).optOut).toBe(false);
    // The ranking, highest first: the six permanent devices.
    expect(await page.$$eval('#security [part~="ranking-list"] li', (lis) => lis.length)).toBe(6);
    await shot(page, `overview-${lang}`);
    expect([lang, await axeViolations(page)]).toEqual([lang, []]);
    await ctx.check();
  } finally {
    await ctx.close();
  }
});

test('320 px wide: no horizontal scrolling, on the overview and on the opt-out confirmation', async () => {
  const ctx = await openContext(browser, server, { width: 320, height: 800 });
  try {
    const page = await loginWithToken(ctx, server, core, 'demo-dsc', 'zh-Hant');
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot(page, 'overview-320px');
    await page.click('#security button[id^="security-opt-out-"]');
    await waitForSecurity(page, 'confirm_opt_out');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot(page, 'confirm-320px');
    expect(await axeViolations(page)).toEqual([]);
    await page.click('#security-cancel');
    await waitForSecurity(page, 'overview');
    await ctx.check();
  } finally {
    await ctx.close();
  }
});

test('opting out and back in end to end, keyboard only: consequences, confirm, notice, the session restricted', async () => {
  const ctx = await openContext(browser, server);
  try {
    const page = await loginWithToken(ctx, server, core, 'demo-platinum-gold', 'en');
    const states = [];
    await page.exposeFunction('recordState', (detail) => states.push(detail.screen));
    await page.evaluate(() => document.addEventListener('sls-security-state', (e) => window.recordState(e.detail)));
    const before = await centreText(page);
    expect(before).toContain('Account demo-solo');
    expect(before).toContain('No restrictions apply.');
    const optOut = await page.getAttribute('#security button[id^="security-opt-out-"]', 'id');

    // Keyboard only: Tab to the button, Enter; the confirmation spells out what follows.
    expect(await tabTo(page, optOut)).toBe(true);
    await page.keyboard.press('Enter');
    await waitForSecurity(page, 'confirm_opt_out');
    const confirm = await centreText(page);
    expect(confirm).toContain('50,000 USD per business day and 100,000 USD per 5 business days');
    expect(confirm).toContain('Pink Sheet and OTCBB');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('security-title');
    await shot(page, 'confirm-opt-out');
    expect(await axeViolations(page)).toEqual([]);
    expect(await tabTo(page, 'security-confirm', 5)).toBe(true);
    await page.keyboard.press('Enter');
    await waitForSecurity(page, 'notice');
    expect(await centreText(page)).toContain('password only');
    await shot(page, 'opted-out-notice');

    // The server agrees: the session now carries the `none` restrictions.
    const session = await page.evaluate(async () => (await fetch('/api/v1/session', { credentials: 'same-origin' })).json());
    expect(session.restrictions).toEqual(['no_pink_sheet_trading', 'no_otcbb_trading']);

    expect(await tabTo(page, 'security-back', 5)).toBe(true);
    await page.keyboard.press('Enter');
    await waitForSecurity(page, 'overview');
    const after = await centreText(page);
    expect(after).toContain('No trading in Pink Sheet stocks');
    expect(after).toContain('Why: the account has opted out of the second factor.');
    await shot(page, 'opted-out-overview');

    // Back in: no confirmation needed (it strengthens), and no step-up.
    const optIn = await page.getAttribute('#security button[id^="security-opt-in-"]', 'id');
    expect(await tabTo(page, optIn)).toBe(true);
    await page.keyboard.press('Enter');
    await waitForSecurity(page, 'notice');
    expect(await centreText(page)).toContain('uses the second factor again');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitForSecurity(page, 'overview');
    expect(await centreText(page)).toContain('No restrictions apply.');
    expect(states).toEqual(expect.arrayContaining(['confirm_opt_out', 'busy', 'notice', 'overview']));
    expect(states).not.toContain('step_up');
    await ctx.check();
  } finally {
    await ctx.close();
  }
});

test('an opted-out account: its restrictions, and opting back in refused naming the user without a device', async () => {
  const ctx = await openContext(browser, server);
  try {
    // demo-none logs in with the password only: the primary user of demo-cash, opted out.
    const page = await ctx.open('demo/login.html?lang=en');
    await page.waitForSelector('#login-username');
    await page.fill('#login-username', 'demo-none');
    await page.fill('#login-password', 'demo-password');
    await page.click('#login button[type="submit"]');
    await page.waitForSelector('#login .sls-login[data-screen="authenticated"]');
    await openSecurity(page);
    const text = await centreText(page);
    expect(text).toContain('Account demo-cash');
    expect(text).toContain('No trading in OTCBB stocks');
    expect(await page.locator('#security button[id^="security-opt-in-"]').count()).toBe(1);
    // Opting back in without a device is refused, and says who lacks one.
    await page.click('#security button[id^="security-opt-in-"]');
    await waitForSecurity(page, 'error');
    expect(await centreText(page)).toContain('demo-none has no active security device.');
    await shot(page, 'opt-in-no-device');
    expect(await axeViolations(page)).toEqual([]);
    await ctx.check([[409, /\/api\/v1\/accounts\/[^/]+\/opt-in$/]]);
  } finally {
    await ctx.close();
  }
});


const LANGS = ['en', 'zh-Hant', 'zh-Hans'];
const catalog = readErrorCatalog();

/** A request of the page's own origin with its session cookie: {status, body}. */
function api(page, method, route, body) {
  return page.evaluate(async ([m, r, b]) => {
    const init = { method: m, headers: { Accept: 'application/json' } };
    if (b !== undefined) Object.assign(init, { body: JSON.stringify(b), headers: { ...init.headers, 'Content-Type': 'application/json' } });
    const reply = await fetch(`/api/v1${r}`, init);
    return { status: reply.status, body: await reply.json() };
  }, [method, route, body]);
}

/** Records the sls-authenticated events that reach the centre element and those that reach the document. */
async function recordAuthenticated(page) {
  await page.evaluate(() => {
    window.heard = { centre: [], page: [] };
    document.querySelector('#security').addEventListener('sls-authenticated', (e) => window.heard.centre.push(e.detail));
    document.addEventListener('sls-authenticated', (e) => window.heard.page.push(e.detail));
  });
  return () => page.evaluate(() => window.heard);
}

const STEP_UP = {
  en: { intro: 'please confirm it with your security device first', notice: 'password only', back: 'uses the second factor again' },
  'zh-Hant': { intro: '請先以安全裝置確認', notice: '只需密碼即可登入', back: '已重新啟用第二重認證' },
  'zh-Hans': { intro: '请先用安全设备确认', notice: '只需密码即可登录', back: '已重新启用第二重认证' },
};

describe('a second factor gone stale (slsd --step-up-window 3)', () => {
  const WINDOW_S = 3;
  let stale;

  beforeAll(async () => {
    stale = await startSlsd({ args: ['--step-up-window', String(WINDOW_S), ...BUDGET] });
    await stale.slsctl(['create-account', 'demo-stale', 'demo-platinum-gold']);
  });

  afterAll(async () => {
    if (stale) await stale.stop();
  });

  test.each(LANGS)('%s: opting out asks for the device in the nested <sls-login step-up>, then sends the opt-out; back in', async (lang) => {
    const ctx = await openContext(browser, stale);
    try {
      const page = await loginWithToken(ctx, stale, core, 'demo-platinum-gold', lang);
      const optOuts = [];
      page.on('response', (r) => { if (r.url().endsWith('/opt-out')) optOuts.push(r.status()); });
      for (let i = 0; i < 40 && (await api(page, 'GET', '/accounts')).body.step_up_until !== null; i += 1) {
        await page.waitForTimeout(250);
      }
      expect((await api(page, 'GET', '/accounts')).body.step_up_until).toBeNull();
      const heard = await recordAuthenticated(page);

      await page.click('#security button[id^="security-opt-out-"]');
      await waitForSecurity(page, 'confirm_opt_out');
      await page.click('#security-confirm');
      await waitForSecurity(page, 'step_up');
      const nested = page.locator('#security sls-login#security-step-up[step-up]');
      expect(await nested.count()).toBe(1);
      expect(await nested.getAttribute('endpoint')).toBe('/api/v1');
      await page.waitForSelector('#security-step-up .sls-login[data-screen="challenge_response"]:not([aria-busy="true"])');
      expect(await page.locator('#security-step-up input[name="password"]').count()).toBe(0);
      expect(await centreText(page)).toContain(STEP_UP[lang].intro);
      expect(await page.getAttribute('#security-step-up .sls-login', 'lang')).toBe(lang);
      await shot(page, `step-up-${lang}`);
      expect([lang, await axeViolations(page)]).toEqual([lang, []]);
      expect(optOuts.filter((status) => status === 200)).toEqual([]);
      // Cancel sends nothing; asking again shows the step-up again.
      await page.click('#security-cancel');
      await waitForSecurity(page, 'overview');
      expect(optOuts.filter((status) => status === 200)).toEqual([]);
      await page.click('#security button[id^="security-opt-out-"]');
      await waitForSecurity(page, 'confirm_opt_out');
      await page.click('#security-confirm');
      await waitForSecurity(page, 'step_up');
      await page.waitForSelector('#security-step-up .sls-login[data-screen="challenge_response"]:not([aria-busy="true"])');

      await answerToken(page, 'security-step-up', stale, core, 'demo-platinum-gold');
      await waitForSecurity(page, 'notice');
      expect(await centreText(page)).toContain(STEP_UP[lang].notice);
      await shot(page, `step-up-opted-out-${lang}`);
      expect([lang, await axeViolations(page)]).toEqual([lang, []]);
      // The centre took the step-up's event (step_up: true); the page heard no new login.
      const { centre, page: onPage } = await heard();
      expect(centre).toEqual([expect.objectContaining({ step_up: true, user: 'demo-platinum-gold' })]);
      expect(onPage).toEqual([]);
      expect(optOuts.at(-1)).toBe(200);
      const session = await api(page, 'GET', '/session');
      expect(session.body.restrictions).toEqual(['no_pink_sheet_trading', 'no_otcbb_trading']);

      // Back in: it strengthens, so no step-up.
      await page.click('#security-back');
      await waitForSecurity(page, 'overview');
      await page.click('#security button[id^="security-opt-in-"]');
      await waitForSecurity(page, 'notice');
      expect(await centreText(page)).toContain(STEP_UP[lang].back);
      await page.click('#security-back');
      await waitForSecurity(page, 'overview');
      expect(await page.locator('#security button[id^="security-opt-out-"]').count()).toBe(1);
      // A 403 account.step_up_required is the one error answer allowed (the centre's clock may not yet see the
      // window as passed when it sends the opt-out; the step-up screen follows either way).
      await ctx.check([[403, /\/opt-out$/]]);
    } finally {
      await ctx.close();
    }
  });
});

const SHARING = {
  en: {
    approved: (serial) => `Device ${serial} of demo-dsc is now shared with you.`,
    row: (kind, serial, owner, requester) => `${kind} ${serial} of ${owner}, for ${requester}`,
    dsc: 'Digital security card',
    dscPlus: 'Digital security card+',
    sharedFrom: 'shared by demo-dsc',
    shared: 'shared',
    pendingStatus: 'waiting for review',
    pending: (serial) => `Your request to share device ${serial} of demo-dsc-plus is waiting for a compliance review.`,
    stopped: 'The device is no longer shared.',
    ended: 'ended',
  },
  'zh-Hant': {
    approved: (serial) => `demo-dsc 的裝置 ${serial} 現已與您共用。`,
    row: (kind, serial, owner, requester) => `${owner} 的${kind} ${serial}，供 ${requester} 使用`,
    dsc: '數碼安全卡',
    dscPlus: '數碼安全卡+',
    sharedFrom: '由 demo-dsc 共用',
    shared: '已共用',
    pendingStatus: '等待審核',
    pending: (serial) => `您共用 demo-dsc-plus 的裝置 ${serial} 的請求正在等待合規審核。`,
    stopped: '該裝置已停止共用。',
    ended: '已結束',
  },
  'zh-Hans': {
    approved: (serial) => `demo-dsc 的设备 ${serial} 现已与您共享。`,
    row: (kind, serial, owner, requester) => `${owner} 的${kind} ${serial}，供 ${requester} 使用`,
    dsc: '数字安全卡',
    dscPlus: '数字安全卡+',
    sharedFrom: '由 demo-dsc 共享',
    shared: '已共享',
    pendingStatus: '等待审核',
    pending: (serial) => `您共享 demo-dsc-plus 的设备 ${serial} 的请求正在等待合规审核。`,
    stopped: '该设备已停止共享。',
    ended: '已结束',
  },
};

/** Opens the share form, types owner and serial with the keyboard, submits; resolves on `screen`. */
async function askToShare(page, owner, serial, screen) {
  await page.click('#security-share');
  await waitForSecurity(page, 'share_form');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('security-owner');
  await page.keyboard.type(owner);
  await page.keyboard.press('Tab');
  await page.keyboard.type(serial);
  await page.keyboard.press('Enter');
  await waitForSecurity(page, screen);
}

/** The id of the newest sharing request in GET /sharing matching `filter`. */
async function requestId(page, filter) {
  const { body } = await api(page, 'GET', '/sharing');
  return body.requests.find((r) => Object.entries(filter).every(([k, v]) => r[k] === v)).id;
}

test.each(LANGS)('sharing in %s, real routes: a refusal in the form; approved at once and used at the next login; '
  + 'held for review, approved with slsctl; stop sharing; axe clean', async (lang) => {
  const want = SHARING[lang];
  const notFound = catalog.find((e) => e.code === 'sharing.device_not_found')[{ en: 'en', 'zh-Hant': 'zhHant', 'zh-Hans': 'zhHans' }[lang]];
  const dscSerial = server.users['demo-dsc'].token.serial;
  const dscPlusSerial = server.users['demo-dsc-plus'].token.serial;

  // 1. demo-code-card (a user of demo-joint, whose primary user is demo-dsc) asks for demo-dsc's DSC.
  let ctx = await openContext(browser, server);
  try {
    const page = await loginWithCard(ctx, server, 'demo-code-card', lang);
    // The serial as the requester sees it: in GET /accounts, on the other user of the common account.
    const accounts = (await api(page, 'GET', '/accounts')).body.accounts;
    const owner = accounts.flatMap((a) => a.users).find((u) => u.username === 'demo-dsc');
    expect(owner.devices.find((d) => d.kind === 'dsc').serial).toBe(dscSerial);
    // A serial nobody holds: refused in the form, which keeps what was typed.
    await askToShare(page, 'demo-dsc', 'NO-SUCH-1', 'share_form');
    await page.waitForSelector('#security-error');
    expect(await page.textContent('#security-error')).toContain(notFound);
    expect(await page.inputValue('#security-serial')).toBe('NO-SUCH-1');
    expect(await page.getAttribute('#security-serial', 'aria-invalid')).toBe('true');
    await shot(page, `share-refused-${lang}`);
    expect([lang, await axeViolations(page)]).toEqual([lang, []]);
    await page.fill('#security-serial', dscSerial);
    await page.click('#security-form button[type="submit"]');
    await waitForSecurity(page, 'notice');
    expect(await centreText(page)).toContain(want.approved(dscSerial));
    await shot(page, `share-approved-${lang}`);
    expect([lang, await axeViolations(page)]).toEqual([lang, []]);
    await page.click('#security-back');
    await waitForSecurity(page, 'overview');
    expect(await centreText(page)).toContain(`${want.row(want.dsc, dscSerial, 'demo-dsc', 'demo-code-card')} · ${want.shared}`);
    await ctx.check([[404, /\/api\/v1\/sharing$/]]);
  } finally {
    await ctx.close();
  }

  // 2. demo-code-card's next login offers the shared DSC (the most secure device it may use) and works with it.
  ctx = await openContext(browser, server);
  try {
    const page = await startLogin(ctx, 'demo-code-card', lang, 'device_choice');
    // Its own code card and the shared DSC, the most secure (the default) first.
    const sharedId = server.users['demo-dsc'].token.device_id;
    const offered = await page.$$eval('#login [part~="device"]', (buttons) => buttons.map((b) => b.value));
    expect(offered).toEqual([sharedId, server.users['demo-code-card'].card.device_id]);
    await shot(page, `shared-device-choice-${lang}`);
    expect([lang, await axeViolations(page)]).toEqual([lang, []]);
    await page.click(`#login [part~="device"][value="${sharedId}"]`);
    await page.waitForSelector('#login .sls-login[data-screen="challenge_response"]:not([aria-busy="true"])');
    await answerToken(page, 'login', server, core, 'demo-dsc');
    await page.waitForSelector('#login .sls-login[data-screen="authenticated"]');
    const session = await api(page, 'GET', '/session');
    expect([session.body.username, session.body.device_kind]).toEqual(['demo-code-card', 'dsc']);
    await openSecurity(page);
    const text = await centreText(page);
    expect(text).toContain(want.sharedFrom);
    expect(text).toContain(dscSerial);
    await shot(page, `shared-device-login-${lang}`);
    expect([lang, await axeViolations(page)]).toEqual([lang, []]);
    // Stop sharing, from the session the shared device opened: the sharing ends, this session stays.
    const id = await requestId(page, { owner: 'demo-dsc', requester: 'demo-code-card', status: 'approved' });
    await page.click(`#security-stop-${id}`);
    await waitForSecurity(page, 'notice');
    expect(await centreText(page)).toContain(want.stopped);
    await page.click('#security-back');
    await waitForSecurity(page, 'overview');
    expect(await page.locator(`#security-stop-${id}`).count()).toBe(0);
    expect(await centreText(page)).toContain(`${want.row(want.dsc, dscSerial, 'demo-dsc', 'demo-code-card')} · ${want.ended}`);
    expect(await centreText(page)).not.toContain(want.sharedFrom);
    await ctx.check();
  } finally {
    await ctx.close();
  }

  // 3. demo-platinum-gold asks for demo-dsc-plus's DSC+ (same identification data, no common account): the
  // request waits for review; `slsctl sharing approve ID`; a reload shows it approved; then it is stopped.
  ctx = await openContext(browser, server);
  try {
    const page = await loginWithToken(ctx, server, core, 'demo-platinum-gold', lang);
    await askToShare(page, 'demo-dsc-plus', dscPlusSerial, 'notice');
    expect(await centreText(page)).toContain(want.pending(dscPlusSerial));
    await shot(page, `share-pending-${lang}`);
    expect([lang, await axeViolations(page)]).toEqual([lang, []]);
    await page.click('#security-back');
    await waitForSecurity(page, 'overview');
    const row = want.row(want.dscPlus, dscPlusSerial, 'demo-dsc-plus', 'demo-platinum-gold');
    expect(await centreText(page)).toContain(`${row} · ${want.pendingStatus}`);
    const id = await requestId(page, { owner: 'demo-dsc-plus', status: 'pending' });
    await server.slsctl(['sharing', 'approve', id]);
    await page.reload();
    await waitForSecurity(page, 'overview');
    expect(await centreText(page)).toContain(`${row} · ${want.shared}`);
    await shot(page, `share-reviewed-${lang}`);
    await page.click(`#security-stop-${id}`);
    await waitForSecurity(page, 'notice');
    expect(await centreText(page)).toContain(want.stopped);
    await ctx.check();
  } finally {
    await ctx.close();
  }
});

test('withdrawals recorded by the back office (a service credential from slsctl): the centre shows what was used and what remains', async () => {
  const token = (await server.slsctl(['service-credential', 'create', 'security-test'])).trim().split(/\s+/).at(-1);
  const ctx = await openContext(browser, server);
  try {
    const page = await loginWithToken(ctx, server, core, 'demo-dsc', 'en');
    const before = (await api(page, 'GET', '/accounts')).body.accounts.find((a) => a.name === 'demo-joint');
    const amounts = [1234567, 500000]; // 12,345.67 and 5,000 USD
    for (const [i, amount] of amounts.entries()) {
      const reply = await fetch(`${server.url}api/v1/withdrawals`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ account: before.id, amount_cents: amount, idempotency_key: `security-test-${i}` }),
      });
      expect(reply.status).toBe(201);
    }
    const total = amounts.reduce((a, b) => a + b, 0);
    const afterReply = await api(page, 'GET', '/accounts');
    expect(afterReply.status).toBe(200);
    const after = afterReply.body.accounts.find((a) => a.name === 'demo-joint');
    expect(after.usage.daily.used_cents - (before.usage?.daily.used_cents ?? 0)).toBe(total);
    await page.reload();
    await waitForSecurity(page, 'overview');
    const usd = (cents) => `${Math.floor(cents / 100).toLocaleString('en-US')}${cents % 100 ? `.${String(cents % 100).padStart(2, '0')}` : ''} USD`;
    const rows = await page.$$eval('#security [part~="account"]', (boxes) => boxes.map((b) => ({
      heading: b.querySelector('h3').textContent,
      rows: [...b.querySelectorAll('[part~="limit-table"] tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
    })));
    const joint = rows.find((r) => r.heading.includes('demo-joint')).rows;
    const { daily, five_day: fiveDay } = after.usage;
    expect(joint[0].slice(2)).toEqual([usd(daily.used_cents), usd(daily.remaining.cents)]);
    expect(joint[1].slice(2)).toEqual([usd(fiveDay.used_cents), usd(fiveDay.remaining.cents)]);
    expect(joint[0][2]).toBe('17,345.67 USD');
    expect(daily.remaining.cents).toBe(after.limits.daily.cents - daily.used_cents);
    await shot(page, 'withdrawal-usage');
    expect(await axeViolations(page)).toEqual([]);
    await ctx.check();
  } finally {
    await ctx.close();
  }
});
