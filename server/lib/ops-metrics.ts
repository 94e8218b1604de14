/**
 * The metrics the alert rules (deploy/prometheus/alerts.yml) and the dashboard (deploy/grafana/bayar.json) are
 * built on, beside the basic ones in metrics.ts. Ledger-wide figures (pending payments per provider, the last
 * webhook per provider, the oldest undelivered notification, overdue payments, flagged payments) are read from
 * the store at scrape time, at most once per `cacheMs`, so a scrape every few seconds by several Prometheus
 * servers costs the ledger a handful of indexed queries, not one per scrape each. Every instance on one
 * PostgreSQL ledger reports the same values for these: alert on max() across instances.
 *
 * docs/operations.md lists every metric; test/server/observability.test.ts fails when an alert or dashboard
 * names one that /metrics does not export.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the ledger-wide gauges show, as the store counts it (Store.opsStats). */
export interface OpsStats {
  /** Pending payments per provider. */
  pendingByProvider: Record<string, number>;
  /** When the last provider event (webhook) was stored, per provider. */
  lastEventAt: Record<string, string>;
  /** Creation time of the oldest undelivered merchant notification. */
  outboxOldestAt: string | null;
  /** Deadline of the pending payment whose deadline is earliest (past it, the outcome is overdue). */
  pendingOldestExpiresAt: string | null;
  /** Payments carrying each flag (late_payment, duplicate_payment, amount_mismatch…). */
  flagged: Record<string, number>;
}

export interface OpsMetricsOptions {
  /** Counts the ledger-wide figures (the store's opsStats): metrics read the ledger through this, never the store. */
  opsStats: () => Promise<OpsStats>;
  /** Whether the ledger is reachable and migrated (the store's ready). */
  ready: () => Promise<boolean>;
  /** Circuit state per provider (the resilience layer's breakers). */
  circuits: () => Array<{ provider: string; state: string }>;
  now: () => number;
  /** How long a read of the ledger-wide figures is reused. */
  cacheMs?: number;
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

export class OpsMetrics {
  readonly ledgerWrites: Histogram<'operation'>;
  readonly statusChanges: Counter<'family' | 'provider' | 'status'>;
  readonly storeUnavailable: Counter<'route'>;
  readonly reconciliationMismatches: Gauge;
  readonly reconciliationStatements: Counter;
  readonly piiErased: Counter<'trigger'>;
  readonly piiErasedLinks: Counter<'trigger'>;
  private cached: { at: number; stats: Promise<OpsStats> } | null = null;

