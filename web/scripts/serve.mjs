#!/usr/bin/env node
// A tiny static server for the demo page and the built module, with the
// headers the component must live under in production: a strict
// Content-Security-Policy (no inline script, no eval; only compiling
// WebAssembly is allowed) and exact MIME types (browsers compile .wasm
// in streaming mode only when it is served as application/wasm).
//
// Usage: node web/scripts/serve.mjs [--port N] [--host ADDRESS] [--root DIR] [--dist DIR]
//   --port  0 (default) picks a free port
//   --host  127.0.0.1 (default): never listens beyond this machine unless told
//   --root  the folder served, default web/ (so /demo/ resolves)
//   --dist  the folder served as /dist/ (the built modules), default ROOT/dist
// Prints one line "serving http://HOST:PORT/" once it listens; stops on
// SIGINT or SIGTERM.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

function parseArgs(argv) {
  const options = {
    port: 0,
    host: '127.0.0.1',
    root: resolve(fileURLToPath(new URL('..', import.meta.url))),
    dist: undefined,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--port': options.port = Number.parseInt(value, 10); i += 1; break;
      case '--host': options.host = value; i += 1; break;
      case '--root': options.root = resolve(value); i += 1; break;
      case '--dist': options.dist = resolve(value); i += 1; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error('--port takes 0..65535');
  }
  return options;
}

function send(response, status, headers, body) {
  response.writeHead(status, {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    ...headers,
  });
  response.end(body);
}

/** Resolves a URL path inside `dir`; null when it would leave `dir`. */
function fileWithin(dir, relativePath) {
  const file = normalize(join(dir, relativePath));
  return file === dir || file.startsWith(dir + sep) ? file : null;
}

export function startServer({ port = 0, host = '127.0.0.1', root, dist }) {
  const rootDir = resolve(root);
  const distDir = resolve(dist ?? join(rootDir, 'dist'));
  const server = createServer(async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }, 'method not allowed\n');
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    } catch {
      send(response, 400, { 'Content-Type': 'text/plain' }, 'bad request\n');
      return;
    }
    if (pathname === '/') {
      send(response, 302, { Location: '/demo/' }, '');
      return;
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    // Refuse anything that would leave the served folders.
    const file = pathname.startsWith('/dist/')
      ? fileWithin(distDir, pathname.slice('/dist/'.length))
      : fileWithin(rootDir, pathname);
    if (pathname.includes('\0') || file === null) {
      send(response, 403, { 'Content-Type': 'text/plain' }, 'forbidden\n');
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      const body = await readFile(file);
      const type = MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      send(response, 200, { 'Content-Type': type, 'Content-Length': body.length },
        request.method === 'HEAD' ? undefined : body);
    } catch {
      send(response, 404, { 'Content-Type': 'text/plain' }, 'not found\n');
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolvePromise({ server, url: `http://${host}:${address.port}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  const { server, url } = await startServer(options);
  process.stdout.write(`serving ${url}\n`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
