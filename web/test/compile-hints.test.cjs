// The files the login page runs at start carry V8's explicit compile hint
// as their first line (docs/component.md, "Declaring the chain up front"): Chromium then
// compiles their functions when the file arrives instead of one by one
// while the element starts. A comment anywhere else, or a second line, is
// not the hint.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { repoRoot, distDir } = require('./support/core.cjs');

const HINT = '//# allFunctionsCalledOnLoad';

const FILES = [
  ['the core module (built)', path.join(distDir, 'sls-core.mjs')],
  ['the demo core module (built)', path.join(distDir, 'demo', 'sls-core.mjs')],
  ['the patcher as shipped (built)', path.join(distDir, 'dom-patcher.js')],
  ['the patcher', path.join(repoRoot, 'wasm', 'dom-patcher.js')],
  ['the element', path.join(repoRoot, 'web', 'sls-login.js')],
  ['the core loader', path.join(repoRoot, 'web', 'sls-core-loader.js')],
];

test.each(FILES)('%s starts with the compile hint', (name, file) => {
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: cmake --preset wasm && cmake --build --preset wasm`);
  const firstLine = fs.readFileSync(file, 'utf8').split('\n', 1)[0];
  expect(firstLine).toBe(HINT);
});

test('the Node flavour carries no hint (Node compiles it once, lazily)', () => {
  const firstLine = fs.readFileSync(path.join(distDir, 'node', 'sls-core.cjs'), 'utf8').split('\n', 1)[0];
  expect(firstLine).not.toBe(HINT);
});
