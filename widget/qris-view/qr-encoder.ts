import qrcode from 'qrcode-generator';

/** A QR symbol: `size` modules square; `dark(row, col)` says which are black. */
export interface QrMatrix {
  size: number;
  dark(row: number, col: number): boolean;
}

/**
 * The lazy chunk (dist/chunks/qr-*.js), imported by <bayar-qris-view> only when it draws a code: encodes text as a
 * QR symbol (byte mode, error correction M, smallest version that fits).
 */
export function encodeQr(text: string): QrMatrix {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return { size: qr.getModuleCount(), dark: (row, col) => qr.isDark(row, col) };
}
