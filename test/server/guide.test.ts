/**
 * The integration guide, executed: the README's sandbox walkthrough (curl: mint a session, pay, refund, download
 * the day's reconciliation CSV), the Node and curl session examples, the notification receiver, the TypeScript
 * types, the build's manifest and SRI hashes, the theming reference, and the CSP recipe in Chromium. Code blocks
 * in the Markdown that name an example file must be that file, so what the reader copies is what ran here.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import { signNotification } from '../../server/domain/notifier.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium.mjs';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');
const KEY = SANDBOX_CREDENTIALS.merchantKey;
const run = promisify(execFile);
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

/** Fenced code blocks of a Markdown file, each with the heading it sits under and the HTML comment just before it. */
function codeBlocks(markdown: string) {
  const blocks: Array<{ heading: string; marker: string | null; lang: string; code: string }> = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    const open = /^```(\w*)\s*$/.exec(line);
    if (!open) continue;
    const marker = /^<!--\s*(.+?)\s*-->$/.exec(lines[i - 1] ?? '')?.[1] ?? null;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    blocks.push({ heading, marker, lang: open[1]!, code: `${body.join('\n')}\n` });
  }
  return blocks;
}

const docs = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Lines a child process prints, as they come. */
function lines(child: ChildProcessWithoutNullStreams) {
  const seen: string[] = [];
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let idx;
    while ((idx = buf.indexOf('\n')) >= 0) (seen.push(buf.slice(0, idx)), (buf = buf.slice(idx + 1)));
  });
  return {
    seen,
    async until(pred: (l: string[]) => boolean, what: string, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!pred(seen)) {
        if (Date.now() > deadline) throw new Error(`${what}: not seen in ${JSON.stringify(seen)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

describe('integration guide', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({}, undefined, { background: false });
  });
  after(() => s.destroy());

  it('every code block that names an example file is that file, byte for byte', () => {
    let checked = 0;
    for (const doc of docs) {
      for (const b of codeBlocks(read(doc))) {
        const m = /^include: (\S+)$/.exec(b.marker ?? '');
        if (!m) continue;
        assert.ok(existsSync(join(ROOT, m[1]!)), `${doc} includes ${m[1]}, which does not exist`);
        assert.equal(b.code, read(m[1]!), `${doc}: the block under "${b.heading}" differs from ${m[1]}`);
        checked++;
      }
    }
    assert.ok(checked >= 4, `only ${checked} included examples found`);
  });

  it("README walkthrough (curl): mint a session, pay in the sandbox, refund, download the day's reconciliation CSV", async () => {
    const block = codeBlocks(read('README.md')).find((b) => b.heading.startsWith('Try it in the sandbox') && b.lang === 'sh');
    assert.ok(block, 'README has a "Try it in the sandbox" sh block');
    const first = 'BAYAR=http://127.0.0.1:8787';
    assert.ok(block.code.startsWith(`${first}\n`), 'the walkthrough starts by naming the companion URL');
    const dir = mkdtempSync(join(tmpdir(), 'bayar-readme-'));
    try {
      writeFileSync(join(dir, 'walkthrough.sh'), block.code.replace(first, `BAYAR=${s.url}`));
      const out = await run('bash', ['-eu', 'walkthrough.sh'], { cwd: dir, timeout: 60_000 });
      const csvFile = readdirSync(dir).find((f) => /^bayar-\d{4}-\d{2}-\d{2}\.csv$/.test(f));
      assert.ok(csvFile, `the CSV was downloaded; output:\n${out.stdout}\n${out.stderr}`);
      const csv = readFileSync(join(dir, csvFile), 'utf8');
      const payments = await s.store.listPayments({ limit: 200 });
      const paid = payments.payments.find((p) => p.method === 'ewallet:gopay' && /^ORDER-\d+$/.test(p.orderId) && p.orderId !== 'ORDER-1001');
      assert.ok(paid, 'the walkthrough created a GoPay payment');
      assert.equal(paid.status, 'paid');
      assert.equal(paid.refundedAmount, 50_000);
      const refunds = await s.store.listRefunds({ paymentId: paid.id });
      assert.deepEqual(refunds.map((r) => [r.amount, r.status]), [[50_000, 'succeeded']]);
      assert.match(csv, new RegExp(`^payment,${paid.id},${paid.id},${paid.orderId},ewallet:gopay,midtrans,150000,paid,refunded,`, 'm'));
      assert.match(csv, new RegExp(`^refund,${refunds[0]!.id},${paid.id},`, 'm'));
      assert.match(csv, /^ewallet:gopay,midtrans,1,1,150000,50000,\r?$/m, 'totals: paid and refunded');
      assert.match(out.stdout, /"id":"va:bca"/, 'step 2 lists the methods');
      assert.match(out.stdout, /^paid$/m, 'step 3 shows the payment paid');
      assert.match(out.stdout, /^succeeded 100000$/m, 'step 4 shows the refund and what is left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Node example: mints a session the widget API accepts, and renders the element', async () => {
    const out = await run(process.execPath, ['docs/examples/mint-session.mjs', 'GUIDE-NODE-1', '99000'], {
      cwd: ROOT,
      timeout: 30_000,
      env: { ...process.env, BAYAR_URL: s.url },
    });
    const minted = JSON.parse(out.stdout);
    assert.equal(minted.orderId, 'GUIDE-NODE-1');
    assert.ok(Date.parse(minted.expiresAt) > Date.now());
    assert.ok(minted.html.includes(`session="${minted.session}"`));
    assert.ok(minted.html.includes(`<script src="${s.url}/bayar.js" defer></script>`));
    const methods = await api(s.url, 'GET', `/api/methods?session=${encodeURIComponent(minted.session)}`);
    assert.equal(methods.status, 200);
    assert.ok(methods.body.methods.some((m: { id: string }) => m.id === 'paylater:indodana'), 'items make PayLater possible');
    const created = await api(s.url, 'POST', '/api/payments', { session: minted.session, method: 'va:bni' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual([created.body.payment.orderId, created.body.payment.amount], ['GUIDE-NODE-1', 99_000], 'the amount comes from the session');

    const refused = await run(process.execPath, ['docs/examples/mint-session.mjs', 'GUIDE-NODE-2', '99000'], {
      cwd: ROOT,
      timeout: 30_000,
      env: { ...process.env, BAYAR_URL: s.url, BAYAR_MERCHANT_KEY: 'not-the-merchant-key' },
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    assert.ok(refused && refused.code !== 0);
    assert.match(refused.stderr, /Bayar refused the session \(401 unauthorized\)/);
  });

  it('curl example: mints a session; a wrong key fails loudly', async () => {
    const out = await run('sh', ['docs/examples/mint-session.sh'], { cwd: ROOT, timeout: 30_000, env: { ...process.env, BAYAR_URL: s.url } });
    const { session, expiresAt } = JSON.parse(out.stdout);
    assert.ok(Date.parse(expiresAt) > Date.now());
    const created = await api(s.url, 'POST', '/api/payments', { session, method: 'va:bri' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual([created.body.payment.orderId, created.body.payment.amount], ['ORDER-1001', 150_000]);

    const bad = await run('sh', ['docs/examples/mint-session.sh'], {
      cwd: ROOT,
      timeout: 30_000,
      env: { ...process.env, BAYAR_URL: s.url, BAYAR_MERCHANT_KEY: 'not-the-merchant-key' },
    }).then(
      () => null,
      (e: { code: number; stdout: string }) => e,
    );
    assert.equal(bad?.code, 22, 'curl --fail-with-body exits 22 on an HTTP error');
    assert.equal(JSON.parse(bad!.stdout).error.code, 'unauthorized');
  });

  it('merchant API example (curl): a refund safe to retry, the day’s paid payments, the statement', async () => {
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'GUIDE-MAPI-1', amount: 100_000, method: 'ewallet:gopay' });
    const id = created.body.payment.id;
    assert.equal((await api(s.url, 'POST', `/api/sandbox/payments/${id}/pay`)).body.payment.status, 'paid');
    const env = { ...process.env, BAYAR_URL: s.url, PAYMENT: id };
    const first = await run('sh', ['docs/examples/merchant-api.sh'], { cwd: ROOT, timeout: 30_000, env });
    const [refund, list, statement] = first.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(refund.refund.amount, 25_000);
    assert.equal(refund.payment.refundedAmount, 25_000);
    assert.ok(list.payments.some((p: { id: string }) => p.id === id), 'the paid payment is listed');
    assert.ok(list.payments.every((p: { status: string }) => p.status === 'paid'));
    assert.ok(statement.rows.some((r: { type: string; paymentId: string }) => r.type === 'refund' && r.paymentId === id));
    // Run again: the refund is replayed, not repeated.
    const again = await run('sh', ['docs/examples/merchant-api.sh'], { cwd: ROOT, timeout: 30_000, env });
    assert.equal(JSON.parse(again.stdout.split('\n')[0]!).refund.id, refund.refund.id);
    assert.deepEqual((await s.store.listRefunds({ paymentId: id })).map((r) => r.amount), [25_000]);
  });

  it('notification receiver example: verifies real notifications, drops duplicates, refuses forged and stale ones', async () => {
    const child = spawn(process.execPath, ['docs/examples/notification-receiver.mjs'], { cwd: ROOT, env: { ...process.env, PORT: '0' } });
    const out = lines(child);
    let bayar: TestServer | undefined;
    try {
      await out.until((l) => l.some((x) => x.startsWith('listening on ')), 'receiver start');
      const url = out.seen.find((x) => x.startsWith('listening on '))!.slice('listening on '.length);
      bayar = await startTestServer({ notifyUrl: url }, undefined, { notifierOptions: { intervalMs: 20, baseDelayMs: 20, maxDelayMs: 100 } });
      const created = await api(bayar.url, 'POST', '/api/payments', { orderId: 'GUIDE-NOTIFY-1', amount: 70_000, method: 'ewallet:gopay' });
      const id = created.body.payment.id;
      await api(bayar.url, 'POST', `/api/sandbox/payments/${id}/pay`);
      const refund = await api(bayar.url, 'POST', `/api/payments/${id}/refund`, { amount: 70_000, reason: 'cancelled order' }, { authorization: `Bearer ${KEY}` });
      assert.equal(refund.status, 201);
      const handled = () => out.seen.filter((x) => x.startsWith('{')).map((x) => JSON.parse(x)).filter((x) => x.paymentId === id);
      await out.until(() => handled().length === 4, 'four notifications', 30_000);
      assert.deepEqual(
        handled().map((x) => [x.verified, x.type, x.status, x.refund ?? null]),
        [
          [true, 'payment.status', 'pending', null],
          [true, 'payment.status', 'paid', null],
          [true, 'payment.status', 'refunded', null],
          [true, 'payment.refund', 'refunded', 70_000],
        ],
      );
      // The receiver prints a notification before its 200 reaches the companion, which only then marks it delivered.
      const deadline = Date.now() + 10_000;
      while ((await bayar.store.outboxBacklog()) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      assert.equal(await bayar.store.outboxBacklog(), 0, 'every notification was acknowledged');

      // What an attacker or a replay looks like to the receiver.
      const body = JSON.stringify({ type: 'payment.status', payment: { id, orderId: 'GUIDE-NOTIFY-1', status: 'paid', amount: 70_000 } });
      const post = (signature: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'bayar-signature': signature }, body });
      const now = Math.floor(Date.now() / 1000);
      assert.equal((await post(signNotification(body, 'a-different-key-entirely', now))).status, 401, 'wrong key');
      assert.equal((await post(signNotification(body, KEY, now - 3600))).status, 401, 'an hour old');
      assert.equal((await post(`t=${now},v1=${'0'.repeat(64)}`)).status, 401, 'made up');
      assert.equal((await post('')).status, 401, 'unsigned');
      const dup = await post(signNotification(body, KEY, now));
      assert.equal(dup.status, 200);
      assert.equal((await dup.json()).outcome, 'duplicate', 'a re-delivered "paid" is acknowledged and ignored');
    } finally {
      child.kill();
      await bayar?.destroy();
    }
  });

  it('TypeScript: bayar.d.mts types the element, its events and the payment object for ES-module users', () => {
    assert.ok(existsSync(join(DIST, 'bayar.d.mts')), 'dist/bayar.d.mts is missing: run `npm run build` first');
    const dir = mkdtempSync(join(tmpdir(), 'bayar-types-'));
    try {
      cpSync(join(DIST, 'bayar.d.mts'), join(dir, 'bayar.d.mts'));
      cpSync(join(DIST, 'types'), join(dir, 'types'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      const example = read('docs/examples/typed-events.ts');
      writeFileSync(join(dir, 'good.ts'), example);
      writeFileSync(join(dir, 'bad.ts'), example.replace('event.detail.payment;', 'event.detail.paymnt;').replace("'bayar-error'", "'bayar-eror'"));
      const check = (file: string) =>
        ts
          .getPreEmitDiagnostics(
            ts.createProgram([join(dir, file)], {
              strict: true,
              noEmit: true,
              target: ts.ScriptTarget.ES2022,
              module: ts.ModuleKind.ESNext,
              moduleResolution: ts.ModuleResolutionKind.Bundler,
              lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
              types: [],
              skipLibCheck: true,
              experimentalDecorators: true,
            }),
          )
          .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      assert.deepEqual(check('good.ts'), []);
      const errors = check('bad.ts');
      assert.ok(errors.some((e) => e.includes("'paymnt'")), errors.join('\n'));
      assert.ok(errors.some((e) => e.includes("'code'") || e.includes('detail')), 'an unknown event has no typed detail');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the build ships a Custom Elements Manifest and SRI hashes that match what the companion serves', async () => {
    const manifest = JSON.parse(readFileSync(join(DIST, 'custom-elements.json'), 'utf8'));
    const checkout = manifest.modules.flatMap((m: any) => m.declarations ?? []).find((d: any) => d.tagName === 'bayar-checkout');
    assert.ok(checkout, 'bayar-checkout is in the manifest');
    const names = (k: string) => (checkout[k] ?? []).map((x: { name: string }) => x.name).sort();
    assert.deepEqual(names('attributes'), ['amount', 'customer-email', 'customer-name', 'customer-phone', 'hide-unavailable', 'items', 'locale', 'methods', 'order-id', 'remember-method', 'server', 'session', 'ui-mode']);
    assert.deepEqual(names('events'), [
      'bayar-error',
      'bayar-method-select',
      'bayar-payment-cancelled',
      'bayar-payment-expired',
      'bayar-payment-failed',
      'bayar-payment-paid',
      'bayar-payment-pending',
      'bayar-ready',
    ]);
    for (const part of ['base', 'method', 'va-number', 'copy-button', 'qr', 'countdown', 'instructions', 'installment', 'status']) {
      assert.ok(names('cssParts').includes(part), `part ${part}`);
    }
    const sri = JSON.parse(readFileSync(join(DIST, 'sri.json'), 'utf8'));
    // A fresh connection: the type check before this test blocks the event loop longer than the server's
    // keep-alive timeout, so a pooled socket would be closed by the server just as it is reused (ECONNRESET).
    const fresh = (url: string) =>
      new Promise<Buffer>((resolve, reject) =>
        httpGet(url, { agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
        }).on('error', reject),
      );
    for (const file of ['bayar.js', 'bayar.mjs']) {
      const served = await fresh(`${s.url}/${file}`);
      assert.equal(sri[file], `sha384-${createHash('sha384').update(served).digest('base64')}`, file);
    }
    const chunks = readdirSync(join(DIST, 'chunks'));
    for (const c of chunks) assert.match(sri[`chunks/${c}`], /^sha384-[A-Za-z0-9+/]{64}$/, c);
  });

  it('theming.md documents every token and part the element publishes, with the defaults it uses', () => {
    const manifest = JSON.parse(readFileSync(join(DIST, 'custom-elements.json'), 'utf8'));
    const checkout = manifest.modules.flatMap((m: any) => m.declarations ?? []).find((d: any) => d.tagName === 'bayar-checkout');
    const theming = read('docs/theming.md');
    for (const p of checkout.cssProperties) {
      const row = theming.split('\n').find((l) => l.startsWith(`| \`${p.name}\``));
      assert.ok(row, `${p.name} is in the token table`);
      assert.ok(row.includes(p.default), `${p.name}: default ${p.default}`);
    }
    for (const p of checkout.cssParts) assert.ok(theming.split('\n').some((l) => l.startsWith(`| \`${p.name}\``)), `part ${p.name}`);
    assert.ok(existsSync(join(ROOT, 'docs/theming.png')));
    assert.match(theming, /!\[[^\]]+\]\(theming\.png\)/);
  });

  it('the CSP recipe: the widget loads cross-origin with SRI, shows a QRIS code and turns paid, with no violation', async () => {
    const { chromium } = await import('playwright-core');
    const recipe = codeBlocks(read('docs/csp.md')).find((b) => b.marker === 'csp-recipe');
    assert.ok(recipe, 'docs/csp.md has the recipe block');
    const sri = JSON.parse(readFileSync(join(DIST, 'sri.json'), 'utf8'));
    let shop: Server | undefined;
    let bayar: TestServer | undefined;
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS],
    });
    try {
      let page = '';
      let csp = '';
      shop = createServer((req, res) => {
        if (req.url !== '/checkout') return res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp }).end(page);
      });
      await new Promise<void>((r) => shop!.listen(0, '127.0.0.1', r));
      const shopOrigin = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
      bayar = await startTestServer({ allowedOrigins: [shopOrigin] }, undefined, { background: false });
      csp = recipe.code.replaceAll('https://pay.shop.example', bayar.url).replace(/\s*\n\s*/g, ' ').trim();
      const minted = await api(bayar.url, 'POST', '/api/sessions', { orderId: 'GUIDE-CSP-1', amount: 45_000 }, { authorization: `Bearer ${KEY}` });
      page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script src="${bayar.url}/bayar.js" integrity="${sri['bayar.js']}" crossorigin="anonymous" defer></script></head>
<body><bayar-checkout server="${bayar.url}" session="${minted.body.session}" locale="en"></bayar-checkout></body></html>`;

      const tab = await browser.newPage();
      tab.setDefaultTimeout(15_000);
      const problems: string[] = [];
      tab.on('console', (m) => {
        // Failed loads are checked by URL below (the browser also asks the shop for /favicon.ico).
        if (m.text().startsWith('Failed to load resource')) return;
        if (m.type() === 'error' || /Content Security Policy|Trusted Type|integrity/i.test(m.text())) problems.push(m.text());
      });
      tab.on('response', (r) => {
        if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
      });
      // ERR_ABORTED is the page closing a request itself (the status stream, once the payment is final).
      tab.on('requestfailed', (r) => r.failure()?.errorText !== 'net::ERR_ABORTED' && problems.push(`failed ${r.url()}: ${r.failure()?.errorText}`));
      tab.on('pageerror', (e) => problems.push(String(e)));
      // Init scripts run outside the page's CSP: they only watch.
      await tab.addInitScript(() => {
        const w = window as unknown as { violations: string[]; events: string[] };
        w.violations = [];
        w.events = [];
        document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
        for (const name of ['bayar-ready', 'bayar-payment-pending', 'bayar-payment-paid', 'bayar-error']) document.addEventListener(name, () => w.events.push(name));
      });
      await tab.goto(`${shopOrigin}/checkout`);
      await tab.getByRole('radio', { name: /QRIS/ }).click();
      await tab.getByRole('button', { name: /^Pay/ }).click();
      await tab.locator('canvas[part~="qr"][data-drawn]').waitFor({ timeout: 15_000 });
      const payment = (await bayar.store.listPayments({ orderId: 'GUIDE-CSP-1', limit: 5 })).payments[0]!;
      assert.equal((await api(bayar.url, 'POST', `/api/sandbox/payments/${payment.id}/pay`)).body.payment.status, 'paid');
      await tab.waitForFunction(() => (window as unknown as { events: string[] }).events.includes('bayar-payment-paid'), undefined, { timeout: 15_000 });
      const seen = await tab.evaluate(() => {
        const w = window as unknown as { violations: string[]; events: string[] };
        return { violations: w.violations, events: w.events };
      });
      assert.deepEqual(seen.violations, []);
      assert.deepEqual(seen.events, ['bayar-ready', 'bayar-payment-pending', 'bayar-payment-paid']);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await bayar?.destroy();
      if (shop) await new Promise<void>((r) => shop!.close(() => r()));
    }
  });
});
