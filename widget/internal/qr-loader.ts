import type { encodeQr } from '../qris-view/qr-encoder.js';

/**
 * Loads the QR encoder only when a QRIS code is shown. In source (tests, dev) this is a plain dynamic import.
 * vite.config.ts replaces this whole module in dist/ with `import(new URL('./chunks/qr.js', scriptBase))`, so the
 * classic IIFE (which cannot code-split) and the ES module share one stable chunk next to the script.
 */
export const loadQrEncoder = (): Promise<{ encodeQr: typeof encodeQr }> => import('../qris-view/qr-encoder.js');
