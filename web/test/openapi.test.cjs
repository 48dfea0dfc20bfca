// docs/openapi.yaml (with the files it references) is checked by a validator
// we did not write, against the OpenAPI 3.0 schema, and against the route
// table slsd really serves (src/server/http_request.cpp): a route added to the
// server without its documentation, or a typo that turns a description into
// an unknown key, fails here.
const fs = require('node:fs');
const path = require('node:path');
const SwaggerParser = require('@apidevtools/swagger-parser');

const ROOT = path.join(__dirname, '..', '..');
const SPEC = path.join(ROOT, 'docs', 'openapi.yaml');

// {"GET", "/api/v1/accounts", false, RouteId::accounts_list} → ['GET', '/api/v1/accounts']
function serverRoutes() {
  const source = fs.readFileSync(path.join(ROOT, 'src', 'server', 'http_request.cpp'), 'utf8');
  const routes = [...source.matchAll(/\{"(GET|POST|PUT|DELETE|PATCH)", "(\/[^"]*)", (?:true|false), RouteId::/g)].map(
    (m) => [m[1], m[2]],
  );
  return routes.filter(([, p]) => p !== '/');
}

// The path a route has in the document: relative to its server URL (/api/v1
// for the API, / for the routes that override it), with each parameter as {}.
function documentedRoutes(api) {
  const out = new Set();
  const base = (api.servers && api.servers[0] && api.servers[0].url) || '';
  for (const [p, item] of Object.entries(api.paths)) {
    const prefix = item.servers && item.servers[0] ? item.servers[0].url.replace(/\/$/, '') : base;
    for (const method of ['get', 'post', 'put', 'delete', 'patch'])
      if (item[method]) out.add(`${method.toUpperCase()} ${prefix}${p.replace(/\{[^}]+\}/g, '{}')}`);
  }
  return out;
}

test('the OpenAPI document is valid OpenAPI 3.0, references included', async () => {
  const api = await SwaggerParser.validate(SPEC);
  expect(api.openapi).toMatch(/^3\.0\./);
  expect(Object.keys(api.paths).length).toBeGreaterThan(20);
});

test('every route slsd serves is documented, with its method', async () => {
  const api = await SwaggerParser.dereference(SPEC);
  const documented = documentedRoutes(api);
  const routes = serverRoutes();
  expect(routes.length).toBeGreaterThan(20);
  const missing = routes.map(([m, p]) => `${m} ${p}`).filter((r) => !documented.has(r));
  expect(missing).toEqual([]);
});

test('the validation can fail: an unquoted comma in a flow mapping adds an unknown key', async () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'openapi-'));
  try {
    for (const name of fs.readdirSync(path.dirname(SPEC)).filter((n) => /^openapi.*\.yaml$/.test(n)))
      fs.copyFileSync(path.join(path.dirname(SPEC), name), path.join(dir, name));
    const file = path.join(dir, 'openapi.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const broken = text.replace(/(attempts_left: \{ type: integer, description: )'([^']*)'/, '$1$2');
    expect(broken).not.toEqual(text);
    fs.writeFileSync(file, broken);
    await expect(SwaggerParser.validate(file)).rejects.toThrow(/additional properties/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
