// The SMS outbox: what the demo server's default SMS gateway "sent"
// (GET /api/v1/demo/outbox, served by slsd --demo), newest first, refreshed
// every two seconds while the page is visible.
import { el, formatTime, requestJson, setupLanguage } from './demo-kit.mjs';

const TEXT = {
  en: {
    title: 'SMS outbox (demo)',
    heading: 'SMS outbox',
    language: 'Language',
    back: 'All demo pages',
    intro: 'The demo server does not send text messages: it writes them here. This page stands in for the phone of every SMS user and shows the newest messages first.',
    col_time: 'Sent',
    col_to: 'To',
    col_text: 'Message',
    empty: 'No messages yet. Log in as demo-sms and the code appears here.',
    count: '{0} messages. Updated at {1}.',
    unavailable: 'The outbox is not available: start the demo with scripts/demo (slsd --demo).',
    unreachable: 'The demo server cannot be reached. Trying again…',
    demo_note: 'Demo only: a real server hands text messages to an SMS provider and keeps only a keyed hash of each code.',
  },
  'zh-Hant': {
    title: '短訊寄件匣（示範）',
    heading: '短訊寄件匣',
    language: '語言',
    back: '所有示範頁面',
    intro: '示範伺服器不會真的發出短訊，而是寫在這裏。此頁面扮演所有短訊用戶的手機，最新的短訊排在最前。',
    col_time: '發出時間',
    col_to: '收件人',
    col_text: '內容',
    empty: '暫時沒有短訊。以 demo-sms 登入後，驗證碼會在這裏出現。',
    count: '共 {0} 則短訊。更新於 {1}。',
    unavailable: '寄件匣無法使用：請以 scripts/demo（slsd --demo）啟動示範。',
    unreachable: '無法連接示範伺服器，正在重試…',
    demo_note: '僅供示範：正式的伺服器把短訊交給短訊服務商發送，並只保存每個驗證碼的帶密鑰雜湊值。',
  },
  'zh-Hans': {
    title: '短信发件箱（演示）',
    heading: '短信发件箱',
    language: '语言',
    back: '所有演示页面',
    intro: '演示服务器不会真的发出短信，而是写在这里。此页面扮演所有短信用户的手机，最新的短信排在最前。',
    col_time: '发出时间',
    col_to: '收件人',
    col_text: '内容',
    empty: '暂时没有短信。用 demo-sms 登录后，验证码会在这里出现。',
    count: '共 {0} 条短信。更新于 {1}。',
    unavailable: '发件箱无法使用：请用 scripts/demo（slsd --demo）启动演示。',
    unreachable: '无法连接演示服务器，正在重试…',
    demo_note: '仅供演示：正式的服务器把短信交给短信服务商发送，并只保存每个验证码的带密钥哈希值。',
  },
};

const REFRESH_MS = 2000;
let messages = null;
let state = 'loading';
let updatedAt = null;
const page = setupLanguage(TEXT, () => render());

function render() {
  const status = document.getElementById('status');
  const lang = page.lang();
  if (state === 'unavailable') status.textContent = page.t('unavailable');
  else if (state === 'unreachable') status.textContent = page.t('unreachable');
  else if (messages !== null && messages.length === 0) status.textContent = page.t('empty');
  else if (messages !== null) status.textContent = page.t('count', messages.length, formatTime(updatedAt, lang));
  const rows = (messages ?? []).map((m) => el('tr', { 'data-to': m.to, 'data-at': m.at },
    el('td', {}, formatTime(m.at, lang, true)),
    el('td', {}, m.to),
    el('td', { class: 'text', lang: '' }, m.text)));
  document.getElementById('messages-body').replaceChildren(...rows);
}

async function refresh() {
  const reply = await requestJson('GET', '/demo/outbox', { lang: page.lang() });
  if (reply.status === 200 && Array.isArray(reply.body?.messages)) {
    messages = reply.body.messages;
    state = 'ok';
    updatedAt = Date.now() / 1000;
  } else {
    state = reply.status === 0 ? 'unreachable' : 'unavailable';
  }
  render();
  document.body.dataset.ready = 'true';
  // A server without the outbox will not grow one: stop asking.
  if (state !== 'unavailable') setTimeout(() => { if (!document.hidden) refresh(); else pending = true; }, REFRESH_MS);
}

let pending = false;
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && pending) {
    pending = false;
    refresh();
  }
});

refresh();
