/**
 * Indonesian mobile numbers, as e-wallets that approve in their app need them (OVO's `mobile_number`, providers.md
 * §4.2). One normaliser for the widget API's check and for the adapters.
 */

/** `0812-3456-7890`, `+62 812…`, `62812…`, `812…` → `+62812…`; null when it is not an Indonesian mobile number. */
export function toIndonesianMobile(phone: string | undefined): string | null {
  if (!phone) return null;
  const compact = phone.replace(/[\s\-().]/g, '');
  let rest: string;
  if (/^\+62\d+$/.test(compact)) rest = compact.slice(3);
  else if (/^62\d+$/.test(compact)) rest = compact.slice(2);
  else if (/^0\d+$/.test(compact)) rest = compact.slice(1);
  else if (/^8\d+$/.test(compact)) rest = compact;
  else return null;
  return /^8\d{7,12}$/.test(rest) ? `+62${rest}` : null;
}
