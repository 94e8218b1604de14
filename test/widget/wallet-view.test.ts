/**
 * <bayar-wallet-view>: the e-wallet hand-off that fits the device, for each shape of hand-off the providers give
 * (Xendit DANA/LinkAja web URLs, ShopeePay deeplink + QR string, Midtrans GoPay deeplink + QR image, OVO nothing),
 * posing as a computer and as a phone through the view's device seam; the OVO phone number asked before paying.
 */
import { expect } from '@open-wc/testing';
import type { Payment } from '../../server/api-types.js';
import { qrModules } from '../../server/lib/qr-modules.js';
import { BayarWalletView } from '../../widget/views.js';
import {
  FakeClock, NOW, QRIS_10000, clickButton, find, findAll, iso, makePayment, mountCheckout, mountElement, payButton,
  pickMethod, pressPay, rp, server, settle, teardownPage, textOf, until, usePage,
} from './helpers.js';

const realIsDesktop = BayarWalletView.isDesktop;
const pose = (device: 'desktop' | 'phone'): void => {
  BayarWalletView.isDesktop = () => device === 'desktop';
};

const SHOPEEPAY = { deeplinkUrl: 'https://emulator.test/ewallet-checkout/ewc_1?via=app', qrString: QRIS_10000, qr: qrModules(QRIS_10000) };
const DANA = { desktopUrl: 'https://emulator.test/ewallet-checkout/ewc_2', mobileUrl: 'https://emulator.test/ewallet-checkout/ewc_2/m' };
// A real image the test server serves (an image that fails to load falls back to the link).
const GOPAY = { deeplinkUrl: 'https://emulator.test/gopay/tx_1/deeplink', qrImageUrl: new URL('/docs/theming.png', location.href).href };

async function wallet(method: string, ewallet: Payment['ewallet'], opts: { uiMode?: string; locale?: string; clock?: FakeClock } = {}) {
  const el = document.createElement('bayar-wallet-view') as BayarWalletView;
  el.payment = makePayment(method, { provider: 'xendit', amount: 10000, redirectUrl: undefined, ewallet, expiresAt: iso(NOW + 15 * 60_000) });
  el.locale = opts.locale ?? 'id';
  if (opts.uiMode) el.uiMode = opts.uiMode;
  el.clock = opts.clock ?? new FakeClock();
  await mountElement(el);
  return el;
}

