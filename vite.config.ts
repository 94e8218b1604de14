/**
 * Builds the widget into dist/ (the companion serves dist/ at its root):
 *
 *   dist/bayar.mjs            ES module entry: registers <bayar-checkout> and the method picker.
 *   dist/bayar.js             classic script (IIFE) for `<script src>`: imports ./bayar.mjs from its own directory.
 *   dist/chunks/views-*.js    the payment views (VA, QRIS, hand-off, instalments, status), loaded once the method
 *                             list is on screen.
 *   dist/chunks/en.js         the English texts, loaded for locale="en"; one fixed name, so that an English page can
 *                             name it in a modulepreload hint (docs/integration.md §3).
 *   (plus a small shared chunk if the bundler splits one out)
 *
 * Why bayar.js is a loader and not a second copy of the element: an IIFE cannot code-split, so an IIFE build of the
 * element would carry everything in its first load (about 20 KB gzip, over the 15 KB budget) and could only reach
 * its lazy chunks through a second, ES copy of Lit. Instead bayar.js is a few hundred bytes (widget/loader.ts) that
 * does `import(new URL('./bayar.mjs', document.currentScript.src))`: it works from a plain <script src> on any page,
 * both ways of loading share one module graph (loading either twice registers nothing twice), and all chunk URLs
 * are relative imports resolved by the browser next to bayar.mjs. Module scripts are fetched in CORS mode, so a page
 * on another origin needs CORS headers on /bayar.mjs and /chunks/* from the companion.
 *
 * `vite build` runs the ES build from this config, then the loader's IIFE build from the `bayar:loader` plugin's
 * closeBundle hook (one Vite build cannot mix an ES build with an IIFE).
 */
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import { transform } from 'lightningcss';
import { build, defineConfig, type Plugin } from 'vite';
import { privateNameEdits } from './scripts/short-private-names.js';
import { applyTextKeyEdits, textKeyEdits, widgetProgram, type TextKeyEdits } from './scripts/short-text-keys.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = 'dist';

/**
 * Lit's css``/html``/svg`` literals keep the source's indentation; HTML and CSS ignore it, so it is squeezed out of
 * our own sources before bundling (only the static parts of the literals: `${…}` expressions are left untouched).
 */
function squeezeTemplates(): Plugin {
  return {
    name: 'bayar:squeeze-templates',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]widget[\\/].*\.ts$/.test(id)) return null;
      return { code: squeeze(code), map: null };
    },
  };
}

/** Scans for tagged literals and rewrites their static parts; nested literals inside `${}` are handled recursively. */
function squeeze(code: string): string {
  let out = '';
  let i = 0;
  const tag = /\b(css|html|svg)`/g;
  for (let m = tag.exec(code); m; m = tag.exec(code)) {
    out += code.slice(i, m.index + m[0].length);
    const [text, end] = template(code, m.index + m[0].length, m[1]!);
    out += text;
    i = tag.lastIndex = end;
  }
  return out + code.slice(i);
}

/** Reads one template literal body starting after its opening backtick; returns [rewritten body + closing backtick, next index]. */
function template(code: string, start: number, kind: string | null): [string, number] {
  let out = '';
  let part = '';
  const flush = () => {
    out += kind === 'css' ? squeezeCss(part) : kind ? part.replace(/\s*\n\s*/g, ' ') : part;
    part = '';
  };
  let i = start;
  while (i < code.length) {
    const c = code[i]!;
    if (c === '\\') {
      part += c + code[i + 1];
      i += 2;
    } else if (c === '`') {
      flush();
      return [out + '`', i + 1];
    } else if (c === '$' && code[i + 1] === '{') {
      flush();
      const [expr, end] = expression(code, i + 2);
      out += '${' + expr;
      i = end;
    } else {
      part += c;
      i++;
    }
  }
  throw new Error('unterminated template literal');
}

