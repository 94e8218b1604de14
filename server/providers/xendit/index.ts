/**
 * Xendit adapter (providers.md §4): closed single-use Fixed VAs, dynamic QRIS through QR Codes v2, and OVO /
 * DANA / LinkAja / ShopeePay one-time e-wallet charges. Callbacks are authenticated by the static
 * `x-callback-token` only and carry no timestamp, so a "paid" callback is confirmed through status().
 */
import type { ProviderCredentials } from '../../config.js';
import { ProviderNotSupportedError, ProviderRejectedError, WebhookVerificationError } from '../../errors.js';
import type { HttpRequest } from '../../lib/http.js';
import { WireShapeError } from '../wire-read.js';
import { headerOf, jsonRequest, type Op, type ProviderErrorBody, providerHttp, webhookJson } from '../http-call.js';
import type {
  CreatePaymentInput,
  CreatePaymentResult,
  PaymentProvider,
  PaymentRef,
  ProviderContext,
  ProviderStatus,
  RefundInput,
  VerifiedWebhook,
  WebhookRequest,
} from '../types.js';
import {
  CAPABILITIES,
  EWALLET_CHANNELS,
  METHODS,
  PROVIDER,
  QR_API_VERSION,
  VA_BANKS,
  fromWebhook,
  createIdempotencyKey,
  ewalletRequest,
  ewalletResult,
  ewalletStatus,
  fvaRequest,
  fvaResult,
  fvaStatus,
  kindOf,
  qrRequest,
  qrResult,
  qrStatus,
  refundIdempotencyKey,
  refundReason,
  refundResult,
  toWireAmount,
} from './mapping.js';
import { basicAuthHeader, verifyCallbackToken } from './signing.js';

/** 403 codes that mean our key may not do this at all (an operator problem), not that this request was wrong. */
const AUTH_ERROR_CODES = new Set(['INVALID_API_KEY', 'REQUEST_FORBIDDEN_ERROR', 'INVALID_MERCHANT_CREDENTIALS']);

/** Error codes saying the channel cannot refund at all (OVO one-time payments, per Xendit's help centre). */
const REFUND_UNSUPPORTED_CODES = new Set(['REFUND_NOT_SUPPORTED']);

/** VA ids → payment ids learned from verified callbacks; bounded so it cannot grow without limit. */
class RecentMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(k: K) {
    return this.map.get(k);
  }
  set(k: K, v: V) {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }
}

