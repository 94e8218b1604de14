/**
 * The `server` attribute defaults to the origin the script was loaded from (contract.md §2). Every build runs this
 * as an ES module (dist/bayar.mjs; dist/bayar.js is a classic-script loader that imports bayar.mjs from its own
 * directory, see widget/loader.ts), so `import.meta.url` is that place in both cases.
 */
export const defaultServer = (): string => {
  const url = new URL(import.meta.url);
  // Served by a companion mounted under a prefix (…/bayar/bayar.mjs): the companion is that directory, not the origin.
  return url.pathname.endsWith('/bayar.mjs') ? new URL('.', url).href.replace(/\/$/, '') : url.origin;
};
