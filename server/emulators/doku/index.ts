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
import express, { type Request, type Response } from 'express';
import { FaultSwitch } from '../faults.js';
import type { Emulator, EmulatorOptions } from '../types.js';
import { CARD_TYPE, dokuCardPages, isCardCheckout } from './card.js';
import { checkoutPage, resultPage } from './pages.js';
import { type DokuCredentials, authenticate, digestOf, responseHeaders, wibCompact } from './signing.js';
import { type CheckoutSession, DokuState, type DokuLineItemIn, newSessionId, newTokenId, newUuid, statusBody } from './state.js';
import { KNOWN_METHOD_TYPES, validateCheckout } from './validation.js';
import { DokuWebhooks } from './webhooks.js';

export interface DokuEmulatorSettings {
  /** Accepted Request-Timestamp skew. Undocumented by Doku [unconfirmed]; ±5 min by default (§1.9). */
  timestampWindowMs?: number;
  merchantName?: string;
}

export interface DokuEmulator extends Emulator {
  /** A copy of the emulator's view of a checkout (tests assert what the adapter sent). */
  inspect(ref: string): Readonly<CheckoutSession> | undefined;
}

export function createDokuEmulator(
  creds: DokuCredentials,
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
    res.set(responseHeaders(creds.secretKey, { clientId, requestId, target: req.path }, opts.clock.now(), text));
    res.status(status).type('application/json').send(text);
  }

  const authenticated = (req: Request, body: Buffer | null) => authenticate((h) => req.get(h), req.path, body, creds, opts.clock.now(), windowMs);

  const hostedUrl = (s: CheckoutSession) => `${opts.baseUrl().replace(/\/+$/, '')}/checkout-link-v2/${s.tokenId}`;

  const webhooks = new DokuWebhooks(opts, state, creds);
  const notify = (s: CheckoutSession) => webhooks.notify(s);
  const markPaid = (s: CheckoutSession, type: string) => state.markPaid(s, type);

  // --- API (behind the fault switch) ---------------------------------------------------------------------------
  router.use(['/checkout/v1', '/orders/v1'], faults.middleware());

  router.post('/checkout/v1/payment', raw, (req, res) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const auth = authenticated(req, body);
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
    const auth = authenticated(req, null);
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
    state.markPaid(s, type);
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
      state.end(s, 'FAILED');
      await notify(s).catch(() => undefined);
    }
    const back = s.callbackUrlCancel ?? s.callbackUrl;
    if (back) return res.redirect(303, back);
    res.type('html').send(resultPage('Pembayaran dibatalkan', `Invoice ${s.invoiceNumber}: ${s.status}.`));
  });

  return {
    id: 'doku',
    router,
    setFault: (mode, count, scope) => faults.set(mode, count, scope),
    async simulate(action, providerRef, o) {
      const s = state.find(providerRef);
      if (!s) throw new Error(`doku emulator: no checkout ${providerRef}`);
      if (action === 'pay') {
        // A card waiting for 3-D Secure (REDIRECT) is paid as if the customer had passed it.
        if (s.status !== 'PENDING' && s.status !== 'REDIRECT') throw new Error(`doku emulator: checkout ${providerRef} is ${s.status}, cannot pay`);
        state.markPaid(s, s.methodTypes[0]!, o?.amount);
      } else {
        if (s.status === 'SUCCESS' || s.status === 'FAILED') throw new Error(`doku emulator: checkout ${providerRef} is ${s.status}, cannot expire`);
        if (s.status === 'PENDING' || s.status === 'REDIRECT') state.end(s, 'EXPIRED');
      }
      return notify(s);
    },
    redeliver: (ref) => webhooks.redeliver(ref),
    inspect(ref) {
      const s = state.find(ref);
      return s ? structuredClone(s) : undefined;
    },
  };
}
