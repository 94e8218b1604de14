/**
 * Strict Indodana PayLater emulator, providers.md §2 and the rules in §2.7. Mounted at /emulators/indodana; the
 * paths after that are Indodana's own (the real base ends in /chermes/merchant):
 *
 *   POST /v2/payment_calculation             instalment options (the SDK's /v1 path is accepted too)
 *   POST /v2/checkout_url                    create; answers Indodana's approval page URL
 *   GET  /v1/transactions/check_status?merchantOrderId=
 *   POST /v{1,2,3}/order_cancellation        cancel before approval, or (partial) refund after
 *   GET  /approval/{transactionId}           the approval page (Approve / Reject forms)
 *
 * Every API call needs `Authorization: Bearer key:nonce:hexHMAC`, checked with the emulator's own code.
 */
import express, { type Request, type Response } from 'express';
import { postWebhook } from '../shared/webhook.js';
import { FaultSwitch } from '../faults.js';
import type { Emulator, EmulatorOptions, FaultMode, FaultScope, SimulateResult } from '../types.js';
import { isJsonObject as isObj } from '../shared/json-body.js';
import { approvalPage, resultPage } from './pages.js';
import { bearerFor, checkBearer } from './signing.js';
import { type EmuItem, IndodanaState, PLANS, type Transaction, canonical, newTransactionId, quote } from './state.js';

export interface IndodanaEmulatorSettings {
  /** Nonce freshness in seconds; null disables it. Undocumented by Indodana [unconfirmed]; default ±600 s. */
  nonceWindowSeconds?: number | null;
  /** Lifetime of a checkout without expirationAt [unconfirmed]. Default 24 h. */
  defaultExpiryMs?: number;
}

export interface IndodanaEmulator extends Emulator {
  /** Resends the last notification unchanged (a retry from Indodana's side). */
  inspect(ref: string): Readonly<Transaction> | undefined;
}

