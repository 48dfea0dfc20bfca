// The bridges of <sls-login> to the page's host (attribute `bridge`): how the
// element hands its events (sls-authenticated with the login assertion,
// sls-error and sls-state summaries) to a host page of another origin that
// frames it (`parent`), or to the native app around a webview (`webview`).
// Part of the element (sls-login.js); no side effect on import. The message
// schema (version 1) and what a host must check: docs/component.md,
// "Bridge messages".
//
// Who receives a message is the whole point: `parent` posts only to
// window.parent, only with the explicit target origin of the element's
// `parent-origin` attribute (never "*"), so the browser delivers nothing to
// a page of any other origin that frames or opens the login. The attribute
// comes from the login page's markup on the login server, never from the URL.

/** Version of the message schema; a host ignores versions it does not know. */
export const BRIDGE_VERSION = 1;

// The bridge's refusals: codes of the error catalog (src/sls/errors.def), with
// their messages as written there (the login module carries no catalog;
// web/test/sls-bridge.test.cjs checks these against the file).
const REFUSALS = {
  'bridge.unknown': {
    en: 'This page is set up wrongly: "{0}" is not a bridge (use parent or webview), so the login result is not passed on.',
    'zh-Hant': '此頁面設定有誤：「{0}」不是可用的橋接方式（請用 parent 或 webview），因此無法傳遞登入結果。',
    'zh-Hans': '此页面设置有误：“{0}”不是可用的桥接方式（请用 parent 或 webview），因此无法传递登录结果。',
  },
  'bridge.parent_origin': {
    en: "This page is set up wrongly: parent-origin must name the host page's origin (scheme, host and port), so the login result is not passed on.",
    'zh-Hant': '此頁面設定有誤：parent-origin 必須是主頁面的來源（協定、主機及連接埠），因此無法傳遞登入結果。',
    'zh-Hans': '此页面设置有误：parent-origin 必须是主页面的源（协议、主机和端口），因此无法传递登录结果。',
  },
  'bridge.not_framed': {
    en: "This page is not shown inside its host's frame, so the login result is not passed on.",
    'zh-Hant': '此頁面並非顯示在主頁面的框架內，因此無法傳遞登入結果。',
    'zh-Hans': '此页面并非显示在主页面的框架内，因此无法传递登录结果。',
  },
  'bridge.no_host': {
    en: 'No app is connected to this page, so the login result is not passed on.',
    'zh-Hant': '此頁面沒有連接任何應用程式，因此無法傳遞登入結果。',
    'zh-Hans': '此页面没有连接任何应用程序，因此无法传递登录结果。',
  },
};

/** The catalog messages the bridge uses, by code and language (for the catalog check). */
export function bridgeMessages() {
  return JSON.parse(JSON.stringify(REFUSALS));
}

/**
 * The detail of the sls-error that reports a refusal {code, args}: the
 * message in `lang` ("en", "zh-Hant" or "zh-Hans"), {0}... filled.
 */
export function refusalDetail(refusal, lang) {
  const messages = REFUSALS[refusal.code];
  const template = messages[lang] ?? messages.en;
  const message = template.replace(/\{(\d)\}/g, (_, i) => String(refusal.args?.[Number(i)] ?? ''));
  return { code: refusal.code, message };
}

/**
 * `text` if it is an origin as the browser writes it (scheme://host[:port],
 * lower case, no default port, nothing after it): https, or http on a
 * loopback host (localhost, 127.0.0.1, [::1]); else null. The same rule as
 * slsd's --frame-ancestors.
 */
export function canonicalOrigin(text) {
  if (typeof text !== 'string' || !/^https?:\/\/[^/?#@\s]+$/.test(text)) return null;
  let url;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.origin !== text) return null;
  // A DNS name, an IPv4 address or a bracketed IPv6 one: no wildcard or other sign.
  if (!/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$|^\[[0-9a-f:.]+\]$/.test(url.hostname)) return null;
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return null;
  return text;
}

/** The session summary a host gets: what the server's Session object says about the login, by name. */
function sessionSummary(session) {
  const summary = {};
  for (const key of ['username', 'device_kind', 'access', 'limits', 'restrictions', 'amr', 'restricted']) {
    if (session?.[key] !== undefined) summary[key] = session[key];
  }
  return JSON.parse(JSON.stringify(summary));
}

/**
 * The bridge message for one of the element's events (`type`: "state",
 * "error" or "authenticated", and its detail); version 1:
 *   {type: "sls-state", version, screen, busy, method?, device_kind?}
 *   {type: "sls-error", version, code, message}
 *   {type: "sls-authenticated", version, assertion (string or null), session}
 * Nothing else of the detail goes out (no cause, no member the server may add).
 */
export function bridgeMessage(type, detail) {
  switch (type) {
    case 'state': {
      const message = { type: 'sls-state', version: BRIDGE_VERSION, screen: String(detail.screen), busy: Boolean(detail.busy) };
      if (typeof detail.method === 'string') message.method = detail.method;
      if (typeof detail.device_kind === 'string') message.device_kind = detail.device_kind;
      return message;
    }
    case 'error':
      return { type: 'sls-error', version: BRIDGE_VERSION, code: String(detail.code), message: String(detail.message) };
    case 'authenticated':
      return {
        type: 'sls-authenticated',
        version: BRIDGE_VERSION,
        assertion: typeof detail.assertion === 'string' ? detail.assertion : null,
        session: sessionSummary(detail),
      };
    default:
      return null;
  }
}

/**
 * The native host API of a webview, first found: WKWebView's message handler
 * "sls" (iOS, macOS), an Android JavaScript interface or web message
 * listener named SlsAndroid, WebView2's chrome.webview. Returns a function
 * that posts a message, or null.
 */
function webviewHost(win) {
  const handler = win.webkit?.messageHandlers?.sls;
  if (typeof handler?.postMessage === 'function') return (message) => handler.postMessage(message);
  const android = win.SlsAndroid;
  // Android's interfaces take strings only: the message as JSON text.
  if (typeof android?.postMessage === 'function') return (message) => android.postMessage(JSON.stringify(message));
  const webview2 = win.chrome?.webview;
  if (typeof webview2?.postMessage === 'function') return (message) => webview2.postMessage(message);
  return null;
}

/**
 * Opens the bridge `kind` (the attribute's value) in window `win`: returns
 * {post(message)} or, when it must not or cannot post, {refusal: {code,
 * args}} with a code above. `parentOrigin`: the `parent-origin` attribute.
 */
export function openBridge(win, kind, parentOrigin) {
  if (kind === 'parent') {
    const origin = canonicalOrigin(parentOrigin);
    if (origin === null) return { refusal: { code: 'bridge.parent_origin', args: [] } };
    const parent = win.parent;
    if (parent === null || parent === undefined || parent === win) return { refusal: { code: 'bridge.not_framed', args: [] } };
    // The target origin: the browser drops the message unless the parent's
    // document is of this origin at delivery.
    return { post: (message) => parent.postMessage(message, origin) };
  }
  if (kind === 'webview') {
    const post = webviewHost(win);
    return post === null ? { refusal: { code: 'bridge.no_host', args: [] } } : { post };
  }
  return { refusal: { code: 'bridge.unknown', args: [String(kind)] } };
}
