/**
 * Midtrans ↔ Bayar translation (providers.md §5): the status table, the rupiah ↔ "150000.00" conversions, GMT+7
 * timestamps, charge requests per channel and reading answers and notifications. Pure: no I/O.
 */
import type { FailureReason, PaymentStatus } from '../../api-types.js';
import { sha256 } from '../../lib/crypto.js';
import { ProviderRejectedError } from '../../errors.js';
import type { CreatePaymentInput, CreatePaymentResult, LineItem, ProviderMethod, ProviderStatus, WebhookEvent } from '../types.js';
import type * as W from './wire.js';
import { asObject, exactRupiah, statusIn, isWireObject, requiredRupiah, str, WireShapeError, type WireObject } from '../wire-read.js';
import type { ProviderCapabilities } from '../capabilities.js';

export const PROVIDER = 'midtrans';

/** §5.6. `capture` needs fraud_status as well; mapStatus() adds it. */
export const STATUS_TABLE = {
  pending: 'pending',
  authorize: 'pending',
  capture: 'paid',
  settlement: 'paid',
  deny: 'failed',
  cancel: 'cancelled',
  expire: 'expired',
  failure: 'failed',
  refund: 'refunded',
  // §0.1 counts money returned "fully or partly" as refunded.
  partial_refund: 'refunded',
  chargeback: 'refunded',
  partial_chargeback: 'refunded',
} as const satisfies Record<W.MidtransTransactionStatus, PaymentStatus>;

/**
 * `capture` with fraud_status `challenge` waits for review (pending); with `deny` it failed. A status word we do
 * not know reads as pending: it can never mark a payment paid or closed.
 */
export function mapStatus(transactionStatus: string, fraudStatus?: string): PaymentStatus {
  if (transactionStatus === 'capture' && fraudStatus === 'challenge') return 'pending';
  if (transactionStatus === 'capture' && fraudStatus === 'deny') return 'failed';
  return statusIn(STATUS_TABLE, transactionStatus);
}


// ---------------------------------------------------------------------------------------------------------------
// Methods

export const VA_BANKS = ['bca', 'bni', 'bri', 'permata'] as const satisfies readonly W.MidtransVaBank[];
export const STORES = ['indomaret', 'alfamart'] as const satisfies readonly W.MidtransStore[];

/**
 * Amount limits [unconfirmed: not in providers.md]. VA and Mandiri bill: 10,000–50,000,000; QRIS: 1,500–
 * 10,000,000 (national QRIS cap); GoPay: 1,000–10,000,000; Indomaret up to 5,000,000 and Alfamart up to
 * 2,500,000 (the stores' published counter limits).
 */
export const METHODS: ProviderMethod[] = [
  { family: 'va', channel: 'bca', label: 'BCA Virtual Account', minAmount: 10_000, maxAmount: 50_000_000 },
  { family: 'va', channel: 'bni', label: 'BNI Virtual Account', minAmount: 10_000, maxAmount: 50_000_000 },
  { family: 'va', channel: 'bri', label: 'BRI Virtual Account', minAmount: 10_000, maxAmount: 50_000_000 },
  { family: 'va', channel: 'permata', label: 'Permata Virtual Account', minAmount: 10_000, maxAmount: 50_000_000 },
  { family: 'va', channel: 'mandiri', label: 'Mandiri Bill Payment', minAmount: 10_000, maxAmount: 50_000_000 },
  { family: 'qris', channel: 'qris', label: 'QRIS', minAmount: 1_500, maxAmount: 10_000_000 },
  { family: 'ewallet', channel: 'gopay', label: 'GoPay', minAmount: 1_000, maxAmount: 10_000_000 },
  { family: 'cstore', channel: 'indomaret', label: 'Indomaret', minAmount: 10_000, maxAmount: 5_000_000 },
  { family: 'cstore', channel: 'alfamart', label: 'Alfamart', minAmount: 10_000, maxAmount: 2_500_000 },
  // Cards through Snap's hosted 3-D Secure page (card.ts). [unconfirmed] limits: the card's own limit is the issuer's.
  { family: 'card', channel: 'card', label: 'Credit/debit card', minAmount: 10_000, maxAmount: 100_000_000 },
];

export function supports(family: string, channel: string): boolean {
  return METHODS.some((m) => m.family === family && m.channel === channel);
}

/** Payment types Midtrans can refund through the API (docs.midtrans.com "Refund Transactions"). */
export const REFUNDABLE_PAYMENT_TYPES = new Set(['credit_card', 'gopay', 'shopeepay', 'qris', 'dana', 'ovo', 'kredivo', 'akulaku']);

