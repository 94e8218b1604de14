/**
 * A flash sale (12.12, Harbolnas, Ramadan): N customers arrive evenly within a window; each, as a real widget does,
 * gets a checkout session minted by the shop's backend (merchant key), loads the methods with it (Bayar-Session
 * header), creates a payment (Idempotency-Key; an e-wallet through the Doku emulator) and holds the payment's live
 * status stream (?client_secret=, as EventSource must). Once every customer holds a stream, the payments are paid
 * by signed Doku notifications sent in a burst at a fixed rate. Measured: errors (any answer that is not the
 * expected one, any stream that never says "paid"), p99 of every call, notification → the customer's stream event
 * (p50/p99), each instance's peak memory (VmHWM), and, read back from the ledger itself, every acknowledged payment
 * paid exactly once. Run on SQLite with one instance and on PostgreSQL with two behind a round-robin "balancer"
 * (customers and notifications alternate between instances, so a notification often reaches the instance that
 * does not hold the stream: LISTEN/NOTIFY carries it).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { sandboxConfig } from '../../server/config.js';
import { providerReference } from '../../server/domain/payment-service.js';
import { PostgresStore } from '../../server/store/postgres.js';
import { spawnServer, type ChildServer, type CpuPlan } from './children.js';
import { dokuPaidNote } from './doku.js';
import { benchPostgres } from './pg-server.js';
import { createLedger } from './seed.js';
import { median, percentile, sleep, within } from './stats.js';

export interface CallStats {
  n: number;
  errors: number;
  p50: number;
  p99: number;
}

export interface FlashRun {
  label: string;
  instances: number;
  customers: number;
  /** Seconds from the first customer's arrival to the last one holding a stream. */
  arrivalSeconds: number;
  /** Notifications per second asked, and achieved. */
  burstRate: number;
  burstAchieved: number;
  calls: Record<'session' | 'methods' | 'create' | 'stream' | 'webhook', CallStats>;
  /** Notification sent → the customer's stream holds "paid". */
  notifyToEvent: { p50: number; p99: number; max: number; received: number };
  errors: number;
  errorSamples: string[];
  /** Requests sent again on a fresh connection after a reused keep-alive one was reset before any answer (see `call`). */
  retried: Retries;
  /** Notifications sent to an instance that does not hold the customer's stream (LISTEN/NOTIFY carries those). */
  crossInstance: number;
  /** Longest stall of this process's event loop during the sale (its clock measures every latency), ms. */
  loopStallMax: number;
  /** On this machine during the sale: handshakes dropped by a full accept queue, SYN-cookie handshakes failed. */
  listen: { overflows: number; cookiesFailed: number };
  /** Peak resident memory of each instance (VmHWM), bytes. */
  peakRss: number[];
  ledger: { acknowledged: number; payments: number; paidOnce: number; paidTwice: number; notPaid: number; why?: string };
}

export interface FlashResult {
  customers: number;
  windowSeconds: number;
  burstRate: number;
  runs: FlashRun[];
  skipped: string | null;
  checks: string[];
  problems: string[];
}

const MERCHANT_KEY = sandboxConfig().merchantKey;
const AMOUNT = 150_000;
const PAID = Buffer.from('"status":"paid"');
const PENDING = Buffer.from('"status":"pending"');

interface Customer {
  i: number;
  server: string;
  paymentId?: string;
  secret?: string;
  socket?: Socket;
  opened?: number;
  paidAt?: number;
  notifiedAt?: number;
  /** Its notification went to an instance that does not hold its stream. */
  crossInstance?: boolean;
}

/** Requests retried on a reused keep-alive connection the server had closed: see `call`. */
export interface Retries {
  n: number;
  samples: string[];
}

/** When each keep-alive socket last finished a response, to tell how long it sat idle before reuse. */
const freedAt = new WeakMap<Socket, number>();

/**
 * One HTTP call with a keep-alive agent per instance; resolves to status, body and ms. Like a browser (and as
 * Node's http docs advise), a request sent on a reused keep-alive connection that the server reset before any
 * byte of an answer is sent once more on a fresh connection: the server closed that idle connection as the
 * request crossed it, so it never read the request. Every such retry is counted and reported, never hidden.
 */
