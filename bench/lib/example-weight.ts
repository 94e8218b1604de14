/**
 * What Bayar adds to each example shop's download (examples/). The HTML and Express examples load the widget with a
 * `<script src=…/bayar.js>` from the companion, so they add exactly the widget's own first load and lazy chunks
 * (section 1). The React and Vue examples bundle the npm package's `bayar/react` / `bayar/widget/define` (lib/widget/)
 * into the shop's own code: each is built here with Vite twice, as written and with Bayar's imports resolved to
 * stubs (a component that renders nothing, an empty module), and the difference is what Bayar adds, first load and
 * lazy chunks apart, each file gzip-compressed (level 9) on its own.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { scanImports } from './weight.js';

export interface Bundle {
  /** Gzip bytes of the page's scripts and their static imports. */
  first: number;
  /** Gzip bytes of every other script (dynamic imports). */
  lazy: number;
}

export interface ExampleWeight {
  example: string;
  /** How the example loads Bayar. */
  how: string;
  /** The example's own bundle without Bayar and with it; absent for the script-tag examples (nothing to bundle). */
  without?: Bundle;
  with?: Bundle;
  /** What Bayar adds to the page's first load and lazily, gzip bytes. */
  added: Bundle;
}

/** Sizes of a Vite build: index.html's scripts with their static imports first, the other chunks lazy. */
function measureBuild(out: string): Bundle {
  const gz = (abs: string) => gzipSync(readFileSync(abs), { level: 9 }).length;
  const first = new Set<string>();
  const add = (abs: string) => {
    if (first.has(abs) || !existsSync(abs)) return;
    first.add(abs);
    for (const spec of scanImports(readFileSync(abs, 'utf8')).static) if (spec.startsWith('.')) add(resolve(dirname(abs), spec));
  };
  for (const m of readFileSync(join(out, 'index.html'), 'utf8').matchAll(/<script[^>]+src="\/?([^"]+\.js)"/g)) add(join(out, m[1]!));
  const list = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? list(join(dir, n)) : [join(dir, n)]));
  const scripts = list(out).filter((f) => f.endsWith('.js'));
  return {
    first: [...first].reduce((a, f) => a + gz(f), 0),
    lazy: scripts.filter((f) => !first.has(f)).reduce((a, f) => a + gz(f), 0),
  };
}

/** Resolves `bayar/…` to the package's compiled widget (lib/widget), or to stubs for the build without Bayar. */
function bayarModules(root: string, stub: boolean): Plugin {
  const lib: Record<string, string> = {
    'bayar/react': 'react.js',
    'bayar/vue': 'vue.js',
    'bayar/widget': 'element.js',
    'bayar/widget/define': 'define.js',
  };
  const stubs: Record<string, string> = {
    'bayar/react': 'export const BayarCheckout = () => null;',
    'bayar/vue': '',
    'bayar/widget': '',
    'bayar/widget/define': '',
  };
  return {
    name: 'bench:bayar-modules',
    enforce: 'pre',
    resolveId(id) {
      if (!(id in lib)) return null;
      return stub ? `\0bayar-stub:${id}` : join(root, 'lib/widget', lib[id]!);
    },
    load(id) {
      return id.startsWith('\0bayar-stub:') ? stubs[id.slice('\0bayar-stub:'.length)]! : null;
    },
  };
}

export async function measureExamples(root: string, tmp: string, widget: { firstLoad: number; everything: number }): Promise<ExampleWeight[]> {
  const byScript: Bundle = { first: widget.firstLoad, lazy: widget.everything - widget.firstLoad };
  const results: ExampleWeight[] = [
    { example: 'html', how: '`<script src=…/bayar.js>` from the companion', added: byScript },
    { example: 'express', how: '`<script src=/bayar/bayar.js>` through the shop’s mounted companion', added: byScript },
  ];
  if (!existsSync(join(root, 'lib/widget/react.js'))) return results; // lib/ is written by `npm run build`
  const { build } = await import('vite');
  const vue = (await import('@vitejs/plugin-vue')).default;
  const { isCustomElement } = (await import(join(root, 'lib/widget/vue.js'))) as { isCustomElement: (tag: string) => boolean };
  const frameworks: Array<{ example: string; how: string; plugins: () => Plugin[] }> = [
    { example: 'react-vite', how: '`bayar/react` bundled by Vite (React 19 in the bundle either way)', plugins: () => [] },
    // As the example's vite.config.ts: <bayar-checkout> is a custom element in Vue's templates.
    { example: 'vue-vite', how: '`bayar/widget/define` + `bayar/vue` bundled by Vite (Vue 3 in the bundle either way)', plugins: () => [vue({ template: { compilerOptions: { isCustomElement } } }) as unknown as Plugin] },
  ];
  for (const f of frameworks) {
    const sizes: Bundle[] = [];
    for (const stub of [true, false]) {
      const outDir = join(tmp, `example-${f.example}-${stub ? 'without' : 'with'}`);
      await build({
        root: join(root, 'examples', f.example),
        configFile: false,
        logLevel: 'silent',
        plugins: [bayarModules(root, stub), ...f.plugins()],
        build: { outDir, emptyOutDir: true, reportCompressedSize: false },
      });
      sizes.push(measureBuild(outDir));
    }
    const [without, withBayar] = sizes as [Bundle, Bundle];
    results.push({ example: f.example, how: f.how, without, with: withBayar, added: { first: withBayar.first - without.first, lazy: withBayar.lazy - without.lazy } });
  }
  return results;
}
