import { expect } from '@open-wc/testing';
import { BayarCheckout, BayarMethodPicker } from '../../widget/index.js';
import { defineElements } from '../../widget/internal/define.js';
import '../../widget/views.js';

describe('registration', () => {
  it('registers every element', async () => {
    for (const name of [
      'bayar-checkout',
      'bayar-method-picker',
      'bayar-va-view',
      'bayar-qris-view',
      'bayar-handoff-view',
      'bayar-installment-options',
      'bayar-status-view',
    ])
      expect(customElements.get(name), name).to.exist;
    expect(customElements.get('bayar-checkout')).to.equal(BayarCheckout);
  });

  it('a second copy of the script warns once instead of throwing', () => {
    const warnings: unknown[][] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      // What a second bundle does: the same names with its own classes.
      class SecondCheckout extends HTMLElement {}
      class SecondPicker extends HTMLElement {}
      expect(() =>
        defineElements([
          ['bayar-method-picker', SecondPicker],
          ['bayar-checkout', SecondCheckout],
        ]),
      ).not.to.throw();
    } finally {
      console.warn = original;
    }
    expect(warnings).to.have.length(1);
    expect(String(warnings[0]![0])).to.include('<bayar-method-picker>, <bayar-checkout>').and.include('loaded twice');
    expect(customElements.get('bayar-checkout'), 'the first copy stays').to.equal(BayarCheckout);
  });

  it('the same module registering again is silent', () => {
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      defineElements([
        ['bayar-checkout', BayarCheckout],
        ['bayar-method-picker', BayarMethodPicker],
      ]);
    } finally {
      console.warn = original;
    }
    expect(warnings).to.have.length(0);
  });
});
