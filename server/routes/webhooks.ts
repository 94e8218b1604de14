/**
 * Provider webhooks. Raw body only here: signatures are verified on the exact bytes received, before parsing.
 */
import express, { Router } from 'express';
import { PROVIDER_IDS, type ProviderId } from '../api-types.js';
import { AppError, WebhookVerificationError, notFound } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { Metrics } from '../lib/metrics.js';
import type { PaymentService } from '../domain/payment-service.js';
import type { ResilientProvider } from '../providers/resilience.js';

export function webhookRoutes(
  service: PaymentService,
  providers: Map<ProviderId, ResilientProvider>,
  clock: Clock,
  metrics: Metrics,
  allowedIps: Partial<Record<ProviderId, string[]>> = {},
  /**
   * Path of BAYAR_PUBLIC_URL (e.g. `/bayar`): Doku signs the path it called, which is this prefix plus the path below
   * the router's mount point (req.baseUrl: the prefix an Express app mounted Bayar at, or nothing behind a proxy that strips it).
   */
  publicPathPrefix = '',
): Router {
  const r = Router();
  r.post('/webhooks/:provider', express.raw({ type: () => true, limit: '256kb' }), async (req, res) => {
    const id = req.params.provider as ProviderId;
    if (!PROVIDER_IDS.includes(id)) throw notFound('not_found', `No webhook endpoint for "${id}".`);
    const allow = allowedIps[id];
    // The socket's address, or the client a trusted proxy (BAYAR_TRUST_PROXY) forwarded for; never a forwarded header
    // from anyone else: that can be forged by anyone.
    const source = (req.ip ?? req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (allow && !allow.includes(source)) {
      metrics.webhookVerifications.inc({ provider: id, outcome: 'source_not_allowed' });
      throw new AppError(403, 'webhook_source_not_allowed', `Webhooks for ${id} are accepted only from its published addresses.`);
    }
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    try {
      const ack = await service.applyWebhook(id, { headers, rawBody, path: publicPathPrefix + req.originalUrl.split('?')[0]!.slice(req.baseUrl.length), receivedAt: clock.now() });
      metrics.webhookVerifications.inc({ provider: id, outcome: 'verified' });
      res.status(ack.status).json(ack.body);
    } catch (err) {
      if (err instanceof WebhookVerificationError) metrics.webhookVerifications.inc({ provider: id, outcome: err.code });
      const provider = providers.get(id);
      if (err instanceof WebhookVerificationError && provider?.rejectAck) {
        const rej = provider.rejectAck(err);
        // The provider's own rejection body, plus our error envelope for operators and tooling.
        const body = rej.body && typeof rej.body === 'object' ? { ...rej.body, error: { code: err.code, message: err.message } } : rej.body;
        res.status(rej.status).json(body);
        return;
      }
      throw err;
    }
  });
  return r;
}
