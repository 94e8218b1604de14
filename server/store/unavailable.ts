/**
 * Whether an error means the ledger cannot be reached right now (database down, restarting, connection lost,
 * file locked or unreadable), as opposed to a bug or bad data. The API answers those 503 `store_unavailable`
 * with Retry-After, and provider webhooks get a 5xx, so clients and providers retry instead of giving up.
 */
const PG_CODES = new Set([
  '08000', '08001', '08003', '08004', '08006', '08007', '08P01', // connection exceptions
  '57P01', '57P02', '57P03', // admin shutdown, crash shutdown, cannot connect now (starting up / shutting down)
  '53300', // too many connections
  '40P01', '40001', // still failing after the store's own retries
]);
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
const SQLITE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|PROTOCOL|NOLFS)/;
const MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|database connection is not open/i;

export function isStoreUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; errors?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (PG_CODES.has(code) || NET_CODES.has(code) || SQLITE_CODES.test(code)) return true;
  // Node reports a refused connection to every address of a host as one AggregateError.
  if (Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every(isStoreUnavailable)) return true;
  return typeof e.message === 'string' && MESSAGES.test(e.message);
}