function call(agent: Agent, url: string, method: string, headers: Record<string, string>, body: string | undefined, retries: Retries): Promise<{ status: number; body: string; ms: number }> {
  const t0 = performance.now();
  const attempt = (fresh: boolean): Promise<{ status: number; body: string; ms: number }> =>
    new Promise((resolve, reject) => {
      const h = body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
      // A retry takes a connection of its own (createConnection), not another pooled one that may be as old.
      const req = httpRequest(url, { method, agent: fresh ? false : agent, headers: h }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (sock) freedAt.set(sock, performance.now());
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 });
        });
        res.on('error', reject);
      });
      let idle = NaN;
      let sock: Socket | undefined;
      req.on('socket', (s) => {
        sock = s;
        idle = performance.now() - (freedAt.get(s) ?? NaN);
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        const path = new URL(url).pathname;
        if (!fresh && req.reusedSocket && err.code === 'ECONNRESET') {
          retries.n++;
          if (retries.samples.length < 5) retries.samples.push(`${method} ${path} on a connection idle ${idle.toFixed(0)} ms`);
          return resolve(attempt(true));
        }
        reject(new Error(`${err.message} (${method} ${path}${req.reusedSocket ? `, reused connection idle ${idle.toFixed(0)} ms` : ', new connection'})`));
      });
      req.end(body);
    });
  return attempt(false);
}

/**
 * A keep-alive agent that lets idle connections go before the server does. The companion closes an idle
 * connection after 5 s and says so (`Keep-Alive: timeout=5`); Node 20's agent keeps idle sockets forever unless it
 * has a `timeout` of its own, and only then shortens it to the server's hint less a second. Without one, a request
 * sent on a connection idle about 5 s crosses the server's close and is reset (`read ECONNRESET`).
 */
const keepAliveAgent = () => new Agent({ keepAlive: true, maxSockets: 64, timeout: 60_000 });

/**
 * The kernel's counters of connections refused by a listening socket (system-wide, so other processes count
 * too): handshakes dropped because an accept queue was full, and SYN-cookie handshakes it could not complete
 * (the client is then reset, `read ECONNRESET`, after waiting tens of seconds).
 */
function listenCounters(): { overflows: number; cookiesFailed: number } {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const [names = [], values = []] = lines.map((l) => l.trim().split(/\s+/));
    const get = (k: string) => (names.indexOf(k) > 0 ? Number(values[names.indexOf(k)]) : NaN);
    return { overflows: get('ListenOverflows'), cookiesFailed: get('SyncookiesFailed') };
  } catch {
    return { overflows: NaN, cookiesFailed: NaN };
  }
}

const stats = (ms: number[], errors: number): CallStats => ({ n: ms.length, errors, p50: median(ms), p99: percentile(ms, 99) });

