/**
 * Copy that reads as Indonesian (and English that counts): the live countdown never over-states the time left,
 * English plurals agree, store steps say whom to ask for and that an admin fee may apply, error codes reach the
 * customer in their language.
 */
import { expect } from '@open-wc/testing';
import { en } from '../../widget/i18n/en.js';
import { idViews } from '../../widget/i18n/id-views.js';
import { paySteps } from '../../server/domain/pay-steps.js';
import type { BayarHandoffView } from '../../widget/index.js';
import { FakeClock, find, findAll, makePayment, mountElement, rp, teardownPage, textOf } from './helpers.js';

describe('copy', () => {
  afterEach(teardownPage);

  it('the spoken countdown is an upper bound: "kurang dari 15 menit", never "15 menit" with 11 left', () => {
    expect(idViews.remaining(15)).to.equal('Sisa waktu kurang dari 15 menit');
    expect(idViews.remaining(120)).to.equal('Sisa waktu kurang dari 2 jam');
    expect(en.remaining(15)).to.equal('Less than 15 minutes left');
  });

  it('English plurals agree: 1 minute, 1 hour, 1 month', () => {
    expect(en.remaining(1)).to.equal('Less than 1 minute left');
    expect(en.remaining(60)).to.equal('Less than 1 hour left');
    expect(en.remaining(180)).to.equal('Less than 3 hours left');
    expect(en.tenure(1, 'months')).to.equal('1 month');
    expect(en.tenure(6, 'months')).to.equal('6 months');
  });

  it('no English or calques in the Indonesian texts named in the review', () => {
    const app = paySteps(makePayment('ewallet:ovo', { redirectUrl: undefined }))!.id[0]!;
    const all = JSON.stringify(idViews) + [...app, idViews.statusText.expired, idViews.billerCode].join(' ');
    expect(all).not.to.include('(biller)').and.not.include('Periksa jumlahnya').and.not.include('kedaluwarsa sebelum dibayar');
    expect(app[3]).to.equal('Pastikan jumlahnya {amount}, lalu konfirmasi dengan PIN {name} Anda.');
  });

  it('Alfamart steps: Alfamidi and Dan+Dan too, whom to ask for (the provider), confirm the amount, an admin fee may apply', async () => {
    const el = document.createElement('bayar-handoff-view') as BayarHandoffView;
    el.payment = makePayment('cstore:alfamart', { provider: 'midtrans' });
    el.clock = new FakeClock();
    await mountElement(el);
    const steps = findAll(el, '[part="instructions"] li').map(textOf);
    expect(steps[0]).to.equal('Datang ke gerai Alfamart, Alfamidi, atau Dan+Dan terdekat.');
    expect(steps[1]).to.equal('Sampaikan ke kasir bahwa Anda ingin membayar tagihan Midtrans.');
    expect(steps[3]).to.include(`Pastikan jumlah yang disebut kasir ${rp(150000)}`).and.include('Mungkin dikenakan biaya admin');
    expect(textOf(el)).not.to.include('biaya layanan gerai');
    await expect(el).to.be.accessible();
  });

  it('Indomaret through Doku: ask to pay a DOKU bill', async () => {
    const el = document.createElement('bayar-handoff-view') as BayarHandoffView;
    el.payment = makePayment('cstore:indomaret', { provider: 'doku' });
    el.clock = new FakeClock();
    await mountElement(el);
    expect(textOf(find(el, '[part="instructions"]')!)).to.include('Datang ke gerai Indomaret terdekat').and.include('tagihan DOKU');
  });
});
