/**
 * Shared by the e-wallet e2e files: device profiles, reading the wallet QR on screen like a phone camera (jsqr), what
 * the Xendit emulator holds for a charge, and picking + paying.
 */
import assert from 'node:assert/strict';
import jsQRModule from 'jsqr';
import { devices } from 'playwright-core';
import { SANDBOX_CREDENTIALS } from '../../server/config.js';
import type { DemoPage } from './browser.js';
import type { TestServer } from './server.js';

// jsqr is CommonJS with an ES-style default in its types: take the function whichever way Node hands it over.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as (
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

export const PROFILES = {
  desktop: undefined,
  iphone: devices['iPhone 13'],
  android: devices['Pixel 7'],
} as const;

/** Reads the wallet QR on screen (canvas, or the provider's image drawn onto one) and decodes it like a phone camera. */
export async function scan(d: DemoPage): Promise<string | null> {
  await d.page.locator('bayar-checkout [part="qr"]').waitFor();
  await d.page.waitForFunction(() => {
    const el = document.querySelector('bayar-checkout')!.shadowRoot!.querySelector('bayar-wallet-view')!.shadowRoot!.querySelector('[part="qr"]') as HTMLCanvasElement | HTMLImageElement;
    return el instanceof HTMLCanvasElement ? !!el.dataset.drawn : el.complete && el.naturalWidth > 0;
  });
  const pixels = await d.page.evaluate(() => {
    const el = document.querySelector('bayar-checkout')!.shadowRoot!.querySelector('bayar-wallet-view')!.shadowRoot!.querySelector('[part="qr"]') as HTMLCanvasElement | HTMLImageElement;
    let canvas = el as HTMLCanvasElement;
    if (el instanceof HTMLImageElement) {
      canvas = document.createElement('canvas');
      canvas.width = canvas.height = 400;
      const c = canvas.getContext('2d')!;
      c.fillStyle = '#fff';
      c.fillRect(0, 0, 400, 400);
      c.drawImage(el, 0, 0, 400, 400);
    }
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    // One character per pixel (dark or light): a tenth of the bytes of RGBA numbers across the protocol.
    let bits = '';
    for (let i = 0; i < data.data.length; i += 4) bits += data.data[i]! < 128 ? '1' : '0';
    return { width: data.width, height: data.height, bits };
  });
  const rgba = new Uint8ClampedArray(pixels.bits.length * 4);
  for (let i = 0; i < pixels.bits.length; i++) {
    const v = pixels.bits[i] === '1' ? 0 : 255;
    rgba.set([v, v, v, 255], i * 4);
  }
  return jsQR(rgba, pixels.width, pixels.height)?.data ?? null;
}

/** What the Xendit emulator holds for a charge, asked with the merchant's own key, as the adapter would. */
export async function xenditCharge(s: TestServer, paymentId: string): Promise<{ actions: Record<string, string | null> }> {
  const ref = (await s.store.getPayment(paymentId))!.providerRef!;
  const auth = Buffer.from(`${SANDBOX_CREDENTIALS.xendit.secretKey}:`).toString('base64');
  const res = await fetch(`${s.url}/emulators/xendit/ewallets/charges/${ref}`, { headers: { authorization: `Basic ${auth}` } });
  assert.equal(res.status, 200);
  return res.json() as Promise<{ actions: Record<string, string | null> }>;
}

export const pickAndPay = async (d: DemoPage, method: string) => {
  await d.methodRadio(method).click();
  await d.payButton.click();
  await d.page.locator('bayar-checkout .view').waitFor();
  return d.waitForPayment({ method, status: 'pending' });
};

