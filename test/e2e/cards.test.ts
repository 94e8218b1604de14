/**
 * Cards in real Chromium, through the provider's hosted pages (Midtrans Snap in the sandbox's routing): the card
 * page opens from the click itself, the customer types a sandbox card and the 3-D Secure OTP there (never on the
 * shop's page), comes back, and the shop's page shows the outcome: paid for 4811…, failed with the reason for 4911…
 * (then another method works) and 4611…. The hosted card form and challenge page pass axe-core and fit 360 px.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SANDBOX_CREDENTIALS as SANDBOX_KEYS } from '../../server/config.js';
import { check } from '../helpers/a11y.js';
import { DemoPage, assertBuilt, axe, axeViolations, launchBrowser, until } from '../helpers/browser.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

const MK = { authorization: `Bearer ${SANDBOX_KEYS.merchantKey}` };

let s: TestServer;
let browser: Browser;

before(async () => {
  assertBuilt();
  [s, browser] = await Promise.all([startTestServer({ console: { enabled: true, users: [] } }), launchBrowser()]);
});
after(async () => {
  await browser?.close();
  await s?.destroy();
});

/** A provider page at the current viewport: no sideways scrolling, no axe violation; then a PNG. */
async function checkHostedPage(d: DemoPage, page: Page, name: string) {
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(sideways, 0, `${name}: the page scrolls sideways by ${sideways}px`);
  assert.deepEqual(axeViolations(await axe(page)), [], `${name}: axe`);
  await d.screenshot(name, page);
}

/** Picks the card, presses pay, and returns the provider's card page (opened from the click) and the payment. */
async function startCard(d: DemoPage) {
  await d.methodRadio('card:card').click();
  const [hosted] = await Promise.all([d.page.waitForEvent('popup'), d.payButton.click()]);
  const payment = await d.waitForPayment({ method: 'card:card' });
  assert.equal(payment.provider, 'midtrans');
  await hosted.waitForURL(payment.redirectUrl!);
  return { hosted, payment };
}

async function typeCard(hosted: Page, number: string) {
  await hosted.getByLabel('Nomor kartu').fill(number);
  await hosted.getByLabel('Berlaku hingga (BB/TT)').fill('12/30');
  await hosted.getByLabel('CVV', { exact: true }).fill('123');
  await hosted.getByLabel('Nama pada kartu').fill('SITI RAHAYU');
  await hosted.getByRole('button', { name: /^Bayar Rp/ }).click();
  await hosted.getByRole('heading', { name: 'Verifikasi 3-D Secure' }).waitFor();
}

test('card 4811 1111 1111 1114 + OTP 112233: hosted form → 3-D Secure (survives a refresh) → back to the shop → paid', { timeout: 90_000 }, async () => {
  const d = await DemoPage.open(browser, s.url);
  try {
    const { hosted, payment } = await startCard(d);
    // The shop's page only hands off: it has no card field of any kind.
    await d.page.getByRole('heading', { name: 'Bayar dengan kartu kredit/debit' }).waitFor();
    assert.equal(await d.page.locator('bayar-checkout input').count(), 0);
    assert.doesNotMatch(await d.widgetText(), /CVV|Nomor kartu/);
    await check(d, 'card-waiting-1280');

    await hosted.getByLabel('Nomor kartu').waitFor();
    await checkHostedPage(d, hosted, 'card-form-1280');
    // A wrong entry is named beside its field, and nothing typed into the number field comes back.
    await hosted.getByLabel('Nomor kartu').fill('4811 1111 1111 1115');
    await hosted.getByRole('button', { name: /^Bayar Rp/ }).click();
    await hosted.getByRole('alert').waitFor();
    assert.match(await hosted.locator('#card_number-error').innerText(), /tidak valid/);
    await checkHostedPage(d, hosted, 'card-form-errors-1280');

    await typeCard(hosted, '4811 1111 1111 1114');
    await checkHostedPage(d, hosted, 'card-3ds-1280');
    // A refresh of either tab during 3-D Secure: the challenge is shown again, the shop resumes the card payment.
    await hosted.reload();
    await d.page.reload();
    await d.page.getByRole('heading', { name: 'Bayar dengan kartu kredit/debit' }).waitFor();
    assert.equal((await d.payment())?.id, payment.id);
    await hosted.getByLabel('Kode OTP dari SMS').fill('112233');
    await hosted.getByRole('button', { name: 'Verifikasi' }).click();
    // Snap sends the customer back to the companion's return page (the finish URL) once the issuer has decided.
    await hosted.waitForURL(new RegExp(`/return/${payment.id}\\?order_id=`));
    assert.match(await hosted.locator('h1').innerText(), /Pembayaran berhasil/);

    await d.status('paid').waitFor();
    const { body } = await api(s.url, 'GET', `/api/payments/${payment.id}`, undefined, MK);
    assert.equal(body.payment.status, 'paid');
    assert.equal(body.payment.amount, payment.amount);
    assert.deepEqual(await d.problems(), []);
    await check(d, 'card-paid-1280');
  } finally {
    await d.close();
  }
});

