/**
 * Limits as data, deadlines by method, and the customer's "check status": what GET /api/methods says an amount can
 * use is exactly what POST /api/payments accepts; deadlines follow the family defaults and the operator's settings
 * but never what the provider cannot do; a customer-driven check asks the provider now, at a bounded rate.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Payment, PaymentMethod } from '../../server/api-types.js';
import { ConfigError, SANDBOX_CREDENTIALS, loadConfig } from '../../server/config.js';
import { ManualClock } from '../../server/lib/clock.js';
import { TapClient, api, merchantHeaders, startTestServer, type TestServer } from '../helpers/server.js';

const customer = { name: 'Siti Rahma', email: 'siti@example.com', phone: '081234567890' };
const methodsFor = async (s: TestServer, amount: number) => {
  const r = await api<{ methods: PaymentMethod[] }>(s.url, 'GET', `/api/methods?amount=${amount}`);
  assert.equal(r.status, 200);
  return new Map(r.body.methods.map((m) => [m.id, m]));
};
const minutesLeft = (p: Payment) => Math.round((Date.parse(p.expiresAt) - Date.parse(p.createdAt)) / 60_000);

describe('amount limits', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.destroy());

  it('Rp 5,000: VA and convenience stores are listed unavailable (below their minimum), QRIS and e-wallets usable', async () => {
    const m = await methodsFor(s, 5_000);
    for (const id of ['va:bca', 'va:bni', 'cstore:indomaret', 'cstore:alfamart', 'paylater:indodana']) {
      assert.equal(m.get(id)?.available, false, id);
      assert.equal(m.get(id)?.unavailableReason, 'below_minimum', id);
      assert.ok(m.get(id)!.minAmount > 5_000, id);
    }
    assert.equal(m.get('qris:qris')?.available, true);
    assert.equal(m.get('ewallet:shopeepay')?.available, true);
    assert.equal(m.get('qris:qris')?.unavailableReason, undefined);
  });

  it('Rp 15,000,000: QRIS is over the Rp 10,000,000 cap, GoPay over Midtrans\'s limit; VA usable', async () => {
    const m = await methodsFor(s, 15_000_000);
    assert.deepEqual([m.get('qris:qris')?.available, m.get('qris:qris')?.unavailableReason, m.get('qris:qris')?.maxAmount], [false, 'above_maximum', 10_000_000]);
    assert.deepEqual([m.get('ewallet:gopay')?.available, m.get('ewallet:gopay')?.unavailableReason], [false, 'above_maximum']);
    assert.equal(m.get('va:bca')?.available, true);
  });

  it('a method another provider in the route can take stays available, served by that provider', async () => {
    // Indomaret: Midtrans takes at most Rp 5,000,000; Doku (next in the sandbox route) takes more.
    assert.deepEqual([(await methodsFor(s, 4_000_000)).get('cstore:indomaret')?.provider, (await methodsFor(s, 6_000_000)).get('cstore:indomaret')?.provider], ['midtrans', 'doku']);
  });

  it('creating an unavailable method anyway: 422 naming the limits, nothing created', async () => {
    const over = await api(s.url, 'POST', '/api/payments', { orderId: 'LIM-1', amount: 15_000_000, method: 'qris:qris', customer });
    assert.equal(over.status, 422);
    assert.equal(over.body.error.code, 'amount_above_maximum');
    assert.match(over.body.error.message, /Rp 1\.500 to Rp 10\.000\.000; this order is Rp 15\.000\.000/);
    assert.deepEqual(over.body.error.details, { method: 'qris:qris', amount: 15_000_000, minAmount: 1_500, maxAmount: 10_000_000 });
    const under = await api(s.url, 'POST', '/api/payments', { orderId: 'LIM-1', amount: 5_000, method: 'va:bca', customer });
    assert.equal(under.status, 422);
    assert.equal(under.body.error.code, 'amount_below_minimum');
    assert.match(under.body.error.message, /takes Rp 10\.000 to /);
    const list = await api(s.url, 'GET', '/api/payments?orderId=LIM-1', undefined, merchantHeaders(SANDBOX_CREDENTIALS.merchantKey));
    assert.deepEqual(list.body.payments, []);
  });

  it('every method the list calls available is accepted, at both amounts', async () => {
    for (const amount of [5_000, 15_000_000]) {
      for (const m of (await methodsFor(s, amount)).values()) {
        if (!m.available || m.family === 'paylater') continue;
        const r = await api(s.url, 'POST', '/api/payments', { orderId: `LIM-OK-${amount}-${m.id.replace(':', '-')}`, amount, method: m.id, customer });
        assert.ok(r.status === 201, `${m.id} at ${amount}: ${r.status} ${JSON.stringify(r.body)}`);
        assert.equal(r.body.payment.provider, m.provider, m.id);
      }
    }
  });
});

describe('limits and deadlines are configurable', () => {
  it('BAYAR_LIMITS narrows a family or one method; malformed values are listed', async () => {
    const config = loadConfig({ BAYAR_MODE: 'sandbox', LOG_LEVEL: 'silent', BAYAR_LIMITS: 'qris=20000-;va:bca=-1000000' });
    const s = await startTestServer({ limits: config.limits });
    try {
      const m = await methodsFor(s, 15_000);
      assert.equal(m.get('qris:qris')?.unavailableReason, 'below_minimum');
      assert.equal(m.get('qris:qris')?.minAmount, 20_000);
      const big = await methodsFor(s, 2_000_000);
      assert.equal(big.get('va:bca')?.unavailableReason, 'above_maximum');
      assert.equal(big.get('va:bni')?.available, true);
    } finally {
      await s.destroy();
    }
    assert.throws(
      () => loadConfig({ BAYAR_MODE: 'sandbox', BAYAR_LIMITS: 'qris=abc;crypto=1-2;va=500-100' }),
      (e: ConfigError) => e.problems.length === 3 && e.problems.every((p) => p.startsWith('BAYAR_LIMITS')),
    );
    assert.throws(() => loadConfig({ BAYAR_MODE: 'sandbox', BAYAR_TTL: 'va=10;qris' }), (e: ConfigError) => e.problems.length === 2);
  });

  it('defaults by family: VA and stores 24 h, QRIS and e-wallets 15 min, Komerce QRIS its fixed 5 min', async () => {
    const s = await startTestServer({ routes: { va: ['komerce'], qris: ['komerce'], ewallet: ['xendit', 'midtrans'], cstore: ['midtrans'], paylater: ['indodana'], card: [] } });
    try {
      const create = async (method: string) => {
        const r = await api(s.url, 'POST', '/api/payments', { orderId: `TTL-${method.replace(':', '-')}`, amount: 50_000, method, customer });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        return r.body.payment as Payment;
      };
      assert.equal(minutesLeft(await create('va:bca')), 24 * 60);
      assert.equal(minutesLeft(await create('qris:qris')), 5);
      assert.equal(minutesLeft(await create('ewallet:dana')), 15);
      assert.equal(minutesLeft(await create('ewallet:gopay')), 15);
      assert.equal(minutesLeft(await create('cstore:alfamart')), 24 * 60);
    } finally {
      await s.destroy();
    }
  });

  it('BAYAR_TTL per family wins over BAYAR_PAYMENT_TTL_SECONDS, and both stay within what the provider allows', async () => {
    const config = loadConfig({ BAYAR_MODE: 'sandbox', LOG_LEVEL: 'silent', BAYAR_PAYMENT_TTL_SECONDS: '1800', BAYAR_TTL: 'cstore=7200;ewallet=3600' });
    const s = await startTestServer({ deadlines: config.deadlines, routes: { va: ['komerce', 'midtrans'], qris: ['xendit'], ewallet: ['xendit', 'midtrans'], cstore: ['midtrans'], paylater: ['indodana'], card: [] } });
    try {
      const create = async (method: string) => {
        const r = await api(s.url, 'POST', '/api/payments', { orderId: `TTL2-${method.replace(':', '-')}`, amount: 50_000, method, customer });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        return r.body.payment as Payment;
      };
      assert.equal(minutesLeft(await create('cstore:indomaret')), 120, 'BAYAR_TTL cstore');
      assert.equal(minutesLeft(await create('qris:qris')), 30, 'BAYAR_PAYMENT_TTL_SECONDS for the rest');
      // Komerce VAs stay open at least an hour (expiry_duration ≥ 3600, providers.md §3.3).
      assert.equal(minutesLeft(await create('va:bca')), 60);
      // Xendit e-wallet charges: at most the 15 minutes we can promise, whatever BAYAR_TTL asks.
      assert.equal(minutesLeft(await create('ewallet:dana')), 15);
      // Midtrans GoPay takes up to 7 days: the hour asked for.
      assert.equal(minutesLeft(await create('ewallet:gopay')), 60);
    } finally {
      await s.destroy();
    }
  });
});

describe('check status ("I have paid")', () => {
  const tap = new TapClient();
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  before(async () => (s = await startTestServer({ routes: { va: ['komerce'], qris: ['xendit'], ewallet: ['xendit'], cstore: ['midtrans'], paylater: ['indodana'], card: [] } }, undefined, { clock, http: tap, background: false })));
  after(() => s.destroy());

  it('a lost webhook: the customer\'s check asks the provider and the payment turns paid; a second press within the interval is 429', async () => {
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'CHK-1', amount: 75_000, method: 'va:bca', customer });
    assert.equal(created.status, 201);
    const id = created.body.payment.id;
    // Only the payment's creator may make the companion ask the provider (its client secret).
    const own = { 'bayar-client-secret': created.body.clientSecret };
    assert.equal((await api(s.url, 'POST', `/api/payments/${id}/check`)).status, 401);
    const early = await api(s.url, 'POST', `/api/payments/${id}/check`, undefined, own);
    assert.equal(early.status, 200);
    assert.equal(early.body.payment.status, 'pending');
    const tooSoon = await api(s.url, 'POST', `/api/payments/${id}/check`, undefined, own);
    assert.equal(tooSoon.status, 429);
    assert.equal(tooSoon.body.error.code, 'check_too_soon');
    assert.equal(tooSoon.headers.get('retry-after'), '10');

    tap.intercept = (req) => (req.url.endsWith('/webhooks/komerce') ? { status: 200, headers: {}, body: '{}' } : undefined);
    try {
      assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${id}/pay`)).body.payment.status, 'pending');
    } finally {
      tap.intercept = null;
    }
    clock.advance(10_000);
    const checked = await api(s.url, 'POST', `/api/payments/${id}/check`, undefined, own);
    assert.equal(checked.status, 200);
    assert.equal(checked.body.payment.status, 'paid');
    // Closed: further checks answer the ledger without asking the provider.
    const calls = tap.seen.length;
    assert.equal((await api(s.url, 'POST', `/api/payments/${id}/check`, undefined, own)).body.payment.status, 'paid');
    assert.equal(tap.seen.length, calls);
  });

  it('an unknown payment is 404', async () => {
    const r = await api(s.url, 'POST', '/api/payments/pay_nope/check', undefined, { authorization: `Bearer ${SANDBOX_CREDENTIALS.merchantKey}` });
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'payment_not_found');
  });
});
