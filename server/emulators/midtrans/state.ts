/**
 * The Midtrans emulator's state: its transactions by transaction_id and by order_id (Core API charges and the card
 * transactions Snap creates, snap.ts), how a transaction reads on the wire, and the constants of the API as it
 * emulates them (providers.md §5).
 */
import type { Clock } from '../../lib/clock.js';

export type Status = 'pending' | 'capture' | 'settlement' | 'cancel' | 'expire' | 'deny' | 'refund' | 'partial_refund';
export type Body = Record<string, unknown>;

export const MERCHANT_ID = 'G141532850';
export const MERCHANT_NAME = 'Bayar Sandbox Merchant';
export const PAYMENT_TYPES = ['bank_transfer', 'echannel', 'qris', 'gopay', 'cstore'] as const;
export const VA_BANKS = ['bca', 'bni', 'bri', 'permata', 'cimb'] as const;
/** Refundable through the API (docs.midtrans.com "Refund Transactions"), of the types emulated here. */
export const REFUNDABLE = new Set(['gopay', 'qris', 'credit_card']);
/** Default windows (§5.4): bank transfer 24 h, GoPay/QRIS 15 min; stores [unconfirmed] 24 h. */
export const DEFAULT_EXPIRY_MS: Record<string, number> = {
  bank_transfer: 24 * 3_600_000,
  echannel: 24 * 3_600_000,
  cstore: 24 * 3_600_000,
  qris: 15 * 60_000,
  gopay: 15 * 60_000,
};
/** The units of a charge's custom_expiry and of Snap's expiry. */
export const UNIT_MS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** Status code in a status answer, per transaction status. */
export const STATUS_CODE: Record<Status, string> = {
  pending: '201',
  capture: '200',
  settlement: '200',
  cancel: '200',
  refund: '200',
  partial_refund: '200',
  deny: '202',
  expire: '407',
};
/** Status code in a notification ("expire" notifications say 202, per the expire-transaction docs sample). */
export const NOTIFY_CODE: Record<Status, string> = { ...STATUS_CODE, expire: '202', cancel: '202' };

export interface Txn {
  transactionId: string;
  orderId: string;
  /** credit_card only through Snap's hosted card page (snap.ts): the Core API charge takes no raw cards here. */
  paymentType: (typeof PAYMENT_TYPES)[number] | 'credit_card';
  amount: number;
  /** Cards: accept / deny (fraud detection); every other type is `accept`. */
  fraudStatus?: string;
  created: Date;
  expiry: Date;
  status: Status;
  settledAt?: Date;
  /** Channel fields shown in every view (va_numbers, bill_key, payment_code…). */
  channel: Body;
  /** Shown only in the charge answer (qr_string, actions). */
  chargeOnly: Body;
  qrPayload?: string;
  notifyUrls: string[];
  gopayCallbackUrl?: string;
  refunds: Array<{ key: string; amount: number; answer: Body }>;
  refunded: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** GMT+7 `YYYY-MM-DD HH:mm:ss`. */
export function wib(d: Date): string {
  const w = new Date(d.getTime() + 7 * 3_600_000);
  return `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())} ${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}`;
}
/** `gross_amount` as Midtrans writes it: "150000.00". */
export const money = (n: number) => `${n}.00`;

export class MidtransState {
  private readonly byId = new Map<string, Txn>();
  private readonly byOrder = new Map<string, Txn>();
  private refundSeq = 1000;

  constructor(private readonly clock: Clock) {}

  now(): Date {
    return this.clock.now();
  }

  add(t: Txn) {
    this.byId.set(t.transactionId, t);
    this.byOrder.set(t.orderId, t);
  }

  /** By transaction_id only, as the hosted pieces address it; not refreshed. */
  byTransactionId(id: string): Txn | undefined {
    return this.byId.get(id);
  }

  /** By transaction_id or order_id, as the API takes either; refreshed (a pending one past its expiry expires). */
  find(id: string): Txn | undefined {
    const t = this.byId.get(id) ?? this.byOrder.get(id);
    if (t) this.refresh(t);
    return t;
  }

  /** Re-using the order_id of an active or paid transaction is refused (§5.3); expired/cancelled/denied ids may be reused. */
  orderTaken(orderId: string): boolean {
    const t = this.find(orderId);
    return !!t && !['expire', 'cancel', 'deny'].includes(t.status);
  }

  refresh(t: Txn) {
    if (t.status === 'pending' && t.expiry.getTime() <= this.now().getTime()) t.status = 'expire';
  }

  settle(t: Txn) {
    t.status = 'settlement';
    t.settledAt = this.now();
  }

  nextRefundId(): number {
    return ++this.refundSeq;
  }

  /** The transaction as a status answer (and, with its own status_code, a notification) shows it. */
  view(t: Txn): Body {
    return {
      status_code: STATUS_CODE[t.status],
      status_message: 'Success, transaction is found',
      transaction_id: t.transactionId,
      order_id: t.orderId,
      merchant_id: MERCHANT_ID,
      gross_amount: money(t.amount),
      currency: 'IDR',
      payment_type: t.paymentType,
      transaction_time: wib(t.created),
      transaction_status: t.status,
      fraud_status: t.fraudStatus ?? 'accept',
      expiry_time: wib(t.expiry),
      ...(t.settledAt ? { settlement_time: wib(t.settledAt) } : {}),
      ...(t.refunded > 0 ? { refund_amount: money(t.refunded) } : {}),
      ...t.channel,
    };
  }
}
