/**
 * Issue 11, "money safety, second pass": each numbered finding, tried as the attacker did, against the real
 * companion (sandbox emulators, real ledger). Findings 5–7 are in operations.test.ts, 10 in e2e/privacy.test.ts
 * and bad-input.test.ts; the rules themselves (planTransition) in domain.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { ConfigError, SANDBOX_CREDENTIALS as SANDBOX, loadConfig, parseRoutes } from '../../server/config.js';
import { ManualClock } from '../../server/lib/clock.js';
import { createLogger } from '../../server/lib/logger.js';
import type { HttpRequest } from '../../server/lib/http.js';
import { fromWireAmount as komerceAmount } from '../../server/providers/komerce/mapping.js';
import { TapClient, api, merchantHeaders, secretHeaders, startTestServer } from '../helpers/server.js';

const MK = merchantHeaders(SANDBOX.merchantKey);
const session = async (url: string, orderId: string, amount = 150_000) =>
  (await api(url, 'POST', '/api/sessions', { orderId, amount, customer: { name: 'Siti', email: 'siti@example.com' } }, MK)).body.session as string;

describe('finding 1: the page can name an order it does not own', () => {
  it('a catalog checkout gets a server-minted order id; a page-supplied orderId is refused', async () => {
    const s = await startTestServer({ catalog: { CHEAP: { name: 'Stiker', price: 10_000 } } });
    try {
      const victim = await api(s.url, 'POST', '/api/payments', { session: await session(s.url, 'ORDER-1001', 150_000), method: 'va:bca' });
      assert.equal(victim.status, 201);
      const attack = await api(s.url, 'POST', '/api/payments', { items: 'CHEAP:1', orderId: 'ORDER-1001', method: 'va:bca' });
      assert.equal(attack.status, 400);
      assert.equal(attack.body.error.code, 'order_id_not_allowed');
      assert.ok(!JSON.stringify(attack.body).includes(victim.body.payment.id), 'the answer names no payment');
      const cart = await api(s.url, 'POST', '/api/payments', { items: 'CHEAP:1', method: 'va:bca' });
      assert.equal(cart.status, 201);
      assert.match(cart.body.payment.orderId, /^cart-[0-9a-f]{20}$/);
      // Knowing the victim's payment id is not enough to read, stream or cancel it.
      const id = victim.body.payment.id;
      assert.equal((await api(s.url, 'GET', `/api/payments/${id}`)).status, 401);
      assert.equal((await api(s.url, 'GET', `/api/payments/${id}`, undefined, secretHeaders(cart.body.clientSecret))).status, 404);
      assert.equal((await api(s.url, 'GET', `/api/payments/${id}/events`, undefined, secretHeaders(cart.body.clientSecret))).status, 404);
      assert.equal((await api(s.url, 'POST', `/api/payments/${id}/cancel`)).status, 401);
      assert.equal((await api(s.url, 'POST', `/api/payments/${id}/cancel`, undefined, secretHeaders(cart.body.clientSecret))).status, 404);
      assert.equal((await s.store.getPayment(id))!.status, 'pending');
      assert.equal((await api(s.url, 'GET', `/api/payments/${id}`, undefined, secretHeaders(victim.body.clientSecret))).body.payment.va.number, victim.body.payment.va.number);
    } finally {
      await s.destroy();
    }
  });

  it('an unsigned page order never reaches, returns or blocks the session order of the same id', async () => {
    const s = await startTestServer();
    try {
      const victim = await api(s.url, 'POST', '/api/payments', { session: await session(s.url, 'ORDER-1002', 150_000), method: 'va:bca' });
      // Same amount and method from the page: a payment of its own, never the victim's.
      const same = await api(s.url, 'POST', '/api/payments', { orderId: 'ORDER-1002', amount: 150_000, method: 'va:bca' });
      assert.equal(same.status, 201);
      assert.notEqual(same.body.payment.id, victim.body.payment.id);
      // A different amount: no order_amount_changed carrying the victim's id.
      const cheap = await api(s.url, 'POST', '/api/payments', { orderId: 'ORDER-1002', amount: 10_000, method: 'va:bni' });
      assert.ok(!JSON.stringify(cheap.body).includes(victim.body.payment.id));
      // A cheap pending payment on ORDER-7001 does not block the merchant's session for ORDER-7001.
      const squat = await api(s.url, 'POST', '/api/payments', { orderId: 'ORDER-7001', amount: 10_000, method: 'va:bca' });
      assert.equal(squat.status, 201);
      const real = await api(s.url, 'POST', '/api/payments', { session: await session(s.url, 'ORDER-7001', 250_000), method: 'va:bca' });
      assert.equal(real.status, 201, JSON.stringify(real.body));
      assert.equal(real.body.payment.amount, 250_000);
      // Another page without the squatter's client secret gets neither its payment nor its id.
      const stranger = await api(s.url, 'POST', '/api/payments', { orderId: 'ORDER-7001', amount: 10_000, method: 'va:bca' });
      assert.equal(stranger.status, 409);
      assert.equal(stranger.body.error.code, 'order_pending');
      assert.ok(!JSON.stringify(stranger.body).includes(squat.body.payment.id));
      const creator = await api(s.url, 'POST', '/api/payments', { orderId: 'ORDER-7001', amount: 10_000, method: 'va:bca' }, secretHeaders(squat.body.clientSecret));
      assert.equal(creator.status, 200);
      assert.equal(creator.body.payment.id, squat.body.payment.id);
    } finally {
      await s.destroy();
    }
  });
});

describe('finding 2: one order is paid once', () => {
  it('a paid order refuses a second payment of any method (409 order_already_paid)', async () => {
    const s = await startTestServer();
    try {
      const token = await session(s.url, 'ORDER-TWICE');
      const first = await api(s.url, 'POST', '/api/payments', { session: token, method: 'va:bca' });
      assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${first.body.payment.id}/pay`)).body.payment.status, 'paid');
      for (const method of ['va:bca', 'qris:qris']) {
        const again = await api(s.url, 'POST', '/api/payments', { session: token, method });
        assert.equal(again.status, 409, method);
        assert.equal(again.body.error.code, 'order_already_paid');
      }
      assert.equal((await s.store.listPayments({ orderId: 'ORDER-TWICE', limit: 10 })).payments.length, 1, 'no second code issued');
    } finally {
      await s.destroy();
    }
  });

  it('switching method cancels the other code at its provider: one live code per order', async () => {
    const s = await startTestServer();
    try {
      const token = await session(s.url, 'ORDER-SWITCH');
      const va = await api(s.url, 'POST', '/api/payments', { session: token, method: 'va:bca' });
      assert.equal(va.body.payment.provider, 'komerce');
      const qr = await api(s.url, 'POST', '/api/payments', { session: token, method: 'qris:qris' });
      assert.equal(qr.status, 201);
      const old = (await s.store.getPayment(va.body.payment.id))!;
      assert.equal(old.status, 'cancelled');
      const atKomerce = await s.bayar.providers.get('komerce')!.status({ providerRef: old.providerRef!, reference: old.reference });
      assert.equal(atKomerce.status, 'cancelled', 'cancelled at the provider, not only in the ledger');
      const pending = (await s.store.listPayments({ orderId: 'ORDER-SWITCH', limit: 10 })).payments.filter((p) => p.status === 'pending');
      assert.deepEqual(pending.map((p) => p.method), ['qris:qris']);
    } finally {
      await s.destroy();
    }
  });

  it('money that still arrives twice is recorded, flagged duplicate_payment and notified (payment.duplicate)', async () => {
    const s = await startTestServer({ notifyUrl: 'http://127.0.0.1:9/hook' }, undefined, { background: false });
    try {
      const token = await session(s.url, 'ORDER-DUP');
      // QRIS at Xendit cannot be cancelled: switching to a VA leaves it pending at Xendit, flagged superseded.
      const qr = await api(s.url, 'POST', '/api/payments', { session: token, method: 'qris:qris' });
      assert.equal(qr.body.payment.provider, 'xendit');
      const va = await api(s.url, 'POST', '/api/payments', { session: token, method: 'va:bca' });
      assert.equal(va.status, 201);
      assert.deepEqual((await s.store.getPayment(qr.body.payment.id))!.flags, ['superseded']);
      assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${va.body.payment.id}/pay`)).body.payment.status, 'paid');
      // The customer pays the old QR too.
      const second = await api(s.url, 'POST', `/api/sandbox/payments/${qr.body.payment.id}/pay`);
      assert.equal(second.body.payment.status, 'paid');
      const dup = (await s.store.getPayment(qr.body.payment.id))!;
      assert.deepEqual(dup.flags, ['superseded', 'duplicate_payment']);
      // Recorded as paid (the money is real), announced as a status change and as a duplicate.
      assert.deepEqual((await s.store.history(dup.id)).map((h) => h.status), ['pending', 'paid']);
      const types = (await s.store.paymentNotifications(dup.id)).map((n) => n.type);
      assert.deepEqual(types, ['payment.status', 'payment.status', 'payment.duplicate']);
    } finally {
      await s.destroy();
    }
  });
});

/** A Midtrans HTTP notification as Midtrans signs it (signature over order id, status code, gross amount only). */
function midtransNote(url: string, orderId: string, statusCode: string, transactionStatus: string, gross: string, transactionId = 'tx-forged'): HttpRequest {
  const signature_key = createHash('sha512').update(`${orderId}${statusCode}${gross}${SANDBOX.midtrans.serverKey}`).digest('hex');
  return {
    method: 'POST',
    url: `${url}/webhooks/midtrans`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ order_id: orderId, status_code: statusCode, gross_amount: gross, transaction_status: transactionStatus, transaction_id: transactionId, signature_key, payment_type: 'cstore' }),
  };
}
const send = (r: HttpRequest) => fetch(r.url, { method: 'POST', headers: r.headers, body: r.body });

