// The Mobile Key simulator: a phone that runs the WebAssembly core for its
// cryptography, the same code the server runs (sls/mobile_key.hpp).
//
// Activation: makes a crypto_kx key pair and an Ed25519 key pair, sends the
// public keys, the activation code and the hash of the new PIN to
// POST /api/v1/mobile-key/activate, derives the OCRA secret from the
// server's crypto_kx answer, and pins the server's signing key. The kx
// secret key is dropped right after; what the phone keeps (device id, suite,
// OCRA secret, its signing key, the pinned server key, the PIN hash) goes to
// localStorage, which the page says plainly: this is a demo.
//
// Then the phone
//  - polls GET /api/v1/device/{id}/pushes, signed (X-SLS-Device-Time and
//    X-SLS-Device-Signature over "SLS-PULL-1|id|time"), shows each request's
//    user and site and asks for the number the login page shows; approving
//    takes the PIN; refusing, or "this was not me", does not. The decision
//    is signed ("SLS-PUSH-1|tx|number|decision");
//  - computes the 8-digit response to a typed challenge (PIN required);
//  - reads a QR payload (pasted here), verifies its signature with the
//    pinned key, shows the site, and approves online (POST /api/v1/qr/approve,
//    signing "SLS-QR-1|payload|approve") or shows the response to type.
import {
  base64urlToHex, el, formatSeconds, formatTime, hexToBase64url, loadDemoCore, loadDemoUsers, MOBILE_KEY_STORAGE_KEY,
  replyMessage, requestJson, setupLanguage,
} from './demo-kit.mjs';
import { ACTIVATION_TEXT, setupSelfService } from './mobile-key-activation.mjs';
import { ADD_USER_TEXT, setupAddUser } from './mobile-key-add-user.mjs';

