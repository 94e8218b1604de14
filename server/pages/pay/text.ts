/**
 * Words of the hosted payment-link page, Indonesian (default) and English, typed against one shape as the
 * widget's translations are.
 */
import { idr } from '../../lib/html.js';

export type PageLang = 'id' | 'en';

export interface PageText {
  /** This language's own name, for the switch. */
  name: string;
  locale: string;
  ogLocale: string;
  total: string;
  amount: string;
  item: string;
  chooseAmount: string;
  amountRange(min: number, max: number): string;
  continue: string;
  changeAmount: string;
  pay: string;
  noscript: string;
  ogDescription(amount: string, shop: string): string;
  /** Alt text of the preview image (what it shows). */
  ogImageAlt(amount: string, shop: string): string;
  openAmountLabel: string;
  receiptTitle: string;
  paid: string;
  shop: string;
  forWhat: string;
  method: string;
  vaNumber: string;
  paymentCode: string;
  reference: string;
  paidAt: string;
  orderId: string;
  paymentId: string;
  print: string;
  backToShop: string;
  keepReceipt: string;
  closedTitle: Record<'completed' | 'expired' | 'disabled' | 'not_found' | 'busy', string>;
  closedBody: Record<'completed' | 'expired' | 'disabled' | 'not_found' | 'busy', string>;
  tryAgain: string;
  securedBy: string;
  languageLabel: string;
}

export const TEXT: Record<PageLang, PageText> = {
  id: {
    name: 'Bahasa Indonesia',
    locale: 'id-ID',
    ogLocale: 'id_ID',
    total: 'Total',
    amount: 'Jumlah',
    item: 'Barang',
    chooseAmount: 'Masukkan jumlah yang ingin Anda bayar',
    amountRange: (min, max) => `Antara ${idr(min)} dan ${idr(max)}, tanpa desimal.`,
    continue: 'Lanjutkan',
    changeAmount: 'Ubah jumlah',
    pay: 'Pembayaran',
    noscript: 'Aktifkan JavaScript untuk memilih metode pembayaran. Ringkasan pesanan di atas tetap berlaku.',
    ogDescription: (amount, shop) => `${amount} · Bayar dengan aman ke ${shop}`,
    ogImageAlt: (amount, shop) => `${shop}: ${amount ? `${amount}, ` : ''}bayar di sini`,
    openAmountLabel: 'Jumlah bebas',
    receiptTitle: 'Pembayaran berhasil',
    paid: 'Lunas',
    shop: 'Toko',
    forWhat: 'Untuk',
    method: 'Metode',
    vaNumber: 'Nomor Virtual Account',
    paymentCode: 'Kode pembayaran',
    reference: 'Referensi',
    paidAt: 'Dibayar pada',
    orderId: 'Nomor pesanan',
    paymentId: 'ID pembayaran',
    print: 'Cetak bukti pembayaran',
    backToShop: 'Kembali ke toko',
    keepReceipt: 'Simpan halaman ini sebagai bukti pembayaran. Tautan yang sama menampilkannya lagi di perangkat ini.',
    closedTitle: {
      completed: 'Tautan ini sudah dibayar',
      expired: 'Tautan pembayaran kedaluwarsa',
      disabled: 'Tautan pembayaran dinonaktifkan',
      not_found: 'Tautan pembayaran tidak ditemukan',
      busy: 'Tautan ini sedang dibayar',
    },
    closedBody: {
      completed: 'Pembayaran untuk tautan ini sudah diterima, jadi tidak bisa dibayar lagi. Hubungi toko jika Anda perlu membayar pesanan lain.',
      expired: 'Batas waktu tautan ini sudah lewat. Minta tautan baru kepada toko.',
      disabled: 'Toko telah menonaktifkan tautan ini. Minta tautan baru kepada toko jika Anda masih ingin membayar.',
      not_found: 'Periksa kembali alamatnya, atau minta tautan baru kepada toko.',
      busy: 'Orang lain sedang membayar tautan ini. Jika pembayarannya tidak selesai, tautan akan terbuka lagi; coba beberapa saat lagi.',
    },
    tryAgain: 'Coba lagi',
    securedBy: 'Pembayaran diproses dengan aman oleh Bayar',
    languageLabel: 'Bahasa',
  },
  en: {
    name: 'English',
    locale: 'en-GB',
    ogLocale: 'en_US',
    total: 'Total',
    amount: 'Amount',
    item: 'Item',
    chooseAmount: 'Enter the amount you want to pay',
    amountRange: (min, max) => `Between ${idr(min)} and ${idr(max)}, whole rupiah.`,
    continue: 'Continue',
    changeAmount: 'Change amount',
    pay: 'Payment',
    noscript: 'Turn on JavaScript to choose a payment method. The order summary above stays valid.',
    ogDescription: (amount, shop) => `${amount} · Pay ${shop} securely`,
    ogImageAlt: (amount, shop) => `${shop}: ${amount ? `${amount}, ` : ''}pay here`,
    openAmountLabel: 'Any amount',
    receiptTitle: 'Payment received',
    paid: 'Paid',
    shop: 'Shop',
    forWhat: 'For',
    method: 'Method',
    vaNumber: 'Virtual Account number',
    paymentCode: 'Payment code',
    reference: 'Reference',
    paidAt: 'Paid at',
    orderId: 'Order number',
    paymentId: 'Payment ID',
    print: 'Print receipt',
    backToShop: 'Back to the shop',
    keepReceipt: 'Keep this page as your receipt. The same link shows it again on this device.',
    closedTitle: {
      completed: 'This link has been paid',
      expired: 'This payment link has expired',
      disabled: 'This payment link was disabled',
      not_found: 'Payment link not found',
      busy: 'This link is being paid',
    },
    closedBody: {
      completed: 'The payment for this link was received, so it cannot be paid again. Contact the shop if you need to pay for another order.',
      expired: 'This link is past its deadline. Ask the shop for a new link.',
      disabled: 'The shop has disabled this link. Ask the shop for a new link if you still want to pay.',
      not_found: 'Check the address, or ask the shop for a new link.',
      busy: 'Someone else is paying this link right now. If their payment does not go through, the link opens again; try again in a while.',
    },
    tryAgain: 'Try again',
    securedBy: 'Payment processed securely by Bayar',
    languageLabel: 'Language',
  },
};

/** `?lang=` wins; otherwise the first of id/en in Accept-Language by quality; Indonesian by default. */
export function pickLang(query: unknown, acceptLanguage: string | undefined): PageLang {
  if (query === 'id' || query === 'en') return query;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { lang: tag!.split('-')[0]!, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => (x.lang === 'id' || x.lang === 'en') && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return (ranked[0]?.lang as PageLang | undefined) ?? 'id';
}

/** Paid time as the customer's receipt shows it: Jakarta time, marked WIB. */
export function wib(iso: string, lang: PageLang): string {
  const f = new Intl.DateTimeFormat(TEXT[lang].locale, { timeZone: 'Asia/Jakarta', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
  return `${f.format(new Date(iso))} WIB`;
}
