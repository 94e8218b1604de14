/**
 * Xendit ↔ Bayar translation (providers.md §4): the status table, every rupiah ↔ wire conversion, request
 * building and response/callback reading. Pure: no I/O, time comes in as an argument.
 */
import type { PaymentStatus } from '../../api-types.js';
import { sha256 } from '../../lib/crypto.js';
import { ProviderRejectedError } from '../../errors.js';
import type { CreatePaymentInput, CreatePaymentResult, ProviderMethod, ProviderStatus, WebhookEvent } from '../types.js';
import type * as W from './wire.js';
import { asObject, exactRupiah, statusIn, isWireObject, requiredRupiah, str, type WireObject } from '../wire-read.js';
import type { ProviderCapabilities } from '../capabilities.js';

export const PROVIDER = 'xendit';

/** Selects the QR Codes v2 contract (§4.1); without it `/qr_codes` speaks the legacy v1 contract. */
export const QR_API_VERSION = '2022-07-31';

/**
 * Every status word Xendit reports for the objects Bayar uses, qualified by object kind, and what it means for
 * a payment. Two rows need context the word alone does not carry; the functions below add it:
 * - `fva:INACTIVE`: a closed single-use VA goes INACTIVE when it is paid *or* when it expires (fvaStatus);
 * - `qr:INACTIVE`: a DYNAMIC QR goes INACTIVE once paid or expired; a SUCCEEDED payment decides (qrStatus).
 */
export type XenditWireStatus =
  | `fva:${W.FvaStatus}`
  | `qr:${W.QrStatus}`
  | `qr_payment:${W.QrPaymentStatus}`
  | `ewallet:${W.EwalletStatus}`;

export const STATUS_TABLE = {
  'fva:PENDING': 'pending',
  'fva:ACTIVE': 'pending',
  'fva:INACTIVE': 'expired',
  'qr:ACTIVE': 'pending',
  'qr:INACTIVE': 'expired',
  'qr_payment:SUCCEEDED': 'paid',
  'qr_payment:COMPLETED': 'paid',
  'ewallet:PENDING': 'pending',
  'ewallet:SUCCEEDED': 'paid',
  'ewallet:FAILED': 'failed',
  'ewallet:VOIDED': 'cancelled',
  'ewallet:REFUNDED': 'refunded',
} as const satisfies Record<XenditWireStatus, PaymentStatus>;

/**
 * A status word we do not know yet (Xendit adds some over time) reads as `pending`: the one common status that
 * moves nothing in the ledger, so an unknown word can never mark a payment paid or closed.
 */
export function mapStatus(kind: 'fva' | 'qr' | 'qr_payment' | 'ewallet', word: string): PaymentStatus {
  return statusIn(STATUS_TABLE, `${kind}:${word}`);
}


// ---------------------------------------------------------------------------------------------------------------
// Methods and channels

export const VA_BANKS = {
  bca: 'BCA',
  bni: 'BNI',
  bri: 'BRI',
  mandiri: 'MANDIRI',
  permata: 'PERMATA',
  bsi: 'BSI',
  cimb: 'CIMB',
} as const satisfies Record<string, W.XenditBankCode>;

export const EWALLET_CHANNELS = {
  ovo: 'ID_OVO',
  dana: 'ID_DANA',
  linkaja: 'ID_LINKAJA',
  shopeepay: 'ID_SHOPEEPAY',
} as const satisfies Record<string, W.XenditEwalletChannel>;

const VA_LABELS: Record<keyof typeof VA_BANKS, string> = {
  bca: 'BCA Virtual Account',
  bni: 'BNI Virtual Account',
  bri: 'BRI Virtual Account',
  mandiri: 'Mandiri Virtual Account',
  permata: 'Permata Virtual Account',
  bsi: 'BSI Virtual Account',
  cimb: 'CIMB Niaga Virtual Account',
};

