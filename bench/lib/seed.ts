/**
 * Ledger seeding straight into the SQLite file, before the companion opens it: going through the API would
 * take longer than the whole time budget for a million rows. The schema is the companion's own (its migrations
 * run first); rows look like the companion's (random ids and references, JSON columns, one history row per
 * status). Seeding runs without journal or fsync in big transactions; the companion reopens the file with its
 * own durable settings.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Payment } from '../../server/api-types.js';
import { providerReference } from '../../server/domain/payment-service.js';
import { SqliteStore } from '../../server/store/sqlite.js';

export async function createLedger(path: string) {
  const store = new SqliteStore(path);
  await store.migrate();
  await store.close();
}

/**
 * Seeding owns the file (no companion has it open): no journal, no fsync, and no foreign-key lookups (every
 * history row is generated from the payment it belongs to).
 */
function open(path: string) {
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('cache_size = -262144');
  db.pragma('foreign_keys = OFF');
  return db;
}

/** Back to the companion's journal mode before it opens the file. */
function close(db: Database.Database) {
  db.pragma('journal_mode = WAL');
  db.close();
}

/**
 * Runs a bulk insert with the secondary indexes of the seeded tables dropped and rebuilt afterwards from their
 * own definitions: building an index from sorted data is several times faster than growing it row by row in
 * random order, and the file ends up with exactly the schema the migrations made.
 */
function withoutIndexes(db: Database.Database, fn: () => void) {
  const indexes = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('payments', 'payment_history')")
    .all() as Array<{ name: string; sql: string }>;
  for (const i of indexes) db.exec(`DROP INDEX ${i.name}`);
  try {
    fn();
  } finally {
    for (const i of indexes) db.exec(i.sql);
  }
}

/** Random payment ids like the companion's, sorted so each batch inserts into the primary key in order. */
const ids = (n: number) => {
  const raw = randomBytes(18 * n);
  return Array.from({ length: n }, (_, i) => `pay_${raw.subarray(i * 18, (i + 1) * 18).toString('base64url')}`).sort();
};

const PAYMENT_SQL = `INSERT INTO payments (id, order_id, method, family, provider, amount, status, reference, attempt, provider_ref, instructions,
  customer, flags, created_at, updated_at, expires_at, paid_at, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, '[]', ?, ?, ?, ?, ?)`;
const HISTORY_SQL = 'INSERT INTO payment_history (payment_id, status, reason, source, snapshot, at) VALUES (?, ?, ?, ?, ?, ?)';

/** Payments 30 s apart from a fixed start, so created_at keeps increasing as the ledger grows. */
const START = Date.UTC(2025, 0, 1) / 1000;
const iso = (seconds: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${START} + ${seconds}, 'unixepoch')`;

/**
 * Payment number i, generated inside SQLite (a million rows bound one by one from JavaScript take twice as long):
 * four methods in turn, 75 % paid, 20 % expired, 5 % cancelled; ids and references as random as the companion's
 * (same length, hex instead of base64url).
 */
const CLOSED_PAYMENTS_SQL = `
WITH RECURSIVE s(i) AS (SELECT CAST(:from AS INTEGER) UNION ALL SELECT i + 1 FROM s WHERE i + 1 < :to),
m(i, k, st) AS (SELECT i, i % 4, CASE WHEN i % 100 < 75 THEN 'paid' WHEN i % 100 < 95 THEN 'expired' ELSE 'cancelled' END FROM s)
INSERT INTO payments (id, order_id, method, family, provider, amount, status, reference, attempt, provider_ref, instructions,
  customer, flags, created_at, updated_at, expires_at, paid_at, checked_at)
SELECT 'pay_' || lower(hex(randomblob(12))), 'ORD-' || i,
  CASE k WHEN 0 THEN 'va:bca' WHEN 1 THEN 'qris:qris' WHEN 2 THEN 'ewallet:ovo' ELSE 'cstore:alfamart' END,
  CASE k WHEN 0 THEN 'va' WHEN 1 THEN 'qris' WHEN 2 THEN 'ewallet' ELSE 'cstore' END,
  CASE k WHEN 0 THEN 'komerce' WHEN 1 THEN 'xendit' WHEN 2 THEN 'xendit' ELSE 'midtrans' END,
  10000 + (i % 997) * 1000, st, 'BYR' || upper(hex(randomblob(12))), 1, 'ref-' || lower(hex(randomblob(10))),
  CASE k
    WHEN 0 THEN '{"va":{"bank":"BCA","number":"1234' || printf('%010d', i) || '"}}'
    WHEN 1 THEN '{"qris":{"qrString":"00020101021226660014ID.CO.QRIS.WWW' || printf('%012d', i) || '5303360"}}'
    WHEN 2 THEN '{"redirectUrl":"https://checkout.example/ovo/' || i || '"}'
    ELSE '{"cstore":{"store":"alfamart","paymentCode":"' || printf('%012d', i) || '"}}' END,
  '{"name":"Siti","email":"siti@example.com"}', '[]',
  ${iso('i * 30')},
  ${iso("i * 30 + CASE st WHEN 'expired' THEN 86400 ELSE 90 END")},
  ${iso('i * 30 + 86400')},
  CASE st WHEN 'paid' THEN ${iso('i * 30 + 90')} END,
  ${iso("i * 30 + CASE st WHEN 'expired' THEN 86400 ELSE 90 END")}
