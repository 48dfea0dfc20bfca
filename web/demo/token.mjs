// Virtual hardware tokens: the Digital Security Card (DSC), the DSC+ (which
// asks for its 4-digit PIN first) and the Platinum/Gold card. Each computes
// the 8-digit response to a 6-digit challenge with the WebAssembly core
// (OCRA, RFC 6287, then the Damm check digit), under the suite and key the
// demo server enrolled it with. The kind comes from ?kind= or the selector.
import { loadDemoCore, loadDemoUsers, setupLanguage } from './demo-kit.mjs';

const TEXT = {
  en: {
    title: 'Virtual hardware token (demo)',
    heading: 'Virtual hardware token',
    language: 'Language',
    back: 'All demo pages',
    intro: 'A keypad token that computes the 8-digit response to a login challenge. Choose the device, type the challenge the login page shows, and type the response back there.',
    kind_label: 'Device',
    kind_dsc: 'Digital Security Card',
    kind_dsc_plus: 'Digital Security Card+',
    kind_platinum_gold: 'Platinum / Gold card',
    serial: 'Serial',
    keypad: 'Keypad',
    clear: 'C',
    ok: 'OK',
    loading: 'Loading…',
    no_token: 'The demo server has no token of this kind. Load one below, or start the demo with scripts/demo.',
    prompt_pin: 'Enter the 4-digit PIN of the token, then OK.',
    prompt_challenge: 'Enter the 6-digit challenge from the login page, then OK.',
    prompt_response: 'Type this response on the login page. C starts over.',
    entry_pin: 'PIN',
    entry_challenge: 'Challenge',
    response_label: 'Response',
    pin_format: 'The PIN has 4 digits.',
    pin_wrong: 'Wrong PIN. Try again.',
    manual_heading: 'Load another token',
    manual_intro: 'For a token enrolled with slsctl enroll: paste what it printed.',
    manual_suite: 'OCRA suite',
    manual_key: 'Key (hexadecimal)',
    manual_pin: 'PIN (DSC+ only)',
    manual_load: 'Load',
    manual_loaded: 'Token loaded.',
    demo_note: "Demo only: this page got the token's secret key from the demo server. A real token keeps its key inside, and the server never gives it out.",
  },
  'zh-Hant': {
    title: '虛擬硬體保安裝置（示範）',
    heading: '虛擬硬體保安裝置',
    language: '語言',
    back: '所有示範頁面',
    intro: '附鍵盤的保安裝置，會為登入挑戰碼計算 8 位數字的回應碼。請選擇裝置，輸入登入頁顯示的挑戰碼，再把回應碼輸入登入頁。',
    kind_label: '裝置',
    kind_dsc: '數碼保安卡',
    kind_dsc_plus: '數碼保安卡+',
    kind_platinum_gold: '白金卡／金卡',
    serial: '序號',
    keypad: '鍵盤',
    clear: 'C',
    ok: 'OK',
    loading: '載入中…',
    no_token: '示範伺服器沒有這種裝置。請在下方載入，或以 scripts/demo 啟動示範。',
    prompt_pin: '請輸入裝置的 4 位數字 PIN，然後按 OK。',
    prompt_challenge: '請輸入登入頁上的 6 位數字挑戰碼，然後按 OK。',
    prompt_response: '請把此回應碼輸入登入頁。按 C 重新開始。',
    entry_pin: 'PIN',
    entry_challenge: '挑戰碼',
    response_label: '回應碼',
    pin_format: 'PIN 為 4 位數字。',
    pin_wrong: 'PIN 錯誤，請再試一次。',
    manual_heading: '載入其他裝置',
    manual_intro: '適用於以 slsctl enroll 登記的裝置：請貼上它列印的資料。',
    manual_suite: 'OCRA 套件',
    manual_key: '密鑰（十六進位）',
    manual_pin: 'PIN（只限數碼保安卡+）',
    manual_load: '載入',
    manual_loaded: '已載入裝置。',
    demo_note: '僅供示範：此頁面從示範伺服器取得裝置的密鑰。真正的裝置把密鑰保存在內部，伺服器也絕不會交出密鑰。',
  },
  'zh-Hans': {
    title: '虚拟硬件安全设备（演示）',
    heading: '虚拟硬件安全设备',
    language: '语言',
    back: '所有演示页面',
    intro: '带键盘的安全设备，会为登录挑战码计算 8 位数字的响应码。请选择设备，输入登录页显示的挑战码，再把响应码输入登录页。',
    kind_label: '设备',
    kind_dsc: '数字安全卡',
    kind_dsc_plus: '数字安全卡+',
    kind_platinum_gold: '白金卡／金卡',
    serial: '序列号',
    keypad: '键盘',
    clear: 'C',
    ok: 'OK',
    loading: '加载中…',
    no_token: '演示服务器没有这种设备。请在下方加载，或用 scripts/demo 启动演示。',
    prompt_pin: '请输入设备的 4 位数字 PIN，然后按 OK。',
    prompt_challenge: '请输入登录页上的 6 位数字挑战码，然后按 OK。',
    prompt_response: '请把此响应码输入登录页。按 C 重新开始。',
    entry_pin: 'PIN',
    entry_challenge: '挑战码',
    response_label: '响应码',
    pin_format: 'PIN 为 4 位数字。',
    pin_wrong: 'PIN 错误，请再试一次。',
    manual_heading: '加载其他设备',
    manual_intro: '适用于用 slsctl enroll 登记的设备：请粘贴它打印的资料。',
    manual_suite: 'OCRA 套件',
    manual_key: '密钥（十六进制）',
    manual_pin: 'PIN（仅限数字安全卡+）',
    manual_load: '加载',
    manual_loaded: '已加载设备。',
    demo_note: '仅供演示：此页面从演示服务器取得设备的密钥。真正的设备把密钥保存在内部，服务器也绝不会交出密钥。',
  },
};

