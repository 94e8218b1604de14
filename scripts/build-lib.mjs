/**
 * Runs after `vite build` and postbuild (`npm run build`): what Node and bundlers import from the package, in lib/.
 *
 *   lib/server/*.js    the companion compiled by esbuild (`bayar/server`, the `bayar` CLI): no tsx at run time. One
 *                      ES module per entry plus shared chunks. The pure-JS dependencies are bundled in: resolving
 *                      and loading a few hundred CommonJS files from node_modules was most of the start-up time
 *                      (npm run bench, "Cold start"). better-sqlite3 (native) and pg (optional driver, loaded only
 *                      for a postgres:// ledger) stay imports of node_modules; lib/server/THIRD-PARTY-LICENSES.txt
 *                      carries the licenses of what is bundled.
 *   lib/widget/*.js    `bayar/widget` (the element, registering nothing), `bayar/widget/define`, `bayar/react`,
 *                      `bayar/vue`, for bundlers: Lit, @lit/react, React and the QR encoder stay bare imports, so the
 *                      app's bundler shares them and picks Lit's Node build when rendering on a server. The payment
 *                      views and the QR encoder stay lazy chunks.
 *   lib/types/…        declarations for all of them (and dist/ keeps what the companion serves to browsers).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const lib = join(root, 'lib');
rmSync(lib, { recursive: true, force: true });

const common = { bundle: true, format: 'esm', splitting: true, sourcemap: false, legalComments: 'none', logLevel: 'warning', absWorkingDir: root, tsconfig: join(root, 'tsconfig.json') };

const [server] = await Promise.all([
  build({
    ...common,
    entryPoints: { index: 'server/index.ts', bin: 'server/cli/bin.ts' },
    outdir: join(lib, 'server'),
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3', 'pg', 'pg-native'],
    // The bundled CommonJS packages call require() for Node's built-ins; an ES module has none of its own.
    banner: { js: "import { createRequire as __bayarRequire } from 'node:module'; const require = __bayarRequire(import.meta.url);" },
    // Not minified: start-up measured the same either way, and stack traces in the logs keep their names and lines.
    metafile: true,
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

// The licenses of the packages bundled into lib/server (MIT, ISC, BSD and Apache-2.0 all ask for their notice to travel with copies).
const bundled = new Map();
for (const input of Object.keys(server.metafile.inputs)) {
  const m = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (m) bundled.set(m[1], true);
}
const notices = [...bundled.keys()].sort().map((dir) => {
  const { name, version, license } = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const file = readdirSync(join(root, dir)).find((f) => /^(licen[cs]e|copying)/i.test(f));
  const text = file ? readFileSync(join(root, dir, file), 'utf8').trim() : `${license ?? 'see the package'} (the package ships no license file)`;
  return `${name}@${version} (${license ?? 'unknown'})\n\n${text}\n`;
});
writeFileSync(join(lib, 'server', 'THIRD-PARTY-LICENSES.txt'), `Packages bundled into lib/server:\n\n${notices.join(`\n${'-'.repeat(78)}\n\n`)}`);

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
