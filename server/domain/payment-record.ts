/**
 * The payment as the ledger keeps it, and its public shape (contract.md §3 "Payment object").
 */
import type { Customer, FailureReason, MethodFamily, Payment, PaymentStatus, ProviderId, RoutingExplanation, PaymentInstructions } from '../api-types.js';
import { cachedQrModules } from '../lib/qr-modules.js';
import { paySteps } from './pay-steps.js';

/** Who named the order (see the `order source` migration): only a payment of the same source shares its order. */
export type OrderSource = 'session' | 'page' | 'catalog';

export interface PaymentRecord {
  id: string;
  orderId: string;
  orderSource: OrderSource;
  method: string;
  family: MethodFamily;
  provider: ProviderId;
  /** Integer IDR. */
  amount: number;
  status: PaymentStatus;
  /** Deterministic id sent to the provider for the current attempt. */
  reference: string;
  attempt: number;
  /** The provider's own id, known once the provider answered. */
  providerRef: string | null;
  /** Null while the provider call is in flight. */
  /** In the public shape (api-types.ts), as the provider gave them. */
  instructions: PaymentInstructions | null;
  installment: { id: string; tenure: number } | null;
  customer: Customer;
  flags: string[];
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  paidAt: string | null;
  /** Why the provider declined it (set when it became `failed`). */
  failureReason?: FailureReason | null;
  /** Integer IDR refunded so far (succeeded refunds, plus pending ones reserved against the paid amount). */
  refundedAmount: number;
  /** Integer IDR: the current provider's fee for this payment per BAYAR_FEES; null when none is configured. */
  expectedFee: number | null;
  /** Why the payment went where it went (merchant only). Null for payments older than routing. */
  routing: RoutingExplanation | null;
  /** The payment link it was made through, and the checkout (one visitor's page of that link) that made it. */
  link?: { id: string; checkout: string } | null;
}

export interface RefundRecord {
  id: string;
  paymentId: string;
  amount: number;
  reason: string;
  status: 'pending' | 'succeeded' | 'failed';
  providerRef: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toPublicPayment(r: PaymentRecord): Payment {
  const p: Payment = {
    id: r.id,
    orderId: r.orderId,
    method: r.method,
    family: r.family,
    provider: r.provider,
    amount: r.amount,
    currency: 'IDR',
    status: r.status,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
  };
  if (r.paidAt) p.paidAt = r.paidAt;
  if (r.status === 'failed' && r.failureReason) p.failureReason = r.failureReason;
  // Instructions are only useful (and only safe to show) while the customer can still pay.
  if (r.instructions && r.status === 'pending') Object.assign(p, structuredClone(r.instructions));
  if (r.installment) p.installment = { ...r.installment };
  if (r.flags.length) p.flags = [...r.flags];
  if (r.refundedAmount > 0) p.refundedAmount = r.refundedAmount;
  return p;
}

/**
 * The payment as the widget API answers it: the public payment plus each QR payload's symbol, encoded here so the
 * widget needs no QR encoder, and how to pay it (pay-steps.ts: a VA's bank channels, a store's till, a wallet's
 * app), so the widget carries no bank's, store's or wallet's sentences. Only in answers: history snapshots,
 * notifications and streams stay without them.
 */
export function toWidgetPayment(r: PaymentRecord): Payment {
  const p = toPublicPayment(r);
  const steps = paySteps(p);
  if (steps) p.steps = steps;
  if (p.qris?.qrString) p.qris.qr = cachedQrModules(p.qris.qrString);
  if (p.ewallet?.qrString) p.ewallet.qr = cachedQrModules(p.ewallet.qrString);
  return p;
}

/** The payment as the merchant sees it (merchant key): the public payment plus the expected fee, and optionally the routing explanation. */
export function toMerchantPayment(r: PaymentRecord, withRouting = false): Payment {
  const p = toPublicPayment(r);
  if (r.expectedFee !== null) p.expectedFee = r.expectedFee;
  if (withRouting && r.routing) p.routing = structuredClone(r.routing);
  return p;
}
