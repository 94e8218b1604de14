/**
 * Write load on a SQLite ledger from another process, as a companion under a webhook storm makes it: provider
 * events recorded through Store.transition (the webhook path: inbox row, state-machine check, one durable group
 * commit per event-loop turn), paced at `rate` per second over a few pending payments. Prints the number of
 * committed (acknowledged) writes on stdout after every commit, and "DONE <writes> <seconds>" on SIGTERM.
 *
 *   node --import tsx test/helpers/sqlite-load.ts DB_PATH RATE
 */
import { SqliteStore } from '../../server/store/sqlite.js';

const [path, rateArg] = process.argv.slice(2);
const rate = Number(rateArg ?? 2000);
const store = new SqliteStore(path!);
await store.migrate();
const payments: string[] = [];
for (let i = 0; i < 10; i++) {
  const id = `pay_load${process.pid}x${i}`;
  const now = new Date().toISOString();
  await store.insertPayment({
    id, orderId: `LOAD-${process.pid}-${i}`, method: 'va:bca', family: 'va', provider: 'komerce', amount: 10_000 + i, status: 'pending',
    reference: `LOAD${process.pid}X${i}`, attempt: 1, installment: null, customer: {}, createdAt: now, expiresAt: now,
  });
  payments.push(id);
}
let n = 0;
let stop = false;
process.on('SIGTERM', () => (stop = true));
const t0 = Date.now();
while (!stop) {
  const due = Math.floor(((Date.now() - t0) / 1000) * rate);
  const batch: Promise<unknown>[] = [];
  for (let i = n; i < due; i++) {
    const at = new Date().toISOString();
    batch.push(
      store.transition({
        paymentId: payments[i % payments.length]!, to: null, at, reason: 'load', source: 'webhook:komerce',
        event: { provider: 'komerce', eventId: `load-${process.pid}-${i}`, payload: `{"n":${i}}` },
      }),
    );
  }
  await Promise.all(batch);
  n = Math.max(n, due);
  if (batch.length) process.stdout.write(`${n}\n`);
  await new Promise((r) => setTimeout(r, 2));
}
process.stdout.write(`DONE ${n} ${(Date.now() - t0) / 1000}\n`);
await store.close();
