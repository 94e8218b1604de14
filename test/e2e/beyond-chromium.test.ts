/**
 * The main journeys in Firefox and in WebKit (Safari's engine), as Chromium runs them elsewhere: pick → VA → paid
 * with live status, QRIS drawn with its countdown, a wallet hand-off (ShopeePay's QR through Xendit), and picking by
 * keyboard alone. A browser that is not installed skips with the reason; BAYAR_REQUIRE_BROWSERS=1 (set by .ci/run)
 * makes that a failure.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Payment } from '../../server/api-types.js';
import { sandboxConfig } from '../../server/config.js';
import { assertBuilt } from '../helpers/browser.js';
import { firefox, missing, webkit, type Driver } from '../helpers/drivers.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

/** Shadow-piercing lookups, defined in the page by each script (no page script of ours is needed). */
const DEEP = `
  const all = (sel) => { const out = []; const roots = [document]; while (roots.length) { const r = roots.shift();
    out.push(...r.querySelectorAll(sel)); for (const e of r.querySelectorAll('*')) if (e.shadowRoot) roots.push(e.shadowRoot); } return out; };
  const one = (sel) => all(sel)[0] || null;
  const text = (el) => { const parts = []; const walk = (n) => { if (n.shadowRoot) n.shadowRoot.childNodes.forEach(walk);
    if (n.nodeType === 3) parts.push(n.textContent); else if (n.nodeName !== 'STYLE') n.childNodes.forEach(walk); }; walk(el);
    return parts.join(' ').replace(/\\s+/g, ' ').trim(); };
`;

async function until<T>(d: Driver, what: string, body: string, ...args: unknown[]): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const v = await d.run<T>(DEEP + body, ...args);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${d.name}: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const click = (d: Driver, selector: string) => d.run(`${DEEP} const el = one(arguments[0]); el.click(); return true;`, selector);
const payment = (d: Driver) => d.run<Payment | null>(`return document.querySelector('bayar-checkout').payment;`);

let s: TestServer;
before(async () => {
  assertBuilt();
  // ShopeePay through Xendit: the wallet hands over a QR string for a computer (docs.xendit.co/ewallet/checkout-methods).
  s = await startTestServer({ routes: { ...sandboxConfig().routes, ewallet: ['xendit', 'midtrans'] } });
});
after(() => s?.destroy());

for (const [name, launch] of [['firefox', firefox], ['webkit', webkit]] as const) {
  const why = missing(name);
  const skip = why && process.env.BAYAR_REQUIRE_BROWSERS !== '1' ? why : false;
  describe(`main journeys in ${name}`, { skip, timeout: 180_000 }, () => {
    let d: Driver;
    before(async () => {
      if (why) throw new Error(why);
      d = await launch();
    });
    after(() => d?.close());

    const open = async () => {
      await d.goto(`${s.url}/?new=1`);
      await until(d, 'the method list', `return all('[role="radio"]').length > 0;`);
    };

    test('pick → BCA Virtual Account → paid, with live status', async () => {
      await open();
      await click(d, '[role="radio"][data-id="va:bca"]');
      await click(d, 'button.pay');
      const shown = await until<string>(d, 'the VA number', `const n = one('[part="va-number"]'); return n && n.textContent;`);
      const p = (await payment(d))!;
      assert.equal(shown.replace(/\s/g, ''), p.va!.number);
      assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${p.id}/pay`)).status, 200);
      await until(d, 'paid on screen (SSE)', `const st = one('[part="status"]'); return st && st.dataset.status === 'paid';`);
    });

    test('QRIS drawn, with its countdown', async () => {
      await open();
      await click(d, '[role="radio"][data-id="qris:qris"]');
      await click(d, 'button.pay');
      const drawn = await until<string>(d, 'the QR drawn', `const c = one('canvas[part="qr"]'); return c && c.dataset.drawn;`);
      const p = (await payment(d))!;
      assert.equal(drawn, p.qris!.qrString.slice(-4));
      const countdown = await until<string>(d, 'the countdown', `const c = one('[part="countdown"]'); return c && text(c);`);
      assert.match(countdown, /Bayar sebelum .* Sisa waktu (14|15):\d\d/);
    });

    test('wallet hand-off: ShopeePay on a computer shows its QR', async () => {
      await open();
      await click(d, '[role="radio"][data-id="ewallet:shopeepay"]');
      await click(d, 'button.pay');
      const drawn = await until<string>(d, 'the wallet QR drawn', `const c = one('bayar-wallet-view canvas[part="qr"], canvas[part="qr"]'); return c && c.dataset.drawn;`);
      const p = (await payment(d))!;
      assert.equal(p.provider, 'xendit');
      assert.equal(drawn, p.ewallet!.qrString!.slice(-4));
    });

    test('keyboard only: Tab to the methods, arrows, Space, Tab to Pay, Enter', async () => {
      await open();
      // Start from the page's first focusable element before the widget (the language switch), as a visitor would.
      await d.run(`document.querySelector('#lang').focus(); return true;`);
      let guard = 0;
      for (;;) {
        await d.press('Tab');
        const role = await d.run<string | null>(`${DEEP} let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; return a && a.getAttribute('role');`);
        if (role === 'radio') break;
        if (++guard > 10) throw new Error(`${d.name}: Tab never reached the method list`);
      }
      await d.press('ArrowDown', 'Space');
      const chosen = await until<string>(d, 'a method chosen', `const r = one('[role="radio"][aria-checked="true"]'); return r && r.dataset.id;`);
      // Tab leaves the radio group (one tab stop) for the pay button.
      await d.press('Tab', 'Enter');
      const p = await until<Payment>(d, 'the payment created', `const p = document.querySelector('bayar-checkout').payment; return p && p.status === 'pending' && p;`);
      assert.equal(p.method, chosen);
    });
  });
}
