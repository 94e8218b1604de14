/**
 * Bayar as a user gets it: `npm pack`, the tarball installed from the registry into a scratch folder (no link into
 * this repository), then the CLI, the mounted router, the type definitions, and the examples — plain HTML, Express,
 * React (StrictMode), Vue and Next.js — built once and driven in one Chromium. Each browser flow pays a VA once, with
 * exactly one payment created, and leaves no live-status stream open after the checkout is unmounted (counted on
 * the server, from /metrics).
 *
 * The scratch install needs the npm registry (it is the only network it uses); every server listens on loopback.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, WAIT_MS } from '../helpers/browser.js';
import { freePort } from '../helpers/process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const KEY = 'sandbox-merchant-key-not-secret';
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** What the scratch project installs beside the tarball: the examples' own dependencies, at the versions tested here. */
const SCRATCH_DEPENDENCIES = {
  express: '5.3.0',
  react: '19.3.1',
  'react-dom': '19.3.1',
  vue: '3.5.45',
  next: '16.4.6',
  vite: '8.3.8',
  '@vitejs/plugin-react': '6.3.0',
  '@vitejs/plugin-vue': '6.0.11',
  typescript: '5.9.3',
  '@types/react': '19.3.0',
  '@types/react-dom': '19.3.0',
  '@types/node': pkg.devDependencies['@types/node']!.replace(/^\^/, ''),
};

/**
 * React 18, the oldest React `bayar/react` supports: the React example is built a second time against it. It is
 * installed in a folder of its own (react-dom 18's peer dependency cannot sit beside React 19) and aliased in.
 */
const REACT_18 = { react: '18.3.1', 'react-dom': '18.3.1' };

/** An environment without this repository's tooling leaking in (tsx loaders, npm's config for this project). */
const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('npm_') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, NEXT_TELEMETRY_DISABLED: '1', LOG_LEVEL: 'warn', ...extra };
};

