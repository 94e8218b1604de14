/**
 * The daily statement (GET /api/reconciliation and `npm run reconcile`) against a ledger seeded with the
 * mismatches it exists to find: a payment the provider took whose webhook never arrived, and one paid with a
 * different amount. Everything else must line up — including partly refunded payments the providers already
 * call "refunded". Creation times come from an injected clock so the Asia/Jakarta day boundary is exact.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Payment } from '../../server/api-types.js';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { jakartaDay, type Statement, type StatementRow } from '../../server/domain/daily-statement.js';
import { ManualClock } from '../../server/lib/clock.js';
import { TapClient, api, merchantHeaders, startTestServer, type TestServer } from '../helpers/server.js';

const AUTH = merchantHeaders(SANDBOX_CREDENTIALS.merchantKey);
const customer = { name: 'Siti Rahayu', email: 'siti@example.com', phone: '081234567890' };
const DAY = '2026-04-01';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../server/cli/bin.ts', import.meta.url));
const NEXT_DAY = '2026-04-02';

/** RFC 4180: quoted cells may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    } else cell += c;
  }
  if (cell !== '' || row.length) row.push(cell), rows.push(row);
  return rows;
}

describe('reconciliation statement', () => {
  let s: TestServer;
  const tap = new TapClient();
  // 2026-04-01 23:30 WIB.
  const clock = new ManualClock(new Date('2026-04-01T16:30:00Z').getTime());
  const seeded: Record<string, Payment> = {};
  let refundOnDay = '';
  let refundNextDay = '';
  let partialRefund = '';

  async function create(name: string, orderId: string, method: string, amount: number, extra: Record<string, unknown> = {}) {
    const r = await api(s.url, 'POST', '/api/payments', { orderId, amount, method, customer, ...extra });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    seeded[name] = r.body.payment;
    return r.body.payment as Payment;
  }
  const pay = async (p: Payment) => {
    const r = await api(s.url, 'POST', `/api/sandbox/payments/${p.id}/pay`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.payment as Payment;
  };
  /** The statement; the clock moves on first so per-payment status rate limits (Komerce: one per 3 s) are met. */
  const statement = async (date: string, format = 'json') => {
    clock.advance(10_000);
    return api(s.url, 'GET', `/api/reconciliation?date=${date}&format=${format}`, undefined, AUTH);
  };
  const rowOf = (st: Statement, name: string, type: StatementRow['type'] = 'payment') => {
    const row = st.rows.find((r) => r.type === type && r.paymentId === seeded[name]!.id);
    assert.ok(row, `${name} (${type}) is on the statement`);
    return row;
  };

  before(async () => {
    // No background reconciler: it would heal the lost webhook before the statement could show it.
    s = await startTestServer(
      // The open QRIS stays open across the two days the statements look at (QRIS defaults to 15 minutes).
      { routes: { va: ['komerce'], qris: ['xendit'], ewallet: ['xendit', 'midtrans'], cstore: ['midtrans'], paylater: ['indodana'], card: [] }, deadlines: { byFamily: { qris: 3 * 86_400 } } },
      undefined,
      { clock, http: tap, background: false },
    );

    // All at 23:30 WIB on 1 April (16:30 UTC).
    assert.equal((await pay(await create('clean', 'REC-CLEAN', 'va:bca', 100_000))).status, 'paid');

    // The bank took the money, but the provider's webhook is lost on the way.
    const lost = await create('lost', 'REC-LOST', 'va:bni', 200_000);
    tap.intercept = (req) => (req.url.endsWith('/webhooks/komerce') ? { status: 200, headers: {}, body: '{}' } : undefined);
    try {
      assert.equal((await pay(lost)).status, 'pending');
    } finally {
      tap.intercept = null;
    }

    // The customer paid Rp 30,000 against a Rp 300,000 VA: the webhook is verified, recorded and flagged.
    const short = await create('short', 'REC-SHORT', 'va:bri', 300_000);
    const providerRef = (await s.store.getPayment(short.id))!.providerRef!;
    assert.deepEqual(await s.bayar.emulators.get('komerce')!.simulate('pay', providerRef, { amount: 30_000 }), { webhookStatus: 200 });
    assert.deepEqual((await s.store.getPayment(short.id))!.flags, ['amount_mismatch']);

    await create('open', 'REC-OPEN', 'qris:qris', 50_000);
    assert.equal((await pay(await create('gopay', '-REC-GOPAY', 'ewallet:gopay', 80_000))).status, 'paid');
    const r1 = await api(s.url, 'POST', `/api/payments/${seeded.gopay!.id}/refund`, { amount: 30_000, reason: 'one cup broken' }, AUTH);
    assert.equal(r1.status, 201, JSON.stringify(r1.body));
    refundOnDay = r1.body.refund.id;
    assert.equal((await pay(await create('partial', 'REC-PARTIAL', 'ewallet:dana', 90_000))).provider, 'xendit');
    const r3 = await api(s.url, 'POST', `/api/payments/${seeded.partial!.id}/refund`, { amount: 20_000, reason: 'late delivery discount' }, AUTH);
    assert.equal(r3.status, 201, JSON.stringify(r3.body));
    partialRefund = r3.body.refund.id;

    // 00:30 WIB on 2 April: a new day in Jakarta, though still 1 April in UTC.
    clock.set(new Date('2026-04-01T17:30:00Z'));
    assert.equal((await pay(await create('nextDay', 'REC-NEXT', 'va:bca', 60_000))).status, 'paid');
    const r2 = await api(s.url, 'POST', `/api/payments/${seeded.gopay!.id}/refund`, { amount: 50_000, reason: 'rest of the order' }, AUTH);
    assert.equal(r2.status, 201, JSON.stringify(r2.body));
    assert.equal(r2.body.payment.status, 'refunded');
    refundNextDay = r2.body.refund.id;
  });
  after(() => s.destroy());

  it('the Jakarta day is [00:00, 24:00) at UTC+7', () => {
    assert.deepEqual(jakartaDay(DAY), { from: '2026-03-31T17:00:00.000Z', to: '2026-04-01T17:00:00.000Z' });
  });

  it('is for the merchant backend only and checks its query', async () => {
    assert.equal((await api(s.url, 'GET', `/api/reconciliation?date=${DAY}`)).status, 401);
    for (const q of ['', '?date=2026-4-1', `?date=${DAY}&format=xml`, `?date=${DAY}&extra=1`]) {
      const r = await api(s.url, 'GET', `/api/reconciliation${q}`, undefined, AUTH);
      assert.equal(r.status, 400, `${q} → ${r.status}`);
    }
  });

  it("JSON: each of the day's payments with ledger and provider state side by side, mismatches flagged", async () => {
    const r = await statement(DAY);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const st = r.body as Statement;
    assert.equal(st.date, DAY);
    assert.equal(st.timezone, 'Asia/Jakarta');
    const payments = st.rows.filter((x) => x.type === 'payment');
    assert.deepEqual(
      payments.map((x) => x.paymentId).sort(),
      ['clean', 'lost', 'short', 'open', 'gopay', 'partial'].map((n) => seeded[n]!.id).sort(),
      '23:30 WIB belongs to the day; 00:30 WIB the next day does not',
    );

    const clean = rowOf(st, 'clean');
    assert.deepEqual([clean.ledgerStatus, clean.providerStatus, clean.providerDetail, clean.mismatch], ['paid', 'paid', 'PAID', false]);
    assert.equal(clean.amount, 100_000);
    assert.equal(clean.provider, 'komerce');

    const lost = rowOf(st, 'lost');
    assert.deepEqual([lost.ledgerStatus, lost.providerStatus, lost.mismatch], ['pending', 'paid', true], 'paid at the provider, never heard of in the ledger');

    const short = rowOf(st, 'short');
    assert.equal(short.ledgerStatus, 'pending');
    assert.equal(short.providerStatus, 'paid');
    assert.deepEqual(short.flags, ['amount_mismatch']);
    assert.equal(short.mismatch, true);

    const open = rowOf(st, 'open');
    assert.deepEqual([open.ledgerStatus, open.providerStatus, open.mismatch], ['pending', 'pending', false]);

    // Refunded in full (the second refund was the next day): both sides say refunded.
    const gopay = rowOf(st, 'gopay');
    assert.deepEqual([gopay.ledgerStatus, gopay.providerStatus, gopay.mismatch], ['refunded', 'refunded', false]);
    // Partly refunded: Xendit already calls the charge refunded, the ledger keeps it paid with Rp 20,000
    // refunded. They agree.
    const partial = rowOf(st, 'partial');
    assert.deepEqual([partial.ledgerStatus, partial.providerStatus, partial.mismatch], ['paid', 'refunded', false]);

    const refunds = st.rows.filter((x) => x.type === 'refund');
    assert.deepEqual(refunds.map((x) => x.id).sort(), [refundOnDay, partialRefund].sort(), "only that day's refunds; the next day's is on the next statement");
    const first = refunds.find((x) => x.id === refundOnDay)!;
    assert.deepEqual([first.amount, first.ledgerStatus, first.orderId, first.paymentId, first.mismatch], [30_000, 'succeeded', '-REC-GOPAY', seeded.gopay!.id, false]);

    assert.equal(st.mismatches, 2);
    assert.deepEqual(st.rows.filter((x) => x.mismatch).map((x) => x.paymentId).sort(), [seeded.lost!.id, seeded.short!.id].sort());
  });

  it('totals per method and provider count ledger-paid money and succeeded refunds', async () => {
    const st = (await statement(DAY)).body as Statement;
    const totals = Object.fromEntries(st.totals.map((t) => [`${t.method}|${t.provider}`, [t.payments, t.paidCount, t.paidAmount, t.refundedAmount]]));
    assert.deepEqual(totals, {
      'ewallet:dana|xendit': [1, 1, 90_000, 20_000],
      'ewallet:gopay|midtrans': [1, 1, 80_000, 30_000],
      'qris:qris|xendit': [1, 0, 0, 0],
      'va:bca|komerce': [1, 1, 100_000, 0],
      'va:bni|komerce': [1, 0, 0, 0],
      'va:bri|komerce': [1, 0, 0, 0],
    });
    const next = (await statement(NEXT_DAY)).body as Statement;
    assert.deepEqual(
      next.rows.map((x) => [x.type, x.orderId, x.amount]),
      [
        ['payment', 'REC-NEXT', 60_000],
        ['refund', '-REC-GOPAY', 50_000],
      ],
    );
    assert.deepEqual(
      next.totals.map((t) => [t.method, t.payments, t.paidAmount, t.refundedAmount]),
      [
        ['ewallet:gopay', 0, 0, 50_000],
        ['va:bca', 1, 60_000, 0],
      ],
      "a refund counts on the day it was made, under its payment's method",
    );
    assert.equal(next.mismatches, 0);
    assert.equal(next.rows.find((x) => x.id === refundNextDay)!.ledgerStatus, 'succeeded');
  });

  it('CSV: the same rows and totals, spreadsheet-safe', async () => {
    const json = (await statement(DAY)).body as Statement;
    const r = await statement(DAY, 'csv');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type')!, /^text\/csv/);
    assert.equal(r.headers.get('content-disposition'), `attachment; filename="bayar-${DAY}.csv"`);
    const lines = parseCsv(r.body as string);
    const blank = lines.findIndex((l) => l.length === 1 && l[0] === '');
    assert.ok(blank > 0, 'a blank line separates rows from totals');
    const [header, ...rows] = lines.slice(0, blank);
    assert.deepEqual(header, ['type', 'id', 'paymentId', 'orderId', 'method', 'provider', 'amount', 'ledgerStatus', 'providerStatus', 'providerDetail', 'createdAt', 'paidAt', 'mismatch', 'flags', 'expectedFee']);
    const records = rows.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i]])));
    assert.equal(records.length, json.rows.length);
    for (const want of json.rows) {
      const got = records.find((x) => x.id === want.id && x.type === want.type);
      assert.ok(got, want.id);
      assert.equal(Number(got.amount), want.amount);
      assert.equal(got.ledgerStatus, want.ledgerStatus);
      assert.equal(got.providerStatus, want.providerStatus ?? '');
      assert.equal(got.mismatch, String(want.mismatch));
      assert.equal(got.flags, want.flags.join(' '));
    }
    assert.equal(records.filter((x) => x.mismatch === 'true').length, 2);
    // A cell starting with - (or = + @) would be a formula in a spreadsheet.
    assert.ok(records.filter((x) => x.paymentId === seeded.gopay!.id).every((x) => x.orderId === "'-REC-GOPAY"));

    const [totalsHeader, ...totals] = lines.slice(blank + 1).filter((l) => l.some((c) => c !== ''));
    assert.deepEqual(totalsHeader, ['method', 'provider', 'payments', 'paidCount', 'paidAmount', 'refundedAmount', 'expectedFees']);
    assert.deepEqual(
      totals.map((t) => [t[0], t[1], ...t.slice(2, 6).map(Number)]),
      json.totals.map((t) => [t.method, t.provider, t.payments, t.paidCount, t.paidAmount, t.refundedAmount]),
    );
  });

  it('reads the provider, never writes: the statement leaves the lost payment pending for the reconciler', async () => {
    await statement(DAY);
    assert.equal((await s.store.getPayment(seeded.lost!.id))!.status, 'pending');
    // The reconciler's pass (what runs in the background in production) then heals it.
    clock.advance(10_000);
    assert.equal(await s.bayar.service.reconcile((await s.store.getPayment(seeded.lost!.id))!), true);
    const healed = (await statement(DAY)).body as Statement;
    assert.deepEqual([rowOf(healed, 'lost').ledgerStatus, rowOf(healed, 'lost').mismatch], ['paid', false]);
    assert.equal(healed.mismatches, 1, 'the short payment still needs a human');
  });

  it('`npm run reconcile` prints the same statement from the running companion', async () => {
    const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', SCRIPT, 'reconcile', ...args], { timeout: 60_000, env, cwd: ROOT });
    clock.advance(10_000);
    const csv = await run(['--date', DAY, '--url', s.url]);
    clock.advance(10_000);
    const endpoint = await api(s.url, 'GET', `/api/reconciliation?date=${DAY}&format=csv`, undefined, AUTH);
    assert.equal(csv.stdout, endpoint.body, 'byte for byte the endpoint’s CSV');
    assert.match(csv.stderr, /^2026-04-01 \(Asia\/Jakarta\): 6 payments, 2 refunds, 1 mismatch\n$/);

    clock.advance(10_000);
    const json = await run(['--date', NEXT_DAY, '--format', 'json', '--url', s.url]);
    assert.deepEqual((JSON.parse(json.stdout) as Statement).rows.map((x) => x.orderId), ['REC-NEXT', '-REC-GOPAY']);

    const wrongKey = await run(['--date', DAY, '--url', s.url], { ...process.env, BAYAR_MERCHANT_KEY: 'live-merchant-key-of-another-shop' }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(wrongKey?.code, 1);
    assert.match(wrongKey!.stderr, /401.*BAYAR_MERCHANT_KEY/s);

    const noDate = await run(['--url', s.url]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(noDate?.code, 2);
    assert.match(noDate!.stderr, /--date YYYY-MM-DD is required/);
  });
});
