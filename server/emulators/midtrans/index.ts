/**
 * Strict Midtrans Core API emulator (providers.md §5, rules §5.8), mounted at /emulators/midtrans with Midtrans's
 * own paths after the mount: `POST /v2/charge`, `GET /v2/{id}/status`, `POST /v2/{id}/cancel|expire|refund`.
 * Answers carry `status_code` strings in the body ("201" pending, "407" expired…), `gross_amount` as "NNN.00"
 * and GMT+7 times. Notifications go to X-Override-Notification (or the dashboard URL, opts.defaultWebhookUrl)
 * with a correct signature_key. State is in memory; time comes from opts.clock.
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { buildDynamicQris } from '../../lib/qris.js';
import { FaultSwitch } from '../faults.js';
import type { Emulator, EmulatorOptions, FaultMode, FaultScope, SimulateResult } from '../types.js';
import { basicAuthMatches } from '../shared/basic-auth.js';
import { isJsonObject as isObj, jsonObjectBody } from '../shared/json-body.js';
import { signatureKey } from './signing.js';
import { postWebhook, redeliverLast } from '../shared/webhook.js';
import { deeplinkPage, qrSvg, resultPage } from './pages.js';
import { snapEmulator, type CardTxn } from './snap.js';

export interface MidtransEmulatorCredentials {
  serverKey: string;
}

export interface MidtransEmulatorSettings {
  /**
   * Which HTTP status goes with an error body is [unconfirmed] (§5.4): 'mirror' (default) answers with the body's
   * status_code as the HTTP status; 'always-200' answers every error on HTTP 200 with only the body telling.
   */
  errorHttpStatus?: 'mirror' | 'always-200';
}

export interface MidtransDelivery {
  id: string;
  url: string;
  body: string;
  statuses: number[];
}

export interface MidtransEmulator extends Emulator {
  /** Every notification sent, kept so one can be sent again byte for byte (Midtrans retries on a non-2xx answer). */
  readonly deliveries: readonly MidtransDelivery[];
}

type Status = 'pending' | 'capture' | 'settlement' | 'cancel' | 'expire' | 'deny' | 'refund' | 'partial_refund';
type Body = Record<string, unknown>;

const MERCHANT_ID = 'G141532850';
const MERCHANT_NAME = 'Bayar Sandbox Merchant';
const PAYMENT_TYPES = ['bank_transfer', 'echannel', 'qris', 'gopay', 'cstore'] as const;
const VA_BANKS = ['bca', 'bni', 'bri', 'permata', 'cimb'] as const;
/** Refundable through the API (docs.midtrans.com "Refund Transactions"), of the types emulated here. */
const REFUNDABLE = new Set(['gopay', 'qris', 'credit_card']);
/** Default windows (§5.4): bank transfer 24 h, GoPay/QRIS 15 min; stores [unconfirmed] 24 h. */
const DEFAULT_EXPIRY_MS: Record<string, number> = {
  bank_transfer: 24 * 3_600_000,
  echannel: 24 * 3_600_000,
  cstore: 24 * 3_600_000,
  qris: 15 * 60_000,
  gopay: 15 * 60_000,
};
const UNIT_MS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** Status code in a status answer, per transaction status. */
const STATUS_CODE: Record<Status, string> = {
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
const NOTIFY_CODE: Record<Status, string> = { ...STATUS_CODE, expire: '202', cancel: '202' };

interface Txn {
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

class MidtransApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly validation?: string[],
  ) {
    super(message);
  }
}

const invalid = (...messages: string[]) => new MidtransApiError(400, 'One or more parameters in the payload is invalid.', messages);

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** GMT+7 `YYYY-MM-DD HH:mm:ss`. */
function wib(d: Date): string {
  const w = new Date(d.getTime() + 7 * 3_600_000);
  return `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())} ${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}`;
}
const money = (n: number) => `${n}.00`;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

