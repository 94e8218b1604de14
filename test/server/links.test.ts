/**
 * Payment links through the HTTP API and the hosted page as a customer's browser sees it (without a browser):
 * every status, bad input refused with a code and nothing stored, Idempotency-Key, filters and keyset pages, QR
 * codes, the link.completed notification, rate limits, open amounts, languages, preview tags without customer
 * data, and a single-use link under 50 concurrent checkouts.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { PNG } from 'pngjs';
import qrcode from 'qrcode-generator';
import { createApp } from '../../server/app.js';
import { SANDBOX_CREDENTIALS, sandboxConfig } from '../../server/config.js';
import { signNotification } from '../../server/domain/notifier.js';
import { verifySession } from '../../server/domain/sessions.js';
import { SqliteStore } from '../../server/store/sqlite.js';
import { api, merchantHeaders, startTestServer, type TestServer } from '../helpers/server.js';

const KEY = SANDBOX_CREDENTIALS.merchantKey;
const H = merchantHeaders(KEY);

/** A customer's visit to a link page: status, HTML, the session the page minted, and the browser's cookie. */
async function visit(url: string, o: { cookie?: string; lang?: string } = {}) {
  const res = await fetch(url, { headers: { ...(o.cookie ? { cookie: o.cookie } : {}), ...(o.lang ? { 'accept-language': o.lang } : {}) } });
  const html = await res.text();
  const session = /<bayar-checkout [^>]*session="([^"]+)"/.exec(html)?.[1] ?? null;
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] || o.cookie || '';
  return { status: res.status, html, session, cookie, headers: res.headers };
}

/** The session is opaque to the page (AES-256-GCM): the test opens it as the companion does. */
const claims = (session: string) => verifySession(session, KEY, new Date());

async function createLink(s: TestServer, body: Record<string, unknown>) {
  const r = await api(s.url, 'POST', '/api/links', body, H);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.link;
}

async function linkCount(s: TestServer) {
  return (await s.store.listLinks({ limit: 200, now: new Date().toISOString() })).links.length;
}

