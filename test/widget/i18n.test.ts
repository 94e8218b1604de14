import { expect } from '@open-wc/testing';
import { en } from '../../widget/i18n/en.js';
import { id } from '../../widget/i18n/id.js';
import { idViews } from '../../widget/i18n/id-views.js';
import { ensureLocale } from '../../widget/i18n/localize.js';
import type { Translation } from '../../widget/i18n/translation.js';
import { find, mountCheckout, payButton, payWith, pickMethod, textOf, until, usePage } from './helpers.js';

/** Every key of one translation object, nested, with the type of its value. */
function shape(t: object, prefix = ''): string[] {
  return Object.entries(t).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? shape(v, `${prefix}${k}.`) : [`${prefix}${k}:${typeof v}`],
  );
}

describe('localization', () => {
  usePage();

  it('Indonesian and English have the same keys (the Translation interface, checked at runtime too)', () => {
    const check: Translation[] = [{ ...id, ...idViews }, en];
    expect(shape(check[1]!).sort()).to.deep.equal(shape(check[0]!).sort());
  });

  it('the first-load and view halves of Bahasa Indonesia share no key (they are merged shallowly)', () => {
    const core = Object.keys(id);
    expect(Object.keys(idViews).filter((k) => core.includes(k))).to.deep.equal([]);
    expect(core).to.include('status').and.include('errors');
    expect(Object.keys(idViews)).to.include('statusText').and.include('channels');
  });

  it('speaks Bahasa Indonesia by default', async () => {
    const { el } = await mountCheckout();
    expect(textOf(el)).to.include('Pilih metode pembayaran');
    expect(find(el, '[part="base"]')!.getAttribute('lang')).to.equal('id');
  });

  it('starts in English with locale="en"', async () => {
    await ensureLocale('en');
    const { el } = await mountCheckout({ locale: 'en' });
    expect(textOf(el)).to.include('Choose a payment method');
    expect(find(el, '[part="base"]')!.getAttribute('lang')).to.equal('en');
    await expect(el).to.be.accessible();
  });

  it('switches live, including the payment instructions, and back', async () => {
    const { el, log } = await mountCheckout();
    await pickMethod(el, 'va:bca');
    expect(textOf(payButton(el))).to.equal('Bayar');
    await payWith(el, log, 'va:bca');
    expect(textOf(el)).to.include('Cara membayar');
    el.setAttribute('locale', 'en');
    await until(() => textOf(el).includes('How to pay'), 'English');
    expect(textOf(el)).to.include('Insert your BCA ATM card').and.include('Cancel payment');
    await expect(el).to.be.accessible();
    el.setAttribute('locale', 'id');
    await until(() => textOf(el).includes('Cara membayar'), 'Indonesian again');
    expect(log.count('bayar-payment-pending'), 'switching fires nothing').to.equal(1);
  });

  it('falls back to Bahasa Indonesia for an unknown locale', async () => {
    const { el } = await mountCheckout({ locale: 'fr' });
    expect(textOf(el)).to.include('Pilih metode pembayaran');
  });
});
