import type { CoreTranslation } from './translation.js';

/**
 * Bahasa Indonesia, the default locale: the part the first load needs. The payment views' texts are in
 * id-views.ts, which travels with the views' chunk.
 */
export const id: CoreTranslation = {
  lang: 'id',
  methodsTitle: 'Pilih metode pembayaran',
  families: { va: 'Virtual Account', qris: 'QRIS', ewallet: 'E-wallet', cstore: 'Gerai retail', paylater: 'PayLater', card: 'Kartu kredit/debit' },
  loading: 'Memuat…',
  noMethods: 'Belum ada metode pembayaran yang tersedia untuk pesanan ini.',
  pay: (amount) => (amount ? `Bayar ${amount}` : 'Bayar'),
  processing: 'Memproses…',
  tryAgain: 'Coba lagi',
  cancel: 'Batalkan pembayaran',
  errorTitle: 'Terjadi kesalahan',
  errors: {
    network: 'Tidak dapat terhubung ke server pembayaran. Periksa koneksi Anda lalu coba lagi.',
    config: 'Checkout belum dikonfigurasi: atribut session, order-id + amount, atau items diperlukan.',
    timeout: 'Server pembayaran tidak menjawab. Coba lagi; pembayaran Anda tidak akan dibuat dua kali.',
    generic: 'Pembayaran belum dapat diproses. Coba lagi atau pilih metode lain.',
  },
  waiting: 'Menunggu konfirmasi pembayaran…',
  limit: { below_minimum: (min) => `Minimal ${min}`, above_maximum: (max) => `Maksimal ${max}` },
  lastUsed: 'Terakhir dipakai',
  status: {
    paid: 'Pembayaran berhasil',
    expired: 'Waktu pembayaran habis',
    cancelled: 'Pembayaran dibatalkan',
    failed: 'Pembayaran gagal',
    refunded: 'Dana dikembalikan',
  },
};
