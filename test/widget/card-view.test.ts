import { expect } from '@open-wc/testing';
import type { Payment } from '../../server/api-types.js';
import type { BayarStatusView } from '../../widget/index.js';
import { clickButton, find, findAll, makePayment, mountElement, mountHandoff, rp, teardownPage, textOf } from './helpers.js';

const card = (over: Partial<Payment> = {}) =>
  makePayment('card:card', { provider: 'midtrans', redirectUrl: 'https://snap.test/snap/v4/redirection/tok-1', ...over });


async function status(payment: Payment, locale = 'id') {
  const el = document.createElement('bayar-status-view') as BayarStatusView;
  el.payment = payment;
  el.locale = locale;
  const retries: Event[] = [];
  el.addEventListener('retry', (e) => retries.push(e));
  await mountElement(el);
  return { el, retries };
}

describe('card payments in the widget', () => {
  afterEach(teardownPage);

  it('pending: a link to the provider\'s card page (new tab), the amount, no card field, and the countdown', async () => {
    const el = await mountHandoff(card());
    const link = find(el, 'a.button') as HTMLAnchorElement;
    expect(link.href).to.equal('https://snap.test/snap/v4/redirection/tok-1');
    expect(link.target).to.equal('_blank');
    expect(link.rel).to.include('noopener');
    expect(link.textContent).to.include('Buka halaman kartu Midtrans');
    expect(textOf(el)).to.include('Bayar dengan kartu kredit/debit').and.include(rp(150000)).and.include('3-D Secure').and.include('tidak pernah');
    expect(findAll(el, 'input')).to.have.length(0);
    expect(find(el, '[part="countdown"]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('pending, in English', async () => {
    const el = await mountHandoff(card(), 'en');
    expect(textOf(el)).to.include('Pay by credit or debit card').and.include("Open Midtrans's card page");
  });

  it('a card page address that is not http(s) is refused', async () => {
    const el = await mountHandoff(card({ redirectUrl: 'javascript:alert(1)' }));
    expect(findAll(el, 'a')).to.have.length(0);
    expect(find(el, '[role="alert"]')!.textContent).to.include('tidak valid');
  });

  const reasons: Array<[NonNullable<Payment['failureReason']>, string, string]> = [
    ['card_declined', 'Bank penerbit menolak kartu ini', 'Your bank declined this card'],
    ['fraud_suspected', 'sistem keamanan penyedia', "security checks declined"],
    ['authentication_failed', 'Verifikasi 3-D Secure (OTP) tidak berhasil', 'The 3-D Secure check'],
    ['declined', 'Penyedia menolak pembayaran ini', 'The provider declined this payment'],
  ];
  for (const [reason, id, en] of reasons) {
    it(`failed (${reason}): the reason, and "Ganti metode" back to the list`, async () => {
      const { el, retries } = await status(card({ status: 'failed', failureReason: reason, redirectUrl: undefined }));
      expect(find(el, '.reason')!.dataset.reason).to.equal(reason);
      expect(textOf(el)).to.include('Pembayaran gagal').and.include(id);
      expect(findAll(el, 'button').map((b) => b.textContent!.trim())).to.deep.equal(['Ganti metode']);
      await clickButton(el, 'Ganti metode');
      expect(retries).to.have.length(1);
      await expect(el).to.be.accessible();
      const english = await status(card({ status: 'failed', failureReason: reason }), 'en');
      expect(textOf(english.el)).to.include(en).and.include('Change method');
    });
  }

  it('failed without a reason: "Coba lagi" as before', async () => {
    const { el } = await status(card({ status: 'failed' }));
    expect(find(el, '.reason')).to.not.exist;
    expect(findAll(el, 'button').map((b) => b.textContent!.trim())).to.deep.equal(['Coba lagi']);
  });
});