interface Proc {
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

function startProc(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Proc {
  const proc = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}

async function waitFor(url: string, p: Proc, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p.proc.exitCode !== null) throw new Error(`exited with ${p.proc.exitCode} before answering ${url}:\n${p.output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${url} within ${timeoutMs} ms:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Live-status streams the companion holds open right now (its own gauge). */
async function openStreams(bayarBase: string): Promise<number> {
  const text = await (await fetch(`${bayarBase}/metrics`)).text();
  const m = /^bayar_sse_connections (\d+)$/m.exec(text);
  assert.ok(m, 'bayar_sse_connections on /metrics');
  return Number(m[1]);
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Payments the companion holds for an order (merchant API). */
async function paymentsOf(bayarBase: string, orderId: string): Promise<Array<{ id: string; status: string; amount: number }>> {
  const res = await fetch(`${bayarBase}/api/payments?orderId=${encodeURIComponent(orderId)}`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { payments: Array<{ id: string; status: string; amount: number }> };
  return body.payments;
}

/**
 * The customer's part, the same in every example: pick BCA VA, pay, see the instructions. Then, with the payment
 * pending and its stream open, the app unmounts the checkout (the stream must close) and mounts it again (it resumes
 * the same payment); the bank pays (sandbox) and the page hears it once.
 */
async function payOnce(page: Page, bayarBase: string, opts: { toggle: boolean }): Promise<{ orderId: string; paymentId: string }> {
  const checkout = page.locator('bayar-checkout');
  await checkout.locator('[role="radio"][data-id="va:bca"]').click({ timeout: WAIT_MS });
  await checkout.locator('button.pay').click();
  await checkout.locator('[part~="va-number"]').first().waitFor({ timeout: WAIT_MS });
  const payment = await page.evaluate(() => (document.querySelector('bayar-checkout') as HTMLElement & { payment: { id: string; orderId: string } }).payment);
  await eventually(async () => (await openStreams(bayarBase)) === 1, 'the live-status stream to open');

  if (opts.toggle) {
    await page.getByRole('button', { name: 'Close checkout' }).click();
    await eventually(async () => (await openStreams(bayarBase)) === 0, 'the stream to close after unmount');
    await page.getByRole('button', { name: 'Open checkout' }).click();
    await checkout.locator('[part~="va-number"]').first().waitFor({ timeout: WAIT_MS });
    const resumed = await page.evaluate(() => (document.querySelector('bayar-checkout') as HTMLElement & { payment: { id: string } }).payment.id);
    assert.equal(resumed, payment.id, 'the remounted checkout resumes the same payment');
    await eventually(async () => (await openStreams(bayarBase)) === 1, 'the stream to reopen');
  }

  const paid = await fetch(`${bayarBase}/api/sandbox/payments/${payment.id}/pay`, { method: 'POST' });
  assert.equal(paid.status, 200);
  await page.getByRole('status').filter({ hasText: payment.id }).waitFor({ timeout: WAIT_MS });
  await eventually(async () => (await openStreams(bayarBase)) === 0, 'no stream left once paid');
  const all = await paymentsOf(bayarBase, payment.orderId);
  assert.deepEqual(all.map((p) => [p.id, p.status]), [[payment.id, 'paid']], 'exactly one payment, paid');
  return { orderId: payment.orderId, paymentId: payment.id };
}

describe('the npm package, installed from its tarball', () => {
  let scratch: string;
  let browser: Browser | undefined;
  const procs: Proc[] = [];
  const bin = (name: string) => join(scratch, 'node_modules', '.bin', name);
  const npx = (args: string[], cwd: string, env = cleanEnv()) => run('npx', ['--no-install', ...args], { cwd, env, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'lib', 'server', 'bin.js')) && existsSync(join(ROOT, 'dist', 'bayar.mjs')), 'run `npm run build` first');
    scratch = mkdtempSync(join(tmpdir(), 'bayar-package-'));
    // Built once by `npm run build` (npm test's build step); packing runs no script of its own.
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', scratch], { cwd: ROOT, env: cleanEnv() });
    const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'))!;
    assert.equal(tarball, `bayar-${pkg.version}.tgz`);
    writeFileSync(
      join(scratch, 'package.json'),
      JSON.stringify({ name: 'scratch-shop', private: true, type: 'module', dependencies: { bayar: `file:./${tarball}`, ...SCRATCH_DEPENDENCIES } }, null, 2),
    );
    cpSync(join(ROOT, '.npmrc'), join(scratch, '.npmrc'));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: scratch, env: cleanEnv(), timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
    cpSync(join(ROOT, 'examples'), join(scratch, 'examples'), { recursive: true, filter: (src) => !/[\\/](node_modules|dist|\.next)$/.test(src) });
    cpSync(join(ROOT, 'test', 'package', 'consumer'), join(scratch, 'consumer'), { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await Promise.all(procs.map((p) => p.stop()));
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('is a real install: a copy of the package, compiled, with no tsx or repository link', () => {
    const installed = join(scratch, 'node_modules', 'bayar');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    assert.equal(manifest.private, undefined);
    assert.ok(!('tsx' in manifest.dependencies), 'tsx is not a run-time dependency');
    const shipped = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? shipped(join(dir, e.name)) : [join(dir, e.name)]));
    assert.deepEqual(shipped(join(installed, 'server')).filter((f) => f.endsWith('.ts')), [], 'no TypeScript sources shipped for the server');
    assert.ok(!readFileSync(join(installed, 'lib', 'server', 'bin.js'), 'utf8').includes(ROOT), 'no path into the repository');
    // The server's pure-JS dependencies are bundled into lib/server (start-up time): their licenses travel with them.
    assert.match(readFileSync(join(installed, 'LICENSE'), 'utf8'), /^MIT License/);
    const notices = readFileSync(join(installed, 'lib', 'server', 'THIRD-PARTY-LICENSES.txt'), 'utf8');
    for (const bundled of ['express', 'zod', 'pino', 'helmet', 'prom-client']) assert.match(notices, new RegExp(`^${bundled}@\\d`, 'm'), bundled);
    assert.deepEqual(shipped(join(installed, 'docs')).filter((f) => f.endsWith('.png') || f.includes('/tools/')), [], 'no screenshots or repository tools in the package');
  });

  it('`npx bayar` has help, exit codes and clear errors', async () => {
    const help = await npx(['bayar', '--help'], scratch);
    for (const c of ['start', 'migrate', 'reconcile', 'console-user']) assert.match(help.stdout, new RegExp(`^  ${c} `, 'm'));
    const unknown = await npx(['bayar', 'launch'], scratch).then(() => null, (e: { code: number; stderr: string }) => e);
    assert.equal(unknown?.code, 2);
    assert.match(unknown!.stderr, /unknown command "launch"/);
    const badConfig = await npx(['bayar', 'start', '--mode', 'live'], scratch).then(() => null, (e: { code: number; stderr: string }) => e);
    assert.equal(badConfig?.code, 78);
    assert.match(badConfig!.stderr, /BAYAR_MERCHANT_KEY is required in live mode/);
    const migrated = await npx(['bayar', 'migrate', '--db', join(scratch, 'migrated.db')], scratch);
    assert.match(migrated.stdout, /schema at version \d+/);
  });

  it('`npx bayar start` with no configuration is the sandbox demo', async () => {
    const port = await freePort();
    // The installed executable itself (what npx runs), so that SIGTERM reaches the companion and not a wrapper.
    const p = startProc(bin('bayar'), ['start', '--port', String(port)], scratch, cleanEnv());
    procs.push(p);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/healthz`, p);
    assert.match(await (await fetch(`${base}/`)).text(), /<bayar-checkout session="/);
    assert.equal((await fetch(`${base}/bayar.js`)).status, 200);
    // Files the compiled server reads beside its code: the hosted payment page's style and script.
    assert.equal((await fetch(`${base}/pay/assets/page.css`)).status, 200);
    assert.equal(await p.stop(), 0, p.output());
    assert.ok(existsSync(join(scratch, 'data', 'bayar.db')), 'the default ledger, in the working directory');
  });

