// Starts the real reference server for the browser suites: `slsd` on
// 127.0.0.1 with an ephemeral port, a temporary database seeded by
// `slsctl demo-seed`, and the web/ folder as its static root, exactly as
// scripts/demo runs it (only cheaper password hashing, so tests stay fast).
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { spawn, execFile } = require('node:child_process');
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

/**
 * Starts slsd. `args` are extra flags (e.g. ['--push-ttl', '10']).
 * Resolves with {url (ending in "/"), origin, users (demo-seed JSON by
 * user name), slsctl(args, input) → stdout, stop()}.
 */
async function startSlsd({ args = [] } = {}) {
  const binDir = serverBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sls-slsd-test-'));
  const db = path.join(dir, 'slsd.sqlite');
  const seed = await runSlsctl(binDir, db, ['demo-seed']);
  const usersFile = path.join(dir, 'demo-users.json');
  fs.writeFileSync(usersFile, seed);
  const users = Object.fromEntries(JSON.parse(seed).users.map((u) => [u.username, u]));

  const child = spawn(path.join(binDir, 'slsd'), [
    '--db', db, '--port', '0', '--demo', '--static', path.join(repoRoot, 'web'), '--demo-users', usersFile,
    '--quiet', ...CHEAP_ARGON2, ...args,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const url = await new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`slsd exited with ${code}: ${stderr}`));
    child.once('exit', onExit);
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      child.off('exit', onExit);
      const match = /^slsd listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match) resolve(`${match[1]}/`);
      else reject(new Error(`unexpected first line from slsd: ${line}`));
    });
  });

  async function stop() {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => { child.once('exit', resolve); });
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }

  return {
    url,
    origin: url.replace(/\/$/, ''),
    users,
    slsctl: (slsctlArgs, input) => runSlsctl(binDir, db, slsctlArgs, input),
    stderr: () => stderr,
    stop,
  };
}

module.exports = { startSlsd, serverBinDir };
