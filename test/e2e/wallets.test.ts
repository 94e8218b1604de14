/**
 * E-wallet hand-off by device, through every provider that routes the wallet, in Chromium posing as a 1280 px
 * computer, an iPhone and an Android phone: the computer shows a QR whose decoded payload is what the provider's
 * emulator issued (ShopeePay through Xendit: its qr_checkout_string; GoPay through Midtrans: the image behind its
 * generate-qr-code action), the phone goes to the deeplink or mobile page from the customer's own tap, and OVO asks
 * for a valid phone number before anything is created (wallets-ovo-doku.test.ts, with Doku's hosted page).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { sandboxConfig } from '../../server/config.js';
import { parseQris } from '../../server/lib/qris.js';
import { check } from '../helpers/a11y.js';
import { DemoPage, assertBuilt, launchBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { PROFILES, pickAndPay, scan, xenditCharge } from '../helpers/wallet-e2e.js';

let x: TestServer;
let browser: Browser;

before(async () => {
  assertBuilt();
  const base = sandboxConfig().routes;
  [x, browser] = await Promise.all([startTestServer({ routes: { ...base, ewallet: ['xendit', 'midtrans'] } }), launchBrowser()]);
});
after(async () => {
  await browser?.close();
  await x?.destroy();
});

describe('ShopeePay through Xendit', { timeout: 90_000 }, () => {
  test('1280 px computer: the QR decodes to the qr_checkout_string the emulator issued; nothing to open', async () => {
    const d = await DemoPage.open(browser, x.url);
    try {
      const payment = await pickAndPay(d, 'ewallet:shopeepay');
      assert.equal(payment.provider, 'xendit');
      const issued = (await xenditCharge(x, payment.id)).actions.qr_checkout_string!;
      assert.equal(await scan(d), issued);
      assert.equal(parseQris(issued).amount, 150_000);
      assert.equal(await d.page.locator('bayar-checkout a.open').count(), 0);
      await d.page.locator('bayar-checkout [part="countdown"]').waitFor();
      await check(d, 'wallet-shopeepay-qr-1280');
      await d.sandbox('pay');
      await d.status('paid').waitFor();
      assert.deepEqual(await d.problems(), []);
    } finally {
      await d.close();
    }
  });

  for (const phone of ['iphone', 'android'] as const) {
    test(`${phone}: the tap goes to the deeplink; "pay on another device instead" shows the same QR`, async () => {
      const d = await DemoPage.open(browser, x.url, { device: PROFILES[phone] });
      try {
        const payment = await pickAndPay(d, 'ewallet:shopeepay');
        const issued = (await xenditCharge(x, payment.id)).actions;
        const open = d.page.locator('bayar-checkout a.open');
        assert.equal(await open.getAttribute('href'), issued.mobile_deeplink_checkout_url);
        assert.equal(await open.getAttribute('target'), null);
        await check(d, `wallet-shopeepay-${phone}`);

        await d.page.getByRole('button', { name: 'Bayar dari perangkat lain' }).click();
        assert.equal(await scan(d), issued.qr_checkout_string);
        await d.page.getByRole('button', { name: 'Bayar di ponsel ini dengan ShopeePay' }).click();

        await Promise.all([d.page.waitForURL(issued.mobile_deeplink_checkout_url!), d.page.locator('bayar-checkout a.open').tap()]);
        assert.match(await d.page.locator('body').innerText(), /150\.000/);
      } finally {
        await d.close();
      }
    });
  }
});

describe('GoPay through Midtrans', { timeout: 90_000 }, () => {
  test('1280 px computer: the generate-qr-code image, decoding to a GoPay QRIS for the amount', async () => {
    const d = await DemoPage.open(browser, x.url);
    try {
      const payment = await pickAndPay(d, 'ewallet:gopay');
      assert.equal(payment.provider, 'midtrans');
      assert.equal(await d.page.locator('bayar-checkout img[part="qr"]').getAttribute('src'), payment.ewallet!.qrImageUrl);
      assert.match(payment.ewallet!.qrImageUrl!, /\/emulators\/midtrans\/v2\/gopay\/[\w-]+\/qr-code$/);
      const decoded = (await scan(d))!;
      assert.equal(parseQris(decoded).amount, 150_000);
      assert.match(decoded, /COM\.GO-JEK\.WWW/);
      await check(d, 'wallet-gopay-qr-1280');
      assert.deepEqual(await d.problems(), []);
    } finally {
      await d.close();
    }
  });

  for (const phone of ['iphone', 'android'] as const) {
    test(`${phone}: the tap goes to the deeplink-redirect URL`, async () => {
      const d = await DemoPage.open(browser, x.url, { device: PROFILES[phone] });
      try {
        const payment = await pickAndPay(d, 'ewallet:gopay');
        const deeplink = payment.ewallet!.deeplinkUrl!;
        assert.match(deeplink, /\/emulators\/midtrans\/gopay\/[\w-]+\/deeplink$/);
        await Promise.all([d.page.waitForURL(deeplink), d.page.locator('bayar-checkout a.open').tap()]);
        assert.match(await d.page.locator('body').innerText(), /150\.000/);
      } finally {
        await d.close();
      }
    });
  }
});
