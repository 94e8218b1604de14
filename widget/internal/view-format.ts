/**
 * Formatting only the payment views need (they travel in the views' chunk, not in the first load): digit groups,
 * deadlines, remaining time, channel names.
 */
import type { Locale } from '../i18n/localize.js';
import { MARKS, brandKey } from './brands.js';

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

/** Names as the banks write them where the badge is shorter. */
const NAMES: Record<string, string> = { cimb: 'CIMB Niaga', bjb: 'bjb' };

/** Human name of a channel, e.g. `mandiri` → `Mandiri`, `shopeepay` → `ShopeePay`, `cimb` → `CIMB Niaga`. */
export const channelName = (channel: string): string => {
  const key = brandKey(channel);
  if (NAMES[key]) return NAMES[key];
  const name = MARKS[key] ?? channel;
  return name.length <= 4 ? name.toUpperCase() : name[0]!.toUpperCase() + name.slice(1);
};
