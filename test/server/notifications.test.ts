/**
 * Merchant notifications go through a durable outbox: signed, retried with backoff until a 2xx, at least once,
 * in order per payment.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { backoffDelay, signNotification } from '../../server/domain/notifier.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

const KEY = SANDBOX_CREDENTIALS.merchantKey;

interface Received {
  body: string;
  signature: string;
}

async function merchantBackend(failFirst: number) {
  const received: Received[] = [];
  let calls = 0;
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    calls++;
    if (calls <= failFirst) {
      res.writeHead(503).end();
      return;
    }
    received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['bayar-signature']) });
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bayar-hook`, received, calls: () => calls, close: () => new Promise((r) => server.close(r)) };
}

describe('merchant notifications', () => {
  let s: TestServer;
  let backend: Awaited<ReturnType<typeof merchantBackend>>;
  before(async () => {
    backend = await merchantBackend(3);
    s = await startTestServer({ notifyUrl: backend.url }, undefined, { notifierOptions: { baseDelayMs: 20, maxDelayMs: 100, intervalMs: 20 } });
  });
  after(async () => {
    await s.destroy();
    await backend.close();
  });

  it('are signed, retried until 2xx, and arrive in order per payment', async () => {
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'NOTIFY-1', amount: 60_000, method: 'va:bca' });
    const id = created.body.payment.id;
    await api(s.url, 'POST', `/api/sandbox/payments/${id}/pay`);
    const deadline = Date.now() + 10_000;
    while (backend.received.filter((r) => JSON.parse(r.body).payment.id === id).length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const mine = backend.received.filter((r) => JSON.parse(r.body).payment.id === id);
    assert.deepEqual(mine.map((r) => JSON.parse(r.body).payment.status), ['pending', 'paid']);
    assert.ok(backend.calls() >= 5, 'the first three attempts failed and were retried');
    for (const r of mine) {
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(r.signature);
      assert.ok(m, r.signature);
      assert.equal(r.signature, signNotification(r.body, KEY, Number(m[1])));
      assert.equal(JSON.parse(r.body).type, 'payment.status');
    }
    // The notifier records a delivery after the merchant's answer, so the ledger catches up a moment after the body arrives.
    while ((await s.store.outboxBacklog()) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    assert.equal(await s.store.outboxBacklog(), 0);
  });

  it('backoff is full-jitter exponential and capped', () => {
    assert.equal(backoffDelay(1, 1000, 60_000, () => 0.999999), 999);
    assert.equal(backoffDelay(4, 1000, 60_000, () => 0.999999), 7999);
    assert.equal(backoffDelay(30, 1000, 60_000, () => 0.999999), 59_999);
    assert.equal(backoffDelay(5, 1000, 60_000, () => 0), 0);
  });
});
