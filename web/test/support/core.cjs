// Shared by the Jest suites: loads the Node flavour of the WebAssembly module
// and reads the JSON vectors that the GoogleTest suites read too, so the
// native and the WebAssembly builds are held to the same data.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Where the built modules are: $SLS_WASM_DIST_DIR, else web/dist/. */
const distDir = path.resolve(process.env.SLS_WASM_DIST_DIR || path.join(repoRoot, 'web', 'dist'));

/**
 * Instantiates the Node flavour (dist/node/sls-core.cjs). The wasm bytes are
 * passed in: Emscripten 3.1.6's loader would try fetch() on a file path under
 * Node 20 and fail.
 */
async function loadCore() {
  const script = path.join(distDir, 'node', 'sls-core.cjs');
  const wasm = path.join(distDir, 'node', 'sls-core.wasm');
  if (!fs.existsSync(script) || !fs.existsSync(wasm)) {
    throw new Error(`The Node flavour of the module is not built (${script}). ` +
      'Build it with: cmake --preset wasm && cmake --build --preset wasm');
  }
  // eslint-disable-next-line global-require, import/no-dynamic-require
  const createSlsCore = require(script);
  return createSlsCore({ wasmBinary: fs.readFileSync(wasm) });
}

/** A JSON file from tests/vectors/, parsed. */
function readVectors(name) {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'tests', 'vectors', name), 'utf8'));
}

/** The error catalog as written in src/sls/errors.def: [{id, code, status, en, zhHant, zhHans}]. */
function readErrorCatalog() {
  const text = fs.readFileSync(path.join(repoRoot, 'src', 'sls', 'errors.def'), 'utf8');
  const literal = '"((?:[^"\\\\]|\\\\.)*)"';
  const line = new RegExp(`^SLS_ERROR\\(\\s*(\\w+)\\s*,\\s*${literal}\\s*,\\s*(\\d{3})\\s*,\\s*${literal}\\s*,\\s*${literal}\\s*,\\s*${literal}\\s*\\)`, 'gm');
  // The C escapes used in the catalog (\" and \\) read the same in JSON.
  const unescape = (s) => JSON.parse(`"${s}"`);
  return [...text.matchAll(line)].map((m) => ({
    id: m[1], code: unescape(m[2]), status: Number(m[3]), en: unescape(m[4]), zhHant: unescape(m[5]), zhHans: unescape(m[6]),
  }));
}

module.exports = { repoRoot, distDir, loadCore, readVectors, readErrorCatalog };