describe('<bayar-wallet-view>', () => {
  afterEach(() => {
    BayarWalletView.isDesktop = realIsDesktop;
    teardownPage();
  });

  describe('on a computer', () => {
    beforeEach(() => pose('desktop'));

    it('ShopeePay: the wallet QR drawn from the provider string, with its countdown, nothing to open', async () => {
      const el = await wallet('ewallet:shopeepay', SHOPEEPAY);
      await until(() => find<HTMLCanvasElement>(el, 'canvas[part="qr"]')?.dataset.drawn, 'QR drawn');
      const canvas = find<HTMLCanvasElement>(el, 'canvas[part="qr"]')!;
      expect(canvas.dataset.drawn).to.equal(QRIS_10000.slice(-4));
      expect(canvas.getAttribute('aria-label')).to.equal(`Kode QR ShopeePay untuk membayar ${rp(10000).replace(/ /g, '\u00a0')}`);
      expect(find(el, '[part="countdown"]')).to.exist;
      expect(textOf(el)).to.include('Pindai dengan aplikasi ShopeePay').and.include('Sisa waktu 15:00');
      expect(findAll(el, 'a')).to.have.length(0);
      await expect(el).to.be.accessible();
    });

    it('GoPay through Midtrans: the provider\'s own QR image', async () => {
      const el = await wallet('ewallet:gopay', GOPAY);
      const img = find<HTMLImageElement>(el, 'img[part="qr"]')!;
      expect(img.getAttribute('src')).to.equal(GOPAY.qrImageUrl);
      expect(img.alt).to.include('GoPay');
      expect(textOf(el)).to.include('Pindai dengan aplikasi GoPay');
    });

    it('DANA (web checkout only): a button to the desktop checkout, in a new tab', async () => {
      const el = await wallet('ewallet:dana', DANA);
      const link = find<HTMLAnchorElement>(el, 'a.open')!;
      expect(link.href).to.equal(DANA.desktopUrl);
      expect(link.target).to.equal('_blank');
      expect(link.rel).to.include('noopener');
      expect(textOf(link)).to.equal('Buka DANA');
      expect(find(el, '[part="qr"]')).to.equal(null);
      await expect(el).to.be.accessible();
    });

    it('ui-mode="redirect" skips the QR where there is a link', async () => {
      const el = await wallet('ewallet:gopay', GOPAY, { uiMode: 'redirect' });
      expect(find(el, '[part="qr"]')).to.equal(null);
      expect(find<HTMLAnchorElement>(el, 'a.open')!.href).to.equal(GOPAY.deeplinkUrl);
    });
  });

  describe('on a phone', () => {
    beforeEach(() => pose('phone'));

    it('ShopeePay: opens the app from the tap (same tab), with "pay on another device instead" → the QR, and back', async () => {
      const el = await wallet('ewallet:shopeepay', SHOPEEPAY);
      const link = find<HTMLAnchorElement>(el, 'a.open')!;
      expect(link.href).to.equal(SHOPEEPAY.deeplinkUrl);
      expect(link.hasAttribute('target'), 'navigates in place: no window is opened, so no pop-up blocker').to.equal(false);
      expect(textOf(el)).to.include('Aplikasi ShopeePay akan terbuka');
      await expect(el).to.be.accessible();

      await clickButton(el, 'Bayar dari perangkat lain');
      await until(() => find<HTMLCanvasElement>(el, 'canvas[part="qr"]')?.dataset.drawn, 'QR drawn');
      expect(find(el, 'a.open')).to.equal(null);
      await expect(el).to.be.accessible();
      await clickButton(el, 'Bayar di ponsel ini dengan ShopeePay');
      expect(find<HTMLAnchorElement>(el, 'a.open')!.href).to.equal(SHOPEEPAY.deeplinkUrl);
    });

    it('ShopeePay: the QR asked for after a status update (which carries no symbol) is still the symbol the API sent', async () => {
      // A payload no other test uses: the symbol can only come from this payment's own first answer.
      const qrString = 'https://emulator.test/ewallet-checkout/ewc_stream?qr=only-here-7Q2X';
      const el = await wallet('ewallet:shopeepay', { ...SHOPEEPAY, qrString, qr: qrModules(qrString) });
      // As the status stream delivers it: the ledger's snapshot has the payload but not the symbol.
      el.payment = { ...el.payment!, ewallet: { deeplinkUrl: SHOPEEPAY.deeplinkUrl, qrString } };
      await el.updateComplete;
      await clickButton(el, 'Bayar dari perangkat lain');
      await until(() => find<HTMLCanvasElement>(el, 'canvas[part="qr"]')?.dataset.drawn, 'QR drawn');
      expect(find<HTMLCanvasElement>(el, 'canvas[part="qr"]')!.dataset.drawn).to.equal(qrString.slice(-4));
    });

    it('DANA: the mobile web checkout, in place; no QR to switch to', async () => {
      const el = await wallet('ewallet:dana', DANA);
      expect(find<HTMLAnchorElement>(el, 'a.open')!.href).to.equal(DANA.mobileUrl);
      expect(findAll(el, 'button.switch')).to.have.length(0);
    });

    it('an app scheme deeplink is kept; a javascript: one is refused for the next hand-off', async () => {
      const app = await wallet('ewallet:gopay', { ...GOPAY, deeplinkUrl: 'gojek://gopay/merchanttransfer?tref=1' });
      expect(find<HTMLAnchorElement>(app, 'a.open')!.getAttribute('href')).to.equal('gojek://gopay/merchanttransfer?tref=1');
      const bad = await wallet('ewallet:dana', { desktopUrl: 'javascript:alert(1)', mobileUrl: 'javascript:alert(1)' });
      expect(findAll(bad, 'a')).to.have.length(0);
      expect(textOf(find(bad, '[role="alert"]')!)).to.include('tidak valid');
    });

    it('a QR image that does not load falls back to the link', async () => {
      const el = await wallet('ewallet:gopay', { ...GOPAY, qrImageUrl: new URL('/no-such-qr.png', location.href).href }, { uiMode: 'qr' });
      await until(() => find(el, 'a.open'), 'fallback link');
      expect(find(el, '[part="qr"]')).to.equal(null);
    });

    it('ui-mode="qr" shows the QR first even on a phone', async () => {
      const el = await wallet('ewallet:gopay', GOPAY, { uiMode: 'qr' });
      expect(find(el, 'img[part="qr"]')).to.exist;
      expect(textOf(el)).to.include('Bayar di ponsel ini dengan GoPay');
    });
  });

  it('OVO: approve in the OVO app before the deadline, with the countdown; the fake clock runs it out', async () => {
    pose('desktop');
    const clock = new FakeClock();
    const el = await wallet('ewallet:ovo', undefined, { clock });
    let expired = 0;
    el.addEventListener('expire', () => expired++);
    expect(find(el, 'h2')!.textContent).to.equal('Setujui pembayaran di aplikasi OVO');
    expect(findAll(el, '[part="instructions"] li').map(textOf)[2]).to.include(rp(10000)).and.include('PIN OVO');
    expect(textOf(el)).to.include('Bayar sebelum').and.include('Sisa waktu 15:00').and.include('Menunggu konfirmasi');
    expect(findAll(el, 'a, [part="qr"]')).to.have.length(0);
    await expect(el).to.be.accessible();
    await clock.advance(15 * 60_000);
    await settle();
    expect(expired).to.equal(1);
    expect(textOf(el)).to.include('Waktu pembayaran habis');
  });

  it('OVO in English', async () => {
    const el = await wallet('ewallet:ovo', undefined, { locale: 'en' });
    expect(textOf(el)).to.include('Approve the payment in your OVO app').and.include('confirm with your OVO PIN');
  });
});

