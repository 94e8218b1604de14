/**
 * Operations endpoints and proxies (issue 11, findings 5–7): /metrics behind a token (or on its own loopback port),
 * counted at most once per interval whatever the scrapers; live-status streams capped per client address and in
 * total; BAYAR_TRUST_PROXY so rate limits, stream caps and webhook allowlists see the client behind a load balancer.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config.js';
import { api, openSse, startTestServer } from '../helpers/server.js';

const TOKEN = 'metrics-token-0123456789abcdef';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('/metrics', () => {
  it('with BAYAR_METRICS_TOKEN: 401 without the bearer token or with a wrong one, 200 with it', async () => {
    const s = await startTestServer({ metricsToken: TOKEN });
    try {
      const none = await fetch(`${s.url}/metrics`);
      assert.equal(none.status, 401);
      assert.equal(((await none.json()) as any).error.code, 'unauthorized');
      assert.equal((await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
      const ok = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /bayar_payments/);
    } finally {
      await s.destroy();
    }
  });

  it('with BAYAR_METRICS_PORT: served on 127.0.0.1 at that port only, not on the public listener', async () => {
    const port = await freePort();
    const s = await startTestServer({ metricsPort: port });
    try {
      assert.equal((await fetch(`${s.url}/metrics`)).status, 404);
      const own = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(own.status, 200);
      assert.match(await own.text(), /bayar_http_requests_total/);
      assert.equal((s.metricsServer!.address() as AddressInfo).address, '127.0.0.1');
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/methods?amount=10000`)).status, 404, 'nothing else on that port');
    } finally {
      await s.destroy();
    }
  });

  it('live mode refuses to start with /metrics open to anyone', () => {
    const base = { BAYAR_MODE: 'live', BAYAR_MERCHANT_KEY: 'k'.repeat(32), MIDTRANS_SERVER_KEY: 'Mid-server-x', BAYAR_PUBLIC_URL: 'https://shop.example' };
    assert.throws(() => loadConfig(base), (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.includes('BAYAR_METRICS_TOKEN')));
    assert.equal(loadConfig({ ...base, BAYAR_METRICS_TOKEN: TOKEN }).metricsToken, TOKEN);
    assert.equal(loadConfig({ ...base, BAYAR_METRICS_PORT: '9464' }).metricsPort, 9464);
  });

  it('16 concurrent scrapers and 20 more scrapes count the ledger once, not once per scrape', async () => {
    const s = await startTestServer({}, undefined, { metricsCacheMs: 60_000 });
    try {
      let counts = 0;
      const real = s.store.countByStatus.bind(s.store);
      s.store.countByStatus = async () => (counts++, real());
      await api(s.url, 'POST', '/api/payments', { orderId: 'MET-CACHE', amount: 50_000, method: 'va:bca' });
      const scrapes = await Promise.all(Array.from({ length: 16 }, () => fetch(`${s.url}/metrics`).then((r) => r.text())));
      for (let i = 0; i < 20; i++) await (await fetch(`${s.url}/metrics`)).text();
      assert.equal(counts, 1);
      assert.ok(scrapes.every((t) => /bayar_payments\{status="pending"\} 1/.test(t)));
    } finally {
      await s.destroy();
    }
  });
});

describe('live-status streams', () => {
  it(`one client address holds at most BAYAR_SSE_PER_CLIENT streams: the next one → 429 too_many_streams`, async () => {
    const s = await startTestServer({ ssePerClient: 3 });
    try {
      const c = await api(s.url, 'POST', '/api/payments', { orderId: 'SSE-CAP', amount: 50_000, method: 'va:bca' });
      const url = `${s.url}/api/payments/${c.body.payment.id}/events?client_secret=${c.body.clientSecret}`;
      const open = Array.from({ length: 3 }, () => openSse(url));
      await Promise.all(open.map((o) => o.until((m) => m.length >= 1)));
      const over = await api(s.url, 'GET', `/api/payments/${c.body.payment.id}/events?client_secret=${c.body.clientSecret}`);
      assert.equal(over.status, 429);
      assert.equal(over.body.error.code, 'too_many_streams');
      await open[0]!.close();
      // A closed stream frees its place.
      await new Promise((r) => setTimeout(r, 100));
      const again = openSse(url);
      await again.until((m) => m.length >= 1);
      await Promise.all([again, ...open.slice(1)].map((o) => o.close()));
    } finally {
      await s.destroy();
    }
  });

  it('all clients together hold at most BAYAR_SSE_MAX streams', async () => {
    const s = await startTestServer({ ssePerClient: 100, sseMax: 2, trustProxy: 1 });
    try {
      const c = await api(s.url, 'POST', '/api/payments', { orderId: 'SSE-MAX', amount: 50_000, method: 'va:bca' });
      const url = `${s.url}/api/payments/${c.body.payment.id}/events?client_secret=${c.body.clientSecret}`;
      const a = openSse(url, { 'x-forwarded-for': '203.0.113.1' });
      const b = openSse(url, { 'x-forwarded-for': '203.0.113.2' });
      await Promise.all([a, b].map((o) => o.until((m) => m.length >= 1)));
      const over = await api(s.url, 'GET', `/api/payments/${c.body.payment.id}/events?client_secret=${c.body.clientSecret}`, undefined, { 'x-forwarded-for': '203.0.113.3' });
      assert.equal(over.status, 429);
      assert.equal(over.body.error.code, 'too_many_streams');
      await Promise.all([a.close(), b.close()]);
    } finally {
      await s.destroy();
    }
  });
});

describe('behind a load balancer (BAYAR_TRUST_PROXY)', () => {
  it('without it, X-Forwarded-For is ignored: every request shares the socket address bucket', async () => {
    const s = await startTestServer({ rateLimitPerMinute: 3 });
    try {
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await api(s.url, 'GET', '/api/methods?amount=10000', undefined, { 'x-forwarded-for': `198.51.100.${i}` })).status);
      assert.deepEqual(codes, [200, 200, 200, 429, 429], 'a forged header buys no extra requests');
    } finally {
      await s.destroy();
    }
  });

  it('with one trusted hop, each customer behind the balancer has a bucket of its own', async () => {
    const s = await startTestServer({ rateLimitPerMinute: 3, trustProxy: 1 });
    try {
      const from = (ip: string) => api(s.url, 'GET', '/api/methods?amount=10000', undefined, { 'x-forwarded-for': ip });
      for (let i = 0; i < 3; i++) assert.equal((await from('198.51.100.7')).status, 200);
      assert.equal((await from('198.51.100.7')).status, 429);
      assert.equal((await from('198.51.100.8')).status, 200, 'another customer is not limited by the first');
    } finally {
      await s.destroy();
    }
  });

  it('a webhook allowlist sees the provider address the trusted proxy forwarded', async () => {
    const s = await startTestServer({ trustProxy: ['127.0.0.1/32'], webhookAllowedIps: { komerce: ['203.0.113.50'] } });
    try {
      const body = { payment_id: 'x', status: 'PAID' };
      const fromBalancer = await api(s.url, 'POST', '/webhooks/komerce', body);
      assert.equal(fromBalancer.status, 403, 'the balancer itself is not the provider');
      const forwarded = await api(s.url, 'POST', '/webhooks/komerce', body, { 'x-forwarded-for': '203.0.113.50' });
      assert.equal(forwarded.status, 401, 'past the allowlist, on to the signature check');
    } finally {
      await s.destroy();
    }
  });

  it('BAYAR_TRUST_PROXY takes a hop count or addresses/CIDRs, and names what it cannot read', () => {
    assert.equal(loadConfig({ BAYAR_TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ BAYAR_TRUST_PROXY: '10.0.0.0/8, 192.168.1.7' }).trustProxy, ['10.0.0.0/8', '192.168.1.7']);
    assert.equal(loadConfig({}).trustProxy, false);
    assert.throws(() => loadConfig({ BAYAR_TRUST_PROXY: '10.0.0.0/33,lb.internal' }), (e: unknown) => e instanceof ConfigError && /BAYAR_TRUST_PROXY.*10\.0\.0\.0\/33, lb\.internal/.test(e.problems[0]!));
  });
});
