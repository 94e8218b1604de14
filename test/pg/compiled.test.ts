/**
 * The compiled companion (lib/server, what `npx bayar` runs) on a PostgreSQL ledger. It loads the pg driver only
 * when BAYAR_DB is a postgres:// URL (a chunk of its own, so that a SQLite companion starts without it): these
 * tests prove that chunk is shipped and works, from `migrate` to a running companion taking a payment.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { postgres } from '../helpers/pg.js';
import { COMPILED, startChild, type Child } from '../helpers/process.js';
import { api, merchantHeaders } from '../helpers/server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const avail = await postgres();

describe('the compiled companion on PostgreSQL', { skip: avail.skip }, () => {
  let dbName: string | undefined;
  let url: string;
  let child: Child | undefined;

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'lib', 'server', 'bin.js')), 'run `npm run build` first');
    ({ url, name: dbName } = await avail.server!.freshDatabase());
  });
  after(async () => {
    if (child && child.proc.exitCode === null) {
      child.proc.kill('SIGTERM');
      await child.exited;
    }
    if (dbName) await avail.server?.dropDatabase(dbName);
    await avail.server?.stop();
  });

  it('`bayar migrate` creates the schema and names the ledger without its password', async () => {
    const { stdout } = await run(process.execPath, ['lib/server/bin.js', 'migrate', '--db', url], { cwd: ROOT });
    assert.match(stdout, /schema at version \d+/);
    const password = new URL(url).password;
    if (password) assert.ok(!stdout.includes(password), stdout);
  });

  it('`bayar start` serves from the PostgreSQL ledger and records a payment in it', async () => {
    child = await startChild({ BAYAR_DB: url, LOG_LEVEL: 'warn' }, undefined, COMPILED);
    const ready = await api(child.url, 'GET', '/readyz');
    assert.equal(ready.body.store, 'postgres');
    const key = merchantHeaders(SANDBOX_CREDENTIALS.merchantKey);
    const orderId = `COMPILED-${Date.now()}`;
    const session = await api(child.url, 'POST', '/api/sessions', { orderId, amount: 125_000 }, key);
    assert.equal(session.status, 201, JSON.stringify(session.body));
    const created = await api(child.url, 'POST', '/api/payments', { session: session.body.session, method: 'va:bca' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const listed = await api(child.url, 'GET', `/api/payments?orderId=${orderId}`, undefined, key);
    assert.deepEqual(listed.body.payments.map((p: { id: string; amount: number }) => [p.id, p.amount]), [[created.body.payment.id, 125_000]]);
  });
});