describe('findings 3 and 4: no status without the provider\'s word', () => {
  it('3: a payment with no providerRef yet is not paid by a notification signed as pending that says settlement', async () => {
    const s = await startTestServer({ routes: parseRoutes('cstore=midtrans', []) });
    try {
      const emu = s.bayar.emulators.get('midtrans')!;
      emu.setFault('error500');
      const r = await api(s.url, 'POST', '/api/payments', { session: await session(s.url, 'ORDER-NOREF', 50_000), method: 'cstore:indomaret' });
      assert.equal(r.status, 503);
      const rec = (await s.store.getPayment(r.body.error.details.paymentId))!;
      assert.equal(rec.providerRef, null);
      // Midtrans unreachable: the forged "settlement" cannot be confirmed → not applied (5xx, Midtrans retries).
      const forged = await send(midtransNote(s.url, rec.reference, '201', 'settlement', '50000.00'));
      assert.ok(forged.status >= 500, `answered ${forged.status}`);
      assert.equal((await s.store.getPayment(rec.id))!.status, 'pending');
      // Reachable again, Midtrans does not know that transaction: still not paid.
      emu.setFault(null);
      await send(midtransNote(s.url, rec.reference, '201', 'settlement', '50000.00'));
      assert.equal((await s.store.getPayment(rec.id))!.status, 'pending');
    } finally {
      await s.destroy();
    }
  });

  it('4: a pending-signed "expire" does not expire a payment Midtrans still calls pending', async () => {
    const s = await startTestServer({ routes: parseRoutes('cstore=midtrans', []) });
    try {
      const r = await api(s.url, 'POST', '/api/payments', { session: await session(s.url, 'ORDER-EXP', 50_000), method: 'cstore:indomaret' });
      const rec = (await s.store.getPayment(r.body.payment.id))!;
      const forged = await send(midtransNote(s.url, rec.reference, '201', 'expire', '50000.00', rec.providerRef!));
      assert.ok(forged.status < 300, `answered ${forged.status}`);
      assert.equal((await s.store.getPayment(rec.id))!.status, 'pending');
      // The genuine expiry (the emulator's own signed notification, confirmed by its status API) still applies.
      assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${rec.id}/expire`)).body.payment.status, 'expired');
    } finally {
      await s.destroy();
    }
  });

  it('4: an Indodana header replayed over another body changes nothing the status API does not confirm', async () => {
    const tap = new TapClient();
    const s = await startTestServer({}, undefined, { http: tap });
    try {
      const make = async (orderId: string) => {
        const opts = await api(s.url, 'GET', '/api/installments?amount=500000');
        const c = await api(s.url, 'POST', '/api/payments', { orderId, amount: 500_000, method: 'paylater:indodana', installment: opts.body.options[0].id });
        return (await s.store.getPayment(c.body.payment.id))!;
      };
      const a = await make('IND-A');
      const b = await make('IND-B');
      let held: HttpRequest | undefined;
      tap.intercept = (req) => (req.url.includes('/webhooks/indodana') && !held ? ((held = req), { status: 200, headers: {}, body: '{}' }) : undefined);
      await s.bayar.emulators.get('indodana')!.simulate('pay', a.providerRef!);
      tap.intercept = null;
      assert.ok(held);
      // The genuine header (it signs only the key and a timestamp) over a body about B that says "EXPIRED".
      const body = JSON.stringify({ ...JSON.parse(held.body!), merchantOrderId: b.reference, transactionStatus: 'EXPIRED', transactionId: b.providerRef });
      const replay = await fetch(held.url, { method: 'POST', headers: held.headers, body });
      assert.ok(replay.status < 500);
      assert.equal((await s.store.getPayment(b.id))!.status, 'pending', 'B is pending at Indodana: nothing applied');
      // The genuine notification for A still pays A (the status API confirms it), even with the same timestamp.
      assert.ok((await fetch(held.url, { method: 'POST', headers: held.headers, body: held.body })).status < 300);
      assert.equal((await s.store.getPayment(a.id))!.status, 'paid');
    } finally {
      await s.destroy();
    }
  });
});

describe('finding 8: bad input never answers 500', () => {
  it('impossible dates → 400 invalid_date naming the field; a rolled-over date is refused, not reinterpreted', async () => {
    const s = await startTestServer();
    try {
      for (const [path, field] of [
        ['/api/payments?from=2024-13-45', 'from'],
        ['/api/payments?to=2024-01-01T99:99Z', 'to'],
        ['/api/payments?from=2024-02-30', 'from'],
        ['/api/payments?to=2023-02-29T00:00:00Z', 'to'],
        ['/api/reconciliation?date=2024-13-45', 'date'],
        ['/api/reconciliation?date=0000-00-00', 'date'],
        ['/api/reconciliation?date=2024-02-30', 'date'],
        // Payment links are listed with the same filters and the same strict reading (fuzz found a 500 here).
        ['/api/links?to=1970-01-01T24:01Z', 'to'],
        ['/api/links?from=2024-02-30', 'from'],
        ['/api/links?from=2024-01-01T10:00', 'from'],
      ] as const) {
        const r = await api(s.url, 'GET', path, undefined, MK);
        assert.equal(r.status, 400, `${path} → ${r.status} ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.code, 'invalid_date', path);
        assert.equal(r.body.error.details.field, field, path);
        assert.match(r.body.error.message, new RegExp(`^${field}`));
      }
      assert.equal((await api(s.url, 'GET', '/api/payments?from=2024-02-29&to=2024-03-01T00:00:00%2B07:00', undefined, MK)).status, 200, 'a real leap day');
      assert.equal((await api(s.url, 'GET', '/api/links?from=2024-02-29&to=2024-03-01T00:00:00%2B07:00', undefined, MK)).status, 200, 'a real leap day, links');
    } finally {
      await s.destroy();
    }
  });

  it('a 30 KB body nested 15 000 deep with an Idempotency-Key → 400 json_too_deep, nothing stored', async () => {
    const s = await startTestServer();
    try {
      const deep = '['.repeat(15_000) + ']'.repeat(15_000);
      const r = await api(s.url, 'POST', '/api/payments', deep, { 'idempotency-key': 'deep-1' });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'json_too_deep');
      const obj = `{"orderId":"D","amount":10000,"method":"va:bca","customer":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`;
      assert.equal((await api(s.url, 'POST', '/api/payments', obj, { 'idempotency-key': 'deep-2' })).body.error.code, 'json_too_deep');
      assert.equal((await s.store.listPayments({ limit: 5 })).payments.length, 0);
    } finally {
      await s.destroy();
    }
  });
});

