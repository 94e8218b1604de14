/**
 * The demo storefront in real Chromium against the real companion (sandbox, all five emulators): a customer pays by
 * Virtual Account, QRIS, e-wallet and convenience store, and the sandbox panel plays the bank, the wallet or the clock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Payment } from '../../server/api-types.js';
import { sandboxConfig } from '../../server/config.js';
import { DemoPage, useE2E, until } from '../helpers/browser.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { SANDBOX_CREDENTIALS as SANDBOX_KEYS } from '../../server/config.js';

/** The test checks the ledger as the merchant's backend would (the merchant key opens every payment). */
const MK = { authorization: `Bearer ${SANDBOX_KEYS.merchantKey}` };

const grouped = (code: string) => code.replace(/(.{4})(?=.)/g, '$1 ');

const e2e = useE2E();

describe('paying on the demo storefront', { timeout: 60_000 }, () => {
  test('Virtual Account: the sandbox pays, the widget turns paid by itself over SSE, "paid" is logged once', async () => {
    const d = await DemoPage.open(e2e.browser, e2e.s.url);
    try {
      const reads: string[] = [];
      d.page.on('request', (r) => {
        if (r.method() === 'GET' && r.url().includes('/api/payments/')) reads.push(new URL(r.url()).pathname);
      });
      const payment = await d.pay('va:bca');
      assert.equal(payment.status, 'pending');
      assert.equal(payment.provider, 'komerce');
      const number = d.page.locator('bayar-checkout [part="va-number"]');
      assert.equal(await number.textContent(), grouped(payment.va!.number));
      await d.page.locator('#payment-id', { hasText: payment.id }).waitFor();

      await d.sandbox('pay');
      await d.status('paid').waitFor();
      assert.match(await d.status('paid').innerText(), /Pembayaran berhasil[\s\S]*Rp\s150\.000/);
      const paid = await d.waitForPayment({ id: payment.id, status: 'paid' });
      assert.ok(paid.paidAt, 'paidAt set');

      // Only the status stream told the page: no read of the payment itself (the polling fallback stayed off).
      assert.deepEqual(reads, [`/api/payments/${payment.id}/events`]);
      // The widget closes its stream once the payment is final; after that nothing more can arrive.
      await until(() => e2e.s.bayar.streams.size === 0, 'the status stream to close');
      assert.deepEqual(await d.loggedEvents(), ['bayar-ready', 'bayar-method-select', 'bayar-payment-pending', 'bayar-payment-paid']);
      assert.equal(await d.page.locator('#sim-pay').isDisabled(), true, 'nothing left to pay');
      const ledger = await api(e2e.s.url, 'GET', `/api/payments/${payment.id}`, undefined, MK);
      assert.equal(ledger.body.payment.status, 'paid');
      assert.deepEqual(await d.problems(), []);
      await d.screenshot('va-paid');
    } finally {
      await d.close();
    }
  });

  test('QRIS: expiry hides the QR for good; "new QR" makes a fresh payment with a fresh code', async () => {
    const d = await DemoPage.open(e2e.browser, e2e.s.url);
    try {
      const first = await d.pay('qris:qris');
      const canvas = d.page.locator('bayar-checkout canvas[part="qr"]');
      await d.page.locator(`bayar-checkout canvas[part="qr"][data-drawn="${first.qris!.qrString.slice(-4)}"]`).waitFor();
      assert.match((await canvas.getAttribute('aria-label'))!, /^Kode QRIS untuk membayar Rp\s150\.000$/);
      await d.screenshot('qris-pending');

      await d.sandbox('expire');
      await d.status('expired').waitFor();
      const qrImages = d.page.locator('bayar-checkout canvas, bayar-checkout img, bayar-checkout bayar-qris-view');
      assert.equal(await qrImages.count(), 0, 'no QR in the DOM');
      assert.match(await d.status('expired').innerText(), /Waktu pembayaran habis[\s\S]*Kode QR ini sudah kedaluwarsa/);
      // Every later state of that payment is final: the stream closes and the code cannot come back.
      await until(() => e2e.s.bayar.streams.size === 0, 'the status stream to close');
      assert.equal((await d.payment())!.status, 'expired');
      assert.equal(await qrImages.count(), 0, 'still no QR');
      const late = await api(e2e.s.url, 'POST', `/api/sandbox/payments/${first.id}/pay`);
      assert.equal(late.status, 409, 'the expired code cannot be paid');
      await d.screenshot('qris-expired');

      await d.page.getByRole('button', { name: 'Buat QR baru' }).click();
      const second = await d.waitForPayment({ method: 'qris:qris', status: 'pending', notId: first.id });
      assert.notEqual(second.qris!.qrString, first.qris!.qrString);
      await d.page.locator(`bayar-checkout canvas[part="qr"][data-drawn="${second.qris!.qrString.slice(-4)}"]`).waitFor();
      assert.equal(await canvas.count(), 1);
      const { body } = await api(e2e.s.url, 'GET', `/api/payments/${second.id}`, undefined, MK);
      assert.equal(body.payment.status, 'pending');
      assert.deepEqual(
        (await d.loggedEvents()).filter((e) => e.startsWith('bayar-payment-')),
        ['bayar-payment-pending', 'bayar-payment-expired', 'bayar-payment-pending'],
      );
      assert.deepEqual(await d.problems(), []);
      await d.screenshot('qris-renewed');
    } finally {
      await d.close();
    }
  });

  test('e-wallet: DANA hands off to the Doku hosted page, and completes from the sandbox panel', async () => {
    const d = await DemoPage.open(e2e.browser, e2e.s.url);
    try {
      const payment = await d.pay('ewallet:dana');
      assert.equal(payment.provider, 'doku');
      assert.ok(payment.redirectUrl?.startsWith(`${e2e.s.url}/emulators/doku/checkout-link-v2/`), payment.redirectUrl);
      await d.page.getByRole('heading', { name: 'Lanjutkan di DANA' }).waitFor();
      const link = d.page.getByRole('link', { name: 'Buka DANA' });
      assert.equal(await link.getAttribute('href'), payment.redirectUrl);
      assert.equal(await link.getAttribute('target'), '_blank');
      await d.screenshot('dana-handoff');

      // The link opens Doku's page in a new tab; the shop's page keeps listening.
      const [hosted] = await Promise.all([d.page.waitForEvent('popup'), link.click()]);
      await hosted.waitForLoadState();
      assert.equal(hosted.url(), payment.redirectUrl);
      assert.match(await hosted.locator('body').innerText(), /150\.000/);
      await hosted.close();

      await d.sandbox('pay');
      await d.status('paid').waitFor();
      await until(() => e2e.s.bayar.streams.size === 0, 'the status stream to close');
      assert.equal((await d.loggedEvents()).filter((e) => e === 'bayar-payment-paid').length, 1);
      assert.deepEqual(await d.problems(), []);
      await d.screenshot('dana-paid');
    } finally {
      await d.close();
    }
  });

  test('convenience store: the Indomaret payment code (Midtrans) with the store steps, paid from the sandbox panel', async () => {
    const d = await DemoPage.open(e2e.browser, e2e.s.url);
    try {
      const payment = await d.pay('cstore:indomaret');
      assert.equal(payment.provider, 'midtrans');
      const code = payment.cstore!.paymentCode;
      assert.match(code, /^\d{8,}$/);
      assert.equal(await d.page.locator('bayar-checkout [part="payment-code"]').textContent(), grouped(code));
      const steps = await d.page.locator('bayar-checkout [part="instructions"] li').allInnerTexts();
      assert.equal(steps.length, 5);
      assert.match(steps[0]!, /gerai Indomaret/);
      assert.ok(steps[2]!.includes(grouped(code)), steps[2]);
      assert.match(steps[3]!, /Rp\s150\.000/);
      await d.screenshot('indomaret-pending');

      await d.sandbox('pay');
      await d.status('paid').waitFor();
      await until(() => e2e.s.bayar.streams.size === 0, 'the status stream to close');
      assert.equal((await d.loggedEvents()).filter((e) => e === 'bayar-payment-paid').length, 1);
      assert.deepEqual(await d.problems(), []);
      await d.screenshot('indomaret-paid');
    } finally {
      await d.close();
    }
  });
});

