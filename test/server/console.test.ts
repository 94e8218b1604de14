/**
 * The console API (/console/api/…): sign-in and its cookie, roles, Origin + CSRF checks, wrong-credential slowing
 * and limits, filters that name the bad field, keyset pagination that holds while payments arrive, search by every
 * key, refunds and resends through the same services as the merchant API, each written to the audit log and shown
 * on the payment's timeline.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import type { ConsolePaymentDetail, ConsolePaymentList } from '../../server/console/api-types.js';
import { hashPassword, parseConsoleUsers, verifyPassword } from '../../server/console/users.js';
import { auditListSql } from '../../server/store/queries.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

const KEY = SANDBOX_CREDENTIALS.merchantKey;
const customer = { name: 'Siti Rahayu', email: 'Siti.Rahayu@Example.com', phone: '081234567890' };
const CATALOG = { 'NASTAR-500': { name: 'Nastar 500 g', price: 95_000 }, 'KASTENGEL-500': { name: 'Kastengel 500 g', price: 110_000 } };

interface Signed {
  cookie: string;
  csrf: string;
  setCookie: string;
}

async function signIn(s: TestServer, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return api(s.url, 'POST', '/console/api/session', body, { origin: s.url, ...headers });
}

async function signedIn(s: TestServer, body: Record<string, unknown> = { secret: KEY }): Promise<Signed> {
  const r = await signIn(s, body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const setCookie = r.headers.get('set-cookie')!;
  return { cookie: setCookie.split(';')[0]!, csrf: r.body.csrf, setCookie };
}

const as = (s: TestServer, who: Signed, method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
  api(s.url, method, `/console/api${path}`, body, { cookie: who.cookie, origin: s.url, 'x-csrf-token': who.csrf, ...extra });

async function merchantBackend() {
  const received: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('console API', () => {
  let s: TestServer;
  let backend: Awaited<ReturnType<typeof merchantBackend>>;
  let viewerLine: string;
  let n = 0;

  async function pay(method: string, amount = 150_000, orderId = `CON-${++n}`) {
    const created = await api(s.url, 'POST', '/api/payments', { orderId, amount, method, customer });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const paid = await api(s.url, 'POST', `/api/sandbox/payments/${created.body.payment.id}/pay`);
    assert.equal(paid.body.payment.status, 'paid');
    return paid.body.payment as { id: string; orderId: string };
  }

  before(async () => {
    backend = await merchantBackend();
    viewerLine = `vera:viewer:${await hashPassword('correct horse battery')}`;
    const problems: string[] = [];
    const users = parseConsoleUsers(viewerLine, problems);
    assert.deepEqual(problems, []);
    s = await startTestServer(
      { notifyUrl: backend.url, console: { enabled: true, users }, catalog: CATALOG },
      undefined,
      { consoleSignIn: { failDelayMs: 10, failLimit: 1000 }, notifierOptions: { intervalMs: 50, baseDelayMs: 50 } },
    );
  });
  after(async () => {
    await s?.destroy();
    await backend?.close();
  });

  it('the merchant key signs in: an HttpOnly SameSite=Strict cookie scoped to /console with an expiry; not Secure only on plain-http loopback in sandbox', async () => {
    const me = await signedIn(s);
    assert.match(me.setCookie, /^bayar_console=[A-Za-z0-9_-]{40,}; Path=\/console; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    const session = await as(s, me, 'GET', '/session');
    assert.equal(session.status, 200);
    assert.equal(session.body.actor, 'merchant');
    assert.equal(session.body.role, 'operator');
    assert.ok(!JSON.stringify(session.body).includes(KEY), 'the key is never echoed');
    // The same sign-in reaching the server under a public host name gets a Secure cookie.
    // (fetch cannot set Host, node:http can.)
    const body = JSON.stringify({ secret: KEY });
    const remote = await new Promise<IncomingMessage>((resolve, reject) => {
      const u = new URL(`${s.url}/console/api/session`);
      const req = request(
        { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { host: 'shop.example', origin: 'http://shop.example', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        resolve,
      );
      req.on('error', reject);
      req.end(body);
    });
    remote.resume();
    assert.equal(remote.statusCode, 201);
    assert.match(String(remote.headers['set-cookie']), /; Secure$/);
  });

  it('without a session every console API call is 401; a forged or expired-looking cookie too', async () => {
    assert.equal((await api(s.url, 'GET', '/console/api/payments')).body.error.code, 'console_signed_out');
    assert.equal((await api(s.url, 'GET', '/console/api/payments', undefined, { cookie: 'bayar_console=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status, 401);
  });

  it('sign-in from another origin is refused (login CSRF)', async () => {
    const r = await api(s.url, 'POST', '/console/api/session', { secret: KEY }, { origin: 'https://evil.example' });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'console_origin');
  });

  it('state-changing calls need the Origin and the CSRF token', async () => {
    const me = await signedIn(s);
    const p = await pay('ewallet:gopay');
    const noToken = await as(s, me, 'POST', `/payments/${p.id}/refund`, { amount: 1000, reason: 'x' }, { 'x-csrf-token': '' });
    assert.equal(noToken.status, 403);
    assert.equal(noToken.body.error.code, 'console_csrf');
    const otherOrigin = await as(s, me, 'POST', `/payments/${p.id}/refund`, { amount: 1000, reason: 'x' }, { origin: 'https://evil.example' });
    assert.equal(otherOrigin.body.error.code, 'console_origin');
    const detail = await as(s, me, 'GET', `/payments/${p.id}`);
    assert.equal(detail.body.payment.refundedAmount, 0, 'nothing was refunded');
  });

  it('a viewer reads but cannot refund or resend', async () => {
    const vera = await signedIn(s, { name: 'vera', secret: 'correct horse battery' });
    const p = await pay('ewallet:gopay');
    const list = await as(s, vera, 'GET', `/payments?q=${p.orderId}`);
    assert.equal(list.status, 200);
    assert.equal(list.body.payments[0].id, p.id);
    const refund = await as(s, vera, 'POST', `/payments/${p.id}/refund`, { amount: 1000, reason: 'x' });
    assert.equal(refund.status, 403);
    assert.equal(refund.body.error.code, 'console_forbidden');
    assert.equal((await as(s, vera, 'POST', `/payments/${p.id}/resend-notification`)).status, 403);
    assert.equal((await s.store.getPayment(p.id))!.refundedAmount, 0);
  });

  it('bad filters answer 400 invalid_filter naming the field, and change nothing', async () => {
    const me = await signedIn(s);
    for (const [query, field] of [
      ['status=payed', 'status'],
      ['from=2026-13-45', 'from'],
      ['provider=paypal', 'provider'],
      ['limit=5000', 'limit'],
      ['method=VA BCA', 'method'],
      ['sort=amount', 'sort'],
      ['from=2026-05-02&to=2026-05-01', 'to'],
      ['cursor=garbage', undefined],
    ] as const) {
      const r = await as(s, me, 'GET', `/payments?${query}`);
      assert.equal(r.status, 400, query);
      if (field) {
        assert.equal(r.body.error.code, 'invalid_filter', query);
        assert.equal(r.body.error.details.field, field, query);
        assert.match(r.body.error.message, new RegExp(`^${field}:`));
      } else assert.equal(r.body.error.code, 'invalid_cursor');
    }
  });

  it('searches by order id, payment id, VA number, provider reference, customer email (any case) and phone', async () => {
    const me = await signedIn(s);
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'FIND-ME-1', amount: 99_000, method: 'va:bca', customer: { email: 'budi@toko.id', phone: '0899111222' } });
    const p = (await s.store.getPayment(created.body.payment.id))!;
    const find = async (q: string) => ((await as(s, me, 'GET', `/payments?q=${encodeURIComponent(q)}`)).body as ConsolePaymentList).payments.map((x) => x.id);
    assert.deepEqual(await find('FIND-ME-1'), [p.id]);
    assert.deepEqual(await find(p.id), [p.id]);
    assert.deepEqual(await find(p.instructions!.va!.number), [p.id]);
    assert.deepEqual(await find(p.providerRef!), [p.id]);
    assert.deepEqual(await find('BUDI@TOKO.ID'), [p.id]);
    assert.deepEqual(await find('0899111222'), [p.id]);
    assert.deepEqual(await find('FIND-ME'), [], 'exact match only');
    const filtered = (await as(s, me, 'GET', `/payments?q=FIND-ME-1&status=paid`)).body.payments;
    assert.deepEqual(filtered, [], 'filters apply to search hits');
    const byMethod = (await as(s, me, 'GET', `/payments?method=va:bca&provider=komerce&status=pending`)).body.payments.map((x: { id: string }) => x.id);
    assert.ok(byMethod.includes(p.id));
  });

  it('keyset pagination is stable while payments are inserted: no row twice, none skipped, newest first', async () => {
    const me = await signedIn(s);
    for (let i = 0; i < 6; i++) await api(s.url, 'POST', '/api/payments', { orderId: `PAGE-${i}`, amount: 10_000 + i, method: 'va:bni' });
    const before = new Set<string>();
    for (let cursor: string | null = null, guard = 0; guard < 100; guard++) {
      const res = await as(s, me, 'GET', `/payments?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const page: ConsolePaymentList = res.body;
      page.payments.forEach((p) => before.add(p.id));
      if (!page.next) break;
      cursor = page.next;
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let inserted = 0;
    for (let guard = 0; guard < 100; guard++) {
      const page: ConsolePaymentList = (await as(s, me, 'GET', `/payments?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body;
      const times = page.payments.map((p) => p.createdAt);
      assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
      seen.push(...page.payments.map((p) => p.id));
      // New payments arrive between every page.
      await api(s.url, 'POST', '/api/payments', { orderId: `INS-${++inserted}`, amount: 10_000, method: 'va:bni' });
      if (!page.next) break;
      cursor = page.next;
    }
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    assert.deepEqual(new Set(seen), before, 'exactly the rows that existed when paging began');
    assert.ok(inserted >= 3);
  });

  it('refund from the console goes through the payment service, is audited, and shows on the timeline; over-refund is refused', async () => {
    const me = await signedIn(s);
    const p = await pay('ewallet:gopay', 150_000);
    const before: ConsolePaymentDetail = (await as(s, me, 'GET', `/payments/${p.id}`)).body;
    assert.deepEqual(before.refundable, { ok: true, max: 150_000 });
    const r = await as(s, me, 'POST', `/payments/${p.id}/refund`, { amount: 50_000, reason: 'one item out of stock' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.payment.refundedAmount, 50_000);
    const over = await as(s, me, 'POST', `/payments/${p.id}/refund`, { amount: 100_001, reason: 'too much' });
    assert.equal(over.status, 422);
    assert.equal(over.body.error.code, 'refund_exceeds_payment');
    const bad = await as(s, me, 'POST', `/payments/${p.id}/refund`, { amount: 10.5, reason: 'x' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.field, 'amount');
    const after: ConsolePaymentDetail = (await as(s, me, 'GET', `/payments/${p.id}`)).body;
    assert.deepEqual(after.refundable, { ok: true, max: 100_000 });
    const consoleRows = after.timeline.filter((t) => t.kind === 'console');
    assert.deepEqual(consoleRows.map((t) => [t.title, t.source, t.detail?.split(' · ')[0]]), [
      ['refund', 'console:merchant', 'ok'],
      ['refund', 'console:merchant', 'refund_exceeds_payment'],
    ]);
    assert.ok(after.timeline.some((t) => t.kind === 'status' && t.title === 'paid' && t.source === 'webhook:midtrans'));
    assert.ok(after.timeline.some((t) => t.kind === 'refund' && t.title === 'succeeded'));
    assert.ok(after.events.length >= 1 && after.events.every((e) => e.provider === 'midtrans'));
    assert.equal(after.audit[0]!.ip, '127.0.0.1');
  });

  it('a method the provider cannot refund is disabled with the provider\'s reason before anyone tries', async () => {
    const me = await signedIn(s);
    const va = await pay('va:bca');
    const d: ConsolePaymentDetail = (await as(s, me, 'GET', `/payments/${va.id}`)).body;
    assert.equal(d.refundable.ok, false);
    assert.equal(d.refundable.block, 'provider_cannot_refund');
    assert.match(d.refundable.message!, /Komerce/);
    const pending = await api(s.url, 'POST', '/api/payments', { orderId: `PEN-${++n}`, amount: 20_000, method: 'ewallet:gopay' });
    const dp: ConsolePaymentDetail = (await as(s, me, 'GET', `/payments/${pending.body.payment.id}`)).body;
    assert.deepEqual(dp.refundable, { ok: false, max: 0, block: 'not_paid' });
  });

  it('resend notification queues a copy, the merchant receives it again, and each attempt shows with its answer', async () => {
    const me = await signedIn(s);
    const p = await pay('ewallet:gopay');
    const count = () => backend.received.filter((b) => b.includes(p.id)).length;
    await waitFor(() => count() >= 2, 'created and paid notifications');
    const had = count();
    const r = await as(s, me, 'POST', `/payments/${p.id}/resend-notification`);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await waitFor(() => count() === had + 1, 'the resent notification');
    const d: ConsolePaymentDetail = (await as(s, me, 'GET', `/payments/${p.id}`)).body;
    const copy = d.notifications.find((x) => x.resendOf !== null)!;
    assert.ok(copy.deliveredAt);
    assert.deepEqual(copy.attempts.map((a) => [a.ok, a.answer]), [[true, 'HTTP 204']]);
    assert.ok(d.timeline.some((t) => t.kind === 'console' && t.title === 'resend_notification'));
    const summary = await as(s, me, 'GET', '/notifications');
    assert.equal(summary.body.enabled, true);
  });

  it('exports the filtered set as CSV, streamed, spreadsheet-safe', async () => {
    const me = await signedIn(s);
    const c = await api(s.url, 'POST', '/api/payments', { orderId: 'CSV-1', amount: 12_000, method: 'va:bri', customer: { name: 'x', email: 'csv@example.com', phone: '081100001111' } });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const r = await fetch(`${s.url}/console/api/payments.csv?method=va:bri`, { headers: { cookie: me.cookie } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-disposition')!, /attachment; filename="bayar-payments-/);
    const lines = (await r.text()).trim().split('\r\n');
    assert.equal(lines[0], 'id,orderId,createdAt,status,method,provider,amount,refundedAmount,paidAt,providerRef,vaNumber,customerEmail,customerPhone,flags');
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, new RegExp(`^${c.body.payment.id},CSV-1,.*,pending,va:bri,.*,12000,0,,.*,csv@example.com,081100001111,$`));
  });

  it('overview, providers and reconciliation read the same ledger', async () => {
    const me = await signedIn(s);
    const before = (await as(s, me, 'GET', '/overview?range=today')).body.conversion.sessions;
    const mint = (key: string) => api(s.url, 'POST', '/api/sessions', { orderId: `SES-${++n}`, amount: 50_000 }, { authorization: `Bearer ${key}` });
    assert.equal((await mint(KEY)).status, 201);
    assert.equal((await mint(KEY)).status, 201);
    assert.equal((await mint('not-the-merchant-key-at-all')).status, 401);
    // Counted once the answer is out: poll briefly for the two, then make sure the refused mint added nothing.
    let sessions = before;
    for (const end = Date.now() + 5000; sessions < before + 2 && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 25));
      sessions = (await as(s, me, 'GET', '/overview?range=today')).body.conversion.sessions;
    }
    assert.equal(sessions, before + 2, 'two minted sessions counted, the refused one not');
    const o = (await as(s, me, 'GET', '/overview?range=7d')).body;
    assert.equal(o.days.length, 7);
    const paid = (await s.store.countByStatus()).paid ?? 0;
    assert.ok(o.paid.count >= 1 && o.paid.count <= paid + ((await s.store.countByStatus()).refunded ?? 0));
    assert.equal(o.byFamily.reduce((a: number, f: { count: number }) => a + f.count, 0), o.paid.count);
    assert.equal((await as(s, me, 'GET', '/overview?range=year')).body.error.details.field, 'range');
    const prov = (await as(s, me, 'GET', '/providers')).body;
    const midtrans = prov.providers.find((x: { provider: string }) => x.provider === 'midtrans');
    assert.equal(midtrans.circuit, 'closed');
    assert.ok(midtrans.createLatency.day.calls >= 1 && midtrans.createLatency.day.p95Ms !== null);
    assert.ok(midtrans.webhooks.day.applied >= 1);
    // Smart routing's channel health, per method the provider serves in the routes.
    const gopay = midtrans.channels.find((c: { method: string }) => c.method === 'ewallet:gopay');
    assert.equal(gopay.state, 'healthy');
    assert.ok(gopay.calls >= 1 && gopay.p95Ms !== null);
    assert.ok(midtrans.channels.every((c: { method: string }) => ['va', 'qris', 'ewallet', 'cstore', 'card'].includes(c.method.split(':')[0]!)));
    const date = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
    const st = (await as(s, me, 'GET', `/reconciliation?date=${date}`)).body;
    assert.equal(st.date, date);
    assert.ok(st.rows.length >= 1);
    const csv = await fetch(`${s.url}/console/api/reconciliation?date=${date}&format=csv`, { headers: { cookie: me.cookie } });
    assert.match(await csv.text(), /^type,id,paymentId/);
  });

  it('audit log: operators read every console action newest first, filtered and in keyset pages; viewers get 403; bad filters 400', async () => {
    const me = await signedIn(s);
    const p = await pay('ewallet:gopay');
    assert.equal((await as(s, me, 'POST', `/payments/${p.id}/refund`, { amount: 1_000, reason: 'audit check' })).status, 201);
    assert.equal((await as(s, me, 'POST', `/payments/${p.id}/refund`, { amount: 999_999_999, reason: 'too much' })).status, 422);
    assert.equal((await signIn(s, { name: 'vera', secret: 'wrong' })).status, 401);

    // Newest first, the refused refund flagged by its outcome, nothing secret in it.
    const forPayment = await as(s, me, 'GET', `/audit?payment=${p.id}`);
    assert.equal(forPayment.status, 200, JSON.stringify(forPayment.body));
    assert.deepEqual(forPayment.body.entries.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`), ['refund:refund_exceeds_payment', 'refund:ok']);
    assert.equal(forPayment.body.entries[1].detail.amount, 1_000);
    assert.equal(forPayment.body.next, null);

    const refused = await as(s, me, 'GET', '/audit?refused=true&action=sign_in&actor=vera');
    assert.equal(refused.body.entries[0].outcome, 'invalid_credentials');
    assert.ok(refused.body.entries.every((e: { action: string; actor: string; outcome: string }) => e.action === 'sign_in' && e.actor === 'vera' && e.outcome !== 'ok'));
    assert.ok(!JSON.stringify(refused.body).includes('wrong'), 'the wrong password is never written');

    // Keyset pages: two at a time, no entry twice, none skipped, strictly older each page.
    const all = (await as(s, me, 'GET', '/audit?limit=200')).body.entries as Array<{ id: number }>;
    assert.ok(all.length >= 4);
    const walked: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { entries: Array<{ id: number }>; next: string | null } } = await as(s, me, 'GET', `/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      assert.ok(page.body.entries.length <= 2);
      walked.push(...page.body.entries.map((e) => e.id));
      cursor = page.body.next;
    } while (cursor);
    assert.deepEqual(walked, all.map((e) => e.id));
    assert.deepEqual(walked, [...walked].sort((a, b) => b - a));

    const vera = await signedIn(s, { name: 'vera', secret: 'correct horse battery' });
    const forbidden = await as(s, vera, 'GET', '/audit');
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.code, 'console_forbidden');

    for (const [query, field] of [
      ['action=delete_everything', 'action'],
      ['payment=../etc', 'payment'],
      ['cursor=abc', 'cursor'],
      ['limit=0', 'limit'],
      ['refused=yes', 'refused'],
      ['ip=1.2.3.4', 'ip'],
    ] as const) {
      const r = await as(s, me, 'GET', `/audit?${query}`);
      assert.equal(r.status, 400, query);
      assert.equal(r.body.error.code, 'invalid_filter', query);
      assert.equal(r.body.error.details.field, field, query);
    }
  });

  // PostgreSQL's planner picks by table statistics, so the plan is checked where it is fixed: SQLite's.
  it('audit log filters read through their own indexes, not a backwards walk of the whole log', { skip: process.env.BAYAR_TEST_STORE === 'postgres' }, () => {
    const db = new Database(s.dbPath, { readonly: true });
    try {
      const plan = (f: Parameters<typeof auditListSql>[0]) => {
        const args: unknown[] = [];
        const sql = auditListSql(f, (v) => (args.push(v), '?'));
        return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
      };
      assert.match(plan({ action: 'refund', limit: 50 }), /USING (COVERING )?INDEX console_audit_action/);
      assert.match(plan({ actor: 'vera', limit: 50 }), /USING (COVERING )?INDEX console_audit_actor/);
      assert.match(plan({ refusedOnly: true, limit: 50 }), /USING (COVERING )?INDEX console_audit_refused/);
    } finally {
      db.close();
    }
  });

  it('sign-out ends the session everywhere: the old cookie no longer works', async () => {
    const me = await signedIn(s);
    const out = await as(s, me, 'POST', '/session/end');
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie')!, /^bayar_console=; Path=\/console; Max-Age=0/);
    assert.equal((await as(s, me, 'GET', '/session')).status, 401);
  });

  it('payment links: an operator creates each kind, lists them newest first, reads one with its payments and QR; each write audited without the customer', async () => {
    const me = await signedIn(s);
    const catalog = await as(s, me, 'GET', '/catalog');
    assert.deepEqual(catalog.body.items, [
      { sku: 'NASTAR-500', name: 'Nastar 500 g', price: 95_000 },
      { sku: 'KASTENGEL-500', name: 'Kastengel 500 g', price: 110_000 },
    ]);
    const fixed = await as(s, me, 'POST', '/links', { description: 'Kaos batik', amount: 150_000 });
    assert.equal(fixed.status, 201, JSON.stringify(fixed.body));
    assert.equal(fixed.body.link.status, 'active');
    assert.equal(fixed.body.link.maxPayments, 1);
    const items = await as(s, me, 'POST', '/links', {
      description: 'Kue lebaran',
      items: [{ sku: 'NASTAR-500', name: 'Nastar 500 g', price: 95_000, quantity: 2 }, { sku: 'KASTENGEL-500', name: 'Kastengel 500 g', price: 110_000, quantity: 1 }],
    });
    assert.equal(items.status, 201);
    assert.equal(items.body.link.amount, 300_000);
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const reusable = await as(s, me, 'POST', '/links', { description: 'Donasi', openAmount: { min: 10_000, max: 1_000_000 }, maxPayments: 50, expiresAt: until, customer });
    assert.equal(reusable.status, 201);
    assert.deepEqual(reusable.body.link.openAmount, { min: 10_000, max: 1_000_000 });
    assert.equal(reusable.body.link.maxPayments, 50);
    assert.equal(reusable.body.link.expiresAt, until);
    assert.deepEqual(reusable.body.link.customer, customer, 'the console is the merchant’s: it sees whom a link is for');

    // Newest first (ties in the same millisecond by id, as the keyset orders), pages with no repeats or gaps.
    const made = [fixed, items, reusable].map((r) => r.body.link as { id: string; createdAt: string });
    const newestFirst = [...made].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1)).map((l) => l.id);
    const first = await as(s, me, 'GET', '/links?limit=2');
    const second = await as(s, me, 'GET', `/links?limit=2&cursor=${encodeURIComponent(first.body.next)}`);
    const listed = [...first.body.links, ...second.body.links].map((l: { id: string }) => l.id).filter((id: string) => newestFirst.includes(id));
    assert.deepEqual(listed, newestFirst);
    assert.deepEqual(first.body.links.map((l: { id: string }) => l.id), newestFirst.slice(0, 2), 'nothing older made in this test comes first');
    assert.equal((await as(s, me, 'GET', '/links?status=lost')).body.error.details.field, 'status');
    assert.equal((await as(s, me, 'GET', '/links?colour=red')).body.error.code, 'invalid_filter');

    // A customer pays through the fixed link; the console shows that payment on the link.
    const page = await fetch(fixed.body.link.url);
    const session = /<bayar-checkout [^>]*session="([^"]+)"/.exec(await page.text())![1];
    const created = await api(s.url, 'POST', '/api/payments', { session, method: 'va:bca' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${created.body.payment.id}/pay`)).body.payment.status, 'paid');
    const detail = await as(s, me, 'GET', `/links/${fixed.body.link.id}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.link.status, 'completed');
    assert.equal(detail.body.link.paidCount, 1);
    assert.deepEqual(detail.body.payments.map((p: { id: string; status: string; amount: number }) => [p.id, p.status, p.amount]), [[created.body.payment.id, 'paid', 150_000]]);
    assert.equal((await as(s, me, 'GET', '/links?status=completed')).body.links.some((l: { id: string }) => l.id === fixed.body.link.id), true);
    assert.equal((await as(s, me, 'GET', '/links/lnk_nope')).body.error.code, 'link_not_found');

    // Its QR, for the screen and for print, encodes the link's URL.
    const svg = await fetch(`${s.url}/console/api/links/${fixed.body.link.id}/qr.svg`, { headers: { cookie: me.cookie } });
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
    assert.match(await svg.text(), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+"/);
    const png = await fetch(`${s.url}/console/api/links/${fixed.body.link.id}/qr.png`, { headers: { cookie: me.cookie } });
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.equal((await fetch(`${s.url}/console/api/links/${fixed.body.link.id}/qr.png`)).status, 401, 'not without a session');

    // Disable: the page then answers 410; a completed link cannot be disabled.
    const off = await as(s, me, 'POST', `/links/${items.body.link.id}/disable`);
    assert.equal(off.status, 200);
    assert.equal(off.body.link.status, 'disabled');
    assert.equal((await fetch(items.body.link.url)).status, 410);
    const done = await as(s, me, 'POST', `/links/${fixed.body.link.id}/disable`);
    assert.equal(done.status, 409);
    assert.equal(done.body.error.code, 'link_completed');

    const audit = (await s.store.listAudit({ limit: 20 })).filter((a) => a.action.endsWith('_link'));
    assert.deepEqual(audit.map((a) => [a.action, a.outcome, a.detail.link, a.actor]).reverse(), [
      ['create_link', 'ok', fixed.body.link.id, 'merchant'],
      ['create_link', 'ok', items.body.link.id, 'merchant'],
      ['create_link', 'ok', reusable.body.link.id, 'merchant'],
      ['disable_link', 'ok', items.body.link.id, 'merchant'],
      ['disable_link', 'link_completed', fixed.body.link.id, 'merchant'],
    ]);
    assert.deepEqual(audit.find((a) => a.detail.link === reusable.body.link.id)!.detail, {
      link: reusable.body.link.id, orderId: reusable.body.link.orderId, openAmount: { min: 10_000, max: 1_000_000 }, maxPayments: 50, expiresAt: until,
    });
    for (const v of [customer.email, customer.name, customer.phone]) assert.ok(!JSON.stringify(audit).includes(v), `the audit log holds ${v}`);
  });

  it('payment links: a viewer reads but cannot create or disable; writes need Origin and CSRF; bad input names the field and stores nothing', async () => {
    const me = await signedIn(s);
    const vera = await signedIn(s, { name: 'vera', secret: 'correct horse battery' });
    const link = (await as(s, me, 'POST', '/links', { description: 'Sepatu', amount: 250_000 })).body.link;
    const count = async () => (await s.store.listLinks({ limit: 200, now: new Date().toISOString() })).links.length;
    const before = await count();
    assert.equal((await as(s, vera, 'GET', '/links')).status, 200);
    assert.equal((await as(s, vera, 'GET', `/links/${link.id}`)).body.link.id, link.id);
    const create = await as(s, vera, 'POST', '/links', { description: 'x', amount: 10_000 });
    assert.equal(create.status, 403);
    assert.equal(create.body.error.code, 'console_forbidden');
    assert.equal((await as(s, vera, 'POST', `/links/${link.id}/disable`)).body.error.code, 'console_forbidden');
    assert.equal((await as(s, me, 'POST', '/links', { description: 'x', amount: 10_000 }, { 'x-csrf-token': '' })).body.error.code, 'console_csrf');
    assert.equal((await as(s, me, 'POST', `/links/${link.id}/disable`, undefined, { origin: 'https://evil.example' })).body.error.code, 'console_origin');
    for (const [body, code, field] of [
      [{ description: 'x', amount: 10.5 }, 'invalid_amount', 'amount'],
      [{ description: '', amount: 10_000 }, 'invalid_description', 'description'],
      [{ description: 'x', openAmount: { min: 50_000, max: 10_000 } }, 'invalid_open_amount', undefined],
      [{ description: 'x', amount: 10_000, expiresAt: '2020-01-01T00:00:00+07:00' }, 'invalid_expires_at', undefined],
      [{ description: 'x', amount: 10_000, customer: { email: 'nope' } }, 'invalid_customer', 'customer'],
      [{ description: 'x', amount: 10_000, colour: 'red' }, 'invalid_request', undefined],
    ] as const) {
      const r = await as(s, me, 'POST', '/links', body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.code, code);
      if (field) assert.equal(r.body.error.details.field, field);
    }
    assert.equal(await count(), before);
    assert.equal((await s.store.getLink(link.id))!.disabledAt, null);
    const refused = (await s.store.listAudit({ limit: 10 })).filter((a) => a.action === 'create_link' && a.outcome !== 'ok');
    assert.ok(refused.length >= 6, 'refused creations are audited with their code');
  });

  it('the page is served at /console/ (and /console redirects there)', async () => {
    const r = await fetch(`${s.url}/console`, { redirect: 'manual' });
    assert.equal(r.status, 301);
    assert.equal(r.headers.get('location'), '/console/');
  });
});

describe('console sign-in limits', () => {
  let viewerLine: string;
  before(async () => {
    viewerLine = `vera:viewer:${await hashPassword('correct horse battery')}`;
  });
  it('wrong credentials: a clear 401 after a delay, then 429 per address; the attempts are audited without the secret', async () => {
    const s = await startTestServer({ console: { enabled: true, users: parseConsoleUsers(viewerLine, []) } }, undefined, { consoleSignIn: { failDelayMs: 300, failLimit: 4 } });
    try {
    const t0 = performance.now();
    const wrong = await signIn(s, { secret: 'not-the-key-at-all' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'invalid_credentials');
    assert.ok(performance.now() - t0 >= 290, 'slowed down');
    const wrongUser = await signIn(s, { name: 'vera', secret: 'wrong password' });
    assert.equal(wrongUser.body.error.code, 'invalid_credentials');
    await signIn(s, { name: 'nobody', secret: 'x' });
    await signIn(s, { secret: 'still wrong' });
    const limited = await signIn(s, { secret: KEY });
    assert.equal(limited.status, 429, 'even the right key waits once the address is limited');
    assert.equal(limited.body.error.code, 'console_sign_in_limited');
    const audit = await s.store.listAudit({ limit: 50 });
    const failures = audit.filter((a) => a.action === 'sign_in' && a.outcome === 'invalid_credentials');
    assert.equal(failures.length, 4);
    assert.ok(!JSON.stringify(audit).includes('not-the-key-at-all') && !JSON.stringify(audit).includes('wrong password'));
      } finally {
      await s.destroy();
    }
  });
});

describe('BAYAR_CONSOLE=off', () => {
  it('serves no console and no console API', async () => {
    const s = await startTestServer({ console: { enabled: false, users: [] } });
    try {
      assert.equal((await fetch(`${s.url}/console/`)).status, 404);
      assert.equal((await api(s.url, 'POST', '/console/api/session', { secret: KEY }, { origin: s.url })).status, 404);
    } finally {
      await s.destroy();
    }
  });
});

describe('BAYAR_CONSOLE_USERS', () => {
  it('npm run console-user prints an entry whose hash verifies the password (read from stdin, never from argv)', async () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'server/cli/bin.ts', 'console-user', 'ana', 'operator'], {
      cwd: new URL('../..', import.meta.url),
      input: 'a long enough password\n',
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    }).trim();
    const problems: string[] = [];
    const [user] = parseConsoleUsers(out, problems);
    assert.deepEqual(problems, []);
    assert.equal(user!.name, 'ana');
    assert.equal(user!.role, 'operator');
    assert.equal(await verifyPassword('a long enough password', user!.hash), true);
    assert.equal(await verifyPassword('a long enough passwore', user!.hash), false);
    assert.ok(!out.includes('a long enough password'));
  });

  it('rejects malformed entries with a message per entry', () => {
    const problems: string[] = [];
    parseConsoleUsers('ann:admin:scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA, bob:viewer:plaintext, merchant:viewer:x', problems);
    assert.equal(problems.length, 3);
    assert.match(problems[0]!, /role must be viewer or operator/);
    assert.match(problems[1]!, /not an scrypt hash/);
    assert.match(problems[2]!, /reserved/);
  });
});

async function waitFor(pred: () => boolean, what: string, ms = 10_000) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
