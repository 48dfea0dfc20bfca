// The events of <sls-login>, one class per event, so that a page can test
// `event instanceof SlsErrorEvent` and TypeScript knows each detail. They stay
// CustomEvents with the same detail as before, so listeners written for plain
// CustomEvents keep working; they bubble and are composed, so a page hears them
// on document even when the element sits in a shadow root. No side effect on import.

const EVENT_INIT = { bubbles: true, composed: true };

/** `sls-state`: the screen or the busy flag changed; detail {screen, busy, method?, device_kind?}. */
export class SlsStateEvent extends CustomEvent {
  static type = 'sls-state';

  constructor(detail) {
    super(SlsStateEvent.type, { ...EVENT_INIT, detail });
  }
}

/** `sls-error`: a server or network error was shown, or the module could not load; detail {code, message, cause?}. */
export class SlsErrorEvent extends CustomEvent {
  static type = 'sls-error';

  constructor(detail) {
    super(SlsErrorEvent.type, { ...EVENT_INIT, detail });
  }
}

/** `sls-authenticated`: the login is complete and the session cookie set; detail: the server's Session object. */
export class SlsAuthenticatedEvent extends CustomEvent {
  static type = 'sls-authenticated';

  constructor(detail) {
    super(SlsAuthenticatedEvent.type, { ...EVENT_INIT, detail });
  }
}

/** The core's emit types → their event classes. */
export const EVENT_CLASSES = new Map([
  ['state', SlsStateEvent], ['error', SlsErrorEvent], ['authenticated', SlsAuthenticatedEvent],
]);
