/**
 * Strict Doku Checkout (non-SNAP) emulator, providers.md §1 and the rules in §1.9. Mounted at /emulators/doku;
 * the paths after that are Doku's own:
 *
 *   POST /checkout/v1/payment              create a hosted checkout (signed with Digest)
 *   GET  /orders/v1/status/{invoice|reqId} check status (signed, no Digest)
 *   GET  /checkout-link-v2/{token_id}      hosted payment page (Pay / Cancel forms; for CREDIT_CARD the card form
 *                                          and 3-D Secure challenge of card.ts)
 *
 * It verifies Client-Id + Signature over the raw received bytes with its own code, enforces the documented field
 * rules, implements Request-Id idempotency (same Request-Id + same body → cached body with 409), keeps state in
 * memory, and sends notifications signed as Doku signs them (Request-Target = path of the notification URL).
 */
import { postWebhook } from '../shared/webhook.js';
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { FaultSwitch } from '../faults.js';
import type { Emulator, EmulatorOptions, FaultMode, FaultScope, SimulateResult } from '../types.js';
import { isJsonObject as isObj } from '../shared/json-body.js';
import { CARD_TYPE, dokuCardPages, isCardCheckout } from './card.js';
import { checkoutPage, resultPage } from './pages.js';
import { TIMESTAMP_RE, digestOf, sign, signatureMatches, utcStamp, wibCompact } from './signing.js';
import { type CheckoutSession, DokuState, type DokuLineItemIn, digits, newSessionId, newTokenId, newUuid } from './state.js';

export interface DokuEmulatorSettings {
  /** Accepted Request-Timestamp skew. Undocumented by Doku [unconfirmed]; ±5 min by default (§1.9). */
  timestampWindowMs?: number;
  merchantName?: string;
}

export interface DokuEmulator extends Emulator {
  /** Resends the last notification of a checkout with the SAME Request-Id, as Doku's retries and Back Office resend do. */
  /** A copy of the emulator's view of a checkout (tests assert what the adapter sent). */
  inspect(ref: string): Readonly<CheckoutSession> | undefined;
}

/** Method types this emulated merchant account has enabled (used when the request names none). */
export const KNOWN_METHOD_TYPES = [
  'VIRTUAL_ACCOUNT_BCA',
  'VIRTUAL_ACCOUNT_BANK_MANDIRI',
  'VIRTUAL_ACCOUNT_BANK_SYARIAH_MANDIRI',
  'VIRTUAL_ACCOUNT_DOKU',
  'VIRTUAL_ACCOUNT_BRI',
  'VIRTUAL_ACCOUNT_BNI',
  'VIRTUAL_ACCOUNT_BANK_PERMATA',
  'VIRTUAL_ACCOUNT_BANK_CIMB',
  'VIRTUAL_ACCOUNT_BANK_DANAMON',
  'QRIS',
  'CREDIT_CARD',
  // Beyond EMONEY_DANA these names are [unconfirmed] (providers.md §1.5).
  'EMONEY_DANA',
  'EMONEY_OVO',
  'EMONEY_SHOPEE_PAY',
  'EMONEY_LINKAJA',
  'ONLINE_TO_OFFLINE_ALFA',
  'ONLINE_TO_OFFLINE_INDOMARET',
];

const REQUIRED_HEADERS = ['Client-Id', 'Request-Id', 'Request-Timestamp', 'Signature'] as const;
const isHttpUrl = (v: unknown) => {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};

