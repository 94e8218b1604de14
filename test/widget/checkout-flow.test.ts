import { expect } from '@open-wc/testing';
import { qrModules } from '../../server/lib/qr-modules.js';
import {
  FakeClock, FakeEventSource, FakeServer, NOW, QRIS_10000, QRIS_CORRUPT, SERVER, clickButton, find, iso, makePayment,
  mountCheckout, payButton, payWith, pickMethod, pressPay, radios, rp, server, settle, textOf, until, usePage,
} from './helpers.js';

describe('<bayar-checkout>: paying', () => {
  usePage();

  it('Virtual Account: instructions on screen, then "paid" by itself when the server confirms', async () => {
    const { el, log } = await mountCheckout();
    const payment = await payWith(el, log, 'va:bca');
    expect(el.payment?.id).to.equal(payment.id);
    expect(find(el, '[part="va-number"]')!.textContent).to.equal('8808 1234 5678 9012');
    expect(textOf(el)).to.include('Batalkan pembayaran');
    const pending = log.of('bayar-payment-pending')[0]!;
    expect(pending.detail.payment.id).to.equal(payment.id);
    expect(pending.bubbles && pending.composed).to.equal(true);
    await expect(el).to.be.accessible();

    const stream = FakeEventSource.latest!;
    expect(stream.url).to.equal(`${SERVER}/api/payments/${payment.id}/events?client_secret=${FakeServer.secretOf(payment.id)}`);
    stream.open();
    stream.status({ ...payment, status: 'paid', paidAt: iso(NOW + 60_000) });
    await until(() => log.count('bayar-payment-paid') === 1, 'paid');
    expect(textOf(el)).to.include('Pembayaran berhasil');
    expect(el.payment?.status).to.equal('paid');
    expect(stream.closed, 'the stream stops once final').to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('fires each transition once, even when the stream repeats a status', async () => {
    const { el, log } = await mountCheckout();
    const payment = await payWith(el, log, 'va:bca');
    const stream = FakeEventSource.latest!;
    stream.status(payment);
    stream.status(payment);
    const paid = { ...payment, status: 'paid' as const };
    stream.status(paid);
    stream.status(paid);
    await settle(5);
    stream.status(paid);
    await settle(5);
    expect(log.names()).to.deep.equal(['bayar-ready', 'bayar-method-select', 'bayar-payment-pending', 'bayar-payment-paid']);
  });

  it('ignores a late "pending" after a final status, and messages for other payments', async () => {
    const { el, log } = await mountCheckout();
    const payment = await payWith(el, log, 'va:bca');
    const stream = FakeEventSource.latest!;
    stream.status({ ...payment, id: 'someone-else', status: 'paid' });
    await settle();
    expect(log.count('bayar-payment-paid')).to.equal(0);
    stream.status({ ...payment, status: 'failed' });
    await until(() => log.count('bayar-payment-failed') === 1, 'failed');
    stream.status(payment);
    await settle();
    expect(el.payment?.status).to.equal('failed');
    expect(textOf(el)).to.include('Pembayaran gagal');
    await expect(el).to.be.accessible();
  });

  it('QRIS: draws the code, and an expired code is replaced by a fresh payment', async () => {
    const clock = new FakeClock();
    const { el, log } = await mountCheckout({}, { clock });
    const first = await payWith(el, log, 'qris:qris');
    await until(() => find<HTMLCanvasElement>(el, 'canvas[part="qr"]')?.dataset.drawn, 'QR drawn');
    await expect(el).to.be.accessible();
    // Fifteen minutes later the code is hidden; the server has not said "expired" yet.
    await clock.advance(15 * 60_000);
    expect(find(el, 'canvas')).to.equal(null);
    expect(server.seen('GET', `/api/payments/${first.id}`), 'asked the server right away').to.have.length(1);
    server.create = (body) => makePayment(body.method, { expiresAt: iso(clock.now() + 15 * 60_000) });
    await clickButton(el, 'Buat QR baru');
    await until(() => log.count('bayar-payment-pending') === 2, 'second pending');
    const posts = server.seen('POST', '/api/payments');
    expect(posts).to.have.length(2);
    expect(posts[1]!.body.method).to.equal('qris:qris');
    expect(posts[1]!.headers.get('Idempotency-Key')).to.not.equal(posts[0]!.headers.get('Idempotency-Key'));
    expect(el.payment?.id).to.not.equal(first.id);
    await until(() => find<HTMLCanvasElement>(el, 'canvas[part="qr"]')?.dataset.drawn, 'new QR drawn');
  });

  it('QRIS: a tab that slept past expiry goes straight to the expired screen, QR hidden', async () => {
    const clock = new FakeClock();
    const { el, log } = await mountCheckout({}, { clock });
    const payment = await payWith(el, log, 'qris:qris');
    await until(() => find<HTMLCanvasElement>(el, 'canvas[part="qr"]')?.dataset.drawn, 'QR drawn');
    server.update(payment.id, { status: 'expired' });
    await clock.sleep(2 * 3_600_000);
    await until(() => log.count('bayar-payment-expired') === 1, 'expired');
    expect(find(el, 'canvas')).to.equal(null);
    expect(textOf(el)).to.include('Waktu pembayaran habis').and.include('Buat QR baru');
    await expect(el).to.be.accessible();
    await clickButton(el, 'Ganti metode');
    expect(radios(el)).to.have.length.greaterThan(0);
    expect(el.payment).to.equal(null);
  });

  it('QRIS: a corrupt payload shows an error and reports invalid_qris', async () => {
    server.create = (body) => makePayment(body.method, { qris: { qrString: QRIS_CORRUPT } });
    const { el, log } = await mountCheckout();
    await payWith(el, log, 'qris:qris');
    await until(() => log.count('bayar-error') === 1, 'error');
    expect(log.of('bayar-error')[0]!.detail.code).to.equal('invalid_qris');
    expect(find(el, 'canvas')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('QRIS: a malformed symbol beside a good payload is not drawn either, and reports invalid_qris', async () => {
    // A symbol cut short by a byte: the view draws the companion's symbol, never a guess at it.
    server.create = (body) => makePayment(body.method, { qris: { qrString: QRIS_10000, qr: { ...qrModules(QRIS_10000), modules: btoa(atob(qrModules(QRIS_10000).modules).slice(1)) } } });
    const { el, log } = await mountCheckout();
    await payWith(el, log, 'qris:qris');
    await until(() => log.count('bayar-error') === 1, 'error');
    expect(log.of('bayar-error')[0]!.detail.code).to.equal('invalid_qris');
    expect(find(el, 'canvas')).to.equal(null);
    expect(textOf(el)).to.include('Buat QR baru');
    await expect(el).to.be.accessible();
  });

  it('QRIS: the canvas holds exactly the companion\'s symbol, module for module, inside a 4-module quiet zone', async () => {
    const { el, log } = await mountCheckout();
    await payWith(el, log, 'qris:qris');
    await until(() => find<HTMLCanvasElement>(el, 'canvas[part="qr"]')?.dataset.drawn, 'QR drawn');
    const canvas = find<HTMLCanvasElement>(el, 'canvas[part="qr"]')!;
    const qr = qrModules(QRIS_10000);
    const scale = canvas.width / (qr.size + 8);
    expect(scale).to.equal(8);
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const bits = atob(qr.modules);
    let mismatches = 0;
    for (let r = -4; r < qr.size + 4; r++)
      for (let c = -4; c < qr.size + 4; c++) {
        const i = r * qr.size + c;
        const dark = r >= 0 && c >= 0 && r < qr.size && c < qr.size && ((bits.charCodeAt(i >> 3) << (i & 7)) & 0x80) !== 0;
        // The centre pixel of each module.
        const at = (((r + 4) * scale + scale / 2) * canvas.width + (c + 4) * scale + scale / 2) * 4;
        if ((px[at] === 0) !== dark) mismatches++;
      }
    expect(mismatches).to.equal(0);
    expect(canvas.dataset.drawn).to.equal(QRIS_10000.slice(-4));
  });

  it('e-wallet: hands off with a button and keeps listening', async () => {
    const { el, log } = await mountCheckout();
    const payment = await payWith(el, log, 'ewallet:dana');
    expect(find<HTMLAnchorElement>(el, 'a.button')!.href).to.equal(payment.redirectUrl);
    await expect(el).to.be.accessible();
    FakeEventSource.latest!.status({ ...payment, status: 'paid' });
    await until(() => log.count('bayar-payment-paid') === 1, 'paid');
  });

  it('e-wallet: a non-http(s) redirect is refused and reported', async () => {
    server.create = (body) => makePayment(body.method, { redirectUrl: 'javascript:alert(document.domain)' });
    const { el, log } = await mountCheckout();
    await payWith(el, log, 'ewallet:dana');
    expect(log.of('bayar-error').map((e) => e.detail.code)).to.deep.equal(['invalid_redirect']);
    expect(find(el, 'a[href^="javascript"]')).to.equal(null);
  });

  it('convenience store: the payment code and the store steps', async () => {
    const { el, log } = await mountCheckout();
    await payWith(el, log, 'cstore:alfamart');
    expect(find(el, '[part="payment-code"]')!.textContent).to.equal('BYR1 2345 6789 0');
    expect(textOf(el)).to.include('Bayar di Alfamart');
    await expect(el).to.be.accessible();
  });

  it('PayLater: opens the approval page from the click itself and sends the chosen plan', async () => {
    const opened: Array<{ url: string; win: { location: { href: string }; opener: unknown; closed: boolean; close(): void } }> = [];
    const original = window.open;
    let openedDuringClick = false;
    window.open = ((url?: string | URL) => {
      const win = { location: { href: String(url) }, opener: window as unknown, closed: false, close() { this.closed = true; } };
      opened.push({ url: String(url), win });
      return win as unknown as Window;
    }) as typeof window.open;
    try {
      const { el, log } = await mountCheckout({ session: 'sess_abc' });
      await pickMethod(el, 'paylater:indodana');
      await until(() => find(el, '[part="installment"]'), 'plans');
      (find<HTMLInputElement>(el, 'input[value="opt-3m"]') ?? find<HTMLInputElement>(el, 'input[type="radio"]'))!.click();
      await settle();
      const button = find<HTMLButtonElement>(el, 'button.pay')!;
      button.addEventListener('click', () => (openedDuringClick = opened.length === 1));
      button.click();
      expect(opened, 'a window is opened synchronously in the click').to.have.length(1);
      await until(() => log.count('bayar-payment-pending') === 1, 'pending');
      expect(openedDuringClick).to.equal(true);
      expect(opened[0]!.win.opener).to.equal(null);
      expect(opened[0]!.win.location.href).to.equal('https://lender.test/approve/xyz');
      const body = server.seen('POST', '/api/payments')[0]!.body;
      expect(body).to.deep.equal({ session: 'sess_abc', method: 'paylater:indodana', installment: 'opt-3m' });
      expect(textOf(el)).to.include('Selesaikan persetujuan PayLater');
      await expect(el).to.be.accessible();
      FakeEventSource.latest!.status({ ...el.payment!, status: 'paid' });
      await until(() => log.count('bayar-payment-paid') === 1, 'paid');
    } finally {
      window.open = original;
    }
  });

  it('PayLater: when the pop-up was blocked, the approval link is there to click', async () => {
    const original = window.open;
    window.open = (() => null) as typeof window.open;
    try {
      const { el, log } = await mountCheckout();
      await pickMethod(el, 'paylater:indodana');
      await until(() => find(el, '[part="installment"]'), 'plans');
      find<HTMLInputElement>(el, 'input[type="radio"]')!.click();
      await settle();
      await pressPay(el);
      await until(() => log.count('bayar-payment-pending') === 1, 'pending');
      expect(find<HTMLAnchorElement>(el, 'a.button')!.href).to.equal('https://lender.test/approve/xyz');
    } finally {
      window.open = original;
    }
  });

  it('cancel while pending: POST cancel, then the cancelled screen; "change method" goes back', async () => {
    const { el, log } = await mountCheckout();
    const payment = await payWith(el, log, 'va:bca');
    await clickButton(el, 'Batalkan pembayaran');
    await until(() => log.count('bayar-payment-cancelled') === 1, 'cancelled');
    expect(server.seen('POST', `/api/payments/${payment.id}/cancel`)).to.have.length(1);
    expect(textOf(el)).to.include('Pembayaran dibatalkan');
    await expect(el).to.be.accessible();
    // The stream repeating it changes nothing.
    FakeEventSource.latest?.status({ ...payment, status: 'cancelled' });
    await settle();
    expect(log.count('bayar-payment-cancelled')).to.equal(1);
    await clickButton(el, 'Ganti metode');
    expect(radios(el)).to.have.length.greaterThan(0);
  });

  it('expired (from the server): "try again" goes back to picking', async () => {
    const { el, log } = await mountCheckout();
    const payment = await payWith(el, log, 'cstore:indomaret');
    FakeEventSource.latest!.status({ ...payment, status: 'expired' });
    await until(() => log.count('bayar-payment-expired') === 1, 'expired');
    expect(textOf(el)).to.include('Waktu pembayaran habis');
    await clickButton(el, 'Coba lagi');
    expect(el.payment).to.equal(null);
    expect(server.seen('GET', '/api/methods'), 'methods are kept').to.have.length(1);
  });

  it('reset() returns to picking unless paid', async () => {
    const { el, log } = await mountCheckout();
    const payment = await payWith(el, log, 'va:bca');
    el.reset();
    await settle();
    expect(el.payment).to.equal(null);
    expect(radios(el)).to.have.length.greaterThan(0);
    expect(FakeEventSource.latest!.closed).to.equal(true);
    const again = await payWith(el, log, 'va:bca');
    FakeEventSource.latest!.status({ ...again, status: 'paid' });
    await until(() => log.count('bayar-payment-paid') === 1, 'paid');
    el.reset();
    await settle();
    expect(el.payment?.status).to.equal('paid');
    expect(payment.id).to.not.equal(again.id);
  });

  it('moves focus to the new view after "Pay", and a server update never takes focus from the page', async () => {
    const deepActive = () => {
      let a: Element | null = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return a;
    };
    const { el, log } = await mountCheckout();
    await pickMethod(el, 'va:bca');
    payButton(el).focus();
    const payment = await payWith(el, log, 'va:bca');
    await until(() => deepActive()?.tagName === 'H2', 'heading focused');
    expect(deepActive()!.textContent).to.include('BCA Virtual Account');
    // Focus inside the view: the paid screen takes it over when the old view goes away.
    find<HTMLButtonElement>(el, '[part="copy-button"]')!.focus();
    FakeEventSource.latest!.status({ ...payment, status: 'paid' });
    await until(() => log.count('bayar-payment-paid') === 1, 'paid');
    await until(() => deepActive()?.tagName === 'H2', 'status heading focused');
    expect(deepActive()!.textContent).to.equal('Pembayaran berhasil');
    // Focus outside the widget stays where the customer put it.
    const second = await mountCheckout({ session: 'sess_other' });
    const other = await payWith(second.el, second.log, 'va:bsi');
    const input = document.createElement('input');
    document.body.appendChild(input);
    input.focus();
    FakeEventSource.latest!.status({ ...other, status: 'paid' });
    await until(() => second.log.count('bayar-payment-paid') === 1, 'second paid');
    await settle();
    expect(document.activeElement).to.equal(input);
    input.remove();
  });

  it('the `payment` property is read-only', async () => {
    const { el } = await mountCheckout();
    expect(() => ((el as unknown as { payment: unknown }).payment = {})).to.throw();
    expect(el.payment).to.equal(null);
  });

  it('shows amounts in IDR with the one formatter', async () => {
    const { el, log } = await mountCheckout();
    await payWith(el, log, 'va:bca');
    // rp() is the widget's formatter itself (widget/internal/format.ts), so this pins what customers read.
    expect(textOf(el)).to.include(rp(150000));
    expect(rp(150000)).to.equal('Rp 150.000');
    expect(rp(1_250_000)).to.equal('Rp 1.250.000');
  });
});
