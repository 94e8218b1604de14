/**
 * Cost of growth: ledgers of 10 k, 100 k and 1 M payments (one file grown by seeding, see seed.ts, copied at each
 * size), each opened by its own companion; the three are measured in alternating rounds so the sizes are compared
 * under the same machine conditions. create = POST /api/payments through the Komerce emulator (two ledger
 * transactions); read = GET /api/payments/:id for ids spread over the whole ledger. One connection at a time,
 * so the figures are each request's own cost, not queueing. The console's payments list is measured on the same
 * ledgers: its first page (newest 50, no filter) and a search by order id (a random seeded order), signed in with the
 * merchant key as a browser would be.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { clientSecretFor } from '../../server/domain/client-secret.js';
import { spawnServer, type ChildServer, type CpuPlan } from './children.js';
import { compare, type LoadResult, type Target } from './load.js';
import { createLedger, seedClosed } from './seed.js';

export interface GrowthStep {
  payments: number;
  seedMs: number;
  create: LoadResult;
  read: LoadResult;
  /** GET /console/api/payments (first page, newest 50). */
  consoleList: LoadResult;
  /** GET /console/api/payments?q=<order id>. */
  consoleSearch: LoadResult;
}

export interface GrowthResult {
  steps: GrowthStep[];
  seconds: number;
  rounds: number;
  /** Sizes left out because seeding them would not have fit in the time left. */
  skipped: Array<{ payments: number; reason: string }>;
  problems: string[];
}

export interface GrowthOptions {
  dir: string;
  cpu: CpuPlan;
  sizes: number[];
  seconds: number;
  rounds: number;
  /** performance.now() by which measuring must be over: a size whose seeding would not fit is skipped. */
  deadline: number;
  log: (s: string) => void;
}

