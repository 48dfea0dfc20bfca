// Starts the real reference server for the browser suites: `slsd` on
// 127.0.0.1 with an ephemeral port, a temporary database seeded by
// `slsctl demo-seed`, and the web/ folder as its static root, exactly as
// scripts/demo runs it (only cheaper password hashing, so tests stay fast).
//
// With SLS_TEST_CLUSTER set, the same suites run against several nodes
// behind nginx (round robin, scripts/nginx-nodes), as `scripts/demo
// --postgres` runs them; `url` and `origin` are then nginx's:
//   SLS_TEST_CLUSTER=postgres  SLS_TEST_NODES (default 2) nodes on a fresh
//                              database of the PostgreSQL server at
//                              SLS_TEST_POSTGRES (a URL; the Jest global
//                              setup starts a throwaway one when unset),
//                              sharing explicit key files;
//   SLS_TEST_CLUSTER=sqlite    the nodes on one SQLite file (how far one
//                              file carries several processes).
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const readline = require('node:readline');
const { spawn, spawnSync, execFile } = require('node:child_process');
const { repoRoot } = require('./core.cjs');

/** Argon2id at its cheapest for tests (slsd and slsctl must agree, or every login re-hashes). */
const CHEAP_ARGON2 = ['--argon2-ops', '1', '--argon2-mem-mib', '8'];

/**
 * The folder holding slsd and slsctl: $SLS_SERVER_BIN_DIR, else the newest
 * of the native-release and native preset builds.
 */
function serverBinDir() {
  if (process.env.SLS_SERVER_BIN_DIR) return path.resolve(process.env.SLS_SERVER_BIN_DIR);
  const candidates = ['native-release', 'native']
    .map((preset) => path.join(repoRoot, 'build', preset, 'src', 'server'))
    .filter((dir) => fs.existsSync(path.join(dir, 'slsd')) && fs.existsSync(path.join(dir, 'slsctl')));
  if (candidates.length === 0) {
    throw new Error('slsd is not built: cmake --preset native && cmake --build --preset native --target slsd slsctl');
  }
  const age = (dir) => fs.statSync(path.join(dir, 'slsd')).mtimeMs;
  return candidates.sort((a, b) => age(b) - age(a))[0];
}

/** Runs slsctl against a database; resolves with its standard output. */
function runSlsctl(binDir, db, args, input) {
  return new Promise((resolve, reject) => {
    const child = execFile(path.join(binDir, 'slsctl'), ['--db', db, ...CHEAP_ARGON2, ...args],
      { encoding: 'utf8', timeout: 30000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`slsctl ${args.join(' ')}: ${stderr || error.message}`));
        else resolve(stdout);
      });
    if (input !== undefined) child.stdin.end(input);
  });
}

/** The set-up SLS_TEST_CLUSTER asks for: null (one node, no proxy), 'sqlite' or 'postgres'. */
function clusterMode() {
  const mode = process.env.SLS_TEST_CLUSTER || '';
  if (mode === '' || mode === '0') return null;
  if (mode !== 'sqlite' && mode !== 'postgres') throw new Error(`SLS_TEST_CLUSTER is sqlite or postgres, not ${mode}`);
  return mode;
}

/** Nodes behind nginx in the several-node set-up (SLS_TEST_NODES, default 2). */
function nodeCount() {
  const n = Number(process.env.SLS_TEST_NODES || 2);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new Error('SLS_TEST_NODES is 1..16');
  return n;
}

/** Runs psql with one statement against a PostgreSQL URL. */
function psql(url, sql) {
  return new Promise((resolve, reject) => {
    execFile('psql', ['-q', '-X', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], { encoding: 'utf8', timeout: 30000 },
      (error, stdout, stderr) => { if (error) reject(new Error(`psql ${sql}: ${stderr || error.message}`)); else resolve(stdout); });
  });
}

/** A URL naming database `name` on the server of `url`. */
function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A TCP port of 127.0.0.1 that was free a moment ago (nginx cannot report the port it picked). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Spawns one slsd; resolves with {child, url, stderr()} once it listens. */
async function spawnNode(binDir, nodeArgs) {
  const child = spawn(path.join(binDir, 'slsd'), nodeArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const url = await new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`slsd exited with ${code}: ${stderr}`));
    child.once('exit', onExit);
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      child.off('exit', onExit);
      const match = /^slsd listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match) resolve(`${match[1]}/`);
      else {
        child.kill('SIGKILL');
        reject(new Error(`unexpected first line from slsd: ${line}`));
      }
    });
  });
  return { child, url, stderr: () => stderr };
}

/** Stops a child process with SIGTERM and waits for it. */
async function stopChild(child) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => { child.once('exit', resolve); });
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * nginx in front of `nodes` (their URLs) on a free port, its prefix in
 * `dir`; resolves with {child, origin} once it answers.
 */
