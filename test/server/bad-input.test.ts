/**
 * Bad input to every endpoint gets a 4xx with a specific machine-readable code, never a 5xx, and stores nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { signSession } from '../../server/domain/sessions.js';
import { api, merchantHeaders, startTestServer, type TestServer } from '../helpers/server.js';

const KEY = SANDBOX_CREDENTIALS.merchantKey;

describe('bad input', () => {
  let s: TestServer;
  let db: Database.Database;
  const counts = () => ({
    payments: (db.prepare('SELECT COUNT(*) c FROM payments').get() as { c: number }).c,
    history: (db.prepare('SELECT COUNT(*) c FROM payment_history').get() as { c: number }).c,
    events: (db.prepare('SELECT COUNT(*) c FROM provider_events').get() as { c: number }).c,
  });
  before(async () => {
    s = await startTestServer();
    db = new Database(s.dbPath, { readonly: true });
  });
  after(async () => {
    db.close();
    await s.destroy();
  });

  const cases: Array<[string, string, string, unknown, number, string, Record<string, string>?]> = [
    ['missing method', 'POST', '/api/payments', { orderId: 'B1', amount: 10_000 }, 400, 'invalid_method'],
    ['missing amount', 'POST', '/api/payments', { orderId: 'B1', method: 'va:bca' }, 400, 'invalid_amount'],
    ['negative amount', 'POST', '/api/payments', { orderId: 'B1', amount: -5, method: 'va:bca' }, 400, 'invalid_amount'],
    ['zero amount', 'POST', '/api/payments', { orderId: 'B1', amount: 0, method: 'va:bca' }, 400, 'invalid_amount'],
    ['fractional amount', 'POST', '/api/payments', { orderId: 'B1', amount: 10000.5, method: 'va:bca' }, 400, 'invalid_amount'],
    ['string amount', 'POST', '/api/payments', { orderId: 'B1', amount: '10000', method: 'va:bca' }, 400, 'invalid_amount'],
    ['huge amount', 'POST', '/api/payments', { orderId: 'B1', amount: 1e15, method: 'va:bca' }, 400, 'invalid_amount'],
    ['unsafe integer amount', 'POST', '/api/payments', '{"orderId":"B1","amount":90071992547409931,"method":"va:bca"}', 400, 'invalid_amount'],
    ['below every minimum', 'POST', '/api/payments', { orderId: 'B1', amount: 500, method: 'va:bca' }, 422, 'amount_below_minimum'],
    ['OVO with a malformed wallet phone', 'POST', '/api/payments', { orderId: 'B1', amount: 10_000, method: 'ewallet:ovo', walletPhone: '12345' }, 400, 'invalid_phone'],
    ['OVO without any phone', 'POST', '/api/payments', { orderId: 'B1', amount: 10_000, method: 'ewallet:ovo' }, 400, 'invalid_phone'],
    ['wallet phone on a VA', 'POST', '/api/payments', { orderId: 'B1', amount: 10_000, method: 'va:bca', walletPhone: '081234567890' }, 400, 'invalid_request'],
    ['check unknown payment', 'POST', '/api/payments/pay_doesnotexist/check', undefined, 404, 'payment_not_found', merchantHeaders(KEY)],
    ['check without client secret', 'POST', '/api/payments/pay_doesnotexist/check', undefined, 401, 'client_secret_required'],
    ['unknown method', 'POST', '/api/payments', { orderId: 'B1', amount: 10_000, method: 'va:nosuchbank' }, 400, 'method_unavailable'],
    ['malformed method', 'POST', '/api/payments', { orderId: 'B1', amount: 10_000, method: 'BCA' }, 400, 'invalid_method'],
    ['unknown family', 'POST', '/api/payments', { orderId: 'B1', amount: 10_000, method: 'crypto:btc' }, 400, 'invalid_method'],
    ['bad order id', 'POST', '/api/payments', { orderId: 'a b<c>', amount: 10_000, method: 'va:bca' }, 400, 'invalid_order_id'],
    ['bad email', 'POST', '/api/payments', { orderId: 'B1', amount: 10_000, method: 'va:bca', customer: { email: 'nope' } }, 400, 'invalid_customer'],
    ['unexpected field', 'POST', '/api/payments', { orderId: 'B1', amount: 10_000, method: 'va:bca', admin: true }, 400, 'invalid_request'],
    ['malformed JSON', 'POST', '/api/payments', '{"orderId": "B1", amount', 400, 'invalid_json'],
    ['JSON array', 'POST', '/api/payments', '[1,2]', 400, 'invalid_request'],
    ['no body', 'POST', '/api/payments', undefined, 400, 'invalid_request'],
    ['oversize body', 'POST', '/api/payments', JSON.stringify({ orderId: 'B1', amount: 10_000, method: 'va:bca', pad: 'x'.repeat(64 * 1024) }), 413, 'payload_too_large'],
    ['tampered session', 'POST', '/api/payments', { session: 'eyJvcmRlcklkIjoiWCJ9.AAAA', method: 'va:bca' }, 401, 'session_invalid'],
    ['garbage session', 'POST', '/api/payments', { session: 'garbage', method: 'va:bca' }, 401, 'session_invalid'],
    ['items without catalog', 'POST', '/api/payments', { items: 'SKU1:1', method: 'va:bca' }, 403, 'catalog_disabled'],
    ['unknown payment', 'GET', '/api/payments/pay_doesnotexist', undefined, 404, 'payment_not_found', merchantHeaders(KEY)],
    ['unknown payment events', 'GET', '/api/payments/pay_doesnotexist/events', undefined, 404, 'payment_not_found', merchantHeaders(KEY)],
    ['cancel unknown payment', 'POST', '/api/payments/pay_doesnotexist/cancel', undefined, 404, 'payment_not_found', merchantHeaders(KEY)],
    ['payment read without client secret', 'GET', '/api/payments/pay_doesnotexist', undefined, 401, 'client_secret_required'],
    ['payment stream without client secret', 'GET', '/api/payments/pay_doesnotexist/events', undefined, 401, 'client_secret_required'],
    ['cancel without client secret', 'POST', '/api/payments/pay_doesnotexist/cancel', undefined, 401, 'client_secret_required'],
    ['payment read with a wrong client secret', 'GET', '/api/payments/pay_doesnotexist', undefined, 404, 'payment_not_found', { 'bayar-client-secret': 'pcs_wrong' }],
    ['simulate unknown payment', 'POST', '/api/sandbox/payments/pay_doesnotexist/pay', undefined, 404, 'payment_not_found'],
    ['methods without order', 'GET', '/api/methods', undefined, 400, 'invalid_request'],
    ['methods with bad amount', 'GET', '/api/methods?amount=12.5', undefined, 400, 'invalid_amount'],
    ['methods with text amount', 'GET', '/api/methods?amount=abc', undefined, 400, 'invalid_amount'],
    ['installments with bad session', 'GET', '/api/installments?session=x.y', undefined, 401, 'session_invalid'],
    ['session without auth', 'POST', '/api/sessions', { orderId: 'S1', amount: 10_000 }, 401, 'unauthorized'],
    ['session with wrong key', 'POST', '/api/sessions', { orderId: 'S1', amount: 10_000 }, 401, 'unauthorized', { authorization: 'Bearer wrong-key-wrong-key' }],
    ['session with fractional amount', 'POST', '/api/sessions', { orderId: 'S1', amount: 1.5 }, 400, 'invalid_amount', merchantHeaders(KEY)],
    ['session with bad expiry', 'POST', '/api/sessions', { orderId: 'S1', amount: 10_000, expiresIn: 5 }, 400, 'invalid_expires_in', merchantHeaders(KEY)],
    ['webhook with no signature', 'POST', '/webhooks/komerce', { payment_id: 'x', status: 'PAID' }, 401, 'webhook_signature_invalid'],
    ['webhook for unknown provider', 'POST', '/webhooks/paypal', { a: 1 }, 404, 'not_found'],
    ['unknown route', 'GET', '/api/nothing', undefined, 404, 'not_found'],
  ];

  for (const [name, method, path, body, status, code, headers] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const before = counts();
      const r = await api(s.url, method, path, body, headers);
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.error.code, code);
      assert.equal(typeof r.body.error.message, 'string');
      assert.ok(r.body.error.message.length > 10);
      assert.deepEqual(counts(), before, 'nothing stored');
    });
  }

  it('an expired session → 401 session_expired', async () => {
    const token = signSession({ orderId: 'OLD', amount: 10_000, exp: Math.floor(Date.now() / 1000) - 1 }, KEY);
    const r = await api(s.url, 'POST', '/api/payments', { session: token, method: 'va:bca' });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'session_expired');
  });

  it('a session signed with another key → 401 session_invalid', async () => {
    const token = signSession({ orderId: 'X', amount: 10_000, exp: Math.floor(Date.now() / 1000) + 600 }, 'another-key-another-key');
    const r = await api(s.url, 'POST', '/api/payments', { session: token, method: 'va:bca' });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'session_invalid');
  });

  it('a session with any byte changed → 401 session_invalid', async () => {
    const token = signSession({ orderId: 'X', amount: 10_000, exp: Math.floor(Date.now() / 1000) + 600 }, KEY);
    const raw = Buffer.from(token.slice(3), 'base64url');
    for (const at of [0, 12, raw.length >> 1, raw.length - 1]) {
      const bent = Buffer.from(raw);
      bent[at] ^= 0x01;
      const r = await api(s.url, 'POST', '/api/payments', { session: `v2.${bent.toString('base64url')}`, method: 'va:bca' });
      assert.equal(r.status, 401, `byte ${at}`);
      assert.equal(r.body.error.code, 'session_invalid');
    }
  });

  it('a session restricted to QRIS refuses a VA', async () => {
    const token = signSession({ orderId: 'Q', amount: 10_000, methods: ['qris'], exp: Math.floor(Date.now() / 1000) + 600 }, KEY);
    const methods = await api(s.url, 'GET', `/api/methods?session=${encodeURIComponent(token)}`);
    assert.ok(methods.body.methods.length > 0);
    assert.ok(methods.body.methods.every((m: any) => m.family === 'qris'));
    const r = await api(s.url, 'POST', '/api/payments', { session: token, method: 'va:bca' });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'method_not_allowed');
  });
});
