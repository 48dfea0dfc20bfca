// The events of <sls-security>, one class per event like sls-login-events.js (sls-error is the same class as
// <sls-login>'s). They bubble and are composed. No side effect on import.
import { SlsErrorEvent } from './sls-login-events.js';

export { SlsErrorEvent };

const EVENT_INIT = { bubbles: true, composed: true };

/** `sls-security-state`: the screen or the busy flag changed; detail {screen, busy}. */
export class SlsSecurityStateEvent extends CustomEvent {
  static type = 'sls-security-state';

  constructor(detail) {
    super(SlsSecurityStateEvent.type, { ...EVENT_INIT, detail });
  }
}

/** `sls-security-changed`: a change was saved and the accounts read again; detail {change, account}. */
export class SlsSecurityChangedEvent extends CustomEvent {
  static type = 'sls-security-changed';

  constructor(detail) {
    super(SlsSecurityChangedEvent.type, { ...EVENT_INIT, detail });
  }
}

/** The core's emit types → their event classes. */
export const SECURITY_EVENT_CLASSES = new Map([
  ['state', SlsSecurityStateEvent], ['error', SlsErrorEvent], ['changed', SlsSecurityChangedEvent],
]);