async function startNginx(dir, port, nodes) {
  const prefix = path.join(dir, 'nginx');
  const hosts = nodes.map((u) => new URL(u).host);
  const child = spawn(path.join(repoRoot, 'scripts', 'nginx-nodes'), [prefix, String(port), ...hosts],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    if (child.exitCode !== null) break;
    try {
      const reply = await fetch(`${origin}/api/v1/server-key`);
      await reply.arrayBuffer();
      if (reply.status < 500) return { child, origin };
    } catch { /* not listening yet */ }
    await new Promise((resolve) => { setTimeout(resolve, 50); });
  }
  await stopChild(child);
  let log = '';
  try { log = fs.readFileSync(path.join(prefix, 'error.log'), 'utf8'); } catch { /* none */ }
  throw new Error(`nginx did not start on port ${port}: ${stderr}${log}`);
}

/** Whether this slsd has --trusted-proxy (the nodes then believe nginx's X-Forwarded-For), asked once. */
let trustedProxyFlag;
function hasTrustedProxyFlag(binDir) {
  if (trustedProxyFlag === undefined) {
    const help = spawnSync(path.join(binDir, 'slsd'), ['--help'], { encoding: 'utf8' });
    trustedProxyFlag = `${help.stdout}${help.stderr}`.includes('--trusted-proxy');
  }
  return trustedProxyFlag;
}

/**
 * Starts slsd. `args` are extra flags (e.g. ['--push-ttl', '10']).
 * Resolves with {url (ending in "/"), origin, users (demo-seed JSON by
 * user name), slsctl(args, input) → stdout, stderr(), stop(), nodes (the
 * nodes' own URLs: one, or several behind nginx)}.
 */
async function startSlsd({ args = [] } = {}) {
  const binDir = serverBinDir();
  const mode = clusterMode();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sls-slsd-test-'));
  let db = path.join(dir, 'slsd.sqlite');
  let database = null;
  // Several nodes share explicit key files (a PostgreSQL store requires
  // them); a test that names its own file keeps it, and slsctl is given it.
  const keyArgs = [];
  const slsctlKeyArgs = [];
  const usersFile = path.join(dir, 'demo-users.json');
  const nodeArgs = (extra) => [
    '--db', db, '--port', '0', '--demo', '--static', path.join(repoRoot, 'web'), '--demo-users', usersFile,
    '--quiet', ...CHEAP_ARGON2, ...keyArgs, ...extra, ...args,
  ];
  if (mode !== null) {
    const keys = { '--master-key': 'master-key', '--sign-key': 'sign-key', '--assertion-keys': 'assertion-keys' };
    for (const [flag, file] of Object.entries(keys)) {
      const own = args.indexOf(flag);
      if (own < 0) keyArgs.push(flag, path.join(dir, file));
      slsctlKeyArgs.push(flag, own < 0 ? path.join(dir, file) : args[own + 1]);
    }
  }
  const nodes = [];
  let nginx = null;
  let url;
  let users;
  async function stop() {
    if (nginx) await stopChild(nginx.child);
    await Promise.all(nodes.map((n) => stopChild(n.child)));
    if (database !== null) {
      await psql(withDatabase(process.env.SLS_TEST_POSTGRES, 'postgres'), `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const slsctl = (slsctlArgs, input) => runSlsctl(binDir, db, [...slsctlKeyArgs, ...slsctlArgs], input);
  try {
    if (mode === 'postgres') {
      const server = process.env.SLS_TEST_POSTGRES;
      if (!server) throw new Error('SLS_TEST_CLUSTER=postgres needs SLS_TEST_POSTGRES (the Jest global setup sets it)');
      const name = `sls_web_${process.pid}_${path.basename(dir).replace(/[^A-Za-z0-9]/g, '').toLowerCase()}`;
      await psql(withDatabase(server, 'postgres'), `CREATE DATABASE ${name}`);
      database = name;
      db = withDatabase(server, database);
    }
    const seed = await slsctl(['demo-seed']);
    fs.writeFileSync(usersFile, seed);
    users = Object.fromEntries(JSON.parse(seed).users.map((u) => [u.username, u]));
    if (mode === null) {
      nodes.push(await spawnNode(binDir, nodeArgs([])));
      url = nodes[0].url;
    } else {
      // The nodes sign nginx's origin into QR codes, so its port comes first.
      const port = await freePort();
      const origin = `http://127.0.0.1:${port}`;
      const count = nodeCount();
      const proxy = hasTrustedProxyFlag(binDir) ? ['--trusted-proxy', '127.0.0.1/32'] : [];
      for (let i = 0; i < count; i += 1) nodes.push(await spawnNode(binDir, nodeArgs(['--origin', origin, ...proxy])));
      nginx = await startNginx(dir, port, nodes.map((n) => n.url));
      url = `${origin}/`;
    }
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }

  return {
    url,
    origin: url.replace(/\/$/, ''),
    users,
    nodes: nodes.map((n) => n.url),
    slsctl,
    stderr: () => nodes.map((n) => n.stderr()).join(''),
    stop,
  };
}

module.exports = { startSlsd, serverBinDir, clusterMode };