export async function runGrowth(o: GrowthOptions): Promise<GrowthResult> {
  const grown = join(o.dir, 'growth.db');
  await createLedger(grown);
  const ledgers: Array<{ size: number; path: string; sample: string[]; seedMs: number }> = [];
  const kept: Array<[number, string]> = [];
  // Every ledger is read at about READS distinct ids spread evenly over it, so no size gets a smaller (better
  // cached) working set than another.
  const READS = 10_000;
  const every = (size: number) => Math.max(1, Math.floor(size / READS));
  let have = 0;
  const skipped: GrowthResult['skipped'] = [];
  // Measuring: companions starting, then per size a warm-up and the rounds, for creates and for reads.
  const measureMs = (sizes: number) => 5_000 + 4 * sizes * (1 + o.rounds * o.seconds) * 1000 + 5_000;
  let msPerRow = 0;
  for (const [k, size] of o.sizes.entries()) {
    if (msPerRow) {
      // Index builds grow a little faster than the row count; 1.3 covers it on the runs seen so far.
      const estimate = (size - have) * msPerRow * 1.3;
      const left = o.deadline - performance.now() - measureMs(k + 1);
      if (estimate > left) {
        const reason = `seeding ${(size - have).toLocaleString('en-US')} more payments would take about ${(estimate / 1000).toFixed(0)} s at this machine's current pace (${((1000 / msPerRow) | 0).toLocaleString('en-US')} rows/s); ${(Math.max(0, left) / 1000).toFixed(0)} s were left in the bench's time budget`;
        o.log(`  ${size.toLocaleString('en-US')} payments skipped: ${reason}`);
        skipped.push(...o.sizes.slice(k).map((payments) => ({ payments, reason })));
        break;
      }
    }
    const t = performance.now();
    kept.push(...seedClosed(grown, have, size, every(size)));
    have = size;
    const last = k === o.sizes.length - 1;
    const path = last ? grown : join(o.dir, `growth-${size}.db`);
    if (!last) copyFileSync(grown, path);
    const seedMs = performance.now() - t;
    msPerRow = seedMs / (size - (ledgers.at(-1)?.size ?? 0));
    ledgers.push({ size, path, sample: kept.filter(([i]) => i < size && i % every(size) === 0).map(([, id]) => id), seedMs });
    o.log(`  ${size.toLocaleString('en-US')} payments seeded (${(seedMs / 1000).toFixed(1)} s)`);
  }

  const children: ChildServer[] = [];
  const problems: string[] = [];
  try {
    for (const l of ledgers) children.push(await spawnServer({ script: 'bench/server-child.ts', cpu: o.cpu, env: { BAYAR_DB: l.path } }));
    let orders = 0;
    const creates: Record<string, Target> = {};
    const reads: Record<string, Target> = {};
    ledgers.forEach((l, i) => {
      const url = children[i]!.url;
      creates[l.size] = {
        url,
        connections: 1,
        requests: [
          {
            method: 'POST',
            path: '/api/payments',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: JSON.stringify({ orderId: `GROW-${l.size}-${++orders}`, amount: 150_000, method: 'va:bca' }) }),
          },
        ],
      };
      reads[l.size] = {
        url,
        connections: 1,
        // As the widget reads a payment: with its client secret (computed here as the companion issues it).
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => {
              const id = l.sample[Math.floor(Math.random() * l.sample.length)]!;
              return { ...req, path: `/api/payments/${id}`, headers: { ...req.headers, 'bayar-client-secret': clientSecretFor(id, SANDBOX_CREDENTIALS.merchantKey) } };
            },
          },
        ],
      };
    });
    o.log('  create latency');
    const c = await compare(creates, { rounds: o.rounds, seconds: o.seconds, warmupSeconds: 1 });
    o.log('  status-read latency');
    const r = await compare(reads, { rounds: o.rounds, seconds: o.seconds, warmupSeconds: 1 });
    const lists: Record<string, Target> = {};
    const searches: Record<string, Target> = {};
    for (const [i, l] of ledgers.entries()) {
      const url = children[i]!.url;
      const cookie = await consoleCookie(url);
      lists[l.size] = { url, connections: 1, requests: [{ method: 'GET', path: '/console/api/payments?limit=50', headers: { cookie } }] };
      searches[l.size] = {
        url,
        connections: 1,
        requests: [{ method: 'GET', headers: { cookie }, setupRequest: (req) => ({ ...req, path: `/console/api/payments?q=ORD-${Math.floor(Math.random() * l.size)}` }) }],
      };
    }
    o.log('  console: first page');
    const cl = await compare(lists, { rounds: o.rounds, seconds: o.seconds, warmupSeconds: 1 });
    o.log('  console: search by order id');
    const cs = await compare(searches, { rounds: o.rounds, seconds: o.seconds, warmupSeconds: 1 });
    const steps = ledgers.map((l) => ({
      payments: l.size,
      seedMs: l.seedMs,
      create: c.results[l.size]!,
      read: r.results[l.size]!,
      consoleList: cl.results[l.size]!,
      consoleSearch: cs.results[l.size]!,
    }));
    for (const s of steps) {
      for (const [what, x] of [['create', s.create], ['read', s.read], ['console list', s.consoleList], ['console search', s.consoleSearch]] as const) {
        if (x.non2xx || x.errors || x.timeouts) problems.push(`${s.payments} payments, ${what}: ${x.non2xx} non-2xx, ${x.errors} errors (${JSON.stringify(x.statusCodes)})`);
      }
    }
    return { steps, seconds: o.seconds, rounds: o.rounds, skipped, problems };
  } finally {
    await Promise.all(children.map((ch) => ch.stop()));
  }
}

/** Signs in to a companion's console with the (sandbox) merchant key; returns the session cookie. */
async function consoleCookie(url: string): Promise<string> {
  const res = await fetch(`${url}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ secret: SANDBOX_CREDENTIALS.merchantKey }),
  });
  if (res.status !== 201) throw new Error(`console sign-in answered ${res.status}: ${await res.text()}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}
