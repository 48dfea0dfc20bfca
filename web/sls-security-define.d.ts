// Types of web/sls-security-define.js: registers <sls-security> (and <sls-login>) and re-exports the element.

import type { SlsSecurity } from './sls-security.js';

export { SlsSecurity, SlsSecurityStateEvent, SlsSecurityChangedEvent, SlsErrorEvent } from './sls-security.js';
/** Registered too: the step-up screen nests <sls-login step-up>. */
export { SlsLogin } from './sls-login.js';
export type { SecurityChangedDetail, SecurityScreen, SecurityStateDetail } from './sls-security.js';

declare global {
  interface HTMLElementTagNameMap {
    'sls-security': SlsSecurity;
  }
}
