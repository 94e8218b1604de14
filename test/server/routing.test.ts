/**
 * Smart routing end to end, against the emulators' fault modes and on the injected clock (windows and probes
 * pass without waiting): one bank's channel failing at one provider moves only that channel; a slow channel is
 * skipped once its p95 crosses the threshold and comes back through a probe; with every candidate degraded the
 * best one is still tried; fees pick the cheapest healthy provider for the amount; resumed creates stay sticky;
 * the merchant (and only the merchant) sees why, and /metrics counts it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ProviderId, RoutingExplanation } from '../../server/api-types.js';
import { parseRoutes, sandboxConfig, type Config } from '../../server/config.js';
import { parseFees } from '../../server/domain/fees.js';
import type { FaultMode, FaultScope } from '../../server/emulators/types.js';
import { ManualClock } from '../../server/lib/clock.js';
import { TapClient, api, merchantHeaders, startTestServer } from '../helpers/server.js';

const PROBE_MS = 30_000;

async function startRouted(routes: string, extra: Partial<Config['routing']> = {}) {
  const clock = new ManualClock(new Date('2026-05-04T03:00:00Z').getTime());
  const tap = new TapClient();
  const base = sandboxConfig();
  const s = await startTestServer({ routes: parseRoutes(routes, []), routing: { ...base.routing, ...extra } }, undefined, {
    clock,
    http: tap,
    resilience: { breakerThreshold: 5, halfOpenAfterMs: 15_000, readAttempts: 2, retryInitialDelayMs: 1, retryMaxDelayMs: 5 },
  });
  const key = merchantHeaders(base.merchantKey);
  let n = 0;
  const pay = async (method: string, amount = 100_000, orderId = `RT-${++n}-${method.replace(':', '-')}`) => {
    const r = await api(s.url, 'POST', '/api/payments', { orderId, amount, method });
    assert.ok(r.status === 201 || r.status === 200, `${method}: ${r.status} ${JSON.stringify(r.body)}`);
    return { ...r.body.payment, clientSecret: r.body.clientSecret } as { id: string; provider: ProviderId; orderId: string; clientSecret: string };
  };
  /** The payment as the merchant sees it: expected fee and routing explanation. */
  const explain = async (id: string) => {
    const r = await api(s.url, 'GET', `/api/payments/${id}`, undefined, key);
    assert.equal(r.status, 200);
    return r.body.payment as { provider: ProviderId; expectedFee?: number; routing: RoutingExplanation };
  };
  const calls = (provider: string, path: string) => tap.seen.filter((r) => r.url.includes(`/emulators/${provider}/`) && r.url.includes(path)).length;
  const fault = (provider: ProviderId, mode: FaultMode | null, scope?: FaultScope) => s.bayar.emulators.get(provider)!.setFault(mode, undefined, scope);
  const metric = async (name: string, labels: Record<string, string>) => {
    const text = await (await fetch(`${s.url}/metrics`)).text();
    const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  return { s, clock, tap, key, pay, explain, calls, fault, metric };
}

