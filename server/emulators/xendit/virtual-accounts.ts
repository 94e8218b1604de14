/**
 * Fixed virtual accounts (providers.md §4.2): create, read, update (moving expiration_date to now closes one), the
 * payment lookup, and the test-mode payment simulation. A paid VA sends its payment callback to the dashboard URL.
 */
import express, { type Router } from 'express';
import type { SimulateResult } from '../types.js';
import { type XenditContext, handle, notFound, replayIfSeen, reply } from './api.js';
import { BANKS, BUSINESS_ID, FVA_DEFAULT_LIFETIME_MS, type FvaState, MERCHANT_CODES, hexId, iso } from './state.js';
import { XenditApiError, canonical, invalid, jsonBody, optBool, optDate, optNumber, optString, reqNumber, reqString } from './validation.js';

/** The VA a path names, or Xendit's 404. */
function fva(s: FvaState | undefined): FvaState {
  if (!s) throw notFound('CALLBACK_VIRTUAL_ACCOUNT_NOT_FOUND_ERROR', 'Could not find callback virtual account');
  return s;
}

export function virtualAccountRoutes({ opts, state, webhooks }: XenditContext): Router {
  const router = express.Router();

  router.post(
    '/callback_virtual_accounts',
    handle((req, res) => {
      if (replayIfSeen(state, req, res)) return;
      const b = jsonBody(req.body);
      const externalId = reqString(b, 'external_id', 950);
      const bank = reqString(b, 'bank_code');
      const name = reqString(b, 'name');
      const isClosed = optBool(b, 'is_closed') ?? false;
      const expected = optNumber(b, 'expected_amount', { integer: true, min: 1 });
      const suggested = optNumber(b, 'suggested_amount', { integer: true, min: 1 });
      const singleUse = optBool(b, 'is_single_use') ?? false;
      const expiration = optDate(b, 'expiration_date');
      const description = optString(b, 'description', 1000);
      const currency = optString(b, 'currency');
      const vaNumber = optString(b, 'virtual_account_number', 20);
      if (!(BANKS as readonly string[]).includes(bank)) {
        throw new XenditApiError(400, 'BANK_NOT_SUPPORTED_ERROR', `Bank code ${bank} is not supported`);
      }
      // Letters and spaces only; BCA also takes digits and needs 3 characters (§4.2).
      const namePattern = bank === 'BCA' ? /^[A-Za-z0-9 ]{3,}$/ : /^[A-Za-z ]+$/;
      if (!namePattern.test(name)) throw invalid(`"name" must contain only letters and spaces${bank === 'BCA' ? ' (at least 3 characters)' : ''}`);
      if (isClosed && expected === undefined) throw invalid('"expected_amount" is required when "is_closed" is true');
      if (currency !== undefined && currency !== 'IDR') throw new XenditApiError(400, 'UNSUPPORTED_CURRENCY', `Currency ${currency} is not supported`);
      if (vaNumber !== undefined && !/^\d+$/.test(vaNumber)) throw invalid('"virtual_account_number" must contain only digits');
      if (expiration && expiration.getTime() <= state.now().getTime()) throw invalid('"expiration_date" must be in the future');

      const request = canonical(b);
      const existing = state.fvaByExternal.get(externalId);
      if (existing) {
        // [unconfirmed] duplicate external_id: an identical repeat gets the existing VA, anything else is refused.
        if (existing.request !== request) throw new XenditApiError(400, 'DUPLICATE_ERROR', `external_id ${externalId} already exists`);
        state.refreshFva(existing);
        reply(state, req, res, 200, existing.obj);
        return;
      }
      const t = iso(state.now());
      const merchantCode = MERCHANT_CODES[bank]!;
      const suffix = vaNumber ?? String(Math.floor(1e9 + Math.random() * 9e9));
      const obj: FvaState['obj'] = {
        id: hexId(),
        owner_id: BUSINESS_ID,
        external_id: externalId,
        bank_code: bank,
        merchant_code: merchantCode,
        name,
        account_number: `${merchantCode}${suffix}`,
        is_closed: isClosed,
        ...(expected !== undefined ? { expected_amount: expected } : {}),
        ...(suggested !== undefined ? { suggested_amount: suggested } : {}),
        is_single_use: singleUse,
        expiration_date: iso(expiration ?? new Date(state.now().getTime() + FVA_DEFAULT_LIFETIME_MS)),
        currency: 'IDR',
        status: 'ACTIVE',
        ...(description !== undefined ? { description } : {}),
        created: t,
        updated: t,
      };
      const s: FvaState = { obj, request, payments: [] };
      state.fvas.set(obj.id, s);
      state.fvaByExternal.set(externalId, s);
      // The create answer says PENDING: the bank confirms the account asynchronously (§4.2). Later reads say ACTIVE.
      reply(state, req, res, 200, { ...obj, status: 'PENDING' });
    }),
  );

  router.get(
    '/callback_virtual_accounts/:id',
    handle((req, res) => {
      const s = fva(state.fvas.get(String(req.params.id)));
      state.refreshFva(s);
      res.json(s.obj);
    }),
  );

  router.patch(
    '/callback_virtual_accounts/:id',
    handle((req, res) => {
      const s = fva(state.fvas.get(String(req.params.id)));
      const b = jsonBody(req.body);
      const expected = optNumber(b, 'expected_amount', { integer: true, min: 1 });
      const suggested = optNumber(b, 'suggested_amount', { integer: true, min: 1 });
      const expiration = optDate(b, 'expiration_date');
      const singleUse = optBool(b, 'is_single_use');
      const description = optString(b, 'description', 1000);
      if (expected !== undefined && !s.obj.is_closed) throw invalid('"expected_amount" is only allowed for closed virtual accounts');
      state.refreshFva(s);
      if (expected !== undefined) s.obj.expected_amount = expected;
      if (suggested !== undefined) s.obj.suggested_amount = suggested;
      if (singleUse !== undefined) s.obj.is_single_use = singleUse;
      if (description !== undefined) s.obj.description = description;
      if (expiration) {
        // Moving expiration_date to now (or earlier) is how a Fixed VA is closed; later re-opens an unpaid one.
        s.obj.expiration_date = iso(expiration);
        const paidOut = s.obj.is_single_use && s.payments.length > 0;
        s.obj.status = expiration.getTime() <= state.now().getTime() || paidOut ? 'INACTIVE' : 'ACTIVE';
      }
      s.obj.updated = iso(state.now());
      res.json(s.obj);
    }),
  );

  router.get(
    '/callback_virtual_account_payments/payment_id=:paymentId',
    handle((req, res) => {
      const p = state.fvaPayments.get(String(req.params.paymentId));
      if (!p) throw notFound('CALLBACK_VIRTUAL_ACCOUNT_PAYMENT_NOT_FOUND_ERROR', 'Could not find callback virtual account payment');
      res.json(p);
    }),
  );

  // [unconfirmed] test-mode VA payment simulation path (§4.2).
  router.post(
    '/callback_virtual_accounts/external_id=:externalId/simulate_payment',
    handle((req, res) => {
      const s = fva(state.fvaByExternal.get(String(req.params.externalId)));
      const b = jsonBody(req.body);
      const amount = reqNumber(b, 'amount', { integer: true, min: 1 });
      state.refreshFva(s);
      if (s.obj.status !== 'ACTIVE') throw new XenditApiError(400, 'INACTIVE_VIRTUAL_ACCOUNT_ERROR', 'The virtual account is inactive');
      if (s.obj.is_closed && amount !== s.obj.expected_amount) {
        throw new XenditApiError(400, 'INVALID_AMOUNT_ERROR', `A closed virtual account only accepts exactly ${String(s.obj.expected_amount)}`);
      }
      const payment = state.payFva(s, amount);
      webhooks.deliverAfter(res, opts.defaultWebhookUrl(), payment);
      res.json({
        status: 'COMPLETED',
        message: `Payment for the Fixed VA with external id ${s.obj.external_id} is currently being processed.`,
      });
    }),
  );

  return router;
}

/** The customer pays the VA (its expected or suggested amount unless told otherwise), or it lapses. */
export async function simulateVirtualAccount(
  { opts, state, webhooks }: XenditContext,
  fva: FvaState,
  action: 'pay' | 'expire',
  amount?: number,
): Promise<SimulateResult> {
  state.refreshFva(fva);
  if (fva.obj.status !== 'ACTIVE') throw new Error(`Xendit emulator: virtual account ${fva.obj.id} is ${fva.obj.status}`);
  if (action === 'pay') {
    const payment = state.payFva(fva, amount ?? Number(fva.obj.expected_amount ?? fva.obj.suggested_amount ?? 0));
    return { webhookStatus: await webhooks.deliver(opts.defaultWebhookUrl(), payment) };
  }
  const t = iso(state.now());
  fva.obj.expiration_date = t;
  fva.obj.status = 'INACTIVE';
  fva.obj.updated = t;
  // The FVA "created/updated" callback (dashboard URL) reports the now INACTIVE account.
  return { webhookStatus: await webhooks.deliver(opts.defaultWebhookUrl(), fva.obj) };
}
