/**
 * The one IDR formatter (style.md §6): `150000` → `Rp 150.000` (a no-break space after "Rp"), exactly what
 * `Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 })` writes (rupiah have
 * no minor unit in practice: whole rupiah, half away from zero) for any finite amount. Written out rather than asked of Intl: the first Intl
 * formatter a page creates loads the locale data, 12–30 ms of main thread on the bench's machine, and the method list
 * (its limits, the Pay button) needs an amount in its first render; test/widget/format.test.ts holds it to Intl's output.
 */
export const formatIdr = (amount: number): string =>
  `${amount < 0 ? '-' : ''}Rp\u00a0${Math.round(Math.abs(amount))
    .toString()
    .replace(/\B(?=(\d{3})+$)/g, '.')}`;

/** Only http(s) URLs may be opened or linked: anything else (javascript:, data:, relative junk) is refused. */
export const safeHttpUrl = (value: unknown): string | null => {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
};
