/**
 * The console's texts in Indonesian and English, typed against one interface so neither can miss a key. The
 * language follows the browser (`navigator.language`) until the user picks one with the switch.
 */
export type Lang = 'id' | 'en';

const id = {
  lang: 'Bahasa',
  title: 'Konsol Bayar',
  skip: 'Lewati ke konten',
  nav: { overview: 'Ringkasan', payments: 'Pembayaran', reconciliation: 'Rekonsiliasi', notifications: 'Notifikasi', providers: 'Penyedia' },
  sandboxBanner: 'Mode sandbox: semua penyedia adalah emulator lokal. Tidak ada uang sungguhan.',
  signIn: {
    heading: 'Masuk ke konsol',
    intro: 'Masukkan kunci merchant (BAYAR_MERCHANT_KEY), atau nama dan kata sandi pengguna konsol.',
    name: 'Nama pengguna (kosongkan untuk kunci merchant)',
    secret: 'Kunci merchant atau kata sandi',
    submit: 'Masuk',
    wrong: 'Kunci atau nama dan kata sandi salah.',
    limited: 'Terlalu banyak percobaan salah dari alamat ini. Coba lagi dalam 15 menit.',
  },
  signedInAs: (who: string, role: string) => `${who} (${role === 'operator' ? 'operator' : 'hanya baca'})`,
  signOut: 'Keluar',
  loading: 'Memuat…',
  retry: 'Coba lagi',
  none: 'Tidak ada data.',
  status: { pending: 'Menunggu', paid: 'Dibayar', expired: 'Kedaluwarsa', cancelled: 'Dibatalkan', failed: 'Gagal', refunded: 'Dikembalikan' } as Record<string, string>,
  family: { va: 'Virtual Account', qris: 'QRIS', ewallet: 'E-wallet', cstore: 'Gerai ritel', paylater: 'PayLater', card: 'Kartu kredit/debit' } as Record<string, string>,
  flags: { amount_mismatch: 'Nominal berbeda', late_payment: 'Dibayar terlambat', duplicate_payment: 'Pembayaran ganda', external_refund: 'Refund di luar Bayar' } as Record<string, string>,
  payments: {
    heading: 'Pembayaran',
    search: 'Cari',
    searchHint: 'ID pesanan, ID pembayaran, nomor VA, referensi penyedia, email atau telepon',
    status: 'Status',
    method: 'Metode',
    provider: 'Penyedia',
    flag: 'Tanda',
    from: 'Dari tanggal',
    to: 'Sampai tanggal',
    any: 'Semua',
    apply: 'Terapkan',
    reset: 'Atur ulang',
    csv: 'Unduh CSV',
    more: 'Muat lebih banyak',
    order: 'Pesanan',
    amount: 'Nominal',
    created: 'Dibuat',
    count: (n: number) => `${n} ditampilkan`,
  },
  detail: {
    back: 'Kembali ke pembayaran',
    heading: (order: string) => `Pesanan ${order}`,
    paymentId: 'ID pembayaran',
    amount: 'Nominal',
    refunded: 'Sudah dikembalikan',
    method: 'Metode',
    provider: 'Penyedia',
    reference: 'Referensi Bayar',
    providerRef: 'Referensi penyedia',
    expectedFee: 'Perkiraan biaya penyedia',
    va: 'Nomor VA',
    code: 'Kode pembayaran',
    qris: 'Kode QRIS diterbitkan',
    created: 'Dibuat',
    paidAt: 'Dibayar',
    expires: 'Kedaluwarsa',
    customer: 'Pelanggan',
    timeline: 'Riwayat',
    events: 'Peristiwa dari penyedia',
    eventId: 'ID peristiwa',
    verification: 'Verifikasi · hasil',
    verified: 'tanda tangan sah',
    notifications: 'Notifikasi ke merchant',
    attempts: 'Percobaan kirim',
    resend: 'Kirim ulang notifikasi',
    resent: 'Notifikasi dijadwalkan untuk dikirim ulang.',
    noNotifications: 'Belum ada notifikasi (BAYAR_NOTIFY_URL belum diatur?).',
    refund: 'Refund',
    full: 'Penuh',
    partial: 'Sebagian',
    refundAmount: 'Nominal refund (Rp)',
    reason: 'Alasan',
    review: 'Periksa refund',
    confirmText: (amount: string, order: string) => `Kembalikan ${amount} untuk pesanan ${order}? Ini tidak dapat dibatalkan.`,
    confirm: 'Ya, refund sekarang',
    cancel: 'Batal',
    refundDone: (amount: string) => `Refund ${amount} berhasil dicatat.`,
    max: (amount: string) => `Maksimal ${amount}`,
    viewerOnly: 'Pengguna hanya-baca tidak dapat melakukan refund atau kirim ulang.',
    blocked: {
      not_paid: 'Hanya pembayaran berstatus dibayar yang dapat di-refund.',
      fully_refunded: 'Pembayaran ini sudah dikembalikan seluruhnya.',
      provider_disabled: 'Penyedia pembayaran ini tidak aktif di server ini.',
      provider_cannot_refund: 'Penyedia tidak mendukung refund lewat API untuk metode ini.',
    } as Record<string, string>,
    source: (s: string) => sourceWords(s, 'id'),
    kinds: { status: 'Status', provider_event: 'Webhook', notification: 'Notifikasi', refund: 'Refund', console: 'Konsol', routing: 'Perutean' } as Record<string, string>,
  },
  overview: {
    heading: 'Ringkasan',
    range: { today: 'Hari ini', '7d': '7 hari', '30d': '30 hari' } as Record<string, string>,
    paidVolume: 'Volume dibayar',
    paidCount: 'Pembayaran dibayar',
    conversion: 'Konversi (dibuat → dibayar)',
    funnel: (s: number, c: number, p: number) => `${s} sesi → ${c} pembayaran dibuat → ${p} dibayar`,
    refunds: 'Refund',
    perDay: 'Dibayar per hari (WIB)',
    byFamily: 'Bagian per jenis metode',
    byProvider: 'Bagian per penyedia',
    day: 'Hari',
    share: 'Bagian',
  },
  recon: {
    heading: 'Rekonsiliasi',
    date: 'Tanggal (WIB)',
    show: 'Tampilkan',
    csv: 'Unduh CSV',
    mismatches: (n: number) => (n ? `${n} ketidaksesuaian perlu diperiksa` : 'Tidak ada ketidaksesuaian'),
    ledger: 'Buku besar',
    providerSays: 'Penyedia',
    totals: 'Total per penyedia',
    payments: 'Pembayaran',
    paid: 'Dibayar',
    refunded: 'Dikembalikan',
    explain: (ledger: string, provider: string) => `Buku besar mencatat "${ledger}", penyedia melaporkan "${provider}".`,
  },
  notif: {
    heading: 'Notifikasi',
    off: 'Notifikasi merchant nonaktif: atur BAYAR_NOTIFY_URL.',
    backlog: 'Belum terkirim',
    oldest: 'Umur tertua yang belum terkirim',
    failing: 'Pengiriman gagal',
    lastAnswer: 'Jawaban terakhir',
    next: 'Percobaan berikutnya',
    resend: 'Kirim ulang',
    resent: 'Dijadwalkan ulang.',
  },
  prov: {
    heading: 'Penyedia',
    circuit: 'Sirkuit',
    circuitState: { closed: 'Normal (tertutup)', open: 'Terbuka: panggilan dihentikan', half_open: 'Setengah terbuka: menguji', isolated: 'Diisolasi' } as Record<string, string>,
    success: 'Tingkat keberhasilan (24 jam)',
    latency: 'Latensi pembuatan p50 / p95',
    hour: '1 jam',
    dayL: '24 jam',
    webhooks: 'Webhook',
    routing: 'Rute',
    route: (family: string, list: string[]) =>
      list.length === 0 ? `${family}: tidak ditawarkan.` : `${family}: ${list[0]} lebih dulu${list.length > 1 ? `, lalu ${list.slice(1).join(', lalu ')} jika tidak tersedia` : ''}.`,
    latencyNote: 'Latensi dihitung dari panggilan yang dilihat proses ini.',
    health: 'Kesehatan kanal',
    state: 'Keadaan',
    channelState: { healthy: 'Sehat', degraded: 'Menurun: dilewati', probing: 'Menguji ulang' } as Record<string, string>,
    calls: (n: number) => `${n} panggilan`,
  },
};

