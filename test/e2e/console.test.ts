/**
 * The merchant console in Chromium, as a shop owner uses it after a sale on the demo storefront: sign in by keyboard,
 * find the demo's paid payment by its order id, refund part of it (keyboard only, with the confirmation step), see
 * the timeline update, resend its notification, open today's reconciliation and download the CSV, sign out. Payment
 * links: made from catalog products by keyboard, the URL copied, its QR read like a phone camera, opened and paid
 * on a phone, the payment then on the link; another link disabled after a confirmation. A read-only user cannot
 * refund nor create or disable links. Every page passes axe (WCAG 2.1 AA) at 1280 px and 360 px without sideways
 * scroll, under the companion's strict CSP with no violation or script error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { hashPassword, parseConsoleUsers } from '../../server/console/users.js';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { DemoPage, SCREENSHOT_DIR, WAIT_MS, assertBuilt, launchBrowser, until } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as (rgba: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const CATALOG = { 'NASTAR-500': { name: 'Nastar 500 g', price: 95_000 }, 'KASTENGEL-500': { name: 'Kastengel 500 g', price: 110_000 } };

const KEY = SANDBOX_CREDENTIALS.merchantKey;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let s: TestServer;
let browser: Browser;
let backend: Server;
const received: string[] = [];

before(async () => {
  assertBuilt();
  backend = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    received.push(body);
    res.writeHead(200).end();
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const users = parseConsoleUsers(`vera:viewer:${await hashPassword('vera-reads-only')}`, []);
  [s, browser] = await Promise.all([
    startTestServer(
      { notifyUrl: `http://127.0.0.1:${(backend.address() as AddressInfo).port}/notify`, console: { enabled: true, users }, catalog: CATALOG },
      undefined,
      { notifierOptions: { intervalMs: 50, baseDelayMs: 50 } },
    ),
    launchBrowser(),
  ]);
});
after(async () => {
  await browser?.close();
  await s?.destroy();
  await new Promise((r) => backend?.close(r));
});

class Console {
  readonly problems: string[] = [];
  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('pageerror', (e) => this.problems.push(`uncaught: ${e.message}`));
    page.on('console', (m) => {
      // A 401 from the session probe before sign-in is the expected "not signed in" answer.
      if (m.type() === 'error' && !/status of 401/.test(m.text())) this.problems.push(`console.error: ${m.text()}`);
    });
  }

  static async open(width = 1280): Promise<Console> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'en-GB', timezoneId: 'Asia/Jakarta', acceptDownloads: true });
    context.setDefaultTimeout(WAIT_MS);
    await context.addInitScript(() => {
      const w = window as unknown as { __csp: string[] };
      w.__csp = [];
      window.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.effectiveDirective} ${e.blockedURI}`), true);
    });
    const page = await context.newPage();
    const c = new Console(context, page);
    await page.goto(`${s.url}/console/`);
    await page.locator('h1').first().waitFor();
    return c;
  }

  /** Tab to the password field, type, Enter: no mouse. */
  async signInByKeyboard(secret: string, name?: string) {
    for (let i = 0; i < 10 && !(await this.page.evaluate(() => (document.querySelector('bayar-console')?.shadowRoot?.activeElement as HTMLElement | null)?.id === 'name')); i++) {
      await this.page.keyboard.press('Tab');
    }
    if (name) await this.page.keyboard.type(name);
    await this.page.keyboard.press('Tab');
    await this.page.keyboard.type(secret);
    await this.page.keyboard.press('Enter');
    await this.page.locator('nav.main').waitFor();
  }

  async go(hash: string, ready: string) {
    await this.page.evaluate((h) => (location.hash = h), hash);
    await this.page.locator(ready).first().waitFor();
  }

  async csp(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  }

  /** axe (WCAG 2.1 A/AA) on the whole page, shadow roots included; no sideways scroll; a PNG for a human look. */
  async check(name: string) {
    await this.page.evaluate(axeSource);
    const r = await this.page.evaluate(() =>
      (window as unknown as { axe: { run(d: Document, o: object): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown; failureSummary?: string }> }>; passes: Array<{ id: string; nodes: unknown[] }> }> } }).axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        resultTypes: ['violations', 'passes'],
      }),
    );
    assert.deepEqual(r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join(' | ')}`), [], `${name}: axe`);
    assert.ok((r.passes.find((p) => p.id === 'color-contrast')?.nodes.length ?? 0) > 5, `${name}: contrast was really checked`);
    const overflow = await this.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `${name}: no sideways scroll`);
    await this.page.screenshot({ path: `${SCREENSHOT_DIR}/console-${name}.png`, fullPage: true });
  }

  close() {
    return this.context.close();
  }
}

describe('merchant console', { timeout: 120_000 }, () => {
  test('sign in, find the demo payment, refund part by keyboard, timeline, resend, reconciliation CSV, sign out', async () => {
    // A customer pays on the demo storefront (GoPay through Midtrans, which refunds through its API).
    const demo = await DemoPage.open(browser, s.url);
    const payment = await demo.pay('ewallet:gopay');
    await demo.sandbox('pay');
    await demo.status('paid').waitFor();
    await demo.close();

    const c = await Console.open();
    const { page } = c;
    try {
      await c.signInByKeyboard(KEY);
      assert.match(await page.locator('header .who').innerText(), /merchant \(operator\)/);

      // Find it by order id.
      await c.go('#/payments', '.list');
      await page.locator('#f-q').fill(payment.orderId);
      await page.locator('#f-q').press('Enter');
      const row = page.locator(`.list li.row[data-id="${payment.id}"]`);
      await row.waitFor();
      assert.equal(await page.locator('.list li.row').count(), 1);
      await row.locator('a').click();
      await page.locator('h1', { hasText: payment.orderId }).waitFor();
      assert.match(await page.locator('h1').innerText(), /Paid/);

      // Refund Rp 40.000 with the keyboard only: partial is the default; the confirmation step takes focus.
      await page.locator('#refund-amount').focus();
      await page.keyboard.type('40000');
      await page.keyboard.press('Tab');
      await page.keyboard.type('customer returned one item');
      await page.keyboard.press('Enter');
      await page.locator('#confirm-refund').waitFor();
      assert.match(await page.locator('#confirm-text').innerText(), new RegExp(`Refund Rp\\s40\\.000 for order ${payment.orderId}`));
      assert.equal(await page.evaluate(() => (document.querySelector('bayar-console')!.shadowRoot!.activeElement as HTMLElement).id), 'confirm-refund');
      await page.keyboard.press('Enter');
      await page.locator('#refund-status', { hasText: 'Refund of Rp 40.000 recorded' }).waitFor();
      // The timeline now shows the refund and who asked for it.
      await page.locator('ol.timeline li[data-kind="console"]', { hasText: 'console, by merchant' }).waitFor();
      await page.locator('ol.timeline li[data-kind="refund"]', { hasText: 'succeeded' }).waitFor();
      assert.match(await page.locator('dl.facts').innerText(), /Refunded so far\s+Rp\s40\.000/);
      const ledger = (await s.store.getPayment(payment.id))!;
      assert.equal(ledger.refundedAmount, 40_000);
      await c.check('payment-1280');

      // Resend its notification: the merchant backend gets the payment's notification once more.
      await until(() => received.filter((b) => b.includes(payment.id)).length >= 3, 'created, paid and refund notifications');
      const before = received.filter((b) => b.includes(payment.id)).length;
      await page.locator('button.resend').click();
      await page.locator('#refund-status', { hasText: 'queued to be sent again' }).waitFor();
      await until(() => received.filter((b) => b.includes(payment.id)).length === before + 1, 'the resent notification');
      await page.locator('ol.timeline li[data-kind="console"]', { hasText: 'resend_notification' }).waitFor();

      // Today's reconciliation, and its CSV.
      await c.go('#/reconciliation', 'table tbody tr');
      await page.locator('table tbody tr', { hasText: payment.orderId }).first().waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a.csv').click()]);
      const csv = readFileSync((await download.path())!, 'utf8');
      assert.match(download.suggestedFilename(), /^bayar-\d{4}-\d{2}-\d{2}\.csv$/);
      assert.match(csv, new RegExp(`^payment,${payment.id},${payment.id},${payment.orderId},ewallet:gopay,midtrans,${payment.amount},paid,`, 'm'));
      assert.match(csv, new RegExp(`^refund,rf_[^,]+,${payment.id},${payment.orderId},ewallet:gopay,midtrans,40000,succeeded,`, 'm'));
      await c.check('reconciliation-1280');

      // The audit log: reached from the menu by keyboard, filtered to refunds, shows who refunded what.
      await page.locator('nav.main a', { hasText: 'Audit log' }).focus();
      await page.keyboard.press('Enter');
      await page.locator('table.audit tbody tr').first().waitFor();
      await page.locator('#a-action').selectOption('refund');
      await page.locator('#a-payment').fill(payment.id);
      await page.keyboard.press('Enter');
      await until(async () => (await page.evaluate(() => location.hash)) === `#/audit?action=refund&payment=${payment.id}`, 'filters in the hash');
      // The unfiltered rows stay on screen until the filtered page arrives: wait for exactly the one refund.
      const refundRow = page.locator('table.audit tbody tr[data-action="refund"]');
      await until(async () => (await page.locator('table.audit tbody tr').count()) === 1, 'the filtered list: one refund');
      assert.match(await refundRow.innerText(), /merchant[\s\S]*Refund[\s\S]*ok[\s\S]*amount: Rp\s40\.000 · reason: customer returned one item/);
      await c.check('audit-1280');

      for (const [hash, ready, name] of [
        ['#/overview?range=7d', 'canvas#chart-days', 'overview-1280'],
        ['#/payments', '.list li.row', 'payments-1280'],
        ['#/notifications', '.kpi', 'notifications-1280'],
        ['#/providers', '[data-provider]', 'providers-1280'],
      ]) {
        await c.go(hash!, ready!);
        await c.check(name!);
      }

      // Sign out: back to the form, and the old session is gone server-side.
      await page.locator('button.sign-out').click();
      await page.locator('#secret').waitFor();
      await c.check('sign-in-1280');
      const me = await page.evaluate(async () => (await fetch('api/session')).status);
      assert.equal(me, 401);
      assert.deepEqual(await c.csp(), []);
      assert.deepEqual(c.problems, []);
      // The key went only into a POST body: not in the URL, and not in the page's storage.
      const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href);
      assert.ok(!storage.includes(KEY));
    } finally {
      await c.close();
    }
  });

  test('payment links: create from the catalog by keyboard, copy the URL, read its QR, pay it on a phone, see the payment; disable another', async () => {
    const c = await Console.open();
    const { page } = c;
    await c.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.url });
    try {
      await c.signInByKeyboard(KEY);
      await c.go('#/links', '.links');
      await page.locator('a.new-link').click();
      await page.locator('#link-description').waitFor();
      await c.check('link-new-1280');

      // Keyboard only: description, then the amount kind by arrow key, quantities, customer, Enter.
      await page.locator('#link-description').focus();
      await page.keyboard.type('Kue lebaran');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => (document.querySelector('bayar-console')!.shadowRoot!.activeElement as HTMLInputElement).value), 'amount');
      await page.keyboard.press('ArrowRight');
      await page.locator('input.qty[data-sku="NASTAR-500"]').waitFor();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => (document.querySelector('bayar-console')!.shadowRoot!.activeElement as HTMLInputElement).dataset.sku), 'NASTAR-500');
      await page.keyboard.press('Control+A');
      await page.keyboard.type('2');
      await page.locator('#items-total', { hasText: /Rp\s190\.000/ }).waitFor();
      await page.locator('#link-customer-name').focus();
      await page.keyboard.type('Siti Rahayu');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.type('081234567890');
      await page.keyboard.press('Enter');
      await page.locator('#link-status', { hasText: 'Link created' }).waitFor();
      const url = await page.locator('#link-url').inputValue();
      const link = (await s.store.listLinks({ limit: 1, order: 'desc', now: new Date().toISOString() })).links[0]!;
      assert.equal(url, link.url);
      assert.equal(link.amount, 190_000);
      assert.deepEqual(link.items, [{ sku: 'NASTAR-500', name: 'Nastar 500 g', price: 95_000, quantity: 2 }]);
      assert.deepEqual(link.customer, { name: 'Siti Rahayu', phone: '081234567890' });
      assert.match(await page.locator('h1').innerText(), /Kue lebaran\s+Active/);
      assert.match(await page.locator('dl.facts').innerText(), /2 × Nastar 500 g/);
      assert.match(await page.locator('a.whatsapp').getAttribute('href') ?? '', /^https:\/\/wa\.me\/6281234567890\?text=/);

      // Copy puts the URL on the clipboard; the QR on screen reads as the URL.
      await page.locator('button.copy').click();
      await page.locator('#link-status', { hasText: 'Link copied.' }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
      await page.waitForFunction(() => {
        const img = document.querySelector('bayar-console')!.shadowRoot!.querySelector('img.qr') as HTMLImageElement | null;
        return !!img && img.complete && img.naturalWidth > 0;
      });
      const shot = PNG.sync.read(await page.locator('img.qr').screenshot());
      assert.equal(jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data, url);
      await c.check('link-1280');

      // The customer opens the copied URL on a phone and pays by VA; the sandbox's provider emulator confirms it.
      const phone = await DemoPage.blank(browser, s.url, { width: 360, height: 780 });
      try {
        await phone.page.goto(await page.evaluate(() => navigator.clipboard.readText()));
        await phone.page.getByRole('heading', { name: 'Kue lebaran' }).waitFor();
        const pending = await phone.pay('va:bca');
        assert.equal(pending.amount, 190_000);
        const paid = await fetch(`${s.url}/api/sandbox/payments/${pending.id}/pay`, { method: 'POST' });
        assert.equal(paid.status, 200);
        await phone.page.locator('main.receipt').waitFor();
        assert.deepEqual(await phone.problems(), []);

        // Back in the console: the link is completed and shows the payment, which opens the payment's page.
        await page.reload();
        await page.locator(`.link-payments li.row[data-id="${pending.id}"]`, { hasText: 'Paid' }).waitFor();
        assert.match(await page.locator('h1').innerText(), /Completed/);
        assert.match(await page.locator('dl.facts').innerText(), /Paid\s+1 of 1/);
        assert.equal(await page.locator('button.disable').isDisabled(), true);
        await page.locator('#disable-why', { hasText: 'no longer takes payments' }).waitFor();
        await c.check('link-paid-1280');
        await page.locator(`.link-payments li.row[data-id="${pending.id}"] a`).click();
        await page.locator('h1', { hasText: pending.orderId }).waitFor();
      } finally {
        await phone.context.close();
      }

      // A reusable link with a fixed amount, then disabled by keyboard with the confirmation step.
      await c.go('#/links/new', '#link-description');
      await page.locator('#link-description').fill('Donasi masjid');
      await page.locator('#link-amount').fill('50.000');
      await page.locator('input[name="usage"][value="reusable"]').check();
      await page.locator('#link-max-payments').fill('25');
      await page.locator('form.link-form button[type=submit]').click();
      await page.locator('#link-status', { hasText: 'Link created' }).waitFor();
      assert.match(await page.locator('dl.facts').innerText(), /Paid\s+0 of 25/);
      await page.locator('button.disable').focus();
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => (document.querySelector('bayar-console')!.shadowRoot!.activeElement as HTMLElement).id), 'confirm-disable');
      await page.keyboard.press('Enter');
      await page.locator('#link-status', { hasText: 'Link disabled.' }).waitFor();
      assert.match(await page.locator('h1').innerText(), /Donasi masjid\s+Disabled/);
      const donation = (await s.store.listLinks({ limit: 1, order: 'desc', now: new Date().toISOString() })).links[0]!;
      assert.ok(donation.disabledAt);
      assert.equal((await fetch(donation.url)).status, 410);

      // A field the server refuses is named and focused.
      await c.go('#/links/new', '#link-description');
      await page.locator('#link-description').fill('Terlalu murah');
      await page.locator('#link-amount').fill('1');
      await page.locator('form.link-form button[type=submit]').click();
      await page.locator('#link-error', { hasText: 'accepts Rp1' }).waitFor();

      // The list: newest first, with status, uses and amount; filtered by status.
      await c.go('#/links', `.links li.row[data-id="${donation.id}"]`);
      assert.match(await page.locator(`.links li.row[data-id="${donation.id}"]`).innerText(), /Donasi masjid\s+Disabled\s+Paid: 0 of 25\s+Rp\s50\.000/);
      assert.match(await page.locator(`.links li.row[data-id="${link.id}"]`).innerText(), /Kue lebaran\s+Completed\s+Paid: 1 of 1\s+Rp\s190\.000/);
      await c.check('links-1280');
      await page.locator('#f-link-status').selectOption('completed');
      await page.locator('form.filters button[type=submit]').click();
      await page.waitForFunction(() => location.hash === '#/links?status=completed');
      // The rows shown before stay until the filtered page arrives: wait for the disabled link to leave.
      await page.locator(`.links li.row[data-id="${donation.id}"]`).waitFor({ state: 'detached' });
      await page.locator(`.links li.row[data-id="${link.id}"]`).waitFor();
      assert.equal(await page.locator('.links li.row').count(), 1);

      const audit = (await s.store.listAudit({ limit: 20 })).filter((a) => a.action.endsWith('_link')).map((a) => `${a.action}:${a.outcome}`);
      assert.deepEqual(audit.reverse(), ['create_link:ok', 'create_link:ok', 'disable_link:ok', 'create_link:amount_not_payable']);
      assert.deepEqual(await c.csp(), []);
      assert.deepEqual(c.problems.filter((p) => !/status of 422/.test(p)), []);
    } finally {
      await c.close();
    }
  });

  test('a wrong key is refused with a clear message; a viewer reads but cannot refund', async () => {
    const c = await Console.open();
    try {
      await c.signInByKeyboard('vera-reads-only', 'vera');
      const paid = (await s.store.listPayments({ status: 'paid', limit: 1 })).payments[0]!;
      await c.go(`#/payments/${paid.id}`, 'h1');
      await c.page.locator('#refund-why', { hasText: 'Read-only users cannot refund' }).waitFor();
      assert.equal(await c.page.locator('#refund-h ~ form').count(), 0, 'no refund form a viewer could not submit');
      assert.equal(await c.page.locator('button.resend').isDisabled(), true);
      // Links: readable, but no way to make or disable one.
      await c.go('#/links', '.links');
      await c.page.locator('#links-viewer', { hasText: 'Read-only users cannot create or disable links.' }).waitFor();
      assert.equal(await c.page.locator('a.new-link').count(), 0);
      // The links test before this one made two links, the newest disabled: its button is off for the viewer's role.
      await c.page.locator('.links li.row a', { hasText: 'Kue lebaran' }).click();
      await c.page.locator('#disable-why', { hasText: 'Read-only users cannot create or disable links.' }).waitFor();
      assert.equal(await c.page.locator('button.disable').isDisabled(), true);
      // The audit log names every user and address: not in a viewer's menu, and its API refuses them.
      assert.equal(await c.page.locator('nav.main a', { hasText: 'Audit log' }).count(), 0);
      await c.go('#/audit', 'p.error');
      assert.match(await c.page.locator('p.error').innerText(), /Only an operator may do this/);
      assert.equal(await c.page.locator('table.audit').count(), 0);
      await c.page.locator('button.sign-out').click();
      await c.page.locator('#secret').fill('definitely-not-the-key');
      await c.page.locator('form button[type=submit]').click();
      await c.page.locator('#signin-error', { hasText: 'The key, or the name and password, are wrong.' }).waitFor();
      assert.equal(await c.page.locator('#secret').inputValue(), '', 'the field is cleared');
    } finally {
      await c.close();
    }
  });

  test('every page at 360 px: axe clean, no sideways scroll; the language switch turns the console Indonesian', async () => {
    const c = await Console.open(360);
    try {
      await c.check('sign-in-360');
      await c.signInByKeyboard(KEY);
      const paid = (await s.store.listPayments({ status: 'paid', limit: 1 })).payments[0]!;
      const links = (await s.store.listLinks({ limit: 1, status: 'completed', now: new Date().toISOString() })).links;
      assert.equal(links.length, 1, 'the link paid in the links test');
      for (const [hash, ready, name] of [
        ['#/overview', '.kpi', 'overview-360'],
        ['#/payments', '.list li.row', 'payments-360'],
        [`#/payments/${paid.id}`, 'ol.timeline li', 'payment-360'],
        ['#/links', '.links li.row', 'links-360'],
        ['#/links/new', '#link-description', 'link-new-360'],
        [`#/links/${links[0]!.id}`, 'img.qr', 'link-360'],
        ['#/reconciliation', 'table', 'reconciliation-360'],
        ['#/notifications', '.kpi', 'notifications-360'],
        ['#/providers', '[data-provider]', 'providers-360'],
        ['#/audit', 'table.audit tbody tr', 'audit-360'],
      ]) {
        await c.go(hash!, ready!);
        await c.check(name!);
      }
      await c.page.locator('button.lang').click();
      await c.page.locator('nav.main a', { hasText: 'Penyedia' }).waitFor();
      assert.equal(await c.page.evaluate(() => document.documentElement.lang), 'id');
      await c.check('providers-360-id');
      assert.deepEqual(await c.csp(), []);
      assert.deepEqual(c.problems, []);
    } finally {
      await c.close();
    }
  });
});
