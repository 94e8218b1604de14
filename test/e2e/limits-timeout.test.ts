/**
 * Limits on the demo and a companion that stops answering. At Rp 5,000 and at Rp 15,000,000 the picker greys exactly
 * the methods GET /api/methods calls unavailable, each with its limit. A companion frozen (SIGSTOP) while the customer
 * presses Pay: the widget says so in the customer's language after its timeout instead of spinning forever, and once
 * the companion runs again (SIGCONT) the retry shows the one payment that exists for the order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PaymentMethod } from '../../server/api-types.js';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { check } from '../helpers/a11y.js';
import { DemoPage, WAIT_MS, useE2E } from '../helpers/browser.js';
import { startChild, type Child } from '../helpers/process.js';
import { api, merchantHeaders } from '../helpers/server.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const e2e = useE2E();

for (const amount of [5_000, 15_000_000]) {
  test(`Rp ${amount.toLocaleString('id-ID')}: the picker greys what the API calls unavailable, with the limit`, { timeout: 60_000 }, async () => {
    const d = await DemoPage.open(e2e.browser, e2e.s.url, { query: `amount=${amount}` });
    try {
      const { body } = await api<{ methods: PaymentMethod[] }>(e2e.s.url, 'GET', `/api/methods?amount=${amount}`);
      const shown = await d.methodRadio().evaluateAll((radios) =>
        radios.map((r) => ({ id: (r as HTMLElement).dataset.id!, disabled: r.getAttribute('aria-disabled') === 'true', text: r.textContent!.replace(/\s+/g, ' ').trim() })),
      );
      assert.deepEqual(
        shown.map((r) => [r.id, !r.disabled]).sort(),
        body.methods.map((m) => [m.id, m.available]).sort(),
        'the same methods, the same availability',
      );
      const unavailable = body.methods.filter((m) => !m.available);
      assert.ok(unavailable.length > 0 && unavailable.length < body.methods.length, 'some methods are unavailable, some not');
      for (const m of unavailable) {
        const limit = m.unavailableReason === 'below_minimum' ? `Minimal Rp ${m.minAmount.toLocaleString('id-ID')}` : `Maksimal Rp ${m.maxAmount.toLocaleString('id-ID')}`;
        assert.ok(shown.find((r) => r.id === m.id)!.text.replace(/\u00a0/g, ' ').includes(limit), `${m.id}: "${limit}"`);
      }
      // An unavailable method cannot be chosen: the pay button stays disabled.
      await d.methodRadio(unavailable[0]!.id).click({ force: true });
      assert.equal(await d.payButton.isDisabled(), true);
      await check(d, `limits-${amount}`);
    } finally {
      await d.context.close();
    }
  });
}

test('SIGSTOP on the companion mid-create: timeout message, then after SIGCONT the retry shows the one payment', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bayar-sigstop-'));
  let child: Child | undefined;
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  context.setDefaultTimeout(WAIT_MS);
  try {
    child = await startChild({ BAYAR_MODE: 'sandbox', BAYAR_DB: join(dir, 'bayar.db'), LOG_LEVEL: 'warn' });
    const page = await context.newPage();
    // The page's timers run on a clock the test moves: the widget's 30 s create timeout passes at once.
    await page.clock.install();
    const d = new DemoPage(child.url, context, page);
    await d.goto();
    const orderId = (await page.locator('#order-id').textContent())!;
    await d.methodRadio('va:bca').click();

    child.proc.kill('SIGSTOP');
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/payments'));
    await d.payButton.click();
    const first = await sent;
    await page.locator('bayar-checkout button.pay', { hasText: 'Memproses' }).waitFor();
    await page.clock.runFor(31_000);
    const alert = page.locator('bayar-checkout [role="alert"][data-code="timeout"]');
    await alert.waitFor();
    assert.match((await alert.textContent())!, /Server pembayaran tidak menjawab/);
    assert.deepEqual((await d.loggedEvents()).filter((e) => e === 'bayar-error'), ['bayar-error']);

    child.proc.kill('SIGCONT');
    const retried = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/payments'));
    await page.getByRole('button', { name: 'Coba lagi' }).click();
    const second = await retried;
    assert.equal(second.headers()['idempotency-key'], first.headers()['idempotency-key'], 'the retry reuses the Idempotency-Key');
    const payment = await d.waitForPayment({ method: 'va:bca', status: 'pending' });

    const list = await api(child.url, 'GET', `/api/payments?orderId=${orderId}`, undefined, merchantHeaders(SANDBOX_CREDENTIALS.merchantKey));
    assert.deepEqual(list.body.payments.map((p: { id: string }) => p.id), [payment.id], 'exactly one payment for the order');
  } finally {
    await context.close();
    if (child) {
      child.proc.kill('SIGCONT');
      child.proc.kill('SIGTERM');
      await child.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
