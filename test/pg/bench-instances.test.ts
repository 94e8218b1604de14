/**
 * The flash-sale bench's two PostgreSQL instances (bench/server-child.ts, spawned as bench/lib/flash.ts spawns
 * them) carry live status between them as production instances do: a customer's stream held by one instance says
 * "paid" when the provider's notification reaches the other. The bench children once ran with an in-process bus,
 * so a stream only ever heard of notifications that happened to reach its own instance.
 */
import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { spawnServer, type ChildServer } from '../../bench/lib/children.js';
import { dokuPaidNote } from '../../bench/lib/doku.js';
import { sandboxConfig } from '../../server/config.js';
import { providerReference } from '../../server/domain/payment-service.js';
import { PostgresStore } from '../../server/store/postgres.js';
import { postgres } from '../helpers/pg.js';

const avail = await postgres();
const AMOUNT = 150_000;

describe('bench children on one PostgreSQL ledger', { skip: avail.skip }, () => {
  let dbName: string | undefined;
  const children: ChildServer[] = [];

  before(async () => {
    const fresh = await avail.server!.freshDatabase();
    dbName = fresh.name;
    const store = new PostgresStore(fresh.url);
    await store.migrate();
    await store.close();
    const cpu = { cpus: 1, serverCpu: null, clientCpus: null, taskset: false, note: '' };
    const spawn = () => spawnServer({ script: 'bench/server-child.ts', cpu, env: { BAYAR_DB: fresh.url, BAYAR_ROUTES: 'ewallet=doku' } });
    children.push(...(await Promise.all([spawn(), spawn()])));
  });
  after(async () => {
    await Promise.all(children.map((c) => c.stop()));
    if (dbName) await avail.server?.dropDatabase(dbName);
    await avail.server?.stop();
  });

  const json = async (url: string, init: RequestInit) => {
    const r = await fetch(url, init);
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('a stream held by one instance says "paid" when the notification reaches the other', async () => {
    const [holder, other] = children as [ChildServer, ChildServer];
    const s = await json(`${holder.url}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandboxConfig().merchantKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: `bench-instances-${Date.now()}`, amount: AMOUNT }),
    });
    assert.equal(s.status, 201);
    const p = await json(`${holder.url}/api/payments`, {
      method: 'POST',
      headers: { 'idempotency-key': crypto.randomUUID(), 'content-type': 'application/json' },
      body: JSON.stringify({ session: s.body.session, method: 'ewallet:dana' }),
    });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    const payment = p.body.payment as { id: string; provider: string };
    assert.equal(payment.provider, 'doku');

    let text = '';
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${holder.url}/api/payments/${payment.id}/events?client_secret=${p.body.clientSecret as string}`, { headers: { accept: 'text/event-stream' } }, resolve).on('error', reject),
    );
    assert.equal(res.statusCode, 200);
    // Read for as long as the stream is open: the paid event may well come before the webhook's answer does.
    res.on('data', (c: Buffer) => (text += c.toString('utf8')));
    const saw = (what: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => text.includes(what) && (res.off('data', onData), clearTimeout(timer), resolve());
        const onData = () => check();
        const timer = setTimeout(() => (res.off('data', onData), reject(new Error(`the stream never said ${what}; it said: ${text}`))), 15_000);
        res.on('data', onData);
        check();
      });
    await saw('"status":"pending"');

    const note = dokuPaidNote(providerReference(payment.id, 1), AMOUNT);
    const ack = await fetch(`${other.url}/webhooks/doku`, { method: 'POST', headers: note.headers, body: note.body });
    assert.equal(ack.status, 200, await ack.text());
    await saw('"status":"paid"');
    res.destroy();
  });
});