export function createXenditProvider(creds: NonNullable<ProviderCredentials['xendit']>, ctx: ProviderContext): PaymentProvider {
  const authorization = basicAuthHeader(creds.secretKey);
  const vaPayments = new RecentMap<string, string>(10_000);
  const api = providerHttp({
    id: PROVIDER,
    name: 'Xendit',
    baseUrl: creds.baseUrl,
    ctx,
    errorBody: xenditErrorBody,
    refusesCredentials: (status, code) => status === 401 || (status === 403 && AUTH_ERROR_CODES.has(code)),
    shapeError: WireShapeError,
  });
  /** Shape errors in an answer mean we cannot trust it: the same as a malformed answer. */
  const read = api.read;

  function call(
    op: Op,
    method: HttpRequest['method'],
    path: string,
    opts: { body?: unknown; idempotencyKey?: string; qrV2?: boolean } = {},
  ): Promise<unknown> {
    const headers: Record<string, string> = { Authorization: authorization };
    if (opts.idempotencyKey) headers['X-IDEMPOTENCY-KEY'] = opts.idempotencyKey;
    if (opts.qrV2) headers['api-version'] = QR_API_VERSION;
    return api.call(op, jsonRequest(method, path, headers, opts.body));
  }

  const id = (ref: string) => encodeURIComponent(ref);

  async function fvaStatusOf(ref: PaymentRef): Promise<ProviderStatus> {
    const va = await call('status', 'GET', `/callback_virtual_accounts/${id(ref.providerRef)}`);
    const paymentId = vaPayments.get(ref.providerRef);
    const payment = paymentId
      ? await call('status', 'GET', `/callback_virtual_account_payments/payment_id=${id(paymentId)}`)
      : null;
    return read(() => fvaStatus(va, payment, ctx.clock.now()));
  }

  async function qrStatusOf(ref: PaymentRef): Promise<ProviderStatus> {
    const qr = await call('status', 'GET', `/qr_codes/${id(ref.providerRef)}`, { qrV2: true });
    // [unconfirmed] GET /qr_codes/{id}/payments lists a QR's payments in v2; the one answer that says "paid".
    const payments = await call('status', 'GET', `/qr_codes/${id(ref.providerRef)}/payments`, { qrV2: true });
    return read(() => qrStatus(qr, payments, ctx.clock.now()));
  }

  async function ewalletStatusOf(ref: PaymentRef): Promise<ProviderStatus> {
    const charge = await call('status', 'GET', `/ewallets/charges/${id(ref.providerRef)}`);
    return read(() => ewalletStatus(charge));
  }

  return {
    id: 'xendit',
    capabilities: CAPABILITIES,

    methods: () => METHODS.map((m) => ({ ...m })),

    async create(input: CreatePaymentInput): Promise<CreatePaymentResult> {
      const idempotencyKey = createIdempotencyKey(input.reference);
      if (input.family === 'va' && Object.hasOwn(VA_BANKS, input.channel)) {
        const body = await call('create', 'POST', '/callback_virtual_accounts', { body: fvaRequest(input), idempotencyKey });
        return read(() => fvaResult(body, input.channel, input.expiresAt));
      }
      if (input.family === 'qris' && input.channel === 'qris') {
        const body = await call('create', 'POST', '/qr_codes', { body: qrRequest(input), idempotencyKey, qrV2: true });
        return read(() => qrResult(body, input.expiresAt));
      }
      if (input.family === 'ewallet' && Object.hasOwn(EWALLET_CHANNELS, input.channel)) {
        const request = ewalletRequest(input);
        const body = await call('create', 'POST', '/ewallets/charges', { body: request, idempotencyKey });
        return read(() => ewalletResult(body, input.expiresAt, ctx.clock.now()));
      }
      throw new ProviderNotSupportedError(PROVIDER, `Xendit does not serve ${input.family}:${input.channel} in Bayar`);
    },

    async status(ref: PaymentRef): Promise<ProviderStatus> {
      switch (kindOf(ref.providerRef)) {
        case 'ewallet':
          return ewalletStatusOf(ref);
        case 'qr':
          return qrStatusOf(ref);
        default:
          return fvaStatusOf(ref);
      }
    },

    /**
     * - VA: Xendit has no "cancel"; moving expiration_date to now closes the VA (PATCH), after checking it was
     *   not paid meanwhile.
     * - QR: QR Codes v2 has no way to deactivate a code → not supported.
     * - E-wallet: void only reverses a SUCCEEDED charge on the day it was paid (docs.xendit.co "Void and Refund");
     *   a PENDING charge cannot be cancelled, it fails on its own when the customer does not approve it.
     */
    async cancel(ref: PaymentRef): Promise<ProviderStatus> {
      switch (kindOf(ref.providerRef)) {
        case 'qr':
          throw new ProviderNotSupportedError(PROVIDER, 'Xendit QR codes cannot be cancelled; an unpaid QR expires at its expires_at');
        case 'ewallet': {
          const current = await ewalletStatusOf(ref);
          if (current.status === 'pending') {
            throw new ProviderNotSupportedError(
              PROVIDER,
              'Xendit cannot cancel a pending e-wallet charge (void only reverses a succeeded one); it fails on its own if the customer does not approve it',
            );
          }
          if (current.status !== 'paid') return current;
          const voided = await call('cancel', 'POST', `/ewallets/charges/${id(ref.providerRef)}/void`);
          return read(() => ewalletStatus(voided));
        }
        default: {
          const current = await fvaStatusOf(ref);
          if (current.status !== 'pending') return current;
          // Closed early without a payment record here: maybe paid (its callback not seen yet). Never call that
          // cancelled; the callback (or the reconciler, once it has the payment id) decides.
          if (current.providerStatus === 'INACTIVE') {
            throw new ProviderRejectedError(PROVIDER, 409, 'va_inactive', 'The Xendit VA is already closed; its payment, if any, is still being confirmed');
          }
          const body = await call('cancel', 'PATCH', `/callback_virtual_accounts/${id(ref.providerRef)}`, {
            body: { expiration_date: ctx.clock.now().toISOString() },
          });
          const word = read(() => String((body as Record<string, unknown>).status ?? 'INACTIVE'));
          return { status: 'cancelled', providerStatus: word };
        }
      }
    },

    async refund(input: RefundInput) {
      if (kindOf(input.providerRef) !== 'ewallet') {
        throw new ProviderNotSupportedError(PROVIDER, 'Xendit VA and QR payments cannot be refunded through the API; refund by bank transfer');
      }
      try {
        const body = await call('refund', 'POST', `/ewallets/charges/${id(input.providerRef)}/refunds`, {
          // [unconfirmed] field names, §4.2: amount (partial allowed where the wallet supports it) and reason.
          body: { amount: toWireAmount(input.amount), reason: refundReason(input.reason) },
          idempotencyKey: refundIdempotencyKey(input.reference, input.refundId),
        });
        return read(() => refundResult(body));
      } catch (err) {
        if (err instanceof ProviderRejectedError && REFUND_UNSUPPORTED_CODES.has(err.providerCode)) {
          throw new ProviderNotSupportedError(PROVIDER, `Xendit cannot refund this e-wallet charge: ${err.message}`);
        }
        throw err;
      }
    },

    verifyWebhook(req: WebhookRequest): VerifiedWebhook {
      if (!verifyCallbackToken(headerOf(req.headers, 'x-callback-token'), creds.callbackToken)) {
        throw new WebhookVerificationError('webhook_signature_invalid', 'x-callback-token does not match the Xendit callback verification token');
      }
      const body = webhookJson(req.rawBody, 'Xendit callback');
      let parsed;
      try {
        parsed = fromWebhook(body, headerOf(req.headers, 'webhook-id'), req.receivedAt);
      } catch (err) {
        if (err instanceof WireShapeError) throw new WebhookVerificationError('webhook_malformed', `Xendit callback: ${err.message}`);
        throw err;
      }
      if (parsed.vaPayment) vaPayments.set(parsed.vaPayment.vaId, parsed.vaPayment.paymentId);
      return { events: parsed.events, ack: { status: 200, body: { received: true } } };
    },
  };
}

/** `{error_code, message}`, Xendit's error envelope on every API. */
function xenditErrorBody(json: unknown, status: number): ProviderErrorBody {
  const e = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  return {
    code: typeof e.error_code === 'string' ? e.error_code : `HTTP_${status}`,
    message: typeof e.message === 'string' ? e.message : undefined,
  };
}
