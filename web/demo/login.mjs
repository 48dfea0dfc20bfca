// The login demo page: embeds <sls-login> the way an integrator would, and
// keeps the element's language and the page's in step (?lang= picks the
// first one, the picker changes it). The element does the whole login; the
// page only reacts to its events. After the login it shows the session the
// server keeps (GET /session: when it ends) and offers to log out
// (DELETE /session), as a host page of the login server's own origin would,
// and links the security centre of the session (security.html).
//
// Text is written with textContent only: no innerHTML, no inline script or
// style, so the page runs under script-src 'self' 'wasm-unsafe-eval';
// style-src 'self'.
import '../sls-login-define.js';

const TEXT = {
  en: {
    title: 'Log in (demo)',
    language: 'Language',
    logged_in: 'Logged in as {0}. A real page would now go on to the account.',
    session_ends: 'Your session ends at {0} at the latest, and sooner after {1} minutes without use.',
    session_gone: 'Your session has ended. Log in again to continue.',
    logout: 'Log out',
    security: 'Your security centre: devices, limits, settings',
    logged_out: 'You are logged out.',
    logout_failed: 'Logging out did not work: {0}',
  },
  'zh-Hant': {
    title: '登入（示範）',
    language: '語言',
    logged_in: '已用 {0} 的身分登入。正式網頁此時會轉往帳戶頁面。',
    session_ends: '您的工作階段最遲於 {0} 結束；閒置 {1} 分鐘後也會提早結束。',
    session_gone: '您的工作階段已結束。請重新登入以繼續。',
    logout: '登出',
    security: '您的安全中心：裝置、限額及設定',
    logged_out: '您已登出。',
    logout_failed: '無法登出：{0}',
  },
  'zh-Hans': {
    title: '登录（演示）',
    language: '语言',
    logged_in: '已用 {0} 的身份登录。正式网页此时会转到账户页面。',
    session_ends: '您的会话最迟于 {0} 结束；闲置 {1} 分钟后也会提前结束。',
    session_gone: '您的会话已结束。请重新登录以继续。',
    logout: '退出登录',
    security: '您的安全中心：设备、限额及设置',
    logged_out: '您已退出登录。',
    logout_failed: '无法退出登录：{0}',
  },
};

/** One of the page's three languages for a BCP 47 tag (as the core resolves it). */
function pageLang(tag) {
  const t = String(tag || '').toLowerCase();
  if (!t.startsWith('zh')) return 'en';
  return /^zh-(hant|tw|hk|mo)\b/.test(t) ? 'zh-Hant' : 'zh-Hans';
}

const element = document.getElementById('login');
const picker = document.getElementById('lang');
const outcome = document.getElementById('outcome');
const sessionBox = document.getElementById('session');
const sessionFacts = document.getElementById('session-facts');
const logoutButton = document.getElementById('logout');
let lang = pageLang(new URLSearchParams(window.location.search).get('lang') || document.documentElement.lang);
/** The sls-authenticated detail of the login shown; null before one and after logging out. */
let session = null;
/** GET /session's answer for it; null while unknown. */
let facts = null;
/** What the last action said when there is no session: '' or a key of TEXT (args beside). */
let notice = { key: '', args: [] };

function fill(template, args) {
  return template.replace(/\{(\d)\}/g, (match, n) => (args[n] !== undefined ? String(args[n]) : match));
}

function render() {
  const text = TEXT[lang];
  document.documentElement.lang = lang;
  document.title = text.title;
  for (const node of document.querySelectorAll('[data-text]')) node.textContent = text[node.dataset.text];
  picker.value = lang;
  document.getElementById('security-link').href = `security.html?lang=${encodeURIComponent(lang)}`;
  if (session) outcome.textContent = fill(text.logged_in, [session.username]);
  else outcome.textContent = notice.key ? fill(text[notice.key], notice.args) : '';
  sessionBox.hidden = !session;
  sessionFacts.textContent = facts ? fill(text.session_ends, [clock(facts.expires_at),
    Math.round((facts.idle_expires_at - facts.last_seen_at) / 60)]) : '';
}

/** Unix seconds as the time of day in the page's language. */
function clock(seconds) {
  return new Intl.DateTimeFormat(lang, { hour: 'numeric', minute: '2-digit' }).format(new Date(seconds * 1000));
}

function request(method) {
  return fetch(`${element.endpoint}/session`, {
    method, credentials: 'same-origin', headers: { Accept: 'application/json', 'Accept-Language': lang },
  });
}

/** Reads the session the login just started (its cookie is HttpOnly: only the server can tell). */
async function showSession() {
  const shown = session;
  let answer = null;
  try {
    const response = await request('GET');
    if (response.ok) answer = await response.json();
    else if (response.status === 401) answer = 'gone';
  } catch {
    // Offline: the login's own outcome stays shown; the times are left out.
  }
  if (session !== shown) return;  // logged out or logged in again meanwhile
  if (answer === 'gone') {
    session = null;
    notice = { key: 'session_gone', args: [] };
  } else {
    facts = answer;
  }
  render();
}

async function logOut() {
  logoutButton.disabled = true;
  try {
    const response = await request('DELETE');
    // 401: the session had already ended; the cookie is cleared either way.
    if (!response.ok && response.status !== 401) {
      const body = await response.json().catch(() => ({}));
      notice = { key: 'logout_failed', args: [body.message || response.status] };
      outcome.textContent = fill(TEXT[lang].logout_failed, notice.args);
      return;
    }
    session = null;
    facts = null;
    notice = { key: 'logged_out', args: [] };
    render();
    element.restart();
  } catch (error) {
    outcome.textContent = fill(TEXT[lang].logout_failed, [error.message]);
  } finally {
    logoutButton.disabled = false;
  }
}

function setLang(next) {
  lang = pageLang(next);
  element.setAttribute('lang', lang);
  const url = new URL(window.location.href);
  url.searchParams.set('lang', lang);
  window.history.replaceState(null, '', url);
  render();
}

picker.addEventListener('change', () => setLang(picker.value));
logoutButton.addEventListener('click', logOut);
element.addEventListener('sls-authenticated', (event) => {
  session = event.detail;
  facts = null;
  notice = { key: '', args: [] };
  render();
  showSession();
});
element.addEventListener('sls-state', (event) => {
  // A new login on the same element clears the previous outcome.
  if (session && event.detail?.screen === 'credentials') {
    session = null;
    facts = null;
    render();
  }
});

element.setAttribute('lang', lang);
render();
