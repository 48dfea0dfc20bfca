// The demo's start page: links to every page, and the demo users with what
// each needs to log in (from `slsctl demo-seed`, served by slsd --demo-users).
import {
  el, formatTime, loadDemoUsers, MOBILE_KEY_STORAGE_KEY, setupLanguage,
} from './demo-kit.mjs';

const TEXT = {
  en: {
    title: 'SLS demo',
    heading: 'Secure Login System: demo',
    language: 'Language',
    intro: 'Log in as one of the demo users below. The pages beside the login stand in for what each user would hold: a phone with Mobile Key, a hardware token, a printed card, a phone that receives text messages.',
    pages_heading: 'Pages',
    page_login: 'Log in',
    page_login_note: 'the login page with the <sls-login> component',
    page_mobile_key: 'Mobile Key simulator',
    page_mobile_key_note: 'a phone: activation, login requests, challenges, QR codes',
    page_tokens: 'Hardware tokens:',
    page_outbox: 'SMS outbox',
    page_outbox_note: 'the text messages the server sent',
    page_cards: 'Security code cards',
    page_cards_note: 'printable',
    page_core: 'The component without a server',
    page_core_note: 'entry checks and QR code, all in the page',
    users_heading: 'Demo users',
    loading: 'Loading…',
    no_users: 'This server does not list demo users. Start the demo with scripts/demo to get them.',
    col_user: 'User name',
    col_password: 'Password',
    col_device: 'Security device',
    col_how: 'How to log in',
    kind_none: 'None (password only)',
    kind_sms: 'Text message (SMS)',
    kind_mobile_key: 'Mobile Key',
    kind_code_card: 'Security code card',
    kind_online_card: 'Online security code card',
    kind_dsc: 'Digital Security Card',
    kind_dsc_plus: 'Digital Security Card+',
    kind_platinum_gold: 'Platinum / Gold card',
    kind_temp_code: 'Temporary code',
    how_none: 'The password is enough: this account has opted out of the second factor.',
    how_sms: 'The 6-digit code arrives in the SMS outbox (phone {0}).',
    how_mobile_key: 'Activate the Mobile Key simulator once with activation code {0}, then approve the login on it.',
    how_mobile_key_used: 'Use the Mobile Key simulator in the browser where you activated it.',
    how_mobile_key_here: 'The Mobile Key simulator of this browser is active: approve the login on it.',
    how_card: 'Card {0}: type the codes at the two index numbers the login asks for.',
    how_card_until: 'Card {0}, valid until {1}: type the codes at the two index numbers the login asks for.',
    how_token: 'Token {0}: type the challenge on the virtual token and the response it shows.',
    how_token_pin: 'Token {0}, PIN {1}: type the challenge on the virtual token and the response it shows.',
    how_temp_code: 'Temporary code {0}.',
    how_existing: 'Created by an earlier seed; its details were not kept.',
    open_outbox: 'Open the outbox',
    open_simulator: 'Open the simulator',
    open_card: 'Show the card',
    open_token: 'Open the token',
    demo_note: "Demo only: this server hands the demo devices' secrets to these pages so that they can play the phone, the token and the card. A real server never does.",
  },
  'zh-Hant': {
    title: 'SLS 示範',
    heading: '安全登入系統：示範',
    language: '語言',
    intro: '請以下列任一示範用戶登入。登入頁旁的其他頁面扮演各用戶手上的裝置：裝有 Mobile Key 的手機、硬體保安裝置、印製的保安編碼卡，以及接收短訊的手機。',
    pages_heading: '頁面',
    page_login: '登入',
    page_login_note: '使用 <sls-login> 元件的登入頁',
    page_mobile_key: 'Mobile Key 模擬器',
    page_mobile_key_note: '一部手機：啟用、登入請求、挑戰碼、QR 碼',
    page_tokens: '硬體保安裝置：',
    page_outbox: '短訊寄件匣',
    page_outbox_note: '伺服器發出的短訊',
    page_cards: '保安編碼卡',
    page_cards_note: '可列印',
    page_core: '不連伺服器的元件',
    page_core_note: '輸入檢查與 QR 碼，全部在頁面內完成',
    users_heading: '示範用戶',
    loading: '載入中…',
    no_users: '此伺服器未提供示範用戶清單。請以 scripts/demo 啟動示範。',
    col_user: '用戶名稱',
    col_password: '密碼',
    col_device: '保安裝置',
    col_how: '登入方式',
    kind_none: '無（只用密碼）',
    kind_sms: '短訊',
    kind_mobile_key: 'Mobile Key',
    kind_code_card: '保安編碼卡',
    kind_online_card: '網上保安編碼卡',
    kind_dsc: '數碼保安卡',
    kind_dsc_plus: '數碼保安卡+',
    kind_platinum_gold: '白金卡／金卡',
    kind_temp_code: '臨時密碼',
    how_none: '只需密碼：此帳戶已選擇不使用第二重驗證。',
    how_sms: '6 位數字的驗證碼會送到短訊寄件匣（電話 {0}）。',
    how_mobile_key: '先以啟用碼 {0} 啟用 Mobile Key 模擬器一次，之後在模擬器上批准登入。',
    how_mobile_key_used: '請使用您曾啟用 Mobile Key 模擬器的瀏覽器。',
    how_mobile_key_here: '此瀏覽器的 Mobile Key 模擬器已啟用：請在模擬器上批准登入。',
    how_card: '卡號 {0}：輸入登入頁所指定兩個索引號碼的代碼。',
    how_card_until: '卡號 {0}，有效至 {1}：輸入登入頁所指定兩個索引號碼的代碼。',
    how_token: '裝置 {0}：在虛擬裝置上輸入挑戰碼，再輸入裝置顯示的回應碼。',
    how_token_pin: '裝置 {0}，PIN {1}：在虛擬裝置上輸入挑戰碼，再輸入裝置顯示的回應碼。',
    how_temp_code: '臨時密碼 {0}。',
    how_existing: '由較早的示範設定建立，未保留其資料。',
    open_outbox: '開啟寄件匣',
    open_simulator: '開啟模擬器',
    open_card: '顯示卡片',
    open_token: '開啟裝置',
    demo_note: '僅供示範：此伺服器把示範裝置的密鑰交給這些頁面，讓它們扮演手機、保安裝置和卡片。正式的伺服器絕不會這樣做。',
  },
  'zh-Hans': {
    title: 'SLS 演示',
    heading: '安全登录系统：演示',
    language: '语言',
    intro: '请以下列任一演示用户登录。登录页旁的其他页面扮演各用户手上的设备：装有 Mobile Key 的手机、硬件安全设备、印制的安全码卡，以及接收短信的手机。',
    pages_heading: '页面',
    page_login: '登录',
    page_login_note: '使用 <sls-login> 组件的登录页',
    page_mobile_key: 'Mobile Key 模拟器',
    page_mobile_key_note: '一部手机：激活、登录请求、挑战码、二维码',
    page_tokens: '硬件安全设备：',
    page_outbox: '短信发件箱',
    page_outbox_note: '服务器发出的短信',
    page_cards: '安全码卡',
    page_cards_note: '可打印',
    page_core: '不连服务器的组件',
    page_core_note: '输入检查与二维码，全部在页面内完成',
    users_heading: '演示用户',
    loading: '加载中…',
    no_users: '此服务器未提供演示用户列表。请用 scripts/demo 启动演示。',
    col_user: '用户名',
    col_password: '密码',
    col_device: '安全设备',
    col_how: '登录方式',
    kind_none: '无（只用密码）',
    kind_sms: '短信',
    kind_mobile_key: 'Mobile Key',
    kind_code_card: '安全码卡',
    kind_online_card: '在线安全码卡',
    kind_dsc: '数字安全卡',
    kind_dsc_plus: '数字安全卡+',
    kind_platinum_gold: '白金卡／金卡',
    kind_temp_code: '临时密码',
    how_none: '只需密码：此账户已选择不使用第二重验证。',
    how_sms: '6 位数字的验证码会发到短信发件箱（电话 {0}）。',
    how_mobile_key: '先用激活码 {0} 激活 Mobile Key 模拟器一次，之后在模拟器上批准登录。',
    how_mobile_key_used: '请使用您曾激活 Mobile Key 模拟器的浏览器。',
    how_mobile_key_here: '此浏览器的 Mobile Key 模拟器已激活：请在模拟器上批准登录。',
    how_card: '卡号 {0}：输入登录页指定的两个索引号码的代码。',
    how_card_until: '卡号 {0}，有效期至 {1}：输入登录页指定的两个索引号码的代码。',
    how_token: '设备 {0}：在虚拟设备上输入挑战码，再输入设备显示的响应码。',
    how_token_pin: '设备 {0}，PIN {1}：在虚拟设备上输入挑战码，再输入设备显示的响应码。',
    how_temp_code: '临时密码 {0}。',
    how_existing: '由较早的演示设置创建，未保留其资料。',
    open_outbox: '打开发件箱',
    open_simulator: '打开模拟器',
    open_card: '显示卡片',
    open_token: '打开设备',
    demo_note: '仅供演示：此服务器把演示设备的密钥交给这些页面，让它们扮演手机、安全设备和卡片。正式的服务器绝不会这样做。',
  },
};

