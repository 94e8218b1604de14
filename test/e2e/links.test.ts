/**
 * Payment links in Chromium, as a customer opens one from a chat: created by the merchant API, opened on a 360 px
 * phone, paid by VA through the sandbox, the receipt (also after a reload, and printed), the link reopened by
 * someone else after completion; an open-amount link refusing an amount outside its range; the summary with
 * JavaScript off; axe on every page; preview tags without customer data. Zero CSP violations and console errors.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { DemoPage, SCREENSHOT_DIR, axe, axeViolations, useE2E } from '../helpers/browser.js';
import { api, merchantHeaders } from '../helpers/server.js';

const H = merchantHeaders(SANDBOX_CREDENTIALS.merchantKey);

const e2e = useE2E({ shop: { name: 'Toko Batik Sari', logoUrl: null, color: '#9a3412' } }, undefined, { linkRateLimits: { perLink: 1000, perAddress: 1000 } });

async function createLink(body: Record<string, unknown>) {
  const r = await api(e2e.s.url, 'POST', '/api/links', body, H);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.link as { id: string; url: string; orderId: string };
}

/** No axe violation on the page as it is now. */
async function accessible(d: DemoPage, what: string) {
  assert.deepEqual(axeViolations(await axe(d.page)), [], `${what}: axe`);
}

/**
 * CSP violations, console errors and uncaught exceptions, less Chromium's console line for a document answered
 * with one of `statuses` (410, 422…): those answers are the test's subject and asserted where they happen.
 */
async function problems(d: DemoPage, ...statuses: number[]): Promise<string[]> {
  return (await d.problems()).filter((m) => !statuses.some((st) => m.includes(`Failed to load resource: the server responded with a status of ${st} `)));
}

/** Opens a URL in the recording context and returns the HTTP status of the document. */
async function open(d: DemoPage, url: string): Promise<number> {
  const res = await d.page.goto(url);
  return res!.status();
}

test('a customer pays a link by VA on a 360 px phone, sees the receipt (after a reload too); someone else then sees it is paid', { timeout: 90_000 }, async () => {
  const link = await createLink({
    description: 'Kain batik tulis',
    items: [
      { name: 'Kain batik tulis Solo', price: 350_000, quantity: 1 },
      { name: 'Ongkos kirim', price: 25_000, quantity: 1 },
    ],
    returnUrl: 'https://shop.example/terima-kasih',
  });
  const d = await DemoPage.blank(e2e.browser, e2e.s.url, { width: 360, height: 780 });
  try {
    assert.equal(await open(d, link.url), 200);
    await d.page.getByRole('heading', { name: 'Kain batik tulis' }).waitFor();
    await d.page.getByRole('cell', { name: 'Kain batik tulis Solo' }).waitFor();
    await d.methodRadio().first().waitFor();
    assert.deepEqual(await d.overflow(), [], 'nothing sticks out at 360 px');
    await accessible(d, 'checkout at 360 px');
    await d.screenshot('link-checkout-360');

    const pending = await d.pay('va:bca');
    assert.equal(pending.amount, 375_000);
    assert.equal(pending.orderId, link.orderId);
    const va = pending.va!.number;
    await d.page.locator('bayar-checkout [part="va-number"]').filter({ hasText: va.slice(-4) }).first().waitFor();
    await accessible(d, 'VA instructions at 360 px');
    await d.screenshot('link-va-360');

    const paid = await fetch(`${e2e.s.url}/api/sandbox/payments/${pending.id}/pay`, { method: 'POST' });
    assert.equal(paid.status, 200);
    // The element hears of the payment, and the page turns into the receipt (server-rendered) on the same URL.
    await d.status('paid').waitFor();
    await d.page.locator('main.receipt').getByRole('heading', { name: 'Pembayaran berhasil' }).waitFor();
    assert.equal(d.page.url(), link.url);
    assert.equal(await d.page.locator('bayar-checkout').count(), 0);
    const receipt = await d.page.locator('main').innerText();
    assert.match(receipt, /Rp\s375\.000/);
    assert.ok(receipt.includes(va), 'VA number on the receipt');
    assert.match(receipt, /BCA Virtual Account/);
    assert.match(receipt, /Toko Batik Sari/);
    assert.match(receipt, /WIB/);
    assert.equal(await d.page.getByRole('link', { name: 'Kembali ke toko' }).getAttribute('href'), 'https://shop.example/terima-kasih');
    await d.page.getByRole('button', { name: 'Cetak bukti pembayaran' }).waitFor();

    assert.equal(await d.page.reload().then((r) => r!.status()), 200);
    await d.page.locator('main.receipt').getByRole('heading', { name: 'Pembayaran berhasil' }).waitFor();
    await accessible(d, 'receipt at 360 px');
    await d.screenshot('link-receipt-360');

    // Printed: the browser's own print, with the print stylesheet (buttons and the language switch hidden).
    await d.page.emulateMedia({ media: 'print' });
    assert.equal(await d.page.getByRole('button', { name: 'Cetak bukti pembayaran' }).isVisible(), false);
    assert.equal(await d.page.getByRole('heading', { name: 'Pembayaran berhasil' }).isVisible(), true);
    const pdf = await d.page.pdf({ format: 'A5', printBackground: true });
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(join(SCREENSHOT_DIR, 'link-receipt.pdf'), pdf);
    await d.page.emulateMedia({ media: 'screen' });
    assert.deepEqual(await d.problems(), [], 'no CSP violation or console error on the phone');
  } finally {
    await d.close();
  }

  const other = await DemoPage.blank(e2e.browser, e2e.s.url, { width: 1280 });
  try {
    assert.equal(await open(other, link.url), 410);
    await other.page.getByRole('heading', { name: 'Tautan ini sudah dibayar' }).waitFor();
    assert.equal(await other.page.locator('bayar-checkout').count(), 0, 'no checkout, so no payment can start');
    await accessible(other, 'completed page');
    await other.screenshot('link-completed-1280');
    const detail = await api(e2e.s.url, 'GET', `/api/links/${link.id}`, undefined, H);
    assert.equal(detail.body.link.status, 'completed');
    assert.equal(detail.body.payments.length, 1);
    assert.deepEqual(await problems(other, 410), []);
  } finally {
    await other.close();
  }
});

