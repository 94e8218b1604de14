/** Money and time as the console shows them: one IDR formatter (the widget's), times in Jakarta. */
import type { Lang } from './i18n.js';

export { formatIdr } from '../widget/internal/format.js';
export { groupDigits } from '../widget/internal/view-format.js';

export const formatTime = (iso: string | null | undefined, lang: Lang): string =>
  iso
    ? new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', {
        timeZone: 'Asia/Jakarta',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }).format(new Date(iso))
    : '—';

/** Today in Jakarta (UTC+7, no daylight saving) as YYYY-MM-DD. */
export const jakartaToday = (now = Date.now()): string => new Date(now + 7 * 3600_000).toISOString().slice(0, 10);

export const formatAge = (iso: string, now = Date.now()): string => {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
};

export const percent = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);
