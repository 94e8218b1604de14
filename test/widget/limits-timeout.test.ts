/**
 * Issue 14 states of <bayar-checkout>: methods the amount cannot use (greyed with the limit, or hidden), the last used
 * method first, a request that never answers (timeout → retry with the same Idempotency-Key), and "I have paid —
 * check status" on the waiting view. Every timed thing runs on the fake clock.
 */
import { expect } from '@open-wc/testing';
import type { PaymentMethod } from '../../server/api-types.js';
import { BayarApi } from '../../widget/internal/api.js';
import {
  METHODS, clickButton, deferred, find, makePayment, mountCheckout, payButton, payWith, pickMethod,
  pressPay, radio, radios, rp, server, textOf, until, usePage,
} from './helpers.js';

const limited = (id: string, over: Partial<PaymentMethod>): PaymentMethod => ({ ...METHODS.find((m) => m.id === id)!, ...over });

describe('<bayar-checkout>: limits, last used method, timeouts, check status', () => {
  usePage();

  describe('methods the amount cannot use', () => {
    beforeEach(() => {
      server.methods = [
        limited('va:bca', { available: false, unavailableReason: 'below_minimum', minAmount: 10_000 }),
        limited('qris:qris', { available: true, minAmount: 1_500, maxAmount: 10_000_000 }),
        limited('cstore:alfamart', { available: false, unavailableReason: 'above_maximum', maxAmount: 2_500_000 }),
      ];
    });

    it('are greyed with their limit, reachable by the arrow keys, and cannot be chosen', async () => {
      const { el, log } = await mountCheckout();
      const bca = radio(el, 'va:bca');
      expect(bca.getAttribute('aria-disabled')).to.equal('true');
      expect(textOf(bca)).to.include(`Minimal ${rp(10_000)}`);
      expect(textOf(radio(el, 'cstore:alfamart'))).to.include(`Maksimal ${rp(2_500_000)}`);
      expect(radio(el, 'qris:qris').hasAttribute('aria-disabled')).to.equal(false);
      // The reason is part of the radio's content, hence of its accessible name: a screen reader says why.
      expect(textOf(bca.querySelector('.why')!)).to.equal(`Minimal ${rp(10_000)}`);
      await expect(el).to.be.accessible();

      await pickMethod(el, 'va:bca');
      expect(bca.getAttribute('aria-checked')).to.equal('false');
      expect(payButton(el).disabled).to.equal(true);
      expect(log.count('bayar-method-select')).to.equal(0);

      bca.focus();
      bca.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true, composed: true }));
      await until(() => true);
      expect(bca.getAttribute('aria-checked')).to.equal('false');
      bca.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, composed: true }));
      await until(() => (radio(el, 'qris:qris').getRootNode() as ShadowRoot).activeElement === radio(el, 'qris:qris'), 'arrow moves on');
    });

    it('`hide-unavailable` leaves them out', async () => {
      const { el, log } = await mountCheckout({ 'hide-unavailable': 'hide-unavailable' });
      expect(radios(el).map((r) => r.dataset.id)).to.deep.equal(['qris:qris']);
      expect((log.of('bayar-ready')[0]!.detail.methods as PaymentMethod[]).map((m) => m.id)).to.deep.equal(['qris:qris']);
    });
  });

  describe('the last used method', () => {
    it('comes first with a "last used" badge after a payment in this shop; only its id is stored', async () => {
      const first = await mountCheckout();
      await payWith(first.el, first.log, 'cstore:alfamart');
      first.el.remove();
      const stored = Object.keys(localStorage).filter((k) => k.startsWith('bayar:method:'));
      expect(stored.map((k) => localStorage.getItem(k))).to.deep.equal(['cstore:alfamart']);

      const { el } = await mountCheckout({ 'order-id': '', session: 'sess_other' });
      expect(radios(el)[0]!.dataset.id).to.equal('cstore:alfamart');
      expect(radios(el)[0]!.tabIndex).to.equal(0);
      expect(textOf(find(el, '.group')!)).to.include('Terakhir dipakai');
      expect(radios(el).filter((r) => r.dataset.id === 'cstore:alfamart')).to.have.length(1);
      await expect(el).to.be.accessible();
    });

    it('`remember-method="off"`: nothing stored, nothing shown first', async () => {
      localStorage.setItem('bayar:method:https://pay.test', 'cstore:alfamart');
      const { el, log } = await mountCheckout({ 'remember-method': 'off' });
      expect(radios(el)[0]!.dataset.id).to.equal('va:bca');
      await payWith(el, log, 'qris:qris');
      expect(localStorage.getItem('bayar:method:https://pay.test')).to.equal(null);
    });
  });

  describe('a server that does not answer', () => {
    it('Pay: after the timeout a translated message and `bayar-error` `timeout`; the retry reuses the Idempotency-Key', async () => {
      const hang = deferred();
      let calls = 0;
      server.on('POST', /^\/api\/payments$/, async (req) => {
        if (++calls === 1) return hang.promise;
        const payment = makePayment(req.body.method);
        server.payments.set(payment.id, payment);
        return { status: 200, body: { payment } };
      });
      const { el, log, clock } = await mountCheckout();
      await pickMethod(el, 'va:bca');
      await pressPay(el);
      expect(textOf(el)).to.include('Memproses…');
      await clock.advance(BayarApi.timeouts.write - 1);
      expect(log.count('bayar-error')).to.equal(0);
      await clock.advance(1);
      await until(() => log.count('bayar-error') === 1, 'timeout error');
      expect(log.of('bayar-error')[0]!.detail.code).to.equal('timeout');
      const alert = find(el, '[role="alert"]')!;
      expect(alert.dataset.code).to.equal('timeout');
      expect(textOf(alert)).to.include('Server pembayaran tidak menjawab');
      expect(textOf(el)).not.to.include('Memproses…');
      await expect(el).to.be.accessible();

      await clickButton(el, 'Coba lagi');
      await until(() => log.count('bayar-payment-pending') === 1, 'retried payment');
      const posts = server.seen('POST', '/api/payments');
      expect(posts).to.have.length(2);
      expect(posts[1]!.headers.get('Idempotency-Key')).to.equal(posts[0]!.headers.get('Idempotency-Key'));
      hang.resolve({ status: 500 });
    });

    it('an unknown server error code shows the generic Indonesian text, never the developer message', async () => {
      server.on('POST', /^\/api\/payments$/, () => ({ status: 422, body: { error: { code: 'something_new', message: 'Internal detail for developers' } } }));
      const { el, log } = await mountCheckout();
      await pickMethod(el, 'va:bca');
      await pressPay(el);
      await until(() => log.count('bayar-error') === 1, 'error');
      expect(textOf(find(el, '[role="alert"]')!)).to.include('Pembayaran belum dapat diproses');
      expect(textOf(el)).not.to.include('Internal detail');
      expect(log.of('bayar-error')[0]!.detail.message).to.equal('Internal detail for developers');
    });

    it('a known code gets its own text (amount over the method\'s maximum)', async () => {
      server.on('POST', /^\/api\/payments$/, () => ({ status: 422, body: { error: { code: 'amount_above_maximum', message: 'QRIS takes Rp 1.500 to Rp 10.000.000' } } }));
      const { el, log } = await mountCheckout({ locale: 'en' });
      await pickMethod(el, 'qris:qris');
      await pressPay(el);
      await until(() => log.count('bayar-error') === 1, 'error');
      expect(textOf(find(el, '[role="alert"]')!)).to.include('This amount is above what this method accepts');
    });
  });

  describe('"I have paid — check status"', () => {
    it('asks the server; still pending says so, a press too soon says wait, a paid answer shows paid', async () => {
      const { el, log } = await mountCheckout();
      const payment = await payWith(el, log, 'va:bca');
      let answer: { status: number; body: unknown } = { status: 200, body: { payment } };
      server.on('POST', /^\/api\/payments\/([^/]+)\/check$/, () => answer);
      await clickButton(el, 'Saya sudah bayar');
      await until(() => textOf(el).includes('Belum ada konfirmasi dari penyedia'), 'still pending note');
      expect(server.seen('POST', `/api/payments/${payment.id}/check`)).to.have.length(1);
      await expect(el).to.be.accessible();

      answer = { status: 429, body: { error: { code: 'check_too_soon', message: 'wait' } } };
      await clickButton(el, 'Saya sudah bayar');
      await until(() => textOf(el).includes('Status baru saja diperiksa'), 'too soon note');
      expect(log.count('bayar-error')).to.equal(0);

      answer = { status: 200, body: { payment: { ...payment, status: 'paid' } } };
      await clickButton(el, 'Saya sudah bayar');
      await until(() => log.count('bayar-payment-paid') === 1, 'paid');
      expect(textOf(el)).to.include('Pembayaran berhasil');
    });

    it('is on every waiting view (QRIS, store code, e-wallet hand-off) and reachable by keyboard', async () => {
      for (const id of ['qris:qris', 'cstore:indomaret', 'ewallet:dana']) {
        const { el, log } = await mountCheckout({ 'order-id': `O-${id}`, amount: '150000', session: '' });
        await payWith(el, log, id);
        const button = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('Saya sudah bayar'));
        expect(button, id).to.exist;
        expect(button!.tabIndex, id).to.equal(0);
        el.remove();
      }
    });
  });
});
