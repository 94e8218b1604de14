/**
 * Doku Checkout ↔ Bayar domain: the status table, the method → `payment_method_types` table, integer rupiah ↔
 * wire amounts, WIB dates, and request/response mapping. Everything here is pure.
 */
import { exactRupiah, statusIn } from '../wire-read.js';
import type { ProviderCapabilities } from '../capabilities.js';
import type { FailureReason, MethodFamily, PaymentStatus } from '../../api-types.js';
import type { CreatePaymentInput, LineItem, ProviderStatus, WebhookEvent } from '../types.js';
import type { DokuCheckoutRequest, DokuLineItem, DokuNotification, DokuStatusResponse, DokuTransactionStatus } from './wire.js';

/** providers.md §1.7. FAILED is "not final" for Doku, but it ends this attempt: a new payment is needed. */
export const STATUS_TABLE = {
  PENDING: 'pending',
  SUCCESS: 'paid',
  FAILED: 'failed',
  EXPIRED: 'expired',
  REFUNDED: 'refunded',
  // E-money timeout: Doku says "call Check Status"; keep the payment open and re-query.
  TIMEOUT: 'pending',
  // Waiting for acquirer verification (card 3DS).
  REDIRECT: 'pending',
} as const satisfies Record<DokuTransactionStatus, PaymentStatus>;

/** An unknown status word never finishes a payment: it stays pending and the word is kept for reconciliation. */
export const mapStatus = (word: string | undefined): PaymentStatus => statusIn(STATUS_TABLE, word);

/**
 * Bayar method (`family:channel`) → Doku `payment_method_types` value. Each Bayar method opens the hosted page
 * restricted to exactly one Doku method. Exported and overridable per adapter instance
 * (`createDokuProvider(creds, ctx, { methodTypes })`) because only part of the list is documented:
 * - VA names, `QRIS`: [doc] providers.md §1.5. `VIRTUAL_ACCOUNT_BANK_DANAMON`: the doc copy is cut off after
 *   "DANAMON" [unconfirmed suffix]. BSI uses `VIRTUAL_ACCOUNT_BANK_SYARIAH_MANDIRI` (BSI absorbed Bank Syariah
 *   Mandiri) [doc name, unconfirmed that it routes to BSI].
 * - `EMONEY_DANA`: [3rd]. `EMONEY_OVO`, `EMONEY_SHOPEE_PAY`, `EMONEY_LINKAJA`: [unconfirmed].
 * - `ONLINE_TO_OFFLINE_ALFA`, `ONLINE_TO_OFFLINE_INDOMARET`: [unconfirmed].
 * - `CREDIT_CARD`: [doc]. The card is typed on Doku's page with 3-D Secure, never in Bayar (PCI DSS SAQ A).
 */
export const DOKU_METHOD_TYPES: Readonly<Record<string, string>> = {
  'va:bca': 'VIRTUAL_ACCOUNT_BCA',
  'va:mandiri': 'VIRTUAL_ACCOUNT_BANK_MANDIRI',
  'va:bri': 'VIRTUAL_ACCOUNT_BRI',
  'va:bni': 'VIRTUAL_ACCOUNT_BNI',
  'va:permata': 'VIRTUAL_ACCOUNT_BANK_PERMATA',
  'va:cimb': 'VIRTUAL_ACCOUNT_BANK_CIMB',
  'va:danamon': 'VIRTUAL_ACCOUNT_BANK_DANAMON',
  'va:bsi': 'VIRTUAL_ACCOUNT_BANK_SYARIAH_MANDIRI',
  'qris:qris': 'QRIS',
  'ewallet:dana': 'EMONEY_DANA',
  'ewallet:ovo': 'EMONEY_OVO',
  'ewallet:shopeepay': 'EMONEY_SHOPEE_PAY',
  'ewallet:linkaja': 'EMONEY_LINKAJA',
  'cstore:alfamart': 'ONLINE_TO_OFFLINE_ALFA',
  'cstore:indomaret': 'ONLINE_TO_OFFLINE_INDOMARET',
  'card:card': 'CREDIT_CARD',
};

