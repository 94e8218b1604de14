/**
 * Cards through the companion (family `card`, Midtrans Snap's hosted page in the sandbox's routing): the create,
 * the hosted pages driven as the customer's browser would (form posts, no browser needed), the signed notification
 * confirmed with the status API, the reason of a decline kept on the payment, refunds through the merchant API and
 * the console, routing, limits and deadlines — and forged notifications that change nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS, loadConfig } from '../../server/config.js';
import { signatureKey } from '../../server/emulators/midtrans/signing.js';
import { companionCards, payOnCardPages } from '../helpers/card-pages.js';
import { api, merchantHeaders, secretHeaders, startTestServer, type TestServer } from '../helpers/server.js';

const KEY = SANDBOX_CREDENTIALS.merchantKey;
const MK = merchantHeaders(KEY);
const customer = { name: 'Siti Rahayu', email: 'siti@example.com', phone: '081234567890' };

describe('cards through the companion', () => {
  let s: TestServer;

  before(async () => {
    s = await startTestServer({ console: { enabled: true, users: [] } });
  });
  after(() => s?.destroy());

  const { create, read } = companionCards(() => s.url, 'CARD', customer);

  it('create: Midtrans serves it, the hosted card page is the redirect, the deadline is an hour, nothing about a card in it', async () => {
    const { payment: p, secret } = await create();
    assert.equal(p.family, 'card');
    assert.equal(p.provider, 'midtrans');
    assert.match(p.redirectUrl!, new RegExp(`^${s.url}/emulators/midtrans/snap/v4/redirection/`));
    assert.equal(Date.parse(p.expiresAt) - Date.parse(p.createdAt) > 59 * 60_000 && Date.parse(p.expiresAt) - Date.parse(p.createdAt) <= 3_600_000, true);
    // "Check status" before the card is typed: still pending, nothing changed.
    const check = await api(s.url, 'POST', `/api/payments/${p.id}/check`, undefined, secretHeaders(secret));
    assert.equal(check.status, 200, JSON.stringify(check.body));
    assert.equal(check.body.payment.status, 'pending');
  });

  it('4811… paid; refunded in part through the merchant API and the rest through the console', async () => {
    const { payment: p, secret } = await create();
    const back = await payOnCardPages(p.redirectUrl!, '4811111111111114');
    assert.equal(`${back.origin}${back.pathname}`, `${s.url}/return/${p.id}`);
    const paid = await read(p.id, secret);
    assert.equal(paid.status, 'paid');
    assert.equal(paid.failureReason, undefined);
    assert.equal(paid.redirectUrl, undefined, 'no hosted page once paid');
    const page = await (await fetch(back)).text();
    assert.match(page, /Pembayaran berhasil/);

    const part = await api(s.url, 'POST', `/api/payments/${p.id}/refund`, { amount: 50_000, reason: 'one item out of stock' }, MK);
    assert.equal(part.status, 201, JSON.stringify(part.body));
    assert.equal(part.body.refund.status, 'succeeded');
    const signIn = await api(s.url, 'POST', '/console/api/session', { secret: KEY }, { origin: s.url });
    const headers = { cookie: signIn.headers.get('set-cookie')!.split(';')[0]!, origin: s.url, 'x-csrf-token': signIn.body.csrf };
    const detail = await api(s.url, 'GET', `/console/api/payments/${p.id}`, undefined, headers);
    assert.deepEqual(detail.body.refundable, { ok: true, max: 100_000 });
    const rest = await api(s.url, 'POST', `/console/api/payments/${p.id}/refund`, { amount: 100_000, reason: 'customer cancelled' }, headers);
    assert.equal(rest.status, 201, JSON.stringify(rest.body));
    const merchant = await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MK);
    assert.equal(merchant.body.payment.status, 'refunded');
    assert.equal(merchant.body.payment.refundedAmount, 150_000);
  });

  for (const [card, reason] of [
    ['4911111111111113', 'card_declined'],
    ['4611111111111116', 'fraud_suspected'],
  ] as const) {
    it(`${card.slice(0, 4)}… fails with failureReason ${reason}, for the customer and the merchant; a failed card cannot be refunded`, async () => {
      const { payment: p, secret } = await create();
      await payOnCardPages(p.redirectUrl!, card);
      const failed = await read(p.id, secret);
      assert.equal(failed.status, 'failed');
      assert.equal(failed.failureReason, reason);
      assert.equal((await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MK)).body.payment.failureReason, reason);
      const refund = await api(s.url, 'POST', `/api/payments/${p.id}/refund`, { amount: 1_000, reason: 'x' }, MK);
      assert.equal(refund.status, 409);
      // The order can still be paid with another method.
      const va = await api(s.url, 'POST', '/api/payments', { orderId: p.orderId, amount: 150_000, method: 'va:bca', customer });
      assert.equal(va.status, 201, JSON.stringify(va.body));
    });
  }

  it('forged notifications change nothing: a wrong signature is refused; a correctly signed "capture" is checked with the status API', async () => {
    const { payment: p, secret } = await create();
    await payOnCardPages(p.redirectUrl!, '4911111111111113');
    const reference = (await s.store.getPayment(p.id))!.reference;
    const forged = (fields: Record<string, string>, key: string) => {
      const body: Record<string, string> = { transaction_id: 'tx-forged', transaction_status: 'capture', fraud_status: 'accept', payment_type: 'credit_card', order_id: reference, status_code: '200', gross_amount: '150000.00', ...fields };
      return { ...body, signature_key: signatureKey(body.order_id!, body.status_code!, body.gross_amount!, key) };
    };
    const wrongKey = await api(s.url, 'POST', '/webhooks/midtrans', forged({}, 'SB-Mid-server-NOT-OURS'));
    assert.equal(wrongKey.status, 401);
    // Signed with the real key (say, a leaked one): the status API still says deny, so the payment stays failed.
    const signed = await api(s.url, 'POST', '/webhooks/midtrans', forged({ transaction_status: 'settlement' }, SANDBOX_CREDENTIALS.midtrans.serverKey));
    assert.ok(signed.status < 500, JSON.stringify(signed.body));
    const after = await read(p.id, secret);
    assert.equal(after.status, 'failed');
    assert.equal(after.failureReason, 'card_declined');
  });

  it('the sandbox panel pays a card payment as a customer with the accepting test card would', async () => {
    const { payment: p, secret } = await create();
    const r = await api(s.url, 'POST', `/api/sandbox/payments/${p.id}/pay`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await read(p.id, secret)).status, 'paid');
  });

  it('limits and methods: a card below Rp 10.000 is listed unavailable and refused with the limits named', async () => {
    const methods = await api(s.url, 'GET', '/api/methods?amount=5000');
    const card = methods.body.methods.find((m: { id: string }) => m.id === 'card:card');
    assert.deepEqual([card.available, card.unavailableReason, card.minAmount], [false, 'below_minimum', 10_000]);
    const r = await api(s.url, 'POST', '/api/payments', { orderId: 'CARD-LOW-1', amount: 5_000, method: 'card:card' });
    assert.equal(r.status, 422);
    assert.equal(r.body.error.code, 'amount_below_minimum');
  });
});

describe('card routing and deadlines', () => {
  it('BAYAR_ROUTES card=… is parsed; a route to a provider without cards offers no card; BAYAR_TTL card=900 is kept', async () => {
    const c = loadConfig({ BAYAR_MODE: 'sandbox', LOG_LEVEL: 'silent', BAYAR_ROUTES: 'va=komerce;card=midtrans', BAYAR_TTL: 'card=900' });
    assert.deepEqual(c.routes.card, ['midtrans']);
    assert.throws(() => loadConfig({ BAYAR_MODE: 'sandbox', LOG_LEVEL: 'silent', BAYAR_ROUTES: 'cards=midtrans' }), /unknown method family "cards"/);
    const s = await startTestServer({ deadlines: c.deadlines, routes: { ...c.routes } });
    const komerceOnly = await startTestServer({ routes: { ...c.routes, card: ['komerce'] } });
    try {
      const r = await api(s.url, 'POST', '/api/payments', { orderId: 'CARD-TTL', amount: 150_000, method: 'card:card' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(Date.parse(r.body.payment.expiresAt) - Date.parse(r.body.payment.createdAt) <= 900_000, true);
      assert.equal(Date.parse(r.body.payment.expiresAt) - Date.parse(r.body.payment.createdAt) > 840_000, true);
      const methods = await api(komerceOnly.url, 'GET', '/api/methods?amount=150000');
      assert.equal(methods.body.methods.some((m: { family: string }) => m.family === 'card'), false);
      const refused = await api(komerceOnly.url, 'POST', '/api/payments', { orderId: 'CARD-NONE', amount: 150_000, method: 'card:card' });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.code, 'method_unavailable');
    } finally {
      await s.destroy();
      await komerceOnly.destroy();
    }
  });
});