describe('payment links: merchant API', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({}, undefined, { background: false, linkRateLimits: { perLink: 1000, perAddress: 1000 } });
  });
  after(() => s.destroy());

  it('creates a link with an unguessable URL, share URLs and the order id it minted', async () => {
    const link = await createLink(s, {
      description: 'Kaos batik',
      items: [{ name: 'Kaos batik M', price: 75_000, quantity: 2 }],
      customer: { name: 'Siti', phone: '081234567890' },
      returnUrl: 'https://shop.example/thanks',
    });
    assert.equal(link.status, 'active');
    assert.equal(link.amount, 150_000);
    assert.equal(link.maxPayments, 1);
    assert.equal(link.paidCount, 0);
    const slug = new URL(link.url).pathname.replace('/pay/', '');
    assert.match(slug, /^[A-Za-z0-9_-]{24}$/, '24 base64url characters = 144 random bits');
    assert.match(link.orderId, /^LNK-[0-9A-F]{12}$/);
    assert.equal(new URL(link.share.whatsapp).origin + new URL(link.share.whatsapp).pathname, 'https://wa.me/6281234567890');
    assert.ok(new URL(link.share.whatsapp).searchParams.get('text')!.includes(link.url), 'the prefilled message holds the link');
    assert.equal(link.share.qrSvg, `${s.url}/api/links/${link.id}/qr.svg`);
    const again = await createLink(s, { description: 'Kaos batik', amount: 150_000 });
    assert.notEqual(again.url, link.url);
    assert.notEqual(again.orderId, link.orderId);
  });

  it('honours Idempotency-Key: the same body replays the first link, another body is refused', async () => {
    const body = { description: 'Idem', amount: 20_000 };
    const h = { ...H, 'idempotency-key': 'link-idem-1' };
    const a = await api(s.url, 'POST', '/api/links', body, h);
    const b = await api(s.url, 'POST', '/api/links', body, h);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.body.link.id, a.body.link.id);
    assert.equal(b.headers.get('idempotent-replayed'), 'true');
    const before = await linkCount(s);
    const c = await api(s.url, 'POST', '/api/links', { ...body, amount: 30_000 }, h);
    assert.equal(c.status, 422);
    assert.equal(c.body.error.code, 'idempotency_key_reused');
    assert.equal(await linkCount(s), before);
  });

  it('refuses bad input with a specific code and stores nothing', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    const cases: Array<[string, unknown, number, string]> = [
      ['zero amount', { description: 'x', amount: 0 }, 400, 'invalid_amount'],
      ['negative amount', { description: 'x', amount: -5 }, 400, 'invalid_amount'],
      ['fractional amount', { description: 'x', amount: 1000.5 }, 400, 'invalid_amount'],
      ['string amount', { description: 'x', amount: '150000' }, 400, 'invalid_amount'],
      ['amount over the limit', { description: 'x', amount: 1e13 }, 400, 'invalid_amount'],
      ['amount no method takes', { description: 'x', amount: 1 }, 422, 'amount_not_payable'],
      ['no amount at all', { description: 'x' }, 400, 'invalid_amount'],
      ['amount and openAmount', { description: 'x', amount: 10_000, openAmount: { min: 10_000, max: 20_000 } }, 400, 'invalid_amount'],
      ['amount disagreeing with items', { description: 'x', amount: 10_000, items: [{ name: 'a', price: 20_000, quantity: 1 }] }, 400, 'invalid_amount'],
      ['openAmount min above max', { description: 'x', openAmount: { min: 50_000, max: 20_000 } }, 400, 'invalid_open_amount'],
      ['openAmount min zero', { description: 'x', openAmount: { min: 0, max: 20_000 } }, 400, 'invalid_open_amount'],
      ['openAmount below every method', { description: 'x', openAmount: { min: 1, max: 20_000 } }, 422, 'invalid_open_amount'],
      ['openAmount with an unknown key', { description: 'x', openAmount: { min: 10_000, max: 20_000, step: 5 } }, 400, 'invalid_open_amount'],
      ['expiresAt in the past', { description: 'x', amount: 10_000, expiresAt: past }, 400, 'invalid_expires_at'],
      ['expiresAt without an offset', { description: 'x', amount: 10_000, expiresAt: '2030-01-01T00:00:00' }, 400, 'invalid_expires_at'],
      ['expiresAt in two years', { description: 'x', amount: 10_000, expiresAt: new Date(Date.now() + 2 * 365 * 86_400_000).toISOString() }, 400, 'invalid_expires_at'],
      ['unknown field', { description: 'x', amount: 10_000, price: 10_000 }, 400, 'invalid_request'],
      ['missing description', { amount: 10_000 }, 400, 'invalid_description'],
      ['maxPayments zero', { description: 'x', amount: 10_000, maxPayments: 0 }, 400, 'invalid_max_payments'],
      ['returnUrl not http', { description: 'x', amount: 10_000, returnUrl: 'javascript:alert(1)' }, 400, 'invalid_return_url'],
      ['empty items', { description: 'x', items: [] }, 400, 'invalid_items'],
      ['bad order id', { description: 'x', amount: 10_000, orderId: 'a b' }, 400, 'invalid_order_id'],
      ['long order id on a multi-use link', { description: 'x', amount: 10_000, maxPayments: 3, orderId: 'A'.repeat(60) }, 400, 'invalid_order_id'],
      ['unknown method filter', { description: 'x', amount: 10_000, methods: ['VA BCA'] }, 400, 'invalid_methods'],
      ['array body', [], 400, 'invalid_request'],
    ];
    const before = await linkCount(s);
    for (const [what, body, status, code] of cases) {
      const r = await api(s.url, 'POST', '/api/links', body, H);
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code, what);
      assert.ok(r.body.error.message.length > 10, what);
    }
    const noAuth = await api(s.url, 'POST', '/api/links', { description: 'x', amount: 10_000 });
    assert.equal(noAuth.status, 401);
    assert.equal(await linkCount(s), before, 'nothing stored');
  });

  it('lists with filters and keyset pages, reads one link with its payments, disables it', async () => {
    const tag = `LIST-${Date.now()}`;
    const made: any[] = [];
    for (let i = 0; i < 5; i++) made.push(await createLink(s, { description: `list ${i}`, amount: 10_000 + i, orderId: `${tag}-${i}` }));
    await api(s.url, 'POST', `/api/links/${made[1].id}/disable`, undefined, H);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await api(s.url, 'GET', `/api/links?limit=2${cursor ? `&cursor=${cursor}` : ''}`, undefined, H);
      assert.equal(r.status, 200);
      assert.ok(r.body.links.length <= 2);
      seen.push(...r.body.links.map((l: any) => l.id));
      cursor = r.body.next;
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length, 'no link twice across pages');
    for (const l of made) assert.ok(seen.includes(l.id));
    const disabled = await api(s.url, 'GET', '/api/links?status=disabled', undefined, H);
    assert.deepEqual(disabled.body.links.map((l: any) => l.id).filter((id: string) => made.some((m) => m.id === id)), [made[1].id]);
    assert.ok(disabled.body.links.every((l: any) => l.status === 'disabled'));
    const active = await api(s.url, 'GET', '/api/links?status=active&limit=200', undefined, H);
    assert.ok(active.body.links.every((l: any) => l.status === 'active'));
    assert.ok(!active.body.links.some((l: any) => l.id === made[1].id));
    const byOrder = await api(s.url, 'GET', `/api/links?orderId=${tag}-3`, undefined, H);
    assert.deepEqual(byOrder.body.links.map((l: any) => l.id), [made[3].id]);
    for (const [q, code] of [['status=paid', 'invalid_request'], ['cursor=nope', 'invalid_cursor'], ['limit=0', 'invalid_request'], ['from=yesterday', 'invalid_date'], ['x=1', 'invalid_request']]) {
      const r = await api(s.url, 'GET', `/api/links?${q}`, undefined, H);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, code, q);
    }
    const one = await api(s.url, 'GET', `/api/links/${made[0].id}`, undefined, H);
    assert.equal(one.status, 200);
    assert.equal(one.body.link.id, made[0].id);
    assert.deepEqual(one.body.payments, []);
    assert.equal((await api(s.url, 'GET', '/api/links/lnk_unknown', undefined, H)).body.error.code, 'link_not_found');
    assert.equal((await api(s.url, 'GET', `/api/links/${made[0].id}`)).status, 401);
  });

  it('serves the QR code as SVG and PNG to the merchant only', async () => {
    const link = await createLink(s, { description: 'QR', amount: 25_000 });
    const svg = await fetch(`${s.url}/api/links/${link.id}/qr.svg`, { headers: H });
    assert.equal(svg.status, 200);
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
    assert.match(await svg.text(), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+"[^>]*><title>QR<\/title>.*<path fill="#000" d="M/);
    const png = await fetch(`${s.url}/api/links/${link.id}/qr.png`, { headers: H });
    assert.equal(png.headers.get('content-type'), 'image/png');
    const img = PNG.sync.read(Buffer.from(await png.arrayBuffer()));
    // The same symbol as an independent encode of the link URL, module for module (10 px each, 4-module quiet zone).
    const qr = qrcode(0, 'Q');
    qr.addData(link.url, 'Byte');
    qr.make();
    const n = qr.getModuleCount();
    assert.equal(img.width, (n + 8) * 10);
    let dark = 0;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const px = img.data[(((r + 4) * 10 + 5) * img.width + (c + 4) * 10 + 5) * 4]!;
        assert.equal(px === 0, qr.isDark(r, c), `module ${r},${c}`);
        if (px === 0) dark++;
      }
    }
    assert.ok(dark > n * n * 0.3);
    assert.equal((await fetch(`${s.url}/api/links/${link.id}/qr.png`)).status, 401);
  });

  it('disabling: the page answers 410, a session minted before is refused, nothing is created', async () => {
    const link = await createLink(s, { description: 'To disable', amount: 30_000 });
    const v = await visit(link.url);
    assert.equal(v.status, 200);
    const r = await api(s.url, 'POST', `/api/links/${link.id}/disable`, undefined, H);
    assert.equal(r.status, 200);
    assert.equal(r.body.link.status, 'disabled');
    assert.ok(r.body.link.disabledAt);
    const again = await api(s.url, 'POST', `/api/links/${link.id}/disable`, undefined, H);
    assert.equal(again.body.link.disabledAt, r.body.link.disabledAt, 'disabling twice changes nothing');
    const page = await visit(link.url, { cookie: v.cookie });
    assert.equal(page.status, 410);
    assert.match(page.html, /Tautan pembayaran dinonaktifkan/);
    assert.equal(page.session, null);
    const pay = await api(s.url, 'POST', '/api/payments', { session: v.session, method: 'va:bca' });
    assert.equal(pay.status, 410);
    assert.equal(pay.body.error.code, 'link_disabled');
    assert.deepEqual(await s.store.linkPayments(link.id), []);
    const minted = await api(s.url, 'POST', `/api/pay/${new URL(link.url).pathname.split('/')[2]}/session`, {});
    assert.equal(minted.status, 410);
    assert.equal(minted.body.error.code, 'link_disabled');
  });

  it('a payment through a link is a normal ledger payment tied to the link, with the customer the link names', async () => {
    const link = await createLink(s, { description: 'Tied', amount: 45_000, customer: { name: 'Budi Santoso', email: 'budi@example.com' } });
    const v = await visit(link.url);
    const created = await api(s.url, 'POST', '/api/payments', { session: v.session, method: 'va:bni' });
    assert.equal(created.status, 201);
    const rec = (await s.store.getPayment(created.body.payment.id))!;
    assert.deepEqual(rec.link, { id: link.id, checkout: v.cookie.split('=')[1] });
    assert.equal(rec.orderId, link.orderId);
    assert.deepEqual(rec.customer, { name: 'Budi Santoso', email: 'budi@example.com' });
    const listed = await api(s.url, 'GET', `/api/payments?orderId=${link.orderId}`, undefined, H);
    assert.deepEqual(listed.body.payments.map((p: any) => p.id), [rec.id]);
    const detail = await api(s.url, 'GET', `/api/links/${link.id}`, undefined, H);
    assert.deepEqual(detail.body.payments.map((p: any) => p.id), [rec.id]);
    // The same checkout asking again (a reload) gets its own pending payment back, not a second one.
    const again = await api(s.url, 'POST', '/api/payments', { session: v.session, method: 'va:bni' });
    assert.equal(again.status, 200);
    assert.equal(again.body.payment.id, rec.id);
  });
});

