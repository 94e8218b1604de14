/**
 * Time to interactive in headless Chromium. A tiny page server (this process) serves dist/ and two minimal
 * pages: one with `<script src="/bayar.js" defer>` and a `<bayar-checkout>` pointed at the companion (a child
 * process, another origin, as when a shop embeds it), and the same page without the script (baseline). Every
 * run is a fresh browser context (cold HTTP cache, empty storage). Times are read inside the page from
 * performance.now(), whose origin is the navigation start, so the driver's own latency is not in them.
 *
 * - widget: navigation → a method radio holds the picker's tab stop and takes focus (measured on `bayar-ready`,
 *   after the picker's own render; focus() is checked to have landed).
 * - baseline: navigation → DOMContentLoaded of the page without the widget (nothing else to wait for).
 * - QRIS: click on the QRIS radio → "Pay" → payment created through the companion and the Xendit emulator →
 *   QR drawn on the canvas (the view sets data-drawn after painting the last module, from the symbol the
 *   companion sent with the payment).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/helpers/chromium.mjs';
import { median, percentile, within } from './stats.js';


/** Chromium network emulation (CDP Network.emulateNetworkConditions): latency is added to every request's round trip. */
export interface NetProfile {
  name: string;
  latencyMs: number;
  downKbps: number;
  upKbps: number;
}

/** Typical Indonesian 4G as issue 16 names it: 150 ms latency, 1.6 Mbps down, 0.75 Mbps up. */
export const MOBILE: NetProfile = { name: 'mobile (150 ms, 1.6/0.75 Mbps)', latencyMs: 150, downKbps: 1600, upKbps: 750 };

/** One request of the widget page as the browser saw it, until the method list was ready (ms from navigation start). */
export interface WaterfallEntry {
  path: string;
  start: number;
  end: number;
}

export interface Summary {
  median: number;
  p90: number;
  min: number;
  max: number;
  samples: number[];
}

export interface TtiProfileResult {
  profile: NetProfile;
  runs: number;
  widget: Summary;
  baseline: Summary;
  /** The floor page (see FLOOR): the same method list fetched and its radios focusable with no widget code at all. */
  floor: Summary;
  /** The widget page's requests in the run closest to the median. */
  waterfall: WaterfallEntry[];
}

export interface TtiResult {
  runs: number;
  /** The widget page's requests (loopback) in the run closest to the median. */
  waterfall?: WaterfallEntry[];
  /** The same pages on a throttled network. */
  mobile?: TtiProfileResult;
  widget: { median: number; p90: number; min: number; max: number; samples: number[] };
  baseline: { median: number; p90: number; min: number; max: number; samples: number[] };
  /** The floor page (see FLOOR), in the same alternating rounds. */
  floor: Summary;
  /** Median of the widget's DOMContentLoaded, for reference: the widget does not delay the page itself. */
  widgetDcl: number;
  qris: { runs: number; median: number; p90: number; min: number; max: number; createMedian: number; samples: number[] };
  chromium: string;
}

const MIME: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.map': 'application/json' };

const DONE = 'bayar-bench-done';

/**
 * Runs in the page before anything else; records the timings in window.__bench and says when it is done on the
 * console. The driver waits for that message rather than polling the page with waitForFunction: polling evaluates
 * Playwright's injected script in the page (tens of ms of main-thread time on this machine) while it loads.
 */
const PROBE = `
window.__bench = {};
const done = () => { window.__bench.done = true; console.log('${DONE}'); };
document.addEventListener('DOMContentLoaded', () => { window.__bench.dcl = performance.now(); if (window.__kind === 'baseline') done(); });
document.addEventListener('bayar-ready', async (event) => {
  const picker = event.target.shadowRoot.querySelector('bayar-method-picker');
  await picker.updateComplete;
  const radio = picker.shadowRoot.querySelector('[role="radio"][tabindex="0"]');
  radio.focus();
  window.__bench.tti = performance.now();
  window.__bench.focused = picker.shadowRoot.activeElement === radio;
  window.__bench.waterfall = [{ path: location.pathname, start: 0, end: performance.getEntriesByType('navigation')[0].responseEnd }].concat(
    performance.getEntriesByType('resource').map((e) => ({ path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd })));
  done();
}, { once: true });
`;

