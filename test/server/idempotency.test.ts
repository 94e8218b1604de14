/** Idempotency-Key on POST /api/payments and POST /api/sessions. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { TapClient, api, merchantHeaders, startTestServer, type TestServer } from '../helpers/server.js';

const KEY = SANDBOX_CREDENTIALS.merchantKey;

describe('Idempotency-Key', () => {
  let s: TestServer;
  const tap = new TapClient();
  before(async () => {
    s = await startTestServer({}, undefined, { http: tap });
  });
  after(() => s.destroy());
  const creates = () => tap.seen.filter((r) => r.method === 'POST' && r.url.includes('/emulators/') && r.url.includes('create')).length;

  it('same key + same body → the first response replayed, one provider call', async () => {
    const body = { orderId: 'IDEM-1', amount: 30_000, method: 'va:bca' };
    const before = creates();
    const a = await api(s.url, 'POST', '/api/payments', body, { 'idempotency-key': 'k-1' });
    const b = await api(s.url, 'POST', '/api/payments', body, { 'idempotency-key': 'k-1' });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.deepEqual(b.body, a.body);
    assert.equal(b.headers.get('idempotent-replayed'), 'true');
    assert.equal(creates() - before, 1);
  });

  it('same key + different body → 422 idempotency_key_reused, nothing created', async () => {
    await api(s.url, 'POST', '/api/payments', { orderId: 'IDEM-2', amount: 30_000, method: 'va:bca' }, { 'idempotency-key': 'k-2' });
    const before = creates();
    const r = await api(s.url, 'POST', '/api/payments', { orderId: 'IDEM-2', amount: 31_000, method: 'va:bca' }, { 'idempotency-key': 'k-2' });
    assert.equal(r.status, 422);
    assert.equal(r.body.error.code, 'idempotency_key_reused');
    assert.equal(creates(), before);
  });

  it('concurrent requests with one key → one provider call, one payment, same answer for all', async () => {
    const body = { orderId: 'IDEM-3', amount: 45_000, method: 'va:bri' };
    const before = creates();
    const all = await Promise.all(Array.from({ length: 20 }, () => api(s.url, 'POST', '/api/payments', body, { 'idempotency-key': 'k-3' })));
    assert.equal(creates() - before, 1);
    const ids = new Set(all.map((r) => r.body.payment?.id));
    assert.equal(ids.size, 1);
    assert.ok(all.every((r) => r.status === 201), all.map((r) => r.status).join(','));
  });

  it('a failed request releases its key', async () => {
    const r1 = await api(s.url, 'POST', '/api/payments', { orderId: 'IDEM-4', amount: 5, method: 'va:bca' }, { 'idempotency-key': 'k-4' });
    assert.equal(r1.status, 422);
    const r2 = await api(s.url, 'POST', '/api/payments', { orderId: 'IDEM-4', amount: 50_000, method: 'va:bca' }, { 'idempotency-key': 'k-4' });
    assert.equal(r2.status, 201);
  });

  it('sessions: same key replays the same token', async () => {
    const body = { orderId: 'IDEM-S', amount: 10_000 };
    const a = await api(s.url, 'POST', '/api/sessions', body, { ...merchantHeaders(KEY), 'idempotency-key': 's-1' });
    const b = await api(s.url, 'POST', '/api/sessions', body, { ...merchantHeaders(KEY), 'idempotency-key': 's-1' });
    assert.equal(a.status, 201);
    assert.equal(b.body.session, a.body.session);
    const c = await api(s.url, 'POST', '/api/sessions', { ...body, amount: 20_000 }, { ...merchantHeaders(KEY), 'idempotency-key': 's-1' });
    assert.equal(c.status, 422);
  });
});
