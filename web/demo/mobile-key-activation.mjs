// Mobile Key self-service activation in the simulator (SPEC 4, issue 12):
// the phone plays the user's side of the enrolment routes.
//
//  1. user name + password (and, only to use a new number, a temporary code
//     from support) -> POST /api/v1/mobile-key/enrolments, which lists the
//     phone numbers on record, masked;
//  2. a number on record, or a new one when the server allows it ->
//     POST /api/v1/mobile-key/enrolments/{id}/sms (the demo's SMS outbox
//     page shows the message);
//  3. the code, the daily PIN and the recovery PIN (4 to 6 characters each,
//     different) -> POST /api/v1/mobile-key/activate with the enrolment.
// The keys are made and kept by mobile-key.mjs (`finish`), as for the
// operator's activation code.
import { el, formatTime, replyMessage, requestJson } from './demo-kit.mjs';

/** This module's strings, merged into the page's table by mobile-key.mjs. */
export const ACTIVATION_TEXT = {
  en: {
    way_self: 'With my password (code by SMS)',
    way_operator: 'With an activation code from the operator',
    ways_legend: 'How do you activate?',
    ss_intro: 'Enter your user name and password. An activation code then goes by SMS to a phone number on record.',
    field_password: 'Password',
    field_temp_code: 'Temporary code from support (only to use a new number)',
    ss_continue: 'Continue',
    ss_need_credentials: 'Enter the user name and the password.',
    ss_phones_legend: 'Send the activation code to',
    ss_new_phone: 'Another number',
    field_new_phone: 'New number, with + and the country code',
    ss_no_phones: 'No phone number is on record for you.',
    ss_get_code: 'Get activation code',
    ss_choose_phone: 'Choose a number, or enter a new one.',
    ss_new_phone_refused_help: 'Only a number on record can receive the code, so that someone who learnt your password cannot activate Mobile Key on their own phone. To add a number, log in and add it in the security centre, or call support for a temporary code and enter it with your password.',
    ss_sent: 'An activation code was sent to {0}. It is valid until {1}.',
    ss_outbox: 'Open the demo SMS outbox',
    ss_resend: 'Send a new code',
    field_activation_code: 'Activation code (8 digits)',
    field_recovery_pin: 'Recovery PIN (4 to 6 characters; letters, digits and special characters)',
    field_recovery_pin_again: 'The recovery PIN again',
    recovery_hint: 'The recovery PIN re-enables Mobile Key if the app is removed, and adds another user on this phone. It must differ from the daily PIN.',
    ss_need_code: 'Enter the activation code from the SMS.',
    recovery_differ: 'The two recovery PINs differ. Type the same recovery PIN twice.',
    recovery_same: 'The recovery PIN must differ from the daily PIN.',
    ss_start_over: 'Start again',
  },
  'zh-Hant': {
    way_self: '使用我的密碼（以短訊傳送啟用碼）',
    way_operator: '使用客戶服務提供的啟用碼',
    ways_legend: '您想如何啟用？',
    ss_intro: '請輸入用戶名稱及密碼。啟用碼隨後會以短訊傳送至已登記的電話號碼。',
    field_password: '密碼',
    field_temp_code: '客戶服務提供的臨時密碼（只在使用新號碼時需要）',
    ss_continue: '繼續',
    ss_need_credentials: '請輸入用戶名稱及密碼。',
    ss_phones_legend: '將啟用碼傳送至',
    ss_new_phone: '其他號碼',
    field_new_phone: '新號碼（包含 + 及國家代碼）',
    ss_no_phones: '您沒有已登記的電話號碼。',
    ss_get_code: '取得啟用碼',
    ss_choose_phone: '請選擇號碼，或輸入新號碼。',
    ss_new_phone_refused_help: '啟用碼只能傳送至已登記的號碼，以防知道您密碼的人在自己的手機上啟用 Mobile Key。如要加入號碼，請登入後在安全中心加入，或致電客戶服務索取臨時密碼，並連同密碼一併輸入。',
    ss_sent: '啟用碼已傳送至 {0}，有效至 {1}。',
    ss_outbox: '開啟示範短訊寄件匣',
    ss_resend: '重新傳送啟用碼',
    field_activation_code: '啟用碼（8 位數字）',
    field_recovery_pin: '復原 PIN（4 至 6 個字元；可用字母、數字及特殊字元）',
    field_recovery_pin_again: '再次輸入復原 PIN',
    recovery_hint: '如應用程式被移除，可用復原 PIN 重新啟用 Mobile Key，亦可用它在此手機加入其他用戶。它必須與日常使用的 PIN 不同。',
    ss_need_code: '請輸入短訊中的啟用碼。',
    recovery_differ: '兩次輸入的復原 PIN 不同，請輸入相同的復原 PIN。',
    recovery_same: '復原 PIN 必須與日常使用的 PIN 不同。',
    ss_start_over: '重新開始',
  },
  'zh-Hans': {
    way_self: '使用我的密码（通过短信发送激活码）',
    way_operator: '使用客服提供的激活码',
    ways_legend: '您想如何激活？',
    ss_intro: '请输入用户名和密码。激活码随后会通过短信发送到已登记的电话号码。',
    field_password: '密码',
    field_temp_code: '客服提供的临时密码（仅在使用新号码时需要）',
    ss_continue: '继续',
    ss_need_credentials: '请输入用户名和密码。',
    ss_phones_legend: '将激活码发送到',
    ss_new_phone: '其他号码',
    field_new_phone: '新号码（包含 + 及国家代码）',
    ss_no_phones: '您没有已登记的电话号码。',
    ss_get_code: '获取激活码',
    ss_choose_phone: '请选择号码，或输入新号码。',
    ss_new_phone_refused_help: '激活码只能发送到已登记的号码，以防知道您密码的人在自己的手机上激活 Mobile Key。如要添加号码，请登录后在安全中心添加，或致电客服索取临时密码，并与密码一起输入。',
    ss_sent: '激活码已发送到 {0}，有效期至 {1}。',
    ss_outbox: '打开演示短信发件箱',
    ss_resend: '重新发送激活码',
    field_activation_code: '激活码（8 位数字）',
    field_recovery_pin: '恢复 PIN（4 至 6 个字符；可用字母、数字及特殊字符）',
    field_recovery_pin_again: '再次输入恢复 PIN',
    recovery_hint: '如应用程序被移除，可用恢复 PIN 重新激活 Mobile Key，也可用它在此手机添加其他用户。它必须与日常使用的 PIN 不同。',
    ss_need_code: '请输入短信中的激活码。',
    recovery_differ: '两次输入的恢复 PIN 不同，请输入相同的恢复 PIN。',
    recovery_same: '恢复 PIN 必须与日常使用的 PIN 不同。',
    ss_start_over: '重新开始',
  },
};

