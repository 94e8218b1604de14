/**
 * autocannon runs, reduced to what the report shows. Figures that are compared (companion vs ceiling, small vs
 * large ledger) are measured in alternating rounds, so a change in what else the machine is doing during the
 * run lands on both sides instead of on one.
 */
import autocannon, { type RequestSpec } from 'autocannon';
import { percentile } from './stats.js';

export interface LoadResult {
  /** Successful (2xx) responses per second over the measured windows. */
  rps: number;
  /** rps of each round, to show the spread. */
  roundsRps: number[];
  /** p99 of each round: a tail compared round by round, where one slow second of the machine lands in one round only. */
  roundsP99: number[];
  p50: number;
  p99: number;
  mean: number;
  max: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  connections: number;
  statusCodes: Record<string, number>;
}

export interface Target {
  url: string;
  connections: number;
  requests: RequestSpec[];
}

/** One server, or several loaded at the same time (instances sharing a ledger), counted as one. */
export type Load = Target | Target[];

interface Raw {
  times: number[];
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  statusCodes: Record<string, number>;
}

async function once(t: Target, seconds: number): Promise<Raw> {
  const instance = autocannon({ url: t.url, connections: t.connections, duration: seconds, timeout: 20, requests: t.requests });
  // autocannon's own histogram keeps whole milliseconds; sub-millisecond latencies need the raw times.
  const times: number[] = [];
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) times.push(ms);
  });
  const r = await instance;
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, Number(v.count)]));
  return { times, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, seconds: r.duration, statusCodes };
}

/** Every target of a load at once, for the same window; the round's figures are their sum. */
async function onceAll(load: Load, seconds: number): Promise<Raw> {
  if (!Array.isArray(load)) return once(load, seconds);
  const parts = await Promise.all(load.map((t) => once(t, seconds)));
  const statusCodes: Record<string, number> = {};
  for (const r of parts) for (const [k, v] of Object.entries(r.statusCodes)) statusCodes[k] = (statusCodes[k] ?? 0) + v;
  const sum = (f: (r: Raw) => number) => parts.reduce((a, r) => a + f(r), 0);
  return {
    times: parts.flatMap((r) => r.times),
    ok: sum((r) => r.ok),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    // They ran side by side: the window is the longest of them, not their sum.
    seconds: Math.max(...parts.map((r) => r.seconds)),
    statusCodes,
  };
}

function merge(load: Load, raws: Raw[]): LoadResult {
  const times = raws.flatMap((r) => r.times);
  const sum = (f: (r: Raw) => number) => raws.reduce((a, r) => a + f(r), 0);
  const statusCodes: Record<string, number> = {};
  for (const r of raws) for (const [k, v] of Object.entries(r.statusCodes)) statusCodes[k] = (statusCodes[k] ?? 0) + v;
  const seconds = sum((r) => r.seconds);
  return {
    rps: sum((r) => r.ok) / seconds,
    roundsRps: raws.map((r) => r.ok / r.seconds),
    roundsP99: raws.map((r) => percentile(r.times, 99)),
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    mean: times.reduce((a, b) => a + b, 0) / Math.max(times.length, 1),
    max: percentile(times, 100),
    ok: sum((r) => r.ok),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    seconds,
    connections: Array.isArray(load) ? load.reduce((a, t) => a + t.connections, 0) : load.connections,
    statusCodes,
  };
}

export interface Compared<K extends string> {
  results: Record<K, LoadResult>;
  /** 2xx answers during warm-up, per target (they count for ledger checks). */
  warmupOk: Record<K, number>;
}

/**
 * Warms every target up, then measures `rounds` rounds of `seconds` each per target, rotating which target
 * goes first in each round.
 */
export async function compare<K extends string>(
  targets: Record<K, Load>,
  o: { rounds: number; seconds: number; warmupSeconds: number; log?: (s: string) => void; onWindow?: (k: K, edge: 'start' | 'end') => void },
): Promise<Compared<K>> {
  const keys = Object.keys(targets) as K[];
  const warmupOk = {} as Record<K, number>;
  for (const k of keys) warmupOk[k] = o.warmupSeconds ? (await onceAll(targets[k], o.warmupSeconds)).ok : 0;
  const raws = Object.fromEntries(keys.map((k) => [k, [] as Raw[]])) as unknown as Record<K, Raw[]>;
  for (let round = 0; round < o.rounds; round++) {
    const order = keys.map((_, i) => keys[(i + round) % keys.length]!);
    for (const k of order) {
      o.onWindow?.(k, 'start');
      raws[k].push(await onceAll(targets[k], o.seconds));
      o.onWindow?.(k, 'end');
    }
  }
  const results = Object.fromEntries(keys.map((k) => [k, merge(targets[k], raws[k])])) as Record<K, LoadResult>;
  return { results, warmupOk };
}
