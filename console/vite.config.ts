/**
 * The merchant console's own build (`vite build -c console/vite.config.ts`, part of `npm run build`): console/ →
 * dist-console/, served by the companion at /console/. A separate build and directory, so the widget's files in
 * dist/ do not change by a byte. Asset URLs are relative (`base: './'`): the console works under any mount path.
 * Chart.js is a lazy chunk, loaded by the Overview page only.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist-console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    reportCompressedSize: false,
    // The strict CSP has no room for an inline module-preload polyfill; every supported browser has modulepreload.
    modulePreload: { polyfill: false },
  },
});
