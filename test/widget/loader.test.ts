/**
 * The checkout's loads (widget/controllers/loader.ts): only the newest lands. A load superseded by newer inputs or
 * another pick is aborted (its request stops) and its late answer or error never shows; a load cut short by the
 * element leaving the page is aborted and runs again when the element comes back.
 */
import { expect } from '@open-wc/testing';
import {
  METHODS, deferred, find, mountCheckout, pickMethod, radios, server, settle, until, usePage,
} from './helpers.js';

describe('<bayar-checkout>: only the newest load lands', () => {
  usePage();

  /** Holds GET /api/methods for `session` until released; every other session is answered at once. */
  function holdMethods(session: string, methods = METHODS.slice(0, 1)): () => void {
    const held = deferred();
    server.on('GET', /^\/api\/methods$/, async (req) => {
      if (req.headers.get('bayar-session') !== session) return { body: { methods: server.methods } };
      await held.promise;
      return { body: { methods } };
    });
    return () => held.resolve({});
  }

  it('a new session while the methods load: the old request is aborted and its late answer never shows', async () => {
    const release = holdMethods('sess_old');
    const { el, log } = await mountCheckout({ session: 'sess_old' }, { waitReady: false });
    const [old] = server.seen('GET', '/api/methods');
    expect(old!.signal?.aborted, 'in flight').to.equal(false);

    el.session = 'sess_new';
    await until(() => log.count('bayar-ready') === 1, 'methods of the new session');
    expect(old!.signal?.aborted, 'the superseded request was aborted').to.equal(true);
    release();
    await settle(6);
    expect(radios(el), 'the new session\'s methods stay').to.have.length(METHODS.length);
    expect(log.names()).to.deep.equal(['bayar-ready']);
    expect(find(el, '[role="alert"]'), 'the aborted request shows no error').to.equal(null);
  });

  it('removed while the methods load: the request is aborted and nothing fires; put back, the methods load again', async () => {
    const release = holdMethods('sess_demo', METHODS);
    const { el, log } = await mountCheckout({}, { waitReady: false });
    const host = el.parentElement!;
    const [first] = server.seen('GET', '/api/methods');
    host.remove();
    await settle();
    expect(first!.signal?.aborted, 'aborted when the element left').to.equal(true);
    release();
    await settle(6);
    expect(log.events, 'no event (no error) from the aborted load').to.have.length(0);

    document.body.appendChild(host);
    await until(() => log.count('bayar-ready') === 1, 'methods after coming back');
    expect(server.seen('GET', '/api/methods'), 'loaded again').to.have.length(2);
    expect(radios(el)).to.have.length(METHODS.length);
    expect(log.names()).to.deep.equal(['bayar-ready']);
    host.remove();
  });

  it('another method picked while the PayLater plans load: their request is aborted and the late plans never show', async () => {
    const held = deferred();
    server.on('GET', /^\/api\/installments$/, async () => {
      await held.promise;
      return { body: { options: server.installments } };
    });
    const { el, log } = await mountCheckout();
    await pickMethod(el, 'paylater:indodana');
    const [plans] = server.seen('GET', '/api/installments');
    expect(plans!.signal?.aborted, 'in flight').to.equal(false);
    await pickMethod(el, 'va:bca');
    expect(plans!.signal?.aborted, 'aborted by the new pick').to.equal(true);
    held.resolve({});
    await settle(6);
    expect(find(el, 'bayar-installment-options'), 'no plans under the VA').to.equal(null);
    expect(find(el, '[role="alert"]')).to.equal(null);
    expect(log.count('bayar-error')).to.equal(0);
  });
});
