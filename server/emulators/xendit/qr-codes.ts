/**
 * QR codes (providers.md §4.3): v2 with `api-version: 2022-07-31` (reference_id, callbacks to the dashboard URL) and
 * legacy v1 without it (external_id, callbacks to the request's callback_url); DYNAMIC only. Every payload is a real
 * dynamic QRIS string.
 */
import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { buildDynamicQris } from '../../lib/qris.js';
import type { SimulateResult } from '../types.js';
import { type XenditContext, handle, notFound, replayIfSeen, reply } from './api.js';
import { BUSINESS_ID, QR_DEFAULT_LIFETIME_MS, QR_V2, type QrState, iso } from './state.js';
import { type Body, XenditApiError, canonical, invalid, jsonBody, optDate, optNumber, optObject, optString, optUrl, reqEnum, reqString } from './validation.js';

/** The QR code as Xendit answers it, in the shape of its API version. */
function qrView(q: QrState): Body {
  if (q.version === 'v1') {
    return { id: q.id, external_id: q.ref, amount: q.amount, qr_string: q.qrString, callback_url: q.callbackUrl, type: q.type, status: q.status, created: q.created, updated: q.updated };
  }
  return {
    id: q.id,
    reference_id: q.ref,
    business_id: BUSINESS_ID,
    type: q.type,
    currency: 'IDR',
    amount: q.amount,
    channel_code: q.channelCode,
    qr_string: q.qrString,
    status: q.status,
    expires_at: iso(q.expiresAt),
    created: q.created,
    updated: q.updated,
    metadata: q.metadata,
  };
}

export function qrCodeRoutes({ state, webhooks }: XenditContext): Router {
  const router = express.Router();

  router.post(
    '/qr_codes',
    handle((req, res) => {
      if (replayIfSeen(state, req, res)) return;
      const version = req.get('api-version');
      if (version !== undefined && version !== QR_V2) throw invalid(`api-version ${version} is not supported`);
      const v2 = version === QR_V2;
      const b = jsonBody(req.body);
      const ref = v2 ? reqString(b, 'reference_id') : reqString(b, 'external_id');
      const type = reqEnum(b, 'type', ['DYNAMIC', 'STATIC'] as const);
      let callbackUrl: string | null = null;
      let expiresAt = new Date(state.now().getTime() + QR_DEFAULT_LIFETIME_MS);
      let metadata: Body | null = null;
      let channelCode = 'ID_DANA';
      if (v2) {
        const currency = reqString(b, 'currency');
        if (currency !== 'IDR') throw new XenditApiError(400, 'UNSUPPORTED_CURRENCY', `Currency ${currency} is not supported`);
        const exp = optDate(b, 'expires_at');
        if (exp && exp.getTime() <= state.now().getTime()) throw invalid('"expires_at" must be in the future');
        if (exp) expiresAt = exp;
        metadata = optObject(b, 'metadata') ?? null;
        channelCode = optString(b, 'channel_code') ?? channelCode;
      } else {
        callbackUrl = optUrl(b, 'callback_url') ?? null;
        if (!callbackUrl) throw invalid('"callback_url" is required');
      }
      const amount = optNumber(b, 'amount', { integer: true, min: 1, max: 10_000_000 });
      if (type === 'DYNAMIC' && amount === undefined) throw invalid('"amount" is required for DYNAMIC QR codes');
      // buildDynamicQris makes every payload this emulator issues; static QRs are outside what Bayar needs.
      if (type === 'STATIC') throw invalid('STATIC QR codes are not supported by this emulator; use DYNAMIC');

      const request = canonical({ v: v2 ? 2 : 1, ...b });
      const existing = state.qrByRef.get(ref);
      if (existing) {
        // [unconfirmed] duplicate reference_id/external_id: identical repeat → the existing QR, else refused.
        if (existing.request !== request) throw new XenditApiError(400, 'DUPLICATE_ERROR', `${v2 ? 'reference_id' : 'external_id'} ${ref} already exists`);
        state.refreshQr(existing);
        reply(state, req, res, 201, qrView(existing));
        return;
      }
      const id = `qr_${randomUUID()}`;
      const t = iso(state.now());
      const q: QrState = {
        version: v2 ? 'v2' : 'v1',
        id,
        ref,
        type: 'DYNAMIC',
        amount: amount!,
        qrString: buildDynamicQris({
          merchantName: 'BAYAR SANDBOX',
          merchantCity: 'JAKARTA',
          amount: amount!,
          acquirerDomain: 'ID.CO.XENDIT.WWW',
          merchantPan: '936009150000000001',
          nmid: 'ID1020000000001',
          reference: id.slice(3, 28),
        }),
        status: 'ACTIVE',
        expiresAt,
        callbackUrl,
        channelCode,
        metadata,
        created: t,
        updated: t,
        request,
        payments: [],
      };
      state.qrs.set(id, q);
      state.qrByRef.set(ref, q);
      reply(state, req, res, 201, qrView(q));
    }),
  );

  const findQr = (idOrRef: string) => {
    const q = state.qrs.get(idOrRef) ?? state.qrByRef.get(idOrRef);
    if (!q) throw notFound('DATA_NOT_FOUND', 'QR code not found');
    return q;
  };

  router.get(
    '/qr_codes/:id',
    handle((req, res) => {
      const q = findQr(String(req.params.id));
      state.refreshQr(q);
      res.json(qrView(q));
    }),
  );

  // [unconfirmed] v2 list of a QR code's payments.
  router.get(
    '/qr_codes/:id/payments',
    handle((req, res) => {
      const q = findQr(String(req.params.id));
      res.json({ data: q.payments, has_more: false });
    }),
  );

  router.post(
    '/qr_codes/:id/payments/simulate',
    handle((req, res) => {
      const q = findQr(String(req.params.id));
      const b = jsonBody(req.body, true);
      const amount = optNumber(b, 'amount', { integer: true, min: 1 });
      if (amount !== undefined && amount !== q.amount) throw invalid(`"amount" must equal the DYNAMIC QR amount ${q.amount}`);
      state.refreshQr(q);
      if (q.status !== 'ACTIVE') throw new XenditApiError(400, 'INACTIVE_QR_CODE', 'The QR code is no longer active');
      const payment = state.payQr(q);
      const cb = webhooks.qrCallback(q, payment);
      webhooks.deliverAfter(res, cb.url, cb.payload);
      res.json(payment);
    }),
  );

  return router;
}

/** The customer pays the QR code, or it lapses (which Xendit sends no callback for). */
export async function simulateQrCode({ state, webhooks }: XenditContext, qr: QrState, action: 'pay' | 'expire'): Promise<SimulateResult> {
  state.refreshQr(qr);
  if (qr.status !== 'ACTIVE') throw new Error(`Xendit emulator: QR code ${qr.id} is ${qr.status}`);
  if (action === 'pay') {
    const cb = webhooks.qrCallback(qr, state.payQr(qr));
    return { webhookStatus: await webhooks.deliver(cb.url, cb.payload) };
  }
  qr.expiresAt = state.now();
  qr.status = 'INACTIVE';
  qr.updated = iso(state.now());
  // QR codes send no callback when they lapse.
  return { webhookStatus: null };
}
