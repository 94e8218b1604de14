/**
 * Indodana PayLater ↔ Bayar domain: the status table, integer rupiah ↔ wire amounts, the checkout and
 * cancellation bodies, instalment options and notifications. Pure.
 */
import { exactRupiah, statusIn } from '../wire-read.js';
import type { ProviderCapabilities } from '../capabilities.js';
import { createHash } from 'node:crypto';
import type { InstallmentOption, PaymentStatus } from '../../api-types.js';
import type { CreatePaymentInput, LineItem, ProviderStatus, WebhookEvent } from '../types.js';
import type {
  IndodanaAddress,
  IndodanaCancellationRequest,
  IndodanaCheckoutRequest,
  IndodanaItem,
  IndodanaNotification,
  IndodanaPaymentOption,
  IndodanaSeller,
  IndodanaStatusResponse,
  IndodanaTransactionStatus,
} from './wire.js';

/**
 * providers.md §2.5. INITIATED = loan approved, merchant guaranteed payment: the official plugins treat it and
 * PAID as success [code]. CANCELLED after a paid order is a refund by order_cancellation; this table cannot know
 * the history, so the domain (which knows the payment was paid) must read a later CANCELLED as refunded.
 */
export const STATUS_TABLE = {
  PENDING: 'pending',
  INITIATED: 'paid',
  PAID: 'paid',
  EXPIRED: 'expired',
  CANCELLED: 'cancelled',
} as const satisfies Record<IndodanaTransactionStatus, PaymentStatus>;

/** Any other word keeps the payment pending (and the word is kept) so it is re-queried, never finished. */
export const mapStatus = (word: string | undefined): PaymentStatus => statusIn(STATUS_TABLE, word);

/** Our choice: Indodana publishes no merchant minimum; below Rp 10.000 a PayLater loan makes no sense. */
export const INDODANA_MIN_AMOUNT = 10_000;
/**
 * Our choice: Indodana's per-customer credit limits are personal and undocumented; Rp 25.000.000 is above what
 * most approved limits reach, so larger carts are not offered a method that would almost surely be declined.
 */
export const INDODANA_MAX_AMOUNT = 25_000_000;

/** The option ids the API reference lists (§2.3). */
export const INDODANA_PAYMENT_TYPES = ['30_days', '3_months', '6_months', '12_months'] as const;

/** Integer IDR → wire decimal(16,2). Integers are valid decimals, so no string formatting is needed. */
export function toWireAmount(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`amount must be a positive integer, got ${amount}`);
  return amount;
}

/** Wire decimal (number or numeric string) → integer IDR, exactly: any sen is a mismatch, never rounded (amounts.ts). */
export const fromWireAmount = exactRupiah;

/**
 * Money the customer owes is rounded up to whole rupiah (never under-state an instalment). Rounding to sen first
 * keeps float noise such as 19333.000000001 from adding a rupiah.
 */
const ceilRupiah = (v: unknown) => {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) && n > 0 ? Math.ceil(Math.round(n * 100) / 100) : 0;
};

/** `2026-03-02T10:00:00+07:00`: Indodana's date fields carry an offset; we use WIB like its examples. */
export function toWibIso(d: Date): string {
  return `${new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 19)}+07:00`;
}

export function splitName(name: string | undefined): { firstName: string; lastName: string } {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return { firstName: 'Pelanggan', lastName: '' };
  return { firstName: parts[0]!.slice(0, 100), lastName: parts.slice(1).join(' ').slice(0, 100) };
}

/** Indodana's examples use the local `08…` form. */
export function toIndodanaPhone(phone: string | undefined): string | undefined {
  if (!phone) return undefined;
  let digits = phone.replace(/[^\d]/g, '');
  if (digits.startsWith('62')) digits = `0${digits.slice(2)}`;
  return digits || undefined;
}

