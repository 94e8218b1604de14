/**
 * Cards through the companion routed to Doku Checkout (`BAYAR_ROUTES` card=doku): the hosted card form and 3-D
 * Secure challenge driven as the customer's browser would (form posts), the signed notification, a decline that
 * fails the payment while another method still works, the refund only the DOKU Back Office can do, and a forged
 * notification that changes nothing.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS, loadConfig } from '../../server/config.js';
import { digestOf, sign, utcStamp } from '../../server/emulators/doku/signing.js';
import { companionCards, payOnCardPages } from '../helpers/card-pages.js';
import { api, merchantHeaders, startTestServer, type TestServer } from '../helpers/server.js';

const KEY = SANDBOX_CREDENTIALS.merchantKey;
const MK = merchantHeaders(KEY);
const customer = { name: 'Siti Rahayu', email: 'siti@example.com', phone: '081234567890' };

describe('cards through the companion, routed to Doku Checkout', () => {
  let s: TestServer;

  before(async () => {
    const c = loadConfig({ BAYAR_MODE: 'sandbox', LOG_LEVEL: 'silent', BAYAR_ROUTES: 'va=komerce;card=doku' });
    assert.deepEqual(c.routes.card, ['doku']);
    s = await startTestServer({ routes: c.routes });
  });
  after(() => s?.destroy());

  const { create, read } = companionCards(() => s.url, 'DCARD', customer);

  it('4811… on Doku\'s card page → paid; the refund answers the DOKU Back Office error and changes nothing', async () => {
    const { payment: p, secret } = await create();
    assert.equal(p.provider, 'doku');
    assert.match(p.redirectUrl!, new RegExp(`^${s.url}/emulators/doku/checkout-link-v2/`));
    const back = await payOnCardPages(p.redirectUrl!, '4811111111111114');
    assert.equal(`${back.origin}${back.pathname}`, `${s.url}/return/${p.id}`);
    const paid = await read(p.id, secret);
    assert.equal(paid.status, 'paid');
    assert.equal(paid.failureReason, undefined);

    const refund = await api(s.url, 'POST', `/api/payments/${p.id}/refund`, { amount: 150_000, reason: 'customer cancelled' }, MK);
    assert.equal(refund.status, 422, JSON.stringify(refund.body));
    assert.equal(refund.body.error.code, 'refund_not_supported');
    assert.match(refund.body.error.message, /DOKU Back Office/);
    const merchant = (await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MK)).body.payment;
    assert.deepEqual([merchant.status, merchant.refundedAmount], ['paid', undefined]);
  });

  it('4911… declined → failed (generic reason declined); the order still pays with another method', async () => {
    const { payment: p, secret } = await create();
    await payOnCardPages(p.redirectUrl!, '4911111111111113');
    const failed = await read(p.id, secret);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.failureReason, 'declined');
    const va = await api(s.url, 'POST', '/api/payments', { orderId: p.orderId, amount: 150_000, method: 'va:bca', customer });
    assert.equal(va.status, 201, JSON.stringify(va.body));
    assert.equal(va.body.payment.status, 'pending');
  });

  it('a forged Doku notification (SUCCESS, wrong key) is refused with 401 and changes nothing', async () => {
    const { payment: p, secret } = await create();
    const reference = (await s.store.getPayment(p.id))!.reference;
    const body = JSON.stringify({
      service: { id: 'CREDIT_CARD' },
      acquirer: { id: 'DOKU' },
      channel: { id: 'CREDIT_CARD' },
      transaction: { status: 'SUCCESS', date: new Date().toISOString().slice(0, 19) + 'Z', original_request_id: randomUUID() },
      order: { invoice_number: reference, amount: 150_000 },
    });
    const requestId = randomUUID();
    const timestamp = utcStamp(new Date());
    const clientId = SANDBOX_CREDENTIALS.doku.clientId;
    const signature = sign('not-our-secret', { clientId, requestId, timestamp, target: '/webhooks/doku', digest: digestOf(body) });
    const res = await fetch(`${s.url}/webhooks/doku`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Client-Id': clientId, 'Request-Id': requestId, 'Request-Timestamp': timestamp, Signature: signature },
      body,
    });
    assert.equal(res.status, 401, await res.text());
    assert.equal((await read(p.id, secret)).status, 'pending');
  });
});
