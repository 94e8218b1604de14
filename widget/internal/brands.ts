import { html, type TemplateResult } from 'lit';
import type { BankGuide } from '../i18n/translation.js';

/**
 * Bank, wallet, store and lender marks: text badges coloured by styles/marks.ts. They ship inside the bundle and
 * nothing is ever fetched (no logo URLs from a provider). Unknown channels get a neutral badge with their name.
 */
const MARKS: Record<string, string> = {
  bca: 'BCA', bni: 'BNI', bri: 'BRI', mandiri: 'mandiri', permata: 'Permata', cimb: 'CIMB', bsi: 'BSI',
  danamon: 'Danamon', bjb: 'bjb', btn: 'BTN', maybank: 'Maybank', qris: 'QRIS', ovo: 'OVO', dana: 'DANA',
  gopay: 'gopay', shopeepay: 'ShopeePay', linkaja: 'LinkAja', indomaret: 'Indomaret', alfamart: 'Alfamart',
  indodana: 'Indodana', kredivo: 'Kredivo', akulaku: 'Akulaku',
};

const brandKey = (channel: string): string => channel.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Decorative: the accessible name always comes from the text beside it. */
export const mark = (channel: string): TemplateResult => {
  const key = brandKey(channel);
  return html`<span class="mark" data-brand=${key} aria-hidden="true">${MARKS[key] ?? channel.slice(0, 8).toUpperCase()}</span>`;
};

/** Human name of a channel, e.g. `mandiri` → `Mandiri`, `shopeepay` → `ShopeePay`. */
export const channelName = (channel: string): string => {
  const name = MARKS[brandKey(channel)] ?? channel;
  return name.length <= 4 ? name.toUpperCase() : name[0]!.toUpperCase() + name.slice(1);
};

/**
 * Where each bank puts VA payments, as its ATM and apps show them (menu labels are the banks' own, so both locales
 * use them verbatim). Banks not listed get a generic guide.
 */
const GUIDES: Record<string, BankGuide> = {
  bca: {
    atm: 'Transaksi Lainnya › Transfer › ke Rek BCA Virtual Account',
    mobile: ['BCA mobile', 'm-BCA › m-Transfer › BCA Virtual Account'],
    internet: ['KlikBCA', 'Transfer Dana › Transfer ke BCA Virtual Account'],
  },
  bni: {
    atm: 'Menu Lainnya › Transfer › Virtual Account Billing',
    mobile: ['BNI Mobile Banking', 'Transfer › Virtual Account Billing'],
    internet: ['BNI Internet Banking', 'Transfer › Virtual Account Billing'],
  },
  bri: {
    atm: 'Transaksi Lain › Pembayaran › Lainnya › BRIVA',
    mobile: ['BRImo', 'BRIVA'],
    internet: ['Internet Banking BRI', 'Pembayaran › BRIVA'],
  },
  mandiri: {
    atm: 'Bayar/Beli › Lainnya › Multi Payment',
    mobile: ["Livin' by Mandiri", 'Bayar › Multipayment'],
    internet: ['Mandiri Internet Banking', 'Bayar › Multi Payment'],
  },
  permata: {
    atm: 'Transaksi Lainnya › Pembayaran › Pembayaran Lainnya › Virtual Account',
    mobile: ['PermataMobile X', 'Bayar Tagihan › Virtual Account'],
    internet: ['PermataNet', 'Pembayaran › Pembayaran Tagihan › Virtual Account'],
  },
  cimb: {
    atm: 'Transfer › Rekening CIMB Niaga Lain/Virtual Account',
    mobile: ['OCTO Mobile', 'Transfer › Rekening CIMB Niaga/Virtual Account'],
    internet: ['OCTO Clicks', 'Transfer › Rekening CIMB Niaga Lain/Virtual Account'],
  },
};

export const bankGuide = (bank: string): BankGuide => {
  const known = GUIDES[brandKey(bank)];
  if (known) return known;
  const name = channelName(bank);
  return { atm: 'Transfer › Virtual Account', mobile: [`${name} Mobile`, 'Transfer › Virtual Account'], internet: [`${name} Internet Banking`, 'Transfer › Virtual Account'] };
};
