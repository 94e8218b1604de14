/**
 * Indodana PayLater adapter (direct merchant API), providers.md §2. The customer picks an instalment option in our
 * widget (installments() → /v2/payment_calculation), create() asks /v2/checkout_url for Indodana's approval page,
 * and Indodana notifies `approvedNotificationUrl` once the loan is approved.
 *
 * Indodana's notifications carry a Bearer token made with our own key/secret and nothing binds the body or the
 * time (§2.4), so they are verified, held to our own nonce window, and their "paid" is confirmed through
 * check_status before it is trusted (webhookNeedsConfirmation).
 */
import type { InstallmentOption } from '../../api-types.js';
import type { ProviderCredentials } from '../../config.js';
import { AppError, ProviderNotSupportedError, ProviderRejectedError, ProviderUnavailableError, WebhookVerificationError } from '../../errors.js';
import { headerOf, jsonRequest, type Op, type ProviderErrorBody, providerHttp, webhookJson } from '../http-call.js';
import type {
  CreatePaymentInput,
  CreatePaymentResult,
  LineItem,
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
  INDODANA_MAX_AMOUNT,
  INDODANA_MIN_AMOUNT,
  type SellerInfo,
  fromWebhook,
  fromStatus,
  toCancellationRequest,
  toCheckoutRequest,
  toWireAmount,
  toIndodanaItems,
  toInstallmentOption,
} from './mapping.js';
import { checkIndodanaBearer, indodanaBearer, indodanaNonce } from './signing.js';
import type {
  IndodanaCalculationResponse,
  IndodanaCancellationResponse,
  IndodanaCheckoutResponse,
  IndodanaErrorBody,
  IndodanaNotification,
  IndodanaStatusResponse,
} from './wire.js';

const PROVIDER = 'indodana';
export const CALCULATION_PATH = '/v2/payment_calculation';
export const CHECKOUT_PATH = '/v2/checkout_url';
export const STATUS_PATH = '/v1/transactions/check_status';
/**
 * The cancellation endpoint's version is uncertain [unconfirmed]: the official PHP SDK calls /v2 [code], the API
 * reference shows /v3 [doc], egg-/indodana uses /v1 [3rd]. /v2 by default; override with `cancellationPath`.
 */
export const CANCELLATION_PATH = '/v2/order_cancellation';

export interface IndodanaProviderOptions {
  /** Accepted |now − nonce| for notifications, in seconds. Our hardening, not Indodana's rule (§2.4). Default 600. */
  nonceWindowSeconds?: number;
  cancellationPath?: string;
  /** The one seller Indodana requires. Default: derived from the return (or webhook) URL's origin. */
  seller?: SellerInfo;
  /** `cancelledBy` on cancellations; allowed values are undocumented (the fixture we found says "TESTER"). */
  cancelledBy?: string;
}

