/**
 * Migration 12 (an order is paid once) on a ledger a concurrent race may already have left with two plainly paid
 * payments of one order: the later one is flagged duplicate_payment, and from then on the ledger refuses a second
 * plain "paid" for an order, whatever the application decided.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../server/store/migrations.js';
import { SqliteStore } from '../../server/store/sqlite.js';
import type { NewPayment } from '../../server/store/types.js';

const at = (ms = 0) => new Date(Date.parse('2030-01-01T00:00:00.000Z') + ms).toISOString();
const payment = (id: string, orderId: string, method: string): NewPayment => ({
  id, orderId, method, family: 'va', provider: 'komerce', amount: 150_000, status: 'pending', reference: `REF-${id}`,
  attempt: 1, installment: null, customer: { name: 'Siti' }, createdAt: at(), expiresAt: at(86_400_000),
});

it('migration 12 flags the later of two plainly paid payments of one order, then refuses a second plain "paid"', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bayar-paid-once-'));
  try {
    const path = join(dir, 'ledger.db');
    const store = new SqliteStore(path);
    await store.migrate();
    for (const [id, order, method] of [['p1', 'O-1', 'va:bca'], ['p2', 'O-1', 'va:bni'], ['p3', 'O-2', 'va:bca'], ['p4', 'O-3', 'va:bca'], ['p5', 'O-3', 'va:bni']] as const) {
      await store.insertPayment(payment(id, order, method));
    }
    await store.close();

    // The ledger as it stood before migration 12, with what a race could have left in it.
    const db = new Database(path);
    db.exec('DROP INDEX payments_paid_once');
    const pay = db.prepare("UPDATE payments SET status = ?, paid_at = ?, flags = ? WHERE id = ?");
    pay.run('paid', at(2_000), '[]', 'p1');
    pay.run('refunded', at(1_000), '["external_refund"]', 'p2'); // paid first, refunded since: the older one
    pay.run('paid', at(3_000), '[]', 'p3'); // alone in its order
    pay.run('paid', at(4_000), '[]', 'p4');
    pay.run('paid', at(5_000), '["duplicate_payment"]', 'p5'); // already flagged
    db.exec(MIGRATIONS.find((m) => m.version === 12)!.sqlite);

    const flags = Object.fromEntries(db.prepare('SELECT id, flags FROM payments ORDER BY id').all().map((r) => [(r as { id: string }).id, JSON.parse((r as { flags: string }).flags)]));
    assert.deepEqual(flags, {
      p1: ['duplicate_payment'],
      p2: ['external_refund'],
      p3: [],
      p4: [],
      p5: ['duplicate_payment'],
    });
    db.prepare("INSERT INTO payments (id, order_id, method, family, provider, amount, status, reference, attempt, created_at, expires_at, updated_at, flags) VALUES ('p6', 'O-2', 'va:bri', 'va', 'komerce', 150000, 'pending', 'REF-p6', 1, ?, ?, ?, '[]')").run(at(), at(9), at());
    assert.throws(() => pay.run('paid', at(6_000), '[]', 'p6'), /UNIQUE constraint failed/);
    pay.run('paid', at(6_000), '["duplicate_payment"]', 'p6');
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