const TEXT = {
  en: {
    title: 'Mobile Key simulator (demo)',
    heading: 'Mobile Key simulator',
    language: 'Language',
    back: 'All demo pages',
    app_name: 'Mobile Key',
    loading: 'Loading…',
    activate_heading: 'Activate this phone',
    activate_intro: 'Enter your user name and the activation code you received, then choose a PIN for this phone.',
    activate_prefilled: 'Filled in from the demo accounts.',
    field_user: 'User name',
    field_code: 'Activation code',
    field_pin_new: 'New PIN (4 to 6 characters)',
    field_pin_again: 'The PIN again',
    field_pin: 'PIN',
    activate_button: 'Activate',
    activating: 'Activating…',
    need_user_code: 'Enter the user name and the activation code.',
    pins_differ: 'The two PINs differ. Type the same PIN twice.',
    activated: 'Mobile Key is active on this phone.',
    unreachable: 'The server cannot be reached. Check the connection and try again.',
    home_heading: 'Your Mobile Key',
    account: '{0} at',
    tab_requests: 'Requests',
    tab_challenge: 'Challenge',
    tab_qr: 'QR code',
    requests_waiting: 'No login request. This phone checks every 2 seconds.',
    requests_offline: 'The server cannot be reached; trying again.',
    requests_unknown: 'The server no longer knows this Mobile Key. Remove it below and activate again.',
    request_title: 'Login request',
    fact_user: 'User',
    fact_site: 'Site',
    fact_time_left: 'Time left',
    fact_challenge: 'Challenge',
    fact_valid: 'Valid until',
    field_number: 'The number the login page shows',
    number_hint: 'Approve only if you are logging in right now and this is the number on that page.',
    approve: 'Approve',
    deny: 'Refuse',
    not_me: 'This was not me',
    number_format: 'Type the 2-digit number the login page shows.',
    pin_wrong: 'Wrong PIN.',
    sending: 'Sending…',
    result_approved: 'Approved. The login page continues by itself.',
    result_denied: 'Refused. The login page shows that it was not confirmed.',
    result_not_me: 'Refused and reported. Consider changing your password.',
    result_mismatch: 'The number did not match, so the login was refused. Start the login again if it was you.',
    challenge_intro: 'No request arrived? Enter the 6-digit challenge the login page shows; the phone shows the response to type there.',
    field_challenge: 'Challenge',
    show_response: 'Show the response',
    response_label: 'Response',
    qr_intro: "A real phone reads the login page's QR code with its camera. Here, paste what the QR code holds (it starts with SLS1.).",
    field_qr: 'QR code content',
    qr_check: 'Check',
    qr_request: 'Login request',
    qr_foreign: 'This request names a site other than the one this Mobile Key was activated for. If you did not start this login there, do not approve it.',
    qr_approve: 'Approve online',
    qr_offline: 'No network: show the response',
    qr_approved: 'Approved. The login page continues by itself.',
    reset: 'Remove Mobile Key from this phone',
    reset_confirm: 'Remove Mobile Key from this phone? You will need a new activation code.',
    demo_note: "Demo only: this simulated phone keeps its keys in this browser's local storage, for this site only. A real phone keeps them in its secure hardware and unlocks them with the PIN or a fingerprint.",
  },
  'zh-Hant': {
    title: 'Mobile Key 模擬器（示範）',
    heading: 'Mobile Key 模擬器',
    language: '語言',
    back: '所有示範頁面',
    app_name: 'Mobile Key',
    loading: '載入中…',
    activate_heading: '啟用此手機',
    activate_intro: '請輸入用戶名稱及收到的啟用碼，再為此手機設定 PIN。',
    activate_prefilled: '已從示範帳戶填入。',
    field_user: '用戶名稱',
    field_code: '啟用碼',
    field_pin_new: '新 PIN（4 至 6 個字元）',
    field_pin_again: '再次輸入 PIN',
    field_pin: 'PIN',
    activate_button: '啟用',
    activating: '正在啟用…',
    need_user_code: '請輸入用戶名稱及啟用碼。',
    pins_differ: '兩次輸入的 PIN 不同，請輸入相同的 PIN。',
    activated: '此手機的 Mobile Key 已啟用。',
    unreachable: '無法連接伺服器。請檢查網絡後再試。',
    home_heading: '您的 Mobile Key',
    account: '{0}，網站',
    tab_requests: '請求',
    tab_challenge: '挑戰碼',
    tab_qr: 'QR 碼',
    requests_waiting: '沒有登入請求。此手機每 2 秒檢查一次。',
    requests_offline: '無法連接伺服器，正在重試。',
    requests_unknown: '伺服器已不認得此 Mobile Key。請在下方移除後重新啟用。',
    request_title: '登入請求',
    fact_user: '用戶',
    fact_site: '網站',
    fact_time_left: '剩餘時間',
    fact_challenge: '挑戰碼',
    fact_valid: '有效至',
    field_number: '登入頁顯示的數字',
    number_hint: '只在您正在登入，而且登入頁顯示的正是這個數字時才批准。',
    approve: '批准',
    deny: '拒絕',
    not_me: '不是我本人',
    number_format: '請輸入登入頁顯示的 2 位數字。',
    pin_wrong: 'PIN 錯誤。',
    sending: '正在傳送…',
    result_approved: '已批准。登入頁會自動繼續。',
    result_denied: '已拒絕。登入頁會顯示登入未獲確認。',
    result_not_me: '已拒絕並報告。建議您更改密碼。',
    result_mismatch: '數字不符，登入已被拒絕。如果是您本人，請重新登入。',
    challenge_intro: '沒有收到請求？請輸入登入頁顯示的 6 位數字挑戰碼，手機會顯示要在登入頁輸入的回應碼。',
    field_challenge: '挑戰碼',
    show_response: '顯示回應碼',
    response_label: '回應碼',
    qr_intro: '真正的手機會用相機讀取登入頁的 QR 碼。在這裏，請貼上 QR 碼的內容（以 SLS1. 開頭）。',
    field_qr: 'QR 碼內容',
    qr_check: '檢查',
    qr_request: '登入請求',
    qr_foreign: '此請求所列的網站並非啟用此 Mobile Key 的網站。如果您不是在該網站登入，請勿批准。',
    qr_approve: '在線批准',
    qr_offline: '沒有網絡：顯示回應碼',
    qr_approved: '已批准。登入頁會自動繼續。',
    reset: '從此手機移除 Mobile Key',
    reset_confirm: '要從此手機移除 Mobile Key 嗎？之後需要新的啟用碼。',
    demo_note: '僅供示範：此模擬手機把密鑰保存在這個瀏覽器的本機儲存空間，只限本網站使用。真正的手機把密鑰保存在安全硬體中，並以 PIN 或指紋解鎖。',
  },
  'zh-Hans': {
    title: 'Mobile Key 模拟器（演示）',
    heading: 'Mobile Key 模拟器',
    language: '语言',
    back: '所有演示页面',
    app_name: 'Mobile Key',
    loading: '加载中…',
    activate_heading: '激活此手机',
    activate_intro: '请输入用户名和收到的激活码，再为此手机设置 PIN。',
    activate_prefilled: '已从演示账户填入。',
    field_user: '用户名',
    field_code: '激活码',
    field_pin_new: '新 PIN（4 至 6 个字符）',
    field_pin_again: '再次输入 PIN',
    field_pin: 'PIN',
    activate_button: '激活',
    activating: '正在激活…',
    need_user_code: '请输入用户名和激活码。',
    pins_differ: '两次输入的 PIN 不同，请输入相同的 PIN。',
    activated: '此手机的 Mobile Key 已激活。',
    unreachable: '无法连接服务器。请检查网络后再试。',
    home_heading: '您的 Mobile Key',
    account: '{0}，网站',
    tab_requests: '请求',
    tab_challenge: '挑战码',
    tab_qr: '二维码',
    requests_waiting: '没有登录请求。此手机每 2 秒检查一次。',
    requests_offline: '无法连接服务器，正在重试。',
    requests_unknown: '服务器已不认识此 Mobile Key。请在下方移除后重新激活。',
    request_title: '登录请求',
    fact_user: '用户',
    fact_site: '网站',
    fact_time_left: '剩余时间',
    fact_challenge: '挑战码',
    fact_valid: '有效期至',
    field_number: '登录页显示的数字',
    number_hint: '只在您正在登录，而且登录页显示的正是这个数字时才批准。',
    approve: '批准',
    deny: '拒绝',
    not_me: '不是我本人',
    number_format: '请输入登录页显示的 2 位数字。',
    pin_wrong: 'PIN 错误。',
    sending: '正在发送…',
    result_approved: '已批准。登录页会自动继续。',
    result_denied: '已拒绝。登录页会显示登录未获确认。',
    result_not_me: '已拒绝并报告。建议您更改密码。',
    result_mismatch: '数字不符，登录已被拒绝。如果是您本人，请重新登录。',
    challenge_intro: '没有收到请求？请输入登录页显示的 6 位数字挑战码，手机会显示要在登录页输入的响应码。',
    field_challenge: '挑战码',
    show_response: '显示响应码',
    response_label: '响应码',
    qr_intro: '真正的手机会用相机读取登录页的二维码。在这里，请粘贴二维码的内容（以 SLS1. 开头）。',
    field_qr: '二维码内容',
    qr_check: '检查',
    qr_request: '登录请求',
    qr_foreign: '此请求所列的网站并非激活此 Mobile Key 的网站。如果您不是在该网站登录，请勿批准。',
    qr_approve: '在线批准',
    qr_offline: '没有网络：显示响应码',
    qr_approved: '已批准。登录页会自动继续。',
    reset: '从此手机移除 Mobile Key',
    reset_confirm: '要从此手机移除 Mobile Key 吗？之后需要新的激活码。',
    demo_note: '仅供演示：此模拟手机把密钥保存在这个浏览器的本地存储空间，只限本网站使用。真正的手机把密钥保存在安全硬件中，并以 PIN 或指纹解锁。',
  },
};