describe('finding 9: the smaller holes', () => {
  it('the cancel path compares amounts: a provider that says "paid" with another amount does not make it paid', async () => {
    const tap = new TapClient();
    const s = await startTestServer({ routes: parseRoutes('va=xendit', []) }, undefined, { http: tap });
    try {
      const c = await api(s.url, 'POST', '/api/payments', { session: await session(s.url, 'ORDER-CXL', 150_000), method: 'va:bni' });
      const rec = (await s.store.getPayment(c.body.payment.id))!;
      // The customer pays Rp149.000 into the VA; the callback is verified and flagged (the webhook path).
      await s.bayar.emulators.get('xendit')!.simulate('pay', rec.providerRef!, { amount: 149_000 });
      assert.deepEqual((await s.store.getPayment(rec.id))!.flags, ['amount_mismatch']);
      // Then the customer presses cancel: Xendit answers "paid" (Rp149.000). Not paid, not cancelled.
      const r = await api(s.url, 'POST', `/api/payments/${rec.id}/cancel`, undefined, secretHeaders(c.body.clientSecret));
      assert.equal(r.status, 409);
      const after = (await s.store.getPayment(rec.id))!;
      assert.equal(after.status, 'pending');
      assert.deepEqual(after.flags, ['amount_mismatch']);
    } finally {
      await s.destroy();
    }
  });

  it('amounts read from Komerce are exact: 149999.5 is a mismatch, never 150000', () => {
    for (const bad of [149_999.5, '149999.5', '149999.50', '1e5', 'abc', -5]) assert.ok(Number.isNaN(komerceAmount(bad)), String(bad));
    assert.equal(komerceAmount('150000.00'), 150_000);
    assert.equal(komerceAmount(150_000), 150_000);
  });

  it('Idempotency-Keys expire after 24 h: the key is free again, and the reconciler purges old ones', async () => {
    const clock = new ManualClock(Date.parse('2026-05-01T00:00:00Z'));
    const s = await startTestServer({}, undefined, { clock, background: false });
    try {
      const key = { 'idempotency-key': 'order-77-attempt-1' };
      assert.equal((await api(s.url, 'POST', '/api/payments', { orderId: 'IDEM-1', amount: 10_000, method: 'va:bca' }, key)).status, 201);
      assert.equal((await api(s.url, 'POST', '/api/payments', { orderId: 'IDEM-2', amount: 10_000, method: 'va:bca' }, key)).body.error.code, 'idempotency_key_reused');
      clock.advance(24 * 3600_000 + 60_000);
      assert.equal((await api(s.url, 'POST', '/api/payments', { orderId: 'IDEM-2', amount: 10_000, method: 'va:bca' }, key)).status, 201, 'expired: a new request');
      clock.advance(24 * 3600_000 + 60_000);
      await s.bayar.reconciler.runOnce();
      assert.equal(await s.store.purgeIdempotency(new Date(clock.now().getTime() - 24 * 3600_000).toISOString()), 0, 'already purged by the pass');
    } finally {
      await s.destroy();
    }
  });

  it('live mode refuses to start without an https BAYAR_PUBLIC_URL', () => {
    const base = { BAYAR_MODE: 'live', BAYAR_MERCHANT_KEY: 'k'.repeat(32), MIDTRANS_SERVER_KEY: 'Mid-server-x', BAYAR_METRICS_TOKEN: 'metrics-token-0123456789' };
    for (const url of [undefined, 'http://shop.example']) {
      assert.throws(() => loadConfig({ ...base, ...(url ? { BAYAR_PUBLIC_URL: url } : {}) }), (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith('BAYAR_PUBLIC_URL')));
    }
    assert.equal(loadConfig({ ...base, BAYAR_PUBLIC_URL: 'https://shop.example/bayar' }).publicUrl, 'https://shop.example/bayar');
  });

  it('log redaction masks secrets whatever bytes they contain (quotes, backslashes)', () => {
    const secret = 'Mid-server-"quoted"\\back\\slash';
    let out = '';
    const log = createLogger('info', [secret], new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) }));
    log.info({ detail: { note: `key=${secret}` }, list: [secret] }, `calling with ${secret}`);
    assert.ok(out.length > 0);
    assert.ok(!out.includes('quoted'), out);
    assert.ok(!out.includes('back\\\\slash') && !out.includes('back\\slash'), out);
    assert.equal(out.match(/\[REDACTED\]/g)?.length, 3);
  });
});
