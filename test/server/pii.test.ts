/**
 * Personal data retention and erasure, on the store under test (SQLite; PostgreSQL through test/pg/pii.test.ts):
 * after the retention job, customer name, email and phone of payments closed longer than BAYAR_PII_RETENTION_DAYS
 * are gone from every table — provider events and notification bodies included — while pending payments keep
 * theirs; payment links closed (completed, disabled, expired) longer than that lose the customer they were made
 * for, active ones keep it; `npm run pii-erase` erases one customer on request (payments and links) and says what
 * it touched; statements, totals and history are the same before and after.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { ManualClock } from '../../server/lib/clock.js';
import { ROOT } from '../helpers/promql.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { merchantBackend } from '../pg/support.js';

const key = { authorization: `Bearer ${SANDBOX_CREDENTIALS.merchantKey}` };
const store = process.env.BAYAR_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** Every row of every table, as text: where personal data could hide. */
async function everyRow(dbPath: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (store === 'postgres') {
    const c = new pg.Client({ connectionString: dbPath });
    await c.connect();
    try {
      const tables = await c.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
      for (const t of tables.rows) out[t.table_name] = JSON.stringify((await c.query(`SELECT * FROM ${pg.escapeIdentifier(t.table_name)}`)).rows);
    } finally {
      await c.end();
    }
  } else {
    const db = new Database(dbPath, { readonly: true });
    for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>) {
      out[t.name] = JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).all());
    }
    db.close();
  }
  return out;
}

const tablesHolding = (rows: Record<string, string>, needle: string) => Object.entries(rows).filter(([, text]) => text.includes(needle)).map(([t]) => t);

function piiErase(args: string[], db: string): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli/bin.ts'), 'pii-erase', ...args], { cwd: ROOT, env: { ...process.env, BAYAR_DB: db } });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