/** Reads a `${…}` expression up to and including its closing brace, rewriting nested tagged literals. */
function expression(code: string, start: number): [string, number] {
  let out = '';
  let depth = 0;
  let i = start;
  while (i < code.length) {
    const c = code[i]!;
    if (c === '`') {
      const tagged = /\b(css|html|svg)$/.exec(code.slice(Math.max(0, i - 4), i));
      const [text, end] = template(code, i + 1, tagged ? tagged[1]! : null);
      out += '`' + text;
      i = end;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (code[j] !== c) j += code[j] === '\\' ? 2 : 1;
      out += code.slice(i, j + 1);
      i = j + 1;
    } else {
      if (c === '{') depth++;
      if (c === '}' && depth-- === 0) return [out + '}', i + 1];
      out += c;
      i++;
    }
  }
  throw new Error('unterminated template expression');
}

/**
 * Our css`` literals have no `${}` parts (a whole style sheet each), so lightningcss minifies them as CSS: shorter
 * colours and selectors, merged rules, no comments. No browser targets: nothing is lowered or prefixed.
 */
const squeezeCss = (css: string): string => transform({ filename: 'widget.css', code: Buffer.from(css), minify: true }).code.toString();

/**
 * TypeScript's legacy decorators compile to `_decorate([property(…)], Class.prototype, "name", void 0)` through a
 * generic helper (it handles several decorators, descriptors and Reflect.decorate). Each of our fields has one
 * decorator from ./widget/internal/decorators.ts, which defines whatever it returns itself, so the helper adds
 * nothing: the call becomes `property(…)(Class.prototype, "name")` and the helper drops out of the bundle (about
 * 140 B gzip of the first load). Anything else (two decorators on a field, an accessor's descriptor, a module using
 * lit/decorators.js, whose legacy `query` leaves the defining to the helper) is left as is.
 */
function directDecorators(): Plugin {
  const call = /^_decorate\(\[([^]+?)\], (\w+\.prototype), ("[\w$]+"), void 0\);$/gm;
  /** One expression: no comma outside brackets, parentheses, braces or strings. */
  const single = (list: string) => {
    let depth = 0;
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      if (c === '"' || c === "'" || c === '`') i = list.indexOf(c, i + 1);
      else if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth--;
      else if (c === ',' && depth === 0) return false;
    }
    return true;
  };
  return {
    name: 'bayar:direct-decorators',
    enforce: 'post',
    transform(code, id) {
      if (!/[\\/]widget[\\/].*\.ts$/.test(id) || !code.includes('_decorate([') || code.includes('lit/decorators')) return null;
      let out = code.replace(call, (all, decorator: string, proto: string, name: string) => (single(decorator) ? `${decorator}(${proto}, ${name});` : all));
      if (!/\b_decorate\(/.test(out)) out = out.replace(/^import _decorate from "@oxc-project\/runtime\/helpers\/decorate";$/m, '');
      return { code: out, map: null };
    },
  };
}

/**
 * Lit's production build keeps two long messages for misuse of its css`` tag (a non-CSS value interpolated, a
 * CSSResult constructed by hand). Our css`` literals have no interpolations and are all evaluated when the module
 * loads, so a mistake shows in every test run; in the customer's download the sentences only cost bytes (about 100 B
 * gzip of the first load). They become short messages that still say what went wrong. If Lit rewords them, nothing is
 * replaced and the build says so (the first-load budget test then shows what it costs).
 */
function shortLitMessages(): Plugin {
  const messages: Array<[string, string]> = [
    ['"CSSResult is not constructable. Use `unsafeCSS` or `css` instead."', '"CSSResult: use css``"'],
    [
      '"Value passed to \'css\' function must be a \'css\' function result: "+t+". Use \'unsafeCSS\' to pass non-literal values, but take care to ensure page security."',
      '"css``: not a CSSResult: "+t',
    ],
  ];
  return {
    name: 'bayar:short-lit-messages',
    transform(code, id) {
      if (!/[\\/]@lit[\\/]reactive-element[\\/]css-tag\.js$/.test(id)) return null;
      let out = code;
      for (const [long, short] of messages) {
        if (out.includes(long)) out = out.replace(long, short);
        else this.warn(`Lit's message ${long.slice(0, 40)}… not found: left as Lit wrote it`);
      }
      return { code: out, map: null };
    },
  };
}

