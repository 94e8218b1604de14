/**
 * Strict calendar dates and date-times from requests. JavaScript's Date rolls impossible dates over (2024-02-30 is
 * 1 March) and throws a RangeError on others when formatted; here every field is range-checked and the parsed value
 * must read back as the same calendar fields, so a date that does not exist is refused, never reinterpreted.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function validDay(y: number, m: number, d: number): boolean {
  return y >= 1970 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

/** `YYYY-MM-DD` that exists on the calendar (years 1970–9999). */
export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  return !!m && validDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * A `YYYY-MM-DD` (midnight at `dayOffset`, e.g. "+07:00" for Jakarta) or an ISO 8601 date-time with a zone, as a UTC
 * ISO string; null when it is not one, or names a time that does not exist.
 */
export function parseInstant(s: string, dayOffset = '+07:00'): string | null {
  if (isCalendarDate(s)) return new Date(`${s}T00:00:00${dayOffset}`).toISOString();
  const m = DATE_TIME.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || sec > 59) return null;
  if (m[9] && (Number(m[10]) > 23 || Number(m[11]) > 59)) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}
