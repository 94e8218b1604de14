/**
 * QR codes of payment links for print (counter stickers): SVG (scales to any size) and PNG (for tools that take
 * only bitmaps). Error correction Q, so a scuffed sticker still scans; a quiet zone of 4 modules as the standard asks.
 */
import { PNG } from 'pngjs';
import qrcode from 'qrcode-generator';

const QUIET = 4;

function encode(text: string) {
  const qr = qrcode(0, 'Q');
  qr.addData(text, 'Byte');
  qr.make();
  return { size: qr.getModuleCount(), dark: (r: number, c: number) => qr.isDark(r, c) };
}

/** One path of unit squares in a viewBox of modules: crisp at any print size. */
export function qrSvg(text: string, title: string): string {
  const { size, dark } = encode(text);
  const full = size + QUIET * 2;
  let d = '';
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) if (dark(r, c)) d += `M${c + QUIET} ${r + QUIET}h1v1h-1z`;
  const esc = title.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" width="${full * 8}" height="${full * 8}" shape-rendering="crispEdges" role="img">` +
    `<title>${esc}</title><rect width="${full}" height="${full}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`
  );
}

/** Black modules on white, `scale` pixels per module (default 10: about 5 cm at 300 dpi for a typical link). */
export function qrPng(text: string, scale = 10): Buffer {
  const { size, dark } = encode(text);
  const px = (size + QUIET * 2) * scale;
  const png = new PNG({ width: px, height: px, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  const data = Buffer.alloc(px * px, 0xff);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (!dark(r, c)) continue;
      for (let y = 0; y < scale; y++) data.fill(0, ((r + QUIET) * scale + y) * px + (c + QUIET) * scale, ((r + QUIET) * scale + y) * px + (c + QUIET + 1) * scale);
    }
  }
  png.data = data;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}
