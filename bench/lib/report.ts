/** BENCHMARKS.md from the results: a summary against the targets, then one table per measurement. */
import type { GrowthResult } from './growth.js';
import { CEILING_LABEL, SCALE_KEYS, SCALE_LABELS, type PostgresResult } from './postgres.js';
import type { CreateCpuResult } from './create-cpu.js';
import type { FlashResult } from './flash.js';
import type { FanoutResult } from './sse.js';
import { fmtInt, fmtKiB, fmtMiB, fmtMs, fmtPct, fmtRatio } from './stats.js';
import type { RoutingBenchResult } from './routing.js';
import type { StartupResult } from './startup.js';
import type { ThroughputResult } from './throughput.js';
import type { TtiResult } from './tti.js';
import type { WeightResult } from './weight.js';

export interface Machine {
  date: string;
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  memoryGiB: number;
  fdLimit: { soft: number; hard: number };
  pinning: string;
  /** 1-minute load average at the start and end of each phase: other work on the machine shows here. */
  load: Record<string, [number, number]>;
  commit: string;
  chromium?: string;
}

export interface Results {
  machine: Machine;
  durationSeconds: number;
  weight?: WeightResult;
  startup?: StartupResult;
  tti?: TtiResult;
  throughput?: ThroughputResult;
  routing?: RoutingBenchResult;
  postgres?: PostgresResult;
  sse?: { runs: FanoutResult[]; note: string | null };
  flash?: FlashResult;
  createCpu?: CreateCpuResult;
  growth?: GrowthResult;
  notes: string[];
  errors: string[];
}

const mark = (ok: boolean | null) => (ok === null ? '–' : ok ? '✅ met' : '❌ not met');
const bytes = (n: number) => `${fmtInt(n)} B`;

