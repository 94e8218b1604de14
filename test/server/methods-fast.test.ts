/**
 * GET /api/methods is answered before the Express stack (server/routes/methods-fast.ts). Whatever it skips, its
 * answers must be those of the stack: the same security headers (helmet's CSP and the rest), the same CORS answer,
 * the same rate-limit bucket as every other /api route, the same errors, request ids, metrics. Each test holds the
 * fast path beside a route that goes through the whole stack (GET /api/installments, the same query).
 */
import assert from 'node:assert/strict';
import { get, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import compression from 'compression';
import express from 'express';
import { sandboxConfig } from '../../server/config.js';
import type { PaymentMethod } from '../../server/api-types.js';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Request } from 'express';
import { rateLimitKey } from '../../server/routes/fast-path.js';
import { answerText } from '../../server/routes/methods-fast.js';
import { api, merchantHeaders, startTestServer, type TestServer } from '../helpers/server.js';

const SHOP = 'https://shop.example';
/**
 * Headers that differ between any two answers (or with the body: compression() leaves an answer under 1 KB, such as
 * the instalment plans, uncoded): everything else must be equal. The coding itself is checked below.
 */
const VARYING = new Set(['date', 'content-length', 'x-request-id', 'ratelimit', 'etag', 'content-encoding']);
const headersOf = (h: Headers) => Object.fromEntries([...h].filter(([k]) => !VARYING.has(k)).sort(([a], [b]) => a.localeCompare(b)));

