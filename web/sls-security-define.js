// Registers <sls-security> and re-exports the element's module: the one import a page needs, with the only side
// effect. It also registers <sls-login> (sls-login-define.js), which the step-up screen nests. A name already
// registered is left as it is; nothing throws; no global is defined.
import { SlsLogin } from './sls-login-define.js';
import { SlsSecurity, SlsSecurityStateEvent, SlsSecurityChangedEvent, SlsErrorEvent } from './sls-security.js';

export { SlsSecurity, SlsSecurityStateEvent, SlsSecurityChangedEvent, SlsErrorEvent, SlsLogin };

const registry = globalThis.customElements;
if (registry !== undefined && registry.get('sls-security') === undefined) SlsSecurity.define('sls-security', registry);
//# allFunctionsCalledOnLoad
