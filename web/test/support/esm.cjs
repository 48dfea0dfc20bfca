// Loads the component's browser ES modules (web/sls-login.js,
// web/sls-login-define.js, wasm/dom-patcher.js) into a Jest test as
// CommonJS, in the test's own environment (jsdom: its window, its timers,
// its fetch mock).
//
// Why: Jest runs ES modules only under node --experimental-vm-modules, and
// these files must stay plain ES modules that browsers load without a build
// step. They keep to a small subset of module syntax, which this loader
// rewrites line for line (so stack traces keep their line numbers):
//   export function|async function|class|const|let NAME  → declaration, exported
//   export { A, B };                                     → A and B exported
//   import { A, B } from './relative.js';                → the module at that
//                                                          path, loaded by this
//                                                          same loader (one
//                                                          instance per test file)
//   import.meta.url                                      → the file's URL
//   import(x)                                            → a rejected promise
//                                                          (tests inject the
//                                                          core with
//                                                          SlsLogin.setLoader)
// Anything else that looks like module syntax (other static imports, export
// default, export * or export ... from, renaming with `as`, a statement over
// several lines) fails loudly, so the subset cannot drift unnoticed.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const cacheDir = path.join(os.tmpdir(), 'sls-jest-esm');

/** `A, B` of a one-line import or export list: plain names only (no `as`, no default). */
function nameList(text, where) {
  const names = text.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0 || !names.every((name) => /^[A-Za-z_$][\w$]*$/.test(name))) {
    throw new Error(`esm.cjs: only plain names may be imported or exported in braces (${where})`);
  }
  return names;
}

/** The CommonJS text of an ES module of the subset above. */
function toCommonJs(source, fileUrl) {
  const exported = [];
  const lines = source.split('\n').map((line, index) => {
    const where = `${fileUrl}:${index + 1}`;
    const namedImport = /^(\s*)import\s*\{([^}]*)\}\s*from\s*(['"])(\.{1,2}\/[^'"]+)\3\s*;?\s*$/.exec(line);
    if (namedImport) {
      const names = nameList(namedImport[2], where);
      return `${namedImport[1]}const { ${names.join(', ')} } = __esmImport(${JSON.stringify(namedImport[4])});`;
    }
    const exportList = /^\s*export\s*\{([^}]*)\}\s*;?\s*$/.exec(line);
    if (exportList) {
      exported.push(...nameList(exportList[1], where));
      return '';
    }
    if (/^\s*import\s[^(]/.test(line) || /^\s*import\s*['"]/.test(line)) {
      throw new Error(`esm.cjs: static import is outside the supported subset (${where})`);
    }
    if (/^\s*export\s+(default\b|\{|\*)/.test(line)) {
      throw new Error(`esm.cjs: this export form is outside the supported subset (${where})`);
    }
    const declaration = /^(\s*)export\s+((?:async\s+)?function\*?|class|const|let)\s+([A-Za-z_$][\w$]*)/.exec(line);
    let out = line;
    if (declaration) {
      exported.push(declaration[3]);
      out = line.replace(/^(\s*)export\s+/, '$1');
    } else if (/^\s*export\b/.test(line)) {
      throw new Error(`esm.cjs: unsupported export (${where})`);
    }
    return out
      .replace(/\bimport\.meta\.url\b/g, '__esmImportMetaUrl')
      .replace(/\bimport\(/g, '__esmDynamicImport(');
  });
  const prologue = `const __esmImportMetaUrl = ${JSON.stringify(fileUrl)}; ` +
    'const __esmDynamicImport = (specifier) => Promise.reject(new Error(' +
    '`dynamic import of ${specifier} is not available under Jest`)); ' +
    `const __esmImport = (specifier) => require(${JSON.stringify(__filename)}).requireEsm(` +
    'require("node:url").fileURLToPath(new URL(specifier, __esmImportMetaUrl)));';
  // The prologue shares the first line, so line numbers stay as in the source.
  lines[0] = `${prologue} ${lines[0]}`;
  lines.push(`module.exports = { ${exported.join(', ')} };`);
  return lines.join('\n');
}

/**
 * Requires the ES module at `file` (a path) through the rewrite above; the
 * result is cached by content in the system's temporary folder. Each Jest
 * test file gets its own instance, like any required module.
 */
function requireEsm(file) {
  const absolute = path.resolve(file);
  const source = fs.readFileSync(absolute, 'utf8');
  const code = toCommonJs(source, pathToFileURL(absolute).href);
  const digest = crypto.createHash('sha256').update(absolute).update('\0').update(code).digest('hex').slice(0, 16);
  fs.mkdirSync(cacheDir, { recursive: true });
  const target = path.join(cacheDir, `${path.basename(absolute, path.extname(absolute))}-${digest}.cjs`);
  if (!fs.existsSync(target)) {
    // Written under a unique name, then renamed: parallel workers never see half a file.
    const partial = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, target);
  }
  // eslint-disable-next-line global-require, import/no-dynamic-require
  return require(target);
}

module.exports = { requireEsm, toCommonJs };
