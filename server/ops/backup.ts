/**
 * Backup and restore of a SQLite ledger, for `bayar backup|restore` and `npm run backup|restore`.
 *
 * Backup: SQLite's online backup API (better-sqlite3 `db.backup()`), never a file copy: the companion keeps
 * writing meanwhile and the copy is one consistent snapshot — every transaction committed before the copy began
 * is in it, none half. It is written to a temporary file beside the target, checked (`PRAGMA integrity_check`),
 * switched to a single file (no -wal beside it), checksummed (SHA-256, written as `FILE.sha256` in sha256sum's
 * format) and only then renamed into place, so a file named FILE is always a complete, checked backup.
 *
 * Restore: checks the backup (checksum, integrity, a Bayar schema) before touching anything, refuses to replace a
 * ledger that holds payments unless forced, and copies it in with the same backup API, so a companion that still
 * has the old ledger open sees a whole database change, never a torn file.
 *
 * PostgreSQL ledgers are backed up with PostgreSQL's own tools (pg_dump, base backups and WAL archiving for
 * point-in-time recovery): docs/operations.md gives the recipe.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../store/migrations.js';
import { isPostgresUrl } from '../store/db-url.js';

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface BackupResult {
  file: string;
  bytes: number;
  sha256: string;
  payments: number;
  schemaVersion: number;
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const checksumFile = (file: string) => `${file}.sha256`;

function noPostgres(dbPath: string, what: string) {
  if (isPostgresUrl(dbPath)) {
    throw new BackupError(`BAYAR_DB is a PostgreSQL database: ${what} it with pg_dump/pg_restore (or your provider's point-in-time recovery); see docs/operations.md#postgresql.`);
  }
}

/** Integrity, schema and payment count of a ledger file, opened read-only. */
export function inspectLedger(file: string): { ok: true; payments: number; schemaVersion: number } | { ok: false; problem: string } {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    return { ok: false, problem: `cannot open ${file} as SQLite: ${(err as Error).message}` };
  }
  try {
    const integrity = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    if (integrity.length !== 1 || integrity[0]!.integrity_check !== 'ok') {
      return { ok: false, problem: `integrity_check failed: ${integrity.map((r) => r.integrity_check).slice(0, 5).join('; ')}` };
    }
    const hasSchema = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    if (!hasSchema) return { ok: false, problem: `${file} is not a Bayar ledger (no schema_migrations table)` };
    const v = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    const payments = (db.prepare('SELECT COUNT(*) AS c FROM payments').get() as { c: number }).c;
    return { ok: true, payments, schemaVersion: v };
  } catch (err) {
    return { ok: false, problem: `${file} cannot be read as a Bayar ledger: ${(err as Error).message}` };
  } finally {
    db.close();
  }
}

/** A consistent online copy of the ledger at `dbPath` into `to`, checked and checksummed. */
export async function backupSqlite(dbPath: string, to: string): Promise<BackupResult> {
  noPostgres(dbPath, 'back');
  const source = resolve(dbPath);
  const target = resolve(to);
  if (!existsSync(source)) throw new BackupError(`no ledger at ${source} (BAYAR_DB)`);
  if (source === target) throw new BackupError('the backup file must not be the ledger itself');
  if (!existsSync(dirname(target))) throw new BackupError(`directory ${dirname(target)} does not exist`);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  rmSync(tmp, { force: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // All remaining pages in one step: one read transaction, so writers (WAL mode) go on and the copy never
    // restarts because another connection wrote to the ledger between steps.
    await db.backup(tmp, { progress: () => 0x7fffffff });
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new BackupError(`backup failed: ${(err as Error).message}`);
  } finally {
    db.close();
  }
  try {
    const copy = new Database(tmp);
    // One self-contained file: no -wal or -shm needed beside it.
    copy.pragma('journal_mode = DELETE');
    copy.close();
    const check = inspectLedger(tmp);
    if (!check.ok) throw new BackupError(`the copy does not check out: ${check.problem}`);
    const sha256 = await sha256File(tmp);
    renameSync(tmp, target);
    writeFileSync(checksumFile(target), `${sha256}  ${basename(target)}\n`);
    return { file: target, bytes: statSync(target).size, sha256, payments: check.payments, schemaVersion: check.schemaVersion };
  } finally {
    rmSync(tmp, { force: true });
  }
}

export interface RestoreResult {
  file: string;
  into: string;
  sha256: string;
  payments: number;
  replaced: { payments: number } | null;
}

/**
 * Restores `from` into the ledger at `dbPath` after checking it. Refuses (BackupError) when the backup does not
 * check out, or when the target already holds payments and `force` is not set.
 */
export async function restoreSqlite(from: string, dbPath: string, o: { force?: boolean } = {}): Promise<RestoreResult> {
  noPostgres(dbPath, 'restore');
  const source = resolve(from);
  const target = resolve(dbPath);
  if (!existsSync(source)) throw new BackupError(`no backup at ${source}`);
  if (source === target) throw new BackupError('the backup file is the ledger itself');
  const sha256 = await sha256File(source);
  if (existsSync(checksumFile(source))) {
    const expected = readFileSync(checksumFile(source), 'utf8').trim().split(/\s+/)[0];
    if (expected !== sha256) throw new BackupError(`checksum mismatch: ${basename(source)} is ${sha256}, ${basename(checksumFile(source))} says ${expected}; the backup is damaged`);
  } else if (!o.force) {
    throw new BackupError(`no ${basename(checksumFile(source))} beside the backup to verify it against; pass --force to restore it unverified`);
  }
  const check = inspectLedger(source);
  if (!check.ok) throw new BackupError(`the backup does not check out, nothing was restored: ${check.problem}`);
  const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
  if (check.schemaVersion > latest) throw new BackupError(`the backup has schema version ${check.schemaVersion}, newer than this release knows (${latest}); restore it with the release that made it`);

  let replaced: RestoreResult['replaced'] = null;
  if (existsSync(target)) {
    const current = inspectLedger(target);
    const payments = current.ok ? current.payments : -1;
    if (payments !== 0 && !o.force) {
      throw new BackupError(
        current.ok
          ? `${target} is a live ledger with ${payments} payments; stop the companion and pass --force to replace it`
          : `${target} exists and cannot be read (${current.problem}); pass --force to replace it`,
      );
    }
    replaced = { payments: Math.max(0, payments) };
  }
  const src = new Database(source, { readonly: true, fileMustExist: true });
  try {
    // Through the backup API into the target's own database: its journal, its locks, whole or not at all.
    await src.backup(target, { progress: () => 0x7fffffff });
  } finally {
    src.close();
  }
  const after = inspectLedger(target);
  if (!after.ok) throw new BackupError(`restored ledger does not check out: ${after.problem}`);
  return { file: source, into: target, sha256, payments: after.payments, replaced };
}
