import { expect } from '@open-wc/testing';
import {
  FakeEventSource, FakeServer, find, makePayment, mountCheckout, payWith, radios, server, textOf, until, usePage,
} from './helpers.js';

/** A reload: the element goes away and a new one is created for the same order (storage survives). */
async function reload(el: Element, attrs: Record<string, string> = {}) {
  el.parentElement!.remove();
  return mountCheckout(attrs);
}

describe('<bayar-checkout>: resuming after a reload', () => {
  usePage();

  it('picks up the pending payment of the same order instead of creating another', async () => {
    const first = await mountCheckout({ session: 'sess_abc' });
    const payment = await payWith(first.el, first.log, 'va:bca');
    const { el, log } = await reload(first.el, { session: 'sess_abc' });
    await until(() => log.count('bayar-payment-pending') === 1, 'resumed');
    expect(server.seen('POST', '/api/payments'), 'no second payment').to.have.length(1);
    expect(server.seen('GET', `/api/payments/${payment.id}`)).to.have.length(1);
    expect(log.of('bayar-payment-pending')[0]!.detail.payment.id).to.equal(payment.id);
    expect(log.count('bayar-ready'), 'straight to the instructions').to.equal(0);
    expect(find(el, '[part="va-number"]')!.textContent).to.equal('8808 1234 5678 9012');
    expect(FakeEventSource.latest!.url).to.include(payment.id);
    await expect(el).to.be.accessible();
  });

  it('a session is keyed by the order the server says it names: the shop mints a new (opaque) token on every page view', async () => {
    server.sessions.set('v2.first-view', { orderId: 'ORDER-9', amount: 150000 });
    server.sessions.set('v2.second-view', { orderId: 'ORDER-9', amount: 150000 });
    server.sessions.set('v2.cart-changed', { orderId: 'ORDER-9', amount: 175000 });
    const first = await mountCheckout({ session: 'v2.first-view' });
    const payment = await payWith(first.el, first.log, 'va:bca');
    const { el, log } = await reload(first.el, { session: 'v2.second-view' });
    await until(() => log.count('bayar-payment-pending') === 1, 'resumed with another token');
    expect(el.payment?.id).to.equal(payment.id);
    expect(server.seen('POST', '/api/payments'), 'no second payment').to.have.length(1);
    expect(log.count('bayar-ready'), 'straight to the instructions').to.equal(0);
    // The token travels in a header, never in a URL.
    for (const r of server.requests) expect(r.url.search, `${r.method} ${r.path}`).to.not.include('v2.');
    expect(server.seen('GET', '/api/methods').every((r) => r.headers.get('Bayar-Session')?.startsWith('v2.'))).to.equal(true);
    // The same order id with another amount (the cart changed) is not that payment's order.
    const changed = await reload(el, { session: 'v2.cart-changed' });
    expect(changed.log.names()).to.deep.equal(['bayar-ready']);
    expect(changed.el.payment).to.equal(null);
  });

  it('unsigned checkout is keyed by the order id', async () => {
    const attrs = { session: '', 'order-id': 'ORDER-77', amount: '150000' };
    const first = await mountCheckout(attrs);
    const payment = await payWith(first.el, first.log, 'qris:qris');
    const again = await reload(first.el, attrs);
    await until(() => again.log.count('bayar-payment-pending') === 1, 'resumed');
    expect(again.el.payment?.id).to.equal(payment.id);
    // Another order on the same server starts fresh.
    const other = await mountCheckout({ session: '', 'order-id': 'ORDER-78', amount: '150000' });
    expect(other.log.names()).to.deep.equal(['bayar-ready']);
  });

  it('catalog checkout is keyed by the items, and a different server is a different store', async () => {
    const first = await mountCheckout({ session: '', items: 'SKU-1:1' });
    await payWith(first.el, first.log, 'va:bca');
    const other = await mountCheckout({ session: '', items: 'SKU-1:1', server: 'https://other.test' });
    expect(other.log.names()).to.deep.equal(['bayar-ready']);
    const again = await reload(first.el, { session: '', items: 'SKU-1:1' });
    await until(() => again.log.count('bayar-payment-pending') === 1, 'resumed');
  });

  it('a payment that ended meanwhile is forgotten and the methods are shown', async () => {
    const first = await mountCheckout();
    const payment = await payWith(first.el, first.log, 'va:bca');
    server.update(payment.id, { status: 'expired' });
    const { el, log } = await reload(first.el);
    expect(log.names()).to.deep.equal(['bayar-ready']);
    expect(radios(el).length).to.be.greaterThan(0);
    const third = await reload(el);
    expect(server.seen('GET', `/api/payments/${payment.id}`), 'not asked again').to.have.length(1);
    expect(third.log.names()).to.deep.equal(['bayar-ready']);
  });

  it('a paid order shows "paid" after a reload', async () => {
    const first = await mountCheckout();
    const payment = await payWith(first.el, first.log, 'va:bca');
    server.update(payment.id, { status: 'paid' });
    FakeEventSource.latest!.status({ ...payment, status: 'paid' });
    await until(() => first.log.count('bayar-payment-paid') === 1, 'paid');
    const { el, log } = await reload(first.el);
    await until(() => log.count('bayar-payment-paid') === 1, 'paid shown');
    expect(textOf(el)).to.include('Pembayaran berhasil');
    expect(server.seen('POST', '/api/payments')).to.have.length(1);
  });

  it('an unknown stored id (404) is forgotten', async () => {
    const key = 'bayar:payment:https://pay.test|order:ORDER-for-sess_demo';
    localStorage.setItem(key, `pay_gone ${FakeServer.secretOf('pay_gone')}`);
    const { log } = await mountCheckout();
    expect(log.names()).to.deep.equal(['bayar-ready']);
    expect(localStorage.getItem(key)).to.equal(null);
    expect(makePayment('va:bca').status).to.equal('pending');
  });
});
