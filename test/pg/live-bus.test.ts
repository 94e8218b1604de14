/**
 * The LISTEN/NOTIFY live bus: a change published on one instance reaches subscribers on another, read back from
 * the ledger (so gaps are filled and order is the ledger's), and a dropped LISTEN connection loses nothing.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PgBus } from '../../server/store/live-pg.js';
import { PostgresStore } from '../../server/store/postgres.js';
import type { HistoryEntry } from '../../server/store/types.js';
import { postgres } from '../helpers/pg.js';

const avail = await postgres();

async function until(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PostgreSQL live bus', { skip: avail.skip }, () => {
  let dbName: string | undefined;
  let s1: PostgresStore;
  let s2: PostgresStore;
  let bus1: PgBus;
  let bus2: PgBus;
  let sql: pg.Client;
  let n = 0;
  const buses: PgBus[] = [];

  const payment = async () => {
    const id = `pay_bus_${++n}_${Date.now()}`;
    const now = new Date().toISOString();
    await s1.insertPayment({
      id, orderId: `O-${id}`, method: 'va:bca', family: 'va', provider: 'komerce', amount: 50_000, status: 'pending',
      reference: `R-${id}`, attempt: 1, installment: null, customer: {}, createdAt: now, expiresAt: now,
    });
    const r = await s1.attachProviderResult(id, { provider: 'komerce', reference: `R-${id}`, attempt: 1, providerRef: `P-${id}`, expiresAt: now, instructions: {}, at: now });
    return { id, created: r.history };
  };
  const pay = async (id: string) => {
    const r = await s1.transition({ paymentId: id, to: 'paid', at: new Date().toISOString(), reason: 'test', source: 'test' });
    assert.equal(r.outcome, 'applied');
    return r.history!;
  };

  before(async () => {
    const fresh = await avail.server!.freshDatabase();
    const url = fresh.url;
    dbName = fresh.name;
    s1 = new PostgresStore(url);
    s2 = new PostgresStore(url);
    await s1.migrate();
    await s2.migrate();
    bus1 = new PgBus({ store: s1 });
    bus2 = new PgBus({ store: s2 });
    buses.push(bus1, bus2);
    await Promise.all([bus1.start(), bus2.start()]);
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  });
  after(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await sql?.end();
    await s1?.close();
    await s2?.close();
    if (dbName) await avail.server?.dropDatabase(dbName);
    await avail.server?.stop();
  });

  it('a change published on one instance reaches a subscriber on another, as the ledger has it', async () => {
    const p = await payment();
    const got: HistoryEntry[] = [];
    const local: HistoryEntry[] = [];
    const off = bus2.subscribe(p.id, (h) => got.push(h));
    const offLocal = bus1.subscribe(p.id, (h) => local.push(h));
    const h = await pay(p.id);
    bus1.publish(h);
    await until(() => got.some((x) => x.seq === h.seq) && local.some((x) => x.seq === h.seq), 'the paid entry on both instances');
    const remote = got.find((x) => x.seq === h.seq)!;
    assert.deepEqual(remote, h);
    assert.equal(JSON.parse(remote.snapshot).status, 'paid');
    off();
    offLocal();
  });

  it('a webhook change written by the guarded statement is announced by that statement as it commits, and only once', async () => {
    const raw = new pg.Client({ connectionString: s1.clientConfig.connectionString });
    await raw.connect();
    try {
      const heard: Array<{ s: number; p: string }> = [];
      raw.on('notification', (m) => heard.push(JSON.parse(m.payload!)));
      await raw.query('LISTEN bayar_status');
      const p = await payment();
      const got: HistoryEntry[] = [];
      const off = bus2.subscribe(p.id, (h) => got.push(h));
      const eventId = `evt-bus-${p.id}`;
      const basis = (await s1.lookupEvent('komerce', eventId, { reference: `R-${p.id}` })).payment!;
      const at = new Date().toISOString();
      const r = await s1.transition({
        paymentId: p.id, at, source: 'webhook:komerce', basis, event: { provider: 'komerce', eventId, payload: '{}' },
        reported: { status: 'paid', amounts: [50_000], paidAt: at, providerStatus: 'PAID' },
      });
      assert.equal(r.outcome, 'applied');
      assert.equal(s1.announced(r.history!), true);
      // Nothing published on instance 1: the other instance hears of the change from the commit itself.
      await until(() => got.some((x) => x.seq === r.history!.seq), 'the paid entry on the other instance');
      assert.deepEqual(got.find((x) => x.seq === r.history!.seq), r.history);
      // Published as the ledger does after every change: no second announcement. A change from the locked path
      // (not announced by its statement) is published in the same turn, so its NOTIFY would carry both.
      const q = await payment();
      const later = await pay(q.id);
      assert.equal(s1.announced(later), false);
      bus1.publish(r.history!);
      bus1.publish(later);
      await until(() => heard.some((x) => x.s === later.seq), 'the locked change\'s announcement');
      assert.deepEqual(heard.filter((x) => x.p === p.id).map((x) => x.s), [r.history!.seq]);
      off();
    } finally {
      await raw.end();
    }
  });

  it('fills gaps: an entry whose own notification never came is delivered, in seq order', async () => {
    const p = await payment();
    const got: HistoryEntry[] = [];
    const off = bus2.subscribe(p.id, (h) => got.push(h));
    const paid = await pay(p.id); // never published
    const refundBegin = await s1.beginRefund({ id: `rf_${p.id}`, paymentId: p.id, amount: 50_000, reason: 'x', at: new Date().toISOString() });
    assert.ok(refundBegin.ok);
    const refunded = (await s1.finishRefund(`rf_${p.id}`, { status: 'succeeded', at: new Date().toISOString(), notify: false })).history!;
    bus1.publish(refunded);
    await until(() => got.some((x) => x.seq === refunded.seq), 'the refunded entry');
    const seqs = got.map((x) => x.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in ledger order');
    assert.equal(new Set(seqs).size, seqs.length, 'each once');
    assert.ok(seqs.includes(paid.seq), 'the unannounced paid entry was delivered too');
    off();
  });

  it('a dropped LISTEN connection reconnects and catches up on what was announced meanwhile', async () => {
    const name = 'bayar-test-reconnect';
    const bus3 = new PgBus({ store: { pool: s2.pool, clientConfig: { ...s2.clientConfig, application_name: name }, history: (id, after) => s2.history(id, after) }, minReconnectMs: 500 });
    buses.push(bus3);
    await bus3.start();
    const p = await payment();
    const got: HistoryEntry[] = [];
    bus3.subscribe(p.id, (h) => got.push(h));
    const listenerPid = async () =>
      (await sql.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'", [name])).rows[0]?.pid as number | undefined;
    const pid = await listenerPid();
    assert.ok(pid, 'bus3 is listening');
    await sql.query('SELECT pg_terminate_backend($1)', [pid]);
    await until(async () => (await sql.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0, 'the listener backend to exit');

    // Announced while bus3 cannot hear it.
    const h = await pay(p.id);
    bus1.publish(h);
    await until(() => got.some((x) => x.seq === h.seq), 'the catch-up after reconnecting');
    const again = await listenerPid();
    assert.ok(again && again !== pid, 'listening again on a new connection');

    // And live delivery works on the new connection.
    const q = await payment();
    const got2: HistoryEntry[] = [];
    bus3.subscribe(q.id, (x) => got2.push(x));
    const h2 = await pay(q.id);
    bus1.publish(h2);
    await until(() => got2.some((x) => x.seq === h2.seq), 'live delivery after reconnecting');
  });

  /** bus1's store, but the first `n` calls matching `fail` reject as a broken connection would. */
  const flaky = (n: number, fail: (sql: string) => boolean) => {
    let left = n;
    const pool = new Proxy(s1.pool, {
      get(target, prop, recv) {
        if (prop !== 'query') return Reflect.get(target, prop, recv);
        return (text: string, values?: unknown[]) => {
          if (left > 0 && fail(text)) {
            left--;
            return Promise.reject(new Error('Connection terminated unexpectedly'));
          }
          return target.query(text, values);
        };
      },
    });
    return { pool, clientConfig: s1.clientConfig, left: () => left };
  };

  it('a NOTIFY statement that fails is sent again: the other instance still hears every change in it', async () => {
    const f = flaky(2, (text) => text.includes('pg_notify'));
    const sender = new PgBus({ store: { pool: f.pool, clientConfig: f.clientConfig, history: (id, after) => s1.history(id, after) }, minReconnectMs: 50 });
    buses.push(sender);
    await sender.start();
    const ps = [await payment(), await payment(), await payment()];
    const got = new Map<string, HistoryEntry[]>();
    const offs = ps.map((p) => bus2.subscribe(p.id, (h) => got.set(p.id, [...(got.get(p.id) ?? []), h])));
    // Paid in one turn: one batched NOTIFY carries all three, and it fails twice.
    const hs = await Promise.all(ps.map((p) => pay(p.id)));
    for (const h of hs) sender.publish(h);
    await until(() => hs.every((h) => got.get(h.paymentId)?.some((x) => x.seq === h.seq)), 'every paid entry on the other instance');
    assert.equal(f.left(), 0, 'both failures happened');
    for (const h of hs) assert.equal(got.get(h.paymentId)!.filter((x) => x.status === 'paid').length, 1, 'each once');
    for (const off of offs) off();
  });

  it('a ledger read that fails is tried again while the payment has streams here', async () => {
    let failures = 1;
    const reader = new PgBus({
      store: {
        pool: s2.pool,
        clientConfig: s2.clientConfig,
        history: (id, after) => (failures-- > 0 ? Promise.reject(new Error('sorry, too many clients already')) : s2.history(id, after)),
      },
      minReconnectMs: 50,
    });
    buses.push(reader);
    await reader.start();
    const p = await payment();
    const got: HistoryEntry[] = [];
    reader.subscribe(p.id, (h) => got.push(h));
    const h = await pay(p.id);
    bus1.publish(h);
    await until(() => got.some((x) => x.seq === h.seq), 'the paid entry after the failed read');
    assert.ok(failures < 0, 'the first read failed');
  });

  it('a burst: a thousand changes published in one turn on one instance reach their streams on the other', async () => {
    const ps = [];
    for (let k = 0; k < 10; k++) ps.push(...(await Promise.all(Array.from({ length: 100 }, () => payment()))));
    const got = new Map<string, number>();
    const offs = ps.map((p) => bus2.subscribe(p.id, (h) => h.status === 'paid' && got.set(p.id, (got.get(p.id) ?? 0) + 1)));
    const hs: HistoryEntry[] = [];
    for (let k = 0; k < ps.length; k += 100) hs.push(...(await Promise.all(ps.slice(k, k + 100).map((p) => pay(p.id)))));
    for (const h of hs) bus1.publish(h);
    await until(() => got.size === ps.length, `all ${ps.length} paid entries on the other instance (got ${got.size})`, 30_000);
    assert.ok([...got.values()].every((n) => n === 1), 'each exactly once');
    for (const off of offs) off();
  });

  it('a LISTEN connection that goes silent without closing is found out, replaced, and what it missed is caught up', async () => {
    // A TCP relay to PostgreSQL that can stop carrying bytes while keeping both connections open, as a NAT or a
    // firewall that forgot the connection does.
    const pgUrl = new URL(s2.clientConfig.connectionString!);
    const links: Array<{ frozen: boolean; close?: () => void }> = [];
    const relay = createServer((inbound) => {
      const link: { frozen: boolean; close?: () => void } = { frozen: false };
      links.push(link);
      const outbound = connect(Number(pgUrl.port), pgUrl.hostname);
      const pipe = (from: Socket, to: Socket) => from.on('data', (d) => link.frozen || to.write(d));
      pipe(inbound, outbound);
      pipe(outbound, inbound);
      const close = (link.close = () => (inbound.destroy(), outbound.destroy()));
      inbound.on('error', close).on('close', close);
      outbound.on('error', close).on('close', close);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const via = new URL(pgUrl);
    via.port = String((relay.address() as AddressInfo).port);
    const bus4 = new PgBus({
      store: { pool: s2.pool, clientConfig: { ...s2.clientConfig, connectionString: via.toString() }, history: (id, after) => s2.history(id, after) },
      minReconnectMs: 50,
      pingMs: 200,
      pingTimeoutMs: 300,
    });
    buses.push(bus4);
    try {
      await bus4.start();
      assert.equal(links.length, 1);
      const p = await payment();
      const got: HistoryEntry[] = [];
      bus4.subscribe(p.id, (h) => got.push(h));
      links[0]!.frozen = true;
      const h = await pay(p.id);
      bus1.publish(h);
      await until(() => got.some((x) => x.seq === h.seq), 'the paid entry after the silent connection was replaced');
      assert.equal(links.length, 2, 'listening on a new connection');
    } finally {
      await bus4.close();
      for (const l of links) l.close?.();
      relay.close();
    }
  });
});
