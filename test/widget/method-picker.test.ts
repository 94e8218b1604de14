import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { PaymentMethod } from '../../server/api-types.js';
import type { BayarMethodPicker } from '../../widget/index.js';
import { METHODS, findAll, mountElement, radio, radios, settle, teardownPage, textOf } from './helpers.js';

async function picker(methods: PaymentMethod[] = METHODS, locale = 'id') {
  const el = document.createElement('bayar-method-picker') as BayarMethodPicker;
  el.methods = methods;
  el.locale = locale;
  const picked: PaymentMethod[] = [];
  el.addEventListener('change', (e) => picked.push((e as CustomEvent<PaymentMethod>).detail));
  await mountElement(el);
  return { el, picked };
}

const focused = (el: Element) => el.shadowRoot!.activeElement as HTMLElement | null;

describe('<bayar-method-picker>', () => {
  afterEach(teardownPage);

  it('shows the methods as one radio group, grouped by family in a fixed order, with bundled marks', async () => {
    const { el } = await picker([...METHODS].reverse());
    expect(findAll(el, '[role="radiogroup"]')).to.have.length(1);
    const families = findAll(el, '.family').map((f) => f.textContent);
    expect(families).to.deep.equal(['Virtual Account', 'QRIS', 'E-wallet', 'Gerai retail', 'PayLater']);
    expect(radios(el)).to.have.length(METHODS.length);
    expect(textOf(radio(el, 'va:bca'))).to.include('BCA Virtual Account');
    const mark = radio(el, 'ewallet:ovo').querySelector('.mark')!;
    expect(mark.textContent).to.equal('OVO');
    expect(mark.getAttribute('aria-hidden')).to.equal('true');
    // Marks are text badges: nothing is fetched.
    expect(findAll(el, 'img, image, use')).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('has a single tab stop that follows the arrow keys; Space and Enter select', async () => {
    const { el, picked } = await picker();
    const stops = () => radios(el).filter((r) => r.tabIndex === 0);
    expect(stops()).to.have.length(1);
    radios(el)[0]!.focus();

    await sendKeys({ press: 'ArrowDown' });
    expect(focused(el)?.dataset.id).to.equal('va:mandiri');
    expect(picked, 'arrows only move').to.have.length(0);
    await sendKeys({ press: 'ArrowRight' });
    expect(focused(el)?.dataset.id).to.equal('va:bsi');
    await sendKeys({ press: 'ArrowUp' });
    expect(focused(el)?.dataset.id).to.equal('va:mandiri');

    await sendKeys({ press: 'Space' });
    expect(picked.map((m) => m.id)).to.deep.equal(['va:mandiri']);
    expect(radio(el, 'va:mandiri').getAttribute('aria-checked')).to.equal('true');
    expect(radio(el, 'va:bca').getAttribute('aria-checked')).to.equal('false');

    await sendKeys({ press: 'End' });
    expect(focused(el)?.dataset.id).to.equal('paylater:indodana');
    await sendKeys({ press: 'ArrowDown' });
    expect(focused(el)?.dataset.id, 'wraps to the first').to.equal('va:bca');
    await sendKeys({ press: 'ArrowLeft' });
    expect(focused(el)?.dataset.id, 'wraps to the last').to.equal('paylater:indodana');
    await sendKeys({ press: 'Enter' });
    await settle();
    expect(picked.map((m) => m.id)).to.deep.equal(['va:mandiri', 'paylater:indodana']);
    expect(stops().map((r) => r.dataset.id)).to.deep.equal(['paylater:indodana']);

    // Focus is visible: the focus ring applies to the keyboard-focused radio.
    const outline = getComputedStyle(focused(el)!).outlineStyle;
    expect(outline).to.equal('solid');
    await expect(el).to.be.accessible();
  });

  it('Tab leaves the group after one stop', async () => {
    const { el } = await picker();
    const before = document.createElement('button');
    before.textContent = 'before';
    const after = document.createElement('button');
    after.textContent = 'after';
    el.parentElement!.prepend(before);
    el.parentElement!.append(after);
    before.focus();
    await sendKeys({ press: 'Tab' });
    expect(focused(el)?.dataset.id).to.equal('va:bca');
    await sendKeys({ press: 'Tab' });
    expect(document.activeElement).to.equal(after);
  });

  it('selects by click and does not fire again for the selected method', async () => {
    const { el, picked } = await picker();
    radio(el, 'qris:qris').click();
    radio(el, 'qris:qris').click();
    await settle();
    expect(picked.map((m) => m.id)).to.deep.equal(['qris:qris']);
    expect(el.value).to.equal('qris:qris');
  });

  it('speaks English when asked', async () => {
    const { el } = await picker(METHODS, 'en');
    await settle();
    expect(textOf(el)).to.include('Choose a payment method').and.include('Convenience store');
  });

  it("names a method that is its whole family (the card) in the customer's language, not the provider's label", async () => {
    const card: PaymentMethod = { id: 'card:card', family: 'card', channel: 'card', label: 'Credit/debit card', provider: 'midtrans', minAmount: 10_000, maxAmount: 100_000_000, available: true };
    const id = await picker([...METHODS, card]);
    expect(textOf(radio(id.el, 'card:card'))).to.include('Kartu kredit/debit').and.not.include('Credit/debit card');
    // A brand keeps the provider's name in every language.
    expect(textOf(radio(id.el, 'va:bca'))).to.include('BCA Virtual Account');
    teardownPage();
    const en = await picker([...METHODS, card], 'en');
    await settle();
    expect(textOf(radio(en.el, 'card:card'))).to.include('Credit/debit card');
  });
});
