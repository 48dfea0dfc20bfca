// The Mobile Key simulator's "Add another user on this phone" (the recovery
// PIN's second use, docs/sharing.md): the other user's name and password and
// this phone's recovery PIN go to POST /api/v1/mobile-key/add-user, signed by
// this phone's key over "SLS-ADD-USER-1|device|user|time". The server then
// applies the device-sharing rule; once approved, that user's logins push to
// this phone too.
import { replyMessage, requestJson } from './demo-kit.mjs';

const $ = (id) => document.getElementById(id);

export const ADD_USER_TEXT = {
  en: {
    add_user_heading: 'Add another user on this phone',
    add_user_intro: 'Another user of the same account can use this Mobile Key: enter their user name and password, and this phone\'s recovery PIN.',
    field_add_user: 'Their user name',
    field_add_password: 'Their password',
    field_add_recovery: 'This phone\'s recovery PIN',
    add_user_button: 'Add user',
    add_user_need: 'Enter the user name, the password and the recovery PIN.',
    add_user_approved: '{0} can now log in with this phone.',
    add_user_pending: 'The request for {0} waits for a compliance review.',
  },
  'zh-Hant': {
    add_user_heading: '在此手機加入其他用戶',
    add_user_intro: '同一帳戶的其他用戶可使用此 Mobile Key：請輸入其用戶名稱和密碼，以及此手機的復原 PIN。',
    field_add_user: '其用戶名稱',
    field_add_password: '其密碼',
    field_add_recovery: '此手機的復原 PIN',
    add_user_button: '加入用戶',
    add_user_need: '請輸入用戶名稱、密碼及復原 PIN。',
    add_user_approved: '{0} 現在可以用此手機登入。',
    add_user_pending: '{0} 的請求正等候合規審核。',
  },
  'zh-Hans': {
    add_user_heading: '在此手机添加其他用户',
    add_user_intro: '同一账户的其他用户可使用此 Mobile Key：请输入其用户名和密码，以及此手机的恢复 PIN。',
    field_add_user: '其用户名',
    field_add_password: '其密码',
    field_add_recovery: '此手机的恢复 PIN',
    add_user_button: '添加用户',
    add_user_need: '请输入用户名、密码及恢复 PIN。',
    add_user_approved: '{0} 现在可以用此手机登录。',
    add_user_pending: '{0} 的请求正在等候合规审核。',
  },
};

/**
 * Wires the form. `phone()` is the active phone ({device_id}) or null;
 * `sign(text)` signs with its key (base64url); `say(node, message, ok)`.
 */
export function setupAddUser({ page, phone, sign, say }) {
  async function onSubmit(event) {
    event.preventDefault();
    const message = $('au-message');
    const active = phone();
    if (active === null) return undefined;
    const username = $('au-user').value.trim();
    const password = $('au-password').value;
    const recovery = $('au-recovery').value;
    if (username === '' || password === '' || recovery === '') return say(message, 'add_user_need');
    const signedAt = Math.floor(Date.now() / 1000);
    const body = {
      username,
      password,
      device_id: active.device_id,
      recovery_pin: recovery,
      signed_at: signedAt,
      signature: sign(`SLS-ADD-USER-1|${active.device_id}|${username}|${signedAt}`),
    };
    $('au-submit').disabled = true;
    const reply = await requestJson('POST', '/mobile-key/add-user', { lang: page.lang(), body });
    $('au-submit').disabled = false;
    $('au-password').value = '';
    $('au-recovery').value = '';
    if (reply.status !== 201) {
      return say(message, reply.status === 0 ? 'unreachable' : { text: replyMessage(reply, page.t('unreachable')) });
    }
    $('au-user').value = '';
    const approved = reply.body?.request?.status === 'approved';
    say(message, { text: page.t(approved ? 'add_user_approved' : 'add_user_pending', username) }, true);
    return undefined;
  }
  $('au-form').addEventListener('submit', onSubmit);
}
