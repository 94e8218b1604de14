/**
 * Runs after `vite build` (`npm run build`) and adds what integrators need beside the bundles in dist/:
 *
 *   dist/custom-elements.json   Custom Elements Manifest of every element, from the docblocks (@attr, @fires,
 *                               @csspart, @cssprop…), for editors, Storybook and docs tooling.
 *   dist/types/…, dist/bayar.d.mts
 *                               TypeScript declarations for ES-module users: BayarCheckout, BayarEventMap (typed
 *                               addEventListener), Payment, PaymentStatus…; bayar.d.mts sits beside bayar.mjs.
 *   dist/sri.json               Subresource Integrity hashes (sha384) of every script in dist/, also printed.
 *
 * The analyzer is called through its API rather than its CLI: the CLI rewrites package.json's "customElements".
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create, ts } from '@custom-elements-manifest/analyzer';
import { litPlugin } from '@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const posix = (p) => p.split(sep).join('/');

function files(dir, keep) {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? files(p, keep) : keep(p) ? [p] : [];
    })
    .sort();
}

if (!existsSync(join(dist, 'bayar.mjs')) || !existsSync(join(dist, 'bayar.js'))) {
  console.error('postbuild: dist/bayar.mjs or dist/bayar.js is missing; run `vite build` first.');
  process.exit(1);
}

/**
 * The elements are registered through the guarded `defineElements([['bayar-checkout', BayarCheckout], …])`, not
 * `customElements.define(…)`, so the analyzer cannot see their tag names by itself: this plugin reads them there.
 */
function defineElementsPlugin() {
  const tags = new Map(); // class name → { tag, module }
  return {
    name: 'bayar-define-elements',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isCallExpression(node) || node.expression.getText() !== 'defineElements') return;
      const list = node.arguments[0];
      if (!list || !ts.isArrayLiteralExpression(list)) return;
      for (const pair of list.elements) {
        if (!ts.isArrayLiteralExpression(pair) || pair.elements.length !== 2) continue;
        const [tag, ctor] = pair.elements;
        if (ts.isStringLiteral(tag) && ts.isIdentifier(ctor)) tags.set(ctor.text, { tag: tag.text, module: moduleDoc.path });
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const d of mod.declarations ?? []) {
          // BayarElement's generic `emit(type, detail)` reads to the analyzer as an event named "type".
          if (d.events) d.events = d.events.filter((e) => !(e.name === 'type' && !e.description));
          const found = d.kind === 'class' ? tags.get(d.name) : undefined;
          if (!found) continue;
          d.tagName = found.tag;
          d.customElement = true;
          const definer = customElementsManifest.modules.find((m) => m.path === found.module);
          definer.exports ??= [];
          definer.exports.push({ kind: 'custom-element-definition', name: found.tag, declaration: { name: d.name, module: mod.path } });
        }
      }
    },
  };
}

// 1. Custom Elements Manifest. Paths are relative to the repository, as the analyzer's CLI writes them.
const sources = files(join(root, 'widget'), (p) => p.endsWith('.ts') && !p.endsWith('.d.ts'));
const modules = sources.map((p) => ts.createSourceFile(posix(relative(root, p)), readFileSync(p, 'utf8'), ts.ScriptTarget.ES2022, true));
const manifest = create({ modules, plugins: [...litPlugin(), defineElementsPlugin()], context: { dev: false } });
writeFileSync(join(dist, 'custom-elements.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const elements = manifest.modules.flatMap((m) => (m.declarations ?? []).filter((d) => d.customElement && d.tagName).map((d) => d.tagName));
if (!elements.includes('bayar-checkout')) {
  console.error('postbuild: the manifest has no <bayar-checkout>; check the element docblocks.');
  process.exit(1);
}

// 2. Declarations for ES-module users, emitted from widget/index.ts with the project's compiler options.
const configPath = join(root, 'tsconfig.json');
const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root);
const program = ts.createProgram([join(root, 'widget/index.ts')], {
  ...parsed.options,
  noEmit: false,
  declaration: true,
  emitDeclarationOnly: true,
  rootDir: root,
  outDir: join(dist, 'types'),
  types: [],
});
// Only declaration-emit problems stop the build; type errors are `npm run typecheck`'s to report.
const emitted = program.emit();
if (emitted.emitSkipped || emitted.diagnostics.length) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  console.error(ts.formatDiagnosticsWithColorAndContext(emitted.diagnostics, host));
  process.exit(1);
}
writeFileSync(
  join(dist, 'bayar.d.mts'),
  "// Types for bayar.mjs: the elements, BayarEventMap (merged into HTMLElementEventMap), Payment and friends.\nexport * from './types/widget/index.js';\n",
);

// 3. Subresource Integrity for every script the companion serves from dist/.
const sri = {};
for (const p of files(dist, (f) => /\.m?js$/.test(f) && !f.includes(`${sep}types${sep}`))) {
  sri[posix(relative(dist, p))] = `sha384-${createHash('sha384').update(readFileSync(p)).digest('base64')}`;
}
writeFileSync(join(dist, 'sri.json'), `${JSON.stringify(sri, null, 2)}\n`);

console.log(`postbuild: dist/custom-elements.json (${elements.join(', ')}), dist/bayar.d.mts, dist/sri.json`);
for (const name of ['bayar.js', 'bayar.mjs']) console.log(`  ${name.padEnd(10)} integrity="${sri[name]}"`);
