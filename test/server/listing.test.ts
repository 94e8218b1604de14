/**
 * GET /api/payments (merchant API): filters by order, status and creation time (bare dates are Jakarta
 * midnight), oldest first, with an opaque cursor that walks every payment exactly once — also when many share
 * one creation instant. Times come from an injected clock, so the windows are exact.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Payment, PaymentListResponse } from '../../server/api-types.js';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { ManualClock } from '../../server/lib/clock.js';
import { api, merchantHeaders, startTestServer, type TestServer } from '../helpers/server.js';

const AUTH = merchantHeaders(SANDBOX_CREDENTIALS.merchantKey);

describe('listing payments', () => {
  let s: TestServer;
  // 2026-03-09 23:00 WIB.
  const clock = new ManualClock(new Date('2026-03-09T16:00:00Z').getTime());
  const made: Payment[] = [];

  const list = (query: string) => api<PaymentListResponse>(s.url, 'GET', `/api/payments${query}`, undefined, AUTH);

  // Another method for the same (page-named) order replaces its pending payment: only its creator may do that.
  const secrets = new Map<string, string>();
  async function create(orderId: string, method = 'va:bca', amount = 50_000): Promise<Payment> {
    const known = secrets.get(orderId);
    const r = await api(s.url, 'POST', '/api/payments', { orderId, amount, method }, known ? { 'bayar-client-secret': known } : {});
    assert.equal(r.status, 201, JSON.stringify(r.body));
    secrets.set(orderId, r.body.clientSecret);
    made.push(r.body.payment);
    return r.body.payment;
  }

  /** Follows `next` until the last page; returns every page. */
  async function walk(query: string, limit: number) {
    const pages: Payment[][] = [];
    let cursor: string | null = null;
    do {
      const r = await list(`${query}${query ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      pages.push(r.body.payments);
      cursor = r.body.next;
      assert.ok(pages.length < 50, 'pagination terminates');
    } while (cursor);
    return pages;
  }

  before(async () => {
    s = await startTestServer({}, undefined, { clock, background: false });
    // 23:00 WIB on 9 March: two payments for one order (two methods), one of which is paid.
    await create('ORD-A', 'va:bca');
    const aQris = await create('ORD-A', 'qris:qris', 50_000);
    assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${aQris.id}/pay`)).body.payment.status, 'paid');
    // 00:30 WIB on 10 March: five payments in the same instant.
    clock.advance(90 * 60_000);
    for (let i = 0; i < 5; i++) await create(`ORD-B${i}`);
    // 10:00 WIB on 10 March.
    clock.advance(9.5 * 3600_000);
    const last = await create('ORD-C', 'ewallet:dana', 75_000);
    assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${last.id}/pay`)).body.payment.status, 'paid');
  });
  after(() => s.destroy());

  it('is for the merchant backend only', async () => {
    assert.equal((await api(s.url, 'GET', '/api/payments')).status, 401);
    assert.equal((await api(s.url, 'GET', '/api/payments', undefined, merchantHeaders('sandbox-merchant-key-not-secreT'))).status, 401);
  });

  it('lists every payment oldest first, as public payment objects', async () => {
    const r = await list('');
    assert.equal(r.status, 200);
    assert.equal(r.body.next, null);
    assert.equal(r.body.payments.length, made.length);
    assert.deepEqual(new Set(r.body.payments.map((p) => p.id)), new Set(made.map((p) => p.id)));
    const keys = r.body.payments.map((p) => `${p.createdAt}|${p.id}`);
    assert.deepEqual(keys, [...keys].sort(), 'ordered by creation time, then id');
    for (const p of r.body.payments) {
      assert.equal(p.currency, 'IDR');
      assert.ok(Number.isInteger(p.amount));
      assert.ok(!('customer' in p) && !('reference' in p) && !('providerRef' in p), 'no internal fields');
    }
  });

  it('a cursor walks every payment exactly once, also through payments created in the same instant', async () => {
    for (const limit of [1, 2, 3]) {
      const pages = await walk('', limit);
      const ids = pages.flat().map((p) => p.id);
      assert.equal(ids.length, made.length, `limit ${limit}`);
      assert.equal(new Set(ids).size, made.length, `limit ${limit}: no duplicates`);
      assert.ok(pages.every((p) => p.length <= limit));
      assert.equal(pages.length, Math.ceil(made.length / limit));
    }
    // A cursor survives payments being added after it was handed out: they appear on a later page.
    const first = await list('?limit=4');
    assert.equal(first.body.payments.length, 4);
    const late = await create('ORD-D');
    const rest = (await walk(`?cursor=${encodeURIComponent(first.body.next!)}`, 100)).flat();
    const ordered = [...made].sort((x, y) => x.createdAt.localeCompare(y.createdAt) || (x.id < y.id ? -1 : 1));
    assert.deepEqual([...first.body.payments, ...rest].map((p) => p.id), ordered.map((p) => p.id));
    assert.ok(rest.some((p) => p.id === late.id));
  });

  it('filters by order id and by status, with the cursor inside the filter', async () => {
    const a = await list('?orderId=ORD-A');
    assert.deepEqual(a.body.payments.map((p) => p.method).sort(), ['qris:qris', 'va:bca']);
    const paid = await list('?status=paid');
    assert.deepEqual(paid.body.payments.map((p) => p.orderId), ['ORD-A', 'ORD-C']);
    assert.ok(paid.body.payments.every((p) => p.status === 'paid'));
    const pagedPaid = await walk('?status=paid', 1);
    assert.deepEqual(pagedPaid.flat().map((p) => p.orderId), ['ORD-A', 'ORD-C']);
    // Switching ORD-A to QRIS cancelled its VA at Komerce: at most one pending payment per order.
    const both = await list('?orderId=ORD-A&status=cancelled');
    assert.deepEqual(both.body.payments.map((p) => p.method), ['va:bca']);
    assert.deepEqual((await list('?orderId=NOPE')).body, { payments: [], next: null });
  });

  it('from is inclusive, to exclusive; a bare date means 00:00 in Jakarta (UTC+7)', async () => {
    const between = (from: string, to: string) => made.filter((p) => p.createdAt >= from && p.createdAt < to).map((p) => p.id).sort();
    const ids = (r: { body: PaymentListResponse }) => r.body.payments.map((p) => p.id).sort();
    const day9 = await list('?from=2026-03-09&to=2026-03-10');
    assert.deepEqual(day9.body.payments.map((p) => p.orderId), ['ORD-A', 'ORD-A'], '23:00 WIB on the 9th (16:00 UTC) is the 9th in Jakarta');
    assert.deepEqual(ids(day9), between('2026-03-08T17:00:00.000Z', '2026-03-09T17:00:00.000Z'));
    const day10 = await list('?from=2026-03-10&to=2026-03-11');
    assert.deepEqual(ids(day10), between('2026-03-09T17:00:00.000Z', '2026-03-10T17:00:00.000Z'));
    assert.ok(['ORD-B0', 'ORD-B4', 'ORD-C'].every((o) => day10.body.payments.some((p) => p.orderId === o)), '00:30 WIB on the 10th is the 10th');
    // Date-times with an offset are taken as given; `to` is exclusive.
    const instant = await list(`?from=${encodeURIComponent('2026-03-10T00:30:00+07:00')}&to=${encodeURIComponent('2026-03-10T00:30:00.001+07:00')}`);
    assert.deepEqual(instant.body.payments.map((p) => p.orderId).sort(), ['ORD-B0', 'ORD-B1', 'ORD-B2', 'ORD-B3', 'ORD-B4']);
    const upTo = await list(`?to=${encodeURIComponent('2026-03-10T00:30:00+07:00')}`);
    assert.deepEqual(upTo.body.payments.map((p) => p.orderId), ['ORD-A', 'ORD-A']);
    const since = await list('?from=2026-03-10T03:00:00Z');
    assert.deepEqual(ids(since), between('2026-03-10T03:00:00.000Z', '9999'));
    assert.ok(since.body.payments.some((p) => p.orderId === 'ORD-C'), 'from is inclusive');
  });

  it('refuses bad queries with 400 and says which parameter', async () => {
    for (const [query, param] of [
      ['?status=settled', 'status'],
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=ten', 'limit'],
      ['?from=yesterday', 'from'],
      ['?to=2026-3-1', 'to'],
      ['?orderId=has%20space', 'orderId'],
      ['?page=2', ''],
    ] as const) {
      const r = await list(query);
      assert.equal(r.status, 400, `${query} → ${r.status} ${JSON.stringify(r.body)}`);
      if (param) assert.match((r.body as any).error.message, new RegExp(param), query);
    }
  });

  it('a cursor this server did not issue is refused, not silently read as "start again"', async () => {
    for (const bad of ['garbage', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,2]').toString('base64url')]) {
      const r = await list(`?cursor=${bad}`);
      assert.equal(r.status, 400, `${bad} → ${r.status}`);
      assert.equal((r.body as any).error.code, 'invalid_cursor');
    }
  });
});
