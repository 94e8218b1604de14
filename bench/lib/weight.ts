/**
 * Weight of the built widget: gzip (level 9) and brotli (quality 11) bytes of what a page loads first and of
 * every lazy chunk, found by following the ES build's own static and dynamic imports from the entries.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { ExampleWeight } from './example-weight.js';

export interface FileWeight {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

export interface WeightResult {
  files: FileWeight[];
  /** bayar.js (classic-script loader) and everything it pulls in before the element can render. */
  firstLoadScript: { files: string[]; raw: number; gzip: number; brotli: number };
  /** bayar.mjs and its static imports. */
  firstLoadModule: { files: string[]; raw: number; gzip: number; brotli: number };
  /** Each chunk reached only through a dynamic import(), with what it statically imports beyond the first load. */
  lazy: Array<{ file: string; via: string; gzip: number; brotli: number; raw: number }>;
  /** Every file in dist/ a page can ever load, each compressed on its own as a server would send it. */
  everything: { raw: number; gzip: number; brotli: number };
  /** Files in dist/ not reachable from either entry (should be none). */
  unreachable: string[];
  budgets: { firstLoadGzip: number; everythingGzip: number };
  /** The merchant console's build (dist-console/), when it exists: its first load and its lazy chunks. */
  console?: ConsoleWeight;
  /** What Bayar adds to each example shop (example-weight.ts). */
  examples?: ExampleWeight[];
}

export interface ConsoleWeight {
  /** index.html and the scripts and styles it loads, with their static imports. */
  firstLoad: { files: string[]; raw: number; gzip: number; brotli: number };
  lazy: Array<{ file: string; raw: number; gzip: number; brotli: number }>;
  everything: { raw: number; gzip: number; brotli: number };
}

/** Budgets from the issue, in KB of 1 024 bytes. */
export const BUDGET = { firstLoadGzip: 15 * 1024, everythingGzip: 25 * 1024 };

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

/** Static (`import … from`, `import "…"`, `export … from`) and dynamic (`import("…")`) specifiers of a minified module. */
export function scanImports(code: string): { static: string[]; dynamic: string[] } {
  const q = '["\'`]([^"\'`]+)["\'`]';
  const statics = new Set<string>();
  const dynamics = new Set<string>();
  for (const m of code.matchAll(new RegExp(`(?:^|[;}\\s])(?:import|export)\\s*(?:[\\w$*{][^;"'\`]*?from\\s*)?${q}`, 'g'))) statics.add(m[1]!);
  for (const m of code.matchAll(new RegExp(`\\bimport\\(\\s*${q}\\s*\\)`, 'g'))) dynamics.add(m[1]!);
  return { static: [...statics], dynamic: [...dynamics] };
}

export function measureWeight(dist: string, distConsole?: string): WeightResult {
  const distDir = resolve(dist);
  const cache = new Map<string, FileWeight>();
  const weigh = (abs: string): FileWeight => {
    let w = cache.get(abs);
    if (!w) {
      const buf = readFileSync(abs);
      w = {
        file: relative(distDir, abs),
        raw: buf.length,
        gzip: gzipSync(buf, { level: 9 }).length,
        brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length } }).length,
      };
      cache.set(abs, w);
    }
    return w;
  };
  const resolveSpec = (from: string, spec: string) => (spec.startsWith('.') ? resolve(dirname(from), spec) : null);

  /** The module and everything it imports statically. */
  const closure = (entry: string, into = new Set<string>()): Set<string> => {
    if (into.has(entry) || !existsSync(entry)) return into;
    into.add(entry);
    for (const s of scanImports(readFileSync(entry, 'utf8')).static) {
      const p = resolveSpec(entry, s);
      if (p) closure(p, into);
    }
    return into;
  };
  const sum = (set: Iterable<string>) => {
    const files = [...set];
    const ws = files.map(weigh);
    return { files: ws.map((w) => w.file), raw: ws.reduce((a, w) => a + w.raw, 0), gzip: ws.reduce((a, w) => a + w.gzip, 0), brotli: ws.reduce((a, w) => a + w.brotli, 0) };
  };

  const mjs = join(distDir, 'bayar.mjs');
  const js = join(distDir, 'bayar.js');
  const moduleSet = closure(mjs);
  // The loader imports bayar.mjs by a URL computed at run time, so it is added by hand.
  const scriptSet = new Set([js, ...moduleSet]);

  const lazy: WeightResult['lazy'] = [];
  const seen = new Set<string>(scriptSet);
  const queue = [...scriptSet];
  while (queue.length) {
    const from = queue.shift()!;
    if (!existsSync(from)) continue;
    for (const s of scanImports(readFileSync(from, 'utf8')).dynamic) {
      const p = resolveSpec(from, s);
      if (!p || seen.has(p) || !existsSync(p)) continue;
      const extra = [...closure(p)].filter((f) => !seen.has(f));
      extra.forEach((f) => seen.add(f));
      const w = sum(extra);
      lazy.push({ file: relative(distDir, p), via: relative(distDir, from), raw: w.raw, gzip: w.gzip, brotli: w.brotli });
      queue.push(...extra);
    }
  }
  const all = listFiles(distDir).filter((f) => /\.(m?js)$/.test(f));
  const unreachable = all.filter((f) => !seen.has(f)).map((f) => relative(distDir, f));
  return {
    files: all.map(weigh),
    firstLoadScript: sum(scriptSet),
    firstLoadModule: sum(moduleSet),
    lazy,
    everything: sum(seen),
    unreachable,
    budgets: BUDGET,
    console: distConsole && existsSync(join(distConsole, 'index.html')) ? measureConsole(resolve(distConsole)) : undefined,
  };
}

/** The console page: index.html's own scripts and stylesheets and their static imports first, the rest lazy. */
function measureConsole(dir: string): ConsoleWeight {
  const weigh = (abs: string) => {
    const buf = readFileSync(abs);
    return {
      file: relative(dir, abs),
      raw: buf.length,
      gzip: gzipSync(buf, { level: 9 }).length,
      brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length } }).length,
    };
  };
  const html = join(dir, 'index.html');
  const first = new Set<string>([html]);
  const add = (abs: string) => {
    if (first.has(abs) || !existsSync(abs)) return;
    first.add(abs);
    if (abs.endsWith('.js')) for (const spec of scanImports(readFileSync(abs, 'utf8')).static) if (spec.startsWith('.')) add(resolve(dirname(abs), spec));
  };
  for (const m of readFileSync(html, 'utf8').matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)) add(join(dir, m[1]!.replace(/^.*?\/assets\//, 'assets/')));
  const all = listFiles(dir).filter((f) => /\.(m?js|css|html)$/.test(f));
  const total = (files: string[]) => files.map(weigh).reduce((a, w) => ({ raw: a.raw + w.raw, gzip: a.gzip + w.gzip, brotli: a.brotli + w.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  return {
    firstLoad: { files: [...first].map((f) => relative(dir, f)), ...total([...first]) },
    lazy: all.filter((f) => !first.has(f)).map(weigh),
    everything: total(all),
  };
}
