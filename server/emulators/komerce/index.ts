/**
 * A strict emulator of the Komerce Payment API (providers.md §3), mounted at /emulators/komerce so that the
 * adapter's sandbox baseUrl is `http://<host>:<port>/emulators/komerce` and every path after it is Komerce's own.
 *
 * API (x-api-key required, `{meta:{message,code,status}, data}` envelopes, 400/401/404 as documented):
 *   GET  /api/v1/user/methods
 *   POST /api/v1/user/payment/create
 *   GET  /api/v1/user/payment/status/:paymentId   (1 request per 3 s per payment; more → 429 [unconfirmed])
 *   POST /api/v1/user/payment/cancel
 * Hosted page (the create answer's payment_url): GET /pay/:paymentId with Pay and Cancel buttons.
 *
 * Callbacks (webhooks.ts) go to the create request's callback_url, signed with that request's callback_API_KEY.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { FaultSwitch } from '../faults.js';
import type { Emulator, EmulatorOptions } from '../types.js';
import { METHODS, publicMethod } from './catalog.js';
import { renderNotFound, renderPaymentPage } from './pages.js';
import { apiKeyMatches } from './signing.js';
import { KomerceState, type KomPayment, paymentMethod, wib } from './state.js';
import { jsonBody, validateCancel, validateCreate } from './validation.js';
import { KomerceWebhooks } from './webhooks.js';

export { wib } from './state.js';

export interface KomerceEmulatorCredentials {
  apiKey: string;
  /** Not used by the emulator: Komerce learns the callback key from each create request. */
  callbackKey?: string;
}

export interface KomerceEmulatorSettings {
  /**
   * Minimum time between two answered status requests for one payment_id (default 3000, Komerce's documented
   * limit). 0 turns the limit off, e.g. for a demo that polls freely.
   */
  statusMinIntervalMs?: number;
  /** Shown on the hosted payment page. */
  merchantName?: string;
}


