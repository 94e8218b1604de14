/** The ledger is durable: a restart on the same database file keeps every payment and its history. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS as SANDBOX } from '../../server/config.js';
import { api, startTestServer, merchantHeaders } from '../helpers/server.js';

/** The merchant key opens every payment (these tests read as the merchant's backend would). */
const MK = merchantHeaders(SANDBOX.merchantKey);

describe('restart', () => {
  it('keeps payments and their history', async () => {
    const first = await startTestServer();
    const a = await api(first.url, 'POST', '/api/payments', { orderId: 'KEEP-1', amount: 100_000, method: 'va:bca' });
    const b = await api(first.url, 'POST', '/api/payments', { orderId: 'KEEP-2', amount: 200_000, method: 'va:bri' });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    const paid = await api(first.url, 'POST', `/api/sandbox/payments/${a.body.payment.id}/pay`);
    assert.equal(paid.body.payment.status, 'paid');
    const before = await first.store.history(a.body.payment.id);
    await first.stop();

    const second = await startTestServer({}, first.dir);
    try {
      const ra = await api(second.url, 'GET', `/api/payments/${a.body.payment.id}`, undefined, MK);
      const rb = await api(second.url, 'GET', `/api/payments/${b.body.payment.id}`, undefined, MK);
      assert.equal(ra.body.payment.status, 'paid');
      assert.equal(ra.body.payment.amount, 100_000);
      assert.equal(rb.body.payment.status, 'pending');
      assert.equal(rb.body.payment.va.number, b.body.payment.va.number);
      assert.deepEqual(await second.store.history(a.body.payment.id), before);
      assert.equal((await api(second.url, 'GET', '/readyz')).status, 200);
    } finally {
      await second.stop();
      rmSync(first.dir, { recursive: true, force: true });
    }
  });
});
