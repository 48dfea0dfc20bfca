// A mocked fetch() for the jsdom suites of <sls-login>: per-test route handlers written after docs/openapi.yaml.
//
// THE MOCK AND ITS LIMITS. It is not the API:
//  - it checks nothing a server would (credentials, codes, ids, expiry): each
//    test scripts the replies its scenario needs, so those tests prove what
//    the element does with replies, not that replies are right;
//  - responses carry only status, a Retry-After header and a JSON body (no
//    cookies, CORS, redirects or streaming);
//  - a handler may return null: the request then never settles, except by
//    the element's AbortController (cancel, timeout, disconnect), which the
//    mock honours like fetch() does (rejecting with an AbortError).
'use strict';

function jsonResponse(status, body, headers = {}) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return {
    status,
    headers: { get: (name) => lower[name.toLowerCase()] ?? null },
    text: async () => (body === undefined ? '' : JSON.stringify(body)),
  };
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A fetch mock (a jest.fn). `routes` maps "METHOD /path/regexp" (the path
 * after the endpoint) to a handler (request) → {status, body, headers} | null.
 * `bases` are the API base paths it answers under (default the element's
 * default endpoint, /api/v1); each recorded request has its `base`.
 * Unrouted requests answer 404.
 */
function mockApi(routes, { bases = ['/api/v1'] } = {}) {
  const requests = [];
  const table = Object.entries(routes).map(([route, handler]) => {
    const [method, pattern] = route.split(' ');
    return { method, pattern: new RegExp(`^(${bases.map(escapeRegExp).join('|')})${pattern}$`), handler };
  });
  const fetch = jest.fn((url, init = {}) => {
    const target = new URL(String(url));
    const request = {
      method: init.method ?? 'GET',
      path: target.pathname,
      base: bases.find((base) => target.pathname.startsWith(`${base}/`)) ?? null,
      url: target.href,
      headers: { ...init.headers },
      body: init.body === undefined ? undefined : JSON.parse(init.body),
      credentials: init.credentials,
      signal: init.signal,
      at: Date.now(),
    };
    requests.push(request);
    return new Promise((resolve, reject) => {
      const abort = () => reject(new DOMException('The operation was aborted.', 'AbortError'));
      if (init.signal?.aborted) {
        abort();
        return;
      }
      init.signal?.addEventListener('abort', abort, { once: true });
      const route = table.find((r) => r.method === request.method && r.pattern.test(request.path));
      const answer = route ? route.handler(request) : { status: 404, body: { error: { code: 'http.not_found', message: '' } } };
      if (answer === null) return;
      resolve(jsonResponse(answer.status, answer.body, answer.headers));
    });
  });
  return { fetch, requests, find: (method, path) => requests.filter((r) => r.method === method && r.path === `${bases[0]}${path}`) };
}

// --- canned replies ---------------------------------------------------------------------

const LOGIN_ID = 'L0gin_Id-0123456789abc';
const LOGIN_SECRET = 'S3cret-0123456789abcdefghijklmnopqrstuvwxyzA';
/** A Session object, as POST /login/{id}/complete returns it. */
const SESSION = {
  username: 'alice',
  device_kind: 'code_card',
  access: 'full',
  limits: { daily: { unlimited: false, cents: 20000000 }, five_day: { unlimited: false, cents: 60000000 } },
  restrictions: [],
};

/** A handler for POST /login: the password was right; the user has `devices`. */
const loginOk = (devices) => () => ({
  status: 200, body: { login_id: LOGIN_ID, login_secret: LOGIN_SECRET, state: 'second_factor', devices },
});
/** A handler for POST /login/{id}/challenge: a code-card challenge for indices 12 and 77. */
const cardChallenge = () => ({
  status: 200,
  body: {
    method: 'code_card', challenge_id: 'ch-1', expires_at: Math.floor(Date.now() / 1000) + 300, indices: [12, 77],
    card_serial: '0042',
  },
});

module.exports = {
  mockApi, jsonResponse, LOGIN_ID, LOGIN_SECRET, SESSION, loginOk, cardChallenge,
};
