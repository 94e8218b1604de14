/**
 * The reconciler asks providers about pending payments whose webhook never came, and applies what they say
 * (paid, expired, cancelled…) exactly as a webhook would. Each payment is asked at most once per
 * `minCheckIntervalMs` (Komerce allows 1 status request per 3 s per payment, providers.md §3.2), and the
 * pass is sequential so a burst of pending payments never becomes a burst of provider calls.
 */
import type { Clock } from '../lib/clock.js';
import { runInContext } from '../lib/context.js';
import type { Logger } from '../lib/logger.js';
import { IDEMPOTENCY_TTL_MS } from './retention.js';
import type { Store } from '../store/types.js';
import type { PaymentService } from './payment-service.js';

export interface ReconcilerOptions {
  store: Store;
  service: PaymentService;
  clock: Clock;
  log: Logger;
  intervalMs?: number;
  minCheckIntervalMs?: number;
  batch?: number;
}

export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  private readonly o: Required<ReconcilerOptions>;

  constructor(o: ReconcilerOptions) {
    this.o = { intervalMs: 15_000, minCheckIntervalMs: 60_000, batch: 25, ...o };
  }

  start() {
    this.stopped = false;
    this.schedule();
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule() {
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((err) => this.o.log.error({ err }, 'reconciliation pass failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.schedule();
        });
    }, this.o.intervalMs);
    this.timer.unref();
  }

  /** One pass; returns how many payments changed status. */
  async runOnce(): Promise<number> {
    const now = this.o.clock.now();
    // Expired Idempotency-Keys go with each pass, so the table holds at most a day of keys.
    await this.o.store.purgeIdempotency(new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString()).catch((err) =>
      this.o.log.warn({ err: (err as Error).message }, 'could not purge expired idempotency keys'),
    );
    const due = await this.o.store.duePending(new Date(now.getTime() - Math.max(3_000, this.o.minCheckIntervalMs)).toISOString(), this.o.batch);
    let changed = 0;
    for (const p of due) {
      if (this.stopped && this.timer) break;
      try {
        // Each payment is its own unit of work in the logs (lib/context.ts), found by its payment id.
        if (await runInContext({ reqId: `reconcile:${p.id}`, paymentId: p.id, family: p.family }, () => this.o.service.reconcile(p))) changed++;
      } catch (err) {
        this.o.log.warn({ paymentId: p.id, provider: p.provider, err: (err as Error).message }, 'could not reconcile payment');
      }
    }
    return changed;
  }
}
