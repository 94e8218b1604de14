/**
 * What smart routing costs a create: POST /api/payments (va:bca through the Komerce emulator) on a companion
 * with smart routing on and BAYAR_FEES set (channel health read for three candidates, fees computed, the
 * explanation stored with the payment) against the same companion with BAYAR_SMART_ROUTING=off, and against a
 * second routing-off companion: the off/off difference is the run's own noise, the yardstick for "measurable".
 * Fees are chosen so both sides pick Komerce: the same provider and emulator work behind every request.
 */
import { join } from 'node:path';
import { parseFees } from '../../server/domain/fees.js';
import { DEFAULT_HEALTH } from '../../server/domain/health.js';
import { Routing } from '../../server/domain/routing.js';
import { systemClock } from '../../server/lib/clock.js';
import { spawnServer, type CpuPlan } from './children.js';
import { processCpu } from './cpu.js';
import { compare, type LoadResult, type Target } from './load.js';

export interface RoutingBenchResult {
  connections: number;
  seconds: number;
  rounds: number;
  on: LoadResult;
  off: LoadResult;
  /** A second routing-off companion: |off − offAgain| is the noise of this run. */
  offAgain: LoadResult;
  fees: string;
  /** Each companion's own CPU per create over its measured windows (ms): what routing costs, without the tail's noise. */
  cpuMsPerCreate: { on: number | null; off: number | null; offAgain: number | null };
  /** In-process: one routing decision (three candidates, full health windows) plus recording one outcome, µs. */
  decisionMicros: number;
  problems: string[];
}

/** The decision alone, in this process: windows filled to their cap so every read sorts the most samples. */
function decisionCost(): number {
  const r = new Routing({ smart: true, fees: parseFees(FEES, []), health: { ...DEFAULT_HEALTH, latencyMinCalls: 1e9, errorRateMinCalls: 1e9 }, clock: systemClock });
  for (const p of ['komerce', 'xendit', 'midtrans']) for (let i = 0; i < 2_000; i++) r.board!.record(p, 'va:bca', true, 50 + (i % 200));
  const n = 20_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const plan = r.plan('va', 'bca', 150_000, ['komerce', 'xendit', 'midtrans']);
    r.board!.record(plan.order[0]!, 'va:bca', true, 60);
  }
  return ((performance.now() - t0) / n) * 1000;
}

const FEES = 'komerce:va=3500;xendit:va=4000;midtrans:va=1.5%,min=4500';

export async function runRouting(o: { dir: string; cpu: CpuPlan; connections: number; seconds: number; rounds: number; warmupSeconds: number; log: (s: string) => void }): Promise<RoutingBenchResult> {
  const env = (name: string, smart: 'on' | 'off') => ({ BAYAR_DB: join(o.dir, `routing-${name}.db`), BAYAR_SMART_ROUTING: smart, BAYAR_FEES: FEES });
  // One at a time on the server core: each is idle while another is measured.
  const on = await spawnServer({ script: 'bench/server-child.ts', cpu: o.cpu, env: env('on', 'on') });
  const off = await spawnServer({ script: 'bench/server-child.ts', cpu: o.cpu, env: env('off', 'off') });
  const offAgain = await spawnServer({ script: 'bench/server-child.ts', cpu: o.cpu, env: env('off2', 'off') });
  const problems: string[] = [];
  try {
    let orders = 0;
    const target = (name: string, url: string): Target => ({
      url,
      connections: o.connections,
      requests: [
        {
          method: 'POST',
          path: '/api/payments',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ orderId: `ROUTE-${name}-${++orders}`, amount: 150_000, method: 'va:bca', customer: { name: 'Siti' } }) }),
        },
      ],
    });
    const children = { on, off, offAgain };
    const cpu = { on: 0, off: 0, offAgain: 0 };
    let started = 0;
    const c = await compare(
      { on: target('on', on.url), off: target('off', off.url), offAgain: target('off2', offAgain.url) },
      {
        rounds: o.rounds,
        seconds: o.seconds,
        warmupSeconds: o.warmupSeconds,
        onWindow: (k, edge) => {
          const now = processCpu(children[k].pid) ?? NaN;
          if (edge === 'start') started = now;
          else cpu[k] += now - started;
        },
      },
    );
    const perCreate = (k: keyof typeof cpu) => (Number.isFinite(cpu[k]) && c.results[k].ok ? (cpu[k] / c.results[k].ok) * 1000 : null);
    for (const [k, r] of Object.entries(c.results)) {
      if (r.non2xx || r.errors || r.timeouts) problems.push(`${k}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts (${JSON.stringify(r.statusCodes)})`);
    }
    // Both sides must really have routed to the same provider, and only the routed one explains itself.
    const check = async (url: string, smart: boolean) => {
      const r = await fetch(`${url}/api/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: `ROUTE-CHECK-${smart}`, amount: 150_000, method: 'va:bca' }) });
      const p = ((await r.json()) as { payment: { id: string; provider: string } }).payment;
      const seen = await fetch(`${url}/api/payments/${p.id}`, { headers: { authorization: 'Bearer sandbox-merchant-key-not-secret' } });
      const m = ((await seen.json()) as { payment: { provider: string; routing?: { strategy: string } } }).payment;
      if (m.provider !== 'komerce') problems.push(`${smart ? 'on' : 'off'}: routed to ${m.provider}, not komerce`);
      const want = smart ? 'cheapest_healthy' : 'route_order';
      if (m.routing?.strategy !== want) problems.push(`${smart ? 'on' : 'off'}: strategy ${m.routing?.strategy}, expected ${want}`);
    };
    await check(on.url, true);
    await check(off.url, false);
    return { connections: o.connections, seconds: o.seconds, rounds: o.rounds, on: c.results.on, off: c.results.off, offAgain: c.results.offAgain, cpuMsPerCreate: { on: perCreate('on'), off: perCreate('off'), offAgain: perCreate('offAgain') }, fees: FEES, decisionMicros: decisionCost(), problems };
  } finally {
    await Promise.all([on.stop(), off.stop(), offAgain.stop()]);
  }
}
