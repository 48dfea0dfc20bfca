#!/usr/bin/env node
// A web login page with its own back end, in one file (node:http, no
// framework): what a host site does with <sls-login> and slsd.
//
//   GET  /             the login page: a fresh nonce per page load, kept in
//                      this site's own httpOnly cookie and put on
//                      <sls-login nonce="..." audience="...">; once signed
//                      in, "Signed in as NAME" instead
//   GET  /app/...      this page's script and stylesheet (public/)
//   GET  /sls/...      the component, from the installed `sls-login` package
//   /api/v1/...        passed to slsd, so the browser talks to one origin
//   POST /session      the page posts the login assertion from
//                      sls-authenticated; verified here with `jose` against
//                      slsd's JWKS (issuer, audience, EdDSA), its nonce
//                      checked against the cookie, redeemed once at slsd
//                      (POST /api/v1/assertions/redeem), then this site's
//                      own session starts (its own cookie)
//   POST /logout       ends this site's session
//
// Usage: node server.mjs --slsd URL [--port N] [--host ADDR] [--audience AUD] [--issuer URL] [--public-origin URL]
//   --slsd      slsd's base URL, e.g. http://127.0.0.1:8080 (required)
//   --audience  the `aud` this site accepts; slsd must list it
//               (--assertion-audience); default: this site's origin
//   --issuer    the `iss` this site accepts; default: slsd's origin (its --origin)
//   --public-origin  this site's origin as browsers see it (behind a TLS
//               proxy: https://...); default http://HOST:PORT
// Prints "web-login listening on http://HOST:PORT" once it listens.
//
// A sketch, not a product: sessions live in memory, and a real site behind
// HTTPS sets its cookies with Secure and the __Host- prefix (done here when
// --public-origin starts with https:).
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const here = dirname(fileURLToPath(import.meta.url));

// The component's files, from the installed package (inside this repository
// the package is the repository itself). Only what a page loads is served.
const componentDir = join(dirname(createRequire(import.meta.url).resolve('sls-login/package.json')), 'web');
// The page modules (sls-*.js), the stylesheet and the core: the files the
// package ships for a page, named by pattern so that a module the element
// gains is served too; nothing else under web/ (no demo, no tests).
const COMPONENT_FILE = /^(?:sls-[a-z-]+\.(?:js|css)|dist\/(?:sls-core\.(?:mjs|wasm)|dom-patcher\.js))$/;

// slsd's policy: no inline script, no eval; compiling WebAssembly is allowed.
const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
  + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/** How long a session of this site lasts, in seconds. */
const SESSION_TTL_S = 8 * 3600;