  it('bayar/widget imports on a server without side effects; bayar/widget/define registers', async () => {
    const script = `
      const widget = await import('bayar/widget');
      const defined = () => globalThis.customElements?.get('bayar-checkout');
      if (typeof window !== 'undefined' || typeof document !== 'undefined') throw new Error('a DOM appeared');
      if (defined()) throw new Error('bayar/widget registered the element');
      if (typeof widget.BayarCheckout !== 'function') throw new Error('no BayarCheckout class');
      await import('bayar/widget/define');
      await import('bayar/widget/define');
      if (defined() !== widget.BayarCheckout) throw new Error('define did not register the exported class');
      const vue = await import('bayar/vue');
      console.log(JSON.stringify({ ok: true, vue: [vue.isCustomElement('bayar-checkout'), vue.isCustomElement('div')] }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: scratch, env: cleanEnv() });
    assert.deepEqual(JSON.parse(stdout), { ok: true, vue: [true, false] });
  });

  it('tsc type-checks a consumer using the typed events, the React component, Vue typings and createBayar', async () => {
    await npx(['tsc', '-p', 'consumer/tsconfig.json'], scratch).catch((e: { stdout: string }) => assert.fail(`tsc:\n${e.stdout}`));
  });

  describe('examples', () => {
    let companion: string;

    /** examples/react-vite built into dist-react18 with React 18 (react, react-dom and their subpaths aliased). */
    async function buildWithReact18(): Promise<void> {
      const dir = join(scratch, 'react18');
      mkdirSync(dir);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'react18', private: true, dependencies: REACT_18 }));
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, env: cleanEnv(), timeout: 600_000 });
      const modules = JSON.stringify(join(dir, 'node_modules'));
      writeFileSync(
        join(scratch, 'vite.react18.config.mjs'),
        `import react from '@vitejs/plugin-react';
export default {
  root: 'examples/react-vite',
  plugins: [react()],
  build: { outDir: 'dist-react18', emptyOutDir: true },
  resolve: { alias: [/^(react)(\\/.*)?$/, /^(react-dom)(\\/.*)?$/].map((find) => ({ find, replacement: ${modules} + '/$1$2' })) },
};
`,
      );
      await npx(['vite', 'build', '--logLevel', 'error', '--config', 'vite.react18.config.mjs'], scratch);
    }
    before(async () => {
      // Built once, in parallel, before any browser work.
      const vite = (dir: string) => npx(['vite', 'build', '--logLevel', 'error'], join(scratch, 'examples', dir));
      const next = npx(['next', 'build'], join(scratch, 'examples', 'next'));
      await Promise.all([vite('react-vite'), vite('vue-vite'), next, buildWithReact18()]);
      browser = await launchBrowser();
      // The standalone companion, for the plain HTML page and Next.js (which reach it across origins).
      const port = await freePort();
      const nextPort = await freePort();
      const staticPort = await freePort();
      companion = `http://127.0.0.1:${port}`;
      const c = startProc(bin('bayar'), ['start', '--port', String(port), '--db', join(scratch, 'companion.db')], scratch, cleanEnv({ BAYAR_ALLOWED_ORIGINS: `http://127.0.0.1:${nextPort},http://127.0.0.1:${staticPort}` }));
      procs.push(c);
      await waitFor(`${companion}/healthz`, c);
      ports.next = nextPort;
      ports.static = staticPort;
    });
    const ports = { next: 0, static: 0 };

