/**
 * Doku Checkout (non-SNAP) adapter, providers.md §1. Every family is served through Doku's hosted payment page:
 * create answers with `response.payment.url`, which becomes the payment's `redirectUrl`; the page is restricted
 * to the one Doku method type the customer picked in our widget.
 *
 * Idempotency: Doku treats Request-Id as the idempotency key and answers a repeated Request-Id + identical body
 * with the cached body and HTTP 409 (§1.7). The Request-Id is therefore derived from `input.reference`, and the
 * serialized body is remembered per reference, so a retried create replays the same bytes and gets the same
 * hosted page back instead of a second checkout session.
 */
import { randomUUID } from 'node:crypto';
import type { ProviderCredentials } from '../../config.js';
import {
  ProviderAuthError,
  ProviderNotSupportedError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  WebhookVerificationError,
} from '../../errors.js';
import { safeEqual } from '../../lib/crypto.js';
import { HttpNetworkError, HttpTimeoutError, type HttpResponse } from '../../lib/http.js';
import type {
  CreatePaymentInput,
  CreatePaymentResult,
  PaymentProvider,
  PaymentRef,
  ProviderContext,
  ProviderMethod,
  ProviderStatus,
  VerifiedWebhook,
  WebhookRequest,
} from '../types.js';
import {
  DOKU_LABELS,
  DOKU_MAX_AMOUNT,
  DOKU_METHOD_TYPES,
  DOKU_MIN_AMOUNT,
  fromNotification,
  fromStatusResponse,
  methodKey,
  parseDokuWibDate,
  toCheckoutRequest,
} from './mapping.js';
import { dokuDigest, dokuRequestHeaders, dokuTimestamp, parseDokuTimestamp, verifyDokuSignature } from './signing.js';
import type { DokuCheckoutResponse, DokuErrorBody, DokuNotification, DokuStatusResponse } from './wire.js';

const PROVIDER = 'doku';
export const CHECKOUT_PATH = '/checkout/v1/payment';
export const STATUS_PATH = '/orders/v1/status/';

export interface DokuProviderOptions {
  /** Overrides of the Bayar method → `payment_method_types` table (names beyond §1.5 are unconfirmed). */
  methodTypes?: Record<string, string>;
  /** Accepted skew of a notification's Request-Timestamp against our clock. Default ±5 min. */
  notificationWindowMs?: number;
  /** How many create bodies to remember for idempotent replays. */
  replayCacheSize?: number;
}

/** Request-Id of the create call: deterministic per payment attempt (≤128 chars, Doku's limit). */
export const createRequestId = (reference: string) => `bayar-${reference}`;

