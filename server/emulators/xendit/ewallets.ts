/**
 * E-wallet charges (providers.md §4.4, §4.5): create (with the test-mode magic amounts), read, void and refund, and
 * the hosted checkout page a redirect wallet sends the customer to (no API key and no faults: it is the customer's
 * browser, not the merchant's server).
 */
import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { buildDynamicQris } from '../../lib/qris.js';
import type { SimulateResult } from '../types.js';
import { type XenditContext, handle, notFound, replayIfSeen, reply } from './api.js';
import { checkoutPage, resultPage } from './pages.js';
import { BUSINESS_ID, type ChargeState, EWALLETS, MAGIC_ERRORS, MAGIC_FAILURE_CALLBACK, MERCHANT_NAME, REFUND_REASONS, iso } from './state.js';
import { type Body, XenditApiError, canonical, invalid, jsonBody, optNumber, optObject, optUrl, reqEnum, reqNumber, reqString } from './validation.js';

/**
 * Which hand-offs each wallet's charge carries, as Xendit documents them (docs.xendit.co/ewallet/checkout-methods):
 * DANA and LinkAja a desktop and a mobile web checkout URL; ShopeePay (ID) a deeplink and a QR string, no web URL;
 * OVO nothing (it pushes to the app). The emulator's "app" is its checkout page: the deeplink opens it with
 * `?via=app`, and the QR string is a dynamic QRIS payload whose reference label names the charge.
 */
function walletActions(channel: string, checkoutUrl: string, amount: number, id: string) {
  if (channel === 'ID_OVO') return null;
  if (channel === 'ID_SHOPEEPAY') {
    return {
      desktop_web_checkout_url: null,
      mobile_web_checkout_url: null,
      mobile_deeplink_checkout_url: `${checkoutUrl}?via=app`,
      qr_checkout_string: buildDynamicQris({
        merchantName: 'BAYAR SANDBOX',
        merchantCity: 'JAKARTA',
        amount,
        acquirerDomain: 'ID.CO.SHOPEE.WWW',
        merchantPan: '936009180000000001',
        nmid: 'ID1020000000002',
        reference: id.slice(4, 29),
      }),
    };
  }
  return { desktop_web_checkout_url: checkoutUrl, mobile_web_checkout_url: checkoutUrl, mobile_deeplink_checkout_url: null, qr_checkout_string: null };
}

/** The hosted checkout page and its Pay / Cancel forms. */
export function ewalletCheckoutRoutes({ opts, state, webhooks }: XenditContext): Router {
  const router = express.Router();

  router.get('/ewallet-checkout/:id', (req, res) => {
    const c = state.charges.get(req.params.id);
    if (!c) {
      res.status(404).type('html').send(resultPage('Not found', 'No such e-wallet charge.'));
      return;
    }
    state.refreshCharge(c);
    res.type('html').send(
      checkoutPage({
        chargeId: c.obj.id,
        merchant: MERCHANT_NAME,
        wallet: c.obj.channel_code.replace(/^ID_/, ''),
        amount: c.obj.charge_amount,
        reference: c.obj.reference_id,
        status: c.obj.status,
      }),
    );
  });

  for (const action of ['pay', 'cancel'] as const) {
    router.post(`/ewallet-checkout/:id/${action}`, async (req, res) => {
      const c = state.charges.get(req.params.id);
      if (!c) {
        res.status(404).type('html').send(resultPage('Not found', 'No such e-wallet charge.'));
        return;
      }
      state.refreshCharge(c);
      if (c.obj.status !== 'PENDING') {
        res.status(409).type('html').send(resultPage('Already settled', `This charge is ${c.obj.status}.`));
        return;
      }
      if (action === 'pay') state.settleCharge(c, { succeeded: true });
      else state.settleCharge(c, { succeeded: false, failureCode: 'USER_DECLINED_PAYMENT' });
      await webhooks.deliver(opts.defaultWebhookUrl(), webhooks.chargeCallback(c, 'ewallet.capture', state.now()));
      const props = (c.obj.channel_properties ?? {}) as Body;
      const target = action === 'pay' ? props.success_redirect_url : (props.cancel_redirect_url ?? props.failure_redirect_url);
      if (typeof target === 'string') {
        res.redirect(303, target);
        return;
      }
      res.type('html').send(resultPage(action === 'pay' ? 'Payment approved' : 'Payment declined', 'You can close this page.'));
    });
  }

  return router;
}

