/**
 * Midtrans Core API adapter (providers.md §5): BCA/BNI/BRI/Permata VAs, Mandiri bill payment, QRIS (GoPay
 * acquirer), GoPay deeplink and Indomaret/Alfamart payment codes, all through `POST /v2/charge` with our
 * reference as order_id. Notifications are signed with SHA-512 over body fields but carry no timestamp, so a
 * "paid" notification is confirmed through status().
 */
import type { ProviderCredentials } from '../../config.js';
import { ProviderNotSupportedError, ProviderRejectedError, WebhookVerificationError } from '../../errors.js';
import type { HttpRequest } from '../../lib/http.js';
import { jsonRequest, type Op, type ProviderErrorBody, providerHttp, webhookJson } from '../http-call.js';
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
  METHODS,
  PROVIDER,
  REFUNDABLE_PAYMENT_TYPES,
  chargeRequest,
  chargeResult,
  fromWebhook,
  recoverFromStatus,
  refundKey,
  refundResult,
  signedFields,
  fromStatus,
  supports,
  toWireAmount,
} from './mapping.js';
import { basicAuthHeader, verifyNotificationSignature } from './signing.js';
import { SNAP_EXPIRY_GRACE_MS, SNAP_REF_PREFIX, parseSnapRef, snapBaseUrl, snapErrorMessages, snapRequest, snapResult } from './card.js';
import { isWireObject, WireShapeError } from '../wire-read.js';