describe('GET /api/methods fast path', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ allowedOrigins: [SHOP] }, undefined, { rateLimitPerMinute: 1_000 });
  });
  after(() => s?.destroy());

  it('answers with the same security and CORS headers as a route through the whole stack', async () => {
    for (const origin of [SHOP, 'https://evil.example', undefined]) {
      const headers: Record<string, string> = origin ? { origin } : {};
      const fast = await api(s.url, 'GET', '/api/methods?amount=150000', undefined, headers);
      const slow = await api(s.url, 'GET', '/api/installments?amount=150000', undefined, headers);
      assert.equal(fast.status, 200);
      assert.equal(slow.status, 200);
      assert.deepEqual(headersOf(fast.headers), headersOf(slow.headers), `origin ${origin}`);
      // The point of the comparison: the strict CSP and friends are really there.
      assert.match(fast.headers.get('content-security-policy') ?? '', /default-src 'self'.*frame-ancestors 'none'/);
      assert.equal(fast.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(fast.headers.get('access-control-allow-origin'), origin === SHOP ? SHOP : null);
      assert.match(fast.headers.get('ratelimit') ?? '', /^limit=1000, remaining=\d+, reset=\d+$/);
    }
  });

  it('answers the method list the service computes, and a session names its order', async () => {
    const fast = await api(s.url, 'GET', '/api/methods?amount=150000');
    assert.deepEqual(fast.body, { methods: s.bayar.service.methods(150_000, undefined) });
    const minted = await api(s.url, 'POST', '/api/sessions', { orderId: 'FAST-1', amount: 75_000, methods: ['va'] }, merchantHeaders(sandboxConfig().merchantKey));
    assert.equal(minted.status, 201, JSON.stringify(minted.body));
    const named = await api(s.url, 'GET', '/api/methods', undefined, { 'bayar-session': minted.body.session });
    assert.equal(named.status, 200, JSON.stringify(named.body));
    assert.deepEqual(named.body.order, { orderId: 'FAST-1', amount: 75_000 });
    assert.ok(named.body.methods.length > 0 && named.body.methods.every((m: { family: string }) => m.family === 'va'));
  });

  it('refuses bad input exactly as the stack does, with the security headers on the error', async () => {
    for (const [query, code] of [
      ['?amount=abc', 'invalid_amount'],
      ['?amount=1.5', 'invalid_amount'],
      ['', 'invalid_request'],
      ['?session=x.y.z', 'session_invalid'],
    ] as const) {
      const fast = await api(s.url, 'GET', `/api/methods${query}`);
      const slow = await api(s.url, 'GET', `/api/installments${query}`);
      assert.equal(fast.status, slow.status, query);
      assert.ok(fast.status >= 400 && fast.status < 500, `${query}: ${fast.status}`);
      assert.equal(fast.body.error.code, code, query);
      assert.deepEqual(fast.body, slow.body, query);
      assert.deepEqual(headersOf(fast.headers), headersOf(slow.headers), query);
    }
    const both = await api(s.url, 'GET', '/api/methods?session=a', undefined, { 'bayar-session': 'b' });
    assert.equal(both.status, 400);
    assert.equal(both.body.error.code, 'session_invalid');
  });

  it('writes the answer byte for byte as JSON.stringify would, the memoised list\'s text reused only while it cannot change', () => {
    const list = Object.freeze(s.bayar.service.methods(150_000, undefined).slice()) as PaymentMethod[];
    const order = { orderId: 'FAST-"1"\u2028', amount: 75_000 };
    for (const a of [{ methods: list }, { methods: list, order }, { methods: list, order: undefined }]) assert.equal(answerText(a), JSON.stringify(a));
    // An unfrozen list is serialised afresh each time: a change to it shows in the next answer.
    const open = [...list];
    assert.equal(answerText({ methods: open }), JSON.stringify({ methods: open }));
    open.pop();
    assert.equal(answerText({ methods: open }), JSON.stringify({ methods: open }));
  });

  it('compresses the list exactly as the stack\'s compression() would: the same coding for every Accept-Encoding, the same bytes', async () => {
    /** The raw answer, not decoded (fetch would decode it). */
    const raw = (url: string, acceptEncoding: string | undefined) =>
      new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        get(url, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
    const plain = JSON.stringify({ methods: s.bayar.service.methods(150_000, undefined) });
    assert.ok(Buffer.byteLength(plain) > 1024, 'the list is over compression()\'s threshold');
    // The reference: the same JSON answer through compression(), as app.ts mounts it before the API's routes.
    const ref = express().use(compression()).get('/', (_req, res) => void res.json(JSON.parse(plain)));
    const server = ref.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const refUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const seen = new Set<string>();
      for (const ae of ['gzip, deflate, br, zstd', 'gzip, deflate', 'gzip', 'deflate', 'br', 'br;q=0, gzip', 'gzip;q=0.5, deflate', 'gzip;q=0', 'identity', '*', 'zstd', '', undefined]) {
        const fast = await raw(`${s.url}/api/methods?amount=150000`, ae);
        const want = await raw(refUrl, ae);
        assert.equal(fast.headers['content-encoding'], want.headers['content-encoding'], `coding for ${ae}`);
        assert.equal(fast.headers['vary'], want.headers['vary'], `vary for ${ae}`);
        assert.ok(fast.body.equals(want.body), `the same bytes for ${ae}`);
        const coding = fast.headers['content-encoding'];
        const decoded = coding === 'br' ? brotliDecompressSync(fast.body) : coding === 'gzip' ? gunzipSync(fast.body) : coding === 'deflate' ? inflateSync(fast.body) : fast.body;
        assert.equal(decoded.toString('utf8'), plain, `decodes to the plain answer (${ae})`);
        if (coding) assert.equal(Number(fast.headers['content-length']), fast.body.length);
        seen.add(coding ?? 'identity');
      }
      assert.deepEqual([...seen].sort(), ['br', 'deflate', 'gzip', 'identity'], 'every coding was exercised');
      // Asked again: the coded bytes kept for the list are the same.
      assert.ok((await raw(`${s.url}/api/methods?amount=150000`, 'gzip')).body.equals((await raw(refUrl, 'gzip')).body));
    } finally {
      server.close();
    }
  });

  it('codes a session\'s answer (which names its order) afresh, as the stack would', async () => {
    const minted = await api(s.url, 'POST', '/api/sessions', { orderId: 'FAST-GZ', amount: 150_000 }, merchantHeaders(sandboxConfig().merchantKey));
    assert.equal(minted.status, 201, JSON.stringify(minted.body));
    const named = await fetch(`${s.url}/api/methods`, { headers: { 'bayar-session': minted.body.session, 'accept-encoding': 'gzip' } });
    assert.equal(named.headers.get('content-encoding'), 'gzip');
    const body = await named.json();
    assert.deepEqual(body.order, { orderId: 'FAST-GZ', amount: 150_000 });
    assert.deepEqual(body.methods, s.bayar.service.methods(150_000, undefined));
  });

  it('keys the rate limit by client exactly as express-rate-limit does (IPv6 by its /56)', () => {
    for (const ip of ['127.0.0.1', '203.0.113.9', '::1', '::ffff:198.51.100.7', '2001:db8:1:2:3::1', '']) {
      assert.equal(rateLimitKey({ ip } as Request), ipKeyGenerator(ip, 56), ip);
    }
  });

  it('echoes a sane X-Request-Id and replaces any other', async () => {
    const given = await api(s.url, 'GET', '/api/methods?amount=10000', undefined, { 'x-request-id': 'req-42' });
    assert.equal(given.headers.get('x-request-id'), 'req-42');
    const odd = await api(s.url, 'GET', '/api/methods?amount=10000', undefined, { 'x-request-id': 'has spaces<>' });
    assert.match(odd.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('counts its requests in the metrics under its route', async () => {
    await api(s.url, 'GET', '/api/methods?amount=10000');
    await api(s.url, 'GET', '/api/methods?amount=nope');
    const text = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(text, /bayar_http_requests_total\{[^}]*route="\/api\/methods"[^}]*status="200"[^}]*\} [1-9]/);
    assert.match(text, /bayar_http_requests_total\{[^}]*route="\/api\/methods"[^}]*status="400"[^}]*\} [1-9]/);
  });

  it('leaves what it does not answer to the stack: HEAD, other verbs, longer paths', async () => {
    const head = await fetch(`${s.url}/api/methods?amount=150000`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const post = await api(s.url, 'POST', '/api/methods', {});
    assert.equal(post.status, 404);
    const deeper = await api(s.url, 'GET', '/api/methods/extra?amount=150000');
    assert.equal(deeper.status, 404);
  });
});

describe('GET /api/methods fast path: one rate-limit bucket with the rest of the API', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({}, undefined, { rateLimitPerMinute: 5 });
  });
  after(() => s?.destroy());

  it('requests to other routes use up its allowance and its requests theirs; the 429 is the stack\'s', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(s.url, 'GET', '/api/installments?amount=150000')).status);
    for (let i = 0; i < 2; i++) statuses.push((await api(s.url, 'GET', '/api/methods?amount=150000')).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
    const fast = await api(s.url, 'GET', '/api/methods?amount=150000');
    assert.equal(fast.status, 429);
    assert.equal(fast.body.error.code, 'rate_limited');
    assert.ok(Number(fast.headers.get('retry-after')) > 0);
    assert.match(fast.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const slow = await api(s.url, 'GET', '/api/installments?amount=150000');
    assert.equal(slow.status, 429);
    assert.deepEqual(fast.body, slow.body);
    assert.deepEqual(headersOf(fast.headers), headersOf(slow.headers));
  });
});
