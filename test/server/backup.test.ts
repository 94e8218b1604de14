/**
 * Backup and restore of the SQLite ledger through the operator commands (`npm run backup|restore`), while another
 * process writes to the ledger at about 2,000 transactions a second: the copy passes integrity_check, carries a
 * checksum, and a companion started on it serves every payment acknowledged before the backup began. Restore
 * refuses a damaged backup and a live ledger without --force.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { inspectLedger } from '../../server/ops/backup.js';
import { ROOT } from '../helpers/promql.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

const key = { authorization: `Bearer ${SANDBOX_CREDENTIALS.merchantKey}` };

/** Runs an operator command as a user would; asynchronously, so this process keeps reading the load's progress. */
function ops(args: string[], db: string): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli/bin.ts'), ...args], { cwd: ROOT, env: { ...process.env, BAYAR_DB: db } });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

describe('backup and restore (SQLite)', { skip: process.env.BAYAR_TEST_STORE === 'postgres' ? 'SQLite only' : false }, () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'bayar-backup-'));
  const backupFile = join(dir, 'ledger-backup.db');
  const acknowledged = new Map<string, string>();

  before(async () => {
    s = await startTestServer({}, undefined, { background: false });
    for (let i = 0; i < 30; i++) {
      const r = await api(s.url, 'POST', '/api/payments', { orderId: `BK-${i}`, amount: 10_000 + i, method: i % 2 ? 'va:bca' : 'qris:qris', customer: { email: `c${i}@example.com` } });
      assert.equal(r.status, 201);
      let status = r.body.payment.status as string;
      if (i % 3 === 0) status = (await api(s.url, 'POST', `/api/sandbox/payments/${r.body.payment.id}/pay`)).body.payment.status;
      acknowledged.set(r.body.payment.id, status);
    }
  });
  after(async () => {
    await s.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a consistent, checksummed copy while ~2,000 writes/s hit the ledger, and a companion on the copy serves every acknowledged payment', async (t) => {
    const load = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/sqlite-load.ts'), s.dbPath, '2000'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let written = 0;
    let done = '';
    load.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        if (line.startsWith('DONE')) done = line;
        else written = Number(line);
      }
    });
    // Let the load run for a while first, so the ledger is busy and a few MB large when the backup starts.
    while (written < 4000) await new Promise((r) => setTimeout(r, 20));
    const atStart = written;
    const b = await ops(['backup', '--to', backupFile], s.dbPath);
    const atEnd = written;
    load.kill('SIGTERM');
    await new Promise((r) => load.once('exit', r));
    assert.equal(b.code, 0, b.err);
    assert.match(b.out, /integrity_check ok/);
    const [, total, secs] = done.split(' ');
    t.diagnostic(`load: ${total} writes in ${secs} s (${Math.round(Number(total) / Number(secs))}/s); ${atEnd - atStart} committed while the backup command ran`);
    assert.ok(atEnd > atStart, 'the ledger was being written while the backup ran');

    const check = inspectLedger(backupFile);
    assert.ok(check.ok, JSON.stringify(check));
    const copy0 = new Database(backupFile, { readonly: true });
    const events = (copy0.prepare("SELECT COUNT(*) AS c FROM provider_events WHERE event_id LIKE 'load-%'").get() as { c: number }).c;
    copy0.close();
    assert.ok(events >= atStart, `backup holds ${events} load writes; ${atStart} were acknowledged before it began`);
    const sum = readFileSync(`${backupFile}.sha256`, 'utf8');
    assert.match(sum, /^[0-9a-f]{64} {2}ledger-backup\.db\n$/);
    assert.ok(!existsSync(`${backupFile}-wal`), 'one self-contained file');

    // A fresh companion restored from the backup serves every payment acknowledged before the backup began.
    const restoredDir = mkdtempSync(join(tmpdir(), 'bayar-restored-'));
    const r = await ops(['restore', '--from', backupFile], join(restoredDir, 'bayar.db'));
    assert.equal(r.code, 0, r.err);
    const copy = await startTestServer({}, restoredDir, { background: false });
    try {
      for (const [id, status] of acknowledged) {
        const got = await api(copy.url, 'GET', `/api/payments/${id}`, undefined, key);
        assert.equal(got.status, 200, id);
        assert.equal(got.body.payment.status, status, id);
      }
      assert.ok(await copy.store.hasEvent('komerce', `load-${load.pid}-${atStart - 1}`), 'the last load write acknowledged before the backup began');
      // And it keeps working: a new payment on the restored ledger.
      assert.equal((await api(copy.url, 'POST', '/api/payments', { orderId: 'AFTER-RESTORE', amount: 20_000, method: 'va:bni' })).status, 201);
    } finally {
      await copy.destroy();
    }
  });

  it('restore refuses a live ledger without --force, a damaged backup always, and replaces with --force', async () => {
    const before = inspectLedger(s.dbPath);
    assert.ok(before.ok);
    const refused = await ops(['restore', '--from', backupFile], s.dbPath);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /live ledger with \d+ payments; stop the companion and pass --force/);

    const damaged = join(dir, 'damaged.db');
    copyFileSync(backupFile, damaged);
    copyFileSync(`${backupFile}.sha256`, `${damaged}.sha256`);
    const bytes = readFileSync(damaged);
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(damaged, bytes);
    const target = join(mkdtempSync(join(tmpdir(), 'bayar-target-')), 'bayar.db');
    const bad = await ops(['restore', '--from', damaged, '--force'], target);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /checksum mismatch/);
    assert.ok(!existsSync(target), 'nothing restored');

    // A backup that is not a ledger at all, with a matching checksum: integrity/schema checks refuse it.
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not a database');
    const sha = spawnSync('sha256sum', [junk], { encoding: 'utf8' }).stdout.split(' ')[0];
    writeFileSync(`${junk}.sha256`, `${sha}  junk.db\n`);
    const notLedger = await ops(['restore', '--from', junk], target);
    assert.equal(notLedger.code, 1);
    assert.match(notLedger.err, /does not check out/);

    // Wrong arguments are told apart from refusals.
    assert.equal((await ops(['restore'], target)).code, 2);
    assert.equal((await ops(['backup', '--to', backupFile, '--what'], s.dbPath)).code, 2);

    // --force replaces the stopped ledger with the backup.
    await s.stop();
    const forced = await ops(['restore', '--from', backupFile, '--force'], s.dbPath);
    assert.equal(forced.code, 0, forced.err);
    assert.match(forced.out, /replaced a ledger that held \d+ payments/);
    const restored = inspectLedger(s.dbPath);
    const expected = inspectLedger(backupFile);
    assert.ok(restored.ok && expected.ok);
    assert.equal(restored.payments, expected.payments);
  });
});
