/**
 * Komerce ↔ Bayar translation (providers.md §3): the status table, the method catalogue, every rupiah and
 * time conversion, and request/response mapping. Pure: no I/O, time comes in as an argument.
 */
import { exactRupiah } from '../wire-read.js';
import type { ProviderCapabilities } from '../capabilities.js';
import type { PaymentStatus } from '../../api-types.js';
import { sha256 } from '../../lib/crypto.js';
import { parseQris, QrisFormatError } from '../../lib/qris.js';
import { ProviderNotSupportedError, ProviderRejectedError, ProviderUnavailableError } from '../../errors.js';
import type { CreatePaymentInput, CreatePaymentResult, LineItem, ProviderMethod, ProviderStatus, WebhookEvent } from '../types.js';
import type {
  KomerceCallbackBody,
  KomerceCreateData,
  KomerceCreateRequest,
  KomerceItem,
  KomerceStatus,
  KomerceStatusData,
} from './wire.js';

export const PROVIDER = 'komerce';

/** §3.5. Komerce documents no refund and no failed status. */
export const STATUS_TABLE = {
  PENDING: 'pending',
  PAID: 'paid',
  EXPIRED: 'expired',
  CANCELED: 'cancelled',
} as const satisfies Record<KomerceStatus, PaymentStatus>;

/**
 * Normalises a status word to one of the four documented ones, or null. Tolerant on case and on the
 * double-L `CANCELLED` (the docs themselves write "canceled" and "cancelled" in prose).
 */
export function toWireStatus(v: unknown): KomerceStatus | null {
  if (typeof v !== 'string') return null;
  const s = v.trim().toUpperCase();
  if (s === 'CANCELLED') return 'CANCELED';
  return Object.hasOwn(STATUS_TABLE, s) ? (s as KomerceStatus) : null;
}

/** A normalised Komerce status word → the common status. */
export function mapStatus(wire: KomerceStatus): PaymentStatus {
  return STATUS_TABLE[wire];
}

/**
 * VA banks. The docs' /methods sample shows only BCA; the feature list says "BNI, BCA, Mandiri, BRI, Permata,
 * CIMB, BSI, BJB, etc." (§3.2). [unconfirmed] the exact `bank_code` strings other than `BCA`: we use the
 * upper-case short names. The list is not complete ("etc."); GET /api/v1/user/methods is the authority.
 */
export const VA_BANKS = [
  { code: 'BCA', label: 'BCA Virtual Account' },
  { code: 'BNI', label: 'BNI Virtual Account' },
  { code: 'BRI', label: 'BRI Virtual Account' },
  { code: 'MANDIRI', label: 'Mandiri Virtual Account' },
  { code: 'PERMATA', label: 'Permata Virtual Account' },
  { code: 'CIMB', label: 'CIMB Niaga Virtual Account' },
  { code: 'BSI', label: 'BSI Virtual Account' },
  { code: 'BJB', label: 'bjb Virtual Account' },
] as const;

/** Limits from the /methods sample (§3.2): BCA 10 000 – 999 999 999 999, applied to every VA bank; QRIS 10 000 – 10 000 000. */
export const LIMITS = {
  va: { min: 10_000, max: 999_999_999_999 },
  qris: { min: 10_000, max: 10_000_000 },
} as const;

/** VA expiry_duration floor (§3.3) and the fixed QRIS window. */
export const MIN_VA_EXPIRY_SECONDS = 3600;
export const QRIS_EXPIRY_SECONDS = 5 * 60;

export function komerceMethods(): ProviderMethod[] {
  return [
    ...VA_BANKS.map((b) => ({
      family: 'va' as const,
      channel: b.code.toLowerCase(),
      label: b.label,
      minAmount: LIMITS.va.min,
      maxAmount: LIMITS.va.max,
    })),
    { family: 'qris', channel: 'qris', label: 'QRIS', minAmount: LIMITS.qris.min, maxAmount: LIMITS.qris.max },
  ];
}

/** `va`/`bca` → `bank_transfer` + `BCA`; `qris`/`qris` → `qris`. Anything else is not a Komerce method. */
export function toWireMethod(family: string, channel: string): { paymentType: 'bank_transfer' | 'qris'; channelCode?: string } {
  if (family === 'qris' && channel === 'qris') return { paymentType: 'qris' };
  if (family === 'va') {
    const bank = VA_BANKS.find((b) => b.code.toLowerCase() === channel);
    if (bank) return { paymentType: 'bank_transfer', channelCode: bank.code };
  }
  throw new ProviderNotSupportedError(PROVIDER, `Komerce does not offer ${family}:${channel}; it serves VA (${VA_BANKS.map((b) => b.code.toLowerCase()).join(', ')}) and QRIS.`);
}

