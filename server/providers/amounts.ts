/**
 * Amounts read from a provider, exactly. Only whole rupiah exist, so `150000`, `"150000"` and `"150000.00"` are
 * 150000; a fraction (`149999.5`, `"149999.50"`) or anything unreadable is never rounded into a valid amount: it reads
 * as NaN, which equals no ledger amount, so the payment is flagged amount_mismatch instead of paid.
 * Absent (undefined/null/"") is undefined: the provider did not say.
 */
export function exactRupiah(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : Number.NaN;
  if (typeof v === 'string') {
    const m = /^(\d{1,15})(?:\.(\d+))?$/.exec(v.trim());
    if (!m || (m[2] !== undefined && !/^0+$/.test(m[2]))) return Number.NaN;
    return Number(m[1]);
  }
  return Number.NaN;
}
