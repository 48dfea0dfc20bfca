// Which language <sls-login> speaks before its core can say: the nearest
// `lang` in the page, else the browser's preferred languages (the core
// resolves either with its own rule, resolve_lang), and the one sentence
// shown when the core cannot load at all, with the core's rule for picking
// its language. Part of the element (sls-login.js); no side effect on import.

// What shows if the module cannot load (no WebAssembly, blocked by a policy,
// wrong module-url). The core's catalog is out of reach then, so this one
// sentence lives here, in the three languages.
export const LOAD_FAILED = {
  en: 'The login could not start. Reload the page to try again.',
  'zh-Hant': '登入功能無法啟動。請重新載入頁面後再試。',
  'zh-Hans': '登录功能无法启动。请重新加载页面后再试。',
};

/** The nearest `lang` above `element`, crossing shadow roots; "" if none. */
export function nearestLang(element) {
  let node = element;
  while (node) {
    const holder = node.closest('[lang]');
    const lang = holder?.getAttribute('lang');
    if (lang) return lang;
    node = node.getRootNode().host ?? null;
  }
  return '';
}

/** The browser's preferred languages, most preferred first (navigator.languages). */
export function browserLangs() {
  const nav = globalThis.navigator;
  // A copy made here: an array of another realm (a test's DOM) is no Array to the core's instanceof.
  const list = Array.isArray(nav?.languages) ? Array.from(nav.languages).filter((t) => typeof t === 'string') : [];
  if (list.length > 0) return list;
  return typeof nav?.language === 'string' ? [nav.language] : [];
}

/**
 * The load-failure language for a tag or a preference list: the core's rule
 * (first supported tag), for this one message, since the core did not load.
 */
export function loadFailureLang(tags) {
  for (const tag of [tags].flat()) {
    const lower = tag.toLowerCase();
    if (/^en(?:[-_]|$)/.test(lower)) return 'en';
    if (/^zh(?:[-_]|$)/.test(lower)) return /^zh[-_](hant|tw|hk|mo)\b/.test(lower) ? 'zh-Hant' : 'zh-Hans';
  }
  return 'en';
}