describe('smart routing: channel health', () => {
  let t: Awaited<ReturnType<typeof startRouted>>;
  before(async () => {
    t = await startRouted('va=xendit,komerce,midtrans;qris=xendit,komerce;ewallet=doku;cstore=midtrans;paylater=indodana');
  });
  after(() => t.s.destroy());

  it('one channel failing at one provider moves only that channel', async () => {
    t.fault('xendit', 'error503', { channel: 'bca' });
    try {
      // Each failing create at xendit × va:bca fails over to komerce; the fifth degrades the channel.
      for (let i = 0; i < 5; i++) {
        const p = await t.pay('va:bca');
        assert.equal(p.provider, 'komerce');
        const e = await t.explain(p.id);
        assert.deepEqual(e.routing.attempts?.map((a) => [a.provider, a.outcome]), [['xendit', 'provider_unavailable']]);
      }
      const before = t.calls('xendit', '/callback_virtual_accounts');
      const skipped = await t.pay('va:bca');
      assert.equal(skipped.provider, 'komerce');
      assert.equal(t.calls('xendit', '/callback_virtual_accounts'), before, 'the degraded channel is not called at all');
      const e = await t.explain(skipped.id);
      assert.equal(e.routing.reason, 'degraded_skipped');
      assert.deepEqual(
        e.routing.candidates.map((c) => [c.provider, c.health, c.healthReason]),
        [
          ['komerce', 'healthy', undefined],
          ['midtrans', 'healthy', undefined],
          ['xendit', 'degraded', 'consecutive_failures'],
        ],
      );
      assert.equal(e.routing.candidates[2]!.signals.consecutiveFailures, 5);

      // Xendit's other channels, and its other families, still go to Xendit while the fault lasts.
      assert.equal((await t.pay('va:bni')).provider, 'xendit');
      assert.equal((await t.pay('qris:qris', 50_000)).provider, 'xendit');
      assert.equal(t.s.bayar.providers.get('xendit')!.circuitState(), 'closed', 'the provider-wide circuit did not open');

      assert.equal(await t.metric('bayar_channel_degraded', { provider: 'xendit', family: 'va', channel: 'bca' }), 1);
      assert.equal(await t.metric('bayar_channel_degraded', { provider: 'xendit', family: 'va', channel: 'bni' }), 0);
      assert.equal(await t.metric('bayar_channel_degraded', { provider: 'komerce', family: 'va', channel: 'bca' }), 0);
      assert.equal(await t.metric('bayar_route_decisions_total', { family: 'va', provider: 'komerce', reason: 'failover' }), 5);
      assert.equal(await t.metric('bayar_route_decisions_total', { family: 'va', provider: 'komerce', reason: 'degraded_skipped' }), 1);
      assert.equal(await t.metric('bayar_route_decisions_total', { family: 'va', provider: 'xendit', reason: 'primary' }), 1);
    } finally {
      t.fault('xendit', null);
    }
    // Recovery: after the probe wait, the next va:bca is the probe; it succeeds and the channel is back.
    t.clock.advance(PROBE_MS);
    const probe = await t.pay('va:bca');
    assert.equal(probe.provider, 'xendit');
    assert.equal((await t.explain(probe.id)).routing.candidates[0]!.health, 'probing');
    assert.equal((await t.pay('va:bca')).provider, 'xendit');
    assert.equal(await t.metric('bayar_channel_degraded', { provider: 'xendit', family: 'va', channel: 'bca' }), 0);
  });

  it('a slow channel is skipped once p95 crosses 800 ms over the window, and comes back after recovery', async () => {
    t.fault('xendit', 'slow', { channel: 'bri', delayMs: 1_500 });
    try {
      // Slow but answering: served by xendit, until the window holds enough slow calls.
      for (let i = 0; i < 5; i++) assert.equal((await t.pay('va:bri')).provider, 'xendit');
      const skipped = await t.pay('va:bri');
      assert.equal(skipped.provider, 'komerce');
      const e = await t.explain(skipped.id);
      assert.equal(e.routing.candidates.find((c) => c.provider === 'xendit')!.healthReason, 'p95_latency');
      assert.equal(e.routing.candidates.find((c) => c.provider === 'xendit')!.signals.p95Ms, 1_500);
      // Still slow at the probe: the customer is served (slowly), the channel stays degraded.
      t.clock.advance(PROBE_MS);
      assert.equal((await t.pay('va:bri')).provider, 'xendit');
      assert.equal((await t.pay('va:bri')).provider, 'komerce');
    } finally {
      t.fault('xendit', null);
    }
    t.clock.advance(PROBE_MS);
    assert.equal((await t.pay('va:bri')).provider, 'xendit', 'a fast probe brings it back');
    assert.equal((await t.pay('va:bri')).provider, 'xendit');
  });

  it('every candidate degraded → the best one is still tried (a degraded provider beats no payment)', async () => {
    for (const p of ['xendit', 'komerce', 'midtrans'] as const) t.fault(p, 'error503', { channel: 'permata' });
    try {
      for (let i = 0; i < 5; i++) {
        const r = await api(t.s.url, 'POST', '/api/payments', { orderId: `RT-ALL-${i}`, amount: 100_000, method: 'va:permata' });
        assert.equal(r.status, 503, JSON.stringify(r.body));
        assert.deepEqual(r.body.error.details.tried, i === 0 ? ['xendit', 'komerce', 'midtrans'] : r.body.error.details.tried);
      }
      assert.equal(await t.metric('bayar_route_decisions_total', { family: 'va', provider: 'none', reason: 'all_unavailable' }), 5);
    } finally {
      for (const p of ['xendit', 'komerce', 'midtrans'] as const) t.fault(p, null);
    }
    for (const p of ['xendit', 'komerce', 'midtrans']) assert.equal(await t.metric('bayar_channel_degraded', { provider: p, family: 'va', channel: 'permata' }), 1, p);
    const p = await t.pay('va:permata');
    assert.equal(p.provider, 'xendit', 'first in BAYAR_ROUTES among the degraded');
    const e = await t.explain(p.id);
    assert.equal(e.routing.reason, 'all_degraded');
    assert.deepEqual(e.routing.candidates.map((c) => c.health), ['degraded', 'degraded', 'degraded']);
    // Its fast success was evidence enough: the channel is healthy again.
    assert.equal(await t.metric('bayar_channel_degraded', { provider: 'xendit', family: 'va', channel: 'permata' }), 0);
  });

  it('sticky: a resumed create keeps its first order, and a customer coming back keeps the provider that issued the code', async () => {
    // Both VA providers for CIMB down: the payment is kept without a code, first routed xendit → komerce → midtrans.
    for (const p of ['xendit', 'komerce', 'midtrans'] as const) t.fault(p, 'error503', { channel: 'cimb' });
    const first = await api(t.s.url, 'POST', '/api/payments', { orderId: 'RT-STICKY', amount: 100_000, method: 'va:cimb' });
    for (const p of ['xendit', 'komerce', 'midtrans'] as const) t.fault(p, null);
    assert.equal(first.status, 503);
    const paymentId = first.body.error.details.paymentId;
    // Xendit × CIMB then degrades on other orders (served by the next providers)…
    t.fault('xendit', 'error503', { channel: 'cimb' });
    for (let i = 0; i < 5; i++) assert.notEqual((await t.pay('va:cimb')).provider, 'xendit');
    t.fault('xendit', null);
    assert.equal(await t.metric('bayar_channel_degraded', { provider: 'xendit', family: 'va', channel: 'cimb' }), 1);
    // …but the unfinished payment resumes at xendit, with its first deterministic reference: whatever xendit may
    // have issued for it comes back, instead of a second code elsewhere.
    const refs = t.tap.seen.length;
    // (Its creator resumes it: the 503 handed it the payment's client secret.)
    const resumed = await api(t.s.url, 'POST', '/api/payments', { orderId: 'RT-STICKY', amount: 100_000, method: 'va:cimb' }, { 'bayar-client-secret': first.body.error.details.clientSecret });
    assert.equal(resumed.status, 201, JSON.stringify(resumed.body));
    assert.equal(resumed.body.payment.id, paymentId);
    assert.equal(resumed.body.payment.provider, 'xendit');
    const sent = t.tap.seen.slice(refs).find((r) => r.url.endsWith('/callback_virtual_accounts'));
    const record = (await t.s.store.getPayment(paymentId))!;
    assert.equal(JSON.parse(sent!.body!).external_id, record.reference);
    assert.equal(record.attempt, 1);
    assert.equal(await t.metric('bayar_route_decisions_total', { family: 'va', provider: 'xendit', reason: 'resumed' }), 1);

    // Coming back to the same order and method gets the same payment and code, whatever health says now.
    for (let i = 0; i < 5; i++) t.s.bayar.routing.board!.record('xendit', 'va:cimb', false, 10);
    const again = await api(t.s.url, 'POST', '/api/payments', { orderId: 'RT-STICKY', amount: 100_000, method: 'va:cimb' }, { 'bayar-client-secret': resumed.body.clientSecret });
    assert.equal(again.status, 200);
    assert.equal(again.body.payment.id, paymentId);
    assert.equal(again.body.payment.provider, 'xendit');
    assert.deepEqual(again.body.payment.va, resumed.body.payment.va);
  });
});

