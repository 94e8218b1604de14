/** In-memory state of the Indodana emulator: its plans, transactions and their transitions. */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';

export type IndodanaEmuStatus = 'PENDING' | 'INITIATED' | 'PAID' | 'EXPIRED' | 'CANCELLED';

export interface EmuItem {
  id: string;
  name: string;
  price: number;
  quantity: number;
}

export interface Plan {
  id: string;
  /** Months; 1 for `30_days`. */
  months: number;
  /** Monthly flat rate in basis points of the amount (260 = 2.6 % a month). */
  rateBp: number;
}

/** Realistic Indodana-like plans; exact rates are the emulator's own choice. */
export const PLANS: readonly Plan[] = [
  { id: '30_days', months: 1, rateBp: 0 },
  { id: '3_months', months: 3, rateBp: 295 },
  { id: '6_months', months: 6, rateBp: 275 },
  { id: '12_months', months: 12, rateBp: 260 },
];

export interface PlanQuote {
  plan: Plan;
  totalInterest: number;
  monthlyInstallment: number;
  installmentAmount: number;
}

/** Integer rupiah throughout: interest and instalments are rounded up, never down. */
export function quote(amount: number, plan: Plan): PlanQuote {
  const totalInterest = Math.floor((amount * plan.rateBp * plan.months + 9_999) / 10_000);
  const total = amount + totalInterest;
  const monthlyInstallment = Math.floor((total + plan.months - 1) / plan.months);
  return { plan, totalInterest, monthlyInstallment, installmentAmount: monthlyInstallment * plan.months };
}

export interface Transaction {
  transactionId: string;
  merchantOrderId: string;
  amount: number;
  paidAmount?: number;
  items: EmuItem[];
  paymentType: string;
  customerName: string;
  sellerName: string;
  notifyUrl: string;
  backToStoreUrl?: string;
  cancellationRedirectUrl?: string;
  status: IndodanaEmuStatus;
  statusAt: Date;
  createdAt: Date;
  expiresAt: Date;
  /** Canonical form of the create body, to tell an identical retry from a conflicting reuse. */
  canonicalBody: string;
  responseText: string;
  refunds: Map<string, number>;
  refundedTotal: number;
  notifications: Array<{ url: string; body: string }>;
}

export class IndodanaState {
  readonly byOrderId = new Map<string, Transaction>();
  readonly byTransactionId = new Map<string, Transaction>();

  constructor(private readonly clock: Clock) {}

  add(t: Transaction) {
    this.byOrderId.set(t.merchantOrderId, t);
    this.byTransactionId.set(t.transactionId, t);
  }

  find(id: string): Transaction | undefined {
    const t = this.byTransactionId.get(id) ?? this.byOrderId.get(id);
    if (t && t.status === 'PENDING' && this.clock.now().getTime() >= t.expiresAt.getTime()) {
      t.status = 'EXPIRED';
      t.statusAt = t.expiresAt;
    }
    return t;
  }

  /** Approval: INITIATED is what Indodana reports once the loan is approved and the merchant is guaranteed. */
  approve(t: Transaction, amount?: number) {
    t.status = 'INITIATED';
    t.statusAt = this.clock.now();
    t.paidAmount = amount ?? t.amount;
  }

  /** Ends the transaction (CANCELLED, EXPIRED) now. */
  end(t: Transaction, status: 'CANCELLED' | 'EXPIRED') {
    t.status = status;
    t.statusAt = this.clock.now();
  }
}

/** WIB ISO time, the offset Indodana's examples carry. */
export const wibIso = (d: Date) => `${new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 19)}+07:00`;

export const newTransactionId = () => `TRX-${randomBytes(12).toString('hex')}`;

/** Key-sorted JSON, so an identical retry compares equal whatever the property order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * What the check_status answer and a notification both say of a transaction. The amount is what was approved:
 * Bayar trusts it from check_status, not from the (unsigned) notification.
 */
export function transactionFields(t: Transaction) {
  return {
    amount: t.paidAmount ?? t.amount,
    paymentType: t.paymentType,
    transactionStatus: t.status,
    merchantOrderId: t.merchantOrderId,
    transactionTime: wibIso(t.statusAt),
    transactionId: t.transactionId,
  };
}

/** The check_status answer. */
export function statusBody(t: Transaction) {
  return { status: 'OK', legalName: t.customerName, ...transactionFields(t) };
}
