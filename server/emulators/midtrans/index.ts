/**
 * Strict Midtrans Core API emulator (providers.md §5, rules §5.8), mounted at /emulators/midtrans with Midtrans's
 * own paths after the mount: `POST /v2/charge` (charge.ts), `GET /v2/{id}/status`, `POST /v2/{id}/cancel|expire|refund`
 * (transactions.ts), Snap for cards (snap.ts) and the hosted pieces a charge's actions open (actions.ts).
 * Answers carry `status_code` strings in the body ("201" pending, "407" expired…), `gross_amount` as "NNN.00"
 * and GMT+7 times. Notifications (webhooks.ts) go to X-Override-Notification (or the dashboard URL,
 * opts.defaultWebhookUrl) with a correct signature_key. State is in memory (state.ts); time comes from opts.clock.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { FaultSwitch } from '../faults.js';
import { isJsonObject as isObj } from '../shared/json-body.js';
import type { Emulator, EmulatorOptions, SimulateResult } from '../types.js';
import { actionRoutes } from './actions.js';
import { type ErrorHttpStatus, type MidtransContext, midtransApi } from './api.js';
import { chargeRoute } from './charge.js';
import { serverKeyMatches } from './signing.js';
import { snapEmulator, type CardTxn } from './snap.js';
import { MERCHANT_NAME, MidtransState, type Txn } from './state.js';
import { transactionRoutes } from './transactions.js';
import { MidtransApiError, invalid, notifyUrls, orderFields } from './validation.js';
import { MidtransWebhooks, type MidtransDelivery } from './webhooks.js';

export type { MidtransDelivery } from './webhooks.js';

export interface MidtransEmulatorCredentials {
  serverKey: string;
}

export interface MidtransEmulatorSettings {
  /** How an error's HTTP status is chosen, [unconfirmed] (§5.4): 'mirror' (default) or 'always-200'. */
  errorHttpStatus?: ErrorHttpStatus;
}

export interface MidtransEmulator extends Emulator {
  /** Every notification sent, kept so one can be sent again byte for byte (Midtrans retries on a non-2xx answer). */
  readonly deliveries: readonly MidtransDelivery[];
}

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
  const state = new MidtransState(opts.clock);
  const webhooks = new MidtransWebhooks(opts, state, creds.serverKey);
  const api = midtransApi(settings.errorHttpStatus ?? 'mirror');
  const ctx: MidtransContext = { opts, state, webhooks, api };

  const snap = snapEmulator({
    clock: opts.clock,
    baseUrl: opts.baseUrl,
    merchantName: MERCHANT_NAME,
    orderFields,
    notifyUrls: (req) => notifyUrls(req, opts.defaultWebhookUrl()),
    orderTaken: (orderId) => state.orderTaken(orderId),
    register: (t: CardTxn) => state.add(t),
    find: (orderId) => state.find(orderId) as CardTxn | undefined,
    notify: (t) => webhooks.notify(t as Txn),
    invalid,
  });

  const router = express.Router();
  router.use(express.raw({ type: '*/*', limit: '100kb' }));
  // Hosted pieces the customer's browser or app opens: no auth, no faults.
  router.use(snap.pages);
  router.use(actionRoutes(ctx));

  router.use(fault.middleware());
  router.use((req, res, next) => {
    if (serverKeyMatches(req.get('authorization'), creds.serverKey)) return next();
    api.sendError(res, new MidtransApiError(401, 'Access denied due to unauthorized transaction, please check client or server key'));
  });
  router.post('/v2/charge', chargeRoute(ctx));
  router.post(
    '/snap/v1/transactions',
    api.handle((req, res) => {
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
  router.use(transactionRoutes(ctx));

  router.use((_req, res) => {
    api.sendError(res, new MidtransApiError(404, 'The requested resource is not found'));
  });
  router.use((err: Error & { type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.too.large') return api.sendError(res, invalid('request body is too large'));
    api.sendError(res, new MidtransApiError(500, `Internal server error: ${err.message}`));
  });

  async function simulate(action: 'pay' | 'expire', providerRef: string): Promise<SimulateResult> {
    // Midtrans transactions are fixed-amount: a different paid amount (opts.amount) cannot happen and is ignored.
    // A Snap card page (`snap-<expiry>-<token>`, the adapter's card reference): the token is what Snap knows.
    if (providerRef.startsWith('snap-')) return { webhookStatus: await snap.simulate(action, providerRef.replace(/^snap-\d+-/, '')) };
    const t = state.find(providerRef);
    if (!t) throw new Error(`Midtrans emulator: no transaction ${providerRef}`);
    if (t.status !== 'pending') throw new Error(`Midtrans emulator: transaction ${providerRef} is ${t.status}`);
    if (action === 'pay') state.settle(t);
    else t.status = 'expire';
    return { webhookStatus: await webhooks.notify(t) };
  }

  return {
    id: 'midtrans',
    router,
    simulate,
    redeliver: (ref) => webhooks.redeliver(ref),
    setFault: (mode, count, scope) => fault.set(mode, count, scope),
    deliveries: webhooks.deliveries,
  };
}
