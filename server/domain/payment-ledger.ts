/**
 * What every payment job (payment-create, -cancel, -events, -reconcile, -refund) shares: the dependencies, reading
 * a payment, and recording a change. Every provider-driven change goes through Store.transition, which
 * deduplicates by the provider's event identity and only allows the moves planTransition (transition.ts) allows;
 * a committed change is then announced (live bus, onChange, the notification worker).
 */
import type { MethodFamily, ProviderId } from '../api-types.js';
import { notFound } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { aboutPayment } from '../lib/context.js';
import type { Logger } from '../lib/logger.js';
import type { ResilientProvider } from '../providers/resilience.js';
import type { ProviderStatus } from '../providers/types.js';
import type { HistoryEntry, Store, TransitionInput } from '../store/types.js';
import type { DeadlinePolicy } from './deadlines.js';
import type { LimitOverrides } from './limits.js';
import type { LiveBus } from './live.js';
import type { Router } from './methods.js';
import type { PaymentRecord } from './payment-record.js';
import type { Routing } from './routing.js';

export interface PaymentServiceDeps {
  store: Store;
  providers: Map<ProviderId, ResilientProvider>;
  routes: Record<MethodFamily, ProviderId[]>;
  clock: Clock;
  bus: LiveBus;
  log: Logger;
  /** Absolute base URL of this companion, for webhook URLs handed to providers. */
  publicUrl: string;
  /** How long payments stay open (server/domain/deadlines.ts). */
  deadlines: DeadlinePolicy;
  /** BAYAR_LIMITS (server/domain/limits.ts). */
  limits?: LimitOverrides;
  /** Called after every committed status change. */
  onChange?: (p: PaymentRecord, h: HistoryEntry) => void;
  /** Called after anything that may have queued a merchant notification (wakes the delivery worker). */
  wake?: () => void;
  /** Whether status changes queue merchant notifications (BAYAR_NOTIFY_URL is set). */
  notify: boolean;
  /** Orders the candidates of each create (channel health, fees) and records why (domain/routing.ts). */
  routing: Routing;
  /** BAYAR_AUTO_REFUND_DUPLICATES: refund a second payment of an already paid order where the provider can. */
  autoRefundDuplicates?: boolean;
}

export class PaymentLedger {
  constructor(
    readonly d: PaymentServiceDeps,
    /** A committed change flagged a second payment of an already paid order (payment-refund.ts decides what follows). */
    private readonly onDuplicate: (p: PaymentRecord) => void,
  ) {}

  /** The enabled providers along their routes, as server/domain/methods.ts reads them. */
  router(): Router {
    return { routes: this.d.routes, get: (id: ProviderId) => this.d.providers.get(id), limits: this.d.limits };
  }

  async get(id: string): Promise<PaymentRecord> {
    const p = typeof id === 'string' && id.length <= 64 ? await this.d.store.getPayment(id) : null;
    if (!p) throw notFound('payment_not_found', 'No payment with this id.');
    aboutPayment(p);
    return p;
  }

  async transition(t: TransitionInput) {
    const r = await this.d.store.transition({ ...t, notify: this.d.notify });
    if (r.outcome === 'applied' && r.history) this.announce(r.payment, r.history);
    else if (r.added?.length) this.d.wake?.();
    if (r.added?.includes('duplicate_payment')) this.onDuplicate(r.payment);
    return r;
  }

  /** Records a provider's answer (status call, or cancel that came too late) through the one transition plan. */
  async applyProviderStatus(payment: PaymentRecord, s: ProviderStatus, source: string, at = this.d.clock.now().toISOString()) {
    return this.transition({
      paymentId: payment.id,
      at,
      source,
      reported: { status: s.status, amounts: s.amount === undefined ? [] : [s.amount], paidAt: s.paidAt, providerStatus: s.providerStatus, failureReason: s.failureReason },
    });
  }

  announce(p: PaymentRecord, h: HistoryEntry) {
    // After the answer, not before: the change is committed, and a webhook's acknowledgement should not wait for
    // thousands of SSE writes (streams replay from the ledger by seq, so the order cannot be lost).
    setImmediate(() => this.d.bus.publish(h));
    this.d.onChange?.(p, h);
    this.d.wake?.();
  }
}

/** The base of every payment job: the shared ledger steps and the dependencies they run on. */
export abstract class PaymentJob {
  protected readonly d: PaymentServiceDeps;

  constructor(protected readonly ledger: PaymentLedger) {
    this.d = ledger.d;
  }
}
