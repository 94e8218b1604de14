import type { Locale } from '../i18n/localize.js';

// The one IDR formatter (style.md §6). Rupiah have no minor unit in practice, so no decimals.
const idr = new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 });

/** `150000` → `Rp 150.000` (as Intl formats it for id-ID). */
export const formatIdr = (amount: number): string => idr.format(amount);

/** Groups a VA number or payment code in blocks of four for reading aloud: `8808123456789012` → `8808 1234 5678 9012`. */
export const groupDigits = (value: string): string => value.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');

/**
 * A deadline as a local date-time with the zone, e.g. `24 November 2025 pukul 14.30 WIB`. English formats Indonesia's
 * zones as GMT+7/8/9; shoppers know them as WIB, WITA and WIT, whatever the language.
 */
export const formatDeadline = (iso: string, locale: Locale): string =>
  new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  })
    .format(new Date(iso))
    .replace(/GMT\+([789])$/, (_, h: string) => ['WIB', 'WITA', 'WIT'][+h - 7]!);

/** Remaining milliseconds as `h:mm:ss` or `mm:ss`. */
export const formatRemaining = (ms: number): string => {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
};

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
