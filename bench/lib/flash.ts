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
}

/** One HTTP call with a keep-alive agent per instance; resolves to status, body and ms. */
function call(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
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
  const agents = servers.map(() => new Agent({ keepAlive: true, maxSockets: 64 }));
  const ms = { session: [] as number[], methods: [] as number[], create: [] as number[], stream: [] as number[], webhook: [] as number[] };
  const errs = { session: 0, methods: 0, create: 0, stream: 0, webhook: 0 };
  const samples: string[] = [];
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
      socket.on('data', (chunk: Buffer) => {
        if (head) {
          head = false;
          if (!chunk.subarray(0, 12).toString().includes(' 200')) return reject(new Error(`stream answered ${chunk.subarray(0, 40).toString()}`));
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
    const s = await call(agent, `${c.server}/api/sessions`, 'POST', { authorization: `Bearer ${MERCHANT_KEY}` }, JSON.stringify({ orderId: `${tag}-${c.i}`, amount: AMOUNT }));
    if (s.status !== 201) return fail('session', `HTTP ${s.status} ${s.body}`);
    ms.session.push(s.ms);
    const session = (JSON.parse(s.body) as { session: string }).session;
    const m = await call(agent, `${c.server}/api/methods`, 'GET', { 'bayar-session': session });
    if (m.status !== 200 || !m.body.includes('"ewallet:dana"')) return fail('methods', `HTTP ${m.status} ${m.body}`);
    ms.methods.push(m.ms);
    const p = await call(agent, `${c.server}/api/payments`, 'POST', { 'idempotency-key': randomUUID() }, JSON.stringify({ session, method: 'ewallet:dana' }));
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
    running.push(shop(c).catch((err: Error) => fail('create', err.message)));
  }
  await within(`${label}: customers`, o.windowSeconds * 1000 + 120_000, Promise.all(running));
  const arrivalSeconds = (performance.now() - start) / 1000;
  o.log(`    ${label}: ${customers.filter((c) => c.opened).length} of ${o.customers} customers hold a stream after ${arrivalSeconds.toFixed(1)} s`);

  // The burst: every customer holding a stream is paid by a signed notification, at a fixed rate, to the
  // instances in turn (not necessarily the one holding the stream).
  const payable = customers.filter((c) => c.opened !== undefined);
  waitingPaid = payable.length;
  if (!waitingPaid) allPaid();
  // Fresh connections for the provider's burst: the customers' idle keep-alive sockets may be closing by now.
  const hooks = servers.map(() => new Agent({ keepAlive: true, maxSockets: 64 }));
  const burstStart = performance.now();
  const acks: Promise<void>[] = [];
  const acknowledged: string[] = [];
  for (let k = 0; k < payable.length; k++) {
    const c = payable[k]!;
    const due = burstStart + (k * 1000) / o.burstRate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const note = dokuPaidNote(providerReference(c.paymentId!, 1), AMOUNT);
    const target = servers[k % servers.length]!;
    c.notifiedAt = performance.now();
    acks.push(
      call(hooks[k % hooks.length]!, `${target.url}/webhooks/doku`, 'POST', note.headers, note.body).then(
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
  await within(`${label}: every stream saying "paid"`, 30_000, paidDone).catch((err: Error) => fail('stream', `${err.message}: ${waitingPaid} streams never said paid`));
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
  const line = `${r.label}: ${l.acknowledged} of ${r.customers} notifications acknowledged; in the ledger ${l.payments} payments, ${l.paidOnce} acknowledged ones paid exactly once, ${l.paidTwice} more than once, ${l.notPaid} not paid${l.why ? ` (${l.why})` : ''}; ${r.errors} errors`;
  (ok ? result.checks : result.problems).push(line + (r.errorSamples.length ? ` (${r.errorSamples.join('; ')})` : ''));
}