describe('payment links: statuses, completion and notification', () => {
  let s: TestServer;
  let hook: Server;
  const received: Array<{ body: string; signature: string }> = [];
  before(async () => {
    hook = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['bayar-signature']) });
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const notifyUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    s = await startTestServer({ notifyUrl }, undefined, { notifierOptions: { baseDelayMs: 20, maxDelayMs: 100, intervalMs: 20 }, linkRateLimits: { perLink: 1000, perAddress: 1000 } });
  });
  after(async () => {
    await s.destroy();
    await new Promise((r) => hook.close(r));
  });

  it('completed: paid by one checkout → receipt for the payer, 410 for everyone else, link.completed sent once', async () => {
    const link = await createLink(s, { description: 'Sepatu', amount: 120_000, returnUrl: 'https://shop.example/done' });
    const payer = await visit(link.url);
    const created = await api(s.url, 'POST', '/api/payments', { session: payer.session, method: 'va:bca' });
    assert.equal(created.status, 201);
    const va = created.body.payment.va.number;
    const paid = await api(s.url, 'POST', `/api/sandbox/payments/${created.body.payment.id}/pay`);
    assert.equal(paid.body.payment.status, 'paid');

    const detail = await api(s.url, 'GET', `/api/links/${link.id}`, undefined, H);
    assert.equal(detail.body.link.status, 'completed');
    assert.equal(detail.body.link.paidCount, 1);
    assert.ok(detail.body.link.completedAt);
    assert.equal(detail.body.payments[0].status, 'paid');

    const receipt = await visit(link.url, { cookie: payer.cookie });
    assert.equal(receipt.status, 200);
    assert.match(receipt.html, /Pembayaran berhasil/);
    assert.match(receipt.html, /Rp\s120\.000/);
    assert.ok(receipt.html.includes(va), 'the VA number is on the receipt');
    assert.match(receipt.html, /\d{2}\.\d{2} WIB|\d{2}:\d{2} WIB/);
    assert.ok(receipt.html.includes('href="https://shop.example/done"'));
    assert.equal(receipt.session, null, 'a receipt starts no checkout');

    const stranger = await visit(link.url);
    assert.equal(stranger.status, 410);
    assert.match(stranger.html, /Tautan ini sudah dibayar/);
    assert.equal(stranger.session, null);
    const late = await api(s.url, 'POST', '/api/payments', { session: payer.session, method: 'qris:qris' });
    assert.equal(late.status, 410);
    assert.equal(late.body.error.code, 'link_completed');
    assert.equal((await s.store.linkPayments(link.id)).length, 1, 'opening a completed link never creates a payment');
    assert.equal((await api(s.url, 'POST', `/api/links/${link.id}/disable`, undefined, H)).body.error.code, 'link_completed');

    const deadline = Date.now() + 10_000;
    const mine = () => received.map((r) => ({ ...r, json: JSON.parse(r.body) })).filter((r) => r.json.payment.id === created.body.payment.id);
    while (!mine().some((r) => r.json.type === 'link.completed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    const types = mine().map((r) => `${r.json.type}:${r.json.payment.status}`);
    assert.deepEqual(types, ['payment.status:pending', 'payment.status:paid', 'link.completed:paid']);
    const done = mine().find((r) => r.json.type === 'link.completed')!;
    assert.equal(done.json.link.id, link.id);
    assert.equal(done.json.link.status, 'completed');
    const t = Number(/t=(\d+)/.exec(done.signature)![1]);
    assert.equal(done.signature, signNotification(done.body, KEY, t));
  });

  it('a multi-use link gives each checkout its own order and completes at maxPayments', async () => {
    const link = await createLink(s, { description: 'Tiket', amount: 50_000, maxPayments: 2, orderId: 'TIKET-A' });
    const orders: string[] = [];
    for (let i = 0; i < 2; i++) {
      const v = await visit(link.url);
      const c = claims(v.session!);
      orders.push(c.orderId);
      const p = await api(s.url, 'POST', '/api/payments', { session: v.session, method: 'va:bri' });
      assert.equal(p.status, 201);
      const status = (await api(s.url, 'GET', `/api/links/${link.id}`, undefined, H)).body.link.status;
      assert.equal(status, 'active');
      await api(s.url, 'POST', `/api/sandbox/payments/${p.body.payment.id}/pay`);
    }
    assert.match(orders[0], /^TIKET-A-[0-9a-f]{10}$/);
    assert.notEqual(orders[0], orders[1]);
    const after = await api(s.url, 'GET', `/api/links/${link.id}`, undefined, H);
    assert.equal(after.body.link.status, 'completed');
    assert.equal(after.body.link.paidCount, 2);
    assert.equal((await visit(link.url)).status, 410);
  });

  it('expired: 410 page and refusals once expiresAt passes, and the list says expired', async () => {
    const link = await createLink(s, { description: 'Kilat', amount: 15_000, expiresAt: new Date(Date.now() + 1500).toISOString() });
    const v = await visit(link.url);
    assert.equal(v.status, 200);
    await new Promise((r) => setTimeout(r, 1600));
    const page = await visit(link.url, { cookie: v.cookie, lang: 'en-US,en;q=0.9' });
    assert.equal(page.status, 410);
    assert.match(page.html, /This payment link has expired/);
    // The session minted before expiry ends with the link (its exp is capped at expiresAt).
    const pay = await api(s.url, 'POST', '/api/payments', { session: v.session, method: 'va:bca' });
    assert.equal(pay.status, 401);
    assert.equal(pay.body.error.code, 'session_expired');
    assert.deepEqual(await s.store.linkPayments(link.id), []);
    const listed = await api(s.url, 'GET', '/api/links?status=expired', undefined, H);
    assert.ok(listed.body.links.some((l: any) => l.id === link.id && l.status === 'expired'));
  });
});

