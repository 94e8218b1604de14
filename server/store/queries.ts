/**
 * SQL shared by the SQLite and PostgreSQL stores where only placeholders and JSON access differ, so a listing or
 * search rule is written once. JSON expressions must match the expression indexes of migration 4 character for
 * character, or the planners will not use them.
 */
import { LedgerInputError } from '../errors.js';
import { LINK_SELECT, LINK_STATUS_SQL, decodeCursor } from './rows.js';
import type { AuditFilter, LinkListFilter, ListFilter, NotificationRecord } from './types.js';

export type Dialect = 'sqlite' | 'postgres';

export const jsonText = (d: Dialect, col: string, path: string) =>
  d === 'sqlite' ? `json_extract(${col}, '$.${path}')` : `((${col})::jsonb #>> '{${path.split('.').join(',')}}')`;

/** `arg` adds a bound value and returns its placeholder (`?` or `$n`). */
export type Arg = (v: unknown) => string;

/**
 * The payments listing behind the merchant API and the console. Keyset pagination on (created_at, id): a page
 * never repeats or skips rows when payments are inserted meanwhile (new ones sort after the cursor in `asc`
 * and before the first page in `desc`). A search term is matched exactly against each searchable key through
 * its own index (a UNION of index lookups), then the other filters and the order apply to those few rows.
 */
export function listPaymentsSql(d: Dialect, f: ListFilter, arg: Arg): string {
  const where: string[] = [];
  if (f.q !== undefined) {
    const q = f.q.trim();
    const keys = [
      `id = ${arg(q)}`,
      `order_id = ${arg(q)}`,
      `provider_ref = ${arg(q)}`,
      `${jsonText(d, 'instructions', 'va.number')} = ${arg(q.replace(/\s+/g, ''))}`,
      `${jsonText(d, 'instructions', 'cstore.paymentCode')} = ${arg(q)}`,
      `lower(${jsonText(d, 'customer', 'email')}) = ${arg(q.toLowerCase())}`,
      `${jsonText(d, 'customer', 'phone')} = ${arg(q)}`,
    ];
    where.push(`id IN (${keys.map((k) => `SELECT id FROM payments WHERE ${k}`).join(' UNION ')})`);
  }
  if (f.orderId) where.push(`order_id = ${arg(f.orderId)}`);
  if (f.status) where.push(`status = ${arg(f.status)}`);
  if (f.method) where.push(`method = ${arg(f.method)}`);
  if (f.family) where.push(`family = ${arg(f.family)}`);
  if (f.provider) where.push(`provider = ${arg(f.provider)}`);
  // Flags are a JSON array of snake_case words; the quotes make the match whole-word.
  if (f.flag) where.push(`flags LIKE ${arg(`%"${f.flag}"%`)}`);
  if (f.from) where.push(`created_at >= ${arg(f.from)}`);
  if (f.to) where.push(`created_at < ${arg(f.to)}`);
  const cursor = f.after ? decodeCursor(f.after) : null;
  // Reading a damaged cursor as "from the start" would hand a paging client the same rows again, forever.
  if (f.after && !cursor) throw new LedgerInputError('invalid_cursor', 'cursor is not one this server issued; pass `next` from the previous page unchanged.');
  const desc = f.order === 'desc';
  if (cursor) {
    const op = desc ? '<' : '>';
    // Each value bound where it is used: `?` placeholders are positional.
    where.push(`(created_at ${op} ${arg(cursor[0])} OR (created_at = ${arg(cursor[0])} AND id ${op} ${arg(cursor[1])}))`);
  }
  const dir = desc ? 'DESC' : 'ASC';
  return `SELECT * FROM payments ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at ${dir}, id ${dir} LIMIT ${arg(f.limit + 1)}`;
}

export interface OutboxRowFull {
  id: number | string;
  payment_id: string;
  body: string;
  created_at: string;
  delivered_at: string | null;
  next_attempt_at: string;
  last_error: string | null;
  resend_of: number | string | null;
}

export interface AttemptRow {
  outbox_id: number | string;
  at: string;
  ok: number | boolean;
  answer: string;
}

/** Outbox rows with their attempts, in the rows' order. */
export function notificationRecords(rows: OutboxRowFull[], attempts: AttemptRow[]): NotificationRecord[] {
  const byId = new Map<number, NotificationRecord['attempts']>();
  for (const a of attempts) {
    const list = byId.get(Number(a.outbox_id)) ?? [];
    list.push({ at: a.at, ok: a.ok === true || Number(a.ok) === 1, answer: a.answer });
    byId.set(Number(a.outbox_id), list);
  }
  return rows.map((r) => {
    let type = 'unknown';
    try {
      type = String((JSON.parse(r.body) as { type?: string }).type ?? 'unknown');
    } catch {
      /* a body we wrote ourselves is always JSON; keep "unknown" rather than fail the page */
    }
    return {
      id: Number(r.id),
      paymentId: r.payment_id,
      type,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
      nextAttemptAt: r.next_attempt_at,
      lastError: r.last_error,
      attempts: byId.get(Number(r.id)) ?? [],
      resendOf: r.resend_of === null ? null : Number(r.resend_of),
    };
  });
}



/** The console's audit log, newest first, keyset pages on id; the caller appends `LIMIT`. */
export function auditListSql(f: AuditFilter, arg: Arg): string {
  const where: string[] = [];
  if (f.paymentId) where.push(`payment_id = ${arg(f.paymentId)}`);
  if (f.action) where.push(`action = ${arg(f.action)}`);
  if (f.actor) where.push(`actor = ${arg(f.actor)}`);
  if (f.refusedOnly) where.push(`outcome <> 'ok'`);
  if (f.before !== undefined) where.push(`id < ${arg(f.before)}`);
  return `SELECT * FROM console_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${arg(f.limit)}`;
}

/** Payment links, oldest first, keyset pages on (created_at, id); the status filter is judged at `f.now`. */
export function listLinksSql(f: LinkListFilter, arg: Arg): string {
  const where: string[] = [];
  if (f.status) where.push(LINK_STATUS_SQL[f.status].replace('?', () => arg(f.now)));
  if (f.orderId) where.push(`l.order_id = ${arg(f.orderId)}`);
  if (f.from) where.push(`l.created_at >= ${arg(f.from)}`);
  if (f.to) where.push(`l.created_at < ${arg(f.to)}`);
  const cursor = f.after ? decodeCursor(f.after) : null;
  if (f.after && !cursor) throw new LedgerInputError('invalid_cursor', 'cursor is not one this server issued; pass `next` from the previous page unchanged.');
  const [cmp, dir] = f.order === 'desc' ? ['<', ' DESC'] : ['>', ''];
  if (cursor) where.push(`(l.created_at ${cmp} ${arg(cursor[0])} OR (l.created_at = ${arg(cursor[0])} AND l.id ${cmp} ${arg(cursor[1])}))`);
  return `${LINK_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY l.created_at${dir}, l.id${dir} LIMIT ${arg(f.limit + 1)}`;
}
