/**
 * The full sandbox flow over HTTP, as a storefront and its customer would drive it:
 * methods → create VA → the bank pays (emulator) → signed webhook → ledger paid → SSE tells the widget.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { TapClient, api, merchantHeaders, openSse, secretHeaders, startTestServer, type TestServer } from '../helpers/server.js';

const KEY = SANDBOX_CREDENTIALS.merchantKey;

describe('sandbox flow through Komerce', () => {
  let s: TestServer;
  const tap = new TapClient();
  before(async () => {
    s = await startTestServer({}, undefined, { http: tap });
  });
  after(() => s.destroy());

  it('lists methods for the amount, creates a VA, pays it and streams the status', async () => {
    const sess = await api(s.url, 'POST', '/api/sessions', { orderId: 'ORDER-1', amount: 150_000, customer: { name: 'Siti', email: 'siti@example.com', phone: '081234567890' } }, merchantHeaders(KEY));
    assert.equal(sess.status, 201);
    const session = sess.body.session as string;

    const methods = await api(s.url, 'GET', '/api/methods', undefined, { 'bayar-session': session });
    assert.equal(methods.status, 200);
    const bca = methods.body.methods.find((m: any) => m.id === 'va:bca');
    assert.ok(bca, 'va:bca is offered');
    assert.equal(bca.provider, 'komerce');
    assert.ok(methods.body.methods.some((m: any) => m.family === 'qris'));

    const created = await api(s.url, 'POST', '/api/payments', { session, method: 'va:bca' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const p = created.body.payment;
    assert.equal(p.status, 'pending');
    assert.equal(p.amount, 150_000);
    assert.equal(p.currency, 'IDR');
    assert.equal(p.va.bank.toLowerCase(), 'bca');
    assert.match(p.va.number, /^\d{10,20}$/);
    assert.ok(p.id.length >= 22, 'id carries ≥128 random bits');
    // The widget's answer carries how to pay at BCA, in both languages (the widget ships no bank's steps); the
    // merchant's read does not.
    assert.deepEqual(p.steps.id.map((s: string[]) => s[0]), ['mobile', 'atm', 'internet']);
    assert.deepEqual(p.steps.en.map((s: string[]) => s[0]), ['mobile', 'atm', 'internet']);
    assert.equal(p.steps.id[1][2], 'Pilih menu Transaksi Lainnya › Transfer › ke Rek BCA Virtual Account.');
    assert.equal(p.steps.en[0][1], 'Open the BCA mobile app and log in.');
    assert.equal(p.steps.en[2][3], `Enter the Virtual Account number ${p.va.number.replace(/(.{4})(?=.)/g, '$1 ')}.`);
    const merchantRead = await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, merchantHeaders(KEY));
    assert.equal(merchantRead.status, 200);
    assert.equal(merchantRead.body.payment.va.number, p.va.number);
    assert.equal(merchantRead.body.payment.steps, undefined);

    // The same order and method again: the pending payment comes back, no second VA.
    const again = await api(s.url, 'POST', '/api/payments', { session, method: 'va:bca' });
    assert.equal(again.status, 200);
    assert.equal(again.body.payment.id, p.id);
    assert.equal(again.body.payment.va.number, p.va.number);

    assert.match(created.body.clientSecret, /^pcs_[A-Za-z0-9_-]{32}$/);
    const unlock = secretHeaders(created.body.clientSecret);
    const sse = openSse(`${s.url}/api/payments/${p.id}/events`, unlock);
    await sse.until((m) => m.length >= 1);
    assert.equal(JSON.parse(sse.messages[0]!.data).payment.status, 'pending');
    // Streams come from the ledger's snapshots: the payment without its steps (the widget remembers the answer's).
    assert.equal(JSON.parse(sse.messages[0]!.data).payment.va.number, p.va.number);
    assert.equal(JSON.parse(sse.messages[0]!.data).payment.steps, undefined);

    const paid = await api(s.url, 'POST', `/api/sandbox/payments/${p.id}/pay`);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.payment.status, 'paid');
    assert.ok(paid.body.payment.paidAt);
    assert.equal(paid.body.payment.va, undefined, 'instructions are withdrawn once paid');

    const webhook = tap.seen.find((r) => r.url.endsWith('/webhooks/komerce'));
    assert.ok(webhook, 'the emulator delivered its webhook over HTTP');
    assert.ok(webhook.headers?.['X-Callback-Api-Key'] ?? webhook.headers?.['x-callback-api-key'], 'signed');

    await sse.until((m) => m.some((x) => JSON.parse(x.data).payment.status === 'paid'));
    const ids = sse.messages.map((m) => Number(m.id));
    assert.deepEqual([...ids].sort((a, b) => a - b), ids, 'SSE ids increase');
    await sse.close();

    const read = await api(s.url, 'GET', `/api/payments/${p.id}`, undefined, unlock);
    assert.equal(read.body.payment.status, 'paid');

    // Resuming with Last-Event-ID of the pending event replays only the paid one.
    const resumed = openSse(`${s.url}/api/payments/${p.id}/events?client_secret=${created.body.clientSecret}`, { 'last-event-id': sse.messages[0]!.id! });
    await resumed.until((m) => m.length >= 1);
    await resumed.drain(s.bus!, p.id);
    await resumed.close();
    assert.deepEqual(resumed.messages.map((m) => JSON.parse(m.data).payment.status), ['paid']);
  });

  it('creates a QRIS payment whose payload carries the amount and a valid CRC', async () => {
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'ORDER-QR', amount: 25_000, method: 'qris:qris' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { parseQris } = await import('../../server/lib/qris.js');
    const info = parseQris(created.body.payment.qris.qrString);
    assert.equal(info.amount, 25_000);
    assert.equal(info.dynamic, true);
    // The QR symbol the widget paints is the payload's, module for module (the widget carries no encoder).
    const { default: qrcode } = await import('qrcode-generator');
    const ref = qrcode(0, 'M');
    ref.addData(created.body.payment.qris.qrString, 'Byte');
    ref.make();
    const { size, modules } = created.body.payment.qris.qr;
    assert.equal(size, ref.getModuleCount());
    const bits = Buffer.from(modules, 'base64');
    assert.equal(bits.length, Math.ceil((size * size) / 8));
    for (let r = 0, i = 0; r < size; r++)
      for (let c = 0; c < size; c++, i++) assert.equal((bits[i >> 3]! & (0x80 >> (i & 7))) !== 0, ref.isDark(r, c), `module ${r},${c}`);
    // A read answers the same symbol.
    const read = await api(s.url, 'GET', `/api/payments/${created.body.payment.id}`, undefined, secretHeaders(created.body.clientSecret));
    assert.deepEqual(read.body.payment.qris.qr, created.body.payment.qris.qr);
    // Only the widget's answers carry it: the ledger's history snapshots (streams, notifications) stay lean.
    const history = await s.store.history(created.body.payment.id);
    assert.ok(history.length > 0);
    for (const h of history) assert.equal(JSON.parse(h.snapshot).qris?.qr, undefined);
  });

  it('cancels a pending payment and refuses to cancel it twice', async () => {
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'ORDER-C', amount: 50_000, method: 'va:bni' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.payment.id;
    const c1 = await api(s.url, 'POST', `/api/payments/${id}/cancel`, undefined, secretHeaders(created.body.clientSecret));
    assert.equal(c1.status, 200);
    assert.equal(c1.body.payment.status, 'cancelled');
    const c2 = await api(s.url, 'POST', `/api/payments/${id}/cancel`, undefined, secretHeaders(created.body.clientSecret));
    assert.equal(c2.status, 409);
    assert.equal(c2.body.error.code, 'payment_not_pending');
    // A new attempt for the same order and method is a new payment.
    const again = await api(s.url, 'POST', '/api/payments', { orderId: 'ORDER-C', amount: 50_000, method: 'va:bni' });
    assert.equal(again.status, 201);
    assert.notEqual(again.body.payment.id, id);
  });

  it('expires a payment through the emulator', async () => {
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'ORDER-E', amount: 75_000, method: 'va:bca' });
    const id = created.body.payment.id;
    const r = await api(s.url, 'POST', `/api/sandbox/payments/${id}/expire`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.payment.status, 'expired');
    const pay = await api(s.url, 'POST', `/api/sandbox/payments/${id}/pay`);
    assert.equal(pay.status, 409);
  });
});