    /**
     * The Express shop of examples/express, serving its own page or, as the React and Vue examples' `npm start` does
     * (`node ../express/server.mjs dist`), a front end built in their folder.
     */
    async function shop(example?: string, staticDir?: string): Promise<{ base: string; proc: Proc }> {
      const port = await freePort();
      const env = cleanEnv({ PORT: String(port), BAYAR_DB: join(scratch, `shop-${port}.db`) });
      // The example's own `npm start` line, run without npm in between so that SIGTERM reaches the server.
      const dir = join(scratch, 'examples', example ?? 'express');
      const [cmd, ...args] = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ');
      assert.equal(cmd, 'node', 'a start script that runs the same on every OS');
      if (staticDir) args[args.length - 1] = staticDir;
      const proc = startProc(process.execPath, args, dir, env);
      procs.push(proc);
      const base = `http://127.0.0.1:${port}`;
      await waitFor(`${base}/bayar/healthz`, proc);
      return { base, proc };
    }

    /**
     * A customer on an example's page: it opens, pays once with the checkout unmounted and mounted again midway
     * (payOnce), then `then` runs on the same page; no uncaught page error all along (`watch` adds what else counts).
     */
    async function payOnExample(url: string, bayarBase: string, opts: { then?: (page: Page) => Promise<void>; watch?: (page: Page, errors: string[]) => void } = {}) {
      const page = await browser!.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      opts.watch?.(page, errors);
      try {
        await page.goto(url);
        await payOnce(page, bayarBase, { toggle: true });
        await opts.then?.(page);
        assert.deepEqual(errors, [], 'no hydration or runtime error');
      } finally {
        await page.close();
      }
    }

    it('Express: the mounted router answers under /bayar only, and its own page pays', async () => {
      const { base, proc } = await shop();
      assert.equal((await fetch(`${base}/healthz`)).status, 404, 'nothing of Bayar outside its prefix');
      assert.equal((await (await fetch(`${base}/bayar/readyz`)).json()).status, 'ready');
      const page = await browser!.newPage();
      try {
        await page.goto(`${base}/`);
        await payOnce(page, `${base}/bayar`, { toggle: false });
      } finally {
        await page.close();
      }
      assert.equal(await proc.stop(), 0, proc.output());
    });

