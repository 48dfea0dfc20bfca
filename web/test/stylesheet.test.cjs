// The component's stylesheet writes its dark palette twice (under
// prefers-color-scheme: dark, and for the attribute color-scheme="dark"):
// the two copies must say the same, or the attribute and the system setting
// would give different colours.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { repoRoot } = require('./support/core.cjs');

// Comments out: a declaration list may hold one.
const css = fs.readFileSync(path.join(repoRoot, 'web', 'sls-login.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

/** The declarations of the first rule whose selector is `selector`, as sorted "name: value" lines. */
function declarations(selector) {
  const at = css.indexOf(`${selector} {`);
  if (at < 0) throw new Error(`no rule ${selector}`);
  const body = css.slice(css.indexOf('{', at) + 1, css.indexOf('}', at));
  return body.split(';').map((d) => d.trim().replace(/\s+/g, ' ')).filter(Boolean).sort();
}

test('the dark palette of the media query and of color-scheme="dark" are the same', () => {
  const fromMedia = declarations(':where(sls-login:not([color-scheme="light"]))');
  const fromAttribute = declarations(':where(sls-login[color-scheme="dark"])');
  expect(fromMedia.length).toBeGreaterThanOrEqual(11);
  expect(fromAttribute).toEqual(fromMedia);
});

test('the dark palette sets every colour the light one does', () => {
  const names = (list) => list.map((d) => d.split(':')[0]).sort();
  expect(names(declarations(':where(sls-login:not([color-scheme="light"]))')))
    .toEqual(names(declarations(':where(sls-login)').filter((d) => d.startsWith('--_sls-') || d.startsWith('color-scheme'))));
});