describe('<bayar-checkout>: OVO asks for the phone number first', () => {
  usePage();

  it('Pay stays disabled until the number is a valid Indonesian mobile number, which is sent as walletPhone', async () => {
    const { el, log } = await mountCheckout({ 'order-id': 'O-OVO', amount: '150000', session: '' });
    await pickMethod(el, 'ewallet:ovo');
    // The field comes with the views' chunk, which loads after the list's first frame: wait for it to appear.
    await until(() => {
      const phone = find(el, 'bayar-wallet-phone');
      return phone && find(phone, 'input');
    }, 'phone field');
    const input = find<HTMLInputElement>(find(el, 'bayar-wallet-phone')!, 'input')!;
    expect(payButton(el).disabled).to.equal(true);
    await expect(el).to.be.accessible();

    input.value = '12345';
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
    await settle();
    expect(payButton(el).disabled).to.equal(true);
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(textOf(find(el, 'bayar-wallet-phone')!)).to.include('Masukkan nomor ponsel Indonesia yang valid');
    await pressPay(el);
    expect(server.seen('POST', '/api/payments')).to.have.length(0);

    input.value = '0812-3456-7890';
    input.dispatchEvent(new Event('input'));
    await settle();
    expect(payButton(el).disabled).to.equal(false);
    await pressPay(el);
    await until(() => log.count('bayar-payment-pending') === 1, 'pending');
    expect(server.seen('POST', '/api/payments')[0]!.body.walletPhone).to.equal('+6281234567890');
  });

  it('prefills customer-phone', async () => {
    const { el } = await mountCheckout({ 'order-id': 'O-OVO2', amount: '150000', session: '', 'customer-phone': '081298765432' });
    await pickMethod(el, 'ewallet:ovo');
    await until(() => !payButton(el).disabled, 'pay enabled by the prefilled number');
    expect(find<HTMLInputElement>(find(el, 'bayar-wallet-phone')!, 'input')!.value).to.equal('081298765432');
  });
});
