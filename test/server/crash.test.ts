/**
 * Crash safety: kill -9 at five random points during 500 webhook deliveries (100 Doku notifications, each
 * delivered 5 times, shuffled). Every acknowledged event is in the ledger after each crash; after all deliveries
 * (un-acknowledged ones re-sent, as providers do), every payment is paid exactly once.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { dokuHeaders, dokuNotification } from '../helpers/doku.js';
import { api } from '../helpers/server.js';
import { freePort, startChild, type Child } from '../helpers/process.js';

describe('kill -9 during a webhook storm', () => {
  it('loses no acknowledged event and applies none twice', { timeout: 180_000 }, async () => {
    const seed = Number(process.env.BAYAR_SEED ?? Date.now() % 2 ** 31);
    console.log(`crash test seed=${seed} (BAYAR_SEED=${seed} reproduces it)`);
    const rand = fc.sample(fc.integer({ min: 0, max: 2 ** 30 }), { seed, numRuns: 1000 });
    let ri = 0;
    const random = () => rand[ri++ % rand.length]! / 2 ** 30;

    const dir = mkdtempSync(join(tmpdir(), 'bayar-crash-'));
    const dbPath = join(dir, 'bayar.db');
    const env = { BAYAR_DB: dbPath, BAYAR_ROUTES: 'ewallet=doku', LOG_LEVEL: 'warn' };
    const port = await freePort();
    let child: Child = await startChild(env, port);
    try {
      const N = 100;
      const created = await Promise.all(
        Array.from({ length: N }, (_, i) => api(child.url, 'POST', '/api/payments', { orderId: `CRASH-${i}`, amount: 10_000 + i, method: 'ewallet:dana' })),
      );
      assert.ok(created.every((c) => c.status === 201));
      const db = () => new Database(dbPath, { readonly: true });
      const refs = (() => {
        const d = db();
        try {
          return d.prepare('SELECT id, reference, amount FROM payments').all() as Array<{ id: string; reference: string; amount: number }>;
        } finally {
          d.close();
        }
      })();
      const notes = refs.map((p) => ({ paymentId: p.id, requestId: randomUUID(), body: dokuNotification(p.reference, p.amount) }));
      const deliveries = notes.flatMap((n) => Array.from({ length: 5 }, () => n));
      for (let i = deliveries.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
      }
      const killAt = new Set(Array.from({ length: 5 }, () => 25 + Math.floor(random() * 450)));
      const acked = new Set<string>();
      const retry: typeof deliveries = [];

      const ackedAreDurable = () => {
        const d = db();
        try {
          const stored = new Set((d.prepare("SELECT event_id FROM provider_events WHERE provider = 'doku'").all() as Array<{ event_id: string }>).map((r) => r.event_id.replace(/^doku:/, "")));
          for (const id of acked) assert.ok(stored.has(id), `acknowledged event ${id} is in the ledger`);
        } finally {
          d.close();
        }
      };

      let next = 0;
      const lastFailure = new Map<string, string>();
      const send = async (n: (typeof deliveries)[number]) => {
        try {
          const r = await fetch(`${child.url}/webhooks/doku`, { method: 'POST', headers: dokuHeaders(n.body, n.requestId), body: n.body });
          if (r.status === 200) acked.add(n.requestId);
          else (retry.push(n), lastFailure.set(n.requestId, `${r.status} ${await r.text()}`));
        } catch (err) {
          retry.push(n);
          lastFailure.set(n.requestId, String((err as Error).cause ?? err));
        }
      };
      while (next < deliveries.length) {
        const batch = deliveries.slice(next, next + 10);
        const killHere = batch.some((_, k) => killAt.has(next + k));
        const inflight = batch.map(send);
        next += batch.length;
        if (killHere) {
          child.proc.kill('SIGKILL');
          await child.exited;
          await Promise.all(inflight);
          ackedAreDurable();
          child = await startChild(env, port);
        } else {
          await Promise.all(inflight);
        }
      }
      // Providers re-deliver what was not acknowledged.
      for (let round = 0; retry.length && round < 10; round++) {
        if (round) await new Promise((r) => setTimeout(r, 200 * round));
        await Promise.all(retry.splice(0).map(send));
      }
      assert.equal(retry.length, 0, `still refused: ${JSON.stringify(retry.map((n) => lastFailure.get(n.requestId)))}`);
      ackedAreDurable();

      const d = db();
      try {
        const statuses = d.prepare('SELECT status, COUNT(*) c FROM payments GROUP BY status').all() as Array<{ status: string; c: number }>;
        assert.deepEqual(statuses, [{ status: 'paid', c: N }]);
        const paidRows = d.prepare("SELECT payment_id, COUNT(*) c FROM payment_history WHERE status = 'paid' GROUP BY payment_id").all() as Array<{ c: number }>;
        assert.equal(paidRows.length, N);
        assert.ok(paidRows.every((r) => r.c === 1), 'each payment became paid exactly once');
        assert.equal((d.prepare("SELECT COUNT(*) c FROM provider_events WHERE provider = 'doku'").get() as { c: number }).c, N);
      } finally {
        d.close();
      }
    } finally {
      child.proc.kill('SIGKILL');
      await child.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
