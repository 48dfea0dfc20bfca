// The demo page: a code-card challenge and a challenge/response login with
// its signed QR code, validated live by the WebAssembly core.
//
// One module, the demo build (dist/demo/), in two roles: `core` does what a
// page may do itself (entry checks, messages, QR drawing: features the
// <sls-login> module leaves out, since the element's LoginFlow does them
// inside); `server` stands in for the server and the user's device: it
// makes the card, the signing key and the device secret, signs the payload
// and checks what is submitted. A real page never holds those.
//
// The page writes text only through textContent and inserts the QR code as
// a parsed SVG node: no innerHTML, no inline script or style, so it runs
// under script-src 'self' 'wasm-unsafe-eval'; style-src 'self'.
import createDemoCore from '../dist/demo/sls-core.mjs';

// Page text in the three languages. Error messages come from the core.
const TEXT = {
  en: {
    title: 'Second-factor login (demo)',
    language: 'Language',
    loading: 'Loading…',
    load_failed: 'The login component could not start: {0}',
    card_heading: 'Security Code Card',
    card_prompt: 'Find index {0} and index {1} on your card and type both codes, one after the other.',
    card_label: 'Codes (6 characters)',
    demo_card: 'Demo card, codes at these indices:',
    cr_heading: 'Digital security device or Mobile Key',
    challenge_label: 'Challenge',
    challenge_help: 'Enter this challenge on your device, or scan the QR code with Mobile Key.',
    qr_label: 'QR code of this login request',
    qr_origin: 'Requested by {0}.',
    qr_expiry: 'Valid until {0}.',
    response_label: 'Response from your device (8 digits)',
    demo_device: 'Demo device shows:',
    demo_key: 'Demo server key (public):',
    submit: 'Check',
    typed_progress: '{0} of {1} characters',
    typed_complete: 'Complete: {0}',
    accepted: 'Accepted.',
    demo_note: 'Demo only: every key is made in this page. In production the server signs, and no secret reaches the browser.',
  },
  'zh-Hant': {
    title: '雙重驗證登入(示範)',
    language: '語言',
    loading: '載入中…',
    load_failed: '登入元件無法啟動:{0}',
    card_heading: '安全碼卡',
    card_prompt: '請在卡上找出索引 {0} 及索引 {1},依序輸入兩組代碼。',
    card_label: '代碼(共 6 個字元)',
    demo_card: '示範卡片在這兩個索引的代碼:',
    cr_heading: '數碼安全裝置或 Mobile Key',
    challenge_label: '挑戰碼',
    challenge_help: '請在裝置上輸入此挑戰碼,或以 Mobile Key 掃描 QR 碼。',
    qr_label: '此登入請求的 QR 碼',
    qr_origin: '請求來源:{0}。',
    qr_expiry: '有效至 {0}。',
    response_label: '裝置顯示的回應碼(8 位數字)',
    demo_device: '示範裝置顯示:',
    demo_key: '示範伺服器公鑰:',
    submit: '核對',
    typed_progress: '已輸入 {0}/{1} 個字元',
    typed_complete: '已完整輸入:{0}',
    accepted: '驗證成功。',
    demo_note: '僅供示範:所有金鑰都在此頁面中產生。正式環境由伺服器簽署,任何密鑰都不會傳到瀏覽器。',
  },
  'zh-Hans': {
    title: '双重验证登录(示范)',
    language: '语言',
    loading: '加载中…',
    load_failed: '登录组件无法启动:{0}',
    card_heading: '安全码卡',
    card_prompt: '请在卡上找到索引 {0} 和索引 {1},依次输入两组代码。',
    card_label: '代码(共 6 个字符)',
    demo_card: '示范卡片在这两个索引的代码:',
    cr_heading: '数字安全设备或 Mobile Key',
    challenge_label: '挑战码',
    challenge_help: '请在设备上输入此挑战码,或用 Mobile Key 扫描二维码。',
    qr_label: '此登录请求的二维码',
    qr_origin: '请求来源:{0}。',
    qr_expiry: '有效期至 {0}。',
    response_label: '设备显示的响应码(8 位数字)',
    demo_device: '示范设备显示:',
    demo_key: '示范服务器公钥:',
    submit: '核对',
    typed_progress: '已输入 {0}/{1} 个字符',
    typed_complete: '已完整输入:{0}',
    accepted: '验证成功。',
    demo_note: '仅供示范:所有密钥都在此页面中生成。正式环境由服务器签署,任何密钥都不会传到浏览器。',
  },
};

const $ = (id) => document.getElementById(id);

function fill(template, args) {
  return template.replace(/\{(\d)\}/g, (whole, n) => (args[n] !== undefined ? String(args[n]) : whole));
}

