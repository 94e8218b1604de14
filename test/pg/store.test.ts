/**
 * The PostgreSQL ledger keeps the SQLite ledger's guarantees when several instances write at once. Each test uses
 * two stores (two pools, as two instances would) on one database and races them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { isPostgresUrl, redactDbUrl } from '../../server/store/db-url.js';
import { PostgresStore } from '../../server/store/postgres.js';
import { toPublicPayment } from '../../server/domain/payment-record.js';
import { MIGRATIONS } from '../../server/store/migrations.js';
import type { NewPayment } from '../../server/store/types.js';
import { postgres } from '../helpers/pg.js';
import { until } from './support.js';

const avail = await postgres();

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms = 0) => new Date(T0 + ms).toISOString();
let n = 0;

function newPayment(o: Partial<NewPayment> = {}): NewPayment {
  const id = `pay_pgtest_${++n}_${Math.floor(Math.random() * 1e9)}`;
  return {
    id,
    orderId: `ORDER-${id}`,
    method: 'va:bca',
    family: 'va',
    provider: 'komerce',
    amount: 150_000,
    status: 'pending',
    reference: `REF-${id}`,
    attempt: 1,
    installment: null,
    customer: { name: 'Siti' },
    createdAt: at(),
    expiresAt: at(86_400_000),
    ...o,
  };
}

describe('PostgreSQL store', { skip: avail.skip }, () => {
  let dbName: string | undefined;
  let url: string;
  let a: PostgresStore;
  let b: PostgresStore;
  let sql: pg.Client;

  /** A payment with instructions (its "created" history entry written), optionally queued for notification. */
  const opened = async (o: Partial<NewPayment> = {}, notify = false) => {
    const p = newPayment(o);
    await a.insertPayment(p);
    const r = await a.attachProviderResult(p.id, {
      provider: p.provider,
      reference: p.reference,
      attempt: 1,
      providerRef: `PREF-${p.id}`,
      expiresAt: p.expiresAt,
      instructions: { va: { bank: 'bca', number: '123' } },
      at: at(),
      notify,
    });
    return r.payment;
  };
  const paid = async (amount = 100_000) => {
    const p = await opened({ amount });
    const r = await a.transition({ paymentId: p.id, to: 'paid', at: at(1), reason: 'test', source: 'test' });
    assert.equal(r.outcome, 'applied');
    return r.payment;
  };

  before(async () => {
    const fresh = await avail.server!.freshDatabase();
    ({ url, name: dbName } = fresh);
    a = new PostgresStore(url);
    b = new PostgresStore(url);
    await Promise.all([a.migrate(), b.migrate()]);
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  });
  after(async () => {
    await sql?.end();
    await a?.close();
    await b?.close();
    if (dbName) await avail.server?.dropDatabase(dbName);
    await avail.server?.stop();
  });

  it('instances starting together apply each migration exactly once', async () => {
    const { url: fresh, name } = await avail.server!.freshDatabase();
    const stores = Array.from({ length: 4 }, () => new PostgresStore(fresh));
    try {
      await Promise.all(stores.map((s) => s.migrate()));
      for (const s of stores) assert.equal(await s.ready(), true);
      const c = new pg.Client({ connectionString: fresh });
      await c.connect();
      const rows = (await c.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
      await c.end();
      assert.deepEqual(rows, MIGRATIONS.map((m) => m.version));
      await stores[0]!.migrate(); // idempotent
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await avail.server!.dropDatabase(name);
    }
  });

  it('returns amounts, seqs and counts as JS numbers', async () => {
    const p = await opened({ amount: 987_654_321_000 });
    assert.strictEqual(p.amount, 987_654_321_000);
    assert.strictEqual(p.refundedAmount, 0);
    assert.strictEqual(p.attempt, 1);
    const h = await b.history(p.id);
    assert.equal(h.length, 1);
    assert.equal(typeof h[0]!.seq, 'number');
    assert.equal(typeof (await b.outboxBacklog()), 'number');
    const counts = await b.countByStatus();
    assert.equal(typeof counts.pending, 'number');
    assert.ok(counts.pending! >= 1);
  });

  it('one pending payment per order and method, whichever instance inserts', async () => {
    const order = `ORDER-RACE-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).insertPayment(newPayment({ orderId: order }))),
    );
    assert.equal(results.filter((r) => r.kind === 'inserted').length, 1);
    assert.equal(new Set(results.map((r) => r.payment.id)).size, 1);
  });

  it('inbox: 100 concurrent copies of one provider event over two instances → one transition, one notification', async () => {
    const p = await opened({}, true);
    const event = { provider: 'komerce' as const, eventId: `evt-${p.id}`, payload: '{}' };
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? a : b).transition({ paymentId: p.id, to: 'paid', at: at(5), reason: 'provider:PAID', source: 'webhook:komerce', event, notify: true }),
      ),
    );
    assert.equal(outcomes.filter((o) => o.outcome === 'applied').length, 1);
    assert.equal(outcomes.filter((o) => o.outcome === 'duplicate').length, 99);
    assert.deepEqual((await a.history(p.id)).map((h) => h.status), ['pending', 'paid']);
    const out = await sql.query("SELECT COUNT(*)::int AS c FROM outbox WHERE payment_id = $1 AND body LIKE '%\"status\":\"paid\"%'", [p.id]);
    assert.equal(out.rows[0].c, 1);
    const ev = await sql.query('SELECT outcome FROM provider_events WHERE provider = $1 AND event_id = $2', ['komerce', event.eventId]);
    assert.deepEqual(ev.rows, [{ outcome: 'applied' }]);
    assert.equal(await b.hasEvent('komerce', event.eventId), true);
    assert.equal(await a.recordEvent({ ...event, paymentId: p.id, outcome: 'again', at: at() }), false);
  });

  it('a burst of webhooks over two instances (group commit): each applied once with its own history, notification and inbox row', async () => {
    const ps = await Promise.all(Array.from({ length: 40 }, () => opened({}, true)));
    // Two payments of one order paid in the same burst: whichever commits second is flagged, even in one batch.
    const order = `ORDER-BURST-${Date.now()}`;
    const twins = [await opened({ orderId: order, method: 'va:bca' }, true), await opened({ orderId: order, method: 'va:bni' }, true)];
    const paidEvent = (id: string, copy = '') => ({ provider: 'komerce' as const, eventId: `evt-burst-${id}`, payload: `{"copy":"${copy}"}` });
    const pay = (s: PostgresStore, id: string, copy = '') =>
      s.transition({
        paymentId: id, at: at(5), source: 'webhook:komerce', event: paidEvent(id, copy), notify: true,
        reported: { status: 'paid', amounts: [150_000], paidAt: at(5), providerStatus: 'PAID' },
      });
    const [results, twinResults, copies, missing] = await Promise.all([
      Promise.all(ps.map((p, i) => pay(i % 2 ? a : b, p.id))),
      Promise.all(twins.map((p) => pay(a, p.id))),
      Promise.all(ps.slice(0, 10).map((p, i) => pay(i % 2 ? b : a, p.id, 'again'))),
      pay(a, 'pay_does_not_exist').then(() => 'applied', (err: Error) => err.message),
    ]);
    assert.equal(missing, 'payment pay_does_not_exist not found');
    assert.equal(await a.hasEvent('komerce', paidEvent('pay_does_not_exist').eventId), false);
    // Each copy of an event raced its original: one of the two applied, the other is a duplicate.
    for (let i = 0; i < 10; i++) assert.deepEqual([results[i]!.outcome, copies[i]!.outcome].sort(), ['applied', 'duplicate']);
    for (const p of ps) {
      const history = await b.history(p.id);
      assert.deepEqual(history.map((h) => h.status), ['pending', 'paid']);
      const r = [...results, ...copies].find((x) => x.payment.id === p.id && x.outcome === 'applied')!;
      assert.equal(r.history?.seq, history[1]!.seq);
      assert.equal(r.history?.snapshot, history[1]!.snapshot);
      // The snapshot written with the change is the payment as stored after it.
      const stored = (await a.getPayment(p.id))!;
      assert.equal(history[1]!.snapshot, JSON.stringify(toPublicPayment(stored)));
      assert.equal(stored.paidAt, at(5));
      const out = await sql.query("SELECT history_seq::int AS seq, body FROM outbox WHERE payment_id = $1 AND body LIKE '%\"status\":\"paid\"%'", [p.id]);
      assert.deepEqual(out.rows.map((o) => o.seq), [history[1]!.seq]);
      assert.equal(JSON.parse(out.rows[0].body).payment.status, 'paid');
      const ev = await sql.query('SELECT outcome FROM provider_events WHERE provider = $1 AND event_id = $2', ['komerce', paidEvent(p.id).eventId]);
      assert.deepEqual(ev.rows, [{ outcome: 'applied' }]);
      assert.equal(stored.status, 'paid');
    }
    assert.deepEqual(twinResults.map((r) => r.outcome), ['applied', 'applied']);
    const flagged = twinResults.filter((r) => r.payment.flags.includes('duplicate_payment'));
    assert.equal(flagged.length, 1, 'exactly one of the two payments of one order is flagged as the duplicate');
    assert.deepEqual(flagged[0]!.added, ['duplicate_payment']);
    const dup = await sql.query("SELECT COUNT(*)::int AS c FROM outbox WHERE payment_id = $1 AND body LIKE '%payment.duplicate%'", [flagged[0]!.payment.id]);
    assert.equal(dup.rows[0].c, 1);
  });

  it('a webhook decided from the row lookupEvent read is written in one guarded step, and only while that row is unchanged', async () => {
    const paidNote = (p: { id: string; reference: string }, eventId: string, status: 'paid' | 'pending' = 'paid') => ({
      paymentId: p.id, at: at(7), source: 'webhook:komerce', notify: true,
      event: { provider: 'komerce' as const, eventId, payload: `{"e":"${eventId}"}` },
      reported: { status, amounts: [150_000], paidAt: at(7), providerStatus: status.toUpperCase() },
    });
    const read = async (s: PostgresStore, p: { reference: string }, eventId: string) => (await s.lookupEvent('komerce', eventId, { reference: p.reference })).payment!;

    // Unchanged since read: applied, with its history, notification and inbox row, as under the locks.
    const fresh = await opened({}, true);
    const r = await a.transition({ ...paidNote(fresh, `g-fresh-${fresh.id}`), basis: await read(a, fresh, `g-fresh-${fresh.id}`) });
    assert.equal(r.outcome, 'applied');
    const history = await b.history(fresh.id);
    assert.deepEqual(history.map((h) => h.status), ['pending', 'paid']);
    assert.equal(r.history?.seq, history[1]!.seq);
    assert.equal(history[1]!.snapshot, JSON.stringify(toPublicPayment((await b.getPayment(fresh.id))!)));
    const out = await sql.query("SELECT history_seq::int AS seq FROM outbox WHERE payment_id = $1 AND body LIKE '%\"status\":\"paid\"%'", [fresh.id]);
    assert.deepEqual(out.rows.map((o) => o.seq), [history[1]!.seq]);
    const ev = await sql.query('SELECT outcome, payment_id FROM provider_events WHERE event_id = $1', [`g-fresh-${fresh.id}`]);
    assert.deepEqual(ev.rows, [{ outcome: 'applied', payment_id: fresh.id }]);

    // Cancelled by the other instance after the read: the paid notice is decided again from the cancelled row
    // (money after the payment closed: flagged, status kept), not written over it.
    const closed = await opened({}, true);
    const basis = await read(a, closed, `g-late-${closed.id}`);
    assert.equal((await b.transition({ paymentId: closed.id, to: 'cancelled', at: at(6), reason: 'api', source: 'api' })).outcome, 'applied');
    const late = await a.transition({ ...paidNote(closed, `g-late-${closed.id}`), basis });
    assert.equal(late.outcome, 'ignored');
    assert.equal(late.payment.status, 'cancelled');
    assert.deepEqual(late.added, ['late_payment']);
    assert.deepEqual((await b.history(closed.id)).map((h) => h.status), ['pending', 'cancelled']);
    assert.equal((await b.getPayment(closed.id))!.paidAt, null);

    // The same event applied meanwhile by the other instance (the row changed): a duplicate, nothing written twice.
    const twice = await opened({}, true);
    const copyBasis = await read(a, twice, `g-twice-${twice.id}`);
    assert.equal((await b.transition(paidNote(twice, `g-twice-${twice.id}`))).outcome, 'applied');
    const copy = await a.transition({ ...paidNote(twice, `g-twice-${twice.id}`), basis: copyBasis });
    assert.equal(copy.outcome, 'duplicate');
    assert.equal(copy.payment.status, 'paid');
    assert.deepEqual((await b.history(twice.id)).map((h) => h.status), ['pending', 'paid']);
    const notes = await sql.query("SELECT COUNT(*)::int AS c FROM outbox WHERE payment_id = $1 AND body LIKE '%\"status\":\"paid\"%'", [twice.id]);
    assert.equal(notes.rows[0].c, 1);

    // The same event recorded meanwhile without changing the row (it reported nothing new): a duplicate as well.
    const quiet = await opened({}, true);
    const quietBasis = await read(a, quiet, `g-quiet-${quiet.id}`);
    assert.equal((await b.transition(paidNote(quiet, `g-quiet-${quiet.id}`, 'pending'))).outcome, 'ignored');
    assert.equal((await a.transition({ ...paidNote(quiet, `g-quiet-${quiet.id}`), basis: quietBasis })).outcome, 'duplicate');
    assert.equal((await b.getPayment(quiet.id))!.status, 'pending');

    // Two payments of one order read before either was paid, paid in one burst: the second is still flagged.
    const order = `ORDER-GUARD-${Date.now()}`;
    const twins = [await opened({ orderId: order, method: 'va:bca' }, true), await opened({ orderId: order, method: 'va:bni' }, true)];
    const bases = await Promise.all(twins.map((p) => read(a, p, `g-twin-${p.id}`)));
    const paidTwins = await Promise.all(twins.map((p, i) => a.transition({ ...paidNote(p, `g-twin-${p.id}`), basis: bases[i] })));
    assert.deepEqual(paidTwins.map((x) => x.outcome), ['applied', 'applied']);
    assert.equal(paidTwins.filter((x) => x.payment.flags.includes('duplicate_payment')).length, 1);
    // The other payment of an order paid after this one was read (its own row unchanged): still flagged.
    const order2 = `ORDER-GUARD2-${Date.now()}`;
    const [first, second] = [await opened({ orderId: order2, method: 'va:bca' }, true), await opened({ orderId: order2, method: 'va:bni' }, true)];
    const secondBasis = await read(a, second, `g-second-${second.id}`);
    assert.deepEqual((await a.transition({ ...paidNote(first, `g-first-${first.id}`), basis: await read(a, first, `g-first-${first.id}`) })).added, []);
    const secondPaid = await a.transition({ ...paidNote(second, `g-second-${second.id}`), basis: secondBasis });
    assert.equal(secondPaid.outcome, 'applied');
    assert.deepEqual(secondPaid.added, ['duplicate_payment']);
  });

  it('lookupEvent: the inbox and the payment in one read, by our reference first, else the provider\'s id', async () => {
    const p = await opened();
    const other = await opened();
    const stored = (await a.getPayment(p.id))!;
    const evId = `evt-lookup-${p.id}`;
    assert.deepEqual(await b.lookupEvent('komerce', evId, { reference: p.reference }), { seen: false, payment: stored });
    assert.deepEqual(await b.lookupEvent('komerce', evId, { providerRef: `PREF-${p.id}` }), { seen: false, payment: stored });
    // Our reference decides when both are given, even if the provider's id names another payment.
    assert.equal((await b.lookupEvent('komerce', evId, { reference: p.reference, providerRef: `PREF-${other.id}` })).payment?.id, p.id);
    assert.equal((await b.lookupEvent('komerce', evId, { reference: 'REF-nobody', providerRef: `PREF-${other.id}` })).payment?.id, other.id);
    assert.deepEqual(await b.lookupEvent('komerce', evId, { reference: 'REF-nobody' }), { seen: false, payment: null });
    assert.deepEqual(await b.lookupEvent('doku', evId, { reference: p.reference }), { seen: false, payment: null });
    await a.transition({ paymentId: p.id, to: 'paid', at: at(5), reason: 'provider:PAID', source: 'webhook:komerce', event: { provider: 'komerce', eventId: evId, payload: '{}' } });
    assert.equal((await b.lookupEvent('komerce', evId, { reference: p.reference })).seen, true);
    // Lookups made together (one read for all of them) each get their own answer, in any mix.
    const together = await Promise.all([
      b.lookupEvent('komerce', evId, { reference: p.reference }),
      b.lookupEvent('komerce', `evt-other-${other.id}`, { reference: other.reference }),
      b.lookupEvent('komerce', `evt-nobody-${other.id}`, { reference: 'REF-nobody' }),
      b.lookupEvent('komerce', `evt-pref-${other.id}`, { providerRef: `PREF-${other.id}` }),
    ]);
    assert.deepEqual(together, [
      { seen: true, payment: null },
      { seen: false, payment: (await a.getPayment(other.id))! },
      { seen: false, payment: null },
      { seen: false, payment: (await a.getPayment(other.id))! },
    ]);
  });

  it('the webhook hot path (lookup, guarded write) reaches rows by key only, even with plans made on near-empty tables', async () => {
    // A database of its own, with a handful of payments: tables this small are where a plan made from the
    // statistics (PostgreSQL's default, planned again on every call) reads a table whole, and a plan cached
    // then would go on doing so as the ledger grows.
    const own = await avail.server!.freshDatabase();
    const setup = new PostgresStore(own.url);
    const admin = new pg.Client({ connectionString: own.url });
    const hot = new PostgresStore(own.url);
    try {
      await setup.migrate();
      const ps: NewPayment[] = [];
      for (let i = 0; i < 6; i++) {
        const p = newPayment();
        await setup.insertPayment(p);
        await setup.attachProviderResult(p.id, {
          provider: p.provider, reference: p.reference, attempt: 1, providerRef: `PREF-${p.id}`, expiresAt: p.expiresAt,
          instructions: { va: { bank: 'bca', number: '123' } }, at: at(), notify: true,
        });
        ps.push(p);
      }
      await setup.close();
      await admin.connect();
      // A backend's table statistics are published when it ends: wait for the stores' backends to be gone.
      const settled = async () => {
        await until(
          async () => (await admin.query('SELECT COUNT(*)::int AS c FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows[0].c === 0,
          'the stores\' connections to end',
        );
        await admin.query('SELECT pg_stat_clear_snapshot()');
        const r = await admin.query(
          "SELECT relname, seq_scan::int AS seq_scan FROM pg_stat_user_tables WHERE relname IN ('payments', 'provider_events', 'payment_history', 'outbox') ORDER BY relname",
        );
        return r.rows as Array<{ relname: string; seq_scan: number }>;
      };
      const before = await settled();
      assert.equal(before.length, 4);
      for (const [i, p] of ps.entries()) {
        const eventId = `evt-hot-${p.id}`;
        const { seen, payment } = await hot.lookupEvent('komerce', eventId, { reference: p.reference });
        assert.equal(seen, false);
        const r = await hot.transition({
          paymentId: p.id, at: at(9), source: 'webhook:komerce', notify: true, basis: payment!,
          event: { provider: 'komerce', eventId, payload: `{"i":${i}}` },
          reported: { status: 'paid', amounts: [p.amount], paidAt: at(9), providerStatus: 'PAID' },
        });
        assert.equal(r.outcome, 'applied');
        assert.equal((await hot.lookupEvent('komerce', eventId, { reference: p.reference })).seen, true);
      }
      await hot.close();
      assert.deepEqual(await settled(), before, 'no sequential scan of the ledger\'s tables while ingesting');
    } finally {
      await setup.close();
      await hot.close();
      await admin.end().catch(() => undefined);
      await avail.server!.dropDatabase(own.name);
    }
  });

  it('transition guard: different events racing to different statuses → exactly one applies', async () => {
    for (let round = 0; round < 5; round++) {
      const p = await opened();
      const targets = ['paid', 'expired', 'cancelled', 'failed'] as const;
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? a : b).transition({
            paymentId: p.id,
            to: targets[i % 4]!,
            at: at(10),
            reason: 'race',
            source: 'test',
            event: { provider: 'komerce', eventId: `race-${p.id}-${i}`, payload: '{}' },
          }),
        ),
      );
      const applied = results.filter((r) => r.outcome === 'applied');
      assert.equal(applied.length, 1, `round ${round}`);
      assert.equal(results.filter((r) => r.outcome === 'ignored').length, 39);
      const final = (await a.getPayment(p.id))!;
      assert.equal(final.status, applied[0]!.payment.status);
      assert.deepEqual((await b.history(p.id)).map((h) => h.status), ['pending', final.status]);
      if (final.status === 'paid') assert.equal(final.paidAt, at(10));
    }
  });

  it('flags are added once and a status repeat is ignored', async () => {
    const p = await opened();
    const rs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).transition({ paymentId: p.id, to: null, at: at(), reason: 'x', source: 'test', addFlags: ['amount_mismatch'] })),
    );
    assert.ok(rs.every((r) => r.outcome === 'ignored'));
    assert.deepEqual((await a.getPayment(p.id))!.flags, ['amount_mismatch']);
    assert.equal((await a.transition({ paymentId: p.id, to: 'pending', at: at(), reason: 'x', source: 'test' })).outcome, 'ignored');
  });

  it('idempotency keys: one holder at a time, replay, mismatch, takeover of a dead holder once', async () => {
    const key = `key-${Date.now()}`;
    const begins = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).beginIdempotent('test', key, 'h1', at(), at(60_000))));
    assert.equal(begins.filter((x) => x.kind === 'new').length, 1);
    assert.equal(begins.filter((x) => x.kind === 'in_progress').length, 19);
    assert.deepEqual(await a.beginIdempotent('test', key, 'h2', at(), at(60_000)), { kind: 'mismatch' });
    await b.completeIdempotent('test', key, 201, '{"ok":true}');
    assert.deepEqual(await a.beginIdempotent('test', key, 'h1', at(1), at(60_000)), { kind: 'replay', status: 201, body: '{"ok":true}' });

    const dead = `dead-${Date.now()}`;
    assert.deepEqual(await a.beginIdempotent('test', dead, 'h', at(0), at(1_000)), { kind: 'new' });
    // The holder never finished; after its lock lapses exactly one of many retries takes the key over.
    const takeovers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).beginIdempotent('test', dead, 'h', at(2_000), at(62_000))));
    assert.equal(takeovers.filter((x) => x.kind === 'new').length, 1);
    assert.ok(takeovers.every((x) => x.kind === 'new' || x.kind === 'in_progress'));

    await a.abandonIdempotent('test', dead);
    assert.deepEqual(await b.beginIdempotent('test', dead, 'other', at(3_000), at(63_000)), { kind: 'new' });
  });

  it('outbox: only the oldest undelivered notification per payment, claimed by one instance, leases lapse', async () => {
    // A clean outbox for this test, since earlier tests queued notifications too.
    await sql.query("UPDATE outbox SET delivered_at = '2000-01-01T00:00:00.000Z' WHERE delivered_at IS NULL");
    const ps = [];
    for (let i = 0; i < 5; i++) {
      const p = await opened({}, true); // "created" notification
      await a.transition({ paymentId: p.id, to: 'paid', at: at(1), reason: 'x', source: 'test', notify: true }); // "paid" notification
      ps.push(p);
    }
    assert.equal(await a.outboxBacklog(), 10);
    const now = at(10_000);
    const [ca, cb] = await Promise.all([a.claimOutbox(now, at(20_000), 50), b.claimOutbox(now, at(20_000), 50)]);
    const first = [...ca, ...cb];
    assert.equal(first.length, 5, 'one per payment');
    assert.equal(new Set(first.map((r) => r.paymentId)).size, 5);
    assert.ok(first.every((r) => JSON.parse(r.body).payment.status === 'pending' && r.attempts === 1));
    assert.deepEqual(await a.claimOutbox(at(11_000), at(21_000), 50), [], 'leased rows and rows behind them are not handed out');

    for (const r of first) await (r.id % 2 ? a : b).markDelivered(r.id, at(12_000));
    const second = await b.claimOutbox(at(13_000), at(14_000), 50);
    assert.equal(second.length, 5);
    assert.ok(second.every((r) => JSON.parse(r.body).payment.status === 'paid'));
    assert.deepEqual(second.map((r) => r.id), [...second.map((r) => r.id)].sort((x, y) => x - y), 'oldest first');

    // The claimer "died": once the lease lapses another instance gets the same rows, attempts counting both.
    const retaken = await a.claimOutbox(at(15_000), at(16_000), 50);
    assert.deepEqual(retaken.map((r) => r.id).sort(), second.map((r) => r.id).sort());
    assert.ok(retaken.every((r) => r.attempts === 2));

    await a.markDeliveryFailed(retaken[0]!.id, at(60_000), 'HTTP 503');
    const later = await b.claimOutbox(at(17_000), at(18_000), 50);
    assert.ok(!later.some((r) => r.id === retaken[0]!.id), 'a failed row waits for its next attempt');
    assert.ok((await a.claimOutbox(at(61_000), at(62_000), 50)).some((r) => r.id === retaken[0]!.id));
    await sql.query("UPDATE outbox SET delivered_at = '2000-01-01T00:00:00.000Z' WHERE delivered_at IS NULL");
    assert.equal(await b.outboxBacklog(), 0);
  });

  it('outbox: four workers draining 200 notifications concurrently claim each exactly once', async () => {
    await sql.query("UPDATE outbox SET delivered_at = '2000-01-01T00:00:00.000Z' WHERE delivered_at IS NULL");
    await Promise.all(Array.from({ length: 200 }, () => opened({}, true)));
    const seen = new Map<number, number>();
    const worker = async (s: PostgresStore) => {
      for (;;) {
        const rows = await s.claimOutbox(at(30_000), at(90_000), 7);
        if (rows.length === 0) return;
        for (const r of rows) {
          seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
          await s.markDelivered(r.id, at(30_000));
        }
      }
    };
    await Promise.all([worker(a), worker(b), worker(a), worker(b)]);
    assert.equal(seen.size, 200);
    assert.ok([...seen.values()].every((c) => c === 1));
    assert.equal(await a.outboxBacklog(), 0);
  });

  it('refunds: concurrent refunds never add up to more than was paid', async () => {
    const p = await paid(100_000);
    const begins = await Promise.all(
      Array.from({ length: 25 }, (_, i) => (i % 2 ? a : b).beginRefund({ id: `rf_${p.id}_${i}`, paymentId: p.id, amount: 10_000, reason: 'race', at: at(2) })),
    );
    const ok = begins.filter((r) => r.ok);
    assert.equal(ok.length, 10);
    assert.ok(begins.filter((r) => !r.ok).every((r) => !r.ok && r.why === 'exceeds' && r.payment.refundedAmount === 100_000));
    assert.equal((await a.getPayment(p.id))!.refundedAmount, 100_000);

    const ids = ok.map((r) => (r.ok ? r.refund.id : ''));
    const failed = await b.finishRefund(ids[0]!, { status: 'failed', error: 'declined', at: at(3), notify: false });
    assert.equal(failed.payment.refundedAmount, 90_000, 'a failed refund releases its reservation');
    const again = await a.beginRefund({ id: `rf_${p.id}_again`, paymentId: p.id, amount: 10_000, reason: 'retry', at: at(4) });
    assert.ok(again.ok);
    const toSettle = [...ids.slice(1), `rf_${p.id}_again`];
    const done = await Promise.all(toSettle.map((id, i) => (i % 2 ? a : b).finishRefund(id, { status: 'succeeded', providerRef: `R-${id}`, at: at(5), notify: true })));
    assert.equal(done.filter((d) => d.history).length, 1, 'the refund completing the amount moves the payment, once');
    const final = (await a.getPayment(p.id))!;
    assert.equal(final.status, 'refunded');
    assert.equal(final.refundedAmount, 100_000);
    assert.deepEqual((await a.history(p.id)).map((h) => h.status), ['pending', 'paid', 'refunded']);
    const settledTwice = await b.finishRefund(ids[1]!, { status: 'failed', at: at(6), notify: false });
    assert.equal(settledTwice.refund.status, 'succeeded', 'a settled refund stays settled');
    const listed = await b.listRefunds({ paymentId: p.id });
    assert.equal(listed.length, 11);
    assert.equal(listed.filter((r) => r.status === 'succeeded').reduce((s, r) => s + r.amount, 0), 100_000);
    assert.equal((await a.beginRefund({ id: `rf_${p.id}_late`, paymentId: p.id, amount: 1, reason: 'x', at: at(7) })).ok, false);
  });

  it('reconciler: instances polling together are handed disjoint payments', async () => {
    await sql.query("UPDATE payments SET checked_at = '2999-01-01T00:00:00.000Z' WHERE status IN ('pending', 'expired')");
    const created = await Promise.all(Array.from({ length: 30 }, () => opened()));
    const before = new Date(Date.now() - 60_000).toISOString();
    const [da, db] = await Promise.all([a.duePending(before, 20), b.duePending(before, 20)]);
    const ids = [...da, ...db].map((p) => p.id);
    assert.equal(ids.length, 30);
    assert.equal(new Set(ids).size, 30);
    assert.deepEqual(new Set(ids), new Set(created.map((p) => p.id)));
    assert.deepEqual(await a.duePending(before, 20), [], 'claimed payments are not due again until the interval passes');
  });

  it('lists payments in pages with a cursor', async () => {
    const order = `ORDER-LIST-${Date.now()}`;
    for (let i = 0; i < 5; i++) await opened({ orderId: order, method: `va:b${i}`, createdAt: at(i) });
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await b.listPayments({ orderId: order, limit: 2, after });
      seen.push(...page.payments.map((p) => p.id));
      if (!page.next) break;
      after = page.next;
    }
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
    assert.equal((await a.listPayments({ orderId: order, status: 'paid', limit: 10 })).payments.length, 0);
  });
});

describe('PostgreSQL URL handling', () => {
  it('selects PostgreSQL by scheme, masks the password, takes pool_max from the URL', async () => {
    assert.equal(isPostgresUrl('postgres://u@h/db'), true);
    assert.equal(isPostgresUrl('postgresql://u@h/db'), true);
    assert.equal(isPostgresUrl('./data/bayar.db'), false);
    assert.equal(isPostgresUrl('/var/lib/postgres/bayar.db'), false);
    const masked = redactDbUrl('postgres://bayar:s3cret-pass@db.internal:5432/bayar?sslmode=disable');
    assert.ok(!masked.includes('s3cret-pass'), masked);
    assert.match(masked, /^postgres:\/\/bayar:\*\*\*@db\.internal:5432\/bayar\?sslmode=disable$/);
    assert.equal(redactDbUrl('./data/bayar.db'), './data/bayar.db');
    const s = new PostgresStore('postgres://bayar@127.0.0.1:1/bayar?pool_max=3&sslmode=disable');
    try {
      assert.equal((s.pool as unknown as { options: { max: number } }).options.max, 3);
      assert.ok(!String(s.clientConfig.connectionString).includes('pool_max'), 'not passed on to PostgreSQL');
      assert.equal(await s.ready(), false, 'not ready before migrating');
    } finally {
      await s.close();
    }
  });
});