test('360 px: card 4911 1111 1111 1113 is denied by the bank: failed with the reason, then another method works', { timeout: 90_000 }, async () => {
  const d = await DemoPage.open(browser, s.url, { width: 360, height: 780 });
  try {
    const { hosted, payment } = await startCard(d);
    await hosted.getByLabel('Nomor kartu').waitFor();
    await checkHostedPage(d, hosted, 'card-form-360');
    await typeCard(hosted, '4911111111111113');
    await checkHostedPage(d, hosted, 'card-3ds-360');
    await hosted.getByLabel('Kode OTP dari SMS').fill('112233');
    await hosted.getByRole('button', { name: 'Verifikasi' }).click();
    await hosted.waitForURL(new RegExp(`/return/${payment.id}`));
    await hosted.close();

    await d.status('failed').waitFor();
    assert.match(await d.status('failed').innerText(), /Bank penerbit menolak kartu ini/);
    assert.equal((await d.waitForPayment({ id: payment.id, status: 'failed' })).failureReason, 'card_declined');
    await check(d, 'card-declined-360');
    assert.equal((await d.loggedEvents()).filter((e) => e === 'bayar-payment-failed').length, 1);

    // "Ganti metode": back to the list; a VA for the same order is made and shown.
    await d.page.locator('bayar-checkout [part="status"] button', { hasText: 'Ganti metode' }).click();
    const va = await d.pay('va:bca');
    assert.notEqual(va.id, payment.id);
    assert.equal(va.status, 'pending');
    await d.page.locator('bayar-checkout [part="va-number"]').first().waitFor();
    assert.deepEqual(await d.problems(), []);
  } finally {
    await d.close();
  }
});

test('card 4611 1111 1111 1116 is denied by fraud detection: failed with that reason', { timeout: 90_000 }, async () => {
  const d = await DemoPage.open(browser, s.url);
  try {
    const { hosted, payment } = await startCard(d);
    await typeCard(hosted, '4611 1111 1111 1116');
    await hosted.getByLabel('Kode OTP dari SMS').fill('112233');
    await hosted.getByRole('button', { name: 'Verifikasi' }).click();
    await hosted.waitForURL(new RegExp(`/return/${payment.id}`));
    await d.status('failed').waitFor();
    assert.match(await d.status('failed').innerText(), /sistem keamanan penyedia/);
    await check(d, 'card-fraud-1280');
    await until(async () => (await api(s.url, 'GET', `/api/payments/${payment.id}`, undefined, MK)).body.payment.failureReason === 'fraud_suspected', 'the ledger to keep the reason');

    // The merchant sees the reason in the console, on a line of its own (signed in by keyboard, at 360 px).
    const ctx = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'en-GB' });
    try {
      const page = await ctx.newPage();
      await page.goto(`${s.url}/console/`);
      await page.locator('#secret').focus();
      await page.keyboard.type(SANDBOX_KEYS.merchantKey);
      await page.keyboard.press('Enter');
      await page.locator('nav.main').waitFor();
      await page.evaluate((id) => (location.hash = `#/payments/${id}`), payment.id);
      const reason = page.locator('dd[data-failure]');
      await reason.waitFor();
      assert.equal(await reason.getAttribute('data-failure'), 'fraud_suspected');
      assert.equal(await reason.innerText(), "The provider's fraud detection refused it");
      assert.equal(await page.locator('dt', { hasText: 'Declined because' }).count(), 1);
      // Nothing was paid, so there is nothing to refund: a line says so, with no form to fill in.
      await page.locator('#refund-why', { hasText: 'Only a paid payment can be refunded.' }).waitFor();
      assert.equal(await page.locator('#refund-h ~ form').count(), 0);
      assert.deepEqual(axeViolations(await axe(page)), [], 'console payment page with a failure reason: axe');
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'no sideways scroll');
      await d.screenshot('console-card-failure-360', page);
    } finally {
      await ctx.close();
    }
  } finally {
    await d.close();
  }
});
