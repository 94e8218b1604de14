/**
 * The Xendit emulator's state: its VAs, QR codes and e-wallet charges (each also by the merchant's reference), VA
 * payments, answered Idempotency-Keys, the constants of the API as it emulates them (providers.md §4), and the
 * state transitions shared by the API calls, simulate() and the checkout page.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Body } from './validation.js';

export const QR_V2 = '2022-07-31';
export const BUSINESS_ID = '5f27a14a9bf05c73dd040bc8';
export const MERCHANT_NAME = 'Bayar Sandbox Merchant';
/** Same window the adapter promises for e-wallet charges [unconfirmed: not documented per wallet]. */
export const EWALLET_WINDOW_MS = 15 * 60_000;
/** Xendit's default Fixed VA lifetime is about 31 years (§4.2). */
export const FVA_DEFAULT_LIFETIME_MS = 31 * 365 * 86_400_000;
/** [unconfirmed] default QR v2 lifetime when expires_at is omitted. */
export const QR_DEFAULT_LIFETIME_MS = 48 * 3_600_000;

export const BANKS = ['BCA', 'BNI', 'BRI', 'MANDIRI', 'PERMATA', 'BSI', 'CIMB', 'BJB', 'SAHABAT_SAMPOERNA', 'DBS'] as const;
/** Made-up merchant prefixes: the emulator only needs account numbers that look like each bank's. */
export const MERCHANT_CODES: Record<string, string> = {
  BCA: '10766',
  BNI: '8808',
  BRI: '26215',
  MANDIRI: '88908',
  PERMATA: '8214',
  BSI: '9347',
  CIMB: '5919',
  BJB: '1234',
  SAHABAT_SAMPOERNA: '4064',
  DBS: '6058',
};
export const EWALLETS = ['ID_OVO', 'ID_DANA', 'ID_LINKAJA', 'ID_SHOPEEPAY'] as const;
export const REFUND_REASONS = ['FRAUDULENT', 'DUPLICATE', 'REQUESTED_BY_CUSTOMER', 'CANCELLATION', 'OTHERS'] as const;

/** Test-mode e-wallet amounts (§4.5, docs.xendit.co "Testing Scenarios"). */
export const MAGIC_ERRORS: Record<number, { status: number; code: string; message: string }> = {
  10100: { status: 403, code: 'CHANNEL_NOT_ACTIVATED', message: 'Payment request failed because this specific payment channel has not been activated through Xendit' },
  10101: { status: 503, code: 'CHANNEL_UNAVAILABLE', message: 'The payment channel requested is currently experiencing unexpected issues' },
  10102: { status: 500, code: 'SERVER_ERROR', message: 'An unexpected error occured, our team has been notified and will troubleshoot the issue' },
};
export const MAGIC_FAILURE_CALLBACK = 20103;

export interface FvaState {
  obj: Body & { id: string; external_id: string; status: string; expiration_date: string; is_single_use: boolean; is_closed: boolean };
  request: string;
  payments: Body[];
}

export interface QrState {
  version: 'v1' | 'v2';
  id: string;
  ref: string;
  type: 'DYNAMIC';
  amount: number;
  qrString: string;
  status: 'ACTIVE' | 'INACTIVE';
  expiresAt: Date;
  callbackUrl: string | null;
  channelCode: string;
  metadata: Body | null;
  created: string;
  updated: string;
  request: string;
  payments: Body[];
}

export interface ChargeState {
  obj: Body & { id: string; status: string; charge_amount: number; channel_code: string; reference_id: string };
  request: string;
  refunds: Body[];
}

export const iso = (d: Date) => d.toISOString();
export const hexId = () => randomBytes(12).toString('hex');