export const DOKU_LABELS: Readonly<Record<string, string>> = {
  'va:bca': 'BCA Virtual Account',
  'va:mandiri': 'Mandiri Virtual Account',
  'va:bri': 'BRI Virtual Account',
  'va:bni': 'BNI Virtual Account',
  'va:permata': 'Permata Virtual Account',
  'va:cimb': 'CIMB Niaga Virtual Account',
  'va:danamon': 'Danamon Virtual Account',
  'va:bsi': 'BSI Virtual Account',
  'qris:qris': 'QRIS',
  'ewallet:dana': 'DANA',
  'ewallet:ovo': 'OVO',
  'ewallet:shopeepay': 'ShopeePay',
  'ewallet:linkaja': 'LinkAja',
  'cstore:alfamart': 'Alfamart',
  'cstore:indomaret': 'Indomaret',
  'card:card': 'Kartu kredit/debit',
};

/**
 * Our choice, not a documented Doku limit: Doku Checkout publishes no checkout-wide minimum, and Rp 10.000 is the
 * usual VA/retail minimum across Indonesian providers (below it the flat fees dominate).
 */
export const DOKU_MIN_AMOUNT = 10_000;
/** `order.amount` max length 12 digits [doc] (providers.md §1.5). */
export const DOKU_MAX_AMOUNT = 999_999_999_999;

export function methodKey(family: MethodFamily | string, channel: string): string {
  return `${family}:${channel}`;
}

/** Integer IDR → Doku `order.amount` (a JSON number without decimals). */
export function toWireAmount(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`amount must be a positive integer, got ${amount}`);
  return amount;
}

/** Doku amount (number, or the string `"80000"` / `"80000.00"` the checkout answer uses) → integer IDR, exactly (amounts.ts). */
export const fromWireAmount = exactRupiah;

/** Whole minutes from now until expiresAt, at least 1 (Doku's `payment_due_date`). */
export function dueMinutes(expiresAt: Date, now: Date): number {
  return Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 60_000));
}

const WIB_OFFSET_MS = 7 * 3600_000;

/** `expired_date` (`yyyyMMddHHmmss`, WIB = UTC+7 [3rd]) → Date; null when the format differs. */
export function parseDokuWibDate(s: unknown): Date | null {
  if (typeof s !== 'string') return null;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  const utc = Date.UTC(y!, mo! - 1, d!, h!, mi!, se!) - WIB_OFFSET_MS;
  return Number.isNaN(utc) ? null : new Date(utc);
}

/** Doku's plugin sends Indonesian phones as `62…` instead of `08…` [code]. */
export function toDokuPhone(phone: string | undefined): string | undefined {
  if (!phone) return undefined;
  const digits = phone.replace(/[^\d]/g, '');
  if (!digits) return undefined;
  return digits.startsWith('0') ? `62${digits.slice(1)}` : digits;
}

/** Line items only when they add up to the amount; otherwise Doku would see an order it cannot reconcile. */
export function toDokuLineItems(items: LineItem[], amount: number): DokuLineItem[] | undefined {
  if (items.length === 0) return undefined;
  const sum = items.reduce((s, i) => s + i.price * i.quantity, 0);
  if (sum !== amount) return undefined;
  return items.map((i) => ({ name: i.name.slice(0, 255), price: i.price, quantity: i.quantity, ...(i.sku ? { sku: i.sku } : {}) }));
}