/** The plugins' seller id is md5 of the store URL [code Seller.php]; we follow it so ids stay stable per store. */
export function sellerId(url: string): string {
  return createHash('md5').update(url).digest('hex');
}

/**
 * Items as Indodana wants them: Σ price × quantity must equal the amount. When the cart does not add up (fees,
 * discounts, rounding), one item for the whole amount is sent instead, so the loan matches what we charge.
 */
export function toIndodanaItems(items: LineItem[], amount: number, label: string, parentId?: string): IndodanaItem[] {
  const parent = parentId ? { parentType: 'SELLER' as const, parentId } : {};
  const sum = items.reduce((s, i) => s + i.price * i.quantity, 0);
  if (items.length > 0 && sum === amount && items.every((i) => Number.isSafeInteger(i.price) && i.price >= 0 && Number.isSafeInteger(i.quantity) && i.quantity > 0)) {
    return items.map((i, n) => ({ id: (i.sku ?? `item-${n + 1}`).slice(0, 64), name: i.name.slice(0, 255), price: i.price, quantity: i.quantity, ...parent }));
  }
  return [{ id: 'order-total', name: label.slice(0, 255), price: toWireAmount(amount), quantity: 1, category: 'others', ...parent }];
}

export interface SellerInfo {
  name: string;
  url: string;
  email?: string;
  sellerIdNumber?: string;
  address?: Partial<IndodanaAddress>;
}

/** The plugins fill a missing postal code with "00000" [code Checkout.php]; other blanks get a dash. */
export function placeholderAddress(a: Partial<IndodanaAddress> = {}): IndodanaAddress {
  return {
    firstName: a.firstName || '-',
    lastName: a.lastName || '-',
    address: a.address || '-',
    city: a.city || '-',
    postalCode: a.postalCode || '00000',
    phone: a.phone || '-',
    countryCode: a.countryCode || 'IDN',
  };
}

export function toCheckoutRequest(input: CreatePaymentInput, paymentType: string, seller: SellerInfo): IndodanaCheckoutRequest {
  const sid = sellerId(seller.url);
  const { firstName, lastName } = splitName(input.customer.name);
  const phone = toIndodanaPhone(input.customer.phone);
  const person = placeholderAddress({ firstName, lastName, ...(phone ? { phone } : {}) });
  const wireSeller: IndodanaSeller = {
    id: sid,
    name: seller.name,
    url: seller.url,
    ...(seller.email ? { email: seller.email } : {}),
    ...(seller.sellerIdNumber ? { sellerIdNumber: seller.sellerIdNumber } : {}),
    address: placeholderAddress({ firstName: seller.name, ...seller.address }),
  };
  return {
    transactionDetails: {
      merchantOrderId: input.reference,
      amount: toWireAmount(input.amount),
      items: toIndodanaItems(input.items, input.amount, `Order ${input.orderId}`, sid),
    },
    customerDetails: {
      firstName,
      lastName,
      ...(input.customer.email ? { email: input.customer.email } : {}),
      ...(phone ? { phone } : {}),
    },
    sellers: [wireSeller],
    billingAddress: person,
    shippingAddress: person,
    paymentType,
    approvedNotificationUrl: input.webhookUrl,
    ...(input.returnUrl ? { cancellationRedirectUrl: input.returnUrl, backToStoreUrl: input.returnUrl } : {}),
    expirationAt: toWibIso(input.expiresAt),
  };
}

export function toCancellationRequest(
  p: { reference: string; refundId: string; amount: number; reason: string; cancelledBy: string },
  now: Date,
): IndodanaCancellationRequest {
  return {
    refundId: p.refundId,
    merchantOrderId: p.reference,
    cancellationAmount: toWireAmount(p.amount),
    cancellationReason: p.reason.slice(0, 255) || 'Cancelled by merchant',
    cancelledBy: p.cancelledBy,
    cancellationDate: toWibIso(now),
  };
}

