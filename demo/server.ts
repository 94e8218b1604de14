/**
 * The demo storefront, served at / in sandbox mode. It plays the merchant's backend: on each page view it
 * mints a checkout session by calling POST /api/sessions with the merchant key — server to server, exactly as a
 * real shop backend does — and renders the token into the page. The browser never sees the merchant key.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router } from 'express';
import type { CreateSessionRequest, CreateSessionResponse } from '../server/api-types.js';
import type { HttpClient } from '../server/lib/http.js';
import { PACKAGE_ROOT } from '../server/lib/paths.js';

const here = join(PACKAGE_ROOT, 'demo');

export const DEMO_CART = [
  { sku: 'KOPI-GAYO-250', name: 'Kopi Arabika Gayo 250 g', price: 95_000, quantity: 1 },
  { sku: 'TUMBLER-KAYU', name: 'Tumbler bambu 350 ml', price: 55_000, quantity: 1 },
];

/** What a merchant backend does to start a checkout: ask its Bayar companion for a signed session. */
export async function mintSession(http: HttpClient, bayarUrl: string, merchantKey: string, order: CreateSessionRequest): Promise<CreateSessionResponse> {
  const res = await http.request({
    method: 'POST',
    url: `${bayarUrl}/api/sessions`,
    headers: { Authorization: `Bearer ${merchantKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(order),
    timeoutMs: 5000,
  });
  if (res.status !== 201) throw new Error(`POST /api/sessions answered ${res.status}: ${res.body}`);
  return JSON.parse(res.body) as CreateSessionResponse;
}

/** The storefront's own texts (the widget brings its own); demo.js swaps them live from /demo/texts.json. */
export const DEMO_TEXTS = {
  id: {
    language: 'Bahasa',
    newOrder: 'Pesanan baru',
    cart: 'Keranjang',
    order: 'Pesanan',
    total: 'Total',
    payment: 'Pembayaran',
    sandboxTitle: 'Panel sandbox',
    sandboxNote: 'Gantikan peran bank pelanggan, atau majukan waktu sampai batas bayar lewat. Emulator penyedia mengirim webhook bertanda tangan ke companion.',
    paymentId: 'Pembayaran:',
    simPay: 'Bayar',
    simExpire: 'Lewati batas waktu',
    events: 'Log event',
  },
  en: {
    language: 'Language',
    newOrder: 'New order',
    cart: 'Cart',
    order: 'Order',
    total: 'Total',
    payment: 'Payment',
    sandboxTitle: 'Sandbox panel',
    sandboxNote: "Act as the customer's bank or the clock. The provider emulator sends its signed webhook to the companion.",
    paymentId: 'Payment:',
    simPay: 'Pay',
    simExpire: 'Expire',
    events: 'Events',
  },
};
type DemoTexts = (typeof DEMO_TEXTS)['id'];

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const idr = (n: number) => new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 }).format(n);

export function demoRoutes(o: { merchantKey: string; publicUrl: string; http: HttpClient }): Router {
  const r = Router();
  const template = readFileSync(join(here, 'index.html'), 'utf8');
  // Only the page's own assets: the directory also holds this file and the HTML template.
  for (const file of ['demo.css', 'demo.js']) {
    r.get(`/demo/${file}`, (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(join(here, file), (err) => err && next(err));
    });
  }
  // The language switch re-labels the page without a reload.
  r.get('/demo/texts.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(DEMO_TEXTS);
  });

  r.get('/', async (req, res, next) => {
    // Mounted under a prefix (`/bayar`), the page's relative links need the trailing slash (`/bayar/`).
    const [path, search] = req.originalUrl.split(/\?(.*)/s);
    if (!path!.endsWith('/')) return res.redirect(308, `/${req.baseUrl.replace(/^\/+/, '')}/${search ? `?${search}` : ''}`);
    try {
      // One order per visitor until they start a new one, so a reload resumes the same payment.
      const cookie = /(?:^|;\s*)demo_order=([A-Za-z0-9-]{1,40})/.exec(req.get('cookie') ?? '')?.[1];
      // `?amount=5000` tries the checkout with any total (one line "Custom amount"): how methods outside their
      // limits look. A new order each time, so a remembered payment for another total is not resumed.
      const custom = typeof req.query.amount === 'string' && /^[1-9]\d{0,11}$/.test(req.query.amount) ? Number(req.query.amount) : null;
      const orderId = cookie && req.query.new === undefined && !custom ? cookie : `DEMO-${randomBytes(5).toString('hex').toUpperCase()}`;
      const cart = custom ? [{ sku: 'CUSTOM', name: 'Jumlah bebas', price: custom, quantity: 1 }] : DEMO_CART;
      const amount = cart.reduce((s, i) => s + i.price * i.quantity, 0);
      const { session } = await mintSession(o.http, o.publicUrl, o.merchantKey, {
        orderId,
        amount,
        items: cart,
        customer: { name: 'Siti Rahayu', email: 'siti@example.com', phone: '081234567890' },
        expiresIn: 3600,
      });
      const locale = req.query.lang === 'en' ? 'en' : 'id';
      const texts = DEMO_TEXTS[locale];
      const html = template
        .replace(/\{\{t:(\w+)\}\}/g, (_m, key: string) => escapeAttr(texts[key as keyof DemoTexts] ?? key))
        .replaceAll('{{SESSION}}', escapeAttr(session))
        .replaceAll('{{ORDER_ID}}', escapeAttr(orderId))
        .replaceAll('{{LOCALE}}', locale)
        .replaceAll('{{TOTAL}}', escapeAttr(idr(amount)))
        .replace(
          '{{CART}}',
          cart.map((i) => `<li><span>${escapeAttr(i.name)} × ${i.quantity}</span><span>${escapeAttr(idr(i.price * i.quantity))}</span></li>`).join(''),
        );
      res.setHeader('Set-Cookie', `demo_order=${orderId}; Path=${req.baseUrl || '/'}; SameSite=Lax; HttpOnly`);
      res.setHeader('Cache-Control', 'no-store');
      res.type('html').send(html);
    } catch (err) {
      next(err);
    }
  });
  return r;
}
