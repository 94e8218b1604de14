/**
 * The operator commands `backup`, `restore` and `pii-erase`, as functions a command line calls with its
 * arguments (`bayar backup --to FILE`, `npm run backup -- --to FILE`; server/cli/ops.ts). They read the ledger location
 * from BAYAR_DB (default ./data/bayar.db), print what they did to `out`, and return an exit code:
 * 0 done, 1 refused or failed (the message says why), 2 bad arguments.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { systemClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { eraseCustomer } from '../domain/retention.js';
import { isPostgresUrl } from '../store/db-url.js';
import { SqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { BackupError, backupSqlite, restoreSqlite } from './backup.js';

export interface CommandIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

export const USAGE: Record<OpsCommand, string> = {
  backup: 'usage: npm run backup -- --to FILE            (BAYAR_DB: the SQLite ledger to copy)',
  restore: 'usage: npm run restore -- --from FILE [--force] (BAYAR_DB: the SQLite ledger to restore into)',
  'pii-erase': 'usage: npm run pii-erase -- --email ADDRESS | --phone NUMBER   (BAYAR_DB: SQLite file or postgres:// URL)',
};

export type OpsCommand = 'backup' | 'restore' | 'pii-erase';

const dbOf = (env: NodeJS.ProcessEnv) => env.BAYAR_DB?.trim() || './data/bayar.db';

export async function runOpsCommand(cmd: OpsCommand, argv: string[], io: CommandIo): Promise<number> {
  const options = {
    backup: { to: { type: 'string' } },
    restore: { from: { type: 'string' }, force: { type: 'boolean', default: false } },
    'pii-erase': { email: { type: 'string' }, phone: { type: 'string' } },
  } as const;
  let values: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({ args: argv, options: { ...options[cmd], help: { type: 'boolean', short: 'h' } } as ParseArgsConfig['options'], strict: true, allowPositionals: false });
    values = parsed.values as Record<string, string | boolean | undefined>;
  } catch (err) {
    io.err(`${(err as Error).message}\n${USAGE[cmd]}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE[cmd]);
    return 0;
  }
  const db = dbOf(io.env);
  try {
    if (cmd === 'backup') {
      if (typeof values.to !== 'string' || !values.to) return (io.err(USAGE.backup), 2);
      const r = await backupSqlite(db, values.to);
      io.out(`backup written: ${r.file} (${r.bytes} bytes, ${r.payments} payments, schema v${r.schemaVersion})`);
      io.out(`sha256 ${r.sha256} (in ${r.file}.sha256); integrity_check ok`);
      return 0;
    }
    if (cmd === 'restore') {
      if (typeof values.from !== 'string' || !values.from) return (io.err(USAGE.restore), 2);
      const r = await restoreSqlite(values.from, db, { force: values.force === true });
      io.out(`restored ${r.file} into ${r.into}: ${r.payments} payments, sha256 ${r.sha256} verified, integrity_check ok`);
      if (r.replaced) io.out(`replaced a ledger that held ${r.replaced.payments} payments`);
      return 0;
    }
    const email = typeof values.email === 'string' ? values.email.trim() : '';
    const phone = typeof values.phone === 'string' ? values.phone.trim() : '';
    if (!email === !phone) return (io.err(`name exactly one customer: --email or --phone\n${USAGE['pii-erase']}`), 2);
    if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) return (io.err(`not an email address: ${email}`), 2);
    if (phone && phone.replace(/\D/g, '').length < 6) return (io.err(`not a phone number: ${phone}`), 2);
    const store: Store = isPostgresUrl(db) ? new (await import('../store/postgres.js')).PostgresStore(db) : new SqliteStore(db);
    try {
      await store.migrate();
      // The erasure is logged (that it happened, how much), as the companion logs: JSON lines on stderr.
      const log = createLogger(io.env.LOG_LEVEL || 'info', [], { write: (s: string) => io.err(s.trimEnd()) });
      const r = await eraseCustomer(store, email ? { email } : { phone }, systemClock, log);
      if (r.payments === 0 && r.links === 0) {
        io.out('no payment or payment link in the ledger has this customer; nothing was erased');
        return 0;
      }
      io.out(`erased the customer's name, email and phone from ${r.payments} payment(s):`);
      for (const id of r.paymentIds) io.out(`  ${id}`);
      io.out(`and from ${r.links} payment link(s):`);
      for (const id of r.linkIds) io.out(`  ${id}`);
      io.out(`provider events changed: ${r.providerEvents}; notification bodies: ${r.notifications}; history snapshots: ${r.history}; stored API answers: ${r.idempotencyRecords}`);
      io.out('amounts, references, statuses and history are kept.');
      return 0;
    } finally {
      await store.close();
    }
  } catch (err) {
    if (err instanceof BackupError) {
      io.err(`${cmd} refused: ${err.message}`);
      return 1;
    }
    io.err(`${cmd} failed: ${(err as Error).message}`);
    return 1;
  }
}
