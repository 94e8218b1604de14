/**
 * `bayar/widget/define`: registers `<bayar-checkout>` (and the method picker it renders), guarded: a second copy
 * warns instead of throwing, and where there is no `customElements` (a server rendering the page) it does nothing.
 */
import { BayarCheckout, BayarMethodPicker } from './element.js';
import { defineElements } from './internal/define.js';

if (typeof customElements !== 'undefined') {
  defineElements([
    ['bayar-method-picker', BayarMethodPicker],
    ['bayar-checkout', BayarCheckout],
  ]);
}

export * from './element.js';
