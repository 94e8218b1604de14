import { expect } from '@open-wc/testing';
import type { Payment } from '../../server/api-types.js';
import type { BayarStatusView } from '../../widget/index.js';
import { clickButton, find, findAll, makePayment, mountElement, rp, teardownPage, textOf } from './helpers.js';

async function statusView(payment: Payment, locale = 'id') {
  const el = document.createElement('bayar-status-view') as BayarStatusView;
  el.payment = payment;
  el.locale = locale;
  const retries: Event[] = [];
  const renews: Event[] = [];
  el.addEventListener('retry', (e) => retries.push(e));
  el.addEventListener('renew', (e) => renews.push(e));
  await mountElement(el);
  return { el, retries, renews };
}

describe('<bayar-status-view>', () => {
  afterEach(teardownPage);

  it('paid: success, amount, time, and no way to pay again', async () => {
    const { el } = await statusView(makePayment('va:bca', { status: 'paid', paidAt: '2025-11-24T10:15:00+07:00' }));
    const text = textOf(el);
    expect(text).to.include('Pembayaran berhasil').and.include(rp(150000)).and.include('24 November 2025');
    expect(find(el, '[part="status"]')!.dataset.status).to.equal('paid');
    expect(findAll(el, 'button')).to.have.length(0);
    // The tick is drawn: an SVG path (not an unknown HTML element) with a real length.
    const path = find<SVGPathElement>(el, 'svg.icon path')!;
    expect(path).to.be.instanceOf(SVGPathElement);
    expect(path.getAttribute('d')).to.equal('M7 12.5l3.2 3.2L17 9');
    expect(path.getTotalLength()).to.be.greaterThan(10);
    await expect(el).to.be.accessible();
  });

  const cases: Array<[Payment['status'], string, string]> = [
    ['expired', 'Waktu pembayaran habis', 'Coba lagi'],
    ['cancelled', 'Pembayaran dibatalkan', 'Ganti metode'],
    ['failed', 'Pembayaran gagal', 'Coba lagi'],
  ];
  for (const [status, title, action] of cases) {
    it(`${status}: says so and offers "${action}"`, async () => {
      const { el, retries } = await statusView(makePayment('va:bca', { status }));
      expect(textOf(el)).to.include(title);
      await clickButton(el, action);
      expect(retries).to.have.length(1);
      await expect(el).to.be.accessible();
    });
  }

  it('an expired QRIS payment offers a new QR in place, or another method', async () => {
    const { el, retries, renews } = await statusView(makePayment('qris:qris', { status: 'expired' }));
    expect(textOf(el)).to.include('Waktu pembayaran habis').and.include('Kode QR ini sudah kedaluwarsa');
    expect(findAll(el, 'canvas, img')).to.have.length(0);
    await clickButton(el, 'Buat QR baru');
    expect(renews).to.have.length(1);
    expect(retries).to.have.length(0);
    await clickButton(el, 'Ganti metode');
    expect(retries).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('speaks English', async () => {
    const { el } = await statusView(makePayment('va:bca', { status: 'expired' }), 'en');
    expect(textOf(el)).to.include('Payment time is up').and.include('Try again');
  });
});
