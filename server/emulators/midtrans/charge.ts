/**
 * `POST /v2/charge`, the Core API charge (providers.md §5.3, §5.4): bank transfer VAs, Mandiri Bill (echannel),
 * QRIS, GoPay and convenience stores. Answers HTTP 200 with the outcome ("201" pending) in the body; the charge's
 * `actions` point at the hosted pieces of actions.ts.
 */
import { randomUUID } from 'node:crypto';
import { buildDynamicQris } from '../../lib/qris.js';
import { isJsonObject as isObj } from '../shared/json-body.js';
import type { MidtransContext } from './api.js';
import { type Body, PAYMENT_TYPES, type Txn, VA_BANKS } from './state.js';
import { MidtransApiError, chargeExpiry, invalid, isUrl, jsonBody, notifyUrls, orderFields } from './validation.js';

const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

function makeQr(amount: number, transactionId: string, acquirerDomain: string): string {
  return buildDynamicQris({
    merchantName: 'BAYAR SANDBOX',
    merchantCity: 'JAKARTA',
    amount,
    acquirerDomain,
    merchantPan: '936009140000000002',
    nmid: 'ID1020000000002',
    reference: transactionId.replace(/-/g, '').slice(0, 25),
  });
}

export function chargeRoute({ opts, state, api }: MidtransContext) {
  return api.handle((req, res) => {
    const b = jsonBody(req.body);
    const urls = notifyUrls(req, opts.defaultWebhookUrl());
    const paymentType = b.payment_type;
    if (typeof paymentType !== 'string') throw invalid('payment_type is required');
    if (!(PAYMENT_TYPES as readonly string[]).includes(paymentType)) throw invalid(`payment_type ${paymentType} is not supported`);
    const { orderId, gross } = orderFields(b);

    const expiry = chargeExpiry(b, paymentType, state.now());

    const channel: Body = {};
    const chargeOnly: Body = {};
    const transactionId = randomUUID();
    const base = opts.baseUrl();
    let message = 'Success, transaction is created';
    let qrPayload: string | undefined;
    let gopayCallbackUrl: string | undefined;
    switch (paymentType) {
      case 'bank_transfer': {
        const bt = b.bank_transfer;
        if (!isObj(bt)) throw invalid('bank_transfer is required');
        if (typeof bt.bank !== 'string' || !(VA_BANKS as readonly string[]).includes(bt.bank)) throw invalid(`bank_transfer.bank must be one of ${VA_BANKS.join(', ')}`);
        if (bt.va_number !== undefined && (typeof bt.va_number !== 'string' || !/^\d{1,18}$/.test(bt.va_number))) throw invalid('bank_transfer.va_number must be digits');
        const prefix = { bca: '1278', bni: '9888', bri: '8578', permata: '8778', cimb: '8059' }[bt.bank as (typeof VA_BANKS)[number]];
        const number = typeof bt.va_number === 'string' ? `${prefix}${bt.va_number}` : `${prefix}${digits(12)}`;
        if (bt.bank === 'permata') channel.permata_va_number = number;
        else channel.va_numbers = [{ bank: bt.bank, va_number: number }];
        message = 'Success, Bank Transfer transaction is created';
        break;
      }
      case 'echannel': {
        const ec = b.echannel;
        if (!isObj(ec)) throw invalid('echannel is required');
        for (const k of ['bill_info1', 'bill_info2'] as const) {
          if (typeof ec[k] !== 'string' || (ec[k] as string).length === 0) throw invalid(`echannel.${k} is required`);
        }
        if (ec.bill_key !== undefined && (typeof ec.bill_key !== 'string' || !/^\d{1,12}$/.test(ec.bill_key))) throw invalid('echannel.bill_key must be up to 12 digits');
        channel.bill_key = typeof ec.bill_key === 'string' ? ec.bill_key : digits(12);
        channel.biller_code = '70012';
        message = 'OK, Mandiri Bill transaction is successful';
        break;
      }
      case 'qris': {
        const q = b.qris;
        const acquirer = isObj(q) && q.acquirer !== undefined ? q.acquirer : 'gopay';
        if (q !== undefined && !isObj(q)) throw invalid('qris must be an object');
        if (acquirer !== 'gopay' && acquirer !== 'airpay shopee') throw invalid('qris.acquirer must be gopay or airpay shopee');
        qrPayload = makeQr(gross, transactionId, acquirer === 'gopay' ? 'COM.GO-JEK.WWW' : 'ID.CO.SHOPEE.WWW');
        channel.acquirer = acquirer;
        chargeOnly.qr_string = qrPayload;
        chargeOnly.actions = [{ name: 'generate-qr-code', method: 'GET', url: `${base}/v2/qris/${transactionId}/qr-code` }];
        message = 'QRIS transaction is created';
        break;
      }
      case 'gopay': {
        const g = b.gopay;
        if (g !== undefined) {
          if (!isObj(g)) throw invalid('gopay must be an object');
          if (g.enable_callback !== undefined && typeof g.enable_callback !== 'boolean') throw invalid('gopay.enable_callback must be a boolean');
          if (g.callback_url !== undefined && !isUrl(g.callback_url)) throw invalid('gopay.callback_url must be a valid URL');
          if (g.enable_callback === true && g.callback_url) gopayCallbackUrl = g.callback_url as string;
        }
        qrPayload = makeQr(gross, transactionId, 'COM.GO-JEK.WWW');
        chargeOnly.actions = [
          { name: 'generate-qr-code', method: 'GET', url: `${base}/v2/gopay/${transactionId}/qr-code` },
          { name: 'deeplink-redirect', method: 'GET', url: `${base}/gopay/${transactionId}/deeplink` },
          { name: 'get-status', method: 'GET', url: `${base}/v2/${transactionId}/status` },
          { name: 'cancel', method: 'POST', url: `${base}/v2/${transactionId}/cancel` },
        ];
        message = 'GoPay transaction is created';
        break;
      }
      case 'cstore': {
        const cs = b.cstore;
        if (!isObj(cs)) throw invalid('cstore is required');
        if (cs.store !== 'indomaret' && cs.store !== 'alfamart') throw invalid('cstore.store must be indomaret or alfamart');
        if (cs.message !== undefined && typeof cs.message !== 'string') throw invalid('cstore.message must be a string');
        channel.payment_code = cs.store === 'indomaret' ? digits(14) : digits(16);
        channel.store = cs.store;
        message = 'Success, cstore transaction is successful';
        break;
      }
    }

    // Re-using the order_id of an active or paid transaction → 406 (§5.3); expired/cancelled/denied ids may be reused.
    if (state.orderTaken(orderId)) throw new MidtransApiError(406, 'order_id has been paid and utilized, please use another order ID');

    const t: Txn = {
      transactionId,
      orderId,
      paymentType: paymentType as Txn['paymentType'],
      amount: gross,
      created: state.now(),
      expiry,
      status: 'pending',
      channel,
      chargeOnly,
      ...(qrPayload ? { qrPayload } : {}),
      notifyUrls: urls,
      ...(gopayCallbackUrl ? { gopayCallbackUrl } : {}),
      refunds: [],
      refunded: 0,
    };
    state.add(t);
    // HTTP 200 with the outcome ("201" pending) in the body; the HTTP status Midtrans pairs with it is [unconfirmed].
    res.status(200).json({ ...state.view(t), ...chargeOnly, status_message: message });
  });
}
