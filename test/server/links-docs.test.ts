/**
 * docs/links.md, executed: the curl and Node examples it shows (byte for byte the files, checked by guide.test.ts)
 * run against a real companion, and what they print and create is what the guide says.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

describe('payment links guide (docs/links.md)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({}, undefined, { background: false });
  });
  after(() => s.destroy());

  it('shows both examples', () => {
    const doc = readFileSync(join(ROOT, 'docs/links.md'), 'utf8');
    assert.match(doc, /<!-- include: docs\/examples\/create-link.sh -->\n```sh\n/);
    assert.match(doc, /<!-- include: docs\/examples\/links.mjs -->\n```js\n/);
  });

  it('curl: creates the link and its QR sticker; a retry answers with the same link; a wrong key fails loudly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bayar-links-doc-'));
    try {
      const env = { ...process.env, BAYAR_URL: s.url };
      const script = join(ROOT, 'docs/examples/create-link.sh');
      const first = await run('sh', [script], { cwd: dir, env, timeout: 30_000 });
      const { link } = JSON.parse(first.stdout);
      assert.equal(link.status, 'active');
      assert.equal(link.orderId, 'ORDER-2001');
      assert.equal(link.amount, 375_000);
      assert.match(link.share.whatsapp, /^https:\/\/wa\.me\/6281234567890\?text=/);
      const png = PNG.sync.read(readFileSync(join(dir, `qr-${link.id}.png`)));
      assert.ok(png.width >= 210 && png.width === png.height);
      const page = await fetch(link.url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Kain batik tulis Solo/);

      const again = await run('sh', [script], { cwd: dir, env, timeout: 30_000 });
      assert.equal(JSON.parse(again.stdout).link.id, link.id, 'the Idempotency-Key replays the first link');
      const all = await s.store.listLinks({ limit: 200, now: new Date().toISOString(), orderId: 'ORDER-2001' });
      assert.equal(all.links.length, 1);
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.png')), [`qr-${link.id}.png`]);

      const bad = await run('sh', [script], { cwd: dir, env: { ...env, BAYAR_MERCHANT_KEY: 'not-the-merchant-key' }, timeout: 30_000 }).then(
        () => null,
        (e: { code: number; stdout: string }) => e,
      );
      assert.equal(bad?.code, 22);
      assert.equal(JSON.parse(bad!.stdout).error.code, 'unauthorized');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Node: creates an open-amount link valid for a week, lists active links, reads it back', async () => {
    const out = await run(process.execPath, ['docs/examples/links.mjs'], { cwd: ROOT, env: { ...process.env, BAYAR_URL: s.url }, timeout: 30_000 });
    const [created, active, read] = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(created.status, 'active');
    assert.ok(active.active >= 1);
    assert.deepEqual(read, { id: created.id, paidCount: 0, payments: 0 });
    const link = (await s.store.getLink(created.id))!;
    assert.deepEqual(link.openAmount, { min: 10_000, max: 5_000_000 });
    assert.equal(link.maxPayments, 500);
    const days = (new Date(link.expiresAt!).getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, `expires in a week (${days})`);
    const page = await (await fetch(created.url)).text();
    assert.match(page, /<input id="amount" name="amount" type="number"/);

    const refused = await run(process.execPath, ['docs/examples/links.mjs'], {
      cwd: ROOT,
      env: { ...process.env, BAYAR_URL: s.url, BAYAR_MERCHANT_KEY: 'not-the-merchant-key' },
      timeout: 30_000,
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    assert.ok(refused && refused.code !== 0);
    assert.match(refused.stderr, /Bayar refused POST \/api\/links \(401 unauthorized\)/);
  });
});
