/**
 * OVO asks for a valid phone number before anything is created (through Xendit, on a phone and a computer), and Doku's
 * hosted page serves every device itself: a new tab on a computer, in place on a phone. See wallets.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { sandboxConfig } from '../../server/config.js';
import { check } from '../helpers/a11y.js';
import { DemoPage, assertBuilt, launchBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { PROFILES } from '../helpers/wallet-e2e.js';

let x: TestServer;
let dk: TestServer;
let browser: Browser;

before(async () => {
  assertBuilt();
  const base = sandboxConfig().routes;
  [x, dk, browser] = await Promise.all([
    startTestServer({ routes: { ...base, ewallet: ['xendit', 'midtrans'] } }),
    startTestServer({ routes: { ...base, ewallet: ['doku'] } }),
    launchBrowser(),
  ]);
});
after(async () => {
  await browser?.close();
  await Promise.all([x?.destroy(), dk?.destroy()]);
});

describe('OVO through Xendit', { timeout: 90_000 }, () => {
  for (const profile of ['android', 'desktop'] as const) {
    test(`${profile}: a malformed number never reaches the server; a valid one shows "approve in your OVO app" with its deadline`, async () => {
      const d = await DemoPage.open(browser, x.url, { device: PROFILES[profile] });
      try {
        const creates: string[] = [];
        d.page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/payments') && creates.push(r.url()));
        await d.methodRadio('ewallet:ovo').click();
        const input = d.page.locator('bayar-checkout bayar-wallet-phone input');
        await input.fill('0812');
        await input.blur();
        await d.page.locator('bayar-checkout bayar-wallet-phone [aria-invalid="true"]').waitFor();
        assert.equal(await d.payButton.isDisabled(), true);
        await check(d, `wallet-ovo-phone-invalid-${profile}`);
        assert.deepEqual(creates, []);

        await input.fill('0812 3456 7890');
        await d.payButton.click();
        await d.page.getByRole('heading', { name: 'Setujui pembayaran di aplikasi OVO' }).waitFor();
        const payment = await d.waitForPayment({ method: 'ewallet:ovo', status: 'pending' });
        assert.equal(payment.provider, 'xendit');
        assert.equal(creates.length, 1);
        assert.match(await d.page.locator('bayar-checkout [part="countdown"]').innerText(), /Bayar sebelum .*WIB/s);
        await check(d, `wallet-ovo-approve-${profile}`);
        await d.sandbox('pay');
        await d.status('paid').waitFor();
        assert.deepEqual(await d.problems(), []);
      } finally {
        await d.close();
      }
    });
  }
});

describe('ShopeePay and OVO through Doku (its hosted page serves every device)', { timeout: 90_000 }, () => {
  for (const [profile, method] of [['desktop', 'ewallet:shopeepay'], ['iphone', 'ewallet:shopeepay'], ['android', 'ewallet:ovo']] as const) {
    test(`${profile} ${method}: the hosted page, in a new tab on a computer, in place on a phone`, async () => {
      const d = await DemoPage.open(browser, dk.url, { device: PROFILES[profile] });
      try {
        await d.methodRadio(method).click();
        if (method === 'ewallet:ovo') await d.page.locator('bayar-checkout bayar-wallet-phone input').fill('081234567890');
        await d.payButton.click();
        const payment = await d.waitForPayment({ method, status: 'pending' });
        assert.equal(payment.provider, 'doku');
        const open = d.page.locator('bayar-checkout a.open');
        assert.equal(await open.getAttribute('href'), payment.redirectUrl);
        if (profile === 'desktop') {
          assert.equal(await open.getAttribute('target'), '_blank');
          const [hosted] = await Promise.all([d.page.waitForEvent('popup'), open.click()]);
          await hosted.waitForLoadState();
          assert.equal(hosted.url(), payment.redirectUrl);
        } else {
          assert.equal(await open.getAttribute('target'), null);
          await Promise.all([d.page.waitForURL(payment.redirectUrl!), open.tap()]);
        }
      } finally {
        await d.close();
      }
    });
  }
});
