/**
 * Health of each provider × channel (e.g. xendit × va:bca), from the creates this instance made: consecutive
 * failures, and error rate and p95 latency over a sliding window. Real outages are narrower than a provider
 * (one bank's channel) and slower than an error (answers in 3 s), so a per-provider circuit breaker alone
 * misses them.
 *
 * A channel is degraded when any threshold is crossed; routing then skips it while a healthy alternative
 * exists. After `probeAfterMs` one request is let through as a probe (half-open): a fast success brings the
 * channel back with a fresh window, anything else keeps it degraded for another `probeAfterMs`.
 *
 * Time is the injected clock's, so tests move through windows and probes without waiting. Transitions are
 * reported to `onTransition` (shared with other instances through the ledger) and can be adopted from them.
 */
import type { Clock } from '../lib/clock.js';

export interface HealthThresholds {
  /** Consecutive failed creates that degrade a channel. */
  consecutiveFailures: number;
  /** p95 create latency (ms) over the window above which a channel is degraded… */
  p95Ms: number;
  /** …once the window holds at least this many calls. */
  latencyMinCalls: number;
  /** Error rate (percent) over the window above which a channel is degraded… */
  errorRatePercent: number;
  /** …once the window holds at least this many calls. */
  errorRateMinCalls: number;
  /** Sliding window for error rate and latency. */
  windowMs: number;
  /** How long a degraded channel waits before a probe. */
  probeAfterMs: number;
}

export const DEFAULT_HEALTH: HealthThresholds = {
  consecutiveFailures: 5,
  p95Ms: 800,
  latencyMinCalls: 5,
  errorRatePercent: 20,
  errorRateMinCalls: 20,
  windowMs: 300_000,
  probeAfterMs: 30_000,
};

export type ChannelState = 'healthy' | 'degraded' | 'probing';
export type DegradeReason = 'consecutive_failures' | 'p95_latency' | 'error_rate';

export interface HealthSignals {
  /** Calls in the window. */
  calls: number;
  failures: number;
  consecutiveFailures: number;
  /** Percent, one decimal; null without calls. */
  errorRate: number | null;
  /** Create latency percentiles over the window (nearest rank), milliseconds; null without calls. p95 is the one judged. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface ChannelView {
  state: ChannelState;
  /** Why it is degraded (also while probing). */
  reason?: DegradeReason;
  /** When it was degraded (ISO). */
  since?: string;
  signals: HealthSignals;
}

/** A state change, as shared between instances. */
export interface HealthTransition {
  provider: string;
  /** `family:channel`. */
  method: string;
  state: 'healthy' | 'degraded';
  reason: string;
  /** Epoch ms. */
  at: number;
  /** Epoch ms; degraded only. */
  probeAt?: number;
  signals: HealthSignals;
}

interface Sample {
  at: number;
  ok: boolean;
  ms: number;
}

/** Memory bound per channel: beyond this many calls in one window the oldest are dropped. */
const MAX_SAMPLES = 2_000;
/** A probe that never reports back (process stalled) frees its slot after this long. */
const PROBE_HOLD_MS = 60_000;

/**
 * One provider × channel. The window is kept twice: in time order (to drop what leaves it) and as a sorted list
 * of latencies (so p95 is a lookup, not a sort: routing reads the signals of every candidate on every create).
 */
class Channel {
  private samples: Sample[] = [];
  private sortedMs: number[] = [];
  private failures = 0;
  consecutive = 0;
  degraded: { since: number; probeAt: number; reason: DegradeReason } | null = null;
  probeHeldUntil = 0;
  /** Epoch ms of the last transition, local or adopted: an older one from elsewhere is ignored. */
  changedAt = 0;
  private cached: HealthSignals | null = null;

  add(sample: Sample) {
    this.samples.push(sample);
    this.sortedMs.splice(lowerBound(this.sortedMs, sample.ms), 0, sample.ms);
    if (!sample.ok) this.failures++;
    if (this.samples.length > MAX_SAMPLES) this.dropOldest(1);
    this.cached = null;
  }

  /** Drops the samples older than `from` (epoch ms). */
  prune(from: number) {
    let i = 0;
    while (i < this.samples.length && this.samples[i]!.at < from) i++;
    if (i) this.dropOldest(i);
  }

  private dropOldest(n: number) {
    for (const s of this.samples.splice(0, n)) {
      this.sortedMs.splice(lowerBound(this.sortedMs, s.ms), 1);
      if (!s.ok) this.failures--;
    }
    this.cached = null;
  }

  clear() {
    this.samples = [];
    this.sortedMs = [];
    this.failures = 0;
    this.consecutive = 0;
    this.cached = null;
  }

  signals(): HealthSignals {
    if (this.cached && this.cached.consecutiveFailures === this.consecutive) return this.cached;
    const calls = this.samples.length;
    return (this.cached = {
      calls,
      failures: this.failures,
      consecutiveFailures: this.consecutive,
      errorRate: calls ? Math.round((this.failures / calls) * 1000) / 10 : null,
      p50Ms: this.rank(0.5),
      p95Ms: this.rank(0.95),
      p99Ms: this.rank(0.99),
    });
  }

