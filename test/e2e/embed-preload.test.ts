/**
 * docs/integration.md §3's embed with the method list preloaded by the page (docs/examples/embed-preload.html), on a
 * shop origin other than the companion's: bayar.js's request for the element is exactly the preloaded one, so the
 * browser hands it that answer (one request, anonymous); a hint that does not match only costs its own request.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import type { ConsoleMessage, Request } from 'playwright-core';
import { useE2E, WAIT_MS } from '../helpers/browser.js';

const SNIPPET = readFileSync(new URL('../../docs/examples/embed-preload.html', import.meta.url), 'utf8');
const DOCS_SERVER = 'https://pay.shop.example';
assert.ok(SNIPPET.includes(`href="${DOCS_SERVER}/api/methods?amount=150000"`), 'the example preloads the list of its amount');

/** The shop: its page is the docs' example with the companion's address put in, optionally edited. */
let edit = (html: string) => html;
const shop = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Shop</title></head><body><main>\n${edit(SNIPPET.replaceAll(DOCS_SERVER, e2e.s.url))}</main></body></html>`);
});
await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
const SHOP = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
after(() => shop.close());

const e2e = useE2E({ allowedOrigins: [SHOP] });

/** Opens the shop page with a cookie set for the companion's host; returns the method requests and console lines. */
async function open() {
  const context = await e2e.browser.newContext();
  await context.addCookies([{ name: 'shop_session', value: 'secret', url: e2e.s.url }]);
  const page = await context.newPage();
  const methods: Request[] = [];
  const logged: string[] = [];
  page.on('request', (r) => void (new URL(r.url()).pathname === '/api/methods' && methods.push(r)));
  page.on('console', (m: ConsoleMessage) => void logged.push(m.text()));
  await page.goto(`${SHOP}/checkout`);
  await page.locator('bayar-checkout [role="radio"]').first().waitFor({ timeout: WAIT_MS });
  return { context, page, methods, logged };
}

test('the preloaded method list is the widget\'s: one request, no cookies, no unused-preload warning', async () => {
  edit = (html) => html;
  const { context, methods, logged } = await open();
  try {
    assert.equal(methods.length, 1, `one methods request: ${methods.map((r) => r.url()).join(', ')}`);
    assert.equal(methods[0]!.url(), `${e2e.s.url}/api/methods?amount=150000`);
    const headers = await methods[0]!.allHeaders();
    assert.equal(headers['cookie'], undefined, 'anonymous: the companion host\'s cookie is not sent');
    assert.equal(headers['bayar-session'], undefined);
    assert.deepEqual(logged.filter((l) => /preload/i.test(l)), []);
  } finally {
    await context.close();
  }
});

test('a page that loads bayar.mjs itself: the element\'s own request takes the preloaded answer', async () => {
  edit = (html) => html.replace(/<script src="([^"]+)\/bayar\.js" async fetchpriority="high"><\/script>/, '<script type="module" src="$1/bayar.mjs"></script>');
  const { context, page, methods, logged } = await open();
  try {
    assert.equal(await page.evaluate(() => document.querySelectorAll('script[src$="bayar.js"]').length), 0, 'no loader on this page');
    assert.equal(methods.length, 1, `one methods request: ${methods.map((r) => r.url()).join(', ')}`);
    assert.equal((await methods[0]!.allHeaders())['cookie'], undefined);
    assert.deepEqual(logged.filter((l) => /preload/i.test(l)), []);
  } finally {
    await context.close();
  }
});

test('a preload that does not match the element\'s order costs its own request only: the widget fetches its list', async () => {
  edit = (html) => html.replace('/api/methods?amount=150000', '/api/methods?amount=99000');
  const { context, page, methods } = await open();
  try {
    const urls = methods.map((r) => new URL(r.url()).search).sort();
    assert.deepEqual(urls, ['?amount=150000', '?amount=99000']);
    for (const r of methods) assert.equal((await r.allHeaders())['cookie'], undefined);
    // The element shows its own order's list (what the companion answers for 150,000), not the preloaded one.
    const own = await (await methods.find((r) => r.url().endsWith('=150000'))!.response())!.json();
    assert.equal(await page.locator('bayar-checkout [role="radio"]').count(), own.methods.length);
  } finally {
    await context.close();
  }
});

test('an English page with the English texts in a modulepreload hint: they arrive beside bayar.mjs, fetched once', async () => {
  edit = (html) =>
    html
      .replace('<bayar-checkout ', '<bayar-checkout locale="en" ')
      .replace('<script ', `<link rel="modulepreload" href="${e2e.s.url}/chunks/en.js">\n<script `);
  const context = await e2e.browser.newContext();
  try {
    const page = await context.newPage();
    const english: Request[] = [];
    let asked!: () => void;
    const askedForEnglish = new Promise<void>((resolve) => (asked = resolve));
    page.on('request', (r) => void (new URL(r.url()).pathname === '/chunks/en.js' && (english.push(r), asked())));
    // bayar.mjs is held back until the texts were asked for: only the page's hint can have asked by then.
    let heldUntilEnglish: boolean | undefined;
    await page.route('**/bayar.mjs', async (route) => {
      heldUntilEnglish = await Promise.race([askedForEnglish.then(() => true), new Promise<boolean>((r) => setTimeout(r, WAIT_MS, false))]);
      await route.continue();
    });
    await page.goto(`${SHOP}/checkout`);
    await page.locator('bayar-checkout [role="radio"]').first().waitFor({ timeout: WAIT_MS });
    assert.equal(heldUntilEnglish, true, 'the English chunk was requested before bayar.mjs was served');
    assert.equal(english.length, 1, 'one request: bayar.mjs took the module the hint had loaded');
    assert.equal(await page.locator('bayar-checkout bayar-method-picker h2').textContent(), 'Choose a payment method');
  } finally {
    await context.close();
  }
});

test('an Indonesian checkout loads no English texts', async () => {
  edit = (html) => html;
  const { context, page } = await open();
  try {
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.js') || p.endsWith('.mjs')));
    assert.ok(!scripts.some((p) => p === '/chunks/en.js'), scripts.join(', '));
  } finally {
    await context.close();
  }
});
