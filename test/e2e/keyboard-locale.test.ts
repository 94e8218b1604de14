/**
 * The demo with the keyboard only, and in English: the method list is one radio group (Tab reaches it once, arrow
 * keys move, Space/Enter selects), and `locale="en"` (or the demo's language switch) speaks English throughout.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DemoPage, useE2E } from '../helpers/browser.js';

const e2e = useE2E();

test('keyboard only: Tab into the methods, arrows to BRI, Space selects, Tab to Pay, Enter: instructions', { timeout: 60_000 }, async () => {
  const d = await DemoPage.open(e2e.browser, e2e.s.url);
  const keys = d.page.keyboard;
  try {
    // Tab from the top of the page until focus enters the radio group; it must take a handful of stops, not dozens.
    let focused = await d.focused();
    for (let i = 0; i < 8 && focused?.role !== 'radio'; i++) {
      await keys.press('Tab');
      focused = await d.focused();
    }
    assert.equal(focused?.role, 'radio', 'Tab reaches the method list');
    assert.equal(focused.id, 'va:bca', 'the group has one tab stop: the first method');

    await keys.press('ArrowDown');
    assert.equal((await d.focused())?.id, 'va:bni');
    await keys.press('ArrowDown');
    assert.equal((await d.focused())?.id, 'va:bri');
    await keys.press('ArrowUp');
    await keys.press('ArrowDown');
    // Moving focus does not choose: nothing is selected until Space or Enter.
    assert.equal(await d.methodRadio('va:bri').getAttribute('aria-checked'), 'false');
    assert.equal(await d.payButton.isDisabled(), true);
    await keys.press('Space');
    assert.equal(await d.methodRadio('va:bri').getAttribute('aria-checked'), 'true');
    assert.equal(await d.page.locator('bayar-checkout [role="radio"][aria-checked="true"]').count(), 1);

    await keys.press('Tab');
    const pay = await d.focused();
    assert.equal(pay?.tag, 'button');
    assert.match(pay.className, /\bpay\b/);
    assert.equal(pay.text, 'Bayar');
    await keys.press('Enter');

    const instructions = d.page.locator('bayar-checkout [part="instructions"]');
    await instructions.waitFor();
    const payment = await d.waitForPayment({ method: 'va:bri', status: 'pending' });
    assert.equal(await d.page.locator('bayar-checkout [part="va-number"]').textContent(), payment.va!.number.replace(/(.{4})(?=.)/g, '$1 '));
    assert.match(await instructions.innerText(), /Cara membayar[\s\S]*BRImo/);
    // The customer's place moves to the new view, so the next Tab continues there, not at the top of the page.
    assert.equal(await d.focusedHeading(), 'BRI Virtual Account');
    await keys.press('Tab');
    assert.equal((await d.focused())?.text, 'Salin Nomor Virtual Account', 'the copy button, named for what it copies');
    await d.screenshot('keyboard-va-instructions');

    // On through the guides to "cancel", and back to the methods, still without a mouse.
    for (let i = 0; i < 8 && (await d.focused())?.text !== 'Batalkan pembayaran'; i++) await keys.press('Tab');
    assert.equal((await d.focused())?.text, 'Batalkan pembayaran');
    await keys.press('Enter');
    await d.status('cancelled').waitFor();
    assert.equal(await d.focusedHeading(), 'Pembayaran dibatalkan');
    await keys.press('Tab');
    assert.equal((await d.focused())?.text, 'Ganti metode');
    await keys.press('Enter');
    await d.methodRadio().first().waitFor();
    assert.equal(await d.focusedHeading(), 'Pilih metode pembayaran');
    await keys.press('Tab');
    assert.equal((await d.focused())?.role, 'radio', 'the next Tab is the method list again');
    assert.deepEqual(await d.problems(), []);
  } finally {
    await d.close();
  }
});

test('English: /?lang=en speaks English in the widget and the demo, and the switch goes back live', { timeout: 60_000 }, async () => {
  const d = await DemoPage.open(e2e.browser, e2e.s.url, { query: 'lang=en' });
  try {
    assert.equal(await d.page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await d.checkout.getAttribute('locale'), 'en');
    await d.page.getByRole('heading', { name: 'Choose a payment method' }).waitFor();
    assert.equal(await d.page.locator('h1').textContent(), 'Cart');
    assert.equal(await d.page.locator('#sandbox-title').textContent(), 'Sandbox panel');
    assert.match(await d.widgetText(), /Virtual Account .*E-wallet .*Convenience store .*PayLater/);
    await d.screenshot('english-methods');

    await d.methodRadio('va:mandiri').click();
    assert.equal(await d.payButton.textContent().then((t) => t!.trim()), 'Pay');
    await d.payButton.click();
    await d.page.locator('bayar-checkout [part="instructions"]').waitFor();
    const text = await d.widgetText();
    for (const phrase of ['Mandiri Virtual Account', 'Amount to pay', 'Pay before', 'Time left', 'How to pay', 'Mobile banking', 'Cancel payment']) {
      assert.ok(text.includes(phrase), `"${phrase}" in:\n${text}`);
    }
    assert.doesNotMatch(text, /Cara membayar|Bayar sebelum|Batalkan/);
    await d.screenshot('english-va');

    // The demo's switch: the widget and the page's own texts change live, and a reload keeps the choice.
    await d.page.selectOption('#lang', 'id');
    await d.page.locator('bayar-checkout [part="instructions"]', { hasText: 'Cara membayar' }).waitFor();
    await d.page.locator('h1', { hasText: 'Keranjang' }).waitFor();
    assert.equal(await d.page.locator('html').getAttribute('lang'), 'id');
    assert.match(d.page.url(), /\?lang=id$/);
    await d.page.selectOption('#lang', 'en');
    await d.page.locator('bayar-checkout [part="instructions"]', { hasText: 'How to pay' }).waitFor();
    await d.page.locator('h1', { hasText: 'Cart' }).waitFor();
    await d.page.reload();
    await d.page.locator('bayar-checkout [part="instructions"]', { hasText: 'How to pay' }).waitFor();
    assert.deepEqual(await d.problems(), []);
  } finally {
    await d.close();
  }
});