describe('OVO through Xendit (approved in the OVO app)', { timeout: 60_000 }, () => {
  let x: TestServer;
  before(async () => {
    const base = sandboxConfig();
    x = await startTestServer({ routes: { ...base.routes, ewallet: ['xendit'] } });
  });
  after(() => x?.destroy());

  test('no page to open: the widget says to approve in the OVO app, then turns paid', async () => {
    const d = await DemoPage.open(e2e.browser, x.url, { width: 320, height: 720 });
    try {
      // OVO pushes to the app registered to a number: the widget asks for it before creating anything.
      await d.methodRadio('ewallet:ovo').click();
      await d.page.locator('bayar-checkout bayar-wallet-phone input').fill('0812 3456 7890');
      await d.payButton.click();
      const payment: Payment = await d.waitForPayment({ method: 'ewallet:ovo', status: 'pending' });
      assert.equal(payment.provider, 'xendit');
      assert.equal(payment.redirectUrl, undefined);
      await d.page.getByRole('heading', { name: 'Setujui pembayaran di aplikasi OVO' }).waitFor();
      assert.equal(await d.page.locator('bayar-checkout a').count(), 0, 'nothing to open');
      assert.equal(await d.page.locator('bayar-checkout [role="alert"]').count(), 0, 'not shown as an error');
      const steps = await d.page.locator('bayar-checkout [part="instructions"] li').allInnerTexts();
      assert.equal(steps.length, 3);
      assert.match(steps[2]!, /Rp\s150\.000.*PIN OVO/);
      await d.page.locator('bayar-checkout .waiting', { hasText: 'Menunggu konfirmasi pembayaran' }).waitFor();
      assert.deepEqual(await d.overflow(), []);
      await d.screenshot('ovo-pending-320');

      await d.sandbox('pay');
      await d.status('paid').waitFor();
      assert.deepEqual(await d.problems(), []);
      await d.screenshot('ovo-paid-320');
    } finally {
      await d.close();
    }
  });
});
