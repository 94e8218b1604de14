/**
 * The demo under the strict Content-Security-Policy the companion sends (script-src 'self', no unsafe-inline or
 * unsafe-eval, Trusted Types required with only Lit's policy allowed): full payment flows with zero violations and
 * zero console errors. The recorder itself is proven by a deliberate violation first.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DemoPage, useE2E } from '../helpers/browser.js';

const e2e = useE2E();

/** Directive name → its sources, from a CSP header. */
const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );

test('the page and the widget are served under the strict policy', async () => {
  const res = await fetch(`${e2e.s.url}/`);
  const csp = directives(res.headers.get('content-security-policy') ?? '');
  assert.deepEqual(csp.get('script-src'), ["'self'"]);
  assert.equal(csp.has('script-src-elem') || csp.has('script-src-attr'), false, 'no looser script-src-* override');
  assert.deepEqual(csp.get('require-trusted-types-for'), ["'script'"]);
  assert.ok(csp.get('trusted-types')?.includes('lit-html'));
  assert.deepEqual(csp.get('default-src'), ["'self'"]);
  for (const [name, sources] of csp) {
    if (name.startsWith('script') || name === 'default-src') {
      assert.ok(!sources.some((v) => /unsafe-(inline|eval|hashes)|\*|data:|blob:/.test(v)), `${name}: ${sources.join(' ')}`);
    }
  }
  const widget = await fetch(`${e2e.s.url}/bayar.mjs`);
  assert.equal(widget.status, 200);
  assert.match(widget.headers.get('content-type') ?? '', /javascript/);
  // The demo serves its own two assets, not the rest of its directory (its server code, its template).
  for (const [path, status] of [['/demo/demo.js', 200], ['/demo/demo.css', 200], ['/demo/texts.json', 200], ['/demo/server.ts', 404], ['/demo/index.html', 404]] as const) {
    assert.equal((await fetch(`${e2e.s.url}${path}`)).status, status, path);
  }
});

test('the recorder sees a violation when there is one (so "none" below means none)', async () => {
  const d = await DemoPage.open(e2e.browser, e2e.s.url);
  try {
    await d.page.evaluate(() => {
      const img = document.createElement('img');
      img.src = 'https://cdn.invalid/pixel.png';
      document.body.append(img);
    });
    await d.page.waitForFunction(() => (window as unknown as { __bayarProblems: string[] }).__bayarProblems.length > 0);
    const problems = await d.problems();
    assert.ok(problems.some((p) => p.startsWith('CSP img-src blocked https://cdn.invalid/pixel.png')), problems.join('\n'));
  } finally {
    await d.close();
  }
});

test('VA and QRIS flows, start to finish: zero CSP violations and zero console errors', { timeout: 60_000 }, async () => {
  const d = await DemoPage.open(e2e.browser, e2e.s.url);
  try {
    await d.pay('va:permata');
    await d.page.locator('bayar-checkout [part="copy-button"]').first().click();
    await d.page.locator('bayar-checkout details summary', { hasText: 'ATM' }).click();
    await d.sandbox('pay');
    await d.status('paid').waitFor();
    assert.deepEqual(await d.problems(), [], 'VA flow');

    // A new order on the same page: QRIS, its encoder chunk, the canvas, download, expiry and a new QR.
    await d.page.getByRole('link', { name: 'Pesanan baru' }).click();
    await d.methodRadio().first().waitFor();
    const first = await d.pay('qris:qris');
    await d.page.locator('bayar-checkout canvas[part="qr"][data-drawn]').waitFor();
    const [download] = await Promise.all([d.page.waitForEvent('download'), d.page.getByRole('button', { name: 'Unduh QR' }).click()]);
    assert.match(download.suggestedFilename(), /^qris-DEMO-[0-9A-F]+\.png$/);
    await d.sandbox('expire');
    await d.status('expired').waitFor();
    await d.page.getByRole('button', { name: 'Buat QR baru' }).click();
    await d.waitForPayment({ method: 'qris:qris', status: 'pending', notId: first.id });
    await d.page.locator('bayar-checkout canvas[part="qr"][data-drawn]').waitFor();
    await d.sandbox('pay');
    await d.status('paid').waitFor();
    // English is its own lazily loaded chunk: loading it must not trip the policy either.
    await d.page.selectOption('#lang', 'en');
    await d.page.getByRole('heading', { name: 'Payment successful' }).waitFor();
    assert.deepEqual(await d.problems(), [], 'QRIS flow');
    await d.screenshot('csp-qris-paid-en');
  } finally {
    await d.close();
  }
});
