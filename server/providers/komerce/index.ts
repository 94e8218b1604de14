/**
 * Komerce Payment adapter (providers.md §3): VA for Komerce's banks and QRIS.
 *
 * - create: POST /api/v1/user/payment/create with `order_id` = our deterministic reference, the callback URL and
 *   our callback key. QRIS windows are fixed at 5 minutes by Komerce; VA windows follow the payment's expiry
 *   (minimum 1 hour).
 * - status: GET /api/v1/user/payment/status/{payment_id}, rate-limited by Komerce to 1 request per 3 s per
 *   payment; a 429 is transient and surfaces as ProviderUnavailableError.
 * - cancel: POST /api/v1/user/payment/cancel (PENDING only). refund: not offered by Komerce.
 * - callbacks: `X-Callback-Api-Key` = hex HMAC-SHA256(raw body, callback key). They carry no timestamp, so a
 *   "paid" callback is confirmed through status() before it is trusted (webhookNeedsConfirmation).
 */
import type { ProviderCredentials } from '../../config.js';
import { ProviderAuthError, ProviderNotSupportedError, ProviderRejectedError, ProviderTimeoutError, ProviderUnavailableError, WebhookVerificationError, ProviderRateLimitedError } from '../../errors.js';
import { HttpNetworkError, HttpTimeoutError, type HttpRequest, type HttpResponse } from '../../lib/http.js';
import type { PaymentProvider, PaymentRef, ProviderContext, ProviderStatus, WebhookRequest } from '../types.js';
import { fromCallbackBody, fromCreateData, fromStatusData, komerceMethods, PROVIDER, toCreateRequest, toWireStatus } from './mapping.js';
import { apiHeaders, CALLBACK_SIGNATURE_HEADER, verifyCallbackSignature } from './signing.js';
import type { KomerceCancelData, KomerceCancelRequest, KomerceCreateData, KomerceEnvelope, KomerceMeta, KomerceStatusData } from './wire.js';

export type KomerceCredentials = NonNullable<ProviderCredentials['komerce']>;

const CANCEL_REASON = 'Cancelled by the merchant';
/** Komerce's documented status limit: 1 request per 3 s per payment_id (§3.2). */
const STATUS_INTERVAL_MS = 3000;

/**
 * A 429 from Komerce: transient (an `unavailable` ProviderError), carrying how long to wait. It says nothing
 * about Komerce's health, so a circuit breaker may prefer not to count it.
 */
export class KomerceRateLimitedError extends ProviderRateLimitedError {
  constructor(message: string, retryAfterMs: number) {
    super(PROVIDER, message, retryAfterMs);
  }
}