/**
 * Indodana's `rate` unit is not documented [unconfirmed]. Its monthly rates are in the 2–4 % range, so a value
 * below 1 can only be a fraction (0.026) and is turned into a percentage; 1 and above is already a percentage.
 */
export function normalizeRate(rate: unknown): number {
  const r = typeof rate === 'number' ? rate : Number(rate);
  if (!Number.isFinite(r) || r <= 0) return 0;
  const pct = r < 1 ? r * 100 : r;
  return Math.round(pct * 100) / 100;
}

/** One wire option → the widget's option. `30_days` is one payment after 30 days (tenure 1, unit days). */
export function toInstallmentOption(o: IndodanaPaymentOption): InstallmentOption {
  const days = /^(\d+)_days$/.exec(o.id);
  const months = /^(\d+)_months$/.exec(o.id);
  const unitWord = (o.tenureTimeUnit ?? '').toLowerCase();
  const tenureUnit: 'days' | 'months' = days ? 'days' : months ? 'months' : unitWord.startsWith('day') ? 'days' : 'months';
  const tenure = days ? 1 : months ? Number(months[1]) : tenureUnit === 'days' ? 1 : Math.max(1, Math.round(Number(o.tenure) || 1));
  return {
    id: o.id,
    tenure,
    tenureUnit,
    monthlyInstallment: ceilRupiah(o.monthlyInstallment),
    installmentAmount: ceilRupiah(o.installmentAmount),
    totalInterest: ceilRupiah(o.totalInterest),
    rate: normalizeRate(o.rate),
    provider: 'indodana',
  };
}

export function fromStatus(body: IndodanaStatusResponse): ProviderStatus {
  const word = body.transactionStatus ?? 'UNKNOWN';
  const status = mapStatus(word);
  const amount = fromWireAmount(body.amount);
  const paidAt = status === 'paid' ? isoOrUndefined(body.transactionTime) : undefined;
  return { status, providerStatus: word, ...(amount !== undefined ? { amount } : {}), ...(paidAt ? { paidAt } : {}) };
}

/** Identity of a notification: nothing in it is unique per delivery, so the facts that make it unique are hashed. */
export function notificationEventId(n: IndodanaNotification): string {
  const digest = createHash('sha256').update(`${n.merchantOrderId}\n${n.transactionStatus}\n${n.transactionId ?? ''}`).digest('hex');
  return digest;
}

export function fromWebhook(n: IndodanaNotification): WebhookEvent | null {
  if (typeof n.merchantOrderId !== 'string' || !n.merchantOrderId || typeof n.transactionStatus !== 'string' || !n.transactionStatus) return null;
  const status = mapStatus(n.transactionStatus);
  const amount = fromWireAmount(n.amount);
  const paidAt = status === 'paid' ? isoOrUndefined(n.transactionTime) : undefined;
  return {
    eventId: notificationEventId(n),
    reference: n.merchantOrderId,
    ...(typeof n.transactionId === 'string' && n.transactionId ? { providerRef: n.transactionId } : {}),
    status,
    providerStatus: n.transactionStatus,
    ...(amount !== undefined ? { amount } : {}),
    ...(paidAt ? { paidAt } : {}),
  };
}

function isoOrUndefined(s: unknown): string | undefined {
  if (typeof s !== 'string' || !s) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** What Indodana can do (capabilities.ts). */
export const CAPABILITIES: ProviderCapabilities = {
  // order_cancellation cancels before approval, and after it refunds any part of the loan (§2.3).
  families: { paylater: { cancel: true, refund: 'partial' } },
  webhookNeedsConfirmation: true,
  webhookBodyUnsigned: true,
  statusByReference: true,
  // CANCELLED after a paid order is a refund by order_cancellation (STATUS_TABLE above).
  cancelledAfterPaidMeansRefunded: true,
  statusMinIntervalMs: 0,
  checkIntervalMs: 15_000,
};
