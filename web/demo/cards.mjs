// The demo users' security code cards (code_card and online_card), drawn
// from the demo accounts and printable (cards.css holds the print layout).
// Each cell shows its index and its 3-character code.
import { el, formatTime, loadDemoUsers, setupLanguage } from './demo-kit.mjs';

const TEXT = {
  en: {
    title: 'Security code cards (demo)',
    heading: 'Security code cards',
    language: 'Language',
    back: 'All demo pages',
    intro: 'The cards of the demo users, as the bank would print them. At login, find the two index numbers the page asks for and type the code beside each.',
    print: 'Print the cards',
    loading: 'Loading…',
    none: 'No demo cards: start the demo with scripts/demo.',
    card_code_card: 'Security code card',
    card_online_card: 'Online security code card',
    serial: 'Card number',
    user: 'User',
    valid_until: 'Valid until',
    grid_label: 'Codes of card {0}, by index',
    demo_note: 'Demo only: a real server keeps the codes encrypted and never shows them again after printing.',
  },
  'zh-Hant': {
    title: '保安編碼卡（示範）',
    heading: '保安編碼卡',
    language: '語言',
    back: '所有示範頁面',
    intro: '示範用戶的編碼卡，樣式與銀行印製的相同。登入時，找出登入頁指定的兩個索引號碼，輸入旁邊的代碼。',
    print: '列印卡片',
    loading: '載入中…',
    none: '沒有示範卡片：請以 scripts/demo 啟動示範。',
    card_code_card: '保安編碼卡',
    card_online_card: '網上保安編碼卡',
    serial: '卡號',
    user: '用戶',
    valid_until: '有效至',
    grid_label: '卡號 {0} 的代碼（按索引排列）',
    demo_note: '僅供示範：正式的伺服器以加密方式保存代碼，印製後不會再次顯示。',
  },
  'zh-Hans': {
    title: '安全码卡（演示）',
    heading: '安全码卡',
    language: '语言',
    back: '所有演示页面',
    intro: '演示用户的安全码卡，样式与银行印制的相同。登录时，找到登录页指定的两个索引号码，输入旁边的代码。',
    print: '打印卡片',
    loading: '加载中…',
    none: '没有演示卡片：请用 scripts/demo 启动演示。',
    card_code_card: '安全码卡',
    card_online_card: '在线安全码卡',
    serial: '卡号',
    user: '用户',
    valid_until: '有效期至',
    grid_label: '卡号 {0} 的代码（按索引排列）',
    demo_note: '仅供演示：正式的服务器以加密方式保存代码，印制后不会再次显示。',
  },
};

/** Cells per row of the printed grid. */
const COLUMNS = 10;

let cards = null;
const page = setupLanguage(TEXT, () => render());

function fact(label, value) {
  return el('div', {}, el('dt', {}, label), el('dd', {}, value));
}

function cardNode(user) {
  const { card } = user;
  const rows = [];
  for (let start = 0; start < card.cells.length; start += COLUMNS) {
    const cells = card.cells.slice(start, start + COLUMNS).map((code, i) => el('td', { 'data-index': start + i + 1 },
      el('span', { class: 'index' }, start + i + 1),
      el('span', { class: 'code' }, code)));
    rows.push(el('tr', {}, cells));
  }
  return el('section', { class: 'code-card', id: `card-${user.username}`, 'data-serial': card.serial },
    el('h2', {}, page.t(`card_${user.kind}`)),
    el('dl', { class: 'facts' },
      fact(page.t('serial'), card.serial),
      fact(page.t('user'), user.username),
      card.expires_at ? fact(page.t('valid_until'), formatTime(card.expires_at, page.lang(), true)) : null),
    el('table', { class: 'code-grid', 'aria-label': page.t('grid_label', card.serial) }, el('tbody', {}, rows)));
}

function render() {
  const status = document.getElementById('status');
  if (cards === null) {
    status.textContent = page.t('loading');
    return;
  }
  status.textContent = cards.length === 0 ? page.t('none') : '';
  document.getElementById('cards').replaceChildren(...cards.map(cardNode));
  // Follow a link to one card (#card-demo-code-card) once it exists.
  if (window.location.hash) document.getElementById(window.location.hash.slice(1))?.scrollIntoView();
}

document.getElementById('print').addEventListener('click', () => window.print());
render();
cards = ((await loadDemoUsers()) ?? []).filter((u) => u.card && Array.isArray(u.card.cells));
render();
document.body.dataset.ready = 'true';