  constructor(registry: Registry, o: OpsMetricsOptions) {
    const registers = [registry];
    const cacheMs = o.cacheMs ?? 10_000;
    const none: OpsStats = { pendingByProvider: {}, lastEventAt: {}, outboxOldestAt: null, pendingOldestExpiresAt: null, flagged: {} };
    const stats = async () => {
      const now = o.now();
      if (!this.cached || now - this.cached.at >= cacheMs) this.cached = { at: now, stats: o.opsStats() };
      try {
        return await this.cached.stats;
      } catch {
        // The ledger cannot be read: no figures this scrape (bayar_ready is 0), and the next scrape asks again.
        this.cached = null;
        return none;
      }
    };

    this.ledgerWrites = new Histogram({
      name: 'bayar_ledger_write_duration_seconds',
      help: 'Time to commit one ledger write (a transaction), by store operation',
      labelNames: ['operation'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.statusChanges = new Counter({
      name: 'bayar_payment_status_changes_total',
      help: 'Payment status changes committed by this instance (status "pending" counts created payments)',
      labelNames: ['family', 'provider', 'status'] as const,
      registers,
    });
    this.storeUnavailable = new Counter({
      name: 'bayar_store_unavailable_total',
      help: 'Requests answered 503 store_unavailable because the ledger could not be reached',
      labelNames: ['route'] as const,
      registers,
    });
    this.reconciliationMismatches = new Gauge({
      name: 'bayar_reconciliation_mismatches',
      help: 'Rows flagged as mismatched in the last reconciliation statement this instance built',
      registers,
    });
    this.reconciliationStatements = new Counter({
      name: 'bayar_reconciliation_statements_total',
      help: 'Reconciliation statements built',
      registers,
    });
    this.piiErased = new Counter({
      name: 'bayar_pii_erased_payments_total',
      help: 'Payments whose customer data was erased, by trigger (retention or request)',
      labelNames: ['trigger'] as const,
      registers,
    });
    this.piiErasedLinks = new Counter({
      name: 'bayar_pii_erased_links_total',
      help: 'Payment links whose customer data was erased, by trigger (retention)',
      labelNames: ['trigger'] as const,
      registers,
    });
    new Gauge({
      name: 'bayar_circuit_open',
      help: '1 while the circuit breaker of a provider is open (calls are skipped and routing fails over)',
      labelNames: ['provider'] as const,
      registers,
      collect() {
        this.reset();
        for (const c of o.circuits()) this.set({ provider: c.provider }, c.state === 'open' || c.state === 'isolated' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'bayar_ready',
      help: '1 when the ledger is reachable and migrated (what /readyz answers 200 for)',
      registers,
      async collect() {
        this.set((await o.ready().catch(() => false)) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'bayar_provider_pending_payments',
      help: 'Pending payments per provider (ledger-wide)',
      labelNames: ['provider'] as const,
      registers,
      async collect() {
        this.reset();
        for (const [provider, n] of Object.entries((await stats()).pendingByProvider)) this.set({ provider }, n);
      },
    });
    new Gauge({
      name: 'bayar_provider_last_webhook_timestamp_seconds',
      help: 'Unix time of the last provider event (webhook) stored, per provider (ledger-wide)',
      labelNames: ['provider'] as const,
      registers,
      async collect() {
        this.reset();
        for (const [provider, at] of Object.entries((await stats()).lastEventAt)) this.set({ provider }, seconds(at));
      },
    });
    new Gauge({
      name: 'bayar_outbox_oldest_age_seconds',
      help: 'Age of the oldest merchant notification not yet delivered (0 when none is waiting)',
      registers,
      async collect() {
        const at = (await stats()).outboxOldestAt;
        this.set(at ? Math.max(0, o.now() / 1000 - seconds(at)) : 0);
      },
    });
    new Gauge({
      name: 'bayar_overdue_pending_oldest_age_seconds',
      help: 'How long ago the earliest deadline of a still-pending payment passed (0 when none is overdue): the provider has not settled its outcome',
      registers,
      async collect() {
        const at = (await stats()).pendingOldestExpiresAt;
        this.set(at ? Math.max(0, o.now() / 1000 - seconds(at)) : 0);
      },
    });
    new Gauge({
      name: 'bayar_payments_flagged',
      help: 'Payments carrying a flag (late_payment, duplicate_payment, amount_mismatch, external_refund…), ledger-wide',
      labelNames: ['flag'] as const,
      registers,
      async collect() {
        this.reset();
        // The flags alerts watch are always exported, so "appeared" is a change from 0, not a new series.
        for (const flag of ['late_payment', 'duplicate_payment', 'amount_mismatch']) this.set({ flag }, 0);
        for (const [flag, n] of Object.entries((await stats()).flagged)) this.set({ flag }, n);
      },
    });
  }
}

/** Store operations that write: timed into bayar_ledger_write_duration_seconds. */
const WRITES = new Set([
  'insertPayment', 'attachProviderResult', 'updateAttempt', 'transition', 'recordEvent', 'beginIdempotent', 'completeIdempotent',
  'abandonIdempotent', 'claimOutbox', 'markDelivered', 'markDeliveryFailed', 'beginRefund', 'finishRefund', 'markChecked', 'erasePii',
]);

/** The store with its writes timed; everything else passes through untouched. */
export function timedStore<S extends object>(store: S, ops: OpsMetrics): S {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || typeof v !== 'function' || !WRITES.has(prop)) return v;
      return async (...args: unknown[]) => {
        const end = ops.ledgerWrites.startTimer({ operation: prop });
        try {
          return await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          end();
        }
      };
    },
  });
}
