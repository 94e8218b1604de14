/** HTML text helpers shared by every server-rendered page (emulators, the hosted payment-link page). */

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Rupiah as Indonesian pages show it ("Rp 150.000"): the widget's formatter, on the server. */
export const idr = (n: number) => new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 }).format(n);
