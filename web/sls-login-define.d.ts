// Types of web/sls-login-define.js: the module that registers <sls-login> and re-exports the element's module.

import type { SlsLogin } from './sls-login.js';

export { SlsLogin, SlsStateEvent, SlsErrorEvent, SlsAuthenticatedEvent } from './sls-login.js';
export type {
  LoginErrorDetail, LoginScreen, LoginSession, LoginStateDetail, SlsErrorEventDetail, SlsLoader, SlsLoaded,
  SlsStepUpResult,
} from './sls-login.js';

declare global {
  /** Registered by this module (unless the page gave the name to another element first). */
  interface HTMLElementTagNameMap {
    'sls-login': SlsLogin;
  }
}