function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function sale(label: string, servers: ChildServer[], o: FlashOptions, ledger: (ids: string[]) => Promise<FlashRun['ledger']>): Promise<FlashRun> {
  const agents = servers.map(keepAliveAgent);
  const listenBefore = listenCounters();
  const ms = { session: [] as number[], methods: [] as number[], create: [] as number[], stream: [] as number[], webhook: [] as number[] };
  const errs = { session: 0, methods: 0, create: 0, stream: 0, webhook: 0 };
  const samples: string[] = [];
  const retried: Retries = { n: 0, samples: [] };
  const stall = monitorEventLoopDelay({ resolution: 20 });
  stall.enable();
  const fail = (what: keyof typeof errs, msg: string) => {
    errs[what]++;
    if (samples.length < 5) samples.push(`${what}: ${msg.slice(0, 200)}`);
  };
  const customers: Customer[] = Array.from({ length: o.customers }, (_, i) => ({ i, server: servers[i % servers.length]!.url }));
  const tag = `${label.replace(/\W+/g, '')}${Date.now().toString(36)}`;
  let waitingPaid = 0;
  let allPaid: () => void = () => {};
  const paidDone = new Promise<void>((r) => (allPaid = r));

  const openStream = (c: Customer) =>
    new Promise<void>((resolve, reject) => {
      const { port } = new URL(c.server);
      const t0 = performance.now();
      const socket = (c.socket = connect({ host: '127.0.0.1', port: Number(port) }));
      socket.setNoDelay(true);
      socket.once('error', reject);
      socket.once('connect', () =>
        socket.write(`GET /api/payments/${c.paymentId}/events?client_secret=${c.secret} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`),
      );
      let head = true;
      // The end of the previous chunk, so a status split across two reads is still seen.
      let tail: Buffer = Buffer.alloc(0);
      socket.on('data', (data: Buffer) => {
        const chunk = tail.length ? Buffer.concat([tail, data]) : data;
        tail = chunk.subarray(Math.max(0, chunk.length - PENDING.length));
        if (head) {
          head = false;
          if (!data.subarray(0, 12).toString().includes(' 200')) return reject(new Error(`stream answered ${chunk.subarray(0, 40).toString()}`));
        }
        if (c.opened === undefined && chunk.includes(PENDING)) {
          c.opened = performance.now();
          ms.stream.push(c.opened - t0);
          resolve();
        }
        if (c.notifiedAt !== undefined && c.paidAt === undefined && chunk.includes(PAID)) {
          c.paidAt = performance.now();
          if (--waitingPaid === 0) allPaid();
        }
      });
    });

  const shop = async (c: Customer) => {
    const agent = agents[c.i % agents.length]!;
    // The shop's backend mints the session (merchant key); the widget then uses only the opaque token.
    const s = await call(agent, `${c.server}/api/sessions`, 'POST', { authorization: `Bearer ${MERCHANT_KEY}` }, JSON.stringify({ orderId: `${tag}-${c.i}`, amount: AMOUNT }), retried).catch((err: Error) => err);
    if (s instanceof Error) return fail('session', s.message);
    if (s.status !== 201) return fail('session', `HTTP ${s.status} ${s.body}`);
    ms.session.push(s.ms);
    const session = (JSON.parse(s.body) as { session: string }).session;
    const m = await call(agent, `${c.server}/api/methods`, 'GET', { 'bayar-session': session }, undefined, retried).catch((err: Error) => err);
    if (m instanceof Error) return fail('methods', m.message);
    if (m.status !== 200 || !m.body.includes('"ewallet:dana"')) return fail('methods', `HTTP ${m.status} ${m.body}`);
    ms.methods.push(m.ms);
    const p = await call(agent, `${c.server}/api/payments`, 'POST', { 'idempotency-key': randomUUID() }, JSON.stringify({ session, method: 'ewallet:dana' }), retried).catch((err: Error) => err);
    if (p instanceof Error) return fail('create', p.message);
    if (p.status !== 201) return fail('create', `HTTP ${p.status} ${p.body}`);
    ms.create.push(p.ms);
    const created = JSON.parse(p.body) as { payment: { id: string; amount: number; provider: string }; clientSecret: string };
    if (created.payment.amount !== AMOUNT || created.payment.provider !== 'doku' || !created.clientSecret) return fail('create', `unexpected answer ${p.body}`);
    c.paymentId = created.payment.id;
    c.secret = created.clientSecret;
    await openStream(c).catch((err: Error) => fail('stream', err.message));
  };

  const start = performance.now();
  const gap = (o.windowSeconds * 1000) / o.customers;
  const running: Promise<void>[] = [];
  for (const c of customers) {
    const due = start + c.i * gap;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    running.push(shop(c));
  }
  await within(`${label}: customers`, o.windowSeconds * 1000 + 120_000, Promise.all(running));
  const arrivalSeconds = (performance.now() - start) / 1000;
  o.log(`    ${label}: ${customers.filter((c) => c.opened).length} of ${o.customers} customers hold a stream after ${arrivalSeconds.toFixed(1)} s`);

  // The burst: every customer holding a stream is paid by a signed notification, at a fixed rate. With several
  // instances, notifications go to them in turn, half of them to an instance that does not hold the customer's
  // stream (pairs alternate: same, same, other, other), so the cross-instance path is always exercised.
  const payable = customers.filter((c) => c.opened !== undefined);
  waitingPaid = payable.length;
  if (!waitingPaid) allPaid();
  // Fresh connections for the provider's burst: the customers' idle keep-alive sockets may be closing by now.
  const hooks = servers.map(keepAliveAgent);
  const burstStart = performance.now();
  const acks: Promise<void>[] = [];
  const acknowledged: string[] = [];
  let crossInstance = 0;
  for (let k = 0; k < payable.length; k++) {
    const c = payable[k]!;
    const due = burstStart + (k * 1000) / o.burstRate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const note = dokuPaidNote(providerReference(c.paymentId!, 1), AMOUNT);
    const home = c.i % servers.length;
    const cross = servers.length > 1 && (k >> 1) % 2 === 1;
    if (cross) crossInstance++;
    c.crossInstance = cross;
    const target = servers[cross ? (home + 1) % servers.length : home]!;
    c.notifiedAt = performance.now();
    acks.push(
      call(hooks[servers.indexOf(target)]!, `${target.url}/webhooks/doku`, 'POST', note.headers, note.body, retried).then(
        (r) => {
          if (r.status !== 200) return fail('webhook', `HTTP ${r.status} ${r.body}`);
          ms.webhook.push(r.ms);
          acknowledged.push(c.paymentId!);
        },
        (err: Error) => fail('webhook', err.message),
      ),
    );
  }
  await Promise.all(acks);
  const burstSeconds = (performance.now() - burstStart) / 1000;
  await within(`${label}: every stream saying "paid"`, 30_000, paidDone).catch((err: Error) => {
    const silent = payable.filter((c) => c.paidAt === undefined);
    const crossSilent = silent.filter((c) => c.crossInstance).length;
    fail('stream', `${err.message}: ${waitingPaid} streams never said paid (${crossSilent} of them notified through the other instance)`);
  });
  stall.disable();
  const lat = payable.filter((c) => c.paidAt !== undefined).map((c) => c.paidAt! - c.notifiedAt!);
  for (const c of customers) c.socket?.destroy();
  for (const a of [...agents, ...hooks]) a.destroy();
  const errors = Object.values(errs).reduce((a, b) => a + b, 0);
  return {
    label,
    instances: servers.length,
    customers: o.customers,
    arrivalSeconds,
    burstRate: o.burstRate,
    burstAchieved: payable.length / burstSeconds,
    calls: {
      session: stats(ms.session, errs.session),
      methods: stats(ms.methods, errs.methods),
      create: stats(ms.create, errs.create),
      stream: stats(ms.stream, errs.stream),
      webhook: stats(ms.webhook, errs.webhook),
    },
    notifyToEvent: { p50: median(lat), p99: percentile(lat, 99), max: percentile(lat, 100), received: lat.length },
    errors,
    errorSamples: samples,
    retried,
    crossInstance,
    loopStallMax: stall.max / 1e6,
    listen: (({ overflows, cookiesFailed }) => ({ overflows: overflows - listenBefore.overflows, cookiesFailed: cookiesFailed - listenBefore.cookiesFailed }))(listenCounters()),
    peakRss: servers.map((s) => peakRss(s.pid)),
    ledger: await ledger(acknowledged),
  };
}

