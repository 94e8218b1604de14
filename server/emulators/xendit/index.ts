/**
 * Strict Xendit emulator (providers.md §4, rules §4.7), mounted at /emulators/xendit. Paths after the mount are
 * Xendit's own: Fixed VAs, QR Codes (v2 with `api-version: 2022-07-31`, legacy v1 without), e-wallet charges,
 * and the test-mode simulation endpoints. State is in memory; time comes from opts.clock, so expiry follows a
 * test's manual clock. Callbacks go to the dashboard URL (opts.defaultWebhookUrl) — or, for v1 QR codes, to the
 * request's callback_url — with `x-callback-token` and a `webhook-id` that is re-sent unchanged on redelivery.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { buildDynamicQris } from '../../lib/qris.js';
import { FaultSwitch } from '../faults.js';
import type { Emulator, EmulatorOptions, FaultMode, FaultScope, SimulateResult } from '../types.js';
import { postWebhook, redeliverLast } from '../shared/webhook.js';
import { basicAuthMatches } from '../shared/basic-auth.js';
import { checkoutPage, resultPage } from './pages.js';
import {
  QR_V2,
  BUSINESS_ID,
  MERCHANT_NAME,
  EWALLET_WINDOW_MS,
  FVA_DEFAULT_LIFETIME_MS,
  QR_DEFAULT_LIFETIME_MS,
  BANKS,
  MERCHANT_CODES,
  EWALLETS,
  REFUND_REASONS,
  MAGIC_ERRORS,
  MAGIC_FAILURE_CALLBACK,
  type FvaState,
  type QrState,
  type ChargeState,
  XenditState,
} from './state.js';
import {
  type Body,
  XenditApiError,
  canonical,
  invalid,
  jsonBody,
  optBool,
  optDate,
  optNumber,
  optObject,
  optString,
  optUrl,
  reqEnum,
  reqNumber,
  reqString,
} from './validation.js';

export interface XenditEmulatorCredentials {
  secretKey: string;
  callbackToken: string;
}

/** One callback the emulator sent, kept so tests (and operators) can inspect and redeliver it. */
export interface XenditDelivery {
  webhookId: string;
  url: string;
  body: string;
  /** HTTP status of each attempt; 0 = no HTTP answer. */
  statuses: number[];
}

export interface XenditEmulator extends Emulator {
  /** Every callback sent, kept so one can be sent again byte for byte with its webhook-id, as Xendit's retries do. */
  readonly deliveries: readonly XenditDelivery[];
}

