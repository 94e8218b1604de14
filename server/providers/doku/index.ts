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
import { ProviderNotSupportedError, ProviderUnavailableError, WebhookVerificationError } from '../../errors.js';
import { safeEqual } from '../../lib/crypto.js';
import { headerOf, type Op, type ProviderErrorBody, providerHttp, webhookJson } from '../http-call.js';
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
  CAPABILITIES,
  DOKU_LABELS,
  DOKU_MAX_AMOUNT,
  DOKU_METHOD_TYPES,
  DOKU_MIN_AMOUNT,
  fromWebhook,
  fromStatus,
  methodKey,
  parseDokuWibDate,
  toCheckoutRequest,
} from './mapping.js';
import { dokuDigest, dokuRequestHeaders, dokuTimestamp, parseDokuTimestamp, verifyDokuSignature } from './signing.js';
import type { DokuCheckoutResponse, DokuErrorBody, DokuNotification, DokuStatusResponse } from './wire.js';

const PROVIDER = 'doku';
export const CHECKOUT_PATH = '/checkout/v1/payment';
export const STATUS_PATH = '/orders/v1/status/';
const CARD_INVOICE_MAX = 30;

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
  const methodTypes: Record<string, string> = { ...DOKU_METHOD_TYPES, ...options.methodTypes };
  const windowMs = options.notificationWindowMs ?? 5 * 60_000;
  const cacheSize = options.replayCacheSize ?? 1000;
  /** reference → the exact body sent first, keyed with a fingerprint of the stable input fields. */
  const sentBodies = new Map<string, { fingerprint: string; body: string }>();

  const methods: ProviderMethod[] = Object.keys(methodTypes)
    .filter((k) => /^(va|qris|ewallet|cstore|card):[a-z0-9_-]+$/.test(k))
    .map((k) => {
      const [family, channel] = k.split(':') as [ProviderMethod['family'], string];
      return { family, channel, label: DOKU_LABELS[k] ?? channel, minAmount: DOKU_MIN_AMOUNT, maxAmount: DOKU_MAX_AMOUNT };
    });

  const api = providerHttp({ id: PROVIDER, name: 'Doku', baseUrl: creds.baseUrl, ctx, errorBody: dokuErrorBody });

  function send(op: Op, method: 'GET' | 'POST', target: string, requestId: string, body?: string) {
    const headers = dokuRequestHeaders(creds, { requestId, timestamp: dokuTimestamp(ctx.clock.now()), target, body });
    return api.send(op, { method, path: target, headers, body });
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
    capabilities: CAPABILITIES,

    methods: () => methods.map((m) => ({ ...m })),

    async create(input: CreatePaymentInput): Promise<CreatePaymentResult> {
      const methodType = methodTypes[methodKey(input.family, input.channel)];
      if (!methodType) throw new ProviderNotSupportedError(PROVIDER, `Doku Checkout has no method for ${input.family}:${input.channel}`);
      // providers.md §1.5: invoice_number is at most 30 characters once the card channel is active.
      if (methodType === 'CREDIT_CARD' && input.reference.length > CARD_INVOICE_MAX) {
        throw new ProviderNotSupportedError(PROVIDER, `Doku Checkout card payments need a reference of at most ${CARD_INVOICE_MAX} characters`);
      }
      const body = bodyFor(input, methodType);
      const answer = await send('create', 'POST', CHECKOUT_PATH, createRequestId(input.reference), body);
      // 409 with a SUCCESS body is Doku's idempotent replay of our own earlier create (§1.7): same page, same token.
      const replay = answer.status === 409 && isSuccess(answer.json);
      const r = (replay ? answer.json : api.expectOk(answer)) as DokuCheckoutResponse;
      const url = r.response?.payment?.url;
      if (!isSuccess(r) || typeof url !== 'string' || !url) {
        throw new ProviderUnavailableError(PROVIDER, 'Doku answered create without message SUCCESS and a payment url');
      }
      const expires = parseDokuWibDate(r.response?.payment?.expired_date) ?? input.expiresAt;
      // Doku Checkout keys status and notifications by invoice_number, so that is the handle we keep.
      return { providerRef: r.response?.order?.invoice_number ?? input.reference, expiresAt: expires.toISOString(), redirectUrl: url };
    },

    async status(ref: PaymentRef): Promise<ProviderStatus> {
      const invoice = ref.reference || ref.providerRef;
      const body = api.expectOk(await send('status', 'GET', STATUS_PATH + encodeURIComponent(invoice), randomUUID())) as DokuStatusResponse;
      if (typeof body?.transaction?.status !== 'string') throw new ProviderUnavailableError(PROVIDER, 'Doku status answer has no transaction.status');
      return fromStatus(body);
    },

    async cancel(): Promise<ProviderStatus> {
      // Doku Checkout documents no cancel/void for a hosted-page payment; it simply expires at payment_due_date.
      throw new ProviderNotSupportedError(PROVIDER, 'Doku Checkout payments cannot be cancelled; they expire at their due date.');
    },

    async refund(): Promise<never> {
      throw new ProviderNotSupportedError(PROVIDER, 'Refunds for Doku Checkout are done in the DOKU Back Office; Bayar cannot refund them.');
    },

    verifyWebhook(req: WebhookRequest): VerifiedWebhook {
      const h = (name: string) => headerOf(req.headers, name);
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
      const body = webhookJson(req.rawBody, 'Doku notification') as DokuNotification;
      const event = body && typeof body === 'object' ? fromWebhook(body, requestId) : null;
      if (!event) throw new WebhookVerificationError('webhook_malformed', 'Doku notification lacks order.invoice_number or transaction.status');
      // Doku only needs a 2xx; anything else is retried at +30 min, +6 h, +12 h (§1.6).
      return { events: [event], ack: { status: 200, body: { message: ['SUCCESS'] } } };
    },
  };
  return provider;
}

const isSuccess = (json: unknown) => {
  const message = (json as DokuCheckoutResponse | null)?.message;
  return Array.isArray(message) && message[0] === 'SUCCESS';
};

/** Doku's error envelope keeps `message` as an array or a string; `error.{code,message}` is [unconfirmed] (§1.9). */
function dokuErrorBody(json: unknown, status: number): ProviderErrorBody {
  const e = (json ?? {}) as DokuErrorBody;
  const messages = Array.isArray(e.message) ? e.message : typeof e.message === 'string' ? [e.message] : [];
  return { code: e.error?.code ?? messages[0] ?? `http_${status}`, message: e.error?.message ?? (messages.join('; ') || undefined) };
}
