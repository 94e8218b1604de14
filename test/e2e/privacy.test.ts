/**
 * No customer data in any URL the widget requests (issue 11, finding 10). Every request the page makes during a
 * whole checkout (load, methods, pay, reload and resume, status stream, paid) is recorded; none may carry the
 * customer's name, email or phone, nor the session token (which a proxy would log), in its URL. The session travels
 * in the Bayar-Session header, and it is opaque: decoding it yields no customer data either.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Request } from 'playwright-core';
import { DemoPage, useE2E } from '../helpers/browser.js';

const CUSTOMER = ['Siti Rahayu', 'Siti', 'Rahayu', 'siti@example.com', 'siti%40example.com', '081234567890'];

const e2e = useE2E();

describe('customer data never travels in a URL', { timeout: 60_000 }, () => {
  test('every request of a checkout, reload and resume included, has no customer data and no session in its URL', async () => {
    const d = await DemoPage.open(e2e.browser, e2e.s.url, { query: 'new' });
    const seen: Request[] = [];
    d.context.on('request', (r) => seen.push(r));
    try {
      await d.goto();
      const session = await d.checkout.getAttribute('session');
      assert.ok(session && session.length > 20, 'the demo rendered a session');
      // Opaque: nothing of the customer (or the order) can be read out of the token.
      const decoded = Buffer.from(session.replace(/^v2\./, ''), 'base64url').toString('latin1');
      for (const word of [...CUSTOMER, 'orderId', 'DEMO-']) assert.ok(!decoded.includes(word), `the token reveals ${word}`);

      const payment = await d.pay('va:bca');
      await d.page.reload(); // a reload resumes the same payment
      await d.waitForPayment({ id: payment.id, status: 'pending' });
      await d.sandbox('pay');
      await d.status('paid').waitFor();

      const api = seen.filter((r) => new URL(r.url()).pathname.startsWith('/api/'));
      const paths = new Set(api.map((r) => `${r.method()} ${new URL(r.url()).pathname.replace(payment.id, ':id')}`));
      // The test saw the whole flow, not a part of it.
      for (const p of ['GET /api/methods', 'POST /api/payments', 'GET /api/payments/:id', 'GET /api/payments/:id/events']) assert.ok(paths.has(p), `saw ${p}: ${[...paths].join(', ')}`);
      // Each page view mints its own token; every one went in the Bayar-Session header, none in a URL.
      const methods = api.filter((r) => new URL(r.url()).pathname === '/api/methods');
      const tokens = methods.map((r) => r.headers()['bayar-session'] ?? '');
      assert.ok(methods.length >= 2 && tokens.every((t) => t.startsWith('v2.')), 'Bayar-Session header on every methods request');
      assert.ok(tokens.includes(session));
      for (const r of seen) {
        const url = decodeURIComponent(r.url());
        for (const word of CUSTOMER) assert.ok(!url.includes(word), `${r.method()} ${url} carries "${word}"`);
        for (const t of tokens) assert.ok(!r.url().includes(t) && !url.includes(t), `${r.method()} ${url} carries a session token`);
      }
      assert.equal(JSON.parse(api.find((r) => r.method() === 'POST')!.postData()!).session, session);
      // Reading the payment needed its client secret.
      const read = api.find((r) => r.method() === 'GET' && new URL(r.url()).pathname === `/api/payments/${payment.id}`)!;
      assert.match(read.headers()['bayar-client-secret'] ?? '', /^pcs_/);
      assert.deepEqual(d.errors, []);
    } finally {
      await d.context.close();
    }
  });
});
