/**
 * Personal data retention (UU No. 27/2022 on Personal Data Protection: personal data is kept no longer than its
 * purpose needs). A background job erases customer name, email and phone from payments closed longer than
 * BAYAR_PII_RETENTION_DAYS ago, and from the provider events, notification bodies and history stored with them,
 * and from payment links closed (completed, disabled or expired) longer than that; amounts, references, statuses
 * and history stay for the financial record. On PostgreSQL each batch is claimed
 * with SKIP LOCKED, like the other workers, so several instances share the sweep without doing it twice.
 *
 * `eraseCustomer` is the on-request erasure (`npm run pii-erase`, `bayar pii-erase`): one customer by email or
 * phone, from their payments and payment links, whatever their status. It logs that an erasure happened and how much it touched, never what.
 */
import type { Clock } from '../lib/clock.js';
import { runInContext } from '../lib/context.js';
import type { Logger } from '../lib/logger.js';
import { emptyErasure, type PiiErasure } from '../store/pii.js';
import type { Store } from '../store/types.js';

export interface RetentionOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  retentionDays: number;
  /** How often the sweep runs (default hourly). */
  intervalMs?: number;
  batch?: number;
  /** After a pass that erased something: how many payments and how many links. */
  onErased?: (payments: number, links: number) => void;
}

export class PiiRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  private readonly o: Required<Omit<RetentionOptions, 'onErased'>> & Pick<RetentionOptions, 'onErased'>;

  constructor(o: RetentionOptions) {
    this.o = { intervalMs: 3_600_000, batch: 200, ...o };
  }

  start() {
    this.stopped = false;
    this.schedule(Math.min(60_000, this.o.intervalMs));
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number) {
    this.timer = setTimeout(() => {
      this.running = runInContext({ reqId: 'job:pii-retention' }, () => this.runOnce())
        .catch((err) => this.o.log.error({ err }, 'personal data retention pass failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.schedule(this.o.intervalMs);
        });
    }, ms);
    this.timer.unref();
  }

  /** Erases everything due now, batch by batch; returns what it touched. */
  async runOnce(): Promise<PiiErasure> {
    const now = this.o.clock.now();
    const closedBefore = new Date(now.getTime() - this.o.retentionDays * 86_400_000).toISOString();
    const total = emptyErasure();
    for (;;) {
      const r = await this.o.store.erasePii({ closedBefore, limit: this.o.batch }, now.toISOString());
      add(total, r);
      if ((r.payments < this.o.batch && r.links < this.o.batch) || (this.stopped && this.timer)) break;
    }
    if (total.payments > 0 || total.links > 0) {
      this.o.onErased?.(total.payments, total.links);
      this.o.log.info({ ...counts(total), retentionDays: this.o.retentionDays }, 'personal data past retention erased');
    }
    return total;
  }
}

function add(into: PiiErasure, r: PiiErasure) {
  into.payments += r.payments;
  into.links += r.links;
  into.providerEvents += r.providerEvents;
  into.notifications += r.notifications;
  into.history += r.history;
  into.idempotencyRecords += r.idempotencyRecords;
  into.paymentIds.push(...r.paymentIds);
  into.linkIds.push(...r.linkIds);
}

/** What an erasure touched, without which payments or whose data (for logs). */
export const counts = (r: PiiErasure) => ({
  payments: r.payments,
  links: r.links,
  providerEvents: r.providerEvents,
  notifications: r.notifications,
  history: r.history,
  idempotencyRecords: r.idempotencyRecords,
});

/** Erases one customer's data on their request. */
export async function eraseCustomer(store: Store, want: { email?: string; phone?: string }, clock: Clock, log: Logger): Promise<PiiErasure> {
  if (!want.email === !want.phone) throw new Error('name exactly one of email or phone');
  const [paymentIds, linkIds] = await Promise.all([store.findByCustomer(want), store.findLinksByCustomer(want)]);
  const r = paymentIds.length || linkIds.length ? await store.erasePii({ paymentIds, linkIds }, clock.now().toISOString()) : emptyErasure();
  // That it happened and what it touched, never whose data: the log must not become a second copy of it.
  log.info({ ...counts(r), by: want.email ? 'email' : 'phone' }, 'personal data erased on request');
  return r;
}

/** How long a finished Idempotency-Key replays its first answer; after that it is forgotten (and purged). */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
