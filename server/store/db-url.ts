/**
 * What BAYAR_DB names, without loading a driver: the pg driver (store/postgres.ts) is imported only once a
 * `postgres://` ledger is opened, so a SQLite companion never pays for loading it at start.
 */

/** `postgres://` and `postgresql://` URLs select the PostgreSQL store; anything else in BAYAR_DB is a SQLite path. */
export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

/** The URL with its password masked, for logs. */
export function redactDbUrl(s: string): string {
  if (!isPostgresUrl(s)) return s;
  try {
    const u = new URL(s);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://[unparseable]';
  }
}
