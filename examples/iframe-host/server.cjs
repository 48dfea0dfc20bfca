// The host's tiny back end in the iframe example: serves host.html (with the
// login page's URL and a fresh nonce per load, kept in an HttpOnly cookie)
// and POST /session, which verifies the login assertion the page received
// with `jose` against the login server's published keys
// (/.well-known/jwks.json): signature (EdDSA), issuer, audience, expiry,
// this load's nonce, and single use (jti). Then a host would start its own
// session; this example answers with the user.
//
//   node examples/iframe-host/server.cjs --login-origin http://127.0.0.1:8080 \
//     --audience http://localhost:8090 --port 8090
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { createRemoteJWKSet, jwtVerify } = require('jose');

const LOGIN_PATH = '/iframe-host/login.html';

function send(response, status, type, body, headers = {}) {
  response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
  response.end(body);
}

const json = (response, status, value, headers) => send(response, status, 'application/json', JSON.stringify(value), headers);

function cookie(request, name) {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

function readBody(request, limit = 16384) {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
      if (body.length > limit) reject(new Error('too large'));
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

/**
 * Starts the host on 127.0.0.1:`port` (0: any), named http://localhost:PORT
 * (another site than the login server's 127.0.0.1). `loginOrigin` and
 * `audience` may come later, through configure(). Resolves with {url,
 * origin, sessions (the verified logins), configure(options), close()}.
 */
async function startIframeHost({ port = 0, loginOrigin, audience } = {}) {
  const config = { loginOrigin, audience };
  const hostHtml = fs.readFileSync(path.join(__dirname, 'host.html'), 'utf8');
  const hostScript = fs.readFileSync(path.join(__dirname, 'host.mjs'));
  const usedIds = new Set();
  const sessions = [];
  let keys = null;

  async function verify(request) {
    const body = JSON.parse(await readBody(request));
    if (typeof body.assertion !== 'string') return [400, { error: 'no_assertion' }];
    const nonce = cookie(request, 'host_nonce');
    try {
      keys ??= createRemoteJWKSet(new URL('/.well-known/jwks.json', config.loginOrigin));
      const { payload } = await jwtVerify(body.assertion, keys, {
        issuer: config.loginOrigin, audience: config.audience, algorithms: ['EdDSA'],
      });
      if (nonce === null || payload.nonce !== nonce) return [401, { error: 'wrong_nonce' }];
      if (typeof payload.jti !== 'string' || usedIds.has(payload.jti)) return [401, { error: 'replayed' }];
      usedIds.add(payload.jti);
      sessions.push(payload);
      // Here a host starts its own session for payload.sub.
      return [200, { user: payload.sub, amr: payload.amr }];
    } catch (error) {
      return [401, { error: error.code ?? 'invalid' }];
    }
  }

  const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/') {
      const nonce = crypto.randomBytes(18).toString('base64url');
      const loginUrl = `${config.loginOrigin}${LOGIN_PATH}?nonce=${nonce}`;
      send(response, 200, 'text/html; charset=utf-8', hostHtml.replace('src="LOGIN_URL"', `src="${loginUrl}"`), {
        'Set-Cookie': `host_nonce=${nonce}; HttpOnly; SameSite=Strict; Path=/`,
        'Content-Security-Policy': `default-src 'none'; script-src 'self'; connect-src 'self'; frame-src ${config.loginOrigin}; `
          + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      });
    } else if (request.method === 'GET' && url.pathname === '/host.mjs') {
      send(response, 200, 'text/javascript; charset=utf-8', hostScript);
    } else if (request.method === 'POST' && url.pathname === '/session') {
      verify(request).then(([status, value]) => json(response, status, value), () => json(response, 400, { error: 'bad_request' }));
    } else {
      json(response, 404, { error: 'not_found' });
    }
  });
  await new Promise((resolve) => { server.listen(port, '127.0.0.1', resolve); });
  const origin = `http://localhost:${server.address().port}`;
  return {
    url: `${origin}/`,
    origin,
    sessions,
    configure(options) {
      Object.assign(config, options);
      keys = null;
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  };
  startIframeHost({
    port: Number(option('port', '8090')), loginOrigin: option('login-origin', 'http://127.0.0.1:8080'),
    audience: option('audience', 'http://localhost:8090'),
  }).then((host) => process.stdout.write(`iframe host on ${host.url}\n`));
}

module.exports = { startIframeHost, LOGIN_PATH };