export function createDokuProvider(
  creds: NonNullable<ProviderCredentials['doku']>,
  ctx: ProviderContext,
  options: DokuProviderOptions = {},
): PaymentProvider {
  const base = creds.baseUrl.replace(/\/+$/, '');
  const methodTypes: Record<string, string> = { ...DOKU_METHOD_TYPES, ...options.methodTypes };
  const windowMs = options.notificationWindowMs ?? 5 * 60_000;
  const cacheSize = options.replayCacheSize ?? 1000;
  /** reference → the exact body sent first, keyed with a fingerprint of the stable input fields. */
  const sentBodies = new Map<string, { fingerprint: string; body: string }>();

  const methods: ProviderMethod[] = Object.keys(methodTypes)
    .filter((k) => /^(va|qris|ewallet|cstore):[a-z0-9_-]+$/.test(k))
    .map((k) => {
      const [family, channel] = k.split(':') as [ProviderMethod['family'], string];
      return { family, channel, label: DOKU_LABELS[k] ?? channel, minAmount: DOKU_MIN_AMOUNT, maxAmount: DOKU_MAX_AMOUNT };
    });

  async function send(op: keyof ProviderContext['timeouts'], method: 'GET' | 'POST', target: string, requestId: string, body?: string) {
    const headers = dokuRequestHeaders(creds, { requestId, timestamp: dokuTimestamp(ctx.clock.now()), target, body });
    let res: HttpResponse;
    try {
      res = await ctx.http.request({ method, url: base + target, headers, body, timeoutMs: ctx.timeouts[op] });
    } catch (err) {
      if (err instanceof HttpTimeoutError) throw new ProviderTimeoutError(PROVIDER, `Doku did not answer ${method} ${target} in time`);
      if (err instanceof HttpNetworkError) throw new ProviderUnavailableError(PROVIDER, err.message);
      throw new ProviderUnavailableError(PROVIDER, `request to Doku failed: ${(err as Error)?.message ?? String(err)}`);
    }
    if (res.status >= 500) throw new ProviderUnavailableError(PROVIDER, `Doku answered HTTP ${res.status} to ${method} ${target}`);
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      if (res.status < 300) throw new ProviderUnavailableError(PROVIDER, `Doku answered ${method} ${target} with malformed JSON`);
      json = {};
    }
    return { status: res.status, json };
  }

  function fail(status: number, json: unknown): never {
    const e = (json ?? {}) as DokuErrorBody;
    const messages = Array.isArray(e.message) ? e.message : typeof e.message === 'string' ? [e.message] : [];
    const text = e.error?.message ?? (messages.join('; ') || `HTTP ${status}`);
    if (status === 401 || status === 403) throw new ProviderAuthError(PROVIDER, `Doku refused our credentials: ${text}`);
    const code = e.error?.code ?? messages[0] ?? `http_${status}`;
    throw new ProviderRejectedError(PROVIDER, status, code, text);
  }

  function bodyFor(input: CreatePaymentInput, methodType: string): string {
    // Everything that defines the payment except the due date, which is relative to "now" and would otherwise
    // make a retry's body differ from the first attempt's.
    const fingerprint = JSON.stringify([input.amount, input.family, input.channel, input.expiresAt.getTime(), input.webhookUrl, input.returnUrl ?? '']);
    const seen = sentBodies.get(input.reference);
    if (seen && seen.fingerprint === fingerprint) return seen.body;
    const body = JSON.stringify(toCheckoutRequest(input, methodType, ctx.clock.now()));
    sentBodies.set(input.reference, { fingerprint, body });
    while (sentBodies.size > cacheSize) sentBodies.delete(sentBodies.keys().next().value as string);
    return body;
  }

  const provider: PaymentProvider = {
    id: PROVIDER,
    webhookNeedsConfirmation: false,

    methods: () => methods.map((m) => ({ ...m })),

    async create(input: CreatePaymentInput): Promise<CreatePaymentResult> {
      const methodType = methodTypes[methodKey(input.family, input.channel)];
      if (!methodType) throw new ProviderNotSupportedError(PROVIDER, `Doku Checkout has no method for ${input.family}:${input.channel}`);
      const body = bodyFor(input, methodType);
      const { status, json } = await send('create', 'POST', CHECKOUT_PATH, createRequestId(input.reference), body);
      const r = json as DokuCheckoutResponse;
      // 409 with a SUCCESS body is Doku's idempotent replay of our own earlier create (§1.7): same page, same token.
      const replay = status === 409 && Array.isArray(r.message) && r.message[0] === 'SUCCESS';
      if (status >= 300 && !replay) fail(status, json);
      const url = r.response?.payment?.url;
      if (!Array.isArray(r.message) || r.message[0] !== 'SUCCESS' || typeof url !== 'string' || !url) {
        throw new ProviderUnavailableError(PROVIDER, 'Doku answered create without message SUCCESS and a payment url');
      }
      const expires = parseDokuWibDate(r.response?.payment?.expired_date) ?? input.expiresAt;
      // Doku Checkout keys status and notifications by invoice_number, so that is the handle we keep.
      return { providerRef: r.response?.order?.invoice_number ?? input.reference, expiresAt: expires.toISOString(), redirectUrl: url };
    },

    async status(ref: PaymentRef): Promise<ProviderStatus> {
      const invoice = ref.reference || ref.providerRef;
      const { status, json } = await send('status', 'GET', STATUS_PATH + encodeURIComponent(invoice), randomUUID());
      if (status >= 300) fail(status, json);
      const body = json as DokuStatusResponse;
      if (typeof body?.transaction?.status !== 'string') throw new ProviderUnavailableError(PROVIDER, 'Doku status answer has no transaction.status');
      return fromStatusResponse(body);
    },

    async cancel(): Promise<ProviderStatus> {
      // Doku Checkout documents no cancel/void for a hosted-page payment; it simply expires at payment_due_date.
      throw new ProviderNotSupportedError(PROVIDER, 'Doku Checkout payments cannot be cancelled; they expire at their due date.');
    },

    async refund(): Promise<never> {
      throw new ProviderNotSupportedError(PROVIDER, 'Refunds for Doku Checkout are done in the DOKU Back Office; Bayar cannot refund them.');
    },

    verifyWebhook(req: WebhookRequest): VerifiedWebhook {
      const h = (name: string) => header(req.headers, name);
      const clientId = h('client-id');
      const requestId = h('request-id');
      const timestamp = h('request-timestamp');
      const signature = h('signature');
      if (!clientId || !requestId || !timestamp || !signature) {
        throw new WebhookVerificationError('webhook_signature_invalid', 'Doku notification lacks Client-Id, Request-Id, Request-Timestamp or Signature');
      }
      // Our own hardening (§1.6 step 6): a notification for another merchant account is not ours.
      if (!safeEqual(clientId, creds.clientId)) throw new WebhookVerificationError('webhook_signature_invalid', 'Doku notification Client-Id is not ours');
      const ok = verifyDokuSignature(
        creds.secretKey,
        { clientId, requestId, timestamp, target: req.path, digest: dokuDigest(req.rawBody) },
        signature,
      );
      if (!ok) throw new WebhookVerificationError('webhook_signature_invalid', 'Doku notification signature does not verify');
      const sent = parseDokuTimestamp(timestamp);
      if (!sent) throw new WebhookVerificationError('webhook_malformed', 'Doku notification Request-Timestamp is not yyyy-MM-ddTHH:mm:ssZ');
      if (Math.abs(ctx.clock.now().getTime() - sent.getTime()) > windowMs) {
        throw new WebhookVerificationError('webhook_stale', 'Doku notification Request-Timestamp is outside the accepted window');
      }
      let body: DokuNotification;
      try {
        body = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        throw new WebhookVerificationError('webhook_malformed', 'Doku notification body is not JSON');
      }
      const event = body && typeof body === 'object' ? fromNotification(body, requestId) : null;
      if (!event) throw new WebhookVerificationError('webhook_malformed', 'Doku notification lacks order.invoice_number or transaction.status');
      // Doku only needs a 2xx; anything else is retried at +30 min, +6 h, +12 h (§1.6).
      return { events: [event], ack: { status: 200, body: { message: ['SUCCESS'] } } };
    },
  };
  return provider;
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
