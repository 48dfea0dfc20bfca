// The HTTP side of bench/http: sets up the state the load runs need, through
// the public API of slsd (docs/openapi.yaml), measures the memory cost of
// pending push transactions and of held long polls, and times requests
// beside held and slow connections. Run by bench/http; not a test.
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
//   node api-client.mjs waiters       BASE USERS_FILE PASSWORD COUNT PID WAIT PER_ADDRESS
//       Activates the Mobile Keys of USERS_FILE (as above), opens COUNT + 1
//       pending pushes, times plain polls of the extra one and
//       GET /server-key, then holds COUNT long polls (?wait=WAIT), one per
//       push, each on its own connection, PER_ADDRESS per loopback address
//       (127.1.x.y); counts the held ones, reads the RSS of process PID,
//       times the same requests again, cancels 20 held pushes timing their
//       answers, and closes everything.
//   node api-client.mjs slow-clients  BASE TX_ID LOGIN_SECRET COUNT SECONDS BASELINE_SECONDS
//       Times a normal client polling the push TX_ID alone for
//       BASELINE_SECONDS, then for SECONDS while COUNT clients, each from
//       its own loopback address (127.3.x.y), trickle a request head one
//       byte a second and reconnect whenever they are closed.
//
// Every request is checked: an unexpected status ends the run with the
// server's error code, so a misconfigured run never prints numbers.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createConnection } from 'node:net';

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

/** USERS_FILE lines "USERNAME ACTIVATION_CODE" as {username, code}. */
function readMobileKeyUsers(usersFile) {
  return readLines(usersFile).map((l) => {
    const [username, code] = l.split(/\s+/);
    return { username, code };
  });
}

/**
 * Opens `count` pending pushes spread evenly over `users` (each with its
 * activated `deviceId`), one login each; resolves to their {txId, secret}.
 */
async function openPushes(base, users, password, count) {
  const jobs = Array.from({ length: count }, (_, i) => users[i % users.length]);
  const pushes = new Array(count);
  await forEachParallel(jobs, async (u, i) => {
    const started = await login(base, u.username, password);
    const push = await openChallenge(base, started, u.deviceId, `push for ${u.username}`);
    if (push.method !== 'push') fail(`expected a push, got ${push.method}`);
    pushes[i] = { txId: push.tx_id, secret: started.login_secret };
  });
  return pushes;
}

async function pushMemory([base, usersFile, password, countText, pidText, db]) {
  const count = Number(countText);
  const pid = Number(pidText);
  const users = readMobileKeyUsers(usersFile);
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

  const opened = (await openPushes(base, users, password, count)).length;
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

// --- connections held open: long polls and slow clients ---------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The p-th percentile (0..100) of `values` by nearest rank, in ms with 2 decimals. */
function percentile(values, p) {
  if (values.length === 0) return 'nan';
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1].toFixed(2);
}

/**
 * A loopback address of its own for client `i` of a group: 127.G.X.Y with
 * X and Y in 1..254 (Linux answers every 127/8 address on lo).
 */
function loopbackAddress(group, i) {
  return `127.${group}.${1 + Math.floor(i / 254)}.${1 + (i % 254)}`;
}

/**
 * One GET, timed from the call to the end of the body; resolves to
 * {status, ms, body} or {error, ms}. `agent: false` with `Connection: close`
 * opens a connection of its own.
 */
function timedGet(base, path, { agent, secret, fresh = false }) {
  const url = new URL(path, base);
  const t0 = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
  return new Promise((resolve) => {
    const req = httpRequest(
      url,
      {
        method: 'GET',
        agent: fresh ? false : agent,
        headers: { ...(secret ? { 'X-SLS-Login-Secret': secret } : {}), ...(fresh ? { Connection: 'close' } : {}) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, ms: ms(), body: Buffer.concat(chunks).toString() }));
        res.on('error', (e) => resolve({ error: e.code || e.message, ms: ms() }));
      },
    );
    req.on('error', (e) => resolve({ error: e.code || e.message, ms: ms() }));
    req.end();
  });
}

/**
 * Sequential requests on one kept-alive connection of its own: `polls`
 * plain status polls of `push`, then `keys` GET /api/v1/server-key (no
 * database, the cheapest API route). Latencies of 200s only; the rest counted.
 */
