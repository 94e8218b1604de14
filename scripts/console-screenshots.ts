/**
 * `npm run console-screenshots`: starts a sandbox companion with a small, realistic day of payments (paid, pending,
 * expired, a partial refund, a notification that keeps failing) and payment links (one paid through its page, one
 * reusable, one disabled), signs in to the console in headless Chromium and
 * saves every page at 1280 px and 360 px into docs/console/ (the pictures docs/console.md shows).
 *
 * Needs `npm run build` first and Chromium at /usr/bin/chromium (or CHROME_PATH).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_CREDENTIALS, sandboxConfig } from '../server/config.js';
import { start } from '../server/main.js';
import { launchBrowser } from '../test/helpers/browser.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'docs', 'console');

/** A merchant backend that answers 200 to notifications, except those of orders marked FAIL (500). */
async function backend() {
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    res.writeHead(body.includes('"orderId":"INV-FAIL') ? 500 : 200).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`, close: () => new Promise((r) => server.close(r)) };
}

export async function seed(url: string) {
  const post = async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    const j = await r.json();
    if (!r.ok) throw new Error(`${path}: ${JSON.stringify(j)}`);
    return j;
  };
  const people = [
    { name: 'Siti Rahayu', email: 'siti@example.com', phone: '081234567890' },
    { name: 'Budi Santoso', email: 'budi@example.com', phone: '081298765432' },
    { name: 'Dewi Lestari', email: 'dewi@example.com', phone: '085711122233' },
  ];
  const plan: Array<[string, number, 'pay' | 'expire' | 'pending']> = [
    ['va:bca', 250_000, 'pay'],
    ['qris:qris', 48_000, 'pay'],
    ['ewallet:gopay', 150_000, 'pay'],
    ['cstore:indomaret', 99_000, 'pay'],
    ['va:bni', 1_200_000, 'pending'],
    ['ewallet:gopay', 75_000, 'pay'],
    ['va:mandiri', 320_000, 'expire'],
    ['qris:qris', 15_000, 'pay'],
  ];
  const ids: string[] = [];
  for (const [i, [method, amount, action]] of plan.entries()) {
    const orderId = i === 3 ? 'INV-FAIL-1004' : `INV-2026-${1001 + i}`;
    // As a shop does it: the backend mints a session, the widget pays with it.
    const { session } = await post('/api/sessions', { orderId, amount, customer: people[i % people.length] }, { authorization: `Bearer ${SANDBOX_CREDENTIALS.merchantKey}` });
    const { payment } = await post('/api/payments', { session, method });
    ids.push(payment.id);
    if (action !== 'pending') await post(`/api/sandbox/payments/${payment.id}/${action}`);
  }
  // Two shoppers who looked and left.
  for (const orderId of ['INV-2026-1009', 'INV-2026-1010']) await post('/api/sessions', { orderId, amount: 60_000 }, { authorization: `Bearer ${SANDBOX_CREDENTIALS.merchantKey}` });
  await post(`/api/payments/${ids[2]}/refund`, { amount: 50_000, reason: 'one item out of stock' }, { authorization: `Bearer ${SANDBOX_CREDENTIALS.merchantKey}` });
  return ids;
}

/** Payment links: a single-use one from the catalog paid through its page, a reusable donation link, a disabled one. */
async function seedLinks(url: string): Promise<string> {
  const auth = { authorization: `Bearer ${SANDBOX_CREDENTIALS.merchantKey}`, 'content-type': 'application/json' };
  const create = async (body: object) => {
    const r = await fetch(`${url}/api/links`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`links: ${await r.text()}`);
    return ((await r.json()) as { link: { id: string; url: string } }).link;
  };
  const paid = await create({
    description: 'Kue lebaran, 3 toples',
    items: [{ sku: 'NASTAR-500', name: 'Nastar 500 g', price: 95_000, quantity: 2 }, { sku: 'KASTENGEL-500', name: 'Kastengel 500 g', price: 110_000, quantity: 1 }],
    customer: { name: 'Siti Rahayu', phone: '081234567890' },
  });
  // The customer's visit: the page mints the checkout's session, the widget pays with it.
  const session = /<bayar-checkout [^>]*session="([^"]+)"/.exec(await (await fetch(paid.url)).text())![1];
  const r = await fetch(`${url}/api/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session, method: 'va:bca' }) });
  const { payment } = (await r.json()) as { payment: { id: string } };
  await fetch(`${url}/api/sandbox/payments/${payment.id}/pay`, { method: 'POST' });
  const off = await create({ description: 'Promo kilat (berakhir)', amount: 49_000 });
  await fetch(`${url}/api/links/${off.id}/disable`, { method: 'POST', headers: auth });
  await create({ description: 'Donasi renovasi masjid', openAmount: { min: 10_000, max: 5_000_000 }, maxPayments: 500, expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() });
  return paid.id;
}