export function createIndodanaProvider(
  creds: NonNullable<ProviderCredentials['indodana']>,
  ctx: ProviderContext,
  options: IndodanaProviderOptions = {},
): PaymentProvider {
  const windowS = options.nonceWindowSeconds ?? 600;
  const cancellationPath = options.cancellationPath ?? CANCELLATION_PATH;
  const cancelledBy = options.cancelledBy ?? 'MERCHANT';

  const api = providerHttp({ id: PROVIDER, name: 'Indodana', baseUrl: creds.baseUrl, ctx, errorBody: indodanaErrorBody });

  async function send(op: Op, method: 'GET' | 'POST', path: string, payload?: unknown) {
    const authorization = indodanaBearer(creds.apiKey, creds.apiSecret, indodanaNonce(ctx.clock.now()));
    const answer = await api.send(op, jsonRequest(method, path, { Authorization: authorization }, payload));
    const json = api.expectOk(answer);
    // Indodana can refuse inside a 2xx answer too: its envelope's `status: "ERROR"` is what the SDKs check (§2.3).
    if ((json as IndodanaErrorBody | null)?.status === 'ERROR') throw api.errorFor(answer.status, json, answer.what);
    return json;
  }

  const okOrUnavailable = (json: unknown, what: string) => {
    if (!json || typeof json !== 'object' || (json as { status?: unknown }).status !== 'OK') throw api.unexpected(what, 'status OK');
  };

  function sellerFor(input: CreatePaymentInput): SellerInfo {
    if (options.seller) return options.seller;
    const origin = new URL(input.returnUrl ?? input.webhookUrl).origin;
    return { name: new URL(origin).hostname, url: origin };
  }

  async function cancellation(p: { reference: string; refundId: string; amount: number; reason: string }) {
    const json = await send('cancel', 'POST', cancellationPath, toCancellationRequest({ ...p, cancelledBy }, ctx.clock.now()));
    okOrUnavailable(json, 'order_cancellation');
    return json as IndodanaCancellationResponse;
  }

  const provider: PaymentProvider = {
    id: PROVIDER,
    // The Bearer header signs only the key and a timestamp nonce, never the body: webhookBodyUnsigned.
    capabilities: CAPABILITIES,

    methods: () => [{ family: 'paylater', channel: 'indodana', label: 'Indodana PayLater', minAmount: INDODANA_MIN_AMOUNT, maxAmount: INDODANA_MAX_AMOUNT }],

    async installments(amount: number, items: LineItem[]): Promise<InstallmentOption[]> {
      // A read with no side effects: it shares the status deadline.
      const json = await send('status', 'POST', CALCULATION_PATH, {
        amount: toWireAmount(amount),
        items: toIndodanaItems(items, amount, 'Order total'),
      });
      okOrUnavailable(json, 'payment_calculation');
      const payments = (json as IndodanaCalculationResponse).payments;
      if (!Array.isArray(payments)) throw new ProviderUnavailableError(PROVIDER, 'Indodana payment_calculation answer has no payments list');
      return payments.filter((p) => p && typeof p.id === 'string').map(toInstallmentOption);
    },

    async create(input: CreatePaymentInput): Promise<CreatePaymentResult> {
      if (input.family !== 'paylater' || input.channel !== 'indodana') {
        throw new ProviderNotSupportedError(PROVIDER, `Indodana serves paylater:indodana only, not ${input.family}:${input.channel}`);
      }
      if (!input.installment) {
        throw new ProviderRejectedError(
          PROVIDER,
          400,
          'installment_required',
          'Indodana PayLater needs an instalment option: pass `installment` with an id from GET /api/installments (e.g. 3_months).',
        );
      }
      const json = await send('create', 'POST', CHECKOUT_PATH, toCheckoutRequest(input, input.installment, sellerFor(input)));
      okOrUnavailable(json, 'checkout_url');
      const r = json as IndodanaCheckoutResponse;
      if (typeof r.redirectUrl !== 'string' || !r.redirectUrl || typeof r.transactionId !== 'string' || !r.transactionId) {
        throw new ProviderUnavailableError(PROVIDER, 'Indodana checkout_url answer lacks redirectUrl or transactionId');
      }
      // We send expirationAt = input.expiresAt, so that is the provider's deadline too.
      return { providerRef: r.transactionId, expiresAt: input.expiresAt.toISOString(), redirectUrl: r.redirectUrl };
    },

    async status(ref: PaymentRef): Promise<ProviderStatus> {
      const json = await send('status', 'GET', `${STATUS_PATH}?merchantOrderId=${encodeURIComponent(ref.reference)}`);
      okOrUnavailable(json, 'check_status');
      return fromStatus(json as IndodanaStatusResponse);
    },

    async cancel(ref: PaymentRef): Promise<ProviderStatus> {
      // order_cancellation needs the amount, which a PaymentRef does not carry: read it from check_status first.
      const current = await provider.status(ref);
      if (current.status !== 'pending') {
        if (current.status === 'paid') {
          throw new ProviderRejectedError(PROVIDER, 409, 'already_approved', 'The Indodana loan is already approved; refund it instead of cancelling.');
        }
        return current;
      }
      if (current.amount === undefined) throw new ProviderUnavailableError(PROVIDER, 'Indodana check_status gave no amount to cancel');
      // Deterministic refundId: a retried cancel is the same cancellation.
      const r = await cancellation({ reference: ref.reference, refundId: `${ref.reference}-cancel`, amount: current.amount, reason: 'Cancelled before approval' });
      return { status: 'cancelled', providerStatus: r.transactionStatus ?? 'CANCELLED', amount: current.amount };
    },

    async refund(input: RefundInput): Promise<{ refundRef: string; status: 'succeeded' | 'pending' }> {
      // After approval, order_cancellation with a partial or full amount is Indodana's refund (§2.3).
      await cancellation({ reference: input.reference, refundId: input.refundId, amount: input.amount, reason: input.reason });
      return { refundRef: input.refundId, status: 'succeeded' };
    },

    verifyWebhook(req: WebhookRequest): VerifiedWebhook {
      const auth = headerOf(req.headers, 'authorization');
      const check = checkIndodanaBearer(auth, creds.apiKey, creds.apiSecret);
      if (!check.ok) throw new WebhookVerificationError('webhook_signature_invalid', `Indodana notification authorization is invalid (${check.reason})`);
      if (!/^\d{1,12}$/.test(check.nonce)) throw new WebhookVerificationError('webhook_malformed', 'Indodana notification nonce is not Unix seconds');
      const skew = Math.abs(indodanaNonce(ctx.clock.now()) - Number(check.nonce));
      if (skew > windowS) throw new WebhookVerificationError('webhook_stale', 'Indodana notification nonce is outside the accepted window');
      const body = webhookJson(req.rawBody, 'Indodana notification') as IndodanaNotification;
      const event = body && typeof body === 'object' ? fromWebhook(body) : null;
      if (!event) throw new WebhookVerificationError('webhook_malformed', 'Indodana notification lacks merchantOrderId or transactionStatus');
      return { events: [event], ack: { status: 200, body: { status: 'OK', message: 'OK' } } };
    },

    /**
     * The official plugins answer a rejected notification with HTTP 200 and `{"status":"REJECTED"}` (§2.4), and
     * whether Indodana needs a 200 there is unconfirmed (§8). We answer the error's own status (401 for bad or
     * stale authorization, 400 for a malformed body) with the REJECTED body Indodana reads: a 200 would hide
     * forged or broken notifications from our metrics and alerts.
     */
    rejectAck(err: Error) {
      if (err instanceof WebhookVerificationError) {
        const message = err.code === 'webhook_malformed' ? 'Invalid request body' : 'Invalid request authorization';
        return { status: err.status, body: { status: 'REJECTED', message } };
      }
      if (err instanceof AppError) return { status: err.status, body: { status: 'REJECTED', message: err.message } };
      return { status: 401, body: { status: 'REJECTED', message: 'Invalid request' } };
    },
  };
  return provider;
}

/** `{status:"ERROR", error:{kind, message}}` [3rd]; the message may be a string or a structure of field errors. */
function indodanaErrorBody(json: unknown, status: number): ProviderErrorBody {
  const e = (json ?? {}) as IndodanaErrorBody;
  const m = e.error?.message;
  return { code: e.error?.kind ?? `http_${status}`, message: typeof m === 'string' || m === undefined ? m : JSON.stringify(m) };
}