export function createKomerceProvider(creds: KomerceCredentials, ctx: ProviderContext): PaymentProvider {
  const base = creds.baseUrl.replace(/\/+$/, '');

  /** One Komerce call: transport and HTTP failures become typed ProviderErrors; 2xx gives the envelope's data. */
  async function call<T>(op: keyof ProviderContext['timeouts'], method: HttpRequest['method'], path: string, body?: unknown): Promise<T> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    let res: HttpResponse;
    try {
      res = await ctx.http.request({
        method,
        url: `${base}${path}`,
        headers: apiHeaders(creds.apiKey, text !== undefined),
        body: text,
        timeoutMs: ctx.timeouts[op],
      });
    } catch (err) {
      if (err instanceof HttpTimeoutError) throw new ProviderTimeoutError(PROVIDER, `Komerce ${op} timed out after ${ctx.timeouts[op]} ms`);
      if (err instanceof HttpNetworkError) throw new ProviderUnavailableError(PROVIDER, `Komerce ${op} failed: ${err.message}`);
      throw new ProviderUnavailableError(PROVIDER, `Komerce ${op} failed: ${(err as Error)?.message ?? String(err)}`);
    }
    const envelope = parseEnvelope(res.body);
    const meta: Partial<KomerceMeta> = envelope?.meta ?? {};
    const said = typeof meta.message === 'string' && meta.message ? meta.message : `HTTP ${res.status}`;
    if (res.status >= 500) throw new ProviderUnavailableError(PROVIDER, `Komerce ${op} answered ${res.status}: ${said}`);
    if (res.status === 401 || res.status === 403) {
      throw new ProviderAuthError(PROVIDER, `Komerce refused the API key (${res.status}: ${said}); check KOMERCE_API_KEY and that it is a sandbox key for the sandbox host, a live key for the live one`);
    }
    if (res.status === 429) {
      // Transient: Komerce allows 1 status request per 3 s per payment_id (§3.2). [unconfirmed] that the
      // limit answers 429 (and with Retry-After); any 429 is treated as "try again shortly".
      const seconds = Number(res.headers['retry-after']);
      const retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : STATUS_INTERVAL_MS;
      throw new KomerceRateLimitedError(
        `Komerce rate limit hit on ${op} (at most 1 status request per 3 s per payment); retry after ${retryAfterMs / 1000} s`,
        retryAfterMs,
      );
    }
    if (res.status >= 400) {
      const code = typeof meta.code === 'number' || typeof meta.code === 'string' ? String(meta.code) : String(res.status);
      throw new ProviderRejectedError(PROVIDER, res.status, code, said);
    }
    if (res.status < 200 || res.status >= 300) throw new ProviderUnavailableError(PROVIDER, `Komerce ${op} answered an unexpected HTTP ${res.status}`);
    if (!envelope || typeof envelope.data !== 'object' || envelope.data === null) {
      throw new ProviderUnavailableError(PROVIDER, `Komerce ${op} answered ${res.status} without a JSON {meta, data} envelope`);
    }
    return envelope.data as T;
  }

  async function status(ref: PaymentRef): Promise<ProviderStatus> {
    // Third-party reports show ids such as `KPAY-3ed3/KM/2026`: the id must be one encoded path segment.
    const data = await call<KomerceStatusData>('status', 'GET', `/api/v1/user/payment/status/${encodeURIComponent(ref.providerRef)}`);
    return fromStatusData(data);
  }

  return {
    id: 'komerce',
    webhookNeedsConfirmation: true,

    methods: komerceMethods,

    async create(input) {
      const now = ctx.clock.now();
      const body = toCreateRequest(input, creds.callbackKey, now);
      const data = await call<KomerceCreateData>('create', 'POST', '/api/v1/user/payment/create', body);
      return fromCreateData(data, input, body, now);
    },

    status,

    async cancel(ref) {
      const body: KomerceCancelRequest = { payment_id: ref.providerRef, reason: CANCEL_REASON };
      const data = await call<KomerceCancelData>('cancel', 'POST', '/api/v1/user/payment/cancel', body);
      const wire = toWireStatus(data.status);
      // A successful cancel means CANCELED, whatever (or however) the answer spells it.
      return { status: 'cancelled', providerStatus: wire ?? 'CANCELED' };
    },

    async refund() {
      throw new ProviderNotSupportedError(PROVIDER, 'Komerce Payment has no refund API; refund the customer outside Komerce and record it manually.');
    },

    verifyWebhook(req: WebhookRequest) {
      const header = headerValue(req.headers, CALLBACK_SIGNATURE_HEADER);
      if (!header) throw new WebhookVerificationError('webhook_signature_invalid', 'Komerce callback without an X-Callback-Api-Key header');
      if (!verifyCallbackSignature(req.rawBody, header, creds.callbackKey)) {
        throw new WebhookVerificationError('webhook_signature_invalid', 'Komerce callback signature (X-Callback-Api-Key) does not match the body; check KOMERCE_CALLBACK_KEY');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        throw new WebhookVerificationError('webhook_malformed', 'Komerce callback body is not JSON');
      }
      const event = fromCallbackBody(parsed);
      if (!event) throw new WebhookVerificationError('webhook_malformed', 'Komerce callback lacks payment_id or a known status');
      return { events: [event], ack: { status: 200, body: { status: 'ok' } } };
    },
  };
}

function parseEnvelope(text: string): Partial<KomerceEnvelope<unknown>> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Partial<KomerceEnvelope<unknown>>) : null;
  } catch {
    return null;
  }
}

function headerValue(headers: WebhookRequest['headers'], name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name && v) return v;
  return undefined;
}
