// What the demo pages served by slsd share: the page language (three
// languages, ?lang= and a picker), the demo module with the device-side
// operations, the demo accounts, JSON requests, and DOM building through
// textContent only. No innerHTML anywhere: the pages run under
// script-src 'self' 'wasm-unsafe-eval'; style-src 'self'.

/** The API base of the demo server (slsd serves the pages and the API on one origin). */
export const API = '/api/v1';

/** Where the Mobile Key simulator keeps its keys: this origin's localStorage, under this name. */
export const MOBILE_KEY_STORAGE_KEY = 'sls-demo-mobile-key';

/** One of the three page languages for a BCP 47 tag (the core's rule). */
export function pageLang(tag) {
  const t = String(tag || '').toLowerCase();
  if (!t.startsWith('zh')) return 'en';
  return /^zh-(hant|tw|hk|mo)\b/.test(t) ? 'zh-Hant' : 'zh-Hans';
}

/** Fills {0}, {1}, … in a template. */
export function fill(template, args = []) {
  return String(template).replace(/\{(\d)\}/g, (whole, n) => (args[n] !== undefined ? String(args[n]) : whole));
}

/**
 * Sets up the page's language: `text` maps each language to its strings
 * (key "title" is the document title; elements with data-text="key" get
 * that string). The first language comes from ?lang=, else <html lang>.
 * A <select id="lang">, if present, switches it; `onChange` runs after
 * every switch. Returns {lang(), t(key, ...args)}.
 */
export function setupLanguage(text, onChange = () => {}) {
  let lang = pageLang(new URLSearchParams(window.location.search).get('lang') || document.documentElement.lang);
  const picker = document.getElementById('lang');
  const page = {
    lang: () => lang,
    t: (key, ...args) => fill(text[lang][key] ?? text.en[key] ?? key, args),
  };
  const apply = () => {
    document.documentElement.lang = lang;
    document.title = text[lang].title;
    for (const node of document.querySelectorAll('[data-text]')) node.textContent = page.t(node.dataset.text);
    if (picker) picker.value = lang;
  };
  picker?.addEventListener('change', () => {
    lang = pageLang(picker.value);
    const url = new URL(window.location.href);
    url.searchParams.set('lang', lang);
    window.history.replaceState(null, '', url);
    apply();
    onChange(lang);
  });
  apply();
  return page;
}

/**
 * The demo flavour of the WebAssembly module (dist/demo/): every feature,
 * the operations of devices and servers (signing, key exchange) among them,
 * which only a stand-in for a device may hold. (The module <sls-login>
 * loads, dist/sls-core.mjs, has only the login flow and its messages.)
 */
export async function loadDemoCore() {
  const { default: create } = await import('../dist/demo/sls-core.mjs');
  return create();
}

/**
 * A JSON request to the API. Resolves with {status, body, retryAfter}:
 * status 0 when the server could not be reached, body null when the reply
 * is not JSON. Never rejects.
 */
export async function requestJson(method, path, { body, headers = {}, lang = 'en' } = {}) {
  const init = {
    method,
    cache: 'no-store',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Accept-Language': lang, ...headers },
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  try {
    const response = await fetch(`${API}${path}`, init);
    const text = await response.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
    const retry = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    return { status: response.status, body: parsed, retryAfter: Number.isNaN(retry) ? null : retry };
  } catch {
    return { status: 0, body: null, retryAfter: null };
  }
}

/** The message of an error reply (localised by the server), or `fallback`. */
export function replyMessage(reply, fallback) {
  return reply.body?.error?.message || fallback;
}

/**
 * The demo accounts `slsctl demo-seed` made, as slsd --demo-users serves
 * them: an array of {username, password, kind, ...}, or null when this
 * server does not publish them.
 */
export async function loadDemoUsers() {
  const reply = await requestJson('GET', '/demo/users');
  return reply.status === 200 && Array.isArray(reply.body?.users) ? reply.body.users : null;
}

/** Lower-case hexadecimal of base64url (the API's encoding of keys and signatures). */
export function base64urlToHex(text) {
  const base64 = String(text).replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Array.from(binary, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}

/** Base64url without padding of hexadecimal bytes. */
export function hexToBase64url(hex) {
  const bytes = String(hex).match(/../g) ?? [];
  const binary = bytes.map((b) => String.fromCharCode(Number.parseInt(b, 16))).join('');
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Builds an element: el('a', {href: 'x', class: 'y'}, 'text', child, ...).
 * Attribute values and text go in as text; null and false are skipped.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A time (unix seconds) as the page's language writes it. */
export function formatTime(unixSeconds, lang, withDate = false) {
  const date = new Date(unixSeconds * 1000);
  return withDate ? date.toLocaleString(lang) : date.toLocaleTimeString(lang);
}

/** Seconds as m:ss. */
export function formatSeconds(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
