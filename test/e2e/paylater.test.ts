/**
 * PayLater in real Chromium: the customer picks an Indodana instalment plan, the lender's approval page opens from
 * the click itself (so pop-up blockers allow it), the customer approves there, and the shop's page turns paid.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DemoPage, useE2E, until } from '../helpers/browser.js';
import { api } from '../helpers/server.js';
import { SANDBOX_CREDENTIALS as SANDBOX_KEYS } from '../../server/config.js';

/** The test checks the ledger as the merchant's backend would (the merchant key opens every payment). */
const MK = { authorization: `Bearer ${SANDBOX_KEYS.merchantKey}` };

const e2e = useE2E();

test('PayLater: choose 3 months, approve on the Indodana page, the original page turns paid', { timeout: 60_000 }, async () => {
  const d = await DemoPage.open(e2e.browser, e2e.s.url);
  try {
    const plans = d.page.waitForResponse((r) => r.url().includes('/api/installments'));
    await d.methodRadio('paylater:indodana').click();
    const answer = await plans;
    // Reported, not hidden: an error here is the adapter's or the emulator's, and this test says which.
    assert.equal(answer.status(), 200, `GET /api/installments answered ${answer.status()}: ${await answer.text()}`);
    const options = d.page.locator('bayar-checkout [part="installment"]');
    await options.first().waitFor();
    assert.ok((await options.count()) >= 2, 'several plans');
    assert.equal(await d.payButton.isDisabled(), true, 'no plan chosen yet');
    await options.filter({ hasText: '3 bulan' }).click();
    await d.screenshot('paylater-plans');

    // The approval page opens from the click itself: a tab opened at once, then pointed at the lender's page.
    const [approval] = await Promise.all([d.page.waitForEvent('popup'), d.payButton.click()]);
    const payment = await d.waitForPayment({ method: 'paylater:indodana' });
    assert.equal(payment.installment?.id, '3_months');
    assert.equal(payment.provider, 'indodana');
    await approval.waitForURL(`${e2e.s.url}/emulators/indodana/approval/**`);
    assert.equal(approval.url(), payment.redirectUrl);
    const page = await approval.locator('main').innerText();
    assert.match(page, /Indodana PayLater/);
    assert.match(page, /Rp\s150\.000/);
    assert.match(page, /Tenor\s+3 bulan/);
    assert.match(page, /Siti Rahayu/, 'the customer from the session');
    await d.page.getByRole('heading', { name: 'Selesaikan persetujuan PayLater' }).waitFor();
    await d.screenshot('paylater-approval', approval);
    await d.screenshot('paylater-waiting');

    await approval.getByRole('button', { name: 'Approve' }).click();
    // Indodana sends the customer back to the companion's return page once approved.
    await approval.waitForURL(`${e2e.s.url}/return/${payment.id}`);
    await d.status('paid').waitFor();
    await until(() => e2e.s.bayar.streams.size === 0, 'the status stream to close');
    assert.equal((await d.loggedEvents()).filter((e) => e === 'bayar-payment-paid').length, 1);
    const { body } = await api(e2e.s.url, 'GET', `/api/payments/${payment.id}`, undefined, MK);
    assert.equal(body.payment.status, 'paid');
    assert.deepEqual(body.payment.installment, { id: '3_months', tenure: 3 });
    assert.deepEqual(await d.problems(), []);
    await d.screenshot('paylater-paid');
  } finally {
    await d.close();
  }
});
