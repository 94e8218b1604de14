import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { BayarInstallmentOptions } from '../../widget/index.js';
import { INSTALLMENTS, findAll, mountElement, rp, settle, teardownPage, textOf } from './helpers.js';

async function options(list = INSTALLMENTS as typeof INSTALLMENTS | null, locale = 'id') {
  const el = document.createElement('bayar-installment-options') as BayarInstallmentOptions;
  el.options = list;
  el.locale = locale;
  const chosen: string[] = [];
  el.addEventListener('change', (e) => chosen.push((e as CustomEvent<string>).detail));
  await mountElement(el);
  return { el, chosen };
}

describe('<bayar-installment-options>', () => {
  afterEach(teardownPage);

  it('lists tenure, monthly instalment, total and interest for each plan', async () => {
    const { el } = await options();
    const rows = findAll(el, '[part="installment"]').map(textOf);
    expect(rows).to.have.length(3);
    // Paid once after 30 days: one amount, not a monthly one.
    expect(rows[0]).to.include('Bayar dalam 30 hari').and.include(rp(150000)).and.not.include(`${rp(150000)}/bulan`);
    expect(rows[1]).to.include('3 bulan').and.include(`${rp(53900)}/bulan`).and.include(`Total ${rp(161700)}`);
    expect(rows[1]).to.include(`bunga ${rp(11700)}`).and.include('2,6%/bulan');
    await expect(el).to.be.accessible();
  });

  it('is chosen with a click or the keyboard', async () => {
    const { el, chosen } = await options();
    findAll<HTMLInputElement>(el, 'input')[1]!.click();
    await settle();
    expect(chosen).to.deep.equal(['opt-3m']);
    findAll<HTMLInputElement>(el, 'input')[1]!.focus();
    await sendKeys({ press: 'ArrowDown' });
    await settle();
    expect(chosen).to.deep.equal(['opt-3m', 'opt-6m']);
    expect(el.value).to.equal('opt-6m');
  });

  it('says when plans are loading or there are none', async () => {
    const { el } = await options(null);
    expect(textOf(el)).to.include('Memuat pilihan cicilan');
    await expect(el).to.be.accessible();
    el.options = [];
    await settle();
    expect(textOf(el)).to.include('Tidak ada pilihan cicilan');
  });

  it('speaks English', async () => {
    const { el } = await options(INSTALLMENTS, 'en');
    expect(textOf(el)).to.include('Choose an instalment plan').and.include('3 months').and.include('Pay in 30 days');
  });
});