/** How often the phone asks for pending pushes. */
const POLL_MS = 2000;
/** How long a decided request stays on screen with its outcome. */
const DECIDED_SHOW_MS = 8000;
/** Mobile Key sends SHA-256 of its PIN at activation (the P field of its suite, SPEC 3.2). */
const PIN_HASH = 'sha256';

const $ = (id) => document.getElementById(id);

let core = null;
/** The activated key material, or null: see MOBILE_KEY_STORAGE_KEY. */
let phone = null;
/** tx_id → {push, node, decided} of the requests on screen. */
const requests = new Map();
/** "waiting", "offline" or "unknown": the state of the pending-push list. */
let pollState = 'waiting';
let pollTimer = 0;
/** The verified QR payload on screen: {text, payload}. */
let scanned = null;

for (const lang of Object.keys(TEXT)) Object.assign(TEXT[lang], ACTIVATION_TEXT[lang], ADD_USER_TEXT[lang]);
const page = setupLanguage(TEXT, () => renderAll());
/** The self-service activation (mobile-key-activation.mjs), once the core is loaded. */
let selfService = null;
const t = (key, ...args) => page.t(key, ...args);

// --- storage -------------------------------------------------------------------

function loadPhone() {
  try {
    const stored = JSON.parse(window.localStorage.getItem(MOBILE_KEY_STORAGE_KEY) ?? 'null');
    return stored && stored.origin === window.location.origin ? stored : null;
  } catch {
    return null;
  }
}

