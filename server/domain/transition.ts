/**
 * What a status change means, decided in one place. Both stores call planTransition inside their transaction with
 * the payment as it is now and the facts they read there, then execute the plan atomically (row update, history
 * row, inbox outcome, outbox rows). Pure: no I/O, no clock.
 */
import type { FailureReason, PaymentStatus } from '../api-types.js';
import { toPublicPayment, type PaymentRecord } from './payment-record.js';
import { canTransition } from './state-machine.js';

/** A provider's word about a payment (a webhook, confirmed with the status API where it must be, or a status answer). */
export interface Reported {
  status: PaymentStatus;
  /** Every amount a provider stated for this payment (webhook and status API): each must equal the ledger's. */
  amounts: number[];
  paidAt?: string;
  providerStatus: string;
  /** Why it failed, when the provider said: kept on the payment so the customer can be told. */
  failureReason?: FailureReason;
}

/** A change: either the provider's word (`reported`), or Bayar's own decision (`to`, e.g. a customer's cancel). */
export interface ChangeRequest {
  /** Null records the event and flags without changing the status. Ignored when `reported` is given. */
  to?: PaymentStatus | null;
  reason?: string;
  paidAt?: string;
  addFlags?: string[];
  reported?: Reported;
  at: string;
}

/** What the store reads in the same transaction. */
export interface TransitionFacts {
  /** Another payment of the same order is paid (or refunded). */
  orderPaidElsewhere: boolean;
}

export type NotificationType = 'payment.status' | 'payment.duplicate';

export interface TransitionPlan {
  outcome: 'applied' | 'ignored';
  /** The row after the change (status, flags, paidAt). */
  next: PaymentRecord;
  /** Whether the row changes at all (status or flags). */
  write: boolean;
  reason: string;
  /** Flags this change adds. */
  added: string[];
  /** Merchant notifications this change queues (when notifications are on), in order. */
  notify: NotificationType[];
  /** Recorded as the provider event's outcome in the inbox. */
  eventOutcome: string;
}

/** Statuses in which the order's money has arrived. */
export const isPaidStatus = (s: PaymentStatus) => s === 'paid' || s === 'refunded';

export function planTransition(current: PaymentRecord, c: ChangeRequest, facts: TransitionFacts): TransitionPlan {
  let to: PaymentStatus | null;
  let reason: string;
  let flags = [...(c.addFlags ?? [])];
  let paidAt = c.paidAt;
  const r = c.reported;
  if (r) {
    reason = `provider:${r.providerStatus}`;
    to = r.status;
    paidAt = r.paidAt;
    if (r.status === 'paid' && r.amounts.some((a) => a !== current.amount)) {
      // Never paid for a different amount than the ledger's: stored and flagged for the merchant instead.
      (to = null), (reason = 'amount_mismatch'), flags.push('amount_mismatch');
    } else if (r.status === 'refunded') {
      // A provider's "refunded" says money went back, not how much (Midtrans partial_refund, a partly refunded
      // Xendit charge): the ledger's own refund records decide when a payment is fully refunded. A refund nobody
      // asked Bayar for is flagged for the merchant to look at.
      to = null;
      const ours = current.refundedAmount > 0 || current.status === 'refunded';
      if (!ours && current.status === 'paid') (reason = 'external_refund'), flags.push('external_refund');
    } else if (r.status === 'paid' && !canTransition(current.status, 'paid') && !isPaidStatus(current.status)) {
      // Money after the payment closed (expired, cancelled, failed): recorded and flagged, never dropped.
      (to = null), (reason = 'late_payment'), flags.push('late_payment');
      if (facts.orderPaidElsewhere) flags.push('duplicate_payment');
    } else if (r.status === 'paid' && current.status === 'pending' && facts.orderPaidElsewhere) {
      // The order was paid through another of its payments (the customer paid an old code during a switch):
      // this money is real, so it is recorded as paid, and flagged so the merchant can refund it.
      flags.push('duplicate_payment');
    }
  } else {
    to = c.to ?? null;
    reason = c.reason ?? (to ? to : 'flags');
  }
  const legal = to !== null && canTransition(current.status, to);
  const added = [...new Set(flags)].filter((f) => !current.flags.includes(f));
  const next: PaymentRecord = {
    ...current,
    status: legal ? to! : current.status,
    flags: [...current.flags, ...added],
    paidAt: legal && to === 'paid' ? (paidAt ?? c.at) : current.paidAt,
    failureReason: legal && to === 'failed' ? (r?.failureReason ?? null) : (current.failureReason ?? null),
    updatedAt: legal || added.length ? c.at : current.updatedAt,
  };
  const notify: NotificationType[] = [];
  if (legal) notify.push('payment.status');
  if (added.includes('duplicate_payment')) notify.push('payment.duplicate');
  return {
    outcome: legal ? 'applied' : 'ignored',
    next,
    write: legal || added.length > 0,
    reason,
    added,
    notify,
    eventOutcome: legal ? 'applied' : added.length ? `flagged:${added.join(',')}` : 'ignored',
  };
}

/** The JSON body of a merchant notification about a payment, from its public snapshot. */
export function notificationBody(type: NotificationType, snapshot: string): string {
  return `{"type":"${type}","payment":${snapshot}}`;
}

export const snapshotOf = (p: PaymentRecord) => JSON.stringify(toPublicPayment(p));

/**
 * A settled refund: whether the payment becomes `refunded` (its succeeded refunds add up to the whole amount),
 * and the `payment.refund` notification body.
 */
export function planRefundSettlement(
  payment: PaymentRecord,
  succeededTotal: number,
): { toRefunded: boolean } {
  return { toRefunded: payment.status === 'paid' && succeededTotal === payment.amount };
}

export function refundNotificationBody(
  payment: PaymentRecord,
  refund: { id: string; paymentId: string; amount: number; reason: string; status: string; createdAt: string },
): string {
  return JSON.stringify({
    type: 'payment.refund',
    payment: toPublicPayment(payment),
    refund: { id: refund.id, paymentId: refund.paymentId, amount: refund.amount, reason: refund.reason, status: refund.status, createdAt: refund.createdAt },
  });
}
