import type { QrModules } from '../../server/api-types.js';
import { remembered } from './remember.js';

/** Pixels per QR module on the canvas (the PNG download uses the same canvas). */
const SCALE = 8;
/** Quiet zone in modules on each side, as the QR spec asks. */
const QUIET = 4;

/**
 * Unpacks the companion's QR symbol; null unless it is a well-formed one (a QR version's size, every module
 * present). The widget carries no QR encoder: the companion encodes the payload whose CRC the view has checked.
 */
export function readQr(qr: QrModules | undefined): { size: number; dark: (i: number) => boolean } | null {
  const size = qr?.size;
  if (!qr || typeof size !== 'number' || !Number.isInteger(size) || size < 21 || size > 177 || (size - 17) % 4 || typeof qr.modules !== 'string') return null;
  let bin: string;
  try {
    bin = atob(qr.modules);
  } catch {
    return null;
  }
  if (bin.length !== Math.ceil((size * size) / 8)) return null;
  return { size, dark: (i) => ((bin.charCodeAt(i >> 3) << (i & 7)) & 0x80) !== 0 };
}

/** The symbol for a payload: the one given (remembered), else the one last given for the same payload. */
export const symbolFor = remembered<QrModules>();

/**
 * Paints the symbol black on white, with its quiet zone, and marks the canvas as drawn with the payload's last four
 * characters (its CRC); false if the symbol is not well formed (nothing drawn).
 */
export function paintQr(canvas: HTMLCanvasElement, qr: QrModules | undefined, text: string): boolean {
  const symbol = readQr(symbolFor(text, qr));
  if (!symbol) return false;
  const { size, dark } = symbol;
  const side = (size + QUIET * 2) * SCALE;
  canvas.width = canvas.height = side;
  const ctx = canvas.getContext('2d');
  if (!ctx) return false;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, side, side);
  ctx.fillStyle = '#000';
  for (let row = 0, i = 0; row < size; row++)
    for (let col = 0; col < size; col++, i++) if (dark(i)) ctx.fillRect((col + QUIET) * SCALE, (row + QUIET) * SCALE, SCALE, SCALE);
  canvas.dataset.drawn = text.slice(-4);
  return true;
}
