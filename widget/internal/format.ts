// The one IDR formatter (style.md §6). Rupiah have no minor unit in practice, so no decimals.
const idr = new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 });

/** `150000` → `Rp 150.000` (as Intl formats it for id-ID). */
export const formatIdr = (amount: number): string => idr.format(amount);

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
