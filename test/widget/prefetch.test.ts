import { expect } from '@open-wc/testing';
import { orderQuery, prefetchMethods } from '../../widget/internal/methods-request.js';
import { FakeServer, METHODS, SERVER, deferred, mountCheckout, radios, settle, setupPage, teardownPage, until } from './helpers.js';

let server: FakeServer;

/**
 * The loader (dist/bayar.js) starts GET /api/methods while bayar.mjs loads (prefetchMethods); the element takes that
 * response instead of asking again, but only for exactly its own request, and only once.
 */
describe('<bayar-checkout>: the method list the loader started', () => {
  beforeEach(() => {
    server = setupPage();
  });
  afterEach(teardownPage);

  it('is taken by the element instead of a second request, session in the header only', async () => {
    prefetchMethods(SERVER, { session: 'sess_pre' });
    expect(server.seen('GET', '/api/methods'), 'started before the element exists').to.have.length(1);
    const { el } = await mountCheckout({ session: 'sess_pre' });
    expect(radios(el)).to.have.length(METHODS.length);
    const [req] = server.seen('GET', '/api/methods');
    expect(server.seen('GET', '/api/methods')).to.have.length(1);
    expect(req!.headers.get('bayar-session')).to.equal('sess_pre');
    expect(req!.url.search).to.equal('');
  });

  it('is used once: a second element for the same order asks for itself', async () => {
    prefetchMethods(SERVER, { session: 'sess_once' });
    await mountCheckout({ session: 'sess_once' });
    await mountCheckout({ session: 'sess_once' });
    expect(server.seen('GET', '/api/methods')).to.have.length(2);
  });

  it('is not used for another session, nor for another server', async () => {
    // The answer started for the other order lists a single method: seeing it would mean it was handed over.
    server.on('GET', /^\/api\/methods$/, (req) => ({ body: { methods: req.headers.get('bayar-session') === 'sess_theirs' ? METHODS.slice(0, 1) : METHODS } }));
    prefetchMethods(SERVER, { session: 'sess_theirs' });
    prefetchMethods('https://other.test', { session: 'sess_mine' });
    const { el } = await mountCheckout({ session: 'sess_mine' });
    expect(radios(el)).to.have.length(METHODS.length);
    const mine = server.seen('GET', '/api/methods').filter((r) => r.url.origin === SERVER && r.headers.get('bayar-session') === 'sess_mine');
    expect(mine, 'the element asked for its own list').to.have.length(1);
  });

  it('an unsigned order: the same query string, so the answer is taken', async () => {
    const order = orderQuery({ session: '', items: '', orderId: 'ORDER-7', amount: 150000 })!;
    prefetchMethods(SERVER, order);
    const { el } = await mountCheckout({ session: '', 'order-id': 'ORDER-7', amount: '150000' });
    expect(radios(el)).to.have.length(METHODS.length);
    const seen = server.seen('GET', '/api/methods');
    expect(seen).to.have.length(1);
    expect(seen[0]!.url.searchParams.get('amount')).to.equal('150000');
  });

  it('still in flight when the element asks: the element waits for that same answer', async () => {
    const held = deferred();
    server.on('GET', /^\/api\/methods$/, () => held.promise);
    prefetchMethods(SERVER, { session: 'sess_slow' });
    const mounted = mountCheckout({ session: 'sess_slow' });
    held.resolve({ body: { methods: METHODS } });
    const { el } = await mounted;
    expect(radios(el)).to.have.length(METHODS.length);
    expect(server.seen('GET', '/api/methods')).to.have.length(1);
  });

  it('already answered when the element starts: the method list is on screen before any task runs, the loading view never rendered', async () => {
    prefetchMethods(SERVER, { session: 'sess_ready' });
    // The loader reads the answer itself while bayar.mjs loads; here the page simply waits for that.
    await settle(6);
    const el = document.createElement('bayar-checkout');
    el.setAttribute('server', SERVER);
    el.setAttribute('session', 'sess_ready');
    let ready = false;
    el.addEventListener('bayar-ready', () => (ready = true));
    document.body.append(el);
    // Everything the element renders, as it renders it (a snapshot of each addition when it is observed).
    const added: string[] = [];
    const note = (records: MutationRecord[]) => {
      for (const r of records) for (const n of r.addedNodes) if (n instanceof Element) added.push(n.outerHTML);
    };
    const mo = new MutationObserver(note);
    mo.observe(el.shadowRoot!, { childList: true, subtree: true });
    try {
      // Microtasks only (no timer, no task, so no frame can come in between): the element must be done by then.
      for (let i = 0; i < 50 && !ready; i++) await Promise.resolve();
      expect(ready, 'bayar-ready fired before any task ran').to.equal(true);
      expect(radios(el)).to.have.length(METHODS.length);
      expect(el.shadowRoot!.querySelector('.loading'), 'no loading view on screen').to.equal(null);
      note(mo.takeRecords());
      expect(added.join(''), 'the loading view was never rendered').not.to.include('loading');
      expect(server.seen('GET', '/api/methods')).to.have.length(1);
    } finally {
      mo.disconnect();
      el.remove();
    }
  });

  it('still loading two frames after the element started: the loading view shows, then the list replaces it', async () => {
    const held = deferred();
    server.on('GET', /^\/api\/methods$/, () => held.promise);
    const { el } = await mountCheckout({ session: 'sess_wait' }, { waitReady: false });
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    await frame();
    await frame();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.card[aria-busy="true"] .loading'), 'the loading view, once the wait is noticeable').not.to.equal(null);
    held.resolve({ body: { methods: METHODS } });
    await until(() => radios(el).length === METHODS.length, 'the list after the answer');
    expect(el.shadowRoot!.querySelector('.loading')).to.equal(null);
  });

  it('names no order without a session, items, or an order id with a positive whole amount (as the element reads it)', () => {
    const none = { session: '', items: '', orderId: '' };
    expect(orderQuery(none)).to.equal(null);
    expect(orderQuery({ ...none, orderId: 'A', amount: Number('') })).to.equal(null);
    expect(orderQuery({ ...none, orderId: 'A', amount: 1.5 })).to.equal(null);
    expect(orderQuery({ ...none, orderId: '', amount: 100 })).to.equal(null);
    expect(orderQuery({ ...none, orderId: 'A', amount: 100 })).to.deep.equal({ amount: 100 });
    expect(orderQuery({ ...none, items: 'sku-1:2', orderId: 'A', amount: 100 })).to.deep.equal({ items: 'sku-1:2' });
    expect(orderQuery({ ...none, session: 's', items: 'sku-1:2' })).to.deep.equal({ session: 's' });
  });
});
