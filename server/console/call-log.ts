/**
 * Provider calls seen by this process over the last day, for the console's latency and error figures. Prometheus
 * histograms are cumulative since start and bucketed; the console wants exact p50/p95 over the last hour and day.
 * Bounded: at most `cap` calls per provider and operation are kept (the oldest go first).
 */
import type { LatencySummary } from './api-types.js';

interface Call {
  at: number;
  ms: number;
  ok: boolean;
}

const DAY_MS = 86_400_000;

export class CallLog {
  private readonly calls = new Map<string, Call[]>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly cap = 20_000,
  ) {}

  record(provider: string, operation: string, outcome: string, seconds: number) {
    const key = `${provider}|${operation}`;
    let list = this.calls.get(key);
    if (!list) this.calls.set(key, (list = []));
    list.push({ at: this.now(), ms: seconds * 1000, ok: outcome === 'ok' });
    if (list.length > this.cap) list.splice(0, list.length - this.cap);
  }

  summary(provider: string, operation: string, windowMs: number): LatencySummary {
    const list = this.calls.get(`${provider}|${operation}`) ?? [];
    const now = this.now();
    // Drop what is older than a day while we are here.
    const firstFresh = list.findIndex((c) => c.at >= now - DAY_MS);
    if (firstFresh > 0) list.splice(0, firstFresh);
    const recent = list.filter((c) => c.at >= now - windowMs);
    const ms = recent.map((c) => c.ms).sort((a, b) => a - b);
    const pct = (p: number) => (ms.length ? Math.round(ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)]!) : null);
    return { calls: recent.length, errors: recent.filter((c) => !c.ok).length, p50Ms: pct(0.5), p95Ms: pct(0.95) };
  }
}
