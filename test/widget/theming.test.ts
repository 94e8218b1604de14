import { expect } from '@open-wc/testing';
import { find, mountCheckout, payButton, payWith, pickMethod, radio, usePage } from './helpers.js';

describe('theming', () => {
  let style: HTMLStyleElement;
  usePage();
  beforeEach(() => {
    style = document.createElement('style');
    style.textContent = `
      :root { --bayar-color-primary: rgb(0, 128, 0); --bayar-radius: 3px; }
      bayar-checkout::part(method) { border-color: rgb(255, 0, 0); }
      bayar-checkout::part(va-number) { color: rgb(0, 0, 255); }
      bayar-checkout::part(countdown) { outline: 1px solid rgb(1, 2, 3); }
    `;
    document.head.appendChild(style);
  });
  afterEach(() => style.remove());

  it('takes --bayar-* tokens from anywhere above and styles the parts named in the contract', async () => {
    const { el, log } = await mountCheckout();
    await pickMethod(el, 'va:bca');
    const pay = getComputedStyle(payButton(el));
    expect(pay.backgroundColor).to.equal('rgb(0, 128, 0)');
    expect(getComputedStyle(find(el, '[part="base"]')!).borderRadius).to.equal('3px');
    expect(getComputedStyle(radio(el, 'qris:qris')).borderTopColor).to.equal('rgb(255, 0, 0)');
    await payWith(el, log, 'va:bca');
    expect(getComputedStyle(find(el, '[part="va-number"]')!).color).to.equal('rgb(0, 0, 255)');
    expect(getComputedStyle(find(el, '[part="countdown"]')!).outlineColor).to.equal('rgb(1, 2, 3)');
  });

  it('has sensible defaults without any token set', async () => {
    style.textContent = '';
    const { el } = await mountCheckout();
    await pickMethod(el, 'va:bca');
    expect(getComputedStyle(payButton(el)).backgroundColor).to.equal('rgb(29, 78, 216)');
  });
});
