/**
 * Payment use cases, one facade over the files that each do one job: payment-create.ts (create and failover),
 * payment-cancel.ts, payment-events.ts (provider webhooks), payment-reconcile.ts (asking a provider for a status),
 * payment-refund.ts; what they share is payment-ledger.ts. The facade itself answers which methods an order can be
 * paid with. Each use case reads top-down: validate against the order, talk to the provider through the resilient
 * adapter, record the outcome in the ledger, then announce it.
 */
import type { InstallmentOption, PaymentMethod, ProviderId } from '../api-types.js';
import type { VerifiedWebhook, WebhookRequest } from '../providers/types.js';
import { listMethods } from './methods.js';
import { PaymentCancel } from './payment-cancel.js';
import { PaymentCreate, type OrderSpec } from './payment-create.js';
import { PaymentEvents } from './payment-events.js';
import { PaymentLedger, type PaymentServiceDeps } from './payment-ledger.js';
import { PaymentReconcile } from './payment-reconcile.js';
import type { PaymentRecord, RefundRecord } from './payment-record.js';
import { PaymentRefund } from './payment-refund.js';

export { providerReference, type OrderSpec } from './payment-create.js';
export type { PaymentServiceDeps } from './payment-ledger.js';

export class PaymentService {
  private readonly ledger: PaymentLedger;
  private readonly creates: PaymentCreate;
  private readonly cancels: PaymentCancel;
  private readonly events: PaymentEvents;
  private readonly checks: PaymentReconcile;
  private readonly refunds: PaymentRefund;
  private readonly methodCache = new Map<string, PaymentMethod[]>();

  constructor(private readonly d: PaymentServiceDeps) {
    this.ledger = new PaymentLedger(d, (p) => this.refunds.onDuplicate(p));
    this.cancels = new PaymentCancel(this.ledger);
    this.creates = new PaymentCreate(this.ledger, this.cancels, (order) => this.installments(order));
    this.events = new PaymentEvents(this.ledger);
    this.checks = new PaymentReconcile(this.ledger);
    this.refunds = new PaymentRefund(this.ledger);
  }

  /**
   * Methods for an amount. Routes and provider catalogues are fixed for the life of the process, so the answer
   * depends only on its arguments and is memoised (bounded: cleared when it grows past 1 000 amounts).
   */
  methods(amount: number | null, allowed?: string[]) {
    const key = `${amount}|${allowed?.join(',') ?? '*'}`;
    let hit = this.methodCache.get(key);
    if (!hit) {
      if (this.methodCache.size >= 1000) this.methodCache.clear();
      hit = Object.freeze(listMethods(this.ledger.router(), amount, allowed)) as PaymentMethod[];
      this.methodCache.set(key, hit);
    }
    return hit;
  }

  async installments(order: Pick<OrderSpec, 'amount' | 'items' | 'allowed'>): Promise<InstallmentOption[]> {
    const methods = this.methods(order.amount, order.allowed).filter((m) => m.family === 'paylater' && m.available);
    for (const m of methods) {
      const p = this.d.providers.get(m.provider);
      if (!p?.installments) continue;
      return await p.installments(order.amount, order.items);
    }
    return [];
  }

  get(id: string): Promise<PaymentRecord> {
    return this.ledger.get(id);
  }

  /** payment-create.ts: a new payment, or the order's pending one for the same method (created = false). */
  create(
    order: OrderSpec,
    methodId: string,
    installmentId?: string,
    entitled?: (existing: PaymentRecord) => boolean,
  ): Promise<{ payment: PaymentRecord; created: boolean }> {
    return this.creates.create(order, methodId, installmentId, entitled);
  }

  /** payment-cancel.ts: a customer's cancel (widget, with the payment's client secret). */
  cancel(id: string): Promise<PaymentRecord> {
    return this.cancels.cancel(id);
  }

  /** payment-events.ts: a provider webhook, verified, each event applied exactly once. */
  applyWebhook(providerId: ProviderId, req: WebhookRequest): Promise<VerifiedWebhook['ack']> {
    return this.events.applyWebhook(providerId, req);
  }

  /** payment-reconcile.ts: asks the provider about a pending payment and applies the answer; whether it changed. */
  reconcile(payment: PaymentRecord): Promise<boolean> {
    return this.checks.reconcile(payment);
  }

  /** payment-refund.ts: a full or partial refund (merchant API). */
  refund(id: string, amount: number, reason: string): Promise<{ refund: RefundRecord; payment: PaymentRecord }> {
    return this.refunds.refund(id, amount, reason);
  }
}