export function createMidtransEmulator(
  creds: MidtransEmulatorCredentials,
  opts: EmulatorOptions,
  settings: MidtransEmulatorSettings = {},
): MidtransEmulator {
  // Channels as Bayar names them, from a charge: the VA bank, mandiri for echannel, the store, or the type itself.
  const fault = new FaultSwitch({
    clock: opts.clock,
    channelOf: (req, b) => {
      if (req.path !== '/v2/charge') return undefined;
      const nested = (k: string, f: string) => (isObj(b[k]) ? (b[k] as Record<string, unknown>)[f] : undefined) as string | undefined;
      if (b.payment_type === 'bank_transfer') return nested('bank_transfer', 'bank');
      if (b.payment_type === 'echannel') return 'mandiri';
      if (b.payment_type === 'cstore') return nested('cstore', 'store');
      return typeof b.payment_type === 'string' ? b.payment_type : undefined;
    },
  });
  const byId = new Map<string, Txn>();
  const byOrder = new Map<string, Txn>();
  const deliveries: MidtransDelivery[] = [];
  let refundSeq = 1000;
  const now = () => opts.clock.now();

  // -------------------------------------------------------------------------------------------------------------
  // Notifications

  async function send(d: MidtransDelivery): Promise<number> {
    const headers = () => ({ 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': 'Veritrans' });
    const status = await postWebhook(opts.http, { url: d.url, body: d.body, headers });
    d.statuses.push(status);
    return status;
  }

  function notification(t: Txn): Body {
    const statusCode = NOTIFY_CODE[t.status];
    const body: Body = { ...view(t), status_code: statusCode, status_message: 'midtrans payment notification' };
    body.signature_key = signatureKey(t.orderId, statusCode, money(t.amount), creds.serverKey);
    return body;
  }

  /** Notifies every URL of the transaction; resolves with the first URL's answer. */
  async function notify(t: Txn): Promise<number> {
    const body = JSON.stringify(notification(t));
    const results = await Promise.all(
      t.notifyUrls.map((url) => {
        const d: MidtransDelivery = { id: randomUUID(), url, body, statuses: [] };
        deliveries.push(d);
        return send(d);
      }),
    );
    return results[0] ?? 0;
  }

  function notifyAfter(res: Response, t: Txn) {
    const go = () => void notify(t);
    res.on('finish', go);
    res.on('close', () => {
      if (!res.writableFinished) go();
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // State

  function refresh(t: Txn) {
    if (t.status === 'pending' && t.expiry.getTime() <= now().getTime()) t.status = 'expire';
  }

  function view(t: Txn): Body {
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

  function find(id: string): Txn | undefined {
    const t = byId.get(id) ?? byOrder.get(id);
    if (t) refresh(t);
    return t;
  }

  function settle(t: Txn) {
    t.status = 'settlement';
    t.settledAt = now();
  }

  // -------------------------------------------------------------------------------------------------------------
  // HTTP plumbing

  function sendError(res: Response, err: MidtransApiError) {
    const body: Body = { status_code: String(err.status), status_message: err.message, id: randomUUID() };
    if (err.validation?.length) body.validation_messages = err.validation;
    res.status(settings.errorHttpStatus === 'always-200' ? 200 : err.status).json(body);
  }

  const handle =
    (fn: (req: Request, res: Response) => void | Promise<void>) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      try {
        await fn(req, res);
      } catch (err) {
        if (err instanceof MidtransApiError) return sendError(res, err);
        next(err);
      }
    };

  const jsonBody = (raw: unknown, allowEmpty = false): Body => jsonObjectBody(raw, invalid, allowEmpty);

  const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/[^\s,]+$/.test(v);

  /** X-Override-Notification replaces the dashboard URL; X-Append-Notification adds to it (up to 3, comma separated). */
  function notifyUrls(req: Request): string[] {
    const split = (h: string | undefined) => (h ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const override = split(req.get('x-override-notification'));
    const append = split(req.get('x-append-notification'));
    for (const u of [...override, ...append]) {
      if (!isUrl(u)) throw invalid(`notification URL ${u} is not a valid http(s) URL`);
    }
    if (override.length > 3 || append.length > 3) throw invalid('at most 3 notification URLs are allowed');
    if (override.length) return override;
    return [opts.defaultWebhookUrl(), ...append];
  }

  function parseOrderTime(v: unknown): Date {
    if (typeof v !== 'string') throw invalid('custom_expiry.order_time must be a string');
    const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(v);
    if (!m) throw invalid('custom_expiry.order_time must look like "YYYY-MM-DD HH:mm:ss +0700"');
    const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000;
    return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) - offset);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Charge

  /** transaction_details, item_details and customer_details, checked the same for a charge and a Snap create. */
  function orderFields(b: Body): { orderId: string; gross: number } {
      const td = b.transaction_details;
      if (!isObj(td)) throw invalid('transaction_details is required');
      const orderId = td.order_id;
      if (typeof orderId !== 'string' || orderId.length === 0) throw invalid('transaction_details.order_id is required');
      if (orderId.length > 50) throw invalid('transaction_details.order_id too long, maximum is 50 characters');
      // Letters, digits and only - _ ~ . (§5.3).
      if (!/^[A-Za-z0-9\-_~.]+$/.test(orderId)) throw invalid('transaction_details.order_id contains characters other than letters, digits, -, _, ~ and .');
      const gross = td.gross_amount;
      if (typeof gross !== 'number' || !Number.isSafeInteger(gross)) throw invalid('transaction_details.gross_amount must be an integer (no decimals)');
      if (gross <= 0) throw invalid('transaction_details.gross_amount must be greater than 0');

      if (b.item_details !== undefined) {
        if (!Array.isArray(b.item_details)) throw invalid('item_details must be an array');
        let sum = 0;
        b.item_details.forEach((it: unknown, i: number) => {
          if (!isObj(it)) throw invalid(`item_details[${i}] must be an object`);
          if (typeof it.price !== 'number' || !Number.isSafeInteger(it.price)) throw invalid(`item_details[${i}].price must be an integer`);
          if (typeof it.quantity !== 'number' || !Number.isSafeInteger(it.quantity) || it.quantity < 1) throw invalid(`item_details[${i}].quantity must be a positive integer`);
          if (typeof it.name !== 'string' || it.name.length === 0) throw invalid(`item_details[${i}].name is required`);
          if (it.name.length > 50) throw invalid(`item_details[${i}].name too long, maximum is 50 characters`);
          if (it.id !== undefined && (typeof it.id !== 'string' || it.id.length > 50)) throw invalid(`item_details[${i}].id must be a string of at most 50 characters`);
          sum += it.price * it.quantity;
        });
        // [unconfirmed for Core API; Snap enforces it] the items must add up to gross_amount.
        if (sum !== gross) throw invalid('transaction_details.gross_amount is not equal to the sum of item_details');
      }
      if (b.customer_details !== undefined) {
        if (!isObj(b.customer_details)) throw invalid('customer_details must be an object');
        const email = b.customer_details.email;
        if (email !== undefined && (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) throw invalid('customer_details.email format is invalid');
      }
    return { orderId, gross };
  }

  function charge(req: Request, res: Response) {
    const b = jsonBody(req.body);
    const urls = notifyUrls(req);
    const paymentType = b.payment_type;
    if (typeof paymentType !== 'string') throw invalid('payment_type is required');
    if (!(PAYMENT_TYPES as readonly string[]).includes(paymentType)) throw invalid(`payment_type ${paymentType} is not supported`);
    const { orderId, gross } = orderFields(b);

    let start = now();
    let lifetime = DEFAULT_EXPIRY_MS[paymentType]!;
    if (b.custom_expiry !== undefined) {
      const ce = b.custom_expiry;
      if (!isObj(ce)) throw invalid('custom_expiry must be an object');
      const duration = typeof ce.expiry_duration === 'string' && /^\d+$/.test(ce.expiry_duration) ? Number(ce.expiry_duration) : ce.expiry_duration;
      if (typeof duration !== 'number' || !Number.isSafeInteger(duration) || duration <= 0) throw invalid('custom_expiry.expiry_duration must be a positive integer');
      const unit = ce.unit ?? 'minute';
      if (typeof unit !== 'string' || !Object.hasOwn(UNIT_MS, unit)) throw invalid('custom_expiry.unit must be one of second, minute, hour, day');
      if (ce.order_time !== undefined) start = parseOrderTime(ce.order_time);
      lifetime = duration * UNIT_MS[unit as keyof typeof UNIT_MS];
    }
    const expiry = new Date(start.getTime() + lifetime);
    if (expiry.getTime() <= now().getTime()) throw invalid('custom_expiry ends in the past');

    const channel: Body = {};
    const chargeOnly: Body = {};
    const transactionId = randomUUID();
    const base = opts.baseUrl();
    let message = 'Success, transaction is created';
    let qrPayload: string | undefined;
    let gopayCallbackUrl: string | undefined;
    switch (paymentType) {
      case 'bank_transfer': {
        const bt = b.bank_transfer;
        if (!isObj(bt)) throw invalid('bank_transfer is required');
        if (typeof bt.bank !== 'string' || !(VA_BANKS as readonly string[]).includes(bt.bank)) throw invalid(`bank_transfer.bank must be one of ${VA_BANKS.join(', ')}`);
        if (bt.va_number !== undefined && (typeof bt.va_number !== 'string' || !/^\d{1,18}$/.test(bt.va_number))) throw invalid('bank_transfer.va_number must be digits');
        const prefix = { bca: '1278', bni: '9888', bri: '8578', permata: '8778', cimb: '8059' }[bt.bank as (typeof VA_BANKS)[number]];
        const number = typeof bt.va_number === 'string' ? `${prefix}${bt.va_number}` : `${prefix}${digits(12)}`;
        if (bt.bank === 'permata') channel.permata_va_number = number;
        else channel.va_numbers = [{ bank: bt.bank, va_number: number }];
        message = 'Success, Bank Transfer transaction is created';
        break;
      }
      case 'echannel': {
        const ec = b.echannel;
        if (!isObj(ec)) throw invalid('echannel is required');
        for (const k of ['bill_info1', 'bill_info2'] as const) {
          if (typeof ec[k] !== 'string' || (ec[k] as string).length === 0) throw invalid(`echannel.${k} is required`);
        }
        if (ec.bill_key !== undefined && (typeof ec.bill_key !== 'string' || !/^\d{1,12}$/.test(ec.bill_key))) throw invalid('echannel.bill_key must be up to 12 digits');
        channel.bill_key = typeof ec.bill_key === 'string' ? ec.bill_key : digits(12);
        channel.biller_code = '70012';
        message = 'OK, Mandiri Bill transaction is successful';
        break;
      }
      case 'qris': {
        const q = b.qris;
        const acquirer = isObj(q) && q.acquirer !== undefined ? q.acquirer : 'gopay';
        if (q !== undefined && !isObj(q)) throw invalid('qris must be an object');
        if (acquirer !== 'gopay' && acquirer !== 'airpay shopee') throw invalid('qris.acquirer must be gopay or airpay shopee');
        qrPayload = makeQr(gross, transactionId, acquirer === 'gopay' ? 'COM.GO-JEK.WWW' : 'ID.CO.SHOPEE.WWW');
        channel.acquirer = acquirer;
        chargeOnly.qr_string = qrPayload;
        chargeOnly.actions = [{ name: 'generate-qr-code', method: 'GET', url: `${base}/v2/qris/${transactionId}/qr-code` }];
        message = 'QRIS transaction is created';
        break;
      }
      case 'gopay': {
        const g = b.gopay;
        if (g !== undefined) {
          if (!isObj(g)) throw invalid('gopay must be an object');
          if (g.enable_callback !== undefined && typeof g.enable_callback !== 'boolean') throw invalid('gopay.enable_callback must be a boolean');
          if (g.callback_url !== undefined && !isUrl(g.callback_url)) throw invalid('gopay.callback_url must be a valid URL');
          if (g.enable_callback === true && g.callback_url) gopayCallbackUrl = g.callback_url as string;
        }
        qrPayload = makeQr(gross, transactionId, 'COM.GO-JEK.WWW');
        chargeOnly.actions = [
          { name: 'generate-qr-code', method: 'GET', url: `${base}/v2/gopay/${transactionId}/qr-code` },
          { name: 'deeplink-redirect', method: 'GET', url: `${base}/gopay/${transactionId}/deeplink` },
          { name: 'get-status', method: 'GET', url: `${base}/v2/${transactionId}/status` },
          { name: 'cancel', method: 'POST', url: `${base}/v2/${transactionId}/cancel` },
        ];
        message = 'GoPay transaction is created';
        break;
      }
      case 'cstore': {
        const cs = b.cstore;
        if (!isObj(cs)) throw invalid('cstore is required');
        if (cs.store !== 'indomaret' && cs.store !== 'alfamart') throw invalid('cstore.store must be indomaret or alfamart');
        if (cs.message !== undefined && typeof cs.message !== 'string') throw invalid('cstore.message must be a string');
        channel.payment_code = cs.store === 'indomaret' ? digits(14) : digits(16);
        channel.store = cs.store;
        message = 'Success, cstore transaction is successful';
        break;
      }
    }

    // Re-using the order_id of an active or paid transaction → 406 (§5.3); expired/cancelled/denied ids may be reused.
    const existing = find(orderId);
    if (existing && !['expire', 'cancel', 'deny'].includes(existing.status)) {
      throw new MidtransApiError(406, 'order_id has been paid and utilized, please use another order ID');
    }

    const t: Txn = {
      transactionId,
      orderId,
      paymentType: paymentType as Txn['paymentType'],
      amount: gross,
      created: now(),
      expiry,
      status: 'pending',
      channel,
      chargeOnly,
      ...(qrPayload ? { qrPayload } : {}),
      notifyUrls: urls,
      ...(gopayCallbackUrl ? { gopayCallbackUrl } : {}),
      refunds: [],
      refunded: 0,
    };
    byId.set(transactionId, t);
    byOrder.set(orderId, t);
    // HTTP 200 with the outcome ("201" pending) in the body; the HTTP status Midtrans pairs with it is [unconfirmed].
    res.status(200).json({ ...view(t), ...chargeOnly, status_message: message });
  }

  function makeQr(amount: number, transactionId: string, acquirerDomain: string): string {
    return buildDynamicQris({
      merchantName: 'BAYAR SANDBOX',
      merchantCity: 'JAKARTA',
      amount,
      acquirerDomain,
      merchantPan: '936009140000000002',
      nmid: 'ID1020000000002',
      reference: transactionId.replace(/-/g, '').slice(0, 25),
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Router

  const router = express.Router();
  router.use(express.raw({ type: '*/*', limit: '100kb' }));

  const snap = snapEmulator({
    clock: opts.clock,
    baseUrl: opts.baseUrl,
    merchantName: MERCHANT_NAME,
    orderFields,
    notifyUrls,
    orderTaken: (orderId) => {
      const t = find(orderId);
      return !!t && !['expire', 'cancel', 'deny'].includes(t.status);
    },
    register: (t: CardTxn) => {
      byId.set(t.transactionId, t);
      byOrder.set(t.orderId, t);
    },
    find: (orderId) => find(orderId) as CardTxn | undefined,
    notify: (t) => notify(t as Txn),
    invalid,
  });

  // Hosted pieces the customer's browser or app opens: no auth, no faults.
  router.use(snap.pages);
  router.get('/gopay/:id/deeplink', (req, res) => {
    const t = byId.get(req.params.id);
    if (!t || t.paymentType !== 'gopay') {
      res.status(404).type('html').send(resultPage('Not found', 'No such GoPay transaction.'));
      return;
    }
    refresh(t);
    res.type('html').send(deeplinkPage({ transactionId: t.transactionId, orderId: t.orderId, merchant: MERCHANT_NAME, amount: t.amount, status: t.status }));
  });

  for (const action of ['pay', 'cancel'] as const) {
    router.post(`/gopay/:id/deeplink/${action}`, async (req, res) => {
      const t = byId.get(req.params.id);
      if (!t || t.paymentType !== 'gopay') {
        res.status(404).type('html').send(resultPage('Not found', 'No such GoPay transaction.'));
        return;
      }
      refresh(t);
      if (t.status !== 'pending') {
        res.status(409).type('html').send(resultPage('Already settled', `This transaction is ${t.status}.`));
        return;
      }
      // Declining in the GoPay app reads as `deny` [unconfirmed: what Midtrans reports for a payer's refusal].
      if (action === 'pay') settle(t);
      else t.status = 'deny';
      await notify(t);
      if (t.gopayCallbackUrl) {
        res.redirect(303, t.gopayCallbackUrl);
        return;
      }
      res.type('html').send(resultPage(action === 'pay' ? 'Payment approved' : 'Payment declined', 'You can close this page.'));
    });
  }

  for (const kind of ['qris', 'gopay'] as const) {
    router.get(`/v2/${kind}/:id/qr-code`, (req, res) => {
      const t = byId.get(req.params.id);
      if (!t?.qrPayload || t.paymentType !== kind) {
        res.status(404).json({ status_code: '404', status_message: "Transaction doesn't exist." });
        return;
      }
      res.type('image/svg+xml').send(qrSvg(t.qrPayload));
    });
  }

  router.use(fault.middleware());

  router.use((req, res, next) => {
    if (basicAuthMatches(req.get('authorization'), creds.serverKey)) return next();
    sendError(res, new MidtransApiError(401, 'Access denied due to unauthorized transaction, please check client or server key'));
  });

  router.post('/v2/charge', handle(charge));
  router.post(
    '/snap/v1/transactions',
    handle((req, res) => {
      try {
        snap.create(req, res);
      } catch (err) {
        // Snap's own error envelope: {error_messages: [...]}.
        if (err instanceof MidtransApiError) {
          res.status(err.status).json({ error_messages: err.validation?.length ? err.validation : [err.message] });
          return;
        }
        throw err;
      }
    }),
  );

  const notFound = () => new MidtransApiError(404, "Transaction doesn't exist.");
  const cannotModify = () => new MidtransApiError(412, 'Merchant cannot modify the status of the transaction');

  router.get(
    '/v2/:id/status',
    handle((req, res) => {
      const t = find(String(req.params.id));
      if (!t) throw notFound();
      // An expired transaction is a normal answer with status_code "407" in the body.
      res.status(200).json(view(t));
    }),
  );

  router.post(
    '/v2/:id/cancel',
    handle((req, res) => {
      const t = find(String(req.params.id));
      if (!t) throw notFound();
      if (t.status !== 'pending') throw cannotModify();
      t.status = 'cancel';
      notifyAfter(res, t);
      res.status(200).json({ ...view(t), status_message: 'Success, transaction is canceled' });
    }),
  );

  router.post(
    '/v2/:id/expire',
    handle((req, res) => {
      const t = find(String(req.params.id));
      if (!t) throw notFound();
      if (t.status !== 'pending') throw cannotModify();
      t.status = 'expire';
      notifyAfter(res, t);
      res.status(200).json({ ...view(t), status_message: 'Success, transaction has expired' });
    }),
  );

  router.post(
    '/v2/:id/refund',
    handle((req, res) => {
      const t = find(String(req.params.id));
      if (!t) throw notFound();
      const b = jsonBody(req.body, true);
      const key = b.refund_key ?? `mid-${randomUUID()}`;
      if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(key)) throw invalid('refund_key may only contain letters, digits, - and _');
      if (b.amount !== undefined && (typeof b.amount !== 'number' || !Number.isSafeInteger(b.amount) || b.amount <= 0)) throw invalid('amount must be a positive integer');
      if (b.reason !== undefined && typeof b.reason !== 'string') throw invalid('reason must be a string');
      // A retried refund_key is the same refund, not a second one.
      const seen = t.refunds.find((r) => r.key === key);
      if (seen) {
        res.status(200).json(seen.answer);
        return;
      }
      // [unconfirmed] message for a payment type that cannot be refunded.
      if (!REFUNDABLE.has(t.paymentType)) throw new MidtransApiError(412, `Refund is not supported for payment type ${t.paymentType}`);
      if (t.status !== 'settlement' && t.status !== 'capture' && t.status !== 'partial_refund') throw cannotModify();
      const remaining = t.amount - t.refunded;
      const amount = (b.amount as number | undefined) ?? remaining;
      if (amount > remaining) throw new MidtransApiError(412, 'Refund amount exceeds the amount that can still be refunded');
      t.refunded += amount;
      t.status = t.refunded === t.amount ? 'refund' : 'partial_refund';
      const answer: Body = {
        status_code: '200',
        status_message: 'Success, refund request is approved',
        transaction_id: t.transactionId,
        order_id: t.orderId,
        gross_amount: money(t.amount),
        payment_type: t.paymentType,
        transaction_time: wib(t.created),
        transaction_status: t.status,
        refund_chargeback_id: ++refundSeq,
        refund_amount: money(amount),
        refund_key: key,
      };
      t.refunds.push({ key, amount, answer });
      notifyAfter(res, t);
      res.status(200).json(answer);
    }),
  );

  router.use((_req, res) => {
    sendError(res, new MidtransApiError(404, 'The requested resource is not found'));
  });

  router.use((err: Error & { type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.too.large') return sendError(res, invalid('request body is too large'));
    sendError(res, new MidtransApiError(500, `Internal server error: ${err.message}`));
  });

  // -------------------------------------------------------------------------------------------------------------

  async function simulate(action: 'pay' | 'expire', providerRef: string): Promise<SimulateResult> {
    // Midtrans transactions are fixed-amount: a different paid amount (opts.amount) cannot happen and is ignored.
    // A Snap card page (`snap-<expiry>-<token>`, providers/midtrans/card.ts): the token is what Snap knows.
    if (providerRef.startsWith('snap-')) return { webhookStatus: await snap.simulate(action, providerRef.replace(/^snap-\d+-/, '')) };
    const t = find(providerRef);
    if (!t) throw new Error(`Midtrans emulator: no transaction ${providerRef}`);
    if (t.status !== 'pending') throw new Error(`Midtrans emulator: transaction ${providerRef} is ${t.status}`);
    if (action === 'pay') settle(t);
    else t.status = 'expire';
    return { webhookStatus: await notify(t) };
  }

  return {
    id: 'midtrans',
    router,
    simulate,
    setFault: (mode: FaultMode | null, count?: number, scope?: FaultScope) => fault.set(mode, count, scope),
    deliveries,
    redeliver: (ref: string) => redeliverLast(deliveries, ref, send, 'Midtrans'),
  };
}
