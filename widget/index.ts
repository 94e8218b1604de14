/**
 * Bayar widget entry (dist/bayar.mjs; dist/bayar.js loads it from a classic script): registers the elements
 * (guarded) and re-exports the public types. The elements that show a payment live in ./views.ts, a chunk loaded
 * when the method list is on screen (QR codes come encoded from the companion: there is no QR encoder to load).
 * Packages use the same two halves separately: `bayar/widget` (./element.ts) and `bayar/widget/define` (./define.ts).
 */
export * from './define.js';
