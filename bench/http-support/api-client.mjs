// The HTTP side of bench/http: sets up the state the load runs need, through
// the public API of slsd (docs/openapi.yaml), and measures the memory cost of
// pending push transactions. Run by bench/http; not a test.
//
//   node api-client.mjs poll-setup    BASE USERNAME PASSWORD ACTIVATION_CODE
//       Activates the user's Mobile Key, logs in, opens a push; prints the
//       push's tx_id and the login secret its polls must send
//       (X-SLS-Login-Secret), separated by a space.
//   node api-client.mjs verify-setup  BASE USERS_FILE PASSWORD OUT_FILE
//       For each user name in USERS_FILE (one a line, each with a code card)
//       logs in and opens a code card challenge; writes
//       "LOGIN_ID CHALLENGE_ID LOGIN_SECRET" lines to OUT_FILE.
//   node api-client.mjs push-memory   BASE USERS_FILE PASSWORD COUNT PID DB
//       USERS_FILE holds "USERNAME ACTIVATION_CODE" lines. Activates every
//       Mobile Key, then opens COUNT pending pushes spread evenly over the
//       users (one login each), reading the RSS of process PID and the
//       database file sizes (DB, DB-wal, DB-shm) before and after.
//
// Every request is checked: an unexpected status ends the run with the
// server's error code, so a misconfigured run never prints numbers.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';

// Requests in flight at once during set-up: enough to keep slsd's worker
// threads busy, few enough not to queue behind one another.
const kParallel = 8;
const agent = new Agent({ keepAlive: true, maxSockets: kParallel });

function fail(message) {
  process.stderr.write(`api-client: ${message}\n`);
  process.exit(1);
}

/** One JSON request, with the login secret header when `secret` is given; resolves to {status, body}. */
function call(base, method, path, body, secret) {
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method,
        agent,
        headers: {
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
          ...(secret ? { 'X-SLS-Login-Secret': secret } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed = null;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = { raw: text };
          }
          resolve({ status: res.statusCode, body: parsed });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** A request that must answer 200; returns the body. */
async function ok(base, method, path, body, what, secret) {
  const r = await call(base, method, path, body, secret);
  if (r.status !== 200) {
    const code = r.body && r.body.error ? r.body.error.code : JSON.stringify(r.body);
    fail(`${what}: HTTP ${r.status} ${code}`);
  }
  return r.body;
}

/** The raw 32-byte public key of a generated key pair, base64url. */
function rawPublicKey(type) {
  // The JWK form of an OKP key carries exactly the raw public key in `x`.
  return generateKeyPairSync(type).publicKey.export({ format: 'jwk' }).x;
}

async function activateMobileKey(base, username, activationCode) {
  const pinHash = createHash('sha256').update('135790').digest('base64url');
  const reply = await ok(
    base,
    'POST',
    '/api/v1/mobile-key/activate',
    {
      username,
      activation_code: activationCode,
      kx_public_key: rawPublicKey('x25519'),
      sign_public_key: rawPublicKey('ed25519'),
      pin_hash: pinHash,
    },
    `activate ${username}`,
  );
  return reply.device_id;
}

async function login(base, username, password) {
  return ok(base, 'POST', '/api/v1/login', { username, password }, `login ${username}`);
}

/** Opens a challenge on the login `started` (a /login reply: its id and login secret). */
async function openChallenge(base, started, deviceId, what) {
  return ok(base, 'POST', `/api/v1/login/${started.login_id}/challenge`, { device_id: deviceId }, what,
    started.login_secret);
}

/** Runs `task(item)` over `items` with at most kParallel in flight. */
async function forEachParallel(items, task) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(kParallel, items.length) }, worker));
}

function readLines(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

async function pollSetup([base, username, password, activationCode]) {
  const deviceId = await activateMobileKey(base, username, activationCode);
  const started = await login(base, username, password);
  const push = await openChallenge(base, started, deviceId, 'open push');
  if (push.method !== 'push') fail(`expected a push, got ${push.method}`);
  // The poll needs the login secret as well (X-SLS-Login-Secret).
  process.stdout.write(`${push.tx_id} ${started.login_secret}\n`);
}

async function verifySetup([base, usersFile, password, outFile]) {
  const users = readLines(usersFile);
  const pairs = new Array(users.length);
  await forEachParallel(users, async (username, i) => {
    const started = await login(base, username, password);
    const c = await openChallenge(base, started, started.default_device_id, `challenge ${username}`);
    if (c.method !== 'code_card') fail(`expected a code card challenge, got ${c.method}`);
    pairs[i] = `${started.login_id} ${c.challenge_id} ${started.login_secret}`;
  });
  writeFileSync(outFile, pairs.join('\n') + '\n');
}

/** VmRSS of a process, in bytes. */
function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) fail(`no VmRSS for process ${pid}`);
  return Number(m[1]) * 1024;
}

/** Bytes of the database file, its WAL and its shared-memory index. */
function dbBytes(db) {
  const size = (f) => {
    try {
      return statSync(f).size;
    } catch {
      return 0; // no WAL yet
    }
  };
  const parts = { main: size(db), wal: size(`${db}-wal`), shm: size(`${db}-shm`) };
  return { ...parts, total: parts.main + parts.wal + parts.shm };
}

async function pushMemory([base, usersFile, password, countText, pidText, db]) {
  const count = Number(countText);
  const pid = Number(pidText);
  const users = readLines(usersFile).map((l) => {
    const [username, code] = l.split(/\s+/);
    return { username, code };
  });
  await forEachParallel(users, async (u) => {
    u.deviceId = await activateMobileKey(base, u.username, u.code);
  });
  // One login round before the baseline: every worker thread, SQLite's
  // statement and page caches and the allocator have then served this path.
  await forEachParallel(users, async (u) => {
    await login(base, u.username, password);
  });
  const rssBefore = rssBytes(pid);
  const dbBefore = dbBytes(db);
  const t0 = Date.now();

  const jobs = Array.from({ length: count }, (_, i) => users[i % users.length]);
  let opened = 0;
  await forEachParallel(jobs, async (u) => {
    const started = await login(base, u.username, password);
    const push = await openChallenge(base, started, u.deviceId, `push for ${u.username}`);
    if (push.method !== 'push') fail(`expected a push, got ${push.method}`);
    opened += 1;
  });
  const seconds = (Date.now() - t0) / 1000;
  const rssAfter = rssBytes(pid);
  const dbAfter = dbBytes(db);
  const lines = [
    `pending_pushes ${opened}`,
    `seconds_to_open ${seconds.toFixed(1)}`,
    `slsd_rss_before_bytes ${rssBefore}`,
    `slsd_rss_after_bytes ${rssAfter}`,
    `db_file_bytes_before ${dbBefore.main} wal ${dbBefore.wal} shm ${dbBefore.shm}`,
    `db_file_bytes_after ${dbAfter.main} wal ${dbAfter.wal} shm ${dbAfter.shm}`,
    `rss_bytes_per_pending_push ${((rssAfter - rssBefore) / opened).toFixed(1)}`,
    `db_bytes_per_pending_push ${((dbAfter.total - dbBefore.total) / opened).toFixed(1)}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

const commands = { 'poll-setup': pollSetup, 'verify-setup': verifySetup, 'push-memory': pushMemory };
const [command, ...args] = process.argv.slice(2);
if (!commands[command]) fail(`unknown command ${command ?? '(none)'}; see the head of this file`);
try {
  await commands[command](args);
} catch (e) {
  fail(e && e.message ? e.message : String(e));
} finally {
  agent.destroy();
}