/** Every acknowledged payment: paid in the payments table, and exactly one "paid" row in its history. */
function tally(acknowledged: string[], rows: Array<{ id: string; status: string; paid_rows: number; provider?: string; attempt?: number }>, payments: number): FlashRun['ledger'] & { why: string } {
  const by = new Map(rows.map((r) => [r.id, r]));
  let paidOnce = 0;
  let paidTwice = 0;
  let notPaid = 0;
  const why = new Map<string, number>();
  for (const id of acknowledged) {
    const r = by.get(id);
    if (!r || r.status !== 'paid' || r.paid_rows === 0) {
      notPaid++;
      const k = r ? `${r.status} at ${r.provider}, attempt ${r.attempt}` : 'missing';
      why.set(k, (why.get(k) ?? 0) + 1);
    }
    else if (r.paid_rows === 1) paidOnce++;
    else paidTwice++;
  }
  return { acknowledged: acknowledged.length, payments, paidOnce, paidTwice, notPaid, why: [...why].map(([k, n]) => `${n} ${k}`).join(', ') };
}

const LEDGER_SQL = `SELECT p.id AS id, p.status AS status, p.provider AS provider, p.attempt AS attempt, (SELECT COUNT(*) FROM payment_history h WHERE h.payment_id = p.id AND h.status = 'paid') AS paid_rows FROM payments p`;

