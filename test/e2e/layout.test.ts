/**
 * Every screen of the widget on the demo at a 320 px wide phone and on a desktop: nothing sticks out of the widget
 * or makes the page scroll sideways, and axe finds no WCAG 2.1 AA problem (contrast included) on the page, shadow
 * roots included. A PNG of each screen goes to test-results/e2e/ for a human look.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from '../helpers/a11y.js';
import { DemoPage, useE2E } from '../helpers/browser.js';

const e2e = useE2E();

for (const width of [320, 1280]) {
  describe(`every screen at ${width} px`, { timeout: 60_000 }, () => {
    const open = () => DemoPage.open(e2e.browser, e2e.s.url, { width, height: width < 600 ? 640 : 900 });
    /** Cancels the payment on screen and goes back to the method list. */
    const back = async (d: DemoPage) => {
      await d.page.getByRole('button', { name: 'Batalkan pembayaran' }).click();
      await d.status('cancelled').waitFor();
      await d.page.getByRole('button', { name: 'Ganti metode' }).click();
      await d.methodRadio().first().waitFor();
    };

    test('choosing: the methods, PayLater plans', async () => {
      const d = await open();
      try {
        await check(d, `${width}-methods`);
        await d.methodRadio('paylater:indodana').click();
        await d.page.locator('bayar-checkout [part="installment"]').first().waitFor();
        await check(d, `${width}-paylater-plans`);
        assert.deepEqual(await d.problems(), []);
      } finally {
        await d.close();
      }
    });

    test('paying: VA, QRIS, back to the methods, store code', async () => {
      const d = await open();
      try {
        await d.pay('va:mandiri');
        await check(d, `${width}-va`);
        await back(d);
        await d.pay('qris:qris');
        await d.page.locator('bayar-checkout canvas[data-drawn]').waitFor();
        const qr = await d.page.locator('bayar-checkout canvas[part="qr"]').boundingBox();
        assert.ok(qr && qr.width >= 200, `the QR is big enough to scan (${qr?.width} px)`);
        await check(d, `${width}-qris`);
        await back(d);
        await check(d, `${width}-methods-after-cancel`);
        await d.pay('cstore:alfamart');
        await check(d, `${width}-alfamart`);
        assert.deepEqual(await d.problems(), []);
      } finally {
        await d.close();
      }
    });

    test('handing off: ShopeePay, then paid', async () => {
      const d = await open();
      try {
        await d.pay('ewallet:shopeepay');
        await check(d, `${width}-shopeepay`);
        await d.sandbox('pay');
        await d.status('paid').waitFor();
        await check(d, `${width}-paid`);
        assert.deepEqual(await d.problems(), []);
      } finally {
        await d.close();
      }
    });
  });
}
