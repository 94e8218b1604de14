/** The personal data retention and erasure suite (test/server/pii.test.ts) on the PostgreSQL ledger. */
import { it } from 'node:test';
import { postgres } from '../helpers/pg.js';

const avail = await postgres();
if (avail.skip) it('personal data retention and erasure (postgres)', { skip: avail.skip }, () => {});
else {
  process.env.BAYAR_TEST_STORE = 'postgres';
  await import('../server/pii.test.js');
}
