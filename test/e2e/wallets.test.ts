/**
 * E-wallet hand-off by device, through every provider that routes the wallet, in Chromium posing as a 1280 px
 * computer, an iPhone and an Android phone: the computer shows a QR whose decoded payload is what the provider's
 * emulator issued (ShopeePay through Xendit: its qr_checkout_string; GoPay through Midtrans: the image behind its
 * generate-qr-code action), the phone goes to the deeplink or mobile page from the customer's own tap, and OVO asks
 * for a valid phone number before anything is created. Doku's hosted page serves every device itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jsQRModule from 'jsqr';
import { devices, type Browser } from 'playwright-core';
import { SANDBOX_CREDENTIALS, sandboxConfig } from '../../server/config.js';
import { parseQris } from '../../server/lib/qris.js';
import { check } from '../helpers/a11y.js';
import { DemoPage, assertBuilt, launchBrowser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// jsqr is CommonJS with an ES-style default in its types: take the function whichever way Node hands it over.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as (
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

const PROFILES = {
  desktop: undefined,
  iphone: devices['iPhone 13'],
  android: devices['Pixel 7'],
} as const;

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

/** Reads the wallet QR on screen (canvas, or the provider's image drawn onto one) and decodes it like a phone camera. */
async function scan(d: DemoPage): Promise<string | null> {
  await d.page.locator('bayar-checkout [part="qr"]').waitFor();
  await d.page.waitForFunction(() => {
    const el = document.querySelector('bayar-checkout')!.shadowRoot!.querySelector('bayar-wallet-view')!.shadowRoot!.querySelector('[part="qr"]') as HTMLCanvasElement | HTMLImageElement;
    return el instanceof HTMLCanvasElement ? !!el.dataset.drawn : el.complete && el.naturalWidth > 0;
  });
  const pixels = await d.page.evaluate(() => {
    const el = document.querySelector('bayar-checkout')!.shadowRoot!.querySelector('bayar-wallet-view')!.shadowRoot!.querySelector('[part="qr"]') as HTMLCanvasElement | HTMLImageElement;
    let canvas = el as HTMLCanvasElement;
    if (el instanceof HTMLImageElement) {
      canvas = document.createElement('canvas');
      canvas.width = canvas.height = 400;
      const c = canvas.getContext('2d')!;
      c.fillStyle = '#fff';
      c.fillRect(0, 0, 400, 400);
      c.drawImage(el, 0, 0, 400, 400);
    }
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    return { width: data.width, height: data.height, rgba: Array.from(data.data) };
  });
  return jsQR(Uint8ClampedArray.from(pixels.rgba), pixels.width, pixels.height)?.data ?? null;
}

/** What the Xendit emulator holds for a charge, asked with the merchant's own key, as the adapter would. */
async function xenditCharge(s: TestServer, paymentId: string): Promise<{ actions: Record<string, string | null> }> {
  const ref = (await s.store.getPayment(paymentId))!.providerRef!;
  const auth = Buffer.from(`${SANDBOX_CREDENTIALS.xendit.secretKey}:`).toString('base64');
  const res = await fetch(`${s.url}/emulators/xendit/ewallets/charges/${ref}`, { headers: { authorization: `Basic ${auth}` } });
  assert.equal(res.status, 200);
  return res.json() as Promise<{ actions: Record<string, string | null> }>;
}

const pickAndPay = async (d: DemoPage, method: string) => {
  await d.methodRadio(method).click();
  await d.payButton.click();
  await d.page.locator('bayar-checkout .view').waitFor();
  return d.waitForPayment({ method, status: 'pending' });
};

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
