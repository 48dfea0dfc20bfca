#!/usr/bin/env node
// Run by `npm pack` (the package's prepack script): refuses to pack the
// package when the build output it ships is missing. The WebAssembly cores
// (web/dist/sls-core.mjs and .wasm for <sls-login>, web/dist/security/ for
// <sls-security>) and the DOM patcher beside each are not in the repository;
// `cmake --build --preset wasm` writes them.
// Without this check npm would pack a package whose element cannot start.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const required = ['web/dist/sls-core.mjs', 'web/dist/sls-core.wasm', 'web/dist/dom-patcher.js',
  'web/dist/security/sls-core.mjs', 'web/dist/security/sls-core.wasm', 'web/dist/security/dom-patcher.js'];

const missing = required.filter((file) => {
  const path = join(root, file);
  return !existsSync(path) || !statSync(path).isFile() || statSync(path).size === 0;
});
// The elements' own modules (in the repository): a pack without one of them would break its define module.
const elements = ['web/sls-login.js', 'web/sls-login-define.js', 'web/sls-security.js', 'web/sls-security-events.js',
  'web/sls-security-define.js'];
const missingElements = elements.filter((file) => !existsSync(join(root, file)));
if (missingElements.length > 0) {
  process.stderr.write(`check-package: cannot pack: ${missingElements.join(', ')} is missing.\n`);
  process.exit(1);
}
if (missing.length > 0) {
  process.stderr.write(`check-package: cannot pack: the build output ${missing.join(', ')} is missing.\n`
    + 'check-package: build it first: cmake --preset wasm && cmake --build --preset wasm\n');
  process.exit(1);
}
