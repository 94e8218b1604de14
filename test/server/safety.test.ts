/**
 * Money safety and abuse resistance, each shown against the running companion.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { loadConfig, SANDBOX_CREDENTIALS } from '../../server/config.js';
import { createLogger } from '../../server/lib/logger.js';
import { ROOT } from '../../server/app.js';
import { api, merchantHeaders, openSse, startTestServer, type TestServer } from '../helpers/server.js';
import { dokuNotification, sendDoku } from '../helpers/doku.js';

/** The merchant key opens every payment (these tests read as the merchant's backend would). */
const MK = merchantHeaders(SANDBOX_CREDENTIALS.merchantKey);

const S = SANDBOX_CREDENTIALS;
const SECRETS = [S.merchantKey, S.doku.secretKey, S.indodana.apiSecret, S.komerce.apiKey, S.komerce.callbackKey, S.xendit.secretKey, S.xendit.callbackToken, S.midtrans.serverKey];

async function dokuPayment(s: TestServer, orderId: string, amount = 50_000) {
  const r = await api(s.url, 'POST', '/api/payments', { orderId, amount, method: 'ewallet:dana' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const rec = (await s.store.getPayment(r.body.payment.id))!;
  assert.equal(rec.provider, 'doku');
  return rec;
}

describe('tampering', () => {
  it('live mode refuses an unsigned amount (403) and has no sandbox endpoints', async () => {
    const live = loadConfig({ BAYAR_MODE: 'live', BAYAR_MERCHANT_KEY: 'live-merchant-key-0123456789', MIDTRANS_SERVER_KEY: 'Mid-server-x', MIDTRANS_BASE_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'silent', BAYAR_PUBLIC_URL: 'https://shop.example/bayar', BAYAR_METRICS_TOKEN: 'metrics-token-0123456789' });
    const s = await startTestServer({ ...live, publicUrl: null, port: 0, host: '127.0.0.1' });
    try {
      const r = await api(s.url, 'POST', '/api/payments', { orderId: 'LIVE-1', amount: 10, method: 'va:bca' });
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'unsigned_checkout_disabled');
      assert.equal((await api(s.url, 'POST', '/api/sandbox/payments/x/pay')).status, 404);
      assert.equal((await api(s.url, 'GET', '/')).status, 404, 'no demo storefront in live mode');
      assert.equal((await s.store.listPayments({ limit: 10 })).payments.length, 0);
    } finally {
      await s.destroy();
    }
  });
});

describe('webhook safety (Doku: signed, timestamped, no confirmation call)', () => {
  let s: TestServer;
  let notified: string[] = [];
  let hook: import('node:http').Server;
  before(async () => {
    const { createServer } = await import('node:http');
    hook = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c)).on('end', () => {
        notified.push(b);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as { port: number }).port;
    s = await startTestServer({ notifyUrl: `http://127.0.0.1:${port}/hook` }, undefined, { notifierOptions: { intervalMs: 20, baseDelayMs: 10 } });
  });
  after(async () => {
    await s.destroy();
    await new Promise((r) => hook.close(r));
  });

  it('a notification outside ±5 minutes of its Request-Timestamp → 401 webhook_stale, no change', async () => {
    const p = await dokuPayment(s, 'STALE-1');
    const r = await sendDoku(s.url, dokuNotification(p.reference, p.amount), randomUUID(), new Date(Date.now() - 6 * 60_000));
    assert.equal(r.status, 401);
    assert.equal((await r.json()).error.code, 'webhook_stale');
    assert.equal((await s.store.getPayment(p.id))!.status, 'pending');
  });

  it('a paid amount different from the ledger is stored and flagged, never paid', async () => {
    const p = await dokuPayment(s, 'MISMATCH-1', 50_000);
    const r = await sendDoku(s.url, dokuNotification(p.reference, 5_000));
    assert.equal(r.status, 200);
    const after = (await s.store.getPayment(p.id))!;
    assert.equal(after.status, 'pending');
    assert.deepEqual(after.flags, ['amount_mismatch']);
    const db = new Database(s.dbPath, { readonly: true });
    try {
      const ev = db.prepare("SELECT outcome FROM provider_events WHERE payment_id = ?").all(p.id) as Array<{ outcome: string }>;
      assert.deepEqual(ev.map((e) => e.outcome), ['flagged:amount_mismatch']);
    } finally {
      db.close();
    }
  });

  it('a payment after expiry is recorded and flagged late_payment, never dropped', async () => {
    const p = await dokuPayment(s, 'LATE-1');
    assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${p.id}/expire`)).body.payment.status, 'expired');
    const r = await sendDoku(s.url, dokuNotification(p.reference, p.amount));
    assert.equal(r.status, 200);
    const after = (await s.store.getPayment(p.id))!;
    assert.equal(after.status, 'expired');
    assert.deepEqual(after.flags, ['late_payment']);
  });

  it('out-of-order events never move a payment backwards', async () => {
    const p = await dokuPayment(s, 'ORDER-1');
    assert.equal((await sendDoku(s.url, dokuNotification(p.reference, p.amount, 'SUCCESS'))).status, 200);
    assert.equal((await sendDoku(s.url, dokuNotification(p.reference, p.amount, 'EXPIRED'))).status, 200);
    assert.equal((await sendDoku(s.url, dokuNotification(p.reference, p.amount, 'FAILED'))).status, 200);
    assert.equal((await s.store.getPayment(p.id))!.status, 'paid');
    assert.deepEqual((await s.store.history(p.id)).map((h) => h.status), ['pending', 'paid']);
  });

  it('1000 concurrent identical webhooks → one transition, one outbox row, one SSE event; 100 replays change nothing', async () => {
    const p = await dokuPayment(s, 'STORM-1');
    const sse = openSse(`${s.url}/api/payments/${p.id}/events`, MK);
    await sse.until((m) => m.length === 1);
    const body = dokuNotification(p.reference, p.amount);
    const requestId = randomUUID();
    const statuses = await Promise.all(Array.from({ length: 1000 }, () => sendDoku(s.url, body, requestId).then((r) => r.status)));
    assert.deepEqual([...new Set(statuses)], [200]);
    for (let i = 0; i < 100; i++) assert.equal((await sendDoku(s.url, body, requestId)).status, 200);
    await sse.until((m) => m.some((x) => JSON.parse(x.data).payment.status === 'paid'));
    await sse.drain(s.bus!, p.id);
    await sse.close();
    assert.equal(sse.messages.filter((m) => JSON.parse(m.data).payment.status === 'paid').length, 1);
    assert.deepEqual((await s.store.history(p.id)).map((h) => h.status), ['pending', 'paid']);
    const db = new Database(s.dbPath, { readonly: true });
    try {
      const rows = db.prepare('SELECT body FROM outbox WHERE payment_id = ?').all(p.id) as Array<{ body: string }>;
      assert.deepEqual(rows.map((r) => JSON.parse(r.body).payment.status), ['pending', 'paid']);
      assert.equal((db.prepare('SELECT COUNT(*) c FROM provider_events WHERE payment_id = ?').get(p.id) as { c: number }).c, 1);
    } finally {
      db.close();
    }
  });
});

describe('secrets', () => {
  it('never appear in responses, logs (debug level, webhooks included) or the built widget', async () => {
    let logText = '';
    const sink = new Writable({ write: (chunk, _enc, cb) => ((logText += chunk.toString()), cb()) });
    const s = await startTestServer({}, undefined, { log: createLogger('debug', SECRETS, sink) });
    const bodies: string[] = [];
    try {
      const sess = await api(s.url, 'POST', '/api/sessions', { orderId: 'SECRET-1', amount: 150_000, customer: { name: 'Siti', email: 'siti@example.com', phone: '081234567890' } }, merchantHeaders(S.merchantKey));
      bodies.push(JSON.stringify(sess.body));
      for (const [i, method] of ['va:bca', 'qris:qris', 'ewallet:dana', 'cstore:indomaret'].entries()) {
        // One order per method: a paid order cannot be paid again.
        const own = await api(s.url, 'POST', '/api/sessions', { orderId: `SECRET-1-${i}`, amount: 150_000, customer: { name: 'Siti', email: 'siti@example.com', phone: '081234567890' } }, merchantHeaders(S.merchantKey));
        bodies.push(JSON.stringify(own.body));
        const c = await api(s.url, 'POST', '/api/payments', { session: own.body.session, method });
        bodies.push(JSON.stringify(c.body));
        const paid = await api(s.url, 'POST', `/api/sandbox/payments/${c.body.payment.id}/pay`);
        bodies.push(JSON.stringify(paid.body));
      }
      bodies.push(JSON.stringify((await api(s.url, 'GET', '/api/methods?amount=150000')).body));
      bodies.push(String((await api(s.url, 'GET', '/metrics')).body));
      // The console: a wrong sign-in, the key's sign-in, a page of payments.
      const wrong = await api(s.url, 'POST', '/console/api/session', { secret: 'a-wrong-console-guess-123' }, { origin: s.url });
      assert.equal(wrong.status, 401);
      const signIn = await api(s.url, 'POST', '/console/api/session', { secret: S.merchantKey }, { origin: s.url });
      assert.equal(signIn.status, 201);
      const cookie = String(signIn.headers.get('set-cookie')).split(';')[0]!;
      bodies.push(JSON.stringify(wrong.body), JSON.stringify(signIn.body), cookie);
      bodies.push(JSON.stringify((await api(s.url, 'GET', '/console/api/payments', undefined, { cookie })).body));
      s.bayar.log.info({ config: { merchantKey: S.merchantKey }, headers: { authorization: `Bearer ${S.merchantKey}` } }, `a careless message with ${S.komerce.callbackKey}`);
    } finally {
      await s.destroy();
    }
    assert.ok(logText.length > 1000, 'the log was captured');
    assert.ok(logText.includes('/console/api/session'), 'console sign-ins are in the log');
    assert.ok(!logText.includes('a-wrong-console-guess-123'), 'a wrong console secret is not logged either');
    for (const secret of SECRETS) {
      assert.ok(!logText.includes(secret), `log leaks ${secret.slice(0, 6)}…`);
      for (const b of bodies) assert.ok(!b.includes(secret), `a response leaks ${secret.slice(0, 6)}…`);
    }
    const dist = join(ROOT, 'dist');
    if (!existsSync(join(dist, 'bayar.mjs'))) execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: ROOT });
    const files: string[] = [];
    const walk = (d: string) => readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : files.push(join(d, f))));
    walk(dist);
    assert.ok(files.some((f) => f.endsWith('bayar.js')));
    // The console's own bundle, when built.
    if (existsSync(join(ROOT, 'dist-console'))) walk(join(ROOT, 'dist-console'));
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${f} contains a secret`);
    }
  });
});

