// Registers <sls-login> and re-exports the element's module: the one import a page needs, with the only side effect.
//
// sls-login.js holds the class and registers nothing, so that a bundle or a
// page may pick another name (SlsLogin.define('bank-login')) or a scoped
// registry. This module registers the name "sls-login" in the window's
// registry, once: importing it again, or after the page registered the name
// itself (to this class or to another element), changes nothing and throws
// nothing. It defines no global.
import { SlsLogin, SlsStateEvent, SlsErrorEvent, SlsAuthenticatedEvent } from './sls-login.js';

export { SlsLogin, SlsStateEvent, SlsErrorEvent, SlsAuthenticatedEvent };

const registry = globalThis.customElements;
if (registry !== undefined && registry.get('sls-login') === undefined) SlsLogin.define('sls-login', registry);