export function createXenditEmulator(creds: XenditEmulatorCredentials, opts: EmulatorOptions): XenditEmulator {
  // Channels as Bayar names them: the VA bank code, qris, or the e-wallet without its ID_ prefix.
  const fault = new FaultSwitch({
    clock: opts.clock,
    channelOf: (req, b) =>
      req.path === '/callback_virtual_accounts' && typeof b.bank_code === 'string'
        ? b.bank_code
        : req.path === '/qr_codes'
          ? 'qris'
          : req.path === '/ewallets/charges' && typeof b.channel_code === 'string'
            ? b.channel_code.replace(/^ID_/, '')
            : undefined,
  });
  const { fvas, fvaByExternal, fvaPayments, qrs, qrByRef, charges, chargeByRef, idempotency } = new XenditState();
  const deliveries: XenditDelivery[] = [];

  const now = () => opts.clock.now();
  const iso = (d: Date) => d.toISOString();
  const hexId = () => randomBytes(12).toString('hex');

  // -------------------------------------------------------------------------------------------------------------
  // Callbacks

  async function send(d: XenditDelivery): Promise<number> {
    const headers = () => ({ 'Content-Type': 'application/json', 'x-callback-token': creds.callbackToken, 'webhook-id': d.webhookId });
    const status = await postWebhook(opts.http, { url: d.url, body: d.body, headers });
    d.statuses.push(status);
    return status;
  }

  function deliver(url: string, payload: unknown): Promise<number> {
    const d: XenditDelivery = { webhookId: `wh_${randomUUID()}`, url, body: JSON.stringify(payload), statuses: [] };
    deliveries.push(d);
    return send(d);
  }

  /** Callbacks Xendit sends on its own after answering an API call: after the answer, never before. */
  function deliverAfter(res: Response, url: string, payload: unknown) {
    res.on('finish', () => void deliver(url, payload));
    res.on('close', () => {
      if (!res.writableFinished) void deliver(url, payload);
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // State transitions (shared by API calls, simulate() and the checkout page)

  function refreshFva(s: FvaState) {
    if (s.obj.status !== 'INACTIVE' && Date.parse(s.obj.expiration_date) <= now().getTime()) {
      s.obj.status = 'INACTIVE';
      s.obj.updated = s.obj.expiration_date;
    }
  }

  function refreshQr(q: QrState) {
    if (q.status === 'ACTIVE' && q.expiresAt.getTime() <= now().getTime()) {
      q.status = 'INACTIVE';
      q.updated = iso(q.expiresAt);
    }
  }

  function refreshCharge(c: ChargeState) {
    const created = Date.parse(String(c.obj.created));
    if (c.obj.status === 'PENDING' && created + EWALLET_WINDOW_MS <= now().getTime()) {
      c.obj.status = 'FAILED';
      // [unconfirmed] failure code for "the customer never approved in time".
      c.obj.failure_code = 'USER_DID_NOT_AUTHORIZE_THE_PAYMENT';
      c.obj.updated = iso(new Date(created + EWALLET_WINDOW_MS));
    }
  }

  function payFva(s: FvaState, amount: number): Body {
    const t = iso(now());
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
    fvaPayments.set(String(payment.payment_id), payment);
    if (s.obj.is_single_use) {
      s.obj.status = 'INACTIVE';
      s.obj.updated = t;
    }
    return payment;
  }

  function payQr(q: QrState): Body {
    const t = iso(now());
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

  function qrCallback(q: QrState, payment: Body): { url: string; payload: unknown } {
    if (q.version === 'v1') return { url: q.callbackUrl ?? opts.defaultWebhookUrl(), payload: { event: 'qr.payment', ...payment } };
    return { url: opts.defaultWebhookUrl(), payload: { event: 'qr.payment', business_id: BUSINESS_ID, created: payment.created, data: payment } };
  }

  function chargeCallback(c: ChargeState, event: string): unknown {
    return { event, business_id: BUSINESS_ID, created: iso(now()), data: c.obj };
  }

  function settleCharge(c: ChargeState, outcome: { succeeded: true; amount?: number } | { succeeded: false; failureCode: string }) {
    const t = iso(now());
    if (outcome.succeeded) {
      c.obj.status = 'SUCCEEDED';
      c.obj.capture_amount = outcome.amount ?? c.obj.charge_amount;
    } else {
      c.obj.status = 'FAILED';
      c.obj.failure_code = outcome.failureCode;
    }
    c.obj.updated = t;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Views

  function qrView(q: QrState): Body {
    if (q.version === 'v1') {
      return { id: q.id, external_id: q.ref, amount: q.amount, qr_string: q.qrString, callback_url: q.callbackUrl, type: q.type, status: q.status, created: q.created, updated: q.updated };
    }
    return {
      id: q.id,
      reference_id: q.ref,
      business_id: BUSINESS_ID,
      type: q.type,
      currency: 'IDR',
      amount: q.amount,
      channel_code: q.channelCode,
      qr_string: q.qrString,
      status: q.status,
      expires_at: iso(q.expiresAt),
      created: q.created,
      updated: q.updated,
      metadata: q.metadata,
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // HTTP plumbing

  type Handler = (req: Request, res: Response) => void | Promise<void>;
  const handle =
    (fn: Handler) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      try {
        await fn(req, res);
      } catch (err) {
        if (err instanceof XenditApiError) {
          res.status(err.status).json({ error_code: err.code, message: err.message });
          return;
        }
        next(err);
      }
    };

  const idemKey = (req: Request) => {
    const key = req.get('x-idempotency-key');
    return key ? `${req.method} ${req.path} ${key}` : null;
  };

  /**
   * X-IDEMPOTENCY-KEY: the same key with the same body replays the first answer; with a different body it is
   * refused [unconfirmed: status and code for a reused key with another payload].
   */
  function replayIfSeen(req: Request, res: Response): boolean {
    const key = idemKey(req);
    if (!key) return false;
    const seen = idempotency.get(key);
    if (!seen) return false;
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    if (seen.request !== raw) {
      throw new XenditApiError(409, 'IDEMPOTENCY_ERROR', 'X-IDEMPOTENCY-KEY was already used with a different request body');
    }
    res.status(seen.status).json(seen.body);
    return true;
  }

  /** Answers, and remembers a 2xx answer under the request's idempotency key. */
  function reply(req: Request, res: Response, status: number, body: unknown) {
    const key = idemKey(req);
    if (key && status >= 200 && status < 300) {
      idempotency.set(key, { request: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '', status, body: structuredClone(body) });
    }
    res.status(status).json(body);
  }

  const notFound = (code: string, message: string) => new XenditApiError(404, code, message);

  // -------------------------------------------------------------------------------------------------------------
  // Router

  const router = express.Router();
  router.use(express.raw({ type: '*/*', limit: '100kb' }));

  // Hosted e-wallet checkout page: no auth, no faults (it is the customer's browser, not our API client).
  /**
   * Which hand-offs each wallet's charge carries, as Xendit documents them (docs.xendit.co/ewallet/checkout-methods):
   * DANA and LinkAja a desktop and a mobile web checkout URL; ShopeePay (ID) a deeplink and a QR string, no web URL;
   * OVO nothing (it pushes to the app). The emulator's "app" is its checkout page: the deeplink opens it with
   * `?via=app`, and the QR string is a dynamic QRIS payload whose reference label names the charge.
   */
  function walletActions(channel: string, checkoutUrl: string, amount: number, id: string) {
    if (channel === 'ID_OVO') return null;
    if (channel === 'ID_SHOPEEPAY') {
      return {
        desktop_web_checkout_url: null,
        mobile_web_checkout_url: null,
        mobile_deeplink_checkout_url: `${checkoutUrl}?via=app`,
        qr_checkout_string: buildDynamicQris({
          merchantName: 'BAYAR SANDBOX',
          merchantCity: 'JAKARTA',
          amount,
          acquirerDomain: 'ID.CO.SHOPEE.WWW',
          merchantPan: '936009180000000001',
          nmid: 'ID1020000000002',
          reference: id.slice(4, 29),
        }),
      };
    }
    return { desktop_web_checkout_url: checkoutUrl, mobile_web_checkout_url: checkoutUrl, mobile_deeplink_checkout_url: null, qr_checkout_string: null };
  }

  router.get('/ewallet-checkout/:id', (req, res) => {
    const c = charges.get(req.params.id);
    if (!c) {
      res.status(404).type('html').send(resultPage('Not found', 'No such e-wallet charge.'));
      return;
    }
    refreshCharge(c);
    res.type('html').send(
      checkoutPage({
        chargeId: c.obj.id,
        merchant: MERCHANT_NAME,
        wallet: c.obj.channel_code.replace(/^ID_/, ''),
        amount: c.obj.charge_amount,
        reference: c.obj.reference_id,
        status: c.obj.status,
      }),
    );
  });

  for (const action of ['pay', 'cancel'] as const) {
    router.post(`/ewallet-checkout/:id/${action}`, async (req, res) => {
      const c = charges.get(req.params.id);
      if (!c) {
        res.status(404).type('html').send(resultPage('Not found', 'No such e-wallet charge.'));
        return;
      }
      refreshCharge(c);
      if (c.obj.status !== 'PENDING') {
        res.status(409).type('html').send(resultPage('Already settled', `This charge is ${c.obj.status}.`));
        return;
      }
      if (action === 'pay') settleCharge(c, { succeeded: true });
      else settleCharge(c, { succeeded: false, failureCode: 'USER_DECLINED_PAYMENT' });
      await deliver(opts.defaultWebhookUrl(), chargeCallback(c, 'ewallet.capture'));
      const props = (c.obj.channel_properties ?? {}) as Body;
      const target = action === 'pay' ? props.success_redirect_url : (props.cancel_redirect_url ?? props.failure_redirect_url);
      if (typeof target === 'string') {
        res.redirect(303, target);
        return;
      }
      res.type('html').send(resultPage(action === 'pay' ? 'Payment approved' : 'Payment declined', 'You can close this page.'));
    });
  }

  router.use(fault.middleware());

  router.use((req, res, next) => {
    if (basicAuthMatches(req.get('authorization'), creds.secretKey)) return next();
    res.status(401).json({ error_code: 'INVALID_API_KEY', message: 'API key is not authorized for this API service' });
  });

  // --- Fixed virtual accounts ----------------------------------------------------------------------------------

  router.post(
    '/callback_virtual_accounts',
    handle((req, res) => {
      if (replayIfSeen(req, res)) return;
      const b = jsonBody(req.body);
      const externalId = reqString(b, 'external_id', 950);
      const bank = reqString(b, 'bank_code');
      const name = reqString(b, 'name');
      const isClosed = optBool(b, 'is_closed') ?? false;
      const expected = optNumber(b, 'expected_amount', { integer: true, min: 1 });
      const suggested = optNumber(b, 'suggested_amount', { integer: true, min: 1 });
      const singleUse = optBool(b, 'is_single_use') ?? false;
      const expiration = optDate(b, 'expiration_date');
      const description = optString(b, 'description', 1000);
      const currency = optString(b, 'currency');
      const vaNumber = optString(b, 'virtual_account_number', 20);
      if (!(BANKS as readonly string[]).includes(bank)) {
        throw new XenditApiError(400, 'BANK_NOT_SUPPORTED_ERROR', `Bank code ${bank} is not supported`);
      }
      // Letters and spaces only; BCA also takes digits and needs 3 characters (§4.2).
      const namePattern = bank === 'BCA' ? /^[A-Za-z0-9 ]{3,}$/ : /^[A-Za-z ]+$/;
      if (!namePattern.test(name)) throw invalid(`"name" must contain only letters and spaces${bank === 'BCA' ? ' (at least 3 characters)' : ''}`);
      if (isClosed && expected === undefined) throw invalid('"expected_amount" is required when "is_closed" is true');
      if (currency !== undefined && currency !== 'IDR') throw new XenditApiError(400, 'UNSUPPORTED_CURRENCY', `Currency ${currency} is not supported`);
      if (vaNumber !== undefined && !/^\d+$/.test(vaNumber)) throw invalid('"virtual_account_number" must contain only digits');
      if (expiration && expiration.getTime() <= now().getTime()) throw invalid('"expiration_date" must be in the future');

      const request = canonical(b);
      const existing = fvaByExternal.get(externalId);
      if (existing) {
        // [unconfirmed] duplicate external_id: an identical repeat gets the existing VA, anything else is refused.
        if (existing.request !== request) throw new XenditApiError(400, 'DUPLICATE_ERROR', `external_id ${externalId} already exists`);
        refreshFva(existing);
        reply(req, res, 200, existing.obj);
        return;
      }
      const t = iso(now());
      const merchantCode = MERCHANT_CODES[bank]!;
      const suffix = vaNumber ?? String(Math.floor(1e9 + Math.random() * 9e9));
      const obj: FvaState['obj'] = {
        id: hexId(),
        owner_id: BUSINESS_ID,
        external_id: externalId,
        bank_code: bank,
        merchant_code: merchantCode,
        name,
        account_number: `${merchantCode}${suffix}`,
        is_closed: isClosed,
        ...(expected !== undefined ? { expected_amount: expected } : {}),
        ...(suggested !== undefined ? { suggested_amount: suggested } : {}),
        is_single_use: singleUse,
        expiration_date: iso(expiration ?? new Date(now().getTime() + FVA_DEFAULT_LIFETIME_MS)),
        currency: 'IDR',
        status: 'ACTIVE',
        ...(description !== undefined ? { description } : {}),
        created: t,
        updated: t,
      };
      const s: FvaState = { obj, request, payments: [] };
      fvas.set(obj.id, s);
      fvaByExternal.set(externalId, s);
      // The create answer says PENDING: the bank confirms the account asynchronously (§4.2). Later reads say ACTIVE.
      reply(req, res, 200, { ...obj, status: 'PENDING' });
    }),
  );

  router.get(
    '/callback_virtual_accounts/:id',
    handle((req, res) => {
      const s = fvas.get(String(req.params.id));
      if (!s) throw notFound('CALLBACK_VIRTUAL_ACCOUNT_NOT_FOUND_ERROR', 'Could not find callback virtual account');
      refreshFva(s);
      res.json(s.obj);
    }),
  );

  router.patch(
    '/callback_virtual_accounts/:id',
    handle((req, res) => {
      const s = fvas.get(String(req.params.id));
      if (!s) throw notFound('CALLBACK_VIRTUAL_ACCOUNT_NOT_FOUND_ERROR', 'Could not find callback virtual account');
      const b = jsonBody(req.body);
      const expected = optNumber(b, 'expected_amount', { integer: true, min: 1 });
      const suggested = optNumber(b, 'suggested_amount', { integer: true, min: 1 });
      const expiration = optDate(b, 'expiration_date');
      const singleUse = optBool(b, 'is_single_use');
      const description = optString(b, 'description', 1000);
      if (expected !== undefined && !s.obj.is_closed) throw invalid('"expected_amount" is only allowed for closed virtual accounts');
      refreshFva(s);
      if (expected !== undefined) s.obj.expected_amount = expected;
      if (suggested !== undefined) s.obj.suggested_amount = suggested;
      if (singleUse !== undefined) s.obj.is_single_use = singleUse;
      if (description !== undefined) s.obj.description = description;
      if (expiration) {
        // Moving expiration_date to now (or earlier) is how a Fixed VA is closed; later re-opens an unpaid one.
        s.obj.expiration_date = iso(expiration);
        const paidOut = s.obj.is_single_use && s.payments.length > 0;
        s.obj.status = expiration.getTime() <= now().getTime() || paidOut ? 'INACTIVE' : 'ACTIVE';
      }
      s.obj.updated = iso(now());
      res.json(s.obj);
    }),
  );

  router.get(
    '/callback_virtual_account_payments/payment_id=:paymentId',
    handle((req, res) => {
      const p = fvaPayments.get(String(req.params.paymentId));
      if (!p) throw notFound('CALLBACK_VIRTUAL_ACCOUNT_PAYMENT_NOT_FOUND_ERROR', 'Could not find callback virtual account payment');
      res.json(p);
    }),
  );

  // [unconfirmed] test-mode VA payment simulation path (§4.2).
  router.post(
    '/callback_virtual_accounts/external_id=:externalId/simulate_payment',
    handle((req, res) => {
      const s = fvaByExternal.get(String(req.params.externalId));
      if (!s) throw notFound('CALLBACK_VIRTUAL_ACCOUNT_NOT_FOUND_ERROR', 'Could not find callback virtual account');
      const b = jsonBody(req.body);
      const amount = reqNumber(b, 'amount', { integer: true, min: 1 });
      refreshFva(s);
      if (s.obj.status !== 'ACTIVE') throw new XenditApiError(400, 'INACTIVE_VIRTUAL_ACCOUNT_ERROR', 'The virtual account is inactive');
      if (s.obj.is_closed && amount !== s.obj.expected_amount) {
        throw new XenditApiError(400, 'INVALID_AMOUNT_ERROR', `A closed virtual account only accepts exactly ${String(s.obj.expected_amount)}`);
      }
      const payment = payFva(s, amount);
      deliverAfter(res, opts.defaultWebhookUrl(), payment);
      res.json({
        status: 'COMPLETED',
        message: `Payment for the Fixed VA with external id ${s.obj.external_id} is currently being processed.`,
      });
    }),
  );

  // --- QR codes ------------------------------------------------------------------------------------------------

  router.post(
    '/qr_codes',
    handle((req, res) => {
      if (replayIfSeen(req, res)) return;
      const version = req.get('api-version');
      if (version !== undefined && version !== QR_V2) throw invalid(`api-version ${version} is not supported`);
      const v2 = version === QR_V2;
      const b = jsonBody(req.body);
      const ref = v2 ? reqString(b, 'reference_id') : reqString(b, 'external_id');
      const type = reqEnum(b, 'type', ['DYNAMIC', 'STATIC'] as const);
      let callbackUrl: string | null = null;
      let expiresAt = new Date(now().getTime() + QR_DEFAULT_LIFETIME_MS);
      let metadata: Body | null = null;
      let channelCode = 'ID_DANA';
      if (v2) {
        const currency = reqString(b, 'currency');
        if (currency !== 'IDR') throw new XenditApiError(400, 'UNSUPPORTED_CURRENCY', `Currency ${currency} is not supported`);
        const exp = optDate(b, 'expires_at');
        if (exp && exp.getTime() <= now().getTime()) throw invalid('"expires_at" must be in the future');
        if (exp) expiresAt = exp;
        metadata = optObject(b, 'metadata') ?? null;
        channelCode = optString(b, 'channel_code') ?? channelCode;
      } else {
        callbackUrl = optUrl(b, 'callback_url') ?? null;
        if (!callbackUrl) throw invalid('"callback_url" is required');
      }
      const amount = optNumber(b, 'amount', { integer: true, min: 1, max: 10_000_000 });
      if (type === 'DYNAMIC' && amount === undefined) throw invalid('"amount" is required for DYNAMIC QR codes');
      // buildDynamicQris makes every payload this emulator issues; static QRs are outside what Bayar needs.
      if (type === 'STATIC') throw invalid('STATIC QR codes are not supported by this emulator; use DYNAMIC');

      const request = canonical({ v: v2 ? 2 : 1, ...b });
      const existing = qrByRef.get(ref);
      if (existing) {
        // [unconfirmed] duplicate reference_id/external_id: identical repeat → the existing QR, else refused.
        if (existing.request !== request) throw new XenditApiError(400, 'DUPLICATE_ERROR', `${v2 ? 'reference_id' : 'external_id'} ${ref} already exists`);
        refreshQr(existing);
        reply(req, res, 201, qrView(existing));
        return;
      }
      const id = `qr_${randomUUID()}`;
      const t = iso(now());
      const q: QrState = {
        version: v2 ? 'v2' : 'v1',
        id,
        ref,
        type: 'DYNAMIC',
        amount: amount!,
        qrString: buildDynamicQris({
          merchantName: 'BAYAR SANDBOX',
          merchantCity: 'JAKARTA',
          amount: amount!,
          acquirerDomain: 'ID.CO.XENDIT.WWW',
          merchantPan: '936009150000000001',
          nmid: 'ID1020000000001',
          reference: id.slice(3, 28),
        }),
        status: 'ACTIVE',
        expiresAt,
        callbackUrl,
        channelCode,
        metadata,
        created: t,
        updated: t,
        request,
        payments: [],
      };
      qrs.set(id, q);
      qrByRef.set(ref, q);
      reply(req, res, 201, qrView(q));
    }),
  );

  const findQr = (idOrRef: string) => qrs.get(idOrRef) ?? qrByRef.get(idOrRef);

  router.get(
    '/qr_codes/:id',
    handle((req, res) => {
      const q = findQr(String(req.params.id));
      if (!q) throw notFound('DATA_NOT_FOUND', 'QR code not found');
      refreshQr(q);
      res.json(qrView(q));
    }),
  );

  // [unconfirmed] v2 list of a QR code's payments.
  router.get(
    '/qr_codes/:id/payments',
    handle((req, res) => {
      const q = findQr(String(req.params.id));
      if (!q) throw notFound('DATA_NOT_FOUND', 'QR code not found');
      res.json({ data: q.payments, has_more: false });
    }),
  );

  router.post(
    '/qr_codes/:id/payments/simulate',
    handle((req, res) => {
      const q = findQr(String(req.params.id));
      if (!q) throw notFound('DATA_NOT_FOUND', 'QR code not found');
      const b = jsonBody(req.body, true);
      const amount = optNumber(b, 'amount', { integer: true, min: 1 });
      if (amount !== undefined && amount !== q.amount) throw invalid(`"amount" must equal the DYNAMIC QR amount ${q.amount}`);
      refreshQr(q);
      if (q.status !== 'ACTIVE') throw new XenditApiError(400, 'INACTIVE_QR_CODE', 'The QR code is no longer active');
      const payment = payQr(q);
      const cb = qrCallback(q, payment);
      deliverAfter(res, cb.url, cb.payload);
      res.json(payment);
    }),
  );

  // --- E-wallet charges ----------------------------------------------------------------------------------------

  router.post(
    '/ewallets/charges',
    handle((req, res) => {
      if (replayIfSeen(req, res)) return;
      const b = jsonBody(req.body);
      const ref = reqString(b, 'reference_id');
      const currency = reqString(b, 'currency');
      const amount = reqNumber(b, 'amount', { integer: true, min: 100 });
      const method = reqEnum(b, 'checkout_method', ['ONE_TIME_PAYMENT', 'TOKENIZED_PAYMENT'] as const);
      const channel = reqEnum(b, 'channel_code', EWALLETS);
      const props = optObject(b, 'channel_properties') ?? {};
      const metadata = optObject(b, 'metadata');
      if (currency !== 'IDR') throw new XenditApiError(400, 'UNSUPPORTED_CURRENCY', `Currency ${currency} is not supported for ${channel}`);
      if (method !== 'ONE_TIME_PAYMENT') throw invalid('TOKENIZED_PAYMENT needs a linked account, which this emulator does not offer');
      if (metadata && Object.keys(metadata).length > 50) throw invalid('"metadata" must have at most 50 keys');
      const successUrl = optUrl(props, 'success_redirect_url');
      optUrl(props, 'failure_redirect_url');
      optUrl(props, 'cancel_redirect_url');
      if (channel === 'ID_OVO') {
        const mobile = props.mobile_number;
        if (mobile === undefined) throw invalid('"channel_properties.mobile_number" is required for ID_OVO');
        if (typeof mobile !== 'string' || !/^\+628\d{7,12}$/.test(mobile)) {
          throw invalid('"channel_properties.mobile_number" must be an Indonesian mobile number in E.164 format (+628…)');
        }
      } else if (!successUrl) {
        throw invalid(`"channel_properties.success_redirect_url" is required for ${channel}`);
      }
      const magic = MAGIC_ERRORS[amount];
      if (magic) throw new XenditApiError(magic.status, magic.code, magic.message);

      const request = canonical(b);
      const existing = chargeByRef.get(ref);
      if (existing) {
        // [unconfirmed] duplicate reference_id: identical repeat → the existing charge, else refused.
        if (existing.request !== request) throw new XenditApiError(400, 'DUPLICATE_ERROR', `reference_id ${ref} already exists`);
        refreshCharge(existing);
        reply(req, res, 202, existing.obj);
        return;
      }
      const id = `ewc_${randomUUID()}`;
      const t = iso(now());
      const checkoutUrl = `${opts.baseUrl()}/ewallet-checkout/${id}`;
      const redirect = channel !== 'ID_OVO';
      const obj: ChargeState['obj'] = {
        id,
        business_id: BUSINESS_ID,
        reference_id: ref,
        status: 'PENDING',
        currency: 'IDR',
        charge_amount: amount,
        capture_amount: null,
        refunded_amount: null,
        checkout_method: method,
        channel_code: channel,
        channel_properties: props,
        actions: walletActions(channel, checkoutUrl, amount!, id),
        is_redirect_required: redirect,
        callback_url: opts.defaultWebhookUrl(),
        created: t,
        updated: t,
        void_status: null,
        voided_at: null,
        capture_now: true,
        customer_id: typeof b.customer_id === 'string' ? b.customer_id : null,
        payment_method_id: null,
        failure_code: null,
        basket: Array.isArray(b.basket) ? b.basket : null,
        metadata: metadata ?? null,
      };
      const c: ChargeState = { obj, request, refunds: [] };
      charges.set(id, c);
      chargeByRef.set(ref, c);
      if (amount === MAGIC_FAILURE_CALLBACK) {
        settleCharge(c, { succeeded: false, failureCode: 'ACCOUNT_ACCESS_BLOCKED' });
        const payload = chargeCallback(c, 'ewallet.capture');
        reply(req, res, 202, { ...obj, status: 'PENDING', failure_code: null, updated: t });
        deliverAfter(res, opts.defaultWebhookUrl(), payload);
        return;
      }
      reply(req, res, 202, obj);
    }),
  );

  router.get(
    '/ewallets/charges/:id',
    handle((req, res) => {
      const c = charges.get(String(req.params.id));
      if (!c) throw notFound('DATA_NOT_FOUND', 'Charge not found');
      refreshCharge(c);
      res.json(c.obj);
    }),
  );

  // Void reverses a SUCCEEDED charge in full (docs.xendit.co "Void and Refund"); the body must be empty.
  // Not enforced: the same-day 23:50 WIB cut-off.
  router.post(
    '/ewallets/charges/:id/void',
    handle((req, res) => {
      const c = charges.get(String(req.params.id));
      if (!c) throw notFound('DATA_NOT_FOUND', 'Charge not found');
      const b = jsonBody(req.body, true);
      if (Object.keys(b).length > 0) throw invalid('void takes no request body');
      refreshCharge(c);
      if (c.obj.status !== 'SUCCEEDED' || c.obj.void_status || c.obj.refunded_amount) {
        // [unconfirmed] code; the QR refund docs use INELIGIBLE_TRANSACTION 403 for the same situation.
        throw new XenditApiError(403, 'INELIGIBLE_TRANSACTION', `Only a SUCCEEDED, unrefunded charge can be voided; this one is ${c.obj.status}`);
      }
      const t = iso(now());
      c.obj.status = 'VOIDED';
      c.obj.void_status = 'SUCCEEDED';
      c.obj.voided_at = t;
      c.obj.updated = t;
      deliverAfter(res, opts.defaultWebhookUrl(), chargeCallback(c, 'ewallet.void'));
      res.json(c.obj);
    }),
  );

  router.post(
    '/ewallets/charges/:id/refunds',
    handle((req, res) => {
      if (replayIfSeen(req, res)) return;
      const c = charges.get(String(req.params.id));
      if (!c) throw notFound('DATA_NOT_FOUND', 'Charge not found');
      const b = jsonBody(req.body, true);
      const amount = optNumber(b, 'amount', { integer: true, min: 1 });
      if (b.reason !== undefined) reqEnum(b, 'reason', REFUND_REASONS);
      refreshCharge(c);
      // OVO one-time payments cannot be refunded (help.xendit.co "How to refund/void an eWallet transaction").
      if (c.obj.channel_code === 'ID_OVO') throw new XenditApiError(400, 'REFUND_NOT_SUPPORTED', 'Refund is not supported for ID_OVO one-time payments');
      if (c.obj.status !== 'SUCCEEDED') {
        throw new XenditApiError(403, 'INELIGIBLE_TRANSACTION', `Only a SUCCEEDED charge can be refunded; this one is ${c.obj.status}`);
      }
      const captured = Number(c.obj.capture_amount ?? c.obj.charge_amount);
      const refunded = Number(c.obj.refunded_amount ?? 0);
      const value = amount ?? captured - refunded;
      if (value > captured - refunded) {
        throw new XenditApiError(400, 'MAXIMUM_REFUND_AMOUNT_REACHED', 'Requested refund amount exceeds the remaining unrefunded amount');
      }
      const t = iso(now());
      const refund: Body = {
        id: `ewr_${randomUUID()}`,
        charge_id: c.obj.id,
        status: 'SUCCEEDED',
        currency: 'IDR',
        channel_code: c.obj.channel_code,
        capture_amount: captured,
        refund_amount: value,
        reason: b.reason ?? 'OTHERS',
        failure_code: null,
        created: t,
        updated: t,
      };
      c.refunds.push(refund);
      c.obj.refunded_amount = refunded + value;
      if (refunded + value === captured) c.obj.status = 'REFUNDED';
      c.obj.updated = t;
      deliverAfter(res, opts.defaultWebhookUrl(), { event: 'ewallet.refund', business_id: BUSINESS_ID, created: t, data: refund });
      reply(req, res, 200, refund);
    }),
  );

  router.use((_req, res) => {
    res.status(404).json({ error_code: 'NOT_FOUND', message: 'The requested resource was not found' });
  });

  router.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.too.large') {
      res.status(413).json({ error_code: 'API_VALIDATION_ERROR', message: 'request body is too large' });
      return;
    }
    res.status(500).json({ error_code: 'SERVER_ERROR', message: err.message });
  });

  // -------------------------------------------------------------------------------------------------------------
  // simulate()

  async function simulate(action: 'pay' | 'expire', providerRef: string, o: { amount?: number } = {}): Promise<SimulateResult> {
    const fva = fvas.get(providerRef);
    if (fva) {
      refreshFva(fva);
      if (fva.obj.status !== 'ACTIVE') throw new Error(`Xendit emulator: virtual account ${providerRef} is ${fva.obj.status}`);
      if (action === 'pay') {
        const payment = payFva(fva, o.amount ?? Number(fva.obj.expected_amount ?? fva.obj.suggested_amount ?? 0));
        return { webhookStatus: await deliver(opts.defaultWebhookUrl(), payment) };
      }
      const t = iso(now());
      fva.obj.expiration_date = t;
      fva.obj.status = 'INACTIVE';
      fva.obj.updated = t;
      // The FVA "created/updated" callback (dashboard URL) reports the now INACTIVE account.
      return { webhookStatus: await deliver(opts.defaultWebhookUrl(), fva.obj) };
    }
    const qr = qrs.get(providerRef);
    if (qr) {
      refreshQr(qr);
      if (qr.status !== 'ACTIVE') throw new Error(`Xendit emulator: QR code ${providerRef} is ${qr.status}`);
      if (action === 'pay') {
        const cb = qrCallback(qr, payQr(qr));
        return { webhookStatus: await deliver(cb.url, cb.payload) };
      }
      qr.expiresAt = now();
      qr.status = 'INACTIVE';
      qr.updated = iso(now());
      // QR codes send no callback when they lapse.
      return { webhookStatus: null };
    }
    const charge = charges.get(providerRef);
    if (charge) {
      refreshCharge(charge);
      if (charge.obj.status !== 'PENDING') throw new Error(`Xendit emulator: charge ${providerRef} is ${charge.obj.status}`);
      if (action === 'pay') settleCharge(charge, { succeeded: true, ...(o.amount !== undefined ? { amount: o.amount } : {}) });
      else settleCharge(charge, { succeeded: false, failureCode: 'USER_DID_NOT_AUTHORIZE_THE_PAYMENT' });
      return { webhookStatus: await deliver(opts.defaultWebhookUrl(), chargeCallback(charge, 'ewallet.capture')) };
    }
    throw new Error(`Xendit emulator: no virtual account, QR code or charge ${providerRef}`);
  }

  return {
    id: 'xendit',
    router,
    simulate,
    setFault: (mode: FaultMode | null, count?: number, scope?: FaultScope) => fault.set(mode, count, scope),
    deliveries,
    redeliver: (ref: string) => redeliverLast(deliveries, ref, send, 'Xendit'),
  };
}
