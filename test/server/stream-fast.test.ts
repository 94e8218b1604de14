/**
 * GET /api/payments/:id/events is served before the Express stack (server/routes/fast-path.ts), with the stack's own
 * handler. Whatever it skips, its answers must be those of the stack: the same security and CORS headers as a
 * payment read through the whole stack (GET /api/payments/:id), the same rate-limit bucket, the same errors with the
 * same headers, request ids and metrics.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LocalBus } from '../../server/domain/live.js';
import type { HistoryEntry } from '../../server/store/types.js';
import { api, openSse, secretHeaders, startTestServer, type TestServer } from '../helpers/server.js';

const SHOP = 'https://shop.example';
/** Headers that differ between any two answers, or that only a stream (or only a JSON body) has. */
const VARYING = new Set(['date', 'content-length', 'x-request-id', 'ratelimit', 'etag', 'content-type', 'cache-control', 'connection', 'keep-alive', 'transfer-encoding', 'x-accel-buffering']);
const headersOf = (h: Headers) => Object.fromEntries([...h].filter(([k]) => !VARYING.has(k)).sort(([a], [b]) => a.localeCompare(b)));
/**
 * A JSON answer's headers as a stream's would be: compression() varies every JSON answer by Accept-Encoding (and
 * codes one over 1 KB, as a payment with its how-to-pay steps is), and leaves a stream (no-transform) alone.
 */
const asStream = (h: Headers) => {
  const out = headersOf(h);
  delete out['content-encoding'];
  const vary = out['vary']?.split(', ').filter((v) => v !== 'Accept-Encoding').join(', ');
  if (vary) out['vary'] = vary;
  else delete out['vary'];
  return out;
};

describe('GET /api/payments/:id/events fast path', () => {
  let s: TestServer;
  let id: string;
  let secret: string;
  before(async () => {
    s = await startTestServer({ allowedOrigins: [SHOP] }, undefined, { rateLimitPerMinute: 1_000 });
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'STREAM-FAST-1', amount: 50_000, method: 'va:bca' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    id = created.body.payment.id;
    secret = created.body.clientSecret;
  });
  after(() => s?.destroy());

  /** The stream's response head, then the stream closed. */
  const streamHead = async (path: string, headers: Record<string, string> = {}) => {
    const ctrl = new AbortController();
    const res = await fetch(`${s.url}${path}`, { headers: { accept: 'text/event-stream', ...headers }, signal: ctrl.signal });
    const body = res.headers.get('content-type')?.startsWith('application/json') ? await res.json() : null;
    ctrl.abort();
    return { status: res.status, headers: res.headers, body };
  };

  it('answers with the same security and CORS headers as a payment read through the whole stack', async () => {
    for (const origin of [SHOP, 'https://evil.example', undefined]) {
      const headers: Record<string, string> = origin ? { origin } : {};
      const fast = await streamHead(`/api/payments/${id}/events`, { ...headers, ...secretHeaders(secret), 'x-request-id': 'req-stream-1' });
      const slow = await api(s.url, 'GET', `/api/payments/${id}`, undefined, { ...headers, ...secretHeaders(secret) });
      assert.equal(fast.status, 200);
      assert.equal(slow.status, 200);
      assert.equal(fast.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      assert.deepEqual(headersOf(fast.headers), asStream(slow.headers), `origin ${origin}`);
      assert.equal(fast.headers.get('vary')?.includes('Accept-Encoding') ?? false, false, 'a stream is not compressed: no Vary on it');
      assert.equal(fast.headers.get('content-encoding'), null);
      assert.match(fast.headers.get('content-security-policy') ?? '', /default-src 'self'.*frame-ancestors 'none'/);
      assert.equal(fast.headers.get('access-control-allow-origin'), origin === SHOP ? SHOP : null);
      assert.match(fast.headers.get('ratelimit') ?? '', /^limit=1000, remaining=\d+, reset=\d+$/);
      assert.equal(fast.headers.get('x-request-id'), 'req-stream-1');
    }
  });

  it('streams the status, and resumes after Last-Event-ID, with the secret in the query as EventSource sends it', async () => {
    const sse = openSse(`${s.url}/api/payments/${encodeURIComponent(id)}/events?client_secret=${secret}`);
    await sse.until((m) => m.length === 1);
    assert.equal(JSON.parse(sse.messages[0]!.data).payment.status, 'pending');
    sse.close();
    const resumed = openSse(`${s.url}/api/payments/${id}/events/?client_secret=${secret}`, { 'last-event-id': sse.messages[0]!.id! });
    const paid = await api(s.url, 'POST', `/api/sandbox/payments/${id}/pay`);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    await resumed.until((m) => m.length === 1);
    assert.equal(JSON.parse(resumed.messages[0]!.data).payment.status, 'paid');
    resumed.close();
  });

  it('refuses as the stack does (no secret 401, a wrong one 404 like an unknown id), with the security headers on the error', async () => {
    for (const [headers, status, code] of [
      [{}, 401, 'client_secret_required'],
      [secretHeaders('pcs_wrongwrongwrongwrongwrongwrongwr'), 404, 'payment_not_found'],
    ] as const) {
      const fast = await streamHead(`/api/payments/${id}/events`, headers);
      const slow = await api(s.url, 'GET', `/api/payments/${id}`, undefined, headers);
      assert.equal(fast.status, status);
      assert.equal(slow.status, status);
      assert.equal(fast.body.error.code, code);
      assert.equal(slow.body.error.code, code);
      assert.deepEqual(headersOf(fast.headers), headersOf(slow.headers));
    }
  });

  it('counts streams in the metrics under their route once they close', async () => {
    const metric = async () => {
      const text = await (await fetch(`${s.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('bayar_http_requests_total{') && l.includes('route="/api/payments/:id/events"') && l.includes('status="200"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const before = await metric();
    const sse = openSse(`${s.url}/api/payments/${id}/events`, secretHeaders(secret));
    await sse.until((m) => m.length === 1);
    sse.close();
    for (let i = 0; i < 250 && (await metric()) === before; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await metric(), before + 1);
  });
});

/** A bus that holds back every change until released: what the streams get, and when, is up to the test. */
class HeldBus extends LocalBus {
  held: HistoryEntry[] = [];
  override publish(entry: HistoryEntry) {
    this.held.push(entry);
  }
  release() {
    for (const h of this.held.splice(0)) super.publish(h);
  }
}

describe('live status: the webhook is acknowledged without waiting for the streams', () => {
  let s: TestServer;
  const bus = new HeldBus();
  before(async () => {
    s = await startTestServer({}, undefined, { bus });
  });
  after(() => s?.destroy());

  it('answers the provider once the change is durable, and writes it to the streams after', async () => {
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'STREAM-ACK-1', amount: 50_000, method: 'va:bca' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { id } = created.body.payment;
    const sse = openSse(`${s.url}/api/payments/${id}/events`, secretHeaders(created.body.clientSecret));
    await sse.until((m) => m.length === 1);
    // The changes of the create are in the stream's replay already.
    bus.held.length = 0;
    // The emulator's signed webhook is answered 2xx (else this is a 502) while no stream has been written to.
    const paid = await api(s.url, 'POST', `/api/sandbox/payments/${id}/pay`);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal((await s.bayar.store.getPayment(id))?.status, 'paid');
    assert.deepEqual(bus.held.map((h) => h.status), ['paid']);
    assert.equal(sse.messages.length, 1);
    bus.release();
    await sse.until((m) => m.length === 2);
    assert.equal(JSON.parse(sse.messages[1]!.data).payment.status, 'paid');
    await sse.close();
  });
});
