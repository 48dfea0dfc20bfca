// What the Chromium suites and bench/component-timing share: the static
// server, how Debian's Chromium is found and started, the watchers of what must stay empty
// (console errors, page errors, CSP violations, failed loads) and PNG
// decoding for QR checks.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { spawn, execFileSync } = require('node:child_process');
const { repoRoot, distDir } = require('./core.cjs');

/** Headless flags: no GPU, no network of Chromium's own, nothing from a first run. */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Debian's Chromium: $CHROMIUM_PATH, else `chromium` on PATH. Never a downloaded browser. */
function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not installed (apt-get install chromium)');
  }
}

/**
 * Starts web/scripts/serve.mjs (the static server with the production CSP)
 * on a free port in a child process; resolves with {child, url, port}.
 * A child because serve.mjs is an ES module and Jest runs these suites as
 * CommonJS. Stop it with child.kill('SIGTERM').
 */
function startStaticServer() {
  const child = spawn(process.execPath,
    [path.join(repoRoot, 'web', 'scripts', 'serve.mjs'), '--port', '0', '--dist', distDir],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    const onExit = (code) => reject(new Error(`serve.mjs exited with ${code}`));
    child.once('exit', onExit);
    lines.once('line', (line) => {
      const match = /^serving (http:\/\/127\.0\.0\.1:(\d+)\/)$/.exec(line);
      if (!match) {
        child.kill('SIGTERM');
        reject(new Error(`unexpected output from serve.mjs: ${line}`));
        return;
      }
      child.off('exit', onExit);
      resolve({ child, url: match[1], port: Number(match[2]) });
    });
  });
}

/** Starts Chromium headless with CHROMIUM_ARGS through playwright-core. */
function launchChromium() {
  // Required here, not at the top: the unit suites load this file's helpers
  // without needing the browser driver.
  // eslint-disable-next-line global-require
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

/**
 * Records what must stay empty: console errors and warnings, page errors,
 * failed loads and HTTP error answers. Returns the live record
 * {console, pageErrors, failedRequests, badResponses}; console entries are
 * "type: text", with the URL Chromium attributes them to in `consoleUrls`
 * (same index) so that a test can match its own deliberate failures.
 */
function watch(page) {
  const problems = { console: [], pageErrors: [], failedRequests: [], badResponses: [] };
  Object.defineProperty(problems, 'consoleUrls', { value: [], enumerable: false });
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') {
      problems.console.push(`${msg.type()}: ${msg.text()}`);
      problems.consoleUrls.push(msg.location()?.url ?? '');
    }
  });
  page.on('pageerror', (error) => problems.pageErrors.push(String(error)));
  page.on('requestfailed', (request) => problems.failedRequests.push(`${request.url()} ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.badResponses.push(`${response.status()} ${response.url()}`);
  });
  return problems;
}

// Runs before any page script, outside the page's CSP (add it with
// context.addInitScript): collects every securitypolicyviolation event of
// the document in window.cspViolations.
const RECORD_VIOLATIONS = () => {
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.cspViolations.push({
      directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample,
    });
  });
};

/** The RGBA pixels of a PNG, decoded by the page itself (no image fetch: CSP-neutral). */
async function pngPixels(page, png) {
  const { width, height, rgba } = await page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    // Back as base64: a plain array of this size is slow to serialise.
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: bitmap.width, height: bitmap.height, rgba: btoa(binary) };
  }, png.toString('base64'));
  return { width, height, data: new Uint8ClampedArray(Buffer.from(rgba, 'base64')) };
}

let axeText;

/**
 * Loads axe-core into the page. Evaluated through the DevTools protocol:
 * page.addScriptTag({path}) inserts an inline <script>, which the page's
 * CSP blocks (and reports as a violation), as it must.
 */
async function injectAxe(page) {
  axeText ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeText);
}

/**
 * Runs axe-core (WCAG 2 A and AA rules, and best practices) on the document,
 * open shadow roots included; returns the violations as "rule: targets" lines.
 */
async function axeViolations(page) {
  await injectAxe(page);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
}

module.exports = {
  CHROMIUM_ARGS, chromiumPath, startStaticServer, launchChromium, watch, RECORD_VIOLATIONS, pngPixels, injectAxe, axeViolations,
};
