/**
 * Two companion instances on one PostgreSQL database, as behind a load balancer without sticky sessions. Both
 * talk to the same provider (A's built-in emulators: B is configured with A's emulator URLs, as two real
 * instances share the real provider), so a provider callback may land on either.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PROVIDER_IDS } from '../../server/api-types.js';
import { SANDBOX_CREDENTIALS, parseRoutes, sandboxConfig, type Config } from '../../server/config.js';
import type { HttpRequest } from '../../server/lib/http.js';
import { start, type Running } from '../../server/main.js';
import { postgres } from '../helpers/pg.js';
import { TapClient, api, merchantHeaders, openSse } from '../helpers/server.js';
import { merchantBackend, until } from './support.js';

/** The merchant key opens every payment (these tests read as the merchant's backend would). */
const MK = merchantHeaders(SANDBOX_CREDENTIALS.merchantKey);

const avail = await postgres();
const routes = parseRoutes('va=komerce;qris=xendit;ewallet=xendit;cstore=doku;paylater=indodana', []);
const notifier = { intervalMs: 50, baseDelayMs: 20, maxDelayMs: 200 };

describe('two instances, one PostgreSQL ledger', { skip: avail.skip }, () => {
  let dbName: string | undefined;
  let url: string;
  let A: Running;
  let B: Running;
  let backend: Awaited<ReturnType<typeof merchantBackend>>;
  let sql: pg.Client;
  const tapA = new TapClient();

  before(async () => {
    const fresh = await avail.server!.freshDatabase();
    ({ url, name: dbName } = fresh);
    backend = await merchantBackend();
    const base: Partial<Config> = { port: 0, host: '127.0.0.1', dbPath: url, notifyUrl: `${backend.url}/hook`, routes };
    A = await start(sandboxConfig(base), { http: tapA, notifierOptions: notifier });
    const cfgB = sandboxConfig(base);
    for (const id of PROVIDER_IDS) cfgB.providers[id] = { ...cfgB.providers[id]!, baseUrl: `${A.url}/emulators/${id}` } as never;
    B = await start(cfgB, { notifierOptions: notifier });
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  });
  after(async () => {
    await sql?.end();
    await B?.stop();
    await A?.stop();
    await backend?.close();
    if (dbName) await avail.server?.dropDatabase(dbName);
    await avail.server?.stop();
  });

  it('both use the PostgreSQL store', async () => {
    assert.equal(A.store.kind, 'postgres');
    assert.equal(B.store.kind, 'postgres');
    assert.equal((await api(B.url, 'GET', '/readyz')).body.store, 'postgres');
  });

  it('500 copies of one provider callback spread over both → one transition, one merchant notification', { timeout: 60_000 }, async () => {
    const created = await api(A.url, 'POST', '/api/payments', { orderId: 'PG-DUP-1', amount: 125_000, method: 'cstore:alfamart' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.payment.id;
    assert.equal(created.body.payment.provider, 'doku', 'Doku: its callbacks are applied without a status call, the hardest race');

    let held: HttpRequest | undefined;
    tapA.intercept = (req) => (req.url.endsWith('/webhooks/doku') && !held ? ((held = req), { status: 200, headers: {}, body: '{}' }) : undefined);
    await api(A.url, 'POST', `/api/sandbox/payments/${id}/pay`);
    tapA.intercept = null;
    assert.ok(held, 'the emulator produced a signed callback');
    assert.equal((await api(B.url, 'GET', `/api/payments/${id}`, undefined, MK)).body.payment.status, 'pending');

    const path = new URL(held.url).pathname;
    const responses = await Promise.all(
      Array.from({ length: 500 }, (_, i) => fetch(`${i % 2 ? A.url : B.url}${path}`, { method: 'POST', headers: held!.headers, body: held!.body })),
    );
    const statuses = responses.map((r) => r.status);
    assert.deepEqual(new Set(statuses), new Set([200]), `statuses: ${[...new Set(statuses)]}`);
    await Promise.all(responses.map((r) => r.arrayBuffer()));

    assert.deepEqual((await B.store.history(id)).map((h) => h.status), ['pending', 'paid']);
    const events = await sql.query('SELECT outcome FROM provider_events WHERE payment_id = $1', [id]);
    assert.deepEqual(events.rows, [{ outcome: 'applied' }]);

    await until(async () => (await A.store.outboxBacklog()) === 0 && backend.received.some((n) => n.paymentId === id && n.status === 'paid'), 'notifications delivered');
    const mine = backend.received.filter((n) => n.paymentId === id);
    assert.deepEqual(mine.map((n) => n.status), ['pending', 'paid'], 'one notification per change, in order');
  });

  it('SSE on one instance sees what the other received; Last-Event-ID resumes exactly on either', { timeout: 60_000 }, async () => {
    const created = await api(A.url, 'POST', '/api/payments', { orderId: 'PG-SSE-1', amount: 80_000, method: 'ewallet:dana' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.payment.id;
    assert.equal(created.body.payment.provider, 'xendit');

    const onB = openSse(`${B.url}/api/payments/${id}/events`, MK);
    try {
      await onB.until((m) => m.length === 1);
      assert.equal(JSON.parse(onB.messages[0]!.data).payment.status, 'pending');

      // The provider's callback reaches A; the widget's stream is held by B.
      const paid = await api(A.url, 'POST', `/api/sandbox/payments/${id}/pay`);
      assert.equal(paid.body.payment.status, 'paid', JSON.stringify(paid.body));
      await onB.until((m) => m.some((x) => JSON.parse(x.data).payment.status === 'paid'));

      // And the other way round: a full refund through B's merchant API, watched on A.
      const onA = openSse(`${A.url}/api/payments/${id}/events`, MK);
      try {
        await onA.until((m) => m.length === 1);
        const refund = await api(B.url, 'POST', `/api/payments/${id}/refund`, { amount: 80_000, reason: 'customer request' }, merchantHeaders(SANDBOX_CREDENTIALS.merchantKey));
        assert.equal(refund.status, 201, JSON.stringify(refund.body));
        await onA.until((m) => m.some((x) => JSON.parse(x.data).payment.status === 'refunded'));
        await onB.until((m) => m.some((x) => JSON.parse(x.data).payment.status === 'refunded'));
        assert.deepEqual(onA.messages.map((x) => JSON.parse(x.data).payment.status), ['paid', 'refunded']);
      } finally {
        await onA.close();
      }
    } finally {
      await onB.close();
    }

    const ledger = await A.store.history(id);
    assert.deepEqual(ledger.map((h) => h.status), ['pending', 'paid', 'refunded']);
    const ids = ledger.map((h) => String(h.seq));
    assert.deepEqual(onB.messages.map((m) => m.id), ids, 'B streamed every change once, with ledger seqs as ids');
    assert.deepEqual(onB.messages.map((m) => JSON.parse(m.data).payment.status), ['pending', 'paid', 'refunded']);

    // A client that saw only the first event reconnects to the other instance.
    const resumeA = openSse(`${A.url}/api/payments/${id}/events`, { ...MK, 'last-event-id': ids[0]! });
    const resumeB = openSse(`${B.url}/api/payments/${id}/events`, { ...MK, 'last-event-id': ids[1]! });
    try {
      await resumeA.until((m) => m.some((x) => JSON.parse(x.data).payment.status === 'refunded'));
      await resumeB.until((m) => m.some((x) => JSON.parse(x.data).payment.status === 'refunded'));
      assert.deepEqual(resumeA.messages.map((m) => m.id), ids.slice(1));
      assert.deepEqual(resumeB.messages.map((m) => m.id), ids.slice(2));
    } finally {
      await resumeA.close();
      await resumeB.close();
    }
  });

  it('a payment created on one instance is served, cancelled and listed by the other', async () => {
    const created = await api(B.url, 'POST', '/api/payments', { orderId: 'PG-X-1', amount: 40_000, method: 'va:bca' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.payment.id;
    const again = await api(A.url, 'POST', '/api/payments', { orderId: 'PG-X-1', amount: 40_000, method: 'va:bca' }, { 'bayar-client-secret': created.body.clientSecret });
    assert.equal(again.status, 200, 'the order already has this pending payment, whichever instance is asked');
    assert.equal(again.body.payment.id, id);
    const cancelled = await api(A.url, 'POST', `/api/payments/${id}/cancel`, undefined, { 'bayar-client-secret': again.body.clientSecret });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.payment.status, 'cancelled');
    const listed = await api(B.url, 'GET', '/api/payments?orderId=PG-X-1', undefined, merchantHeaders(SANDBOX_CREDENTIALS.merchantKey));
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(listed.body.payments.map((p: { id: string; status: string }) => [p.id, p.status]), [[id, 'cancelled']]);
  });
});