const EWALLET_LABELS: Record<keyof typeof EWALLET_CHANNELS, string> = {
  ovo: 'OVO',
  dana: 'DANA',
  linkaja: 'LinkAja',
  shopeepay: 'ShopeePay',
};

/**
 * Amount limits [unconfirmed: providers.md gives none for Xendit]. VA: 10,000 to 50,000,000 (the tightest
 * per-bank limits we know of); QRIS: 1,500 to 10,000,000 (the national QRIS cap); e-wallets: 100 (a third-party
 * copy of the API reference) to 10,000,000.
 */
export const METHODS: ProviderMethod[] = [
  ...Object.keys(VA_BANKS).map((channel) => ({
    family: 'va' as const,
    channel,
    label: VA_LABELS[channel as keyof typeof VA_BANKS],
    minAmount: 10_000,
    maxAmount: 50_000_000,
  })),
  { family: 'qris', channel: 'qris', label: 'QRIS', minAmount: 1_500, maxAmount: 10_000_000 },
  ...Object.keys(EWALLET_CHANNELS).map((channel) => ({
    family: 'ewallet' as const,
    channel,
    label: EWALLET_LABELS[channel as keyof typeof EWALLET_CHANNELS],
    minAmount: 100,
    maxAmount: 10_000_000,
  })),
];

/** Which API a providerRef belongs to, from Xendit's own id prefixes (`ewc_…` charges, `qr_…` QR codes). */
export type XenditObjectKind = 'fva' | 'qr' | 'ewallet';
export function kindOf(providerRef: string): XenditObjectKind {
  if (providerRef.startsWith('ewc_')) return 'ewallet';
  if (providerRef.startsWith('qr_')) return 'qr';
  return 'fva';
}

/**
 * E-wallet charges carry no expiry field. We promise the customer at most this long [unconfirmed: Xendit does
 * not document one window for every wallet]; the emulator uses the same window.
 */
export const EWALLET_WINDOW_MS = 15 * 60_000;

// ---------------------------------------------------------------------------------------------------------------
// Money

/** Integer rupiah → Xendit amount (a JSON number of whole rupiah). */
export function toWireAmount(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new ProviderRejectedError(PROVIDER, 400, 'INVALID_AMOUNT', `amount must be a positive integer of rupiah, got ${amount}`);
  }
  return amount;
}

/** Xendit amount → integer rupiah, exactly: a fraction or anything unreadable is NaN, a mismatch (wire-read.ts). */
export const fromWireAmount = exactRupiah;

// ---------------------------------------------------------------------------------------------------------------
// Customer data

/**
 * Xendit VA names accept letters and spaces only (§4.2); BCA also wants at least 3 characters. Accents are
 * folded, apostrophes dropped, anything else becomes a space. Falls back to "Bayar Customer". The 50-char cap
 * is ours [unconfirmed: no documented maximum found].
 */
