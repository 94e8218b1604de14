/** Pixels per QR module on the canvas (the PNG download uses the same canvas). */
const SCALE = 8;
/** Quiet zone in modules on each side, as the QR spec asks. */
const QUIET = 4;

/** The QR encoder is its own chunk (dist/chunks/qr-*.js), fetched only when a code is drawn. */
export const loadQrEncoder = () => import('../qris-view/qr-encoder.js');

/** Paints `text` as a QR symbol on the canvas (black on white, with its quiet zone); marks the canvas as drawn. */
export function paintQr(canvas: HTMLCanvasElement, encodeQr: Awaited<ReturnType<typeof loadQrEncoder>>['encodeQr'], text: string): void {
  const qr = encodeQr(text);
  const side = (qr.size + QUIET * 2) * SCALE;
  canvas.width = canvas.height = side;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, side, side);
  ctx.fillStyle = '#000';
  for (let row = 0; row < qr.size; row++)
    for (let col = 0; col < qr.size; col++) if (qr.dark(row, col)) ctx.fillRect((col + QUIET) * SCALE, (row + QUIET) * SCALE, SCALE, SCALE);
  canvas.dataset.drawn = text.slice(-4);
}