export function targets(r: Results): Array<{ target: string; measured: string; ok: boolean | null }> {
  const out: Array<{ target: string; measured: string; ok: boolean | null }> = [];
  const w = r.weight;
  if (w) {
    const first = Math.max(w.firstLoadScript.gzip, w.firstLoadModule.gzip);
    out.push({ target: 'Widget first load ≤ 15 KB gzip', measured: `${fmtKiB(first)} (${bytes(first)}, bayar.js + bayar.mjs)`, ok: first <= w.budgets.firstLoadGzip });
    out.push({ target: 'Widget everything ≤ 25 KB gzip', measured: `${fmtKiB(w.everything.gzip)} (${bytes(w.everything.gzip)})`, ok: w.everything.gzip <= w.budgets.everythingGzip });
  }
  const tt = r.tti;
  if (tt) {
    const cost = tt.widget.median - tt.baseline.median;
    // The floor (section 2) is what any code fetching and showing the methods costs here: said beside the figure.
    const floor = tt.floor ? `; floor ${fmtMs(tt.floor.median - tt.baseline.median)} ms` : '';
    out.push({ target: 'Widget cost to interactive ≤ 50 ms (median, page with vs without)', measured: `${fmtMs(cost)} ms (${fmtMs(tt.widget.median)} vs ${fmtMs(tt.baseline.median)} ms${floor})`, ok: cost <= 50 });
    const m = tt.mobile;
    if (m) {
      const mc = m.widget.median - m.baseline.median;
      out.push({
        target: `… on ${m.profile.name}: ≤ 2 round trips (≤ ${2 * m.profile.latencyMs} ms)`,
        measured: `${fmtMs(mc)} ms = ${(mc / m.profile.latencyMs).toFixed(1)} round trips (${fmtMs(m.widget.median)} vs ${fmtMs(m.baseline.median)} ms${m.floor ? `; floor ${fmtMs(m.floor.median - m.baseline.median)} ms` : ''})`,
        ok: mc <= 2 * m.profile.latencyMs,
      });
    }
  }
  const st = r.startup;
  if (st) {
    const [compiled, tsx] = st.rows;
    out.push({ target: 'Compiled server starts ≥ 2× faster than through tsx', measured: `${fmtRatio(st.speedup)} (first /healthz: p50 ${fmtMs(compiled!.p50)} ms vs ${fmtMs(tsx!.p50)} ms)`, ok: st.speedup >= 2 });
  }
  const t = r.throughput;
  if (t) {
    const m = t.rows.find((x) => x.endpoint === 'GET /api/methods');
    if (m) out.push({ target: 'GET /api/methods ≥ 50 % of bare node:http (one core)', measured: `${fmtPct(m.ratio)} (${fmtInt(m.bayar.rps)} vs ${fmtInt(m.ceiling.rps)} req/s)`, ok: m.ratio >= 0.5 });
    const h = t.rows.find((x) => x.endpoint === 'POST /webhooks/doku');
    if (h) out.push({ target: 'Webhook ingestion ≥ 2 000/s, durable', measured: `${fmtInt(h.bayar.rps)}/s (p99 ${fmtMs(h.bayar.p99)} ms)`, ok: h.bayar.rps >= 2000 });
  }
  const cc = r.createCpu;
  if (cc && cc.cpuMsPerCreate !== null) {
    out.push({
      target: 'Companion CPU per POST /api/payments ≤ 0.5 ms (emulator in another process)',
      measured: `${fmtMs(cc.cpuMsPerCreate)} ms (${fmtInt(cc.createsPerCore ?? NaN)} creates/s per core; two durable commits alone ${fmtMs(2 * cc.commitCpuMs)} ms${cc.ceiling?.cpuMsPerCreate ? `; bare node:http doing the same provider call and commits ${fmtMs(cc.ceiling.cpuMsPerCreate)} ms` : ''})`,
      ok: cc.cpuMsPerCreate <= 0.5,
    });
  }
  const rt = r.routing;
  if (rt) {
    const { extra, noise } = routingCost(rt);
    out.push({
      target: 'Smart routing adds no measurable p99 to POST /api/payments',
      measured: `p99 ${fmtMs(rt.on.p99)} ms on vs ${fmtMs(rt.off.p99)} ms off; per round, median on − off ${extra >= 0 ? '+' : ''}${fmtMs(extra)} ms, off vs off ${fmtMs(noise)} ms`,
      ok: extra <= Math.max(noise, 0.05 * rt.off.p99),
    });
  }
  const pg = r.postgres;
  if (pg?.skipped) {
    out.push({ target: 'Webhook ingestion ≥ 2 000/s, durable — on PostgreSQL', measured: 'not measured: no PostgreSQL server (see section 4)', ok: null });
  } else if (pg) {
    const h = pg.rows.find((x) => x.endpoint === 'POST /webhooks/doku');
    if (h) {
      for (const k of ['pg1', 'pg2'] as const) {
        const x = h.results[k];
        out.push({ target: `Webhook ingestion ≥ 2 000/s, durable — ${SCALE_LABELS[k]}`, measured: `${fmtInt(x.rps)}/s (p99 ${fmtMs(x.p99)} ms; SQLite beside it ${fmtInt(h.results.sqlite1.rps)}/s)`, ok: x.rps >= 2000 });
      }
      const sq = h.results.sqlite1.rps;
      const ceiling = h.ceiling ? `; the PostgreSQL ceiling beside them ${fmtInt(h.ceiling.result.rps)}/s = ${fmtRatio(h.ceiling.result.rps / sq)}` : '';
      out.push({
        target: 'PostgreSQL webhook ingestion, 1 instance ≥ 1.0× SQLite in the same run',
        measured: `${fmtRatio(h.results.pg1.rps / sq)} (${fmtInt(h.results.pg1.rps)}/s vs ${fmtInt(sq)}/s${ceiling})`,
        ok: h.results.pg1.rps >= sq,
      });
    }
  }
  const s = r.sse?.runs.find((x) => x.server === 'bayar' && x.listeners >= 10_000) ?? null;
  if (s) {
    out.push({ target: '10 000 SSE listeners notified ≤ 100 ms p99', measured: `p99 ${fmtMs(s.p99)} ms (${fmtInt(s.received)}/${fmtInt(s.listeners)} received)`, ok: s.received === s.listeners && s.p99 <= 100 });
    out.push({ target: '… using < 50 MB extra memory', measured: `${fmtMiB(s.extraRss)} RSS (${fmtInt(s.rssPerConn)} B per stream)`, ok: s.extraRss < 50 * 1024 * 1024 });
    const c = r.sse!.runs.find((x) => x.server === 'ceiling' && x.listeners === s.listeners);
    if (c) {
      out.push({ target: 'SSE at 10 000 streams: memory per stream ≤ 1.3× the bare ceiling', measured: `${fmtRatio(s.extraRss / c.extraRss)} (${fmtMiB(s.extraRss)} vs ${fmtMiB(c.extraRss)} RSS; heap ${fmtInt(s.heapPerConn)} vs ${fmtInt(c.heapPerConn)} B per stream)`, ok: s.extraRss / c.extraRss <= 1.3 });
      out.push({ target: '… p99 until received ≤ 1.2× the ceiling', measured: `${fmtRatio(s.p99 / c.p99)} (${fmtMs(s.p99)} vs ${fmtMs(c.p99)} ms)`, ok: s.p99 / c.p99 <= 1.2 });
    }
    out.push({ target: '… webhook acknowledged ≤ 10 ms', measured: `${fmtMs(s.ackMs)} ms${s.ackFloorMs == null ? '' : ` (floor: verification and durable commit alone, ${fmtMs(s.ackFloorMs)} ms)`}`, ok: s.ackMs <= 10 });
  } else if (r.sse) {
    out.push({ target: '10 000 SSE listeners notified ≤ 100 ms p99', measured: r.sse.note ?? 'not run', ok: null });
  }
  const f = r.flash;
  if (f) {
    for (const x of f.runs) {
      const l = x.ledger;
      out.push({
        target: `Flash sale, ${x.label}: ${fmtInt(x.customers)} customers, 0 errors, every acknowledged payment paid once`,
        measured: `${fmtInt(x.errors)} errors; ${fmtInt(l.paidOnce)}/${fmtInt(l.acknowledged)} paid exactly once; notification → stream event p50 ${fmtMs(x.notifyToEvent.p50)} ms, p99 ${fmtMs(x.notifyToEvent.p99)} ms`,
        ok: x.errors === 0 && l.acknowledged === x.customers && l.paidOnce === l.acknowledged && l.payments === x.customers,
      });
    }
  }
  const g = r.growth;
  if (g?.skipped.length) {
    out.push({ target: `Latency flat (≤ 2×) up to ${fmtInt(Math.max(...g.skipped.map((k) => k.payments)))} payments`, measured: `${fmtInt(g.skipped[0]!.payments)} not reached in the time budget (see section 6)`, ok: null });
  }
  if (g && g.steps.length >= 2) {
    const a = g.steps[0]!;
    const b = g.steps[g.steps.length - 1]!;
    const rc = b.create.p50 / a.create.p50;
    const rr = b.read.p50 / a.read.p50;
    const rc99 = b.create.p99 / a.create.p99;
    const rr99 = b.read.p99 / a.read.p99;
    out.push({
      target: `Latency flat (≤ 2×) from ${fmtInt(a.payments)} to ${fmtInt(b.payments)} payments`,
      measured: `create p50 ${fmtRatio(rc)}, p99 ${fmtRatio(rc99)}; read p50 ${fmtRatio(rr)}, p99 ${fmtRatio(rr99)}`,
      ok: Math.max(rc, rr, rc99, rr99) <= 2,
    });
    if (b.consoleList && b.consoleSearch) {
      out.push({
        target: `Console first page and order-id search < 50 ms at ${fmtInt(b.payments)} payments`,
        measured: `first page p99 ${fmtMs(b.consoleList.p99)} ms; search p99 ${fmtMs(b.consoleSearch.p99)} ms`,
        ok: b.consoleList.p99 < 50 && b.consoleSearch.p99 < 50,
      });
    }
  }
  return out;
}

