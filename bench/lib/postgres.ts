/**
 * SQLite against PostgreSQL, one and two instances: POST /api/payments and Doku webhook ingestion on
 *   sqlite-1  one companion on a SQLite ledger (as in section 3, measured again here so all three share rounds),
 *   pg-1      one companion on a PostgreSQL ledger,
 *   pg-2      two companions on one PostgreSQL database, loaded at the same time, half the connections each,
 * in alternating rounds, with the same total number of connections everywhere, so the rows differ only in the
 * ledger and the number of processes serving it. CPU time of the companions, PostgreSQL and the load generator
 * is read around each measured window, to show which of them was the limit. Webhooks on pg-2 draw from one seeded set, so a payment's
 * notification lands on whichever instance asks next; a check before the load pays payments created on one
 * instance through the other.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { RequestSpec } from 'autocannon';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { PostgresStore } from '../../server/store/postgres.js';
import { spawnServer, spreadCpus, type ChildServer, type CpuPlan } from './children.js';
import { dokuPaidNote } from './doku.js';
import { compare, type Load, type LoadResult, type Target } from './load.js';
import { benchPostgres } from './pg-server.js';
import { createLedger, pendingDokuRows, seedPendingDoku, type PendingDoku } from './seed.js';
import { processCpu, selfCpu, treeCpu } from './cpu.js';
import { fmtInt } from './stats.js';

export const SCALE_KEYS = ['sqlite1', 'pg1', 'pg2'] as const;
export type ScaleKey = (typeof SCALE_KEYS)[number];
export const SCALE_LABELS: Record<ScaleKey, string> = { sqlite1: 'SQLite, 1 instance', pg1: 'PostgreSQL, 1 instance', pg2: 'PostgreSQL, 2 instances' };
/** The configurations, and the webhook ceiling measured beside them. */
type Key = ScaleKey | 'ceiling';
export const CEILING_LABEL = 'PostgreSQL ceiling: bare node:http + pg, one statement per batch';
const KEY_LABELS: Record<Key, string> = { ...SCALE_LABELS, ceiling: CEILING_LABEL };

/** Average cores busy during the measured windows (CPU seconds / wall seconds); null where not readable. */
export interface CoresBusy {
  /** The companion process(es) under test. */
  companion: number | null;
  /** The PostgreSQL server and its backends (null for SQLite, or a server on another machine). */
  postgres: number | null;
  /** This process: autocannon and its parsing. */
  loadGenerator: number;
}

export interface ScaleRow {
  endpoint: string;
  what: string;
  results: Record<ScaleKey, LoadResult>;
  cores: Record<ScaleKey, CoresBusy>;
  /**
   * Webhooks only: the ceiling for PostgreSQL here (bench/pg-floor-child.ts: bare node:http + pg, one statement per
   * group-committed batch, same server, same rows), measured in the same alternating rounds.
   */
  ceiling?: { result: LoadResult; cores: CoresBusy };
}

export interface PostgresResult {
  /** Why the section did not run (no PostgreSQL server found or started); null when it ran. */
  skipped: string | null;
  server: string | null;
  /** PostgreSQL's durability and sizing settings as the server reported them. */
  settings: Record<string, string>;
  connections: number;
  seconds: number;
  rounds: number;
  /** Pool size of each companion's PostgreSQL store. */
  pool: number;
  placement: string;
  rows: ScaleRow[];
  /** One autocommit INSERT from one connection, round trip included: the floor under a PostgreSQL write here. */
  pgCommitMs: number | null;
  checks: string[];
  problems: string[];
}

export interface PostgresOptions {
  dir: string;
  cpu: CpuPlan;
  /** Total connections per configuration (split evenly between the instances of pg-2). */
  connections: number;
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  /** Pending payments seeded per ledger for webhooks: more than one configuration ingests in the measured windows. */
  webhookPayments: number;
  /** Payments created on one pg-2 instance and paid through the other, each way, before the load. */
  crossChecks: number;
  log: (s: string) => void;
}

const PG_POOL = 10;

