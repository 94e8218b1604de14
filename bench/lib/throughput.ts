/**
 * Server throughput and latency: GET /api/methods, POST /api/payments (built-in emulator behind it) and Doku
 * webhook ingestion (signed notifications for pending payments, each a committed status change), each on the
 * companion and on the bare node:http ceiling (bench/bare-child.ts), same load, same run.
 */
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { RequestSpec } from 'autocannon';
import Database from 'better-sqlite3';
import { spawnServer, type CpuPlan } from './children.js';
import { dokuPaidNote } from './doku.js';
import { compare, type LoadResult, type Target } from './load.js';
import { countRows, createLedger, seedPendingDoku } from './seed.js';

export interface ThroughputRow {
  endpoint: string;
  what: string;
  bayar: LoadResult;
  ceiling: LoadResult;
  /** bayar rps / ceiling rps. */
  ratio: number;
}

export interface ThroughputResult {
  connections: number;
  seconds: number;
  rounds: number;
  rows: ThroughputRow[];
  /** One durable SQLite commit (WAL, synchronous=FULL) on this disk, measured beside the run. */
  commitMs: { full: number; normal: number };
  checks: string[];
  problems: string[];
}

export interface ThroughputOptions {
  dir: string;
  cpu: CpuPlan;
  connections: number;
  /** Measured seconds per round and target. */
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  /** Pending payments seeded for webhooks: more than the companion can ingest in the measured windows. */
  webhookPayments: number;
  log: (s: string) => void;
}

/** What one commit costs here, with and without waiting for fsync: the floor under every durable write. */
export function commitCost(dir: string): { full: number; normal: number } {
  const out = { full: 0, normal: 0 };
  for (const sync of ['full', 'normal'] as const) {
    const path = join(dir, `commit-${sync}.db`);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${sync.toUpperCase()}`);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const ins = db.prepare('INSERT INTO t (body) VALUES (?)');
    const body = 'x'.repeat(400);
    const n = 500;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) db.transaction(() => ins.run(body)).immediate();
    out[sync] = (performance.now() - t0) / n;
    db.close();
  }
  return out;
}

export async function runThroughput(o: ThroughputOptions): Promise<ThroughputResult> {
  const dbPath = join(o.dir, 'throughput.db');
  await createLedger(dbPath);
  const pending = seedPendingDoku(dbPath, o.webhookPayments, 'WH');
  const problems: string[] = [];
  const checks: string[] = [];
  const commitMs = commitCost(o.dir);

  const bayar = await spawnServer({ script: 'bench/server-child.ts', cpu: o.cpu, env: { BAYAR_DB: dbPath } });
  const bare = await spawnServer({ script: 'bench/bare-child.ts', cpu: o.cpu });
  try {
    // The ceiling must do the same work: its method list must be the companion's, byte for byte.
    const [a, b] = await Promise.all([bayar.url, bare.url].map((u) => fetch(`${u}/api/methods?amount=150000`).then((r) => r.json())));
    if (!isDeepStrictEqual(a, b)) problems.push('the ceiling server lists different methods than the companion');
    else checks.push(`GET /api/methods: the ceiling's answer equals the companion's (${(a as { methods: unknown[] }).methods.length} methods)`);

    const rows: ThroughputRow[] = [];
    const run = async (endpoint: string, what: string, requests: (target: 'bayar' | 'ceiling') => RequestSpec[]) => {
      o.log(`  ${endpoint}`);
      const target = (k: 'bayar' | 'ceiling'): Target => ({ url: k === 'bayar' ? bayar.url : bare.url, connections: o.connections, requests: requests(k) });
      const c = await compare({ bayar: target('bayar'), ceiling: target('ceiling') }, { rounds: o.rounds, seconds: o.seconds, warmupSeconds: o.warmupSeconds });
      for (const k of ['bayar', 'ceiling'] as const) {
        const r = c.results[k];
        if (r.non2xx || r.errors || r.timeouts) problems.push(`${endpoint} on ${k}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts (${JSON.stringify(r.statusCodes)})`);
      }
      rows.push({ endpoint, what, bayar: c.results.bayar, ceiling: c.results.ceiling, ratio: c.results.bayar.rps / c.results.ceiling.rps });
      return c;
    };

    await run('GET /api/methods', 'method list for an amount', () => [{ method: 'GET', path: '/api/methods?amount=150000' }]);

    let orders = 0;
    const created = await run('POST /api/payments', 'BCA VA through the Komerce emulator', (target) => [
      {
        method: 'POST',
        path: '/api/payments',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({ orderId: `LOAD-${target}-${++orders}`, amount: 150_000, method: 'va:bca', customer: { name: 'Siti', email: 'siti@example.com' } }),
        }),
      },
    ]);

    // The companion gets each seeded payment once; the ceiling (no ledger) may reuse them.
    const cursor = { bayar: 0, ceiling: 0 };
    let wrapped = false;
    const webhooks = await run('POST /webhooks/doku', 'signed notification → payment paid, durable', (target) => [
      {
        method: 'POST',
        path: '/webhooks/doku',
        setupRequest: (req) => {
          if (cursor[target] >= pending.length) ((cursor[target] = 0), (wrapped ||= target === 'bayar'));
          const p = pending[cursor[target]++]!;
          const note = dokuPaidNote(p.reference, p.amount);
          return { ...req, headers: note.headers, body: note.body };
        },
      },
    ]);
    if (wrapped) problems.push(`webhook ingestion used up the ${pending.length} seeded payments; later notifications were duplicates of paid ones`);

    await bayar.stop();
    // Everything acknowledged must be in the ledger. A run can end with up to `connections` requests in
    // flight that the server completed but the client no longer counted, hence the upper bound.
    const inFlight = o.connections * (o.rounds + 1);
    const ledger = countRows(dbPath);
    const createdOk = created.results.bayar.ok + created.warmupOk.bayar;
    const newPayments = ledger.payments - pending.length;
    if (newPayments < createdOk || newPayments > createdOk + inFlight) problems.push(`ledger has ${newPayments} new payments, ${createdOk} creates were acknowledged`);
    else checks.push(`every acknowledged create is in the ledger (${fmt(createdOk)} acknowledged, ${fmt(newPayments)} stored)`);
    const hooksOk = webhooks.results.bayar.ok + webhooks.warmupOk.bayar;
    if (!wrapped) {
      if (ledger.events < hooksOk || ledger.events > hooksOk + inFlight || ledger.paid !== ledger.events) {
        problems.push(`ledger has ${ledger.events} webhook events and ${ledger.paid} paid payments; ${hooksOk} webhooks were acknowledged`);
      } else checks.push(`every acknowledged webhook is a stored event and a paid payment (${fmt(hooksOk)} acknowledged, ${fmt(ledger.events)} stored)`);
    }
    return { connections: o.connections, seconds: o.seconds, rounds: o.rounds, rows, commitMs, checks, problems };
  } finally {
    await Promise.all([bayar.stop(), bare.stop()]);
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');
