// The hand-written declarations (web/sls-core.d.ts) and the bound module must
// agree: every declared function exists with the declared number of
// parameters, and nothing is bound without being declared.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { repoRoot, loadCore } = require('./support/core.cjs');

const declarations = fs.readFileSync(path.join(repoRoot, 'web', 'sls-core.d.ts'), 'utf8');

/** name → parameter count, for the methods of one `export interface NAME ... {}` block. */
function methodsOf(interfaceName) {
  const start = declarations.indexOf(`export interface ${interfaceName} `);
  if (start < 0) throw new Error(`interface ${interfaceName} not found`);
  const body = declarations.slice(declarations.indexOf('{', start) + 1, declarations.indexOf('\n}', start));
  const withoutComments = body.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const methods = new Map();
  for (const m of withoutComments.matchAll(/^\s*(\w+)\(([^)]*)\)\s*:/gm)) {
    const params = m[2].trim();
    methods.set(m[1], params === '' ? 0 : params.split(',').length);
  }
  return methods;
}

const client = methodsOf('SlsCore');
const serverSide = methodsOf('SlsCoreWithServerSide');
let core;

beforeAll(async () => {
  core = await loadCore();
});

test('the declarations were read', () => {
  expect(client.size).toBeGreaterThan(20);
  expect(serverSide.size).toBeGreaterThan(3);
  for (const name of serverSide.keys()) expect(client.has(name)).toBe(false);
});

test('every declared function is bound with the declared parameter count', () => {
  const mismatches = [];
  for (const [name, count] of [...client, ...serverSide]) {
    if (typeof core[name] !== 'function') mismatches.push(`${name}: not bound`);
    else if (core[name].argCount !== count) mismatches.push(`${name}: bound with ${core[name].argCount}, declared ${count}`);
  }
  expect(mismatches).toEqual([]);
});

test('every bound function is declared', () => {
  // Embind marks the functions it binds with their argument count.
  const bound = Object.keys(core).filter((k) => typeof core[k] === 'function' && typeof core[k].argCount === 'number');
  expect(bound.length).toBeGreaterThan(20);
  expect(bound.filter((name) => !client.has(name) && !serverSide.has(name))).toEqual([]);
});
