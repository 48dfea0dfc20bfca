//# allFunctionsCalledOnLoad
// How <sls-login> obtains its WebAssembly core and the DOM patcher: the .wasm
// compiles (streaming) while the core's module and the patcher are imported,
// and each module URL is loaded once per page. Part of the element
// (sls-login.js); no side effect on import. Also the User Timing marks that
// time each start, from the element's start to its first screen. The compile
// hint above: these functions run at every start, so V8 compiles them when
// the file arrives.

// Performance marks (User Timing) of each start, for pages that measure the
// component (docs/component.md, "Timing marks"); detail {id}: the element's id.
export const MARK_START = 'sls-login:start';
export const MARK_CORE_READY = 'sls-login:core-ready';
export const MARK_FIRST_SCREEN = 'sls-login:first-screen';

/** Sets a User Timing mark; a host without performance.mark (or one that refuses) gets none. */
export function mark(name, element) {
  try {
    globalThis.performance?.mark?.(name, { detail: { id: element.id } });
  } catch {
    // Timing never gets in the way of the login.
  }
}

/**
 * Compiles the .wasm at `url`, streaming from the response: the page's
 * preload of it when there is one (a CORS fetch with same-origin
 * credentials, `crossorigin` on the preload link, as the Emscripten loader
 * would fetch it). Where streaming is missing or refused (a server that
 * sends another MIME type), it fetches the bytes and compiles them, as the
 * loader itself would.
 */
function compileWasm(url) {
  const init = { credentials: 'same-origin' };
  const fromBytes = () => fetch(url, init)
    .then((response) => {
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return response.arrayBuffer();
    })
    .then((bytes) => WebAssembly.compile(bytes));
  if (typeof WebAssembly.compileStreaming !== 'function') return fromBytes();
  return WebAssembly.compileStreaming(fetch(url, init)).catch(fromBytes);
}

/**
 * Loads {core, patcher} for a module URL. Replaced by SlsLogin.setLoader.
 * Nothing waits for what it does not need: the .wasm (sls-core.wasm beside
 * the module) compiles while the two modules are imported, and the core is
 * instantiated as soon as its module has run, without waiting for the
 * patcher.
 */
async function importBesideModule(moduleUrl) {
  const compiled = compileWasm(new URL('sls-core.wasm', moduleUrl).href);
  // Handled below; not an unhandled rejection if the import fails first.
  compiled.catch(() => {});
  const core = import(moduleUrl.href).then((coreModule) => new Promise((resolve, reject) => {
    coreModule.default({
      // Emscripten's hook: instantiate with the loader's imports, hand it the instance.
      instantiateWasm(imports, receiveInstance) {
        compiled
          .then((module) => WebAssembly.instantiate(module, imports)
            .then((instance) => receiveInstance(instance, module)))
          .catch(reject);
        return {};
      },
    }).then(resolve, reject);
  }));
  const [loadedCore, patcher] = await Promise.all([core, import(new URL('dom-patcher.js', moduleUrl).href)]);
  return { core: loadedCore, patcher };
}

let loader = importBesideModule;

/** Replaces the loader (null: importBesideModule again) and forgets every load made so far. */
export function setCoreLoader(load) {
  loader = load ?? importBesideModule;
  loads.clear();
}
/** Module URL → Promise of {core, patcher}: one module instance per page and URL. */
const loads = new Map();

/**
 * {core, patcher} for `moduleUrl` (a URL): one load per page and URL, shared by
 * every element; a failed load is forgotten, so that a later element tries again.
 */
export function loadCore(moduleUrl) {
  const key = moduleUrl.href;
  let pending = loads.get(key);
  if (pending === undefined) {
    pending = Promise.resolve().then(() => loader(moduleUrl));
    // A failure is not cached: a later element may try again.
    pending.catch(() => loads.delete(key));
    loads.set(key, pending);
  }
  return pending;
}