export function sanitizeVaName(name: string | undefined): string {
  const cleaned = (name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['\u2019`]/g, '')
    .replace(/[^A-Za-z ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 50)
    .trim();
  return cleaned.length >= 3 ? cleaned : 'Bayar Customer';
}

// One normaliser for the widget API and this adapter (OVO's `mobile_number`).
export { toIndonesianMobile } from '../../lib/phone.js';
import { toIndonesianMobile } from '../../lib/phone.js';

// ---------------------------------------------------------------------------------------------------------------
// Idempotency

/** Same payment attempt → same key, so a retried create replays instead of making a second VA/QR/charge. */
export function createIdempotencyKey(reference: string): string {
  return `bayar-${reference}`;
}

/** One key per Bayar refund: a retried refund replays. */
export function refundIdempotencyKey(reference: string, refundId: string): string {
  return `bayar-${reference}-rf-${sha256(refundId).toString('hex').slice(0, 16)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

export function fvaRequest(input: CreatePaymentInput): W.CreateFvaRequest {
  const bank = VA_BANKS[input.channel as keyof typeof VA_BANKS];
  return {
    external_id: input.reference,
    bank_code: bank,
    name: sanitizeVaName(input.customer.name),
    is_closed: true,
    expected_amount: toWireAmount(input.amount),
    is_single_use: true,
    expiration_date: input.expiresAt.toISOString(),
    currency: 'IDR',
  };
}

export function qrRequest(input: CreatePaymentInput): W.CreateQrV2Request {
  return {
    reference_id: input.reference,
    type: 'DYNAMIC',
    currency: 'IDR',
    amount: toWireAmount(input.amount),
    expires_at: input.expiresAt.toISOString(),
  };
}

/** Refund reasons the e-wallet refund endpoint accepts [unconfirmed]; free text is sent as OTHERS. */
const REFUND_REASONS: readonly W.EwalletRefundReason[] = ['FRAUDULENT', 'DUPLICATE', 'REQUESTED_BY_CUSTOMER', 'CANCELLATION', 'OTHERS'];
export function refundReason(reason: string): W.EwalletRefundReason {
  const word = reason.trim().toUpperCase().replace(/[\s-]+/g, '_');
  return (REFUND_REASONS as readonly string[]).includes(word) ? (word as W.EwalletRefundReason) : 'OTHERS';
}

/**
 * OVO pays by push notification to the customer's app and needs their phone number; DANA, LinkAja and
 * ShopeePay redirect and need a success URL. Both are refused here, before any request, with a clear message.
 */
export function ewalletRequest(input: CreatePaymentInput): W.CreateEwalletChargeRequest {
  const channel = EWALLET_CHANNELS[input.channel as keyof typeof EWALLET_CHANNELS];
  const props: W.CreateEwalletChargeRequest['channel_properties'] = {};
  if (channel === 'ID_OVO') {
    const mobile = toIndonesianMobile(input.customer.phone);
    if (!mobile) {
      throw new ProviderRejectedError(
        PROVIDER,
        400,
        'MOBILE_NUMBER_REQUIRED',
        'OVO needs the customer\'s Indonesian mobile number (e.g. 0812… or +62812…); ask for customer-phone and try again',
      );
    }
    props.mobile_number = mobile;
  }
  if (input.returnUrl) {
    props.success_redirect_url = input.returnUrl;
    props.failure_redirect_url = input.returnUrl;
  } else if (channel !== 'ID_OVO') {
    throw new ProviderRejectedError(
      PROVIDER,
      400,
      'REDIRECT_URL_REQUIRED',
      `${channel} redirects the customer back after paying, so it needs a return URL`,
    );
  }
  return {
    reference_id: input.reference,
    currency: 'IDR',
    amount: toWireAmount(input.amount),
    checkout_method: 'ONE_TIME_PAYMENT',
    channel_code: channel,
    channel_properties: props,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading answers

type Obj = WireObject;
const isObj = isWireObject;
const amountOf = requiredRupiah;

function isoOpt(value: unknown): string | undefined {
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  return undefined;
}

function isoOr(value: unknown, fallback: Date): string {
  return isoOpt(value) ?? fallback.toISOString();
}

export function fvaResult(body: unknown, channel: string, fallbackExpiry: Date): CreatePaymentResult {
  const va = asObject(body, 'virtual account');
  return {
    providerRef: str(va, 'id', 'virtual account'),
    expiresAt: isoOr(va.expiration_date, fallbackExpiry),
    va: { bank: channel, number: str(va, 'account_number', 'virtual account') },
  };
}

export function qrResult(body: unknown, fallbackExpiry: Date): CreatePaymentResult {
  const qr = asObject(body, 'QR code');
  return {
    providerRef: str(qr, 'id', 'QR code'),
    expiresAt: isoOr(qr.expires_at, fallbackExpiry),
    qris: { qrString: str(qr, 'qr_string', 'QR code') },
  };
}

export function ewalletResult(body: unknown, requestedExpiry: Date, now: Date): CreatePaymentResult {
  const charge = asObject(body, 'e-wallet charge');
  const actions = isObj(charge.actions) ? charge.actions : {};
  const url = (key: string) => (typeof actions[key] === 'string' && actions[key] ? (actions[key] as string) : undefined);
  // Which of the four a charge carries depends on the wallet (docs.xendit.co/ewallet/checkout-methods): DANA and
  // LinkAja give web checkout URLs, ShopeePay a deeplink and a QR string, OVO none (it pushes to the app).
  const ewallet = {
    desktopUrl: url('desktop_web_checkout_url'),
    mobileUrl: url('mobile_web_checkout_url'),
    deeplinkUrl: url('mobile_deeplink_checkout_url'),
    qrString: url('qr_checkout_string'),
  };
  const redirectUrl = ewallet.desktopUrl ?? ewallet.mobileUrl ?? ewallet.deeplinkUrl;
  const deadline = Math.min(requestedExpiry.getTime(), now.getTime() + EWALLET_WINDOW_MS);
  return {
    providerRef: str(charge, 'id', 'e-wallet charge'),
    expiresAt: new Date(deadline).toISOString(),
    ...(redirectUrl ? { redirectUrl } : {}),
    ...(Object.values(ewallet).some(Boolean) ? { ewallet: JSON.parse(JSON.stringify(ewallet)) } : {}),
  };
}

/**
 * A Fixed VA's payment state. Paid detection, in order:
 * 1. a payment we looked up by the `payment_id` a verified callback gave us → paid, with its amount and time;
 * 2. INACTIVE while its expiration_date is still ahead → still pending: a VA that merely turned inactive is not a
 *    payment (it may have been deactivated in the dashboard); only a payment record says money arrived, and
 *    Xendit retries the callback that carries its payment_id;
 * 3. INACTIVE at or after expiration_date → expired; PENDING/ACTIVE → pending.
 */
export function fvaStatus(body: unknown, payment: unknown | null, now: Date): ProviderStatus {
  const va = asObject(body, 'virtual account');
  const word = str(va, 'status', 'virtual account');
  if (payment !== null) {
    const p = asObject(payment, 'virtual account payment');
    return {
      status: 'paid',
      amount: amountOf(p, 'amount', 'virtual account payment'),
      paidAt: isoOr(p.transaction_timestamp, now),
      providerStatus: `${word}/PAID`,
    };
  }
  if (word === 'INACTIVE') {
    const expiry = Date.parse(String(va.expiration_date));
    if (Number.isFinite(expiry) && expiry > now.getTime()) return { status: 'pending', providerStatus: 'INACTIVE' };
  }
  return { status: mapStatus('fva', word), providerStatus: word };
}

export function qrStatus(body: unknown, paymentsBody: unknown, now: Date): ProviderStatus {
  const qr = asObject(body, 'QR code');
  const word = str(qr, 'status', 'QR code');
  const list = asObject(paymentsBody, 'QR payments');
  const payments = Array.isArray(list.data) ? list.data.filter(isObj) : [];
  const paid = payments.find((p) => mapStatus('qr_payment', String(p.status)) === 'paid');
  if (paid) {
    return {
      status: 'paid',
      amount: amountOf(paid, 'amount', 'QR payment'),
      paidAt: isoOr(paid.created, now),
      providerStatus: `${word}/${String(paid.status)}`,
    };
  }
  const expiry = Date.parse(String(qr.expires_at));
  if (word === 'ACTIVE' && Number.isFinite(expiry) && expiry <= now.getTime()) return { status: 'expired', providerStatus: word };
  return { status: mapStatus('qr', word), providerStatus: word };
}

/**
 * Failure codes that mean the customer simply never approved in time [unconfirmed: the code name is not in the
 * stored docs]; they read as `expired` rather than `failed`.
 */
const EWALLET_TIMEOUT_CODES = new Set(['USER_DID_NOT_AUTHORIZE_THE_PAYMENT', 'EXPIRED']);

function ewalletCommonStatus(charge: Obj): PaymentStatus {
  const word = String(charge.status);
  if (word === 'FAILED' && EWALLET_TIMEOUT_CODES.has(String(charge.failure_code))) return 'expired';
  if (word === 'SUCCEEDED' && charge.void_status === 'SUCCEEDED') return 'cancelled';
  // A partial refund leaves the charge SUCCEEDED with refunded_amount set; §0.1 counts "fully or partly" as refunded.
  if (word === 'SUCCEEDED' && (fromWireAmount(charge.refunded_amount) ?? 0) > 0) return 'refunded';
  return mapStatus('ewallet', word);
}

export function ewalletStatus(body: unknown): ProviderStatus {
  const charge = asObject(body, 'e-wallet charge');
  const word = str(charge, 'status', 'e-wallet charge');
  const status = ewalletCommonStatus(charge);
  const amount = fromWireAmount(charge.capture_amount) ?? fromWireAmount(charge.charge_amount);
  return {
    status,
    ...(amount !== undefined ? { amount } : {}),
    ...(status === 'paid' && isoOpt(charge.updated) ? { paidAt: isoOpt(charge.updated) } : {}),
    providerStatus: charge.failure_code ? `${word}:${String(charge.failure_code)}` : word,
  };
}

export function refundResult(body: unknown): { refundRef: string; status: 'succeeded' | 'pending' } {
  const refund = asObject(body, 'e-wallet refund');
  const id = str(refund, 'id', 'e-wallet refund');
  const word = str(refund, 'status', 'e-wallet refund');
  if (word === 'FAILED') {
    throw new ProviderRejectedError(PROVIDER, 422, String(refund.failure_code ?? 'REFUND_FAILED'), `Xendit refused the refund ${id}`);
  }
  return { refundRef: id, status: word === 'SUCCEEDED' ? 'succeeded' : 'pending' };
}

// ---------------------------------------------------------------------------------------------------------------
// Callbacks

export interface ParsedCallback {
  events: WebhookEvent[];
  /** A VA payment the callback told us about, so status() can look it up by payment_id. */
  vaPayment?: { vaId: string; paymentId: string };
}

/**
 * Reads a verified callback body (§4.3). `webhookId` (the `webhook-id` header) is the event identity when
 * present; otherwise the payment's own id is. Bodies of a shape Bayar does not use (invoices, other products)
 * give no events and are acknowledged, so Xendit stops retrying them.
 */
export function fromWebhook(body: unknown, webhookId: string | undefined, receivedAt: Date): ParsedCallback {
  const b = asObject(body, 'callback');
  const id = (fallback: string) => (webhookId && webhookId.length > 0 ? webhookId : fallback);

  if (typeof b.event === 'string') {
    if (b.event === 'qr.payment') return { events: [qrPaymentEvent(b, id, receivedAt)] };
    if (b.event.startsWith('ewallet.')) return { events: ewalletEvents(b, id) };
    return { events: [] };
  }

  // Fixed VA paid: the payment object, flat.
  if ('callback_virtual_account_id' in b && 'payment_id' in b) {
    const what = 'virtual account payment callback';
    const vaId = str(b, 'callback_virtual_account_id', what);
    const paymentId = str(b, 'payment_id', what);
    return {
      events: [
        {
          eventId: id(paymentId),
          providerRef: vaId,
          reference: str(b, 'external_id', what),
          status: 'paid',
          amount: amountOf(b, 'amount', what),
          paidAt: isoOr(b.transaction_timestamp, receivedAt),
          providerStatus: 'PAID',
        },
      ],
      vaPayment: { vaId, paymentId },
    };
  }

  // Fixed VA created/updated: the VA object. Only "INACTIVE at or past its expiry" tells us something new.
  if ('account_number' in b && 'status' in b && 'expiration_date' in b) {
    const what = 'virtual account callback';
    const word = str(b, 'status', what);
    const expiry = Date.parse(String(b.expiration_date));
    if (word !== 'INACTIVE' || !Number.isFinite(expiry) || expiry > receivedAt.getTime()) return { events: [] };
    const vaId = str(b, 'id', what);
    return {
      events: [
        {
          eventId: id(`${vaId}:${word}:${String(b.updated ?? b.expiration_date)}`),
          providerRef: vaId,
          reference: str(b, 'external_id', what),
          status: 'expired',
          providerStatus: word,
        },
      ],
    };
  }
  return { events: [] };
}

/** `qr.payment`: v2 puts the payment in `data`; the legacy v1 callback is flat with a nested `qr_code`. */
function qrPaymentEvent(b: Obj, id: (fallback: string) => string, receivedAt: Date): WebhookEvent {
  const what = 'QR payment callback';
  if (isObj(b.data)) {
    const d = b.data;
    const word = str(d, 'status', what);
    return {
      eventId: id(str(d, 'id', what)),
      providerRef: str(d, 'qr_id', what),
      ...(typeof d.reference_id === 'string' ? { reference: d.reference_id } : {}),
      status: mapStatus('qr_payment', word),
      amount: amountOf(d, 'amount', what),
      paidAt: isoOr(d.created, receivedAt),
      providerStatus: word,
    };
  }
  const qr = asObject(b.qr_code, what);
  const word = str(b, 'status', what);
  return {
    eventId: id(str(b, 'id', what)),
    providerRef: str(qr, 'id', what),
    ...(typeof qr.external_id === 'string' ? { reference: qr.external_id } : {}),
    status: mapStatus('qr_payment', word),
    amount: amountOf(b, 'amount', what),
    paidAt: isoOr(b.created, receivedAt),
    providerStatus: word,
  };
}

function ewalletEvents(b: Obj, id: (fallback: string) => string): WebhookEvent[] {
  const what = 'e-wallet callback';
  const d = asObject(b.data, what);
  const word = str(d, 'status', what);
  // Refund callbacks carry the refund object (`charge_id`); only a succeeded refund changes the payment.
  if ('charge_id' in d) {
    if (word !== 'SUCCEEDED') return [];
    const refundId = str(d, 'id', what);
    return [{ eventId: id(`${refundId}:${word}`), providerRef: str(d, 'charge_id', what), status: 'refunded', providerStatus: `REFUND_${word}` }];
  }
  const chargeId = str(d, 'id', what);
  const st = ewalletStatus(d);
  return [
    {
      // The charge id is shared by every status change of the charge, so the fallback identity includes the status.
      eventId: id(`${chargeId}:${word}${d.void_status ? `:${String(d.void_status)}` : ''}`),
      providerRef: chargeId,
      ...(typeof d.reference_id === 'string' ? { reference: d.reference_id } : {}),
      status: st.status,
      ...(st.amount !== undefined ? { amount: st.amount } : {}),
      ...(st.paidAt ? { paidAt: st.paidAt } : {}),
      providerStatus: st.providerStatus,
    },
  ];
}

const BY_TRANSFER = 'Xendit VA and QR payments cannot be refunded through the API; refund by bank transfer.';

/**
 * What Xendit can do (capabilities.ts). A VA is closed by moving its expiry to now; a QR code cannot be
 * deactivated; a pending e-wallet charge cannot be cancelled (void reverses only a succeeded one). E-wallet charges
 * carry no expiry: we promise at most EWALLET_WINDOW_MS.
 */
export const CAPABILITIES: ProviderCapabilities = {
  families: {
    va: { cancel: true, refund: 'none', refundBlocker: BY_TRANSFER },
    qris: { cancel: false, refund: 'none', refundBlocker: BY_TRANSFER },
    ewallet: { cancel: false, refund: 'partial', deadline: { max: EWALLET_WINDOW_MS / 1000 } },
  },
  webhookNeedsConfirmation: true,
  webhookBodyUnsigned: false,
  statusByReference: false,
  cancelledAfterPaidMeansRefunded: false,
  statusMinIntervalMs: 0,
  checkIntervalMs: 10_000,
};
