/**
 * Channel health across instances on one PostgreSQL ledger: a channel degraded by failures seen on instance A is
 * skipped by instance B within 5 s, without B calling it once; when A's probe brings it back, B follows. Both
 * instances share A's emulators (B is configured with their URLs), as two real instances share one provider.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROVIDER_IDS } from '../../server/api-types.js';
import { parseRoutes, sandboxConfig, type Config } from '../../server/config.js';
import { start, type Running } from '../../server/main.js';
import { postgres } from '../helpers/pg.js';
import { TapClient, api, merchantHeaders } from '../helpers/server.js';
import { until } from './support.js';

const avail = await postgres();
const routes = parseRoutes('va=xendit,komerce;qris=xendit;ewallet=xendit;cstore=doku;paylater=indodana', []);
const resilience = { breakerThreshold: 5, halfOpenAfterMs: 15_000, readAttempts: 2, retryInitialDelayMs: 1, retryMaxDelayMs: 5 };

describe('channel health shared through PostgreSQL', { skip: avail.skip }, () => {
  let dbName: string | undefined;
  let A: Running;
  let B: Running;
  const tapB = new TapClient();
  let n = 0;
  const pay = async (on: Running, method: string) => {
    const r = await api(on.url, 'POST', '/api/payments', { orderId: `PGR-${++n}`, amount: 100_000, method });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.payment as { id: string; provider: string };
  };

  before(async () => {
    const fresh = await avail.server!.freshDatabase();
    dbName = fresh.name;
    const base = sandboxConfig();
    // Probes after 1 s, so the recovery half of the test runs on the real clock that both instances share.
    const cfg: Partial<Config> = { port: 0, host: '127.0.0.1', dbPath: fresh.url, routes, routing: { ...base.routing, health: { ...base.routing.health, probeAfterMs: 1_000 } } };
    A = await start(sandboxConfig(cfg), { resilience });
    const cfgB = sandboxConfig(cfg);
    for (const id of PROVIDER_IDS) cfgB.providers[id] = { ...cfgB.providers[id]!, baseUrl: `${A.url}/emulators/${id}` } as never;
    B = await start(cfgB, { http: tapB, resilience });
  });
  after(async () => {
    await B?.stop();
    await A?.stop();
    if (dbName) await avail.server?.dropDatabase(dbName);
    await avail.server?.stop();
  });

  it('degraded on A → skipped by B within 5 s; back on A → back on B', { timeout: 60_000 }, async () => {
    assert.equal((await pay(B, 'va:bca')).provider, 'xendit', 'healthy at first');
    A.bayar.emulators.get('xendit')!.setFault('error503', undefined, { channel: 'bca' });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await pay(A, 'va:bca')).provider, 'komerce');
      assert.equal(A.bayar.routing.board!.view('xendit', 'va:bca').state, 'degraded');
      // B has seen no failure of its own; it learns from the ledger.
      await until(() => B.bayar.routing.board!.isDegraded('xendit', 'va:bca'), 'B to adopt the degraded channel', 5_000);
      // Creates only: B's reconciler may meanwhile ask Xendit about the payment it created there at first.
      const creates = () => tapB.seen.filter((r) => r.method === 'POST' && r.url.includes('/emulators/xendit/')).length;
      const before = creates();
      const p = await pay(B, 'va:bca');
      assert.equal(p.provider, 'komerce');
      assert.equal(creates(), before, 'B did not call the degraded channel');
      const seen = await api(B.url, 'GET', `/api/payments/${p.id}`, undefined, merchantHeaders(sandboxConfig().merchantKey));
      assert.equal(seen.body.payment.routing.reason, 'degraded_skipped');
      assert.equal(seen.body.payment.routing.candidates.find((c: { provider: string }) => c.provider === 'xendit').healthReason, 'consecutive_failures');
      // Other channels of the same provider are untouched on B too.
      assert.equal((await pay(B, 'va:bni')).provider, 'xendit');
    } finally {
      A.bayar.emulators.get('xendit')!.setFault(null);
    }
    // A's probe (due after 1 s) succeeds; B follows from the ledger.
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal((await pay(A, 'va:bca')).provider, 'xendit');
    assert.equal(A.bayar.routing.board!.isDegraded('xendit', 'va:bca'), false);
    await until(() => !B.bayar.routing.board!.isDegraded('xendit', 'va:bca'), 'B to adopt the recovery', 5_000);
    assert.equal((await pay(B, 'va:bca')).provider, 'xendit');
  });
});