export type Texts = typeof id;

const en: Texts = {
  lang: 'Language',
  title: 'Bayar console',
  skip: 'Skip to content',
  nav: { overview: 'Overview', payments: 'Payments', reconciliation: 'Reconciliation', notifications: 'Notifications', providers: 'Providers' },
  sandboxBanner: 'Sandbox mode: every provider is a local emulator. No real money moves.',
  signIn: {
    heading: 'Sign in to the console',
    intro: 'Enter the merchant key (BAYAR_MERCHANT_KEY), or a console user’s name and password.',
    name: 'User name (leave empty for the merchant key)',
    secret: 'Merchant key or password',
    submit: 'Sign in',
    wrong: 'The key, or the name and password, are wrong.',
    limited: 'Too many wrong attempts from this address. Try again in 15 minutes.',
  },
  signedInAs: (who, role) => `${who} (${role === 'operator' ? 'operator' : 'read-only'})`,
  signOut: 'Sign out',
  loading: 'Loading…',
  retry: 'Retry',
  none: 'Nothing here.',
  status: { pending: 'Pending', paid: 'Paid', expired: 'Expired', cancelled: 'Cancelled', failed: 'Failed', refunded: 'Refunded' },
  family: { va: 'Virtual Account', qris: 'QRIS', ewallet: 'E-wallet', cstore: 'Convenience store', paylater: 'PayLater', card: 'Credit/debit card' },
  flags: { amount_mismatch: 'Amount mismatch', late_payment: 'Late payment', duplicate_payment: 'Duplicate payment', external_refund: 'Refund outside Bayar' },
  payments: {
    heading: 'Payments',
    search: 'Search',
    searchHint: 'Order id, payment id, VA number, provider reference, email or phone',
    status: 'Status',
    method: 'Method',
    provider: 'Provider',
    flag: 'Flag',
    from: 'From date',
    to: 'To date',
    any: 'Any',
    apply: 'Apply',
    reset: 'Reset',
    csv: 'Download CSV',
    more: 'Load more',
    order: 'Order',
    amount: 'Amount',
    created: 'Created',
    count: (n) => `${n} shown`,
  },
  detail: {
    back: 'Back to payments',
    heading: (order) => `Order ${order}`,
    paymentId: 'Payment id',
    amount: 'Amount',
    refunded: 'Refunded so far',
    method: 'Method',
    provider: 'Provider',
    reference: 'Bayar reference',
    providerRef: 'Provider reference',
    expectedFee: 'Expected provider fee',
    va: 'VA number',
    code: 'Payment code',
    qris: 'QRIS code issued',
    created: 'Created',
    paidAt: 'Paid',
    expires: 'Expires',
    customer: 'Customer',
    timeline: 'Timeline',
    events: 'Provider events',
    eventId: 'Event id',
    verification: 'Verification · outcome',
    verified: 'signature valid',
    notifications: 'Merchant notifications',
    attempts: 'Delivery attempts',
    resend: 'Resend notification',
    resent: 'The notification is queued to be sent again.',
    noNotifications: 'No notifications yet (is BAYAR_NOTIFY_URL set?).',
    refund: 'Refund',
    full: 'Full',
    partial: 'Partial',
    refundAmount: 'Refund amount (Rp)',
    reason: 'Reason',
    review: 'Review refund',
    confirmText: (amount, order) => `Refund ${amount} for order ${order}? This cannot be undone.`,
    confirm: 'Yes, refund now',
    cancel: 'Cancel',
    refundDone: (amount) => `Refund of ${amount} recorded.`,
    max: (amount) => `At most ${amount}`,
    viewerOnly: 'Read-only users cannot refund or resend.',
    blocked: {
      not_paid: 'Only a paid payment can be refunded.',
      fully_refunded: 'This payment is already fully refunded.',
      provider_disabled: 'This payment’s provider is not enabled on this server.',
      provider_cannot_refund: 'The provider cannot refund this method through its API.',
    },
    source: (s) => sourceWords(s, 'en'),
    kinds: { status: 'Status', provider_event: 'Webhook', notification: 'Notification', refund: 'Refund', console: 'Console', routing: 'Routing' },
  },
  overview: {
    heading: 'Overview',
    range: { today: 'Today', '7d': '7 days', '30d': '30 days' },
    paidVolume: 'Paid volume',
    paidCount: 'Paid payments',
    conversion: 'Conversion (created → paid)',
    funnel: (s, c, p) => `${s} session${s === 1 ? '' : 's'} → ${c} created → ${p} paid`,
    refunds: 'Refunds',
    perDay: 'Paid per day (Jakarta time)',
    byFamily: 'Share by method family',
    byProvider: 'Share by provider',
    day: 'Day',
    share: 'Share',
  },
  recon: {
    heading: 'Reconciliation',
    date: 'Date (Jakarta)',
    show: 'Show',
    csv: 'Download CSV',
    mismatches: (n) => (n ? `${n} mismatch${n === 1 ? '' : 'es'} to look at` : 'No mismatches'),
    ledger: 'Ledger',
    providerSays: 'Provider',
    totals: 'Totals per provider',
    payments: 'Payments',
    paid: 'Paid',
    refunded: 'Refunded',
    explain: (ledger, provider) => `The ledger says "${ledger}", the provider says "${provider}".`,
  },
  notif: {
    heading: 'Notifications',
    off: 'Merchant notifications are off: set BAYAR_NOTIFY_URL.',
    backlog: 'Not yet delivered',
    oldest: 'Oldest undelivered, age',
    failing: 'Failing deliveries',
    lastAnswer: 'Last answer',
    next: 'Next attempt',
    resend: 'Resend',
    resent: 'Queued again.',
  },
  prov: {
    heading: 'Providers',
    circuit: 'Circuit',
    circuitState: { closed: 'Normal (closed)', open: 'Open: calls stopped', half_open: 'Half open: testing', isolated: 'Isolated' },
    success: 'Success rate (24 h)',
    latency: 'Create latency p50 / p95',
    hour: '1 hour',
    dayL: '24 hours',
    webhooks: 'Webhooks',
    routing: 'Routing',
    route: (family, list) =>
      list.length === 0 ? `${family}: not offered.` : `${family}: ${list[0]} first${list.length > 1 ? `, then ${list.slice(1).join(', then ')} when unavailable` : ''}.`,
    latencyNote: 'Latency counts the calls this process made.',
    health: 'Channel health',
    state: 'State',
    channelState: { healthy: 'Healthy', degraded: 'Degraded: skipped', probing: 'Probing' },
    calls: (n) => `${n} call${n === 1 ? '' : 's'}`,
  },
};