    it('plain HTML: one script tag against `npx bayar start` on another origin', async () => {
      const html = readFileSync(join(scratch, 'examples', 'html', 'index.html'), 'utf8').replaceAll('http://127.0.0.1:8787', companion);
      const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
      await new Promise<void>((r) => server.listen(ports.static, '127.0.0.1', r));
      const page = await browser!.newPage();
      try {
        await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        await payOnce(page, companion, { toggle: false });
      } finally {
        await page.close();
        server.close();
      }
    });

    it('React (StrictMode): pays once, one payment, the stream closes on unmount; a bigger cart re-quotes and cancels the old amount', async () => {
      const { base } = await shop('react-vite');
      await payOnExample(`${base}/`, `${base}/bayar`, {
        then: async (page) => {
          // A new page view, a new order: the cart grows while its first payment is pending.
          await page.reload();
          const checkout = page.locator('bayar-checkout');
          await checkout.locator('[role="radio"][data-id="va:bca"]').click({ timeout: WAIT_MS });
          await checkout.locator('button.pay').click();
          await checkout.locator('[part~="va-number"]').first().waitFor({ timeout: WAIT_MS });
          const first = await page.evaluate(() => (document.querySelector('bayar-checkout') as HTMLElement & { payment: { id: string; orderId: string; amount: number } }).payment);
          assert.equal(first.amount, 95_000);
          await page.getByRole('button', { name: 'Add a tumbler' }).click();
          await checkout.locator('[role="radio"][data-id="va:bca"]').click({ timeout: WAIT_MS });
          await checkout.locator('button.pay').click();
          await checkout.locator('[part~="va-number"]').first().waitFor({ timeout: WAIT_MS });
          const second = await page.evaluate(() => (document.querySelector('bayar-checkout') as HTMLElement & { payment: { id: string; amount: number } }).payment);
          assert.equal(second.amount, 150_000);
          const all = await paymentsOf(`${base}/bayar`, first.orderId);
          assert.deepEqual(
            all.map((p) => [p.id, p.amount, p.status]).sort(),
            [[first.id, 95_000, 'cancelled'], [second.id, 150_000, 'pending']].sort(),
            'the old amount can no longer be paid',
          );
        },
      });
    });

    it('React 18 (StrictMode): pays once, one payment, the stream closes on unmount', async () => {
      const assets = join(scratch, 'examples', 'react-vite', 'dist-react18', 'assets');
      const js = readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
      // React's version string, as the bundler quotes it.
      assert.match(js, /[`"']18\.3\.1[`"']/, 'built with React 18');
      assert.doesNotMatch(js, /[`"']19\.\d+\.\d+[`"']/, 'and no React 19 beside it');
      const { base } = await shop('react-vite', 'dist-react18');
      await payOnExample(`${base}/`, `${base}/bayar`);
    });

    it('Vue: pays once, one payment, the stream closes on unmount', async () => {
      const { base } = await shop('vue-vite');
      await payOnExample(`${base}/`, `${base}/bayar`);
    });

    it('Next.js (app router): server-rendered without harm, hydrates, pays once, the stream closes on unmount', async () => {
      const env = cleanEnv({ PORT: String(ports.next), HOSTNAME: '127.0.0.1', BAYAR_URL: companion });
      const next = startProc(bin('next'), ['start', '-p', String(ports.next), '-H', '127.0.0.1'], join(scratch, 'examples', 'next'), env);
      procs.push(next);
      const base = `http://127.0.0.1:${ports.next}`;
      await waitFor(`${base}/`, next);
      const ssr = await (await fetch(`${base}/`)).text();
      assert.match(ssr, /<bayar-checkout[^>]*>/, 'the tag is in the server-rendered HTML');
      try {
        await payOnExample(`${base}/`, companion, {
          watch: (page, errors) => {
            // Failed loads are reported by URL (the console only says "Failed to load resource").
            page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text()));
            page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
          },
        });
      } finally {
        await next.stop();
      }
    });
  });
});
