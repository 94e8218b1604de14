/**
 * The PostgreSQL backup recipe of docs/operations.md, run for real: pg_dump of a ledger a companion is using,
 * pg_restore into a new database, and a companion on the restored copy serves every payment, refund and history
 * entry, and carries on (new payments, live-status ids continuing after the restored ones).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS, sandboxConfig } from '../../server/config.js';
import { start, type Running } from '../../server/main.js';
import { findBinDir, postgres } from '../helpers/pg.js';
import { api, merchantHeaders } from '../helpers/server.js';

const avail = await postgres();
const bin = findBinDir();
const tool = (name: string) => (bin && existsSync(join(bin, name)) ? join(bin, name) : name);
const skip = avail.skip ?? (spawnSync(tool('pg_dump'), ['--version']).status === 0 ? false : 'pg_dump not found');
const key = merchantHeaders(SANDBOX_CREDENTIALS.merchantKey);

describe('PostgreSQL: pg_dump / pg_restore of a live ledger', { skip }, () => {
  const dbs: string[] = [];
  let A: Running;
  let B: Running | undefined;
  let sourceUrl = '';
  const dir = mkdtempSync(join(tmpdir(), 'bayar-pgdump-'));
  const seen = new Map<string, { status: string; refunded: number; history: string[] }>();

  before(async () => {
    const a = await avail.server!.freshDatabase('bayar_dump');
    dbs.push(a.name);
    sourceUrl = a.url;
    A = await start(sandboxConfig({ port: 0, host: '127.0.0.1', dbPath: a.url }), { background: false });
    for (let i = 0; i < 12; i++) {
      const r = await api(A.url, 'POST', '/api/payments', { orderId: `DUMP-${i}`, amount: 50_000 + i * 1000, method: i === 0 ? 'ewallet:gopay' : i % 2 ? 'va:bca' : 'qris:qris', customer: { name: `C${i}` } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id = r.body.payment.id as string;
      if (i % 3 === 0) assert.equal((await api(A.url, 'POST', `/api/sandbox/payments/${id}/pay`)).body.payment.status, 'paid');
      if (i === 0) {
        const rf = await api(A.url, 'POST', `/api/payments/${id}/refund`, { amount: 10_000, reason: 'one item out of stock' }, key);
        assert.equal(rf.status, 201, JSON.stringify(rf.body));
      }
      seen.set(id, { status: '', refunded: 0, history: [] });
    }
    for (const id of seen.keys()) {
      const p = (await A.store.getPayment(id))!;
      seen.set(id, { status: p.status, refunded: p.refundedAmount, history: (await A.store.history(id)).map((h) => `${h.seq}:${h.status}`) });
    }
  });
  after(async () => {
    await B?.stop();
    await A?.stop();
    for (const d of dbs) await avail.server?.dropDatabase(d);
    rmSync(dir, { recursive: true, force: true });
    await avail.server?.stop();
  });

  it('a companion on the restored copy serves everything the original held, and carries on', async () => {
    const file = join(dir, 'bayar.dump');
    // Online, while the companion A still has the ledger open, as the recipe says.
    const dump = spawnSync(tool('pg_dump'), ['--format=custom', `--file=${file}`, sourceUrl], { encoding: 'utf8' });
    assert.equal(dump.status, 0, dump.stderr);
    const list = spawnSync(tool('pg_restore'), ['--list', file], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /TABLE DATA public payments/);

    const b = await avail.server!.freshDatabase('bayar_restored');
    dbs.push(b.name);
    const restore = spawnSync(tool('pg_restore'), ['--no-owner', `--dbname=${b.url}`, file], { encoding: 'utf8' });
    assert.equal(restore.status, 0, restore.stderr);

    B = await start(sandboxConfig({ port: 0, host: '127.0.0.1', dbPath: b.url }), { background: false });
    assert.equal((await api(B.url, 'GET', '/readyz')).status, 200);
    for (const [id, want] of seen) {
      const r: { status: number; body: { payment: { status: string; refundedAmount?: number } } } = await api(B.url, 'GET', `/api/payments/${id}`, undefined, key);
      assert.equal(r.status, 200, id);
      assert.equal(r.body.payment.status, want.status, id);
      assert.equal(r.body.payment.refundedAmount ?? 0, want.refunded, id);
      assert.deepEqual((await B.store.history(id)).map((h) => `${h.seq}:${h.status}`), want.history, id);
    }
    assert.equal((await B.store.listRefunds({})).length, 1);

    // It carries on: a new payment, paid, with history seqs after every restored one (identity sequences restored).
    const maxSeq = Math.max(...[...seen.values()].flatMap((v) => v.history.map((h) => Number(h.split(':')[0]))));
    const n = await api(B.url, 'POST', '/api/payments', { orderId: 'AFTER-RESTORE', amount: 77_000, method: 'va:bni' });
    assert.equal(n.status, 201, JSON.stringify(n.body));
    assert.equal((await api(B.url, 'POST', `/api/sandbox/payments/${n.body.payment.id}/pay`)).body.payment.status, 'paid');
    const h = await B.store.history(n.body.payment.id);
    assert.ok(h.every((x) => x.seq > maxSeq), `new seqs ${h.map((x) => x.seq)} after ${maxSeq}`);
  });
});