export function ewalletRoutes({ opts, state, webhooks }: XenditContext): Router {
  const router = express.Router();
  const charge = (id: string) => {
    const c = state.charges.get(id);
    if (!c) throw notFound('DATA_NOT_FOUND', 'Charge not found');
    return c;
  };

  router.post(
    '/ewallets/charges',
    handle((req, res) => {
      if (replayIfSeen(state, req, res)) return;
      const b = jsonBody(req.body);
      const ref = reqString(b, 'reference_id');
      const currency = reqString(b, 'currency');
      const amount = reqNumber(b, 'amount', { integer: true, min: 100 });
      const method = reqEnum(b, 'checkout_method', ['ONE_TIME_PAYMENT', 'TOKENIZED_PAYMENT'] as const);
      const channel = reqEnum(b, 'channel_code', EWALLETS);
      const props = optObject(b, 'channel_properties') ?? {};
      const metadata = optObject(b, 'metadata');
      if (currency !== 'IDR') throw new XenditApiError(400, 'UNSUPPORTED_CURRENCY', `Currency ${currency} is not supported for ${channel}`);
      if (method !== 'ONE_TIME_PAYMENT') throw invalid('TOKENIZED_PAYMENT needs a linked account, which this emulator does not offer');
      if (metadata && Object.keys(metadata).length > 50) throw invalid('"metadata" must have at most 50 keys');
      const successUrl = optUrl(props, 'success_redirect_url');
      optUrl(props, 'failure_redirect_url');
      optUrl(props, 'cancel_redirect_url');
      if (channel === 'ID_OVO') {
        const mobile = props.mobile_number;
        if (mobile === undefined) throw invalid('"channel_properties.mobile_number" is required for ID_OVO');
        if (typeof mobile !== 'string' || !/^\+628\d{7,12}$/.test(mobile)) {
          throw invalid('"channel_properties.mobile_number" must be an Indonesian mobile number in E.164 format (+628…)');
        }
      } else if (!successUrl) {
        throw invalid(`"channel_properties.success_redirect_url" is required for ${channel}`);
      }
      const magic = MAGIC_ERRORS[amount];
      if (magic) throw new XenditApiError(magic.status, magic.code, magic.message);

      const request = canonical(b);
      const existing = state.chargeByRef.get(ref);
      if (existing) {
        // [unconfirmed] duplicate reference_id: identical repeat → the existing charge, else refused.
        if (existing.request !== request) throw new XenditApiError(400, 'DUPLICATE_ERROR', `reference_id ${ref} already exists`);
        state.refreshCharge(existing);
        reply(state, req, res, 202, existing.obj);
        return;
      }
      const id = `ewc_${randomUUID()}`;
      const t = iso(state.now());
      const checkoutUrl = `${opts.baseUrl()}/ewallet-checkout/${id}`;
      const redirect = channel !== 'ID_OVO';
      const obj: ChargeState['obj'] = {
        id,
        business_id: BUSINESS_ID,
        reference_id: ref,
        status: 'PENDING',
        currency: 'IDR',
        charge_amount: amount,
        capture_amount: null,
        refunded_amount: null,
        checkout_method: method,
        channel_code: channel,
        channel_properties: props,
        actions: walletActions(channel, checkoutUrl, amount!, id),
        is_redirect_required: redirect,
        callback_url: opts.defaultWebhookUrl(),
        created: t,
        updated: t,
        void_status: null,
        voided_at: null,
        capture_now: true,
        customer_id: typeof b.customer_id === 'string' ? b.customer_id : null,
        payment_method_id: null,
        failure_code: null,
        basket: Array.isArray(b.basket) ? b.basket : null,
        metadata: metadata ?? null,
      };
      const c: ChargeState = { obj, request, refunds: [] };
      state.charges.set(id, c);
      state.chargeByRef.set(ref, c);
      if (amount === MAGIC_FAILURE_CALLBACK) {
        state.settleCharge(c, { succeeded: false, failureCode: 'ACCOUNT_ACCESS_BLOCKED' });
        const payload = webhooks.chargeCallback(c, 'ewallet.capture', state.now());
        reply(state, req, res, 202, { ...obj, status: 'PENDING', failure_code: null, updated: t });
        webhooks.deliverAfter(res, opts.defaultWebhookUrl(), payload);
        return;
      }
      reply(state, req, res, 202, obj);
    }),
  );

  router.get(
    '/ewallets/charges/:id',
    handle((req, res) => {
      const c = charge(String(req.params.id));
      state.refreshCharge(c);
      res.json(c.obj);
    }),
  );

  // Void reverses a SUCCEEDED charge in full (docs.xendit.co "Void and Refund"); the body must be empty.
  // Not enforced: the same-day 23:50 WIB cut-off.
  router.post(
    '/ewallets/charges/:id/void',
    handle((req, res) => {
      const c = charge(String(req.params.id));
      const b = jsonBody(req.body, true);
      if (Object.keys(b).length > 0) throw invalid('void takes no request body');
      state.refreshCharge(c);
      if (c.obj.status !== 'SUCCEEDED' || c.obj.void_status || c.obj.refunded_amount) {
        // [unconfirmed] code; the QR refund docs use INELIGIBLE_TRANSACTION 403 for the same situation.
        throw new XenditApiError(403, 'INELIGIBLE_TRANSACTION', `Only a SUCCEEDED, unrefunded charge can be voided; this one is ${c.obj.status}`);
      }
      const t = iso(state.now());
      c.obj.status = 'VOIDED';
      c.obj.void_status = 'SUCCEEDED';
      c.obj.voided_at = t;
      c.obj.updated = t;
      webhooks.deliverAfter(res, opts.defaultWebhookUrl(), webhooks.chargeCallback(c, 'ewallet.void', state.now()));
      res.json(c.obj);
    }),
  );

  router.post(
    '/ewallets/charges/:id/refunds',
    handle((req, res) => {
      if (replayIfSeen(state, req, res)) return;
      const c = charge(String(req.params.id));
      const b = jsonBody(req.body, true);
      const amount = optNumber(b, 'amount', { integer: true, min: 1 });
      if (b.reason !== undefined) reqEnum(b, 'reason', REFUND_REASONS);
      state.refreshCharge(c);
      // OVO one-time payments cannot be refunded (help.xendit.co "How to refund/void an eWallet transaction").
      if (c.obj.channel_code === 'ID_OVO') throw new XenditApiError(400, 'REFUND_NOT_SUPPORTED', 'Refund is not supported for ID_OVO one-time payments');
      if (c.obj.status !== 'SUCCEEDED') {
        throw new XenditApiError(403, 'INELIGIBLE_TRANSACTION', `Only a SUCCEEDED charge can be refunded; this one is ${c.obj.status}`);
      }
      const captured = Number(c.obj.capture_amount ?? c.obj.charge_amount);
      const refunded = Number(c.obj.refunded_amount ?? 0);
      const value = amount ?? captured - refunded;
      if (value > captured - refunded) {
        throw new XenditApiError(400, 'MAXIMUM_REFUND_AMOUNT_REACHED', 'Requested refund amount exceeds the remaining unrefunded amount');
      }
      const t = iso(state.now());
      const refund: Body = {
        id: `ewr_${randomUUID()}`,
        charge_id: c.obj.id,
        status: 'SUCCEEDED',
        currency: 'IDR',
        channel_code: c.obj.channel_code,
        capture_amount: captured,
        refund_amount: value,
        reason: b.reason ?? 'OTHERS',
        failure_code: null,
        created: t,
        updated: t,
      };
      c.refunds.push(refund);
      c.obj.refunded_amount = refunded + value;
      if (refunded + value === captured) c.obj.status = 'REFUNDED';
      c.obj.updated = t;
      webhooks.deliverAfter(res, opts.defaultWebhookUrl(), { event: 'ewallet.refund', business_id: BUSINESS_ID, created: t, data: refund });
      reply(state, req, res, 200, refund);
    }),
  );

  return router;
}

/** The customer approves the charge in the wallet, or never does (the charge fails). */
export async function simulateCharge(
  { opts, state, webhooks }: XenditContext,
  charge: ChargeState,
  action: 'pay' | 'expire',
  amount?: number,
): Promise<SimulateResult> {
  state.refreshCharge(charge);
  if (charge.obj.status !== 'PENDING') throw new Error(`Xendit emulator: charge ${charge.obj.id} is ${charge.obj.status}`);
  if (action === 'pay') state.settleCharge(charge, { succeeded: true, ...(amount !== undefined ? { amount } : {}) });
  else state.settleCharge(charge, { succeeded: false, failureCode: 'USER_DID_NOT_AUTHORIZE_THE_PAYMENT' });
  return { webhookStatus: await webhooks.deliver(opts.defaultWebhookUrl(), webhooks.chargeCallback(charge, 'ewallet.capture', state.now())) };
}