function randomHex(bytes) {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buffer, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Parses the core's SVG text into a node; the SVG has no script or style. */
function svgNode(svgText) {
  const parsed = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const root = parsed.documentElement;
  if (root.nodeName !== 'svg') throw new Error('the QR code is not an SVG document');
  return document.importNode(root, true);
}

/** Shows an entry field's live state: progress, the reason it is wrong, or done. */
function showEntryState(input, feedback, state, expectedLength, text) {
  input.setAttribute('aria-invalid', state.error ? 'true' : 'false');
  feedback.classList.toggle('error', state.error !== null);
  feedback.classList.remove('ok');
  if (state.error) {
    feedback.textContent = state.error.message;
  } else if (state.complete) {
    feedback.textContent = fill(text.typed_complete, [state.display]);
  } else {
    feedback.textContent = state.normalized.length === 0
      ? '' : fill(text.typed_progress, [state.normalized.length, expectedLength]);
  }
}

function showResult(input, feedback, result, text) {
  input.setAttribute('aria-invalid', result.ok ? 'false' : 'true');
  feedback.classList.toggle('error', !result.ok);
  feedback.classList.toggle('ok', result.ok);
  feedback.textContent = result.ok ? text.accepted : result.error.message;
}

function startLanguage() {
  const requested = new URLSearchParams(location.search).get('lang');
  return requested || document.documentElement.lang || 'en';
}

async function main() {
  const core = await createDemoCore();
  const server = core;
  let lang = core.resolve_lang(startLanguage());

  // --- code card: a demo card and a two-cell challenge (the server's part) ----
  const card = server.generate_code_card('DEMO-0001', 100, lang);
  if (!card.ok) throw new Error(card.error.message);
  const cells = server.pick_card_challenge(card.value.size, 'allowed', [], lang);
  if (!cells.ok) throw new Error(cells.error.message);
  const demoCodes = [cells.value.first, cells.value.second]
    .map((index) => server.code_card_code(card.value.storage, index, lang))
    .map((code) => (code.ok ? code.value : '???'));
  $('card-demo-codes').textContent = `${cells.value.first}: ${demoCodes[0]}, ${cells.value.second}: ${demoCodes[1]}`;
  $('card').dataset.first = String(cells.value.first);
  $('card').dataset.second = String(cells.value.second);

  const cardInput = $('card-entry');
  const cardFeedback = $('card-feedback');
  cardInput.addEventListener('input', () => {
    const state = core.inspect_card_entry(cardInput.value, lang);
    showEntryState(cardInput, cardFeedback, state, 6, TEXT[lang]);
  });
  $('card-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const result = server.verify_card_entry(card.value.storage, cells.value, cardInput.value, lang);
    showResult(cardInput, cardFeedback, result, TEXT[lang]);
  });

  // --- challenge/response: a demo device and a demo server key ---------------
  const deviceSuite = 'OCRA-1:HOTP-SHA256-7:QN06';
  const deviceKey = randomHex(32);
  const serverKeys = server.ed25519_generate_key_pair();
  const challenge = server.generate_challenge();
  const expiresAt = Math.floor(Date.now() / 1000) + 300;
  const signed = server.encode_signed_payload(
    { tx_id: randomHex(16), challenge, origin: location.origin, expires_at: expiresAt },
    serverKeys.secret_key, lang);
  if (!signed.ok) throw new Error(signed.error.message);
  const qr = core.qr_svg(signed.value, 'medium', lang);
  if (!qr.ok) throw new Error(qr.error.message);
  const deviceResponse = server.compute_device_response(deviceSuite, deviceKey, { question: challenge }, lang);
  if (!deviceResponse.ok) throw new Error(deviceResponse.error.message);

  $('challenge').textContent = core.format_challenge(challenge);
  $('qr').replaceChildren(svgNode(qr.value));
  $('qr').dataset.payload = signed.value;
  $('server-key').textContent = serverKeys.public_key;
  $('device-response').textContent = core.format_response(deviceResponse.value);

  const responseInput = $('response-entry');
  const responseFeedback = $('response-feedback');
  responseInput.addEventListener('input', () => {
    const state = core.inspect_response(responseInput.value, lang);
    showEntryState(responseInput, responseFeedback, state, 8, TEXT[lang]);
  });
  $('response-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const result = server.verify_device_response(deviceSuite, deviceKey, { question: challenge },
      responseInput.value, lang);
    showResult(responseInput, responseFeedback, result, TEXT[lang]);
  });

  // --- language ------------------------------------------------------------------
  const render = () => {
    const text = TEXT[lang];
    document.documentElement.lang = lang;
    document.title = text.title;
    for (const node of document.querySelectorAll('[data-text]')) node.textContent = text[node.dataset.text];
    $('card-prompt').textContent = fill(text.card_prompt, [cells.value.first, cells.value.second]);
    $('qr').setAttribute('aria-label', text.qr_label);
    $('qr-origin').textContent = fill(text.qr_origin, [location.origin]);
    $('qr-expiry').textContent = fill(text.qr_expiry, [new Date(expiresAt * 1000).toLocaleTimeString(lang)]);
    for (const input of [cardInput, responseInput]) {
      if (input.value !== '') input.dispatchEvent(new Event('input'));
    }
  };
  const picker = $('lang');
  picker.value = lang;
  picker.addEventListener('change', () => {
    lang = core.resolve_lang(picker.value);
    render();
  });

  render();
  $('status').hidden = true;
  $('card').hidden = false;
  $('challenge-response').hidden = false;
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  const lang = startLanguage().startsWith('zh') ? (/hant|tw|hk|mo/i.test(startLanguage()) ? 'zh-Hant' : 'zh-Hans') : 'en';
  const status = $('status');
  status.classList.add('error');
  status.textContent = fill(TEXT[lang].load_failed, [error && error.message ? error.message : String(error)]);
  document.body.dataset.ready = 'failed';
  console.error(error);
});
