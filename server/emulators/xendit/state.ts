/**
 * The Xendit emulator's state: its VAs, QR codes and e-wallet charges (each also by the merchant's reference), VA
 * payments, answered Idempotency-Keys, and the constants of the API as it emulates them (providers.md §4).
 */
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

/** Everything the emulator holds, in one place. */
export class XenditState {
  readonly fvas = new Map<string, FvaState>();
  readonly fvaByExternal = new Map<string, FvaState>();
  readonly fvaPayments = new Map<string, Body>();
  readonly qrs = new Map<string, QrState>();
  readonly qrByRef = new Map<string, QrState>();
  readonly charges = new Map<string, ChargeState>();
  readonly chargeByRef = new Map<string, ChargeState>();
  readonly idempotency = new Map<string, { request: string; status: number; body: unknown }>();
}