describe(`personal data retention and erasure (${store})`, () => {
  let s: TestServer;
  let merchant: Awaited<ReturnType<typeof merchantBackend>>;
  const clock = new ManualClock(Date.now());
  const siti = { name: 'Siti Rahayu', email: 'siti.rahayu@example.com', phone: '081234567890' };
  const budi = { name: 'Budi Santoso', email: 'budi@example.co.id', phone: '+6281398765432' };
  const dewi = { name: 'Dewi Kartika', email: 'Dewi_K@Example.com', phone: '085712345678' };
  // Customers of payment links: one paid (completed), one disabled, one expired, one still active.
  const rina = { name: 'Rina Wulandari', email: 'rina.w@example.net', phone: '081311112222' };
  const fajar = { name: 'Fajar Nugroho', email: 'fajar@example.id', phone: '082199998888' };
  const gita = { name: 'Gita Permata', email: 'gita@example.com', phone: '089612340000' };
  const eko = { name: 'Eko Prasetyo', email: 'eko@example.org', phone: '087755556666' };
  const links: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let date = '';

  const statement = async () => {
    const r = await api(s.url, 'GET', `/api/reconciliation?date=${date}&format=json`, undefined, key);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // The ledger's side of the statement (the providers' side moves with their clocks, not with erasure).
    const rows = r.body.rows.map((x: Record<string, unknown>) => ({ ...x, providerStatus: undefined, providerDetail: undefined, mismatch: undefined }));
    return { rows, totals: r.body.totals };
  };
  const histories = async () => Promise.all(Object.values(ids).map(async (id) => (await s.store.history(id)).map((h) => [h.seq, h.status, h.reason, h.source])));

  before(async () => {
    merchant = await merchantBackend();
    s = await startTestServer({ notifyUrl: `${merchant.url}/hook` }, undefined, { clock, background: false });
    const pay = async (name: string, customer: typeof siti, method: string, amount: number, paid: boolean) => {
      const r = await api(s.url, 'POST', '/api/payments', { orderId: `PII-${name}`, amount, method, customer });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids[name] = r.body.payment.id;
      if (paid) assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${r.body.payment.id}/pay`)).body.payment.status, 'paid');
    };
    await pay('siti-paid', siti, 'va:bca', 150_000, true);
    await pay('siti-pending', siti, 'va:bni', 75_000, false);
    await pay('budi-paid', budi, 'ewallet:gopay', 99_000, true);
    await pay('dewi-pending', dewi, 'va:bri', 45_000, false);
    const link = async (name: string, customer: typeof siti, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
      const r = await api(s.url, 'POST', '/api/links', { description: `Pesanan ${name}`, amount: 60_000, customer, ...extra }, { ...key, ...headers });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      links[name] = r.body.link.id;
      return r.body.link as { id: string; url: string };
    };
    // Made with an Idempotency-Key, so its answer (customer included) is stored for replay too; paid through its page.
    const paidLink = await link('rina', rina, {}, { 'idempotency-key': 'pii-link-rina' });
    const page = await fetch(paidLink.url);
    const session = /<bayar-checkout [^>]*session="([^"]+)"/.exec(await page.text())?.[1];
    assert.ok(session, 'the link page starts a checkout');
    const viaLink = await api(s.url, 'POST', '/api/payments', { session, method: 'va:bca' });
    assert.equal(viaLink.status, 201, JSON.stringify(viaLink.body));
    ids['rina-link-paid'] = viaLink.body.payment.id;
    assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${viaLink.body.payment.id}/pay`)).body.payment.status, 'paid');
    assert.equal((await api(s.url, 'GET', `/api/links/${paidLink.id}`, undefined, key)).body.link.status, 'completed');
    await link('fajar', fajar);
    assert.equal((await api(s.url, 'POST', `/api/links/${links.fajar}/disable`, {}, key)).body.link.status, 'disabled');
    await link('gita', gita, { expiresAt: new Date(clock.now().getTime() + 2 * 3_600_000).toISOString() });
    await link('eko', eko, { maxPayments: 5 });
    // A provider event that carries the customer as providers send it (Xendit's payer_email, a normalised phone).
    await s.store.recordEvent({
      provider: 'xendit', eventId: 'evt-with-pii', paymentId: ids['siti-paid']!, outcome: 'ignored', at: clock.now().toISOString(),
      payload: JSON.stringify({ external_id: 'X', amount: 150000, payer_email: siti.email, customer: { given_names: 'Siti', mobile_number: '+6281234567890' } }),
    });
    s.bayar.notifier!.start();
    const deadline = Date.now() + 10_000;
    while ((await s.store.outboxBacklog()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await s.bayar.notifier!.stop();
    date = new Date(clock.now().getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
  });
  after(async () => {
    await s.destroy();
    await merchant.close();
  });

  it('retention erases closed payments’ customer data from every table once they are older than the limit, and only theirs', async () => {
    const statementBefore = await statement();
    const historyBefore = await histories();
    const rows = await everyRow(s.dbPath);
    assert.ok(tablesHolding(rows, siti.email).includes('payments'), 'the data is there to begin with');
    assert.ok(tablesHolding(rows, siti.email).includes('provider_events'));

    for (const c of [rina, fajar, gita, eko]) assert.ok(tablesHolding(rows, c.email).includes('payment_links'), c.name);
    assert.ok(tablesHolding(rows, rina.email).includes('idempotency_keys'), 'the link creation answer is stored for replay');

    // Not yet: closed, but not for long enough.
    clock.advance(364 * 86_400_000);
    const early = await s.bayar.retention.runOnce();
    assert.equal(early.payments, 0);
    assert.equal(early.links, 0);
    clock.advance(2 * 86_400_000);
    const r = await s.bayar.retention.runOnce();
    assert.deepEqual(new Set(r.paymentIds), new Set([ids['siti-paid'], ids['budi-paid'], ids['rina-link-paid']]));
    assert.ok(r.providerEvents >= 1);
    // Completed, disabled and expired links; not the active one.
    assert.equal(r.links, 3);
    assert.deepEqual(new Set(r.linkIds), new Set([links.rina, links.fajar, links.gita]));
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(metrics, /^bayar_pii_erased_links_total\{trigger="retention"\} 3$/m);
    assert.match(metrics, /^bayar_pii_erased_payments_total\{trigger="retention"\} 3$/m);

    const after = await everyRow(s.dbPath);
    for (const needle of [budi.email, budi.name, '8139876543']) assert.deepEqual(tablesHolding(after, needle), [], `${needle} is gone everywhere`);
    for (const c of [rina, fajar, gita]) {
      for (const needle of [c.email, c.name, c.phone.slice(1)]) assert.deepEqual(tablesHolding(after, needle), [], `${needle} is gone everywhere`);
    }
    assert.deepEqual(tablesHolding(after, eko.email), ['payment_links'], 'an active link keeps the customer it is for');
    for (const [name, id] of Object.entries(links)) {
      const l = await api(s.url, 'GET', `/api/links/${id}`, undefined, key);
      assert.equal(l.status, 200);
      if (name === 'eko') assert.deepEqual(l.body.link.customer, eko);
      else assert.equal(l.body.link.customer, undefined, name);
    }
    const completed = (await api(s.url, 'GET', `/api/links/${links.rina}`, undefined, key)).body;
    assert.equal(completed.link.status, 'completed', 'the link and its payment stay as they were');
    assert.equal(completed.link.paidCount, 1);
    for (const needle of ['81234567890', 'Siti', 'Dewi']) {
      // Pending payments keep their customer's data (the payment is still open) — in the payments table only.
      assert.deepEqual(tablesHolding(after, needle), ['payments'], needle);
    }
    assert.deepEqual((await s.store.getPayment(ids['siti-paid']!))!.customer, {});
    assert.deepEqual((await s.store.getPayment(ids['siti-pending']!))!.customer, siti);

    // The financial record is untouched: the same statement, totals and history.
    assert.deepEqual(await statement(), statementBefore);
    assert.deepEqual(await histories(), historyBefore);
    // Nothing left to do on the next pass.
    const next = await s.bayar.retention.runOnce();
    assert.equal(next.payments, 0);
    assert.equal(next.links, 0);
  });

  it('pii-erase erases one customer on request (any status), prints what it touched and logs that it happened, not what', async () => {
    const statementBefore = await statement();
    const res = await piiErase(['--phone', '+62 812-3456-7890'], s.dbPath);
    assert.equal(res.code, 0, res.err);
    assert.match(res.out, /from 1 payment\(s\):/);
    assert.ok(res.out.includes(ids['siti-pending']!));
    assert.match(res.out, /provider events changed: \d+; notification bodies: \d+; history snapshots: \d+/);
    const logLine = res.err.split('\n').find((l) => l.includes('personal data erased on request'));
    assert.ok(logLine, res.err);
    assert.ok(!logLine.includes('3456') && !logLine.includes('siti'), `the log line names no customer: ${logLine}`);

    const after = await everyRow(s.dbPath);
    for (const needle of [siti.email, siti.name, '81234567890']) assert.deepEqual(tablesHolding(after, needle), [], `${needle} is gone everywhere`);
    assert.deepEqual(await statement(), statementBefore);
    assert.equal((await s.store.getPayment(ids['siti-pending']!))!.status, 'pending', 'the open payment is still payable');

    // By email, whatever its case, with a LIKE wildcard character in it.
    const byEmail = await piiErase(['--email', 'dewi_k@example.com'], s.dbPath);
    assert.equal(byEmail.code, 0, byEmail.err);
    assert.ok(byEmail.out.includes(ids['dewi-pending']!) && !byEmail.out.includes(ids['siti-pending']!), byEmail.out);
    assert.deepEqual(tablesHolding(await everyRow(s.dbPath), 'Dewi'), []);

    // A link's customer, on request, while the link stays active and payable.
    const byLink = await piiErase(['--email', 'EKO@example.org'], s.dbPath);
    assert.equal(byLink.code, 0, byLink.err);
    assert.match(byLink.out, /from 0 payment\(s\):/);
    assert.match(byLink.out, /and from 1 payment link\(s\):/);
    assert.ok(byLink.out.includes(links.eko!), byLink.out);
    const ekoLog = byLink.err.split('\n').find((l) => l.includes('personal data erased on request'));
    assert.ok(ekoLog && /"links":1/.test(ekoLog) && !/eko/i.test(ekoLog), `${ekoLog}`);
    const afterEko = await everyRow(s.dbPath);
    for (const needle of [eko.email, eko.name, eko.phone.slice(1)]) assert.deepEqual(tablesHolding(afterEko, needle), [], `${needle} is gone everywhere`);
    const ekoLink = (await api(s.url, 'GET', `/api/links/${links.eko}`, undefined, key)).body.link;
    assert.equal(ekoLink.status, 'active');
    assert.equal(ekoLink.customer, undefined);

    // Nobody to erase, and bad arguments.
    const none = await piiErase(['--email', 'nobody@example.com'], s.dbPath);
    assert.equal(none.code, 0);
    assert.match(none.out, /nothing was erased/);
    assert.equal((await piiErase(['--email', 'a@b.c', '--phone', '0812345678'], s.dbPath)).code, 2);
    assert.equal((await piiErase(['--email', 'not-an-email'], s.dbPath)).code, 2);
  });
});
