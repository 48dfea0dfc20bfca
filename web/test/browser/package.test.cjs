// The package an integrator installs, as an integrator gets it: `npm pack`
// of this repository, installed from the tarball into a scratch project
// (offline: the package has no dependencies), a page that imports
// `sls-login` by its name bundled with esbuild, the core's files copied
// beside the bundle (docs/package.md, "Installing the package"), served
// with slsd's strict Content-Security-Policy and the API passed to a real
// slsd on the same origin. Chromium completes a login there with no CSP
// violation and no console error. Also: what the tarball holds (nothing of
// the development tooling), and that packing refuses without the build output.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const esbuild = require('esbuild');
const { repoRoot } = require('../support/core.cjs');
const { launchChromium, watch, RECORD_VIOLATIONS } = require('../support/browser.cjs');
const { startSlsd } = require('../support/slsd.cjs');
const { startHost } = require('../support/host.cjs');

jest.setTimeout(120000);

const run = promisify(execFile);
const npm = (args, cwd) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'],
  { cwd, encoding: 'utf8', timeout: 90000, env: { ...process.env, npm_config_update_notifier: 'false' } });

const PACKAGE = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

/** What a page needs, and nothing else (npm adds package.json and the README itself). */
const EXPECTED_FILES = [
  'README.md', 'package.json',
  'web/dist/dom-patcher.js', 'web/dist/sls-core.mjs', 'web/dist/sls-core.wasm',
  'web/dist/security/dom-patcher.js', 'web/dist/security/sls-core.mjs', 'web/dist/security/sls-core.wasm',
  'web/sls-core-loader.js', 'web/sls-core.d.ts',
  'web/sls-login-define.d.ts', 'web/sls-login-define.js', 'web/sls-login-events.js', 'web/sls-login-lang.js',
  'web/sls-login.css', 'web/sls-login.d.ts', 'web/sls-login.js', 'web/sls-bridge.js',
  'web/sls-security-define.d.ts', 'web/sls-security-define.js', 'web/sls-security-events.js',
  'web/sls-security.d.ts', 'web/sls-security.js',
].sort();

let dir;
let tarball;
let packed;
let server;
let browser;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sls-package-test-'));
  // Each kept as soon as it runs, so that afterAll stops it even when another failed to start.
  await Promise.all([
    // Older npm prints the prepack script's banner before the JSON: skip to the array.
    npm(['pack', '--json', '--pack-destination', dir], repoRoot)
      .then(({ stdout }) => { [packed] = JSON.parse(stdout.slice(stdout.search(/^\[/m))); }),
    startSlsd().then((started) => { server = started; }),
    launchChromium().then((started) => { browser = started; }),
  ]);
  tarball = path.join(dir, packed.filename);
});

afterAll(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the tarball holds what a page needs and nothing of the development tooling', () => {
  expect(packed.name).toBe(PACKAGE.name);
  expect(packed.files.map((f) => f.path).sort()).toEqual(EXPECTED_FILES);
  // Every export that names a file points into the tarball.
  const shipped = new Set(packed.files.map((f) => f.path));
  const targets = Object.entries(PACKAGE.exports).flatMap(([key, value]) => (typeof value === 'string'
    ? [[key, value]] : Object.values(value).map((target) => [key, target])));
  for (const [key, target] of targets) {
    const file = target.replace(/^\.\//, '');
    expect([key, shipped.has(file)]).toEqual([key, true]);
  }
  expect(PACKAGE.dependencies ?? {}).toEqual({});
  expect(PACKAGE.sideEffects).toContain('./web/sls-login-define.js');
  expect(PACKAGE.sideEffects).not.toContain('./web/sls-login.js');
});

test('npm pack refuses, saying what to build, when the WebAssembly build output is missing', async () => {
  // A copy of the package without web/dist/: what a fresh clone has before the wasm build.
  const bare = path.join(dir, 'bare');
  fs.mkdirSync(path.join(bare, 'web', 'scripts'), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(bare, 'package.json'));
  fs.copyFileSync(path.join(repoRoot, 'web', 'scripts', 'check-package.mjs'), path.join(bare, 'web', 'scripts', 'check-package.mjs'));
  for (const file of EXPECTED_FILES.filter((f) => /^web\/[^/]+$/.test(f))) {
    fs.copyFileSync(path.join(repoRoot, file), path.join(bare, file));
  }
  const failure = await npm(['pack', '--dry-run'], bare).then(() => null, (error) => error);
  expect(failure).not.toBeNull();
  expect(failure.stderr).toContain('web/dist/sls-core.mjs, web/dist/sls-core.wasm, web/dist/dom-patcher.js, '
    + 'web/dist/security/sls-core.mjs, web/dist/security/sls-core.wasm, web/dist/security/dom-patcher.js is missing');
  expect(failure.stderr).toContain('cmake --build --preset wasm');
});

