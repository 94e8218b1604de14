/**
 * SIGTERM with requests and SSE clients in flight: requests finish, streams close, the process exits 0, and a
 * client resuming with Last-Event-ID after restart misses no status.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS as SANDBOX } from '../../server/config.js';
import { api, openSse, merchantHeaders } from '../helpers/server.js';
import { startChild } from '../helpers/process.js';

/** The merchant key opens every payment (these tests read as the merchant's backend would). */
const MK = merchantHeaders(SANDBOX.merchantKey);

describe('graceful shutdown', () => {
  it('finishes in-flight work, ends SSE streams and exits 0; resume after restart is exact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bayar-sigterm-'));
    const env = { BAYAR_DB: join(dir, 'bayar.db') };
    try {
      const a = await startChild(env);
      // Doku (no cancel call): the emulator's in-memory state does not survive the restart, the ledger does.
      const created = await api(a.url, 'POST', '/api/payments', { orderId: 'TERM-1', amount: 80_000, method: 'ewallet:dana' });
      assert.equal(created.status, 201);
      const id = created.body.payment.id;
      const sse = openSse(`${a.url}/api/payments/${id}/events`, MK);
      await sse.until((m) => m.length === 1);

      // Requests in flight when the signal arrives.
      // The signal goes as soon as the first answer is back (under load a fixed delay may let none arrive), while
      // the others are still being served.
      let settled = 0;
      const inflight = Array.from({ length: 10 }, (_, i) =>
        api(a.url, 'POST', '/api/payments', { orderId: `TERM-F${i}`, amount: 20_000, method: 'va:bni' }).finally(() => settled++),
      );
      await Promise.race(inflight.map((p) => p.catch(() => undefined)));
      a.proc.kill('SIGTERM');
      assert.ok(settled < inflight.length, 'some requests were still in flight when the signal arrived');
      const results = await Promise.allSettled(inflight);
      const exit = await a.exited;
      assert.equal(exit.code, 0, a.output());
      await sse.close();
      // Every request that reached the server got its full answer; none was cut off halfway.
      for (const r of results) {
        if (r.status === 'fulfilled') assert.ok([201, 503].includes(r.value.status), JSON.stringify(r.value.body));
      }
      assert.ok(results.some((r) => r.status === 'fulfilled' && r.value.status === 201));
      const lastId = sse.messages.at(-1)!.id!;

      const b = await startChild(env);
      try {
        // Cancelled while the widget was away.
        const c = await api(b.url, 'POST', `/api/payments/${id}/cancel`, undefined, MK);
        assert.equal(c.status, 200, JSON.stringify(c.body));
        const resumed = openSse(`${b.url}/api/payments/${id}/events`, { ...MK, 'last-event-id': lastId });
        await resumed.until((m) => m.length >= 1);
        await new Promise((r) => setTimeout(r, 100));
        await resumed.close();
        assert.deepEqual(resumed.messages.map((m) => JSON.parse(m.data).payment.status), ['cancelled']);
      } finally {
        b.proc.kill('SIGTERM');
        assert.equal((await b.exited).code, 0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
