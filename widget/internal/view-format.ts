/**
 * Formatting only the payment views need (they travel in the views' chunk, not in the first load): digit groups,
 * deadlines, remaining time, channel names.
 */
import type { Payment, PaySteps } from '../../server/api-types.js';
import type { Locale } from '../i18n/localize.js';
import { MARKS, brandKey } from './brands.js';
import { remembered } from './remember.js';

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

/** The steps from the widget API's answer, by payment (its status updates come without them). */
const stepsById = remembered<NonNullable<Payment['steps']>>();

/**
 * How to pay `p` (the companion's steps, server/domain/pay-steps.ts) in the language the view speaks, with the
 * names and amount the view shows filled in. None when the companion sent none.
 */
export const payStepsFor = (p: Payment, lang: string, values: Record<string, string>): PaySteps[] =>
  (stepsById(p.id, p.steps)?.[lang === 'en' ? 'en' : 'id'] ?? []).map((list) => list.map((s) => s.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m)) as PaySteps);