const ORDER_ID_RE = /^[A-Za-z0-9=.\-_+@:&^%!$]{1,32}$/;
const PHONE_RE = /^\+?\d{8,15}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isMoney = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && Math.abs(Math.round(v * 100) - v * 100) < 1e-6;
const cents = (v: number) => Math.round(v * 100);
const isHttpUrl = (v: unknown) => {
  if (typeof v !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
};
/** WIB ISO time, the offset Indodana's examples carry. */
const wibIso = (d: Date) => `${new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 19)}+07:00`;

export function createIndodanaEmulator(
  creds: { apiKey: string; apiSecret: string },
  opts: EmulatorOptions,
  settings: IndodanaEmulatorSettings = {},
): IndodanaEmulator {
  const windowS = settings.nonceWindowSeconds === undefined ? 600 : settings.nonceWindowSeconds;
  const defaultExpiryMs = settings.defaultExpiryMs ?? 24 * 3600_000;
  const state = new IndodanaState(opts.clock);
  const faults = new FaultSwitch({ clock: opts.clock });
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: '100kb' });
  const base = () => opts.baseUrl().replace(/\/+$/, '');

  /** `{status:"ERROR", error:{kind, message}}`, the envelope the SDKs check (§2.3). */
  const fail = (res: Response, status: number, kind: string, message: string) => res.status(status).json({ status: 'ERROR', error: { kind, message } });

  const auth = (req: Request, res: Response, next: () => void) => {
    const r = checkBearer(req.get('Authorization'), creds, opts.clock.now().getTime(), windowS);
    if (!r.ok) return fail(res, 401, 'FailedAuthError', r.message);
    next();
  };

  /** Parses the raw JSON body; answers 400 and returns undefined when it is not a JSON object. */
  function jsonBody(req: Request, res: Response): Record<string, unknown> | undefined {
    const bytes: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      const v = JSON.parse(bytes.toString('utf8'));
      if (isObj(v)) return v;
    } catch {
      /* fall through */
    }
    fail(res, 400, 'BadRequestError', 'Request body must be a JSON object');
    return undefined;
  }

  function validateItems(amount: unknown, items: unknown, where: string, p: string[]) {
    if (!isMoney(amount) || amount <= 0) p.push(`${where}amount must be a positive number with at most 2 decimals`);
    if (!Array.isArray(items) || items.length === 0) return void p.push(`${where}items must be a non-empty array`);
    let sum = 0;
    items.forEach((it: unknown, i) => {
      const at = `${where}items[${i}]`;
      if (!isObj(it)) return void p.push(`${at} must be an object`);
      if (!nonEmpty(it.id)) p.push(`${at}.id is required`);
      if (!nonEmpty(it.name)) p.push(`${at}.name is required`);
      if (!isMoney(it.price)) p.push(`${at}.price must be a non-negative number`);
      if (typeof it.quantity !== 'number' || !Number.isInteger(it.quantity) || it.quantity < 1) p.push(`${at}.quantity must be a positive integer`);
      if (isMoney(it.price) && typeof it.quantity === 'number') sum += cents(it.price) * it.quantity;
    });
    if (isMoney(amount) && p.length === 0 && sum !== cents(amount)) p.push(`${where}amount must equal the sum of item price × quantity`);
  }

  function validateCheckout(b: Record<string, unknown>): string[] {
    const p: string[] = [];
    const td = b.transactionDetails;
    if (!isObj(td)) p.push('transactionDetails is required');
    else {
      if (typeof td.merchantOrderId !== 'string' || !ORDER_ID_RE.test(td.merchantOrderId)) {
        p.push('transactionDetails.merchantOrderId must be 1-32 characters of a-z A-Z 0-9 = . - _ + @ : & ^ % ! $');
      }
      validateItems(td.amount, td.items, 'transactionDetails.', p);
    }
    const cd = b.customerDetails;
    if (!isObj(cd)) p.push('customerDetails is required');
    else {
      if (!nonEmpty(cd.firstName)) p.push('customerDetails.firstName is required');
      if (cd.email !== undefined && (typeof cd.email !== 'string' || !EMAIL_RE.test(cd.email))) p.push('customerDetails.email is not a valid email');
      if (cd.phone !== undefined && (typeof cd.phone !== 'string' || !PHONE_RE.test(cd.phone))) p.push('customerDetails.phone is not a valid phone number');
    }
    if (!Array.isArray(b.sellers) || b.sellers.length === 0) p.push('sellers must be a non-empty array');
    else {
      b.sellers.forEach((s: unknown, i) => {
        if (!isObj(s) || !nonEmpty(s.id) || !nonEmpty(s.name) || !nonEmpty(s.url)) p.push(`sellers[${i}] needs id, name and url`);
        else if (s.email !== undefined && (typeof s.email !== 'string' || !EMAIL_RE.test(s.email))) p.push(`sellers[${i}].email is not a valid email`);
      });
    }
    for (const k of ['billingAddress', 'shippingAddress']) {
      const a = b[k];
      if (a === undefined) continue;
      if (!isObj(a)) p.push(`${k} must be an object`);
      else if (a.postalCode !== undefined && (typeof a.postalCode !== 'string' || !/^\d{5}$/.test(a.postalCode))) p.push(`${k}.postalCode must be 5 digits`);
    }
    if (typeof b.paymentType !== 'string' || !PLANS.some((x) => x.id === b.paymentType)) {
      p.push(`paymentType must be one of ${PLANS.map((x) => x.id).join(', ')}`);
    }
    if (!isHttpUrl(b.approvedNotificationUrl)) p.push('approvedNotificationUrl must be an http(s) URL');
    for (const k of ['cancellationRedirectUrl', 'backToStoreUrl']) if (b[k] !== undefined && !isHttpUrl(b[k])) p.push(`${k} must be an http(s) URL`);
    if (b.expirationAt !== undefined) {
      const d = typeof b.expirationAt === 'string' && /(Z|[+-]\d{2}:\d{2})$/.test(b.expirationAt) ? new Date(b.expirationAt) : null;
      if (!d || Number.isNaN(d.getTime())) p.push('expirationAt must be an ISO 8601 time with offset');
      else if (d.getTime() <= opts.clock.now().getTime()) p.push('expirationAt must be in the future');
    }
    return p;
  }

  async function post(url: string, text: string): Promise<number> {
    // Indodana's retry policy is undocumented [unconfirmed]: three attempts, each with a fresh Bearer (a new nonce).
    const headers = () => ({
      'Content-Type': 'application/json',
      Accept: 'application/json',
      Authorization: bearerFor(creds.apiKey, creds.apiSecret, opts.clock.now().getTime()),
    });
    return postWebhook(opts.http, { url, body: text, headers, attempts: 3 });
  }

  async function notify(t: Transaction): Promise<SimulateResult> {
    const url = t.notifyUrl || opts.defaultWebhookUrl();
    const text = JSON.stringify({
      amount: t.paidAmount ?? t.amount,
      paymentType: t.paymentType,
      transactionStatus: t.status,
      merchantOrderId: t.merchantOrderId,
      transactionTime: wibIso(t.statusAt),
      transactionId: t.transactionId,
    });
    t.notifications.push({ url, body: text });
    return { webhookStatus: await post(url, text) };
  }

  function statusBody(t: Transaction) {
    return {
      status: 'OK',
      legalName: t.customerName,
      // What was approved: Bayar trusts this amount, not the (unsigned) notification's.
      amount: t.paidAmount ?? t.amount,
      paymentType: t.paymentType,
      transactionStatus: t.status,
      merchantOrderId: t.merchantOrderId,
      transactionTime: wibIso(t.statusAt),
      transactionId: t.transactionId,
    };
  }

  // --- API (fault switch first, then auth) ---------------------------------------------------------------------
  router.use(['/v1', '/v2', '/v3'], faults.middleware(), auth);

  const calculation = (req: Request, res: Response) => {
    const b = jsonBody(req, res);
    if (!b) return;
    const p: string[] = [];
    validateItems(b.amount, b.items, '', p);
    if (typeof b.amount === 'number' && b.amount > 999_999_999_999) p.push('amount is too large');
    if (p.length) return fail(res, 422, 'ValidationError', p.join('; '));
    const amount = Math.ceil(b.amount as number);
    res.json({
      status: 'OK',
      payments: PLANS.map((plan) => {
        const q = quote(amount, plan);
        return {
          id: plan.id,
          paymentType: plan.id,
          // The unit and the 30-day tenure number are the emulator's guess [unconfirmed].
          tenure: plan.id === '30_days' ? 30 : plan.months,
          tenureTimeUnit: plan.id === '30_days' ? 'DAYS' : 'MONTHS',
          rate: plan.rateBp / 100,
          amount,
          monthlyInstallment: q.monthlyInstallment,
          installmentAmount: q.installmentAmount,
          totalInterest: q.totalInterest,
          provision: 0,
          merchantDiscountRate: 0,
          totalTransactionAmount: amount,
        };
      }),
    });
  };
  router.post('/v2/payment_calculation', raw, calculation);
  router.post('/v1/payment_calculation', raw, calculation);

  router.post('/v2/checkout_url', raw, (req, res) => {
    const b = jsonBody(req, res);
    if (!b) return;
    const problems = validateCheckout(b);
    if (problems.length) return fail(res, 422, 'ValidationError', problems.join('; '));
    const td = b.transactionDetails as { merchantOrderId: string; amount: number; items: EmuItem[] };
    const body = canonical(b);
    const existing = state.byOrderId.get(td.merchantOrderId);
    if (existing) {
      // Choice [unconfirmed]: an identical retry (same merchantOrderId, same body) replays the first answer, so a
      // lost response can be recovered; any other reuse of the merchantOrderId is a 409 conflict.
      if (existing.canonicalBody === body) return res.type('application/json').send(existing.responseText);
      return fail(res, 409, 'ConflictError', `merchantOrderId ${td.merchantOrderId} has already been used`);
    }
    const now = opts.clock.now();
    const cd = b.customerDetails as { firstName: string; lastName?: string };
    const seller = (b.sellers as Array<{ name: string }>)[0]!;
    const t: Transaction = {
      transactionId: newTransactionId(),
      merchantOrderId: td.merchantOrderId,
      amount: Math.round(td.amount),
      items: td.items,
      paymentType: b.paymentType as string,
      customerName: [cd.firstName, cd.lastName].filter(Boolean).join(' '),
      sellerName: seller.name,
      notifyUrl: b.approvedNotificationUrl as string,
      backToStoreUrl: b.backToStoreUrl as string | undefined,
      cancellationRedirectUrl: b.cancellationRedirectUrl as string | undefined,
      status: 'PENDING',
      statusAt: now,
      createdAt: now,
      expiresAt: typeof b.expirationAt === 'string' ? new Date(b.expirationAt) : new Date(now.getTime() + defaultExpiryMs),
      canonicalBody: body,
      responseText: '',
      refunds: new Map(),
      refundedTotal: 0,
      notifications: [],
    };
    t.responseText = JSON.stringify({ status: 'OK', redirectUrl: `${base()}/approval/${t.transactionId}`, transactionId: t.transactionId });
    state.add(t);
    res.type('application/json').send(t.responseText);
  });

  router.get('/v1/transactions/check_status', (req, res) => {
    const id = req.query.merchantOrderId;
    if (typeof id !== 'string' || !id) return fail(res, 422, 'ValidationError', 'merchantOrderId is required');
    const t = state.byOrderId.has(id) ? state.find(id) : undefined;
    if (!t) return fail(res, 404, 'NotFoundError', `Transaction not found for merchantOrderId ${id}`);
    res.json(statusBody(t));
  });

  const cancellation = (req: Request, res: Response) => {
    const b = jsonBody(req, res);
    if (!b) return;
    const p: string[] = [];
    if (!nonEmpty(b.refundId) || (b.refundId as string).length > 64) p.push('refundId is required (max 64 characters)');
    if (!nonEmpty(b.merchantOrderId)) p.push('merchantOrderId is required');
    if (!isMoney(b.cancellationAmount) || b.cancellationAmount <= 0) p.push('cancellationAmount must be a positive number');
    if (!nonEmpty(b.cancellationReason)) p.push('cancellationReason is required');
    if (!nonEmpty(b.cancelledBy)) p.push('cancelledBy is required');
    if (typeof b.cancellationDate !== 'string' || Number.isNaN(new Date(b.cancellationDate).getTime()) || !/(Z|[+-]\d{2}:\d{2})$/.test(b.cancellationDate)) {
      p.push('cancellationDate must be an ISO 8601 time with offset');
    }
    if (p.length) return fail(res, 422, 'ValidationError', p.join('; '));
    const orderId = b.merchantOrderId as string;
    const t = state.byOrderId.has(orderId) ? state.find(orderId) : undefined;
    if (!t) return fail(res, 404, 'NotFoundError', `Transaction not found for merchantOrderId ${orderId}`);
    const refundId = b.refundId as string;
    const amount = b.cancellationAmount as number;
    const answer = () => res.json({ status: 'OK', refundId, merchantOrderId: t.merchantOrderId, cancellationAmount: amount, transactionStatus: t.status });
    const seen = t.refunds.get(refundId);
    if (seen !== undefined) {
      // The same refundId again is the same cancellation (idempotent); with another amount it is a conflict.
      return seen === amount ? answer() : fail(res, 409, 'ConflictError', `refundId ${refundId} was used with another amount`);
    }
    if (t.status === 'PENDING') {
      if (cents(amount) !== cents(t.amount)) return fail(res, 422, 'ValidationError', 'A transaction that is not approved yet can only be cancelled in full');
      t.status = 'CANCELLED';
      t.statusAt = opts.clock.now();
    } else if (t.status === 'INITIATED' || t.status === 'PAID') {
      const paid = t.paidAmount ?? t.amount;
      if (cents(t.refundedTotal) + cents(amount) > cents(paid)) return fail(res, 422, 'ValidationError', 'cancellationAmount exceeds the amount left to refund');
      t.refundedTotal += amount;
      if (cents(t.refundedTotal) === cents(paid)) {
        t.status = 'CANCELLED';
        t.statusAt = opts.clock.now();
      }
    } else {
      return fail(res, 409, 'ConflictError', `Transaction is ${t.status} and cannot be cancelled`);
    }
    t.refunds.set(refundId, amount);
    answer();
  };
  for (const v of ['v1', 'v2', 'v3']) router.post(`/${v}/order_cancellation`, raw, cancellation);

  // --- Approval page (not behind the fault switch or API auth) -------------------------------------------------
  const findForPage = (req: Request) => {
    const id = String(req.params.transactionId);
    return state.byTransactionId.has(id) ? state.find(id) : undefined;
  };

  router.get('/approval/:transactionId', (req, res) => {
    const t = findForPage(req);
    if (!t) return res.status(404).type('html').send(resultPage('Not found', 'This Indodana checkout does not exist.'));
    res.type('html').send(approvalPage(t));
  });

  router.post('/approval/:transactionId/approve', (req, res, next) => {
    const t = findForPage(req);
    if (!t) return res.status(404).type('html').send(resultPage('Not found', 'This Indodana checkout does not exist.'));
    if (t.status !== 'PENDING') return res.status(409).type('html').send(resultPage('Cannot approve', `This checkout is ${t.status}.`));
    approve(t);
    notify(t)
      .catch(() => undefined)
      .then(() => {
        if (t.backToStoreUrl) return res.redirect(303, t.backToStoreUrl);
        res.type('html').send(resultPage('Disetujui', `Order ${t.merchantOrderId} is approved.`));
      })
      .catch(next);
  });

  router.post('/approval/:transactionId/reject', (req, res, next) => {
    const t = findForPage(req);
    if (!t) return res.status(404).type('html').send(resultPage('Not found', 'This Indodana checkout does not exist.'));
    const done = () => {
      const back = t.cancellationRedirectUrl ?? t.backToStoreUrl;
      if (back) return res.redirect(303, back);
      res.type('html').send(resultPage('Dibatalkan', `Order ${t.merchantOrderId}: ${t.status}.`));
    };
    if (t.status !== 'PENDING') return done();
    // The customer declines (or is declined): the emulator ends it as CANCELLED and notifies, using the status
    // word our brief lists rather than inventing a "REJECTED" one [unconfirmed].
    t.status = 'CANCELLED';
    t.statusAt = opts.clock.now();
    notify(t).catch(() => undefined).then(done).catch(next);
  });

  /** Approval: INITIATED is what Indodana reports once the loan is approved and the merchant is guaranteed. */
  function approve(t: Transaction, amount?: number) {
    t.status = 'INITIATED';
    t.statusAt = opts.clock.now();
    t.paidAmount = amount ?? t.amount;
  }

  return {
    id: 'indodana',
    router,
    setFault(mode: FaultMode | null, count?: number, scope?: FaultScope) {
      faults.set(mode, count, scope);
    },
    async simulate(action, providerRef, o) {
      const t = state.find(providerRef);
      if (!t) throw new Error(`indodana emulator: no transaction ${providerRef}`);
      if (action === 'pay') {
        if (t.status !== 'PENDING') throw new Error(`indodana emulator: transaction ${providerRef} is ${t.status}, cannot approve`);
        approve(t, o?.amount);
      } else {
        if (t.status !== 'PENDING' && t.status !== 'EXPIRED') throw new Error(`indodana emulator: transaction ${providerRef} is ${t.status}, cannot expire`);
        if (t.status === 'PENDING') {
          t.status = 'EXPIRED';
          t.statusAt = opts.clock.now();
        }
      }
      return notify(t);
    },
    async redeliver(ref) {
      const last = state.find(ref)?.notifications.at(-1);
      if (!last) throw new Error(`indodana emulator: nothing to redeliver for ${ref}`);
      return { webhookStatus: await post(last.url, last.body) };
    },
    inspect(ref) {
      const t = state.find(ref);
      return t ? structuredClone(t) : undefined;
    },
  };
}
