/**
 * Where this script was loaded from, captured while it first runs: `document.currentScript` for the classic IIFE
 * build (bayar.js; it is null in modules and after the first run), `import.meta.url` for the ES module
 * (bayar.mjs). The `server` attribute defaults to its origin (contract.md §2), and the IIFE loads its lazy QR chunk
 * next to it.
 */
export const scriptBase: string =
  (document.currentScript as HTMLScriptElement | null)?.src || import.meta.url || location.href;

export const defaultServer = (): string => new URL(scriptBase).origin;
