import type { BankGuide } from '../i18n/translation.js';
import { brandKey, channelName } from '../internal/brands.js';

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