export function createDokuEmulator(
  creds: { clientId: string; secretKey: string },
  opts: EmulatorOptions,
  settings: DokuEmulatorSettings = {},
): DokuEmulator {
  const windowMs = settings.timestampWindowMs ?? 5 * 60_000;
  const merchantName = settings.merchantName ?? 'Toko Bayar Sandbox';
  const state = new DokuState(opts.clock);
  const faults = new FaultSwitch({ clock: opts.clock });
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: '100kb' });

  /** Every Doku error keeps the `message: [...]` envelope; codes/statuses are [unconfirmed] (§1.9). */
  const error = (res: Response, status: number, ...message: string[]) => res.status(status).json({ message });

  /** Sends JSON signed like Doku's responses (Response-Timestamp + Digest of the response body). */
  function sendSigned(req: Request, res: Response, status: number, clientId: string, requestId: string, text: string) {
    const timestamp = utcStamp(opts.clock.now());
    res.set({
      'Client-Id': clientId,
      'Request-Id': requestId,
      'Response-Timestamp': timestamp,
      Signature: sign(creds.secretKey, { clientId, requestId, timestamp, target: req.path, digest: digestOf(text) }, 'Response-Timestamp'),
    });
    res.status(status).type('application/json').send(text);
  }

  /**
   * Header presence, timestamp window, Client-Id and signature over the raw received bytes. Returns the caller's
   * identity, or the error to answer with.
   */
  function authenticate(req: Request, body: Buffer | null): { clientId: string; requestId: string } | { status: number; message: string[] } {
    const missing = REQUIRED_HEADERS.filter((h) => !req.get(h));
    if (missing.length) return { status: 400, message: missing.map((h) => `Invalid Header ${h}: required`) };
    const clientId = req.get('Client-Id')!;
    const requestId = req.get('Request-Id')!;
    const timestamp = req.get('Request-Timestamp')!;
    const signature = req.get('Signature')!;
    if (requestId.length > 128) return { status: 400, message: ['Invalid Header Request-Id: max 128 characters'] };
    if (!TIMESTAMP_RE.test(timestamp)) return { status: 400, message: ['Invalid Header Request-Timestamp: expected yyyy-MM-ddTHH:mm:ssZ (UTC)'] };
    if (Math.abs(opts.clock.now().getTime() - new Date(timestamp).getTime()) > windowMs) {
      return { status: 400, message: ['Invalid Header Request-Timestamp: outside the allowed window'] };
    }
    if (clientId !== creds.clientId) return { status: 401, message: ['Invalid Client-Id'] };
    if (!signature.startsWith('HMACSHA256=')) return { status: 401, message: ['Invalid Header Signature: expected HMACSHA256=<base64>'] };
    const target = req.path;
    const ok = signatureMatches(creds.secretKey, { clientId, requestId, timestamp, target, ...(body ? { digest: digestOf(body) } : {}) }, signature);
    if (!ok) return { status: 401, message: ['Invalid Signature'] };
    return { clientId, requestId };
  }

  function validateCheckout(b: unknown): string[] {
    if (!isObj(b)) return ['Request body must be a JSON object'];
    const p: string[] = [];
    const order = b.order;
    if (!isObj(order)) p.push('order is required');
    else {
      const a = order.amount;
      if (typeof a !== 'number' || !Number.isInteger(a) || a <= 0 || String(a).length > 12) {
        p.push('order.amount must be a positive integer without decimals, at most 12 digits');
      }
      const inv = order.invoice_number;
      if (typeof inv !== 'string' || inv.length < 1 || inv.length > 64) p.push('order.invoice_number must be a string of 1-64 characters');
      // §1.5: at most 30 once the credit-card channel is active.
      else if (inv.length > 30 && isObj(b.payment) && Array.isArray(b.payment.payment_method_types) && b.payment.payment_method_types.includes(CARD_TYPE)) {
        p.push('order.invoice_number must be at most 30 characters with CREDIT_CARD');
      }
      if (order.currency !== undefined && order.currency !== 'IDR') p.push('order.currency must be IDR');
      for (const k of ['callback_url', 'callback_url_cancel', 'callback_url_result']) {
        if (order[k] !== undefined && !isHttpUrl(order[k])) p.push(`order.${k} must be an http(s) URL`);
      }
      if (order.language !== undefined && order.language !== 'EN' && order.language !== 'ID') p.push('order.language must be EN or ID');
      for (const k of ['auto_redirect', 'disable_retry_payment']) {
        if (order[k] !== undefined && typeof order[k] !== 'boolean') p.push(`order.${k} must be a boolean`);
      }
      if (order.line_items !== undefined) {
        if (!Array.isArray(order.line_items) || order.line_items.length === 0) p.push('order.line_items must be a non-empty array');
        else {
          let sum = 0;
          order.line_items.forEach((it: unknown, i: number) => {
            if (!isObj(it) || typeof it.name !== 'string' || !it.name) return void p.push(`order.line_items[${i}].name is required`);
            if (typeof it.price !== 'number' || !Number.isInteger(it.price) || it.price < 0) p.push(`order.line_items[${i}].price must be a non-negative integer`);
            if (typeof it.quantity !== 'number' || !Number.isInteger(it.quantity) || it.quantity < 1) p.push(`order.line_items[${i}].quantity must be a positive integer`);
            sum += Number(it.price) * Number(it.quantity);
          });
          // [unconfirmed] that Doku checks the sum; a mismatched cart is refused here so the adapter never sends one.
          if (typeof a === 'number' && sum !== a && !p.some((x) => x.startsWith('order.line_items['))) p.push('order.line_items total must equal order.amount');
        }
      }
    }
    const payment = b.payment;
    if (payment !== undefined && !isObj(payment)) p.push('payment must be an object');
    if (isObj(payment)) {
      const due = payment.payment_due_date;
      // Positive whole minutes; the documented maximum was cut off in our copy [unconfirmed], so none is enforced.
      if (due !== undefined && (typeof due !== 'number' || !Number.isInteger(due) || due <= 0)) p.push('payment.payment_due_date must be a positive number of minutes');
      const types = payment.payment_method_types;
      if (types !== undefined) {
        if (!Array.isArray(types) || types.length === 0) p.push('payment.payment_method_types must be a non-empty array');
        else for (const t of types) if (typeof t !== 'string' || !KNOWN_METHOD_TYPES.includes(t)) p.push(`payment.payment_method_types: unknown value ${String(t)}`);
      }
    }
    if (b.customer !== undefined) {
      if (!isObj(b.customer)) p.push('customer must be an object');
      else if (b.customer.email !== undefined && (typeof b.customer.email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(b.customer.email))) {
        p.push('customer.email is not a valid email');
      }
    }
    if (b.additional_info !== undefined) {
      if (!isObj(b.additional_info)) p.push('additional_info must be an object');
      else if (b.additional_info.override_notification_url !== undefined && !isHttpUrl(b.additional_info.override_notification_url)) {
        p.push('additional_info.override_notification_url must be an http(s) URL');
      }
    }
    return p;
  }

  const hostedUrl = (s: CheckoutSession) => `${opts.baseUrl().replace(/\/+$/, '')}/checkout-link-v2/${s.tokenId}`;

  function channelOf(type: string): { service: string; acquirer: string } {
    if (type.startsWith('VIRTUAL_ACCOUNT_')) return { service: 'VIRTUAL_ACCOUNT', acquirer: type.slice('VIRTUAL_ACCOUNT_'.length) };
    if (type.startsWith('EMONEY_')) return { service: 'EMONEY', acquirer: type.slice('EMONEY_'.length) };
    if (type.startsWith('ONLINE_TO_OFFLINE_')) return { service: 'ONLINE_TO_OFFLINE', acquirer: type.slice('ONLINE_TO_OFFLINE_'.length) };
    if (type === 'QRIS') return { service: 'QRIS', acquirer: 'DOKU' };
    return { service: type, acquirer: 'DOKU' };
  }

  /** The Check Status body, also the base of notifications. */
  function statusBody(s: CheckoutSession) {
    const type = s.paidWith ?? s.methodTypes[0]!;
    const { service, acquirer } = channelOf(type);
    const body: Record<string, unknown> = {
      order: { invoice_number: s.invoiceNumber, amount: s.paidAmount ?? s.amount },
      transaction: { status: s.status, date: utcStamp(s.statusAt), original_request_id: s.requestId },
      service: { id: service },
      acquirer: { id: acquirer },
      channel: { id: type },
    };
    if (s.vaNumber) {
      body.virtual_account_info = { virtual_account_number: s.vaNumber };
      body.virtual_account_payment = {
        // Doku's own spelling (§1.6).
        identifer: [
          { name: 'REQUEST_ID', value: s.requestId },
          { name: 'REFERENCE', value: s.sessionId },
          { name: 'CHANNEL_TYPE', value: 'ATM' },
        ],
      };
    }
    if (s.paymentCode) body.online_to_offline_info = { payment_code: s.paymentCode };
    return body;
  }

  async function post(url: string, requestId: string, text: string): Promise<number> {
    const target = new URL(url).pathname;
    // Doku retries a failed notification at +30 min, +6 h and +12 h (§1.6) with the same Request-Id: three attempts,
    // each re-signed with a fresh timestamp.
    const headers = () => {
      const timestamp = utcStamp(opts.clock.now());
      return {
        'Content-Type': 'application/json',
        'Client-Id': creds.clientId,
        'Request-Id': requestId,
        'Request-Timestamp': timestamp,
        Signature: sign(creds.secretKey, { clientId: creds.clientId, requestId, timestamp, target, digest: digestOf(text) }),
      };
    };
    return postWebhook(opts.http, { url, body: text, headers, attempts: 3 });
  }

  async function notify(s: CheckoutSession): Promise<SimulateResult> {
    const url = s.notifyUrl ?? opts.defaultWebhookUrl();
    const requestId = randomUUID();
    const text = JSON.stringify(statusBody(s));
    s.notifications.push({ requestId, body: text, url });
    return { webhookStatus: await post(url, requestId, text) };
  }

  function markPaid(s: CheckoutSession, type: string, amount?: number) {
    s.status = 'SUCCESS';
    s.statusAt = opts.clock.now();
    s.paidWith = type;
    s.paidAmount = amount ?? s.amount;
    if (type.startsWith('VIRTUAL_ACCOUNT_')) s.vaNumber = `8889${digits(12)}`;
    if (type.startsWith('ONLINE_TO_OFFLINE_')) s.paymentCode = `DK${digits(10)}`;
  }

  // --- API (behind the fault switch) ---------------------------------------------------------------------------
  router.use(['/checkout/v1', '/orders/v1'], faults.middleware());

  router.post('/checkout/v1/payment', raw, (req, res) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const auth = authenticate(req, body);
    if ('status' in auth) return error(res, auth.status, ...auth.message);
    const key = `${auth.clientId}\n${auth.requestId}`;
    const cached = state.idempotency.get(key);
    if (cached) {
      if (cached.bodyDigest === digestOf(body)) return sendSigned(req, res, 409, auth.clientId, auth.requestId, cached.text);
      return error(res, 400, 'Request-Id has already been used for a different request');
    }
    let b: unknown;
    try {
      b = JSON.parse(body.toString('utf8'));
    } catch {
      return error(res, 400, 'Invalid request body: not JSON');
    }
    const problems = validateCheckout(b);
    if (problems.length) return error(res, 400, ...problems);
    const j = b as {
      order: { amount: number; invoice_number: string; callback_url?: string; callback_url_cancel?: string; line_items?: DokuLineItemIn[] };
      payment?: { payment_due_date?: number; payment_method_types?: string[] };
      customer?: { name?: string };
      additional_info?: { override_notification_url?: string };
    };
    // A second checkout for an invoice that already has one is refused [unconfirmed]: Bayar's references are per
    // attempt, so a duplicate is a bug the emulator should surface.
    if (state.byInvoice.has(j.order.invoice_number)) return error(res, 400, 'order.invoice_number has already been used');
    const now = opts.clock.now();
    const due = j.payment?.payment_due_date ?? 60;
    const s: CheckoutSession = {
      invoiceNumber: j.order.invoice_number,
      amount: j.order.amount,
      tokenId: newTokenId(),
      sessionId: newSessionId(),
      uuid: newUuid(),
      requestId: auth.requestId,
      methodTypes: j.payment?.payment_method_types ?? KNOWN_METHOD_TYPES.filter((t) => t !== 'CREDIT_CARD'),
      createdAt: now,
      expiresAt: new Date(now.getTime() + due * 60_000),
      dueMinutes: due,
      status: 'PENDING',
      statusAt: now,
      callbackUrl: j.order.callback_url,
      callbackUrlCancel: j.order.callback_url_cancel,
      notifyUrl: j.additional_info?.override_notification_url,
      customerName: j.customer?.name,
      lineItems: j.order.line_items ?? [],
      notifications: [],
    };
    state.add(s);
    const text = JSON.stringify({
      message: ['SUCCESS'],
      response: {
        order: { invoice_number: s.invoiceNumber, amount: String(s.amount), currency: 'IDR', session_id: s.sessionId },
        payment: {
          url: hostedUrl(s),
          token_id: s.tokenId,
          expired_date: wibCompact(s.expiresAt),
          payment_due_date: s.dueMinutes,
          payment_method_types: s.methodTypes,
        },
        uuid: s.uuid,
      },
    });
    state.idempotency.set(key, { bodyDigest: digestOf(body), status: 200, text });
    sendSigned(req, res, 200, auth.clientId, auth.requestId, text);
  });

  router.get('/orders/v1/status/:id', (req, res) => {
    const auth = authenticate(req, null);
    if ('status' in auth) return error(res, auth.status, ...auth.message);
    const s = state.find(String(req.params.id));
    if (!s) return error(res, 404, 'Transaction not found');
    sendSigned(req, res, 200, auth.clientId, auth.requestId, JSON.stringify(statusBody(s)));
  });

  // --- Hosted payment page (not behind the fault switch) -------------------------------------------------------
  const form = express.urlencoded({ extended: false, limit: '10kb' });
  const card = dokuCardPages({ clock: opts.clock, state, merchantName, hostedUrl, markPaid, notify });
  router.use(card.router);

  router.get('/checkout-link-v2/:tokenId', (req, res) => {
    const s = state.find(String(req.params.tokenId));
    if (!s || s.tokenId !== req.params.tokenId) return res.status(404).type('html').send(resultPage('Not found', 'This checkout link does not exist.'));
    if (isCardCheckout(s)) return card.showPage(res, s);
    res.type('html').send(checkoutPage(s, merchantName));
  });

  router.post('/checkout-link-v2/:tokenId/pay', form, async (req, res) => {
    const s = state.find(String(req.params.tokenId));
    if (!s || s.tokenId !== req.params.tokenId) return res.status(404).type('html').send(resultPage('Not found', 'This checkout link does not exist.'));
    if (s.status !== 'PENDING') return res.status(409).type('html').send(resultPage('Cannot pay', `This checkout is ${s.status}.`));
    const type = typeof req.body?.method === 'string' ? req.body.method : s.methodTypes[0]!;
    if (!s.methodTypes.includes(type)) return res.status(400).type('html').send(resultPage('Cannot pay', 'That payment method is not offered here.'));
    // A card is paid only through the card form and its 3-D Secure challenge.
    if (type === CARD_TYPE) return res.status(400).type('html').send(resultPage('Cannot pay', 'Cards are paid on the card form.'));
    markPaid(s, type);
    await notify(s).catch(() => undefined);
    if (s.callbackUrl) return res.redirect(303, s.callbackUrl);
    res.type('html').send(resultPage('Pembayaran berhasil', `Invoice ${s.invoiceNumber} is paid.`));
  });

  router.post('/checkout-link-v2/:tokenId/cancel', form, async (req, res) => {
    const s = state.find(String(req.params.tokenId));
    if (!s || s.tokenId !== req.params.tokenId) return res.status(404).type('html').send(resultPage('Not found', 'This checkout link does not exist.'));
    if (s.status === 'PENDING') {
      // Doku's page has no documented "cancel" outcome; the emulator ends the attempt as FAILED and notifies,
      // which is what the official plugin handles besides SUCCESS (§1.6) [unconfirmed].
      s.status = 'FAILED';
      s.statusAt = opts.clock.now();
      await notify(s).catch(() => undefined);
    }
    const back = s.callbackUrlCancel ?? s.callbackUrl;
    if (back) return res.redirect(303, back);
    res.type('html').send(resultPage('Pembayaran dibatalkan', `Invoice ${s.invoiceNumber}: ${s.status}.`));
  });

  return {
    id: 'doku',
    router,
    setFault(mode: FaultMode | null, count?: number, scope?: FaultScope) {
      faults.set(mode, count, scope);
    },
    async simulate(action, providerRef, o) {
      const s = state.find(providerRef);
      if (!s) throw new Error(`doku emulator: no checkout ${providerRef}`);
      if (action === 'pay') {
        // A card waiting for 3-D Secure (REDIRECT) is paid as if the customer had passed it.
        if (s.status !== 'PENDING' && s.status !== 'REDIRECT') throw new Error(`doku emulator: checkout ${providerRef} is ${s.status}, cannot pay`);
        markPaid(s, s.methodTypes[0]!, o?.amount);
      } else {
        if (s.status === 'SUCCESS' || s.status === 'FAILED') throw new Error(`doku emulator: checkout ${providerRef} is ${s.status}, cannot expire`);
        if (s.status === 'PENDING' || s.status === 'REDIRECT') {
          s.status = 'EXPIRED';
          s.statusAt = opts.clock.now();
        }
      }
      return notify(s);
    },
    async redeliver(ref) {
      const s = state.find(ref);
      const last = s?.notifications.at(-1);
      if (!last) throw new Error(`doku emulator: nothing to redeliver for ${ref}`);
      return { webhookStatus: await post(last.url, last.requestId, last.body) };
    },
    inspect(ref) {
      const s = state.find(ref);
      return s ? structuredClone(s) : undefined;
    },
  };
}