function savePhone(value) {
  phone = value;
  if (value === null) window.localStorage.removeItem(MOBILE_KEY_STORAGE_KEY);
  else window.localStorage.setItem(MOBILE_KEY_STORAGE_KEY, JSON.stringify(value));
}

// --- small helpers ---------------------------------------------------------------

/** Writes a message under a form: `key` a TEXT key, or {text} for a message from the core or the server. */
function say(node, message, ok = false) {
  node.textContent = message === '' ? '' : typeof message === 'string' ? t(message) : message.text;
  node.classList.toggle('ok', ok);
}

function pinMatches(pin) {
  const hash = core.ocra_hash_pin(PIN_HASH, pin, page.lang());
  return hash.ok && hash.value === phone.pin_hash;
}

/** The OCRA response to a 6-digit challenge, formatted ("1234 5678"), or {error}. */
function responseFor(challengeDigits, pin) {
  const suite = core.ocra_suite(phone.suite, page.lang());
  const input = { question: challengeDigits };
  if (suite.ok && suite.value.pin_hash) input.pin = pin;
  const response = core.compute_device_response(phone.suite, phone.ocra_secret, input, page.lang());
  return response.ok ? { text: core.format_response(response.value), digits: response.value }
    : { error: response.error.message };
}

function sign(text) {
  const signature = core.mobile_key_sign(phone.sign_secret_key, text, page.lang());
  if (!signature.ok) throw new Error(signature.error.message);
  return hexToBase64url(signature.value);
}

// --- activation ------------------------------------------------------------------

async function activate(event) {
  event.preventDefault();
  const message = $('ak-message');
  const username = $('ak-user').value.trim();
  const code = core.fold_typed_code($('ak-code').value);
  const pin = $('ak-pin').value;
  if (username === '' || code === '') return say(message, 'need_user_code');
  const pinCheck = core.check_recovery_pin(pin, page.lang());
  if (!pinCheck.ok) return say(message, { text: pinCheck.error.message });
  if (pin !== $('ak-pin2').value) return say(message, 'pins_differ');
  $('ak-submit').disabled = true;
  const done = await finishActivation({ username, activation_code: code }, { username, pin, message });
  $('ak-submit').disabled = false;
  if (done) for (const id of ['ak-code', 'ak-pin', 'ak-pin2']) $(id).value = '';
  return undefined;
}

/**
 * Makes the phone's keys, sends `body` (the operator's code, or the
 * self-service enrolment, code and recovery PIN) with the public keys and
 * the PIN's hash to POST /mobile-key/activate, and keeps what the phone
 * needs. Resolves true when active; else the reason is said under the form.
 */
