/**
 * `<ID>_BASE_URL` pointing at another server that implements the provider's documented API works unchanged:
 * each emulator runs standalone on its own port (as a provider's sandbox would), the companion is configured
 * only through base URLs, and a payment is created, paid (the standalone emulator sends its signed webhook to
 * the companion's public URL) and read back paid.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { ProviderId } from '../../server/api-types.js';
import { loadConfig } from '../../server/config.js';
import { createEmulators } from '../../server/emulators/index.js';
import type { Emulator } from '../../server/emulators/types.js';
import { systemClock } from '../../server/lib/clock.js';
import { createFetchClient } from '../../server/lib/http.js';
import { SANDBOX_CREDENTIALS as SANDBOX } from '../../server/config.js';
import { api, startTestServer, type TestServer, merchantHeaders } from '../helpers/server.js';

/** The merchant key opens every payment (these tests read as the merchant's backend would). */
const MK = merchantHeaders(SANDBOX.merchantKey);

const CASES: Array<[ProviderId, string, string]> = [
  ['komerce', 'va=komerce', 'va:bca'],
  ['doku', 'ewallet=doku', 'ewallet:dana'],
  ['indodana', 'paylater=indodana', 'paylater:indodana'],
  ['xendit', 'qris=xendit', 'qris:qris'],
  ['midtrans', 'cstore=midtrans', 'cstore:indomaret'],
];

describe('providers reached through their base URLs', () => {
  let companion: TestServer;
  let emulators: Map<ProviderId, Emulator>;
  let server: import('node:http').Server;
  let companionUrl = '';
  before(async () => {
    const app = express();
    const base = (): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const creds = loadConfig({}).providers;
    emulators = createEmulators(
      creds,
      (id) => ({ clock: systemClock, http: createFetchClient(), defaultWebhookUrl: () => `${companionUrl}/webhooks/${id}`, baseUrl: () => `${base()}/provider-${id}` }),
      CASES.map(([id]) => id),
    );
    for (const [id, e] of emulators) app.use(`/provider-${id}`, e.router);
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const env: Record<string, string> = { LOG_LEVEL: 'silent', BAYAR_ROUTES: CASES.map(([, r]) => r).join(';') };
    for (const [id] of CASES) env[`${id.toUpperCase()}_BASE_URL`] = `${base()}/provider-${id}`;
    companion = await startTestServer({ ...loadConfig(env), port: 0, host: '127.0.0.1' });
    companionUrl = companion.url;
  });
  after(async () => {
    await companion.destroy();
    await new Promise((r) => server.close(r));
  });

  for (const [id, , method] of CASES) {
    it(`${id}: create, pay, read back paid`, async () => {
      assert.equal(companion.bayar.emulators.has(id), false, 'no built-in emulator in the way');
      let installment: string | undefined;
      if (method.startsWith('paylater')) installment = (await api(companion.url, 'GET', '/api/installments?amount=150000')).body.options[0].id;
      const c = await api(companion.url, 'POST', '/api/payments', {
        orderId: `BASE-${id}`,
        amount: 150_000,
        method,
        installment,
        customer: { name: 'Siti Rahayu', email: 'siti@example.com', phone: '081234567890' },
      });
      assert.equal(c.status, 201, JSON.stringify(c.body));
      assert.equal(c.body.payment.provider, id);
      // Built-in sandbox simulation is not available for an external provider server…
      assert.equal((await api(companion.url, 'POST', `/api/sandbox/payments/${c.body.payment.id}/pay`)).body.error.code, 'emulator_not_mounted');
      // …so the external server acts on its own, as a real provider would.
      const rec = (await companion.store.getPayment(c.body.payment.id))!;
      const sim = await emulators.get(id)!.simulate('pay', rec.providerRef!, { amount: rec.amount });
      if (sim.webhookStatus === null) await companion.bayar.service.reconcile(rec);
      assert.equal((await api(companion.url, 'GET', `/api/payments/${rec.id}`, undefined, MK)).body.payment.status, 'paid');
    });
  }
});