describe('payment links: the hosted page', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ shop: { name: 'Toko Sari', logoUrl: 'https://cdn.shop.example/logo.png', color: '#b45309' } }, undefined, {
      background: false,
      linkRateLimits: { perLink: 1000, perAddress: 1000 },
    });
  });
  after(() => s.destroy());

  it('server-renders the summary under the strict CSP, with preview tags and no customer data anywhere', async () => {
    const customer = { name: 'Rina Wulandari', email: 'rina.w@example.com', phone: '081298765432' };
    const link = await createLink(s, { description: 'Kue lebaran', items: [{ name: 'Nastar 500 g', price: 95_000, quantity: 2 }], customer });
    const v = await visit(link.url);
    assert.equal(v.status, 200);
    const csp = v.headers.get('content-security-policy')!;
    for (const d of ["script-src 'self'", "style-src 'self'", "require-trusted-types-for 'script'", 'trusted-types lit-html', "object-src 'none'", "base-uri 'none'", "img-src 'self' data: https://cdn.shop.example"]) {
      assert.ok(csp.includes(d), `CSP has ${d}: ${csp}`);
    }
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.doesNotMatch(v.html, /<script(?![^>]*\bsrc=)/, 'no inline scripts');
    assert.doesNotMatch(v.html, /<style|\sstyle=/, 'no inline styles');
    assert.equal(v.headers.get('cache-control'), 'no-store');
    assert.match(v.html, /<td>Nastar 500 g <span class="qty">2 × Rp\s95\.000<\/span><\/td><td class="num">Rp\s190\.000<\/td>/);
    assert.match(v.html, /Rp\s190\.000/);
    const meta = (p: string) => new RegExp(`<meta (?:property|name)="${p}" content="([^"]*)"`).exec(v.html)?.[1];
    assert.equal(meta('og:title'), 'Kue lebaran');
    assert.equal(meta('og:site_name'), 'Toko Sari');
    assert.equal(meta('og:url'), link.url);
    assert.equal(meta('og:image'), `${link.url}/og.png`, 'the generated picture, an absolute URL (not the logo: it has no 1200×630 shape)');
    assert.equal(meta('og:image:width'), '1200');
    assert.equal(meta('og:image:height'), '630');
    assert.equal(meta('og:image:type'), 'image/png');
    assert.match(meta('og:image:alt')!, /^Toko Sari: Rp\s190\.000, bayar di sini$/);
    assert.equal(meta('twitter:image'), `${link.url}/og.png`);
    assert.match(meta('og:description')!, /Rp\s190\.000 · Bayar dengan aman ke Toko Sari/);
    assert.equal(meta('twitter:card'), 'summary_large_image');
    assert.equal(meta('twitter:title'), 'Kue lebaran');
    const decoded = JSON.stringify(claims(v.session!));
    for (const value of [...Object.values(customer), 'Rina', '6281298765432']) {
      assert.ok(!v.html.includes(value), `page holds ${value}`);
      assert.ok(!decoded.includes(value), `session holds ${value}`);
    }
    assert.match(v.html, /<script type="module" src="\/bayar.mjs"><\/script>/);
    assert.match(v.html, /<bayar-checkout server="\/" session="[^"]+" locale="id"><\/bayar-checkout>/);
    const css = await fetch(`${s.url}/pay/assets/page.css`);
    assert.match(await css.text(), /^:root\{--shop:#b45309;--shop-ink:#ffffff\}/);
  });

  it('every link has a preview picture: 1200×630 PNG in the shop colour with its text, cacheable, holding no customer data', async () => {
    const customer = { name: 'Rina Wulandari', email: 'rina.w@example.com', phone: '081298765432' };
    const link = await createLink(s, { description: 'Untuk Rina Wulandari', amount: 190_000, customer });
    const res = await fetch(`${link.url}/og.png`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=86400');
    const etag = res.headers.get('etag')!;
    assert.match(etag, /^"[\w-]{27}"$/);
    assert.equal(res.headers.get('set-cookie'), null, 'a crawler gets no checkout cookie');
    const bytes = Buffer.from(await res.arrayBuffer());
    // Chat apps skip preview images that are too heavy (WhatsApp: a few hundred KB).
    assert.ok(bytes.length < 150_000, `${bytes.length} bytes`);
    const png = PNG.sync.read(bytes);
    assert.equal(png.width, 1200);
    assert.equal(png.height, 630);
    const at = (x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)];
    const hex = (c: number[]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
    // The background is the shop colour (#b45309), the text its readable ink (#ffffff, as the page's CSS uses).
    for (const [x, y] of [[0, 0], [1199, 629], [1199, 0], [0, 629], [600, 250]]) assert.equal(hex(at(x!, y!)), '#b45309', `pixel ${x},${y}`);
    const counts = new Map<string, number>();
    for (let i = 0; i < png.data.length; i += 4) {
      const c = hex([png.data[i]!, png.data[i + 1]!, png.data[i + 2]!]);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const ink = counts.get('#ffffff') ?? 0;
    assert.ok(ink > 20_000 && ink < 200_000, `text drawn in white: ${ink} px`);
    // Text sits in three bands: shop name at the top, the amount in the middle, the call to action (softer) at the bottom.
    const inkRows = (y0: number, y1: number) => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = 0; x < 1200; x++) if (hex(at(x, y)) !== '#b45309') n++;
      return n;
    };
    assert.ok(inkRows(60, 150) > 2_000, 'shop name');
    assert.ok(inkRows(250, 400) > 10_000, 'amount');
    assert.ok(inkRows(480, 560) > 1_000, 'pay here');
    assert.equal(inkRows(420, 470), 0, 'nothing between the amount and the call to action');
    // The picture depends only on the shop and the amount: another link of the same amount gets the same bytes,
    // whoever it is for and whatever its description says; another amount gets another picture.
    const other = await createLink(s, { description: 'Kue', amount: 190_000 });
    const same = Buffer.from(await (await fetch(`${other.url}/og.png`)).arrayBuffer());
    assert.ok(same.equals(bytes));
    const dearerLink = await createLink(s, { description: 'Kue', amount: 250_000 });
    const dearer = Buffer.from(await (await fetch(`${dearerLink.url}/og.png`)).arrayBuffer());
    assert.ok(!dearer.equals(bytes));
    for (const value of [...Object.values(customer), 'Rina']) assert.ok(!bytes.includes(value), `PNG holds ${value}`);
    // Revalidation, and nothing for a slug that is not a link (nor a page, nor a cookie).
    const again = await fetch(`${link.url}/og.png`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    const missing = await fetch(`${s.url}/pay/AAAAAAAAAAAAAAAAAAAAAAAA/og.png`);
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, 'link_not_found');
    // A closed link keeps its picture: messages sent before still preview.
    assert.equal((await api(s.url, 'POST', `/api/links/${link.id}/disable`, {}, H)).status, 200);
    assert.equal((await fetch(`${link.url}/og.png`)).status, 200);
  });

  it('speaks Indonesian by default, English by Accept-Language, and ?lang= switches', async () => {
    const link = await createLink(s, { description: 'Bahasa', amount: 12_000 });
    const id = await visit(link.url);
    assert.match(id.html, /^<!doctype html><html lang="id">/);
    assert.match(id.html, /<a href="\?lang=en" hreflang="en" lang="en">English<\/a>/);
    const en = await visit(link.url, { lang: 'en-GB,en;q=0.9,id;q=0.5' });
    assert.match(en.html, /<html lang="en">/);
    assert.match(en.html, /locale="en"/);
    assert.match(en.html, /Pay Toko Sari securely/);
    const pref = await visit(link.url, { lang: 'en;q=0.3,id;q=0.8' });
    assert.match(pref.html, /<html lang="id">/);
    const switched = await visit(`${link.url}?lang=en`, { lang: 'id' });
    assert.match(switched.html, /<html lang="en">/);
    assert.match(switched.html, /<a href="\?lang=id" hreflang="id" lang="id">Bahasa Indonesia<\/a>/);
  });

  it('an unknown or malformed slug is a 404 page that creates nothing', async () => {
    for (const slug of ['AAAAAAAAAAAAAAAAAAAAAAAA', 'short', '..%2F..%2Fetc', 'x'.repeat(300), '', 'AAAAAAAAAAAAAAAAAAAAAAAA/extra']) {
      const r = await visit(`${s.url}/pay/${slug}`);
      assert.equal(r.status, 404, slug);
      assert.match(r.html, /Tautan pembayaran tidak ditemukan/);
      assert.equal(r.headers.get('set-cookie'), null);
    }
  });

  it('open amount: a form first, an amount outside the range refused in the page and in the API, inside it a checkout', async () => {
    const link = await createLink(s, { description: 'Donasi masjid', openAmount: { min: 10_000, max: 5_000_000 } });
    assert.equal(link.amount, null);
    assert.deepEqual(link.openAmount, { min: 10_000, max: 5_000_000 });
    const slug = new URL(link.url).pathname.split('/')[2];
    const form = await visit(link.url);
    assert.equal(form.status, 200);
    assert.equal(form.session, null);
    assert.match(form.html, /<input id="amount" name="amount" type="number" inputmode="numeric" min="10000" max="5000000" step="1" required/);
    for (const bad of ['9999', '5000001', '0', '-5', '12.5', 'abc', '99999999999999']) {
      const r = await visit(`${link.url}?amount=${encodeURIComponent(bad)}`, { cookie: form.cookie });
      assert.equal(r.status, 422, bad);
      assert.equal(r.session, null, bad);
      assert.match(r.html, /role="alert">Jumlah harus antara Rp\s10\.000 dan Rp\s5\.000\.000\./);
      const a = await api(s.url, 'POST', `/api/pay/${slug}/session`, { amount: /^-?\d+$/.test(bad) ? Number(bad) : bad });
      assert.equal(a.status, /^\d+$/.test(bad) && Number(bad) < 1e12 && Number(bad) > 0 ? 422 : 400, bad);
      assert.match(a.body.error.code, /^(amount_out_of_range|invalid_amount)$/, bad);
    }
    assert.deepEqual(await s.store.linkPayments(link.id), []);
    const ok = await visit(`${link.url}?amount=250000`, { cookie: form.cookie });
    assert.equal(ok.status, 200);
    assert.equal(claims(ok.session!).amount, 250_000);
    assert.match(ok.html, /Rp\s250\.000/);
    const p = await api(s.url, 'POST', '/api/payments', { session: ok.session, method: 'va:bca' });
    assert.equal(p.status, 201);
    assert.equal(p.body.payment.amount, 250_000);
    // Reloading without the amount resumes at the chosen amount (the pending payment's).
    const resumed = await visit(link.url, { cookie: form.cookie });
    assert.equal(claims(resumed.session!).amount, 250_000);
    const api201 = await api(s.url, 'POST', `/api/pay/${slug}/session`, { amount: 75_000 });
    assert.equal(api201.status, 409, 'single use: another checkout waits while the first payment is pending');
    assert.equal(api201.body.error.code, 'link_in_progress');
  });

  it('builds every URL relative to the mount path when the companion sits under a prefix', async () => {
    const store = new SqliteStore(`${s.dir}/mounted.db`);
    await store.migrate();
    const parent = express();
    const srv = createServer(parent);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    const bayar = createApp({ config: sandboxConfig({ logLevel: 'silent' }), store, publicUrl: `${origin}/shop/bayar`, defaultMetrics: false });
    parent.use('/shop/bayar', bayar.app);
    try {
      const r = await api(origin, 'POST', '/shop/bayar/api/links', { description: 'Mounted', amount: 20_000 }, H);
      assert.equal(r.status, 201);
      assert.match(r.body.link.url, new RegExp(`^${origin}/shop/bayar/pay/[A-Za-z0-9_-]{24}$`));
      assert.equal(r.body.link.share.qrPng, `${origin}/shop/bayar/api/links/${r.body.link.id}/qr.png`);
      const v = await visit(r.body.link.url);
      assert.equal(v.status, 200);
      assert.match(v.html, /<link rel="stylesheet" href="\/shop\/bayar\/pay\/assets\/page.css">/);
      assert.match(v.html, /<script type="module" src="\/shop\/bayar\/bayar.mjs">/);
      assert.match(v.html, /<bayar-checkout server="\/shop\/bayar" /);
      assert.match(v.headers.get('set-cookie')!, /Path=\/shop\/bayar\/pay\/[A-Za-z0-9_-]{24};/);
      assert.equal((await fetch(`${origin}/shop/bayar/pay/assets/page.js`)).status, 200);
    } finally {
      await bayar.close();
      await new Promise((r) => srv.close(r));
      await store.close();
    }
  });
});

