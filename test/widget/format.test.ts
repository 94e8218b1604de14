/**
 * The IDR formatter (widget/internal/format.ts) is written out instead of asking Intl (the first Intl formatter of a
 * page costs tens of ms of main thread before the method list can show): its output must stay exactly Intl's.
 */
import { expect } from '@open-wc/testing';
import { formatIdr } from '../../widget/internal/format.js';

describe('formatIdr', () => {
  it('writes exactly what Intl.NumberFormat writes for id-ID rupiah without decimals', () => {
    const intl = new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 });
    const amounts = [0, 1, 9, 10, 99, 100, 999, 1_000, 1_500, 9_999, 10_000, 99_999, 100_000, 150_000, 999_999, 1_000_000,
      1_250_000, 10_000_000, 123_456_789, 2_147_483_647, 9_007_199_254_740_991, -1, -1_000, -150_000, 0.4, 0.5, 1.5, 2.5, 999.5, 1_499.49, -2.5];
    for (let n = 1; n < 1e15; n = n * 7 + 3) amounts.push(n);
    for (const a of amounts) expect(formatIdr(a), String(a)).to.equal(intl.format(a));
  });

  it('puts a no-break space after "Rp" and dots between thousands', () => {
    expect(formatIdr(1_250_000)).to.equal('Rp\u00a01.250.000');
  });
});
