/**
 * An instance dies (SIGKILL) while it holds merchant notifications it was delivering. Its claims are leases: once
 * they lapse another instance delivers them, still in order per payment, and nothing is delivered twice by the
 * survivor.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sandboxConfig } from '../../server/config.js';
import { start, type Running } from '../../server/main.js';
import { postgres } from '../helpers/pg.js';
import { api } from '../helpers/server.js';
import { merchantBackend, until } from './support.js';

const avail = await postgres();
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starts test/pg/fixtures/instance.ts as its own process; resolves with its URL once it is listening. */
async function spawnInstance(env: Record<string, string>): Promise<{ proc: ChildProcess; url: string; output: () => string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/pg/fixtures/instance.ts'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`instance exited early (${code}):\n${out}`)));
    setTimeout(() => reject(new Error(`instance did not start:\n${out}`)), 30_000).unref();
  });
  return { proc, url, output: () => out };
}

describe('an instance killed mid-delivery', { skip: avail.skip }, () => {
  let dbName: string | undefined;
  let url: string;
  let B: Running;
  let A: ChildProcess | undefined;
  let sql: pg.Client;
  // The merchant endpoint A delivers to hangs, so A is caught with every delivery in flight.
  let backend: Awaited<ReturnType<typeof merchantBackend>>;

  before(async () => {
    const fresh = await avail.server!.freshDatabase();
    ({ url, name: dbName } = fresh);
    backend = await merchantBackend((path) => path === '/a');
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  });
  after(async () => {
    if (A && A.exitCode === null && A.signalCode === null) A.kill('SIGKILL');
    await B?.stop();
    await sql?.end();
    await backend?.close();
    if (dbName) await avail.server?.dropDatabase(dbName);
    await avail.server?.stop();
  });

  it("leaves its leased notifications to another instance, which delivers them in order", { timeout: 90_000 }, async () => {
    // B writes the ledger but does not deliver yet, so the notifications are A's to claim.
    B = await start(sandboxConfig({ port: 0, host: '127.0.0.1', dbPath: url, notifyUrl: `${backend.url}/b` }), {
      background: false,
      notifierOptions: { intervalMs: 50, baseDelayMs: 20, maxDelayMs: 200 },
    });
    // Without this, a status change would still wake B's notifier (kick) although background work is off.
    await B.bayar.notifier!.stop();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await api(B.url, 'POST', '/api/payments', { orderId: `PG-KILL-${i}`, amount: 10_000 + i, method: 'va:bca' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids.push(r.body.payment.id);
    }
    for (const id of ids.slice(0, 4)) assert.equal((await api(B.url, 'POST', `/api/sandbox/payments/${id}/pay`)).body.payment.status, 'paid');
    assert.equal(await B.store.outboxBacklog(), 12);

    // A: 2 s delivery timeout → 4 s lease.
    const a = await spawnInstance({ BAYAR_DB: url, BAYAR_NOTIFY_URL: `${backend.url}/a`, BAYAR_TEST_NOTIFY_TIMEOUT_MS: '2000' });
    A = a.proc;
    await until(() => backend.held.length === 8, 'A to have all eight first notifications in flight', 20_000);
    const exited = new Promise((r) => A!.once('exit', r));
    A.kill('SIGKILL');
    await exited;

    const leased = await sql.query(
      'SELECT id, attempts FROM outbox WHERE delivered_at IS NULL AND claimed_until IS NOT NULL ORDER BY id',
    );
    assert.equal(leased.rowCount, 8, 'A died holding eight leased notifications');
    assert.ok(leased.rows.every((r) => r.attempts === 1));

    B.bayar.startBackground();
    await until(() => backend.received.filter((n) => n.path === '/b').length >= 12, 'B to deliver all twelve notifications', 45_000);
    await until(async () => (await B.store.outboxBacklog()) === 0, 'an empty outbox');

    const got = backend.received.filter((n) => n.path === '/b');
    assert.equal(got.length, 12, 'nothing delivered twice');
    for (const [i, id] of ids.entries()) {
      assert.deepEqual(got.filter((n) => n.paymentId === id).map((n) => n.status), i < 4 ? ['pending', 'paid'] : ['pending'], `payment ${i} in order`);
    }
    const retried = await sql.query('SELECT attempts FROM outbox WHERE id = ANY($1::bigint[])', [leased.rows.map((r) => r.id)]);
    assert.ok(retried.rows.every((r) => r.attempts === 2), 'each was claimed once by A and once by B');
  });
});