export function createMidtransProvider(creds: NonNullable<ProviderCredentials['midtrans']>, ctx: ProviderContext): PaymentProvider {
  const snap = providerHttp({
    id: PROVIDER,
    name: 'Midtrans Snap',
    baseUrl: snapBaseUrl(creds.baseUrl, creds.snapBaseUrl),
    ctx,
    errorBody: (json, status) => ({ code: String(status), message: snapErrorMessages(json).join('; ') || undefined }),
    refusesCredentials: (status) => status === 401,
    answer: 'a JSON object with token and redirect_url',
    shapeError: WireShapeError,
  });
  /**
   * Snap answers a second create for the same order_id with an error, and its token cannot be looked up: the
   * first answer per reference is kept so a retried create (same payment attempt) gets the same hosted page.
   */
  const snapPages = new Map<string, { fingerprint: string; result: CreatePaymentResult }>();
  const authorization = basicAuthHeader(creds.serverKey);
  const api = providerHttp({
    id: PROVIDER,
    name: 'Midtrans',
    baseUrl: creds.baseUrl,
    ctx,
    errorBody: midtransErrorBody,
    // Only 401 is Midtrans's "access denied"; a 403 refuses this request, not our key.
    refusesCredentials: (status) => status === 401,
    answer: 'a JSON object',
    shapeError: WireShapeError,
  });
  const read = api.read;

  /**
   * Midtrans reports the outcome in the body's status_code as well as the HTTP status, and which HTTP status goes
   * with which body code is [unconfirmed] (§5.4). So both are read: an error in either is an error — except body
   * 407 (expired), which is an answer, not an error.
   */
  async function call(op: Op, method: HttpRequest['method'], path: string, opts: { body?: unknown; notifyUrl?: string } = {}): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { Authorization: authorization };
    if (opts.notifyUrl) headers['X-Override-Notification'] = opts.notifyUrl;
    const answer = await api.send(op, jsonRequest(method, path, headers, opts.body));
    const body = maybeObject(answer.json);
    const bodyCode = bodyCodeOf(body);
    const effective = answer.status >= 400 ? answer.status : bodyCode !== null && bodyCode >= 400 && bodyCode !== 407 ? bodyCode : answer.status;
    api.expectOk(answer, effective);
    if (!body) throw api.unexpected(answer.what);
    return body;
  }

  const orderPath = (ref: PaymentRef) => `/v2/${encodeURIComponent(ref.reference)}`;
  const statusOf = async (ref: PaymentRef, op: Op = 'status') => call(op, 'GET', `${orderPath(ref)}/status`);

  async function currentStatus(ref: PaymentRef, op: Op = 'status'): Promise<ProviderStatus> {
    // An expired transaction answers with body status_code 407: a normal answer (call() lets it through).
    try {
      const body = await statusOf(ref, op);
      return read(() => fromStatus(body));
    } catch (err) {
      // A Snap card page the customer has not submitted yet: the Core API knows no transaction, nothing happened.
      // Past the page's own deadline Snap refuses it, so nothing can happen any more.
      if (isSnapNotStarted(ref, err)) {
        const snapPage = parseSnapRef(ref.providerRef);
        if (snapPage && ctx.clock.now().getTime() >= snapPage.expiresAt.getTime() + SNAP_EXPIRY_GRACE_MS) return { status: 'expired', providerStatus: 'snap_expired' };
        return { status: 'pending', providerStatus: 'snap_open' };
      }
      throw err;
    }
  }

  return {
    id: 'midtrans',
    capabilities: CAPABILITIES,

    methods: () => METHODS.map((m) => ({ ...m })),

    async create(input: CreatePaymentInput): Promise<CreatePaymentResult> {
      if (!supports(input.family, input.channel)) {
        throw new ProviderNotSupportedError(PROVIDER, `Midtrans does not serve ${input.family}:${input.channel} in Bayar`);
      }
      if (input.family === 'card') {
        const fingerprint = JSON.stringify([input.amount, input.expiresAt.getTime(), input.returnUrl ?? '']);
        const seen = snapPages.get(input.reference);
        if (seen?.fingerprint === fingerprint) return seen.result;
        const now = ctx.clock.now();
        const answer = await snap.send('create', jsonRequest('POST', '/transactions', { Authorization: authorization, 'X-Override-Notification': input.webhookUrl }, snapRequest(input, now)));
        const result = read(() => snapResult(snap.expectOk(answer), input, now));
        snapPages.set(input.reference, { fingerprint, result });
        while (snapPages.size > 1000) snapPages.delete(snapPages.keys().next().value as string);
        return result;
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

    status: currentStatus,

    async cancel(ref: PaymentRef): Promise<ProviderStatus> {
      if (ref.providerRef.startsWith(SNAP_REF_PREFIX)) {
        // Before the card is submitted there is no transaction to cancel, and a Snap token cannot be revoked: the
        // page stays usable until it expires (Bayar then records a late payment, never loses it).
        const current = await currentStatus(ref, 'cancel');
        if (current.providerStatus === 'snap_expired') return current;
        if (current.providerStatus === 'snap_open') throw new ProviderNotSupportedError(PROVIDER, 'A Midtrans Snap page cannot be cancelled before the card is submitted; it expires at its deadline.');
      }
      try {
        const body = await call('cancel', 'POST', `${orderPath(ref)}/cancel`);
        return read(() => fromStatus(body));
      } catch (err) {
        // 412: Midtrans cannot change this transaction any more (settled, expired…): report where it stands.
        if (err instanceof ProviderRejectedError && err.httpStatus === 412) {
          const body = await statusOf(ref, 'cancel');
          const current = read(() => fromStatus(body));
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
      const body = webhookJson(req.rawBody, 'Midtrans notification');
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
        return { events: [fromWebhook(body)], ack: { status: 200, body: { received: true } } };
      } catch (err) {
        if (err instanceof WireShapeError) throw new WebhookVerificationError('webhook_malformed', `Midtrans ${err.message}`);
        throw err;
      }
    },
  };
}

const isSnapNotStarted = (ref: PaymentRef, err: unknown) =>
  ref.providerRef.startsWith(SNAP_REF_PREFIX) && err instanceof ProviderRejectedError && (err.httpStatus === 404 || err.providerCode === '404');

const maybeObject = (v: unknown) => (isWireObject(v) ? v : undefined);

/** The body's `status_code` as a number, when it is one. */
function bodyCodeOf(body: Record<string, unknown> | undefined): number | null {
  return body && typeof body.status_code === 'string' && /^\d{3}$/.test(body.status_code) ? Number(body.status_code) : null;
}

/** `{status_code, status_message, validation_messages?}`; the body's status_code is the code when it has one. */
function midtransErrorBody(json: unknown, status: number): ProviderErrorBody {
  const body = maybeObject(json);
  const messages = [
    ...(body && typeof body.status_message === 'string' ? [body.status_message] : []),
    ...(body && Array.isArray(body.validation_messages) ? body.validation_messages.map(String) : []),
  ];
  return { code: String(bodyCodeOf(body) ?? status), message: messages.length ? messages.join('; ') : undefined };
}