/**
 * docs/integration.md's embed snippet for an order named by its amount (docs/examples/embed-preload.html): in the head,
 * the module the loader imports is fetched beside the loader instead of after it, and the method list itself is
 * preloaded while the page still parses (an anonymous fetch, exactly the request bayar.js sends, which takes this answer:
 * one request, checked below); after the element, the loader, `async` (it runs as soon as it arrives, without holding
 * up the page's DOMContentLoaded; being after the element, it finds it parsed) with `fetchpriority="high"` (not queued
 * behind the page's other requests as an async script is by default). Here the widget files are on the page's origin,
 * the companion on another.
 */
const HINTS = (server: string, amount: number) => `<link rel="modulepreload" href="/bayar.mjs">
<link rel="preload" as="fetch" crossorigin href="${server}/api/methods?amount=${amount}">`;
const LOADER = '<script src="/bayar.js" async fetchpriority="high"></script>';

const AMOUNT = 150_000;

/**
 * The floor: what any widget must do here before a method can take focus, inline and free of dependencies — fetch
 * the same method list from the companion (anonymous, started while the page parses, as the preload does), build a
 * radio for each method in a shadow root with the widget's font and card styles, lay it out and focus the first.
 * No module to fetch or evaluate, no framework, no texts, no error handling: its cost over the baseline is what no
 * widget can go below on this machine.
 */
const FLOOR = (server: string, amount: number) => `<div id="floor"></div>
<script>
(async () => {
  const res = await fetch('${server}/api/methods?amount=${amount}', { credentials: 'same-origin' });
  const { methods } = await res.json();
  const root = document.getElementById('floor').attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = ':host{display:block;max-width:480px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}'
    + '.card{display:grid;gap:16px;padding:16px;border:1px solid #cbd5e1;border-radius:12px}'
    + '.m{display:flex;align-items:center;gap:12px;min-height:44px;padding:8px 12px;border:1px solid #cbd5e1;border-radius:10px}';
  const card = document.createElement('div');
  card.className = 'card';
  const group = document.createElement('div');
  group.setAttribute('role', 'radiogroup');
  for (const [i, m] of methods.entries()) {
    const radio = document.createElement('div');
    radio.className = 'm';
    radio.setAttribute('role', 'radio');
    radio.setAttribute('aria-checked', 'false');
    radio.tabIndex = i ? -1 : 0;
    radio.textContent = m.label;
    group.append(radio);
  }
  card.append(group);
  root.append(style, card);
  const first = root.querySelector('[role="radio"]');
  first.focus();
  window.__bench.tti = performance.now();
  window.__bench.focused = root.activeElement === first;
  window.__bench.waterfall = performance.getEntriesByType('resource').map((e) => ({ path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd }));
  done();
})();
</script>`;

type Kind = 'baseline' | 'widget' | 'floor';