  /** Nearest rank: the smallest latency that at least the share q of the window's calls did not exceed. */
  private rank(q: number): number | null {
    const n = this.sortedMs.length;
    return n ? this.sortedMs[Math.max(0, Math.ceil(q * n) - 1)]! : null;
  }
}

/** First index in a sorted list whose value is ≥ v. */
function lowerBound(list: number[], v: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class HealthBoard {
  private readonly channels = new Map<string, Channel>();

  constructor(
    readonly thresholds: HealthThresholds,
    private readonly clock: Clock,
    private readonly onTransition?: (t: HealthTransition) => void,
  ) {}

  private channel(provider: string, method: string): Channel {
    const key = `${provider}|${method}`;
    let c = this.channels.get(key);
    if (!c) this.channels.set(key, (c = new Channel()));
    return c;
  }

  private prune(c: Channel, now: number) {
    c.prune(now - this.thresholds.windowMs);
  }

  private signals(c: Channel): HealthSignals {
    return c.signals();
  }

  view(provider: string, method: string): ChannelView {
    const c = this.channels.get(`${provider}|${method}`);
    if (!c) return { state: 'healthy', signals: { calls: 0, failures: 0, consecutiveFailures: 0, errorRate: null, p50Ms: null, p95Ms: null, p99Ms: null } };
    const now = this.clock.now().getTime();
    this.prune(c, now);
    const signals = this.signals(c);
    if (!c.degraded) return { state: 'healthy', signals };
    const probing = now >= c.degraded.probeAt && now >= c.probeHeldUntil;
    return { state: probing ? 'probing' : 'degraded', reason: c.degraded.reason, since: new Date(c.degraded.since).toISOString(), signals };
  }

  /** Takes the one probe slot of a degraded channel whose probe is due; false when not due or taken. */
  claimProbe(provider: string, method: string): boolean {
    const c = this.channels.get(`${provider}|${method}`);
    const now = this.clock.now().getTime();
    if (!c?.degraded || now < c.degraded.probeAt || now < c.probeHeldUntil) return false;
    c.probeHeldUntil = now + PROBE_HOLD_MS;
    return true;
  }

  /** Frees a probe slot that was claimed but not used. */
  releaseProbe(provider: string, method: string): void {
    const c = this.channels.get(`${provider}|${method}`);
    if (c) c.probeHeldUntil = 0;
  }

  /** The outcome of one create: `ok` false for a transient failure (unavailable, timeout). */
  record(provider: string, method: string, ok: boolean, ms: number): void {
    const c = this.channel(provider, method);
    const now = this.clock.now().getTime();
    const t = this.thresholds;
    if (c.degraded) {
      // A probe (or a last-resort call while everything was degraded): only a fast success brings it back.
      c.probeHeldUntil = 0;
      if (ok && ms <= t.p95Ms) {
        c.clear();
        c.degraded = null;
        c.changedAt = now;
        this.onTransition?.({ provider, method, state: 'healthy', reason: 'probe_succeeded', at: now, signals: this.signals(c) });
      } else {
        c.degraded.probeAt = now + t.probeAfterMs;
      }
      return;
    }
    c.consecutive = ok ? 0 : c.consecutive + 1;
    c.add({ at: now, ok, ms });
    this.prune(c, now);
    const s = this.signals(c);
    const reason: DegradeReason | null =
      c.consecutive >= t.consecutiveFailures
        ? 'consecutive_failures'
        : s.calls >= t.latencyMinCalls && s.p95Ms! > t.p95Ms
          ? 'p95_latency'
          : s.calls >= t.errorRateMinCalls && s.errorRate! > t.errorRatePercent
            ? 'error_rate'
            : null;
    if (!reason) return;
    c.degraded = { since: now, probeAt: now + t.probeAfterMs, reason };
    c.changedAt = now;
    this.onTransition?.({ provider, method, state: 'degraded', reason, at: now, probeAt: c.degraded.probeAt, signals: s });
  }

  /** A transition decided by another instance; ignored when this one knows of a later change. */
  adopt(t: HealthTransition): boolean {
    const c = this.channel(t.provider, t.method);
    if (t.at <= c.changedAt) return false;
    c.changedAt = t.at;
    if (t.state === 'degraded') {
      const reason = (['consecutive_failures', 'p95_latency', 'error_rate'] as const).find((r) => r === t.reason) ?? 'consecutive_failures';
      c.degraded = { since: t.at, probeAt: t.probeAt ?? t.at + this.thresholds.probeAfterMs, reason };
    } else {
      c.clear();
      c.degraded = null;
    }
    c.probeHeldUntil = 0;
    return true;
  }

  /** Whether a channel is degraded (or waiting for its probe to succeed). */
  isDegraded(provider: string, method: string): boolean {
    return !!this.channels.get(`${provider}|${method}`)?.degraded;
  }
}
