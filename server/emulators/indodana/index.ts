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
import { FaultSwitch } from '../faults.js';
import { isJsonObject as isObj } from '../shared/json-body.js';
import type { Emulator, EmulatorOptions } from '../types.js';
import { approvalPage, resultPage } from './pages.js';
import { checkBearer } from './signing.js';
import { type EmuItem, IndodanaState, PLANS, type Transaction, canonical, newTransactionId, quote, statusBody } from './state.js';
import { cents, validateCalculation, validateCancellation, validateCheckout } from './validation.js';
import { IndodanaWebhooks } from './webhooks.js';

export interface IndodanaEmulatorSettings {
  /** Nonce freshness in seconds; null disables it. Undocumented by Indodana [unconfirmed]; default ±600 s. */
  nonceWindowSeconds?: number | null;
  /** Lifetime of a checkout without expirationAt [unconfirmed]. Default 24 h. */
  defaultExpiryMs?: number;
}

export interface IndodanaEmulator extends Emulator {
  /** A copy of the emulator's view of a transaction (tests assert what the adapter sent). */
  inspect(ref: string): Readonly<Transaction> | undefined;
}

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

  const webhooks = new IndodanaWebhooks(opts, state, creds);
  const notify = (t: Transaction) => webhooks.notify(t);

  // --- API (fault switch first, then auth) ---------------------------------------------------------------------
  router.use(['/v1', '/v2', '/v3'], faults.middleware(), auth);

  const calculation = (req: Request, res: Response) => {
    const b = jsonBody(req, res);
    if (!b) return;
    const p = validateCalculation(b);
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
    const problems = validateCheckout(b, opts.clock.now());
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
    const p = validateCancellation(b);
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
      state.end(t, 'CANCELLED');
    } else if (t.status === 'INITIATED' || t.status === 'PAID') {
      const paid = t.paidAmount ?? t.amount;
      if (cents(t.refundedTotal) + cents(amount) > cents(paid)) return fail(res, 422, 'ValidationError', 'cancellationAmount exceeds the amount left to refund');
      t.refundedTotal += amount;
      if (cents(t.refundedTotal) === cents(paid)) state.end(t, 'CANCELLED');
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
    state.approve(t);
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
    state.end(t, 'CANCELLED');
    notify(t).catch(() => undefined).then(done).catch(next);
  });

  return {
    id: 'indodana',
    router,
    setFault: (mode, count, scope) => faults.set(mode, count, scope),
    async simulate(action, providerRef, o) {
      const t = state.find(providerRef);
      if (!t) throw new Error(`indodana emulator: no transaction ${providerRef}`);
      if (action === 'pay') {
        if (t.status !== 'PENDING') throw new Error(`indodana emulator: transaction ${providerRef} is ${t.status}, cannot approve`);
        state.approve(t, o?.amount);
      } else {
        if (t.status !== 'PENDING' && t.status !== 'EXPIRED') throw new Error(`indodana emulator: transaction ${providerRef} is ${t.status}, cannot expire`);
        if (t.status === 'PENDING') state.end(t, 'EXPIRED');
      }
      return notify(t);
    },
    redeliver: (ref) => webhooks.redeliver(ref),
    inspect(ref) {
      const t = state.find(ref);
      return t ? structuredClone(t) : undefined;
    },
  };
}