// ---------------------------------------------------------------------------------------------------------------
// Money

/** Integer rupiah → `gross_amount` / item price: an integer, "do not add decimal" (§5.3). */
export function toWireAmount(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new ProviderRejectedError(PROVIDER, 400, 'INVALID_AMOUNT', `amount must be a positive integer of rupiah, got ${amount}`);
  }
  return amount;
}

/** `"150000.00"` → 150000, exactly: a fraction ("150000.50") or anything unreadable is NaN, a mismatch (wire-read.ts). */
export const fromWireAmount = exactRupiah;

// ---------------------------------------------------------------------------------------------------------------
// Time (Midtrans speaks GMT+7 wall-clock time)

const WIB_OFFSET_MS = 7 * 3_600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:mm:ss` in GMT+7. */
export function toWib(d: Date): string {
  const w = new Date(d.getTime() + WIB_OFFSET_MS);
  return `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())} ${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}`;
}

/** `YYYY-MM-DD HH:mm:ss` (GMT+7) → ISO 8601 UTC, or undefined when it is not that format. */
export function wibToIso(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) - WIB_OFFSET_MS;
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

/**
 * item_details must add up to gross_amount (Snap enforces it; for Core API it is [unconfirmed] but commonly
 * enforced): our items are sent when they do, otherwise one line for the whole amount. Names are cut to 50.
 */
export function itemDetails(input: Pick<CreatePaymentInput, 'amount' | 'orderId' | 'items'>): W.ItemDetail[] {
  const valid = (i: LineItem) => Number.isSafeInteger(i.price) && i.price > 0 && Number.isSafeInteger(i.quantity) && i.quantity > 0;
  const sum = input.items.reduce((s, i) => s + i.price * i.quantity, 0);
  if (input.items.length > 0 && input.items.every(valid) && sum === input.amount) {
    return input.items.map((i, n) => ({ id: (i.sku ?? `item-${n + 1}`).slice(0, 50), price: i.price, quantity: i.quantity, name: i.name.slice(0, 50) }));
  }
  return [{ id: 'order', price: toWireAmount(input.amount), quantity: 1, name: `Order ${input.orderId}`.slice(0, 50) }];
}

export function customerDetails(c: CreatePaymentInput['customer']): W.CustomerDetails | undefined {
  const out: W.CustomerDetails = {};
  const name = c.name?.trim();
  if (name) {
    const [first, ...rest] = name.split(/\s+/);
    out.first_name = first!.slice(0, 255);
    if (rest.length) out.last_name = rest.join(' ').slice(0, 255);
  }
  if (c.email) out.email = c.email;
  if (c.phone) out.phone = c.phone;
  return Object.keys(out).length ? out : undefined;
}

/**
 * custom_expiry from Bayar's deadline, in whole minutes counted down (Midtrans never outlives the payment).
 * At least one minute. order_time has whole seconds, so the milliseconds spent since the payment was recorded are
 * below what it can express: a 15-minute payment asks for 15 minutes, not 14.
 */
export function customExpiry(expiresAt: Date, now: Date): W.CustomExpiry {
  const minutes = Math.max(1, Math.floor((expiresAt.getTime() - now.getTime() + 999) / 60_000));
  return { order_time: `${toWib(now)} +0700`, expiry_duration: minutes, unit: 'minute' };
}

export function chargeRequest(input: CreatePaymentInput, now: Date): W.ChargeRequest {
  const customer = customerDetails(input.customer);
  const common = {
    transaction_details: { order_id: input.reference, gross_amount: toWireAmount(input.amount) },
    item_details: itemDetails(input),
    ...(customer ? { customer_details: customer } : {}),
    custom_expiry: customExpiry(input.expiresAt, now),
  };
  const ch = input.channel;
  if (input.family === 'va' && (VA_BANKS as readonly string[]).includes(ch)) {
    return { payment_type: 'bank_transfer', ...common, bank_transfer: { bank: ch as W.MidtransVaBank } };
  }
  if (input.family === 'va' && ch === 'mandiri') {
    // Mandiri shows at most 10 characters of a label and 30 of a value (§5.4).
    return { payment_type: 'echannel', ...common, echannel: { bill_info1: 'Payment:', bill_info2: `Order ${input.orderId}`.slice(0, 30) } };
  }
  if (input.family === 'qris') return { payment_type: 'qris', ...common, qris: { acquirer: 'gopay' } };
  if (input.family === 'ewallet' && ch === 'gopay') {
    return {
      payment_type: 'gopay',
      ...common,
      gopay: input.returnUrl ? { enable_callback: true, callback_url: input.returnUrl } : { enable_callback: false },
    };
  }
  if (input.family === 'cstore' && (STORES as readonly string[]).includes(ch)) {
    // [unconfirmed] message length: kept to 20 characters so it fits a receipt line.
    return { payment_type: 'cstore', ...common, cstore: { store: ch as W.MidtransStore, message: `Order ${input.orderId}`.slice(0, 20) } };
  }
  throw new Error(`unsupported Midtrans method ${input.family}:${ch}`);
}

/** One refund_key per Bayar refund (letters, digits, `-`, `_`), so a retried refund is not paid twice. */
export function refundKey(reference: string, refundId: string): string {
  return `${reference}-rf-${sha256(refundId).toString('hex').slice(0, 12)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading answers

const isObj = isWireObject;

/** The payment instructions in a charge answer (or, for VA/bill/store codes, in a status answer). */
export function chargeResult(body: unknown, input: CreatePaymentInput): CreatePaymentResult {
  const t = asObject(body, 'charge');
  const what = 'charge';
  const base: CreatePaymentResult = {
    providerRef: str(t, 'transaction_id', what),
    expiresAt: wibToIso(t.expiry_time) ?? input.expiresAt.toISOString(),
  };
  switch (input.family) {
    case 'va': {
      if (input.channel === 'mandiri') {
        return { ...base, va: { bank: 'mandiri', number: str(t, 'bill_key', what), billerCode: str(t, 'biller_code', what) } };
      }
      if (input.channel === 'permata') return { ...base, va: { bank: 'permata', number: str(t, 'permata_va_number', what) } };
      const list = Array.isArray(t.va_numbers) ? t.va_numbers.filter(isObj) : [];
      const entry = list.find((v) => v.bank === input.channel) ?? list[0];
      if (!entry) throw new WireShapeError(`${what}: missing va_numbers`);
      return { ...base, va: { bank: input.channel, number: str(entry, 'va_number', what) } };
    }
    case 'qris':
      return { ...base, qris: { qrString: str(t, 'qr_string', what) } };
    case 'ewallet': {
      const actions = Array.isArray(t.actions) ? t.actions.filter(isObj) : [];
      const deeplink = actions.find((a) => a.name === 'deeplink-redirect');
      if (!deeplink) throw new WireShapeError(`${what}: missing the deeplink-redirect action`);
      const deeplinkUrl = str(deeplink, 'url', what);
      // GoPay (providers.md §5.4): the QR for a wide screen is an image behind generate-qr-code; the deeplink opens the app.
      const qr = actions.find((a) => a.name === 'generate-qr-code');
      const qrImageUrl = qr && typeof qr.url === 'string' && qr.url ? qr.url : undefined;
      return { ...base, redirectUrl: deeplinkUrl, ewallet: { deeplinkUrl, ...(qrImageUrl ? { qrImageUrl } : {}) } };
    }
    case 'cstore':
      return { ...base, cstore: { store: input.channel, paymentCode: str(t, 'payment_code', what) } };
    default:
      throw new WireShapeError(`${what}: unexpected family ${input.family}`);
  }
}

/**
 * After a create whose answer we lost, Midtrans refuses the same order_id (406). When the existing transaction is
 * ours — pending, same payment type and amount — and its status answer carries the instructions (VA numbers,
 * bill keys and store codes do; QR strings and GoPay deeplinks do not), the create can be completed from it.
 */
export function recoverFromStatus(body: unknown, input: CreatePaymentInput, expectedType: string): CreatePaymentResult | null {
  if (!isObj(body)) return null;
  if (body.transaction_status !== 'pending' || body.payment_type !== expectedType) return null;
  if (fromWireAmount(body.gross_amount) !== input.amount) return null;
  try {
    return chargeResult(body, input);
  } catch (err) {
    if (err instanceof WireShapeError) return null;
    throw err;
  }
}

/**
 * Why a card payment failed, from what Midtrans says (§5.6): `deny` with fraud_status `deny` is its fraud detection;
 * a 3-D Secure failure names authentication in its message; any other `deny`/`failure` of a card is the bank's.
 * Other payment types carry no reason.
 */
export function failureReasonOf(t: WireObject, status: PaymentStatus): FailureReason | undefined {
  if (status !== 'failed' || t.payment_type !== 'credit_card') return undefined;
  if (t.fraud_status === 'deny') return 'fraud_suspected';
  const said = [t.channel_response_message, t.status_message].filter((v) => typeof v === 'string').join(' ');
  if (/3d ?s(ecure)?|3ds|authenticat/i.test(said)) return 'authentication_failed';
  return 'card_declined';
}

export function fromStatus(body: unknown): ProviderStatus {
  const t = asObject(body, 'status');
  const word = str(t, 'transaction_status', 'status');
  const status = mapStatus(word, typeof t.fraud_status === 'string' ? t.fraud_status : undefined);
  const amount = fromWireAmount(t.gross_amount);
  const paidAt = status === 'paid' ? (wibToIso(t.settlement_time) ?? wibToIso(t.transaction_time)) : undefined;
  const failureReason = failureReasonOf(t, status);
  return {
    status,
    ...(amount !== undefined ? { amount } : {}),
    ...(paidAt ? { paidAt } : {}),
    providerStatus: word === 'capture' && typeof t.fraud_status === 'string' ? `${word}/${t.fraud_status}` : word,
    ...(failureReason ? { failureReason } : {}),
  };
}

export function refundResult(body: unknown, key: string): { refundRef: string; status: 'succeeded' | 'pending' } {
  const t = asObject(body, 'refund');
  const id = t.refund_chargeback_id;
  return {
    refundRef: typeof id === 'number' || (typeof id === 'string' && id) ? String(id) : key,
    status: t.status_code === '200' ? 'succeeded' : 'pending',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Notifications

/** The four strings the signature covers, exactly as received; throws when one is missing or not a string. */
export function signedFields(body: unknown): { order_id: string; status_code: string; gross_amount: string; signature_key: string } {
  const n = asObject(body, 'notification');
  for (const k of ['order_id', 'status_code', 'gross_amount'] as const) {
    if (typeof n[k] !== 'string') throw new WireShapeError(`notification: ${k} must be a string`);
  }
  return {
    order_id: n.order_id as string,
    status_code: n.status_code as string,
    gross_amount: n.gross_amount as string,
    signature_key: typeof n.signature_key === 'string' ? n.signature_key : '',
  };
}

/**
 * Reads a verified notification. Midtrans has no event id: the identity is a digest of what makes the event
 * unique (order, status word, status code, transaction), so a duplicate delivery dedupes and a later status
 * change of the same order does not.
 */
export function fromWebhook(body: unknown): WebhookEvent {
  const n = asObject(body, 'notification');
  const what = 'notification';
  const orderId = str(n, 'order_id', what);
  const word = str(n, 'transaction_status', what);
  const transactionId = str(n, 'transaction_id', what);
  const statusCode = str(n, 'status_code', what);
  const amount = requiredRupiah(n, 'gross_amount', what);
  const fraud = typeof n.fraud_status === 'string' ? n.fraud_status : undefined;
  const status = mapStatus(word, fraud);
  const paidAt = status === 'paid' ? (wibToIso(n.settlement_time) ?? wibToIso(n.transaction_time)) : undefined;
  const failureReason = failureReasonOf(n, status);
  return {
    eventId: sha256([orderId, word, statusCode, transactionId].join('\n')).toString('hex'),
    providerRef: transactionId,
    reference: orderId,
    status,
    amount,
    ...(paidAt ? { paidAt } : {}),
    providerStatus: word === 'capture' && fraud ? `${word}/${fraud}` : word,
    ...(failureReason ? { failureReason } : {}),
  };
}

const BY_TRANSFER = (family: string) => `Midtrans cannot refund ${family} payments through the API; refund by bank transfer.`;

/**
 * What Midtrans can do (capabilities.ts): every charge can be cancelled while pending; refunds follow
 * REFUNDABLE_PAYMENT_TYPES for the payment types Bayar creates per family (GoPay for e-wallets). Deadlines §5.4:
 * bank transfer 20 s – 180 days, GoPay and QRIS 20 s – 7 days.
 */
export const CAPABILITIES: ProviderCapabilities = {
  families: {
    va: { cancel: true, refund: 'none', refundBlocker: BY_TRANSFER('va'), deadline: { min: 20, max: 180 * 86_400 } },
    qris: { cancel: true, refund: 'partial', deadline: { min: 20, max: 7 * 86_400 } },
    ewallet: { cancel: true, refund: 'partial', deadline: { min: 20, max: 7 * 86_400 } },
    cstore: { cancel: true, refund: 'none', refundBlocker: BY_TRANSFER('cstore') },
    // A card charge through Snap: cancellable once the card was submitted (a Snap page before that cannot be, and
    // the adapter says so for that payment); credit_card is refundable through the API.
    card: { cancel: true, refund: 'partial' },
  },
  webhookNeedsConfirmation: true,
  webhookBodyUnsigned: false,
  statusByReference: true,
  cancelledAfterPaidMeansRefunded: false,
  statusMinIntervalMs: 0,
  checkIntervalMs: 10_000,
};
