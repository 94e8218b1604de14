/**
 * The merchant API (`Authorization: Bearer $BAYAR_MERCHANT_KEY`): called by the merchant's backend, never the page.
 */
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { PAYMENT_STATUSES, type CreateSessionResponse, type PaymentListResponse, type ProviderId, type RefundResponse } from '../api-types.js';
import { toMerchantPayment, toPublicPayment } from '../domain/payment-record.js';
import type { PaymentService } from '../domain/payment-service.js';
import { buildStatement, statementCsv, type Statement } from '../domain/daily-statement.js';
import type { ResilientProvider } from '../providers/resilience.js';
import type { Store } from '../store/types.js';
import { unauthorized } from '../errors.js';
import { isCalendarDate } from '../lib/dates.js';
import type { Clock } from '../lib/clock.js';
import { safeEqual } from '../lib/crypto.js';
import { signSession } from '../domain/sessions.js';
import { amount, createSessionBody, dateText, invalidDate, listInstant, orderId } from './schemas.js';
import { parse } from './validate.js';

/** Whether the request carries the merchant key (`Authorization: Bearer …`). */
export function isMerchant(req: Request, merchantKey: string): boolean {
  const m = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
  return !!m && safeEqual(m[1]!, merchantKey);
}

export function requireMerchant(merchantKey: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!isMerchant(req, merchantKey)) {
      return next(unauthorized('unauthorized', 'Send Authorization: Bearer <BAYAR_MERCHANT_KEY>; this endpoint is for your backend only.'));
    }
    next();
  };
}

const listQuery = z
  .object({
    orderId: orderId.optional(),
    status: z.enum(PAYMENT_STATUSES).optional(),
    from: dateText.optional(),
    to: dateText.optional(),
    limit: z.string().regex(/^\d{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(200)).optional(),
    cursor: z.string().max(200).optional(),
  })
  .strict();
const refundBody = z.object({ amount, reason: z.string().trim().min(1).max(200) }).strict();
const reconciliationQuery = z
  .object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be YYYY-MM-DD' }), format: z.enum(['csv', 'json']).default('json') })
  .strict();


export interface MerchantDeps {
  merchantKey: string;
  clock: Clock;
  idem: RequestHandler;
  service: PaymentService;
  store: Store;
  providers: Map<ProviderId, ResilientProvider>;
  /** Told about every statement built (the mismatch metric the alerts watch). */
  onStatement?: (s: Statement) => void;
}

export function merchantRoutes({ merchantKey, clock, idem, service, store, providers, onStatement }: MerchantDeps): Router {
  const r = Router();
  const auth = requireMerchant(merchantKey);

  r.get('/api/payments', auth, async (req, res) => {
    const q = parse(listQuery, req.query);
    const page = await store.listPayments({ orderId: q.orderId, status: q.status, from: listInstant('from', q.from), to: listInstant('to', q.to), limit: q.limit ?? 50, after: q.cursor });
    const out: PaymentListResponse = { payments: page.payments.map((p) => toMerchantPayment(p)), next: page.next };
    res.json(out);
  });

  r.post('/api/payments/:id/refund', auth, idem, async (req, res) => {
    const body = parse(refundBody, req.body);
    const { refund, payment } = await service.refund(String(req.params.id), body.amount, body.reason);
    const out: RefundResponse = {
      refund: { id: refund.id, paymentId: refund.paymentId, amount: refund.amount, reason: refund.reason, status: refund.status, createdAt: refund.createdAt },
      payment: toPublicPayment(payment),
    };
    res.status(201).json(out);
  });

  r.get('/api/reconciliation', auth, async (req, res) => {
    const q = parse(reconciliationQuery, req.query);
    if (!isCalendarDate(q.date)) throw invalidDate('date', q.date, 'a calendar day as YYYY-MM-DD');
    const statement = await buildStatement(q.date, store, providers);
    onStatement?.(statement);
    if (q.format === 'csv') {
      res.type('text/csv').setHeader('Content-Disposition', `attachment; filename="bayar-${q.date}.csv"`);
      res.send(statementCsv(statement));
    } else res.json(statement);
  });

  r.post('/api/sessions', requireMerchant(merchantKey), idem, (req, res) => {
    const body = parse(createSessionBody, req.body);
    const exp = Math.floor(clock.now().getTime() / 1000) + (body.expiresIn ?? 3600);
    const session = signSession(
      { orderId: body.orderId, amount: body.amount, items: body.items, customer: body.customer, methods: body.methods, exp },
      merchantKey,
    );
    const out: CreateSessionResponse = { session, expiresAt: new Date(exp * 1000).toISOString() };
    res.status(201).json(out);
  });
  return r;
}