/** Where a change came from, in words (the ledger writes `webhook:xendit`, `reconciler`, `console:ana`…). */
function sourceWords(s: string, lang: Lang): string {
  const [kind, who] = s.split(':');
  const w = (idText: string, enText: string) => (lang === 'id' ? idText : enText);
  switch (kind) {
    case 'webhook':
      return w(`webhook dari ${who}`, `webhook from ${who}`);
    case 'provider':
      return w(`jawaban ${who} saat dibuat`, `${who}'s answer on create`);
    case 'reconciler':
      return w('pemeriksaan status (rekonsiliator)', 'status check (reconciler)');
    case 'console':
      return w(`konsol, oleh ${who}`, `console, by ${who}`);
    case 'sandbox':
      return w('simulasi sandbox', 'sandbox simulation');
    case 'api':
      return w('API (merchant atau pelanggan)', 'API (merchant or customer)');
    case 'notifier':
      return w('pengirim notifikasi', 'notifier');
    case 'refund':
      return w('refund', 'refund');
    case 'routing':
      // routing:<strategy>, e.g. cheapest_healthy (docs/integration.md, Routing).
      return w(`perutean (${who})`, `routing (${who})`);
    default:
      return s;
  }
}

export const TEXTS: Record<Lang, Texts> = { id, en };

const STORAGE = 'bayar-console-lang';

export function initialLang(): Lang {
  const saved = globalThis.localStorage?.getItem(STORAGE);
  if (saved === 'id' || saved === 'en') return saved;
  return (navigator.language || 'id').toLowerCase().startsWith('id') ? 'id' : 'en';
}

/** Only the language choice is kept in local storage; never a key, token or anything about payments. */
export function saveLang(l: Lang) {
  globalThis.localStorage?.setItem(STORAGE, l);
}
