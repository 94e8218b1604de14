/**
 * The QR symbol of a payment's QR payload, encoded once here so the widget needs no QR encoder (it was a third of all
 * widget bytes): the widget checks the payload's CRC as before and paints these modules. Pure (qrcode-generator
 * only), so the widget's tests can build the same answer the companion sends.
 */
import qrcode from 'qrcode-generator';
import type { QrModules } from '../api-types.js';

/** Encodes `text` as the widget used to: byte mode, error correction M, the smallest version that fits. */
export function qrModules(text: string): QrModules {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const size = qr.getModuleCount();
  const bytes = new Uint8Array(Math.ceil((size * size) / 8));
  for (let r = 0, i = 0; r < size; r++) for (let c = 0; c < size; c++, i++) if (qr.isDark(r, c)) bytes[i >> 3]! |= 0x80 >> (i & 7);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return { size, modules: btoa(bin) };
}

const cache = new Map<string, QrModules>();
const CACHE_MAX = 2_000;

/**
 * The same, remembered: a pending payment is read and streamed many times, and its payload never changes. Bounded
 * (oldest first out), so a flood of distinct payloads costs encoding, never memory.
 */
export function cachedQrModules(text: string): QrModules {
  let hit = cache.get(text);
  if (!hit) {
    hit = qrModules(text);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(text, hit);
  }
  return hit;
}
