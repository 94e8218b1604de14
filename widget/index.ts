/**
 * Bayar widget entry (dist/bayar.mjs; dist/bayar.js loads it from a classic script): registers the elements
 * (guarded) and re-exports the public types. The elements that show a payment live in ./views.ts, a chunk loaded
 * when the method list is on screen; the QR encoder is a further chunk loaded only when a QRIS code is shown.
 * Packages use the same two halves separately: `bayar/widget` (./element.ts) and `bayar/widget/define` (./define.ts).
 */
export * from './define.js';
