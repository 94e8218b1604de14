import { expect } from '@open-wc/testing';
import {
  INSTALLMENTS, METHODS, SERVER, clickButton, find, mountCheckout, payButton, pickMethod, pressPay, radio, radios,
  rp, server, settle, textOf, until, usePage,
} from './helpers.js';

describe('<bayar-checkout>: choosing a method', () => {
  usePage();

  it('loads the methods for the session and announces them once', async () => {
    const { el, log } = await mountCheckout({ session: 'sess_abc' });
    const [req] = server.seen('GET', '/api/methods');
    expect(req!.url.origin).to.equal(SERVER);
    expect(req!.headers.get('Bayar-Session'), 'the session travels in a header').to.equal('sess_abc');
    expect(req!.url.search, 'never in the URL').to.equal('');
    expect(req!.headers.get('Idempotency-Key')).to.equal(null);
    expect(radios(el)).to.have.length(METHODS.length);
    expect(log.names()).to.deep.equal(['bayar-ready']);
    const ready = log.of('bayar-ready')[0]!;
    expect(ready.detail.methods).to.have.length(METHODS.length);
    expect(ready.bubbles && ready.composed).to.equal(true);
    expect(payButton(el).disabled, 'nothing chosen yet').to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('without a server attribute, talks to the origin the script was loaded from', async () => {
    await mountCheckout({ server: '' });
    expect(server.seen('GET', '/api/methods')[0]!.url.origin).to.equal(location.origin);
  });

  it('unsigned checkout asks with the amount; catalog checkout with the items', async () => {
    await mountCheckout({ session: '', 'order-id': 'ORDER-9', amount: '250000' });
    expect(server.seen('GET', '/api/methods')[0]!.url.search).to.equal('?amount=250000');
    await mountCheckout({ session: '', items: 'SKU-1:2,SKU-2:1' });
    expect(server.seen('GET', '/api/methods')[1]!.url.searchParams.get('items')).to.equal('SKU-1:2,SKU-2:1');
  });

  it('filters by family and by method id', async () => {
    const { el, log } = await mountCheckout({ methods: 'qris, va:bca,ewallet' });
    expect(radios(el).map((r) => r.dataset.id)).to.deep.equal(['va:bca', 'qris:qris', 'ewallet:ovo', 'ewallet:dana']);
    expect(log.of('bayar-ready')[0]!.detail.methods.map((m: { id: string }) => m.id)).to.deep.equal([
      'va:bca',
      'qris:qris',
      'ewallet:ovo',
      'ewallet:dana',
    ]);
    el.methods = 'cstore';
    await settle();
    expect(radios(el).map((r) => r.dataset.id)).to.deep.equal(['cstore:indomaret', 'cstore:alfamart']);
    expect(server.seen('GET', '/api/methods'), 'the filter does not refetch').to.have.length(1);
  });

  it('picking fires bayar-method-select and enables "Pay"; unsigned checkout shows the amount on it', async () => {
    const { el, log } = await mountCheckout({ session: '', 'order-id': 'ORDER-9', amount: '150000' });
    await pickMethod(el, 'va:bca');
    expect(log.of('bayar-method-select').map((e) => e.detail.method.id)).to.deep.equal(['va:bca']);
    expect(payButton(el).disabled).to.equal(false);
    expect(textOf(payButton(el))).to.equal(`Bayar ${rp(150000)}`);
    expect(radio(el, 'va:bca').getAttribute('aria-checked')).to.equal('true');
    await expect(el).to.be.accessible();
  });

  it('"Pay" creates the payment with the session, the method and an Idempotency-Key', async () => {
    const { el, log } = await mountCheckout({ session: 'sess_abc' });
    await pickMethod(el, 'va:bca');
    await pressPay(el);
    await until(() => log.count('bayar-payment-pending') === 1, 'pending');
    const [post] = server.seen('POST', '/api/payments');
    expect(post!.body).to.deep.equal({ session: 'sess_abc', method: 'va:bca' });
    expect(post!.headers.get('Content-Type')).to.equal('application/json');
    expect(post!.headers.get('Idempotency-Key')).to.match(/^[0-9a-f-]{32,36}$/);
  });

  it('unsigned and catalog checkouts send the order, amount or items and the customer', async () => {
    const a = await mountCheckout({
      session: '',
      'order-id': 'ORDER-9',
      amount: '150000',
      'customer-name': 'Siti Aminah',
      'customer-email': 'siti@example.id',
    });
    await pickMethod(a.el, 'qris:qris');
    await pressPay(a.el);
    await until(() => a.log.count('bayar-payment-pending') === 1, 'pending');
    expect(server.seen('POST', '/api/payments')[0]!.body).to.deep.equal({
      orderId: 'ORDER-9',
      amount: 150000,
      customer: { name: 'Siti Aminah', email: 'siti@example.id' },
      method: 'qris:qris',
    });
    const b = await mountCheckout({ session: '', items: 'SKU-1:2', 'customer-phone': '+6281234567890' });
    await pickMethod(b.el, 'va:bca');
    await pressPay(b.el);
    await until(() => b.log.count('bayar-payment-pending') === 1, 'pending');
    expect(server.seen('POST', '/api/payments')[1]!.body).to.deep.equal({
      items: 'SKU-1:2',
      customer: { phone: '+6281234567890' },
      method: 'va:bca',
    });
  });

  it('a retried attempt reuses its Idempotency-Key; a new attempt gets a new one', async () => {
    let failNext = 2;
    server.on('POST', /^\/api\/payments$/, () => {
      if (failNext-- > 0) return { status: 503, body: { error: { code: 'provider_unavailable', message: 'Try again shortly.' } } };
      throw new Error('fall through');
    });
    const { el, log } = await mountCheckout();
    await pickMethod(el, 'va:bca');
    await pressPay(el);
    await until(() => log.count('bayar-error') === 1, 'error');
    expect(log.of('bayar-error')[0]!.detail).to.deep.equal({ code: 'provider_unavailable', message: 'Try again shortly.' });
    // The customer reads their language; the developer message goes to the event only.
    expect(textOf(find(el, '[role="alert"]')!)).to.include('Penyedia pembayaran sedang tidak dapat dihubungi');
    await expect(el).to.be.accessible();
    await clickButton(el, 'Coba lagi');
    await until(() => log.count('bayar-error') === 2, 'second error');
    const keys = server.seen('POST', '/api/payments').map((r) => r.headers.get('Idempotency-Key'));
    expect(keys[0]).to.equal(keys[1]);
    // Another method is another attempt.
    await pickMethod(el, 'qris:qris');
    server.on('POST', /^\/api\/payments$/, () => ({ status: 503, body: { error: { code: 'x', message: 'x' } } }));
    await pressPay(el);
    await until(() => server.seen('POST', '/api/payments').length === 3, 'third POST');
    const third = server.seen('POST', '/api/payments')[2]!.headers.get('Idempotency-Key');
    expect(third).to.not.equal(keys[0]);
  });

  it('reports a network failure as network_error with a localized message', async () => {
    server.on('GET', /^\/api\/methods$/, () => Promise.reject(new TypeError('Failed to fetch')));
    const { el, log } = await mountCheckout();
    expect(log.of('bayar-error')[0]!.detail.code).to.equal('network_error');
    expect(textOf(find(el, '[role="alert"]')!)).to.include('Tidak dapat terhubung');
    await expect(el).to.be.accessible();
  });

  it('reports a missing order as invalid_config', async () => {
    const { el, log } = await mountCheckout({ session: '' });
    expect(log.of('bayar-error')[0]!.detail.code).to.equal('invalid_config');
    expect(server.requests).to.have.length(0);
    expect(textOf(el)).to.include('belum dikonfigurasi');
    el.session = 'sess_late';
    await until(() => log.count('bayar-ready') === 1, 'ready after the session arrives');
  });

  it('says so when no method is available', async () => {
    server.methods = [];
    const { el } = await mountCheckout();
    expect(textOf(el)).to.include('Belum ada metode pembayaran');
    await expect(el).to.be.accessible();
  });

  it('PayLater shows the instalment plans for the order and needs one chosen before paying', async () => {
    const { el } = await mountCheckout({ session: 'sess_abc' });
    await pickMethod(el, 'paylater:indodana');
    await until(() => find(el, '[part="installment"]'), 'plans');
    expect(server.seen('GET', '/api/installments')[0]!.headers.get('Bayar-Session')).to.equal('sess_abc');
    expect(server.seen('GET', '/api/installments')[0]!.url.search).to.equal('');
    expect(textOf(el)).to.include('3 bulan');
    expect(payButton(el).disabled).to.equal(true);
    find<HTMLInputElement>(el, 'input[type="radio"]')!.click();
    await settle();
    expect(payButton(el).disabled).to.equal(false);
    expect(INSTALLMENTS).to.have.length(3);
    await expect(el).to.be.accessible();
  });
});