/** Seeds pending Doku payments into a migrated PostgreSQL ledger, in a few multi-row statements. */
async function seedPendingDokuPg(url: string, n: number, tag: string): Promise<PendingDoku[]> {
  const rows = pendingDokuRows(n, tag);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN');
    for (let i = 0; i < rows.length; i += 10_000) {
      const b = rows.slice(i, i + 10_000);
      const col = <K extends keyof (typeof rows)[number]>(k: K) => b.map((r) => r[k]);
      await c.query(
        `INSERT INTO payments (id, order_id, method, family, provider, amount, status, reference, attempt, provider_ref, instructions,
           customer, flags, created_at, updated_at, expires_at, paid_at, checked_at)
         SELECT id, order_id, 'ewallet:dana', 'ewallet', 'doku', amount, 'pending', reference, 1, reference, instructions, '{}', '[]', at, at, expires_at, NULL, at
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(id, order_id, amount, reference, instructions, at, expires_at)`,
        [col('id'), col('orderId'), col('amount'), col('reference'), col('instructions'), col('at'), col('expiresAt')],
      );
      await c.query(
        `INSERT INTO payment_history (payment_id, status, reason, source, snapshot, at)
         SELECT id, 'pending', 'created', 'provider:doku', snapshot, at FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, snapshot, at)`,
        [col('id'), col('snapshot'), col('at')],
      );
    }
    await c.query('COMMIT');
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
  return rows.map(({ id, reference, amount }) => ({ id, reference, amount }));
}

async function pgCommitCost(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE TABLE bench_commit (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body TEXT NOT NULL)');
    const body = 'x'.repeat(400);
    const n = 300;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await c.query('INSERT INTO bench_commit (body) VALUES ($1)', [body]);
    const ms = (performance.now() - t0) / n;
    await c.query('DROP TABLE bench_commit');
    return ms;
  } finally {
    await c.end();
  }
}

interface LedgerCounts {
  /** Payments the load created (order ids LOAD-…). */
  created: number;
  /** Seeded payments now paid, and webhook events recorded for them. */
  seededPaid: number;
  seededEvents: number;
}

const COUNT_SQL = (tag: string) => ({
  created: "SELECT COUNT(*) AS c FROM payments WHERE order_id LIKE 'LOAD-%'",
  seededPaid: `SELECT COUNT(*) AS c FROM payments WHERE order_id LIKE '${tag}-%' AND status = 'paid'`,
  seededEvents: `SELECT COUNT(*) AS c FROM provider_events e JOIN payments p ON p.id = e.payment_id WHERE p.order_id LIKE '${tag}-%'`,
});

function countSqlite(path: string, tag: string): LedgerCounts {
  const db = new Database(path, { readonly: true });
  try {
    const q = COUNT_SQL(tag);
    const one = (sql: string) => Number((db.prepare(sql).get() as { c: number }).c);
    return { created: one(q.created), seededPaid: one(q.seededPaid), seededEvents: one(q.seededEvents) };
  } finally {
    db.close();
  }
}

async function countPg(url: string, tag: string): Promise<LedgerCounts> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = COUNT_SQL(tag);
    const one = async (sql: string) => Number((await c.query<{ c: string }>(sql)).rows[0]!.c);
    return { created: await one(q.created), seededPaid: await one(q.seededPaid), seededEvents: await one(q.seededEvents) };
  } finally {
    await c.end();
  }
}

/**
 * Creates Doku payments on `from` and pays each through `to` with a signed notification; null when `to`
 * accepted every one and `from` then read it paid, else what went wrong first.
 */