/** The checkout body. Field order is fixed so equal inputs serialize to equal bytes. */
export function toCheckoutRequest(input: CreatePaymentInput, methodType: string, now: Date): DokuCheckoutRequest {
  const customer = {
    ...(input.customer.name ? { name: input.customer.name.slice(0, 255) } : {}),
    ...(input.customer.email ? { email: input.customer.email } : {}),
    ...(toDokuPhone(input.customer.phone) ? { phone: toDokuPhone(input.customer.phone) } : {}),
  };
  const lineItems = toDokuLineItems(input.items, input.amount);
  return {
    order: {
      amount: toWireAmount(input.amount),
      invoice_number: input.reference,
      currency: 'IDR',
      ...(input.returnUrl ? { callback_url: input.returnUrl, auto_redirect: true } : {}),
      ...(lineItems ? { line_items: lineItems } : {}),
    },
    payment: {
      payment_due_date: dueMinutes(input.expiresAt, now),
      payment_method_types: [methodType],
    },
    ...(Object.keys(customer).length ? { customer } : {}),
    additional_info: { override_notification_url: input.webhookUrl },
  };
}

/**
 * Why a card payment failed. providers.md §1.6/§1.7 document no reason field for Doku (only `transaction.status`
 * FAILED), so a failed card is the generic `declined`, never a guessed bank or fraud verdict. Other channels carry
 * no reason.
 */
export function failureReasonOf(body: DokuStatusResponse, status: PaymentStatus): FailureReason | undefined {
  if (status !== 'failed') return undefined;
  return body.channel?.id === 'CREDIT_CARD' || body.service?.id === 'CREDIT_CARD' ? 'declined' : undefined;
}

/** Check Status answer → ProviderStatus. */
export function fromStatus(body: DokuStatusResponse): ProviderStatus {
  const word = body.transaction?.status ?? 'UNKNOWN';
  const status = mapStatus(word);
  const amount = fromWireAmount(body.order?.amount);
  const paidAt = status === 'paid' ? isoOrUndefined(body.transaction?.date) : undefined;
  const failureReason = failureReasonOf(body, status);
  return {
    status,
    providerStatus: word,
    ...(amount !== undefined ? { amount } : {}),
    ...(paidAt ? { paidAt } : {}),
    ...(failureReason ? { failureReason } : {}),
  };
}

/** A verified notification body → one event. `eventId` is the notification's Request-Id (unique per notification). */
export function fromWebhook(body: DokuNotification, requestId: string): WebhookEvent | null {
  const reference = body.order?.invoice_number;
  const word = body.transaction?.status;
  if (typeof reference !== 'string' || !reference || typeof word !== 'string' || !word) return null;
  const status = mapStatus(word);
  const amount = fromWireAmount(body.order?.amount);
  const paidAt = status === 'paid' ? isoOrUndefined(body.transaction?.date) : undefined;
  const failureReason = failureReasonOf(body, status);
  return {
    eventId: requestId,
    reference,
    providerRef: reference,
    status,
    providerStatus: word,
    ...(amount !== undefined ? { amount } : {}),
    ...(paidAt ? { paidAt } : {}),
    ...(failureReason ? { failureReason } : {}),
  };
}

function isoOrUndefined(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** What Doku Checkout can do (capabilities.ts). */
const DOKU_FAMILY = {
  cancel: false,
  refund: 'none',
  refundBlocker: 'Refunds for Doku Checkout are done in the DOKU Back Office; Bayar cannot refund them.',
  // payment_due_date is whole minutes (providers.md §1.5).
  deadline: { min: 60 },
} as const;
export const CAPABILITIES: ProviderCapabilities = {
  families: { va: DOKU_FAMILY, qris: DOKU_FAMILY, ewallet: DOKU_FAMILY, cstore: DOKU_FAMILY, card: DOKU_FAMILY },
  webhookNeedsConfirmation: false,
  webhookBodyUnsigned: false,
  statusByReference: true,
  cancelledAfterPaidMeansRefunded: false,
  statusMinIntervalMs: 0,
  // Doku asks for Check Status no earlier than 60 s after payment (§1.7): customer presses are spaced more.
  checkIntervalMs: 15_000,
};
