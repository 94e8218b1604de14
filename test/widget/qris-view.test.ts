import { expect } from '@open-wc/testing';
import type { Payment } from '../../server/api-types.js';
import type { BayarQrisView } from '../../widget/index.js';
import {
  FakeClock,
  NOW,
  QRIS_10000,
  QRIS_CORRUPT,
  clickButton,
  find,
  iso,
  makePayment,
  mountElement,
  rp,
  settle,
  teardownPage,
  textOf,
  until,
} from './helpers.js';

async function qrisView(payment: Payment, { locale = 'id', clock = new FakeClock() } = {}) {
  const el = document.createElement('bayar-qris-view') as BayarQrisView;
  el.payment = payment;
  el.locale = locale;
  el.clock = clock;
  const seen: Record<string, CustomEvent[]> = { renew: [], expire: [], 'qr-error': [] };
  for (const type of Object.keys(seen)) el.addEventListener(type, (e) => seen[type]!.push(e as CustomEvent));
  await mountElement(el);
  return { el, clock, seen };
}

const canvas = (el: Element) => find<HTMLCanvasElement>(el, 'canvas[part="qr"]');
const drawn = (el: Element) => !!canvas(el)?.dataset.drawn;

/** Counts dark pixels on the canvas, to know a real code was drawn. */
function darkPixels(c: HTMLCanvasElement): number {
  const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! < 128) dark++;
  return dark;
}

describe('<bayar-qris-view>', () => {
  afterEach(teardownPage);

  it('draws the QR from the payload after checking its CRC, with amount, countdown and a QRIS note', async () => {
    const { el, seen } = await qrisView(makePayment('qris:qris'));
    await until(() => drawn(el), 'QR drawn');
    const c = canvas(el)!;
    expect(c.getAttribute('role')).to.equal('img');
    expect(c.getAttribute('aria-label')).to.equal(`Kode QRIS untuk membayar ${rp(10000).replace(' ', '\u00a0')}`);
    expect(c.width).to.be.greaterThan(200);
    expect(darkPixels(c)).to.be.greaterThan(1000);
    const text = textOf(el);
    expect(text).to.include(rp(10000));
    expect(text).to.include('Sisa waktu').and.include('15:00');
    expect(text).to.include('aplikasi apa pun yang mendukung QRIS');
    expect(seen['qr-error']).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('refuses a payload with a bad CRC: shows an error and draws nothing', async () => {
    const { el, seen } = await qrisView(makePayment('qris:qris', { qris: { qrString: QRIS_CORRUPT } }));
    await settle(5);
    expect(canvas(el)).to.equal(null);
    expect(find(el, '[role="alert"]')!.textContent).to.include('tidak bisa dipakai untuk membayar');
    expect(seen['qr-error']!.map((e) => e.detail.code)).to.deep.equal(['invalid_qris']);
    await clickButton(el, 'Buat QR baru');
    expect(seen.renew).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('refuses a dynamic payload whose amount differs from the payment', async () => {
    const { el, seen } = await qrisView(makePayment('qris:qris', { amount: 20000, qris: { qrString: QRIS_10000 } }));
    expect(canvas(el)).to.equal(null);
    expect(seen['qr-error']).to.have.length(1);
  });

  it('hides the code at expiry for good and offers a new QR', async () => {
    const { el, clock, seen } = await qrisView(makePayment('qris:qris', { expiresAt: iso(NOW + 5000) }));
    await until(() => drawn(el), 'QR drawn');
    await clock.advance(5000);
    expect(canvas(el), 'QR hidden').to.equal(null);
    expect(textOf(el)).to.include('Kode QR ini sudah kedaluwarsa');
    expect(seen.expire).to.have.length(1);
    // Even if the server later pushed a new deadline for the same payment, the code stays hidden.
    el.payment = { ...el.payment!, expiresAt: iso(clock.now() + 60_000) };
    await settle();
    expect(canvas(el)).to.equal(null);
    await clickButton(el, 'Buat QR baru');
    expect(seen.renew).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('after a tab slept past expiry it goes straight to expired, without drawing', async () => {
    const clock = new FakeClock();
    clock.time = NOW + 60 * 60_000; // woke an hour later; the payment expired 45 minutes ago
    const { el, seen } = await qrisView(makePayment('qris:qris'), { clock });
    await settle(5);
    expect(canvas(el)).to.equal(null);
    expect(seen.expire).to.have.length(1);
    expect(textOf(el)).to.include('kedaluwarsa');
  });

  it('downloads the code as a PNG', async () => {
    const { el } = await qrisView(makePayment('qris:qris', { orderId: 'INV/2025/001' }));
    await until(() => drawn(el), 'QR drawn');
    const clicked: HTMLAnchorElement[] = [];
    const original = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this);
    };
    try {
      await clickButton(el, 'Unduh QR');
    } finally {
      HTMLAnchorElement.prototype.click = original;
    }
    expect(clicked).to.have.length(1);
    expect(clicked[0]!.download).to.equal('qris-INV_2025_001.png');
    expect(clicked[0]!.href).to.match(/^data:image\/png;base64,/);
  });

  it('speaks English', async () => {
    const { el } = await qrisView(makePayment('qris:qris'), { locale: 'en' });
    await until(() => drawn(el), 'QR drawn');
    expect(textOf(el)).to.include('Scan the QRIS code').and.include('Any QRIS-enabled app can pay');
    expect(textOf(el)).to.include('Download QR');
  });
});
