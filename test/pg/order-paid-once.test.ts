/**
 * Two payments of one order paid at the same moment through two instances: each instance's transaction reads "no
 * other payment of this order is paid" before the other commits, so checks made in the application alone would let
 * both become plainly paid. The ledger itself must keep an order paid once: exactly one of them is paid unflagged,
 * the other is paid and flagged duplicate_payment (the money is real; the merchant refunds it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PostgresStore } from '../../server/store/postgres.js';
import type { NewPayment, TransitionInput } from '../../server/store/types.js';
import { postgres } from '../helpers/pg.js';

const avail = await postgres();
const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms = 0) => new Date(T0 + ms).toISOString();

describe('PostgreSQL: one order, paid once', { skip: avail.skip }, () => {
  let dbName: string | undefined;
  let a: PostgresStore;
  let b: PostgresStore;

  before(async () => {
    const fresh = await avail.server!.freshDatabase();
    dbName = fresh.name;
    a = new PostgresStore(fresh.url);
    b = new PostgresStore(fresh.url);
    await Promise.all([a.migrate(), b.migrate()]);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    if (dbName) await avail.server?.dropDatabase(dbName);
    await avail.server?.stop();
  });

  const opened = async (orderId: string, method: string, k: number) => {
    const id = `pay_once_${k}_${method.replace(':', '_')}`;
    const p: NewPayment = {
      id, orderId, method, family: 'va', provider: 'komerce', amount: 150_000, status: 'pending', reference: `REF-${id}`,
      attempt: 1, installment: null, customer: { name: 'Siti' }, createdAt: at(), expiresAt: at(86_400_000),
    };
    await a.insertPayment(p);
    await a.attachProviderResult(id, {
      provider: 'komerce', reference: p.reference, attempt: 1, providerRef: `PREF-${id}`, expiresAt: p.expiresAt,
      instructions: { va: { bank: method.slice(3), number: '123' } }, at: at(), notify: true,
    });
    return p;
  };
  const paidNotice = (p: NewPayment): TransitionInput => ({
    paymentId: p.id, at: at(7), source: 'webhook:komerce', notify: true,
    event: { provider: 'komerce', eventId: `evt-${p.id}`, payload: `{"e":"${p.id}"}` },
    reported: { status: 'paid', amounts: [150_000], paidAt: at(7), providerStatus: 'PAID' },
  });

  for (const way of ['decided from the row each instance read (guarded write)', 'decided under the locks'] as const) {
    it(`${way}: 30 orders, their two payments paid at once on two instances → each order paid once, the other flagged`, async () => {
      const guarded = way.startsWith('decided from');
      for (let k = 0; k < 30; k++) {
        const order = `ORDER-ONCE-${guarded ? 'g' : 'l'}-${k}`;
        const twins = [await opened(order, 'va:bca', k + (guarded ? 0 : 100)), await opened(order, 'va:bni', k + (guarded ? 0 : 100))];
        const stores = [a, b];
        const inputs = await Promise.all(
          twins.map(async (p, i) => {
            const input = paidNotice(p);
            if (!guarded) return input;
            const seen = await stores[i]!.lookupEvent('komerce', input.event!.eventId, { reference: p.reference });
            return { ...input, basis: seen.payment! };
          }),
        );
        const results = await Promise.all(twins.map((_, i) => stores[i]!.transition(inputs[i]!)));
        assert.deepEqual(results.map((r) => r.outcome), ['applied', 'applied'], `order ${k}`);
        const stored = await Promise.all(twins.map((p) => a.getPayment(p.id)));
        assert.deepEqual(stored.map((p) => p!.status), ['paid', 'paid'], `order ${k}`);
        const plain = stored.filter((p) => !p!.flags.includes('duplicate_payment'));
        assert.equal(plain.length, 1, `order ${k}: exactly one of its payments is paid unflagged`);
        const flagged = results.filter((r) => r.added?.includes('duplicate_payment'));
        assert.equal(flagged.length, 1, `order ${k}: the caller of the other one is told it is a duplicate (so the merchant is notified)`);
      }
    });
  }
});
