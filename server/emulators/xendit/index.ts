/**
 * Strict Xendit emulator (providers.md §4, rules §4.7), mounted at /emulators/xendit. Paths after the mount are
 * Xendit's own: Fixed VAs (virtual-accounts.ts), QR Codes (qr-codes.ts: v2 with `api-version: 2022-07-31`, legacy
 * v1 without), e-wallet charges and their hosted checkout page (ewallets.ts), and the test-mode simulation
 * endpoints. State is in memory (state.ts); time comes from opts.clock, so expiry follows a test's manual clock.
 * Callbacks (webhooks.ts) go to the dashboard URL (opts.defaultWebhookUrl) — or, for v1 QR codes, to the
 * request's callback_url — with `x-callback-token` and a `webhook-id` that is re-sent unchanged on redelivery.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { FaultSwitch } from '../faults.js';
import type { Emulator, EmulatorOptions } from '../types.js';
import type { XenditContext } from './api.js';
import { ewalletCheckoutRoutes, ewalletRoutes, simulateCharge } from './ewallets.js';
import { qrCodeRoutes, simulateQrCode } from './qr-codes.js';
import { apiKeyMatches } from './signing.js';
import { XenditState } from './state.js';
import { simulateVirtualAccount, virtualAccountRoutes } from './virtual-accounts.js';
import { XenditWebhooks, type XenditDelivery } from './webhooks.js';

export type { XenditDelivery } from './webhooks.js';

export interface XenditEmulatorCredentials {
  secretKey: string;
  callbackToken: string;
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
  const ctx: XenditContext = { opts, state: new XenditState(opts.clock), webhooks: new XenditWebhooks(opts, creds.callbackToken) };
  const { state, webhooks } = ctx;

  const router = express.Router();
  router.use(express.raw({ type: '*/*', limit: '100kb' }));
  // The hosted e-wallet checkout page: no auth, no faults (it is the customer's browser, not our API client).
  router.use(ewalletCheckoutRoutes(ctx));

  router.use(fault.middleware());
  router.use((req, res, next) => {
    if (apiKeyMatches(req.get('authorization'), creds.secretKey)) return next();
    res.status(401).json({ error_code: 'INVALID_API_KEY', message: 'API key is not authorized for this API service' });
  });
  router.use(virtualAccountRoutes(ctx));
  router.use(qrCodeRoutes(ctx));
  router.use(ewalletRoutes(ctx));

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

  return {
    id: 'xendit',
    router,
    async simulate(action, providerRef, o = {}) {
      const fva = state.fvas.get(providerRef);
      if (fva) return simulateVirtualAccount(ctx, fva, action, o.amount);
      const qr = state.qrs.get(providerRef);
      if (qr) return simulateQrCode(ctx, qr, action);
      const charge = state.charges.get(providerRef);
      if (charge) return simulateCharge(ctx, charge, action, o.amount);
      throw new Error(`Xendit emulator: no virtual account, QR code or charge ${providerRef}`);
    },
    redeliver: (ref) => webhooks.redeliver(ref),
    setFault: (mode, count, scope) => fault.set(mode, count, scope),
    deliveries: webhooks.deliveries,
  };
}