function page(kind: Kind, server: string, order: string) {
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Checkout</title>
<script>window.__kind = '${kind}';${PROBE}</script>
${kind === 'widget' ? HINTS(server, AMOUNT) : ''}
</head><body><main><h1>Checkout</h1>
${kind === 'floor' ? FLOOR(server, AMOUNT) : `<bayar-checkout server="${server}" order-id="${order}" amount="${AMOUNT}" customer-name="Siti" customer-email="siti@example.com"></bayar-checkout>`}
${kind === 'widget' ? LOADER : ''}
</main></body></html>`;
}

export async function startPageServer(distDir: string, companion: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const kind = /^\/(baseline|widget|floor)\.html$/.exec(url.pathname)?.[1] as Kind | undefined;
    if (kind) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(page(kind, companion(), url.searchParams.get('order') ?? 'BENCH'));
    }
    const file = normalize(join(distDir, url.pathname));
    if (!file.startsWith(distDir) || !MIME[extname(file)]) return res.writeHead(404).end();
    try {
      // Compressed when the browser accepts it, as the companion's compression middleware sends dist/ (server/app.ts):
      // on the throttled profile the transfer time is that of the gzip bytes section 1 counts, not of the raw files.
      const raw = readFileSync(file);
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = gzip ? gzipSync(raw) : raw;
      res.writeHead(200, { 'content-type': MIME[extname(file)]!, 'content-length': body.length, ...(gzip ? { 'content-encoding': 'gzip', vary: 'Accept-Encoding' } : {}) });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * Round i's pages in order. The floor comes in every other round (half as many samples, to keep the bench within its
 * time), the three pages then taking turns going first; in the other rounds the widget and the baseline swap. So drift
 * in the machine's state hits every page alike.
 */
const rotation = (i: number): Kind[] => {
  if (i % 2) return (i - 1) % 4 ? ['widget', 'baseline'] : ['baseline', 'widget'];
  const kinds: Kind[] = ['baseline', 'widget', 'floor'];
  const k = (i / 2) % 3;
  return [...kinds.slice(k), ...kinds.slice(0, k)];
};

const summary = (xs: number[]): Summary => ({ median: median(xs), p90: percentile(xs, 90), min: percentile(xs, 0), max: percentile(xs, 100), samples: xs });

/** The waterfall of the run whose time is closest to the median. */
const medianWaterfall = (runs: Array<{ value: number; waterfall?: WaterfallEntry[] }>): WaterfallEntry[] => {
  const m = median(runs.map((r) => r.value));
  return [...runs].sort((a, b) => Math.abs(a.value - m) - Math.abs(b.value - m))[0]?.waterfall ?? [];
};

export async function runTti(o: { origin: string; runs: number; qrisRuns: number; mobileRuns: number; warmup: number; log: (s: string) => void }): Promise<TtiResult> {
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  try {
    const widget: number[] = [];
    const widgetRuns: Array<{ value: number; waterfall?: WaterfallEntry[] }> = [];
    const baseline: number[] = [];
    const floor: number[] = [];
    const widgetDcl: number[] = [];
    const qris: number[] = [];
    const qrisCreate: number[] = [];
    const one = async (kind: Kind, i: number, withQris: boolean, net?: NetProfile) => {
      const ctx = await browser.newContext();
      try {
        const p = await ctx.newPage();
        if (net) {
          const cdp = await ctx.newCDPSession(p);
          await cdp.send('Network.enable');
          await cdp.send('Network.emulateNetworkConditions', {
            offline: false,
            latency: net.latencyMs,
            downloadThroughput: (net.downKbps * 1000) / 8,
            uploadThroughput: (net.upKbps * 1000) / 8,
          });
        }
        const errors: string[] = [];
        p.on('pageerror', (e) => errors.push(String(e)));
        const done = p.waitForEvent('console', { predicate: (m) => m.text() === DONE, timeout: 15_000 });
        done.catch(() => undefined); // awaited below; a failed navigation must not leave it unhandled
        await p.goto(`${o.origin}/${kind}.html?order=TTI-${Date.now()}-${i}`, { waitUntil: 'commit' });
        await done;
        const b = await p.evaluate(() => (window as unknown as { __bench: { dcl: number; tti?: number; focused?: boolean; waterfall?: WaterfallEntry[] } }).__bench);
        if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
        if (kind === 'baseline') return { value: b.dcl };
        if (!b.focused) throw new Error('the method radio did not take focus');
        // The page's preload and bayar.js's request are one: a second would mean the preloaded answer went unused.
        const methods = b.waterfall!.filter((w) => w.path === '/api/methods').length;
        if (methods !== 1) throw new Error(`${kind}: ${methods} requests for /api/methods instead of one`);
        if (kind === 'floor') return { value: b.tti! };
        let q: { total: number; create: number } | null = null;
        if (withQris) {
          q = await p.evaluate(async () => {
            const co = document.querySelector('bayar-checkout') as HTMLElement & { updateComplete: Promise<unknown>; shadowRoot: ShadowRoot };
            // A customer takes longer than the views chunk to read the list: start once it is there.
            await customElements.whenDefined('bayar-qris-view');
            const picker = co.shadowRoot.querySelector('bayar-method-picker')!;
            const radio = picker.shadowRoot!.querySelector('[role="radio"][data-id^="qris:"]') as HTMLElement | null;
            if (!radio) throw new Error('no QRIS method offered');
            const pending = new Promise<number>((r) => co.addEventListener('bayar-payment-pending', () => r(performance.now()), { once: true }));
            const t0 = performance.now();
            radio.click();
            await co.updateComplete;
            (co.shadowRoot.querySelector('button.pay') as HTMLButtonElement).click();
            const shown = await pending;
            const view = co.shadowRoot.querySelector('bayar-qris-view')!;
            const canvas = view.shadowRoot!.querySelector('canvas')!;
            await new Promise<void>((resolve) => {
              if (canvas.dataset.drawn) return resolve();
              const mo = new MutationObserver(() => {
                if (canvas.dataset.drawn) (mo.disconnect(), resolve());
              });
              mo.observe(canvas, { attributes: true, attributeFilter: ['data-drawn'] });
            });
            return { total: performance.now() - t0, create: shown - t0 };
          });
          if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
        }
        return { value: b.tti!, dcl: b.dcl, qris: q, waterfall: b.waterfall };
      } finally {
        await ctx.close();
      }
    };

    for (let i = 0; i < o.warmup; i++) {
      await within('TTI warm-up', 30_000, one('baseline', -1 - i, false));
      await within('TTI warm-up', 30_000, one('widget', -1 - i, true));
    }
    for (let i = 0; i < o.runs; i++) {
      for (const kind of rotation(i)) {
        const r = await within(`TTI run ${i} (${kind})`, 30_000, one(kind, i, kind === 'widget' && i < o.qrisRuns));
        if (kind === 'baseline') baseline.push(r.value);
        else if (kind === 'floor') floor.push(r.value);
        else {
          widget.push(r.value);
          widgetRuns.push(r);
          widgetDcl.push(r.dcl!);
          if (r.qris) (qris.push(r.qris.total), qrisCreate.push(r.qris.create));
        }
      }
    }
    o.log(`    ${o.runs} runs each, ${qris.length} QRIS runs`);
    let mobile: TtiProfileResult | undefined;
    if (o.mobileRuns > 0) {
      const mw: Array<{ value: number; waterfall?: WaterfallEntry[] }> = [];
      const mb: number[] = [];
      const mf: number[] = [];
      await within('TTI warm-up (mobile)', 30_000, one('widget', -9, false, MOBILE));
      for (let i = 0; i < o.mobileRuns; i++) {
        for (const kind of rotation(i)) {
          const r = await within(`TTI mobile run ${i} (${kind})`, 30_000, one(kind, 1000 + i, false, MOBILE));
          if (kind === 'baseline') mb.push(r.value);
          else if (kind === 'floor') mf.push(r.value);
          else mw.push(r);
        }
      }
      o.log(`    ${o.mobileRuns} runs each on ${MOBILE.name}`);
      mobile = {
        profile: MOBILE,
        runs: o.mobileRuns,
        widget: summary(mw.map((r) => r.value)),
        baseline: summary(mb),
        floor: summary(mf),
        waterfall: medianWaterfall(mw),
      };
    }
    return {
      runs: o.runs,
      waterfall: medianWaterfall(widgetRuns),
      mobile,
      widget: summary(widget),
      baseline: summary(baseline),
      floor: summary(floor),
      widgetDcl: median(widgetDcl),
      qris: { runs: qris.length, ...summary(qris), createMedian: median(qrisCreate) },
      chromium: browser.version(),
    };
  } finally {
    await browser.close();
  }
}