test('an open-amount link refuses an amount outside its range in the page and in the API, then takes one inside it', { timeout: 60_000 }, async () => {
  const link = await createLink({ description: 'Donasi renovasi musala', openAmount: { min: 10_000, max: 1_000_000 } });
  const slug = new URL(link.url).pathname.split('/').pop();
  const d = await DemoPage.blank(e2e.browser, e2e.s.url, { width: 360, height: 780 });
  try {
    assert.equal(await open(d, link.url), 200);
    const field = d.page.getByLabel('Masukkan jumlah yang ingin Anda bayar');
    await accessible(d, 'open-amount form');
    await d.screenshot('link-open-amount-360');
    await field.fill('5000');
    await d.page.getByRole('button', { name: 'Lanjutkan' }).click();
    // The browser's own validation keeps the form from going anywhere.
    assert.equal(await field.evaluate((el) => (el as HTMLInputElement).validity.rangeUnderflow), true);
    assert.equal(d.page.url(), link.url);
    assert.equal(await d.page.locator('bayar-checkout').count(), 0);

    // The server holds the same line for a browser that skips validation (or a hand-made URL).
    assert.equal(await open(d, `${link.url}?amount=2000000`), 422);
    await d.page.getByRole('alert').filter({ hasText: 'Jumlah harus antara Rp' }).waitFor();
    assert.equal(await d.page.locator('bayar-checkout').count(), 0);
    await accessible(d, 'open-amount refusal');
    const viaApi = await api(e2e.s.url, 'POST', `/api/pay/${slug}/session`, { amount: 5000 });
    assert.equal(viaApi.status, 422);
    assert.equal(viaApi.body.error.code, 'amount_out_of_range');
    assert.deepEqual((await api(e2e.s.url, 'GET', `/api/links/${link.id}`, undefined, H)).body.payments, []);

    await d.page.getByLabel('Masukkan jumlah yang ingin Anda bayar').fill('75000');
    await d.page.getByRole('button', { name: 'Lanjutkan' }).click();
    await d.methodRadio().first().waitFor();
    assert.match(await d.page.locator('.summary').innerText(), /Rp\s75\.000/);
    const p = await d.pay('qris:qris');
    assert.equal(p.amount, 75_000);
    assert.deepEqual(await problems(d, 422), []);
  } finally {
    await d.close();
  }
});