export const emptyFlash = (o: Pick<FlashOptions, 'customers' | 'windowSeconds' | 'burstRate'>): FlashResult => ({
  customers: o.customers,
  windowSeconds: o.windowSeconds,
  burstRate: o.burstRate,
  runs: [],
  skipped: null,
  checks: [],
  problems: [],
});

export interface FlashOptions {
  dir: string;
  cpu: CpuPlan;
  customers: number;
  windowSeconds: number;
  burstRate: number;
  nofile?: number;
  log: (s: string) => void;
}

/** Fills `result` as each configuration finishes, so a run cut short by the time budget still reports the others. */
export async function runFlash(o: FlashOptions, result: FlashResult = emptyFlash(o)): Promise<FlashResult> {
  // E-wallets pinned to Doku (a shop may route so): the bench signs Doku's notifications itself.
  const spawn = (db: string) => spawnServer({ script: 'bench/server-child.ts', cpu: o.cpu, env: { BAYAR_DB: db, BAYAR_ROUTES: 'ewallet=doku' }, nofile: o.nofile });

  const push = (r: FlashRun) => {
    result.runs.push(r);
    judge(result, r);
  };

  // SQLite, one instance.
  const path = join(o.dir, 'flash.db');
  await createLedger(path);
  const one = await spawn(path);
  try {
    push(
      await sale('SQLite, 1 instance', [one], o, async (ids) => {
        const db = new Database(path, { readonly: true });
        try {
          const rows = db.prepare(LEDGER_SQL).all() as Array<{ id: string; status: string; paid_rows: number }>;
          return tally(ids, rows, rows.length);
        } finally {
          db.close();
        }
      }),
    );
  } finally {
    await one.stop();
  }

  // PostgreSQL, two instances on one database.
  const found = await benchPostgres();
  if (!found.server) {
    result.skipped = `PostgreSQL: ${found.skip}`;
  } else {
    const pgs = found.server;
    const servers: ChildServer[] = [];
    try {
      const url = await pgs.database('bayar_bench_flash');
      const store = new PostgresStore(url);
      await store.migrate();
      await store.close();
      servers.push(await spawn(url), await spawn(url));
      push(
        await sale('PostgreSQL, 2 instances', servers, o, async (ids) => {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          try {
            const { rows } = await client.query<{ id: string; status: string; paid_rows: string }>(LEDGER_SQL);
            return tally(ids, rows.map((r) => ({ ...r, paid_rows: Number(r.paid_rows) })), rows.length);
          } finally {
            await client.end();
          }
        }),
      );
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await pgs.stop();
    }
  }

  return result;
}

/** The ledger check of one configuration, as a line of the report. */
function judge(result: FlashResult, r: FlashRun): void {
  const l = r.ledger;
  const ok = r.errors === 0 && l.acknowledged === r.customers && l.paidOnce === l.acknowledged && l.payments === r.customers;
  const cross = r.instances > 1 ? `; ${r.crossInstance} notifications sent to the instance not holding the stream` : '';
  const retried = r.retried.n ? `; ${r.retried.n} requests sent again after the server reset a reused idle connection (${r.retried.samples.join('; ')})` : '';
  const line = `${r.label}: ${l.acknowledged} of ${r.customers} notifications acknowledged; in the ledger ${l.payments} payments, ${l.paidOnce} acknowledged ones paid exactly once, ${l.paidTwice} more than once, ${l.notPaid} not paid${l.why ? ` (${l.why})` : ''}; ${r.errors} errors${cross}${retried}; this process's event loop stalled at most ${r.loopStallMax.toFixed(0)} ms; meanwhile on this machine ${r.listen.overflows} handshakes dropped by a full accept queue and ${r.listen.cookiesFailed} SYN-cookie handshakes failed`;
  (ok ? result.checks : result.problems).push(line + (r.errorSamples.length ? ` (${r.errorSamples.join('; ')})` : ''));
}