/** Integer rupiah out: Komerce takes a JSON integer. */
export function toWireAmount(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new ProviderRejectedError(PROVIDER, 400, 'invalid_amount', `amount must be a positive integer of rupiah, got ${amount}`);
  return amount;
}

/** Integer rupiah in, from `100000`, `"100000"` or `"100000.00"`, exactly: a fraction is a mismatch (amounts.ts). */
export const fromWireAmount = exactRupiah;

/**
 * A Komerce time → ISO 8601 (UTC). Times with an offset are taken as given. [unconfirmed] A time without an
 * offset (`2026-01-01 10:00:00`) is read as WIB (UTC+7), Komerce being an Indonesian service; Node would
 * otherwise read it in the server's own zone.
 */
export function fromWireTime(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  let s = v.trim();
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s = `${s.replace(' ', 'T')}+07:00`;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/**
 * Komerce requires customer name, email and phone (§3.3); Bayar's customer fields are optional (unsigned
 * checkout may carry none). [unconfirmed] whether Komerce accepts placeholders: we send neutral ones, which
 * appear nowhere but in the merchant's Komerce dashboard.
 */
const PLACEHOLDER = { name: 'Pelanggan', email: 'customer@example.com', phone: '080000000000' };

/**
 * Komerce requires items[] (§3.3). It does not document whether their total must equal `amount`; to be safe
 * we send the real items only when they add up to the amount, and otherwise (or when there are none) one
 * line for the whole order.
 */
export function toWireItems(items: LineItem[], amount: number, orderId: string): KomerceItem[] {
  const usable = items.every(
    (i) => i.name.trim() !== '' && Number.isSafeInteger(i.quantity) && i.quantity > 0 && Number.isSafeInteger(i.price) && i.price >= 0,
  );
  const total = items.reduce((sum, i) => sum + i.quantity * i.price, 0);
  if (items.length > 0 && usable && total === amount) {
    return items.map((i) => ({ name: i.name.trim().slice(0, 100), quantity: i.quantity, price: i.price }));
  }
  return [{ name: `Order ${orderId}`.slice(0, 100), quantity: 1, price: amount }];
}

export function toCreateRequest(input: CreatePaymentInput, callbackKey: string, now: Date): KomerceCreateRequest {
  const { paymentType, channelCode } = toWireMethod(input.family, input.channel);
  const amount = toWireAmount(input.amount);
  const limits = paymentType === 'qris' ? LIMITS.qris : LIMITS.va;
  if (amount < limits.min || amount > limits.max) {
    throw new ProviderRejectedError(PROVIDER, 400, 'amount_out_of_range', `Komerce ${input.family} takes ${limits.min}–${limits.max} IDR, got ${amount}`);
  }
  const body: KomerceCreateRequest = {
    // The deterministic per-attempt reference, so a retried create names the same order (see the emulator note).
    order_id: input.reference,
    payment_type: paymentType,
    ...(channelCode ? { channel_code: channelCode } : {}),
    amount,
    customer: {
      name: input.customer.name?.trim() || PLACEHOLDER.name,
      email: input.customer.email?.trim() || PLACEHOLDER.email,
      phone: input.customer.phone?.trim() || PLACEHOLDER.phone,
    },
    items: toWireItems(input.items, amount, input.orderId),
  };
  if (paymentType === 'bank_transfer') {
    const seconds = Math.ceil((input.expiresAt.getTime() - now.getTime()) / 1000);
    body.expiry_duration = Math.max(MIN_VA_EXPIRY_SECONDS, seconds);
  }
  body.callback_url = input.webhookUrl;
  body.callback_API_KEY = callbackKey;
  return body;
}

const malformed = (what: string) => new ProviderUnavailableError(PROVIDER, `Komerce answered without ${what}`);

export function fromCreateData(data: KomerceCreateData, input: CreatePaymentInput, sent: KomerceCreateRequest, now: Date): CreatePaymentResult {
  if (typeof data.payment_id !== 'string' || data.payment_id === '') throw malformed('data.payment_id');
  const fallbackSeconds = sent.payment_type === 'qris' ? QRIS_EXPIRY_SECONDS : (sent.expiry_duration ?? MIN_VA_EXPIRY_SECONDS);
  const expiresAt =
    fromWireTime(data.expired_at ?? data.expiry_time ?? data.expires_at) ?? new Date(now.getTime() + fallbackSeconds * 1000).toISOString();
  const result: CreatePaymentResult = { providerRef: data.payment_id, expiresAt };
  if (sent.payment_type === 'bank_transfer') {
    const number = data.va_number ?? data.account_number;
    if (typeof number !== 'string' || !/^\d{6,32}$/.test(number.replace(/\s/g, ''))) throw malformed('a VA number (data.va_number)');
    result.va = { bank: input.channel, number: number.replace(/\s/g, '') };
  } else {
    const qr = data.qr_string;
    if (typeof qr !== 'string' || qr === '') throw malformed('a QRIS payload (data.qr_string)');
    // Never hand on a QR the customer could not pay: check CRC and, when present, the amount in tag 54.
    try {
      const info = parseQris(qr);
      if (info.amount !== null && info.amount !== input.amount) {
        throw new ProviderUnavailableError(PROVIDER, `Komerce issued a QRIS for ${info.amount} IDR instead of ${input.amount} IDR`);
      }
    } catch (err) {
      if (err instanceof QrisFormatError) throw new ProviderUnavailableError(PROVIDER, `Komerce issued an invalid QRIS payload: ${err.message}`);
      throw err;
    }
    result.qris = { qrString: qr };
  }
  return result;
}

export function fromStatus(data: KomerceStatusData): ProviderStatus {
  const wire = toWireStatus(data.status);
  if (!wire) throw new ProviderUnavailableError(PROVIDER, `Komerce answered an unknown payment status ${JSON.stringify(data.status)}`);
  const out: ProviderStatus = { status: mapStatus(wire), providerStatus: wire };
  const amount = wire === 'PAID' ? (fromWireAmount(data.paid_amount) ?? fromWireAmount(data.amount)) : fromWireAmount(data.amount);
  if (amount !== undefined) out.amount = amount;
  const paidAt = wire === 'PAID' ? fromWireTime(data.paid_at) : undefined;
  if (paidAt) out.paidAt = paidAt;
  return out;
}

/** Dedupe identity: Komerce sends no event id, and one payment reaches each status once. */
export function callbackEventId(paymentId: string, status: KomerceStatus): string {
  return `komerce:${sha256(`${paymentId}\n${status}`).toString('hex')}`;
}

/** Parsed, already-verified callback → event; null when the body is not a Komerce callback. */
export function fromWebhook(body: unknown): WebhookEvent | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const b = body as Partial<KomerceCallbackBody>;
  const wire = toWireStatus(b.status);
  if (typeof b.payment_id !== 'string' || b.payment_id === '' || !wire) return null;
  const event: WebhookEvent = {
    eventId: callbackEventId(b.payment_id, wire),
    providerRef: b.payment_id,
    status: mapStatus(wire),
    providerStatus: wire,
  };
  if (typeof b.order_id === 'string' && b.order_id !== '') event.reference = b.order_id;
  const amount = fromWireAmount(b.amount);
  if (amount !== undefined) event.amount = amount;
  const paidAt = wire === 'PAID' ? fromWireTime(b.paid_at) : undefined;
  if (paidAt) event.paidAt = paidAt;
  return event;
}

const NO_REFUND = 'Komerce Payment has no refund API; refund the customer outside Komerce and record it manually.';

/** What Komerce can do (capabilities.ts). */
export const CAPABILITIES: ProviderCapabilities = {
  families: {
    // §3.3: expiry_duration ≥ 3600 s, VA only; QRIS fixed at 5 minutes.
    va: { cancel: true, refund: 'none', refundBlocker: NO_REFUND, deadline: { min: MIN_VA_EXPIRY_SECONDS } },
    qris: { cancel: true, refund: 'none', refundBlocker: NO_REFUND, deadline: { fixed: QRIS_EXPIRY_SECONDS } },
  },
  webhookNeedsConfirmation: true,
  webhookBodyUnsigned: false,
  statusByReference: false,
  cancelledAfterPaidMeansRefunded: false,
  // §3.2: one status request per 3 s per payment.
  statusMinIntervalMs: 3_000,
  checkIntervalMs: 10_000,
};