test('installed from the tarball, bundled with esbuild, served under the strict CSP: a login completes in Chromium', async () => {
  // The scratch project: the tarball is its only dependency.
  const app = path.join(dir, 'app');
  fs.mkdirSync(path.join(app, 'src'), { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'scratch-host', private: true, type: 'module' }));
  await npm(['install', '--offline', tarball], app);
  const installed = path.join(app, 'node_modules', PACKAGE.name);
  expect(fs.readdirSync(path.join(app, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual([PACKAGE.name]);
  expect(fs.existsSync(path.join(installed, 'web', 'dist', 'sls-core.wasm'))).toBe(true);

  // The page's own module: the element by the package's name, the class by its subpath.
  fs.writeFileSync(path.join(app, 'src', 'main.js'), [
    "import { SlsLogin } from 'sls-login';",
    "import { SlsAuthenticatedEvent } from 'sls-login/element';",
    "const login = document.querySelector('sls-login');",
    'login.addEventListener(SlsAuthenticatedEvent.type, (event) => {',
    "  document.getElementById('outcome').textContent = `signed in as ${event.detail.username}`;",
    '  document.body.dataset.assertion = event.detail.assertion;',
    '});',
    "document.body.dataset.defined = String(customElements.get('sls-login') === SlsLogin);",
    '',
  ].join('\n'));
  const out = path.join(app, 'public');
  fs.mkdirSync(path.join(out, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(out, 'index.html'), [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Scratch host</title>',
    '<link rel="icon" href="/favicon.svg">',
    '<script type="module" src="/assets/main.js"></script></head>',
    '<body><main><sls-login id="login" nonce="package-test-nonce"></sls-login><p id="outcome" role="status"></p></main></body></html>',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(out, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>');
  const result = await esbuild.build({
    absWorkingDir: app,
    entryPoints: ['src/main.js'],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    outdir: path.join(out, 'assets'),
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  const bundle = fs.readFileSync(path.join(out, 'assets', 'main.js'), 'utf8');
  // From the installed package, resolved by its name through `exports`.
  expect(bundle).toContain('// node_modules/sls-login/web/sls-login-define.js');
  expect(bundle).toContain('// node_modules/sls-login/web/sls-login.js');
  // The files the element loads at run time, copied beside the bundle where
  // it looks for them (dist/ and the stylesheet next to the bundle), found
  // through the package's exports as an integrator's build script would.
  const { createRequire } = require('node:module');
  const requireFromApp = createRequire(path.join(app, 'package.json'));
  fs.mkdirSync(path.join(out, 'assets', 'dist'));
  for (const [specifier, target] of [
    ['sls-login/core', 'dist/sls-core.mjs'],
    ['sls-login/core.wasm', 'dist/sls-core.wasm'],
    ['sls-login/dom-patcher', 'dist/dom-patcher.js'],
    ['sls-login/style.css', 'sls-login.css'],
  ]) {
    fs.copyFileSync(requireFromApp.resolve(specifier), path.join(out, 'assets', target));
  }

  const host = await startHost({ root: out, apiOrigin: server.origin });
  const context = await browser.newContext();
  try {
    await context.addInitScript(RECORD_VIOLATIONS);
    const page = await context.newPage();
    const problems = watch(page);
    const cspHeaders = [];
    page.on('response', (response) => {
      if (!new URL(response.url()).pathname.startsWith('/api/')) cspHeaders.push(response.headers()['content-security-policy']);
    });
    await page.goto(host.url);
    await page.waitForSelector('#login-username');
    expect(await page.getAttribute('body', 'data-defined')).toBe('true');
    await page.fill('#login-username', 'demo-none');
    await page.fill('#login-password', 'demo-password');
    await page.click('#login button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('outcome').textContent === 'signed in as demo-none');
    expect(await page.getAttribute('#login .sls-login', 'data-screen')).toBe('authenticated');
    // The packaged core is the current one: the login assertion carries the page's nonce.
    const assertion = await page.getAttribute('body', 'data-assertion');
    const claims = JSON.parse(Buffer.from(assertion.split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ iss: server.origin, sub: 'demo-none', nonce: 'package-test-nonce' });

    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(problems).toEqual({ console: [], pageErrors: [], failedRequests: [], badResponses: [] });
    // Every file came under the strict policy, the module and the .wasm included.
    expect(cspHeaders.length).toBeGreaterThanOrEqual(5);
    for (const csp of cspHeaders) expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(host.csp).not.toContain('unsafe-inline');
  } finally {
    await context.close();
    await host.close();
  }
});