function parseArgs(argv) {
  const options = { port: 0, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (!name.startsWith('--') || value === undefined) throw new Error(`bad argument ${name}`);
    options[name.slice(2).replace(/-(\w)/g, (_, c) => c.toUpperCase())] = value;
  }
  if (!options.slsd) throw new Error('--slsd URL is required');
  options.port = Number.parseInt(options.port, 10);
  return options;
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The cookies of a request, by name. */
function cookies(request) {
  const jar = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) jar[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return jar;
}

function sameText(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A JSON request body of at most `limit` bytes; null when it is not one. */
async function readJson(request, limit = 16384) {
  let size = 0;
  const chunks = [];
  for await (const chunk of request) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}

/**
 * Passes the request to slsd as it is, but for Host and this site's own
 * cookies (`ownCookies`: names slsd has no business seeing); the reply comes
 * back as it is (slsd's session cookie included).
 */
function proxy(request, response, slsd, ownCookies) {
  const url = new URL(request.url, slsd);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { ...request.headers, host: url.host };
  const kept = (request.headers.cookie ?? '').split(';').map((part) => part.trim())
    .filter((part) => part !== '' && !ownCookies.includes(part.slice(0, part.indexOf('='))));
  if (kept.length > 0) headers.cookie = kept.join('; ');
  else delete headers.cookie;
  const upstream = send(url, { method: request.method, headers }, (reply) => {
    response.writeHead(reply.statusCode, reply.headers);
    reply.pipe(response);
  });
  upstream.on('error', () => {
    if (!response.headersSent) response.writeHead(502, { 'Content-Type': 'application/json' });
    response.end('{"error":"slsd unreachable"}');
  });
  request.pipe(upstream);
}

export async function startWebLogin(options) {
  const slsd = new URL(options.slsd);
  const issuer = options.issuer ?? slsd.origin;
  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', slsd));
  /** This site's sessions: id → {user, amr, acr, expires}. */
  const sessions = new Map();
  let origin;
  let audience;
  let secure = false;
  const name = (cookie) => (secure ? `__Host-${cookie}` : cookie);
  const cookie = (key, value, maxAge) => `${name(key)}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;

  function page(response, status, body, extraHeaders = {}) {
    response.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      ...extraHeaders,
    });
    response.end(body);
  }
  function json(response, status, body, extraHeaders = {}) {
    response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...extraHeaders });
    response.end(JSON.stringify(body));
  }
  async function serveFile(response, file) {
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        'Content-Type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      });
      response.end(body);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found\n');
    }
  }
  function currentSession(request) {
    const id = cookies(request)[name('site_session')];
    const session = id === undefined ? undefined : sessions.get(id);
    if (session === undefined) return null;
    if (session.expires < Date.now()) {
      sessions.delete(id);
      return null;
    }
    return { id, ...session };
  }

  const shell = (title, main) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="/app/favicon.svg">
<link rel="stylesheet" href="/app/style.css">
<script type="module" src="/app/login.mjs"></script>
</head>
<body>
<main>
${main}
</main>
</body>
</html>
`;

  async function loginPage(request, response) {
    const session = currentSession(request);
    if (session !== null) {
      page(response, 200, shell('Signed in', `<h1>Example broker</h1>
<p id="signed-in">Signed in as <strong>${escapeHtml(session.user)}</strong> (${escapeHtml(session.amr.join(', '))}).</p>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>`));
      return;
    }
    // A new nonce for every page load: an assertion is accepted only by the
    // page load it was made for (the cookie holds the nonce, the element carries it to slsd).
    const nonce = randomBytes(24).toString('base64url');
    page(response, 200, shell('Sign in', `<h1>Example broker</h1>
<sls-login id="login" nonce="${escapeHtml(nonce)}" audience="${escapeHtml(audience)}"></sls-login>
<p id="outcome" role="status"></p>`), { 'Set-Cookie': cookie('login_nonce', nonce, 900) });
  }

  /** POST /session {assertion}: verify, check the nonce, redeem once, start this site's session. */
  async function startSession(request, response) {
    // A same-origin fetch with a JSON body only: no form of another site gets here.
    if (request.headers.origin !== origin || !/^application\/json\b/.test(request.headers['content-type'] ?? '')) {
      json(response, 403, { error: 'cross-site request' });
      return;
    }
    const body = await readJson(request);
    const assertion = body?.assertion;
    if (typeof assertion !== 'string' || assertion.length > 8192) {
      json(response, 400, { error: 'assertion missing' });
      return;
    }
    const nonce = cookies(request)[name('login_nonce')];
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(assertion, jwks, { issuer, audience, algorithms: ['EdDSA'] }));
    } catch (error) {
      json(response, 401, { error: `assertion refused: ${error.code ?? 'invalid'}` });
      return;
    }
    if (nonce === undefined || typeof claims.nonce !== 'string' || !sameText(claims.nonce, nonce)) {
      json(response, 401, { error: 'assertion refused: not made for this page load' });
      return;
    }
    // Single use: slsd records the jti; a second redeem is refused.
    const redeemed = await fetch(new URL('/api/v1/assertions/redeem', slsd), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ assertion, audience }),
    }).catch(() => null);
    if (redeemed === null || !redeemed.ok) {
      json(response, 401, { error: `assertion refused by slsd: ${redeemed === null ? 'unreachable' : redeemed.status}` });
      return;
    }
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, {
      user: claims.sub, amr: claims.amr ?? [], acr: claims.acr, expires: Date.now() + SESSION_TTL_S * 1000,
    });
    json(response, 200, { user: claims.sub }, {
      'Set-Cookie': [cookie('site_session', id, SESSION_TTL_S), cookie('login_nonce', '', 0)],
    });
  }

  const server = createServer(async (request, response) => {
    const { pathname } = new URL(request.url, 'http://localhost');
    try {
      if (pathname.startsWith('/api/v1/')) {
        // The browser never redeems: that is this back end's job.
        if (pathname.startsWith('/api/v1/assertions/')) json(response, 404, { error: 'not here' });
        else proxy(request, response, slsd, [name('site_session'), name('login_nonce')]);
        return;
      }
      if (request.method === 'GET' && pathname === '/') {
        await loginPage(request, response);
      } else if (request.method === 'POST' && pathname === '/session') {
        await startSession(request, response);
      } else if (request.method === 'POST' && pathname === '/logout') {
        const session = currentSession(request);
        if (session !== null && request.headers.origin === origin) sessions.delete(session.id);
        response.writeHead(303, { Location: '/', 'Set-Cookie': cookie('site_session', '', 0) });
        response.end();
      } else if (request.method === 'GET' && pathname.startsWith('/app/')) {
        const file = normalize(join(here, 'public', pathname.slice('/app/'.length)));
        if (file.startsWith(join(here, 'public') + sep)) await serveFile(response, file);
        else json(response, 404, { error: 'not found' });
      } else if (request.method === 'GET' && pathname.startsWith('/sls/') && COMPONENT_FILE.test(pathname.slice(5))) {
        await serveFile(response, join(componentDir, pathname.slice(5)));
      } else {
        json(response, 404, { error: 'not found' });
      }
    } catch (error) {
      if (!response.headersSent) json(response, 500, { error: 'internal' });
      else response.destroy(error);
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  origin = options.publicOrigin ?? `http://${options.host ?? '127.0.0.1'}:${server.address().port}`;
  secure = origin.startsWith('https:');
  audience = options.audience ?? origin;
  return { server, origin, audience, sessions };
}

if (process.argv[1] && normalize(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`web-login: ${error.message}\nusage: node server.mjs --slsd URL [--port N] [--host ADDR] [--audience AUD] [--issuer URL] [--public-origin URL]\n`);
    process.exit(2);
  }
  const { server, origin } = await startWebLogin(options);
  process.stdout.write(`web-login listening on ${origin}\n`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
