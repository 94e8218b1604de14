/**
 * createBayar(options) mounted in a merchant's existing Express app under a prefix: everything answers under that
 * prefix (API, SSE, webhooks signed over the prefixed path, return pages, widget files, the demo), nothing leaks to
 * the app's other paths, options go through the environment's schema, and close() ends the live streams.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { configFromOptions, createBayar, optionName, type Bayar } from '../../server/bayar.js';
import { ROOT } from '../../server/app.js';
import { ConfigError, loadConfig, SANDBOX_CREDENTIALS } from '../../server/config.js';
import { api, merchantHeaders, openSse } from '../helpers/server.js';

const KEY = SANDBOX_CREDENTIALS.merchantKey;

describe('createBayar mounted at /bayar in an existing Express app', () => {
  let dir: string;
  let bayar: Bayar;
  let server: Server;
  let base: string;

  before(async () => {
    if (!existsSync(join(ROOT, 'dist', 'bayar.mjs'))) execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: ROOT });
    dir = mkdtempSync(join(tmpdir(), 'bayar-mount-'));
    bayar = await createBayar({ mode: 'sandbox', db: join(dir, 'x.db'), logLevel: 'silent' });
    const shop = express();
    shop.use('/bayar', bayar.router);
    // The shop's own routes and body parser come after the mount, as docs/integration.md says.
    shop.use(express.json());
    shop.get('/', (_req, res) => res.send('the shop'));
    server = createServer(shop);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await bayar.close();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers under the prefix and nowhere else', async () => {
    assert.equal((await api(`${base}/bayar`, 'GET', '/healthz')).status, 200);
    assert.equal((await api(`${base}/bayar`, 'GET', '/readyz')).body.status, 'ready');
    assert.equal((await api(base, 'GET', '/')).body, 'the shop');
    // The shop's own 404, not Bayar's JSON: Bayar claims only its prefix.
    const outside = await api(base, 'GET', '/healthz');
    assert.equal(outside.status, 404);
    assert.equal(typeof outside.body, 'string');
    const inside = await api(`${base}/bayar`, 'GET', '/nope');
    assert.equal(inside.body.error.code, 'not_found');
  });

  it('pays through the prefix: webhooks reach /bayar/webhooks/* (Doku signs that path), SSE and return page under it', async () => {
    const b = `${base}/bayar`;
    const { body: minted } = await api(b, 'POST', '/api/sessions', { orderId: 'MOUNT-1', amount: 120_000 }, merchantHeaders(KEY));
    // Doku first for e-wallets in the sandbox routing: its webhook signature covers the request path.
    const created = await api(b, 'POST', '/api/payments', { session: minted.session, method: 'ewallet:dana' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const payment = created.body.payment;
    assert.equal(payment.provider, 'doku');
    const sse = openSse(`${b}/api/payments/${payment.id}/events`, { 'bayar-client-secret': created.body.clientSecret });
    await sse.until((m) => m.length === 1);
    const paid = await api(b, 'POST', `/api/sandbox/payments/${payment.id}/pay`);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    await sse.until((m) => m.some((x) => JSON.parse(x.data).payment.status === 'paid'));
    await sse.close();
    assert.equal((await api(b, 'GET', `/api/payments/${payment.id}`, undefined, { 'bayar-client-secret': created.body.clientSecret })).body.payment.status, 'paid');

    const ret = await fetch(`${b}/return/${payment.id}`);
    assert.equal(ret.status, 200);
    assert.match(await ret.text(), /Pembayaran berhasil/);
  });

  it('serves the widget files and the sandbox demo under the prefix, with relative links', async () => {
    const mjs = await fetch(`${base}/bayar/bayar.mjs`);
    assert.equal(mjs.status, 200);
    assert.match(mjs.headers.get('content-type') ?? '', /javascript/);
    const loader = await fetch(`${base}/bayar/bayar.js`);
    assert.equal(loader.status, 200);

    const bare = await fetch(`${base}/bayar?lang=en`, { redirect: 'manual' });
    assert.ok([301, 308].includes(bare.status), String(bare.status));
    assert.equal(bare.headers.get('location'), '/bayar/?lang=en');
    const page = await fetch(`${base}/bayar/?lang=en`);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /<script src="bayar\.js" defer>/);
    assert.match(html, /href="demo\/demo\.css"/);
    assert.doesNotMatch(html, /(?:src|href)="\/(?!\/)/, 'no root-absolute links: they would leave the prefix');
    assert.match(page.headers.get('set-cookie') ?? '', /Path=\/bayar;/);
    assert.equal((await fetch(`${base}/bayar/demo/demo.js`)).status, 200);
  });

  it('the merchant console lives under the prefix too: page, sign-in, session cookie scoped to it', async () => {
    const bare = await fetch(`${base}/bayar/console`, { redirect: 'manual' });
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), '/bayar/console/');
    const signIn = await fetch(`${base}/bayar/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ secret: KEY }),
    });
    assert.equal(signIn.status, 201, await signIn.clone().text());
    const cookie = signIn.headers.get('set-cookie') ?? '';
    assert.match(cookie, /; Path=\/bayar\/console;/);
    const session = await fetch(`${base}/bayar/console/api/session`, { headers: { cookie: cookie.split(';')[0]! } });
    assert.equal(session.status, 200);
    assert.equal((await session.json()).role, 'operator');
    assert.equal((await fetch(`${base}/console/api/session`)).status, 404, 'nothing outside the prefix');
  });

  it('payment links: the link URL and its hosted page carry the prefix', async () => {
    const created = await api(`${base}/bayar`, 'POST', '/api/links', { orderId: 'MOUNT-LINK-1', description: 'Kopi', items: [{ name: 'Kopi', price: 95_000, quantity: 1 }] }, merchantHeaders(KEY));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const url = new URL(created.body.link.url);
    assert.match(url.pathname, /^\/bayar\/pay\//);
    const page = await fetch(`${base}${url.pathname}`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /src="\/bayar\/bayar\.mjs"/);
    assert.match(html, /server="\/bayar"/);
  });

  it('refuses, with a clear error, a body parser mounted before it (webhooks need the raw bytes)', async () => {
    const d = mkdtempSync(join(tmpdir(), 'bayar-mount-parsed-'));
    const b2 = await createBayar({ db: join(d, 'x.db'), logLevel: 'silent' });
    const shop = express();
    shop.use(express.json());
    shop.use('/pay', b2.router);
    const s = createServer(shop);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/pay`;
      const res = await api(url, 'POST', '/webhooks/xendit', { id: 'x' });
      assert.equal(res.status, 500);
      assert.equal(res.body.error.code, 'body_already_parsed');
      assert.equal((await api(url, 'GET', '/healthz')).status, 200);
    } finally {
      await b2.close();
      await new Promise((r) => s.close(r));
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('built on its first request, it writes no warning of its own to the console (rate limiters made then on purpose)', async () => {
    const d = mkdtempSync(join(tmpdir(), 'bayar-mount-first-'));
    const b4 = await createBayar({ db: join(d, 'x.db'), logLevel: 'silent' });
    const s = createServer(express().use('/b', b4.router));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const written: unknown[][] = [];
    const saved = { error: console.error, warn: console.warn };
    console.error = (...args: unknown[]) => void written.push(args);
    console.warn = (...args: unknown[]) => void written.push(args);
    try {
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/b`;
      // Each of these passes a rate limiter: the widget API's, a payment link's, the console sign-in's.
      assert.equal((await api(url, 'GET', '/api/methods?amount=50000')).status < 500, true);
      assert.equal(b4.companion !== null, true, 'built by that request');
      await api(url, 'POST', '/api/payments', { link: 'nope', method: 'va:bca' }, { 'x-forwarded-for': '203.0.113.9' });
      await api(url, 'POST', '/console/api/session', { secret: 'wrong' }, { 'x-forwarded-for': '203.0.113.9' });
      assert.deepEqual(written.map((a) => String(a[0]).slice(0, 200)), []);
    } finally {
      console.error = saved.error;
      console.warn = saved.warn;
      await b4.close();
      await new Promise((r) => s.close(r));
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('close() ends open live-status streams and the ledger', async () => {
    const d = mkdtempSync(join(tmpdir(), 'bayar-mount-close-'));
    const b3 = await createBayar({ db: join(d, 'x.db'), logLevel: 'silent' });
    const shop = express().use('/b', b3.router);
    const s = createServer(shop);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/b`;
      assert.equal(b3.companion, null, 'built on the first request when no public URL is given');
      const p = await api(url, 'POST', '/api/payments', { orderId: 'CLOSE-1', amount: 50_000, method: 'va:bca' });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      const sse = openSse(`${url}/api/payments/${p.body.payment.id}/events?client_secret=${p.body.clientSecret}`);
      await sse.until((m) => m.length === 1);
      assert.equal(b3.companion!.streams.size, 1);
      await b3.close();
      assert.equal(b3.companion!.streams.size, 0);
      await sse.close();
      assert.equal(await b3.store.ready().catch(() => false), false);
    } finally {
      await b3.close();
      await new Promise((r) => s.close(r));
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('createBayar options', () => {
  it('map onto the environment variables and give the same config as the environment path', () => {
    const fromOptions = configFromOptions({
      mode: 'sandbox',
      db: './x.db',
      merchantKey: 'a-merchant-key-of-some-length',
      allowedOrigins: ['https://shop.example', 'https://m.shop.example'],
      allowUnsigned: false,
      routes: { va: ['xendit', 'komerce'], qris: ['xendit'] },
      paymentTtlSeconds: 7200,
      catalog: { 'KOPI-1': { name: 'Kopi', price: 95_000 } },
      logLevel: 'silent',
      port: 0,
      smartRouting: false,
      healthP95Ms: 900,
      providers: { xendit: { secretKey: 'xnd_live_abc', callbackToken: 'tok', webhookIps: ['10.0.0.1', '10.0.0.2'] } },
    });
    const fromEnv = loadConfig({
      BAYAR_MODE: 'sandbox',
      BAYAR_DB: './x.db',
      BAYAR_MERCHANT_KEY: 'a-merchant-key-of-some-length',
      BAYAR_ALLOWED_ORIGINS: 'https://shop.example,https://m.shop.example',
      BAYAR_ALLOW_UNSIGNED: '0',
      BAYAR_ROUTES: 'va=xendit,komerce;qris=xendit',
      BAYAR_PAYMENT_TTL_SECONDS: '7200',
      BAYAR_CATALOG: '{"KOPI-1":{"name":"Kopi","price":95000}}',
      LOG_LEVEL: 'silent',
      PORT: '0',
      BAYAR_SMART_ROUTING: 'off',
      BAYAR_HEALTH_P95_MS: '900',
      XENDIT_SECRET_KEY: 'xnd_live_abc',
      XENDIT_CALLBACK_TOKEN: 'tok',
      XENDIT_WEBHOOK_IPS: '10.0.0.1,10.0.0.2',
    });
    assert.deepEqual(fromOptions, fromEnv);
    assert.equal(fromOptions.allowUnsigned, false);
    assert.deepEqual(fromOptions.catalog, { 'KOPI-1': { name: 'Kopi', price: 95_000 } });
  });

  it('names follow one rule', () => {
    assert.equal(optionName('BAYAR_DB'), 'db');
    assert.equal(optionName('BAYAR_MERCHANT_KEY'), 'merchantKey');
    assert.equal(optionName('BAYAR_RATE_LIMIT_PER_MINUTE'), 'rateLimitPerMinute');
    assert.equal(optionName('DOKU_CLIENT_ID'), 'providers.doku.clientId');
    assert.equal(optionName('MIDTRANS_WEBHOOK_IPS'), 'providers.midtrans.webhookIps');
    assert.equal(optionName('LOG_LEVEL'), 'logLevel');
  });

  it('a bad config throws one ConfigError listing every problem, named by option', () => {
    let error: unknown;
    try {
      configFromOptions({
        mode: 'live',
        merchantKey: 'short',
        paymentTtlSeconds: 5,
        // @ts-expect-error a typo a JavaScript caller could make
        merchantkey: 'x',
        providers: { xendit: { secretKey: 'only-half' }, paypal: { key: 'k' } } as never,
      });
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof ConfigError, String(error));
    const text = error.problems.join('\n');
    assert.match(text, /merchantkey: unknown option \(known: .*merchantKey/);
    assert.match(text, /providers\.paypal: unknown provider/);
    assert.match(text, /merchantKey \(BAYAR_MERCHANT_KEY\).*at least 16/);
    assert.match(text, /paymentTtlSeconds \(BAYAR_PAYMENT_TTL_SECONDS\)/);
    assert.ok(error.problems.length >= 4, text);
  });

  it('cross-field rules of the schema apply to options too (live needs a key and a provider)', () => {
    assert.throws(
      () => configFromOptions({ mode: 'live', providers: { xendit: { secretKey: 'x' } } }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some((p) => /merchantKey \(BAYAR_MERCHANT_KEY\) is required in live mode/.test(p)) &&
        err.problems.some((p) => /xendit: set providers\.xendit\.callbackToken \(XENDIT_CALLBACK_TOKEN\) too/.test(p)),
    );
  });
});
