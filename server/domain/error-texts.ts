/**
 * What to tell the customer for each error code a customer can meet, in Bahasa Indonesia and English. The error
 * handler adds it to the answer (`error.text`, beside the developer's `message`), and the widget shows it: the
 * sentences travel with the rare answer that needs them instead of in every customer's download of the widget's
 * texts (about 600 B gzip over its two languages). Codes the widget raises itself (network, timeout, a refused QR
 * or payment address, and a phone number it checks before sending: invalid_phone is in both) keep their texts in
 * widget/i18n.
 */
import type { ApiErrorBody } from '../api-types.js';

type Text = NonNullable<ApiErrorBody['error']['text']>;

const TEXTS: Record<string, Text> = {
  amount_below_minimum: {
    id: 'Jumlah ini di bawah batas minimal metode ini. Pilih metode lain.',
    en: 'This amount is below what this method accepts. Choose another method.',
  },
  amount_above_maximum: {
    id: 'Jumlah ini melebihi batas maksimal metode ini. Pilih metode lain.',
    en: 'This amount is above what this method accepts. Choose another method.',
  },
  method_unavailable: {
    id: 'Metode ini tidak tersedia untuk pesanan ini. Pilih metode lain.',
    en: 'This method is not available for this order. Choose another method.',
  },
  provider_unavailable: {
    id: 'Penyedia pembayaran sedang tidak dapat dihubungi. Coba lagi sebentar lagi atau pilih metode lain.',
    en: 'The payment provider cannot be reached right now. Try again in a moment or choose another method.',
  },
  provider_timeout: {
    id: 'Penyedia pembayaran tidak menjawab tepat waktu. Coba lagi.',
    en: 'The payment provider did not answer in time. Try again.',
  },
  provider_rejected: {
    id: 'Penyedia pembayaran menolak pembayaran ini. Pilih metode lain.',
    en: 'The payment provider refused this payment. Choose another method.',
  },
  invalid_customer: {
    id: 'Sebagian data Anda tidak valid. Periksa lalu coba lagi.',
    en: 'Some of your details are not valid. Check them and try again.',
  },
  invalid_phone: {
    id: 'Masukkan nomor ponsel Indonesia yang valid, misalnya 0812 3456 7890.',
    en: 'Enter a valid Indonesian mobile number, e.g. 0812 3456 7890.',
  },
  order_already_paid: {
    id: 'Pesanan ini sudah dibayar.',
    en: 'This order has already been paid.',
  },
  payment_in_progress: {
    id: 'Pembayaran ini masih disiapkan. Coba lagi sebentar lagi.',
    en: 'This payment is still being set up. Try again in a moment.',
  },
  rate_limited: {
    id: 'Terlalu banyak percobaan. Tunggu sebentar, lalu coba lagi.',
    en: 'Too many attempts. Wait a moment, then try again.',
  },
  session_expired: {
    id: 'Sesi checkout ini sudah berakhir. Muat ulang halaman untuk memulai lagi.',
    en: 'This checkout has expired. Reload the page to start again.',
  },
  session_invalid: {
    id: 'Tautan checkout ini tidak valid. Muat ulang halaman untuk memulai lagi.',
    en: 'This checkout link is not valid. Reload the page to start again.',
  },
};

/** The customer's text for `code` (a copy), or undefined for codes only a developer meets. */
export const errorText = (code: string): Text | undefined => (Object.hasOwn(TEXTS, code) ? { ...TEXTS[code]! } : undefined);
