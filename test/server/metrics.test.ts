/**
 * GET /metrics after real traffic: a paid VA, a forged webhook, a provider outage that opens the circuit, a
 * merchant backend that keeps failing, a live-status stream. Each series must say what happened, by route
 * pattern (never a payment id), provider, operation and outcome.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../server/lib/clock.js';
import type { HttpRequest } from '../../server/lib/http.js';
import { SANDBOX_CREDENTIALS as SANDBOX } from '../../server/config.js';
import { TapClient, api, openSse, startTestServer, type TestServer, merchantHeaders } from '../helpers/server.js';

/** The merchant key opens every payment (these tests read as the merchant's backend would). */
const MK = merchantHeaders(SANDBOX.merchantKey);

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition format 0.0.4, enough for these assertions. */
function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparseable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of m[2]?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g) ?? []) labels[k!] = v!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

describe('metrics', () => {
  let s: TestServer;
  let merchant: Server;
  let merchantUp = false;
  const tap = new TapClient();
  const clock = new ManualClock();
  let paymentId = '';

  const scrape = async () => {
    const res = await fetch(`${s.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    return parseMetrics(await res.text());
  };
  const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    samples
      .filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))
      .reduce((a, x) => a + x.value, 0);

  before(async () => {
    merchant = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(merchantUp ? 200 : 503).end());
    });
    await new Promise<void>((r) => merchant.listen(0, '127.0.0.1', r));
    s = await startTestServer(
      { notifyUrl: `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/hook` },
      undefined,
      {
        http: tap,
        clock,
        background: true,
        // Counted on every scrape here, so each assertion sees the ledger as it is now (the default reuses a count
        // for 15 s; test/server/operations.test.ts checks that).
        metricsCacheMs: 0,
        // Retries are slow on purpose so the backlog stays put while it is read; the circuit opens after two
        // failures so the test can see it open.
        notifierOptions: { baseDelayMs: 60_000, maxDelayMs: 60_000, intervalMs: 20 },
        resilience: { breakerThreshold: 2, halfOpenAfterMs: 600_000, readAttempts: 1, retryInitialDelayMs: 1, retryMaxDelayMs: 1 },
      },
    );

    // One VA paid through the Komerce emulator's signed webhook.
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'MET-1', amount: 125_000, method: 'va:bca' });
    assert.equal(created.status, 201);
    paymentId = created.body.payment.id;
    assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${paymentId}/pay`)).body.payment.status, 'paid');
    await api(s.url, 'GET', `/api/payments/${paymentId}`, undefined, MK);
    // Another one left pending, and an unknown payment.
    await api(s.url, 'POST', '/api/payments', { orderId: 'MET-2', amount: 80_000, method: 'va:bni' });
    assert.equal((await api(s.url, 'GET', '/api/payments/pay_unknown0000000000000000', undefined, MK)).status, 404);
  });
  after(async () => {
    await s.destroy();
    await new Promise<void>((r) => merchant.close(() => r()));
  });

  it('counts requests by method, route pattern and status — never by raw path', async () => {
    const m = await scrape();
    assert.equal(value(m, 'bayar_http_requests_total', { method: 'POST', route: '/api/payments', status: '201' }), 2);
    assert.equal(value(m, 'bayar_http_requests_total', { method: 'GET', route: '/api/payments/:id', status: '200' }), 1);
    assert.equal(value(m, 'bayar_http_requests_total', { method: 'GET', route: '/api/payments/:id', status: '404' }), 1);
    assert.equal(value(m, 'bayar_http_requests_total', { method: 'POST', route: '/api/sandbox/payments/:id/:action', status: '200' }), 1);
    assert.ok(value(m, 'bayar_http_request_duration_seconds_count', { method: 'POST', route: '/api/payments' }) >= 2);
    const labelValues = m.filter((x) => x.name.startsWith('bayar_http')).flatMap((x) => Object.values(x.labels));
    assert.ok(!labelValues.some((v) => v.includes(paymentId) || v.includes('pay_unknown')), 'no ids in labels (unbounded cardinality)');
  });

  it('times provider calls by provider, operation and outcome', async () => {
    const m = await scrape();
    assert.equal(value(m, 'bayar_provider_call_duration_seconds_count', { provider: 'komerce', operation: 'create', outcome: 'ok' }), 2);
    const buckets = m.filter((x) => x.name === 'bayar_provider_call_duration_seconds_bucket' && x.labels.provider === 'komerce' && x.labels.operation === 'create');
    assert.equal(buckets.find((b) => b.labels.le === '+Inf')!.value, 2);
    assert.ok(value(m, 'bayar_provider_call_duration_seconds_sum', { provider: 'komerce', operation: 'create' }) > 0);
    assert.equal(value(m, 'bayar_provider_errors_total', { provider: 'komerce' }), 0);
  });

  it('counts webhook verifications by outcome, forged ones included', async () => {
    let held: HttpRequest | undefined;
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'MET-3', amount: 90_000, method: 'va:bri' });
    tap.intercept = (req) => (req.url.endsWith('/webhooks/komerce') && !held ? ((held = req), { status: 200, headers: {}, body: '{}' }) : undefined);
    await api(s.url, 'POST', `/api/sandbox/payments/${created.body.payment.id}/pay`);
    tap.intercept = null;
    assert.ok(held);
    const forged = await fetch(held.url, { method: 'POST', headers: held.headers, body: held.body!.replace('"PAID"', '"PAID" ') });
    assert.equal(forged.status, 401);
    const m = await scrape();
    assert.equal(value(m, 'bayar_webhook_verifications_total', { provider: 'komerce', outcome: 'verified' }), 1, 'the first payment’s webhook');
    assert.equal(value(m, 'bayar_webhook_verifications_total', { provider: 'komerce', outcome: 'webhook_signature_invalid' }), 1);
    assert.equal(value(m, 'bayar_http_requests_total', { method: 'POST', route: '/webhooks/:provider', status: '401' }), 1);
  });

  it('mirrors the ledger: payments by status and the undelivered notification backlog', async () => {
    // The merchant backend answers 503: every notification so far is waiting (pending + paid for MET-1,
    // pending for MET-2 and MET-3).
    const deadline = Date.now() + 5_000;
    let m = await scrape();
    while (value(m, 'bayar_outbox_backlog') !== 4 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      m = await scrape();
    }
    assert.equal(value(m, 'bayar_payments', { status: 'paid' }), 1);
    assert.equal(value(m, 'bayar_payments', { status: 'pending' }), 2);
    assert.equal(value(m, 'bayar_outbox_backlog'), 4);
    assert.equal(await s.store.outboxBacklog(), 4);
    assert.ok(tap.seen.some((r) => r.url.endsWith('/hook')), 'delivery was attempted');
  });

  it('shows provider errors and the circuit opening after an outage', async () => {
    let m = await scrape();
    assert.equal(value(m, 'bayar_provider_circuit_state', { provider: 'xendit', state: 'closed' }), 1);
    s.bayar.emulators.get('xendit')!.setFault('error503');
    try {
      // QRIS goes to Xendit first; it fails (and is retried once), Komerce takes it. A failed create counts
      // toward the xendit × qris channel's health, not the provider-wide circuit (routing.test.ts)…
      const r = await api(s.url, 'POST', '/api/payments', { orderId: 'MET-4', amount: 40_000, method: 'qris:qris' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.payment.provider, 'komerce');
      assert.equal(value(await scrape(), 'bayar_provider_circuit_state', { provider: 'xendit', state: 'closed' }), 1);
      // …while failed status reads (the reconciler's) open it.
      const xendit = s.bayar.providers.get('xendit')!;
      for (let i = 0; i < 2; i++) await xendit.status({ providerRef: 'qr_unknown', reference: 'BYRX' }).catch(() => undefined);
    } finally {
      s.bayar.emulators.get('xendit')!.setFault(null);
    }
    m = await scrape();
    assert.equal(value(m, 'bayar_provider_errors_total', { provider: 'xendit', operation: 'create', kind: 'unavailable' }), 2);
    assert.equal(value(m, 'bayar_provider_call_duration_seconds_count', { provider: 'xendit', operation: 'create', outcome: 'unavailable' }), 2);
    assert.equal(value(m, 'bayar_provider_circuit_state', { provider: 'xendit', state: 'open' }), 1);
    assert.equal(value(m, 'bayar_provider_circuit_state', { provider: 'xendit', state: 'closed' }), 0);
    for (const p of ['doku', 'indodana', 'komerce', 'midtrans']) assert.equal(value(m, 'bayar_provider_circuit_state', { provider: p, state: 'closed' }), 1, p);
  });

  it('counts open live-status streams, and the backlog drains once the merchant is back', async () => {
    const sse = openSse(`${s.url}/api/payments/${paymentId}/events`, MK);
    await sse.until((msgs) => msgs.length >= 1);
    assert.equal(value(await scrape(), 'bayar_sse_connections'), 1);
    await sse.close();

    merchantUp = true;
    // Failed deliveries are due again after their backoff (up to a minute here): let the minute pass.
    clock.advance(61_000);
    s.bayar.notifier!.kick();
    const deadline = Date.now() + 5_000;
    let backlog = -1;
    while (backlog !== 0 && Date.now() < deadline) {
      backlog = value(await scrape(), 'bayar_outbox_backlog');
      if (backlog) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(backlog, 0);
  });

  it('includes Node process metrics under the bayar_ prefix', async () => {
    const m = await scrape();
    assert.ok(m.some((x) => x.name === 'bayar_process_cpu_user_seconds_total'));
    assert.ok(m.some((x) => x.name === 'bayar_nodejs_eventloop_lag_seconds'));
  });
});