async function finishActivation(body, { username, pin, message }) {
  const lang = page.lang();
  const kx = core.kx_generate_key_pair();
  const signing = core.ed25519_generate_key_pair();
  const pinHash = core.ocra_hash_pin(PIN_HASH, pin, lang);
  if (!pinHash.ok) {
    say(message, { text: pinHash.error.message });
    return false;
  }
  say(message, 'activating', true);
  const reply = await requestJson('POST', '/mobile-key/activate', {
    lang,
    body: {
      ...body,
      kx_public_key: hexToBase64url(kx.public_key),
      sign_public_key: hexToBase64url(signing.public_key),
      pin_hash: hexToBase64url(pinHash.value),
    },
  });
  if (reply.status !== 200) {
    say(message, reply.status === 0 ? 'unreachable' : { text: replyMessage(reply, t('unreachable')) });
    return false;
  }

  const { device_id: deviceId, ocra_suite: suite } = reply.body;
  const secret = core.mobile_key_phone_ocra_secret(suite, kx.public_key, kx.secret_key,
    base64urlToHex(reply.body.server_kx_public_key), lang);
  if (!secret.ok) {
    say(message, { text: secret.error.message });
    return false;
  }
  savePhone({
    origin: window.location.origin,
    username,
    device_id: deviceId,
    suite,
    ocra_secret: secret.value,
    sign_secret_key: signing.secret_key,
    sign_public_key: signing.public_key,
    server_sign_key: base64urlToHex(reply.body.server_sign_public_key),
    pin_hash: pinHash.value,
  });
  say(message, '');
  say($('status'), 'activated', true);
  renderAll();
  startPolling();
  return true;
}

async function prefillActivation() {
  const users = await loadDemoUsers();
  const user = users?.find((u) => u.kind === 'mobile_key' && u.activation_code && Date.now() / 1000 < u.activation_expires_at);
  if (!user || phone !== null || $('ak-user').value !== '') return;
  $('ak-user').value = user.username;
  $('ak-code').value = user.activation_code;
  $('activate-prefilled').hidden = false;
  selfService.useOperatorCode();
}

// --- pushes ------------------------------------------------------------------------

function startPolling() {
  clearTimeout(pollTimer);
  poll();
}

async function poll() {
  if (phone === null) return;
  const time = Math.floor(Date.now() / 1000);
  const text = core.device_pull_message(phone.device_id, time);
  const reply = await requestJson('GET', `/device/${encodeURIComponent(phone.device_id)}/pushes`, {
    lang: page.lang(),
    headers: { 'X-SLS-Device-Time': String(time), 'X-SLS-Device-Signature': sign(text) },
  });
  if (phone === null) return;
  if (reply.status === 200 && Array.isArray(reply.body?.pushes)) {
    pollState = 'waiting';
    showPushes(reply.body.pushes);
  } else if (reply.status === 404 || reply.status === 401) {
    // Deleted, replaced or never known (a new demo database): stop asking.
    pollState = 'unknown';
    renderRequests();
    return;
  } else {
    pollState = 'offline';
  }
  renderRequests();
  pollTimer = setTimeout(poll, Math.max(POLL_MS, (reply.retryAfter ?? 0) * 1000));
}

function showPushes(pushes) {
  const pending = new Set(pushes.map((p) => p.tx_id));
  for (const [tx, entry] of requests) {
    if (!pending.has(tx) && !entry.decided) {
      entry.node.remove();
      requests.delete(tx);
    }
  }
  for (const push of pushes) {
    if (!requests.has(push.tx_id)) {
      const entry = { push, node: null, decided: null, message: '' };
      entry.node = pushNode(entry);
      requests.set(push.tx_id, entry);
      $('pushes').append(entry.node);
    }
  }
}

