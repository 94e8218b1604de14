/**
 * The hosted pieces a charge's `actions` point at, opened by the customer's browser or app (no auth, no faults):
 * the QR image of a QRIS or GoPay charge, and GoPay's deeplink page (the emulator's "GoPay app") with its Pay and
 * Decline forms.
 */
import express, { type Router } from 'express';
import type { MidtransContext } from './api.js';
import { deeplinkPage, qrSvg, resultPage } from './pages.js';
import { MERCHANT_NAME } from './state.js';

export function actionRoutes({ state, webhooks }: MidtransContext): Router {
  const router = express.Router();

  router.get('/gopay/:id/deeplink', (req, res) => {
    const t = state.byTransactionId(req.params.id);
    if (!t || t.paymentType !== 'gopay') {
      res.status(404).type('html').send(resultPage('Not found', 'No such GoPay transaction.'));
      return;
    }
    state.refresh(t);
    res.type('html').send(deeplinkPage({ transactionId: t.transactionId, orderId: t.orderId, merchant: MERCHANT_NAME, amount: t.amount, status: t.status }));
  });

  for (const action of ['pay', 'cancel'] as const) {
    router.post(`/gopay/:id/deeplink/${action}`, async (req, res) => {
      const t = state.byTransactionId(req.params.id);
      if (!t || t.paymentType !== 'gopay') {
        res.status(404).type('html').send(resultPage('Not found', 'No such GoPay transaction.'));
        return;
      }
      state.refresh(t);
      if (t.status !== 'pending') {
        res.status(409).type('html').send(resultPage('Already settled', `This transaction is ${t.status}.`));
        return;
      }
      // Declining in the GoPay app reads as `deny` [unconfirmed: what Midtrans reports for a payer's refusal].
      if (action === 'pay') state.settle(t);
      else t.status = 'deny';
      await webhooks.notify(t);
      if (t.gopayCallbackUrl) {
        res.redirect(303, t.gopayCallbackUrl);
        return;
      }
      res.type('html').send(resultPage(action === 'pay' ? 'Payment approved' : 'Payment declined', 'You can close this page.'));
    });
  }

  for (const kind of ['qris', 'gopay'] as const) {
    router.get(`/v2/${kind}/:id/qr-code`, (req, res) => {
      const t = state.byTransactionId(req.params.id);
      if (!t?.qrPayload || t.paymentType !== kind) {
        res.status(404).json({ status_code: '404', status_message: "Transaction doesn't exist." });
        return;
      }
      res.type('image/svg+xml').send(qrSvg(t.qrPayload));
    });
  }

  return router;
}