export function createKomerceEmulator(
  creds: KomerceEmulatorCredentials,
  opts: EmulatorOptions,
  settings: KomerceEmulatorSettings = {},
): Emulator {
  const state = new KomerceState(opts.clock);
  // Channels as Bayar names them: the bank's code in lower case, or qris.
  const faults = new FaultSwitch({
    clock: opts.clock,
    channelOf: (req, b) => (!req.path.endsWith('/payment/create') ? undefined : b.payment_type === 'qris' ? 'qris' : typeof b.channel_code === 'string' ? b.channel_code : undefined),
  });
  const statusInterval = settings.statusMinIntervalMs ?? 3000;
  const merchant = settings.merchantName ?? 'Komerce Sandbox Merchant';
  const router = express.Router();
  const webhooks = new KomerceWebhooks(opts, state);

  const ok = (res: Response, message: string, data: unknown) => res.status(200).json({ meta: { message, code: 200, status: 'success' }, data });
  const fail = (res: Response, code: number, message: string) => res.status(code).json({ meta: { message, code, status: 'error' }, data: null });

  /** The payment as create and status answer it. */
  function view(p: KomPayment) {
    const r = p.request;
    return {
      payment_id: p.paymentId,
      order_id: r.orderId,
      payment_type: r.paymentType,
      ...(r.channelCode ? { channel_code: r.channelCode } : {}),
      amount: r.amount,
      status: p.status,
      ...(p.vaNumber ? { va_number: p.vaNumber } : {}),
      ...(p.qrString ? { qr_string: p.qrString } : {}),
      payment_url: `${opts.baseUrl()}/pay/${encodeURIComponent(p.paymentId)}`,
      created_at: wib(p.createdAt),
      expired_at: wib(p.expiresAt),
    };
  }

  // ---- Hosted payment page: no API key, no faults (it is the customer's browser, not the merchant's server).
  router.get('/pay/:paymentId', (req, res) => {
    const p = state.get(req.params.paymentId);
    res.set('Cache-Control', 'no-store');
    if (!p) return res.status(404).type('html').send(renderNotFound(req.params.paymentId));
    res.type('html').send(renderPaymentPage(p, merchant));
  });

  const pageAction = (act: (p: KomPayment) => void) => async (req: Request<{ paymentId: string }>, res: Response) => {
    const p = state.get(req.params.paymentId);
    if (!p) return res.status(404).type('html').send(renderNotFound(req.params.paymentId));
    if (p.status === 'PENDING') {
      act(p);
      // The page shows the outcome either way; a failed delivery is what Komerce's retries are for.
      await webhooks.notify(p).catch(() => undefined);
    }
    // Komerce's create takes no return URL, so the customer lands back on the page, now showing the result.
    res.redirect(303, `${req.baseUrl}/pay/${encodeURIComponent(p.paymentId)}`);
  };
  router.post('/pay/:paymentId/pay', pageAction((p) => state.markPaid(p, p.request.amount)));
  // [unconfirmed] that Komerce sends a CANCELED callback when the payer cancels on its page.
  router.post('/pay/:paymentId/cancel', pageAction((p) => state.markCanceled(p, 'Cancelled by the customer on the payment page')));

  // ---- API: faults first, then the raw body (signatures and strict JSON need the bytes), then the key.
  router.use('/api', faults.middleware());
  router.use('/api', express.raw({ type: '*/*', limit: '100kb' }));
  router.use('/api', (req, res, next) => {
    if (!apiKeyMatches(req.get('x-api-key'), creds.apiKey)) return fail(res, 401, 'Unauthorized: invalid or missing API key');
    next();
  });

  router.get('/api/v1/user/methods', (_req, res) => {
    ok(res, 'success get payment methods', METHODS.map(publicMethod));
  });

  router.post('/api/v1/user/payment/create', (req, res) => {
    const parsed = jsonBody(req.get('content-type'), req.body);
    if (!parsed.ok) return fail(res, 400, parsed.message);
    const v = validateCreate(parsed.body);
    if (!v.ok) return fail(res, 400, v.message);
    const input = v.value;

    const existing = state.byOrderId(input.orderId);
    if (existing) {
      // [unconfirmed] Komerce's answer to a repeated order_id is not documented. We answer a repeat of a
      // still-PENDING payment with the SAME payment (200): Bayar sends a deterministic order_id per attempt, so
      // a create retried after a lost answer must get the first VA/QR back, never a second one. A repeat that
      // differs (type, bank, amount) or names a finished payment is refused with 400.
      const r = existing.request;
      const same = r.paymentType === input.paymentType && r.channelCode === input.channelCode && r.amount === input.amount;
      if (existing.status !== 'PENDING') return fail(res, 400, `order_id ${input.orderId} has already been used (payment ${existing.status})`);
      if (!same) return fail(res, 400, `order_id ${input.orderId} already has a pending payment with different details`);
      return ok(res, 'payment already exists for this order_id', view(existing));
    }
    const p = state.create(input);
    ok(res, 'success create payment', view(p));
  });

  router.get('/api/v1/user/payment/status/:paymentId', (req, res) => {
    const p = state.get(req.params.paymentId);
    if (!p) return fail(res, 404, 'payment not found');
    const wait = state.takeStatusSlot(p, statusInterval);
    if (wait > 0) {
      // [unconfirmed] status code and Retry-After: documented for Komerce's QRISLY product, assumed here (§3.2).
      res.set('Retry-After', String(wait));
      return fail(res, 429, 'too many requests: status may be checked once every 3 seconds per payment_id');
    }
    ok(res, 'success get payment status', {
      ...view(p),
      paid_at: p.paidAt ? wib(p.paidAt) : null,
      ...(p.status === 'PAID'
        ? { paid_amount: p.paidAmount ?? p.request.amount, settlement_amount: state.settlementAmount(p), payment_method: paymentMethod(p) }
        : {}),
      ...(p.status === 'CANCELED' ? { canceled_at: wib(p.canceledAt!), cancel_reason: p.cancelReason } : {}),
    });
  });

  router.post('/api/v1/user/payment/cancel', (req, res) => {
    const parsed = jsonBody(req.get('content-type'), req.body);
    if (!parsed.ok) return fail(res, 400, parsed.message);
    const v = validateCancel(parsed.body);
    if (!v.ok) return fail(res, 400, v.message);
    const p = state.get(v.value.paymentId);
    if (!p) return fail(res, 404, 'payment not found');
    if (p.status !== 'PENDING') return fail(res, 400, `payment is ${p.status}: only PENDING payments can be canceled`);
    state.markCanceled(p, v.value.reason);
    ok(res, 'success cancel payment', { payment_id: p.paymentId, status: p.status, canceled_at: wib(p.canceledAt!), reason: p.cancelReason });
  });

  router.use('/api', (_req, res) => fail(res, 404, 'route not found'));

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; type?: string };
    if (e?.type === 'entity.too.large') return fail(res, 413, 'request body too large');
    fail(res, typeof e?.status === 'number' && e.status >= 400 && e.status < 600 ? e.status : 500, 'internal server error');
  });

  return {
    id: 'komerce',
    router,
    async simulate(action, providerRef, simOpts) {
      const p = state.get(providerRef);
      if (!p) throw new Error(`Komerce emulator: no payment ${providerRef}`);
      if (action === 'pay') {
        if (p.status !== 'PENDING') throw new Error(`Komerce emulator: payment ${providerRef} is ${p.status} and cannot be paid`);
        state.markPaid(p, simOpts?.amount ?? p.request.amount);
      } else {
        // A payment already past its deadline by the clock still gets its (first) EXPIRED callback.
        if (p.status === 'EXPIRED' && p.lastCallbackStatus === 'EXPIRED') return { webhookStatus: null };
        if (p.status !== 'PENDING' && p.status !== 'EXPIRED') throw new Error(`Komerce emulator: payment ${providerRef} is ${p.status} and cannot expire`);
        if (p.status === 'PENDING') state.markExpired(p);
      }
      return webhooks.notify(p);
    },
    redeliver: (ref) => webhooks.redeliver(ref),
    setFault: (mode, count, scope) => faults.set(mode, count, scope),
  };
}