/** One request: the facts, the number, the PIN and the three answers. */
function pushNode(entry) {
  const { push } = entry;
  const id = `push-${push.tx_id}`;
  const form = el('form', { class: 'mk-form', novalidate: true },
    el('label', { for: `${id}-number`, 'data-t': 'field_number' }),
    el('input', { id: `${id}-number`, class: 'number', type: 'text', inputmode: 'numeric', maxlength: 4, autocomplete: 'off', 'aria-describedby': `${id}-hint` }),
    el('p', { id: `${id}-hint`, class: 'mk-hint', 'data-t': 'number_hint' }),
    el('label', { for: `${id}-pin`, 'data-t': 'field_pin' }),
    el('input', { id: `${id}-pin`, class: 'pin', type: 'password', maxlength: 32, autocomplete: 'current-password' }),
    el('div', { class: 'mk-decisions' },
      el('button', { type: 'submit', class: 'approve', 'data-t': 'approve' }),
      el('button', { type: 'button', class: 'deny secondary', 'data-t': 'deny' }),
      el('button', { type: 'button', class: 'not-me danger', 'data-t': 'not_me' })));
  const node = el('li', { 'data-tx': push.tx_id },
    el('p', { class: 'mk-request-title', 'data-t': 'request_title' }),
    el('dl', { class: 'mk-facts' },
      el('div', {}, el('dt', { 'data-t': 'fact_user' }), el('dd', { class: 'user' }, push.username)),
      el('div', {}, el('dt', { 'data-t': 'fact_site' }), el('dd', { class: 'origin mk-origin' }, push.origin)),
      el('div', {}, el('dt', { 'data-t': 'fact_time_left' }), el('dd', { class: 'time-left' }))),
    form,
    el('p', { class: 'message mk-message', role: 'alert' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    decide(entry, 'approve');
  });
  node.querySelector('.deny').addEventListener('click', () => decide(entry, 'deny'));
  node.querySelector('.not-me').addEventListener('click', () => decide(entry, 'not_me'));
  translate(node);
  return node;
}

async function decide(entry, decision) {
  const { node, push } = entry;
  const out = node.querySelector('.message');
  const typed = core.fold_typed_code(node.querySelector('.number').value);
  const number = /^[0-9]{2}$/.test(typed) ? typed : null;
  if (decision === 'approve') {
    if (number === null) return say(out, 'number_format');
    if (!pinMatches(node.querySelector('.pin').value)) return say(out, 'pin_wrong');
  }
  node.querySelector('.pin').value = '';
  for (const button of node.querySelectorAll('button')) button.disabled = true;
  say(out, 'sending', true);
  // Refusing needs no number: the server checks the signature, then refuses.
  const signedNumber = number ?? '00';
  const reply = await requestJson('POST', `/push/${encodeURIComponent(push.tx_id)}/decision`, {
    lang: page.lang(),
    body: {
      device_id: phone.device_id,
      number: signedNumber,
      decision,
      signature: sign(core.push_decision_message(push.tx_id, signedNumber, decision)),
    },
  });
  if (reply.status === 200) {
    const status = reply.body?.status;
    const result = decision === 'not_me' ? 'result_not_me'
      : status === 'approved' ? 'result_approved'
        : decision === 'approve' ? 'result_mismatch' : 'result_denied';
    entry.decided = result;
    node.classList.add('decided');
    node.dataset.outcome = status ?? '';
    node.querySelector('form').hidden = true;
    say(out, result, status === 'approved');
  } else {
    entry.decided = 'failed';
    node.classList.add('decided');
    node.querySelector('form').hidden = true;
    say(out, reply.status === 0 ? 'unreachable' : { text: replyMessage(reply, t('unreachable')) });
  }
  setTimeout(() => {
    node.remove();
    requests.delete(push.tx_id);
    renderRequests();
  }, DECIDED_SHOW_MS);
  renderRequests();
  return undefined;
}

// --- challenge and QR ----------------------------------------------------------------

function onChallenge(event) {
  event.preventDefault();
  const out = $('cr-message');
  $('cr-response-box').hidden = true;
  const challenge = core.parse_challenge($('cr-challenge').value, page.lang());
  if (!challenge.ok) return say(out, { text: challenge.error.message });
  const pin = $('cr-pin').value;
  $('cr-pin').value = '';
  if (!pinMatches(pin)) return say(out, 'pin_wrong');
  const response = responseFor(challenge.value, pin);
  if (response.error) return say(out, { text: response.error });
  say(out, '');
  $('cr-response').value = response.text;
  $('cr-response').dataset.response = response.digits;
  $('cr-response-box').hidden = false;
  return undefined;
}

function onQrCheck(event) {
  event.preventDefault();
  const out = $('qr-message');
  scanned = null;
  $('qr-details').hidden = true;
  $('qr-response-box').hidden = true;
  const text = $('qr-payload').value.trim();
  const verified = core.verify_signed_payload(text, phone.server_sign_key, Math.floor(Date.now() / 1000), page.lang());
  if (!verified.ok) return say(out, { text: verified.error.message });
  say(out, '');
  scanned = { text, payload: verified.value };
  renderQr();
  $('qr-details').hidden = false;
  $('qr-pin').focus();
  return undefined;
}

function qrPin() {
  const pin = $('qr-pin').value;
  $('qr-pin').value = '';
  if (!pinMatches(pin)) {
    say($('qr-message'), 'pin_wrong');
    return null;
  }
  return pin;
}

async function onQrApprove(event) {
  event.preventDefault();
  if (scanned === null || qrPin() === null) return;
  const out = $('qr-message');
  say(out, 'sending', true);
  $('qr-approve').disabled = true;
  const reply = await requestJson('POST', '/qr/approve', {
    lang: page.lang(),
    body: { device_id: phone.device_id, payload: scanned.text, signature: sign(core.qr_approval_message(scanned.text)) },
  });
  $('qr-approve').disabled = false;
  if (reply.status === 200) say(out, 'qr_approved', true);
  else say(out, reply.status === 0 ? 'unreachable' : { text: replyMessage(reply, t('unreachable')) });
}

function onQrOffline() {
  if (scanned === null) return;
  const pin = qrPin();
  if (pin === null) return;
  const response = responseFor(scanned.payload.challenge, pin);
  if (response.error) {
    say($('qr-message'), { text: response.error });
    return;
  }
  say($('qr-message'), '');
  $('qr-response').value = response.text;
  $('qr-response').dataset.response = response.digits;
  $('qr-response-box').hidden = false;
}

// --- rendering -------------------------------------------------------------------------

/** Fills the elements built in script (data-t) in the current language. */
function translate(root) {
  for (const node of root.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
}

function renderRequests() {
  if (phone === null) return;
  const waiting = [...requests.values()].every((entry) => entry.decided);
  $('requests-status').textContent = pollState === 'unknown' ? t('requests_unknown')
    : pollState === 'offline' ? t('requests_offline') : waiting ? t('requests_waiting') : '';
  const now = Date.now() / 1000;
  for (const entry of requests.values()) {
    entry.node.querySelector('.time-left').textContent = formatSeconds(entry.push.expires_at - now);
  }
}

function renderQr() {
  if (scanned === null) return;
  $('qr-origin').textContent = scanned.payload.origin;
  $('qr-challenge').textContent = core.format_challenge(scanned.payload.challenge);
  $('qr-expiry').textContent = formatTime(scanned.payload.expires_at, page.lang());
  $('qr-foreign').hidden = scanned.payload.origin === phone.origin;
}

function showTab(panelId) {
  for (const tab of document.querySelectorAll('.mk-tabs button')) {
    const selected = tab.dataset.panel === panelId;
    tab.setAttribute('aria-pressed', String(selected));
    $(tab.dataset.panel).hidden = !selected;
  }
}

function renderAll() {
  if (core === null) return;
  $('activate').hidden = phone !== null;
  $('home').hidden = phone === null;
  document.body.dataset.activated = String(phone !== null);
  if (phone !== null) {
    $('home').dataset.device = phone.device_id;
    $('home-user').textContent = t('account', phone.username);
    $('home-origin').textContent = phone.origin;
  }
  translate(document);
  selfService?.render();
  renderRequests();
  renderQr();
}

// --- start ------------------------------------------------------------------------------

$('activate-form').addEventListener('submit', activate);
$('cr-form').addEventListener('submit', onChallenge);
$('qr-form').addEventListener('submit', onQrCheck);
$('qr-approve-form').addEventListener('submit', onQrApprove);
$('qr-offline').addEventListener('click', onQrOffline);
for (const tab of document.querySelectorAll('.mk-tabs button')) tab.addEventListener('click', () => showTab(tab.dataset.panel));
$('reset').addEventListener('click', () => {
  if (!window.confirm(t('reset_confirm'))) return;
  clearTimeout(pollTimer);
  savePhone(null);
  requests.clear();
  $('pushes').replaceChildren();
  scanned = null;
  renderAll();
  prefillActivation();
});
// The countdowns of the requests on screen.
setInterval(renderRequests, 1000);

core = await loadDemoCore();
selfService = setupSelfService({ core, page, say, finish: finishActivation });
setupAddUser({ page, phone: () => phone, sign, say });
phone = loadPhone();
$('status').textContent = '';
showTab('panel-requests');
renderAll();
if (phone === null) await prefillActivation();
else startPolling();
document.body.dataset.ready = 'true';
