// The demo security centre page: <sls-security> for the session of the demo login page (same origin, so the
// session cookie goes with every request), in the language of ?lang= or the picker. The element does everything;
// the page keeps its own few words and the element's language in step. textContent only, no inline script.
import '../sls-security-define.js';

const TEXT = {
  en: { title: 'Security centre (demo)', language: 'Language', back: 'Back to the login page' },
  'zh-Hant': { title: '安全中心（示範）', language: '語言', back: '返回登入頁面' },
  'zh-Hans': { title: '安全中心（演示）', language: '语言', back: '返回登录页面' },
};

function pageLang(tag) {
  const t = String(tag || '').toLowerCase();
  if (!t.startsWith('zh')) return 'en';
  return /^zh-(hant|tw|hk|mo)\b/.test(t) ? 'zh-Hant' : 'zh-Hans';
}

const picker = document.getElementById('lang');
const back = document.getElementById('back');
let lang = pageLang(new URLSearchParams(window.location.search).get('lang') || document.documentElement.lang);

function render() {
  const text = TEXT[lang];
  document.documentElement.lang = lang;
  document.title = text.title;
  for (const node of document.querySelectorAll('[data-text]')) node.textContent = text[node.dataset.text];
  picker.value = lang;
  back.href = `login.html?lang=${encodeURIComponent(lang)}`;
}

picker.addEventListener('change', () => {
  lang = pageLang(picker.value);
  const url = new URL(window.location.href);
  url.searchParams.set('lang', lang);
  window.history.replaceState(null, '', url);
  render();
});

render();
