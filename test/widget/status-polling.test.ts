import { expect } from '@open-wc/testing';
import { BayarApi } from '../../widget/internal/api.js';
import { POLL_MS } from '../../widget/controllers/payment-status.js';
import {
  FakeClock, FakeEventSource, type Reply, deferred, mountCheckout, payWith, server, settle, textOf, until, usePage,
} from './helpers.js';

/** Holds every GET /api/payments/:id until the test releases it, counting how many are in flight at once. */
function holdStatusRequests() {
  const held: Array<(reply: Reply) => void> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  server.on('GET', /^\/api\/payments\/([^/]+)$/, async (_req, m) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const d = deferred();
    held.push(d.resolve);
    const reply = await d.promise;
    inFlight--;
    return reply.body ? reply : { body: { payment: server.payments.get(decodeURIComponent(m[1]!)) } };
  });
  return {
    held,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    async release(reply: Reply = {}) {
      held.shift()!(reply);
      await settle(4);
    },
  };
}

describe('<bayar-checkout>: following the payment status', () => {
  usePage();

  it('falls back to polling when the stream fails, one request at a time, the next only after the last answered', async () => {
    const clock = new FakeClock();
    const { el, log } = await mountCheckout({}, { clock });
    const payment = await payWith(el, log, 'va:bca');
    const polls = holdStatusRequests();
    FakeEventSource.latest!.error(true); // the browser gave up on the stream (CLOSED)
    await settle();
    expect(FakeEventSource.latest!.closed).to.equal(true);
    expect(polls.inFlight, 'polls at once').to.equal(1);

    // A slow server: no second request starts while the first is out (until the read timeout gives up on it).
    await clock.advance(BayarApi.timeouts.read - 1);
    expect(polls.inFlight).to.equal(1);
    expect(server.seen('GET', `/api/payments/${payment.id}`)).to.have.length(1);

    await polls.release();
    expect(polls.inFlight).to.equal(0);
    await clock.advance(POLL_MS - 1);
    expect(server.seen('GET', `/api/payments/${payment.id}`), 'waits a full interval after the answer').to.have.length(1);
    await clock.advance(1);
    expect(server.seen('GET', `/api/payments/${payment.id}`)).to.have.length(2);
    server.update(payment.id, { status: 'paid' });
    await polls.release();
    await until(() => log.count('bayar-payment-paid') === 1, 'paid');
    expect(polls.maxInFlight).to.equal(1);

    // Final: polling stops.
    await clock.advance(20 * POLL_MS);
    expect(server.seen('GET', `/api/payments/${payment.id}`)).to.have.length(2);
    expect(textOf(el)).to.include('Pembayaran berhasil');
  });

  it('gives up on a stream that keeps failing to reconnect', async () => {
    const clock = new FakeClock();
    const { el, log } = await mountCheckout({}, { clock });
    const payment = await payWith(el, log, 'va:bca');
    const stream = FakeEventSource.latest!;
    stream.error(false);
    stream.error(false);
    await settle();
    expect(server.seen('GET', `/api/payments/${payment.id}`), 'the browser is still retrying').to.have.length(0);
    stream.error(false);
    await settle();
    expect(stream.closed).to.equal(true);
    expect(server.seen('GET', `/api/payments/${payment.id}`)).to.have.length(1);
  });

  it('backs off after failed polls and recovers', async () => {
    const clock = new FakeClock();
    const { el, log } = await mountCheckout({}, { clock });
    const payment = await payWith(el, log, 'va:bca');
    let failing = true;
    server.on('GET', /^\/api\/payments\/[^/]+$/, () =>
      failing ? Promise.reject(new TypeError('offline')) : { body: { payment: { ...payment, status: 'paid' } } },
    );
    FakeEventSource.latest!.error(true);
    await settle();
    const count = () => server.seen('GET', `/api/payments/${payment.id}`).length;
    expect(count()).to.equal(1);
    await clock.advance(2 * POLL_MS); // first retry after 2 × POLL_MS
    expect(count()).to.equal(2);
    await clock.advance(2 * POLL_MS); // then 4 × POLL_MS
    expect(count()).to.equal(2);
    failing = false;
    await clock.advance(2 * POLL_MS);
    expect(count()).to.equal(3);
    await until(() => log.count('bayar-payment-paid') === 1, 'paid');
    expect(log.count('bayar-error'), 'poll failures are retried quietly').to.equal(0);
  });

  it('polls straight away when there is no EventSource', async () => {
    BayarApi.EventSource = null;
    const clock = new FakeClock();
    const { el, log } = await mountCheckout({}, { clock });
    const payment = await payWith(el, log, 'va:bca');
    expect(FakeEventSource.instances).to.have.length(0);
    expect(server.seen('GET', `/api/payments/${payment.id}`)).to.have.length(1);
    server.update(payment.id, { status: 'paid' });
    await clock.advance(POLL_MS);
    await until(() => log.count('bayar-payment-paid') === 1, 'paid');
  });

  it('stops streaming when the element leaves the page and resumes when it comes back', async () => {
    const { el, log } = await mountCheckout();
    await payWith(el, log, 'va:bca');
    const first = FakeEventSource.latest!;
    const parent = el.parentElement!;
    el.remove();
    expect(first.closed).to.equal(true);
    parent.appendChild(el);
    await settle();
    expect(FakeEventSource.instances).to.have.length(2);
    expect(FakeEventSource.latest!.closed).to.equal(false);
  });
});