export function renderMarkdown(r: Results): string {
  const m = r.machine;
  const L: string[] = [];
  L.push('# Benchmarks', '');
  L.push(`Written by \`npm run bench\` (bench/run.ts) on ${m.date}; raw figures in [bench/results.json](bench/results.json).`, '');
  L.push('| machine | |', '|---|---|');
  L.push(`| CPUs | ${m.cpus} × ${m.cpuModel} |`);
  L.push(`| Node | ${m.node} |`);
  if (m.chromium) L.push(`| Chromium | ${m.chromium} (headless) |`);
  L.push(`| OS | ${m.platform}, ${m.memoryGiB} GiB RAM, open files ${m.fdLimit.soft} (hard ${m.fdLimit.hard}) |`);
  L.push(`| placement | ${m.pinning} |`);
  const loads = Object.entries(m.load);
  if (loads.length) L.push(`| load average (1 min, start → end of each phase) | ${loads.map(([k, [a, b]]) => `${k} ${a.toFixed(1)} → ${b.toFixed(1)}`).join('; ')} |`);
  L.push(`| commit | ${m.commit} |`);
  L.push(`| run time | ${r.durationSeconds.toFixed(0)} s |`, '');

  L.push('## Against the targets', '');
  L.push('| target | measured | |', '|---|---|---|');
  for (const t of targets(r)) L.push(`| ${t.target} | ${t.measured} | ${mark(t.ok)} |`);
  L.push('');
  if (r.errors.length) {
    L.push('**Errors in this run:**', '', ...r.errors.map((e) => `- ${e}`), '');
  }

  if (r.weight) {
    const w = r.weight;
    L.push('## 1. Weight', '');
    L.push('Each file compressed on its own, as a server sends it: gzip level 9, brotli quality 11. KB = 1 024 bytes.', '');
    L.push('| what | raw | gzip | brotli | budget (gzip) |', '|---|---:|---:|---:|---|');
    L.push(`| **first load, \`<script src=bayar.js>\`** (${w.firstLoadScript.files.join(' + ')}) | ${bytes(w.firstLoadScript.raw)} | **${bytes(w.firstLoadScript.gzip)}** | ${bytes(w.firstLoadScript.brotli)} | ≤ ${bytes(w.budgets.firstLoadGzip)} ${mark(w.firstLoadScript.gzip <= w.budgets.firstLoadGzip)} |`);
    L.push(`| first load, \`import 'bayar.mjs'\` (${w.firstLoadModule.files.join(' + ')}) | ${bytes(w.firstLoadModule.raw)} | ${bytes(w.firstLoadModule.gzip)} | ${bytes(w.firstLoadModule.brotli)} | ≤ ${bytes(w.budgets.firstLoadGzip)} ${mark(w.firstLoadModule.gzip <= w.budgets.firstLoadGzip)} |`);
    for (const c of w.lazy) L.push(`| lazy: ${c.file} (imported by ${c.via}) | ${bytes(c.raw)} | ${bytes(c.gzip)} | ${bytes(c.brotli)} | |`);
    L.push(`| **everything** | ${bytes(w.everything.raw)} | **${bytes(w.everything.gzip)}** | ${bytes(w.everything.brotli)} | ≤ ${bytes(w.budgets.everythingGzip)} ${mark(w.everything.gzip <= w.budgets.everythingGzip)} |`);
    L.push('');
    if (w.console) {
      const c = w.console;
      L.push('', 'The merchant console (dist-console/, served at /console/; shop staff only, never loaded by customers):', '');
      L.push('| what | raw | gzip | brotli |', '|---|---:|---:|---:|');
      L.push(`| first load (${c.firstLoad.files.join(' + ')}) | ${bytes(c.firstLoad.raw)} | ${bytes(c.firstLoad.gzip)} | ${bytes(c.firstLoad.brotli)} |`);
      for (const f of c.lazy) L.push(`| lazy: ${f.file} | ${bytes(f.raw)} | ${bytes(f.gzip)} | ${bytes(f.brotli)} |`);
      L.push(`| everything | ${bytes(c.everything.raw)} | ${bytes(c.everything.gzip)} | ${bytes(c.everything.brotli)} |`, '');
    }
    if (w.examples?.length) {
      L.push(
        '',
        "What Bayar adds to each example shop (examples/), gzip: the script-tag examples load the widget above from the companion; the React and Vue examples bundle the npm package's lib/widget into the shop's own code and are built here with Vite twice, as written and with Bayar's imports stubbed out (bench/lib/example-weight.ts). Next.js is not built here (not installed in this repository; its build takes minutes): its client side is the React example's `bayar/react`.",
        '',
      );
      L.push('| example | how it loads Bayar | shop without Bayar (first load) | with Bayar (first load + lazy) | added to the first load | added lazily |', '|---|---|---:|---:|---:|---:|');
      for (const e of w.examples) {
        L.push(`| ${e.example} | ${e.how} | ${e.without ? bytes(e.without.first) : '—'} | ${e.with ? `${bytes(e.with.first)} + ${bytes(e.with.lazy)}` : '—'} | ${bytes(e.added.first)} | ${bytes(e.added.lazy)} |`);
      }
      L.push('');
    }
    L.push(
      `For scale: widely used in-page checkout SDKs weigh 129–204 KB gzip (Braintree Drop-in ≈ 129 KB, Xendit components ≈ 134 KB, Adyen Drop-in trimmed ≈ 136 KB, full ≈ 204 KB; figures from the issue, not measured here): Bayar's first load is ${fmtRatio(129 * 1024 / Math.max(w.firstLoadScript.gzip, 1))} smaller than the lightest, everything together ${fmtRatio(129 * 1024 / Math.max(w.everything.gzip, 1))}.`,
    );
    if (w.unreachable.length) L.push('', `Files in dist/ no entry reaches: ${w.unreachable.join(', ')}.`);
    L.push('');
  }

  if (r.startup) {
    const st = r.startup;
    L.push('## 1b. Cold start', '');
    L.push(
      `Spawn to the first \`/healthz\` answer (200), a new process and a new SQLite ledger each time, ${st.rows[0]!.runs} runs each, the two ways alternating. The compiled package is what \`npx bayar start\` runs; tsx is how the server ran before it was compiled.`,
      '',
    );
    L.push('| how | command | p50 | p90 | min |', '|---|---|---:|---:|---:|');
    for (const x of st.rows) L.push(`| ${x.how} | \`${x.command}\` | ${fmtMs(x.p50)} ms | ${fmtMs(x.p90)} ms | ${fmtMs(x.min)} ms |`);
    L.push('', `Compiled is ${fmtRatio(st.speedup)} faster at the median.`, '');
  }

  if (r.tti) {
    const t = r.tti;
    L.push('## 2. Time to interactive (headless Chromium)', '');
    L.push(
      `${t.runs} runs per page, each in a fresh browser context (cold cache), pages and dist/ served over 127.0.0.1 (no network delay: weight is section 1; scripts gzip-compressed, as the companion sends them), companion in its own process on another origin. The widget page embeds it as docs/integration.md §3 shows for an order named by its amount: \`<link rel=modulepreload>\` for bayar.mjs, \`<link rel=preload as=fetch crossorigin>\` for its method list (checked: one methods request per run, the preloaded answer handed to bayar.js's request; the companion sends it compressed, as it sends every API answer over 1 KB), \`<script src=bayar.js async fetchpriority=high>\` after the element. The floor page, in every other of the same rounds (the pages take turns going first), has no widget: an inline script fetches the same method list from the companion as the page parses, builds a radio per method in a shadow root with the widget's font, and focuses the first — the work no widget can skip, so its cost over the baseline is the lowest any widget could reach here. Times from navigation start, read in the page; the driver waits for a console message, so it runs nothing in the page while it loads.`,
      '',
    );
    L.push('| page | median | p90 | min | max |', '|---|---:|---:|---:|---:|');
    L.push(`| baseline: same page, no widget (→ DOMContentLoaded) | ${fmtMs(t.baseline.median)} ms | ${fmtMs(t.baseline.p90)} ms | ${fmtMs(t.baseline.min)} ms | ${fmtMs(t.baseline.max)} ms |`);
    L.push(`| **with \`<bayar-checkout>\`** (→ method radio focusable) | **${fmtMs(t.widget.median)} ms** | ${fmtMs(t.widget.p90)} ms | ${fmtMs(t.widget.min)} ms | ${fmtMs(t.widget.max)} ms |`);
    L.push(`| widget cost (median difference) | ${fmtMs(t.widget.median - t.baseline.median)} ms | | | |`);
    if (t.floor) {
      L.push(`| floor: inline script, same method list, radios focusable (${t.floor.samples.length} runs) | ${fmtMs(t.floor.median)} ms | ${fmtMs(t.floor.p90)} ms | ${fmtMs(t.floor.min)} ms | ${fmtMs(t.floor.max)} ms |`);
      L.push(`| floor cost (median difference) | ${fmtMs(t.floor.median - t.baseline.median)} ms | | | |`);
    }
    L.push(`| click QRIS → Pay → QR drawn (${t.qris.runs} runs; payment on screen after ${fmtMs(t.qris.createMedian)} ms) | ${fmtMs(t.qris.median)} ms | ${fmtMs(t.qris.p90)} ms | ${fmtMs(t.qris.min)} ms | ${fmtMs(t.qris.max)} ms |`);
    L.push('', `The widget page's own DOMContentLoaded: median ${fmtMs(t.widgetDcl)} ms (the loader, async after the element, does not hold the page back).`, '');
    const fall = (w: Array<{ path: string; start: number; end: number }>) =>
      w.map((e) => `${e.path.replace(/^\/chunks\/([a-z]+)-[\w-]+\.js$/, '/chunks/$1-….js').replace(/\?.*$/, '')} ${fmtMs(e.start)}→${fmtMs(e.end)}`).join(' · ');
    if (t.waterfall?.length) L.push(`Requests of the median widget run until the method list was ready (ms from navigation start): ${fall(t.waterfall)}.`, '');
    const m = t.mobile;
    if (m) {
      L.push(
        `On a throttled network (Chromium network emulation, ${m.profile.name}: ${m.profile.latencyMs} ms added to every round trip, ${m.profile.downKbps / 1000} Mbps down, ${m.profile.upKbps / 1000} Mbps up), ${m.runs} runs per page, otherwise as above:`,
        '',
      );
      L.push('| page | median | p90 | min | max |', '|---|---:|---:|---:|---:|');
      L.push(`| baseline: same page, no widget (→ DOMContentLoaded) | ${fmtMs(m.baseline.median)} ms | ${fmtMs(m.baseline.p90)} ms | ${fmtMs(m.baseline.min)} ms | ${fmtMs(m.baseline.max)} ms |`);
      L.push(`| **with \`<bayar-checkout>\`** (→ method radio focusable) | **${fmtMs(m.widget.median)} ms** | ${fmtMs(m.widget.p90)} ms | ${fmtMs(m.widget.min)} ms | ${fmtMs(m.widget.max)} ms |`);
      const mc = m.widget.median - m.baseline.median;
      L.push(`| widget cost (median difference) | ${fmtMs(mc)} ms (${(mc / m.profile.latencyMs).toFixed(1)} round trips) | | | |`);
      if (m.floor) {
        const fc = m.floor.median - m.baseline.median;
        L.push(`| floor: inline script, same method list, radios focusable (${m.floor.samples.length} runs) | ${fmtMs(m.floor.median)} ms | ${fmtMs(m.floor.p90)} ms | ${fmtMs(m.floor.min)} ms | ${fmtMs(m.floor.max)} ms |`);
        L.push(`| floor cost (median difference) | ${fmtMs(fc)} ms (${(fc / m.profile.latencyMs).toFixed(1)} round trips) | | | |`);
      }
      if (m.waterfall.length) L.push('', `Requests of the median throttled widget run: ${fall(m.waterfall)}.`);
      L.push('');
    }
  }

  if (r.throughput) {
    const t = r.throughput;
    L.push('## 3. Server throughput and latency', '');
    L.push(
      `autocannon, ${t.connections} connections, against the companion (sandbox config, emulators built in, SQLite ledger in WAL mode with synchronous=FULL) and against a bare node:http server doing the same I/O-free work (same validation, adapters, signature check and JSON, the method list's text kept per amount as the companion keeps it, the same security headers; no middleware, ledger or provider call) — the practical ceiling. Both are child processes placed as in the table above (the same single core when pinned); after a warm-up each, ${t.rounds} alternating rounds of ${t.seconds} s per server, pooled.`,
      '',
    );
    L.push('| endpoint | | Bayar req/s | p50 | p99 | ceiling req/s | p50 | p99 | Bayar / ceiling |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const x of t.rows) {
      L.push(
        `| ${x.endpoint} | ${x.what} | ${fmtInt(x.bayar.rps)} | ${fmtMs(x.bayar.p50)} ms | ${fmtMs(x.bayar.p99)} ms | ${fmtInt(x.ceiling.rps)} | ${fmtMs(x.ceiling.p50)} ms | ${fmtMs(x.ceiling.p99)} ms | ${fmtPct(x.ratio)} |`,
      );
    }
    L.push('');
    L.push(
      `One durable commit on this machine's disk (WAL, synchronous=FULL, 400-byte row) costs ${fmtMs(t.commitMs.full)} ms; with synchronous=NORMAL ${fmtMs(t.commitMs.normal)} ms. Each webhook is one such commit and better-sqlite3 waits for it on the event loop, so one process cannot ingest more than about ${fmtInt(1000 / t.commitMs.full)} webhooks/s here, whatever else it does.`,
      '',
    );
    if (t.checks.length) L.push(...t.checks.map((c) => `- checked: ${c}`), '');
    if (t.problems.length) L.push(...t.problems.map((c) => `- problem: ${c}`), '');
  }

  if (r.createCpu) {
    const c = r.createCpu;
    L.push(
      '### CPU per create',
      '',
      `POST /api/payments (BCA VA, a new order each time) on a companion whose Komerce adapter talks over HTTP to the emulator of a second companion process (KOMERCE_BASE_URL), as it would to Komerce: the emulator's work is not in the figure. 10 connections, ${c.seconds} s in two windows alternating with the floor below, after a 1 s warm-up; CPU (user + system) of the companion process from /proc over the window, divided by the creates acknowledged.`,
      '',
      '| creates | companion CPU per create | creates/s per core | emulator CPU per create | req/s | p50 | p99 | non-2xx | one durable commit\'s CPU (a create makes two) |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      `| ${fmtInt(c.creates)} | ${c.cpuMsPerCreate === null ? 'n/a' : `${fmtMs(c.cpuMsPerCreate)} ms`} | ${fmtInt(c.createsPerCore ?? NaN)} | ${c.emulatorCpuMsPerCreate === null ? 'n/a' : `${fmtMs(c.emulatorCpuMsPerCreate)} ms`} | ${fmtInt(c.rps)} | ${fmtMs(c.p50)} ms | ${fmtMs(c.p99)} ms | ${fmtInt(c.non2xx)} | ${fmtMs(c.commitCpuMs)} ms |`,
      '',
    );
    const f = c.ceiling;
    if (f) {
      L.push(
        `The floor, measured in the same alternating windows: a bare node:http server (bench/bare-child.ts with BARE_LEDGER) doing the same create's I/O through the same code — the Komerce adapter's HTTP call to the same emulator and the ledger's two durable transactions (SqliteStore insertPayment, attachProviderResult) — and nothing else (no Express, middleware, idempotency, routing health, logs, metrics). Its CPU per create is what trimming the companion's own layers cannot go below${f.cpuMsPerCreate !== null && f.cpuMsPerCreate > 0.5 ? '; it is above the 0.5 ms target, so here the target is out of reach for any server doing this work with this provider client and ledger: only a cheaper provider call (HTTP client, signing) and commit path would reach it, not a lighter companion' : ''}.`,
        '',
        '| server | creates | CPU per create | creates/s per core | req/s | non-2xx |',
        '|---|---:|---:|---:|---:|---:|',
        `| companion | ${fmtInt(c.creates)} | ${c.cpuMsPerCreate === null ? 'n/a' : `${fmtMs(c.cpuMsPerCreate)} ms`} | ${fmtInt(c.createsPerCore ?? NaN)} | ${fmtInt(c.rps)} | ${fmtInt(c.non2xx)} |`,
        `| bare floor | ${fmtInt(f.creates)} | ${f.cpuMsPerCreate === null ? 'n/a' : `${fmtMs(f.cpuMsPerCreate)} ms`} | ${fmtInt(f.createsPerCore ?? NaN)} | ${fmtInt(f.rps)} | ${fmtInt(f.non2xx)} |`,
        '',
      );
    }
  }

  if (r.routing) {
    const rt = r.routing;
    const { extra, noise } = routingCost(rt);
    L.push('## 3b. Smart routing overhead', '');
    L.push(
      `POST /api/payments (BCA VA through the Komerce emulator), autocannon, ${rt.connections} connections, after a warm-up each ${rt.rounds} alternating rounds of ${rt.seconds} s per companion: smart routing on with \`BAYAR_FEES=${rt.fees}\` (channel health of three candidates, fees, the routing explanation stored with each payment), the same with \`BAYAR_SMART_ROUTING=off\`, and a second routing-off companion, whose difference from the first is this run's noise. The fees make both sides pick Komerce, so the same provider work is behind every request.`,
      '',
    );
    L.push('| companion | req/s | p50 | p99 | p99 of each round | max |', '|---|---:|---:|---:|---:|---:|');
    for (const [name, x] of [['**routing on**', rt.on], ['routing off', rt.off], ['routing off (again)', rt.offAgain]] as const) {
      L.push(`| ${name} | ${fmtInt(x.rps)} | ${fmtMs(x.p50)} ms | ${fmtMs(x.p99)} ms | ${x.roundsP99.map((v) => fmtMs(v)).join(' · ')} ms | ${fmtMs(x.max)} ms |`);
    }
    L.push(
      '',
      `Round by round (the three companions measured one after another in each round), median of on − off: ${extra >= 0 ? '+' : ''}${fmtMs(extra)} ms; median of |off − off again| (this run's noise): ${fmtMs(noise)} ms. "Measurable" means on − off above that noise and above 5 % of off's p99. Each companion's own CPU per create over its measured windows (its process only; the Komerce emulator runs in it too, the same on every side): on ${fmtMs(rt.cpuMsPerCreate?.on ?? NaN)} ms, off ${fmtMs(rt.cpuMsPerCreate?.off ?? NaN)} ms, off again ${fmtMs(rt.cpuMsPerCreate?.offAgain ?? NaN)} ms. The decision itself, timed in-process with every health window full (2 000 samples per candidate, the cap): ${rt.decisionMicros.toFixed(1)} µs per create.`,
      '',
    );
    if (rt.problems.length) L.push(...rt.problems.map((c) => `- problem: ${c}`), '');
  }

  if (r.postgres) renderPostgres(L, r.postgres, r.throughput);

  if (r.sse) {
    L.push('## 5. Live status fan-out (SSE)', '');
    if (r.sse.note) L.push(r.sse.note, '');
    if (r.sse.runs.length) {
      L.push(
        'N listeners on one payment (raw sockets from this process), then the payment becomes paid: on the companion through a signed Doku notification (verified, committed, published), on the ceiling (bare node:http, same SSE framing, heartbeat timer and emitter listener per stream, no Express, no ledger) through an IPC message. "until received" runs from sending the change to each listener holding the paid event, measured in the client — which reads every socket on one core, so it carries the client\'s own cost; the ceiling row shows how much. "server write", timed inside the server: for the companion from its publish to the write to the last stream (written in slices of 500 streams per turn of the event loop, so that other requests are answered in between); for the ceiling its synchronous publish (whose socket writes are flushed after it). "ack": until the change was answered — for the companion the answer to the webhook, sent over a new connection and timed from a worker thread of the bench (not from the thread busy reading the listeners; the worker has made one request to a server of its own first, since a thread\'s first fetch() spends tens of ms loading its HTTP client; the companion answers once the change is durable and writes to the streams after); for the ceiling its IPC reply, read by the busy thread. "ack floor": right after, the same kind of notification, sent the same way, to a bare node:http server (bench/bare-child.ts with a ledger) that does only the unavoidable part of the companion\'s work: verify the signature, look the event up and commit the transition durably through the same SQLite store, then answer; it is what no companion could go below on this machine and disk at that moment. Before the runs each server has answered one notification. Memory: server RSS and heap after full GCs, before and after opening the streams.',
        '',
      );
      L.push('| server | listeners | until received p50 | p99 | max | server write | ack | ack floor | extra RSS | RSS / stream | heap / stream |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
      for (const s of r.sse.runs) {
        L.push(
          `| ${s.server === 'bayar' ? '**Bayar**' : 'ceiling'} | ${fmtInt(s.listeners)}${s.received < s.listeners ? ` (${fmtInt(s.received)} received)` : ''} | ${fmtMs(s.p50)} ms | ${fmtMs(s.p99)} ms | ${fmtMs(s.max)} ms | ${s.serverWriteMs === null ? 'n/a' : `${fmtMs(s.serverWriteMs)} ms`} | ${fmtMs(s.ackMs)} ms | ${s.ackFloorMs == null ? '' : `${fmtMs(s.ackFloorMs)} ms`} | ${fmtMiB(s.extraRss)} | ${fmtInt(s.rssPerConn)} B | ${fmtInt(s.heapPerConn)} B |`,
        );
      }
      L.push('');
      const big = Math.max(...r.sse.runs.map((x) => x.listeners));
      const b = r.sse.runs.find((x) => x.server === 'bayar' && x.listeners === big);
      const c = r.sse.runs.find((x) => x.server === 'ceiling' && x.listeners === big);
      if (b && c) {
        L.push(
          `With ${fmtInt(big)} streams the companion holds ${fmtMiB(b.extraRss)} more than before them (${fmtRatio(b.extraRss / c.extraRss)} the bare server's ${fmtMiB(c.extraRss)}): per stream ${fmtInt(b.heapPerConn)} B of heap against ${fmtInt(c.heapPerConn)} B for the minimum (target ≤ 1.3×). p99 until received: ${fmtRatio(b.p99 / c.p99)} the ceiling's (target ≤ 1.2×). The webhook that triggers the change is answered in ${fmtMs(b.ackMs)} ms (target ≤ 10 ms${b.ackFloorMs == null ? '' : `; the floor doing only the verification and the durable commit: ${fmtMs(b.ackFloorMs)} ms`}).`,
          '',
        );
      }
    }
  }

  if (r.flash) {
    const f = r.flash;
    L.push('## 5b. Flash sale', '');
    L.push(
      `${fmtInt(f.customers)} customers arrive evenly within ${f.windowSeconds} s. Each does what a shop and its widget do: the shop's backend mints a checkout session (POST /api/sessions, merchant key), the widget loads the methods with it (GET /api/methods, Bayar-Session header), creates a payment (POST /api/payments with an Idempotency-Key; DANA, routed to the Doku emulator with BAYAR_ROUTES=ewallet=doku so that this process can sign Doku's notifications) and holds the payment's live-status stream (GET …/events?client_secret=, as EventSource must). Once every customer holds a stream, each payment is paid by a signed Doku notification, sent at ${fmtInt(f.burstRate)}/s. The two PostgreSQL instances share one database (each with the LISTEN/NOTIFY live bus, as in production) behind a "balancer": customers alternate between them, and half the notifications reach the instance that does not hold the customer's stream, so the cross-instance path is always exercised. The client keeps idle keep-alive connections for less than the companion's announced 5 s (Node's agent honours \`Keep-Alive: timeout=5\` only when given a timeout of its own) and, like a browser, sends a request again on a fresh connection when a reused idle one is reset before any answer; such retries are counted and listed under the table, as is every error. Peak memory is each instance's VmHWM. The ledger is then read directly: every acknowledged payment must be paid, with exactly one "paid" row in its history. Latencies are measured in this process, which also reads every stream.`,
      '',
    );
    if (f.skipped) L.push(`Not run: ${f.skipped}.`, '');
    L.push(
      '| ledger | customers holding a stream after | burst achieved | errors | session p99 | methods p99 | create p99 | stream open p99 | webhook ack p99 | notification → event p50 | p99 | peak memory per instance |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const x of f.runs) {
      const c = x.calls;
      L.push(
        `| ${x.label} | ${x.arrivalSeconds.toFixed(1)} s | ${fmtInt(x.burstAchieved)}/s | ${fmtInt(x.errors)} | ${fmtMs(c.session.p99)} ms | ${fmtMs(c.methods.p99)} ms | ${fmtMs(c.create.p99)} ms | ${fmtMs(c.stream.p99)} ms | ${fmtMs(c.webhook.p99)} ms | ${fmtMs(x.notifyToEvent.p50)} ms | ${fmtMs(x.notifyToEvent.p99)} ms | ${x.peakRss.map(fmtMiB).join(', ')} |`,
      );
    }
    L.push('');
    for (const c of f.checks) L.push(`- checked: ${c}`);
    for (const p of f.problems) L.push(`- **problem**: ${p}`);
    L.push('');
  }

  if (r.growth) {
    const g = r.growth;
    L.push('## 6. Cost of growth', '');
    L.push(
      `One ledger grown by seeding closed payments (75 % paid, 20 % expired, 5 % cancelled; two history rows each; indexes as migrated), copied at each size; one companion per size, measured in ${g.rounds} alternating rounds of ${g.seconds} s after a warm-up, one connection (each request's own cost, no queueing). create = POST /api/payments through the Komerce emulator (two durable transactions); read = GET /api/payments/:id for random ids spread evenly over the whole ledger (about 10 000 distinct ids at every size). Ratios in brackets are against the smallest ledger.`,
      '',
    );
    L.push('| payments | create p50 | create p99 | creates/s | read p50 | read p99 | reads/s | seeding |', '|---:|---:|---:|---:|---:|---:|---:|---:|');
    const base = g.steps[0];
    for (const s of g.steps) {
      const rel = (v: number, b: number) => (s === base ? '' : ` (${fmtRatio(v / b)})`);
      L.push(
        `| ${fmtInt(s.payments)} | ${fmtMs(s.create.p50)} ms${rel(s.create.p50, base!.create.p50)} | ${fmtMs(s.create.p99)} ms${rel(s.create.p99, base!.create.p99)} | ${fmtInt(s.create.rps)} | ${fmtMs(s.read.p50)} ms${rel(s.read.p50, base!.read.p50)} | ${fmtMs(s.read.p99)} ms${rel(s.read.p99, base!.read.p99)} | ${fmtInt(s.read.rps)} | ${(s.seedMs / 1000).toFixed(1)} s |`,
      );
    }
    L.push('');
    L.push(
      'The merchant console on the same ledgers and companions, signed in with the merchant key: its first page of payments (GET /console/api/payments, newest 50, no filter: keyset on (created_at, id) read backwards) and a search by order id (GET /console/api/payments?q=ORD-n for random seeded orders: one index lookup per searchable key, then the filters). Target: under 50 ms at 1 000 000 payments.',
      '',
      '| payments | first page p50 | first page p99 | pages/s | order-id search p50 | search p99 | searches/s |',
      '|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const s of g.steps) {
      if (!s.consoleList) continue;
      const rel = (v: number, b: number) => (s === base ? '' : ` (${fmtRatio(v / b)})`);
      L.push(
        `| ${fmtInt(s.payments)} | ${fmtMs(s.consoleList.p50)} ms${rel(s.consoleList.p50, base!.consoleList.p50)} | ${fmtMs(s.consoleList.p99)} ms | ${fmtInt(s.consoleList.rps)} | ${fmtMs(s.consoleSearch.p50)} ms${rel(s.consoleSearch.p50, base!.consoleSearch.p50)} | ${fmtMs(s.consoleSearch.p99)} ms | ${fmtInt(s.consoleSearch.rps)} |`,
      );
    }
    L.push('');
    for (const k of g.skipped) L.push(`- ${fmtInt(k.payments)} payments not measured: ${k.reason}.`);
    if (g.skipped.length) L.push('');
    if (g.problems.length) L.push(...g.problems.map((c) => `- problem: ${c}`), '');
  }

  if (r.notes.length) L.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  return L.join('\n');
}

function renderPostgres(L: string[], p: PostgresResult, t: ThroughputResult | undefined) {
  L.push('## 4. SQLite and PostgreSQL, one and two instances', '');
  if (p.skipped) {
    L.push(`Not measured in this run: ${p.skipped}.`, '');
    return;
  }
  const st = p.settings;
  const half = Math.floor(p.connections / 2);
  L.push(
    `The same two writes as in section 3 — POST /api/payments (BCA VA through the Komerce emulator: two durable transactions) and Doku webhook ingestion (signed notification for a seeded pending payment → paid, with inbox row and history row) — on three ledgers, measured side by side: one companion on SQLite (WAL, synchronous=FULL), one companion on PostgreSQL, and two companion processes on one PostgreSQL database, loaded at the same time. Every configuration gets ${p.connections} connections in all (two instances: ${half} each, two autocannon runs in parallel, figures summed), so the rows differ only in the ledger and the number of processes. After a warm-up each, ${p.rounds} alternating rounds of ${p.seconds} s per configuration, pooled; p50/p99 are over every request of the configuration. The two instances draw webhooks from one seeded set, so a payment is paid by whichever instance its notification reaches.`,
    '',
  );
  L.push(
    `PostgreSQL: ${p.server}; fsync=${st.fsync}, synchronous_commit=${st.synchronous_commit}, full_page_writes=${st.full_page_writes}, wal_sync_method=${st.wal_sync_method}, shared_buffers=${st.shared_buffers}; each companion has a pool of ${p.pool} connections, six more for webhook ingestion (lookups and group-commit writes), two for its locked transactions and one for LISTEN. Placement: ${p.placement}.`,
    '',
    "On PostgreSQL a webhook costs the companion two round trips: one read (the inbox and the payment, shared by the webhooks of one event-loop turn) and one autocommit statement that writes the turn's transitions together (group commit): it locks each payment only if its row is still the version that was read, records the events, writes the changes and history rows of those whose event was new, and announces them to the other instances' live streams (NOTIFY, delivered at its commit). Both statements are prepared once and planned once per connection (generic plans reaching rows by key only); left to PostgreSQL's default they were planned again on every call, which cost as much as running them. A payment changed in between goes through the locked transaction instead (BEGIN, locks and inbox pipelined in one round trip, then the writes, then COMMIT). SQLite does the same work in-process and waits only for its fsync.",
    '',
    "On the placement: the load generator uses under 0.1 of its core (see the table), and SQLite does its ledger work on the companion's core, PostgreSQL on the other one, so this placement gives the PostgreSQL rows more CPU than the SQLite row, not less; putting PostgreSQL on the companion's core instead would hand it half a core. The ceiling row is the most PostgreSQL can take here: a bare node:http server (bench/pg-floor-child.ts, on the companion's core) that verifies the same signed notifications and writes the same rows (inbox, payment paid, history) on the same server, group-committed the same way, in one statement per batch — no Express, no read before the write. It runs in the same alternating rounds; what it cannot reach, no companion on PostgreSQL can.",
    '',
  );
  const busy = (v: number | null) => (v === null ? 'n/a' : v.toFixed(2));
  L.push(
    '| endpoint | ledger | req/s | p50 | p99 | vs SQLite, 1 instance | vs PostgreSQL, 1 instance | cores busy: companion(s) | PostgreSQL | load generator |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const row of p.rows) {
    const base = row.results.sqlite1.rps;
    const one = row.results.pg1.rps;
    for (const k of SCALE_KEYS) {
      const x = row.results[k];
      const c = row.cores[k];
      const name = k === 'sqlite1' ? `**${row.endpoint}**` : '';
      L.push(
        `| ${name} | ${SCALE_LABELS[k]} | ${fmtInt(x.rps)} | ${fmtMs(x.p50)} ms | ${fmtMs(x.p99)} ms | ${k === 'sqlite1' ? '1' : fmtRatio(x.rps / base)} | ${k === 'pg2' ? fmtRatio(x.rps / one) : k === 'pg1' ? '1' : ''} | ${busy(c.companion)} | ${k === 'sqlite1' ? '–' : busy(c.postgres)} | ${busy(c.loadGenerator)} |`,
      );
    }
    if (row.ceiling) {
      const { result: x, cores: c } = row.ceiling;
      L.push(`|  | ${CEILING_LABEL} | ${fmtInt(x.rps)} | ${fmtMs(x.p50)} ms | ${fmtMs(x.p99)} ms | ${fmtRatio(x.rps / base)} | ${fmtRatio(x.rps / one)} | ${busy(c.companion)} | ${busy(c.postgres)} | ${busy(c.loadGenerator)} |`);
    }
  }
  L.push('');
  const commit = [`One PostgreSQL commit from one connection (autocommit INSERT of a 400-byte row, round trip included) costs ${p.pgCommitMs === null ? 'n/a' : `${fmtMs(p.pgCommitMs)} ms`} here`];
  if (t) commit.push(`one SQLite commit with synchronous=FULL ${fmtMs(t.commitMs.full)} ms (section 3)`);
  L.push(`${commit.join('; ')}.`, '');
  if (p.checks.length) L.push(...p.checks.map((c) => `- checked: ${c}`), '');
  if (p.problems.length) L.push(...p.problems.map((c) => `- problem: ${c}`), '');
}

/**
 * p99 routing adds, and the run's own noise (the same configuration measured twice), each the median over the
 * alternating rounds of that round's difference: a p99 of a 2 s window rests on a handful of requests, and one slow
 * moment of a shared machine (a checkpoint, another process) falls into one round of one side; pooled, it decided the
 * verdict either way from run to run (+33, −13.6, +22.0 ms with the same code).
 */
function routingCost(rt: RoutingBenchResult) {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const byRound = (f: (i: number) => number) => median(rt.on.roundsP99.map((_, i) => f(i)));
  return {
    extra: byRound((i) => rt.on.roundsP99[i]! - rt.off.roundsP99[i]!),
    noise: byRound((i) => Math.abs(rt.offAgain.roundsP99[i]! - rt.off.roundsP99[i]!)),
  };
}
