/**
 * Ledger seeding straight into the SQLite file, before the companion opens it: going through the API would
 * take longer than the whole time budget for a million rows. The schema is the companion's own (its migrations
 * run first); rows look like the companion's (random ids, hashed references, JSON columns, one history row per
 * status). Seeding runs with synchronous=OFF in big transactions; the companion reopens the file with its own
 * durable settings.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Payment } from '../../server/api-types.js';
import { providerReference } from '../../server/domain/payments.js';
import { SqliteStore } from '../../server/store/sqlite.js';

export async function createLedger(path: string) {
  const store = new SqliteStore(path);
  await store.migrate();
  await store.close();
}

/** Seeding owns the file (no companion has it open): no journal, no fsync. */
function open(path: string) {
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('cache_size = -262144');
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

const ids = (n: number) => {
  const raw = randomBytes(18 * n);
  return Array.from({ length: n }, (_, i) => `pay_${raw.subarray(i * 18, (i + 1) * 18).toString('base64url')}`).sort();
};

const MIX = [
  { method: 'va:bca', family: 'va', provider: 'komerce', instructions: (i: number) => ({ va: { bank: 'BCA', number: `1234${String(i).padStart(10, '0')}` } }) },
  { method: 'qris:qris', family: 'qris', provider: 'xendit', instructions: (i: number) => ({ qris: { qrString: `00020101021226660014ID.CO.QRIS.WWW${String(i).padStart(12, '0')}5303360` } }) },
  { method: 'ewallet:ovo', family: 'ewallet', provider: 'xendit', instructions: (i: number) => ({ redirectUrl: `https://checkout.example/ovo/${i}` }) },
  { method: 'cstore:alfamart', family: 'cstore', provider: 'midtrans', instructions: (i: number) => ({ cstore: { store: 'alfamart', paymentCode: String(i).padStart(12, '0') } }) },
] as const;

const PAYMENT_SQL = `INSERT INTO payments (id, order_id, method, family, provider, amount, status, reference, attempt, provider_ref, instructions,
  customer, flags, created_at, updated_at, expires_at, paid_at, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, '[]', ?, ?, ?, ?, ?)`;
const HISTORY_SQL = 'INSERT INTO payment_history (payment_id, status, reason, source, snapshot, at) VALUES (?, ?, ?, ?, ?, ?)';

/**
 * Adds closed payments number `from`..`to-1` (75 % paid, 20 % expired, 5 % cancelled), each with its "created"
 * and final history rows. No pending ones: a real ledger's pending set is bounded by the payment TTL, not by
 * its size. Returns every `sampleEvery`-th id, for status reads spread over the whole ledger.
 */
export function seedClosed(path: string, from: number, to: number, sampleEvery: number): string[] {
  const db = open(path);
  const insP = db.prepare(PAYMENT_SQL);
  const insH = db.prepare(HISTORY_SQL);
  const sample: string[] = [];
  const day = 86_400_000;
  // Payments 30 s apart, the newest about now; the same clock for every batch keeps created_at increasing.
  const start = Date.UTC(2025, 0, 1);
  const BATCH = 50_000;
  withoutIndexes(db, () => {
  for (let b = from; b < to; b += BATCH) {
    const n = Math.min(BATCH, to - b);
    const batchIds = ids(n);
    db.transaction(() => {
      for (let k = 0; k < n; k++) {
        const i = b + k;
        const id = batchIds[k]!;
        const m = MIX[i % MIX.length]!;
        const r = i % 100;
        const status = r < 75 ? 'paid' : r < 95 ? 'expired' : 'cancelled';
        const created = start + i * 30_000;
        const createdAt = new Date(created).toISOString();
        const closedAt = new Date(created + (status === 'expired' ? day : 90_000)).toISOString();
        const expiresAt = new Date(created + day).toISOString();
        const amount = 10_000 + (i % 997) * 1_000;
        const reference = providerReference(id, 1);
        const instructions = m.instructions(i);
        const pub: Payment = { id, orderId: `ORD-${i}`, method: m.method, family: m.family, provider: m.provider, amount, currency: 'IDR', status: 'pending', createdAt, expiresAt };
        insP.run(id, `ORD-${i}`, m.method, m.family, m.provider, amount, status, reference, `${m.provider}-${reference}`, JSON.stringify(instructions),
          '{"name":"Siti","email":"siti@example.com"}', createdAt, closedAt, expiresAt, status === 'paid' ? closedAt : null, closedAt);
        insH.run(id, 'pending', 'created', `provider:${m.provider}`, JSON.stringify({ ...pub, ...instructions }), createdAt);
        const final: Payment = { ...pub, status: status as Payment['status'], ...(status === 'paid' ? { paidAt: closedAt } : {}) };
        insH.run(id, status, status === 'paid' ? 'provider:PAID' : status, status === 'cancelled' ? 'api' : `webhook:${m.provider}`, JSON.stringify(final), closedAt);
        if (i % sampleEvery === 0) sample.push(id);
      }
    })();
  }
  });
  close(db);
  return sample;
}

export interface PendingDoku {
  id: string;
  reference: string;
  amount: number;
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
  const now = new Date();
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + 86_400_000).toISOString();
  const out: PendingDoku[] = [];
  db.transaction(() => {
    ids(n).forEach((id, i) => {
      const reference = providerReference(id, 1);
      const amount = 50_000 + (i % 500) * 100;
      const instructions = { redirectUrl: `https://checkout.example/doku/${reference}` };
      insP.run(id, `${tag}-${i}`, 'ewallet:dana', 'ewallet', 'doku', amount, 'pending', reference, reference, JSON.stringify(instructions), '{}', at, at, expiresAt, null, at);
      const pub: Payment = { id, orderId: `${tag}-${i}`, method: 'ewallet:dana', family: 'ewallet', provider: 'doku', amount, currency: 'IDR', status: 'pending', createdAt: at, expiresAt, ...instructions };
      insH.run(id, 'pending', 'created', 'provider:doku', JSON.stringify(pub), at);
      out.push({ id, reference, amount });
    });
  })();
  close(db);
  return out;
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