const TOKEN_KINDS = new Set(['dsc', 'dsc_plus', 'platinum_gold']);
const CARD_KINDS = new Set(['code_card', 'online_card']);

let users = null;
const page = setupLanguage(TEXT, () => renderUsers());

/** Whether the simulator in this browser (same origin, same storage) holds this user's Mobile Key. */
function activatedHere(username) {
  try {
    return JSON.parse(window.localStorage.getItem(MOBILE_KEY_STORAGE_KEY) ?? 'null')?.username === username;
  } catch {
    return false;
  }
}

/** "12345678" → "1234 5678", for reading a code aloud. */
function grouped(code) {
  return String(code).replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** The "how to log in" cell of a user: a sentence and, where one helps, a link. */
function howTo(user) {
  const { t } = page;
  const lang = page.lang();
  if (user.existing) return [t('how_existing')];
  switch (user.kind) {
    case 'none': return [t('how_none')];
    case 'sms': return [t('how_sms', user.phone), ' ', el('a', { href: 'outbox.html' }, t('open_outbox'))];
    case 'mobile_key': {
      const expired = Date.now() / 1000 >= user.activation_expires_at;
      const sentence = activatedHere(user.username) ? t('how_mobile_key_here')
        : expired ? t('how_mobile_key_used') : t('how_mobile_key', grouped(user.activation_code));
      return [sentence, ' ', el('a', { href: 'mobile-key.html' }, t('open_simulator'))];
    }
    case 'temp_code': return [t('how_temp_code', user.temp_code)];
    default: break;
  }
  if (CARD_KINDS.has(user.kind)) {
    const sentence = user.card.expires_at
      ? t('how_card_until', user.card.serial, formatTime(user.card.expires_at, lang, true))
      : t('how_card', user.card.serial);
    return [sentence, ' ', el('a', { href: `cards.html#card-${user.username}` }, t('open_card'))];
  }
  if (TOKEN_KINDS.has(user.kind)) {
    const sentence = user.token.pin
      ? t('how_token_pin', user.token.serial, user.token.pin) : t('how_token', user.token.serial);
    return [sentence, ' ', el('a', { href: `token.html?kind=${user.kind}` }, t('open_token'))];
  }
  return [];
}

function renderUsers() {
  const status = document.getElementById('users-status');
  const table = document.getElementById('users');
  if (users === null) return;
  if (users.length === 0) {
    status.textContent = page.t('no_users');
    table.hidden = true;
    return;
  }
  status.textContent = '';
  status.hidden = true;
  const rows = users.map((user) => el('tr', { 'data-user': user.username },
    el('th', { scope: 'row' }, el('code', {}, user.username)),
    el('td', {}, user.password ? el('code', {}, user.password) : '—'),
    el('td', {}, user.kind ? page.t(`kind_${user.kind}`) : '—'),
    el('td', {}, howTo(user))));
  document.getElementById('users-body').replaceChildren(...rows);
  table.hidden = false;
}

users = (await loadDemoUsers()) ?? [];
renderUsers();
document.body.dataset.ready = 'true';
