// A host site for the browser suites, in process: serves a folder of built
// files with the reference server's strict Content-Security-Policy (read from
// src/server/http_api.hpp, kContentSecurityPolicy, so the two cannot drift)
// and passes /api/ to a real slsd, so that the page and the API share one
// origin as they would behind a host's reverse proxy.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { repoRoot } = require('./core.cjs');

/** slsd's Content-Security-Policy, as the C++ source spells it (adjacent string literals joined). */
function serverContentSecurityPolicy() {
  const source = fs.readFileSync(path.join(repoRoot, 'src', 'server', 'http_api.hpp'), 'utf8');
  const match = /kContentSecurityPolicy\s*=\s*((?:\s*"(?:[^"\\]|\\.)*")+)\s*;/.exec(source);
  if (!match) throw new Error('kContentSecurityPolicy not found in src/server/http_api.hpp');
  return [...match[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('');
}

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Forwards the request to `target` (an origin) unchanged but for Host; streams both ways. */
function proxy(request, response, target) {
  const url = new URL(request.url, target);
  const upstream = http.request(url, {
    method: request.method,
    headers: { ...request.headers, host: url.host },
  }, (reply) => {
    response.writeHead(reply.statusCode, reply.headers);
    reply.pipe(response);
  });
  upstream.on('error', () => {
    if (!response.headersSent) response.writeHead(502, { 'Content-Type': 'text/plain' });
    response.end('bad gateway\n');
  });
  request.pipe(upstream);
}

/**
 * Starts the host on 127.0.0.1 and a free port: GET serves `root` (index.html
 * for "/"), /api/ goes to `apiOrigin`. Resolves with {url, origin, csp, close()}.
 */
function startHost({ root, apiOrigin }) {
  const csp = serverContentSecurityPolicy();
  const rootDir = path.resolve(root);
  const server = http.createServer((request, response) => {
    const { pathname } = new URL(request.url, 'http://host');
    if (pathname.startsWith('/api/')) {
      proxy(request, response, apiOrigin);
      return;
    }
    const headers = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
    const file = path.normalize(path.join(rootDir, decodeURIComponent(pathname === '/' ? '/index.html' : pathname)));
    if (request.method !== 'GET' || !file.startsWith(rootDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      response.end('not found\n');
      return;
    }
    const body = fs.readFileSync(file);
    response.writeHead(200, {
      ...headers,
      'Content-Type': MIME_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
    });
    response.end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolve({
        url: `${origin}/`,
        origin,
        csp,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
      });
    });
  });
}

module.exports = { startHost, serverContentSecurityPolicy };
