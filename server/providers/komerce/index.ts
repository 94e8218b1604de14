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
import { ProviderNotSupportedError, ProviderRateLimitedError, WebhookVerificationError } from '../../errors.js';
import type { HttpRequest } from '../../lib/http.js';
import { headerOf, type Op, type ProviderErrorBody, providerHttp, webhookJson } from '../http-call.js';
import type { PaymentProvider, PaymentRef, ProviderContext, ProviderStatus, WebhookRequest } from '../types.js';
import { CAPABILITIES, fromWebhook, fromCreateData, fromStatus, komerceMethods, PROVIDER, toCreateRequest, toWireStatus } from './mapping.js';
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
  const api = providerHttp({
    id: PROVIDER,
    name: 'Komerce',
    baseUrl: creds.baseUrl,
    ctx,
    errorBody: komerceErrorBody,
    credentialsHint: 'check KOMERCE_API_KEY and that it is a sandbox key for the sandbox host, a live key for the live one',
    answer: 'a JSON {meta, data} envelope',
  });

  /** One Komerce call: transport and HTTP failures become typed ProviderErrors; 2xx gives the envelope's data. */
  async function call<T>(op: Op, method: HttpRequest['method'], path: string, body?: unknown): Promise<T> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const answer = await api.send(op, { method, path, headers: apiHeaders(creds.apiKey, text !== undefined), body: text });
    if (answer.status === 429) {
      // Transient: Komerce allows 1 status request per 3 s per payment_id (§3.2). [unconfirmed] that the
      // limit answers 429 (and with Retry-After); any 429 is treated as "try again shortly".
      const seconds = Number(answer.headers['retry-after']);
      const retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : STATUS_INTERVAL_MS;
      throw new KomerceRateLimitedError(
        `Komerce rate limit hit on ${op} (at most 1 status request per 3 s per payment); retry after ${retryAfterMs / 1000} s`,
        retryAfterMs,
      );
    }
    const envelope = asEnvelope(api.expectOk(answer));
    if (!envelope || typeof envelope.data !== 'object' || envelope.data === null) throw api.unexpected(answer.what);
    return envelope.data as T;
  }

  async function status(ref: PaymentRef): Promise<ProviderStatus> {
    // Third-party reports show ids such as `KPAY-3ed3/KM/2026`: the id must be one encoded path segment.
    const data = await call<KomerceStatusData>('status', 'GET', `/api/v1/user/payment/status/${encodeURIComponent(ref.providerRef)}`);
    return fromStatus(data);
  }

  return {
    id: 'komerce',
    capabilities: CAPABILITIES,

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
      const header = headerOf(req.headers, CALLBACK_SIGNATURE_HEADER);
      if (!header) throw new WebhookVerificationError('webhook_signature_invalid', 'Komerce callback without an X-Callback-Api-Key header');
      if (!verifyCallbackSignature(req.rawBody, header, creds.callbackKey)) {
        throw new WebhookVerificationError('webhook_signature_invalid', 'Komerce callback signature (X-Callback-Api-Key) does not match the body; check KOMERCE_CALLBACK_KEY');
      }
      const event = fromWebhook(webhookJson(req.rawBody, 'Komerce callback'));
      if (!event) throw new WebhookVerificationError('webhook_malformed', 'Komerce callback lacks payment_id or a known status');
      return { events: [event], ack: { status: 200, body: { status: 'ok' } } };
    },
  };
}

function asEnvelope(json: unknown): Partial<KomerceEnvelope<unknown>> | null {
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Partial<KomerceEnvelope<unknown>>) : null;
}

/** Errors come in the same `{meta: {message, code, status}, data: null}` envelope as answers. */
function komerceErrorBody(json: unknown, status: number): ProviderErrorBody {
  const meta: Partial<KomerceMeta> = asEnvelope(json)?.meta ?? {};
  return {
    code: typeof meta.code === 'number' || typeof meta.code === 'string' ? String(meta.code) : String(status),
    message: typeof meta.message === 'string' && meta.message ? meta.message : undefined,
  };
}
