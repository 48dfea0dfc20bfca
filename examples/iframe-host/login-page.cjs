// Deployment step of the iframe example, on the login server's side: writes
// login.html with the host page's origin as parent-origin and the host's
// audience, both checked first. Run it when deploying (never per request):
//   node examples/iframe-host/login-page.cjs --parent-origin https://broker.example \
//     --audience https://broker.example --out /srv/sls/iframe-host/
// and start slsd with --frame-ancestors https://broker.example.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** An origin as the browser writes it (https, or http on loopback), else an Error. */
function checkOrigin(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`not an origin: ${text}`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.origin !== text || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    throw new Error(`not an origin (scheme://host[:port], https unless loopback): ${text}`);
  }
  return text;
}

/** The page's text for a host origin and audience. */
function loginPage({ parentOrigin, audience }) {
  const template = fs.readFileSync(path.join(__dirname, 'login.html'), 'utf8');
  if (!/^[\x21-\x7e]{1,200}$/.test(audience) || /["<>&']/.test(audience)) throw new Error(`bad audience: ${audience}`);
  return template
    .replace('parent-origin="PARENT_ORIGIN"', `parent-origin="${checkOrigin(parentOrigin)}"`)
    .replace('audience="AUDIENCE"', `audience="${audience}"`);
}

/** Writes login.html and login.mjs into `dir`. */
function writeLoginPage(dir, options) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'login.html'), loginPage(options));
  fs.copyFileSync(path.join(__dirname, 'login.mjs'), path.join(dir, 'login.mjs'));
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const option = (name) => {
    const i = args.indexOf(`--${name}`);
    if (i < 0 || i + 1 >= args.length) throw new Error(`--${name} is required`);
    return args[i + 1];
  };
  writeLoginPage(option('out'), { parentOrigin: option('parent-origin'), audience: option('audience') });
}

module.exports = { loginPage, writeLoginPage, checkOrigin };
