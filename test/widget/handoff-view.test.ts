import { expect } from '@open-wc/testing';
import { find, findAll, makePayment, mountHandoff, rp, teardownPage, textOf } from './helpers.js';


describe('<bayar-handoff-view>', () => {
  afterEach(teardownPage);

  for (const url of ['javascript:alert(1)', 'data:text/html,<b>x</b>', '//wallet.test/x', 'ftp://wallet.test/x']) {
    it(`refuses a redirect URL that is not http(s): ${url}`, async () => {
      const el = await mountHandoff(makePayment('paylater:indodana', { redirectUrl: url }));
      expect(findAll(el, 'a')).to.have.length(0);
      expect(find(el, '[role="alert"]')!.textContent).to.include('tidak valid');
      await expect(el).to.be.accessible();
    });
  }

  it('convenience store: the payment code with Indomaret steps', async () => {
    const el = await mountHandoff(makePayment('cstore:indomaret'));
    expect(find(el, '[part="payment-code"]')!.textContent).to.equal('BYR1 2345 6789 0');
    expect(find(el, '[part="copy-button"]')).to.exist;
    const steps = textOf(find(el, '[part="instructions"]')!);
    expect(steps).to.include('Datang ke gerai Indomaret terdekat').and.include('BYR1 2345 6789 0').and.include(rp(150000));
    await expect(el).to.be.accessible();
  });

  it('convenience store: Alfamart, in English', async () => {
    const el = await mountHandoff(makePayment('cstore:alfamart'), 'en');
    expect(textOf(el)).to.include('Pay at Alfamart').and.include('Go to the nearest Alfamart, Alfamidi or Dan+Dan store');
    await expect(el).to.be.accessible();
  });

  it('PayLater: explains the approval page and links to it', async () => {
    const el = await mountHandoff(makePayment('paylater:indodana'));
    expect(textOf(el)).to.include('Selesaikan persetujuan PayLater');
    expect(find<HTMLAnchorElement>(el, 'a.button')!.href).to.equal('https://lender.test/approve/xyz');
    await expect(el).to.be.accessible();
  });
});