test('with JavaScript off the page still shows the order summary and says how to pay', async () => {
  const link = await createLink({ description: 'Paket kopi', items: [{ name: 'Kopi Gayo 250 g', price: 85_000, quantity: 2 }] });
  const d = await DemoPage.blank(e2e.browser, e2e.s.url, { width: 360, height: 780, javaScript: false });
  try {
    assert.equal(await open(d, link.url), 200);
    const text = await d.page.locator('body').innerText();
    assert.match(text, /Paket kopi/);
    assert.match(text, /Kopi Gayo 250 g/);
    assert.match(text, /2 × Rp\s85\.000/);
    assert.match(text, /Total\s+Rp\s170\.000/);
    assert.match(text, /Aktifkan JavaScript untuk memilih metode pembayaran/);
    assert.equal(await d.page.evaluate(() => !!customElements.get('bayar-checkout')).catch(() => false), false);
    await d.screenshot('link-no-js-360');
  } finally {
    await d.close();
  }
});

test('desktop, English, preview tags without customer data, and the busy page while another customer pays', { timeout: 60_000 }, async () => {
  const customer = { name: 'Dewi Lestari', email: 'dewi.lestari@example.com', phone: '081311112222' };
  const link = await createLink({ description: 'Batik shirt, size L', amount: 275_000, customer });
  const d = await DemoPage.blank(e2e.browser, e2e.s.url, { width: 1280, locale: 'en-US' });
  try {
    assert.equal(await open(d, link.url), 200);
    await d.page.getByRole('heading', { name: 'Batik shirt, size L' }).waitFor();
    await d.methodRadio().first().waitFor();
    assert.equal(await d.page.getAttribute('html', 'lang'), 'en');
    const meta = (sel: string) => d.page.locator(`head meta[${sel}]`).getAttribute('content');
    assert.equal(await meta('property="og:title"'), 'Batik shirt, size L');
    assert.equal(await meta('property="og:site_name"'), 'Toko Batik Sari');
    assert.match((await meta('property="og:description"'))!, /Rp\s275\.000/);
    assert.equal(await meta('property="og:url"'), link.url);
    assert.equal(await meta('name="twitter:card"'), 'summary_large_image');
    // No shop logo is set: the link still has its preview picture, and it loads as an image.
    assert.equal(await meta('property="og:image"'), `${link.url}/og.png`);
    const size = await d.page.evaluate(async (src) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    }, `${link.url}/og.png`);
    assert.deepEqual(size, [1200, 630]);
    const head = await d.page.evaluate(() => document.head.outerHTML);
    const everything = await d.page.content();
    for (const value of [customer.name, customer.email, customer.phone, 'Dewi', '6281311112222']) {
      assert.ok(!head.includes(value), `head holds ${value}`);
      assert.ok(!everything.includes(value), `page holds ${value}`);
    }
    await accessible(d, 'checkout in English at 1280 px');
    await d.screenshot('link-checkout-1280-en');
    await d.page.getByRole('link', { name: 'Bahasa Indonesia' }).click();
    await d.page.getByRole('heading', { name: 'Batik shirt, size L' }).waitFor();
    assert.equal(await d.page.getAttribute('html', 'lang'), 'id');
    await d.methodRadio().first().waitFor();
    await d.pay('va:bni');

    const second = await DemoPage.blank(e2e.browser, e2e.s.url, { width: 360, height: 780 });
    try {
      assert.equal(await open(second, link.url), 409);
      await second.page.getByRole('heading', { name: 'Tautan ini sedang dibayar' }).waitFor();
      assert.equal(await second.page.locator('bayar-checkout').count(), 0);
      await accessible(second, 'busy page');
      await second.screenshot('link-busy-360');
      assert.deepEqual(await problems(second, 409), []);
    } finally {
      await second.close();
    }
    assert.deepEqual(await d.problems(), []);
  } finally {
    await d.close();
  }
});
