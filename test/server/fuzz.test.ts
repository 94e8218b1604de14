/**
 * Property-based fuzzing of every public endpoint (fast-check): whatever arrives, the answer is 2xx or 4xx with a
 * machine-readable code — never 5xx — and a 4xx leaves the ledger exactly as it was.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const RUNS = Number(process.env.BAYAR_FUZZ_RUNS ?? 1000);
const seed = Number(process.env.BAYAR_SEED ?? Date.now() % 2 ** 31);

const TABLES = ['payments', 'payment_history', 'provider_events', 'idempotency_keys', 'outbox', 'refunds', 'payment_links'];

describe(`fuzzing every endpoint (${RUNS} runs, seed=${seed})`, () => {
  let s: TestServer;
  let db: Database.Database;
  let paymentId = 'pay_none';
  let linkId = 'lnk_none';
  let slug = 'none';
  before(async () => {
    console.log(`fuzz seed=${seed} (BAYAR_SEED=${seed} BAYAR_FUZZ_RUNS=${RUNS} reproduces it)`);
    s = await startTestServer({ rateLimitPerMinute: 1_000_000 });
    db = new Database(s.dbPath, { readonly: true });
    const r = await fetch(`${s.url}/api/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: 'FUZZ-BASE', amount: 50_000, method: 'va:bca' }) });
    paymentId = (await r.json()).payment.id;
    const l = await fetch(`${s.url}/api/links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SANDBOX_CREDENTIALS.merchantKey}` },
      body: JSON.stringify({ description: 'Fuzz link', openAmount: { min: 10_000, max: 1_000_000 }, maxPayments: 3 }),
    });
    const link = (await l.json()).link;
    linkId = link.id;
    slug = new URL(link.url).pathname.split('/').pop()!;
  });
  after(async () => {
    db.close();
    await s.destroy();
  });
  const snapshot = () => TABLES.map((t) => (db.prepare(`SELECT COUNT(*) c, COALESCE(MAX(rowid), 0) m FROM ${t}`).get() as { c: number; m: number })).map((r) => `${r.c}/${r.m}`).join(',');
  const statuses = () => (db.prepare('SELECT group_concat(status) s FROM (SELECT status FROM payments ORDER BY id)').get() as { s: string }).s;

  const text = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', ' ', '../../etc/passwd', '<script>', '%00', 'va:bca', 'x'.repeat(300)));
  const amount = fc.oneof(fc.integer({ min: -1e6, max: 2e12 }), fc.double(), fc.string({ maxLength: 12 }), fc.constantFrom(null, true, 1e21, -0, 10_000, 150_000, '150000'), fc.bigInt().map(String));
  const method = fc.oneof(fc.constantFrom('va:bca', 'va:bni', 'qris:qris', 'ewallet:dana', 'ewallet:ovo', 'cstore:indomaret', 'paylater:indodana', 'va:', ':bca', 'crypto:btc'), text);
  const customer = fc.oneof(fc.constant(undefined), fc.record({ name: fc.option(text), email: fc.option(fc.oneof(fc.emailAddress(), text)), phone: fc.option(fc.oneof(fc.constant('081234567890'), text)) }, { requiredKeys: [] }), fc.anything());
  const paymentBody = fc.oneof(
    fc.record({ orderId: fc.oneof(fc.stringMatching(/^[A-Z0-9-]{1,20}$/), text), amount, method, customer, installment: fc.option(text) }, { requiredKeys: [] }),
    fc.record({ session: fc.oneof(text, fc.constant('eyJvcmRlcklkIjoiWCJ9.AAAA')), method }, { requiredKeys: [] }),
    fc.record({ items: fc.oneof(text, fc.array(fc.record({ sku: text, qty: amount }))), method }, { requiredKeys: [] }),
    fc.jsonValue(),
  );
  const openAmount = fc.oneof(fc.record({ min: amount, max: amount }, { requiredKeys: [] }), fc.anything());
  const item = fc.record({ name: text, price: amount, quantity: amount, sku: fc.option(text) }, { requiredKeys: [] });
  const linkBody = fc.record(
    {
      amount,
      items: fc.oneof(fc.array(item, { maxLength: 3 }), fc.anything()),
      openAmount,
      description: fc.oneof(text, fc.constant('Kaos batik')),
      orderId: text,
      customer,
      expiresAt: fc.oneof(text, fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constant('2999-01-01T00:00:00+07:00')),
      maxPayments: amount,
      methods: fc.oneof(fc.array(method, { maxLength: 3 }), fc.anything()),
      returnUrl: fc.oneof(text, fc.webUrl(), fc.constant('javascript:alert(1)')),
      session: text,
    },
    { requiredKeys: [] },
  );
  // JSON nested anywhere from harmless to 15 000 deep (each under the 32 KB body limit), arrays or objects.
  const deepJson = fc.tuple(fc.integer({ min: 1, max: 15_000 }), fc.boolean()).map(([n, arrays]) => (arrays ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(Math.min(n, 6000)) + '1' + '}'.repeat(Math.min(n, 6000))));
  const rawBody = fc.oneof(paymentBody.map((b) => JSON.stringify(b)), linkBody.map((b) => JSON.stringify(b)), fc.string({ maxLength: 200 }), fc.constant('{"a":'), fc.constant(''), deepJson);
  // Dates with every field possibly out of range (month 13, day 45, hour 99, year 0000), valid ones among them.
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const dateLike = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 })).map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
    fc.tuple(fc.integer({ min: 1970, max: 2100 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 32 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom('Z', '+07:00', '-25:00', ''))
      .map(([y, m, d, h, mi, z]) => `${y}-${pad(m, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}${z}`),
  );
  const id = fc.oneof(fc.constant('PAYMENT'), fc.constant('LINK'), fc.constant('SLUG'), fc.string({ maxLength: 30 }).map(encodeURIComponent), fc.constant('pay_' + 'A'.repeat(200)));
  const query = fc.dictionary(fc.constantFrom('amount', 'session', 'items', 'orderId', 'status', 'from', 'to', 'limit', 'cursor', 'date', 'format', 'lang', 'client_secret', 'x'), fc.oneof(text, amount.map(String), fc.constantFrom('active', 'completed', 'en'), dateLike), { maxKeys: 3 });
  const headers = fc.record(
    {
      'content-type': fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'),
      authorization: fc.constantFrom(`Bearer ${SANDBOX_CREDENTIALS.merchantKey}`, 'Bearer nope', 'Basic abc'),
      'idempotency-key': fc.oneof(fc.stringMatching(/^[a-z0-9]{1,12}$/), text),
      'last-event-id': fc.oneof(fc.nat().map(String), text),
      'bayar-session': fc.oneof(text, fc.constant('v2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')),
      'bayar-client-secret': fc.oneof(text, fc.constant('pcs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')),
      'x-callback-token': text,
      'x-callback-api-key': text,
      signature: text,
    },
    { requiredKeys: [] },
  );
  const request = fc.record({
    route: fc.constantFrom(
      'POST /api/payments',
      'GET /api/methods',
      'GET /api/installments',
      'GET /api/payments/:id',
      'POST /api/payments/:id/cancel',
      'POST /api/sessions',
      'GET /api/payments',
      'POST /api/payments/:id/refund',
      'GET /api/reconciliation',
      'POST /api/sandbox/payments/:id/pay',
      'POST /api/sandbox/payments/:id/expire',
      'POST /webhooks/doku',
      'POST /webhooks/indodana',
      'POST /webhooks/komerce',
      'POST /webhooks/xendit',
      'POST /webhooks/midtrans',
      'GET /healthz',
      'POST /api/links',
      'GET /api/links',
      'GET /api/links/:id',
      'POST /api/links/:id/disable',
      'GET /api/links/:id/qr.svg',
      'GET /api/links/:id/qr.png',
      'POST /api/pay/:id/session',
      'GET /pay/:id',
    ),
    id,
    query,
    body: rawBody,
    headers,
  });

  it('answers 2xx/4xx with a code, never 5xx, and changes nothing on 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const [verb, pattern] = r.route.split(' ') as [string, string];
        const pid = r.id === 'PAYMENT' ? paymentId : r.id === 'LINK' ? linkId : r.id === 'SLUG' ? slug : r.id;
        const qs = new URLSearchParams(r.query as Record<string, string>).toString();
        const url = `${s.url}${pattern.replace(':id', pid)}${verb === 'GET' && qs ? `?${qs}` : ''}`;
        const before = snapshot();
        const beforeStatuses = statuses();
        const res = await fetch(url, { method: verb, headers: r.headers as Record<string, string>, body: verb === 'POST' ? r.body : undefined });
        const text = await res.text();
        assert.ok(res.status < 500, `${r.route} answered ${res.status}: ${text.slice(0, 300)}`);
        // The hosted page answers its customers in HTML, whatever the status; every page read leaves the ledger alone.
        if (pattern.startsWith('/pay/')) {
          assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
          assert.equal(snapshot(), before, `${r.route} ${res.status} changed the ledger`);
        } else if (res.status >= 400) {
          const body = JSON.parse(text);
          assert.match(body.error?.code ?? '', /^[a-z][a-z_]+$/, `${r.route} ${res.status} without a code: ${text.slice(0, 200)}`);
          assert.equal(snapshot(), before, `${r.route} ${res.status} changed the ledger`);
          assert.equal(statuses(), beforeStatuses);
        }
      }),
      { numRuns: RUNS, seed },
    );
  });
});