async function timeOtherRequests(base, push, polls, keys) {
  const own = new Agent({ keepAlive: true, maxSockets: 1 });
  const poll = [];
  const key = [];
  let failed = 0;
  for (let i = 0; i < polls + keys; i++) {
    const isPoll = i < polls;
    const r = await timedGet(base, isPoll ? `/api/v1/push/${push.txId}` : '/api/v1/server-key', {
      agent: own,
      secret: isPoll ? push.secret : undefined,
    });
    if (r.status === 200) (isPoll ? poll : key).push(r.ms);
    else failed += 1;
  }
  own.destroy();
  return { poll, key, failed };
}

/**
 * Holds `count` long polls, each on its own connection, `perAddress` per
 * loopback address (127.1.x.y); resolves once every request is written.
 */
async function openWaiters(base, pushes, wait, perAddress) {
  const { hostname, port } = new URL(base);
  const waiters = pushes.map((p, i) => ({
    push: p,
    localAddress: loopbackAddress(1, Math.floor(i / perAddress)),
    socket: null,
    answer: '',
    answeredAt: 0n,
    closed: false,
    error: null,
  }));
  const connectOne = (w) =>
    new Promise((resolve) => {
      const socket = createConnection({ host: hostname, port: Number(port), localAddress: w.localAddress });
      w.socket = socket;
      socket.setNoDelay(true);
      socket.on('connect', () => {
        socket.write(
          `GET /api/v1/push/${w.push.txId}?wait=${wait} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
            `X-SLS-Login-Secret: ${w.push.secret}\r\n\r\n`,
          () => resolve(),
        );
      });
      socket.on('data', (d) => {
        if (w.answer === '') w.answeredAt = process.hrtime.bigint();
        w.answer += d.toString();
      });
      socket.on('error', (e) => {
        w.error = e.code || e.message;
        resolve();
      });
      socket.on('close', () => {
        w.closed = true;
        resolve();
      });
    });
  // A few hundred connects in flight at a time: the listen backlog and the
  // client's own event loop stay comfortable.
  let next = 0;
  const lane = async () => {
    while (next < waiters.length) await connectOne(waiters[next++]);
  };
  await Promise.all(Array.from({ length: 256 }, lane));
  return waiters;
}

function countWaiters(waiters) {
  const c = { held: 0, answered: 0, failed: 0 };
  for (const w of waiters) {
    if (w.answer !== '') c.answered += 1;
    else if (w.closed || w.error) c.failed += 1;
    else c.held += 1;
  }
  return c;
}

async function waitersCommand([base, usersFile, password, countText, pidText, waitText, perAddressText]) {
  const count = Number(countText);
  const pid = Number(pidText);
  const wait = Number(waitText);
  const perAddress = Number(perAddressText);
  const users = readMobileKeyUsers(usersFile);
  await forEachParallel(users, async (u) => {
    u.deviceId = await activateMobileKey(base, u.username, u.code);
  });
  let t0 = Date.now();
  // One push more than the waiters: the one the timed polls read.
  const pushes = await openPushes(base, users, password, count + 1);
  const other = pushes.pop();
  process.stderr.write(`http: ${count + 1} pending pushes opened in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  agent.destroy(); // the set-up's connections, idle from now on

  const polls = 500;
  const keys = 300;
  const baseline = await timeOtherRequests(base, other, polls, keys);
  await sleep(500);
  const rssBefore = rssBytes(pid);

  t0 = Date.now();
  const waiters = await openWaiters(base, pushes, wait, perAddress);
  const secondsToOpen = (Date.now() - t0) / 1000;
  // Every request is written; give slsd time to run each status once and
  // park it (or answer it, over a cap).
  await sleep(3000);
  const settled = countWaiters(waiters);
  const rssHeld = rssBytes(pid);
  // What the early answers were (a cap, an error): status and error code.
  const early = new Map();
  for (const w of waiters) {
    if (w.answer === '') continue;
    const status = w.answer.slice(9, 12);
    const code = /"code":"([^"]+)"/.exec(w.answer);
    const key = code ? `${status} ${code[1]}` : status;
    early.set(key, (early.get(key) || 0) + 1);
  }
  const earlyText = [...early].map(([k, n]) => `${n} x ${k}`).join(', ');
  process.stderr.write(
    `http: ${count} long polls sent in ${secondsToOpen.toFixed(1)} s: ${settled.held} held, ` +
      `${settled.answered} answered at once${earlyText ? ` (${earlyText})` : ''}, ${settled.failed} failed\n`,
  );

  const loaded = await timeOtherRequests(base, other, polls, keys);
  const after = countWaiters(waiters);
  const rssHeldAfter = rssBytes(pid);

  // Cancelling a held push answers its waiter at once (the wake-up path):
  // 20 of them, one after the other, timed from the DELETE to the held
  // request's first byte.
  const wakes = [];
  let wokenWrong = 0;
  for (const target of waiters.filter((w) => w.answer === '' && !w.closed && !w.error).slice(0, 20)) {
    const tCancel = process.hrtime.bigint();
    const r = await call(base, 'DELETE', `/api/v1/push/${target.push.txId}`, undefined, target.push.secret);
    if (r.status !== 200) fail(`cancel a held push: HTTP ${r.status}`);
    for (let i = 0; i < 500 && target.answer === ''; i++) await sleep(2);
    if (target.answer !== '' && /"status":"cancelled"/.test(target.answer))
      wakes.push(Number(target.answeredAt - tCancel) / 1e6);
    else wokenWrong += 1;
  }

  for (const w of waiters) w.socket.destroy();
  await sleep(1500);
  const rssClosed = rssBytes(pid);
  const lines = [
    `waiting_requests ${count}`,
    `waiting_requests_held ${settled.held}`,
    `waiting_requests_answered_early ${settled.answered}`,
    `waiting_requests_failed ${settled.failed}`,
    `waiting_requests_still_held_after_timing ${after.held}`,
    `waiting_seconds_to_open ${secondsToOpen.toFixed(1)}`,
    `waiting_cancel_to_answer_ms_p50 ${percentile(wakes, 50)}`,
    `waiting_cancel_to_answer_ms_max ${percentile(wakes, 100)}`,
    `waiting_cancel_not_answered ${wokenWrong}`,
    `waiting_baseline_poll_latency_ms_p50 ${percentile(baseline.poll, 50)}`,
    `waiting_baseline_poll_latency_ms_p99 ${percentile(baseline.poll, 99)}`,
    `waiting_baseline_server_key_latency_ms_p50 ${percentile(baseline.key, 50)}`,
    `waiting_baseline_server_key_latency_ms_p99 ${percentile(baseline.key, 99)}`,
    `waiting_poll_latency_ms_p50 ${percentile(loaded.poll, 50)}`,
    `waiting_poll_latency_ms_p99 ${percentile(loaded.poll, 99)}`,
    `waiting_server_key_latency_ms_p50 ${percentile(loaded.key, 50)}`,
    `waiting_server_key_latency_ms_p99 ${percentile(loaded.key, 99)}`,
    `waiting_other_requests_failed ${baseline.failed + loaded.failed}`,
    `slsd_rss_before_waiters_bytes ${rssBefore}`,
    `slsd_rss_waiting_bytes ${rssHeld} (${rssHeldAfter} after the timed requests)`,
    `slsd_rss_after_close_bytes ${rssClosed}`,
    `rss_bytes_per_waiting_request ${settled.held > 0 ? ((rssHeld - rssBefore) / settled.held).toFixed(0) : 'nan'}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/**
 * Clients that connect from addresses of their own (127.3.x.y), send a
 * request line and then one header byte a second, never ending the head.
 * Each one the server closes connects again at once.
 */
function startSlowClients(base, count) {
  const { hostname, port } = new URL(base);
  const stats = { open: 0, connects: 0, closedByServer: 0, refused: 0, errors: 0, running: true };
  const sockets = new Set();
  const start = (i) => {
    if (!stats.running) return;
    const socket = createConnection({ host: hostname, port: Number(port), localAddress: loopbackAddress(3, i) });
    sockets.add(socket);
    let timer = null;
    let connected = false;
    let answer = '';
    socket.on('connect', () => {
      connected = true;
      stats.open += 1;
      stats.connects += 1;
      socket.write(`GET /api/v1/server-key HTTP/1.1\r\nHost: ${hostname}:${port}\r\nX-Slow: `);
      timer = setInterval(() => socket.write('a'), 1000);
    });
    socket.on('data', (d) => {
      answer += d.toString();
    });
    socket.on('error', () => {
      if (stats.running) stats.errors += 1;
    });
    socket.on('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
      if (connected) stats.open -= 1;
      if (!stats.running) return;
      if (answer.startsWith('HTTP/1.1 503')) stats.refused += 1;
      else if (connected) stats.closedByServer += 1;
      setTimeout(() => start(i), answer.startsWith('HTTP/1.1 503') ? 100 : 0);
    });
  };
  // Spread over the first second, so that their deadlines are spread too.
  for (let i = 0; i < count; i++) setTimeout(() => start(i), Math.floor((i * 1000) / count));
  return {
    stats,
    stop() {
      stats.running = false;
      for (const s of sockets) s.destroy();
    },
  };
}

/**
 * The normal client, from 127.0.0.1, for `seconds`: sequential status polls
 * of its push, three on its kept-alive connection, then one on a new
 * connection (what a connection cap would refuse), and so on.
 */
async function normalClient(base, push, seconds) {
  const own = new Agent({ keepAlive: true, maxSockets: 1 });
  const all = [];
  const fresh = [];
  let refused = 0;
  const why = { status503: 0, otherStatus: 0, error: 0, onNewConnection: 0 };
  let requests = 0;
  const end = Date.now() + seconds * 1000;
  for (let i = 0; Date.now() < end; i++) {
    const isFresh = i % 4 === 3;
    const r = await timedGet(base, `/api/v1/push/${push.txId}`, { agent: own, secret: push.secret, fresh: isFresh });
    requests += 1;
    if (r.status === 200) {
      all.push(r.ms);
      if (isFresh) fresh.push(r.ms);
    } else {
      refused += 1;
      if (r.status === 503) why.status503 += 1;
      else if (r.status) why.otherStatus += 1;
      else why.error += 1;
      if (isFresh) why.onNewConnection += 1;
    }
  }
  own.destroy();
  return { all, fresh, refused, why, requests };
}

async function slowClientsCommand([base, txId, secret, countText, secondsText, baselineText]) {
  const count = Number(countText);
  const seconds = Number(secondsText);
  const push = { txId, secret };
  const baseline = await normalClient(base, push, Number(baselineText));

  const slow = startSlowClients(base, count);
  for (let i = 0; i < 50 && slow.stats.open < count; i++) await sleep(100);
  await sleep(2000);
  process.stderr.write(`http: ${slow.stats.open} slow clients connected; timing the normal client\n`);
  let openMin = Infinity;
  let openSum = 0;
  let openSamples = 0;
  const sampler = setInterval(() => {
    openMin = Math.min(openMin, slow.stats.open);
    openSum += slow.stats.open;
    openSamples += 1;
  }, 100);
  const before = { ...slow.stats };
  const loaded = await normalClient(base, push, seconds);
  clearInterval(sampler);
  const during = slow.stats;
  slow.stop();

  const lines = [
    `slow_clients ${count}`,
    `slow_clients_open_min ${openMin === Infinity ? 0 : openMin}`,
    `slow_clients_open_mean ${openSamples ? (openSum / openSamples).toFixed(0) : 0}`,
    `slow_clients_closed_by_server ${during.closedByServer - before.closedByServer}`,
    `slow_clients_own_refused ${during.refused - before.refused}`,
    `slow_clients_baseline_requests ${baseline.requests}`,
    `slow_clients_baseline_refused ${baseline.refused}`,
    `slow_clients_baseline_latency_ms_p50 ${percentile(baseline.all, 50)}`,
    `slow_clients_baseline_latency_ms_p99 ${percentile(baseline.all, 99)}`,
    `slow_clients_baseline_new_connection_latency_ms_p50 ${percentile(baseline.fresh, 50)}`,
    `slow_clients_baseline_new_connection_latency_ms_p99 ${percentile(baseline.fresh, 99)}`,
    `slow_clients_normal_requests ${loaded.requests}`,
    `slow_clients_new_connection_latency_ms_p50 ${percentile(loaded.fresh, 50)}`,
    `slow_clients_new_connection_latency_ms_p99 ${percentile(loaded.fresh, 99)}`,
    `slow_clients_refused ${loaded.refused} (503: ${loaded.why.status503}, other status: ${loaded.why.otherStatus}, ` +
      `no answer: ${loaded.why.error}; ${loaded.why.onNewConnection} of them on a new connection)`,
    `slow_clients_normal_latency_ms_p50 ${percentile(loaded.all, 50)}`,
    `slow_clients_normal_latency_ms_p99 ${percentile(loaded.all, 99)}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

const commands = {
  'poll-setup': pollSetup,
  'verify-setup': verifySetup,
  'push-memory': pushMemory,
  waiters: waitersCommand,
  'slow-clients': slowClientsCommand,
};
const [command, ...args] = process.argv.slice(2);
if (!commands[command]) fail(`unknown command ${command ?? '(none)'}; see the head of this file`);
try {
  await commands[command](args);
} catch (e) {
  fail(e && e.message ? e.message : String(e));
} finally {
  agent.destroy();
}