FROM m`;

const SNAPSHOT = (status: string) =>
  `json_object('id', id, 'orderId', order_id, 'method', method, 'family', family, 'provider', provider, 'amount', amount, 'currency', 'IDR',
    'status', ${status}, 'createdAt', created_at, 'expiresAt', expires_at)`;

/** The "created" and the final history row of each payment in a rowid range, as the companion writes them. */
const CLOSED_HISTORY_SQL = `
INSERT INTO payment_history (payment_id, status, reason, source, snapshot, at)
SELECT id, 'pending', 'created', 'provider:' || provider, json_patch(${SNAPSHOT("'pending'")}, instructions), created_at
FROM payments WHERE rowid > :from AND rowid <= :to;
INSERT INTO payment_history (payment_id, status, reason, source, snapshot, at)
SELECT id, status, CASE status WHEN 'paid' THEN 'provider:PAID' ELSE status END, CASE status WHEN 'cancelled' THEN 'api' ELSE 'webhook:' || provider END,
  CASE status WHEN 'paid' THEN json_set(${SNAPSHOT('status')}, '$.paidAt', paid_at) ELSE ${SNAPSHOT('status')} END, updated_at
FROM payments WHERE rowid > :from AND rowid <= :to`;

/**
 * Adds closed payments number `from`..`to-1` to a ledger holding exactly payments 0..`from-1`, each with its
 * "created" and final history rows. No pending ones: a real ledger's pending set is bounded by the payment TTL,
 * not by its size. Returns every `sampleEvery`-th payment's number and id, for status reads spread over the
 * whole ledger.
 */
export function seedClosed(path: string, from: number, to: number, sampleEvery: number): Array<[number, string]> {
  const db = open(path);
  try {
    const have = (db.prepare('SELECT COUNT(*) c FROM payments').get() as { c: number }).c;
    if (have !== from) throw new Error(`ledger holds ${have} payments, expected ${from}`);
    const insert = db.prepare(CLOSED_PAYMENTS_SQL);
    const [h1, h2] = CLOSED_HISTORY_SQL.split(';').map((sql) => db.prepare(sql));
    const BATCH = 100_000;
    withoutIndexes(db, () => {
      for (let b = from; b < to; b += BATCH) {
        const e = Math.min(b + BATCH, to);
        db.transaction(() => {
          insert.run({ from: b, to: e });
          // Payment number i is rowid i + 1: the table only ever received seeded rows, in order.
          h1!.run({ from: b, to: e });
          h2!.run({ from: b, to: e });
        })();
      }
    });
    return (db.prepare('SELECT rowid - 1 AS i, id FROM payments WHERE rowid > ? AND rowid <= ? AND (rowid - 1) % ? = 0').all(from, to, sampleEvery) as Array<{ i: number; id: string }>).map(
      (r) => [r.i, r.id] as [number, string],
    );
  } finally {
    close(db);
  }
}

export interface PendingDoku {
  id: string;
  reference: string;
  amount: number;
}

/** One seeded pending Doku payment: its columns and its "created" history snapshot, as the companion writes them. */
export interface PendingDokuRow extends PendingDoku {
  orderId: string;
  instructions: string;
  snapshot: string;
  at: string;
  expiresAt: string;
}

/** The rows both ledgers (SQLite here, PostgreSQL in postgres.ts) are seeded with. */
export function pendingDokuRows(n: number, tag: string): PendingDokuRow[] {
  const now = new Date();
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + 86_400_000).toISOString();
  return ids(n).map((id, i) => {
    const reference = providerReference(id, 1);
    const amount = 50_000 + (i % 500) * 100;
    const instructions = { redirectUrl: `https://checkout.example/doku/${reference}` };
    const orderId = `${tag}-${i}`;
    const pub: Payment = { id, orderId, method: 'ewallet:dana', family: 'ewallet', provider: 'doku', amount, currency: 'IDR', status: 'pending', createdAt: at, expiresAt, ...instructions };
    return { id, reference, amount, orderId, instructions: JSON.stringify(instructions), snapshot: JSON.stringify(pub), at, expiresAt };
  });
}

/**
 * Pending Doku e-wallet payments as the companion leaves them after a create (reference, Doku's handle,
 * hand-off URL, "created" history row), for webhook ingestion: each gets its own SUCCESS notification. They are
 * marked as just checked so the reconciler does not ask the emulator about payments it never saw.
 */
export function seedPendingDoku(path: string, n: number, tag: string): PendingDoku[] {
  const db = open(path);
  const insP = db.prepare(PAYMENT_SQL);
  const insH = db.prepare(HISTORY_SQL);
  const rows = pendingDokuRows(n, tag);
  db.transaction(() => {
    for (const r of rows) {
      insP.run(r.id, r.orderId, 'ewallet:dana', 'ewallet', 'doku', r.amount, 'pending', r.reference, r.reference, r.instructions, '{}', r.at, r.at, r.expiresAt, null, r.at);
      insH.run(r.id, 'pending', 'created', 'provider:doku', r.snapshot, r.at);
    }
  })();
  close(db);
  return rows.map(({ id, reference, amount }) => ({ id, reference, amount }));
}

/** Row counts after a phase, to check that what was acknowledged is in the ledger. */
export function countRows(path: string): { payments: number; paid: number; events: number; history: number } {
  const db = new Database(path, { readonly: true });
  try {
    const one = (sql: string) => (db.prepare(sql).get() as { c: number }).c;
    return {
      payments: one('SELECT COUNT(*) c FROM payments'),
      paid: one("SELECT COUNT(*) c FROM payments WHERE status = 'paid'"),
      events: one('SELECT COUNT(*) c FROM provider_events'),
      history: one('SELECT COUNT(*) c FROM payment_history'),
    };
  } finally {
    db.close();
  }
}
