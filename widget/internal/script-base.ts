/**
 * The `server` attribute defaults to the origin the script was loaded from (contract.md §2). Every build runs this
 * as an ES module (dist/bayar.mjs; dist/bayar.js is a classic-script loader that imports bayar.mjs from its own
 * directory, see widget/loader.ts), so `import.meta.url` is that place in both cases.
 */
export const defaultServer = (): string => new URL(import.meta.url).origin;