/** Every page in English on a desktop; the phone and Indonesian views that show what changes (keeps docs/ small). */
const wanted = (name: string, width: number, lang: string) =>
  lang === 'en' ? width === 1280 || ['sign-in', 'payments', 'payment', 'links', 'link'].includes(name) : ['overview', 'payment', 'links'].includes(name);

async function main() {
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'bayar-shots-'));
  const b = await backend();
  const catalog = { 'NASTAR-500': { name: 'Nastar 500 g', price: 95_000 }, 'KASTENGEL-500': { name: 'Kastengel 500 g', price: 110_000 } };
  const running = await start(sandboxConfig({ port: 0, host: '127.0.0.1', dbPath: join(dir, 'bayar.db'), notifyUrl: b.url, catalog }), {
    notifierOptions: { intervalMs: 50, baseDelayMs: 200, maxDelayMs: 400 },
  });
  const browser = await launchBrowser();
  try {
    const ids = await seed(running.url);
    const linkId = await seedLinks(running.url);
    await new Promise((r) => setTimeout(r, 1500));
    const pages: Array<[string, string, string]> = [
      ['sign-in', '', 'h1'],
      ['overview', '#/overview?range=7d', 'canvas#chart-days'],
      ['payments', '#/payments', '.list li.row'],
      ['payment', `#/payments/${ids[2]}`, 'ol.timeline li'],
      ['links', '#/links', '.links li.row'],
      ['link', `#/links/${linkId}`, 'img.qr'],
      ['link-new', '#/links/new', '#link-description'],
      ['reconciliation', '#/reconciliation', 'table tbody tr'],
      ['notifications', '#/notifications', '.kpi'],
      ['providers', '#/providers', '[data-provider]'],
    ];
    for (const width of [1280, 360]) {
      for (const lang of ['en', 'id']) {
        if (lang === 'id' && width === 360) continue;
        const ctx = await browser.newContext({ viewport: { width, height: width === 360 ? 740 : 860 }, locale: lang === 'id' ? 'id-ID' : 'en-GB', timezoneId: 'Asia/Jakarta' });
        const page = await ctx.newPage();
        await page.goto(`${running.url}/console/`);
        for (const [name, hash, ready] of pages) {
          if (name !== 'sign-in') await page.evaluate((h) => (location.hash = h), hash);
          await page.locator(ready).first().waitFor();
          await page.waitForTimeout(name === 'overview' ? 400 : 100);
          if (wanted(name, width, lang)) await page.screenshot({ path: join(OUT, `${name}-${width}${lang === 'id' ? '-id' : ''}.png`), fullPage: true });
          if (name === 'sign-in') {
            await page.locator('#secret').fill(SANDBOX_CREDENTIALS.merchantKey);
            await page.locator('button[type=submit]').click();
            await page.locator('nav.main').waitFor();
          }
        }
        await ctx.close();
      }
    }
    console.log(`screenshots in ${OUT}`);
  } finally {
    await browser.close();
    await running.stop();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
