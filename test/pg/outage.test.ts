/**
 * The ledger goes away under load and comes back: the PostgreSQL server of this test (its own throwaway cluster)
 * is stopped while payments are being created and paid, and started again. Meanwhile the API answers 503
 * `store_unavailable` with Retry-After (never 500), webhooks get a 5xx, /readyz 503; afterwards the instance
 * recovers by itself — pool and LISTEN connection — and nothing acknowledged is lost.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { SANDBOX_CREDENTIALS, sandboxConfig } from '../../server/config.js';
import { start, type Running } from '../../server/main.js';
import { startCluster, type Cluster } from '../helpers/pg.js';
import { api, merchantHeaders, openSse } from '../helpers/server.js';
import { until } from './support.js';

const cluster = await startCluster({ durable: false, prefix: 'bayar-outage-', maxConnections: 100, howToFix: "install Debian's postgresql (.ci/run does)" });
const skip = 'skip' in cluster ? cluster.skip : false;
const key = merchantHeaders(SANDBOX_CREDENTIALS.merchantKey);

describe('PostgreSQL stopped and restarted under load', { skip }, () => {
  const c = cluster as Cluster;
  let s: Running;

  before(async () => {
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${c.port}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE bayar_outage');
    await admin.end();
    s = await start(sandboxConfig({ port: 0, host: '127.0.0.1', dbPath: `postgres://postgres@127.0.0.1:${c.port}/bayar_outage` }), { background: false });
  });
  after(async () => {
    await s?.stop();
    c.stop?.();
  });

  it('answers 503 store_unavailable while the database is down, recovers by itself, loses nothing acknowledged', { timeout: 120_000 }, async () => {
    // A payment watched over SSE across the outage: its status change after recovery must arrive (LISTEN is back).
    const watched = await api(s.url, 'POST', '/api/payments', { orderId: 'OUT-WATCHED', amount: 90_000, method: 'va:bca' });
    assert.equal(watched.status, 201);
    const sse = openSse(`${s.url}/api/payments/${watched.body.payment.id}/events?client_secret=${watched.body.clientSecret}`);
    await sse.until((m) => m.length >= 1);

    const acknowledged = new Map<string, string>(); // payment id → status the API acknowledged
    // Paid by the emulator, but the answer was lost to the outage: either status is honest, the ledger decides.
    const payAttempted = new Set<string>();
    const statuses: number[] = [];
    const codes = new Set<string>();
    let n = 0;
    let running = true;
    const worker = async () => {
      while (running) {
        const i = n++;
        try {
          const r = await api(s.url, 'POST', '/api/payments', { orderId: `OUT-${i}`, amount: 10_000 + i, method: i % 2 ? 'va:bca' : 'qris:qris' }, { 'idempotency-key': `out-${i}` });
          statuses.push(r.status);
          if (r.status >= 400) codes.add(r.body?.error?.code);
          if (r.status !== 201) continue;
          acknowledged.set(r.body.payment.id, 'pending');
          if (i % 4 === 0) {
            payAttempted.add(r.body.payment.id);
            const p = await api(s.url, 'POST', `/api/sandbox/payments/${r.body.payment.id}/pay`);
            statuses.push(p.status);
            if (p.status === 200 && p.body.payment.status === 'paid') acknowledged.set(r.body.payment.id, 'paid');
            else if (p.status >= 400) codes.add(p.body?.error?.code);
          }
        } catch (err) {
          codes.add(`network:${(err as Error).message}`);
        }
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await until(() => acknowledged.size >= 20, 'load before the outage', 30_000);

    c.pause();
    const duringOutage = statuses.length;
    await until(() => statuses.slice(duringOutage).filter((x) => x === 503).length >= 10, '503s during the outage', 30_000);
    const ready = await api(s.url, 'GET', '/readyz');
    assert.equal(ready.status, 503);
    const create = await api(s.url, 'POST', '/api/payments', { orderId: 'OUT-DOWN', amount: 12_345, method: 'va:bni' });
    assert.equal(create.status, 503);
    assert.equal(create.body.error.code, 'store_unavailable');
    assert.equal(create.headers.get('retry-after'), '5');
    const webhook = await fetch(`${s.url}/webhooks/midtrans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.ok(webhook.status >= 500 || webhook.status === 400 || webhook.status === 401, `webhook: ${webhook.status}`);

    c.resume();
    await until(async () => (await api(s.url, 'GET', '/readyz')).status === 200, 'ready again', 30_000);
    const afterOutage = acknowledged.size;
    await until(() => acknowledged.size >= afterOutage + 20, 'load after the outage', 30_000);
    running = false;
    await Promise.all(workers);

    assert.ok(!statuses.includes(500), `no 500s (codes seen: ${[...codes]})`);
    assert.ok(!codes.has('internal_error'), [...codes].join(', '));
    assert.ok(codes.has('store_unavailable'), [...codes].join(', '));

    // Nothing acknowledged is lost.
    for (const [id, status] of acknowledged) {
      const r: { status: number; body: { payment: { status: string } } } = await api(s.url, 'GET', `/api/payments/${id}`, undefined, key);
      assert.equal(r.status, 200, id);
      if (status === 'pending' && payAttempted.has(id)) assert.ok(['pending', 'paid'].includes(r.body.payment.status), id);
      else assert.equal(r.body.payment.status, status, id);
    }
    assert.ok([...acknowledged.values()].filter((x) => x === 'paid').length >= 5, 'payments acknowledged paid are among them');
    // Live status crosses the outage: LISTEN reconnected, and the paid event reaches the stream opened before it.
    assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${watched.body.payment.id}/pay`)).body.payment.status, 'paid');
    await sse.until((m) => m.some((x) => JSON.parse(x.data).payment.status === 'paid'), 15_000);
    await sse.close();
  });
});