const KINDS = ['dsc', 'dsc_plus', 'platinum_gold'];
const $ = (id) => document.getElementById(id);

/** The loaded token: {kind, serial, suite, key, pin}; null when none. */
let token = null;
/** "pin", "challenge" or "response". */
let step = 'challenge';
/** The PIN the user typed on a DSC+, kept only while the token is "on". */
let typedPin = '';
let message = { key: '', ok: false };
let demoUsers = [];
let core = null;

const page = setupLanguage(TEXT, () => render());

function needsPin() {
  return token !== null && token.suite.includes('-PSHA');
}

function setMessage(key, ok = false) {
  message = { key, ok };
}

function reset() {
  typedPin = '';
  step = needsPin() ? 'pin' : 'challenge';
  $('entry').value = '';
  $('response').value = '';
  setMessage('');
}

function render() {
  const { t } = page;
  $('status').textContent = core === null ? t('loading') : token === null ? t('no_token') : '';
  $('token').hidden = token === null;
  if (token === null) return;
  $('token').dataset.kind = token.kind;
  $('token').dataset.step = step;
  $('token-model').textContent = t(`kind_${token.kind}`);
  $('token-serial').textContent = token.serial;
  $('prompt').textContent = t(`prompt_${step}`);
  $('entry-label').textContent = t(step === 'pin' ? 'entry_pin' : 'entry_challenge');
  $('entry').hidden = step === 'response';
  $('entry').type = step === 'pin' ? 'password' : 'text';
  $('response').hidden = step !== 'response';
  $('response').setAttribute('aria-label', t('response_label'));
  $('message').textContent = message.key ? (message.key.startsWith('core:') ? message.key.slice(5) : t(message.key)) : '';
  $('message').classList.toggle('ok', message.ok);
}

function loadToken(next) {
  token = next;
  reset();
  render();
}

/** The demo user's token of `kind`, from the demo accounts. */
function demoToken(kind) {
  const user = demoUsers.find((u) => u.kind === kind && u.token);
  if (!user) return null;
  return { kind, serial: user.token.serial, suite: user.token.ocra_suite, key: user.token.key_hex, pin: user.token.pin ?? '' };
}

function chooseKind(kind) {
  const chosen = KINDS.includes(kind) ? kind : 'dsc';
  $('kind').value = chosen;
  const url = new URL(window.location.href);
  url.searchParams.set('kind', chosen);
  window.history.replaceState(null, '', url);
  loadToken(demoToken(chosen));
}

function onOk() {
  if (token === null) return;
  const lang = page.lang();
  const typed = $('entry').value;
  if (step === 'pin') {
    const pin = core.fold_typed_code(typed);
    if (!/^[0-9]{4}$/.test(pin)) setMessage('pin_format');
    else if (token.pin && pin !== token.pin) setMessage('pin_wrong');
    else {
      typedPin = pin;
      step = 'challenge';
      setMessage('');
    }
    $('entry').value = '';
  } else if (step === 'challenge') {
    const challenge = core.parse_challenge(typed, lang);
    if (!challenge.ok) {
      setMessage(`core:${challenge.error.message}`);
    } else {
      const input = { question: challenge.value };
      if (needsPin()) input.pin = typedPin;
      const response = core.compute_device_response(token.suite, token.key, input, lang);
      if (response.ok) {
        $('response').value = core.format_response(response.value);
        $('response').dataset.response = response.value;
        step = 'response';
        setMessage('');
      } else {
        setMessage(`core:${response.error.message}`);
      }
    }
  }
  render();
  if (step !== 'response') $('entry').focus();
}

function onClear() {
  if (step === 'response') {
    // Start over with a new challenge; a DSC+ stays unlocked until reloaded.
    step = 'challenge';
    $('response').value = '';
  }
  $('entry').value = '';
  setMessage('');
  render();
  $('entry').focus();
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  onOk();
});
$('clear').addEventListener('click', onClear);
for (const key of document.querySelectorAll('[data-key]')) {
  key.addEventListener('click', () => {
    if (step === 'response') return;
    const entry = $('entry');
    if (entry.value.length < entry.maxLength) entry.value += key.dataset.key;
  });
}
$('kind').addEventListener('change', () => chooseKind($('kind').value));
$('manual-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const suite = $('manual-suite').value.trim();
  const parsed = core.ocra_suite(suite, page.lang());
  const key = $('manual-key').value.trim().toLowerCase();
  const out = $('manual-message');
  if (!parsed.ok) {
    out.textContent = parsed.error.message;
    return;
  }
  const kind = parsed.value.pin_hash ? 'dsc_plus' : parsed.value.hash === 'sha512' ? 'platinum_gold' : 'dsc';
  $('kind').value = kind;
  loadToken({ kind, serial: $('manual-serial').value.trim(), suite, key, pin: $('manual-pin').value.trim() });
  out.textContent = page.t('manual_loaded');
});

render();
[core, demoUsers] = await Promise.all([loadDemoCore(), loadDemoUsers().then((u) => u ?? [])]);
chooseKind(new URLSearchParams(window.location.search).get('kind') ?? 'dsc');
document.body.dataset.ready = 'true';