async function crossInstance(from: ChildServer, to: ChildServer, url: string, n: number, tag: string): Promise<string | null> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (let i = 0; i < n; i++) {
      const amount = 75_000 + i * 1_000;
      const res = await fetch(`${from.url}/api/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orderId: `${tag}-${i}`, amount, method: 'ewallet:dana', customer: { name: 'Siti', email: 'siti@example.com', phone: '081234567890' } }),
      });
      const created = (await res.json()) as { payment?: { id: string; provider: string } };
      if (res.status !== 201 && res.status !== 200) return `create on ${from.url} answered ${res.status}: ${JSON.stringify(created).slice(0, 200)}`;
      const p = created.payment!;
      if (p.provider !== 'doku') return `payment ${p.id} went to ${p.provider}, not doku`;
      const ref = (await c.query<{ reference: string }>('SELECT reference FROM payments WHERE id = $1', [p.id])).rows[0]?.reference;
      if (!ref) return `payment ${p.id}, acknowledged by ${from.url}, is not in the shared ledger`;
      const note = dokuPaidNote(ref, amount);
      const hook = await fetch(`${to.url}/webhooks/doku`, { method: 'POST', headers: note.headers, body: note.body });
      if (hook.status !== 200) return `webhook for ${p.id} on the other instance answered ${hook.status}: ${(await hook.text()).slice(0, 200)}`;
      const seen = (await (await fetch(`${from.url}/api/payments/${p.id}`, { headers: { authorization: `Bearer ${SANDBOX_CREDENTIALS.merchantKey}` } })).json()) as { payment?: { status: string } };
      if (seen.payment?.status !== 'paid') return `payment ${p.id} paid through the other instance reads ${seen.payment?.status} on its own`;
    }
    return null;
  } finally {
    await c.end();
  }
}

export async function runPostgres(o: PostgresOptions): Promise<PostgresResult> {
  // Before PostgreSQL starts, so it inherits the client cores and leaves the instances theirs.
  const spread = spreadCpus(o.cpu, 2);
  try {
    return await runScale(o, spread);
  } finally {
    spread?.restore();
  }
}

async function runScale(o: PostgresOptions, spread: ReturnType<typeof spreadCpus>): Promise<PostgresResult> {
  const result: PostgresResult = {
    skipped: null,
    server: null,
    settings: {},
    connections: o.connections,
    seconds: o.seconds,
    rounds: o.rounds,
    pool: PG_POOL,
    placement: spread
      ? `one instance (and the single-instance companions) pinned to core ${spread.cores[0]}, the second to core ${spread.cores[1]}; PostgreSQL and the load generator on ${spread.clientCpus}`
      : o.cpu.serverCpu !== null
        ? `${o.cpu.cpus} cores, too few to give each instance its own: every companion, both instances of the pair too, pinned to core ${o.cpu.serverCpu}; PostgreSQL and the load generator on ${o.cpu.clientCpus}. The two-instance rows therefore show what a second process on the same ledger costs or gains, not what a second core buys`
        : `${o.cpu.note}; the two instances share whatever cores the system gives them`,
    rows: [],
    pgCommitMs: null,
    checks: [],
    problems: [],
  };
  const found = await benchPostgres();
  if (!found.server) {
    result.skipped = found.skip;
    o.log(`  skipped: ${found.skip}`);
    return result;
  }
  const pgServer = found.server;
  result.server = pgServer.origin;
  result.settings = pgServer.settings;
  const children: ChildServer[] = [];
  try {
    const sqlitePath = join(o.dir, 'scale.db');
    const urls = { pg1: await pgServer.database('bayar_bench_pg1'), pg2: await pgServer.database('bayar_bench_pg2') };
    await createLedger(sqlitePath);
    for (const url of Object.values(urls)) {
      const store = new PostgresStore(url);
      await store.migrate();
      await store.close();
    }
    result.pgCommitMs = await pgCommitCost(urls.pg1);
    // The ceiling writes to pg-1's database (its own seeded payments, a tag of its own): the same server, tables and indexes.
    const ceilingDb = urls.pg1;
    const tags: Record<Key, string> = { sqlite1: 'SQWH', pg1: 'PG1WH', pg2: 'PG2WH', ceiling: 'CEWH' };
    const pending: Record<Key, PendingDoku[]> = {
      sqlite1: seedPendingDoku(sqlitePath, o.webhookPayments, tags.sqlite1),
      pg1: await seedPendingDokuPg(urls.pg1, o.webhookPayments, tags.pg1),
      pg2: await seedPendingDokuPg(urls.pg2, o.webhookPayments, tags.pg2),
      ceiling: await seedPendingDokuPg(ceilingDb, o.webhookPayments, tags.ceiling),
    };

    const spawn = async (db: string, core = spread?.cores[0], script: 'bench/server-child.ts' | 'bench/pg-floor-child.ts' = 'bench/server-child.ts') => {
      const cpu = core === undefined ? o.cpu : { ...o.cpu, serverCpu: core };
      const c = await spawnServer({ script, cpu, env: { BAYAR_DB: db.startsWith('postgres') ? withPool(db) : db } });
      children.push(c);
      return c;
    };
    // Started together: each start is mostly loading and compiling, which on a busy machine adds up.
    const [sqlite, pg1, pg2a, pg2b, ceiling] = await Promise.all([
      spawn(sqlitePath),
      spawn(urls.pg1),
      spawn(urls.pg2),
      spawn(urls.pg2, spread?.cores[1]),
      spawn(ceilingDb, spread?.cores[0], 'bench/pg-floor-child.ts'),
    ]);

    const crossFail =
      (await crossInstance(pg2a!, pg2b!, urls.pg2, o.crossChecks, 'XAB')) ?? (await crossInstance(pg2b!, pg2a!, urls.pg2, o.crossChecks, 'XBA'));
    if (crossFail) result.problems.push(`pg-2, payment created on one instance and paid through the other: ${crossFail}`);
    else result.checks.push(`pg-2: ${o.crossChecks} Doku payments created on instance A were paid by signed notifications to instance B, and ${o.crossChecks} the other way; each then read paid on the instance that created it`);

    const half = Math.max(1, Math.floor(o.connections / 2));
    const sent = { a: 0, b: 0 };
    const loads = (requests: (k: ScaleKey, instance: 'a' | 'b') => RequestSpec[]): Record<ScaleKey, Load> => {
      const t = (url: string, connections: number, k: ScaleKey, instance: 'a' | 'b'): Target => ({ url, connections, requests: requests(k, instance) });
      return {
        sqlite1: t(sqlite.url, o.connections, 'sqlite1', 'a'),
        pg1: t(pg1.url, o.connections, 'pg1', 'a'),
        pg2: [t(pg2a!.url, half, 'pg2', 'a'), t(pg2b!.url, o.connections - half, 'pg2', 'b')],
      };
    };
    const pids: Record<Key, number[]> = { sqlite1: [sqlite.pid], pg1: [pg1.pid], pg2: [pg2a!.pid, pg2b!.pid], ceiling: [ceiling.pid] };
    const sumOf = (xs: Array<number | null>) => (xs.some((x) => x === null) ? null : xs.reduce<number>((a, x) => a + x!, 0));
    const reading = (k: Key) => ({
      at: performance.now(),
      companion: sumOf(pids[k].map(processCpu)),
      postgres: k !== 'sqlite1' && pgServer.pid !== null ? treeCpu(pgServer.pid) : null,
      self: selfCpu(),
    });
    const measure = async (endpoint: string, what: string, requests: (k: Key, instance: 'a' | 'b') => RequestSpec[], withCeiling = false) => {
      o.log(`  ${endpoint}`);
      const keys: Key[] = withCeiling ? [...SCALE_KEYS, 'ceiling'] : [...SCALE_KEYS];
      const spent = Object.fromEntries(keys.map((k) => [k, { wall: 0, companion: 0 as number | null, postgres: 0 as number | null, self: 0 }])) as Record<
        Key,
        { wall: number; companion: number | null; postgres: number | null; self: number }
      >;
      let open: ReturnType<typeof reading> | null = null;
      const onWindow = (k: Key, edge: 'start' | 'end') => {
        if (edge === 'start') return void (open = reading(k));
        const a = open!;
        const b = reading(k);
        const acc = spent[k];
        acc.wall += (b.at - a.at) / 1000;
        acc.companion = acc.companion === null || a.companion === null || b.companion === null ? null : acc.companion + b.companion - a.companion;
        acc.postgres = acc.postgres === null || a.postgres === null || b.postgres === null ? null : acc.postgres + b.postgres - a.postgres;
        acc.self += b.self - a.self;
      };
      const targets: Partial<Record<Key, Load>> = loads(requests);
      if (withCeiling) targets.ceiling = { url: ceiling.url, connections: o.connections, requests: requests('ceiling', 'a') };
      const c = await compare(targets as Record<Key, Load>, { rounds: o.rounds, seconds: o.seconds, warmupSeconds: o.warmupSeconds, onWindow });
      const cores = Object.fromEntries(
        keys.map((k) => {
          const x = spent[k];
          const per = (v: number | null) => (v === null || x.wall === 0 ? null : v / x.wall);
          return [k, { companion: per(x.companion), postgres: per(x.postgres), loadGenerator: per(x.self) ?? 0 }];
        }),
      ) as Record<Key, CoresBusy>;
      for (const k of keys) {
        const r = c.results[k];
        if (r.non2xx || r.errors || r.timeouts) result.problems.push(`${endpoint} on ${KEY_LABELS[k]}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts (${JSON.stringify(r.statusCodes)})`);
      }
      result.rows.push({ endpoint, what, results: c.results, cores, ...(withCeiling ? { ceiling: { result: c.results.ceiling, cores: cores.ceiling } } : {}) });
      return c;
    };

    let orders = 0;
    const created = await measure('POST /api/payments', 'BCA VA through the Komerce emulator', (k, instance) => [
      {
        method: 'POST',
        path: '/api/payments',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => {
          if (k === 'pg2') sent[instance]++;
          return { ...req, body: JSON.stringify({ orderId: `LOAD-${k}-${++orders}`, amount: 150_000, method: 'va:bca', customer: { name: 'Siti', email: 'siti@example.com' } }) };
        },
      },
    ]);
    const createSpread = { ...sent };
    sent.a = sent.b = 0;

    // One cursor per ledger: on pg-2 both instances draw from it, so each seeded payment is paid once, by either.
    const cursor: Record<Key, number> = { sqlite1: 0, pg1: 0, pg2: 0, ceiling: 0 };
    const wrapped = new Set<Key>();
    const hooks = await measure('POST /webhooks/doku', 'signed notification → payment paid, durable', (k, instance) => [
      {
        method: 'POST',
        path: '/webhooks/doku',
        setupRequest: (req) => {
          if (cursor[k] >= pending[k].length) ((cursor[k] = 0), wrapped.add(k));
          const p = pending[k][cursor[k]++]!;
          if (k === 'pg2') sent[instance]++;
          const note = dokuPaidNote(p.reference, p.amount);
          return { ...req, headers: note.headers, body: note.body };
        },
      },
    ], true);
    for (const k of wrapped) result.problems.push(`${KEY_LABELS[k]}: webhook ingestion used up the ${o.webhookPayments} seeded payments; later notifications were duplicates`);
    for (const [what, s] of [['creates', createSpread], ['webhooks', sent]] as const) {
      const share = s.a / Math.max(1, s.a + s.b);
      if (share < 0.3 || share > 0.7) result.problems.push(`pg-2: ${what} were not spread across both instances (${fmtInt(s.a)} to A, ${fmtInt(s.b)} to B)`);
      else result.checks.push(`pg-2: ${what} spread across both instances (${fmtInt(s.a)} sent to A, ${fmtInt(s.b)} to B)`);
    }

    await Promise.all(children.map((c) => c.stop()));
    // Everything acknowledged must be in the ledger; up to `connections` requests per window may have been
    // completed by the server after the client stopped counting them, hence the upper bound.
    const inFlight = o.connections * (o.rounds + 1);
    for (const k of SCALE_KEYS) {
      const n = k === 'sqlite1' ? countSqlite(sqlitePath, tags[k]) : await countPg(urls[k], tags[k]);
      const createdOk = created.results[k].ok + created.warmupOk[k];
      const hooksOk = hooks.results[k].ok + hooks.warmupOk[k];
      const bad: string[] = [];
      if (n.created < createdOk || n.created > createdOk + inFlight) bad.push(`${fmtInt(n.created)} payments stored for ${fmtInt(createdOk)} acknowledged creates`);
      if (!wrapped.has(k) && (n.seededEvents < hooksOk || n.seededEvents > hooksOk + inFlight || n.seededPaid !== n.seededEvents)) {
        bad.push(`${fmtInt(n.seededEvents)} webhook events and ${fmtInt(n.seededPaid)} paid payments for ${fmtInt(hooksOk)} acknowledged webhooks`);
      }
      if (bad.length) result.problems.push(`${SCALE_LABELS[k]} ledger: ${bad.join('; ')}`);
      else {
        result.checks.push(
          `${SCALE_LABELS[k]}: every acknowledged create and webhook is in the ledger (creates ${fmtInt(createdOk)} acknowledged, ${fmtInt(n.created)} stored; webhooks ${fmtInt(hooksOk)} acknowledged, ${fmtInt(n.seededEvents)} events, as many payments paid)`,
        );
      }
    }
    {
      const n = await countPg(ceilingDb, tags.ceiling);
      const ok = hooks.results.ceiling.ok + hooks.warmupOk.ceiling;
      if (wrapped.has('ceiling') || n.seededEvents < ok || n.seededEvents > ok + inFlight || n.seededPaid !== n.seededEvents) {
        result.problems.push(`${CEILING_LABEL}: ${fmtInt(n.seededEvents)} webhook events and ${fmtInt(n.seededPaid)} paid payments for ${fmtInt(ok)} acknowledged webhooks`);
      } else result.checks.push(`ceiling: every acknowledged webhook is in its ledger (${fmtInt(ok)} acknowledged, ${fmtInt(n.seededEvents)} events, as many payments paid)`);
    }
    return result;
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await pgServer.stop();
  }
}

/** The store's pool, stated in the URL so the figure in the report is the one the instances ran with. */
function withPool(url: string): string {
  const u = new URL(url);
  u.searchParams.set('pool_max', String(PG_POOL));
  return u.toString();
}