/** Everything the emulator holds, in one place, and the transitions its objects go through. */
export class XenditState {
  readonly fvas = new Map<string, FvaState>();
  readonly fvaByExternal = new Map<string, FvaState>();
  readonly fvaPayments = new Map<string, Body>();
  readonly qrs = new Map<string, QrState>();
  readonly qrByRef = new Map<string, QrState>();
  readonly charges = new Map<string, ChargeState>();
  readonly chargeByRef = new Map<string, ChargeState>();
  readonly idempotency = new Map<string, { request: string; status: number; body: unknown }>();

  constructor(private readonly clock: Clock) {}

  now(): Date {
    return this.clock.now();
  }

  refreshFva(s: FvaState) {
    if (s.obj.status !== 'INACTIVE' && Date.parse(s.obj.expiration_date) <= this.now().getTime()) {
      s.obj.status = 'INACTIVE';
      s.obj.updated = s.obj.expiration_date;
    }
  }

  refreshQr(q: QrState) {
    if (q.status === 'ACTIVE' && q.expiresAt.getTime() <= this.now().getTime()) {
      q.status = 'INACTIVE';
      q.updated = iso(q.expiresAt);
    }
  }

  refreshCharge(c: ChargeState) {
    const created = Date.parse(String(c.obj.created));
    if (c.obj.status === 'PENDING' && created + EWALLET_WINDOW_MS <= this.now().getTime()) {
      c.obj.status = 'FAILED';
      // [unconfirmed] failure code for "the customer never approved in time".
      c.obj.failure_code = 'USER_DID_NOT_AUTHORIZE_THE_PAYMENT';
      c.obj.updated = iso(new Date(created + EWALLET_WINDOW_MS));
    }
  }

  payFva(s: FvaState, amount: number): Body {
    const t = iso(this.now());
    const payment: Body = {
      id: hexId(),
      payment_id: randomUUID(),
      callback_virtual_account_id: s.obj.id,
      owner_id: s.obj.owner_id,
      external_id: s.obj.external_id,
      account_number: s.obj.account_number,
      bank_code: s.obj.bank_code,
      amount,
      transaction_timestamp: t,
      merchant_code: s.obj.merchant_code,
      sender_name: 'BAYAR SANDBOX PAYER',
      payment_detail: { reference: randomBytes(6).toString('hex'), remark: null },
      created: t,
      updated: t,
    };
    s.payments.push(payment);
    this.fvaPayments.set(String(payment.payment_id), payment);
    if (s.obj.is_single_use) {
      s.obj.status = 'INACTIVE';
      s.obj.updated = t;
    }
    return payment;
  }

  payQr(q: QrState): Body {
    const t = iso(this.now());
    const payment: Body =
      q.version === 'v2'
        ? {
            id: `qrpy_${randomUUID()}`,
            business_id: BUSINESS_ID,
            currency: 'IDR',
            amount: q.amount,
            status: 'SUCCEEDED',
            created: t,
            qr_id: q.id,
            reference_id: q.ref,
            type: q.type,
            channel_code: q.channelCode,
            expires_at: iso(q.expiresAt),
            metadata: q.metadata,
            payment_detail: { receipt_id: randomBytes(6).toString('hex'), source: 'DANA', name: 'BAYAR SANDBOX PAYER', account_details: null },
          }
        : {
            id: `qrpy_${randomUUID()}`,
            amount: q.amount,
            created: t,
            qr_code: { id: q.id, external_id: q.ref, qr_string: q.qrString, type: q.type },
            status: 'COMPLETED',
          };
    q.payments.push(payment);
    q.status = 'INACTIVE';
    q.updated = t;
    return payment;
  }

  settleCharge(c: ChargeState, outcome: { succeeded: true; amount?: number } | { succeeded: false; failureCode: string }) {
    const t = iso(this.now());
    if (outcome.succeeded) {
      c.obj.status = 'SUCCEEDED';
      c.obj.capture_amount = outcome.amount ?? c.obj.charge_amount;
    } else {
      c.obj.status = 'FAILED';
      c.obj.failure_code = outcome.failureCode;
    }
    c.obj.updated = t;
  }
}