const $ = (id) => document.getElementById(id);

/**
 * Wires the self-service forms of mobile-key.html. `page` is the page's
 * language (lang(), t()); `say(node, message)` writes a message under a
 * form; `finish(body, {username, pin, message})` makes the keys, calls
 * POST /mobile-key/activate with `body` plus the keys, and stores the phone
 * (resolves true when active).
 */
export function setupSelfService({ core, page, say, finish }) {
  /** {id, username, phones, may_add_phone} of the open enrolment, or null. */
  let enrolment = null;
  /** {sent_to, code_expires_at} of the last code sent, or null. */
  let sent = null;
  let refused = false;

  const show = (step) => {
    for (const id of ['ss-step-credentials', 'ss-step-phone', 'ss-step-code']) $(id).hidden = id !== step;
    if (step === 'ss-step-phone') ($('ss-phones').querySelector('input:checked') ?? $('ss-phones')).focus();
    else $(step === 'ss-step-code' ? 'ss-code' : 'ss-user').focus();
  };

  const render = () => {
    $('ss-refused-help').hidden = !refused;
    if (sent) $('ss-sent').textContent = page.t('ss_sent', sent.sent_to, formatTime(sent.code_expires_at, page.lang()));
    if (enrolment === null) return;
    const list = $('ss-phones');
    const checked = list.querySelector('input:checked')?.value;
    list.replaceChildren();
    enrolment.phones.forEach((p, i) => {
      const input = el('input', { type: 'radio', name: 'ss-phone', id: `ss-phone-${i}`, value: p.id });
      input.checked = checked ? checked === p.id : p.default;
      list.append(el('div', { class: 'mk-choice' }, input, el('label', { for: input.id }, p.masked)));
    });
    if (enrolment.phones.length === 0) list.append(el('p', { class: 'mk-hint' }, page.t('ss_no_phones')));
    const other = el('input', { type: 'radio', name: 'ss-phone', id: 'ss-phone-new', value: 'new' });
    other.checked = checked === 'new' || enrolment.phones.length === 0;
    list.append(el('div', { class: 'mk-choice' }, other, el('label', { for: 'ss-phone-new' }, page.t('ss_new_phone'))));
    other.addEventListener('change', () => $('ss-new-phone').focus());
  };

  async function onCredentials(event) {
    event.preventDefault();
    const message = $('ss-cred-message');
    const username = $('ss-user').value.trim();
    const password = $('ss-password').value;
    if (username === '' || password === '') return say(message, 'ss_need_credentials');
    const body = { username, password };
    const temp = $('ss-temp-code').value.trim();
    if (temp !== '') body.temp_code = temp;
    $('ss-cred-submit').disabled = true;
    const reply = await requestJson('POST', '/mobile-key/enrolments', { lang: page.lang(), body });
    $('ss-cred-submit').disabled = false;
    if (reply.status !== 201) return say(message, reply.status === 0 ? 'unreachable' : { text: replyMessage(reply, page.t('unreachable')) });
    $('ss-password').value = '';
    $('ss-temp-code').value = '';
    say(message, '');
    enrolment = { id: reply.body.enrolment, username, phones: reply.body.phones, may_add_phone: reply.body.may_add_phone };
    refused = false;
    render();
    show('ss-step-phone');
    return undefined;
  }

  async function sendCode(event) {
    event?.preventDefault();
    const message = event ? $('ss-phone-message') : $('ss-code-message');
    const choice = $('ss-phones').querySelector('input:checked')?.value;
    let body;
    if (choice === 'new') {
      const phone = $('ss-new-phone').value.replace(/[\s-]/g, '');
      if (phone === '') return say(message, 'ss_choose_phone');
      body = { phone };
    } else if (choice) {
      body = { phone_id: choice };
    } else {
      return say(message, 'ss_choose_phone');
    }
    $('ss-phone-submit').disabled = true;
    const reply = await requestJson('POST', `/mobile-key/enrolments/${encodeURIComponent(enrolment.id)}/sms`,
      { lang: page.lang(), body });
    $('ss-phone-submit').disabled = false;
    refused = reply.body?.error?.code === 'mobile_key.new_phone_refused';
    render();
    if (reply.status !== 202) return say(message, reply.status === 0 ? 'unreachable' : { text: replyMessage(reply, page.t('unreachable')) });
    say(message, '');
    sent = { sent_to: reply.body.sent_to, code_expires_at: reply.body.code_expires_at };
    render();
    if (event) show('ss-step-code');
    else say(message, { text: $('ss-sent').textContent }, true);
    return undefined;
  }

  async function onActivate(event) {
    event.preventDefault();
    const lang = page.lang();
    const message = $('ss-code-message');
    const code = core.fold_typed_code($('ss-code').value);
    const pin = $('ss-pin').value;
    const recovery = $('ss-recovery').value;
    if (code === '') return say(message, 'ss_need_code');
    const pinCheck = core.check_recovery_pin(pin, lang);
    if (!pinCheck.ok) return say(message, { text: pinCheck.error.message });
    if (pin !== $('ss-pin2').value) return say(message, 'pins_differ');
    const recoveryCheck = core.check_recovery_pin(recovery, lang);
    if (!recoveryCheck.ok) return say(message, { text: recoveryCheck.error.message });
    if (recovery !== $('ss-recovery2').value) return say(message, 'recovery_differ');
    if (recovery === pin) return say(message, 'recovery_same');
    $('ss-activate').disabled = true;
    const done = await finish(
      { username: enrolment.username, enrolment: enrolment.id, activation_code: code, recovery_pin: recovery },
      { username: enrolment.username, pin, message },
    );
    $('ss-activate').disabled = false;
    if (done) {
      for (const id of ['ss-code', 'ss-pin', 'ss-pin2', 'ss-recovery', 'ss-recovery2', 'ss-new-phone']) $(id).value = '';
      startOver(false);
    }
    return undefined;
  }

  function startOver(focus = true) {
    enrolment = null;
    sent = null;
    refused = false;
    for (const id of ['ss-cred-message', 'ss-phone-message', 'ss-code-message']) say($(id), '');
    $('ss-step-credentials').hidden = false;
    $('ss-step-phone').hidden = true;
    $('ss-step-code').hidden = true;
    if (focus) $('ss-user').focus();
  }

  const chooseWay = () => {
    const self = $('way-self').checked;
    $('self-service').hidden = !self;
    $('operator-code').hidden = self;
  };

  $('ss-cred-form').addEventListener('submit', onCredentials);
  $('ss-phone-form').addEventListener('submit', sendCode);
  $('ss-code-form').addEventListener('submit', onActivate);
  $('ss-resend').addEventListener('click', () => sendCode());
  // Typing a new number chooses it.
  $('ss-new-phone').addEventListener('input', () => {
    const other = $('ss-phone-new');
    if (other) other.checked = true;
  });
  for (const id of ['ss-restart-phone', 'ss-restart-code']) $(id).addEventListener('click', () => startOver());
  for (const id of ['way-self', 'way-operator']) $(id).addEventListener('change', chooseWay);
  chooseWay();

  return {
    /** Re-renders the lists built in script in the current language. */
    render,
    /** Chooses the operator's code path (the demo prefills it). */
    useOperatorCode() {
      $('way-operator').checked = true;
      chooseWay();
    },
    /** Prefills the user name of the self-service path. */
    prefill(username) {
      if ($('ss-user').value === '') $('ss-user').value = username;
    },
  };
}
