import type { ProviderId, VaGuide } from '../api-types.js';

/**
 * Where each bank puts a Virtual Account payment, per bank AND per provider (the same bank takes a Midtrans bill
 * payment and a Xendit VA through different menus and company codes). Menu labels are the banks' own, so both locales
 * use them verbatim. Only guides with a source are listed; for every other bank the widget gives generic steps that
 * name the bank's app and no menu path.
 *
 * The companion holds them rather than the widget: a customer receives the one guide for their payment in the
 * widget API's answer (`va.guide`, about 150 bytes) instead of every bank's in the views' script (about 420 B gzip).
 */
type Guides = Record<string, { any?: VaGuide } & Partial<Record<ProviderId, VaGuide>>>;

const GUIDES: Guides = {
  // The payment pages Midtrans and Xendit show for BCA VAs; BCA's own m-BCA / KlikBCA menu names.
  bca: {
    any: {
      atm: 'Transaksi Lainnya › Transfer › ke Rek BCA Virtual Account',
      mobile: ['BCA mobile', 'm-BCA › m-Transfer › BCA Virtual Account'],
      internet: ['KlikBCA', 'Transfer Dana › Transfer ke BCA Virtual Account'],
    },
  },
  // BNI's VA payment page as providers render it ("Menu Lainnya › Transfer › Virtual Account Billing").
  bni: {
    any: {
      atm: 'Menu Lainnya › Transfer › Virtual Account Billing',
      mobile: ['BNI Mobile Banking', 'Transfer › Virtual Account Billing'],
      internet: ['BNI Internet Banking', 'Transfer › Virtual Account Billing'],
    },
  },
  // BRI names its VA service BRIVA in every channel.
  bri: {
    any: {
      atm: 'Transaksi Lain › Pembayaran › Lainnya › BRIVA',
      mobile: ['BRImo', 'BRIVA'],
      internet: ['Internet Banking BRI', 'Pembayaran › BRIVA'],
    },
  },
  mandiri: {
    // Midtrans "Mandiri Bill Payment" (echannel, providers.md §5.4): the answer carries the biller code (e.g. 70012)
    // and bill key; Mandiri's ATM takes them under Bayar/Beli › Lainnya › Multi Payment (Mandiri's own biller guides).
    midtrans: {
      atm: 'Bayar/Beli › Lainnya › Multi Payment',
      mobile: ["Livin' by Mandiri", 'Bayar/VA'],
    },
    // docs.xendit.co/docs/mandiri-virtual-account: ATM PAYMENT › MULTI PAYMENT, company code 88608 (XENDIT), then the
    // VA number. Livin': bankmandiri.co.id/livin/edukasi/cara-bayar, "Bayar/VA" on the home page, then the VA number.
    xendit: {
      atm: 'Bayar/Beli › Multi Payment',
      companyCode: '88608',
      mobile: ["Livin' by Mandiri", 'Bayar/VA'],
    },
    // Any other provider's Mandiri VA: Livin' takes any VA number under Bayar/VA (Bank Mandiri's page above).
    any: { mobile: ["Livin' by Mandiri", 'Bayar/VA'] },
  },
  // PermataBank's VA payment menus as providers render them.
  permata: {
    any: {
      atm: 'Transaksi Lainnya › Pembayaran › Pembayaran Lainnya › Virtual Account',
      mobile: ['PermataMobile X', 'Bayar Tagihan › Virtual Account'],
      internet: ['PermataNet', 'Pembayaran › Pembayaran Tagihan › Virtual Account'],
    },
  },
  // CIMB Niaga's OCTO channels.
  cimb: {
    any: {
      atm: 'Transfer › Rekening CIMB Niaga Lain/Virtual Account',
      mobile: ['OCTO Mobile', 'Transfer › Rekening CIMB Niaga/Virtual Account'],
      internet: ['OCTO Clicks', 'Transfer › Rekening CIMB Niaga Lain/Virtual Account'],
    },
  },
  // Xendit's BSI VA guide: BYOND by BSI › Bayar & Beli; ATM Bayar/Beli › Institusi; BSI Net (no menu path given).
  bsi: {
    xendit: { atm: 'Bayar/Beli › Institusi', mobile: ['BYOND by BSI', 'Bayar & Beli'], internet: ['BSI Net'] },
  },
  // Xendit's bjb VA guide: ATM Transaksi Lainnya › Virtual Account; bjb DIGI (mobile) › Virtual Account; bjb NET.
  bjb: {
    xendit: { atm: 'Transaksi Lainnya › Virtual Account', mobile: ['bjb DIGI', 'Virtual Account'], internet: ['bjb NET'] },
  },
};

/**
 * The guide for a bank's VA through a provider: the provider's own, else one that holds for the bank whatever the
 * provider, else none (the widget's generic steps). `bank` as providers write it (`BCA`, `bca`).
 */
export const vaGuide = (bank: string, provider: ProviderId): VaGuide | undefined => {
  const g = GUIDES[bank.toLowerCase().replace(/[^a-z0-9]/g, '')];
  const guide = g?.[provider] ?? g?.any;
  return guide && structuredClone(guide);
};
