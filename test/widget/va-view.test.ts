import { expect } from '@open-wc/testing';
import type { Payment } from '../../server/api-types.js';
import type { BayarVaView } from '../../widget/index.js';
import { FakeClock, NOW, find, findAll, iso, makePayment, mountElement, rp, settle, teardownPage, textOf } from './helpers.js';

async function vaView(payment: Payment, { locale = 'id', clock = new FakeClock(), width = 0 } = {}) {
  const el = document.createElement('bayar-va-view') as BayarVaView;
  el.payment = payment;
  el.locale = locale;
  el.clock = clock;
  const expired: Event[] = [];
  el.addEventListener('expire', (e) => expired.push(e));
  await mountElement(el, width || undefined);
  return { el, clock, expired };
}

let writes: string[];
const realClipboard = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');

describe('<bayar-va-view>', () => {
  beforeEach(() => {
    writes = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void writes.push(t) } });
  });
  afterEach(() => {
    teardownPage();
    delete (navigator as unknown as Record<string, unknown>).clipboard;
    if (realClipboard) Object.defineProperty(Navigator.prototype, 'clipboard', realClipboard);
  });

  it('shows the bank, the VA number in groups of four, the exact amount and the deadline', async () => {
    const { el } = await vaView(makePayment('va:bca', { expiresAt: '2025-11-25T10:00:00+07:00' }));
    const text = textOf(el);
    expect(text).to.include('BCA Virtual Account');
    expect(find(el, '[part="va-number"]')!.textContent).to.equal('8808 1234 5678 9012');
    expect(text).to.include(rp(150000)).and.include('Rp 150.000');
    expect(find(el, 'time')!.getAttribute('datetime')).to.equal('2025-11-25T10:00:00+07:00');
    expect(text).to.include('Bayar sebelum');
    expect(text).to.match(/25 November 2025/);
    await expect(el).to.be.accessible();
  });

  it('counts down live from the absolute deadline', async () => {
    const { el, clock } = await vaView(makePayment('va:bca', { expiresAt: iso(NOW + 2 * 3_600_000 + 5_000) }));
    expect(textOf(find(el, '[part="countdown"]')!)).to.include('2:00:05');
    await clock.advance(6_000);
    expect(textOf(find(el, '[part="countdown"]')!)).to.include('1:59:59');
  });

  it('copies the number without spaces and confirms, then goes back to "Salin"', async () => {
    const { el, clock } = await vaView(makePayment('va:bca'));
    const button = find<HTMLButtonElement>(el, '[part="copy-button"]')!;
    expect(textOf(button)).to.equal('Salin Nomor Virtual Account');
    button.click();
    await settle();
    expect(writes).to.deep.equal(['8808123456789012']);
    expect(textOf(button)).to.match(/^Disalin/);
    await expect(el).to.be.accessible();
    await clock.advance(3000);
    expect(textOf(button)).to.match(/^Salin/);
  });

  it('confirms "Copied" in English', async () => {
    const { el } = await vaView(makePayment('va:bca'), { locale: 'en' });
    await settle();
    const button = find<HTMLButtonElement>(el, '[part="copy-button"]')!;
    button.click();
    await settle();
    expect(textOf(button)).to.match(/^Copied/);
  });

  it('shows the Mandiri biller code and bill key (Midtrans bill payment), each with its own copy button', async () => {
    const { el } = await vaView(makePayment('va:mandiri', { provider: 'midtrans' }));
    const text = textOf(el);
    expect(text).to.include('Kode perusahaan').and.include('Kode bayar').and.not.include('biller');
    expect(findAll(el, '[part="va-number"]').map((n) => n.textContent)).to.deep.equal(['7001 2', '5112 2406 9085']);
    expect(findAll(el, '[part="copy-button"]')).to.have.length(2);
    expect(text).to.include('Masukkan kode perusahaan 70012, lalu kode bayar 511224069085.');
    expect(text).to.include('Multi Payment');
    await expect(el).to.be.accessible();
  });

  it('gives step-by-step instructions per bank for mobile banking, ATM and internet banking', async () => {
    const { el } = await vaView(makePayment('va:bca'));
    const sections = findAll(el, '[part="instructions"] details');
    expect(sections.map((d) => textOf(d.querySelector('summary')!))).to.deep.equal(['Mobile banking', 'ATM', 'Internet banking']);
    const atm = textOf(sections[1]!);
    expect(atm).to.include('Masukkan kartu ATM BCA');
    expect(atm).to.include('ke Rek BCA Virtual Account');
    expect(atm).to.include('Masukkan nomor Virtual Account 8808 1234 5678 9012.');
    expect(textOf(sections[0]!)).to.include('BCA mobile');
    expect(textOf(sections[2]!)).to.include('KlikBCA');
    expect(sections[0]!.hasAttribute('open')).to.equal(true);
  });

  it('Mandiri through Xendit: ATM Multi Payment with company code 88608, then the VA number; Livin\' Bayar/VA', async () => {
    const { el } = await vaView(makePayment('va:mandiri', { provider: 'xendit', va: { bank: 'mandiri', number: '8860812345678' } }));
    const sections = findAll(el, '[part="instructions"] details');
    expect(sections.map((d) => textOf(d.querySelector('summary')!))).to.deep.equal(['Mobile banking', 'ATM']);
    expect(textOf(sections[0]!)).to.include("Livin' by Mandiri").and.include('Bayar/VA');
    expect(textOf(sections[1]!)).to.include('Bayar/Beli › Multi Payment').and.include('Masukkan kode perusahaan 88608, lalu nomor Virtual Account 8860 8123 4567 8.');
  });

  it('BSI through Xendit follows Xendit\'s guide (BYOND by BSI, ATM Bayar/Beli › Institusi, BSI Net)', async () => {
    const { el } = await vaView(makePayment('va:bsi', { provider: 'xendit' }));
    const text = textOf(el);
    expect(text).to.include('BYOND by BSI').and.include('Bayar & Beli').and.include('Bayar/Beli › Institusi').and.include('BSI Net');
    expect(text).not.to.include('BSI Mobile').and.not.include('Transfer › Virtual Account');
  });

  it('bjb through Xendit: bjb DIGI and bjb NET, the name written as bjb writes it', async () => {
    const { el } = await vaView(makePayment('va:bjb', { provider: 'xendit', va: { bank: 'bjb', number: '1234567890123456' } }));
    const text = textOf(el);
    expect(text).to.include('bjb Virtual Account').and.include('bjb DIGI').and.include('Transaksi Lainnya › Virtual Account').and.include('bjb NET');
    expect(text).not.to.include('BJB');
  });

  it('a bank without a verified guide for its provider: its mobile banking app named, no invented menu path', async () => {
    const { el } = await vaView(makePayment('va:bsi', { provider: 'komerce' }));
    const sections = findAll(el, '[part="instructions"] details');
    expect(sections).to.have.length(1);
    const text = textOf(sections[0]!);
    expect(text).to.include('Buka aplikasi mobile banking BSI Anda').and.include('Masukkan nomor Virtual Account');
    expect(text).not.to.include('›');
    await expect(el).to.be.accessible();
  });

  it('the steps are the companion\'s: kept through a status update without them; none in any answer, none shown', async () => {
    const payment = makePayment('va:bca');
    const { el } = await vaView(payment);
    expect(textOf(el)).to.include('KlikBCA');
    // As the status stream sends it (the ledger's snapshot): the payment without its steps.
    el.payment = { ...payment, steps: undefined };
    await settle();
    expect(findAll(el, '[part="instructions"] details')).to.have.length(3);
    expect(textOf(el)).to.include('KlikBCA');
    // A payment whose answers never had steps (a companion that sends none): no heading over nothing, the rest intact.
    el.payment = makePayment('va:bca', { steps: undefined });
    await settle();
    expect(find(el, '[part="instructions"]')).to.equal(null);
    expect(textOf(el)).not.to.include('Cara membayar');
    expect(findAll(el, '[part="va-number"]')).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('switches the steps\' language live from the one answer, the names and amount filled in as the view shows them', async () => {
    const { el } = await vaView(makePayment('va:bri'));
    expect(textOf(el)).to.include('Masukkan kartu ATM BRI').and.include(`Pastikan jumlah tagihan ${rp(150000)}`);
    el.locale = 'en';
    await settle();
    const text = textOf(el);
    expect(text).to.include('Insert your BRI ATM card').and.include(`Check that the bill is ${rp(150000)}`).and.not.include('Masukkan');
    expect(text).not.to.match(/\{\w+\}/);
  });

  it('CIMB is CIMB Niaga', async () => {
    const { el } = await vaView(makePayment('va:cimb'));
    expect(find(el, 'h2')!.textContent).to.equal('CIMB Niaga Virtual Account');
  });

  it('gives the instructions in English too', async () => {
    const { el } = await vaView(makePayment('va:bri'), { locale: 'en' });
    await settle();
    const text = textOf(el);
    expect(text).to.include('How to pay').and.include('Insert your BRI ATM card').and.include('BRImo');
    expect(text).to.include('Amount to pay');
    await expect(el).to.be.accessible();
  });

  it('says when the time is up and tells the checkout', async () => {
    const { el, clock, expired } = await vaView(makePayment('va:bca', { expiresAt: iso(NOW + 3000) }));
    await clock.advance(3000);
    expect(textOf(find(el, '[part="countdown"]')!)).to.include('Waktu pembayaran habis');
    expect(expired).to.have.length(1);
    await clock.advance(10_000);
    expect(expired).to.have.length(1);
  });

  it('fits a 320 px column', async () => {
    const { el } = await vaView(makePayment('va:bca'), { width: 320 });
    expect(el.scrollWidth).to.be.at.most(320);
    expect(el.getBoundingClientRect().width).to.be.at.most(320);
  });
});
