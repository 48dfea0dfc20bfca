// The login demo page: embeds <sls-login> the way an integrator would, and
// keeps the element's language and the page's in step (?lang= picks the
// first one, the picker changes it). The element does the whole login; the
// page only reacts to its events.
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
  },
  'zh-Hant': {
    title: '登入（示範）',
    language: '語言',
    logged_in: '已用 {0} 的身分登入。正式網頁此時會轉往帳戶頁面。',
  },
  'zh-Hans': {
    title: '登录（演示）',
    language: '语言',
    logged_in: '已用 {0} 的身份登录。正式网页此时会转到账户页面。',
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
let lang = pageLang(new URLSearchParams(window.location.search).get('lang') || document.documentElement.lang);
let session = null;

function fill(template, args) {
  return template.replace(/\{(\d)\}/g, (match, n) => (args[n] !== undefined ? String(args[n]) : match));
}

function render() {
  const text = TEXT[lang];
  document.documentElement.lang = lang;
  document.title = text.title;
  for (const node of document.querySelectorAll('[data-text]')) node.textContent = text[node.dataset.text];
  picker.value = lang;
  outcome.textContent = session ? fill(text.logged_in, [session.username]) : '';
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
element.addEventListener('sls-authenticated', (event) => {
  session = event.detail;
  render();
});
element.addEventListener('sls-state', (event) => {
  // A new login on the same element clears the previous outcome.
  if (session && event.detail?.screen === 'credentials') {
    session = null;
    render();
  }
});

element.setAttribute('lang', lang);
render();
