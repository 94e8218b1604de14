/**
 * Refunds through the merchant API (POST /api/payments/:id/refund): full and partial refunds where the provider
 * has a refund call (Midtrans, Indodana order cancellation, Xendit e-wallet), a clear refusal where it has not
 * (Komerce, Doku), and a ledger that never lets refunds add up to more than was paid — concurrent ones included.
 * Every payment is paid for real: the provider emulator sends its signed webhook.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { MerchantNotification, Payment, RefundResponse } from '../../server/api-types.js';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { signNotification } from '../../server/domain/notifier.js';
import type { HttpRequest } from '../../server/lib/http.js';
import { TapClient, api, merchantHeaders, startTestServer, type TestServer } from '../helpers/server.js';

const KEY = SANDBOX_CREDENTIALS.merchantKey;
const AUTH = merchantHeaders(KEY);
const MK = AUTH;
const customer = { name: 'Siti Rahayu', email: 'siti@example.com', phone: '081234567890' };

/** The merchant's backend: records every notification with its signature. */
async function merchantBackend() {
  const received: Array<{ body: string; signature: string }> = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['bayar-signature']) });
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bayar/notify`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('refunds', () => {
  let s: TestServer;
  let backend: Awaited<ReturnType<typeof merchantBackend>>;
  const tap = new TapClient();
  let n = 0;

  /** Creates a payment and has the provider's emulator pay it; returns the payment. */
  async function paid(method: string, amount: number, extra: Record<string, unknown> = {}): Promise<Payment> {
    const created = await api(s.url, 'POST', '/api/payments', { orderId: `RF-${++n}`, amount, method, customer, ...extra });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const pay = await api(s.url, 'POST', `/api/sandbox/payments/${created.body.payment.id}/pay`);
    assert.equal(pay.status, 200, JSON.stringify(pay.body));
    assert.equal(pay.body.payment.status, 'paid');
    return pay.body.payment;
  }

  const refund = (id: string, amount: number, reason = 'customer returned the goods', headers: Record<string, string> = {}) =>
    api<RefundResponse>(s.url, 'POST', `/api/payments/${id}/refund`, { amount, reason }, { ...AUTH, ...headers });

  const notificationsFor = (id: string) =>
    backend.received.map((r) => ({ ...r, parsed: JSON.parse(r.body) as MerchantNotification })).filter((r) => r.parsed.payment.id === id);

  async function waitForNotifications(id: string, pred: (types: string[]) => boolean) {
    const deadline = Date.now() + 10_000;
    const key = (r: { parsed: MerchantNotification }) => (r.parsed.type === 'payment.refund' ? 'refund' : r.parsed.payment.status);
    while (!pred(notificationsFor(id).map(key)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return notificationsFor(id);
  }

  before(async () => {
    backend = await merchantBackend();
    s = await startTestServer(
      {
        notifyUrl: backend.url,
        // Each method lands on the provider a case needs: Komerce VA and Doku convenience store cannot refund;
        // Xendit e-wallet, Midtrans GoPay/QRIS and Indodana PayLater can.
        routes: { va: ['komerce'], qris: ['midtrans'], ewallet: ['xendit', 'midtrans'], cstore: ['doku'], paylater: ['indodana'], card: [] },
      },
      undefined,
      { http: tap, notifierOptions: { baseDelayMs: 20, maxDelayMs: 100, intervalMs: 20 } },
    );
  });
  after(async () => {
    await s.destroy();
    await backend.close();
  });

  it('a full refund (Midtrans GoPay) → refunded, history entry, and the merchant is notified, signed', async () => {
    const p = await paid('ewallet:gopay', 150_000);
    assert.equal(p.provider, 'midtrans');
    const r = await refund(p.id, 150_000);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.refund.status, 'succeeded');
    assert.equal(r.body.refund.amount, 150_000);
    assert.equal(r.body.refund.paymentId, p.id);
    assert.equal(r.body.payment.status, 'refunded');
    assert.equal(r.body.payment.refundedAmount, 150_000);
    assert.equal((await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MK)).body.payment.status, 'refunded');
    assert.deepEqual((await s.store.history(p.id)).map((h) => h.status), ['pending', 'paid', 'refunded']);
    assert.ok(tap.seen.some((q) => q.method === 'POST' && /\/emulators\/midtrans\/v2\/[^/]+\/refund$/.test(q.url)), 'Midtrans was asked to refund');

    const got = await waitForNotifications(p.id, (t) => t.includes('refunded') && t.includes('refund'));
    const kinds = got.map((g) => (g.parsed.type === 'payment.refund' ? 'refund' : g.parsed.payment.status));
    assert.deepEqual(kinds, ['pending', 'paid', 'refunded', 'refund'], 'in order, once each');
    const note = got.find((g) => g.parsed.type === 'payment.refund')!;
    assert.ok(note.parsed.type === 'payment.refund');
    assert.equal(note.parsed.refund.id, r.body.refund.id);
    assert.equal(note.parsed.refund.amount, 150_000);
    for (const g of got) {
      const t = /^t=(\d+),v1=[0-9a-f]{64}$/.exec(g.signature);
      assert.ok(t, g.signature);
      assert.equal(g.signature, signNotification(g.body, KEY, Number(t[1])), 'signed with the merchant key over t.body');
    }
  });

  it('partial refunds (Indodana PayLater) that add up → refunded only with the last one', async () => {
    const p = await paid('paylater:indodana', 300_000, { installment: '3_months' });
    assert.equal(p.provider, 'indodana');
    const first = await refund(p.id, 100_000, 'one item out of stock');
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.payment.status, 'paid', 'a partial refund keeps the payment paid');
    assert.equal(first.body.payment.refundedAmount, 100_000);
    const second = await refund(p.id, 150_000, 'second item returned');
    assert.equal(second.body.payment.status, 'paid');
    assert.equal(second.body.payment.refundedAmount, 250_000);
    const last = await refund(p.id, 50_000, 'shipping fee');
    assert.equal(last.status, 201, JSON.stringify(last.body));
    assert.equal(last.body.payment.status, 'refunded');
    assert.equal(last.body.payment.refundedAmount, 300_000);
    const cancellations = tap.seen.filter((q) => q.url.includes('/emulators/indodana/') && q.url.includes('order_cancellation'));
    assert.deepEqual(
      cancellations.map((q) => JSON.parse(q.body!).cancellationAmount).map(Number),
      [100_000, 150_000, 50_000],
      'each refund is one Indodana order cancellation for its own amount',
    );
    const refunds = await s.store.listRefunds({ paymentId: p.id });
    assert.deepEqual(refunds.map((f) => [f.amount, f.status]), [[100_000, 'succeeded'], [150_000, 'succeeded'], [50_000, 'succeeded']]);
    assert.deepEqual((await s.store.history(p.id)).map((h) => h.status), ['pending', 'paid', 'refunded']);

    const got = await waitForNotifications(p.id, (t) => t.filter((x) => x === 'refund').length === 3);
    assert.deepEqual(
      got.filter((g) => g.parsed.type === 'payment.refund').map((g) => (g.parsed.type === 'payment.refund' ? g.parsed.refund.amount : 0)),
      [100_000, 150_000, 50_000],
    );
  });

  it('over-refund → 422 refund_exceeds_payment with what is left, and nothing changes', async () => {
    const p = await paid('ewallet:dana', 100_000);
    assert.equal(p.provider, 'xendit');
    assert.equal((await refund(p.id, 60_000)).status, 201);
    const callsBefore = tap.seen.length;
    const over = await refund(p.id, 40_001);
    assert.equal(over.status, 422, JSON.stringify(over.body));
    assert.equal((over.body as any).error.code, 'refund_exceeds_payment');
    assert.equal((over.body as any).error.details.refundable, 40_000);
    assert.equal(tap.seen.slice(callsBefore).filter((q) => q.url.includes('/emulators/')).length, 0, 'the provider was never asked');
    const after = (await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MK)).body.payment;
    assert.equal(after.status, 'paid');
    assert.equal(after.refundedAmount, 60_000);
    assert.deepEqual((await s.store.listRefunds({ paymentId: p.id })).map((f) => f.amount), [60_000]);

    const fresh = await paid('ewallet:dana', 50_000);
    const tooMuch = await refund(fresh.id, 50_001);
    assert.equal(tooMuch.status, 422);
    assert.equal((tooMuch.body as any).error.code, 'refund_exceeds_payment');
    assert.equal((await s.store.listRefunds({ paymentId: fresh.id })).length, 0);
    // The exact remainder is still allowed afterwards.
    const rest = await refund(p.id, 40_000);
    assert.equal(rest.status, 201);
    assert.equal(rest.body.payment.status, 'refunded');
  });

  it('20 concurrent refunds of 10% + Rp1 each (Xendit e-wallet) → exactly 9 succeed; the sum never exceeds the amount', async () => {
    const amount = 100_000;
    const each = amount / 10 + 1;
    const p = await paid('ewallet:shopeepay', amount);
    assert.equal(p.provider, 'xendit');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => refund(p.id, each, `concurrent refund ${i}`)));
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    assert.equal(ok.length, 9, `statuses: ${results.map((r) => r.status).join(',')}`);
    for (const r of refused) {
      assert.equal(r.status, 422);
      assert.equal((r.body as any).error.code, 'refund_exceeds_payment');
    }
    const refunds = await s.store.listRefunds({ paymentId: p.id });
    const succeeded = refunds.filter((f) => f.status === 'succeeded');
    assert.equal(succeeded.length, 9);
    assert.equal(refunds.length, 9, 'refused refunds leave no record behind');
    const sum = succeeded.reduce((a, f) => a + f.amount, 0);
    assert.equal(sum, 9 * each);
    assert.ok(sum <= amount);
    const after = (await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MK)).body.payment;
    assert.equal(after.refundedAmount, sum);
    assert.equal(after.status, 'paid', 'Rp 9,991 is still unrefunded');
    const charge = (await s.store.getPayment(p.id))!.providerRef!;
    const providerRefunds = tap.seen.filter((q) => q.method === 'POST' && q.url.endsWith(`/emulators/xendit/ewallets/charges/${charge}/refunds`));
    assert.equal(providerRefunds.length, 9, 'the provider was asked exactly as often as refunds succeeded');
  });

  it("the provider's own refund callback does not override the ledger; a refund made outside Bayar is flagged", async () => {
    // Partial refund through Bayar: Xendit's refund callback says "refunded", the ledger knows it was partial.
    // The callback is held back and delivered by the test, so its effect is known once it is answered.
    const p = await paid('ewallet:dana', 90_000);
    let held: HttpRequest | undefined;
    tap.intercept = (q) => (q.url.endsWith('/webhooks/xendit') && q.body?.includes('"ewallet.refund"') ? ((held = q), { status: 200, headers: {}, body: '{}' }) : undefined);
    try {
      assert.equal((await refund(p.id, 30_000)).status, 201);
      const deadline = Date.now() + 5_000;
      while (!held && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      tap.intercept = null;
    }
    assert.ok(held, 'Xendit sent its refund callback');
    const delivered = await fetch(held.url, { method: 'POST', headers: held.headers, body: held.body });
    assert.equal(delivered.status, 200);
    const after = (await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MK)).body.payment;
    assert.equal(after.status, 'paid', 'two thirds are still paid');
    assert.equal(after.refundedAmount, 30_000);
    assert.deepEqual((await s.store.getPayment(p.id))!.flags, []);
    assert.equal((await refund(p.id, 60_000)).body.payment.status, 'refunded', 'the rest can still be refunded');

    // A refund made in the provider's dashboard (here: straight at the emulator) reaches Bayar only as a callback.
    const q = await paid('ewallet:shopeepay', 45_000);
    const chargeId = (await s.store.getPayment(q.id))!.providerRef!;
    const direct = await fetch(`${s.url}/emulators/xendit/ewallets/charges/${chargeId}/refunds`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${SANDBOX_CREDENTIALS.xendit.secretKey}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 45_000, reason: 'REQUESTED_BY_CUSTOMER' }),
    });
    assert.equal(direct.status, 200, await direct.clone().text());
    const until = Date.now() + 5_000;
    while (!(await s.store.getPayment(q.id))!.flags.includes('external_refund') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const flagged = (await s.store.getPayment(q.id))!;
    assert.deepEqual(flagged.flags, ['external_refund']);
    assert.equal(flagged.status, 'paid', 'the ledger does not invent a refund record it never made');
    assert.equal((await api(s.url, 'GET', `/api/payments/${q.id}`, undefined, MK)).body.payment.refundedAmount, undefined);
  });

  for (const [method, provider] of [
    ['va:bca', 'komerce'],
    ['cstore:alfamart', 'doku'],
  ] as const) {
    it(`${provider} cannot refund → 422 refund_not_supported naming the provider and why; the payment stays paid`, async () => {
      const p = await paid(method, 75_000);
      assert.equal(p.provider, provider);
      const r = await refund(p.id, 75_000);
      assert.equal(r.status, 422, JSON.stringify(r.body));
      const error = (r.body as any).error;
      assert.equal(error.code, 'refund_not_supported');
      assert.equal(error.details.provider, provider);
      assert.match(error.message, new RegExp(provider, 'i'));
      assert.match(error.message, provider === 'doku' ? /Back Office/ : /no refund API/, 'the provider adapter says why');
      assert.doesNotMatch(error.message, /\.\./, 'reads as sentences');
      const after = (await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, MK)).body.payment;
      assert.equal(after.status, 'paid');
      assert.equal(after.refundedAmount, undefined, 'nothing is reserved against the payment');
      const refunds = await s.store.listRefunds({ paymentId: p.id });
      assert.deepEqual(refunds.map((f) => f.status), ['failed'], 'the attempt is on record as failed');
    });
  }

  it('a refund of a payment that is not paid → 409 payment_not_paid (pending, cancelled, already refunded)', async () => {
    const created = await api(s.url, 'POST', '/api/payments', { orderId: `RF-${++n}`, amount: 80_000, method: 'ewallet:dana', customer });
    const id = created.body.payment.id;
    const pending = await refund(id, 10_000);
    assert.equal(pending.status, 409, JSON.stringify(pending.body));
    assert.equal((pending.body as any).error.code, 'payment_not_paid');
    assert.match((pending.body as any).error.message, /pending/);
    assert.equal((await api(s.url, 'POST', `/api/payments/${id}/cancel`, undefined, MK)).status, 200);
    const cancelled = await refund(id, 10_000);
    assert.equal(cancelled.status, 409);
    assert.match((cancelled.body as any).error.message, /cancelled/);
    assert.equal((await s.store.listRefunds({ paymentId: id })).length, 0);

    const done = await paid('ewallet:gopay', 20_000);
    assert.equal((await refund(done.id, 20_000)).body.payment.status, 'refunded');
    const again = await refund(done.id, 1);
    assert.equal(again.status, 409);
    assert.equal((again.body as any).error.code, 'payment_not_paid');
  });

  it('needs the merchant key, a positive integer amount and a reason; an unknown payment is 404', async () => {
    const p = await paid('qris:qris', 25_000);
    assert.equal(p.provider, 'midtrans');
    const noAuth = await api(s.url, 'POST', `/api/payments/${p.id}/refund`, { amount: 1000, reason: 'x' });
    assert.equal(noAuth.status, 401);
    const wrongKey = await api(s.url, 'POST', `/api/payments/${p.id}/refund`, { amount: 1000, reason: 'x' }, merchantHeaders('not-the-key-at-all'));
    assert.equal(wrongKey.status, 401);
    for (const body of [{ amount: 0, reason: 'x' }, { amount: 10.5, reason: 'x' }, { amount: '1000', reason: 'x' }, { amount: 1000 }, { amount: 1000, reason: '  ' }]) {
      const bad = await api(s.url, 'POST', `/api/payments/${p.id}/refund`, body, AUTH);
      assert.equal(bad.status, 400, `${JSON.stringify(body)} → ${bad.status}`);
    }
    const unknown = await refund('pay_doesNotExist000000000', 1000);
    assert.equal(unknown.status, 404);
    assert.equal((await s.store.listRefunds({ paymentId: p.id })).length, 0);
    // QRIS through Midtrans is refundable, partially.
    const ok = await refund(p.id, 5_000);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.payment.refundedAmount, 5_000);
  });

  it('an Idempotency-Key makes a retried refund happen once', async () => {
    const p = await paid('ewallet:linkaja', 40_000);
    const key = `refund-${p.id}-1`;
    const [a, b] = await Promise.all([refund(p.id, 10_000, 'retry me', { 'idempotency-key': key }), refund(p.id, 10_000, 'retry me', { 'idempotency-key': key })]);
    const c = await refund(p.id, 10_000, 'retry me', { 'idempotency-key': key });
    assert.deepEqual([a.status, b.status, c.status], [201, 201, 201]);
    assert.equal(a.body.refund.id, b.body.refund.id);
    assert.equal(a.body.refund.id, c.body.refund.id);
    assert.equal(c.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual((await s.store.listRefunds({ paymentId: p.id })).map((f) => f.amount), [10_000]);
    const reused = await refund(p.id, 20_000, 'retry me', { 'idempotency-key': key });
    assert.equal(reused.status, 422);
    assert.equal((reused.body as any).error.code, 'idempotency_key_reused');
  });
});
