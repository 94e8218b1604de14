/**
 * Regenerates docs/theming.png: the themed page from docs/examples/themed-checkout.html, served by a sandbox
 * companion, with a BCA Virtual Account on screen.
 *
 *   npm run build && node --import tsx docs/tools/theming-screenshot.mjs
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/helpers/chromium.mjs';
import { sandboxConfig } from '../../server/config.ts';
import { start } from '../../server/main.ts';

const docs = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bayar-shot-'));
const running = await start(sandboxConfig({ port: 0, host: '127.0.0.1', dbPath: join(dir, 'bayar.db'), logLevel: 'silent' }), { background: false });
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: CHROMIUM_ARGS,
});
try {
  const mint = async (orderId) => {
    const res = await fetch(`${running.url}/api/sessions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sandbox-merchant-key-not-secret', 'content-type': 'application/json' },
      body: JSON.stringify({ orderId, amount: 150_000, customer: { name: 'Siti Rahayu', email: 'siti@example.com', phone: '081234567890' } }),
    });
    return (await res.json()).session;
  };
  const html = readFileSync(join(docs, 'examples/themed-checkout.html'), 'utf8')
    .replaceAll('https://pay.shop.example', running.url)
    .replace('{{SESSION}}', await mint('KOPI-20261123-001'));
  const context = await browser.newContext({ viewport: { width: 1000, height: 1200 }, deviceScaleFactor: 1, timezoneId: 'Asia/Jakarta', locale: 'en-US' });
  const page = await context.newPage();
  await page.route(`${running.url}/themed-checkout`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  await page.goto(`${running.url}/themed-checkout`);
  // The same element twice, side by side: choosing a method (a `methods` filter keeps the list short), and
  // the Virtual Account it opened.
  const second = await mint('KOPI-20261123-002');
  await page.evaluate((session) => {
    const main = document.querySelector('main');
    main.style.cssText = 'max-width: none; display: grid; grid-template-columns: 420px 420px; gap: 32px; align-items: start; justify-content: center;';
    const el = document.querySelector('bayar-checkout').cloneNode();
    el.setAttribute('session', session);
    el.setAttribute('methods', 'va:bca,va:mandiri,qris,ewallet:gopay,ewallet:ovo,cstore:indomaret,paylater');
    main.prepend(el);
  }, second);
  const [picking, paying] = [page.locator('bayar-checkout').nth(0), page.locator('bayar-checkout').nth(1)];
  await picking.getByRole('radio', { name: /QRIS/ }).waitFor();
  await paying.getByRole('radio', { name: /QRIS/ }).waitFor();
  await picking.getByRole('radio', { name: /BCA/ }).click();
  await paying.getByRole('radio', { name: /BCA/ }).click();
  await paying.getByRole('button', { name: /^Pay/ }).click();
  await paying.locator('[part~="va-number"]').first().waitFor();
  await page.waitForTimeout(300); // fonts and the countdown's first tick
  const box = await page.locator('main').boundingBox();
  await page.screenshot({ path: join(docs, 'theming.png'), clip: { x: box.x - 24, y: box.y - 24, width: box.width + 48, height: box.height + 48 } });
  console.log(`wrote ${join(docs, 'theming.png')}`);
} finally {
  await browser.close();
  await running.stop();
  rmSync(dir, { recursive: true, force: true });
}
