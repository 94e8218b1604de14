/**
 * Prometheus metrics (prom-client), one registry per app so several apps in one process (tests) do not collide.
 * Gauges that mirror the ledger (payments by status, outbox backlog) are read from the store at scrape time.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProviderId } from '../api-types.js';

/** How the ledger gauges are counted (the store's countByStatus and outboxBacklog, passed in by createApp). */
export interface LedgerCounts {
  byStatus: () => Promise<Record<string, number>>;
  outboxBacklog: () => Promise<number>;
}

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'bayar_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'bayar_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly providerCalls = new Histogram({
    name: 'bayar_provider_call_duration_seconds',
    help: 'Provider API call latency by provider, method family, operation and outcome',
    labelNames: ['provider', 'family', 'operation', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
    registers: [this.registry],
  });
  readonly providerErrors = new Counter({
    name: 'bayar_provider_errors_total',
    help: 'Provider API call failures by provider, method family, operation and kind',
    labelNames: ['provider', 'family', 'operation', 'kind'] as const,
    registers: [this.registry],
  });
  readonly webhookVerifications = new Counter({
    name: 'bayar_webhook_verifications_total',
    help: 'Provider webhooks by verification outcome',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly sseConnections = new Gauge({
    name: 'bayar_sse_connections',
    help: 'Open live-status (SSE) streams',
    registers: [this.registry],
  });

  /**
   * `ledgerCacheMs`: the ledger gauges (payments by status, outbox backlog) are counted at most once per this many ms,
   * whatever the number of scrapers: counting a million payments blocks for tens of milliseconds, and a scrape must
   * never cost the checkout that. Concurrent scrapes share one count.
   */
  constructor(ledger: LedgerCounts, circuits: () => Array<{ provider: ProviderId; state: string }>, withDefaults = true, ledgerCacheMs = 15_000) {
    if (withDefaults) collectDefaultMetrics({ register: this.registry, prefix: 'bayar_' });
    const byStatus = cached(ledger.byStatus, ledgerCacheMs);
    const backlog = cached(ledger.outboxBacklog, ledgerCacheMs);
    new Gauge({
      name: 'bayar_payments',
      help: `Payments in the ledger by status (counted at most every ${ledgerCacheMs / 1000} s)`,
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        const counts: Record<string, number> = await byStatus().catch(() => ({}));
        this.reset();
        // A ledger that cannot be read leaves these series out; /metrics still answers (bayar_ready says why).
        for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'bayar_outbox_backlog',
      help: 'Merchant notifications not yet delivered',
      registers: [this.registry],
      async collect() {
        const n = await backlog().catch(() => null);
        if (n === null) this.reset();
        else this.set(n);
      },
    });
    new Gauge({
      name: 'bayar_provider_circuit_state',
      help: 'Circuit breaker state per provider (1 for the current state)',
      labelNames: ['provider', 'state'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const c of circuits()) {
          for (const state of ['closed', 'open', 'half_open', 'isolated']) this.set({ provider: c.provider, state }, c.state === state ? 1 : 0);
        }
      },
    });
  }
}

/** fn's result, computed at most once per `ms` (concurrent callers share the run in flight). */
function cached<T>(fn: () => Promise<T>, ms: number): () => Promise<T> {
  let value: { at: number; p: Promise<T> } | null = null;
  return () => {
    const now = performance.now();
    if (!value || now - value.at >= ms) {
      const p = fn();
      value = { at: now, p };
      // A failed count is not kept: the next scrape tries again.
      p.catch(() => value?.p === p && (value = null));
    }
    return value.p;
  };
}
