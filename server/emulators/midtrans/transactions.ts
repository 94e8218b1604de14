/**
 * What the merchant does with a transaction it has (providers.md §5.6, §5.7): `GET /v2/{id}/status` and
 * `POST /v2/{id}/cancel|expire|refund`, by transaction_id or order_id. Cancel, expire and refund notify afterwards.
 */
import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import type { MidtransContext } from './api.js';
import { type Body, REFUNDABLE, money, wib } from './state.js';
import { MidtransApiError, invalid, jsonBody } from './validation.js';

const notFound = () => new MidtransApiError(404, "Transaction doesn't exist.");
const cannotModify = () => new MidtransApiError(412, 'Merchant cannot modify the status of the transaction');

export function transactionRoutes({ state, webhooks, api }: MidtransContext): Router {
  const router = express.Router();

  router.get(
    '/v2/:id/status',
    api.handle((req, res) => {
      const t = state.find(String(req.params.id));
      if (!t) throw notFound();
      // An expired transaction is a normal answer with status_code "407" in the body.
      res.status(200).json(state.view(t));
    }),
  );

  // Cancel and expire end a pending transaction alike; only the answer's wording differs.
  const endings = [
    ['cancel', 'Success, transaction is canceled'],
    ['expire', 'Success, transaction has expired'],
  ] as const;
  for (const [status, message] of endings) {
    router.post(
      `/v2/:id/${status}`,
      api.handle((req, res) => {
        const t = state.find(String(req.params.id));
        if (!t) throw notFound();
        if (t.status !== 'pending') throw cannotModify();
        t.status = status;
        webhooks.notifyAfter(res, t);
        res.status(200).json({ ...state.view(t), status_message: message });
      }),
    );
  }

  router.post(
    '/v2/:id/refund',
    api.handle((req, res) => {
      const t = state.find(String(req.params.id));
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
        refund_chargeback_id: state.nextRefundId(),
        refund_amount: money(amount),
        refund_key: key,
      };
      t.refunds.push({ key, amount, answer });
      webhooks.notifyAfter(res, t);
      res.status(200).json(answer);
    }),
  );

  return router;
}
