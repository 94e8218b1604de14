/**
 * A reload resumes: the demo mints a fresh session token on every page view (as any shop backend does) for the same
 * order, and the widget shows the order's pending payment again instead of creating a second one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DemoPage, useE2E } from '../helpers/browser.js';
import { api } from '../helpers/server.js';
import { SANDBOX_CREDENTIALS as SANDBOX_KEYS } from '../../server/config.js';

/** The test checks the ledger as the merchant's backend would (the merchant key opens every payment). */
const MK = { authorization: `Bearer ${SANDBOX_KEYS.merchantKey}` };

const e2e = useE2E();

test('reload: the same VA number and payment id, no second payment in the ledger', { timeout: 60_000 }, async () => {
  const d = await DemoPage.open(e2e.browser, e2e.s.url);
  try {
    const orderId = (await d.page.locator('#order-id').textContent())!;
    const payment = await d.pay('va:bni');
    assert.equal(payment.orderId, orderId);
    const number = d.page.locator('bayar-checkout [part="va-number"]');
    const shown = await number.textContent();

    const creates: string[] = [];
    d.page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/payments')) creates.push(r.url());
    });
    await d.page.reload();
    await number.waitFor();
    assert.equal(await d.page.locator('#order-id').textContent(), orderId, 'same order (the demo keeps it in a cookie)');
    // (The page carries a freshly minted token; within the same second it can be byte-identical, so the widget test
    // resume.test.ts pins the "different token, same order" case.)
    assert.equal(await number.textContent(), shown);
    const resumed = await d.waitForPayment({ status: 'pending' });
    assert.equal(resumed.id, payment.id);
    assert.equal(resumed.va!.number, payment.va!.number);
    // Straight back to the instructions: no method list, no create.
    assert.deepEqual(await d.loggedEvents(), ['bayar-payment-pending']);
    assert.deepEqual(creates, []);
    await d.page.locator('#payment-id', { hasText: payment.id }).waitFor();

    const { status, body } = await api(e2e.s.url, 'GET', `/api/payments/${payment.id}`, undefined, MK);
    assert.equal(status, 200);
    assert.equal(body.payment.status, 'pending');
    assert.deepEqual(body.payment.va, payment.va);
    const ledger = await e2e.s.store.listPayments({ orderId, limit: 10 });
    assert.deepEqual(
      ledger.payments.map((p) => [p.id, p.method, p.status]),
      [[payment.id, 'va:bni', 'pending']],
    );

    // Still live after the reload: the sandbox pays and the resumed widget hears it.
    await d.sandbox('pay');
    await d.status('paid').waitFor();
    assert.deepEqual(await d.problems(), []);
    await d.screenshot('resume-paid');
  } finally {
    await d.close();
  }
});