/**
 * Parts of Lit's production build that this widget never reaches, cut from its modules as they are bundled (about
 * 190 B gzip of the first load), each only while the widget's sources show it unused:
 * - directives (`lit/directive.js`, `lit/directives/*`): a binding's value is never a directive result, so resolving
 *   one is the value itself;
 * - svg`` and mathml`` templates: every template is html``;
 * - `static properties`, `addInitializer` and standard-decorator metadata: our reactive properties come from the
 *   legacy decorators in widget/internal/decorators.ts, which call createProperty;
 * - property options no property uses: `reflect` (with the converters' toAttribute), `useDefault`, and `type: Object`
 *   or `Array` (JSON attributes);
 * - the hooks for Lit's polyfill-support and hydrate-support modules (not loaded: every browser the widget targets has
 *   native shadow DOM, and it is never server-rendered), and the version lists Lit's development build reads to warn
 *   about two copies of Lit on one page.
 * If Lit rewords a piece, nothing is cut from it and the build says so; if a widget module starts using one, the
 * build fails and names it.
 */
function trimLit(): Plugin {
  const cuts: Array<{ module: RegExp; from: string | RegExp; to: string; what: string }> = [
    { what: 'directives', module: /[\\/]lit-html[\\/]lit-html\.js$/, from: /function (\w+)\(t,i,s=t,e\)\{if\(i===\w+\)return i;let h=void 0!==e\?s\._\$Co\?\.\[e\]:s\._\$Cl;.+?,i\}/, to: 'function $1(t,i){return i}' },
    { what: 'svg and mathml', module: /[\\/]lit-html[\\/]lit-html\.js$/, from: 'l=2===i?"<svg>":3===i?"<math>":""', to: 'l=""' },
    { what: 'svg and mathml', module: /[\\/]lit-html[\\/]lit-html\.js$/, from: '+(2===i?"</svg>":3===i?"</math>":"")', to: '' },
    { what: 'svg and mathml', module: /[\\/]lit-html[\\/]lit-html\.js$/, from: 'P.currentNode=this.el.content,2===i||3===i){const t=this.el.content.firstChild;t.replaceWith(...t.childNodes)}', to: 'P.currentNode=this.el.content,0){}' },
    { what: 'polyfill and versions', module: /[\\/]lit-html[\\/]lit-html\.js$/, from: /,(\w+)=t\.litHtmlPolyfillSupport;\1\?\.\(\w+,\w+\),\(t\.litHtmlVersions\?\?=\[\]\)\.push\("[\d.]+"\);/, to: ';' },
    { what: 'static properties', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: 'if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(d("properties"))){const t=this.properties,s=[...r(t),...o(t)];for(const i of s)this.createProperty(i,t[i])}', to: 'this.finalized=!0,this._$Ei();' },
    { what: 'metadata', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: 'const t=this[Symbol.metadata];if(null!==t){const s=litPropertyMetadata.get(t);if(void 0!==s)for(const[t,i]of s)this.elementProperties.set(t,i)}', to: '' },
    { what: 'metadata', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: 'Symbol.metadata??=Symbol("metadata"),a.litPropertyMetadata??=new WeakMap;', to: '' },
    { what: 'addInitializer', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: 'static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}', to: '' },
    { what: 'addInitializer', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: ',void 0!==t.l&&(this.l=[...t.l])', to: '' },
    { what: 'addInitializer', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: ',this.constructor.l?.forEach(t=>t(this))', to: '' },
    { what: 'polyfill and versions', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: /,p\?\.\(\{ReactiveElement:y\}\),\(a\.reactiveElementVersions\?\?=\[\]\)\.push\("[\d.]+"\)/, to: '' },
    { what: 'reflect', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: '_$ET(t,s){const i=this.constructor.elementProperties.get(t),e=this.constructor._$Eu(t,i);if(void 0!==e&&!0===i.reflect){const h=(void 0!==i.converter?.toAttribute?i.converter:u).toAttribute(s,i.type);this._$Em=t,null==h?this.removeAttribute(e):this.setAttribute(e,h),this._$Em=null}}', to: '' },
    { what: 'reflect', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: 'update(t){this._$Eq&&=this._$Eq.forEach(t=>this._$ET(t,this[t])),this._$EM()}', to: 'update(t){this._$EM()}' },
    { what: 'reflect', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: ',c=a.trustedTypes,l=c?c.emptyScript:"",p=a.reactiveElementPolyfillSupport,', to: ',' },
    { what: 'reflect', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: 'toAttribute(t,s){switch(s){case Boolean:t=t?l:null;break;case Object:case Array:t=null==t?t:JSON.stringify(t)}return t},', to: '' },
    { what: 'reflect and useDefault', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: 'C(t,s,{useDefault:i,reflect:e,wrapped:h},r){i&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,r??s??this[t]),!0!==h||void 0!==r)||(this._$AL.has(t)||(this.hasUpdated||i||(s=void 0),this._$AL.set(t,s)),!0===e&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}', to: 'C(t,s){this._$AL.has(t)||(this.hasUpdated||(s=void 0),this._$AL.set(t,s))}' },
    { what: 'useDefault', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: '||i.useDefault&&i.reflect&&h===this._$Ej?.get(t)&&!this.hasAttribute(r._$Eu(t,i))', to: '' },
    { what: 'useDefault', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: 'this[e]=r??this._$Ej?.get(e)??r', to: 'this[e]=r' },
    { what: 'Object and Array attributes', module: /[\\/]reactive-element[\\/]reactive-element\.js$/, from: 'case Object:case Array:try{i=JSON.parse(t)}catch(t){i=null}', to: '' },
    { what: 'polyfill and versions', module: /[\\/]lit-element[\\/]lit-element\.js$/, from: ',s.litElementHydrateSupport?.({LitElement:i});const o=s.litElementPolyfillSupport;o?.({LitElement:i});', to: ';' },
    { what: 'polyfill and versions', module: /[\\/]lit-element[\\/]lit-element\.js$/, from: /\(s\.litElementVersions\?\?=\[\]\)\.push\("[\d.]+"\);/, to: '' },
  ];
  /** What in a widget module would need a cut piece back. */
  const uses: Array<[RegExp, string]> = [
    [/from\s+['"]lit\/(directive|directives\/|async-directive)|from\s+['"]lit-html\/(directive|directives\/|async-directive)/, 'directives'],
    [/import\s*\{[^}]*\b(svg|mathml)\b[^}]*\}\s*from\s*['"]lit/, 'svg and mathml'],
    [/\bstatic\s+(override\s+)?properties\b/, 'static properties'],
    [/from\s+['"]lit\/decorators|Symbol\.metadata/, 'metadata'],
    [/\baddInitializer\b/, 'addInitializer'],
    [/\breflect\s*:/, 'reflect'],
    [/\buseDefault\b/, 'useDefault'],
    [/\btype\s*:\s*(Object|Array)\b|\bconverter\s*:/, 'Object and Array attributes'],
  ];
  return {
    name: 'bayar:trim-lit',
    apply: 'build',
    transform(code, id) {
      if (/[\\/]widget[\\/].*\.ts$/.test(id)) {
        for (const [use, what] of uses) if (use.test(code)) this.error(`${id} uses Lit's ${what}, which bayar:trim-lit cuts from the bundle`);
        return null;
      }
      const mine = cuts.filter((c) => c.module.test(id));
      if (!mine.length) return null;
      let out = code;
      for (const cut of mine) {
        const next = out.replace(cut.from, cut.to);
        if (next === out) this.warn(`Lit's ${cut.what} (${String(cut.from).slice(0, 40)}…) not found in ${id}: left as Lit wrote it`);
        out = next;
      }
      return { code: out, map: null };
    },
  };
}

/**
 * Shorter names in the bundle where the type checker proves every use: the texts' keys (`installmentDetail`,
 * `paymentCode`, …) become one or two letters (scripts/short-text-keys.ts says which uses and why some keys stay), the
 * widget's `private` class members two or three characters (scripts/short-private-names.ts). Runs on the sources as
 * written, before the other transforms; a widget module that was not type-checked fails the build.
 */
function shortNames(): Plugin {
  let edits: TextKeyEdits = new Map();
  let checked = new Set<string>();
  return {
    name: 'bayar:short-names',
    apply: 'build',
    enforce: 'pre',
    buildStart() {
      const sources = readdirSync(`${root}widget`, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
        .map((f) => `widget/${f}`);
      const program = widgetProgram(root, sources);
      const keys = textKeyEdits(root, program);
      const privates = privateNameEdits(root, program);
      if (!keys.renamed.size) this.warn('no text key was shortened');
      if (!privates.renamed.size) this.warn('no private member was shortened');
      // Both rename distinct identifiers (translation members, class members): their edits never overlap.
      edits = new Map(keys.edits);
      for (const [file, entry] of privates.edits) {
        const other = edits.get(file);
        edits.set(file, other ? { text: other.text, edits: [...other.edits, ...entry.edits] } : entry);
      }
      checked = new Set(sources.map((f) => `${root}${f}`));
    },
    transform(code, id) {
      const file = id.split('?')[0]!;
      if (!/[\\/]widget[\\/].*\.ts$/.test(file)) return null;
      if (!checked.has(file)) this.error(`${file} was not type-checked for the bundle's short names`);
      const entry = edits.get(file);
      if (!entry) return null;
      const out = applyTextKeyEdits(code, entry);
      if (out === null) this.error(`${file} changed since it was type-checked; its names cannot be shortened`);
      return { code: out, map: null };
    },
  };
}

/** Second pass: the classic-script loader, written into dist/ after the ES build. */
function loaderBuild(): Plugin {
  return {
    name: 'bayar:loader',
    apply: 'build',
    async closeBundle() {
      await build({
        root,
        configFile: false,
        publicDir: false,
        logLevel: 'warn',
        build: {
          outDir,
          emptyOutDir: false,
          target: 'es2022',
          minify: true,
          sourcemap: false,
          lib: { entry: 'widget/loader.ts', formats: ['iife'], name: 'BayarLoader', fileName: () => 'bayar.js' },
        },
      });
    },
  };
}

export default defineConfig({
  publicDir: false,
  plugins: [shortNames(), squeezeTemplates(), directDecorators(), shortLitMessages(), trimLit(), loaderBuild()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    reportCompressedSize: false,
    lib: {
      entry: { bayar: 'widget/index.ts' },
      formats: ['es'],
      fileName: () => 'bayar.mjs',
    },
    rolldownOptions: {
      // Lets the bundler keep modules shared with the views chunk inside bayar.mjs (one request, no waterfall)
      // instead of a separate common chunk; bayar.mjs may then export a few extra internal bindings.
      preserveEntrySignatures: 'allow-extension',
      output: {
        // The English texts keep one name, so that an English page can name them in a modulepreload hint (docs/
        // integration.md §3) and have them arrive with bayar.mjs instead of after it has run. Like bayar.mjs, whose
        // name is fixed too, a new build replaces it under the same name.
        chunkFileNames: (chunk) => (chunk.name === 'en' ? 'chunks/en.js' : 'chunks/[name]-[hash].js'),
        // Vite keeps whitespace in ES library builds for downstream bundlers; these files go straight to browsers.
        minify: true,
        // …and so no bundler reads their /* @__PURE__ */ marks either (about 290 bytes raw, 30 gzip).
        comments: { annotation: false },
      },
    },
  },
});
