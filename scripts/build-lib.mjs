/**
 * Runs after `vite build` and postbuild (`npm run build`): what Node and bundlers import from the package, in lib/.
 *
 *   lib/server/*.js    the companion compiled by esbuild (`bayar/server`, the `bayar` CLI): no tsx at run time. One
 *                      ES module per entry plus shared chunks; dependencies stay imports of node_modules.
 *   lib/widget/*.js    `bayar/widget` (the element, registering nothing), `bayar/widget/define`, `bayar/react`,
 *                      `bayar/vue`, for bundlers: Lit, @lit/react, React and the QR encoder stay bare imports, so the
 *                      app's bundler shares them and picks Lit's Node build when rendering on a server. The payment
 *                      views and the QR encoder stay lazy chunks.
 *   lib/types/…        declarations for all of them (and dist/ keeps what the companion serves to browsers).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const lib = join(root, 'lib');
rmSync(lib, { recursive: true, force: true });

const common = { bundle: true, format: 'esm', splitting: true, sourcemap: false, legalComments: 'none', logLevel: 'warning', absWorkingDir: root, tsconfig: join(root, 'tsconfig.json') };

await Promise.all([
  build({
    ...common,
    entryPoints: { index: 'server/index.ts', bin: 'server/cli/bin.ts' },
    outdir: join(lib, 'server'),
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
  }),
  build({
    ...common,
    entryPoints: { element: 'widget/element.ts', define: 'widget/define.ts', react: 'widget/react.ts', vue: 'widget/vue.ts' },
    outdir: join(lib, 'widget'),
    platform: 'neutral',
    target: 'es2022',
    external: ['lit', 'lit/*', '@lit/*', 'react', 'react-dom', 'vue', 'qrcode-generator'],
    chunkNames: 'chunks/[name]-[hash]',
  }),
]);

// React Server Components: the component uses hooks, so Next.js must treat the module as a client one.
const react = join(lib, 'widget', 'react.js');
writeFileSync(react, `'use client';\n${readFileSync(react, 'utf8')}`);

// Declarations, with the project's compiler options; only declaration problems stop the build (tsc --noEmit reports type errors).
const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, root);
const program = ts.createProgram(
  ['server/index.ts', 'widget/element.ts', 'widget/define.ts', 'widget/react.ts', 'widget/vue.ts'].map((f) => join(root, f)),
  { ...parsed.options, noEmit: false, declaration: true, emitDeclarationOnly: true, rootDir: root, outDir: join(lib, 'types'), types: ['node'] },
);
const emitted = program.emit();
if (emitted.emitSkipped || emitted.diagnostics.length) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  console.error(ts.formatDiagnosticsWithColorAndContext(emitted.diagnostics, host));
  process.exit(1);
}
console.log('build-lib: lib/server (bayar/server, bayar CLI), lib/widget (bayar/widget, /define, /react, /vue), lib/types');