describe('payment links: abuse', () => {
  it('a single-use link under 50 concurrent checkouts: one payment, the rest told it is being paid, then completed', async () => {
    const s = await startTestServer({}, undefined, { background: false, linkRateLimits: { perLink: 1000, perAddress: 1000 } });
    try {
      const link = await createLink(s, { description: 'Satu-satunya', amount: 80_000 });
      const visitors = await Promise.all(Array.from({ length: 50 }, () => visit(link.url)));
      assert.equal(new Set(visitors.map((v) => v.cookie)).size, 50, '50 distinct checkouts');
      const methods = ['va:bca', 'va:bni', 'va:bri', 'va:mandiri', 'qris:qris'];
      const answers = await Promise.all(visitors.map((v, i) => api(s.url, 'POST', '/api/payments', { session: v.session, method: methods[i % methods.length] })));
      const created = answers.filter((a) => a.status === 201);
      const refused = answers.filter((a) => a.status === 409);
      assert.equal(created.length, 1, JSON.stringify(answers.filter((a) => a.status !== 409).map((a) => a.body)));
      assert.equal(refused.length, 49);
      assert.ok(refused.every((a) => a.body.error.code === 'link_in_progress' && /already being paid/.test(a.body.error.message)));
      const stored = await s.store.linkPayments(link.id);
      assert.equal(stored.length, 1);
      const winner = visitors[answers.indexOf(created[0]!)]!;
      const other = visitors.find((v) => v !== winner)!;
      const busy = await visit(link.url, { cookie: other.cookie });
      assert.equal(busy.status, 409);
      assert.match(busy.html, /Tautan ini sedang dibayar/);
      assert.equal(busy.session, null);
      assert.equal((await visit(link.url, { cookie: winner.cookie })).status, 200, 'the payer still sees the checkout');
      await api(s.url, 'POST', `/api/sandbox/payments/${created[0]!.body.payment.id}/pay`);
      const retry = await Promise.all(visitors.map((v) => api(s.url, 'POST', '/api/payments', { session: v.session, method: 'va:bca' })));
      assert.ok(retry.every((a) => a.status === 410 && a.body.error.code === 'link_completed'), JSON.stringify(retry.map((a) => a.status)));
      assert.equal((await s.store.linkPayments(link.id)).length, 1);
      const paid = (await s.store.linkPayments(link.id)).filter((p) => p.status === 'paid');
      assert.equal(paid.length, 1);
    } finally {
      await s.destroy();
    }
  });

  it('a pending payment that ends unpaid frees the link for the next customer', async () => {
    const s = await startTestServer({}, undefined, { background: false, linkRateLimits: { perLink: 1000, perAddress: 1000 } });
    try {
      const link = await createLink(s, { description: 'Lepas', amount: 40_000 });
      const a = await visit(link.url);
      const b = await visit(link.url);
      const pa = await api(s.url, 'POST', '/api/payments', { session: a.session, method: 'va:bca' });
      assert.equal((await api(s.url, 'POST', '/api/payments', { session: b.session, method: 'va:bca' })).status, 409);
      await api(s.url, 'POST', `/api/sandbox/payments/${pa.body.payment.id}/expire`);
      const pb = await api(s.url, 'POST', '/api/payments', { session: b.session, method: 'va:bca' });
      assert.equal(pb.status, 201);
      assert.notEqual(pb.body.payment.id, pa.body.payment.id);
    } finally {
      await s.destroy();
    }
  });

  it('rate-limits payments through one link, and through links from one address, leaving other checkouts alone', async () => {
    const s = await startTestServer({}, undefined, { background: false, linkRateLimits: { perLink: 3, perAddress: 5 } });
    try {
      const link = await createLink(s, { description: 'Ramai', amount: 10_000, maxPayments: 100 });
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const v = await visit(link.url);
        codes.push((await api(s.url, 'POST', '/api/payments', { session: v.session, method: 'va:bca' })).status);
      }
      assert.deepEqual(codes, [201, 201, 201, 429]);
      const limited = await api(s.url, 'POST', '/api/payments', { session: (await visit(link.url)).session, method: 'va:bca' });
      assert.equal(limited.body.error.code, 'link_rate_limited');
      assert.equal((await s.store.linkPayments(link.id)).length, 3);
      // Another link still takes payments, until this address has started five through links.
      const other = await createLink(s, { description: 'Lain', amount: 10_000, maxPayments: 100 });
      const more: number[] = [];
      for (let i = 0; i < 3; i++) more.push((await api(s.url, 'POST', '/api/payments', { session: (await visit(other.url)).session, method: 'va:bni' })).status);
      assert.deepEqual(more, [201, 201, 429]);
      // Payments that are not through a link are not counted.
      const plain = await api(s.url, 'POST', '/api/payments', { orderId: 'PLAIN-1', amount: 10_000, method: 'va:bca' });
      assert.equal(plain.status, 201);
      // A forged session naming the link is not counted against it (it fails verification instead).
      const forged = Buffer.from(JSON.stringify({ orderId: 'X', amount: 10_000, exp: 9e9, link: { id: other.id, checkout: 'a'.repeat(32) } })).toString('base64url') + '.AAAA';
      const f = await api(s.url, 'POST', '/api/payments', { session: forged, method: 'va:bca' });
      assert.equal(f.status, 401);
    } finally {
      await s.destroy();
    }
  });
});