describe('smart routing: fees', () => {
  let t: Awaited<ReturnType<typeof startRouted>>;
  before(async () => {
    t = await startRouted('va=komerce,xendit,midtrans;qris=xendit,komerce;ewallet=doku;cstore=midtrans;paylater=indodana', {
      fees: parseFees('komerce:va=4500;xendit:va=4000,qris=0.7%;midtrans:va=1.5%', []),
    });
  });
  after(() => t.s.destroy());

  it('three providers with different VA fees → the cheapest healthy one; it degrades → the next cheapest', async () => {
    const p = await t.pay('va:bca', 100_000);
    assert.equal(p.provider, 'midtrans', '1.5 % of Rp100.000 is Rp1.500, below the flat Rp4.000 and Rp4.500');
    const e = await t.explain(p.id);
    assert.equal(e.expectedFee, 1_500);
    assert.equal(e.routing.strategy, 'cheapest_healthy');
    assert.equal(e.routing.reason, 'cheapest');
    assert.deepEqual(e.routing.candidates.map((c) => [c.provider, c.fee]), [['midtrans', 1500], ['xendit', 4000], ['komerce', 4500]]);

    t.fault('midtrans', 'error503', { channel: 'bca' });
    try {
      for (let i = 0; i < 5; i++) {
        const f = await t.pay('va:bca', 100_000);
        assert.equal(f.provider, 'xendit');
        assert.equal((await t.explain(f.id)).expectedFee, 4_000, 'the fee follows the provider that served');
      }
      const next = await t.pay('va:bca', 100_000);
      assert.equal(next.provider, 'xendit');
      const n = await t.explain(next.id);
      assert.equal(n.routing.reason, 'degraded_skipped');
      assert.deepEqual(n.routing.candidates.map((c) => c.provider), ['xendit', 'komerce', 'midtrans']);
    } finally {
      t.fault('midtrans', null);
    }
  });

  it('percentage and flat fees pick differently on a small and a large amount', async () => {
    // 1.5 % beats a flat Rp4.000 below Rp266.667; above it the flat fee wins. (va:bni: a healthy channel.)
    const small = await t.pay('va:bni', 50_000);
    const large = await t.pay('va:bni', 2_000_000);
    assert.equal(small.provider, 'midtrans');
    assert.equal(large.provider, 'xendit');
    assert.equal((await t.explain(small.id)).expectedFee, 750);
    assert.equal((await t.explain(large.id)).expectedFee, 4_000);
    // QRIS: only xendit has a fee configured; komerce's is unknown and goes after it.
    const q = await t.pay('qris:qris', 10_001);
    assert.equal(q.provider, 'xendit');
    assert.equal((await t.explain(q.id)).expectedFee, 71, '0.7 % of Rp10.001, rounded up');
  });

  it('the expected fee shows in the merchant listing and the reconciliation statement; the browser sees neither fee nor routing', async () => {
    const p = await t.pay('va:permata', 300_000);
    const mine = await t.explain(p.id);
    assert.equal(mine.provider, 'xendit');
    assert.equal(mine.expectedFee, 4_000);

    const page = await api(t.s.url, 'GET', '/api/payments?orderId=' + p.orderId, undefined, t.key);
    assert.equal(page.body.payments[0].expectedFee, 4_000);
    assert.equal(page.body.payments[0].routing, undefined, 'the listing stays small: the explanation is on GET /api/payments/:id');

    const browser = await api(t.s.url, 'GET', `/api/payments/${p.id}`, undefined, { 'bayar-client-secret': p.clientSecret });
    assert.equal(browser.status, 200);
    assert.equal(browser.body.payment.id, p.id);
    assert.ok(!('expectedFee' in browser.body.payment) && !('routing' in browser.body.payment), JSON.stringify(browser.body.payment));
    const wrongKey = await api(t.s.url, 'GET', `/api/payments/${p.id}`, undefined, { authorization: 'Bearer not-the-merchant-key-at-all', 'bayar-client-secret': p.clientSecret });
    assert.ok(!('routing' in wrongKey.body.payment));

    assert.equal((await api(t.s.url, 'POST', `/api/sandbox/payments/${p.id}/pay`)).body.payment.status, 'paid');
    const date = new Date(t.clock.now().getTime() + 7 * 3600e3).toISOString().slice(0, 10);
    const st = await api(t.s.url, 'GET', `/api/reconciliation?date=${date}`, undefined, t.key);
    assert.equal(st.status, 200);
    assert.equal(st.body.rows.find((r: { id: string }) => r.id === p.id).expectedFee, 4_000);
    const total = st.body.totals.find((x: { method: string; provider: string }) => x.method === 'va:permata' && x.provider === 'xendit');
    assert.deepEqual([total.paidCount, total.expectedFees], [1, 4_000]);
    const csv = await api(t.s.url, 'GET', `/api/reconciliation?date=${date}&format=csv`, undefined, t.key);
    assert.match(csv.body, new RegExp(`^payment,${p.id},.*,4000\\r$`, 'm'));
  });

  it("the console's payment timeline shows the routing decision and each failover; its facts the expected fee", async () => {
    t.fault('midtrans', 'error503', { channel: 'bri' });
    const p = await t.pay('va:bri', 100_000);
    t.fault('midtrans', null);
    assert.equal(p.provider, 'xendit');
    const signIn = await api(t.s.url, 'POST', '/console/api/session', { secret: sandboxConfig().merchantKey }, { origin: t.s.url });
    assert.equal(signIn.status, 201, JSON.stringify(signIn.body));
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const d = await api(t.s.url, 'GET', `/console/api/payments/${p.id}`, undefined, { cookie, origin: t.s.url });
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.equal(d.body.payment.expectedFee, 4_000);
    const routing = d.body.timeline.filter((e: { kind: string }) => e.kind === 'routing');
    assert.deepEqual(
      routing.map((e: { title: string; source: string; detail: string; ok: boolean }) => [e.title, e.source, e.detail, e.ok]),
      [
        ['cheapest', 'routing:cheapest_healthy', 'midtrans (healthy, Rp 1.500) → xendit (healthy, Rp 4.000) → komerce (healthy, Rp 4.500)', true],
        ['failover', 'provider:midtrans', 'provider_unavailable', false],
      ],
    );
  });
});
