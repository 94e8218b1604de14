/**
 * What frameworks do to the element: change its `session` when the cart changes, and remove it (route change, React
 * unmount). A new session re-quotes and never shows (so never lets the customer pay) the old amount; a removed element
 * keeps no stream and no timer, even when an answer arrives after it left.
 */
import { expect } from '@open-wc/testing';
import {
  FakeEventSource, FakeServer, deferred, find, mountCheckout, payButton, payWith, pickMethod, pressPay, server,
  settle, until, usePage,
} from './helpers.js';

/**
 * A session token: opaque to the page, as the server mints it. The fake server knows the order each names (as the
 * companion does by opening it) and tells the widget with the methods.
 */
let minted = 0;
const orders = new Map<string, { orderId: string; amount: number }>();
const session = (orderId: string, amount: number) => {
  const token = `v2.opaque-${++minted}`;
  orders.set(token, { orderId, amount });
  server.sessions.set(token, { orderId, amount });
  return token;
};

describe('<bayar-checkout>: reactivity and teardown', () => {
  usePage();
  beforeEach(() => {
    server.create = (body) => ({ ...makeFrom(body) });
  });

  /** The fake server prices a session payment from the token's claims, as the real one does from its signed payload. */
  function makeFrom(body: { session?: string; method: string }) {
    const claims = orders.get(body.session!)!;
    return {
      id: `pay_${Math.random().toString(36).slice(2)}`,
      orderId: claims.orderId,
      method: body.method,
      family: 'va' as const,
      provider: 'komerce' as const,
      amount: claims.amount,
      currency: 'IDR' as const,
      status: 'pending' as const,
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      va: { bank: 'bca', number: '8808123456789012' },
    };
  }

  /** Holds the next payment creation in flight; once released, the server makes it (for the token's amount). */
  function holdCreate(): () => void {
    const held = deferred();
    server.on('POST', /^\/api\/payments$/, async (req) => {
      await held.promise;
      const payment = makeFrom(req.body);
      server.payments.set(payment.id, payment);
      return { status: 201, body: { payment, clientSecret: FakeServer.secretOf(payment.id) } };
    });
    return () => held.resolve({});
  }

  it('a new session while a payment is pending: the old one is dropped, methods are quoted again, the next payment is for the new amount', async () => {
    const { el, log } = await mountCheckout({ session: session('CART-1', 150_000) });
    const first = await payWith(el, log, 'va:bca');
    expect(first.amount).to.equal(150_000);
    const stream = FakeEventSource.latest!;

    const quotes = server.seen('GET', '/api/methods').length;
    el.session = session('CART-1', 175_000);
    await until(() => server.seen('GET', '/api/methods').length === quotes + 1, 'methods quoted again');
    expect(server.seen('GET', '/api/methods').at(-1)!.headers.get('Bayar-Session')).to.equal(el.session);
    expect(stream.closed, 'the old payment is no longer followed').to.equal(true);
    expect(el.payment).to.equal(null);
    // Its VA number may have been noted: the old amount is cancelled so it cannot be paid any more.
    expect(server.seen('POST', /\/cancel$/).map((r) => r.path)).to.deep.equal([`/api/payments/${first.id}/cancel`]);
    await until(() => find(el, 'button.pay'), 'method list again');

    const second = await payWith(el, log, 'va:bca');
    expect(second.amount).to.equal(175_000);
    expect(server.seen('POST', '/api/payments').at(-1)!.body.session).to.equal(el.session);
  });

  it('a new session while the old one is being paid: the answer for the old amount is never shown', async () => {
    const { el, log } = await mountCheckout({ session: session('CART-2', 150_000) });
    const release = holdCreate();
    await pickMethod(el, 'va:bca');
    await pressPay(el);
    expect(server.seen('POST', '/api/payments')).to.have.length(1);

    el.session = session('CART-2', 90_000);
    await settle();
    release();
    await settle(6);
    expect(el.payment, 'the 150 000 payment is not on screen').to.equal(null);
    expect(log.count('bayar-payment-pending')).to.equal(0);
    expect(FakeEventSource.instances, 'no stream for the old payment').to.have.length(0);
    const [created] = [...server.payments.values()];
    expect(created!.amount).to.equal(150_000);
    expect(server.seen('POST', /\/cancel$/).map((r) => r.path), 'the late payment for the old amount is cancelled').to.deep.equal([`/api/payments/${created!.id}/cancel`]);
    await until(() => find(el, 'button.pay') && !payButton(el).textContent!.includes('…'), 'method list for the new cart');
  });

  it('removed while its payment is being created: no stream opens when the answer arrives', async () => {
    const { el } = await mountCheckout({ session: session('CART-3', 150_000) });
    const release = holdCreate();
    await pickMethod(el, 'va:bca');
    await pressPay(el);
    el.parentElement!.remove();
    release();
    await settle(6);
    expect(FakeEventSource.instances.filter((s) => !s.closed), 'open streams').to.have.length(0);
  });

  it('removed while pending: its stream closes and no timer is left (countdown, polling)', async () => {
    const { el, log, clock } = await mountCheckout({ session: session('CART-4', 150_000) });
    await payWith(el, log, 'va:bca');
    expect(clock.pendingTimers, 'the countdown runs while shown').to.be.greaterThan(0);
    const stream = FakeEventSource.latest!;
    stream.error(true); // falls back to polling: a timer of its own
    await settle();
    el.parentElement!.remove();
    await settle();
    expect(stream.closed).to.equal(true);
    expect(clock.pendingTimers, 'timers left after removal').to.equal(0);
    const polls = server.seen('GET', /^\/api\/payments\//).length;
    await clock.advance(120_000);
    expect(server.seen('GET', /^\/api\/payments\//).length, 'no poll after removal').to.equal(polls);
  });
});
