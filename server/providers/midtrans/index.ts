/**
 * Midtrans Core API adapter (providers.md §5): BCA/BNI/BRI/Permata VAs, Mandiri bill payment, QRIS (GoPay
 * acquirer), GoPay deeplink and Indomaret/Alfamart payment codes, all through `POST /v2/charge` with our
 * reference as order_id. Notifications are signed with SHA-512 over body fields but carry no timestamp, so a
 * "paid" notification is confirmed through status().
 */
import type { ProviderCredentials } from '../../config.js';
import {
  ProviderAuthError,
  ProviderNotSupportedError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  WebhookVerificationError,
} from '../../errors.js';
import { HttpTimeoutError, type HttpRequest } from '../../lib/http.js';
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
  METHODS,
  PROVIDER,
  REFUNDABLE_PAYMENT_TYPES,
  WireShapeError,
  chargeRequest,
  chargeResult,
  notificationEvent,
  recoverFromStatus,
  refundKey,
  refundResult,
  signedFields,
  statusResult,
  supports,
  toWireAmount,
} from './mapping.js';
import { basicAuthHeader, verifyNotificationSignature } from './signing.js';

type Op = keyof ProviderContext['timeouts'];

export function createMidtransProvider(creds: NonNullable<ProviderCredentials['midtrans']>, ctx: ProviderContext): PaymentProvider {
  const base = creds.baseUrl.replace(/\/+$/, '');
  const authorization = basicAuthHeader(creds.serverKey);

  /**
   * Midtrans reports the outcome in the body's status_code as well as the HTTP status, and which HTTP status goes
   * with which body code is [unconfirmed] (§5.4). So both are read: either saying 5xx → unavailable, 401 →
   * auth, other ≥400 → rejected — except body 407 (expired), which is an answer, not an error.
   */
  async function call(op: Op, method: HttpRequest['method'], path: string, opts: { body?: unknown; notifyUrl?: string } = {}): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { Authorization: authorization, Accept: 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.notifyUrl) headers['X-Override-Notification'] = opts.notifyUrl;
    let res;
    try {
      res = await ctx.http.request({
        method,
        url: `${base}${path}`,
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        timeoutMs: ctx.timeouts[op],
      });
    } catch (err) {
      if (err instanceof HttpTimeoutError) throw new ProviderTimeoutError(PROVIDER, `Midtrans did not answer ${method} ${path} in time`);
      throw new ProviderUnavailableError(PROVIDER, `Midtrans could not be reached: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      parsed = undefined;
    }
    const body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    const bodyCode = body && typeof body.status_code === 'string' && /^\d{3}$/.test(body.status_code) ? Number(body.status_code) : null;
    const message = [
      body && typeof body.status_message === 'string' ? body.status_message : `HTTP ${res.status}`,
      ...(body && Array.isArray(body.validation_messages) ? body.validation_messages.map(String) : []),
    ].join('; ');
    const effective = res.status >= 400 ? res.status : bodyCode !== null && bodyCode >= 400 && bodyCode !== 407 ? bodyCode : res.status;
    if (effective >= 500) throw new ProviderUnavailableError(PROVIDER, `Midtrans answered ${effective}: ${message}`);
    if (effective === 401) throw new ProviderAuthError(PROVIDER, `Midtrans refused the server key: ${message}`);
    if (effective >= 400) throw new ProviderRejectedError(PROVIDER, effective, String(bodyCode ?? effective), message);
    if (effective < 200 || effective >= 300) throw new ProviderUnavailableError(PROVIDER, `Midtrans answered an unexpected ${effective}`);
    if (!body) throw new ProviderUnavailableError(PROVIDER, `Midtrans answered ${method} ${path} with malformed JSON`);
    return body;
  }

  function read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof WireShapeError) throw new ProviderUnavailableError(PROVIDER, `Midtrans answered an unexpected shape: ${err.message}`);
      throw err;
    }
  }

  const orderPath = (ref: PaymentRef) => `/v2/${encodeURIComponent(ref.reference)}`;
  const statusOf = async (ref: PaymentRef, op: Op = 'status') => call(op, 'GET', `${orderPath(ref)}/status`);

  return {
    id: 'midtrans',
    webhookNeedsConfirmation: true,

    methods: () => METHODS.map((m) => ({ ...m })),

    async create(input: CreatePaymentInput): Promise<CreatePaymentResult> {
      if (!supports(input.family, input.channel)) {
        throw new ProviderNotSupportedError(PROVIDER, `Midtrans does not serve ${input.family}:${input.channel} in Bayar`);
      }
      const request = chargeRequest(input, ctx.clock.now());
      try {
        const body = await call('create', 'POST', '/v2/charge', { body: request, notifyUrl: input.webhookUrl });
        return read(() => chargeResult(body, input));
      } catch (err) {
        // 406 = this order_id already has an active or paid transaction: most likely our own earlier attempt whose
        // answer was lost. Finish the create from its status when it is ours and the status carries the codes.
        if (err instanceof ProviderRejectedError && err.providerCode === '406') {
          const existing = await statusOf({ providerRef: '', reference: input.reference }, 'create').catch(() => null);
          const recovered = existing ? recoverFromStatus(existing, input, request.payment_type) : null;
          if (recovered) return recovered;
        }
        throw err;
      }
    },

    async status(ref: PaymentRef): Promise<ProviderStatus> {
      // An expired transaction answers with body status_code 407: a normal answer (call() lets it through).
      const body = await statusOf(ref);
      return read(() => statusResult(body));
    },

    async cancel(ref: PaymentRef): Promise<ProviderStatus> {
      try {
        const body = await call('cancel', 'POST', `${orderPath(ref)}/cancel`);
        return read(() => statusResult(body));
      } catch (err) {
        // 412: Midtrans cannot change this transaction any more (settled, expired…): report where it stands.
        if (err instanceof ProviderRejectedError && err.httpStatus === 412) {
          const body = await statusOf(ref, 'cancel');
          const current = read(() => statusResult(body));
          if (current.status !== 'pending') return current;
        }
        throw err;
      }
    },

    async refund(input: RefundInput) {
      const current = await statusOf(input, 'refund');
      const type = String(current.payment_type);
      if (!REFUNDABLE_PAYMENT_TYPES.has(type)) {
        throw new ProviderNotSupportedError(PROVIDER, `Midtrans cannot refund ${type} payments through the API; refund by bank transfer`);
      }
      const key = refundKey(input.reference, input.refundId);
      // [unconfirmed] request fields (§5.3): refund_key, amount, reason.
      const body = await call('refund', 'POST', `${orderPath(input)}/refund`, {
        body: { refund_key: key, amount: toWireAmount(input.amount), reason: input.reason.slice(0, 255) },
      });
      return read(() => refundResult(body, key));
    },

    verifyWebhook(req: WebhookRequest): VerifiedWebhook {
      // The signature lives inside the JSON body, so the body must be parsed to find it; nothing in it is used
      // before the signature over its own strings has verified.
      let body: unknown;
      try {
        body = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        throw new WebhookVerificationError('webhook_malformed', 'Midtrans notification body is not JSON');
      }
      let signed;
      try {
        signed = signedFields(body);
      } catch (err) {
        if (err instanceof WireShapeError) throw new WebhookVerificationError('webhook_malformed', `Midtrans ${err.message}`);
        throw err;
      }
      if (!verifyNotificationSignature(signed, creds.serverKey)) {
        throw new WebhookVerificationError('webhook_signature_invalid', 'Midtrans signature_key does not match SHA-512(order_id + status_code + gross_amount + server key)');
      }
      try {
        return { events: [notificationEvent(body)], ack: { status: 200, body: { received: true } } };
      } catch (err) {
        if (err instanceof WireShapeError) throw new WebhookVerificationError('webhook_malformed', `Midtrans ${err.message}`);
        throw err;
      }
    },
  };
}