describe('abuse', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ allowedOrigins: ['https://shop.example'], rateLimitPerMinute: 30, headersTimeoutMs: 400, requestTimeoutMs: 1000, webhookAllowedIps: { xendit: ['10.1.2.3'], midtrans: ['127.0.0.1'] } });
  });
  after(() => s.destroy());

  it('security headers on every answer', async () => {
    const r = await fetch(`${s.url}/healthz`);
    const csp = r.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe-(inline|eval)/);
    assert.match(csp, /require-trusted-types-for 'script'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('x-powered-by'), null);
  });

  it('CORS echoes only allowed origins', async () => {
    const ok = await fetch(`${s.url}/api/methods?amount=50000`, { headers: { origin: 'https://shop.example' } });
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://shop.example');
    const other = await fetch(`${s.url}/api/methods?amount=50000`, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const pre = await fetch(`${s.url}/api/payments`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 403);
    const preOk = await fetch(`${s.url}/api/payments`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    assert.equal(preOk.status, 204);
    assert.match(preOk.headers.get('access-control-allow-headers') ?? '', /Idempotency-Key/);
  });

  it('webhook source allowlists: a listed provider only from its addresses', async () => {
    const x = await fetch(`${s.url}/webhooks/xendit`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(x.status, 403);
    assert.equal((await x.json()).error.code, 'webhook_source_not_allowed');
    const m = await fetch(`${s.url}/webhooks/midtrans`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.ok([400, 401].includes(m.status), `allowed source, then verification decides (got ${m.status})`);
    assert.match((await m.json()).error.code, /^webhook_(malformed|signature_invalid)$/);
  });

  it('a slow client that never finishes its headers is dropped', async () => {
    const { port } = new URL(s.url);
    const closed = await new Promise<string>((resolve) => {
      const sock = connect(Number(port), '127.0.0.1', () => sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'));
      let data = '';
      sock.on('data', (d) => (data += d));
      sock.on('close', () => resolve(data));
      setTimeout(() => (sock.destroy(), resolve('still open')), 5000).unref();
    });
    assert.notEqual(closed, 'still open');
    assert.match(closed, /^$|408/);
  });

  it('rate limits the API with 429 rate_limited; webhooks are exempt', async () => {
    const results = [];
    for (let i = 0; i < 35; i++) results.push((await api(s.url, 'GET', '/api/methods?amount=50000')).status);
    assert.ok(results.includes(429));
    const limited = await api(s.url, 'GET', '/api/methods?amount=50000');
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.ok(limited.headers.get('retry-after'));
    const hook = await fetch(`${s.url}/webhooks/komerce`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(hook.status, 401, 'not 429');
  });
});

describe('late payment without a webhook', () => {
  it('the reconciler looks once more after expiry and flags money that came late', async () => {
    const { providerFactories } = await import('../../server/providers/index.js');
    let lateStatus = false;
    // Doku's real adapter, except that its status API reports the payment paid once the test says the money came.
    const s = await startTestServer({}, undefined, {
      background: false,
      providerFactories: {
        doku: (creds, ctx) => {
          const real = providerFactories.doku(creds, ctx);
          return { ...real, methods: () => real.methods(), verifyWebhook: (r) => real.verifyWebhook(r), status: async (ref) => (lateStatus ? { status: 'paid' as const, amount: 50_000, providerStatus: 'SUCCESS' } : real.status(ref)) };
        },
      },
    });
    try {
      const p = await dokuPayment(s, 'LATE-RECON', 50_000);
      assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${p.id}/expire`)).body.payment.status, 'expired');
      lateStatus = true;
      await s.bayar.reconciler.runOnce();
      const after = (await s.store.getPayment(p.id))!;
      assert.equal(after.status, 'expired');
      assert.deepEqual(after.flags, ['late_payment']);
      // Asked once after expiry, not again on every pass.
      lateStatus = false;
      const due = await s.store.duePending(new Date().toISOString(), 100);
      assert.ok(!due.some((d) => d.id === p.id));
    } finally {
      await s.destroy();
    }
  });
});
