/**
 * Provider faults: failover to the next provider in the route, a clear error when none is reachable, retries
 * for idempotent reads, deadlines on hangs, and a circuit breaker that stops calling a failing provider and
 * lets it back in once it recovers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TapClient, api, startTestServer, type TestServer } from '../helpers/server.js';

describe('provider faults', () => {
  let s: TestServer;
  const tap = new TapClient();
  before(async () => {
    s = await startTestServer({}, undefined, {
      http: tap,
      timeouts: { create: 400, status: 400, cancel: 400, refund: 400 },
      resilience: { breakerThreshold: 4, halfOpenAfterMs: 800, readAttempts: 3, retryInitialDelayMs: 10, retryMaxDelayMs: 50 },
    });
  });
  after(() => s.destroy());
  const emu = (id: 'komerce' | 'xendit' | 'midtrans') => s.bayar.emulators.get(id)!;
  const callsTo = (id: string) => tap.seen.filter((r) => r.url.includes(`/emulators/${id}/`)).length;

  it('primary answers 503 → the payment is created by the secondary', async () => {
    emu('komerce').setFault('error503');
    try {
      const r = await api(s.url, 'POST', '/api/payments', { orderId: 'FO-1', amount: 100_000, method: 'va:bca' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.payment.provider, 'xendit');
      assert.ok(r.body.payment.va.number);
    } finally {
      emu('komerce').setFault(null);
    }
  });

  it('primary hangs → provider_timeout is bounded by the deadline and the secondary serves', async () => {
    emu('komerce').setFault('hang');
    try {
      const t0 = Date.now();
      const r = await api(s.url, 'POST', '/api/payments', { orderId: 'FO-2', amount: 100_000, method: 'va:bni' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.payment.provider, 'xendit');
      assert.ok(Date.now() - t0 < 5_000, 'two 400 ms deadlines, not a hang');
    } finally {
      emu('komerce').setFault(null);
    }
  });

  it('every provider for the method down → 503 provider_unavailable; the retry resumes the same payment', async () => {
    for (const id of ['komerce', 'xendit', 'midtrans'] as const) emu(id).setFault('error500');
    let paymentId: string;
    let secret: string;
    try {
      const r = await api(s.url, 'POST', '/api/payments', { orderId: 'FO-3', amount: 100_000, method: 'va:bri' });
      paymentId = r.body.error.details.paymentId;
      secret = r.body.error.details.clientSecret;
      assert.equal(r.status, 503);
      assert.equal(r.body.error.code, 'provider_unavailable');
      assert.deepEqual(r.body.error.details.tried, ['komerce', 'xendit', 'midtrans']);
      const list = await s.store.listPayments({ orderId: 'FO-3', limit: 10 });
      assert.equal(list.payments.length, 1);
      assert.equal(list.payments[0]!.instructions, null, 'kept, without a code, to be resumed');
    } finally {
      for (const id of ['komerce', 'xendit', 'midtrans'] as const) emu(id).setFault(null);
    }
    // The next attempt, once providers are back, finishes the same payment.
    // Only its creator (who holds the client secret) gets it back.
    const stranger = await api(s.url, 'POST', '/api/payments', { orderId: 'FO-3', amount: 100_000, method: 'va:bri' });
    assert.equal(stranger.status, 409);
    assert.equal(stranger.body.error.code, 'order_pending');
    assert.equal(JSON.stringify(stranger.body).includes(paymentId!), false, 'the answer does not name it');
    const ok = await api(s.url, 'POST', '/api/payments', { orderId: 'FO-3', amount: 100_000, method: 'va:bri' }, { 'bayar-client-secret': secret! });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.payment.id, paymentId);
  });

  it('a status read that meets 500, 500, then 200 succeeds on the third attempt', async () => {
    const r = await api(s.url, 'POST', '/api/payments', { orderId: 'FO-4', amount: 100_000, method: 'cstore:indomaret' });
    const rec = (await s.store.getPayment(r.body.payment.id))!;
    assert.equal(rec.provider, 'midtrans');
    emu('midtrans').setFault('error500', 2);
    const before = callsTo('midtrans');
    const st = await s.bayar.providers.get('midtrans')!.status({ providerRef: rec.providerRef!, reference: rec.reference });
    assert.equal(st.status, 'pending');
    assert.equal(callsTo('midtrans') - before, 3);
  });

  it('the breaker opens after repeated failures, stops calling, then lets the provider back in', async () => {
    const xendit = s.bayar.providers.get('xendit')!;
    emu('xendit').setFault('error503');
    const ref = { providerRef: 'qr_does_not_matter', reference: 'BYRX' };
    // Each status read makes up to 3 attempts; the breaker counts every failed call.
    for (let i = 0; i < 2; i++) await xendit.status(ref).catch(() => undefined);
    assert.equal(xendit.circuitState(), 'open');
    const before = callsTo('xendit');
    const err = await xendit.status(ref).catch((e) => e);
    assert.match(String(err.message), /circuit is open/);
    assert.equal(callsTo('xendit'), before, 'no call while open');
    // Routing skips it at once: VA goes to the next provider without waiting for xendit.
    emu('komerce').setFault('error503');
    const r = await api(s.url, 'POST', '/api/payments', { orderId: 'FO-5', amount: 100_000, method: 'va:bri' });
    emu('komerce').setFault(null);
    assert.equal(r.body.payment.provider, 'midtrans');
    assert.equal(callsTo('xendit'), before);

    emu('xendit').setFault(null);
    await new Promise((res) => setTimeout(res, 900));
    const ok = await api(s.url, 'POST', '/api/payments', { orderId: 'FO-6', amount: 100_000, method: 'qris:qris' });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.payment.provider, 'xendit');
    assert.equal(xendit.circuitState(), 'closed');
  });
});
