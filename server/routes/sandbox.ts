/**
 * Sandbox only: the payment's provider emulator acts as the customer (or the clock) and sends its own signed
 * webhook to this server, exactly as the real provider would. Not mounted in live mode (404).
 */
import { Router } from 'express';
import type { PaymentResponse, ProviderId } from '../api-types.js';
import { AppError, conflict } from '../errors.js';
import { toPublicPayment } from '../domain/payment-record.js';
import type { PaymentService } from '../domain/payment-service.js';
import type { Emulator } from '../emulators/types.js';

export function sandboxRoutes(service: PaymentService, emulators: Map<ProviderId, Emulator>): Router {
  const r = Router();
  r.post('/api/sandbox/payments/:id/:action', async (req, res, next) => {
    const action = req.params.action;
    if (action !== 'pay' && action !== 'expire') return next();
    const payment = await service.get(req.params.id!);
    if (payment.status !== 'pending' || !payment.providerRef) {
      throw conflict('payment_not_pending', `Only a pending payment can be simulated; this one is ${payment.status}.`);
    }
    const emulator = emulators.get(payment.provider);
    if (!emulator) throw new AppError(409, 'emulator_not_mounted', `${payment.provider} runs against a real server here, not the built-in emulator.`);
    const result = await emulator.simulate(action, payment.providerRef, { amount: payment.amount });
    if (result.webhookStatus !== null && (result.webhookStatus < 200 || result.webhookStatus >= 300)) {
      throw new AppError(502, 'webhook_rejected', `The ${payment.provider} emulator's webhook was answered ${result.webhookStatus}.`);
    }
    // Some provider events come with no webhook (e.g. a Xendit QR code expiring): the companion learns them by
    // asking the provider, as the reconciler would on its next pass.
    if (result.webhookStatus === null) await service.reconcile(payment);
    const out: PaymentResponse = { payment: toPublicPayment(await service.get(payment.id)) };
    res.json(out);
  });
  return r;
}
